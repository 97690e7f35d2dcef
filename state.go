package beian

import "time"

// OrderState is where an order stands (spec §4.6).
type OrderState string

// The order states.
const (
	Draft                    OrderState = "draft"                      // 待完善备案信息
	AwaitingPrelim           OrderState = "awaiting_prelim"            // 等待初审
	NeedsModification        OrderState = "needs_modification"         // 接入商审核为待修改
	ModifiedAwaitingReview   OrderState = "modified_awaiting_review"   // 已修改待审核
	PrelimRejected           OrderState = "prelim_rejected"            // 初审驳回
	AwaitingBureauSubmission OrderState = "awaiting_bureau_submission" // 待提交管局
	SMSPending               OrderState = "sms_pending"                // 短信核验中
	BureauReview             OrderState = "bureau_review"              // 管局审核中
	BureauRejected           OrderState = "bureau_rejected"            // 管局驳回
	Returned                 OrderState = "returned"                   // 已退回 (SMS timeout, 6th wrong code, domain check)
	Filed                    OrderState = "filed"                      // 已备案
	Abandoned                OrderState = "abandoned"                  // 已放弃 (历史备案订单)
)

// OrderStates lists every state in lifecycle order.
var OrderStates = []OrderState{
	Draft, AwaitingPrelim, NeedsModification, ModifiedAwaitingReview, PrelimRejected,
	AwaitingBureauSubmission, SMSPending, BureauReview, BureauRejected, Returned, Filed, Abandoned,
}

var stateText = map[OrderState]Text{
	Draft:                    {"待完善备案信息", "Draft"},
	AwaitingPrelim:           {"等待初审", "Awaiting preliminary review"},
	NeedsModification:        {"接入商审核为待修改", "Needs modification"},
	ModifiedAwaitingReview:   {"已修改待审核", "Modified, awaiting review"},
	PrelimRejected:           {"初审驳回", "Rejected in preliminary review"},
	AwaitingBureauSubmission: {"待提交管局", "Awaiting submission to the bureau"},
	SMSPending:               {"短信核验中", "Awaiting SMS verification"},
	BureauReview:             {"管局审核中", "Under bureau review"},
	BureauRejected:           {"管局驳回", "Rejected by the bureau"},
	Returned:                 {"已退回", "Returned"},
	Filed:                    {"已备案", "Filed"},
	Abandoned:                {"已放弃", "Abandoned"},
}

