package notify

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
)

func sampleCase(withService bool) *beian.Case {
	info := beian.CauseContentNumber.Info()
	k := &beian.Case{ID: "0190c0de-0000-7000-8000-00000000abcd", Level: beian.LevelService, SubjectName: "深圳示例科技有限公司",
		ServiceName: "示例官网", Number: "粤ICP备2026000001号-1", Cause: info.Cause, Category: info.Category, Notice: info.Notice,
		Reason: info.Reason, Suggestion: info.Suggestion, Detail: "管局通知：首页未悬挂备案号。", Targets: []string{"example.cn"},
		OpenedAt: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC), DueAt: time.Date(2026, 12, 7, 15, 59, 59, 0, time.UTC),
		Extension: beian.CaseExtension{Granted: 5, Note: "同意"}}
	if !withService {
		k.Level, k.ServiceName, k.Detail, k.Targets, k.DueAt = beian.LevelSubject, "", "", nil, time.Time{}
	}
	return k
}

// TestCaseTemplatesComplete renders every case notice in both languages,
// with and without the optional parts: nothing is missing or unfilled, and
// each SMS fits its segments.
func TestCaseTemplatesComplete(t *testing.T) {
	n, err := New(Config{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCaseNotifier(n, func(id string) string { return "https://beian.example.com/portal/cases/" + id })
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
		for _, notice := range caseTemplateKeys {
			for _, full := range []bool{true, false} {
				k := sampleCase(full)
				v := c.view(k, lang)
				name := "case." + string(notice)
				var parts []string
				for _, p := range []string{".subject", ".body"} {
					s, err := c.exec(lang, name+p, v)
					if err != nil {
						t.Fatalf("%s %s: %v", lang, name+p, err)
					}
					parts = append(parts, s)
				}
				if caseSMS[notice] {
					s, err := c.exec(lang, name+".sms", v)
					if err != nil {
						t.Fatalf("%s %s.sms: %v", lang, name, err)
					}
					limit := 1
					if lang == beian.LangEN {
						limit = 2
					}
					if segs := SMSSegments("某某云备案", s); segs > limit {
						t.Errorf("%s %s SMS takes %d segments: %s", lang, name, segs, s)
					}
					parts = append(parts, s)
				}
				text, html, err := c.mail(lang, parts[0], parts[1], v, k)
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, text, html)
				for _, s := range parts {
					if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
						t.Errorf("%s %s: unfilled placeholder: %s", lang, name, s)
					}
				}
				if !strings.Contains(parts[0], "0000ABCD") || !strings.Contains(text, "/portal/cases/"+k.ID) {
					t.Errorf("%s %s: reference or link missing", lang, name)
				}
			}
		}
	}
}

// nopStore satisfies Config.Store for rendering tests.
type nopStore struct{ beian.Store }

// TestNotifyCase writes a case's opening notice on both databases: SMS and
// e-mail to the subject's and the site's principals, e-mail to the account
// owner, in-app to the account; a retry writes nothing twice.
func TestNotifyCase(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		env := testenv.Open(t, dialect)
		ctx := context.Background()
		n, err := New(Config{Store: env.DB})
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCaseNotifier(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		env.Queue.Handle(JobDeliver, func(context.Context, beian.Job) error { return nil })
		k := sampleCase(true)
		k.ID = ""
		err = env.DB.Update(ctx, func(tx beian.Tx) error {
			a := &beian.Account{Name: "acme", CreatedAt: tx.Now()}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, &beian.User{AccountID: a.ID, Login: "acme", Role: beian.RoleCustomer, Email: "owner@example.com", CreatedAt: tx.Now()}); err != nil {
				return err
			}
			p := beian.Person{Name: "王建国", CertificateType: beian.CertResidentID, CertificateNumber: "110101198005060011",
				Mobile: "13800138001", Email: "wang@example.com"}
			rs := &beian.RecordSubject{AccountID: a.ID, Subject: beian.Subject{Province: "44", Nature: beian.NatureEnterprise, Name: "深圳示例科技有限公司",
				Principal: p}, Status: beian.RecordFiled}
			if err := tx.CreateRecordSubject(ctx, rs); err != nil {
				return err
			}
			site := p
			site.Mobile, site.Email = "13900139002", "site@example.com"
			svc := &beian.RecordService{SubjectID: rs.ID, Kind: beian.KindWebsite, Status: beian.RecordFiled,
				Website: &beian.Website{Name: "示例官网", Domains: []string{"example.cn"}, Principal: site},
				Access:  []beian.AccessRecord{{Ours: true, Status: beian.AccessActive, IPs: []beian.IPRange{beian.SingleIP(netip.MustParseAddr("121.36.1.1"))}}}}
			if err := tx.CreateRecordService(ctx, svc); err != nil {
				return err
			}
			k.AccountID, k.SubjectID, k.ServiceID, k.Key = a.ID, rs.ID, svc.ID, beian.CaseKey(beian.LevelService, svc.ID, k.Cause)
			k.State = beian.CaseOpened
			return tx.CreateCase(ctx, k)
		})
		if err != nil {
			t.Fatal(err)
		}
		write := func() int {
			var written int
			if err := env.DB.Update(ctx, func(tx beian.Tx) (err error) {
				written, err = c.NotifyCase(ctx, tx, k, beian.NoticeOpened, "opened/v1")
				return
			}); err != nil {
				t.Fatal(err)
			}
			return written
		}
		if got := write(); got != 6 {
			t.Fatalf("wrote %d messages, want 2 SMS, 3 e-mails and 1 in-app", got)
		}
		if got := write(); got != 0 {
			t.Fatalf("a retry wrote %d messages", got)
		}
		var rows []*beian.Notification
		_ = env.DB.View(ctx, func(tx beian.Tx) (err error) {
			rows, _, err = tx.FindNotifications(ctx, beian.NotificationFilter{EntityType: "case", EntityID: k.ID})
			return
		})
		got := map[string]bool{}
		for _, r := range rows {
			got[string(r.Channel)+" "+r.Recipient] = true
			if r.Template != "case.opened" || r.Lang != beian.LangZH {
				t.Errorf("row %+v", r)
			}
			if r.Channel == beian.ChannelEmail && (!strings.Contains(r.Text, "未悬挂备案号") || !strings.Contains(r.HTML, "整改建议")) {
				t.Errorf("e-mail: %s", r.Text)
			}
		}
		for _, want := range []string{"sms 13800138001", "sms 13900139002", "email wang@example.com", "email site@example.com",
			"email owner@example.com", "inapp " + k.AccountID} {
			if !got[want] {
				t.Errorf("no %s among %v", want, got)
			}
		}
	})
}
