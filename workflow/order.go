package workflow

import (
	"context"
	"strconv"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"order.not_editable":     {ZH: "订单当前状态为「{state}」，不能修改。", EN: "The order is {state_en}; it cannot be edited."},
		"order.precheck.blocked": {ZH: "智能预检发现 {count} 个必须修改的问题，请按提示修改后再提交。", EN: "The pre-check found {count} problem(s) that must be fixed before submission."},
		"order.subject_busy":     {ZH: "此证件存在进行中的订单，请先完成或放弃该订单。", EN: "This certificate already has an order in progress; finish or abandon it first."},
		"order.account_bound":    {ZH: "该证件已在其他账号下备案，请在原账号中操作或办理转移备案。", EN: "This certificate is filed under another account; continue there or transfer the filing."},
		"order.province":         {ZH: "请选择备案省份。", EN: "Choose the filing province."},
		"order.version.required": {ZH: "请刷新页面后重新保存。", EN: "Reload the page and save again."},
	})
}

// CreateOrderInput starts an order.
type CreateOrderInput struct {
	AccountID       string
	Type            beian.OrderType
	Province        string
	Snapshot        beian.Snapshot
	RecordSubjectID string
	ServiceIDs      []string
}

// CreateOrder creates a draft order. Customers create for their own
// account; compliance officers and admins may create on a customer's
// behalf. Errors: EFORBIDDEN, EINVALID (unknown type or province).
func (w *Workflow) CreateOrder(ctx context.Context, u *beian.User, in CreateOrderInput) (*beian.Order, error) {
	if in.AccountID == "" && u != nil {
		in.AccountID = u.AccountID
	}
	if !canCreateFor(u, in.AccountID) {
		return nil, errForbidden()
	}
	if !in.Type.Valid() {
		return nil, beian.Invalid("type", "order.type.unknown", "type", string(in.Type))
	}
	if _, ok := beian.ProvinceByCode(in.Province); !ok || len(in.Province) != 2 {
		return nil, beian.Invalid("province", "order.province")
	}
	o := &beian.Order{
		AccountID: in.AccountID, CreatedBy: u.ID, Type: in.Type, State: beian.Draft, Province: in.Province,
		Snapshot: in.Snapshot, RecordSubjectID: in.RecordSubjectID, ServiceIDs: in.ServiceIDs,
	}
	o.Snapshot.Version = beian.SnapshotVersion
	o.Snapshot.Subject.Province = in.Province
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		o.CreatedAt, o.UpdatedAt, o.StateChangedAt = now, now, now
		if in.RecordSubjectID != "" {
			rec, err := tx.FindRecord(ctx, in.RecordSubjectID)
			if err != nil {
				return err
			}
			if rec.Subject.AccountID != in.AccountID {
				return errNotFound()
			}
		}
		if err := tx.CreateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.create", "order", o.ID, map[string]any{"type": o.Type, "province": o.Province})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Order returns the order if u may see it; ENOTFOUND otherwise.
func (w *Workflow) Order(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	var o *beian.Order
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		o, err = tx.FindOrder(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !canSeeOrder(u, o, accessRead) {
		return nil, errNotFound()
	}
	return o, nil
}

// Orders lists the orders u may see that match f; f's account and creator
// are narrowed to u's scope.
func (w *Workflow) Orders(ctx context.Context, u *beian.User, f beian.OrderFilter) ([]*beian.Order, int, error) {
	switch {
	case u == nil || u.Disabled:
		return nil, 0, errForbidden()
	case u.Role == beian.RoleCustomer:
		f.AccountID = u.AccountID
	case u.Role == beian.RoleSubUser:
		if !u.Has(beian.PolicyBeianReadOnly) && !u.Has(beian.PolicyBeianAdministrator) {
			return nil, 0, errForbidden()
		}
		f.AccountID, f.CreatedBy = u.AccountID, u.ID
	case !u.Role.IsStaff():
		return nil, 0, errForbidden()
	}
	var out []*beian.Order
	var total int
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		out, total, err = tx.FindOrders(ctx, f)
		return err
	})
	return out, total, err
}

// Precheck runs the rule catalogue on an order's current data: the fast
// draft mode on every save, the full mode before submission.
func (w *Workflow) Precheck(ctx context.Context, o *beian.Order, mode rules.Mode) rules.Result {
	facts := w.checkFacts(ctx)
	res := w.rules.Check(ctx, rules.Input{Order: o, CheckDate: beian.DateOf(w.clock.Now()), Mode: mode, Facts: facts, Overrides: w.over})
	for _, fe := range res.FactErrors {
		w.log.WarnContext(ctx, "pre-check fact failed", "rule", fe.Rule, "fact", string(fe.Fact), "err", fe.Err)
	}
	return res
}

