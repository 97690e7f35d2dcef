package web

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// The bureau queue is what passed preliminary review and waits to be
// submitted to the provincial bureau (待提交管局), one batch per province
// (one bureau connection each). Submitting is the bureau exchange's; its
// operation joins these when the exchange is wired into the server.

// apiBureauOrder is an order waiting for the bureau.
type apiBureauOrder struct {
	apiOrderSummary
	Ready bool `json:"ready" doc:"Whether it may go now; a subject cancellation waits for the customer's confirmation first."`
}

// apiBureauBatch is one province's waiting orders.
type apiBureauBatch struct {
	Province     string           `json:"province" doc:"The province code: one bureau connection." example:"11"`
	ProvinceName apiText          `json:"province_name" doc:"The province's name."`
	Orders       []apiBureauOrder `json:"orders" doc:"Oldest pass first."`
}

type (
	apiBureauQueueOutput struct {
		Body apiBureauQueue
	}
	// apiBureauQueue lists the batches.
	apiBureauQueue struct {
		Batches []apiBureauBatch `json:"batches" doc:"By province code."`
	}
)

func (s *Server) apiBureauOperations(api huma.API) {
	apiRegister(api, apiAccessScope(ScopeReview), huma.Operation{
		OperationID: "list-bureau-queue", Method: http.MethodGet, Path: "/bureau/queue", Tags: []string{"review"},
		Summary:     "List the orders waiting for the bureau (待提交管局)",
		Description: "Orders that passed preliminary review, by province, oldest pass first, each saying whether it may go now. Any staff role.",
	}, func(ctx context.Context, _ *struct{}) (*apiBureauQueueOutput, error) {
		batches, err := s.cfg.Workflow.BureauQueue(ctx, apiUser(ctx))
		if err != nil {
			return nil, err
		}
		out := &apiBureauQueueOutput{}
		out.Body.Batches = []apiBureauBatch{}
		for _, b := range batches {
			p, _ := beian.ProvinceByCode(b.Province)
			batch := apiBureauBatch{Province: b.Province, ProvinceName: beian.Text{ZH: p.Name, EN: p.NameEN}, Orders: []apiBureauOrder{}}
			for _, o := range b.Orders {
				batch.Orders = append(batch.Orders, apiBureauOrder{apiOrderSummary: apiSummaryOf(o), Ready: workflow.Ready(o)})
			}
			out.Body.Batches = append(out.Body.Batches, batch)
		}
		return out, nil
	})
}
