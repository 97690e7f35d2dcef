package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// consoleRoutes registers the staff console: the dashboard, the review
// queue, the order review page and its actions, bureau submission and
// staff management; and the document route that serves an order's
// uploads to staff and to the order's customer.
func (s *Server) consoleRoutes(page route) {
	page("GET /console", s.requireStaff(s.consoleDashboard))
	page("GET /console/{$}", s.requireStaff(s.consoleDashboard))
	page("GET /console/queue", s.requireStaff(s.consoleQueue))
	page("GET /console/orders/{id}", s.requireStaff(s.consoleOrder))
	page("POST /console/orders/{id}/claim", s.requireStaff(s.consoleClaim))
	page("POST /console/orders/{id}/release", s.requireStaff(s.consoleRelease))
	page("POST /console/orders/{id}/decision", s.requireStaff(s.consoleDecision))
	page("POST /console/orders/{id}/phone", s.requireStaff(s.consolePhone))
	page("POST /console/orders/{id}/video", s.requireStaff(s.consoleVideo))
	page("POST /console/orders/{id}/video/{check}", s.requireStaff(s.consoleVideoResult))
	page("GET /console/bureau", s.requireStaff(s.consoleBureau))
	page("POST /console/bureau/submit", s.requireStaff(s.consoleBureauSubmit))
	page("GET /console/staff", s.requireAdmin(s.consoleStaff))
	page("POST /console/staff", s.requireAdmin(s.consoleStaffCreate))
	page("POST /console/staff/{id}/disable", s.requireAdmin(s.consoleStaffDisable))
	page("POST /console/staff/{id}/enable", s.requireAdmin(s.consoleStaffEnable))
	page("GET /documents/{order}/{ref...}", s.requireUser(s.orderDocument))
}

// requireStaff lets provider staff through; anonymous users are sent to
// sign in and customers are refused, so the console never shows a
// customer anything.
func (s *Server) requireStaff(next http.HandlerFunc) http.Handler {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if u := s.currentUser(r); !u.Role.IsStaff() {
			s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "console.staff_only"))
			return
		}
		next(w, r)
	})
}

// requireAdmin lets provider administrators through.
func (s *Server) requireAdmin(next http.HandlerFunc) http.Handler {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if u := s.currentUser(r); u.Role != beian.RoleAdmin {
			s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "staff.admin_only"))
			return
		}
		next(w, r)
	})
}

// consoleBase is what every console page's data carries for the console's
// navigation.
type consoleBase struct {
	// Active names the navigation entry of the page.
	Active string
	Admin  bool
	// FlashError marks the flash as a failure rather than a confirmation.
	FlashError bool
}

// Session keys of the console's one-shot messages, shown on the page a
// form redirects to.
const (
	consoleFlashKey      = "console.flash"
	consoleFlashErrorKey = "console.flash_error"
)

// consoleFlash stores a message for the next page the user sees.
func (s *Server) consoleFlash(r *http.Request, msg string, failed bool) {
	s.sessions.Put(r.Context(), consoleFlashKey, msg)
	s.sessions.Put(r.Context(), consoleFlashErrorKey, failed)
}

// consolePage builds a console page and takes the pending flash message.
func (s *Server) consolePage(r *http.Request, title string, base *consoleBase, data any) Page {
	p := s.page(r, title, data)
	base.Admin = p.User != nil && p.User.Role == beian.RoleAdmin
	p.Flash = s.sessions.PopString(r.Context(), consoleFlashKey)
	base.FlashError = s.sessions.PopBool(r.Context(), consoleFlashErrorKey)
	return p
}

// consoleDone finishes a console form: JSON clients get the error as
// problem JSON; browsers go back to next with the outcome as a flash
// message, so the reviewer stays where they were working. Only what the
// reviewer can act on (invalid input, a conflict) is a flash; a refusal,
// a missing order or a failure renders as an error page with its status.
func (s *Server) consoleDone(w http.ResponseWriter, r *http.Request, next string, okKey string, err error) {
	if err != nil && wantsJSON(r) {
		s.renderError(w, r, err)
		return
	}
	if err != nil {
		if code := beian.ErrorCode(err); code != beian.EINVALID && code != beian.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.consoleFlash(r, beian.ErrorMessage(requestLang(r), err), true)
	} else {
		s.consoleFlash(r, s.translator(r).T(okKey), false)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// consoleForm parses a console form, small by nature.
func consoleForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return beian.Errorf(beian.EINVALID, "console.form_bad")
	}
	return nil
}

// cxTime shows an instant in China time, as every deadline in Beian.
func cxTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beian.ChinaTime).Format("2006-01-02 15:04")
}

// cxDate shows an instant's date in China.
func cxDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beian.ChinaTime).Format("2006-01-02")
}

// consoleDue is a countdown as pages show it.
type consoleDue struct {
	Date  string
	Text  string
	Level string
}

func newConsoleDue(tr translator, c workflow.Countdown) consoleDue {
	d := consoleDue{Date: cxDate(c.Due), Level: c.Level()}
	switch {
	case c.Due.IsZero():
		d.Text = tr.T("console.due.none")
	case !c.Known && c.Overdue:
		d.Text = tr.T("console.due.overdue_plain")
	case !c.Known:
		d.Text = tr.T("console.due.by", "Date", d.Date)
	case c.Overdue && c.Left < 0:
		d.Text = tr.T("console.due.overdue", "Count", -c.Left)
	case c.Overdue:
		d.Text = tr.T("console.due.overdue_plain")
	case c.Left == 0:
		d.Text = tr.T("console.due.today")
	default:
		d.Text = tr.T("console.due.left", "Count", c.Left)
	}
	return d
}

// consoleOrderRow is an order in a console list.
type consoleOrderRow struct {
	ID, Short, Type, Subject, Province, State, StateKey string
	Created, Changed                                    string
	Due                                                 consoleDue
	Claim                                               workflow.Claim
	CanClaim, CanRelease                                bool
	Unconfirmed                                         bool
}

func newConsoleOrderRow(tr translator, o *beian.Order) consoleOrderRow {
	row := consoleOrderRow{ID: o.ID, Short: shortID(o.ID), Type: o.Type.Text().In(tr.lang), Subject: o.SubjectName(),
		State: o.State.Text().In(tr.lang), StateKey: string(o.State), Created: cxTime(o.CreatedAt), Changed: cxTime(o.StateChangedAt)}
	if p, ok := beian.ProvinceByCode(o.Province); ok {
		row.Province = p.Name
		if tr.lang == beian.LangEN {
			row.Province = p.NameEN
		}
	}
	row.Unconfirmed = o.Type == beian.CancelSubject && !o.CancellationConfirmed
	return row
}

// consoleList is a table of orders for the console_orders partial. It
// carries the translator, since a partial gets one argument and must still
// speak the page's language.
type consoleList struct {
	translator
	Rows []consoleOrderRow
	// Empty is the message key shown when there are no rows.
	Empty string
	// Columns and controls: the deadline, the claim, claim/release
	// buttons (which return to Self), selection checkboxes.
	ShowDue, ShowClaim, Actions, Select bool
	Self                                string
}

// shortID is the tail of an order ID, which is what people read out: the
// head of a UUIDv7 is the time and barely differs between orders.
func shortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// queryWith returns the query of u with key set to value (removed when
// value is empty).
func queryWith(q url.Values, key, value string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	if len(c) == 0 {
		return ""
	}
	return "?" + c.Encode()
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}
