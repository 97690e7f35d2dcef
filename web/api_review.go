package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// The review operations are the console's: provider staff work the queue
// of orders awaiting preliminary review (初审). The workflow checks the
// roles — any staff may read the queue, reviewers and admins claim and
// decide — so a customer's call fails there exactly as its page would.

// apiCountdown is a deadline as a countdown in China working days.
type apiCountdown struct {
	DueAt   *time.Time `json:"due_at,omitempty" doc:"The deadline; absent when the state has none."`
	Left    *int       `json:"working_days_left,omitempty" doc:"Working days from today to the deadline: 0 when due today, negative when overdue. Absent when the holiday calendar cannot count that far."`
	Overdue bool       `json:"overdue" doc:"Whether the deadline has passed."`
	Level   string     `json:"level" enum:"none,ok,soon,today,overdue" doc:"How urgent, for colouring." example:"soon"`
}

func newAPICountdown(c workflow.Countdown) apiCountdown {
	d := apiCountdown{DueAt: apiOptTime(c.Due), Overdue: c.Overdue, Level: c.Level()}
	if c.Known {
		n := c.Left
		d.Left = &n
	}
	return d
}

// apiClaim is who works on an order.
type apiClaim struct {
	By     string    `json:"by" doc:"The reviewer's user ID."`
	Name   string    `json:"name" doc:"The reviewer's name."`
	At     time.Time `json:"at" doc:"When they claimed it."`
	Mine   bool      `json:"mine" doc:"Whether the caller holds it."`
	Lapsed bool      `json:"lapsed" doc:"Whether the claim timed out, so a colleague may take the order over."`
}

// apiQueueItem is an order in the review queue.
type apiQueueItem struct {
	Order apiOrderSummary `json:"order" doc:"The order."`
	Due   apiCountdown    `json:"due" doc:"The review deadline."`
	Claim *apiClaim       `json:"claim,omitempty" doc:"Absent when nobody claimed the order."`
}

type (
	apiQueueInput struct {
		Province apiProvince     `query:"province" doc:"Only this province."`
		Type     beian.OrderType `query:"type" doc:"Only this filing type."`
		State    string          `query:"state" enum:"awaiting_prelim,modified_awaiting_review" doc:"Only one of the review states."`
		Claim    string          `query:"claim" enum:"mine,unclaimed" doc:"Only the caller's claims, or only unclaimed orders."`
		Overdue  bool            `query:"overdue" doc:"Only orders past their deadline."`
		Page     int             `query:"page" minimum:"1" maximum:"10000" default:"1" doc:"1-based page."`
		PageSize int             `query:"page_size" minimum:"1" maximum:"200" default:"50" doc:"Page size."`
	}
	apiQueueOutput struct {
		Body apiReviewQueue
	}
	// apiReviewQueue is a page of the review queue.
	apiReviewQueue struct {
		Items    []apiQueueItem `json:"items" doc:"Earliest deadline first."`
		Total    int            `json:"total" doc:"Orders matching the filters, on every page." example:"7"`
		Page     int            `json:"page" doc:"This page, 1-based." example:"1"`
		Pages    int            `json:"pages" doc:"Number of pages." example:"1"`
		PageSize int            `json:"page_size" doc:"The page size used." example:"50"`
	}
	apiDecisionInput struct {
		ID   string `path:"id" maxLength:"64" doc:"Order ID."`
		Body apiDecisionRequest
	}
	// apiDecisionRequest is a reviewer's decision.
	apiDecisionRequest struct {
		Decision string         `json:"decision" required:"true" enum:"pass,supplement,reject" doc:"pass → awaiting bureau submission; supplement → needs modification; reject → preliminary rejected." example:"supplement"`
		Opinion  string         `json:"opinion,omitempty" maxLength:"1000" doc:"The opinion the customer reads (审核意见)." example:"营业执照照片模糊，请重新拍摄上传。"`
		Marks    []apiMarkInput `json:"marks,omitempty" maxItems:"50" doc:"The fields to fix, each with a reason; needed for supplement and reject, refused for pass."`
	}
)

