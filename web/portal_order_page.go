package web

import (
	"net/http"
	"slices"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// orderPage is what every order page shows above its content: the header,
// the step navigation and the notes summary.
type orderPage struct {
	Header       orderHeader
	Nav          []navItem
	Fix          bool
	AllStepsHref string
	// Summary are the notes of this page, Other those of other pages.
	Summary, Other []noteView
}

// orderEditData is a wizard step.
type orderEditData struct {
	orderPage
	Step      string
	StepTitle string
	Form      *orderForm
	Opt       *orderOptions
	Snap      *beian.Snapshot
	Version   int
	Editable  bool
	// NextHref and NextLabel name where "save and continue" leads.
	NextLabel                string
	CanAddWebsite, CanAddApp bool
	Individual               bool
	Province                 string
}

// newOrderPage builds the header, navigation and notes of an order page,
// and returns the order's materials checklist it placed them by.
func (s *Server) newOrderPage(r *http.Request, o *beian.Order, res rules.Result, errs []formError, current string, fix bool) (orderPage, *orderNotes, []rules.MaterialNeed) {
	tr := s.translator(r)
	needs := s.cfg.Workflow.RequiredMaterials(r.Context(), o, rules.ModeDraft)
	notes := buildNotes(tr, s.cfg.Workflow.ExplainMark, o, res, needs, flatten(&o.Snapshot), errs, fix)
	p := orderPage{Header: newOrderHeader(tr, o), Nav: orderNav(tr, o, notes, current, fix), Fix: fix,
		AllStepsHref: "/portal/orders/" + o.ID + "/edit/" + wizardSteps(o.Type)[0]}
	p.Summary = notes.stepNotes(current)
	p.Other = notes.otherNotes(current)
	return p, notes, needs
}

// editData builds a wizard step's page; raw holds inputs that could not be
// stored, shown again as typed.
func (s *Server) editData(r *http.Request, o *beian.Order, step string, res rules.Result, errs []formError) orderEditData {
	tr := s.translator(r)
	fix := r.URL.Query().Get("fix") == "1" || r.PostForm.Get("fix") == "1"
	vals := flatten(&o.Snapshot)
	raw := map[string]string{}
	for _, e := range errs {
		if e.Key != "" {
			raw[e.Path] = e.Raw
		}
	}
	basis, err := s.cfg.Workflow.OrderBasis(r.Context(), s.currentUser(r), o.ID)
	if err != nil {
		s.log.WarnContext(r.Context(), "order basis unavailable", "err", err)
	}
	page, notes, _ := s.newOrderPage(r, o, res, errs, step, fix)
	opt := newOrderOptions(tr.lang, &o.Snapshot.Subject)
	d := orderEditData{orderPage: page, Step: step, StepTitle: tr.T("order.step." + step),
		Form: &orderForm{Opt: &opt, tr: tr, vals: vals, raw: raw, notes: notes, ro: readOnly(o, basis),
			MaterialsHref: "/portal/orders/" + o.ID + "/materials", UploadPermitText: tr.T("order.form.upload_permit"),
			ShowPrincipalText: tr.T("order.form.show_principal")}, Opt: &opt,
		Snap: &o.Snapshot, Version: o.Version, Editable: o.State.Editable(),
		CanAddWebsite: canAddServices(o.Type, stepWebsites), CanAddApp: canAddServices(o.Type, stepApps),
		Individual: o.Snapshot.Subject.Nature.IsIndividual(), Province: o.Province}
	steps := wizardSteps(o.Type)
	d.NextLabel = tr.T("order.step.materials")
	if i := slices.Index(steps, step); i >= 0 && i+1 < len(steps) {
		d.NextLabel = tr.T("order.step." + steps[i+1])
	}
	return d
}

// nextHref is where "save and continue" leads after step.
func nextHref(o *beian.Order, step string, fix bool) string {
	base := "/portal/orders/" + o.ID
	q := ""
	if fix {
		q = "?fix=1"
	}
	steps := wizardSteps(o.Type)
	if i := slices.Index(steps, step); i >= 0 && i+1 < len(steps) {
		return base + "/edit/" + steps[i+1] + q
	}
	return base + "/materials" + q
}

// hasStep reports whether orders of type t have the wizard step.
func hasStep(t beian.OrderType, step string) bool { return slices.Contains(wizardSteps(t), step) }
