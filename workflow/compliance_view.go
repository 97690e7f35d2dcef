package workflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/probe"
)

// This file is the read side of the compliance loop for the console and
// the portal: case lists and pages with evidence, timeline and the fix,
// sweep runs, verification tasks, unfiled sites and the address ranges.

// CaseItem is a case in a list with its countdown.
type CaseItem struct {
	Case *beian.Case
	Due  Countdown
}

// CasePage is one page of cases; Counts (open cases by category) only for
// staff.
type CasePage struct {
	Items  []CaseItem
	Total  int
	Counts map[beian.CaseCategory]int
}

// Cases lists the cases u may see that match f: every case for staff, the
// account's own for customers (f's account is forced to theirs). Errors:
// ENOTFOUND for users without access to the account's filings.
func (w *Workflow) Cases(ctx context.Context, u *beian.User, f beian.CaseFilter) (*CasePage, error) {
	if u == nil || u.Disabled {
		return nil, errForbidden()
	}
	staff := u.Role.IsStaff()
	if !staff {
		if err := recordReader(u, u.AccountID); err != nil {
			return nil, err
		}
		f.AccountID = u.AccountID
	}
	p := &CasePage{}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		cs, n, err := tx.FindCases(ctx, f)
		if err != nil {
			return err
		}
		p.Total = n
		now := tx.Now()
		for _, k := range cs {
			p.Items = append(p.Items, CaseItem{Case: k, Due: w.caseCountdown(now, k)})
		}
		if staff {
			p.Counts, err = tx.CountOpenCases(ctx)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// caseCountdown is the countdown of an open case; none for ended ones.
func (w *Workflow) caseCountdown(now time.Time, k *beian.Case) Countdown {
	if !k.State.Open() {
		return Countdown{}
	}
	return w.countdown(now, k.DueAt)
}

// TimelineEntry is one step of a case's history.
type TimelineEntry struct {
	At     time.Time
	Action string // the audit action, e.g. case.open, case.extension_grant
	// Actor is who did it: a staff member's name for staff viewers, a role
	// for customers, "system" for Beian and "bureau" for the bureau.
	Actor string
	Data  map[string]any
}

// CaseFixView is what fixes a case, for the customer's page.
type CaseFixView struct {
	Kind beian.CaseFix
	// Addresses are the service's filed addresses here, which its domains
	// must resolve to (FixDNS).
	Addresses []string
	// Domains are the service's domains.
	Domains []string
	// Number is the number the homepage must show and Snippet the HTML to
	// paste at the bottom of the homepage (FixDisplay).
	Number  string
	Snippet string
	// Drop and Keep split the domains for the change order that removes
	// expiring ones (FixDomain); CanDrop says whether that order is offered
	// (the site keeps at least one domain).
	Drop    []string
	Keep    []string
	CanDrop bool
	// ChangeType is the filing type the fix needs, when it needs an order;
	// SubjectID the record it starts from.
	ChangeType beian.OrderType
	SubjectID  string
	ServiceID  string
}

// CaseView is a case's page: the case with its countdown, evidence,
// timeline, the fix, the escalation's order, and what the viewer may do.
type CaseView struct {
	Case     *beian.Case
	Due      Countdown
	Evidence []beian.CaseEvidence
	Timeline []TimelineEntry
	Fix      CaseFixView
	// Order is the 取消接入 order of an escalation.
	Order *beian.Order
	// Staff is true for staff viewers; the rest says what the viewer may
	// do now.
	Staff              bool
	CanRequestExtend   bool
	CanDecideExtension bool
	CanRecheck         bool
	CanDecideRecheck   bool
	CanClose           bool
	CanEscalate        bool
	CanStartChange     bool
	// AutoRecheck says whether Beian decides a re-check itself.
	AutoRecheck bool
}

// Case returns a case's page for u. Errors: ENOTFOUND (also for cases u may
// not see).
func (w *Workflow) Case(ctx context.Context, u *beian.User, id string) (*CaseView, error) {
	v := &CaseView{}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		k, err := loadCase(ctx, tx, u, id, caseRead)
		if err != nil {
			return err
		}
		v.Case, v.Staff = k, u.Role.IsStaff()
		v.Due = w.caseCountdown(tx.Now(), k)
		if v.Evidence, err = tx.CaseEvidence(ctx, k.ID, 50); err != nil {
			return err
		}
		events, err := tx.AuditEventsFor(ctx, "case", k.ID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		if v.Staff {
			if names, err = staffNames(ctx, tx); err != nil {
				return err
			}
		}
		for _, e := range events {
			te := TimelineEntry{At: e.At, Action: e.Action, Actor: timelineActor(e.ActorID, names, v.Staff, k.AccountID, u)}
			_ = json.Unmarshal(e.Data, &te.Data)
			v.Timeline = append(v.Timeline, te)
		}
		if k.OrderID != "" {
			if v.Order, err = notFoundIsNil(tx.FindOrder(ctx, k.OrderID)); err != nil {
				return err
			}
		}
		var rec *beian.Record
		if k.SubjectID != "" {
			if rec, err = notFoundIsNil(tx.FindRecord(ctx, k.SubjectID)); err != nil {
				return err
			}
		}
		v.Fix = caseFix(k, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	k := v.Case
	officer := canWorkCases(u)
	customer := customerWriter(u, k.AccountID)
	v.AutoRecheck = CanRecheckItself(k.Cause)
	v.CanRequestExtend = customer && k.State == beian.CaseNotified && k.Extension.State == ""
	v.CanDecideExtension = officer && k.State == beian.CaseNotified &&
		(k.Extension.State == "" || k.Extension.State == beian.ExtensionRequested)
	v.CanRecheck = (customer || officer) && (k.State == beian.CaseNotified || k.State == beian.CaseExtended)
	v.CanDecideRecheck = officer && k.State == beian.CaseRechecking
	v.CanClose = officer && k.State.Open()
	v.CanEscalate = officer && (k.State == beian.CaseNotified || k.State == beian.CaseExtended || k.State == beian.CaseRechecking)
	v.CanStartChange = customer && k.State.Open() && v.Fix.CanDrop
	return v, nil
}

// timelineActor names who did a step, for the viewer.
func timelineActor(id string, names map[string]string, staff bool, accountID string, viewer *beian.User) string {
	switch {
	case id == ActorBureau:
		return "bureau"
	case strings.HasPrefix(id, "system:"):
		return "system"
	case staff:
		if n, ok := names[id]; ok {
			return n
		}
		return "customer"
	case viewer != nil && id == viewer.ID:
		return "you"
	}
	return "staff_or_customer"
}

// caseFix works out the fix of a case from the record.
func caseFix(k *beian.Case, rec *beian.Record) CaseFixView {
	f := CaseFixView{Kind: k.Info().Fix, SubjectID: k.SubjectID, ServiceID: k.ServiceID}
	switch f.Kind {
	case beian.FixChangeSubject:
		f.ChangeType = beian.ChangeSubject
	case beian.FixChangeService, beian.FixDomain:
		f.ChangeType = beian.ChangeService
	case beian.FixCancel:
		f.ChangeType = beian.CancelAccess
	}
	svc := serviceOf(rec, k.ServiceID)
	if svc == nil {
		return f
	}
	f.Domains = svc.Domains()
	if acc := accessHere(svc); acc != nil {
		for _, r := range acc.IPs {
			f.Addresses = append(f.Addresses, r.String())
		}
	}
	if n := svc.Number.DisplayNumber(); !n.IsZero() {
		f.Number = n.String()
		f.Snippet = `<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">` + f.Number + `</a>`
	}
	if f.Kind == beian.FixDomain {
		f.Keep = KeptDomains(f.Domains, k.Targets)
		for _, d := range f.Domains {
			if !slices.Contains(f.Keep, d) {
				f.Drop = append(f.Drop, d)
			}
		}
		f.CanDrop = len(f.Drop) > 0 && len(f.Keep) > 0
	}
	return f
}

// SweepRuns lists sweep runs, newest first, for staff. Errors: EFORBIDDEN.
func (w *Workflow) SweepRuns(ctx context.Context, u *beian.User, f beian.SweepRunFilter) ([]*beian.SweepRun, int, error) {
	if !anyStaff(u) {
		return nil, 0, errStaffOnly()
	}
	var runs []*beian.SweepRun
	var n int
	err := w.store.View(ctx, func(tx beian.Tx) (err error) { runs, n, err = tx.FindSweepRuns(ctx, f); return })
	return runs, n, err
}

// SweepRunView is one sweep run with the results that found something.
type SweepRunView struct {
	Run     *beian.SweepRun
	Results []*beian.SweepResult
	// Names are the services' names by ID.
	Names map[string]string
}

// SweepRun returns a sweep run with its findings, for staff. Errors:
// EFORBIDDEN, ENOTFOUND.
func (w *Workflow) SweepRun(ctx context.Context, u *beian.User, id string) (*SweepRunView, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	v := &SweepRunView{Names: map[string]string{}}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if v.Run, err = tx.FindSweepRun(ctx, id); err != nil {
			return err
		}
		if v.Results, err = tx.FindSweepResults(ctx, beian.SweepResultFilter{RunID: id, WithFindings: true, Limit: 500}); err != nil {
			return err
		}
		recs := map[string]*beian.Record{}
		for _, r := range v.Results {
			rec, ok := recs[r.SubjectID]
			if !ok {
				if rec, err = notFoundIsNil(tx.FindRecord(ctx, r.SubjectID)); err != nil {
					return err
				}
				recs[r.SubjectID] = rec
			}
			if s := serviceOf(rec, r.ServiceID); s != nil {
				v.Names[r.ServiceID] = s.Name()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// VerificationTasks lists verification tasks, open first, for staff.
func (w *Workflow) VerificationTasks(ctx context.Context, u *beian.User, f beian.TaskFilter) ([]*beian.VerificationTask, int, error) {
	if !anyStaff(u) {
		return nil, 0, errStaffOnly()
	}
	var out []*beian.VerificationTask
	var n int
	err := w.store.View(ctx, func(tx beian.Tx) (err error) { out, n, err = tx.FindVerificationTasks(ctx, f); return })
	return out, n, err
}

// TaskView is a verification task with the records it names.
type TaskView struct {
	Task    *beian.VerificationTask
	Record  *beian.Record
	CanWork bool
}

// VerificationTask returns a task with our record of its subject, for
// staff. Errors: EFORBIDDEN, ENOTFOUND.
func (w *Workflow) VerificationTask(ctx context.Context, u *beian.User, id string) (*TaskView, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	v := &TaskView{CanWork: canWorkCases(u)}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if v.Task, err = tx.FindVerificationTask(ctx, id); err != nil {
			return err
		}
		if v.Task.SubjectID != "" {
			v.Record, err = notFoundIsNil(tx.FindRecord(ctx, v.Task.SubjectID))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// UnfiledSites lists unfiled sites, open first, for staff.
func (w *Workflow) UnfiledSites(ctx context.Context, u *beian.User, f beian.TaskFilter) ([]*beian.UnfiledSite, int, error) {
	if !anyStaff(u) {
		return nil, 0, errStaffOnly()
	}
	var out []*beian.UnfiledSite
	var n int
	err := w.store.View(ctx, func(tx beian.Tx) (err error) { out, n, err = tx.FindUnfiledSites(ctx, f); return })
	return out, n, err
}

// UnfiledSite returns an unfiled site, for staff. Errors: EFORBIDDEN,
// ENOTFOUND.
func (w *Workflow) UnfiledSite(ctx context.Context, u *beian.User, id string) (*beian.UnfiledSite, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	var s *beian.UnfiledSite
	err := w.store.View(ctx, func(tx beian.Tx) (err error) { s, err = tx.FindUnfiledSite(ctx, id); return })
	return s, err
}

// ProviderRanges returns the provider's address ranges, for staff.
func (w *Workflow) ProviderRanges(ctx context.Context, u *beian.User) ([]beian.ProviderRange, error) {
	if !anyStaff(u) {
		return nil, errStaffOnly()
	}
	var out []beian.ProviderRange
	err := w.store.View(ctx, func(tx beian.Tx) (err error) { out, err = tx.ProviderRanges(ctx); return })
	return out, err
}

// ProviderRangeInput is a range as the admin types it: one address,
// start-end, or a CIDR prefix.
type ProviderRangeInput struct {
	ID       string // empty for a new range
	Range    string
	Mainland bool
	Name     string
}

// PutProviderRange adds or changes one of the provider's address ranges;
// sweeps use the new table from their next run. Admins only. Errors:
// EFORBIDDEN, EINVALID (range.invalid), ENOTFOUND.
func (w *Workflow) PutProviderRange(ctx context.Context, u *beian.User, in ProviderRangeInput) (*beian.ProviderRange, error) {
	if !isStaff(u) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "staff.admin_only")
	}
	ips, err := probe.ParseRange(strings.TrimSpace(in.Range))
	if err != nil {
		return nil, beian.Invalid("range", "range.invalid", "value", in.Range)
	}
	r := &beian.ProviderRange{ID: in.ID, IPs: ips, Mainland: in.Mainland, Name: clipRunes(strings.TrimSpace(in.Name), 100), UpdatedBy: u.ID}
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		if err := tx.PutProviderRange(ctx, r); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "range.put", "provider_range", r.ID, map[string]any{"range": r.IPs.String(), "mainland": r.Mainland})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteProviderRange removes one of the provider's address ranges. Admins
// only. Errors: EFORBIDDEN, ENOTFOUND.
func (w *Workflow) DeleteProviderRange(ctx context.Context, u *beian.User, id string) error {
	if !isStaff(u) {
		return beian.Errorf(beian.EFORBIDDEN, "staff.admin_only")
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		if err := tx.DeleteProviderRange(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "range.delete", "provider_range", id, nil)
	})
}
