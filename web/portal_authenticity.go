package web

import (
	"net/http"
	"slices"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/letter"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// authenticityData is the authenticity page (真实性核验): the letters to
// print, sign and upload, and each service principal's verification — by
// default a short video the reviewer watches.
type authenticityData struct {
	orderPage
	Letters   []letterView
	Checklist checklist
	Persons   []personCheckView
	Vendor    bool
	Editable  bool
	Attempt   *uploadAttempt
}

// letterView is a letter to download.
type letterView struct {
	Kind, Title, Signer, Href string
}

// personCheckView is one service principal's verification.
type personCheckView struct {
	Service, Person, Status, StatusKind, Reason string
	StartAction                                 string
}

// authenticity shows the authenticity page.
func (s *Server) authenticity(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.page(r, "auth.title", s.authenticityData(r, o, nil))
	if r.URL.Query().Get("uploaded") != "" {
		p.Flash = p.T("material.flash.uploaded")
	}
	s.render(w, r, http.StatusOK, "portal/authenticity", p)
}

func (s *Server) authenticityData(r *http.Request, o *beian.Order, attempt *uploadAttempt) authenticityData {
	tr := s.translator(r)
	ctx := r.Context()
	res := s.cfg.Workflow.Precheck(ctx, o, rules.ModeDraft)
	page, _, all := s.newOrderPage(r, o, res, nil, "authenticity", false)
	page.Summary, page.Other = nil, nil
	d := authenticityData{orderPage: page, Editable: o.State.Editable(), Attempt: attempt,
		Vendor: s.liveness().Method() == beian.LivenessVendor}
	kinds := letter.Required(o)
	purposes := []string{rules.MaterialCommitmentVideo}
	for _, k := range kinds {
		d.Letters = append(d.Letters, letterView{Kind: string(k), Title: k.Title().In(tr.lang), Signer: tr.T("auth.signer." + string(k)),
			Href: "/portal/orders/" + o.ID + "/letters/" + string(k)})
		purposes = append(purposes, string(k))
	}
	var needs []rules.MaterialNeed
	for _, n := range all {
		if slices.Contains(purposes, n.Purpose) {
			needs = append(needs, n)
		}
	}
	needs = append(needs, optionalVideos(o, needs, d.Vendor)...)
	d.Checklist = buildChecklist(tr, o, needs, "authenticity")
	for g := range d.Checklist.Groups {
		d.Checklist.Groups[g].Rows = slices.DeleteFunc(d.Checklist.Groups[g].Rows, func(m materialRow) bool { return m.Kind == "extra" })
	}
	d.Checklist.Groups = slices.DeleteFunc(d.Checklist.Groups, func(g materialGroup) bool { return len(g.Rows) == 0 })
	attachAttempt(d.Checklist.Groups, attempt)
	_, checks, err := s.cfg.Workflow.Authenticity(ctx, s.currentUser(r), o.ID, s.liveness())
	if err != nil {
		s.log.WarnContext(ctx, "liveness status unavailable", "err", err)
	}
	for _, c := range checks {
		v := personCheckView{Service: c.Service, Person: c.Person.Name, Status: c.Liveness.Status.Text().In(tr.lang),
			StatusKind: string(c.Liveness.Status), Reason: c.Liveness.Reason.In(tr.lang)}
		if d.Vendor && d.Editable && c.Liveness.Status != beian.LivenessPassed {
			v.StartAction = "/portal/orders/" + o.ID + "/authenticity/" + c.Owner + "/start"
		}
		d.Persons = append(d.Persons, v)
	}
	return d
}

// optionalVideos offers the staff-review video to every service principal
// whose province does not require it: with no face-verification vendor it
// is how the reviewer sees the person.
func optionalVideos(o *beian.Order, needs []rules.MaterialNeed, vendor bool) []rules.MaterialNeed {
	if vendor || !o.Type.GoesToBureau() || o.Type.IsCancellation() {
		return nil
	}
	var out []rules.MaterialNeed
	owners := []string{}
	for _, w := range o.Snapshot.Websites {
		owners = append(owners, w.ID)
	}
	for _, a := range o.Snapshot.Apps {
		owners = append(owners, a.ID)
	}
	for _, owner := range owners {
		if !slices.ContainsFunc(needs, func(n rules.MaterialNeed) bool { return n.Purpose == rules.MaterialCommitmentVideo && n.Owner == owner }) {
			out = append(out, rules.MaterialNeed{Purpose: rules.MaterialCommitmentVideo, Owner: owner, Severity: rules.Warning})
		}
	}
	return out
}

// liveness returns the configured face-verification vendor, or staff
// review of the video.
func (s *Server) liveness() beian.LivenessVerifier {
	if s.cfg.Liveness != nil {
		return s.cfg.Liveness
	}
	return workflow.StaffReview{}
}
