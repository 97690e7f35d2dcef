package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// Records (我的备案) are the filed subjects and services. Customers see
// their account's; staff look a subject up by its certificate. Every action
// on a record comes with its precondition, as on the portal's page, and
// orders start from it through the workflow, which checks them again.

// apiIssue is a reason something cannot be done, or a warning, with what
// to do about it, in both languages.
type apiIssue struct {
	Field   string  `json:"field,omitempty" doc:"The field it is about, when one." example:"certificate_number"`
	Code    string  `json:"code" enum:"invalid,unauthorized,forbidden,not_found,conflict,unavailable,internal" doc:"The error class." example:"conflict"`
	Key     string  `json:"key" doc:"The message key, stable for programs." example:"records.busy"`
	Message apiText `json:"message" doc:"The reason, and what to do, for people."`
	Rule    string  `json:"rule,omitempty" doc:"The catalogue rule, when one decided."`
}

func newAPIIssue(e *beian.Error) apiIssue {
	return apiIssue{Field: e.Field, Code: e.Code, Key: e.Key, Rule: e.Rule, Message: beian.Text{ZH: e.Message(beian.LangZH), EN: e.Message(beian.LangEN)}}
}

func newAPIIssues(es []*beian.Error) []apiIssue {
	out := make([]apiIssue, 0, len(es))
	for _, e := range es {
		out = append(out, newAPIIssue(e))
	}
	return out
}

// apiAction is an order 我的备案 offers on a subject or service.
type apiAction struct {
	Type      beian.OrderType `json:"type" doc:"The filing type the action starts."`
	TypeName  apiText         `json:"type_name" doc:"Its name."`
	Available bool            `json:"available" doc:"Whether it can start now."`
	Reason    *apiIssue       `json:"reason,omitempty" doc:"Why not, and what to do; absent when available."`
	// ViaVerify actions need product verification, so they start with
	// POST /filing-type-checks and POST /orders instead.
	ViaVerify bool `json:"via_verify" doc:"Start it with the filing-type check (POST /orders) rather than POST /records/{id}/orders: it needs product verification."`
}

func newAPIActions(as []workflow.Action) []apiAction {
	out := make([]apiAction, 0, len(as))
	for _, a := range as {
		x := apiAction{Type: a.Type, TypeName: a.Type.Text(), Available: a.Available, ViaVerify: a.ViaVerify}
		if a.Reason != nil {
			r := newAPIIssue(a.Reason)
			x.Reason = &r
		}
		out = append(out, x)
	}
	return out
}

// apiRecordSubject is a filed subject.
type apiRecordSubject struct {
	ID         string        `json:"id" doc:"The filed subject's ID."`
	AccountID  string        `json:"account_id" doc:"The customer account it is filed under."`
	Number     string        `json:"number" doc:"Subject ICP number (主体备案号); empty until filed." example:"京ICP备12345678号"`
	BureauID   string        `json:"bureau_id,omitempty" doc:"The bureau's subject ID (Ztid), once synced."`
	Status     string        `json:"status" enum:"filed,empty_shell,cancelled" doc:"filed; empty_shell: no service left; cancelled." example:"filed"`
	StatusName apiText       `json:"status_name" doc:"The status's name."`
	Subject    beian.Subject `json:"subject" doc:"The subject as filed."`
	FiledAt    *time.Time    `json:"filed_at,omitempty" doc:"When it was filed."`
	UpdatedAt  time.Time     `json:"updated_at" doc:"When it last changed."`
}

// apiRecordService is a filed website or app.
type apiRecordService struct {
	ID         string               `json:"id" doc:"The filed service's ID."`
	Kind       string               `json:"kind" enum:"website,app,mini_program" doc:"The kind of service." example:"website"`
	Name       string               `json:"name" doc:"Its name." example:"青云数据官网"`
	Number     string               `json:"number" doc:"Service ICP number, e.g. 京ICP备12345678号-1." example:"京ICP备12345678号-1"`
	BureauID   string               `json:"bureau_id,omitempty" doc:"The bureau's ID of the service (Wzid / the app's)."`
	Status     string               `json:"status" enum:"filed,empty_shell,cancelled" doc:"filed; empty_shell: no access left; cancelled." example:"filed"`
	StatusName apiText              `json:"status_name" doc:"The status's name."`
	Website    *beian.Website       `json:"website,omitempty" doc:"The website as filed (kind website)."`
	App        *beian.App           `json:"app,omitempty" doc:"The app as filed (kind app)."`
	Access     []beian.AccessRecord `json:"access" doc:"Access records (接入信息): this provider's and others' the bureau told of."`
	FiledAt    *time.Time           `json:"filed_at,omitempty" doc:"When it was filed."`
	// AccessHere, Associated and Actions are the view's, in GET /records/{id}.
	AccessHere bool        `json:"access_here" doc:"Whether it has a live access record at this provider."`
	Associated bool        `json:"associated" doc:"For a sub-user: whether it created or was granted the service (only those can be changed)."`
	Actions    []apiAction `json:"actions,omitempty" doc:"What can start on it, with preconditions (GET /records/{id} only)."`
}

