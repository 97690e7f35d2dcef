package workflow

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openbeian/beian"
)

// This file holds the case actions people take: customers ask for an
// extension, a re-check, or start the change order that fixes a case;
// compliance officers decide extensions and re-checks, close, withdraw and
// escalate cases, and start sweeps. Who may do what:
//
//   - customers (and sub-users with BeianAdministrator) act on their own
//     account's cases; sub-users with BeianReadOnly only read them;
//   - compliance officers and admins read and work every case;
//   - reviewers read cases (they review the change orders that fix them)
//     but take no action.

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"case.officer_only":     {ZH: "只有合规专员和管理员可以处理整改单。", EN: "Only compliance officers and admins work cases."},
		"case.note_long":        {ZH: "说明不能超过 1000 字。", EN: "The note must not exceed 1000 characters."},
		"case.close_how":        {ZH: "请选择：已整改或撤销。", EN: "Choose: rectified or withdrawn."},
		"case.recheck.state":    {ZH: "该整改单未在复查中。", EN: "The case is not waiting for a re-check."},
		"case.escalate.state":   {ZH: "整改单当前状态为「{state}」，不能取消接入。", EN: "The case is {state_en}; access cannot be cancelled now."},
		"case.change.not_offer": {ZH: "该整改单不能通过删除域名的变更备案整改。", EN: "This case is not fixed by a change that removes domains."},
		"case.change.last":      {ZH: "网站只有这些域名，不能全部删除；请续费域名，或取消接入、注销网站。", EN: "These are all the site's domains; renew them, or cancel the access or the site."},
		"sweep.scope":           {ZH: "请选择巡检范围：全部、客户或服务。", EN: "Choose what to sweep: all, a customer, or a service."},
	})
}

// canWorkCases reports whether u works cases: compliance officers and
// admins.
func canWorkCases(u *beian.User) bool { return isStaff(u, beian.RoleCompliance) }

// CanWorkCases reports whether u may act on cases in the console.
func CanWorkCases(u *beian.User) bool { return canWorkCases(u) }

// customerWriter reports whether u acts on the account's cases as its
// customer: the owner, or a sub-user with BeianAdministrator.
func customerWriter(u *beian.User, accountID string) bool {
	if u == nil || u.Disabled || accountID == "" || u.AccountID != accountID {
		return false
	}
	return u.Role == beian.RoleCustomer || (u.Role == beian.RoleSubUser && u.Has(beian.PolicyBeianAdministrator))
}

// caseAccess is what a user may do with a case.
type caseAccess int

const (
	caseRead     caseAccess = iota
	caseCustomer            // the customer's actions
	caseOfficer             // the officer's actions
)

// loadCase reads a case in tx for u: ENOTFOUND when u may not see it (as
// for one that does not exist), EFORBIDDEN when u sees it but may not act
// as asked.
func loadCase(ctx context.Context, tx beian.Tx, u *beian.User, id string, a caseAccess) (*beian.Case, error) {
	if u == nil || u.Disabled {
		return nil, errNotFound()
	}
	k, err := tx.FindCase(ctx, id)
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, err
	}
	if u.Role.IsStaff() {
		if a == caseCustomer || (a == caseOfficer && !canWorkCases(u)) {
			return nil, beian.Errorf(beian.EFORBIDDEN, "case.officer_only")
		}
		return k, nil
	}
	if err := recordReader(u, k.AccountID); err != nil || k.AccountID == "" {
		return nil, errNotFound()
	}
	switch a {
	case caseOfficer:
		return nil, errForbidden()
	case caseCustomer:
		if !customerWriter(u, k.AccountID) {
			return nil, errForbidden()
		}
	}
	return k, nil
}

