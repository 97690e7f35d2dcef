package beian

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// This file is the compliance loop's domain (spec §9, §6.8): rectification
// cases (整改) with their state machine, the evidence they rest on, the
// sweeps that probe every filed service, the bureau's verification tasks
// (HSRW) and unfiled sites (WBAWZLB), the provider's address ranges, and the
// storage and notification interfaces the adapters implement. The catalogue
// of causes is in case_catalogue.go.

// CaseState is where a rectification case stands.
//
//	opened ──notify──▶ notified ──extend──▶ extended
//	                      │  ▲                 │  ▲
//	               recheck│  │still_faulty      │  │
//	                      ▼  │                 ▼  │
//	                     rechecking ◀──recheck──┘  │ (back to extended)
//
// From any open state: fix → closed, withdraw → withdrawn; from notified,
// extended or rechecking: escalate → escalated (取消接入). The deadline runs
// from the opening; a case never notified is never escalated.
type CaseState string

// The case states.
const (
	CaseOpened     CaseState = "opened"     // recorded; the opening notice is on its way
	CaseNotified   CaseState = "notified"   // the customer was told; the deadline runs
	CaseExtended   CaseState = "extended"   // the one extension was granted
	CaseRechecking CaseState = "rechecking" // the customer asked for a re-check
	CaseClosed     CaseState = "closed"     // fixed (or the service or access is gone)
	CaseEscalated  CaseState = "escalated"  // overdue: access cancelled on the customer's behalf
	CaseWithdrawn  CaseState = "withdrawn"  // withdrawn by an officer (false positive, bureau withdrew)
)

// CaseStates lists every state in lifecycle order.
var CaseStates = []CaseState{CaseOpened, CaseNotified, CaseExtended, CaseRechecking, CaseClosed, CaseEscalated, CaseWithdrawn}

// OpenCaseStates are the states of a case still running.
var OpenCaseStates = []CaseState{CaseOpened, CaseNotified, CaseExtended, CaseRechecking}

var caseStateText = map[CaseState]Text{
	CaseOpened:     {"已立案", "Opened"},
	CaseNotified:   {"已通知，整改中", "Notified, rectifying"},
	CaseExtended:   {"已延期，整改中", "Extended, rectifying"},
	CaseRechecking: {"复查中", "Re-check requested"},
	CaseClosed:     {"已整改", "Rectified"},
	CaseEscalated:  {"未整改，已取消接入", "Not rectified: access cancelled"},
	CaseWithdrawn:  {"已撤销", "Withdrawn"},
}

