package workflow

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/openbeian/beian"
)

// This file opens, updates and ends cases for the detectors (sweeps, the
// records, the bureau's feeds), always inside the detector's transaction.

// detection is one fault a detector found: what it is about, the cause, and
// the evidence.
type detection struct {
	level       beian.CaseLevel
	accountID   string
	subjectID   string
	serviceID   string
	subjectName string
	serviceName string
	number      string
	cause       beian.CaseCause
	source      beian.CaseSource
	// notice narrows the catalogue's notice to what was found; zero keeps
	// the catalogue's.
	notice beian.Text
	// detail is the bureau's words.
	detail     string
	targets    []string
	evidence   []beian.Evidence
	feedItemID string
	// until is the date that runs out, for a fault that has not happened
	// yet (expiring certificates and domains): the deadline runs from it.
	until beian.Date
}

// scopeID returns the ID the case's key names.
func (d *detection) scopeID() string {
	switch d.level {
	case beian.LevelService:
		return d.serviceID
	case beian.LevelAccount:
		return d.accountID
	}
	return d.subjectID
}

// forRecord fills a detection's subject (and service) from the record.
func forRecord(rec *beian.Record, svc *beian.RecordService, cause beian.CaseCause, source beian.CaseSource) detection {
	d := detection{level: cause.Info().Level, accountID: rec.Subject.AccountID, subjectID: rec.Subject.ID,
		subjectName: rec.Subject.Subject.Name, number: rec.Subject.Number.String(), cause: cause, source: source}
	if svc != nil && d.level == beian.LevelService {
		d.serviceID, d.serviceName = svc.ID, svc.Name()
		if !svc.Number.IsZero() {
			d.number = svc.Number.String()
		}
	}
	if d.level == beian.LevelService && svc == nil {
		// A service-level cause with no service known is held against the
		// subject.
		d.level = beian.LevelSubject
	}
	return d
}

// caseOutcome says what detect did.
type caseOutcome int

const (
	caseOpened caseOutcome = iota + 1
	caseUpdated
)

// detect opens the case of a detection, or, when the case is already open,
// records the new sighting: the time, new targets and, when it differs from
// the latest, the evidence. A new case gets its deadline and its opening
// notice in the same transaction.
func (c *Compliance) detect(ctx context.Context, tx beian.Tx, d detection) (*beian.Case, caseOutcome, error) {
	now := tx.Now()
	key := beian.CaseKey(d.level, d.scopeID(), d.cause)
	k, err := notFoundIsNil(tx.FindOpenCase(ctx, key))
	if err != nil {
		return nil, 0, err
	}
	if k != nil {
		return k, caseUpdated, c.redetect(ctx, tx, k, d)
	}
	info := d.cause.Info()
	k = &beian.Case{Key: key, Level: d.level, AccountID: d.accountID, SubjectID: d.subjectID, ServiceID: d.serviceID,
		SubjectName: d.subjectName, ServiceName: d.serviceName, Number: d.number, Cause: d.cause, Category: info.Category,
		Source: d.source, Notice: info.Notice, Reason: info.Reason, Suggestion: info.Suggestion, Detail: d.detail,
		Targets: sortedUnique(d.targets), State: beian.CaseOpened, OpenedAt: now, LastSeenAt: now, FeedItemID: d.feedItemID,
		OpenedBy: ActorCompliance}
	if d.notice != (beian.Text{}) {
		k.Notice = d.notice
	}
	k.DueAt = c.dueFor(ctx, info.Category, now, d.until)
	if err := tx.CreateCase(ctx, k); err != nil {
		return nil, 0, err
	}
	for _, e := range d.evidence {
		if err := tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: e}); err != nil {
			return nil, 0, err
		}
	}
	if err := caseAudit(ctx, tx, ActorCompliance, "case.open", k, map[string]any{"source": k.Source, "category": k.Category,
		"service": k.ServiceID, "subject": k.SubjectID, "due": k.DueAt, "feed_item": k.FeedItemID}); err != nil {
		return nil, 0, err
	}
	return k, caseOpened, notice(ctx, tx, k, beian.NoticeOpened)
}

// redetect records a new sighting of an open case's fault.
func (c *Compliance) redetect(ctx context.Context, tx beian.Tx, k *beian.Case, d detection) error {
	k.LastSeenAt = tx.Now()
	targets := sortedUnique(append(slices.Clone(k.Targets), d.targets...))
	changedTargets := !slices.Equal(targets, k.Targets)
	k.Targets = targets
	if d.notice != (beian.Text{}) {
		k.Notice = d.notice
	}
	if d.detail != "" && d.detail != k.Detail {
		k.Detail = d.detail
		changedTargets = true
	}
	latest, err := tx.CaseEvidence(ctx, k.ID, len(d.evidence))
	if err != nil {
		return err
	}
	added := 0
	for _, e := range d.evidence {
		if slices.ContainsFunc(latest, func(x beian.CaseEvidence) bool { return sameEvidence(x.Evidence, e) }) {
			continue
		}
		if err := tx.AddCaseEvidence(ctx, &beian.CaseEvidence{CaseID: k.ID, Evidence: e}); err != nil {
			return err
		}
		added++
	}
	if err := tx.UpdateCase(ctx, k); err != nil {
		return err
	}
	if added == 0 && !changedTargets {
		return nil
	}
	return caseAudit(ctx, tx, ActorCompliance, "case.redetect", k, map[string]any{"source": d.source, "evidence": added,
		"feed_item": d.feedItemID})
}

// sameEvidence reports whether two pieces of evidence show the same thing,
// apart from when they were seen: a fault seen every day adds evidence only
// when what was seen changes.
func sameEvidence(a, b beian.Evidence) bool {
	a.At, b.At = time.Time{}, time.Time{}
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// dueFor is the deadline of a case of category opened at now: the
// category's working days, counted from until instead when that date is
// still ahead (an expiring certificate must be renewed by then, not
// before). The zero time, when the working-day calendar has no data, means
// no deadline (logged); such a case is never escalated.
func (c *Compliance) dueFor(ctx context.Context, category beian.CaseCategory, now time.Time, until beian.Date) time.Time {
	from := now
	if !until.IsZero() {
		if t := until.Time(beian.ChinaTime); t.After(now) {
			from = t
		}
	}
	return c.w.workdaysAfter(ctx, from, c.cfg.Deadlines[category])
}

// end closes an open case: fixed (fix) or cancelled (the service or our
// access is gone), with the closing notice for a fix.
func end(ctx context.Context, tx beian.Tx, k *beian.Case, resolution beian.CaseResolution, actor string, data map[string]any) error {
	if !k.State.Open() {
		return nil
	}
	if err := k.Apply(beian.CaseEventFix, tx.Now()); err != nil {
		return err
	}
	k.Resolution = resolution
	if err := tx.UpdateCase(ctx, k); err != nil {
		return err
	}
	if data == nil {
		data = map[string]any{}
	}
	data["resolution"] = resolution
	if err := caseAudit(ctx, tx, actor, "case.fix", k, data); err != nil {
		return err
	}
	if resolution == beian.ResolutionFixed && !k.NotifiedAt.IsZero() {
		return notice(ctx, tx, k, beian.NoticeClosed)
	}
	return nil
}

func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}