// SaveDraft replaces the order's data with snap, if the order is editable
// and version is the one the customer edited (two tabs cannot overwrite
// each other), and returns the draft pre-check. The findings are advice:
// saving always succeeds. Errors: ENOTFOUND, ECONFLICT (not editable or
// stale version).
func (w *Workflow) SaveDraft(ctx context.Context, u *beian.User, id string, version int, snap beian.Snapshot) (*beian.Order, rules.Result, error) {
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = w.loadForCustomer(ctx, tx, u, id); err != nil {
			return err
		}
		if !o.State.Editable() {
			return notEditable(o)
		}
		if version != o.Version {
			return beian.Errorf(beian.ECONFLICT, "order.version.stale")
		}
		snap.Version = beian.SnapshotVersion
		snap.Subject.Province = o.Province
		snap.Materials = mergeMaterials(o.Snapshot.Materials, snap.Materials)
		o.Snapshot = snap
		o.UpdatedAt = tx.Now()
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.save", "order", o.ID, map[string]any{"version": o.Version})
	})
	if err != nil {
		return nil, rules.Result{}, err
	}
	return o, w.Precheck(ctx, o, rules.ModeDraft), nil
}

// mergeMaterials keeps uploaded materials when a form save does not carry
// them (uploads are their own action).
func mergeMaterials(old, new []beian.Material) []beian.Material {
	if new == nil {
		return old
	}
	return new
}

func notEditable(o *beian.Order) error {
	t := o.State.Text()
	return beian.Errorf(beian.ECONFLICT, "order.not_editable", "state", t.ZH, "state_en", t.EN)
}

// loadForCustomer loads an order in tx for a write by its customer.
func (w *Workflow) loadForCustomer(ctx context.Context, tx beian.Tx, u *beian.User, id string) (*beian.Order, error) {
	o, err := tx.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeOrder(u, o, accessWrite) {
		if canSeeOrder(u, o, accessRead) {
			return nil, errForbidden()
		}
		return nil, errNotFound()
	}
	return o, nil
}

// PrecheckBlockedError is returned by Submit when blocking findings stop
// the submission; it carries the result so pages can show every finding.
type PrecheckBlockedError struct {
	Err    *beian.Error
	Result rules.Result
}

func (e *PrecheckBlockedError) Error() string { return e.Err.Error() }

// Unwrap lets beian.ErrorCode and beian.ErrorMessage see the coded error.
func (e *PrecheckBlockedError) Unwrap() error { return e.Err }

// Submit sends the order to preliminary review (from a draft, after a
// modification request, a rejection or a return). It runs the full
// pre-check first; blocking findings stop it with *PrecheckBlockedError.
// key is the submission's idempotency key: a repeated submit with the key
// of the submission that already went through returns the order unchanged.
func (w *Workflow) Submit(ctx context.Context, u *beian.User, id, key string) (*beian.Order, rules.Result, error) {
	o, err := w.Order(ctx, u, id)
	if err != nil {
		return nil, rules.Result{}, err
	}
	if !canSeeOrder(u, o, accessWrite) {
		return nil, rules.Result{}, errForbidden()
	}
	if key != "" && o.SubmissionKey == key && !o.State.Editable() {
		return o, rules.Result{}, nil // the same click, delivered twice
	}
	if !o.State.Editable() {
		return nil, rules.Result{}, notEditable(o)
	}
	// The full pre-check may consult remote facts (DNS, RDAP), so it runs
	// outside the write transaction; the invariants that concurrent orders
	// could break are checked again inside it.
	res := w.Precheck(ctx, o, rules.ModeSubmit)
	if res.Blocking() {
		n := res.Count(rules.Blocking)
		return nil, res, &PrecheckBlockedError{Err: beian.Errorf(beian.EINVALID, "order.precheck.blocked", "count", strconv.Itoa(n)), Result: res}
	}
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		o, err = w.loadForCustomer(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if key != "" && o.SubmissionKey == key && !o.State.Editable() {
			return nil
		}
		if err := w.guardSubject(ctx, tx, o); err != nil {
			return err
		}
		from := o.State
		ev := beian.EventSubmit
		if from != beian.Draft {
			ev = beian.EventResubmit
		}
		if err := o.Apply(ev, tx.Now()); err != nil {
			return err
		}
		o.SubmissionKey = key
		o.DueAt = w.workdaysAfter(ctx, tx.Now(), w.sla.Review)
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "order."+string(ev), "order", o.ID, map[string]any{
			"from": from, "to": o.State, "warnings": res.Count(rules.Warning), "attention": res.Count(rules.ReviewerAttention)}); err != nil {
			return err
		}
		return notifyOrder(ctx, tx, o, ev)
	})
	if e, ok := beian.AsError(err); ok && e.Key == "order.version.stale" && key != "" {
		// Two deliveries of the same click raced (PostgreSQL lets both read
		// the draft); if the winner carried this key, this one succeeded too.
		if cur, rerr := w.Order(ctx, u, id); rerr == nil && cur.SubmissionKey == key && !cur.State.Editable() {
			return cur, res, nil
		}
	}
	if err != nil {
		return nil, res, err
	}
	return o, res, nil
}

