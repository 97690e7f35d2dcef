package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestNotifications(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		acct := &beian.Account{Name: "notify-acct"}
		db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, acct) })

		sms := &beian.Notification{AccountID: acct.ID, EntityType: "order", EntityID: "o1", CauseKey: "order/o1/review_pass/v2",
			Channel: beian.ChannelSMS, Recipient: "13800138000", Template: "order.review_pass", Lang: beian.LangZH,
			Text: "【Beian】张三的备案初审已通过"}
		mail := &beian.Notification{AccountID: acct.ID, EntityType: "order", EntityID: "o1", CauseKey: "order/o1/review_pass/v2",
			Channel: beian.ChannelEmail, Recipient: "Zhang.San@Example.com", Template: "order.review_pass", Lang: beian.LangZH,
			Subject: "初审通过：张三", Text: "正文", HTML: "<p>正文</p>"}

		t.Run("create once per cause, channel and recipient", func(t *testing.T) {
			db.update(t, func(tx beian.Tx) error {
				for _, n := range []*beian.Notification{sms, mail} {
					created, err := tx.CreateNotification(ctx, n)
					if err != nil || !created {
						t.Fatalf("create %s: created=%v err=%v", n.Channel, created, err)
					}
				}
				return nil
			})
			// The same recipient written differently is the same recipient.
			again := *sms
			again.ID, again.Recipient = "", "+86 138 0013 8000"
			db.update(t, func(tx beian.Tx) error {
				created, err := tx.CreateNotification(ctx, &again)
				if err != nil || created {
					t.Fatalf("duplicate: created=%v err=%v", created, err)
				}
				return nil
			})
			if again.ID != sms.ID {
				t.Errorf("duplicate ID = %s, want the existing %s", again.ID, sms.ID)
			}
			// A later event instance is a new message.
			later := *sms
			later.ID, later.CauseKey = "", "order/o1/review_pass/v5"
			db.update(t, func(tx beian.Tx) error {
				created, err := tx.CreateNotification(ctx, &later)
				if err != nil || !created {
					t.Fatalf("later: created=%v err=%v", created, err)
				}
				return nil
			})
		})

		t.Run("personal data encrypted at rest", func(t *testing.T) {
			rows := db.rawRows(t, `SELECT recipient_enc, recipient_bidx, subject_enc, text_enc, html_enc FROM notifications`)
			for _, r := range rows {
				for _, clear := range []string{"13800138000", "Zhang.San", "张三", "正文"} {
					if strings.Contains(r, clear) {
						t.Errorf("row holds %q in clear: %s", clear, r)
					}
				}
			}
		})

		t.Run("round trip and delivery update", func(t *testing.T) {
			db.Clock.Add(time.Minute)
			var got *beian.Notification
			db.update(t, func(tx beian.Tx) error {
				var err error
				if got, err = tx.FindNotification(ctx, mail.ID); err != nil {
					return err
				}
				got.Status, got.Attempts, got.Transport, got.SentAt = beian.NotificationSent, 1, "smtp", tx.Now()
				return tx.UpdateNotificationDelivery(ctx, got)
			})
			db.view(t, func(tx beian.Tx) error {
				n, err := tx.FindNotification(ctx, mail.ID)
				if err != nil {
					return err
				}
				if n.Recipient != mail.Recipient || n.Subject != mail.Subject || n.HTML != mail.HTML || n.Text != mail.Text {
					t.Errorf("content = %+v", n)
				}
				if n.Status != beian.NotificationSent || n.Attempts != 1 || n.Transport != "smtp" || !n.SentAt.Equal(got.SentAt) {
					t.Errorf("delivery = %s %d %s %v", n.Status, n.Attempts, n.Transport, n.SentAt)
				}
				if !n.CreatedAt.Before(n.SentAt) || n.Lang != beian.LangZH || n.Template != "order.review_pass" {
					t.Errorf("row = %+v", n)
				}
				return nil
			})
			err := db.Update(ctx, func(tx beian.Tx) error {
				return tx.UpdateNotificationDelivery(ctx, &beian.Notification{ID: "missing", Status: beian.NotificationSent})
			})
			wantCode(t, err, beian.ENOTFOUND, "")
		})

		t.Run("list newest first with filters", func(t *testing.T) {
			db.view(t, func(tx beian.Tx) error {
				all, total, err := tx.FindNotifications(ctx, beian.NotificationFilter{AccountID: acct.ID})
				if err != nil {
					return err
				}
				if total != 3 || len(all) != 3 {
					t.Fatalf("total = %d, rows = %d", total, len(all))
				}
				for i := 1; i < len(all); i++ {
					if all[i].CreatedAt.After(all[i-1].CreatedAt) {
						t.Errorf("not newest first: %v after %v", all[i].CreatedAt, all[i-1].CreatedAt)
					}
				}
				sent, n, err := tx.FindNotifications(ctx, beian.NotificationFilter{Transports: []string{"smtp"}, Channels: []beian.Channel{beian.ChannelEmail}})
				if err != nil || n != 1 || sent[0].ID != mail.ID {
					t.Errorf("by transport: n=%d err=%v", n, err)
				}
				pending, n, err := tx.FindNotifications(ctx, beian.NotificationFilter{Statuses: []beian.NotificationStatus{beian.NotificationPending}, Limit: 1})
				if err != nil || n != 2 || len(pending) != 1 {
					t.Errorf("pending: n=%d rows=%d err=%v", n, len(pending), err)
				}
				none, n, err := tx.FindNotifications(ctx, beian.NotificationFilter{AccountID: "other"})
				if err != nil || n != 0 || len(none) != 0 {
					t.Errorf("other account: n=%d err=%v", n, err)
				}
				return nil
			})
		})

		t.Run("language preference", func(t *testing.T) {
			db.view(t, func(tx beian.Tx) error {
				if l, err := tx.NotificationLanguage(ctx, acct.ID); err != nil || l != beian.LangZH {
					t.Errorf("default = %q, %v", l, err)
				}
				return nil
			})
			db.update(t, func(tx beian.Tx) error { return tx.SetNotificationLanguage(ctx, acct.ID, beian.LangEN) })
			db.view(t, func(tx beian.Tx) error {
				if l, err := tx.NotificationLanguage(ctx, acct.ID); err != nil || l != beian.LangEN {
					t.Errorf("after choosing en = %q, %v", l, err)
				}
				return nil
			})
			db.update(t, func(tx beian.Tx) error { return tx.SetNotificationLanguage(ctx, acct.ID, "fr") })
			db.view(t, func(tx beian.Tx) error {
				if l, _ := tx.NotificationLanguage(ctx, acct.ID); l != beian.LangZH {
					t.Errorf("unknown language stored as %q, want zh-CN", l)
				}
				return nil
			})
			err := db.Update(ctx, func(tx beian.Tx) error { return tx.SetNotificationLanguage(ctx, "no-such-account", beian.LangEN) })
			wantCode(t, err, beian.ENOTFOUND, "")
		})

		t.Run("no writes in a view", func(t *testing.T) {
			err := db.View(ctx, func(tx beian.Tx) error {
				_, err := tx.CreateNotification(ctx, &beian.Notification{CauseKey: "k", Channel: beian.ChannelInApp, Recipient: acct.ID})
				return err
			})
			wantCode(t, err, beian.EINTERNAL, "store.read_only")
		})
	})
}