// apiRecord is a filed subject with its services.
type apiRecord struct {
	Subject  apiRecordSubject   `json:"subject" doc:"The subject."`
	Services []apiRecordService `json:"services" doc:"Its services, cancelled ones included."`
	// The view's fields, in GET /records/{id}.
	Actions            []apiAction      `json:"actions,omitempty" doc:"What can start on the subject (GET /records/{id} only)."`
	InProgress         []apiOrderRefOut `json:"in_progress,omitempty" doc:"Orders in progress on the subject; while there is one nothing else can start."`
	CanOperate         bool             `json:"can_operate" doc:"Whether the caller may start orders on it."`
	MigrationSupported bool             `json:"migration_supported" doc:"Whether the province's bureau supports migrating a website to another subject."`
}

// apiOrderRefOut is an order in progress on a record.
type apiOrderRefOut struct {
	ID      string           `json:"id,omitempty" doc:"The order's ID, when the caller may open it."`
	Type    beian.OrderType  `json:"type" doc:"Its filing type."`
	State   beian.OrderState `json:"state" doc:"Its state."`
	Visible bool             `json:"visible" doc:"Whether the caller may open it (sub-users see only their own orders)."`
}

func newAPIRecord(rec *beian.Record) apiRecord {
	s := &rec.Subject
	out := apiRecord{Subject: apiRecordSubject{ID: s.ID, AccountID: s.AccountID, Number: s.Number.String(), BureauID: s.BureauID,
		Status: string(s.Status), StatusName: s.Status.Text(), Subject: s.Subject, FiledAt: apiOptTime(s.FiledAt), UpdatedAt: s.UpdatedAt},
		Services: []apiRecordService{}}
	for i := range rec.Services {
		out.Services = append(out.Services, newAPIRecordService(&rec.Services[i]))
	}
	return out
}

func newAPIRecordService(s *beian.RecordService) apiRecordService {
	return apiRecordService{ID: s.ID, Kind: string(s.Kind), Name: s.Name(), Number: s.Number.String(), BureauID: s.BureauID,
		Status: string(s.Status), StatusName: s.Status.Text(), Website: s.Website, App: s.App, Access: apiNonNil(s.Access),
		FiledAt: apiOptTime(s.FiledAt), Associated: true}
}

func newAPIRecordView(v *workflow.RecordView) apiRecord {
	out := newAPIRecord(v.Record)
	out.Actions, out.CanOperate, out.MigrationSupported = newAPIActions(v.Actions), v.CanOperate, v.MigrationSupported
	for _, o := range v.InProgress {
		ref := apiOrderRefOut{Type: o.Type, State: o.State, Visible: o.Visible}
		if o.Visible {
			ref.ID = o.ID
		}
		out.InProgress = append(out.InProgress, ref)
	}
	for i, sv := range v.Services {
		if i < len(out.Services) && out.Services[i].ID == sv.Service.ID {
			out.Services[i].AccessHere, out.Services[i].Associated = sv.AccessHere, sv.Associated
			out.Services[i].Actions = newAPIActions(sv.Actions)
		}
	}
	return out
}

// apiTransfer is a transfer (转移备案) waiting for the target account.
type apiTransfer struct {
	OrderID     string `json:"order_id" doc:"The transfer order."`
	FromAccount string `json:"from_account" doc:"The account the subject leaves."`
	ToAccount   string `json:"to_account" doc:"The account it moves to."`
	SubjectName string `json:"subject_name" doc:"The subject's name."`
	Number      string `json:"number,omitempty" doc:"The subject's ICP number."`
}

func newAPITransfers(ts []workflow.TransferRequest) []apiTransfer {
	out := make([]apiTransfer, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiTransfer{OrderID: t.Order.ID, FromAccount: t.FromAccount, ToAccount: t.ToAccount, SubjectName: t.SubjectName, Number: t.Number})
	}
	return out
}

