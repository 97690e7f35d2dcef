package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// materialListData is the materials page: the checklist computed from the
// rule catalogue for the order's nature, province and type, each document
// with its status and upload form.
type materialListData struct {
	orderPage
	Checklist   checklist
	Editable    bool
	OtherAction string
	ImageLimit  string
	// Attempt is the upload just made, when the page answers it.
	Attempt *uploadAttempt
}

// uploadAttempt is the outcome of an upload shown on the page.
type uploadAttempt struct {
	RowID    string
	Name     string
	Rejected bool
	Message  string
	Notes    []uploadNote
}

// materialList shows the materials checklist.
func (s *Server) materialList(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.page(r, "material.title", s.materialData(r, o, nil))
	if r.URL.Query().Get("uploaded") != "" {
		p.Flash = p.T("material.flash.uploaded")
	}
	s.render(w, r, http.StatusOK, "portal/material_list", p)
}

func (s *Server) materialData(r *http.Request, o *beian.Order, attempt *uploadAttempt) materialListData {
	tr := s.translator(r)
	res := s.cfg.Workflow.Precheck(r.Context(), o, rules.ModeDraft)
	page, _, needs := s.newOrderPage(r, o, res, nil, "materials", r.URL.Query().Get("fix") == "1")
	d := materialListData{orderPage: page, Editable: o.State.Editable(), Attempt: attempt,
		Checklist:   buildChecklist(tr, o, needs, "materials"),
		OtherAction: uploadAction(o, rules.MaterialOther, "subject", "", "materials"),
		ImageLimit:  sizeLabel(4 << 20)}
	attachAttempt(d.Checklist.Groups, attempt)
	return d
}

// attachAttempt shows an upload's findings at its checklist row.
func attachAttempt(groups []materialGroup, a *uploadAttempt) {
	if a == nil {
		return
	}
	for g := range groups {
		for i := range groups[g].Rows {
			if groups[g].Rows[i].ID == a.RowID {
				groups[g].Rows[i].Findings = a.Notes
			}
		}
	}
}
