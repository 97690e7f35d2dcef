package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"api.if_match": {ZH: "If-Match 应为订单的版本号（GET 订单时返回的 ETag），例如 \"3\"。", EN: "If-Match must be the order's version (the ETag of GET /orders/{id}), e.g. \"3\"."},
	})
}

func apiNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// apiText is a text for people in both languages.
type apiText = beian.Text

// apiMark is a field a reviewer (or the bureau) marked, with what is wrong
// and what to do.
type apiMark struct {
	Field      string  `json:"field" doc:"Path of the marked field, as in pre-check findings." example:"materials.subject_certificate"`
	FieldLabel apiText `json:"field_label" doc:"The field's name for people."`
	RuleID     string  `json:"rule_id,omitempty" doc:"A rejection reason (R1–R28, GET /rejection-reasons) or a pre-check rule (GET /rules)." example:"R1"`
	Note       string  `json:"note,omitempty" doc:"The reviewer's own words."`
	Reason     apiText `json:"reason" doc:"What is wrong (驳回原因)."`
	Remedy     apiText `json:"remedy" doc:"What to do (修改措施)."`
}

// apiReview is a decision on an order.
type apiReview struct {
	Event beian.OrderEvent `json:"event" enum:"review_supplement,review_pass,review_reject,bureau_approve,bureau_reject,bureau_return" doc:"The decision: review_pass, review_supplement (needs modification), review_reject; or the bureau's." example:"review_supplement"`
	// By is blank for customers unless the bureau decided: they deal with
	// the provider, not with one of its employees.
	By         string    `json:"by,omitempty" doc:"Who decided: a staff user ID (shown to staff only), or bureau." example:"bureau"`
	At         time.Time `json:"at" doc:"When."`
	Opinion    string    `json:"opinion,omitempty" doc:"The opinion (审核意见)." example:"营业执照照片模糊，请重新拍摄上传。"`
	Marks      []apiMark `json:"marks" doc:"The marked fields; a request for changes or a rejection has at least one."`
	BureauCode int       `json:"bureau_code,omitempty" doc:"MIIT's result code, for bureau decisions."`
}

// apiOrder is an order (备案订单) with its data.
type apiOrder struct {
	ID                    string           `json:"id" doc:"Order ID." example:"019374a2-5c1e-7d3f-9a40-6b2c8e1f0a11"`
	AccountID             string           `json:"account_id" doc:"The customer account the order belongs to."`
	CreatedBy             string           `json:"created_by" doc:"The user who created it; sub-users see only their own orders."`
	Type                  beian.OrderType  `json:"type" doc:"The filing type."`
	TypeName              apiText          `json:"type_name" doc:"The filing type's name."`
	State                 beian.OrderState `json:"state" doc:"Where the order stands."`
	StateName             apiText          `json:"state_name" doc:"The state's name."`
	Editable              bool             `json:"editable" doc:"Whether the customer may edit the data in this state."`
	Province              string           `json:"province" doc:"Filing province code." example:"11"`
	RecordSubjectID       string           `json:"record_subject_id,omitempty" doc:"The filed subject the order acts on (all types but a first filing)."`
	ServiceIDs            []string         `json:"service_ids,omitempty" doc:"The filed services a change, cancellation, new access or migration acts on."`
	CancellationConfirmed bool             `json:"cancellation_confirmed" doc:"For a subject cancellation: whether the customer confirmed it after the review passed."`
	Version               int              `json:"version" doc:"Increments on every change; send it back as If-Match when saving the draft." example:"3"`
	ClaimedBy             string           `json:"claimed_by,omitempty" doc:"The reviewer working on it (staff only)."`
	Review                *apiReview       `json:"review,omitempty" doc:"The latest review decision; GET /orders/{id}/reviews has them all."`
	CreatedAt             time.Time        `json:"created_at" doc:"When it was created."`
	UpdatedAt             time.Time        `json:"updated_at" doc:"When it last changed."`
	StateChangedAt        time.Time        `json:"state_changed_at" doc:"When it entered its state."`
	DueAt                 *time.Time       `json:"due_at,omitempty" doc:"Deadline of the current state (review SLA, SMS window), counted in China working days."`
	Snapshot              beian.Snapshot   `json:"snapshot" doc:"The order's data: the subject and the services it files, adds, changes or cancels, with the uploaded materials."`
}

