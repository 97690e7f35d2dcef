package sqlstore

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestComplianceStore(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		for name, fn := range map[string]func(*testing.T, *testDB){
			"ranges":  testProviderRanges,
			"sweeps":  testSweeps,
			"cases":   testCases,
			"tasks":   testTasks,
			"lookups": testComplianceLookups,
		} {
			t.Run(name, func(t *testing.T) { fn(t, openTestDB(t, d)) })
		}
	})
}

func mustRange(s string) beian.IPRange {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	return beian.IPRange{Start: netip.MustParseAddr(a), End: netip.MustParseAddr(b)}
}

func testProviderRanges(t *testing.T, db *testDB) {
	ctx := context.Background()
	v6 := &beian.ProviderRange{IPs: mustRange("2001:db8::-2001:db8::ffff"), Mainland: true, Name: "v6 pool"}
	hk := &beian.ProviderRange{IPs: mustRange("121.36.200.0-121.36.200.255"), Name: "ap-southeast-1"}
	cn := &beian.ProviderRange{IPs: mustRange("121.36.0.0-121.36.255.255"), Mainland: true, Name: "cn-north-4", UpdatedBy: "admin-1"}
	db.update(t, func(tx beian.Tx) error {
		for _, r := range []*beian.ProviderRange{v6, hk, cn} {
			if err := tx.PutProviderRange(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	var got []beian.ProviderRange
	db.view(t, func(tx beian.Tx) (err error) { got, err = tx.ProviderRanges(ctx); return })
	if len(got) != 3 || got[0].ID != cn.ID || got[1].ID != hk.ID || got[2].ID != v6.ID {
		t.Fatalf("order: %+v", got)
	}
	if got[0].Name != "cn-north-4" || !got[0].Mainland || got[0].UpdatedBy != "admin-1" || got[1].Mainland || got[0].IPs != cn.IPs {
		t.Fatalf("round trip: %+v", got[0])
	}
	// Update, delete, and the errors.
	hk.Mainland, hk.Name = true, "now mainland"
	db.update(t, func(tx beian.Tx) error { return tx.PutProviderRange(ctx, hk) })
	db.update(t, func(tx beian.Tx) error { return tx.DeleteProviderRange(ctx, v6.ID) })
	db.view(t, func(tx beian.Tx) (err error) { got, err = tx.ProviderRanges(ctx); return })
	if len(got) != 2 || !got[1].Mainland || got[1].Name != "now mainland" {
		t.Fatalf("after update: %+v", got)
	}
	err := db.Update(ctx, func(tx beian.Tx) error { return tx.DeleteProviderRange(ctx, v6.ID) })
	wantCode(t, err, beian.ENOTFOUND, "")
	err = db.Update(ctx, func(tx beian.Tx) error {
		return tx.PutProviderRange(ctx, &beian.ProviderRange{IPs: mustRange("10.0.0.9-10.0.0.1")})
	})
	wantCode(t, err, beian.EINVALID, "range.invalid")
}

func testSweeps(t *testing.T, db *testDB) {
	ctx := context.Background()
	old := &beian.SweepRun{Scope: beian.SweepAll, Checks: []string{"dns", "homepage"}}
	db.update(t, func(tx beian.Tx) error { return tx.CreateSweepRun(ctx, old) })
	db.Clock.Add(24 * time.Hour)
	run := &beian.SweepRun{Scope: beian.SweepService, ScopeID: "svc-1", RequestedBy: "officer"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateSweepRun(ctx, run) })
	finding := beian.SweepFinding{Code: "dns.not_our_range", Domain: "example.cn", Fault: true, Evidence: beian.Evidence{
		At: db.Clock.Now(), Source: beian.SourceProbe, Code: "dns.not_our_range", Host: "example.cn",
		Resolved: []netip.Addr{netip.MustParseAddr("8.8.8.8")}, Snippet: "京ICP备12345678号"}}
	db.update(t, func(tx beian.Tx) error {
		for _, r := range []*beian.SweepResult{
			{RunID: old.ID, ServiceID: "svc-1"},
			{RunID: old.ID, ServiceID: "svc-2", Faults: 1, Findings: []beian.SweepFinding{finding}},
			{RunID: run.ID, ServiceID: "svc-1", Faults: 1, Findings: []beian.SweepFinding{finding}},
		} {
			if err := tx.PutSweepResult(ctx, r); err != nil {
				return err
			}
		}
		// Replacing keeps one row per run and service.
		if err := tx.PutSweepResult(ctx, &beian.SweepResult{RunID: run.ID, ServiceID: "svc-1", Faults: 1, Findings: []beian.SweepFinding{finding}}); err != nil {
			return err
		}
		run.State, run.FinishedAt, run.Targets, run.Faults, run.Opened = beian.SweepDone, tx.Now(), 1, 1, 1
		return tx.UpdateSweepRun(ctx, run)
	})
	var runs []*beian.SweepRun
	var total int
	db.view(t, func(tx beian.Tx) (err error) {
		runs, total, err = tx.FindSweepRuns(ctx, beian.SweepRunFilter{})
		return
	})
	if total != 2 || runs[0].ID != run.ID || runs[0].State != beian.SweepDone || runs[0].Opened != 1 || runs[1].Checks[1] != "homepage" {
		t.Fatalf("runs: %d %+v", total, runs)
	}
	db.view(t, func(tx beian.Tx) (err error) {
		runs, total, err = tx.FindSweepRuns(ctx, beian.SweepRunFilter{Scopes: []beian.SweepScope{beian.SweepAll}})
		return
	})
	if total != 1 || runs[0].ID != old.ID {
		t.Fatalf("filtered runs: %+v", runs)
	}
	var res []*beian.SweepResult
	db.view(t, func(tx beian.Tx) (err error) {
		res, err = tx.FindSweepResults(ctx, beian.SweepResultFilter{ServiceID: "svc-1"})
		return
	})
	if len(res) != 2 || res[0].RunID != run.ID || len(res[0].Findings) != 1 || res[0].Findings[0].Evidence.Snippet != "京ICP备12345678号" ||
		res[0].Findings[0].Evidence.Resolved[0].String() != "8.8.8.8" || len(res[1].Findings) != 0 {
		t.Fatalf("service results: %+v", res)
	}
	// The snippet is encrypted at rest.
	for _, row := range db.rawRows(t, `SELECT findings_enc FROM sweep_results`) {
		if strings.Contains(row, "ICP") {
			t.Fatalf("findings in clear: %s", row)
		}
	}
	db.view(t, func(tx beian.Tx) (err error) {
		res, err = tx.FindSweepResults(ctx, beian.SweepResultFilter{RunID: old.ID, WithFindings: true})
		return
	})
	if len(res) != 1 || res[0].ServiceID != "svc-2" {
		t.Fatalf("run results with findings: %+v", res)
	}
	// Purging drops the clean results of old runs only.
	var n int
	db.update(t, func(tx beian.Tx) (err error) { n, err = tx.PurgeSweepResults(ctx, run.StartedAt); return })
	if n != 1 {
		t.Fatalf("purged %d", n)
	}

	// Suspects keep their first sighting.
	first := db.Clock.Now()
	db.update(t, func(tx beian.Tx) error {
		return tx.PutSweepSuspect(ctx, &beian.SweepSuspect{ServiceID: "svc-1", Cause: beian.CauseAccessElsewhere, RunID: old.ID})
	})
	db.Clock.Add(time.Hour)
	db.update(t, func(tx beian.Tx) error {
		return tx.PutSweepSuspect(ctx, &beian.SweepSuspect{ServiceID: "svc-1", Cause: beian.CauseAccessElsewhere, FirstSeenAt: tx.Now(), RunID: run.ID})
	})
	var sus []beian.SweepSuspect
	db.view(t, func(tx beian.Tx) (err error) { sus, err = tx.SweepSuspects(ctx, "svc-1"); return })
	if len(sus) != 1 || !sus[0].FirstSeenAt.Equal(truncTime(first)) || !sus[0].LastSeenAt.Equal(truncTime(db.Clock.Now())) || sus[0].RunID != run.ID {
		t.Fatalf("suspects: %+v", sus)
	}
	db.update(t, func(tx beian.Tx) error { return tx.DeleteSweepSuspect(ctx, "svc-1", beian.CauseAccessElsewhere) })
	db.view(t, func(tx beian.Tx) (err error) { sus, err = tx.SweepSuspects(ctx, "svc-1"); return })
	if len(sus) != 0 {
		t.Fatalf("suspect not deleted: %+v", sus)
	}
}

func newCase(accountID, serviceID string, cause beian.CaseCause, due time.Time) *beian.Case {
	info := cause.Info()
	return &beian.Case{Key: beian.CaseKey(beian.LevelService, serviceID, cause), Level: beian.LevelService, AccountID: accountID,
		SubjectID: "subj-" + accountID, ServiceID: serviceID, SubjectName: "某某科技有限公司", ServiceName: "某某官网", Number: "京ICP备2025012345号-1",
		Cause: cause, Category: info.Category, Source: beian.SourceProbe, Notice: info.Notice, Reason: info.Reason, Suggestion: info.Suggestion,
		Targets: []string{"example.cn"}, State: beian.CaseOpened, DueAt: due}
}

func testCases(t *testing.T, db *testDB) {
	ctx := context.Background()
	now := db.Clock.Now()
	a := newCase("acct-a", "svc-1", beian.CauseAccessElsewhere, now.Add(48*time.Hour))
	a.Detail = "管局通知：请于十日内整改（联系人张三）"
	b := newCase("acct-a", "svc-2", beian.CauseContentNumber, now.Add(24*time.Hour))
	c := newCase("acct-b", "svc-3", beian.CauseDomainExpiry, time.Time{})
	c.Category = beian.CategoryService
	db.update(t, func(tx beian.Tx) error {
		for _, x := range []*beian.Case{a, b, c} {
			if err := tx.CreateCase(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	// One open case per key.
	err := db.Update(ctx, func(tx beian.Tx) error {
		return tx.CreateCase(ctx, newCase("acct-a", "svc-1", beian.CauseAccessElsewhere, now))
	})
	wantCode(t, err, beian.ECONFLICT, "case.open_exists")

	var got *beian.Case
	db.view(t, func(tx beian.Tx) (err error) { got, err = tx.FindOpenCase(ctx, a.Key); return })
	if got.ID != a.ID || got.Detail != a.Detail || got.Notice != a.Notice || got.Targets[0] != "example.cn" || got.Version != 1 ||
		got.Level != beian.LevelService || !got.DueAt.Equal(truncTime(a.DueAt)) {
		t.Fatalf("round trip: %+v", got)
	}
	for _, row := range db.rawRows(t, `SELECT detail_enc FROM cases`) {
		if strings.Contains(row, "张三") {
			t.Fatalf("detail in clear: %s", row)
		}
	}

	// Extension and state survive; a stale write is refused.
	db.update(t, func(tx beian.Tx) error {
		x, err := tx.FindCase(ctx, a.ID)
		if err != nil {
			return err
		}
		if err := x.Apply(beian.CaseEventNotify, tx.Now()); err != nil {
			return err
		}
		if err := x.RequestExtension(5, "服务器迁移中", "user-1", tx.Now()); err != nil {
			return err
		}
		return tx.UpdateCase(ctx, x)
	})
	db.view(t, func(tx beian.Tx) (err error) { got, err = tx.FindCase(ctx, a.ID); return })
	if got.State != beian.CaseNotified || got.Extension.State != beian.ExtensionRequested || got.Extension.Days != 5 ||
		got.Extension.Reason != "服务器迁移中" || got.NotifiedAt.IsZero() || got.Version != 2 {
		t.Fatalf("after notify: %+v", got)
	}
	stale := *a
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateCase(ctx, &stale) })
	wantCode(t, err, beian.ECONFLICT, "case.version.stale")

	// Lists: open first by deadline; filters.
	list := func(f beian.CaseFilter) ([]*beian.Case, int) {
		t.Helper()
		var out []*beian.Case
		var n int
		db.view(t, func(tx beian.Tx) (err error) { out, n, err = tx.FindCases(ctx, f); return })
		return out, n
	}
	caseIDs := func(cs []*beian.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if cs, n := list(beian.CaseFilter{}); n != 3 || !slices.Equal(caseIDs(cs), []string{b.ID, a.ID, c.ID}) {
		t.Fatalf("all cases: %v", caseIDs(cs))
	}
	if cs, _ := list(beian.CaseFilter{AccountID: "acct-a", Categories: []beian.CaseCategory{beian.CategoryAccess}}); !slices.Equal(caseIDs(cs), []string{a.ID}) {
		t.Fatalf("account and category: %v", caseIDs(cs))
	}
	if cs, _ := list(beian.CaseFilter{States: []beian.CaseState{beian.CaseNotified}}); !slices.Equal(caseIDs(cs), []string{a.ID}) {
		t.Fatalf("state: %v", caseIDs(cs))
	}
	if cs, _ := list(beian.CaseFilter{DueBefore: now.Add(36 * time.Hour)}); !slices.Equal(caseIDs(cs), []string{b.ID}) {
		t.Fatalf("due before: %v", caseIDs(cs))
	}
	if cs, _ := list(beian.CaseFilter{Query: "EXAMPLE.cn", ServiceID: "svc-3"}); !slices.Equal(caseIDs(cs), []string{c.ID}) {
		t.Fatalf("query: %v", caseIDs(cs))
	}

	// Closing frees the key; the closed case sorts after open ones.
	db.update(t, func(tx beian.Tx) error {
		x, err := tx.FindCase(ctx, b.ID)
		if err != nil {
			return err
		}
		if err := x.Apply(beian.CaseEventFix, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, x); err != nil {
			return err
		}
		return tx.CreateCase(ctx, newCase("acct-a", "svc-2", beian.CauseContentNumber, now.Add(72*time.Hour)))
	})
	if cs, n := list(beian.CaseFilter{AccountID: "acct-a"}); n != 3 || cs[2].ID != b.ID || cs[2].Resolution != beian.ResolutionFixed {
		t.Fatalf("after closing: %v", caseIDs(cs))
	}
	var counts map[beian.CaseCategory]int
	db.view(t, func(tx beian.Tx) (err error) { counts, err = tx.CountOpenCases(ctx); return })
	if counts[beian.CategoryAccess] != 1 || counts[beian.CategoryContent] != 1 || counts[beian.CategoryService] != 1 {
		t.Fatalf("counts: %v", counts)
	}

	// Evidence, newest first, encrypted.
	db.update(t, func(tx beian.Tx) error {
		for i, code := range []string{"dns.not_our_range", "dns.abroad"} {
			e := &beian.CaseEvidence{CaseID: a.ID, Evidence: beian.Evidence{At: now.Add(time.Duration(i) * time.Hour), Source: beian.SourceProbe,
				Code: code, Domain: "example.cn", Snippet: "联系人李四"}}
			if err := tx.AddCaseEvidence(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	var ev []beian.CaseEvidence
	db.view(t, func(tx beian.Tx) (err error) { ev, err = tx.CaseEvidence(ctx, a.ID, 0); return })
	if len(ev) != 2 || ev[0].Evidence.Code != "dns.abroad" || ev[1].Evidence.Snippet != "联系人李四" {
		t.Fatalf("evidence: %+v", ev)
	}
	db.view(t, func(tx beian.Tx) (err error) { ev, err = tx.CaseEvidence(ctx, a.ID, 1); return })
	if len(ev) != 1 {
		t.Fatalf("limited evidence: %d", len(ev))
	}
	for _, row := range db.rawRows(t, `SELECT data_enc FROM case_evidence`) {
		if strings.Contains(row, "李四") {
			t.Fatalf("evidence in clear: %s", row)
		}
	}

	// Feed items are handled once.
	var first, second bool
	db.update(t, func(tx beian.Tx) (err error) { first, err = tx.MarkFeedItemHandled(ctx, "item-1", "case"); return })
	db.update(t, func(tx beian.Tx) (err error) { second, err = tx.MarkFeedItemHandled(ctx, "item-1", "case"); return })
	if !first || second {
		t.Fatalf("handled marks: %v %v", first, second)
	}
}

func testTasks(t *testing.T, db *testDB) {
	ctx := context.Background()
	task := &beian.VerificationTask{FeedItemID: "item-1", ConnectionID: "11", SubjectID: "subj-1", ServiceIDs: []string{"svc-1"},
		BureauSubject: 9001, BureauServices: []int64{9101}, SubjectName: "某某科技有限公司", AccountID: "acct-a", Note: "核实负责人信息"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateVerificationTask(ctx, task) })
	err := db.Update(ctx, func(tx beian.Tx) error {
		return tx.CreateVerificationTask(ctx, &beian.VerificationTask{FeedItemID: "item-1"})
	})
	wantCode(t, err, beian.ECONFLICT, "")
	db.update(t, func(tx beian.Tx) error {
		x, err := tx.FindVerificationTask(ctx, task.ID)
		if err != nil {
			return err
		}
		x.State = beian.TaskAnswered
		x.Answer = &beian.VerificationAnswer{Passed: false, Verifier: "赵六", VerifiedOn: beian.NewDate(2026, 12, 1), Opinion: "信息不属实",
			AnsweredBy: "officer-1", AnsweredAt: tx.Now(), OperationID: "op-1"}
		x.CaseID = "case-1"
		return tx.UpdateVerificationTask(ctx, x)
	})
	var ts []*beian.VerificationTask
	var n int
	db.view(t, func(tx beian.Tx) (err error) {
		ts, n, err = tx.FindVerificationTasks(ctx, beian.TaskFilter{States: []beian.TaskState{beian.TaskAnswered}})
		return
	})
	if n != 1 || ts[0].Answer == nil || ts[0].Answer.Verifier != "赵六" || ts[0].Note != "核实负责人信息" || ts[0].BureauServices[0] != 9101 ||
		ts[0].CaseID != "case-1" || ts[0].Version != 2 {
		t.Fatalf("task: %+v", ts)
	}
	for _, row := range db.rawRows(t, `SELECT answer_enc, note_enc FROM verification_tasks`) {
		if strings.Contains(row, "赵六") || strings.Contains(row, "核实") {
			t.Fatalf("task in clear: %s", row)
		}
	}

	site := &beian.UnfiledSite{FeedItemID: "item-2", ConnectionID: "11", BureauID: 77, Domain: "unfiled.example.com",
		IP: netip.MustParseAddr("121.36.1.9"), FirstDetected: beian.NewDate(2026, 11, 23), LastDetected: beian.NewDate(2026, 11, 30),
		Detections: 3, Operator: 100001, Province: 110000, ListedOn: beian.NewDate(2026, 11, 30), AccountID: "acct-a"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateUnfiledSite(ctx, site) })
	db.update(t, func(tx beian.Tx) error {
		x, err := tx.FindUnfiledSite(ctx, site.ID)
		if err != nil {
			return err
		}
		x.State = beian.TaskAnswered
		x.Handling = &beian.UnfiledHandling{Result: 1, ResultName: "已关停", Opinion: "已停止解析", Deadline: beian.NewDate(2026, 12, 7),
			Reporter: "赵六", ReportedBy: "officer-1", ReportedAt: tx.Now()}
		return tx.UpdateUnfiledSite(ctx, x)
	})
	var ss []*beian.UnfiledSite
	db.view(t, func(tx beian.Tx) (err error) {
		ss, n, err = tx.FindUnfiledSites(ctx, beian.TaskFilter{AccountID: "acct-a"})
		return
	})
	if n != 1 || ss[0].IP != site.IP || ss[0].LastDetected != site.LastDetected || ss[0].Handling == nil || ss[0].Handling.Result != 1 ||
		ss[0].Handling.Deadline != beian.NewDate(2026, 12, 7) || ss[0].State != beian.TaskAnswered {
		t.Fatalf("unfiled: %+v", ss)
	}
}

func testComplianceLookups(t *testing.T, db *testDB) {
	ctx := context.Background()
	acct := seedAccounts(t, db, "acme", "globex", "initech")
	recA := fileRecord(t, db, acct[0], "91110108MA01XXXX1A")
	recB := fileRecord(t, db, acct[1], "91110108MA01XXXX2B")
	var ids []string
	db.view(t, func(tx beian.Tx) (err error) { ids, err = tx.RecordSubjectIDs(ctx, beian.RecordPage{}); return })
	want := []string{recA.Subject.ID, recB.Subject.ID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("subject IDs %v, want %v", ids, want)
	}
	db.view(t, func(tx beian.Tx) (err error) {
		ids, err = tx.RecordSubjectIDs(ctx, beian.RecordPage{AfterID: want[0], Limit: 10})
		return
	})
	if !slices.Equal(ids, want[1:]) {
		t.Fatalf("next page %v", ids)
	}
	db.view(t, func(tx beian.Tx) (err error) {
		ids, err = tx.RecordSubjectIDs(ctx, beian.RecordPage{AccountID: acct[1]})
		return
	})
	if !slices.Equal(ids, []string{recB.Subject.ID}) {
		t.Fatalf("account page %v", ids)
	}

	// Owners: the resource's account, then the filed services' accounts.
	db.update(t, func(tx beian.Tx) error {
		_, err := tx.PutResource(ctx, &beian.Resource{ExternalID: "i-1", AccountID: acct[2], Kind: beian.ResourceECS, Billing: beian.BillingPrepaid,
			PublicIPs: []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("121.36.1.9")}})
		return err
	})
	var owners []string
	db.view(t, func(tx beian.Tx) (err error) {
		owners, err = tx.AccountsByIP(ctx, netip.MustParseAddr("2001:db8::1"))
		return
	})
	if !slices.Equal(owners, []string{acct[2], acct[0], acct[1]}) && !slices.Equal(owners, []string{acct[2], acct[1], acct[0]}) {
		t.Fatalf("owners of 2001:db8::1: %v", owners)
	}
	db.view(t, func(tx beian.Tx) (err error) {
		owners, err = tx.AccountsByIP(ctx, netip.MustParseAddr("121.36.1.99"))
		return
	})
	if len(owners) != 0 {
		t.Fatalf("owners of an unknown address: %v", owners)
	}
}
