package web

import (
	"context"
	"net/http"
	"net/netip"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// Filing resources (spec §10.1) come from the provider's cloud: it pushes
// its instances here — the same feed as the console's CSV import, item by
// item, all or nothing — and customers read theirs for product
// verification.

// apiResourceItem is one resource as the provider's cloud reports it.
type apiResourceItem struct {
	ExternalID  string       `json:"external_id" required:"true" minLength:"1" maxLength:"128" doc:"The cloud's instance ID; items update resources by it." example:"ecs-0a1b2c3d"`
	Account     string       `json:"account" required:"true" minLength:"1" maxLength:"100" doc:"The customer account owning it, by name (the main account's login)." example:"acme"`
	Kind        string       `json:"kind" required:"true" enum:"ecs,flexus_l,enterprise_portal,dedicated_cloud,nat_gateway,eip" doc:"ecs (incl. Flexus X), flexus_l, enterprise_portal, dedicated_cloud, nat_gateway; eip for stand-alone elastic IPs, which never qualify." example:"ecs"`
	Name        string       `json:"name,omitempty" maxLength:"128" doc:"The resource's name." example:"web-01"`
	Region      string       `json:"region" required:"true" minLength:"1" maxLength:"64" doc:"The cloud region." example:"cn-north-4"`
	Mainland    bool         `json:"mainland" required:"true" doc:"Whether the region is in mainland China (others cannot be filed)."`
	Billing     string       `json:"billing" required:"true" enum:"prepaid,on_demand" doc:"prepaid (包年/包月) or on_demand (按需)." example:"prepaid"`
	TermMonths  int          `json:"term_months,omitempty" minimum:"0" maximum:"100000" doc:"Prepaid months bought so far, renewals included (filings need 3, dedicated cloud 12)." example:"12"`
	ExpiresOn   beian.Date   `json:"expires_on,omitempty" doc:"The paid term's last day (China time); required for prepaid resources."`
	PublicIPs   []netip.Addr `json:"public_ips,omitempty" maxItems:"256" doc:"Public addresses; a filing lists them." example:"[\"121.36.10.20\"]"`
	FilingsUsed int          `json:"filings_used,omitempty" minimum:"0" maximum:"100000" doc:"Filings the cloud counted already; Beian keeps the larger of its own count and this."`
	FilingsMax  int          `json:"filings_max,omitempty" minimum:"0" maximum:"100000" doc:"The quota; 0 or absent: the kind's default (5 per server, 3 domains per enterprise portal)."`
}

type (
	apiResourcesOutput struct {
		Body apiResourceList
	}
	// apiResourceList is an account's resources.
	apiResourceList struct {
		Items []apiResource `json:"items" doc:"By kind and name."`
	}
	apiImportInput struct {
		Body apiResourceImport
	}
	// apiResourceImport is a batch of the provider's feed.
	apiResourceImport struct {
		Items []apiResourceItem `json:"items" required:"true" minItems:"1" maxItems:"5000" doc:"The resources; split larger feeds into batches of at most 5000."`
	}
	apiImportOutput struct {
		Body apiImportResult
	}
	// apiImportResult counts what a batch changed.
	apiImportResult struct {
		Created int `json:"created" doc:"Resources added." example:"3"`
		Updated int `json:"updated" doc:"Resources updated by external ID." example:"12"`
	}
)

func (s *Server) apiResourceOperations(api huma.API) {
	wf := func() *workflow.Workflow { return s.cfg.Workflow }

	apiRegister(api, apiAccessScope(ScopeResourcesRead), huma.Operation{
		OperationID: "list-resources", Method: http.MethodGet, Path: "/resources", Tags: []string{"resources"},
		Summary: "List your filing resources",
		Description: "The account's resources with their quota and, for each one product verification would refuse, why " +
			"and what to do. Customers and their sub-users with a policy.",
	}, func(ctx context.Context, _ *struct{}) (*apiResourcesOutput, error) {
		opts, err := wf().Resources(ctx, apiUser(ctx))
		if err != nil {
			return nil, err
		}
		out := &apiResourcesOutput{}
		out.Body.Items = []apiResource{}
		for _, o := range opts {
			out.Body.Items = append(out.Body.Items, newAPIResource(o))
		}
		return out, nil
	})

	apiRegister(api, apiAccessScope(ScopeResourcesWrite), huma.Operation{
		OperationID: "import-resources", Method: http.MethodPost, Path: "/resources/import", Tags: []string{"resources"},
		Summary: "Push resources from the provider's cloud (admin)",
		Description: "Inserts new resources and updates known ones by external ID (spec §10.1 fields). All of the batch or, " +
			"when any item is wrong, none of it: the 422 answer lists every problem as items[i].field. Beian's own count of " +
			"filings only grows. Provider admins only; a token for the cloud's push job needs the resources:write scope.",
		MaxBodyBytes: 8 << 20,
	}, func(ctx context.Context, in *apiImportInput) (*apiImportOutput, error) {
		items := make([]workflow.ResourceFeedItem, len(in.Body.Items))
		for i, it := range in.Body.Items {
			// Line numbers the items from 1, so that problems name them
			// (apiProblemFrom turns line n into items[n-1]).
			items[i] = workflow.ResourceFeedItem{Line: i + 1, ExternalID: it.ExternalID, AccountName: it.Account,
				Kind: beian.ResourceKind(it.Kind), Name: it.Name, Region: it.Region, Mainland: it.Mainland,
				Billing: beian.Billing(it.Billing), TermMonths: it.TermMonths, ExpiresOn: it.ExpiresOn, PublicIPs: it.PublicIPs,
				FilingsUsed: it.FilingsUsed, FilingsMax: it.FilingsMax}
		}
		res, err := wf().ImportResources(ctx, apiUser(ctx), items, "api")
		if err != nil {
			return nil, err
		}
		return &apiImportOutput{Body: apiImportResult{Created: res.Created, Updated: res.Updated}}, nil
	})
}
