package web

import (
	"net/netip"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// Orders start from the filing-type check (验证备案类型), as on the portal:
// the check's inputs become the order's basis, which never changes, and the
// product verification (a resource or an authorization code) is what the
// filing will count against.

// apiVerifyRequest is the filing-type check's form.
type apiVerifyRequest struct {
	Province          apiProvince           `json:"province" required:"true" doc:"The filing province: for units where the certificate was issued, for individuals where they live."`
	Nature            beian.Nature          `json:"nature" required:"true" doc:"The subject's nature."`
	SubjectName       string                `json:"subject_name" required:"true" maxLength:"100" doc:"The unit's registered name or the person's name." example:"北京青云数据科技有限公司"`
	CertificateType   beian.CertificateType `json:"certificate_type" required:"true" doc:"The subject certificate's type; must suit the nature."`
	CertificateNumber string                `json:"certificate_number" required:"true" maxLength:"64" doc:"The subject certificate's number; must match the bureau's when the subject is filed." example:"91110108MA01ABCDE1"`
	ServiceKind       string                `json:"service_kind" required:"true" enum:"website,app" doc:"What the order is about." example:"website"`
	ServiceName       string                `json:"service_name" required:"true" maxLength:"253" doc:"The website's registrable domain, or the app's name." example:"qingyun-data.cn"`
	ResourceID        string                `json:"resource_id,omitempty" maxLength:"64" doc:"Product verification: one of the account's resources (GET /resources)."`
	AuthCode          string                `json:"auth_code,omitempty" maxLength:"64" doc:"Product verification: an authorization code (备案授权码) instead of a resource."`
}

func (r apiVerifyRequest) input() workflow.VerifyInput {
	return workflow.VerifyInput{Province: string(r.Province), Nature: r.Nature, SubjectName: r.SubjectName,
		CertificateType: r.CertificateType, CertificateNumber: r.CertificateNumber, ServiceKind: beian.ServiceKind(r.ServiceKind),
		ServiceName: r.ServiceName, ResourceID: r.ResourceID, AuthCode: r.AuthCode}
}

// apiVerification is the filing-type check's outcome.
type apiVerification struct {
	OK               bool            `json:"ok" doc:"Whether an order can start from it (POST /orders with the same body)."`
	Type             beian.OrderType `json:"type,omitempty" doc:"The detected filing type; absent when the facts allow none."`
	TypeName         *apiText        `json:"type_name,omitempty" doc:"Its name."`
	Explanation      apiText         `json:"explanation" doc:"The detection in one sentence, e.g. 主体和域名均未备案 → 首次备案."`
	Facts            []apiText       `json:"facts" doc:"What was looked up, one line each."`
	Sources          *apiText        `json:"sources,omitempty" doc:"Where the facts were looked up: our records alone, or our records and the bureau (isp_querybeianstatus), and why the bureau was not asked when it was not."`
	Problems         []apiIssue      `json:"problems" doc:"What stops the order, each on its field with reason and fix."`
	Warnings         []apiIssue      `json:"warnings" doc:"Advice that does not stop it."`
	NeedsResource    bool            `json:"needs_resource" doc:"Whether the type needs product verification."`
	ResourceProblems []apiIssue      `json:"resource_problems" doc:"Why the chosen resource or code is refused."`
	Resources        []apiResource   `json:"resources" doc:"The account's resources, eligible or not (with why)."`
	ResourceID       string          `json:"resource_id,omitempty" doc:"The accepted resource."`
	AuthCodeID       string          `json:"auth_code_id,omitempty" doc:"The accepted authorization code's ID."`
	RecordSubjectID  string          `json:"record_subject_id,omitempty" doc:"The account's filed subject the check found, which prefills the order."`
	ServiceID        string          `json:"service_id,omitempty" doc:"The account's filed service a new access acts on."`
}

func newAPIVerification(v *workflow.Verification) apiVerification {
	out := apiVerification{OK: v.OK(), Type: v.Type, Explanation: v.Explanation, Facts: apiNonNil(v.Facts),
		Problems: newAPIIssues(v.Problems), Warnings: newAPIIssues(v.Warnings), NeedsResource: v.NeedsResource,
		ResourceProblems: newAPIIssues(v.ResourceProblems), Resources: []apiResource{}}
	if v.Type != "" {
		t := v.Type.Text()
		out.TypeName = &t
	}
	if v.Sources.ZH != "" {
		src := v.Sources
		out.Sources = &src
	}
	for _, r := range v.Resources {
		out.Resources = append(out.Resources, newAPIResource(r))
	}
	if v.Resource != nil {
		out.ResourceID = v.Resource.ID
	}
	if v.AuthCode != nil {
		out.AuthCodeID = v.AuthCode.ID
	}
	if v.Record != nil {
		out.RecordSubjectID = v.Record.Subject.ID
	}
	if v.Service != nil {
		out.ServiceID = v.Service.ID
	}
	return out
}

// apiResource is a filing resource (可备案资源) of an account.
type apiResource struct {
	ID          string       `json:"id" doc:"Beian's ID of the resource."`
	ExternalID  string       `json:"external_id" doc:"The cloud's instance ID." example:"ecs-0a1b2c3d"`
	Kind        string       `json:"kind" doc:"ecs, flexus_l, enterprise_portal, dedicated_cloud, nat_gateway or eip." example:"ecs"`
	KindName    apiText      `json:"kind_name" doc:"The kind's name."`
	Name        string       `json:"name" doc:"The resource's name." example:"web-01"`
	Region      string       `json:"region" doc:"The cloud region." example:"cn-north-4"`
	Mainland    bool         `json:"mainland" doc:"Whether the region is in mainland China."`
	Billing     string       `json:"billing" doc:"prepaid or on_demand." example:"prepaid"`
	TermMonths  int          `json:"term_months" doc:"Prepaid months bought so far, renewals included." example:"12"`
	ExpiresAt   *time.Time   `json:"expires_at,omitempty" doc:"End of the paid term."`
	PublicIPs   []netip.Addr `json:"public_ips" doc:"Public addresses."`
	FilingsUsed int          `json:"filings_used" doc:"Filings counted against it (cancellations give none back)."`
	FilingsMax  int          `json:"filings_max" doc:"Its quota; 0: no stated limit."`
	AuthCodes   int          `json:"auth_codes" doc:"Authorization codes ever generated from it."`
	Eligible    bool         `json:"eligible" doc:"Whether product verification accepts it directly."`
	Problems    []apiIssue   `json:"problems" doc:"Why not, each with what to do."`
}

func newAPIResource(o workflow.ResourceOption) apiResource {
	r := o.Resource
	return apiResource{ID: r.ID, ExternalID: r.ExternalID, Kind: string(r.Kind), KindName: r.Kind.Text(), Name: r.Name,
		Region: r.Region, Mainland: r.Mainland, Billing: string(r.Billing), TermMonths: r.TermMonths, ExpiresAt: apiOptTime(r.ExpiresAt),
		PublicIPs: apiNonNil(r.PublicIPs), FilingsUsed: r.FilingsUsed, FilingsMax: r.FilingsMax, AuthCodes: r.AuthCodes,
		Eligible: o.Eligible(), Problems: newAPIIssues(o.Problems)}
}

type (
	apiVerifyInput struct {
		Body apiVerifyRequest
	}
	apiVerifyOutput struct {
		Body apiVerification
	}
)