// apiMarkInput is a field a reviewer marks.
type apiMarkInput struct {
	Field  string `json:"field" required:"true" maxLength:"200" doc:"Path of a field of the order, as in pre-check findings, or materials.<purpose> for a document." example:"materials.subject_certificate"`
	RuleID string `json:"rule_id" required:"true" maxLength:"64" doc:"A rejection reason R1–R28 (GET /rejection-reasons) or a pre-check rule ID (GET /rules)." example:"R1"`
	Note   string `json:"note,omitempty" maxLength:"500" doc:"The reviewer's own words for the customer."`
}

func (s *Server) apiReviewOperations(api huma.API) {
	review := apiAccessScope(ScopeReview)
	wf := func() *workflow.Workflow { return s.cfg.Workflow }

	apiRegister(api, review, huma.Operation{
		OperationID: "list-review-queue", Method: http.MethodGet, Path: "/review/queue", Tags: []string{"review"},
		Summary:     "List the review queue",
		Description: "Orders awaiting preliminary review, earliest deadline first, with working-day countdowns and claims. Any staff role.",
	}, func(ctx context.Context, in *apiQueueInput) (*apiQueueOutput, error) {
		u := apiUser(ctx)
		page, err := wf().ReviewQueue(ctx, u, workflow.QueueFilter{Province: string(in.Province), Type: in.Type,
			State: beian.OrderState(in.State), Claim: in.Claim, Overdue: in.Overdue, Page: in.Page, PageSize: in.PageSize})
		if err != nil {
			return nil, err
		}
		out := &apiQueueOutput{}
		out.Body.Items, out.Body.Total, out.Body.Page, out.Body.Pages, out.Body.PageSize = []apiQueueItem{}, page.Total, page.Page, page.Pages, page.PageSize
		for _, it := range page.Items {
			item := apiQueueItem{Order: apiSummaryOf(it.Order), Due: newAPICountdown(it.Due)}
			if it.Claim.By != "" {
				item.Claim = &apiClaim{By: it.Claim.By, Name: it.Claim.Name, At: it.Claim.At, Mine: it.Claim.Mine, Lapsed: it.Claim.Lapsed}
			}
			out.Body.Items = append(out.Body.Items, item)
		}
		return out, nil
	})

	claim := func(id, path, summary, desc string, fn apiOrderStep) {
		s.apiOrderAction(api, review, "review", id, path, summary, desc, fn)
	}
	claim("claim-order", "claim", "Claim an order for review",
		"Assigns the order to the caller so colleagues skip it. Reviewers and admins; a claim held by a colleague answers 409 "+
			"(review.claimed_by_other) until it lapses.", wf().Claim)
	claim("release-order", "release", "Release a claimed order",
		"Gives the order back to the queue. Reviewers and admins.", wf().Release)

	apiRegister(api, review, huma.Operation{
		OperationID: "decide-order", Method: http.MethodPost, Path: "/orders/{id}/decision", Tags: []string{"review"},
		Summary: "Decide an order in review",
		Description: "Records the preliminary review decision and moves the order on. A request for changes or a rejection marks " +
			"at least one field with a reason, so the customer learns what to fix; a pass marks none. Reviewers and admins.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *apiDecisionInput) (*apiOrderOutput, error) {
		rin := workflow.ReviewInput{Decision: workflow.Decision(in.Body.Decision), Opinion: in.Body.Opinion}
		for _, m := range in.Body.Marks {
			rin.Marks = append(rin.Marks, beian.FieldMark{Field: m.Field, RuleID: m.RuleID, Note: m.Note})
		}
		o, err := wf().Decide(ctx, apiUser(ctx), in.ID, rin)
		if err != nil {
			return nil, err
		}
		return &apiOrderOutput{ETag: apiETag(o.Version), Body: s.apiOrderOf(apiUser(ctx), o)}, nil
	})
}
