package workflow_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// TestComplianceBureauFeeds is issue 6's "done when" item 3: the bureau
// simulator sends a rectification notice (XGTZ), check results (HCJG: a
// subject check, an access check, an empty-shell check), a verification
// task (HSRW) and an unfiled site on a customer's address (WBAWZLB); the
// download opens the right cases and tasks. The officer answers the task —
// the bureau receives the HSJG — and reports the unfiled site's handling —
// the bureau receives the WBACLJG. A later empty-shell check finding the
// site alive closes its case.
func TestComplianceBureauFeeds(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newCmpWorld(t, dialect)
		ctx := w.ctx
		cs := w.file(enterprise(1, "121.36.10.20"), enterprise(2, "121.36.10.21"), enterprise(3, "121.36.10.33"))
		c1, c2, c3 := cs[0], cs[1], cs[2]
		isp := bureausim.DefaultISP.ISPID
		num := func(c *cmpCustomer) string { return c.service().Number.String() }

		inject := func(names []string, err error) {
			t.Helper()
			if err != nil || len(names) == 0 {
				t.Fatalf("inject: %v %v", names, err)
			}
		}
		inject(w.sim.RectificationNotice(num(c1), "经核查，该网站首页未悬挂备案号，请于10个工作日内整改。"))
		inject(w.sim.AccessCheck(isp, num(c1), true, c1.domains[0], netip.MustParseAddr("121.36.99.9")))
		inject(w.sim.SubjectCheck(c2.rec.Subject.Number.String(), "主办单位经营异常"))
		inject(w.sim.EmptyShellCheck(num(c3), false, "多次访问均无法打开"))
		inject(w.sim.VerificationTask(c2.rec.Subject.Number.String(), "请核实主体负责人是否为法定代表人"))
		inject(w.sim.UnfiledSite(isp, "unfiled-shop.cn", netip.MustParseAddr("121.36.10.33")))
		feeds := w.count(workflow.JobComplianceFeed, "")
		w.download()
		w.awaitJobs(workflow.JobComplianceFeed, "", feeds+6)

		// The cases.
		want := []struct {
			account  string
			service  string
			cause    beian.CaseCause
			category beian.CaseCategory
			source   beian.CaseSource
		}{
			{c1.user.AccountID, c1.service().ID, beian.CauseContentNumber, beian.CategoryContent, beian.SourceXGTZ},
			{c1.user.AccountID, c1.service().ID, beian.CauseAccessReported, beian.CategoryAccess, beian.SourceHCJG},
			{c2.user.AccountID, "", beian.CauseSubjectAbnormal, beian.CategorySubject, beian.SourceHCJG},
			{c3.user.AccountID, c3.service().ID, beian.CauseEmptyShell, beian.CategoryContent, beian.SourceHCJG},
			{c3.user.AccountID, "", beian.CauseUnfiledSite, beian.CategoryAccess, beian.SourceWBAWZLB},
		}
		for _, x := range want {
			k := w.theCase(beian.CaseFilter{AccountID: x.account, Causes: []beian.CaseCause{x.cause}})
			if k.ServiceID != x.service || k.Category != x.category || k.Source != x.source || k.FeedItemID == "" || k.DueAt.IsZero() {
				t.Errorf("%s case: %+v", x.cause, k)
			}
		}
		if k := w.theCase(beian.CaseFilter{Causes: []beian.CaseCause{beian.CauseContentNumber}}); k.Detail != "经核查，该网站首页未悬挂备案号，请于10个工作日内整改。" {
			t.Errorf("the bureau's words: %q", k.Detail)
		}
		unfiledCase := w.theCase(beian.CaseFilter{Causes: []beian.CaseCause{beian.CauseUnfiledSite}})
		if !slices.Equal(unfiledCase.Targets, []string{"unfiled-shop.cn"}) || unfiledCase.Level != beian.LevelAccount {
			t.Errorf("unfiled-site case: %+v", unfiledCase)
		}
		if n := len(w.cases(beian.CaseFilter{})); n != len(want) {
			t.Errorf("%d cases, want %d", n, len(want))
		}
		// A redelivered feed item changes nothing.
		if err := w.c.HandleFeed(ctx, unfiledCase.FeedItemID); err != nil {
			t.Fatal(err)
		}
		if n := len(w.cases(beian.CaseFilter{})); n != len(want) {
			t.Errorf("%d cases after a redelivery", n)
		}

		// The verification task, answered with HSJG.
		tasks, _, err := w.wf.VerificationTasks(ctx, w.officer, beian.TaskFilter{})
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks: %v %v", tasks, err)
		}
		task := tasks[0]
		if task.SubjectID != c2.rec.Subject.ID || !slices.Equal(task.ServiceIDs, []string{c2.service().ID}) || task.Note != "请核实主体负责人是否为法定代表人" ||
			task.State != beian.TaskOpen || task.AccountID != c2.user.AccountID {
			t.Fatalf("task: %+v", task)
		}
		if _, err := w.wf.AnswerVerification(ctx, w.reviewer, task.ID, workflow.VerificationAnswerInput{Verifier: "x", Opinion: "y"}); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Fatalf("a reviewer answered: %v", err)
		}
		on := beian.DateOf(w.env.Clock.Now())
		if task, err = w.wf.AnswerVerification(ctx, w.officer, task.ID, workflow.VerificationAnswerInput{Passed: false, Verifier: "赵合规",
			VerifiedOn: on, Opinion: "主体负责人非法定代表人，信息不属实"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.wf.AnswerVerification(ctx, w.officer, task.ID, workflow.VerificationAnswerInput{Verifier: "x", Opinion: "y"}); beian.ErrorCode(err) != beian.ECONFLICT {
			t.Fatalf("answered twice: %v", err)
		}
		w.toBureau("the HSJG at the bureau", func() bool { return len(w.sim.VerificationAnswers(isp)) == 1 })
		ans := w.sim.VerificationAnswers(isp)[0]
		simRec, _ := w.sim.Lookup(c2.rec.Subject.Subject.CertificateNumber)
		if ans.Passed || ans.Verifier != "赵合规" || ans.Opinion != "主体负责人非法定代表人，信息不属实" || ans.VerifiedOn != on.String() ||
			ans.Ztid != simRec.Ztid || len(ans.Wzids) != 1 || ans.Wzids[0] != simRec.Services[0].Wzid || ans.Error != "主体负责人非法定代表人，信息不属实" {
			t.Fatalf("HSJG at the bureau: %+v", ans)
		}
		// The refusal opens a case against the subject.
		w.awaitJobs(workflow.JobComplianceRefused, task.ID, 1)
		if k := w.theCase(beian.CaseFilter{Sources: []beian.CaseSource{beian.SourceHSRW}}); k.Cause != beian.CauseSubjectPrincipal || k.SubjectID != c2.rec.Subject.ID {
			t.Errorf("refusal case: %+v", k)
		}

		// The unfiled site, handled with WBACLJG.
		sites, _, err := w.wf.UnfiledSites(ctx, w.officer, beian.TaskFilter{})
		if err != nil || len(sites) != 1 {
			t.Fatalf("unfiled sites: %v %v", sites, err)
		}
		site := sites[0]
		if site.Domain != "unfiled-shop.cn" || site.IP != netip.MustParseAddr("121.36.10.33") || site.AccountID != c3.user.AccountID ||
			site.CaseID != unfiledCase.ID || site.Operator == 0 {
			t.Fatalf("unfiled site: %+v", site)
		}
		deadline := on.AddDate(0, 0, 7)
		if _, err := w.wf.ReportUnfiled(ctx, w.officer, site.ID, workflow.UnfiledHandlingInput{Result: 99, Opinion: "x", Deadline: deadline}); beian.ErrorCode(err) != beian.EINVALID {
			t.Fatalf("unknown result: %v", err)
		}
		if site, err = w.wf.ReportUnfiled(ctx, w.officer, site.ID, workflow.UnfiledHandlingInput{Result: 1, Opinion: "已通知客户停止解析并关停",
			Deadline: deadline, Reporter: "赵合规", Phone: "13800138000", Email: "compliance@example.com"}); err != nil {
			t.Fatal(err)
		}
		w.toBureau("the WBACLJG at the bureau", func() bool { return len(w.sim.UnfiledResults(isp)) == 1 })
		res := w.sim.UnfiledResults(isp)[0]
		if res.Domain != "unfiled-shop.cn" || res.IP != "121.36.10.33" || res.Result != 1 || res.ResultName != "已关停" || res.Deadline != deadline.String() ||
			res.Reporter != "赵合规" || res.Problem != "" {
			t.Fatalf("WBACLJG at the bureau: %+v", res)
		}
		// Its one site settled, the owner's case is closed.
		if k := w.caseByID(unfiledCase.ID); k.State != beian.CaseClosed || k.Resolution != beian.ResolutionFixed {
			t.Errorf("unfiled-site case after the handling: %s", k.State)
		}

		// The bureau finds the shell alive again: its case closes.
		shell := w.theCase(beian.CaseFilter{Causes: []beian.CaseCause{beian.CauseEmptyShell}})
		inject(w.sim.EmptyShellCheck(num(c3), true, ""))
		feeds = w.count(workflow.JobComplianceFeed, "")
		w.download()
		w.awaitJobs(workflow.JobComplianceFeed, "", feeds+1)
		if k := w.caseByID(shell.ID); k.State != beian.CaseClosed {
			t.Errorf("empty-shell case after an alive check: %s", k.State)
		}
	})
}
