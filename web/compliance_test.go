package web

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
)

// complianceWorld is a test server with two customers, each with a filed
// website, and a notified case on the first one's.
type complianceWorld struct {
	*testServer
	acme, globex       *beian.User
	officer, reviewer  *beian.User
	admin              *beian.User
	acmeCase, gloCase  *beian.Case
	acmeRec, globexRec *beian.Record
}

func newComplianceWorld(t *testing.T, dialect string) *complianceWorld {
	t.Helper()
	ts := newTestServer(t, dialect)
	cw := &complianceWorld{testServer: ts}
	_, cw.acme = ts.account("acme")
	_, cw.globex = ts.account("globex")
	cw.officer = ts.user("carol", beian.RoleCompliance, "")
	cw.reviewer = ts.user("rita", beian.RoleReviewer, "")
	cw.admin = ts.user("root", beian.RoleAdmin, "")
	cw.acmeRec = cw.filed(cw.acme, "acme.cn", "121.36.10.20", "京ICP备2026000001号")
	cw.globexRec = cw.filed(cw.globex, "globex.cn", "121.36.10.21", "京ICP备2026000002号")
	cw.acmeCase = cw.openCase(cw.acmeRec, beian.CauseContentNumber, beian.CaseNotified)
	cw.gloCase = cw.openCase(cw.globexRec, beian.CauseAccessElsewhere, beian.CaseNotified)
	return cw
}

// filed creates a filed subject with one website and an active access here.
func (cw *complianceWorld) filed(u *beian.User, domain, ip, number string) *beian.Record {
	ctx := context.Background()
	n, _ := beian.ParseICPNumber(number)
	rec := &beian.Record{}
	cw.update(func(tx beian.Tx) error {
		rec.Subject = beian.RecordSubject{AccountID: u.AccountID, Number: n, Status: beian.RecordFiled, FiledAt: tx.Now(),
			Subject: beian.Subject{Province: "11", Nature: beian.NatureEnterprise, Name: u.Login + "科技有限公司", Principal: beian.Person{Name: "王建国"}}}
		if err := tx.CreateRecordSubject(ctx, &rec.Subject); err != nil {
			return err
		}
		svc := beian.RecordService{SubjectID: rec.Subject.ID, Kind: beian.KindWebsite, Number: n.Service(1, beian.KindWebsite), Status: beian.RecordFiled,
			Website: &beian.Website{Name: u.Login + "官网", Domains: []string{domain}}, FiledAt: tx.Now(),
			Access: []beian.AccessRecord{{Ours: true, Status: beian.AccessActive, BureauID: "77", IPs: []beian.IPRange{beian.SingleIP(netip.MustParseAddr(ip))}}}}
		if err := tx.CreateRecordService(ctx, &svc); err != nil {
			return err
		}
		rec.Services = []beian.RecordService{svc}
		return nil
	})
	return rec
}

// openCase opens a case on the record's website in state.
func (cw *complianceWorld) openCase(rec *beian.Record, cause beian.CaseCause, state beian.CaseState) *beian.Case {
	ctx := context.Background()
	svc := rec.Services[0]
	info := cause.Info()
	k := &beian.Case{Key: beian.CaseKey(beian.LevelService, svc.ID, cause), Level: beian.LevelService, AccountID: rec.Subject.AccountID,
		SubjectID: rec.Subject.ID, ServiceID: svc.ID, SubjectName: rec.Subject.Subject.Name, ServiceName: svc.Name(), Number: svc.Number.String(),
		Cause: cause, Category: info.Category, Source: beian.SourceProbe, Notice: info.Notice, Reason: info.Reason, Suggestion: info.Suggestion,
		Targets: svc.Domains(), State: state}
	cw.update(func(tx beian.Tx) error {
		k.DueAt, _ = cw.Workflow.Calendar().AddWorkdays(tx.Now(), 5)
		if state != beian.CaseOpened {
			k.NotifiedAt = tx.Now()
		}
		if err := tx.CreateCase(ctx, k); err != nil {
			return err
		}
		return tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: beian.Evidence{At: tx.Now(), Source: beian.SourceProbe,
			Code: "http.no_number", Domain: svc.Domains()[0], URL: "http://" + svc.Domains()[0] + "/", HTTPStatus: 200,
			Snippet: "© 2026 <footer-evidence>", Resolved: []netip.Addr{netip.MustParseAddr("121.36.10.20")}}})
	})
	return k
}

