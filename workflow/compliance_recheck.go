package workflow

import (
	"context"
	"slices"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/probe"
)

// This file re-checks a case on request: probe causes are probed again at
// once, record causes re-read from the records; the rest wait for an
// officer's verdict (DecideRecheck).

// recheckPlan says how a cause is re-checked by probing: which causes'
// faults mean "still there", and which probes decide.
type recheckPlan struct {
	watch  []beian.CaseCause
	checks probe.Check
}

// planRecheck returns the probe re-check of a cause; ok is false for
// causes the probes cannot decide.
func planRecheck(cause beian.CaseCause) (recheckPlan, bool) {
	switch cause {
	case beian.CauseEmptyShell:
		// Alive again here: resolving to our addresses and serving a page.
		return recheckPlan{[]beian.CaseCause{beian.CauseAccessElsewhere, beian.CauseContentUnreachable}, probe.CheckDNS | probe.CheckHomepage}, true
	case beian.CauseAccessReported:
		return recheckPlan{[]beian.CaseCause{beian.CauseAccessElsewhere, beian.CauseAccessIPMismatch}, probe.CheckDNS}, true
	}
	switch probeFamily(cause) {
	case probe.CheckDNS:
		return recheckPlan{[]beian.CaseCause{cause}, probe.CheckDNS}, true
	case probe.CheckHomepage:
		return recheckPlan{[]beian.CaseCause{cause}, probe.CheckDNS | probe.CheckHomepage}, true
	case probe.CheckDomain:
		return recheckPlan{[]beian.CaseCause{cause}, probe.CheckDomain}, true
	}
	return recheckPlan{}, false
}

// CanRecheckItself reports whether Beian decides a re-check of the cause by
// itself (probes or records); other causes wait for an officer.
func CanRecheckItself(cause beian.CaseCause) bool {
	_, ok := planRecheck(cause)
	return ok || slices.Contains(recordCauses, cause)
}

// Recheck runs a requested re-check: still faulty moves the case back (to
// notified, or extended) with the new evidence and tells the customer;
// fixed closes it. An inconclusive probe is tried again ten minutes later,
// up to RecheckAttempts times, then left to an officer. Causes Beian cannot
// check wait for an officer.
func (c *Compliance) Recheck(ctx context.Context, caseID string, attempt int) error {
	var k *beian.Case
	var rec *beian.Record
	err := c.w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if k, err = tx.FindCase(ctx, caseID); err != nil {
			return err
		}
		if k.SubjectID != "" {
			rec, err = notFoundIsNil(tx.FindRecord(ctx, k.SubjectID))
		}
		return err
	})
	if err != nil || k.State != beian.CaseRechecking {
		return err
	}
	if slices.Contains(recordCauses, k.Cause) && rec != nil {
		return c.recheckRecord(ctx, k.ID, rec)
	}
	plan, ok := planRecheck(k.Cause)
	if !ok || c.cfg.Prober == nil {
		c.log.InfoContext(ctx, "re-check waits for an officer", "case", k.ID, "cause", string(k.Cause))
		return nil
	}
	svc := serviceOf(rec, k.ServiceID)
	if svc == nil || !probeable(svc) {
		return c.w.store.Update(ctx, func(tx beian.Tx) error {
			k, err := tx.FindCase(ctx, caseID)
			if err != nil {
				return err
			}
			return end(ctx, tx, k, beian.ResolutionCancelled, ActorCompliance, map[string]any{"reason": "no_access"})
		})
	}
	run := &beian.SweepRun{Scope: beian.SweepRecheck, ScopeID: k.ID, Checks: checkNames(plan.checks), RequestedBy: k.RecheckBy}
	if err := c.w.store.Update(ctx, func(tx beian.Tx) error { return tx.CreateSweepRun(ctx, run) }); err != nil {
		return err
	}
	r, perr := c.sweepOne(ctx, run, rec, svc, plan.checks)
	run.State, run.FinishedAt = beian.SweepDone, c.w.clock.Now()
	if perr != nil {
		run.State, run.Error = beian.SweepFailed, clipRunes(perr.Error(), 500)
	}
	return c.w.store.Update(ctx, func(tx beian.Tx) error {
		if r != nil {
			res := &beian.SweepResult{RunID: run.ID, ServiceID: svc.ID, SubjectID: rec.Subject.ID, AccountID: rec.Subject.AccountID, At: r.Finished}
			for _, f := range r.Findings {
				res.Findings = append(res.Findings, beian.SweepFinding{Code: string(f.Code), Domain: f.Domain, Fault: f.Code.Fault(), Evidence: evidenceOf(f)})
				if f.Code.Fault() {
					res.Faults++
				} else {
					res.Unknowns++
				}
			}
			run.Targets, run.Faults, run.Unknowns = 1, res.Faults, res.Unknowns
			if err := tx.PutSweepResult(ctx, res); err != nil {
				return err
			}
		}
		if err := tx.UpdateSweepRun(ctx, run); err != nil {
			return err
		}
		k, err := tx.FindCase(ctx, caseID)
		if err != nil || k.State != beian.CaseRechecking {
			return err
		}
		if r == nil {
			return c.inconclusive(ctx, tx, k, attempt)
		}
		var still []beian.Evidence
		for _, f := range r.Findings {
			if f.Code.Fault() && slices.Contains(plan.watch, probeCause(f.Code, svc.Kind)) {
				still = append(still, evidenceOf(f))
			}
		}
		if len(still) > 0 {
			run.Updated = 1
			return stillFaulty(ctx, tx, k, still, ActorCompliance, map[string]any{"run": run.ID})
		}
		decided := conclusive(r, plan.checks, svc)
		for _, w := range plan.watch {
			if !decided[probeFamily(w)] {
				return c.inconclusive(ctx, tx, k, attempt)
			}
		}
		run.Closed = 1
		return end(ctx, tx, k, beian.ResolutionFixed, ActorCompliance, map[string]any{"run": run.ID, "recheck": true})
	})
}

