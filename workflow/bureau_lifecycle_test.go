package workflow_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// lifecycle drives orders of one customer through the engine and the
// simulator, the engine's runs called directly (as the periodic jobs would).
type lifecycle struct {
	t        *testing.T
	env      *testenv.Env
	bu       *exBureau
	x        *workflow.Exchange
	reviewer *beian.User
	account  string
	feeds    chan workflow.ComplianceFeedArgs
}

func (l *lifecycle) order(typ beian.OrderType, snap beian.Snapshot, subjectID string, serviceIDs ...string) *beian.Order {
	l.t.Helper()
	ctx := context.Background()
	o := &beian.Order{AccountID: l.account, CreatedBy: "test", Type: typ, State: beian.AwaitingBureauSubmission, Province: "11",
		Snapshot: snap, RecordSubjectID: subjectID, ServiceIDs: serviceIDs, CancellationConfirmed: true}
	o.Snapshot.Version, o.Snapshot.Subject.Province = beian.SnapshotVersion, "11"
	if err := l.env.DB.Update(ctx, func(tx beian.Tx) error { return tx.CreateOrder(ctx, o) }); err != nil {
		l.t.Fatal(err)
	}
	subs, err := l.x.SubmitToBureau(ctx, l.reviewer, []string{o.ID})
	if err != nil || subs[0].Err != nil {
		l.t.Fatalf("submit %s: %v %v", typ, err, subs[0].Err)
	}
	if err := l.x.Upload(ctx, "11"); err != nil {
		l.t.Fatal(err)
	}
	return subs[0].Order
}

// verify enters every code the bureau sent for the filing of an order.
func (l *lifecycle) verify(people ...beian.Person) {
	l.t.Helper()
	for _, p := range people {
		codes := l.bu.sim.SentCodes(p.Mobile)
		if len(codes) == 0 {
			l.t.Fatalf("no code sent to %s's mobile", p.Name)
		}
		res, err := l.bu.sim.Verify(p.Mobile, codes[0].Code, p.CertificateNumber[len(p.CertificateNumber)-6:])
		if err != nil || res.Outcome != bureausim.VerifyOK {
			l.t.Fatalf("verify: %+v %v", res, err)
		}
	}
}

func (l *lifecycle) download() {
	l.t.Helper()
	_ = l.bu.sim.Now()
	l.bu.sim.Filings() // the bureau acts on what became due
	if err := l.x.Download(context.Background(), "11"); err != nil {
		l.t.Fatal(err)
	}
}

func (l *lifecycle) record(subjectID string) *beian.Record {
	l.t.Helper()
	var rec *beian.Record
	if err := l.env.DB.View(context.Background(), func(tx beian.Tx) (err error) {
		rec, err = tx.FindRecord(context.Background(), subjectID)
		return err
	}); err != nil {
		l.t.Fatal(err)
	}
	return rec
}

func (l *lifecycle) wantState(o *beian.Order, want beian.OrderState) *beian.Order {
	l.t.Helper()
	got := exOrder(l.t, l.env, o.ID)
	if got.State != want {
		l.t.Fatalf("%s order is %s (%+v), want %s", o.Type, got.State, got.Review, want)
	}
	return got
}