func (cw *complianceWorld) caseNow(id string) *beian.Case {
	var k *beian.Case
	cw.update(func(tx beian.Tx) (err error) { k, err = tx.FindCase(context.Background(), id); return })
	return k
}

// TestCompliancePageAccess: customers see their own cases only; staff see
// the console's compliance pages, reviewers without actions; customers get
// none of the console's.
func TestCompliancePageAccess(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newComplianceWorld(t, dialect)
		acme, globex := cw.client(cw.acme), cw.client(cw.globex)

		code, body := cw.get(acme, "/portal/cases")
		if code != 200 || !strings.Contains(body, cw.acmeCase.ID) || strings.Contains(body, cw.gloCase.ID) {
			t.Fatalf("acme's list: %d, own %v, other's %v", code, strings.Contains(body, cw.acmeCase.ID), strings.Contains(body, cw.gloCase.ID))
		}
		if code, _ := cw.get(globex, "/portal/cases/"+cw.acmeCase.ID); code != http.StatusNotFound {
			t.Errorf("globex opened acme's case: %d", code)
		}
		if code, _, _ := cw.post(globex, "/portal/cases/"+cw.acmeCase.ID+"/recheck", nil); code != http.StatusNotFound {
			t.Errorf("globex re-checked acme's case: %d", code)
		}
		code, body = cw.get(acme, "/portal/cases/"+cw.acmeCase.ID)
		if code != 200 || !strings.Contains(body, "未悬挂备案号或备案号未链接至工信部") || !strings.Contains(body, "&lt;footer-evidence&gt;") ||
			!strings.Contains(body, `&lt;a href=&#34;https://beian.miit.gov.cn/&#34;`) || !strings.Contains(body, "京ICP备2026000001号-1") ||
			!strings.Contains(body, `action="/portal/cases/`+cw.acmeCase.ID+`/extension"`) {
			t.Fatalf("acme's case page: %d\n%s", code, body)
		}

		consolePages := []string{"/console/compliance", "/console/compliance/cases/" + cw.acmeCase.ID, "/console/compliance/sweeps",
			"/console/compliance/tasks", "/console/compliance/unfiled", "/console/compliance/ranges"}
		for _, p := range consolePages {
			if code, _ := cw.get(acme, p); code != http.StatusForbidden {
				t.Errorf("customer %s: %d", p, code)
			}
			if code, _ := cw.get(cw.client(nil), p); code != http.StatusSeeOther {
				t.Errorf("anonymous %s: %d", p, code)
			}
		}
		for _, u := range []*beian.User{cw.officer, cw.admin, cw.reviewer} {
			c := cw.client(u)
			for _, p := range consolePages {
				if code, _ := cw.get(c, p); code != 200 {
					t.Errorf("%s %s: %d", u.Login, p, code)
				}
			}
		}
		// Both cases in the console, counted by category.
		_, body = cw.get(cw.client(cw.officer), "/console/compliance")
		if !strings.Contains(body, cw.acmeCase.ID) || !strings.Contains(body, cw.gloCase.ID) || !strings.Contains(body, "网站内容不合格") {
			t.Errorf("console list lacks a case")
		}
		_, body = cw.get(cw.client(cw.officer), "/console/compliance?category=E")
		if strings.Contains(body, cw.acmeCase.ID) || !strings.Contains(body, cw.gloCase.ID) {
			t.Errorf("category filter")
		}
		// Reviewers read, without actions; their POSTs are refused.
		rc := cw.client(cw.reviewer)
		if _, body := cw.get(rc, "/console/compliance/cases/"+cw.acmeCase.ID); strings.Contains(body, "/escalate\"") || !strings.Contains(body, "只有合规专员") {
			t.Errorf("a reviewer is offered the actions")
		}
		if code, body, _ := cw.post(rc, "/console/compliance/cases/"+cw.acmeCase.ID+"/close", url.Values{"how": {"withdrawn"}}); code != http.StatusForbidden ||
			!strings.Contains(body, "只有合规专员") {
			t.Errorf("reviewer close: %d", code)
		}
		if k := cw.caseNow(cw.acmeCase.ID); k.State != beian.CaseNotified {
			t.Errorf("a reviewer closed a case: %s", k.State)
		}
		// Staff opening the portal's cases land in the console.
		if code, _ := cw.get(cw.client(cw.officer), "/portal/cases"); code != http.StatusSeeOther {
			t.Errorf("officer /portal/cases: %d", code)
		}
	})
}

