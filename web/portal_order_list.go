package web

import (
	"net/http"

	"github.com/openbeian/beian"
)

// orderListData is the customer's orders: those in progress first, then
// the filed and abandoned ones (历史备案订单).
type orderListData struct {
	Sections []orderListSection
	Total    int
}

// orderListSection is one table of the list.
type orderListSection struct {
	ID, Title, Empty string
	Items            []orderListItem
}

type orderListItem struct {
	ID, Type, Subject, State, StateKey, Updated, Href string
	Editable                                          bool
}

// orderList lists the orders the user may see.
func (s *Server) orderList(w http.ResponseWriter, r *http.Request) {
	orders, total, err := s.cfg.Workflow.Orders(r.Context(), s.currentUser(r), beian.OrderFilter{Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tr := s.translator(r)
	lang := tr.lang
	active := orderListSection{ID: "active", Title: tr.T("order.list.active"), Empty: tr.T("order.list.none_active")}
	history := orderListSection{ID: "history", Title: tr.T("order.list.history")}
	for _, o := range orders {
		it := orderListItem{ID: o.ID, Type: o.Type.Text().In(lang), Subject: o.SubjectName(), State: o.State.Text().In(lang),
			StateKey: string(o.State), Updated: o.UpdatedAt.In(beian.ChinaTime).Format("2006-01-02 15:04"),
			Href: "/portal/orders/" + o.ID, Editable: o.State.Editable()}
		if o.State.InProgress() {
			active.Items = append(active.Items, it)
		} else {
			history.Items = append(history.Items, it)
		}
	}
	d := orderListData{Sections: []orderListSection{active}, Total: total}
	if len(history.Items) > 0 {
		d.Sections = append(d.Sections, history)
	}
	s.render(w, r, http.StatusOK, "portal/order_list", s.page(r, "order.list.title", d))
}
