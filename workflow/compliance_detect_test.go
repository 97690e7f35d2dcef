package workflow_test

import (
	"slices"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// TestComplianceDetectors covers the detectors and the decisions around
// them: a transient fault never opens a case; a fixed fault's case is
// closed by the next conclusive sweep; a domain about to expire on a site
// with other domains opens a case at once whose fix is a change order
// without that domain (the seed's advice); a principal's ID running out
// opens a case from the records, with the deadline counted from the expiry
// date, and renewing it in the records closes the case; an overdue case
// whose subject has an order in progress is held, not escalated; and
// customers see only their own cases.
func TestComplianceDetectors(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newCmpWorld(t, dialect)
		ctx := w.ctx
		cs := w.file(enterprise(1, "121.36.10.20", "qingyun-data1.cn", "qingyun-shop1.cn"), enterprise(2, "121.36.10.21"),
			enterprise(3, "121.36.10.22"))
		a, b, c := cs[0], cs[1], cs[2]
		num := func(x *cmpCustomer) string { return x.service().Number.DisplayNumber().String() }
		linked := func(x *cmpCustomer) string {
			return `<a href="https://beian.miit.gov.cn/">` + num(x) + `</a>`
		}
		for _, x := range cs {
			for _, d := range x.domains {
				w.dns.set(d, x.service().Access[0].IPs[0].Start.String())
				w.sites.set(d, "青云数据官网", linked(x))
			}
		}

		// A clean sweep finds nothing.
		run, err := w.c.Sweep(ctx, workflow.SweepArgs{})
		if err != nil || run.Targets != 3 || run.Faults != 0 || run.Suspects != 0 {
			t.Fatalf("clean sweep: %+v %v", run, err)
		}

		// A transient outage: B's DNS points elsewhere for a moment.
		w.dns.set(b.domains[0], "47.240.1.1") // our overseas range: abroad
		if run, _ = w.c.Sweep(ctx, workflow.SweepArgs{}); run.Suspects != 1 {
			t.Fatalf("outage sweep: %+v", run)
		}
		w.dns.set(b.domains[0], "121.36.10.21")
		w.env.Clock.Advance(time.Hour)
		if run, _ = w.c.Sweep(ctx, workflow.SweepArgs{Scope: beian.SweepConfirm, ScopeID: b.service().ID}); run.Opened != 0 {
			t.Fatalf("confirmation after the outage: %+v", run)
		}
		var suspects []beian.SweepSuspect
		w.view(func(tx beian.Tx) (err error) { suspects, err = tx.SweepSuspects(ctx, ""); return })
		if len(suspects) != 0 || len(w.cases(beian.CaseFilter{})) != 0 {
			t.Fatalf("after a transient outage: suspects %v, cases %d", suspects, len(w.cases(beian.CaseFilter{})))
		}

		// A lasting fault on B, then fixed: the next sweep closes it.
		w.sites.set(b.domains[0], "青云数据官网", num(b)) // the number without its link
		w.c.Sweep(ctx, workflow.SweepArgs{})
		w.env.Clock.Advance(time.Hour)
		w.c.Sweep(ctx, workflow.SweepArgs{})
		kB := w.theCase(beian.CaseFilter{ServiceID: b.service().ID})
		if kB.Cause != beian.CauseContentNumber || kB.Notice.ZH != "备案号未链接至工信部" {
			t.Fatalf("B's case: %+v", kB)
		}
		w.sites.set(b.domains[0], "青云数据官网", linked(b))
		if run, _ = w.c.Sweep(ctx, workflow.SweepArgs{}); run.Closed != 1 {
			t.Fatalf("sweep after the fix: %+v", run)
		}
		if k := w.caseByID(kB.ID); k.State != beian.CaseClosed || k.Resolution != beian.ResolutionFixed {
			t.Fatalf("B after the fix: %s", k.State)
		}

		// A's second domain is about to expire: the domain sweep opens the
		// case at once; its fix drops the domain with a change order.
		w.rdap.set("qingyun-shop1.cn", w.env.Clock.Now().AddDate(0, 0, 20))
		if run, err = w.c.Sweep(ctx, workflow.SweepArgs{Checks: []string{workflow.CheckNameDomain}}); err != nil || run.Opened != 1 {
			t.Fatalf("domain sweep: %+v %v", run, err)
		}
		kA := w.theCase(beian.CaseFilter{ServiceID: a.service().ID})
		if kA.Cause != beian.CauseDomainExpiry || !slices.Equal(kA.Targets, []string{"qingyun-shop1.cn"}) || kA.Notice.ZH != "域名即将过期" {
			t.Fatalf("A's domain case: %+v", kA)
		}
		expiry := w.env.Clock.Now().AddDate(0, 0, 20)
		if !kA.DueAt.After(expiry) {
			t.Errorf("the deadline %v comes before the expiry %v", kA.DueAt, expiry)
		}
		v, err := w.wf.Case(ctx, a.user, kA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Fix.CanDrop || !slices.Equal(v.Fix.Drop, []string{"qingyun-shop1.cn"}) || !slices.Equal(v.Fix.Keep, []string{"qingyun-data1.cn"}) ||
			!v.CanStartChange || v.Fix.Kind != beian.FixDomain {
			t.Fatalf("A's fix: %+v", v.Fix)
		}
		if _, err := w.wf.StartCaseChange(ctx, b.user, kA.ID); beian.ErrorCode(err) != beian.ENOTFOUND {
			t.Fatalf("another customer started A's change: %v", err)
		}
		o, err := w.wf.StartCaseChange(ctx, a.user, kA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != beian.ChangeService || o.State != beian.Draft || len(o.Snapshot.Websites) != 1 ||
			!slices.Equal(o.Snapshot.Websites[0].Domains, []string{"qingyun-data1.cn"}) || o.Snapshot.Websites[0].RecordID != a.service().ID {
			t.Fatalf("the change order: %s %s %+v", o.Type, o.State, o.Snapshot.Websites)
		}

		// The order is in progress on A's subject: the overdue case is held.
		w.await("A notified", func() bool { return w.caseByID(kA.ID).State == beian.CaseNotified })
		w.env.Clock.Set(kA.DueAt.Add(time.Hour))
		if err := w.c.RunDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		if k := w.caseByID(kA.ID); k.State != beian.CaseNotified || k.Hold != "case.hold.order" {
			t.Fatalf("overdue with an order in progress: %s hold %q", k.State, k.Hold)
		}
		if _, err := w.wf.EscalateCase(ctx, w.officer, kA.ID, "客户未回应"); beian.ErrorCode(err) != beian.ECONFLICT {
			t.Fatalf("escalated past an order in progress: %v", err)
		}

		// C's principal's ID runs out in ten days: a case from the records.
		var rec *beian.Record
		w.view(func(tx beian.Tx) (err error) { rec, err = tx.FindRecord(ctx, c.rec.Subject.ID); return })
		until := beian.DateOf(w.env.Clock.Now()).AddDate(0, 0, 10)
		rec.Subject.Subject.Principal.CertificateValidUntil = until
		if err := w.env.DB.Update(ctx, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &rec.Subject) }); err != nil {
			t.Fatal(err)
		}
		if run, _ = w.c.Sweep(ctx, workflow.SweepArgs{Scope: beian.SweepAccount, ScopeID: c.user.AccountID}); run.Opened != 1 {
			t.Fatalf("records sweep: %+v", run)
		}
		kC := w.theCase(beian.CaseFilter{AccountID: c.user.AccountID})
		wantDue, _ := w.wf.Calendar().AddWorkdays(until.Time(beian.ChinaTime), workflow.DefaultCaseDeadlines[beian.CategorySubject])
		if kC.Cause != beian.CauseSubjectPrincipalID || kC.Source != beian.SourceRecords || kC.Level != beian.LevelSubject ||
			!kC.DueAt.Equal(wantDue.UTC().Truncate(time.Microsecond)) {
			t.Fatalf("C's records case: %+v (due %v, want %v)", kC, kC.DueAt, wantDue)
		}
		// Renewed in the records (as an approved change would), the next
		// sweep closes it.
		w.view(func(tx beian.Tx) (err error) { rec, err = tx.FindRecord(ctx, c.rec.Subject.ID); return })
		rec.Subject.Subject.Principal.CertificateValidUntil = beian.NewDate(2045, 1, 1)
		if err := w.env.DB.Update(ctx, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &rec.Subject) }); err != nil {
			t.Fatal(err)
		}
		if run, _ = w.c.Sweep(ctx, workflow.SweepArgs{Scope: beian.SweepAccount, ScopeID: c.user.AccountID}); run.Closed != 1 {
			t.Fatalf("records sweep after the renewal: %+v", run)
		}

		// Who sees what.
		if _, err := w.wf.Case(ctx, c.user, kA.ID); beian.ErrorCode(err) != beian.ENOTFOUND {
			t.Errorf("C saw A's case: %v", err)
		}
		page, err := w.wf.Cases(ctx, a.user, beian.CaseFilter{AccountID: c.user.AccountID})
		if err != nil || page.Total != 1 || page.Items[0].Case.ID != kA.ID || page.Counts != nil {
			t.Errorf("A's case list: %+v %v", page, err)
		}
		if page, err = w.wf.Cases(ctx, w.reviewer, beian.CaseFilter{}); err != nil || page.Total != 3 || page.Counts == nil {
			t.Errorf("a reviewer's case list: %+v %v", page, err)
		}
		if v, err := w.wf.Case(ctx, w.reviewer, kA.ID); err != nil || v.CanClose || v.CanEscalate || v.CanDecideExtension {
			t.Errorf("a reviewer may act: %+v %v", v, err)
		}
		if _, err := w.wf.CloseCase(ctx, w.reviewer, kA.ID, workflow.CloseWithdrawn, ""); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Errorf("a reviewer withdrew a case: %v", err)
		}
		reader := cmpUser(t, w.env, "reader", beian.RoleSubUser, a.user.AccountID)
		reader.Policies = []beian.Policy{beian.PolicyBeianReadOnly}
		if err := w.env.DB.Update(ctx, func(tx beian.Tx) error { return tx.UpdateUser(ctx, reader) }); err != nil {
			t.Fatal(err)
		}
		if _, err := w.wf.Case(ctx, reader, kA.ID); err != nil {
			t.Errorf("a read-only sub-user cannot read: %v", err)
		}
		if _, err := w.wf.RequestRecheck(ctx, reader, kA.ID); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Errorf("a read-only sub-user asked for a re-check: %v", err)
		}
		// The officer withdraws A's case.
		if k, err := w.wf.CloseCase(ctx, w.officer, kA.ID, workflow.CloseWithdrawn, "误报"); err != nil || k.State != beian.CaseWithdrawn {
			t.Fatalf("withdraw: %v", err)
		}
	})
}
