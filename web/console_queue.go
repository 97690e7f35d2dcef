package web

import (
	"net/http"
	"strconv"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"console.form_bad": {ZH: "表单无法读取，请刷新页面后重试。", EN: "The form could not be read; reload the page and try again."},
	})
}

// consoleOption is a choice in a select.
type consoleOption struct {
	Value, Label string
	Selected     bool
}

type consoleQueueData struct {
	consoleBase
	List     consoleList
	Total    int
	Page     int
	Pages    int
	PrevHref string
	NextHref string
	// Filter values as submitted, and the choices of the filter form.
	Provinces, Types, States, Claims []consoleOption
	Overdue, LatestFirst             bool
	// Self is the queue's URL with its filters, where claim and release
	// come back to.
	Self      string
	CanReview bool
}

// consoleQueue lists the orders waiting for preliminary review, earliest
// deadline first, with filters and pagination in the query string so that
// a filtered queue can be bookmarked and shared.
func (s *Server) consoleQueue(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	tr := s.translator(r)
	q := r.URL.Query()
	f := workflow.QueueFilter{Province: q.Get("province"), Type: beian.OrderType(q.Get("type")), State: beian.OrderState(q.Get("state")),
		Claim: q.Get("claim"), Overdue: q.Get("overdue") == "1", LatestDueFirst: q.Get("sort") == "due_desc", Page: atoiOr(q.Get("page"), 1)}
	// Unknown filter values are dropped rather than refused: a stale
	// bookmark should still show a queue.
	if _, ok := beian.ProvinceByCode(f.Province); !ok {
		f.Province = ""
	}
	if !f.Type.Valid() {
		f.Type = ""
	}
	if f.State != beian.AwaitingPrelim && f.State != beian.ModifiedAwaitingReview {
		f.State = ""
	}
	if f.Claim != workflow.ClaimMine && f.Claim != workflow.ClaimUnclaimed {
		f.Claim = workflow.ClaimAny
	}
	page, err := s.cfg.Workflow.ReviewQueue(r.Context(), u, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &consoleQueueData{consoleBase: consoleBase{Active: "queue"}, Total: page.Total, Page: page.Page, Pages: page.Pages,
		Overdue: f.Overdue, LatestFirst: f.LatestDueFirst, Self: r.URL.RequestURI(), CanReview: workflow.CanReview(u)}
	for _, it := range page.Items {
		row := newConsoleOrderRow(tr, it.Order)
		row.Due, row.Claim = newConsoleDue(tr, it.Due), it.Claim
		row.CanClaim = d.CanReview && !it.Claim.Mine && (!it.Claim.Held() || u.Role == beian.RoleAdmin)
		row.CanRelease = d.CanReview && it.Claim.By != "" && (it.Claim.Mine || u.Role == beian.RoleAdmin)
		d.List.Rows = append(d.List.Rows, row)
	}
	d.List.translator, d.List.Empty, d.List.ShowDue, d.List.ShowClaim, d.List.Actions, d.List.Self = tr, "console.queue.empty", true, true, true, d.Self
	if page.Page > 1 {
		d.PrevHref = r.URL.Path + queryWith(q, "page", strconv.Itoa(page.Page-1))
	}
	if page.Page < page.Pages {
		d.NextHref = r.URL.Path + queryWith(q, "page", strconv.Itoa(page.Page+1))
	}
	d.Provinces = []consoleOption{{Value: "", Label: tr.T("console.filter.all_provinces")}}
	for _, p := range beian.Provinces {
		label := p.Name
		if tr.lang == beian.LangEN {
			label = p.NameEN
		}
		d.Provinces = append(d.Provinces, consoleOption{Value: p.Code, Label: label, Selected: p.Code == f.Province})
	}
	d.Types = []consoleOption{{Value: "", Label: tr.T("console.filter.all_types")}}
	for _, t := range beian.OrderTypes {
		d.Types = append(d.Types, consoleOption{Value: string(t), Label: t.Text().In(tr.lang), Selected: t == f.Type})
	}
	d.States = []consoleOption{{Value: "", Label: tr.T("console.filter.all_states")}}
	for _, st := range workflow.ReviewStates() {
		d.States = append(d.States, consoleOption{Value: string(st), Label: st.Text().In(tr.lang), Selected: st == f.State})
	}
	d.Claims = []consoleOption{
		{Value: workflow.ClaimAny, Label: tr.T("console.filter.claim_any"), Selected: f.Claim == workflow.ClaimAny},
		{Value: workflow.ClaimMine, Label: tr.T("console.filter.claim_mine"), Selected: f.Claim == workflow.ClaimMine},
		{Value: workflow.ClaimUnclaimed, Label: tr.T("console.filter.claim_none"), Selected: f.Claim == workflow.ClaimUnclaimed},
	}
	s.render(w, r, http.StatusOK, "console/queue", s.consolePage(r, "console.queue.title", &d.consoleBase, d))
}

// consoleClaim takes an order for review; consoleRelease gives it back.
// Both return to where the reviewer clicked (the queue with its filters,
// or the order).
func (s *Server) consoleClaim(w http.ResponseWriter, r *http.Request) {
	s.consoleClaimAction(w, r, true)
}

func (s *Server) consoleRelease(w http.ResponseWriter, r *http.Request) {
	s.consoleClaimAction(w, r, false)
}

func (s *Server) consoleClaimAction(w http.ResponseWriter, r *http.Request, claim bool) {
	id := r.PathValue("id")
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	next := safeNext(r.PostForm.Get("next"), "/console/orders/"+id)
	u := s.currentUser(r)
	var err error
	key := "console.flash.claimed"
	if claim {
		_, err = s.cfg.Workflow.Claim(r.Context(), u, id)
	} else {
		_, err = s.cfg.Workflow.Release(r.Context(), u, id)
		key = "console.flash.released"
	}
	s.consoleDone(w, r, next, key, err)
}
