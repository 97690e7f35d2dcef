package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// complianceRoutes registers the compliance loop's pages: the console's
// cases, sweeps, verification tasks, unfiled sites and address ranges (for
// staff; compliance officers and admins act, reviewers only read, admins
// alone edit the ranges), and the customer's cases in the portal.
func (s *Server) complianceRoutes(page route) {
	page("GET /console/compliance", s.requireStaff(s.complianceCases))
	page("GET /console/compliance/cases/{id}", s.requireStaff(s.complianceCase))
	page("POST /console/compliance/cases/{id}/{action}", s.requireStaff(s.complianceCaseAction))
	page("GET /console/compliance/sweeps", s.requireStaff(s.complianceSweeps))
	page("POST /console/compliance/sweeps", s.requireStaff(s.complianceSweepStart))
	page("GET /console/compliance/sweeps/{id}", s.requireStaff(s.complianceSweep))
	page("GET /console/compliance/tasks", s.requireStaff(s.complianceTasks))
	page("GET /console/compliance/tasks/{id}", s.requireStaff(s.complianceTask))
	page("POST /console/compliance/tasks/{id}", s.requireStaff(s.complianceTaskAnswer))
	page("GET /console/compliance/unfiled", s.requireStaff(s.complianceUnfiledList))
	page("GET /console/compliance/unfiled/{id}", s.requireStaff(s.complianceUnfiled))
	page("POST /console/compliance/unfiled/{id}", s.requireStaff(s.complianceUnfiledReport))
	page("GET /console/compliance/ranges", s.requireStaff(s.complianceRanges))
	page("POST /console/compliance/ranges", s.requireAdmin(s.complianceRangePut))
	page("POST /console/compliance/ranges/{id}/delete", s.requireAdmin(s.complianceRangeDelete))
	page("GET /portal/cases", s.requireUser(s.portalCases))
	page("GET /portal/cases/{id}", s.requireUser(s.portalCase))
	page("POST /portal/cases/{id}/{action}", s.requireUser(s.portalCaseAction))
}

// complianceBase is what every compliance console page carries: the
// console's and the compliance area's navigation.
type complianceBase struct {
	consoleBase
	// Tab names the compliance area's navigation entry of the page.
	Tab string
	// CanWork is true for compliance officers and admins.
	CanWork bool
}

func (s *Server) complianceBase(r *http.Request, tab string) complianceBase {
	return complianceBase{consoleBase: consoleBase{Active: "compliance"}, Tab: tab, CanWork: workflow.CanWorkCases(s.currentUser(r))}
}

// label translates key, falling back to fallback when the key has no
// translation (a code the locale files do not know yet).
func label(tr translator, key, fallback string) string {
	if s := tr.T(key); s != key {
		return s
	}
	return fallback
}

// caseRow is a case in a list.
type caseRow struct {
	ID, Short                      string
	Category, CategoryKey, Notice  string
	Subject, Service, Number       string
	Targets                        string
	Source, State, StateKey, Hold  string
	Opened, Closed, Resolution     string
	Extension                      string // the extension's state, translated; "" for none
	Due                            consoleDue
	HasDue, Open, ExtensionPending bool
}

func newCaseRow(tr translator, it workflow.CaseItem) caseRow {
	k := it.Case
	row := caseRow{ID: k.ID, Short: shortID(k.ID), Category: k.Category.Text().In(tr.lang), CategoryKey: string(k.Category),
		Notice: k.Notice.In(tr.lang), Subject: k.SubjectName, Service: k.ServiceName, Number: k.Number, Targets: strings.Join(k.Targets, ", "),
		Source: k.Source.Text().In(tr.lang), State: k.State.Text().In(tr.lang), StateKey: string(k.State), Opened: cxTime(k.OpenedAt),
		Closed: cxTime(k.ClosedAt), Open: k.State.Open(), HasDue: !k.DueAt.IsZero() && k.State.Open()}
	if k.Resolution != "" {
		row.Resolution = k.Resolution.Text().In(tr.lang)
	}
	if k.Hold != "" {
		row.Hold = beian.Message(tr.lang, k.Hold, nil)
	}
	if k.Extension.State != "" {
		row.Extension = tr.T("compliance.extension." + string(k.Extension.State))
		row.ExtensionPending = k.Extension.State == beian.ExtensionRequested
	}
	if row.HasDue {
		row.Due = newConsoleDue(tr, it.Due)
	}
	return row
}

// evidenceView is one piece of evidence as pages show it.
type evidenceView struct {
	At, Source, Code, CodeLabel, Domain string
	Host, Resolved, Addrs, DNS          string
	Resolver, CNAMEs, Filed             string
	URL, Title, Expected, Found         string
	Snippet, Href                       string
	HTTPStatus                          int
	Registrar, Created, Expires         string
	Registry, Field, Until, Text        string
	Detail                              string
}

func newEvidenceView(tr translator, e beian.Evidence) evidenceView {
	join := func(ss []string) string { return strings.Join(ss, ", ") }
	v := evidenceView{At: cxTime(e.At), Source: e.Source.Text().In(tr.lang), Code: e.Code,
		CodeLabel: label(tr, "compliance.code."+e.Code, e.Code), Domain: e.Domain, Host: e.Host, DNS: e.DNS, Resolver: e.Resolver,
		CNAMEs: join(e.CNAMEs), Filed: join(e.Filed), URL: e.URL, HTTPStatus: e.HTTPStatus, Title: e.Title, Expected: e.Expected,
		Found: join(e.Found), Snippet: e.Snippet, Href: e.Href, Registrar: e.Registrar, Created: e.Created.String(),
		Expires: e.Expires.String(), Registry: e.Registry, Until: e.Until.String(), Text: e.Text, Detail: evidenceDetail(tr, e.Detail)}
	v.DNS = dnsOutcomes(tr, e.DNS)
	if e.Field != "" {
		v.Field = label(tr, "compliance.field."+e.Field, e.Field)
	}
	for _, a := range e.Resolved {
		v.Resolved += sep(v.Resolved) + a.String()
	}
	for _, a := range e.Addrs {
		v.Addrs += sep(v.Addrs) + a.String()
	}
	return v
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ", "
}