// apiOrderSummary is an order in a list.
type apiOrderSummary struct {
	ID             string           `json:"id" doc:"Order ID."`
	AccountID      string           `json:"account_id" doc:"The customer account it belongs to."`
	Type           beian.OrderType  `json:"type" doc:"The filing type."`
	TypeName       apiText          `json:"type_name" doc:"The filing type's name."`
	State          beian.OrderState `json:"state" doc:"Where the order stands."`
	StateName      apiText          `json:"state_name" doc:"The state's name."`
	Province       string           `json:"province" doc:"Filing province code." example:"11"`
	SubjectName    string           `json:"subject_name" doc:"The subject's name as the order has it." example:"北京青云数据科技有限公司"`
	Version        int              `json:"version" doc:"The order's version (its ETag)."`
	CreatedAt      time.Time        `json:"created_at" doc:"When it was created."`
	StateChangedAt time.Time        `json:"state_changed_at" doc:"When it entered its state."`
	DueAt          *time.Time       `json:"due_at,omitempty" doc:"Deadline of the current state, if it has one."`
}

// apiFinding is one pre-check finding.
type apiFinding struct {
	Rule      string  `json:"rule" doc:"The catalogue rule (GET /rules)." example:"SITE-NAME-BANNED-WORD"`
	Field     string  `json:"field" doc:"Path of the offending field, e.g. websites[0].domains[1]; \"order\" for the order as a whole." example:"websites[0].name"`
	Severity  string  `json:"severity" enum:"blocking,warning,reviewer_attention" doc:"blocking stops submission; warning points at a likely rejection; reviewer_attention is for the reviewer." example:"blocking"`
	Reason    apiText `json:"reason" doc:"What is wrong (驳回原因), naming the offending value."`
	Remedy    apiText `json:"remedy" doc:"What to do (修改措施)."`
	Undecided bool    `json:"undecided,omitempty" doc:"A fact was missing, so a reviewer must decide what the rule could not."`
}

func newAPIFinding(f rules.Finding) apiFinding {
	return apiFinding{Rule: f.Rule, Field: f.Field, Severity: f.Severity.String(), Reason: f.Reason, Remedy: f.Remedy, Undecided: f.Undecided}
}

// apiPrecheck is a pre-check result.
type apiPrecheck struct {
	Mode      string           `json:"mode" enum:"draft,submit" doc:"draft: the quick check on every save; submit: every rule, with remote facts." example:"submit"`
	Blocking  bool             `json:"blocking" doc:"Whether blocking findings stop submission."`
	CheckDate string           `json:"check_date" doc:"The date the rules were applied for (China time)." example:"2026-11-30"`
	Province  string           `json:"province,omitempty" doc:"The province pack used." example:"11"`
	Counts    apiFindingCounts `json:"counts" doc:"Findings per severity."`
	Findings  []apiFinding     `json:"findings" doc:"Blocking first, then by field and rule."`
	Deferred  []string         `json:"deferred,omitempty" doc:"Draft mode: the rules that need remote facts and run on submission."`
}

// apiFindingCounts counts findings by severity.
type apiFindingCounts struct {
	Blocking          int `json:"blocking" doc:"Findings that stop submission."`
	Warning           int `json:"warning" doc:"Findings that point at a likely rejection."`
	ReviewerAttention int `json:"reviewer_attention" doc:"Findings for the reviewer to judge."`
}

func newAPIPrecheck(r rules.Result) *apiPrecheck {
	p := &apiPrecheck{Mode: r.Mode.String(), Blocking: r.Blocking(), CheckDate: r.CheckDate.String(), Province: r.Province,
		Counts:   apiFindingCounts{Blocking: r.Count(rules.Blocking), Warning: r.Count(rules.Warning), ReviewerAttention: r.Count(rules.ReviewerAttention)},
		Findings: []apiFinding{}, Deferred: r.Deferred}
	for _, f := range r.Findings {
		p.Findings = append(p.Findings, newAPIFinding(f))
	}
	return p
}