// inconclusive schedules another try of a re-check, or leaves it to an
// officer after the last.
func (c *Compliance) inconclusive(ctx context.Context, tx beian.Tx, k *beian.Case, attempt int) error {
	if attempt+1 < c.cfg.RecheckAttempts {
		return enqueue(ctx, tx, JobComplianceRecheck, "", CaseJobArgs{CaseID: k.ID, Attempt: attempt + 1}, tx.Now().Add(10*time.Minute))
	}
	return caseAudit(ctx, tx, ActorCompliance, "case.recheck_inconclusive", k, map[string]any{"attempts": attempt + 1})
}

// stillFaulty ends a re-check that found the fault: the new evidence, the
// state back, and the customer told.
func stillFaulty(ctx context.Context, tx beian.Tx, k *beian.Case, evidence []beian.Evidence, actor string, data map[string]any) error {
	if err := k.Apply(beian.CaseEventStillFaulty, tx.Now()); err != nil {
		return err
	}
	k.LastSeenAt = tx.Now()
	for _, e := range evidence {
		if err := tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: e}); err != nil {
			return err
		}
	}
	if err := tx.UpdateCase(ctx, k); err != nil {
		return err
	}
	if err := caseAudit(ctx, tx, actor, "case.still_faulty", k, data); err != nil {
		return err
	}
	return notice(ctx, tx, k, beian.NoticeRecheckFailed)
}

// recheckRecord re-reads a record case's date.
func (c *Compliance) recheckRecord(ctx context.Context, caseID string, rec *beian.Record) error {
	return c.w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := tx.FindCase(ctx, caseID)
		if err != nil || k.State != beian.CaseRechecking {
			return err
		}
		rec, err := tx.FindRecord(ctx, rec.Subject.ID)
		if err != nil {
			return err
		}
		horizon := beian.DateOf(tx.Now()).AddDate(0, 0, c.cfg.ExpiryLeadDays)
		var dates []beian.Date
		due := func(until beian.Date, longTerm bool) {
			if !longTerm && !until.IsZero() && !until.After(horizon) {
				dates = append(dates, until)
			}
		}
		s := &rec.Subject.Subject
		field := ""
		switch k.Cause {
		case beian.CauseSubjectCertificate:
			field = fieldSubjectCertificate
			due(s.CertificateValidUntil, s.LongTerm)
		case beian.CauseSubjectPrincipalID:
			field = fieldSubjectPrincipal
			due(s.Principal.CertificateValidUntil, s.Principal.LongTerm)
		default:
			svc := serviceOf(rec, k.ServiceID)
			if svc == nil || !probeable(svc) {
				return end(ctx, tx, k, beian.ResolutionCancelled, ActorCompliance, map[string]any{"reason": "no_access"})
			}
			var p *beian.Person
			var approvals []beian.PreApproval
			if svc.Website != nil {
				p, approvals = &svc.Website.Principal, svc.Website.PreApprovals
			} else if svc.App != nil {
				p, approvals = &svc.App.Principal, svc.App.PreApprovals
			}
			if k.Cause == beian.CauseServicePrincipalID && p != nil {
				field = fieldServicePrincipal
				due(p.CertificateValidUntil, p.LongTerm)
			}
			if k.Cause == beian.CausePreApproval {
				field = fieldPreApproval
				for _, a := range approvals {
					due(a.ValidUntil, false)
				}
			}
		}
		if len(dates) == 0 {
			return end(ctx, tx, k, beian.ResolutionFixed, ActorCompliance, map[string]any{"recheck": true})
		}
		var ev []beian.Evidence
		for _, d := range dates {
			ev = append(ev, beian.Evidence{At: tx.Now(), Source: beian.SourceRecords, Code: field, Field: field, Until: d})
		}
		return stillFaulty(ctx, tx, k, ev, ActorCompliance, map[string]any{"recheck": true})
	})
}