// Text returns the state's name in both languages.
func (s CaseState) Text() Text {
	if t, ok := caseStateText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// Valid reports whether s is a known state.
func (s CaseState) Valid() bool { _, ok := caseStateText[s]; return ok }

// Open reports whether a case in s is still running.
func (s CaseState) Open() bool {
	return s == CaseOpened || s == CaseNotified || s == CaseExtended || s == CaseRechecking
}

// CaseEvent is something that happens to a case.
type CaseEvent string

// The case events.
const (
	CaseEventNotify      CaseEvent = "notify"       // the opening notice was written
	CaseEventExtend      CaseEvent = "extend"       // the extension was granted
	CaseEventRecheck     CaseEvent = "recheck"      // the customer asked for a re-check
	CaseEventStillFaulty CaseEvent = "still_faulty" // the re-check found the fault still there
	CaseEventFix         CaseEvent = "fix"          // fixed, by a re-check, a sweep or an officer
	CaseEventEscalate    CaseEvent = "escalate"     // overdue (or an officer's decision): cancel access
	CaseEventWithdraw    CaseEvent = "withdraw"     // withdrawn
)

var caseEventText = map[CaseEvent]Text{
	CaseEventNotify:      {"已通知客户", "customer notified"},
	CaseEventExtend:      {"批准延期", "extension granted"},
	CaseEventRecheck:     {"申请复查", "re-check requested"},
	CaseEventStillFaulty: {"复查未通过", "re-check failed"},
	CaseEventFix:         {"整改完成", "rectified"},
	CaseEventEscalate:    {"取消接入", "escalated: access cancelled"},
	CaseEventWithdraw:    {"撤销", "withdrawn"},
}

// Text returns the event's name in both languages.
func (e CaseEvent) Text() Text {
	if t, ok := caseEventText[e]; ok {
		return t
	}
	return Text{string(e), string(e)}
}

// CaseSource says where a case came from.
type CaseSource string

// The sources: Beian's own probes and records, the bureau's feeds, an
// officer.
const (
	SourceProbe   CaseSource = "probe"   // a confirmed probe fault (DNS, homepage, registration)
	SourceRecords CaseSource = "records" // an expiry date in the filed records
	SourceHCJG    CaseSource = "HCJG"    // the bureau's check results (subject, access, empty shell)
	SourceXGTZ    CaseSource = "XGTZ"    // the bureau's rectification notice
	SourceWBAWZLB CaseSource = "WBAWZLB" // the bureau's unfiled-site list
	SourceHSRW    CaseSource = "HSRW"    // an officer refused a verification task
	SourceOfficer CaseSource = "officer" // opened by hand
)

var caseSourceText = map[CaseSource]Text{
	SourceProbe:   {"接入商巡检", "Provider probe"},
	SourceRecords: {"备案信息到期", "Expiry in the records"},
	SourceHCJG:    {"管局核查结果", "Bureau check result"},
	SourceXGTZ:    {"管局整改通知", "Bureau rectification notice"},
	SourceWBAWZLB: {"管局未备案网站监测", "Bureau unfiled-site list"},
	SourceHSRW:    {"管局核实任务", "Bureau verification task"},
	SourceOfficer: {"合规专员", "Compliance officer"},
}

// Text returns the source's name in both languages.
func (s CaseSource) Text() Text {
	if t, ok := caseSourceText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// CaseResolution says how a case ended.
type CaseResolution string

// The resolutions.
const (
	ResolutionFixed           CaseResolution = "fixed"            // the fault is gone
	ResolutionCancelled       CaseResolution = "cancelled"        // the service or our access was cancelled meanwhile
	ResolutionAccessCancelled CaseResolution = "access_cancelled" // escalated: 取消接入 on the customer's behalf
	ResolutionWithdrawn       CaseResolution = "withdrawn"        // withdrawn by an officer
)

var caseResolutionText = map[CaseResolution]Text{
	ResolutionFixed:           {"已整改", "Fixed"},
	ResolutionCancelled:       {"服务或接入已注销", "Service or access cancelled"},
	ResolutionAccessCancelled: {"取消接入", "Access cancelled"},
	ResolutionWithdrawn:       {"已撤销", "Withdrawn"},
}

// Text returns the resolution's name in both languages.
func (r CaseResolution) Text() Text {
	if t, ok := caseResolutionText[r]; ok {
		return t
	}
	return Text{string(r), string(r)}
}

// MaxExtensionDays is the longest extension a case can get, in working days
// (market.md §2.2: one extension per check, at most 7 working days).
const MaxExtensionDays = 7

// ExtensionState is where a case's one extension stands.
type ExtensionState string

// The extension states; "" means none was asked for.
const (
	ExtensionRequested ExtensionState = "requested"
	ExtensionGranted   ExtensionState = "granted"
	ExtensionRefused   ExtensionState = "refused"
)

// CaseExtension is a case's one extension: the customer's request and the
// officer's decision (or an officer's grant without a request).
type CaseExtension struct {
	State       ExtensionState `json:"state,omitempty"`
	RequestedAt time.Time      `json:"requested_at,omitzero"`
	RequestedBy string         `json:"requested_by,omitempty"`
	// Days is what was asked for; Granted what was given (≤ Days when
	// asked, ≤ MaxExtensionDays always).
	Days    int    `json:"days,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Granted int    `json:"granted,omitempty"`
	// DecidedAt and DecidedBy record the decision; Note is the officer's.
	DecidedAt time.Time `json:"decided_at,omitzero"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// Case is a rectification case (整改): one fault of one filed service (or
// subject, or, for unfiled sites, customer account) with the catalogue's
// category, notice, cause and suggestion, the evidence, a deadline in
// working days, at most one extension, re-checks on request, notices to the
// customer, and in the end a fix or 取消接入. Its state changes only
// through Apply and the extension methods.
//
// Detail may hold personal data (the bureau's words): stores encrypt it.
type Case struct {
	ID string
	// Key names what the case is about (CaseKey); at most one open case has
	// a key, so a fault seen again updates its case rather than opening
	// another.
	Key   string
	Level CaseLevel
	// AccountID is the customer the case is against; SubjectID and
	// ServiceID the filed subject and service, when there are any.
	AccountID string
	SubjectID string
	ServiceID string
	// SubjectName, ServiceName and Number are copied for lists, as the
	// records keep them.
	SubjectName string
	ServiceName string
	Number      string
	Cause       CaseCause
	Category    CaseCategory
	Source      CaseSource
	// Notice is the catalogue's notice, narrowed to what was found (e.g.
	// 备案号悬挂错误); Reason and Suggestion are the catalogue's.
	Notice     Text
	Reason     Text
	Suggestion Text
	// Detail is the bureau's or officer's own words, verbatim.
	Detail string
	// Targets are what inside the service the case is about: the domains
	// of a domain or resolution fault, the address of an unfiled site.
	Targets []string
	State   CaseState
	// OpenedAt is when the case was opened; DueAt its deadline (end of a
	// working day in China), moved by an extension.
	OpenedAt time.Time
	DueAt    time.Time
	// NotifiedAt is when the opening notice was written; RemindedAt when
	// the reminder before the deadline was.
	NotifiedAt time.Time
	RemindedAt time.Time
	// LastSeenAt is when the fault was last detected.
	LastSeenAt time.Time
	Extension  CaseExtension
	// RecheckRequestedAt and RecheckedAt track the re-check; RecheckBy is
	// who asked.
	RecheckRequestedAt time.Time
	RecheckBy          string
	RecheckedAt        time.Time
	// Hold says why an overdue case was not escalated yet (a key:
	// case.hold.*), "" when nothing holds it.
	Hold string
	// ClosedAt and Resolution record the end.
	ClosedAt   time.Time
	Resolution CaseResolution
	// OrderID is the 取消接入 order an escalation created.
	OrderID string
	// FeedItemID is the bureau feed item that opened the case.
	FeedItemID string
	OpenedBy   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Version increments on every write; stores refuse stale writes.
	Version int
}

// CaseKey returns the key of a case: the cause at the service, subject or
// account it is about.
func CaseKey(level CaseLevel, id string, cause CaseCause) string {
	return string(level) + ":" + id + "/" + string(cause)
}

// Info returns the catalogue entry of the case's cause.
func (c *Case) Info() CauseInfo { return c.Cause.Info() }

// Extended reports whether the case's extension was granted.
func (c *Case) Extended() bool { return c.Extension.State == ExtensionGranted }

type caseStep struct {
	from CaseState
	ev   CaseEvent
}

var caseTransitions = map[caseStep]CaseState{
	{CaseOpened, CaseEventNotify}:          CaseNotified,
	{CaseNotified, CaseEventExtend}:        CaseExtended,
	{CaseNotified, CaseEventRecheck}:       CaseRechecking,
	{CaseExtended, CaseEventRecheck}:       CaseRechecking,
	{CaseRechecking, CaseEventStillFaulty}: CaseNotified, // CaseExtended after an extension
	{CaseNotified, CaseEventEscalate}:      CaseEscalated,
	{CaseExtended, CaseEventEscalate}:      CaseEscalated,
	{CaseRechecking, CaseEventEscalate}:    CaseEscalated,
}

// Apply moves the case along ev at now. Fix and withdraw leave any open
// state; the others follow the table in CaseState's documentation. An
// illegal step returns ECONFLICT (case.transition.illegal). The caller
// persists the case with its audit event in one transaction.
func (c *Case) Apply(ev CaseEvent, now time.Time) error {
	var to CaseState
	switch {
	case (ev == CaseEventFix || ev == CaseEventWithdraw) && c.State.Open():
		to = CaseClosed
		if ev == CaseEventWithdraw {
			to = CaseWithdrawn
		}
	default:
		var ok bool
		if to, ok = caseTransitions[caseStep{c.State, ev}]; !ok {
			st, et := c.State.Text(), ev.Text()
			return Errorf(ECONFLICT, "case.transition.illegal", "state", st.ZH, "state_en", st.EN, "event", et.ZH, "event_en", et.EN)
		}
	}
	switch ev {
	case CaseEventNotify:
		c.NotifiedAt = now
	case CaseEventStillFaulty:
		if c.Extended() {
			to = CaseExtended
		}
		c.RecheckedAt = now
	case CaseEventFix:
		c.Resolution = ResolutionFixed
		c.ClosedAt = now
		if c.State == CaseRechecking {
			c.RecheckedAt = now
		}
	case CaseEventWithdraw:
		c.Resolution, c.ClosedAt = ResolutionWithdrawn, now
	case CaseEventEscalate:
		c.Resolution, c.ClosedAt = ResolutionAccessCancelled, now
	}
	if !to.Open() {
		c.Hold = ""
	}
	c.State = to
	c.UpdatedAt = now
	return nil
}

// RequestExtension records the customer's request for the case's one
// extension: days between 1 and MaxExtensionDays and a reason. Errors:
// ECONFLICT case.extension.used (asked for before), case.extension.state
// (the case is not waiting for the customer's fix); EINVALID
// case.extension.days, case.extension.reason.
func (c *Case) RequestExtension(days int, reason, by string, now time.Time) error {
	if err := c.extensionAllowed(); err != nil {
		return err
	}
	if c.Extension.State != "" {
		return Errorf(ECONFLICT, "case.extension.used")
	}
	if days < 1 || days > MaxExtensionDays {
		return Invalid("days", "case.extension.days", "max", "7")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return Invalid("reason", "case.extension.reason")
	}
	c.Extension = CaseExtension{State: ExtensionRequested, RequestedAt: now, RequestedBy: by, Days: days, Reason: reason}
	c.UpdatedAt = now
	return nil
}

// GrantExtension grants the extension — the customer's request, or
// unasked — for days working days (at most what was asked for, and
// MaxExtensionDays) and moves the deadline to due, which the caller computes
// in working days. Errors: ECONFLICT case.extension.used,
// case.extension.state; EINVALID case.extension.days.
func (c *Case) GrantExtension(days int, due time.Time, note, by string, now time.Time) error {
	if err := c.extensionAllowed(); err != nil {
		return err
	}
	if c.Extension.State == ExtensionGranted || c.Extension.State == ExtensionRefused {
		return Errorf(ECONFLICT, "case.extension.used")
	}
	limit := MaxExtensionDays
	if c.Extension.State == ExtensionRequested && c.Extension.Days > 0 {
		limit = c.Extension.Days
	}
	if days < 1 || days > limit {
		return Invalid("days", "case.extension.days", "max", strconv.Itoa(limit))
	}
	if err := c.Apply(CaseEventExtend, now); err != nil {
		return err
	}
	c.Extension.State, c.Extension.Granted, c.Extension.DecidedAt, c.Extension.DecidedBy = ExtensionGranted, days, now, by
	c.Extension.Note = strings.TrimSpace(note)
	c.DueAt = due
	// A reminder before the old deadline says nothing of the new one.
	c.RemindedAt = time.Time{}
	c.Hold = ""
	return nil
}

// RefuseExtension refuses a requested extension. Errors: ECONFLICT
// case.extension.none (nothing was asked for), case.extension.state.
func (c *Case) RefuseExtension(note, by string, now time.Time) error {
	if !c.State.Open() {
		return c.extensionAllowed()
	}
	if c.Extension.State != ExtensionRequested {
		return Errorf(ECONFLICT, "case.extension.none")
	}
	c.Extension.State, c.Extension.DecidedAt, c.Extension.DecidedBy = ExtensionRefused, now, by
	c.Extension.Note = strings.TrimSpace(note)
	c.UpdatedAt = now
	return nil
}

// extensionAllowed reports whether the case is at the stage where an
// extension means something: notified and not yet extended.
func (c *Case) extensionAllowed() error {
	if c.State != CaseNotified {
		st := c.State.Text()
		return Errorf(ECONFLICT, "case.extension.state", "state", st.ZH, "state_en", st.EN)
	}
	return nil
}

// Evidence is what a finding or a case rests on: enough to show the customer
// and an officer what was seen, where and when, and nothing personal (no
// registrant names, no certificate numbers).
type Evidence struct {
	At time.Time `json:"at"`
	// Source is who saw it: probe, records, or the bureau feed's kind.
	Source CaseSource `json:"source"`
	// Code is the finding: a probe code (dns.not_our_range …), a record
	// field whose date runs out, or the bureau feed's record kind.
	Code   string `json:"code"`
	Domain string `json:"domain,omitempty"`
	// Host is the name probed; Resolved every address it resolved to,
	// Addrs those the finding is about; DNS the per-host outcome; Filed
	// the service's filed addresses.
	Host     string       `json:"host,omitempty"`
	Resolved []netip.Addr `json:"resolved,omitempty"`
	Addrs    []netip.Addr `json:"addrs,omitempty"`
	DNS      string       `json:"dns,omitempty"`
	Resolver string       `json:"resolver,omitempty"`
	CNAMEs   []string     `json:"cnames,omitempty"`
	Filed    []string     `json:"filed,omitempty"`
	// URL, HTTPStatus and Title describe the homepage; Expected is the
	// number it must show, Found what it shows; Snippet the page text
	// around the number, Href where it links.
	URL        string   `json:"url,omitempty"`
	HTTPStatus int      `json:"http_status,omitempty"`
	Title      string   `json:"title,omitempty"`
	Expected   string   `json:"expected,omitempty"`
	Found      []string `json:"found,omitempty"`
	Snippet    string   `json:"snippet,omitempty"`
	Href       string   `json:"href,omitempty"`
	// Registrar, Created and Expires are the registry's answer, Registry
	// the service asked.
	Registrar string `json:"registrar,omitempty"`
	Created   Date   `json:"created,omitzero"`
	Expires   Date   `json:"expires,omitzero"`
	Registry  string `json:"registry,omitempty"`
	// Field and Until name a record's date that runs out (subject
	// certificate, a principal's ID, a pre-approval).
	Field string `json:"field,omitempty"`
	Until Date   `json:"until,omitzero"`
	// Text is the bureau's words; Detail a machine-readable cause
	// ("timeout", "body_limit", "Hcjg=1" …).
	Text   string `json:"text,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// CaseEvidence is one piece of a case's evidence, in the order it was seen.
type CaseEvidence struct {
	ID       string
	CaseID   string
	Evidence Evidence
}

// CaseFilter selects cases; zero fields do not filter.
type CaseFilter struct {
	AccountID  string
	SubjectID  string
	ServiceID  string
	Categories []CaseCategory
	States     []CaseState
	Causes     []CaseCause
	Sources    []CaseSource
	// DueBefore selects cases whose deadline is before it.
	DueBefore time.Time
	// Query matches the subject's or the service's name, or a target.
	Query  string
	Offset int
	Limit  int // 0 means the store's default page size
}

// SweepScope is what a sweep probes.
type SweepScope string

// The scopes.
const (
	SweepAll     SweepScope = "all"     // every filed service (the periodic sweep)
	SweepAccount SweepScope = "account" // one customer's services
	SweepService SweepScope = "service" // one service
	SweepConfirm SweepScope = "confirm" // the re-probe that confirms suspected faults
	SweepRecheck SweepScope = "recheck" // a case's re-check
)

// SweepScopes lists the scopes.
var SweepScopes = []SweepScope{SweepAll, SweepAccount, SweepService, SweepConfirm, SweepRecheck}

var sweepScopeText = map[SweepScope]Text{
	SweepAll:     {"全量巡检", "All services"},
	SweepAccount: {"客户巡检", "One customer"},
	SweepService: {"单个服务巡检", "One service"},
	SweepConfirm: {"故障确认复探", "Fault confirmation"},
	SweepRecheck: {"整改复查", "Case re-check"},
}

// Text returns the scope's name in both languages.
func (s SweepScope) Text() Text {
	if t, ok := sweepScopeText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// SweepState is where a sweep run stands.
type SweepState string

// The sweep states.
const (
	SweepRunning SweepState = "running"
	SweepDone    SweepState = "done"
	SweepFailed  SweepState = "failed"
)

// SweepRun is one run of the probes over filed services, with its counts.
type SweepRun struct {
	ID      string
	Scope   SweepScope
	ScopeID string // the account, service or case the scope names
	// Checks names the probes run: dns, homepage, domain.
	Checks      []string
	RequestedBy string
	State       SweepState
	StartedAt   time.Time
	FinishedAt  time.Time
	// Targets counts the services probed; Faults and Unknowns the
	// findings; Suspects the faults seen for the first time (confirmed
	// later); Opened, Updated and Closed the cases this run changed.
	Targets  int
	Faults   int
	Unknowns int
	Suspects int
	Opened   int
	Updated  int
	Closed   int
	Error    string
}

// SweepRunFilter selects sweep runs; zero fields do not filter.
type SweepRunFilter struct {
	Scopes []SweepScope
	Offset int
	Limit  int
}

// SweepFinding is one thing a probe found about one of a service's domains.
type SweepFinding struct {
	Code     string   `json:"code"`
	Domain   string   `json:"domain"`
	Fault    bool     `json:"fault"`
	Evidence Evidence `json:"evidence"`
}

// SweepResult is one service's outcome in a sweep run. Runs keep a result
// for every service probed, so staff see when a service was last looked
// at; the findings are kept only when there are any.
type SweepResult struct {
	RunID     string
	ServiceID string
	SubjectID string
	AccountID string
	At        time.Time
	Faults    int
	Unknowns  int
	Findings  []SweepFinding
}

// SweepResultFilter selects sweep results; zero fields do not filter.
type SweepResultFilter struct {
	RunID     string
	ServiceID string
	// WithFindings keeps results with at least one finding.
	WithFindings bool
	Offset       int
	Limit        int
}

// SweepSuspect is a fault seen once and not yet confirmed: a case opens
// only when a later probe, at least the confirmation delay after the first,
// sees the same cause again (workflow's ComplianceConfig.ConfirmAfter).
type SweepSuspect struct {
	ServiceID   string
	Cause       CaseCause
	FirstSeenAt time.Time
	LastSeenAt  time.Time
	RunID       string
}

// RecordPage pages through filed subjects for sweeps: IDs after AfterID in
// ID order, of one account when AccountID is set.
type RecordPage struct {
	AccountID string
	AfterID   string
	Limit     int
}

// TaskState is where a bureau verification task or unfiled site stands.
type TaskState string

// The task states.
const (
	TaskOpen     TaskState = "open"     // waiting for the officer
	TaskAnswered TaskState = "answered" // answered; the upload is queued or sent
)

// VerificationAnswer is an officer's answer to a verification task, as
// HSJG carries it: pass or refuse, who verified, when, and the opinion.
type VerificationAnswer struct {
	Passed     bool      `json:"passed"`
	Verifier   string    `json:"verifier"`
	VerifiedOn Date      `json:"verified_on"`
	Opinion    string    `json:"opinion"`
	AnsweredBy string    `json:"answered_by"`
	AnsweredAt time.Time `json:"answered_at"`
	// OperationID is the queued HSJG upload.
	OperationID string `json:"operation_id,omitempty"`
}

// VerificationTask is a bureau verification task (核实任务, HSRW) about a
// filed subject and some of its services, for a compliance officer to check
// and answer. The answer holds personal data (the verifier's name, the
// opinion): stores encrypt it.
type VerificationTask struct {
	ID           string
	FeedItemID   string
	ConnectionID string
	// SubjectID and ServiceIDs are our records, when known; BureauSubject
	// and BureauServices the bureau's IDs (Ztid, Wzid).
	SubjectID      string
	ServiceIDs     []string
	BureauSubject  int64
	BureauServices []int64
	SubjectName    string
	AccountID      string
	// Note is the bureau's remark on the task.
	Note   string
	State  TaskState
	Answer *VerificationAnswer
	// CaseID is the case a refusal opened.
	CaseID    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// UnfiledHandling is the handling result of an unfiled site, as WBACLJG
// carries it: the code of the bureau's table (未备案网站处理状态: 1 已关停, 2
// 已备案, 3 已取消接入, 4 非本单位接入, 5 整改中, 6 其他), the opinion, the
// deadline and the reporter. Reporter, phone and e-mail are personal data.
type UnfiledHandling struct {
	Result        int64     `json:"result"`
	ResultName    string    `json:"result_name"`
	Opinion       string    `json:"opinion"`
	Deadline      Date      `json:"deadline"`
	Reporter      string    `json:"reporter,omitempty"`
	ReporterPhone string    `json:"reporter_phone,omitempty"`
	ReporterEmail string    `json:"reporter_email,omitempty"`
	ReportedBy    string    `json:"reported_by"`
	ReportedAt    time.Time `json:"reported_at"`
	OperationID   string    `json:"operation_id,omitempty"`
}

// UnfiledSite is a site the bureau detected on one of our addresses without
// a filing (未备案网站, WBAWZLB), with the owner of the address when known,
// the case against them, and the handling result reported with WBACLJG.
type UnfiledSite struct {
	ID           string
	FeedItemID   string
	ConnectionID string
	// BureauID is the list entry's ID; Operator (Yys) and Province
	// (Shengid) are echoed back in WBACLJG.
	BureauID      int64
	Domain        string
	IP            netip.Addr
	FirstDetected Date
	LastDetected  Date
	Detections    int
	Operator      int64
	Province      int64
	// ListedOn is when the site entered the list (Rbsj).
	ListedOn  Date
	AccountID string
	CaseID    string
	State     TaskState
	Handling  *UnfiledHandling
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// TaskFilter selects verification tasks or unfiled sites.
type TaskFilter struct {
	States    []TaskState
	AccountID string
	Offset    int
	Limit     int
}

// ProviderRange is one of the provider's address ranges as the admin keeps
// it: mainland or overseas, with a label. The probes classify resolved
// addresses against them (spec §6.8).
type ProviderRange struct {
	ID        string
	IPs       IPRange
	Mainland  bool
	Name      string
	UpdatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ComplianceStore keeps the compliance loop's data. All methods run in the
// caller's transaction.
type ComplianceStore interface {
	// ProviderRanges returns the provider's address ranges, IPv4 first,
	// by start address.
	ProviderRanges(ctx context.Context) ([]ProviderRange, error)
	// PutProviderRange inserts r (filling ID and the times) or updates the
	// range with r.ID; ENOTFOUND for an unknown ID.
	PutProviderRange(ctx context.Context, r *ProviderRange) error
	// DeleteProviderRange removes a range; ENOTFOUND when there is none.
	DeleteProviderRange(ctx context.Context, id string) error

	// CreateSweepRun inserts r, filling ID.
	CreateSweepRun(ctx context.Context, r *SweepRun) error
	// UpdateSweepRun writes r's state, counts, error and finish time.
	UpdateSweepRun(ctx context.Context, r *SweepRun) error
	// FindSweepRun returns the run with id or ENOTFOUND.
	FindSweepRun(ctx context.Context, id string) (*SweepRun, error)
	// FindSweepRuns returns the runs matching f, newest first, and the
	// number of all matching.
	FindSweepRuns(ctx context.Context, f SweepRunFilter) ([]*SweepRun, int, error)
	// PutSweepResult inserts or replaces a service's result in a run.
	PutSweepResult(ctx context.Context, r *SweepResult) error
	// FindSweepResults returns the results matching f: a run's in service
	// order, or a service's newest first.
	FindSweepResults(ctx context.Context, f SweepResultFilter) ([]*SweepResult, error)
	// PurgeSweepResults deletes the results without findings of runs
	// started before before, and returns how many it deleted.
	PurgeSweepResults(ctx context.Context, before time.Time) (int, error)
	// PutSweepSuspect inserts or updates a suspected fault.
	PutSweepSuspect(ctx context.Context, s *SweepSuspect) error
	// SweepSuspects returns a service's suspected faults, or every
	// service's for "".
	SweepSuspects(ctx context.Context, serviceID string) ([]SweepSuspect, error)
	// DeleteSweepSuspect removes a suspected fault, if there is one.
	DeleteSweepSuspect(ctx context.Context, serviceID string, cause CaseCause) error
	// RecordSubjectIDs returns the IDs of filed subjects (cancelled ones
	// excluded) after p.AfterID, in ID order.
	RecordSubjectIDs(ctx context.Context, p RecordPage) ([]string, error)
	// AccountsByIP returns the customer accounts that hold a as a resource's
	// public address or a filed service's address, resources first.
	AccountsByIP(ctx context.Context, a netip.Addr) ([]string, error)

	// CreateCase inserts c with Version 1, filling ID and the times;
	// ECONFLICT (case.open_exists) when an open case has its key.
	CreateCase(ctx context.Context, c *Case) error
	// UpdateCase writes c if its Version matches and increments it;
	// otherwise ECONFLICT (case.version.stale).
	UpdateCase(ctx context.Context, c *Case) error
	// FindCase returns the case with id or ENOTFOUND.
	FindCase(ctx context.Context, id string) (*Case, error)
	// FindOpenCase returns the open case with key, or ENOTFOUND.
	FindOpenCase(ctx context.Context, key string) (*Case, error)
	// FindCases returns one page of the cases matching f — earliest
	// deadline first, cases without one last — and the number of all
	// matching.
	FindCases(ctx context.Context, f CaseFilter) ([]*Case, int, error)
	// CountOpenCases counts the open cases by category.
	CountOpenCases(ctx context.Context) (map[CaseCategory]int, error)
	// AddCaseEvidence appends evidence to a case, filling ID.
	AddCaseEvidence(ctx context.Context, e *CaseEvidence) error
	// CaseEvidence returns a case's evidence, newest first, at most limit
	// (0: all).
	CaseEvidence(ctx context.Context, caseID string, limit int) ([]CaseEvidence, error)

	// MarkFeedItemHandled records that the compliance work consumes a
	// bureau feed item (note says what it was); it reports false when the
	// item was already handled, so a retried job does nothing twice.
	MarkFeedItemHandled(ctx context.Context, itemID, note string) (bool, error)

	// CreateVerificationTask inserts t with Version 1, filling ID;
	// ECONFLICT when its feed item already made a task.
	CreateVerificationTask(ctx context.Context, t *VerificationTask) error
	// UpdateVerificationTask writes t if its Version matches; else ECONFLICT.
	UpdateVerificationTask(ctx context.Context, t *VerificationTask) error
	// FindVerificationTask returns the task with id or ENOTFOUND.
	FindVerificationTask(ctx context.Context, id string) (*VerificationTask, error)
	// FindVerificationTasks returns the tasks matching f, open first and
	// oldest first within, and the number of all matching.
	FindVerificationTasks(ctx context.Context, f TaskFilter) ([]*VerificationTask, int, error)

	// CreateUnfiledSite inserts s with Version 1, filling ID; ECONFLICT
	// when its feed item already made one.
	CreateUnfiledSite(ctx context.Context, s *UnfiledSite) error
	// UpdateUnfiledSite writes s if its Version matches; else ECONFLICT.
	UpdateUnfiledSite(ctx context.Context, s *UnfiledSite) error
	// FindUnfiledSite returns the site with id or ENOTFOUND.
	FindUnfiledSite(ctx context.Context, id string) (*UnfiledSite, error)
	// FindUnfiledSites returns the sites matching f, open first and oldest
	// first within, and the number of all matching.
	FindUnfiledSites(ctx context.Context, f TaskFilter) ([]*UnfiledSite, int, error)
}

// CaseNotice is a kind of message about a case to its customer.
type CaseNotice string

// The case notices. Opened, reminder and escalated go out by e-mail, SMS and
// in-app message (spec §9.5, §11); the others by e-mail and in-app.
const (
	NoticeOpened           CaseNotice = "opened"            // 整改通知: what, why, how, by when
	NoticeReminder         CaseNotice = "reminder"          // N working days before the deadline
	NoticeExtensionGranted CaseNotice = "extension_granted" // the new deadline
	NoticeExtensionRefused CaseNotice = "extension_refused" // the deadline stands
	NoticeRecheckFailed    CaseNotice = "recheck_failed"    // the fault is still there
	NoticeClosed           CaseNotice = "closed"            // rectified
	NoticeEscalated        CaseNotice = "escalated"         // 取消接入 submitted
)

// CaseNotices lists the notices.
var CaseNotices = []CaseNotice{NoticeOpened, NoticeReminder, NoticeExtensionGranted, NoticeExtensionRefused,
	NoticeRecheckFailed, NoticeClosed, NoticeEscalated}

// CaseNotifier writes the messages of a case notice into the outbox in
// the caller's transaction, so that a case changes state if and only if
// its customer is told. Package notify implements it.
type CaseNotifier interface {
	// NotifyCase writes the notice's messages for c; key distinguishes
	// instances of the same notice (a retry with the same key writes
	// nothing twice). It returns how many messages it wrote.
	NotifyCase(ctx context.Context, tx Tx, c *Case, notice CaseNotice, key string) (int, error)
}

func init() {
	RegisterMessages(map[string]Text{
		"case.transition.illegal": {"整改单当前状态为「{state}」，不能执行「{event}」。", "The case is {state_en}; it cannot be {event_en}."},
		"case.version.stale":      {"整改单已被他人修改，请刷新后重试。", "The case was changed by someone else; reload and try again."},
		"case.open_exists":        {"该服务已有同类整改单在处理中。", "An open case of this kind already exists for this service."},
		"case.extension.used":     {"每个整改单只能延期一次。", "A case can be extended only once."},
		"case.extension.none":     {"客户未申请延期。", "No extension was requested."},
		"case.extension.state":    {"整改单当前状态为「{state}」，不能延期。", "The case is {state_en}; it cannot be extended now."},
		"case.extension.days":     {"延期天数应为 1 到 {max} 个工作日。", "An extension is 1 to {max} working days."},
		"case.extension.reason":   {"请填写延期原因（不超过 500 字）。", "Give a reason for the extension (at most 500 characters)."},
		"case.hold.not_notified":  {"客户尚未收到整改通知，逾期后不取消接入。", "The customer was never notified; the case is not escalated."},
		"case.hold.order":         {"该主体有进行中的订单，待订单完成后再处理。", "The subject has an order in progress; escalation waits for it."},
		"case.hold.rechecking":    {"客户已申请复查，待复查结果。", "A re-check is pending."},
		"case.hold.no_access":     {"没有可取消的本接入商接入。", "There is no access here to cancel."},
		"case.hold.bureau":        {"取消接入订单已创建，等待提交管局。", "The cancel-access order waits for submission to the bureau."},
		"range.invalid":           {"IP地址段「{value}」不正确：应为单个地址、「起始-结束」或 CIDR 前缀。", "Address range {value} is invalid: use one address, start-end or a CIDR prefix."},
		"task.version.stale":      {"任务已被他人处理，请刷新后重试。", "Someone else handled this task; reload and try again."},
		"task.answered":           {"该任务已处理。", "This task has been answered."},
	})
}