// apiOrderOf shapes an order for viewer u. Staff identities (claims,
// deciders) are shown to staff only, as on the pages.
func (s *Server) apiOrderOf(u *beian.User, o *beian.Order) apiOrder {
	out := apiOrder{ID: o.ID, AccountID: o.AccountID, CreatedBy: o.CreatedBy, Type: o.Type, TypeName: o.Type.Text(),
		State: o.State, StateName: o.State.Text(), Editable: o.State.Editable(), Province: o.Province,
		RecordSubjectID: o.RecordSubjectID, ServiceIDs: o.ServiceIDs, CancellationConfirmed: o.CancellationConfirmed,
		Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, StateChangedAt: o.StateChangedAt,
		DueAt: apiOptTime(o.DueAt), Snapshot: o.Snapshot}
	staff := u != nil && u.Role.IsStaff()
	if staff {
		out.ClaimedBy = o.ClaimedBy
	}
	if o.Review != nil {
		r := s.apiReviewOf(staff, &o.Snapshot, *o.Review)
		out.Review = &r
	}
	return out
}

func (s *Server) apiReviewOf(staff bool, snap *beian.Snapshot, r beian.Review) apiReview {
	out := apiReview{Event: r.Event, By: r.By, At: r.At, Opinion: r.Opinion, BureauCode: r.BureauCode, Marks: []apiMark{}}
	if !staff && r.By != "bureau" && r.By != workflow.ActorBureau {
		out.By = ""
	}
	for _, m := range r.Marks {
		am := apiMark{Field: m.Field, RuleID: m.RuleID, Note: m.Note}
		am.FieldLabel, _ = workflow.FieldLabel(snap, m.Field)
		if am.FieldLabel == (beian.Text{}) {
			am.FieldLabel = beian.Text{ZH: m.Field, EN: m.Field}
		}
		if why, ok := s.cfg.Workflow.ExplainMark(m.RuleID); ok {
			am.Reason, am.Remedy = why.Reason, why.Remedy
		}
		out.Marks = append(out.Marks, am)
	}
	return out
}

// apiEditable is the part of a snapshot a customer saves: the server keeps
// the document version, and materials are uploaded one by one (a nil list
// makes workflow.SaveDraft keep the stored ones), so a client cannot attach
// documents it did not upload.
func apiEditable(s beian.Snapshot) beian.Snapshot {
	s.Materials, s.Version = nil, 0
	return s
}

func apiOptTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func apiSummaryOf(o *beian.Order) apiOrderSummary {
	return apiOrderSummary{ID: o.ID, AccountID: o.AccountID, Type: o.Type, TypeName: o.Type.Text(), State: o.State,
		StateName: o.State.Text(), Province: o.Province, SubjectName: o.SubjectName(), Version: o.Version,
		CreatedAt: o.CreatedAt, StateChangedAt: o.StateChangedAt, DueAt: apiOptTime(o.DueAt)}
}

// apiETag is an order version as an entity tag.
func apiETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// apiParseIfMatch reads the version from If-Match: "3", W/"3" or 3.
func apiParseIfMatch(v string) (int, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
	n, err := strconv.Atoi(strings.Trim(v, `"`))
	if err != nil || n < 1 {
		return 0, beian.Invalid("If-Match", "api.if_match")
	}
	return n, nil
}

// user is the authenticated caller of an operation.
func apiUser(ctx context.Context) *beian.User { return apiCallFrom(ctx).user }

