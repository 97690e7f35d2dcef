package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// The catalogue operations publish what the other operations refer to: the
// pre-check rules (findings and marks name them), the rejection reasons
// reviewers mark fields with, and the code lists. They are public, like
// docs/rules.md: knowing the rules before filing is the point.

// apiRule is a rule of the pre-check catalogue.
type apiRule struct {
	ID           string       `json:"id" doc:"Stable rule ID; findings and marks name it." example:"SITE-NAME-BANNED-WORD"`
	Title        apiText      `json:"title" doc:"The rule in a few words."`
	Severity     string       `json:"severity" enum:"blocking,warning,reviewer_attention" doc:"Severity of its findings when established (a missing fact makes them reviewer_attention)." example:"blocking"`
	SeverityNote *apiText     `json:"severity_note,omitempty" doc:"When the severity depends on the province's pack."`
	AppliesTo    apiRuleScope `json:"applies_to" doc:"What the rule checks; an empty list does not restrict."`
	Reason       apiText      `json:"reason" doc:"The general reason; findings carry specific ones naming the value."`
	Remedy       apiText      `json:"remedy" doc:"The general remedy."`
	Sources      []string     `json:"sources" doc:"Where the rule comes from: spec sections (§6.2.3), rejection rows (R6), province tables." example:"[\"§6.5\"]"`
	Facts        []string     `json:"facts" doc:"Outside facts the rule consults (records, contacts, domains, dns, homepages, blacklist, resources, registry, networks); rules needing remote ones run on submission only."`
}

// apiRuleScope is what a rule applies to.
type apiRuleScope struct {
	Types     []beian.OrderType `json:"types" doc:"Filing types."`
	Natures   []string          `json:"natures" doc:"Subject natures."`
	Kinds     []string          `json:"kinds" doc:"Service kinds (website, app, mini_program)."`
	Provinces []string          `json:"provinces" doc:"Province codes."`
	From      string            `json:"from,omitempty" doc:"In force from this date."`
	Until     string            `json:"until,omitempty" doc:"In force before this date."`
}

func newAPIRule(r *rules.Rule) apiRule {
	out := apiRule{ID: r.ID, Title: r.Title, Severity: r.Severity.String(), Reason: r.Reason, Remedy: r.Remedy,
		Sources: apiNonNil(r.Sources), Facts: []string{},
		AppliesTo: apiRuleScope{Types: apiNonNil(r.Applies.Types), Natures: []string{}, Kinds: []string{},
			Provinces: apiNonNil(r.Applies.Provinces), From: r.Applies.From.String(), Until: r.Applies.Until.String()}}
	if r.SeverityNote != (beian.Text{}) {
		n := r.SeverityNote
		out.SeverityNote = &n
	}
	for _, n := range r.Applies.Natures {
		out.AppliesTo.Natures = append(out.AppliesTo.Natures, string(n))
	}
	for _, k := range r.Applies.Kinds {
		out.AppliesTo.Kinds = append(out.AppliesTo.Kinds, string(k))
	}
	for _, f := range r.Facts {
		out.Facts = append(out.Facts, string(f))
	}
	return out
}

// apiRejectionReason is a row of the rejection catalogue.
type apiRejectionReason struct {
	ID     string  `json:"id" doc:"R1 … R28." example:"R1"`
	Reason apiText `json:"reason" doc:"The reason (驳回原因)."`
	Remedy apiText `json:"remedy" doc:"The correction (修改措施)."`
}

// apiCode is one code of a code list with its names.
type apiCode struct {
	Code string  `json:"code" doc:"The code the API uses." example:"first_filing"`
	Name apiText `json:"name" doc:"Its name for people."`
}