// guardSubject enforces, inside the write transaction, the rules two
// concurrent submissions could otherwise both pass: one order in progress
// per subject, one subject per account.
func (w *Workflow) guardSubject(ctx context.Context, tx beian.Tx, o *beian.Order) error {
	cert := o.Snapshot.Subject.CertificateNumber
	if cert == "" {
		return nil // the pre-check already blocked an empty certificate
	}
	busy, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: cert, States: inProgressStates(), Limit: 5})
	if err != nil {
		return err
	}
	for _, other := range busy {
		if other.ID != o.ID {
			return beian.Errorf(beian.ECONFLICT, "order.subject_busy").WithRule("ORDER-SUBJECT-IN-PROGRESS")
		}
	}
	acct, err := tx.FindAccountBySubjectCertificate(ctx, cert)
	switch {
	case err == nil && acct.ID != o.AccountID && o.Type == beian.Migrate:
		// A migration proposes the subject the website moves to, filed
		// under the target account (spec §3 row 10), which its basis names.
		b, err := tx.FindOrderBasis(ctx, o.ID)
		if err != nil && beian.ErrorCode(err) != beian.ENOTFOUND {
			return err
		}
		if b == nil || b.TargetAccountID != acct.ID {
			return beian.Errorf(beian.ECONFLICT, "order.account_bound").WithRule("ACCOUNT-SUBJECT-BINDING")
		}
	case err == nil && acct.ID != o.AccountID:
		return beian.Errorf(beian.ECONFLICT, "order.account_bound").WithRule("ACCOUNT-SUBJECT-BINDING")
	case err != nil && beian.ErrorCode(err) != beian.ENOTFOUND:
		return err
	}
	return nil
}

func inProgressStates() []beian.OrderState {
	var out []beian.OrderState
	for _, s := range beian.OrderStates {
		if s.InProgress() {
			out = append(out, s)
		}
	}
	return out
}

// Withdraw pulls an order in provider review back to draft for editing
// (撤销备案). Cancellation orders cannot be withdrawn.
func (w *Workflow) Withdraw(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	return w.customerEvent(ctx, u, id, beian.EventWithdraw, nil)
}

// Abandon closes an order for good (放弃备案); it moves to the history.
func (w *Workflow) Abandon(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	return w.customerEvent(ctx, u, id, beian.EventAbandon, nil)
}

// ConfirmCancellation records the customer's confirmation that a subject
// cancellation, passed by the reviewer, may go to the bureau.
func (w *Workflow) ConfirmCancellation(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = w.loadForCustomer(ctx, tx, u, id); err != nil {
			return err
		}
		if o.Type != beian.CancelSubject || o.State != beian.AwaitingBureauSubmission {
			return beian.Errorf(beian.ECONFLICT, "order.transition.illegal", "state", o.State.Text().ZH, "state_en", o.State.Text().EN,
				"event", "确认注销", "event_en", "confirmed")
		}
		if o.CancellationConfirmed {
			return nil
		}
		o.CancellationConfirmed = true
		o.UpdatedAt = tx.Now()
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.confirm_cancellation", "order", o.ID, nil)
	})
	return o, err
}

func (w *Workflow) customerEvent(ctx context.Context, u *beian.User, id string, ev beian.OrderEvent, data map[string]any) (*beian.Order, error) {
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = w.loadForCustomer(ctx, tx, u, id); err != nil {
			return err
		}
		from := o.State
		if err := o.Apply(ev, tx.Now()); err != nil {
			return err
		}
		o.ClaimedBy, o.ClaimedAt = "", time.Time{}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		d := map[string]any{"from": from, "to": o.State}
		for k, v := range data {
			d[k] = v
		}
		if err := audit(ctx, tx, u.ID, "order."+string(ev), "order", o.ID, d); err != nil {
			return err
		}
		return notifyOrder(ctx, tx, o, ev)
	})
	return o, err
}

// workdaysAfter returns the deadline n working days after t, or the zero
// time (no countdown shown) when the calendar has no data for the period —
// an outdated holiday table must not stop filings; it is logged for the
// operator to update.
func (w *Workflow) workdaysAfter(ctx context.Context, t time.Time, n int) time.Time {
	d, err := w.cal.AddWorkdays(t, n)
	if err != nil {
		w.log.ErrorContext(ctx, "working-day calendar cannot compute a deadline; update the holiday data", "err", err)
		return time.Time{}
	}
	return d.UTC()
}

// notifyOrder enqueues the notification of an order event; the notify
// handler decides recipients and channels from the order (spec §11).
func notifyOrder(ctx context.Context, tx beian.Tx, o *beian.Order, ev beian.OrderEvent) error {
	return enqueue(ctx, tx, JobNotifyOrder, "", NotifyOrderArgs{OrderID: o.ID, Event: ev, State: o.State, Version: o.Version}, time.Time{})
}

// JobNotifyOrder is the job kind that tells people about an order event.
const JobNotifyOrder = "notify.order"

// NotifyOrderArgs is the payload of JobNotifyOrder.
type NotifyOrderArgs struct {
	OrderID string           `json:"order_id"`
	Event   beian.OrderEvent `json:"event"`
	State   beian.OrderState `json:"state"`
	// Version is the order's version after the event, so a retried job
	// recognises the notifications it already wrote.
	Version int `json:"version"`
}