// updateCase runs fn on a case u may act on in one transaction, writes the
// case when fn returns nil, and returns it.
func (w *Workflow) updateCase(ctx context.Context, u *beian.User, id string, a caseAccess, fn func(tx beian.Tx, k *beian.Case) error) (*beian.Case, error) {
	var k *beian.Case
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if k, err = loadCase(ctx, tx, u, id, a); err != nil {
			return err
		}
		return fn(tx, k)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func checkNote(note string) error {
	if utf8.RuneCountInString(note) > 1000 {
		return beian.Invalid("note", "case.note_long")
	}
	return nil
}

// RequestExtension records the customer's request for the case's one
// extension (days ≤ beian.MaxExtensionDays, with a reason). An officer
// decides it, unless extensions are approved automatically (a job grants it
// at once). Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT (case.extension.used,
// case.extension.state), EINVALID (case.extension.days, .reason).
func (w *Workflow) RequestExtension(ctx context.Context, u *beian.User, id string, days int, reason string) (*beian.Case, error) {
	return w.updateCase(ctx, u, id, caseCustomer, func(tx beian.Tx, k *beian.Case) error {
		if err := k.RequestExtension(days, reason, u.ID, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		if err := caseAudit(ctx, tx, u.ID, "case.extension_request", k, map[string]any{"days": days}); err != nil {
			return err
		}
		return enqueue(ctx, tx, JobComplianceExtension, k.ID, CaseJobArgs{CaseID: k.ID}, tx.Now())
	})
}

// DecideExtension grants (for days working days, at most what was asked)
// or refuses the case's extension; an officer may also grant one nobody
// asked for. The new deadline counts from the old one. The customer is
// told. Officers only. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT, EINVALID.
func (w *Workflow) DecideExtension(ctx context.Context, u *beian.User, id string, grant bool, days int, note string) (*beian.Case, error) {
	if err := checkNote(note); err != nil {
		return nil, err
	}
	return w.updateCase(ctx, u, id, caseOfficer, func(tx beian.Tx, k *beian.Case) error {
		return w.decideExtension(ctx, tx, k, grant, days, note, u.ID)
	})
}

func (w *Workflow) decideExtension(ctx context.Context, tx beian.Tx, k *beian.Case, grant bool, days int, note, by string) error {
	now := tx.Now()
	n := beian.NoticeExtensionRefused
	if grant {
		from := k.DueAt
		if from.IsZero() {
			from = now
		}
		due := w.workdaysAfter(ctx, from, max(days, 0))
		if err := k.GrantExtension(days, due, note, by, now); err != nil {
			return err
		}
		n = beian.NoticeExtensionGranted
	} else if err := k.RefuseExtension(note, by, now); err != nil {
		return err
	}
	if err := tx.UpdateCase(ctx, k); err != nil {
		return err
	}
	if err := caseAudit(ctx, tx, by, "case.extension_"+map[bool]string{true: "grant", false: "refuse"}[grant], k,
		map[string]any{"days": k.Extension.Granted, "due": k.DueAt}); err != nil {
		return err
	}
	return notice(ctx, tx, k, n)
}

// autoExtend grants a requested extension at once when the configuration
// says so.
func (c *Compliance) autoExtend(ctx context.Context, id string) error {
	if !c.cfg.AutoApproveExtensions {
		return nil
	}
	return c.w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := tx.FindCase(ctx, id)
		if err != nil || k.Extension.State != beian.ExtensionRequested || k.State != beian.CaseNotified {
			return err
		}
		return c.w.decideExtension(ctx, tx, k, true, k.Extension.Days, "自动批准 / approved automatically", ActorCompliance)
	})
}

// RequestRecheck asks for a re-check of the case now: probe and record
// causes are checked by a job at once; the rest wait for an officer
// (DecideRecheck). Customers and officers may ask. Errors: ENOTFOUND,
// EFORBIDDEN, ECONFLICT (case.transition.illegal).
func (w *Workflow) RequestRecheck(ctx context.Context, u *beian.User, id string) (*beian.Case, error) {
	a := caseCustomer
	if u != nil && u.Role.IsStaff() {
		a = caseOfficer
	}
	return w.updateCase(ctx, u, id, a, func(tx beian.Tx, k *beian.Case) error {
		if err := k.Apply(beian.CaseEventRecheck, tx.Now()); err != nil {
			return err
		}
		k.RecheckRequestedAt, k.RecheckBy = tx.Now(), u.ID
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		if err := caseAudit(ctx, tx, u.ID, "case.recheck", k, map[string]any{"automatic": CanRecheckItself(k.Cause)}); err != nil {
			return err
		}
		if !CanRecheckItself(k.Cause) {
			return nil
		}
		return enqueue(ctx, tx, JobComplianceRecheck, k.ID, CaseJobArgs{CaseID: k.ID}, tx.Now())
	})
}

