package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// This file is what happens as deadlines approach and pass: the reminder,
// and escalation to 取消接入 on the customer's behalf.

// escalationReason is the cancellation reason (注销原因) of an escalation's
// order; the mapping sends it as 其他 with this note.
const escalationReason = "整改逾期未完成，接入商依规取消接入"

// RunDeadlines is the periodic deadline pass: open cases due within the
// reminder window get their reminder; overdue cases are escalated, or held
// with the reason (never notified, re-check pending, order in progress).
// Each case is handled in its own transaction, so one failure does not
// stop the others; the first error is returned for the job to retry.
func (c *Compliance) RunDeadlines(ctx context.Context) error {
	now := c.w.clock.Now()
	horizon := c.w.workdaysAfter(ctx, now, c.cfg.ReminderWorkdays)
	if horizon.IsZero() {
		horizon = now
	}
	var ids []string
	err := c.w.store.View(ctx, func(tx beian.Tx) error {
		for off := 0; ; off += 500 {
			cs, _, err := tx.FindCases(ctx, beian.CaseFilter{States: beian.OpenCaseStates, DueBefore: horizon.Add(time.Nanosecond),
				Offset: off, Limit: 500})
			if err != nil {
				return err
			}
			for _, k := range cs {
				ids = append(ids, k.ID)
			}
			if len(cs) < 500 {
				return nil
			}
		}
	})
	if err != nil {
		return err
	}
	var first error
	for _, id := range ids {
		escalate := false
		err := c.w.store.Update(ctx, func(tx beian.Tx) error {
			escalate = false
			k, err := tx.FindCase(ctx, id)
			if err != nil || !k.State.Open() || k.DueAt.IsZero() {
				return err
			}
			now := tx.Now()
			if now.After(k.DueAt) {
				escalate, err = c.overdue(ctx, tx, k)
				return err
			}
			if !k.RemindedAt.IsZero() || (k.State != beian.CaseNotified && k.State != beian.CaseExtended) {
				return nil
			}
			k.RemindedAt = now
			if err := tx.UpdateCase(ctx, k); err != nil {
				return err
			}
			if err := caseAudit(ctx, tx, ActorCompliance, "case.remind", k, map[string]any{"due": k.DueAt}); err != nil {
				return err
			}
			return notice(ctx, tx, k, beian.NoticeReminder)
		})
		if err != nil {
			c.log.WarnContext(ctx, "deadline pass failed for a case", "case", id, "err", err)
			if first == nil {
				first = err
			}
			continue
		}
		if escalate {
			c.log.InfoContext(ctx, "case escalated", "case", id)
		}
	}
	return first
}

// hold records why an overdue case waits, once per reason.
func hold(ctx context.Context, tx beian.Tx, k *beian.Case, reason string) error {
	if k.Hold == reason {
		return nil
	}
	k.Hold = reason
	if err := tx.UpdateCase(ctx, k); err != nil {
		return err
	}
	return caseAudit(ctx, tx, ActorCompliance, "case.hold", k, map[string]any{"reason": reason})
}

// overdue escalates an overdue case unless something holds it; it reports
// whether it escalated.
func (c *Compliance) overdue(ctx context.Context, tx beian.Tx, k *beian.Case) (bool, error) {
	switch k.State {
	case beian.CaseOpened:
		return false, hold(ctx, tx, k, "case.hold.not_notified")
	case beian.CaseRechecking:
		return false, hold(ctx, tx, k, "case.hold.rechecking")
	}
	return escalateCase(ctx, tx, k, ActorCompliance, "")
}

