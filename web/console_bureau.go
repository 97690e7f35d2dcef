package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"console.bureau.not_configured": {ZH: "尚未配置管局接口连接，暂不能提交管局。", EN: "No bureau connection is configured; orders cannot be submitted yet."},
		"console.bureau.none_selected":  {ZH: "请至少选择一个订单。", EN: "Select at least one order."},
	})
}

type consoleBureauGroup struct {
	Province string
	Code     string
	List     consoleList
	Ready    int
}

type consoleBureauData struct {
	consoleBase
	Groups []consoleBureauGroup
	Total  int
	// Configured reports whether orders can be sent: the bureau exchange
	// is wired and a connection exists.
	Configured bool
	CanSubmit  bool
}

// consoleBureau lists the orders waiting for submission to the bureau,
// grouped by province (one bureau connection each), with the subject
// cancellations that still wait for the customer's confirmation shown but
// not selectable.
func (s *Server) consoleBureau(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	tr := s.translator(r)
	batches, err := s.cfg.Workflow.BureauQueue(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &consoleBureauData{consoleBase: consoleBase{Active: "bureau"}, Configured: s.bureauConfigured(), CanSubmit: workflow.CanReview(u)}
	for _, b := range batches {
		g := consoleBureauGroup{Code: b.Province, Province: b.Province,
			List: consoleList{translator: tr, Empty: "console.bureau.empty", Select: d.Configured && d.CanSubmit}}
		if p, ok := beian.ProvinceByCode(b.Province); ok {
			g.Province = p.Name
			if tr.lang == beian.LangEN {
				g.Province = p.NameEN
			}
		}
		for _, o := range b.Orders {
			row := newConsoleOrderRow(tr, o)
			if workflow.Ready(o) {
				g.Ready++
			}
			g.List.Rows = append(g.List.Rows, row)
		}
		d.Total += len(g.List.Rows)
		d.Groups = append(d.Groups, g)
	}
	s.render(w, r, http.StatusOK, "console/bureau", s.consolePage(r, "console.bureau.title", &d.consoleBase, d))
}

// bureauConfigured reports whether the bureau exchange can take orders.
// Until the exchange's submission is wired into the console it cannot,
// and the page says so instead of offering a button that fails.
func (s *Server) bureauConfigured() bool { return false }

// consoleBureauSubmit submits the selected orders to their bureaus as a
// batch.
func (s *Server) consoleBureauSubmit(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	var err error
	switch {
	case len(r.PostForm["order"]) == 0:
		err = beian.Invalid("order", "console.bureau.none_selected")
	case !s.bureauConfigured():
		err = beian.Errorf(beian.ECONFLICT, "console.bureau.not_configured")
	}
	s.consoleDone(w, r, "/console/bureau", "console.flash.submitted", err)
}
