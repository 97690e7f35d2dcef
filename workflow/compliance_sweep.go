package workflow

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/probe"
)

// This file is the sweep: it reads every filed service from the records,
// checks the records' own expiry dates, probes the services (DNS, homepage,
// registration) and turns the results into suspects, cases and closures.

// The probe names SweepArgs.Checks and SweepRun.Checks use.
const (
	CheckNameDNS      = "dns"
	CheckNameHomepage = "homepage"
	CheckNameDomain   = "domain"
)

// sweepBatch is how many results are written per transaction: few enough
// that a transaction stays short, enough that 10,000 services are not
// 10,000 commits.
const sweepBatch = 100

// errNoProber is returned by actions that need the probes when none is
// configured.
var errNoProber = errors.New("workflow: no prober configured")

func checksOf(names []string) probe.Check {
	var c probe.Check
	for _, n := range names {
		switch n {
		case CheckNameDNS:
			c |= probe.CheckDNS
		case CheckNameHomepage:
			c |= probe.CheckHomepage
		case CheckNameDomain:
			c |= probe.CheckDomain
		}
	}
	if c == 0 {
		c = probe.CheckDefault
	}
	return c
}

func checkNames(c probe.Check) []string {
	var out []string
	for _, x := range []struct {
		c probe.Check
		n string
	}{{probe.CheckDNS, CheckNameDNS}, {probe.CheckHomepage, CheckNameHomepage}, {probe.CheckDomain, CheckNameDomain}} {
		if c&x.c != 0 {
			out = append(out, x.n)
		}
	}
	return out
}

// sweepTarget is a service being probed with what the results need.
type sweepTarget struct {
	rec *beian.Record
	svc *beian.RecordService
}

// Sweep runs one sweep: the records of the scope are read page by page —
// their expiry dates checked, the cases of services whose access here ended
// closed — and the services filed with an active access here are probed.
// Results are stored with their evidence and turned into suspects, cases
// and closures, in batches. It returns the run with its counts; a failure
// part-way marks the run failed and returns the error (the job retries).
func (c *Compliance) Sweep(ctx context.Context, a SweepArgs) (*beian.SweepRun, error) {
	if a.Scope == "" {
		a.Scope = beian.SweepAll
	}
	checks := checksOf(a.Checks)
	if err := c.loadRanges(ctx); err != nil {
		return nil, err
	}
	run := &beian.SweepRun{Scope: a.Scope, ScopeID: a.ScopeID, Checks: checkNames(checks), RequestedBy: a.RequestedBy}
	if err := c.w.store.Update(ctx, func(tx beian.Tx) error { return tx.CreateSweepRun(ctx, run) }); err != nil {
		return nil, err
	}
	err := c.sweep(ctx, run, checks, a.Scope != beian.SweepConfirm && a.Scope != beian.SweepRecheck)
	run.State, run.FinishedAt = beian.SweepDone, c.w.clock.Now()
	if err != nil {
		run.State, run.Error = beian.SweepFailed, clipRunes(err.Error(), 500)
	}
	// A cancelled context must not leave the run "running" for ever.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if uerr := c.w.store.Update(uctx, func(tx beian.Tx) error {
		if err := tx.UpdateSweepRun(uctx, run); err != nil {
			return err
		}
		if run.Scope == beian.SweepAll && err == nil {
			n, err := tx.PurgeSweepResults(uctx, tx.Now().Add(-c.cfg.ResultRetention))
			if n > 0 {
				c.log.InfoContext(ctx, "old sweep results purged", "results", n)
			}
			return err
		}
		return nil
	}); uerr != nil && err == nil {
		err = uerr
	}
	c.log.InfoContext(ctx, "sweep finished", "run", run.ID, "scope", string(run.Scope), "targets", run.Targets, "faults", run.Faults,
		"unknowns", run.Unknowns, "suspects", run.Suspects, "opened", run.Opened, "updated", run.Updated, "closed", run.Closed, "err", err)
	return run, err
}

// loadRanges gives the prober the admin's current address ranges.
func (c *Compliance) loadRanges(ctx context.Context) error {
	if c.cfg.Prober == nil {
		return nil
	}
	var rs []beian.ProviderRange
	if err := c.w.store.View(ctx, func(tx beian.Tx) (err error) { rs, err = tx.ProviderRanges(ctx); return }); err != nil {
		return err
	}
	ranges, err := providerRanges(rs)
	if err != nil {
		return err
	}
	c.cfg.Prober.SetRanges(ranges)
	return nil
}

