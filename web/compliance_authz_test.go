package web

import (
	"fmt"
	"net/netip"
	"net/url"

	"github.com/openbeian/beian"
)

// The compliance pages' rows of the page authorisation matrix
// (authz_test.go): staff read the console's compliance pages; compliance
// officers and admins act (admins alone edit the address ranges);
// customers see and act on their own cases in the portal, and staff who
// open a customer's case there are sent to the console.
func init() {
	officers := []string{whoCompliance, whoAdmin}
	customerReaders := []string{whoA, whoSubAdmin, whoB, whoReviewer, whoCompliance, whoAdmin}
	caseReaders := []string{whoA, whoSubAdmin, whoReviewer, whoCompliance, whoAdmin}
	onCase := func(suffix string, form url.Values, portal bool) func(*pageWorld) func(string) pageCall {
		return func(w *pageWorld) func(string) pageCall {
			k := w.caseOfA()
			base := "/console/compliance/cases/"
			if portal {
				base = "/portal/cases/"
				w.restoreSubAdmin()
			}
			return func(string) pageCall { return pageCall{path: base + k.ID + suffix, form: form} }
		}
	}
	for pattern, row := range map[string]pageRow{
		"GET /console/compliance":                      {allowed: pageStaff, prep: pageAt("/console/compliance")},
		"GET /console/compliance/cases/{id}":           {allowed: pageStaff, prep: onCase("", nil, false)},
		"POST /console/compliance/cases/{id}/{action}": {allowed: officers, prep: onCase("/close", url.Values{"how": {"withdrawn"}, "note": {"矩阵"}}, false)},
		"GET /console/compliance/sweeps":               {allowed: pageStaff, prep: pageAt("/console/compliance/sweeps")},
		"POST /console/compliance/sweeps":              {allowed: officers, prep: pagePost("/console/compliance/sweeps", url.Values{"scope": {"all"}})},
		"GET /console/compliance/tasks":                {allowed: pageStaff, prep: pageAt("/console/compliance/tasks")},
		"GET /console/compliance/unfiled":              {allowed: pageStaff, prep: pageAt("/console/compliance/unfiled")},
		"GET /console/compliance/ranges":               {allowed: pageStaff, prep: pageAt("/console/compliance/ranges")},
		"POST /console/compliance/ranges":              {allowed: pageAdmins, prep: pagePost("/console/compliance/ranges", url.Values{"range": {"121.36.0.0/16"}, "region": {"mainland"}})},
		"GET /portal/cases":                            {allowed: customerReaders, prep: pageAt("/portal/cases")},
		"GET /portal/cases/{id}":                       {allowed: caseReaders, owned: true, prep: onCase("", nil, true)},
		"POST /portal/cases/{id}/{action}":             {allowed: pageOrderOwners, owned: true, prep: onCase("/recheck", nil, true)},
		"GET /console/compliance/sweeps/{id}": {allowed: pageStaff, prep: func(w *pageWorld) func(string) pageCall {
			run := &beian.SweepRun{Scope: beian.SweepAll, State: beian.SweepDone}
			w.ts.update(func(tx beian.Tx) error { return tx.CreateSweepRun(w.ctx(), run) })
			return func(string) pageCall { return pageCall{path: "/console/compliance/sweeps/" + run.ID} }
		}},
		"GET /console/compliance/tasks/{id}": {allowed: pageStaff, prep: func(w *pageWorld) func(string) pageCall {
			t := w.taskOfA()
			return func(string) pageCall { return pageCall{path: "/console/compliance/tasks/" + t.ID} }
		}},
		"POST /console/compliance/tasks/{id}": {allowed: officers, prep: func(w *pageWorld) func(string) pageCall {
			t := w.taskOfA()
			return func(string) pageCall {
				return pageCall{path: "/console/compliance/tasks/" + t.ID, form: url.Values{"result": {"pass"}, "verifier": {"矩阵"}, "opinion": {"信息属实"}}}
			}
		}},
		"GET /console/compliance/unfiled/{id}": {allowed: pageStaff, prep: func(w *pageWorld) func(string) pageCall {
			s := w.unfiledOfA()
			return func(string) pageCall { return pageCall{path: "/console/compliance/unfiled/" + s.ID} }
		}},
		"POST /console/compliance/unfiled/{id}": {allowed: officers, prep: func(w *pageWorld) func(string) pageCall {
			s := w.unfiledOfA()
			deadline := beian.DateOf(w.ts.Clock.Now()).AddDate(0, 0, 7).String()
			return func(string) pageCall {
				return pageCall{path: "/console/compliance/unfiled/" + s.ID, form: url.Values{"result": {"1"}, "opinion": {"已关停"}, "deadline": {deadline}}}
			}
		}},
		"POST /console/compliance/ranges/{id}/delete": {allowed: pageAdmins, prep: func(w *pageWorld) func(string) pageCall {
			r := &beian.ProviderRange{IPs: beian.IPRange{Start: mustAddr("203.0.113.0"), End: mustAddr("203.0.113.255")}, Mainland: true}
			w.ts.update(func(tx beian.Tx) error { return tx.PutProviderRange(w.ctx(), r) })
			return func(string) pageCall { return pageCall{path: "/console/compliance/ranges/" + r.ID + "/delete"} }
		}},
	} {
		pageRows[pattern] = row
	}
}