// TestComplianceCaseActions drives a case through the pages: the customer
// asks for an extension and a re-check; the officer grants the extension,
// decides the re-check, and closes another case; escalation of a case with
// nothing to cancel closes it as cancelled.
func TestComplianceCaseActions(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newComplianceWorld(t, dialect)
		acme, officer := cw.client(cw.acme), cw.client(cw.officer)
		id := cw.acmeCase.ID

		code, _, loc := cw.post(acme, "/portal/cases/"+id+"/extension", url.Values{"days": {"9"}, "reason": {"x"}})
		if code != http.StatusSeeOther || loc != "/portal/cases/"+id {
			t.Fatalf("bad extension: %d %s", code, loc)
		}
		if _, body := cw.get(acme, loc); !strings.Contains(body, "延期天数应为 1 到 7 个工作日") {
			t.Errorf("the refusal is not shown")
		}
		if code, _, _ := cw.post(acme, "/portal/cases/"+id+"/extension", url.Values{"days": {"5"}, "reason": {"服务器迁移中"}}); code != http.StatusSeeOther {
			t.Fatalf("extension: %d", code)
		}
		if k := cw.caseNow(id); k.Extension.State != beian.ExtensionRequested || k.Extension.Days != 5 {
			t.Fatalf("after the request: %+v", k.Extension)
		}
		if _, body := cw.get(officer, "/console/compliance/cases/"+id); !strings.Contains(body, "客户申请延期 5 个工作日") {
			t.Errorf("the officer does not see the request")
		}
		if code, _, _ := cw.post(officer, "/console/compliance/cases/"+id+"/extension", url.Values{"decision": {"grant"}, "days": {"5"}, "note": {"同意"}}); code != http.StatusSeeOther {
			t.Fatalf("grant: %d", code)
		}
		k := cw.caseNow(id)
		want, _ := cw.Workflow.Calendar().AddWorkdays(cw.acmeCase.DueAt, 5)
		if k.State != beian.CaseExtended || !k.DueAt.Equal(want.UTC().Truncate(time.Microsecond)) {
			t.Fatalf("after the grant: %s %v (want %v)", k.State, k.DueAt, want)
		}

		// The customer asks for a re-check; the officer finds it not fixed.
		if code, _, _ := cw.post(acme, "/portal/cases/"+id+"/recheck", nil); code != http.StatusSeeOther {
			t.Fatalf("recheck: %d", code)
		}
		if k := cw.caseNow(id); k.State != beian.CaseRechecking {
			t.Fatalf("after the re-check request: %s", k.State)
		}
		if _, body := cw.get(acme, "/portal/cases/"+id); !strings.Contains(body, "复查进行中") {
			t.Errorf("the customer does not see the pending re-check")
		}
		if code, _, _ := cw.post(officer, "/console/compliance/cases/"+id+"/recheck-decision", url.Values{"fixed": {"0"}, "note": {"首页仍未展示"}}); code != http.StatusSeeOther {
			t.Fatalf("decision: %d", code)
		}
		if k := cw.caseNow(id); k.State != beian.CaseExtended {
			t.Fatalf("after the verdict: %s", k.State)
		}
		_, body := cw.get(acme, "/portal/cases/"+id)
		if !strings.Contains(body, "首页仍未展示") || !strings.Contains(body, "复查未通过") {
			t.Errorf("the customer does not see the verdict")
		}

		// The officer closes globex's case as a false positive.
		if code, _, _ := cw.post(officer, "/console/compliance/cases/"+cw.gloCase.ID+"/close", url.Values{"how": {"withdrawn"}, "note": {"误报"}}); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		if k := cw.caseNow(cw.gloCase.ID); k.State != beian.CaseWithdrawn {
			t.Fatalf("after withdrawal: %s", k.State)
		}

		// Escalating a case whose access here is gone closes it instead.
		cw.update(func(tx beian.Tx) error {
			rec, err := tx.FindRecord(context.Background(), cw.acmeRec.Subject.ID)
			if err != nil {
				return err
			}
			rec.Services[0].Access[0].Status = beian.AccessCancelled
			return tx.UpdateRecordService(context.Background(), &rec.Services[0])
		})
		if code, _, _ := cw.post(officer, "/console/compliance/cases/"+id+"/escalate", url.Values{"note": {"逾期"}}); code != http.StatusSeeOther {
			t.Fatalf("escalate: %d", code)
		}
		if k := cw.caseNow(id); k.State != beian.CaseClosed || k.Resolution != beian.ResolutionCancelled {
			t.Fatalf("escalated without access: %s %s", k.State, k.Resolution)
		}
	})
}