// TestBureauLifecycle takes one subject through every kind of operation a
// filed subject sees, against the simulator: a new website (XZWZ), a change
// (BGBA: kept domains by Ymid, our access by Jrid), a cancelled access
// (ZXBA Zxlb 2, no SMS), a cancelled website (ZXBA Zxlb 1, ZXSJ back) and
// the bureau's feeds; results applied twice change nothing, and an approval
// without a preceding SMS result still audits both events.
func TestBureauLifecycle(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		env := testenv.Open(t, dialect)
		bu := newExBureau(t, func(c *bureausim.Config) { c.ReviewWorkdays = bureausim.Immediately })
		files := newExFiles()
		wf := workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock, Logger: exLogger(t)})
		x := workflow.NewExchange(wf, exConfig(files, 10*time.Second))
		if err := x.PutConnection(ctx, bu.connection()); err != nil {
			t.Fatal(err)
		}
		feeds := make(chan workflow.ComplianceFeedArgs, 100)
		l := &lifecycle{t: t, env: env, bu: bu, x: x, reviewer: exStaff(t, env, beian.RoleAdmin), feeds: feeds}
		l.download() // code tables

		// First filing.
		snap := fixture.Enterprise("11", 41)
		first := exAccountOrder(t, env, "lifecycle", beian.FirstFiling, beian.AwaitingBureauSubmission, snap)
		l.account = first.AccountID
		if subs, _ := x.SubmitToBureau(ctx, l.reviewer, []string{first.ID}); subs[0].Err != nil {
			t.Fatal(subs[0].Err)
		}
		if err := x.Upload(ctx, "11"); err != nil {
			t.Fatal(err)
		}
		principal := snap.Subject.Principal
		l.verify(principal)
		l.download()
		l.wantState(first, beian.Filed)
		var subjectID string
		_ = env.DB.View(ctx, func(tx beian.Tx) error {
			r, err := tx.FindRecordBySubjectCertificate(ctx, snap.Subject.CertificateNumber)
			if err == nil {
				subjectID = r.Subject.ID
			}
			return err
		})
		rec := l.record(subjectID)
		site1 := rec.Services[0]

		// 新增网站: XZWZ under the subject number.
		w2 := fixture.Enterprise("11", 42).Websites[0]
		w2.ID, w2.Name, w2.Principal = "second", "青云数据博客", principal
		nw := l.order(beian.NewWebsite, beian.Snapshot{Subject: snap.Subject, Websites: []beian.Website{w2}}, subjectID)
		l.verify(principal)
		l.download()
		l.wantState(nw, beian.Filed)
		rec = l.record(subjectID)
		if len(rec.Services) != 2 || rec.Services[1].Number.Ordinal != 2 || rec.Services[1].BureauID == "" {
			t.Fatalf("after the new website: %+v", rec.Services)
		}
		site2 := rec.Services[1]

		// 变更互联网信息服务: a new name and a second domain on site 1.
		cw := *site1.Website
		cw.RecordID, cw.Name, cw.Domains = site1.ID, "青云数据官方网站", append(append([]string(nil), cw.Domains...), "qingyun-more41.cn")
		ch := l.order(beian.ChangeService, beian.Snapshot{Subject: snap.Subject, Websites: []beian.Website{cw}}, subjectID)
		l.verify(principal)
		l.download()
		l.wantState(ch, beian.Filed)
		rec = l.record(subjectID)
		if s := rec.Services[0]; s.Name() != "青云数据官方网站" || len(s.Domains()) != 2 {
			t.Fatalf("after the change: %s %v", s.Name(), s.Domains())
		}
		if sr, ok := bu.sim.Lookup(site1.Number.String()); !ok || sr.Services[0].Name != "青云数据官方网站" || len(sr.Services[0].Domains) != 2 {
			t.Fatalf("the bureau's record after the change: %+v", sr)
		}

		// 取消接入 of site 2: no SMS; the site becomes an empty shell.
		ca := l.order(beian.CancelAccess, beian.Snapshot{Subject: snap.Subject}, subjectID, site2.ID)
		if ca.State != beian.BureauReview {
			t.Fatalf("cancel access submitted into %s", ca.State)
		}
		l.download()
		l.wantState(ca, beian.Filed)
		rec = l.record(subjectID)
		if s := rec.Services[1]; s.Status != beian.RecordEmptyShell || s.Access[0].Status != beian.AccessCancelled {
			t.Fatalf("after cancelling the access: %s %+v", s.Status, s.Access)
		}

		// 注销网站 of site 1: SMS, approval, and ZXSJ.
		cs := l.order(beian.CancelService, beian.Snapshot{Subject: snap.Subject, CancelReason: "closed"}, subjectID, site1.ID)
		l.verify(principal)
		l.download()
		l.wantState(cs, beian.Filed)
		if s := l.record(subjectID).Services[0]; s.Status != beian.RecordCancelled {
			t.Fatalf("after cancelling the website: %s", s.Status)
		}

		// The same results once more (a bureau that resends): nothing changes.
		before := exAudit(t, env, "order", cs.ID)
		var ops []*beian.BureauOperation
		_ = env.DB.View(ctx, func(tx beian.Tx) (err error) {
			ops, err = tx.FindBureauOperations(ctx, beian.BureauOperationFilter{OrderID: cs.ID})
			return err
		})
		dup := &miit.DownloadICP{BAJG: &miit.BAJG{JgXx: []miit.BAJGJgXx{{Czlx: int64(ops[0].Czlx), Bs: ops[0].Bs,
			Jgxx: []miit.BAJGJgXxJgxx{{Jgdm: 1101}, {Jgdm: 1001}}}}}}
		if _, err := bu.sim.Inject(bureausim.DefaultISP.ISPID, dup); err != nil {
			t.Fatal(err)
		}
		l.download()
		if after := exAudit(t, env, "order", cs.ID); len(after) != len(before) {
			t.Errorf("a repeated result changed the order: %v → %v", before, after)
		}

		// With no access of ours left on the subject, a new website needs the
		// filing password: without it the bureau refuses (1018) and the order
		// comes back with the field marked.
		w3 := fixture.Enterprise("11", 43).Websites[0]
		w3.ID, w3.Name, w3.Principal = "third", "青云数据文档", principal
		refused := l.order(beian.NewWebsite, beian.Snapshot{Subject: snap.Subject, Websites: []beian.Website{w3}}, subjectID)
		l.download()
		if got := l.wantState(refused, beian.Returned); got.Review.BureauCode != 1018 || !got.Review.Marked("filing_password") {
			t.Fatalf("refusal without the password: %+v", got.Review)
		}
		// The customer enters the password the bureau texted the principal.
		simRec, _ := bu.sim.Lookup(snap.Subject.CertificateNumber)
		// An approval with no SMS result before it (as a real bureau sends):
		// sms_verified and bureau_approve, both audited.
		nw3 := l.order(beian.NewWebsite, beian.Snapshot{Subject: snap.Subject, Websites: []beian.Website{w3}, FilingPassword: simRec.Password}, subjectID)
		_ = env.DB.View(ctx, func(tx beian.Tx) (err error) {
			ops, err = tx.FindBureauOperations(ctx, beian.BureauOperationFilter{OrderID: nw3.ID})
			return err
		})
		if _, err := bu.sim.Inject(bureausim.DefaultISP.ISPID, &miit.DownloadICP{BAJG: &miit.BAJG{JgXx: []miit.BAJGJgXx{{
			Czlx: int64(ops[0].Czlx), Bs: ops[0].Bs, Jgxx: []miit.BAJGJgXxJgxx{{Jgdm: 1001, Dmms: "管局审核通过"}}}}}}); err != nil {
			t.Fatal(err)
		}
		l.download()
		l.wantState(nw3, beian.Filed)
		if acts := exAudit(t, env, "order", nw3.ID); !exInOrder(acts, []string{"order.bureau_submit", "order.sms_verified", "order.bureau_approve"}) {
			t.Errorf("approval without an SMS result: %v", acts)
		}

		// Feeds: a notice, an empty-shell check, an unfiled site, a verification
		// task, blacklists.
		number := l.record(subjectID).Services[1].Number.String()
		if _, err := bu.sim.RectificationNotice(number, "网站首页未悬挂备案号，请于10个工作日内整改。"); err != nil {
			t.Fatal(err)
		}
		if _, err := bu.sim.EmptyShellCheck(number, false, "首页无法访问"); err != nil {
			t.Fatal(err)
		}
		if _, err := bu.sim.UnfiledSite(bureausim.DefaultISP.ISPID, "unfiled-example.cn", netip.MustParseAddr("121.36.10.99")); err != nil {
			t.Fatal(err)
		}
		if _, err := bu.sim.BlacklistDomain("赌博网", "bad-example.cn"); err != nil {
			t.Fatal(err)
		}
		if _, err := bu.sim.BlacklistSubject("某某公司", 1, "91110000MA00000000"); err != nil {
			t.Fatal(err)
		}
		if _, err := bu.sim.IllegalAccess(bureausim.DefaultISP.ISPID, "illegal-example.cn", netip.MustParseAddr("121.36.10.98")); err != nil {
			t.Fatal(err)
		}
		l.download()
		facts := workflow.BlacklistFacts(env.DB)
		for _, q := range []struct {
			kind  string
			value string
		}{{"domain", "bad-example.cn"}, {"domain", "illegal-example.cn"}, {"ip", "121.36.10.98"}, {"subject", "91110000MA00000000"}} {
			if ok, err := facts.Listed(ctx, rules.BlacklistKind(q.kind), q.value); err != nil || !ok {
				t.Errorf("%s %s not blacklisted: %v", q.kind, q.value, err)
			}
		}
		var kinds []string
		rows, err := env.DB.SQL().Query(`SELECT kind, subkind, service_id FROM bureau_feed_items ORDER BY created_at, kind`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k, sub, svc string
			if err := rows.Scan(&k, &sub, &svc); err != nil {
				t.Fatal(err)
			}
			if k != "WBAWZLB" && svc == "" {
				t.Errorf("%s item names no service of ours", k)
			}
			kinds = append(kinds, k+"/"+sub)
		}
		rows.Close()
		slices.Sort(kinds)
		if !slices.Equal(kinds, []string{"HCJG/Kkwzhc", "WBAWZLB/", "XGTZ/1"}) {
			t.Errorf("feed items %v", kinds)
		}
		jobs := 0
		rows, err = env.DB.SQL().Query(`SELECT args FROM river_job`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var args []byte
			if err := rows.Scan(&args); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(args), workflow.JobComplianceFeed) {
				jobs++
			}
		}
		rows.Close()
		if jobs != len(kinds) {
			t.Errorf("%d compliance.feed jobs for %d feed items", jobs, len(kinds))
		}
		if pending := bu.sim.PendingFiles(bureausim.DefaultISP.ISPID); len(pending) != 0 {
			t.Errorf("%d files left at the bureau", len(pending))
		}
		// Exchange files are kept three months, then the retention job deletes
		// them (the rows stay as history).
		stored := len(files.keys("miit/"))
		if n, err := x.Retention(ctx); err != nil || n != 0 {
			t.Fatalf("retention deleted %d young files: %v", n, err)
		}
		env.Clock.Advance(94 * 24 * time.Hour)
		n, err := x.Retention(ctx)
		if err != nil || n == 0 || len(files.keys("miit/")) != stored-n {
			t.Fatalf("retention after three months: deleted %d of %d, %d left: %v", n, stored, len(files.keys("miit/")), err)
		}
		t.Logf("%s: subject %s, %d feed items, %d exchange files past retention", dialect, l.record(subjectID).Subject.Number, len(kinds), n)
	})
}
