package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// usersData is the sub-users and groups page.
type usersData struct {
	Team     *workflow.Team
	Policies []verifyChoice
	// Form keeps the create form's input after an error.
	Login, DisplayName string
}

// Has reports whether list holds v, for checkboxes.
func (usersData) Has(list []string, v string) bool { return slices.Contains(list, v) }

// HasPolicy reports whether the group carries policy p.
func (usersData) HasPolicy(g *beian.Group, p string) bool {
	return slices.Contains(g.Policies, beian.Policy(p))
}

// usersPage shows the main account's sub-users and groups.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	team, err := s.cfg.Workflow.Team(r.Context(), s.currentUser(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "portal/users", s.selfServicePage(r, "users.title", s.usersData(r, team)))
}

func (s *Server) usersData(r *http.Request, team *workflow.Team) usersData {
	lang := requestLang(r)
	d := usersData{Team: team}
	for _, p := range beian.Policies {
		d.Policies = append(d.Policies, verifyChoice{string(p), p.Text().In(lang)})
	}
	return d
}

// usersCreate creates a sub-user.
func (s *Server) usersCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	in := workflow.SubUserInput{Login: r.PostForm.Get("login"), DisplayName: r.PostForm.Get("display_name"),
		Password: r.PostForm.Get("password"), Groups: r.PostForm["groups"]}
	sub, err := s.cfg.Workflow.CreateSubUser(r.Context(), s.currentUser(r), in)
	if err != nil && beian.ErrorCode(err) != beian.EINTERNAL {
		// Show the form again with what was typed (never the password).
		team, terr := s.cfg.Workflow.Team(r.Context(), s.currentUser(r))
		if terr != nil {
			s.renderError(w, r, terr)
			return
		}
		d := s.usersData(r, team)
		d.Login, d.DisplayName = strings.TrimSpace(in.Login), strings.TrimSpace(in.DisplayName)
		p := s.selfServicePage(r, "users.title", d)
		e, _ := beian.AsError(err)
		p.Error = &ErrorView{Status: codeStatus[beian.ErrorCode(err)], Code: beian.ErrorCode(err), Message: beian.ErrorMessage(requestLang(r), err)}
		if e != nil {
			p.Error.Field = e.Field
		}
		s.render(w, r, p.Error.Status, "portal/users", p)
		return
	}
	login := ""
	if sub != nil {
		login = sub.Login
	}
	s.selfServiceDone(w, r, "/portal/users", "users.flash.created", err, "Login", login)
}

// usersUpdate applies one of a sub-user's forms: groups, services, or
// disable/enable.
func (s *Server) usersUpdate(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u, id := s.currentUser(r), r.PathValue("id")
	var err error
	key := "users.flash.saved"
	switch r.PathValue("what") {
	case "groups":
		err = s.cfg.Workflow.SetSubUserGroups(r.Context(), u, id, r.PostForm["groups"])
	case "services":
		err = s.cfg.Workflow.SetSubUserServices(r.Context(), u, id, r.PostForm["services"])
	case "disable":
		err, key = s.cfg.Workflow.SetSubUserDisabled(r.Context(), u, id, true), "users.flash.disabled"
	case "enable":
		err, key = s.cfg.Workflow.SetSubUserDisabled(r.Context(), u, id, false), "users.flash.enabled"
	default:
		s.notFound(w, r)
		return
	}
	s.selfServiceDone(w, r, "/portal/users#user-"+id, key, err)
}

// groupsCreate creates a group.
func (s *Server) groupsCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err := s.cfg.Workflow.CreateGroup(r.Context(), s.currentUser(r), groupInput(r))
	s.selfServiceDone(w, r, "/portal/users#groups", "users.flash.group_created", err, "Name", strings.TrimSpace(r.PostForm.Get("name")))
}

// groupsUpdate saves or deletes a group.
func (s *Server) groupsUpdate(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u, id := s.currentUser(r), r.PathValue("id")
	switch r.PathValue("what") {
	case "save", "delete":
	default:
		s.notFound(w, r)
		return
	}
	if r.PathValue("what") == "delete" {
		err := s.cfg.Workflow.DeleteGroup(r.Context(), u, id)
		s.selfServiceDone(w, r, "/portal/users#groups", "users.flash.group_deleted", err)
		return
	}
	err := s.cfg.Workflow.UpdateGroup(r.Context(), u, id, groupInput(r))
	s.selfServiceDone(w, r, "/portal/users#group-"+id, "users.flash.saved", err)
}

func groupInput(r *http.Request) workflow.GroupInput {
	in := workflow.GroupInput{Name: r.PostForm.Get("name"), Description: r.PostForm.Get("description")}
	for _, p := range r.PostForm["policies"] {
		in.Policies = append(in.Policies, beian.Policy(p))
	}
	return in
}