// TestComplianceRangesAndSweeps: admins edit the address ranges, officers
// only see them; officers queue sweeps.
func TestComplianceRangesAndSweeps(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newComplianceWorld(t, dialect)
		admin, officer := cw.client(cw.admin), cw.client(cw.officer)
		if code, _, _ := cw.post(officer, "/console/compliance/ranges", url.Values{"range": {"121.36.0.0/16"}}); code != http.StatusForbidden {
			t.Errorf("officer edited ranges: %d", code)
		}
		for _, r := range []url.Values{{"range": {"121.36.0.0/16"}, "region": {"mainland"}, "name": {"cn-north-4"}},
			{"range": {"47.240.0.0-47.240.255.255"}, "region": {"overseas"}, "name": {"ap-southeast-1"}},
			{"range": {"2001:db8::/48"}, "region": {"mainland"}}} {
			if code, _, _ := cw.post(admin, "/console/compliance/ranges", r); code != http.StatusSeeOther {
				t.Fatalf("add %v: %d", r, code)
			}
		}
		cw.post(admin, "/console/compliance/ranges", url.Values{"range": {"10.0.0.9-10.0.0.1"}})
		_, body := cw.get(admin, "/console/compliance/ranges")
		if !strings.Contains(body, "121.36.0.0-121.36.255.255") || !strings.Contains(body, "2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff") ||
			!strings.Contains(body, "IP地址段「10.0.0.9-10.0.0.1」不正确") || !strings.Contains(body, "ap-southeast-1") {
			t.Fatalf("ranges page:\n%s", body)
		}
		rs, err := cw.Workflow.ProviderRanges(context.Background(), cw.admin)
		// By start address, IPv4 first.
		if err != nil || len(rs) != 3 || rs[0].Name != "ap-southeast-1" || rs[0].Mainland || !rs[1].Mainland || !rs[2].IPs.Start.Is6() {
			t.Fatalf("ranges: %+v %v", rs, err)
		}
		if code, _, _ := cw.post(admin, "/console/compliance/ranges/"+rs[0].ID+"/delete", nil); code != http.StatusSeeOther {
			t.Fatalf("delete: %d", code)
		}
		if _, body := cw.get(officer, "/console/compliance/ranges"); strings.Contains(body, "ap-southeast-1") || strings.Contains(body, "/delete") {
			t.Errorf("after the deletion, or an officer offered deletion")
		}

		// Sweeps: an officer queues one for a customer by account name.
		if code, _, _ := cw.post(officer, "/console/compliance/sweeps", url.Values{"scope": {"account"}, "scope_id": {"acme"}}); code != http.StatusSeeOther {
			t.Fatalf("sweep: %d", code)
		}
		if _, body := cw.get(officer, "/console/compliance/sweeps"); !strings.Contains(body, "巡检已排队") {
			t.Errorf("no confirmation of the queued sweep")
		}
		if code, _, _ := cw.post(officer, "/console/compliance/sweeps", url.Values{"scope": {"account"}, "scope_id": {"nobody"}}); code != http.StatusSeeOther {
			t.Fatalf("sweep of nobody: %d", code)
		}
		if code, body, _ := cw.post(cw.client(cw.reviewer), "/console/compliance/sweeps", url.Values{"scope": {"all"}}); code != http.StatusForbidden ||
			!strings.Contains(body, "只有合规专员") {
			t.Errorf("a reviewer's sweep was not refused: %d", code)
		}
	})
}