// providerRanges indexes the stored ranges for the probes.
func providerRanges(rs []beian.ProviderRange) (*probe.Ranges, error) {
	pr := make([]probe.Range, 0, len(rs))
	for _, r := range rs {
		reg := probe.RegionOverseas
		if r.Mainland {
			reg = probe.RegionMainland
		}
		pr = append(pr, probe.Range{IPs: r.IPs, Region: reg, Name: r.Name})
	}
	return probe.NewRanges(pr)
}

func (c *Compliance) sweep(ctx context.Context, run *beian.SweepRun, checks probe.Check, records bool) error {
	targets, err := c.collect(ctx, run, records)
	if err != nil {
		return err
	}
	if c.cfg.Prober == nil || len(targets) == 0 {
		return nil
	}
	// What the results meet: the open cases and suspects of the services.
	open := map[string][]*beian.Case{}
	var suspects []beian.SweepSuspect
	err = c.w.store.View(ctx, func(tx beian.Tx) error {
		for off := 0; ; off += 500 {
			cs, _, err := tx.FindCases(ctx, beian.CaseFilter{States: beian.OpenCaseStates, Offset: off, Limit: 500})
			if err != nil {
				return err
			}
			for _, k := range cs {
				if k.ServiceID != "" {
					open[k.ServiceID] = append(open[k.ServiceID], k)
				}
			}
			if len(cs) < 500 {
				break
			}
		}
		var err error
		suspects, err = tx.SweepSuspects(ctx, "")
		return err
	})
	if err != nil {
		return err
	}
	suspected := map[string]map[beian.CaseCause]beian.SweepSuspect{}
	for _, s := range suspects {
		if suspected[s.ServiceID] == nil {
			suspected[s.ServiceID] = map[beian.CaseCause]beian.SweepSuspect{}
		}
		suspected[s.ServiceID][s.Cause] = s
	}
	seq := func(yield func(probe.Target) bool) {
		for _, t := range targets {
			if !yield(probeTarget(t.svc, checks)) {
				return
			}
		}
	}
	var batch []probe.Result
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := c.w.store.Update(ctx, func(tx beian.Tx) error {
			for i := range batch {
				if err := c.applyResult(ctx, tx, run, targets[batch[i].ServiceID], &batch[i], checks, open, suspected); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	st, err := c.cfg.Prober.Sweep(ctx, iter.Seq[probe.Target](seq), func(r probe.Result) error {
		batch = append(batch, r)
		if len(batch) >= sweepBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	run.Faults, run.Unknowns = st.Faults, st.Unknowns
	return nil
}

// collect reads the scope's records page by page and returns the services
// to probe, by ID. With records, it also checks the records' expiry dates
// and closes the cases of services whose access here ended.
func (c *Compliance) collect(ctx context.Context, run *beian.SweepRun, records bool) (map[string]sweepTarget, error) {
	out := map[string]sweepTarget{}
	take := func(tx beian.Tx, rec *beian.Record, only string) error {
		open, _, err := tx.FindCases(ctx, beian.CaseFilter{SubjectID: rec.Subject.ID, States: beian.OpenCaseStates, Limit: 500})
		if err != nil {
			return err
		}
		for i := range rec.Services {
			svc := &rec.Services[i]
			if only != "" && svc.ID != only {
				continue
			}
			if !probeable(svc) {
				if records {
					if err := c.closeGone(ctx, tx, run, svc, open); err != nil {
						return err
					}
				}
				continue
			}
			out[svc.ID] = sweepTarget{rec: rec, svc: svc}
		}
		if records {
			return c.checkRecord(ctx, tx, run, rec, only, open)
		}
		return nil
	}
	switch run.Scope {
	case beian.SweepService, beian.SweepConfirm, beian.SweepRecheck:
		err := c.w.store.Update(ctx, func(tx beian.Tx) error {
			subjectID, err := notFoundIsNil(tx.ServiceSubject(ctx, run.ScopeID))
			if err != nil || subjectID == "" {
				return err
			}
			rec, err := notFoundIsNil(tx.FindRecord(ctx, subjectID))
			if err != nil || rec == nil {
				return err
			}
			return take(tx, rec, run.ScopeID)
		})
		return out, err
	}
	page := beian.RecordPage{Limit: 100}
	if run.Scope == beian.SweepAccount {
		page.AccountID = run.ScopeID
	}
	for {
		var ids []string
		err := c.w.store.Update(ctx, func(tx beian.Tx) error {
			var err error
			if ids, err = tx.RecordSubjectIDs(ctx, page); err != nil {
				return err
			}
			for _, id := range ids {
				rec, err := notFoundIsNil(tx.FindRecord(ctx, id))
				if err != nil {
					return err
				}
				if rec != nil {
					if err := take(tx, rec, ""); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(ids) < page.Limit {
			return out, nil
		}
		page.AfterID = ids[len(ids)-1]
	}
}

// accessHere returns the service's live access record at this provider,
// nil when it has none.
func accessHere(svc *beian.RecordService) *beian.AccessRecord {
	for i := range svc.Access {
		if svc.Access[i].Ours && svc.Access[i].Status == beian.AccessActive {
			return &svc.Access[i]
		}
	}
	return nil
}

// probeable reports whether a service is filed with an active access here:
// only those are ours to probe.
func probeable(svc *beian.RecordService) bool {
	return svc.Status == beian.RecordFiled && accessHere(svc) != nil
}

// closeGone closes the open cases of a service whose filing or access here
// ended: there is nothing left to rectify here.
func (c *Compliance) closeGone(ctx context.Context, tx beian.Tx, run *beian.SweepRun, svc *beian.RecordService, open []*beian.Case) error {
	for _, k := range open {
		if k.ServiceID != svc.ID || !k.State.Open() {
			continue
		}
		if err := end(ctx, tx, k, beian.ResolutionCancelled, ActorCompliance, map[string]any{"run": run.ID, "status": svc.Status}); err != nil {
			return err
		}
		run.Closed++
	}
	return nil
}

// probeTarget is what the probes check of a service: its domains, filed
// addresses, the number its homepage must show (Target.Expected takes the
// subject number in Guangdong) and, for websites, the filed name. Apps have
// no homepage: only their domains' resolution and registration.
func probeTarget(svc *beian.RecordService, checks probe.Check) probe.Target {
	t := probe.Target{ServiceID: svc.ID, Domains: svc.Domains(), Filed: beian.DateOf(svc.FiledAt), Checks: checks}
	if acc := accessHere(svc); acc != nil {
		t.FiledIPs = acc.IPs
	}
	if len(t.FiledIPs) == 0 && svc.Website != nil {
		t.FiledIPs = svc.Website.IPs
	}
	if svc.FiledAt.IsZero() {
		t.Filed = beian.Date{}
	}
	if svc.Kind == beian.KindWebsite && svc.Website != nil {
		t.Number, t.Name = svc.Number, svc.Website.Name
	} else {
		t.Checks &^= probe.CheckHomepage
		if t.Checks == 0 {
			t.Checks = probe.CheckDNS
		}
	}
	return t
}

// probeCause maps a probe's fault code to the catalogue; "" for codes that
// are not faults.
func probeCause(code probe.Code, kind beian.ServiceKind) beian.CaseCause {
	switch code {
	case probe.CodeNotResolving, probe.CodeNotOurRange, probe.CodeAbroad:
		if kind == beian.KindApp {
			return beian.CauseAppResolution
		}
		return beian.CauseAccessElsewhere
	case probe.CodeIPMismatch:
		if kind == beian.KindApp {
			return beian.CauseAppResolution
		}
		return beian.CauseAccessIPMismatch
	case probe.CodeUnreachable:
		return beian.CauseContentUnreachable
	case probe.CodeNoNumber, probe.CodeWrongNumber, probe.CodeNumberNotLinked, probe.CodeNumberWrongLink:
		return beian.CauseContentNumber
	case probe.CodeTitleMismatch:
		return beian.CauseContentTitle
	case probe.CodeExpired, probe.CodeExpiring, probe.CodeUnregistered:
		return beian.CauseDomainExpiry
	case probe.CodeRegisteredAfterFiling:
		return beian.CauseDomainReregistered
	}
	return ""
}

// probeFamily is the probe that decides a cause: dns, homepage or domain.
func probeFamily(c beian.CaseCause) probe.Check {
	switch c {
	case beian.CauseAccessElsewhere, beian.CauseAccessIPMismatch, beian.CauseAppResolution:
		return probe.CheckDNS
	case beian.CauseContentUnreachable, beian.CauseContentNumber, beian.CauseContentTitle:
		return probe.CheckHomepage
	case beian.CauseDomainExpiry, beian.CauseDomainReregistered:
		return probe.CheckDomain
	}
	return 0
}

// probeCauses are the causes the probes decide.
var probeCauses = []beian.CaseCause{beian.CauseAccessElsewhere, beian.CauseAccessIPMismatch, beian.CauseAppResolution,
	beian.CauseContentUnreachable, beian.CauseContentNumber, beian.CauseContentTitle, beian.CauseDomainExpiry,
	beian.CauseDomainReregistered}

// conclusive reports, per probe, whether a result can say a fault is gone:
// the probe ran and nothing it looked at was inconclusive. A homepage is
// judged only if every domain's homepage was read (a domain not resolving
// here has none).
func conclusive(r *probe.Result, checks probe.Check, svc *beian.RecordService) map[probe.Check]bool {
	out := map[probe.Check]bool{}
	for _, c := range []probe.Check{probe.CheckDNS, probe.CheckHomepage, probe.CheckDomain} {
		out[c] = checks&c != 0
	}
	if svc.Kind != beian.KindWebsite {
		out[probe.CheckHomepage] = false
	}
	for _, f := range r.Findings {
		switch f.Code {
		case probe.CodeDNSUnknown:
			out[probe.CheckDNS], out[probe.CheckHomepage] = false, false
		case probe.CodeHTTPUnknown:
			out[probe.CheckHomepage] = false
		case probe.CodeDomainUnknown:
			out[probe.CheckDomain] = false
		}
	}
	for _, d := range r.Domains {
		if d.Homepage == nil || d.Homepage.Outcome == probe.OutcomeUnknown {
			out[probe.CheckHomepage] = false
		}
	}
	if len(r.Domains) == 0 {
		out[probe.CheckDNS], out[probe.CheckHomepage], out[probe.CheckDomain] = false, false, false
	}
	return out
}

// applyResult stores one service's result and acts on it: faults of an
// open case update it; a fault seen for the first time becomes a suspect
// and schedules a confirming re-probe; a suspect seen again at least
// ConfirmAfter later opens a case (registration faults open at once); a
// fault a conclusive probe no longer sees drops its suspect and closes its
// probe-opened case as fixed.
func (c *Compliance) applyResult(ctx context.Context, tx beian.Tx, run *beian.SweepRun, t sweepTarget, r *probe.Result, checks probe.Check,
	open map[string][]*beian.Case, suspected map[string]map[beian.CaseCause]beian.SweepSuspect) error {
	if t.svc == nil {
		return nil
	}
	now := tx.Now()
	res := &beian.SweepResult{RunID: run.ID, ServiceID: t.svc.ID, SubjectID: t.rec.Subject.ID, AccountID: t.rec.Subject.AccountID, At: r.Finished}
	faults := map[beian.CaseCause][]probe.Finding{}
	for _, f := range r.Findings {
		res.Findings = append(res.Findings, beian.SweepFinding{Code: string(f.Code), Domain: f.Domain, Fault: f.Code.Fault(),
			Evidence: evidenceOf(f)})
		if !f.Code.Fault() {
			res.Unknowns++
			continue
		}
		res.Faults++
		if cause := probeCause(f.Code, t.svc.Kind); cause != "" {
			faults[cause] = append(faults[cause], f)
		}
	}
	if err := tx.PutSweepResult(ctx, res); err != nil {
		return err
	}
	run.Targets++
	// open is a hint read at the sweep's start: jobs (notices, re-checks)
	// change cases meanwhile, so a case acted on is read again here.
	openCase := func(cause beian.CaseCause) (*beian.Case, error) {
		for _, k := range open[t.svc.ID] {
			if k.Cause == cause {
				return notFoundIsNil(tx.FindOpenCase(ctx, k.Key))
			}
		}
		return nil, nil
	}
	for _, cause := range sortedCauses(faults) {
		fs := faults[cause]
		d := forRecord(t.rec, t.svc, cause, beian.SourceProbe)
		d.notice = fs[0].Code.Notice()
		for _, f := range fs {
			d.targets = append(d.targets, f.Domain)
			d.evidence = append(d.evidence, evidenceOf(f))
			if f.Code == probe.CodeExpiring && (d.until.IsZero() || f.Evidence.Expires.Before(d.until)) {
				d.until = f.Evidence.Expires
			}
		}
		sus, seen := suspected[t.svc.ID][cause]
		k, err := openCase(cause)
		if err != nil {
			return err
		}
		switch {
		case k != nil, probeFamily(cause) == probe.CheckDomain:
			// Registries answer with data, not with outages: no need to
			// confirm.
		case seen && now.Sub(sus.FirstSeenAt) >= c.cfg.ConfirmAfter:
			if err := tx.DeleteSweepSuspect(ctx, t.svc.ID, cause); err != nil {
				return err
			}
			delete(suspected[t.svc.ID], cause)
		default:
			s := &beian.SweepSuspect{ServiceID: t.svc.ID, Cause: cause, FirstSeenAt: now, LastSeenAt: now, RunID: run.ID}
			if seen {
				s.FirstSeenAt = sus.FirstSeenAt
			}
			if err := tx.PutSweepSuspect(ctx, s); err != nil {
				return err
			}
			if !seen {
				run.Suspects++
				if suspected[t.svc.ID] == nil {
					suspected[t.svc.ID] = map[beian.CaseCause]beian.SweepSuspect{}
				}
				suspected[t.svc.ID][cause] = *s
				// The confirming re-probe; one per service however many
				// causes it has.
				if err := enqueue(ctx, tx, JobComplianceSweep, "confirm/"+t.svc.ID, SweepArgs{Scope: beian.SweepConfirm, ScopeID: t.svc.ID,
					RequestedBy: ActorCompliance}, now.Add(c.cfg.ConfirmAfter)); err != nil {
					return err
				}
			}
			continue
		}
		k, outcome, err := c.detect(ctx, tx, d)
		if err != nil {
			return err
		}
		if outcome == caseOpened {
			run.Opened++
			open[t.svc.ID] = append(open[t.svc.ID], k)
		} else {
			run.Updated++
		}
	}
	decided := conclusive(r, checks, t.svc)
	for _, cause := range probeCauses {
		if _, found := faults[cause]; found || !decided[probeFamily(cause)] {
			continue
		}
		if _, seen := suspected[t.svc.ID][cause]; seen {
			if err := tx.DeleteSweepSuspect(ctx, t.svc.ID, cause); err != nil {
				return err
			}
			delete(suspected[t.svc.ID], cause)
		}
		k, err := openCase(cause)
		if err != nil {
			return err
		}
		if k != nil && k.Source == beian.SourceProbe {
			if err := end(ctx, tx, k, beian.ResolutionFixed, ActorCompliance, map[string]any{"run": run.ID}); err != nil {
				return err
			}
			run.Closed++
		}
	}
	return nil
}

func sortedCauses[V any](m map[beian.CaseCause]V) []beian.CaseCause {
	out := make([]beian.CaseCause, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// evidenceOf converts a probe finding's evidence for the domain.
func evidenceOf(f probe.Finding) beian.Evidence {
	e := f.Evidence
	return beian.Evidence{At: e.At, Source: beian.SourceProbe, Code: string(f.Code), Domain: f.Domain, Host: e.Host,
		Resolved: slices.Clone(e.Resolved), Addrs: slices.Clone(e.Addrs), DNS: e.DNS, Resolver: e.Resolver, CNAMEs: slices.Clone(e.CNAMEs),
		Filed: slices.Clone(e.Filed), URL: e.URL, HTTPStatus: e.HTTPStatus, Title: e.Title, Expected: e.Expected,
		Found: slices.Clone(e.Found), Snippet: e.Snippet, Href: e.Href, Registrar: e.Registrar, Created: e.Created,
		Expires: e.Expires, Registry: e.Source, Detail: e.Detail}
}

// Fields of the records whose dates run out, as evidence names them.
const (
	fieldSubjectCertificate = "subject.certificate_valid_until"
	fieldSubjectPrincipal   = "subject.principal.certificate_valid_until"
	fieldServicePrincipal   = "principal.certificate_valid_until"
	fieldPreApproval        = "pre_approvals.valid_until"
)

// recordCauses are the causes the records decide.
var recordCauses = []beian.CaseCause{beian.CauseSubjectCertificate, beian.CauseSubjectPrincipalID, beian.CauseServicePrincipalID,
	beian.CausePreApproval}

// checkRecord opens cases for the dates in a filed record that have run
// out or run out within the lead time — the subject's certificate, the
// principals' identity documents, pre-approvals — and closes record cases
// whose date the record no longer has (a change order renewed it). only
// restricts the services to one.
func (c *Compliance) checkRecord(ctx context.Context, tx beian.Tx, run *beian.SweepRun, rec *beian.Record, only string, open []*beian.Case) error {
	today := beian.DateOf(tx.Now())
	horizon := today.AddDate(0, 0, c.cfg.ExpiryLeadDays)
	due := func(until beian.Date, longTerm bool) bool {
		return !longTerm && !until.IsZero() && !until.After(horizon)
	}
	found := map[string]bool{} // case keys still justified
	detectDate := func(svc *beian.RecordService, cause beian.CaseCause, field string, until beian.Date, target string) error {
		d := forRecord(rec, svc, cause, beian.SourceRecords)
		d.evidence = []beian.Evidence{{At: tx.Now(), Source: beian.SourceRecords, Code: field, Field: field, Until: until,
			Detail: map[bool]string{true: "expired", false: "expiring"}[!until.After(today)]}}
		if target != "" {
			d.targets = []string{target}
		}
		d.until = until
		found[beian.CaseKey(d.level, d.scopeID(), cause)] = true
		_, outcome, err := c.detect(ctx, tx, d)
		if err != nil {
			return err
		}
		if outcome == caseOpened {
			run.Opened++
		}
		return nil
	}
	s := &rec.Subject.Subject
	if only == "" {
		if due(s.CertificateValidUntil, s.LongTerm) {
			if err := detectDate(nil, beian.CauseSubjectCertificate, fieldSubjectCertificate, s.CertificateValidUntil, ""); err != nil {
				return err
			}
		}
		if p := &s.Principal; due(p.CertificateValidUntil, p.LongTerm) {
			if err := detectDate(nil, beian.CauseSubjectPrincipalID, fieldSubjectPrincipal, p.CertificateValidUntil, ""); err != nil {
				return err
			}
		}
	}
	for i := range rec.Services {
		svc := &rec.Services[i]
		if (only != "" && svc.ID != only) || !probeable(svc) {
			continue
		}
		var principal *beian.Person
		var approvals []beian.PreApproval
		if svc.Website != nil {
			principal, approvals = &svc.Website.Principal, svc.Website.PreApprovals
		} else if svc.App != nil {
			principal, approvals = &svc.App.Principal, svc.App.PreApprovals
		}
		if principal != nil && due(principal.CertificateValidUntil, principal.LongTerm) {
			if err := detectDate(svc, beian.CauseServicePrincipalID, fieldServicePrincipal, principal.CertificateValidUntil, ""); err != nil {
				return err
			}
		}
		for _, p := range approvals {
			if due(p.ValidUntil, false) {
				if err := detectDate(svc, beian.CausePreApproval, fieldPreApproval, p.ValidUntil, p.Category+" "+p.Number); err != nil {
					return err
				}
			}
		}
	}
	// Record cases whose date is no longer due were fixed by a change.
	for _, k := range open {
		if k.Source != beian.SourceRecords || !slices.Contains(recordCauses, k.Cause) || found[k.Key] || !k.State.Open() {
			continue
		}
		if only != "" && k.ServiceID != only {
			continue
		}
		if err := end(ctx, tx, k, beian.ResolutionFixed, ActorCompliance, map[string]any{"run": run.ID}); err != nil {
			return err
		}
		run.Closed++
	}
	return nil
}

// sweepOne probes one service now, outside any sweep's batching, for
// re-checks: it returns the result, or nil when the service is not
// probeable any more.
func (c *Compliance) sweepOne(ctx context.Context, run *beian.SweepRun, rec *beian.Record, svc *beian.RecordService, checks probe.Check) (*probe.Result, error) {
	if c.cfg.Prober == nil {
		return nil, errNoProber
	}
	if err := c.loadRanges(ctx); err != nil {
		return nil, err
	}
	var out *probe.Result
	t := probeTarget(svc, checks)
	_, err := c.cfg.Prober.Sweep(ctx, slices.Values([]probe.Target{t}), func(r probe.Result) error {
		out = &r
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("workflow: probe of %s gave no result", svc.ID)
	}
	return out, nil
}

// addrStrings formats addresses for pages.
func addrStrings(as []netip.Addr) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}
