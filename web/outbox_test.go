package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
)

func TestOutboxPage(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		acctA, a := ts.account("acme")
		acctB, b := ts.account("globex")
		admin := ts.user("root", beian.RoleAdmin, "")
		reviewer := ts.user("rev", beian.RoleReviewer, "")
		sub := ts.user("acme-sub", beian.RoleSubUser, acctA.ID, beian.PolicyBeianAdministrator)

		rows := []*beian.Notification{
			{AccountID: acctA.ID, Channel: beian.ChannelEmail, Recipient: "zhangsan@example.com", Template: "order.review_pass",
				Subject: "备案初审已通过（订单尾号 AAAA0001）", Text: "您好：\n\n主办者「<script>x</script>」已通过初审。\n第二行",
				Status: beian.NotificationOutbox, Transport: beian.TransportOutbox},
			{AccountID: acctA.ID, Channel: beian.ChannelSMS, Recipient: "13800138000", Template: "order.review_pass",
				Text: "您的ICP备案订单AAAA0001已通过初审。", Status: beian.NotificationSent, Transport: "sms:http"},
			{AccountID: acctA.ID, Channel: beian.ChannelInApp, Recipient: acctA.ID, Template: "order.bureau_submit",
				Subject: "备案信息提交管局通知（订单尾号 AAAA0001）", Text: "已提交管局。", Status: beian.NotificationSent, Transport: beian.TransportInApp},
			{AccountID: acctB.ID, Channel: beian.ChannelSMS, Recipient: "13900139000", Template: "order.review_reject",
				Text: "您的ICP备案订单BBBB0002初审未通过。", Status: beian.NotificationFailed, Transport: "sms:http", Attempts: 8,
				LastError: "sms: gateway answered HTTP 503"},
		}
		ts.update(func(tx beian.Tx) error {
			for i, n := range rows {
				n.EntityType, n.EntityID, n.CauseKey, n.Lang = "order", "order-"+string(rune('a'+i)), "k"+string(rune('a'+i)), beian.LangZH
				ts.Clock.Advance(1e9)
				if _, err := tx.CreateNotification(ctx, n); err != nil {
					return err
				}
			}
			return nil
		})

		t.Run("admin sees everything with full recipients", func(t *testing.T) {
			code, body := ts.get(ts.client(admin), "/outbox")
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for _, want := range []string{"zhangsan@example.com", "13800138000", "13900139000", "BBBB0002", "初审通过", "初审驳回",
				"sms: gateway answered HTTP 503", "共 4 条消息", "&lt;script&gt;x&lt;/script&gt;", "<br>第二行"} {
				if !strings.Contains(body, want) {
					t.Errorf("admin page lacks %q", want)
				}
			}
			if strings.Contains(body, "<script>x") {
				t.Error("message text not escaped")
			}
			// Newest first.
			if strings.Index(body, "BBBB0002") > strings.Index(body, "AAAA0001") {
				t.Error("not newest first")
			}
			_, body = ts.get(ts.client(admin), "/outbox?channel=sms&status=failed")
			if !strings.Contains(body, "13900139000") || strings.Contains(body, "13800138000") || !strings.Contains(body, "共 1 条消息") {
				t.Error("filter by channel and status does not work")
			}
		})

		t.Run("customer sees own messages kept in Beian, masked", func(t *testing.T) {
			code, body := ts.get(ts.client(a), "/outbox")
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for _, want := range []string{"z****@example.com", "备案初审已通过", "备案信息提交管局通知", "共 2 条消息"} {
				if !strings.Contains(body, want) {
					t.Errorf("customer page lacks %q", want)
				}
			}
			for _, absent := range []string{"zhangsan@example.com", "13800138000", "138****8000", "BBBB0002", "13900139000", acctA.ID} {
				if strings.Contains(body, absent) {
					t.Errorf("customer page shows %q", absent)
				}
			}
			_, body = ts.get(ts.client(b), "/outbox")
			if strings.Contains(body, "AAAA0001") || !strings.Contains(body, "暂无消息") {
				t.Error("B sees A's messages, or its failed SMS that went out")
			}
		})

		t.Run("others are refused", func(t *testing.T) {
			if code, _ := ts.get(ts.client(nil), "/outbox"); code != http.StatusSeeOther {
				t.Errorf("anonymous: %d, want a redirect to sign in", code)
			}
			for name, u := range map[string]*beian.User{"reviewer": reviewer, "sub-user": sub} {
				if code, body := ts.get(ts.client(u), "/outbox"); code != http.StatusForbidden || strings.Contains(body, "AAAA0001") {
					t.Errorf("%s: %d", name, code)
				}
			}
		})

		t.Run("English", func(t *testing.T) {
			c := ts.client(admin)
			u, _ := url.Parse(ts.URL)
			c.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: "en"}})
			_, body := ts.get(c, "/outbox")
			for _, want := range []string{"Message outbox", "Review passed", "Kept in the outbox (not sent out)", "4 message(s)", "8 attempt(s): "} {
				if !strings.Contains(body, want) {
					t.Errorf("English page lacks %q", want)
				}
			}
		})

		t.Run("customer chooses the message language", func(t *testing.T) {
			c := ts.client(a)
			code, _, loc := ts.post(c, "/outbox/language", url.Values{"lang": {"en"}})
			if code != http.StatusSeeOther || loc != "/outbox" {
				t.Fatalf("post: %d → %q", code, loc)
			}
			err := ts.DB.View(ctx, func(tx beian.Tx) error {
				l, err := tx.NotificationLanguage(ctx, acctA.ID)
				if l != beian.LangEN {
					t.Errorf("language = %q", l)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, body := ts.get(c, "/outbox"); !strings.Contains(body, `<option value="en" selected>`) {
				t.Error("the choice is not shown")
			}
			if code, _, _ := ts.post(c, "/outbox/language", url.Values{"lang": {"fr"}}); code != http.StatusUnprocessableEntity {
				t.Errorf("unknown language: %d", code)
			}
			if code, _, _ := ts.post(ts.client(admin), "/outbox/language", url.Values{"lang": {"en"}}); code != http.StatusForbidden {
				t.Errorf("admin setting a customer language: %d", code)
			}
		})
	})
}