// Inputs and outputs of the order operations.
type (
	apiOrderIDPath struct {
		ID string `path:"id" maxLength:"64" doc:"Order ID."`
	}
	apiOrderOutput struct {
		ETag string `header:"ETag" doc:"The order's version, for If-Match."`
		Body apiOrder
	}
	apiListOrdersInput struct {
		Type     []beian.OrderType  `query:"type,explode" maxItems:"20" doc:"Only these filing types; repeat the parameter for several."`
		State    []beian.OrderState `query:"state,explode" maxItems:"20" doc:"Only these states; repeat the parameter for several."`
		Province apiProvince        `query:"province" doc:"Only this province."`
		Limit    int                `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Page size."`
		Offset   int                `query:"offset" minimum:"0" maximum:"100000" default:"0" doc:"Orders to skip."`
	}
	apiOrderListOutput struct {
		Body apiOrderList
	}
	apiCreateOrderOutput struct {
		Location string `header:"Location" doc:"The new order's URL."`
		ETag     string `header:"ETag"`
		Body     apiOrder
	}
	apiSaveSnapshotInput struct {
		ID      string `path:"id" maxLength:"64" doc:"Order ID."`
		IfMatch string `header:"If-Match" required:"true" maxLength:"16" doc:"The version you edited (the ETag of GET /orders/{id}); a newer stored version answers 409." example:"\"3\""`
		Body    beian.Snapshot
	}
	apiOrderWithPrecheckOutput struct {
		ETag string `header:"ETag"`
		Body apiOrderWithPrecheck
	}
	// apiOrderWithPrecheck is an order after a save or a submission.
	apiOrderWithPrecheck struct {
		Order    apiOrder     `json:"order" doc:"The order as saved or submitted."`
		Precheck *apiPrecheck `json:"precheck,omitempty" doc:"The pre-check that ran (draft mode on save, submit mode on submission). Absent when a repeated submission changed nothing."`
	}
	apiPrecheckInput struct {
		ID   string `path:"id" maxLength:"64" doc:"Order ID."`
		Mode string `query:"mode" enum:"draft,submit" default:"submit" doc:"draft: the quick in-memory check; submit: every rule, as submission runs it."`
	}
	apiPrecheckOutput struct {
		Body *apiPrecheck
	}
	apiSubmitInput struct {
		ID  string `path:"id" maxLength:"64" doc:"Order ID."`
		Key string `header:"Idempotency-Key" required:"true" minLength:"1" maxLength:"128" pattern:"^[\\x21-\\x7e]+$" patternDescription:"printable ASCII without spaces" doc:"A key you choose per submission (a UUID, say). Sending it again after a lost response returns the submitted order instead of an error." example:"7b2e6c1e-0c1f-4c55-9a36-1f7f6c1b8a52"`
	}
	apiReviewsOutput struct {
		Body apiReviewList
	}
	// apiReviewList is an order's review history.
	apiReviewList struct {
		Items []apiReview `json:"items" doc:"Oldest first."`
	}
	// apiOrderList is a page of orders.
	apiOrderList struct {
		Items  []apiOrderSummary `json:"items" doc:"Newest first."`
		Total  int               `json:"total" doc:"Orders matching the filters, on every page." example:"42"`
		Limit  int               `json:"limit" doc:"The page size used." example:"20"`
		Offset int               `json:"offset" doc:"The orders skipped." example:"0"`
	}
)