// DecideRecheck is an officer's verdict on a re-check Beian cannot (or could
// not) decide itself: fixed closes the case, not fixed sends it back to the
// customer with the note. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT
// (case.recheck.state), EINVALID (case.note_long).
func (w *Workflow) DecideRecheck(ctx context.Context, u *beian.User, id string, fixed bool, note string) (*beian.Case, error) {
	if err := checkNote(note); err != nil {
		return nil, err
	}
	return w.updateCase(ctx, u, id, caseOfficer, func(tx beian.Tx, k *beian.Case) error {
		if k.State != beian.CaseRechecking {
			return beian.Errorf(beian.ECONFLICT, "case.recheck.state")
		}
		if fixed {
			return end(ctx, tx, k, beian.ResolutionFixed, u.ID, map[string]any{"recheck": true})
		}
		var ev []beian.Evidence
		if note = strings.TrimSpace(note); note != "" {
			ev = append(ev, beian.Evidence{At: tx.Now(), Source: beian.SourceOfficer, Code: "officer.recheck", Text: note})
		}
		return stillFaulty(ctx, tx, k, ev, u.ID, map[string]any{"recheck": true})
	})
}

// CloseHow is how an officer ends a case.
type CloseHow string

// The ways to end a case by hand.
const (
	CloseFixed     CloseHow = "fixed"     // rectified (checked by the officer)
	CloseWithdrawn CloseHow = "withdrawn" // withdrawn: a false positive, or the bureau withdrew it
)

// CloseCase ends an open case by an officer's decision: rectified, or
// withdrawn. The note goes on the case's evidence. Errors: ENOTFOUND,
// EFORBIDDEN, ECONFLICT, EINVALID (case.close_how, case.note_long).
func (w *Workflow) CloseCase(ctx context.Context, u *beian.User, id string, how CloseHow, note string) (*beian.Case, error) {
	if how != CloseFixed && how != CloseWithdrawn {
		return nil, beian.Invalid("how", "case.close_how")
	}
	if err := checkNote(note); err != nil {
		return nil, err
	}
	return w.updateCase(ctx, u, id, caseOfficer, func(tx beian.Tx, k *beian.Case) error {
		if note = strings.TrimSpace(note); note != "" {
			if err := tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: beian.Evidence{At: tx.Now(),
				Source: beian.SourceOfficer, Code: "officer." + string(how), Text: note}}); err != nil {
				return err
			}
		}
		if how == CloseFixed {
			if !k.State.Open() {
				st := k.State.Text()
				return beian.Errorf(beian.ECONFLICT, "case.transition.illegal", "state", st.ZH, "state_en", st.EN,
					"event", beian.CaseEventFix.Text().ZH, "event_en", beian.CaseEventFix.Text().EN)
			}
			return end(ctx, tx, k, beian.ResolutionFixed, u.ID, map[string]any{"officer": true})
		}
		if err := k.Apply(beian.CaseEventWithdraw, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		return caseAudit(ctx, tx, u.ID, "case.withdraw", k, nil)
	})
}

// EscalateCase escalates a notified case now, before its deadline, by an
// officer's decision: the same 取消接入 the deadline would bring. It is
// refused (ECONFLICT with the hold's key) while an order of the customer's
// is in progress on the subject. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT,
// EINVALID (case.note_long).
func (w *Workflow) EscalateCase(ctx context.Context, u *beian.User, id, note string) (*beian.Case, error) {
	if err := checkNote(note); err != nil {
		return nil, err
	}
	var held string
	k, err := w.updateCase(ctx, u, id, caseOfficer, func(tx beian.Tx, k *beian.Case) error {
		switch k.State {
		case beian.CaseNotified, beian.CaseExtended, beian.CaseRechecking:
		default:
			st := k.State.Text()
			return beian.Errorf(beian.ECONFLICT, "case.escalate.state", "state", st.ZH, "state_en", st.EN)
		}
		if note = strings.TrimSpace(note); note != "" {
			if err := tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: beian.Evidence{At: tx.Now(),
				Source: beian.SourceOfficer, Code: "officer.escalate", Text: note}}); err != nil {
				return err
			}
		}
		ok, err := escalateCase(ctx, tx, k, u.ID, "officer")
		if err == nil && !ok && k.State.Open() {
			held = k.Hold
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if held != "" {
		return k, beian.Errorf(beian.ECONFLICT, held)
	}
	return k, nil
}

// RequestSweep queues an on-demand sweep with every probe: of all services,
// one customer's (scopeID: the account) or one service (scopeID: the
// service). Officers only. Errors: EFORBIDDEN, EINVALID (sweep.scope),
// ENOTFOUND (no such account or service).
func (w *Workflow) RequestSweep(ctx context.Context, u *beian.User, scope beian.SweepScope, scopeID string) error {
	if !canWorkCases(u) {
		return beian.Errorf(beian.EFORBIDDEN, "case.officer_only")
	}
	scopeID = strings.TrimSpace(scopeID)
	switch {
	case scope == beian.SweepAll:
		scopeID = ""
	case (scope == beian.SweepAccount || scope == beian.SweepService) && scopeID != "":
	default:
		return beian.Invalid("scope", "sweep.scope")
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		switch scope {
		case beian.SweepAccount:
			a, err := notFoundIsNil(tx.FindAccount(ctx, scopeID))
			if err != nil {
				return err
			}
			if a == nil {
				// Officers type the account's name more often than its ID.
				if a, _, err = findAccountByName(ctx, tx, scopeID, "scope_id"); err != nil {
					return err
				}
			}
			scopeID = a.ID
		case beian.SweepService:
			if _, err := tx.ServiceSubject(ctx, scopeID); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, u.ID, "sweep.request", "sweep", string(scope)+":"+scopeID, map[string]any{"scope": scope}); err != nil {
			return err
		}
		return enqueue(ctx, tx, JobComplianceSweep, "manual/"+string(scope)+"/"+scopeID, SweepArgs{Scope: scope, ScopeID: scopeID,
			Checks: []string{CheckNameDNS, CheckNameHomepage, CheckNameDomain}, RequestedBy: u.ID}, tx.Now())
	})
}