// escalateCase moves a case to escalated and queues its 取消接入, unless an
// order of the customer's is in progress on the subject (the customer may
// be fixing it; the case waits for the order), or there is no access here
// left to cancel (the case is closed as cancelled). It reports whether it
// escalated.
func escalateCase(ctx context.Context, tx beian.Tx, k *beian.Case, actor, note string) (bool, error) {
	var services []string
	if k.Level != beian.LevelAccount {
		rec, err := notFoundIsNil(tx.FindRecord(ctx, k.SubjectID))
		if err != nil {
			return false, err
		}
		if rec != nil {
			busy, err := recordOrdersInProgress(ctx, tx, rec)
			if err != nil {
				return false, err
			}
			if len(busy) > 0 {
				return false, hold(ctx, tx, k, "case.hold.order")
			}
			services = cancelTargets(rec, k)
		}
		if len(services) == 0 {
			return false, end(ctx, tx, k, beian.ResolutionCancelled, actor, map[string]any{"reason": "no_access"})
		}
	}
	if err := k.Apply(beian.CaseEventEscalate, tx.Now()); err != nil {
		return false, err
	}
	if err := tx.UpdateCase(ctx, k); err != nil {
		return false, err
	}
	if err := caseAudit(ctx, tx, actor, "case.escalate", k, map[string]any{"services": services, "by_officer": note != ""}); err != nil {
		return false, err
	}
	if err := notice(ctx, tx, k, beian.NoticeEscalated); err != nil {
		return false, err
	}
	if len(services) == 0 {
		// An unfiled site has no access record to cancel: the officer stops
		// it and reports the handling (WBACLJG).
		return true, nil
	}
	return true, enqueue(ctx, tx, JobComplianceEscalate, k.ID, CaseJobArgs{CaseID: k.ID}, time.Time{})
}

// cancelTargets are the services whose access here an escalation cancels:
// the case's service, or for a subject's case all its services with an
// access here.
func cancelTargets(rec *beian.Record, k *beian.Case) []string {
	var out []string
	for i := range rec.Services {
		s := &rec.Services[i]
		if s.Status == beian.RecordCancelled || accessHere(s) == nil {
			continue
		}
		if k.Level == beian.LevelService && s.ID != k.ServiceID {
			continue
		}
		out = append(out, s.ID)
	}
	return out
}

// Escalate does the 取消接入 of an escalated case: it creates the order on
// the customer's behalf, passes it (the case is the review), and submits it
// to the bureau through the exchange; the bureau's approval cancels the
// access in the records. Run again, it picks up where it stopped: an order
// waiting for submission is submitted. An order of the customer's in
// progress makes it fail, so the job retries later; a bureau that cannot
// take the order (no connection, data it refuses) leaves it in the
// console's bureau queue with the case held.
func (c *Compliance) Escalate(ctx context.Context, caseID string) error {
	var orderID string
	err := c.w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := tx.FindCase(ctx, caseID)
		if err != nil {
			return err
		}
		if k.State != beian.CaseEscalated {
			return nil
		}
		if k.OrderID != "" {
			orderID = k.OrderID
			return nil
		}
		rec, err := tx.FindRecord(ctx, k.SubjectID)
		if err != nil {
			return err
		}
		services := cancelTargets(rec, k)
		if len(services) == 0 {
			return hold(ctx, tx, k, "case.hold.no_access")
		}
		if busy, err := recordOrdersInProgress(ctx, tx, rec); err != nil {
			return err
		} else if len(busy) > 0 {
			if err := hold(ctx, tx, k, "case.hold.order"); err != nil {
				return err
			}
			return beian.Errorf(beian.ECONFLICT, "case.hold.order")
		}
		o, err := c.cancelAccessOrder(ctx, tx, rec, services, k)
		if err != nil {
			return err
		}
		orderID, k.OrderID, k.Hold = o.ID, o.ID, "case.hold.bureau"
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		return caseAudit(ctx, tx, ActorCompliance, "case.order", k, map[string]any{"order": o.ID, "services": services})
	})
	if beian.ErrorCode(err) == beian.ECONFLICT {
		// The customer's order must finish first; the queue retries.
		return err
	}
	if err != nil || orderID == "" {
		return err
	}
	return c.submitEscalation(ctx, caseID, orderID)
}