func (s *Server) apiOrderOperations(api huma.API) {
	read, write := apiAccessScope(ScopeOrdersRead), apiAccessScope(ScopeOrdersWrite)
	wf := func() *workflow.Workflow { return s.cfg.Workflow }

	apiRegister(api, read, huma.Operation{
		OperationID: "list-orders", Method: http.MethodGet, Path: "/orders", Tags: []string{"orders"},
		Summary:     "List orders",
		Description: "Orders the caller may see, newest first: a customer's account, a sub-user's own orders, everything for staff.",
	}, func(ctx context.Context, in *apiListOrdersInput) (*apiOrderListOutput, error) {
		f := beian.OrderFilter{Types: in.Type, States: in.State, Province: string(in.Province), Limit: in.Limit, Offset: in.Offset}
		orders, total, err := wf().Orders(ctx, apiUser(ctx), f)
		if err != nil {
			return nil, err
		}
		out := &apiOrderListOutput{}
		out.Body.Items, out.Body.Total, out.Body.Limit, out.Body.Offset = []apiOrderSummary{}, total, in.Limit, in.Offset
		for _, o := range orders {
			out.Body.Items = append(out.Body.Items, apiSummaryOf(o))
		}
		return out, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "check-filing-type", Method: http.MethodPost, Path: "/filing-type-checks", Tags: []string{"orders"},
		Summary: "Check the filing type (验证备案类型)",
		Description: "From the province, the subject and the domain or app name, detects the filing type — from our records " +
			"and, where connected, the bureau — explains it, applies the account and concurrency rules and verifies the " +
			"resource or authorization code (产品验证). It changes nothing; problems are in the answer, not errors. " +
			"Customers and sub-users with BeianAdministrator.",
	}, func(ctx context.Context, in *apiVerifyInput) (*apiVerifyOutput, error) {
		v, err := wf().VerifyFilingType(ctx, apiUser(ctx), in.Body.input())
		if err != nil {
			return nil, err
		}
		return &apiVerifyOutput{Body: newAPIVerification(v)}, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "create-order", Method: http.MethodPost, Path: "/orders", Tags: []string{"orders"},
		Summary: "Create an order",
		Description: "Runs the filing-type check again and, when it allows an order, creates the draft of the detected type " +
			"with the checked values fixed (they cannot change later: a mistake means abandoning the order), reserves the " +
			"authorization code and prefills the data from the account's record. When the check does not allow an order " +
			"the answer is 422 (verify.not_ok) with every problem in `errors`; POST /filing-type-checks shows the same " +
			"without creating anything. Changes and cancellations of filed services start from the record " +
			"(POST /records/{id}/orders).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *apiVerifyInput) (*apiCreateOrderOutput, error) {
		u := apiUser(ctx)
		o, _, err := wf().StartVerified(ctx, u, in.Body.input())
		if err != nil {
			return nil, err
		}
		return &apiCreateOrderOutput{Location: apiPrefix + "/orders/" + o.ID, ETag: apiETag(o.Version), Body: s.apiOrderOf(u, o)}, nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "get-order", Method: http.MethodGet, Path: "/orders/{id}", Tags: []string{"orders"},
		Summary: "Get an order", Description: "The order with its data, materials and latest review. Its version is the ETag.",
		Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiOrderIDPath) (*apiOrderOutput, error) {
		o, err := wf().Order(ctx, apiUser(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &apiOrderOutput{ETag: apiETag(o.Version), Body: s.apiOrderOf(apiUser(ctx), o)}, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "save-order-snapshot", Method: http.MethodPut, Path: "/orders/{id}/snapshot", Tags: []string{"orders"},
		Summary: "Save the order's data",
		Description: "Replaces the draft's data (uploaded materials stay: materials and version in the body are ignored) and returns the draft-mode pre-check, which is advice: " +
			"saving succeeds whatever it finds. Possible only in editable states (draft, needs modification, rejected, returned). " +
			"If-Match must carry the version you edited; when someone saved in between the answer is 409 (order.version.stale): " +
			"reload, merge and save again. What the order was started from (province, certificate and, for new filings, " +
			"nature, subject name and the checked domain or app) cannot change: 422 (verify.immutable) per field.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *apiSaveSnapshotInput) (*apiOrderWithPrecheckOutput, error) {
		version, err := apiParseIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		u, snap := apiUser(ctx), apiEditable(in.Body)
		// What the order was started from never changes (spec §6.1.7); the
		// portal's form checks it the same way before saving.
		o, err := wf().Order(ctx, u, in.ID)
		if err != nil {
			return nil, err
		}
		basis, err := wf().OrderBasis(ctx, u, in.ID)
		if err != nil {
			return nil, err
		}
		if errs := workflow.CheckBasis(o, basis, &snap); len(errs) > 0 {
			return nil, apiErrorList(errs)
		}
		o, res, err := wf().SaveDraft(ctx, u, in.ID, version, snap)
		if err != nil {
			return nil, err
		}
		return s.apiWithPrecheck(ctx, o, &res), nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "precheck-order", Method: http.MethodPost, Path: "/orders/{id}/precheck", Tags: []string{"orders"},
		Summary: "Pre-check an order",
		Description: "Runs the rule catalogue on the stored data without changing anything: every finding with its field, " +
			"severity, and reason and remedy in Chinese and English. Submit mode is what submission runs.",
		Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiPrecheckInput) (*apiPrecheckOutput, error) {
		o, err := wf().Order(ctx, apiUser(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		mode := rules.ModeSubmit
		if in.Mode == "draft" {
			mode = rules.ModeDraft
		}
		return &apiPrecheckOutput{Body: newAPIPrecheck(wf().Precheck(ctx, o, mode))}, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "submit-order", Method: http.MethodPost, Path: "/orders/{id}/submit", Tags: []string{"orders"},
		Summary: "Submit an order for review",
		Description: "Sends the order to the provider's preliminary review (初审), from a draft or after a modification request, " +
			"a rejection or a return. The full pre-check runs first: blocking findings answer 422 (order.precheck.blocked) " +
			"with every finding in `findings` and the blocking ones in `errors`. The same Idempotency-Key again returns the " +
			"submitted order unchanged, so retrying after a lost response is safe.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *apiSubmitInput) (*apiOrderWithPrecheckOutput, error) {
		o, res, err := wf().Submit(ctx, apiUser(ctx), in.ID, in.Key)
		if err != nil {
			return nil, err
		}
		var pre *rules.Result
		if !res.CheckDate.IsZero() { // a repeated submission runs no pre-check
			pre = &res
		}
		return s.apiWithPrecheck(ctx, o, pre), nil
	})

	action := func(id, path, summary, desc string, fn apiOrderStep) {
		s.apiOrderAction(api, write, "orders", id, path, summary, desc, fn)
	}
	action("withdraw-order", "withdraw", "Withdraw an order (撤销备案)",
		"Pulls an order in provider review (awaiting review, modified, awaiting bureau submission) back to draft to edit it. "+
			"Cancellation orders cannot be withdrawn, only abandoned.", wf().Withdraw)
	action("abandon-order", "abandon", "Abandon an order (放弃备案)",
		"Closes the order for good; it stays readable in the history. Not possible once it is at the bureau.", wf().Abandon)
	action("confirm-cancellation", "confirm-cancellation", "Confirm a subject cancellation",
		"A subject cancellation (注销主体) that passed review goes to the bureau only after the customer confirms it here. "+
			"Confirming twice changes nothing.", wf().ConfirmCancellation)

	apiRegister(api, read, huma.Operation{
		OperationID: "get-order-history", Method: http.MethodGet, Path: "/orders/{id}/history", Tags: []string{"orders"},
		Summary: "Get an order's history",
		Description: "What happened to the order, oldest first: its state changes with who caused them, uploads and " +
			"confirmations. Customers see the steps the portal's timeline shows, with the actor as you, account, provider, " +
			"bureau or system; staff see every audit event with the acting user.",
		Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiOrderIDPath) (*apiHistoryOutput, error) {
		u := apiUser(ctx)
		o, evs, err := wf().OrderHistory(ctx, u, in.ID)
		if err != nil {
			return nil, err
		}
		return &apiHistoryOutput{Body: apiHistory{Items: apiHistoryOf(u, o, evs)}}, nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "list-order-reviews", Method: http.MethodGet, Path: "/orders/{id}/reviews", Tags: []string{"orders"},
		Summary:     "List an order's review decisions (审核历史)",
		Description: "Every review decision on the order, oldest first, with opinions and marked fields with reason and remedy.",
		Errors:      []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiOrderIDPath) (*apiReviewsOutput, error) {
		u := apiUser(ctx)
		o, err := wf().Order(ctx, u, in.ID)
		if err != nil {
			return nil, err
		}
		reviews, err := wf().ReviewHistory(ctx, u, in.ID)
		if err != nil {
			return nil, err
		}
		out := &apiReviewsOutput{}
		out.Body.Items = []apiReview{}
		for _, r := range reviews {
			out.Body.Items = append(out.Body.Items, s.apiReviewOf(u.Role.IsStaff(), &o.Snapshot, r))
		}
		return out, nil
	})
}

func (s *Server) apiWithPrecheck(ctx context.Context, o *beian.Order, res *rules.Result) *apiOrderWithPrecheckOutput {
	out := &apiOrderWithPrecheckOutput{ETag: apiETag(o.Version)}
	out.Body.Order = s.apiOrderOf(apiUser(ctx), o)
	if res != nil {
		out.Body.Precheck = newAPIPrecheck(*res)
	}
	return out
}

// apiOrderStep is a workflow action on one order by its ID.
type apiOrderStep func(context.Context, *beian.User, string) (*beian.Order, error)

// apiOrderAction registers POST /orders/{id}/<path>: the workflow step on
// the order, answered with the order as it now is.
func (s *Server) apiOrderAction(api huma.API, acc apiAccess, tag, id, path, summary, desc string, fn apiOrderStep) {
	apiRegister(api, acc, huma.Operation{
		OperationID: id, Method: http.MethodPost, Path: "/orders/{id}/" + path, Tags: []string{tag},
		Summary: summary, Description: desc, Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *apiOrderIDPath) (*apiOrderOutput, error) {
		o, err := fn(ctx, apiUser(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &apiOrderOutput{ETag: apiETag(o.Version), Body: s.apiOrderOf(apiUser(ctx), o)}, nil
	})
}
