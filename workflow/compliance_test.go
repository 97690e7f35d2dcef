package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// TestComplianceCaseLifecycle is issue 6's "done when" item 2. Two filed
// websites are probed: A resolves to another provider's address, B's
// homepage lacks its number. The first sweep only suspects them; the
// confirming re-probe half an hour later opens the cases, and the customers
// are notified (outbox rows). A asks for an extension and gets it; B fixes
// its homepage and a re-check closes its case. A's deadline passes: the case
// is escalated, the 取消接入 order is created, passed and uploaded to the
// bureau simulator, and once the bureau's result is downloaded the record
// shows the access cancelled.
func TestComplianceCaseLifecycle(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newCmpWorld(t, dialect)
		ctx := w.ctx
		cs := w.file(enterprise(1, "121.36.10.20"), enterprise(2, "121.36.10.21"))
		a, b := cs[0], cs[1]
		svcA, svcB := a.service(), b.service()

		// Planted faults: A resolves elsewhere, B shows no number.
		w.dns.set(a.domains[0], "8.8.8.8")
		w.dns.set(b.domains[0], "121.36.10.21")
		w.sites.set(b.domains[0], "青云数据官网", "© 2026 青云数据")

		run, err := w.c.Sweep(ctx, workflow.SweepArgs{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Targets != 2 || run.Suspects != 2 || run.Opened != 0 || run.State != beian.SweepDone {
			t.Fatalf("first sweep: %+v", run)
		}
		if n := len(w.cases(beian.CaseFilter{})); n != 0 {
			t.Fatalf("%d cases from unconfirmed faults", n)
		}
		// Too early: a re-probe ten minutes later confirms nothing.
		w.env.Clock.Advance(10 * time.Minute)
		if run, err = w.c.Sweep(ctx, workflow.SweepArgs{Scope: beian.SweepConfirm, ScopeID: svcA.ID}); err != nil || run.Opened != 0 {
			t.Fatalf("early confirmation: %+v %v", run, err)
		}
		w.env.Clock.Advance(25 * time.Minute)
		for _, s := range []*beian.RecordService{svcA, svcB} {
			if run, err = w.c.Sweep(ctx, workflow.SweepArgs{Scope: beian.SweepConfirm, ScopeID: s.ID}); err != nil || run.Opened != 1 {
				t.Fatalf("confirmation of %s: %+v %v", s.Name(), run, err)
			}
		}
		kA := w.theCase(beian.CaseFilter{ServiceID: svcA.ID})
		kB := w.theCase(beian.CaseFilter{ServiceID: svcB.ID})
		if kA.Cause != beian.CauseAccessElsewhere || kA.Category != beian.CategoryAccess || kA.Source != beian.SourceProbe ||
			kA.AccountID != a.user.AccountID || !slices.Equal(kA.Targets, a.domains) || kA.Notice.ZH != "未解析至接入商服务器（解析至非本接入商IP）" {
			t.Fatalf("case A: %+v", kA)
		}
		if kB.Cause != beian.CauseContentNumber || kB.Category != beian.CategoryContent || kB.Notice.ZH != "未悬挂备案号" {
			t.Fatalf("case B: %+v", kB)
		}
		wantDue, _ := w.wf.Calendar().AddWorkdays(kA.OpenedAt, workflow.DefaultCaseDeadlines[beian.CategoryAccess])
		if !kA.DueAt.Equal(wantDue.UTC().Truncate(time.Microsecond)) {
			t.Errorf("deadline %v, want %v", kA.DueAt, wantDue)
		}
		var ev []beian.CaseEvidence
		w.view(func(tx beian.Tx) (err error) { ev, err = tx.CaseEvidence(ctx, kA.ID, 0); return })
		if len(ev) == 0 || ev[0].Evidence.Code != "dns.not_our_range" || len(ev[0].Evidence.Resolved) != 1 || ev[0].Evidence.Resolved[0].String() != "8.8.8.8" {
			t.Fatalf("evidence of A: %+v", ev)
		}

		// The opening notices: SMS, e-mail and in-app, and the case is notified.
		w.await("both cases notified", func() bool {
			return w.caseByID(kA.ID).State == beian.CaseNotified && w.caseByID(kB.ID).State == beian.CaseNotified
		})
		channels := map[beian.Channel]int{}
		for _, n := range w.notifications(kA.ID) {
			channels[n.Channel]++
			if n.Template != "case.opened" {
				t.Errorf("notice %s", n.Template)
			}
			if n.Channel == beian.ChannelSMS && n.Recipient != a.rec.Subject.Subject.Principal.Mobile {
				t.Errorf("SMS to the wrong number")
			}
			if n.Channel == beian.ChannelEmail && !strings.Contains(n.Text, "未解析至接入商服务器") {
				t.Errorf("e-mail text: %s", n.Text)
			}
		}
		if channels[beian.ChannelSMS] != 1 || channels[beian.ChannelEmail] < 1 || channels[beian.ChannelInApp] != 1 {
			t.Fatalf("opening notice channels: %v", channels)
		}

		// A asks for five more working days; a reviewer may not decide, the
		// officer grants them.
		if _, err := w.wf.RequestExtension(ctx, b.user, kA.ID, 5, "迁移中"); beian.ErrorCode(err) != beian.ENOTFOUND {
			t.Fatalf("another customer asked for A's extension: %v", err)
		}
		if _, err := w.wf.RequestExtension(ctx, a.user, kA.ID, 9, "服务器迁移中"); beian.ErrorCode(err) != beian.EINVALID {
			t.Fatalf("nine days: %v", err)
		}
		if _, err := w.wf.RequestExtension(ctx, a.user, kA.ID, 5, "服务器迁移中，需要更新解析"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.wf.DecideExtension(ctx, w.reviewer, kA.ID, true, 5, ""); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Fatalf("reviewer decided: %v", err)
		}
		kA, err = w.wf.DecideExtension(ctx, w.officer, kA.ID, true, 5, "同意")
		if err != nil {
			t.Fatal(err)
		}
		extended, _ := w.wf.Calendar().AddWorkdays(wantDue, 5)
		if kA.State != beian.CaseExtended || !kA.DueAt.Equal(extended.UTC().Truncate(time.Microsecond)) || kA.Extension.Granted != 5 {
			t.Fatalf("extended case: %s %v %+v", kA.State, kA.DueAt, kA.Extension)
		}
		if _, err := w.wf.RequestExtension(ctx, a.user, kA.ID, 2, "再延期"); beian.ErrorCode(err) != beian.ECONFLICT {
			t.Fatalf("second extension: %v", err)
		}
		w.await("extension notice", func() bool {
			for _, n := range w.notifications(kA.ID) {
				if n.Template == "case.extension_granted" {
					return true
				}
			}
			return false
		})

		// B fixes its homepage and asks for a re-check: closed as fixed.
		num := svcB.Number.DisplayNumber().String()
		w.sites.set(b.domains[0], "青云数据官网", `© 2026 青云数据 <a href="https://beian.miit.gov.cn/" target="_blank">`+num+`</a>`)
		rechecks := w.count(workflow.JobComplianceRecheck, kB.ID)
		if _, err := w.wf.RequestRecheck(ctx, b.user, kB.ID); err != nil {
			t.Fatal(err)
		}
		w.awaitJobs(workflow.JobComplianceRecheck, kB.ID, rechecks+1)
		if got := w.caseByID(kB.ID); got.State != beian.CaseClosed || got.Resolution != beian.ResolutionFixed || got.RecheckedAt.IsZero() {
			t.Fatalf("B after the re-check: %s %s", got.State, got.Resolution)
		}
		w.await("closing notice", func() bool {
			for _, n := range w.notifications(kB.ID) {
				if n.Template == "case.closed" {
					return true
				}
			}
			return false
		})

		// A's re-check still finds it elsewhere.
		rechecks = w.count(workflow.JobComplianceRecheck, kA.ID)
		if _, err := w.wf.RequestRecheck(ctx, a.user, kA.ID); err != nil {
			t.Fatal(err)
		}
		w.awaitJobs(workflow.JobComplianceRecheck, kA.ID, rechecks+1)
		if got := w.caseByID(kA.ID); got.State != beian.CaseExtended {
			t.Fatalf("A after a failed re-check: %s", got.State)
		}

		// The reminder, two working days before the deadline.
		w.env.Clock.Set(kA.DueAt.Add(-36 * time.Hour))
		if err := w.c.RunDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.caseByID(kA.ID); got.RemindedAt.IsZero() || got.State != beian.CaseExtended {
			t.Fatalf("no reminder: %+v", got)
		}

		// The deadline passes: escalation, 取消接入 on the customer's behalf.
		w.env.Clock.Set(kA.DueAt.Add(time.Hour))
		if err := w.c.RunDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		w.awaitJobs(workflow.JobComplianceEscalate, kA.ID, 1)
		kA = w.caseByID(kA.ID)
		if kA.State != beian.CaseEscalated || kA.Resolution != beian.ResolutionAccessCancelled || kA.OrderID == "" || kA.Hold != "" {
			t.Fatalf("escalated case: %+v", kA)
		}
		o := exOrder(t, w.env, kA.OrderID)
		if o.Type != beian.CancelAccess || o.State != beian.BureauReview || o.AccountID != a.user.AccountID || !slices.Equal(o.ServiceIDs, []string{svcA.ID}) {
			t.Fatalf("cancel-access order: %s %s %v", o.Type, o.State, o.ServiceIDs)
		}
		w.toBureau("the ZXBA 取消接入 at the bureau", func() bool {
			return slices.ContainsFunc(w.sim.Filings(), func(f bureausim.Filing) bool { return f.Operation == bureausim.OpCancelAccess })
		})
		w.simClock.Advance(5 * 24 * time.Hour)
		w.download()
		if o := exOrder(t, w.env, kA.OrderID); o.State != beian.Filed {
			t.Fatalf("cancel-access order after the bureau's result: %s %+v", o.State, o.Review)
		}
		var rec *beian.Record
		w.view(func(tx beian.Tx) (err error) { rec, err = tx.FindRecord(ctx, a.rec.Subject.ID); return })
		acc := rec.Services[0].Access[0]
		if acc.Status != beian.AccessCancelled || rec.Services[0].Status != beian.RecordEmptyShell {
			t.Fatalf("record after 取消接入: access %s, service %s", acc.Status, rec.Services[0].Status)
		}
		if simRec, ok := w.sim.Lookup(a.rec.Subject.Subject.CertificateNumber); !ok || len(simRec.Services[0].Access) != 0 {
			t.Fatalf("bureau record after 取消接入: %+v", simRec)
		}
		w.await("escalation notice", func() bool {
			for _, n := range w.notifications(kA.ID) {
				if n.Template == "case.escalated" && n.Channel == beian.ChannelSMS {
					return true
				}
			}
			return false
		})
		// The timeline tells the story.
		acts := exAudit(t, w.env, "case", kA.ID)
		want := []string{"case.open", "case.notify", "case.extension_request", "case.extension_grant", "case.recheck", "case.still_faulty",
			"case.remind", "case.escalate", "case.order", "case.submitted"}
		if !exInOrder(acts, want) {
			t.Errorf("timeline %v lacks %v", acts, want)
		}
	})
}