// StartCaseChange starts the change order that fixes a domain-expiry case
// on a site with other domains (spec §6.2.8; the seed's advice): a 变更网站
// draft prefilled from the record without the expiring domains, for the
// customer to check and submit. The same preconditions as any change
// apply. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT, EINVALID
// (case.change.not_offer, case.change.last).
func (w *Workflow) StartCaseChange(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := loadCase(ctx, tx, u, id, caseCustomer)
		if err != nil {
			return err
		}
		if k.Cause != beian.CauseDomainExpiry || !k.State.Open() || len(k.Targets) == 0 || k.ServiceID == "" {
			return beian.Errorf(beian.ECONFLICT, "case.change.not_offer")
		}
		rec, err := tx.FindRecord(ctx, k.SubjectID)
		if err != nil {
			return err
		}
		v, err := w.recordView(ctx, tx, u, rec)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(v.Services, func(s ServiceView) bool { return s.Service.ID == k.ServiceID })
		if i < 0 {
			return errNotFound()
		}
		if a := v.Services[i].Action(beian.ChangeService); !a.Available {
			return a.Reason
		}
		svc := v.Services[i].Service
		keep := KeptDomains(svc.Domains(), k.Targets)
		if len(keep) == 0 {
			return beian.Errorf(beian.EINVALID, "case.change.last")
		}
		snap := beian.Snapshot{Version: beian.SnapshotVersion, Subject: rec.Subject.Subject}
		if svc.Website != nil {
			site := *svc.Website
			site.RecordID, site.Domains = svc.ID, keep
			if site.ID == "" {
				site.ID = svc.ID
			}
			snap.Websites = append(snap.Websites, site)
		}
		if svc.App != nil {
			app := *svc.App
			app.RecordID, app.Domains = svc.ID, keep
			if app.ID == "" {
				app.ID = svc.ID
			}
			snap.Apps = append(snap.Apps, app)
		}
		s := &rec.Subject.Subject
		if o, err = w.createOrderTx(ctx, tx, u, CreateOrderInput{AccountID: rec.Subject.AccountID, Type: beian.ChangeService,
			Province: s.Province, Snapshot: snap, RecordSubjectID: rec.Subject.ID, ServiceIDs: []string{svc.ID}}); err != nil {
			return err
		}
		if err := tx.CreateOrderBasis(ctx, &beian.OrderBasis{OrderID: o.ID, AccountID: rec.Subject.AccountID, Province: s.Province,
			Nature: s.Nature, SubjectName: s.Name, CertificateType: s.CertificateType, CertificateNumber: s.CertificateNumber}); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "order.from_case", "order", o.ID, map[string]any{"case": k.ID, "dropped": len(k.Targets)}); err != nil {
			return err
		}
		return caseAudit(ctx, tx, u.ID, "case.change_order", k, map[string]any{"order": o.ID})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// KeptDomains returns the domains of a service that remain after dropping
// those named — registrable domains, as registries report them, so their
// sub-domains go too — compared normalised, in their order.
func KeptDomains(domains, drop []string) []string {
	var out []string
	for _, d := range domains {
		n := beian.NormalizeDomain(d)
		if !slices.ContainsFunc(drop, func(x string) bool {
			x = beian.NormalizeDomain(x)
			return n == x || strings.HasSuffix(n, "."+x)
		}) {
			out = append(out, d)
		}
	}
	return out
}
