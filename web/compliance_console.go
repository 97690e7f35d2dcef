package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// The console's compliance pages: cases by category and deadline, a case
// with its evidence, timeline and the officer's actions, sweep runs, the
// bureau's verification tasks and unfiled sites, and the address ranges.

const casesPerPage = 50

type complianceCasesData struct {
	complianceBase
	Rows   []caseRow
	Total  int
	Counts []categoryCount
	// The filter as given, and its options.
	Category, State, Source, Query string
	Overdue                        bool
	Categories, States, Sources    []option
	Prev, Next                     string
}

type categoryCount struct {
	Key, Name string
	Count     int
	Href      string
}

// complianceCases lists cases with filters: category, state (open by
// default), source, overdue, a name or domain; earliest deadline first.
func (s *Server) complianceCases(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	q := r.URL.Query()
	d := &complianceCasesData{complianceBase: s.complianceBase(r, "cases"), Category: q.Get("category"), State: q.Get("state"),
		Source: q.Get("source"), Query: strings.TrimSpace(q.Get("q")), Overdue: q.Get("overdue") == "1"}
	f := beian.CaseFilter{Query: d.Query, Limit: casesPerPage}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = max(f.Offset, 0)
	if c := beian.CaseCategory(d.Category); c.Valid() {
		f.Categories = []beian.CaseCategory{c}
	}
	switch st := beian.CaseState(d.State); {
	case d.State == "all":
	case st.Valid():
		f.States = []beian.CaseState{st}
	default:
		d.State = "open"
		f.States = beian.OpenCaseStates
	}
	if d.Source != "" {
		f.Sources = []beian.CaseSource{beian.CaseSource(d.Source)}
	}
	if d.Overdue {
		f.DueBefore = s.cfg.Clock.Now()
	}
	page, err := s.cfg.Workflow.Cases(r.Context(), s.currentUser(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, it := range page.Items {
		d.Rows = append(d.Rows, newCaseRow(tr, it))
	}
	d.Total = page.Total
	for _, c := range beian.CaseCategories {
		d.Counts = append(d.Counts, categoryCount{Key: string(c), Name: c.Text().In(tr.lang), Count: page.Counts[c],
			Href: "/console/compliance?category=" + string(c)})
		d.Categories = append(d.Categories, option{string(c), string(c) + " " + c.Text().In(tr.lang)})
	}
	d.States = []option{{"open", tr.T("compliance.filter.open")}, {"all", tr.T("compliance.filter.all")}}
	for _, st := range beian.CaseStates {
		d.States = append(d.States, option{string(st), st.Text().In(tr.lang)})
	}
	for _, src := range []beian.CaseSource{beian.SourceProbe, beian.SourceRecords, beian.SourceHCJG, beian.SourceXGTZ, beian.SourceWBAWZLB,
		beian.SourceHSRW, beian.SourceOfficer} {
		d.Sources = append(d.Sources, option{string(src), src.Text().In(tr.lang)})
	}
	d.Prev, d.Next = pageLinks(r, f.Offset, page.Total)
	s.render(w, r, http.StatusOK, "compliance/cases", s.consolePage(r, "compliance.cases.title", &d.consoleBase, d))
}

type complianceCaseData struct {
	complianceBase
	caseDetail
	Self string
}

// complianceCase is a case's page for staff: what, why, the evidence, the
// timeline, and the officer's actions.
func (s *Server) complianceCase(w http.ResponseWriter, r *http.Request) {
	v, err := s.cfg.Workflow.Case(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceCaseData{complianceBase: s.complianceBase(r, "cases"), caseDetail: s.newCaseDetail(r, v, false), Self: r.URL.Path}
	s.render(w, r, http.StatusOK, "compliance/case", s.consolePage(r, "compliance.case.title", &d.consoleBase, d))
}

// complianceCaseAction runs an officer's action on a case: extension
// (grant or refuse), recheck, recheck-decision, close, escalate.
func (s *Server) complianceCaseAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	next := "/console/compliance/cases/" + url.PathEscape(id)
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	u, ctx, wf := s.currentUser(r), r.Context(), s.cfg.Workflow
	note := r.PostFormValue("note")
	var err error
	okKey := "compliance.flash." + r.PathValue("action")
	switch r.PathValue("action") {
	case "extension":
		days, _ := strconv.Atoi(r.PostFormValue("days"))
		grant := r.PostFormValue("decision") == "grant"
		_, err = wf.DecideExtension(ctx, u, id, grant, days, note)
		if !grant {
			okKey = "compliance.flash.extension_refused"
		}
	case "recheck":
		_, err = wf.RequestRecheck(ctx, u, id)
	case "recheck-decision":
		_, err = wf.DecideRecheck(ctx, u, id, r.PostFormValue("fixed") == "1", note)
	case "close":
		_, err = wf.CloseCase(ctx, u, id, workflow.CloseHow(r.PostFormValue("how")), note)
	case "escalate":
		_, err = wf.EscalateCase(ctx, u, id, note)
	default:
		s.notFound(w, r)
		return
	}
	s.consoleDone(w, r, next, okKey, err)
}

type sweepRow struct {
	ID, Short, Scope, ScopeID, Checks, State, StateKey string
	Started, Finished, Error                           string
	Targets, Faults, Unknowns, Suspects                int
	Opened, Updated, Closed                            int
}

func newSweepRow(tr translator, run *beian.SweepRun) sweepRow {
	return sweepRow{ID: run.ID, Short: shortID(run.ID), Scope: run.Scope.Text().In(tr.lang), ScopeID: run.ScopeID,
		Checks: strings.Join(run.Checks, ", "), State: tr.T("compliance.sweep.state." + string(run.State)), StateKey: string(run.State),
		Started: cxTime(run.StartedAt), Finished: cxTime(run.FinishedAt), Error: run.Error, Targets: run.Targets, Faults: run.Faults,
		Unknowns: run.Unknowns, Suspects: run.Suspects, Opened: run.Opened, Updated: run.Updated, Closed: run.Closed}
}

type complianceSweepsData struct {
	complianceBase
	// Schedule says how often sweeps run, "" when periodic sweeps are off.
	Schedule, DomainSchedule string
	Rows                     []sweepRow
	Total                    int
	Prev, Next               string
}

// complianceSweeps lists sweep runs with their counts and offers an
// on-demand sweep of everything, a customer or a service.
func (s *Server) complianceSweeps(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	off = max(off, 0)
	runs, total, err := s.cfg.Workflow.SweepRuns(r.Context(), s.currentUser(r), beian.SweepRunFilter{Offset: off, Limit: casesPerPage})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceSweepsData{complianceBase: s.complianceBase(r, "sweeps"), Total: total}
	if e := s.cfg.SweepEvery; e > 0 {
		d.Schedule, d.DomainSchedule = period(tr, e), period(tr, 7*e)
	}
	for _, run := range runs {
		d.Rows = append(d.Rows, newSweepRow(tr, run))
	}
	d.Prev, d.Next = pageLinks(r, off, total)
	s.render(w, r, http.StatusOK, "compliance/sweeps", s.consolePage(r, "compliance.sweeps.title", &d.consoleBase, d))
}

// complianceSweepStart queues an on-demand sweep.
func (s *Server) complianceSweepStart(w http.ResponseWriter, r *http.Request) {
	next := "/console/compliance/sweeps"
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	if n := r.PostFormValue("next"); n != "" {
		next = safeNext(n, next)
	}
	err := s.cfg.Workflow.RequestSweep(r.Context(), s.currentUser(r), beian.SweepScope(r.PostFormValue("scope")), r.PostFormValue("scope_id"))
	s.consoleDone(w, r, next, "compliance.flash.sweep", err)
}

type findingRow struct {
	Service, ServiceName string
	Fault                bool
	Evidence             evidenceView
}

type complianceSweepData struct {
	complianceBase
	Run  sweepRow
	Rows []findingRow
}

// complianceSweep is one run with its findings and their evidence.
func (s *Server) complianceSweep(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	v, err := s.cfg.Workflow.SweepRun(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceSweepData{complianceBase: s.complianceBase(r, "sweeps"), Run: newSweepRow(tr, v.Run)}
	for _, res := range v.Results {
		for _, f := range res.Findings {
			d.Rows = append(d.Rows, findingRow{Service: res.ServiceID, ServiceName: v.Names[res.ServiceID], Fault: f.Fault,
				Evidence: newEvidenceView(tr, f.Evidence)})
		}
	}
	s.render(w, r, http.StatusOK, "compliance/sweep", s.consolePage(r, "compliance.sweep.title", &d.consoleBase, d))
}

type taskRow struct {
	ID, Short, Subject, Note, State, StateKey, Created string
	Services                                           int
	Answer                                             string
}

type complianceTasksData struct {
	complianceBase
	Rows  []taskRow
	Total int
}

func newTaskRow(tr translator, t *beian.VerificationTask) taskRow {
	row := taskRow{ID: t.ID, Short: shortID(t.ID), Subject: t.SubjectName, Note: t.Note, State: tr.T("compliance.task.state." + string(t.State)),
		StateKey: string(t.State), Created: cxTime(t.CreatedAt), Services: len(t.BureauServices)}
	if a := t.Answer; a != nil {
		row.Answer = tr.T(map[bool]string{true: "compliance.task.passed", false: "compliance.task.refused"}[a.Passed])
	}
	return row
}

// complianceTasks lists the bureau's verification tasks (核实任务), open
// first.
func (s *Server) complianceTasks(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	tasks, total, err := s.cfg.Workflow.VerificationTasks(r.Context(), s.currentUser(r), beian.TaskFilter{Limit: 200})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceTasksData{complianceBase: s.complianceBase(r, "tasks"), Total: total}
	for _, t := range tasks {
		d.Rows = append(d.Rows, newTaskRow(tr, t))
	}
	s.render(w, r, http.StatusOK, "compliance/tasks", s.consolePage(r, "compliance.tasks.title", &d.consoleBase, d))
}

type complianceTaskData struct {
	complianceBase
	Row        taskRow
	Task       *beian.VerificationTask
	Record     *beian.Record
	Services   []string
	AnsweredAt string
	Today      string
	CaseHref   string
}

// complianceTask is a verification task with our record and the answer
// form.
func (s *Server) complianceTask(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	v, err := s.cfg.Workflow.VerificationTask(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceTaskData{complianceBase: s.complianceBase(r, "tasks"), Row: newTaskRow(tr, v.Task), Task: v.Task, Record: v.Record,
		Today: beian.DateOf(s.cfg.Clock.Now()).String()}
	if v.Record != nil {
		for _, svc := range v.Record.Services {
			for _, id := range v.Task.ServiceIDs {
				if id == svc.ID {
					d.Services = append(d.Services, svc.Name()+" "+svc.Number.String()+" "+strings.Join(svc.Domains(), ", "))
				}
			}
		}
	}
	if a := v.Task.Answer; a != nil {
		d.AnsweredAt = cxTime(a.AnsweredAt)
	}
	if v.Task.CaseID != "" {
		d.CaseHref = "/console/compliance/cases/" + v.Task.CaseID
	}
	s.render(w, r, http.StatusOK, "compliance/task", s.consolePage(r, "compliance.task.title", &d.consoleBase, d))
}

// complianceTaskAnswer answers a verification task (HSJG).
func (s *Server) complianceTaskAnswer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	next := "/console/compliance/tasks/" + url.PathEscape(id)
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	in := workflow.VerificationAnswerInput{Passed: r.PostFormValue("result") == "pass", Verifier: r.PostFormValue("verifier"),
		Opinion: r.PostFormValue("opinion")}
	if on := strings.TrimSpace(r.PostFormValue("verified_on")); on != "" {
		d, err := beian.ParseDate(on)
		if err != nil {
			s.consoleDone(w, r, next, "", beian.Invalid("verified_on", "date.format", "value", on))
			return
		}
		in.VerifiedOn = d
	}
	_, err := s.cfg.Workflow.AnswerVerification(r.Context(), s.currentUser(r), id, in)
	s.consoleDone(w, r, next, "compliance.flash.task", err)
}

type unfiledRow struct {
	ID, Short, Domain, IP, First, Last, Listed string
	Detections                                 int
	Owner, CaseHref, State, StateKey, Result   string
}

func newUnfiledRow(tr translator, u *beian.UnfiledSite) unfiledRow {
	row := unfiledRow{ID: u.ID, Short: shortID(u.ID), Domain: u.Domain, IP: u.IP.String(), First: u.FirstDetected.String(),
		Last: u.LastDetected.String(), Listed: u.ListedOn.String(), Detections: u.Detections, Owner: u.AccountID,
		State: tr.T("compliance.task.state." + string(u.State)), StateKey: string(u.State)}
	if !u.IP.IsValid() {
		row.IP = ""
	}
	if u.CaseID != "" {
		row.CaseHref = "/console/compliance/cases/" + u.CaseID
	}
	if h := u.Handling; h != nil {
		row.Result = unfiledResultName(tr, h.ResultName)
	}
	return row
}

type complianceUnfiledListData struct {
	complianceBase
	Rows  []unfiledRow
	Total int
}

// complianceUnfiledList lists the unfiled sites the bureau found on our
// addresses, open first.
func (s *Server) complianceUnfiledList(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	sites, total, err := s.cfg.Workflow.UnfiledSites(r.Context(), s.currentUser(r), beian.TaskFilter{Limit: 200})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceUnfiledListData{complianceBase: s.complianceBase(r, "unfiled"), Total: total}
	for _, u := range sites {
		d.Rows = append(d.Rows, newUnfiledRow(tr, u))
	}
	s.render(w, r, http.StatusOK, "compliance/unfiled", s.consolePage(r, "compliance.unfiled.title", &d.consoleBase, d))
}

type complianceUnfiledData struct {
	complianceBase
	Row      unfiledRow
	Site     *beian.UnfiledSite
	Results  []beian.CodeEntry
	Deadline string
	Reported string
}

// complianceUnfiled is an unfiled site with the handling form.
func (s *Server) complianceUnfiled(w http.ResponseWriter, r *http.Request) {
	tr := s.translator(r)
	site, err := s.cfg.Workflow.UnfiledSite(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	results, err := s.cfg.Workflow.UnfiledResults(r.Context(), site.ConnectionID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for i := range results {
		results[i].Name = unfiledResultName(tr, results[i].Name)
	}
	d := &complianceUnfiledData{complianceBase: s.complianceBase(r, "unfiled"), Row: newUnfiledRow(tr, site), Site: site, Results: results,
		Deadline: beian.DateOf(s.cfg.Clock.Now()).AddDate(0, 0, 7).String()}
	if h := site.Handling; h != nil {
		d.Reported = cxTime(h.ReportedAt)
	}
	s.render(w, r, http.StatusOK, "compliance/unfiled_site", s.consolePage(r, "compliance.unfiled.title", &d.consoleBase, d))
}

// complianceUnfiledReport reports an unfiled site's handling (WBACLJG).
func (s *Server) complianceUnfiledReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	next := "/console/compliance/unfiled/" + url.PathEscape(id)
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	result, _ := strconv.ParseInt(r.PostFormValue("result"), 10, 64)
	in := workflow.UnfiledHandlingInput{Result: result, Opinion: r.PostFormValue("opinion"), Reporter: r.PostFormValue("reporter"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email")}
	if v := strings.TrimSpace(r.PostFormValue("deadline")); v != "" {
		d, err := beian.ParseDate(v)
		if err != nil {
			s.consoleDone(w, r, next, "", beian.Invalid("deadline", "unfiled.deadline"))
			return
		}
		in.Deadline = d
	}
	_, err := s.cfg.Workflow.ReportUnfiled(r.Context(), s.currentUser(r), id, in)
	s.consoleDone(w, r, next, "compliance.flash.unfiled", err)
}

type rangeRow struct {
	ID, Range, Name, UpdatedBy, Updated string
	Mainland                            bool
}

type complianceRangesData struct {
	complianceBase
	Rows []rangeRow
}

// complianceRanges lists the provider's address ranges; admins edit them.
func (s *Server) complianceRanges(w http.ResponseWriter, r *http.Request) {
	rs, err := s.cfg.Workflow.ProviderRanges(r.Context(), s.currentUser(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &complianceRangesData{complianceBase: s.complianceBase(r, "ranges")}
	for _, x := range rs {
		d.Rows = append(d.Rows, rangeRow{ID: x.ID, Range: x.IPs.String(), Name: x.Name, UpdatedBy: x.UpdatedBy, Updated: cxTime(x.UpdatedAt),
			Mainland: x.Mainland})
	}
	s.render(w, r, http.StatusOK, "compliance/ranges", s.consolePage(r, "compliance.ranges.title", &d.consoleBase, d))
}

// complianceRangePut adds a range (or changes one, with an id).
func (s *Server) complianceRangePut(w http.ResponseWriter, r *http.Request) {
	next := "/console/compliance/ranges"
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	_, err := s.cfg.Workflow.PutProviderRange(r.Context(), s.currentUser(r), workflow.ProviderRangeInput{ID: r.PostFormValue("id"),
		Range: r.PostFormValue("range"), Mainland: r.PostFormValue("region") != "overseas", Name: r.PostFormValue("name")})
	s.consoleDone(w, r, next, "compliance.flash.range", err)
}

// complianceRangeDelete removes a range.
func (s *Server) complianceRangeDelete(w http.ResponseWriter, r *http.Request) {
	next := "/console/compliance/ranges"
	if err := consoleForm(w, r); err != nil {
		s.consoleDone(w, r, next, "", err)
		return
	}
	err := s.cfg.Workflow.DeleteProviderRange(r.Context(), s.currentUser(r), r.PathValue("id"))
	s.consoleDone(w, r, next, "compliance.flash.range_deleted", err)
}

// period names a sweep period in hours, or in days when it is whole days
// of two or more.
func period(tr translator, d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return tr.T("compliance.period.days", "Count", int(d/(24*time.Hour)))
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return tr.T("compliance.period.hours", "Count", int(d/time.Hour))
	}
	return d.String()
}

// unfiledResultKeys names the handling results of V3.0's default table
// (未备案网站处理状态), whose names the bureau sends in Chinese.
var unfiledResultKeys = map[string]string{"已关停": "shut", "已备案": "filed", "已取消接入": "access_cancelled",
	"非本单位接入": "not_ours", "整改中": "rectifying", "其他": "other"}

// unfiledResultName translates a handling result the bureau names; a name
// outside the default table stays as the bureau wrote it.
func unfiledResultName(tr translator, name string) string {
	if k, ok := unfiledResultKeys[name]; ok {
		return label(tr, "compliance.unfiled_result."+k, name)
	}
	return name
}

// pageLinks are the links to the previous and next page of a list of
// casesPerPage rows at offset, keeping the request's filters ("" where
// there is no such page).
func pageLinks(r *http.Request, offset, total int) (prev, next string) {
	if offset > 0 {
		prev = r.URL.Path + "?" + queryWith(r.URL.Query(), "offset", strconv.Itoa(max(offset-casesPerPage, 0)))
	}
	if offset+casesPerPage < total {
		next = r.URL.Path + "?" + queryWith(r.URL.Query(), "offset", strconv.Itoa(offset+casesPerPage))
	}
	return prev, next
}