type (
	apiRecordsOutput struct {
		Body apiRecordList
	}
	// apiRecordList is 我的备案.
	apiRecordList struct {
		Items    []apiRecord   `json:"items" doc:"The account's filed subject (an account files one)."`
		Incoming []apiTransfer `json:"incoming_transfers" doc:"Transfers to this account waiting for its approval."`
		Outgoing []apiTransfer `json:"outgoing_transfers" doc:"Transfers from this account waiting for the target."`
		// CanOperate is false for read-only sub-users.
		CanOperate bool `json:"can_operate" doc:"Whether the caller may start orders (false for read-only sub-users)."`
	}
	apiRecordIDPath struct {
		ID string `path:"id" maxLength:"64" doc:"The filed subject's ID."`
	}
	apiRecordOutput struct {
		Body apiRecord
	}
	apiRecordLookupInput struct {
		Body struct {
			CertificateNumber string `json:"certificate_number" required:"true" minLength:"1" maxLength:"64" doc:"The subject's certificate number; in the body, so it stays out of URLs and logs." example:"91110108MA01ABCDE1"`
		}
	}
	apiRecordLookupOutput struct {
		Body struct {
			ID string `json:"id" doc:"The filed subject's ID, for GET /records/{id}."`
		}
	}
	apiStartFromRecordInput struct {
		ID   string `path:"id" maxLength:"64" doc:"The filed subject's ID."`
		Body apiStartFromRecordRequest
	}
	// apiStartFromRecordRequest starts an order on a filed subject.
	apiStartFromRecordRequest struct {
		Type          beian.OrderType `json:"type" required:"true" doc:"change_subject, change_service, change_both, cancel_subject, cancel_service, cancel_access or migrate. New websites, apps and access start with POST /orders (they need product verification)."`
		ServiceIDs    []string        `json:"service_ids,omitempty" maxItems:"50" doc:"The services acted on: one for cancel_service, cancel_access and migrate; one or more for change_service and change_both."`
		TargetAccount string          `json:"target_account,omitempty" maxLength:"100" doc:"Migration: the account holding the subject the website moves to."`
		CancelReason  string          `json:"cancel_reason,omitempty" maxLength:"200" doc:"Cancellations: the reason (注销原因)." example:"网站不再运营"`
	}
)

func (s *Server) apiRecordOperations(api huma.API) {
	read, write := apiAccessScope(ScopeRecordsRead), apiAccessScope(ScopeOrdersWrite)
	wf := func() *workflow.Workflow { return s.cfg.Workflow }

	apiRegister(api, read, huma.Operation{
		OperationID: "list-records", Method: http.MethodGet, Path: "/records", Tags: []string{"records"},
		Summary: "List your filings (我的备案)",
		Description: "The caller's account's filed subject with its services, and the transfers waiting on either side. " +
			"For customers and their sub-users with a policy; staff look records up with POST /records/lookup.",
		Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, _ *struct{}) (*apiRecordsOutput, error) {
		page, err := wf().MyRecords(ctx, apiUser(ctx))
		if err != nil {
			return nil, err
		}
		out := &apiRecordsOutput{}
		out.Body.Items, out.Body.CanOperate = []apiRecord{}, page.CanOperate
		for _, r := range page.Records {
			out.Body.Items = append(out.Body.Items, newAPIRecord(r))
		}
		out.Body.Incoming, out.Body.Outgoing = newAPITransfers(page.Incoming), newAPITransfers(page.Outgoing)
		return out, nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "get-record", Method: http.MethodGet, Path: "/records/{id}", Tags: []string{"records"},
		Summary: "Get a filed subject",
		Description: "The filed subject with its services, the orders in progress on it, and every action with its " +
			"precondition: available, or why not and what to do. The account's users and staff.",
		Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiRecordIDPath) (*apiRecordOutput, error) {
		v, err := wf().RecordView(ctx, apiUser(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &apiRecordOutput{Body: newAPIRecordView(v)}, nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "lookup-record", Method: http.MethodPost, Path: "/records/lookup", Tags: []string{"records"},
		Summary:     "Find a filed subject by certificate (staff)",
		Description: "Provider staff find the filed subject with a certificate number (through its blind index).",
		Errors:      []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiRecordLookupInput) (*apiRecordLookupOutput, error) {
		id, err := wf().FindRecordByCertificate(ctx, apiUser(ctx), in.Body.CertificateNumber)
		if err != nil {
			return nil, err
		}
		out := &apiRecordLookupOutput{}
		out.Body.ID = id
		return out, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "start-order-from-record", Method: http.MethodPost, Path: "/records/{id}/orders", Tags: []string{"records", "orders"},
		Summary: "Start an order on a filed subject",
		Description: "Starts a change, cancellation, access cancellation or migration as a draft prefilled from the record, " +
			"after checking the action's precondition (the reason is the error when it is not available). Compliance " +
			"officers and admins may start an access cancellation on a customer's behalf.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *apiStartFromRecordInput) (*apiCreateOrderOutput, error) {
		u := apiUser(ctx)
		o, err := wf().StartFromRecord(ctx, u, workflow.RecordActionInput{SubjectID: in.ID, Type: in.Body.Type,
			ServiceIDs: in.Body.ServiceIDs, TargetAccount: in.Body.TargetAccount, CancelReason: in.Body.CancelReason})
		if err != nil {
			return nil, err
		}
		return &apiCreateOrderOutput{Location: apiPrefix + "/orders/" + o.ID, ETag: apiETag(o.Version), Body: s.apiOrderOf(u, o)}, nil
	})
}