// Text returns the state's name in both languages.
func (s OrderState) Text() Text {
	if t, ok := stateText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// Valid reports whether s is a known state.
func (s OrderState) Valid() bool { _, ok := stateText[s]; return ok }

// Editable reports whether the customer may edit the order's data in s.
// Returned is treated as editable (spec §4.6).
func (s OrderState) Editable() bool {
	switch s {
	case Draft, NeedsModification, PrelimRejected, BureauRejected, Returned:
		return true
	}
	return false
}

// Terminal reports whether no event leaves s.
func (s OrderState) Terminal() bool { return s == Filed || s == Abandoned }

// InProgress reports whether an order in s blocks other orders of the same
// subject (one in-progress order per subject, spec §3).
func (s OrderState) InProgress() bool { return s.Valid() && !s.Terminal() }

// OrderEvent is something that happens to an order.
type OrderEvent string

// The order events. Who may cause each is the workflow's business; the state
// machine only says where it leads.
const (
	EventSubmit           OrderEvent = "submit"            // customer submits to 初审
	EventWithdraw         OrderEvent = "withdraw"          // customer pulls the order back to edit (撤销)
	EventReviewSupplement OrderEvent = "review_supplement" // reviewer asks for changes (待修改)
	EventResubmit         OrderEvent = "resubmit"          // customer resubmits after changes, rejection or return
	EventReviewPass       OrderEvent = "review_pass"       // reviewer passes 初审
	EventReviewReject     OrderEvent = "review_reject"     // reviewer rejects (初审驳回)
	EventBureauSubmit     OrderEvent = "bureau_submit"     // specialist submits to the bureau
	EventSMSVerified      OrderEvent = "sms_verified"      // all MIIT SMS codes verified
	EventBureauReturn     OrderEvent = "bureau_return"     // SMS timeout, 6th wrong code or domain check failure
	EventBureauApprove    OrderEvent = "bureau_approve"    // 管局审核通过
	EventBureauReject     OrderEvent = "bureau_reject"     // 管局驳回
	EventAbandon          OrderEvent = "abandon"           // customer abandons (放弃)
)

// OrderEvents lists every event.
var OrderEvents = []OrderEvent{
	EventSubmit, EventWithdraw, EventReviewSupplement, EventResubmit, EventReviewPass,
	EventReviewReject, EventBureauSubmit, EventSMSVerified, EventBureauReturn,
	EventBureauApprove, EventBureauReject, EventAbandon,
}

var eventText = map[OrderEvent]Text{
	EventSubmit:           {"提交初审", "submitted"},
	EventWithdraw:         {"撤销备案", "withdrawn"},
	EventReviewSupplement: {"审核为待修改", "sent back for changes"},
	EventResubmit:         {"重新提交", "resubmitted"},
	EventReviewPass:       {"初审通过", "passed"},
	EventReviewReject:     {"初审驳回", "rejected"},
	EventBureauSubmit:     {"提交管局", "submitted to the bureau"},
	EventSMSVerified:      {"短信核验通过", "SMS-verified"},
	EventBureauReturn:     {"管局退回", "returned by the bureau"},
	EventBureauApprove:    {"管局审核通过", "approved by the bureau"},
	EventBureauReject:     {"管局驳回", "rejected by the bureau"},
	EventAbandon:          {"放弃备案", "abandoned"},
}

// Text returns the event's name in both languages.
func (e OrderEvent) Text() Text {
	if t, ok := eventText[e]; ok {
		return t
	}
	return Text{string(e), string(e)}
}

type stateEvent struct {
	from OrderState
	ev   OrderEvent
}

// transitions is the table of spec §4.6 for orders that go through review,
// SMS and the bureau. Type-specific differences are applied in Transition.
var transitions = map[stateEvent]OrderState{
	{Draft, EventSubmit}:                          AwaitingPrelim,
	{AwaitingPrelim, EventWithdraw}:               Draft,
	{AwaitingPrelim, EventReviewSupplement}:       NeedsModification,
	{AwaitingPrelim, EventReviewPass}:             AwaitingBureauSubmission,
	{AwaitingPrelim, EventReviewReject}:           PrelimRejected,
	{NeedsModification, EventResubmit}:            ModifiedAwaitingReview,
	{ModifiedAwaitingReview, EventWithdraw}:       Draft,
	{ModifiedAwaitingReview, EventReviewPass}:     AwaitingBureauSubmission,
	{ModifiedAwaitingReview, EventReviewReject}:   PrelimRejected,
	{PrelimRejected, EventResubmit}:               AwaitingPrelim,
	{AwaitingBureauSubmission, EventWithdraw}:     Draft,
	{AwaitingBureauSubmission, EventBureauSubmit}: SMSPending,
	{SMSPending, EventSMSVerified}:                BureauReview,
	{SMSPending, EventBureauReturn}:               Returned,
	{BureauReview, EventBureauApprove}:            Filed,
	{BureauReview, EventBureauReject}:             BureauRejected,
	{BureauRejected, EventResubmit}:               AwaitingPrelim,
	{Returned, EventResubmit}:                     AwaitingPrelim,
	{Draft, EventAbandon}:                         Abandoned,
	{AwaitingPrelim, EventAbandon}:                Abandoned,
	{NeedsModification, EventAbandon}:             Abandoned,
	{ModifiedAwaitingReview, EventAbandon}:        Abandoned,
	{PrelimRejected, EventAbandon}:                Abandoned,
	{AwaitingBureauSubmission, EventAbandon}:      Abandoned,
	{BureauRejected, EventAbandon}:                Abandoned,
	// Returned is editable like the rejected states, so it may be abandoned
	// too; the spec's abandon list predates the Returned state.
	{Returned, EventAbandon}: Abandoned,
}

// Transition returns the state an order of type t in state from moves to on
// ev. Illegal pairs return an ECONFLICT error with key
// order.transition.illegal (or a more specific key). Type differences:
// cancellation orders cannot be withdrawn; 取消接入 skips SMS verification;
// transfers and claims never reach the bureau — their review pass (the
// target account's approval, or staff review) files them directly.
func Transition(t OrderType, from OrderState, ev OrderEvent) (OrderState, error) {
	if !t.Valid() {
		return "", Errorf(EINVALID, "order.type.unknown", "type", string(t))
	}
	if !from.Valid() {
		return "", Errorf(EINVALID, "order.state.unknown", "state", string(from))
	}
	to, ok := transitions[stateEvent{from, ev}]
	if !ok {
		return "", illegal(from, ev)
	}
	switch {
	case ev == EventWithdraw && t.IsCancellation():
		return "", illegalKey("order.transition.cancel_no_withdraw", from, ev)
	case !t.GoesToBureau() && ev == EventReviewPass:
		to = Filed
	case !t.GoesToBureau() && (ev == EventBureauSubmit || from == SMSPending || from == BureauReview):
		return "", illegalKey("order.transition.no_bureau", from, ev)
	case t == CancelAccess && ev == EventBureauSubmit:
		to = BureauReview
	}
	return to, nil
}

func illegal(from OrderState, ev OrderEvent) *Error {
	return illegalKey("order.transition.illegal", from, ev)
}

func illegalKey(key string, from OrderState, ev OrderEvent) *Error {
	st, et := from.Text(), ev.Text()
	return Errorf(ECONFLICT, key, "state", st.ZH, "state_en", st.EN, "event", et.ZH, "event_en", et.EN)
}

// Apply moves the order along ev at time now. It enforces the guards the
// table cannot express: a subject cancellation needs the customer's
// confirmation before it goes to the bureau. The caller persists the order
// with its audit event in one transaction.
func (o *Order) Apply(ev OrderEvent, now time.Time) error {
	to, err := Transition(o.Type, o.State, ev)
	if err != nil {
		return err
	}
	if ev == EventBureauSubmit && o.Type == CancelSubject && !o.CancellationConfirmed {
		return illegalKey("order.transition.needs_confirmation", o.State, ev)
	}
	o.State = to
	o.StateChangedAt = now
	o.UpdatedAt = now
	o.DueAt = time.Time{}
	return nil
}