// evidenceList is the argument of the compliance_evidence partial.
type evidenceList struct {
	translator
	Items []evidenceView
	Empty string
}

// timelineRow is a step of a case's history.
type timelineRow struct {
	At, Action, Actor, Note string
}

func newTimeline(tr translator, entries []workflow.TimelineEntry) []timelineRow {
	var out []timelineRow
	for _, e := range entries {
		row := timelineRow{At: cxTime(e.At), Action: label(tr, "compliance.action."+e.Action, e.Action)}
		switch e.Actor {
		case "system", "bureau", "customer", "you", "staff_or_customer":
			row.Actor = tr.T("compliance.actor." + e.Actor)
		default:
			row.Actor = e.Actor
		}
		if d, ok := e.Data["due"].(string); ok && d != "" {
			if t, err := time.Parse(time.RFC3339Nano, d); err == nil && !t.IsZero() {
				row.Note = tr.T("compliance.timeline.due", "Date", cxDate(t))
			}
		}
		if days, ok := e.Data["days"].(float64); ok && days > 0 {
			row.Note += sep(row.Note) + tr.T("compliance.timeline.days", "Count", int(days))
		}
		if h, ok := e.Data["reason"].(string); ok && strings.HasPrefix(h, "case.hold.") {
			row.Note += sep(row.Note) + beian.Message(tr.lang, h, nil)
		}
		out = append(out, row)
	}
	return out
}

// caseDetail is a case's page, for the console and the portal.
type caseDetail struct {
	Row      caseRow
	V        *workflow.CaseView
	Reason   string
	Suggest  string
	Detail   string
	Evidence evidenceList
	Timeline []timelineRow
	// Fix is what the customer does; Change links the order that fixes
	// it, when one does.
	Fix          workflow.CaseFixView
	FixText      string
	ChangeHref   string
	OrderShort   string
	OrderState   string
	ExtensionMax int
	Ext          beian.CaseExtension
	ExtRequested string
	ExtDecided   string
	DueDate      string
}

func (s *Server) newCaseDetail(r *http.Request, v *workflow.CaseView, portal bool) caseDetail {
	tr := s.translator(r)
	k := v.Case
	d := caseDetail{Row: newCaseRow(tr, workflow.CaseItem{Case: k, Due: v.Due}), V: v, Reason: k.Reason.In(tr.lang),
		Suggest: k.Suggestion.In(tr.lang), Detail: k.Detail, Fix: v.Fix, ExtensionMax: beian.MaxExtensionDays, Ext: k.Extension,
		ExtRequested: cxTime(k.Extension.RequestedAt), ExtDecided: cxTime(k.Extension.DecidedAt), DueDate: cxDate(k.DueAt)}
	d.Evidence = evidenceList{translator: tr, Empty: "compliance.evidence.none"}
	for _, e := range v.Evidence {
		d.Evidence.Items = append(d.Evidence.Items, newEvidenceView(tr, e.Evidence))
	}
	d.Timeline = newTimeline(tr, v.Timeline)
	d.FixText = tr.T("compliance.fix." + string(v.Fix.Kind))
	if v.Fix.ChangeType != "" && v.Fix.SubjectID != "" && portal {
		base := "/portal/records/" + v.Fix.SubjectID + "/action?type=" + string(v.Fix.ChangeType)
		if v.Fix.ChangeType != beian.ChangeSubject && v.Fix.ServiceID != "" {
			base += "&service=" + v.Fix.ServiceID
		}
		d.ChangeHref = base
	}
	if v.Order != nil {
		d.OrderShort, d.OrderState = shortID(v.Order.ID), v.Order.State.Text().In(tr.lang)
	}
	return d
}

// dnsOutcomes translates the probe's per-host outcomes
// ("a.cn=nxdomain www.a.cn=unknown(timeout)") into words, keeping the
// host names and the cause's technical name for staff who debug DNS.
func dnsOutcomes(tr translator, s string) string {
	var out []string
	for _, part := range strings.Fields(s) {
		host, outcome, ok := strings.Cut(part, "=")
		if !ok {
			out = append(out, part)
			continue
		}
		status, cause, _ := strings.Cut(strings.TrimSuffix(outcome, ")"), "(")
		text := host + " " + label(tr, "compliance.dns."+status, status)
		if cause != "" {
			text += " (" + label(tr, "compliance.dns_cause."+cause, cause) + ")"
		}
		out = append(out, text)
	}
	return strings.Join(out, "; ")
}

// evidenceDetail translates the probe's detail codes; "within N days" and
// "filed <date>" carry a value.
func evidenceDetail(tr translator, d string) string {
	if n, ok := strings.CutPrefix(d, "within "); ok {
		if n, ok := strings.CutSuffix(n, " days"); ok {
			return tr.T("compliance.detail.within", "Days", n)
		}
	}
	if date, ok := strings.CutPrefix(d, "filed "); ok {
		return tr.T("compliance.detail.filed", "Date", date)
	}
	return label(tr, "compliance.detail."+d, d)
}