type (
	apiRulesInput struct {
		Type     beian.OrderType `query:"type" doc:"Only rules that check this filing type."`
		Province apiProvince     `query:"province" doc:"Only rules in force in this province (national rules included)."`
	}
	apiRulesOutput struct {
		Body apiRuleList
	}
	// apiRuleList is the rule catalogue.
	apiRuleList struct {
		Items []apiRule `json:"items" doc:"In catalogue order."`
		Total int       `json:"total" doc:"Number of rules listed."`
	}
	apiReasonsOutput struct {
		Body apiRejectionReasonList
	}
	// apiRejectionReasonList is the rejection catalogue.
	apiRejectionReasonList struct {
		Items []apiRejectionReason `json:"items" doc:"In row order."`
	}
	apiDictionaryOutput struct {
		Body apiDictionary
	}
	// apiDictionary holds the code lists.
	apiDictionary struct {
		OrderTypes       []apiCode `json:"order_types" doc:"Filing types (备案类型)."`
		OrderStates      []apiCode `json:"order_states" doc:"Order states, in lifecycle order."`
		Natures          []apiCode `json:"natures" doc:"Subject natures (主办单位性质)."`
		CertificateTypes []apiCode `json:"certificate_types" doc:"Certificate types (证件类型)."`
		Provinces        []apiCode `json:"provinces" doc:"Provinces by two-digit code."`
		// NatureCertificates says which subject certificates a nature
		// may file with, the check the wizard applies first.
		NatureCertificates map[string][]string `json:"nature_certificates" doc:"For each nature, the subject certificate types it may file with."`
		Policies           []apiCode           `json:"policies" doc:"Sub-user policies."`
	}
)

func (s *Server) apiCatalogueOperations(api huma.API) {
	apiRegister(api, apiPublic, huma.Operation{
		OperationID: "list-rules", Method: http.MethodGet, Path: "/rules", Tags: []string{"catalogue"},
		Summary:     "List the pre-check rules",
		Description: "The rule catalogue the pre-check runs (the same as docs/rules.md), with severity, scope, reason and remedy.",
	}, func(ctx context.Context, in *apiRulesInput) (*apiRulesOutput, error) {
		out := &apiRulesOutput{}
		out.Body.Items = []apiRule{}
		// The catalogue is the embedded default engine's, which is the
		// one the workflow runs (workflow.New uses rules.Default).
		for _, r := range rules.Default().Rules() {
			if in.Type != "" && len(r.Applies.Types) > 0 && !slices.Contains(r.Applies.Types, in.Type) {
				continue
			}
			if in.Province != "" && len(r.Applies.Provinces) > 0 && !slices.Contains(r.Applies.Provinces, string(in.Province)) {
				continue
			}
			out.Body.Items = append(out.Body.Items, newAPIRule(r))
		}
		out.Body.Total = len(out.Body.Items)
		return out, nil
	})

	apiRegister(api, apiPublic, huma.Operation{
		OperationID: "list-rejection-reasons", Method: http.MethodGet, Path: "/rejection-reasons", Tags: []string{"catalogue"},
		Summary:     "List the rejection reasons",
		Description: "The provider's rejection catalogue (备案审核驳回FAQ), R1–R28: the reasons reviewers mark fields with.",
	}, func(ctx context.Context, _ *struct{}) (*apiReasonsOutput, error) {
		out := &apiReasonsOutput{}
		for _, r := range beian.RejectionReasons {
			out.Body.Items = append(out.Body.Items, apiRejectionReason{ID: r.ID, Reason: r.Title, Remedy: r.Remedy})
		}
		return out, nil
	})

	apiRegister(api, apiPublic, huma.Operation{
		OperationID: "get-dictionary", Method: http.MethodGet, Path: "/dictionary", Tags: []string{"catalogue"},
		Summary:     "Get the code lists",
		Description: "Every code the API uses with its Chinese and English names, for forms and reports.",
	}, func(ctx context.Context, _ *struct{}) (*apiDictionaryOutput, error) {
		out := &apiDictionaryOutput{}
		b := &out.Body
		for _, t := range beian.OrderTypes {
			b.OrderTypes = append(b.OrderTypes, apiCode{string(t), t.Text()})
		}
		for _, st := range beian.OrderStates {
			b.OrderStates = append(b.OrderStates, apiCode{string(st), st.Text()})
		}
		for _, n := range beian.Natures {
			b.Natures = append(b.Natures, apiCode{string(n), n.Text()})
		}
		for _, c := range apiCertificateTypes() {
			b.CertificateTypes = append(b.CertificateTypes, apiCode{c, beian.CertificateType(c).Text()})
		}
		for _, p := range beian.Provinces {
			b.Provinces = append(b.Provinces, apiCode{p.Code, beian.Text{ZH: p.Name, EN: p.NameEN}})
		}
		b.NatureCertificates = map[string][]string{}
		for n, cs := range beian.NatureCertificates {
			b.NatureCertificates[string(n)] = apiEnumValues(cs)
		}
		for _, p := range beian.Policies {
			b.Policies = append(b.Policies, apiCode{string(p), p.Text()})
		}
		return out, nil
	})
}
