package web

import (
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

type consoleStaffRow struct {
	ID, Login, Name, Email, Role, RoleKey, Created string
	Disabled, Self                                 bool
}

type consoleStaffData struct {
	consoleBase
	Rows  []consoleStaffRow
	Roles []consoleOption
	// Form keeps what the admin typed when a creation was refused; never
	// the password.
	Form workflow.StaffInput
}

var consoleRoles = []beian.Role{beian.RoleReviewer, beian.RoleCompliance, beian.RoleAdmin}

var roleText = map[beian.Role]beian.Text{
	beian.RoleReviewer:   {ZH: "审核员", EN: "Reviewer"},
	beian.RoleCompliance: {ZH: "合规专员", EN: "Compliance officer"},
	beian.RoleAdmin:      {ZH: "管理员", EN: "Administrator"},
}

// consoleStaff lists the provider's staff with a form to add one. Admins
// only.
func (s *Server) consoleStaff(w http.ResponseWriter, r *http.Request) {
	s.renderConsoleStaff(w, r, http.StatusOK, nil, workflow.StaffInput{Role: beian.RoleReviewer})
}

func (s *Server) renderConsoleStaff(w http.ResponseWriter, r *http.Request, status int, fail error, form workflow.StaffInput) {
	u := s.currentUser(r)
	tr := s.translator(r)
	staff, err := s.cfg.Workflow.StaffUsers(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form.Password = ""
	d := &consoleStaffData{consoleBase: consoleBase{Active: "staff"}, Form: form}
	for _, x := range staff {
		d.Rows = append(d.Rows, consoleStaffRow{ID: x.ID, Login: x.Login, Name: x.DisplayName, Email: x.Email,
			Role: roleText[x.Role].In(tr.lang), RoleKey: string(x.Role), Created: cxDate(x.CreatedAt), Disabled: x.Disabled, Self: x.ID == u.ID})
	}
	for _, role := range consoleRoles {
		d.Roles = append(d.Roles, consoleOption{Value: string(role), Label: roleText[role].In(tr.lang), Selected: role == form.Role})
	}
	p := s.consolePage(r, "console.staff.title", &d.consoleBase, d)
	if fail != nil {
		p.Error = &ErrorView{Status: status, Code: beian.ErrorCode(fail), Message: beian.ErrorMessage(tr.lang, fail)}
		if e, ok := beian.AsError(fail); ok {
			p.Error.Field = e.Field
		}
	}
	s.render(w, r, status, "console/staff", p)
}

// consoleStaffCreate adds a staff user with an initial password.
func (s *Server) consoleStaffCreate(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	pf := r.PostForm
	in := workflow.StaffInput{Login: pf.Get("login"), DisplayName: pf.Get("display_name"), Email: pf.Get("email"),
		Role: beian.Role(pf.Get("role")), Password: pf.Get("password")}
	nu, err := s.cfg.Workflow.CreateStaff(r.Context(), s.currentUser(r), in)
	if err != nil {
		if wantsJSON(r) || codeStatus[beian.ErrorCode(err)] >= 500 {
			s.renderError(w, r, err)
			return
		}
		s.renderConsoleStaff(w, r, codeStatus[beian.ErrorCode(err)], err, in)
		return
	}
	s.consoleFlash(r, s.translator(r).T("console.flash.staff_created", "Login", nu.Login), false)
	http.Redirect(w, r, "/console/staff", http.StatusSeeOther)
}

// consoleStaffDisable and consoleStaffEnable switch a staff user off and
// on; a disabled user's sessions end at their next request.
func (s *Server) consoleStaffDisable(w http.ResponseWriter, r *http.Request) {
	s.consoleStaffSwitch(w, r, true)
}

func (s *Server) consoleStaffEnable(w http.ResponseWriter, r *http.Request) {
	s.consoleStaffSwitch(w, r, false)
}

func (s *Server) consoleStaffSwitch(w http.ResponseWriter, r *http.Request, disabled bool) {
	_, err := s.cfg.Workflow.SetStaffDisabled(r.Context(), s.currentUser(r), r.PathValue("id"), disabled)
	key := "console.flash.staff_enabled"
	if disabled {
		key = "console.flash.staff_disabled"
	}
	s.consoleDone(w, r, "/console/staff", key, err)
}