// cancelAccessOrder creates the 取消接入 order of an escalation in tx, as a
// compliance officer would on the customer's behalf, and takes it through
// submission and the provider's review: the case is the review's basis.
func (c *Compliance) cancelAccessOrder(ctx context.Context, tx beian.Tx, rec *beian.Record, services []string, k *beian.Case) (*beian.Order, error) {
	snap := beian.Snapshot{Version: beian.SnapshotVersion, Subject: rec.Subject.Subject, CancelReason: escalationReason}
	for _, id := range services {
		svc := serviceOf(rec, id)
		if svc == nil {
			continue
		}
		addRecordService(&snap, svc)
	}
	o, err := c.w.createOrderTx(ctx, tx, complianceActor, CreateOrderInput{AccountID: rec.Subject.AccountID, Type: beian.CancelAccess,
		Province: rec.Subject.Subject.Province, Snapshot: snap, RecordSubjectID: rec.Subject.ID, ServiceIDs: services})
	if err != nil {
		return nil, err
	}
	s := &rec.Subject.Subject
	if err := tx.CreateOrderBasis(ctx, &beian.OrderBasis{OrderID: o.ID, AccountID: rec.Subject.AccountID, Province: s.Province, Nature: s.Nature,
		SubjectName: s.Name, CertificateType: s.CertificateType, CertificateNumber: s.CertificateNumber}); err != nil {
		return nil, err
	}
	now := tx.Now()
	for _, ev := range []beian.OrderEvent{beian.EventSubmit, beian.EventReviewPass} {
		from := o.State
		if err := o.Apply(ev, now); err != nil {
			return nil, err
		}
		if err := audit(ctx, tx, ActorCompliance, "order."+string(ev), "order", o.ID, map[string]any{"from": from, "to": o.State, "case": k.ID}); err != nil {
			return nil, err
		}
	}
	o.Review = &beian.Review{Event: beian.EventReviewPass, By: ActorCompliance, At: now,
		Opinion: "整改单逾期未整改，依规取消接入（整改单 " + shortID(k.ID) + "）"}
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// submitEscalation submits an escalation's order to the bureau, when the
// order still waits for it, and clears the case's hold.
func (c *Compliance) submitEscalation(ctx context.Context, caseID, orderID string) error {
	var o *beian.Order
	if err := c.w.store.View(ctx, func(tx beian.Tx) (err error) { o, err = tx.FindOrder(ctx, orderID); return }); err != nil {
		return err
	}
	if o.State == beian.AwaitingBureauSubmission {
		if c.cfg.Exchange == nil {
			c.log.WarnContext(ctx, "no bureau exchange: the escalation's order waits in the bureau queue", "case", caseID, "order", orderID)
			return nil
		}
		if _, err := c.cfg.Exchange.submitOne(ctx, complianceActor, orderID); err != nil {
			switch beian.ErrorCode(err) {
			case beian.EUNAVAILABLE, beian.EINTERNAL:
				return err
			}
			// The bureau cannot take it as it is: staff see the order in the
			// bureau queue and the case's hold.
			c.log.WarnContext(ctx, "escalation order not submitted; left for staff", "case", caseID, "order", orderID, "err", err)
			return nil
		}
	}
	return c.w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := tx.FindCase(ctx, caseID)
		if err != nil || k.Hold == "" {
			return err
		}
		k.Hold = ""
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		return caseAudit(ctx, tx, ActorCompliance, "case.submitted", k, map[string]any{"order": orderID})
	})
}

// serviceOf returns the record's service with id, or nil.
func serviceOf(rec *beian.Record, id string) *beian.RecordService {
	if rec == nil {
		return nil
	}
	for i := range rec.Services {
		if rec.Services[i].ID == id {
			return &rec.Services[i]
		}
	}
	return nil
}

// shortID is the last eight characters of an ID, as pages and messages
// show references.
func shortID(id string) string {
	clean := strings.ReplaceAll(id, "-", "")
	if len(clean) > 8 {
		clean = clean[len(clean)-8:]
	}
	return strings.ToUpper(clean)
}