// caseOfA opens a notified case on A's website, a new one per call.
func (w *pageWorld) caseOfA() *beian.Case {
	w.n++
	info := beian.CauseContentNumber.Info()
	k := &beian.Case{Key: fmt.Sprintf("matrix:%d", w.n), Level: beian.LevelService, AccountID: w.accountA.ID, SubjectID: w.recordA.Subject.ID,
		ServiceID: w.service, SubjectName: w.recordA.Subject.Subject.Name, Cause: info.Cause, Category: info.Category, Source: beian.SourceProbe,
		Notice: info.Notice, Reason: info.Reason, Suggestion: info.Suggestion, State: beian.CaseNotified}
	w.ts.update(func(tx beian.Tx) error {
		k.NotifiedAt, k.DueAt = tx.Now(), tx.Now().AddDate(0, 0, 7)
		return tx.CreateCase(w.ctx(), k)
	})
	return k
}

// restoreSubAdmin gives A's administrator sub-user its policy back: the
// group rows before these rewrite the account's sub-users' policies.
func (w *pageWorld) restoreSubAdmin() {
	w.ts.update(func(tx beian.Tx) error {
		u, err := tx.FindUser(w.ctx(), w.people[whoSubAdmin].ID)
		if err != nil {
			return err
		}
		u.Policies, u.Disabled = []beian.Policy{beian.PolicyBeianAdministrator}, false
		return tx.UpdateUser(w.ctx(), u)
	})
}

// taskOfA is an open verification task about A's subject.
func (w *pageWorld) taskOfA() *beian.VerificationTask {
	it := &beian.FeedItem{ConnectionID: "11", Kind: "HSRW", SubjectID: w.recordA.Subject.ID, Data: []byte(`{}`)}
	t := &beian.VerificationTask{ConnectionID: "11", SubjectID: w.recordA.Subject.ID, SubjectName: w.recordA.Subject.Subject.Name,
		AccountID: w.accountA.ID}
	w.ts.update(func(tx beian.Tx) error {
		if err := tx.CreateFeedItem(w.ctx(), it); err != nil {
			return err
		}
		t.FeedItemID = it.ID
		return tx.CreateVerificationTask(w.ctx(), t)
	})
	return t
}

// unfiledOfA is an open unfiled site on A's address.
func (w *pageWorld) unfiledOfA() *beian.UnfiledSite {
	it := &beian.FeedItem{ConnectionID: "11", Kind: "WBAWZLB", Data: []byte(`{}`)}
	s := &beian.UnfiledSite{ConnectionID: "11", Domain: "unfiled.example.cn", IP: mustAddr("121.36.10.20"), Operator: 1, Province: 110000,
		AccountID: w.accountA.ID}
	w.ts.update(func(tx beian.Tx) error {
		if err := tx.CreateFeedItem(w.ctx(), it); err != nil {
			return err
		}
		s.FeedItemID = it.ID
		return tx.CreateUnfiledSite(w.ctx(), s)
	})
	return s
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
