package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// outboxRoutes registers the outbox: every notification Beian wrote, for
// provider admins, and for customers their own messages that never left
// Beian — in-app messages, and in the zero-config default (no SMTP server
// or SMS gateway configured) every message, kept in the outbox instead of
// being sent. Customers also choose their message language here.
func (s *Server) outboxRoutes(page route) {
	page("GET /outbox", s.requireUser(s.outbox))
	page("POST /outbox/language", s.requireUser(s.outboxLanguage))
}

// outboxPageSize is how many messages one page lists.
const outboxPageSize = 50

// outboxRow is one notification as the page shows it.
type outboxRow struct {
	ID        string
	Channel   beian.Channel
	Recipient string // masked unless the viewer is an admin
	Template  string // translated name of the message
	Status    beian.NotificationStatus
	Transport string
	Subject   string
	// Paragraphs are the text's paragraphs, each a list of lines: the page
	// keeps the message's line breaks without styles (the CSP allows none
	// inline) and without JavaScript.
	Paragraphs [][]string
	LastError  string
	Attempts   int
	Order      string
	Created    string // in China time, as every deadline in Beian
}

type outboxData struct {
	Admin    bool
	Rows     []outboxRow
	Total    int
	Page     int
	Prev     int // 0 when there is no previous page
	Next     int // 0 when there is no next page
	Channel  string
	Status   string
	Channels []beian.Channel
	Statuses []beian.NotificationStatus
	// MessageLang is the account's message language, for customers.
	MessageLang beian.Lang
}

// outbox lists notifications newest first. Admins see all of them with
// full recipients and may filter by channel and status; customers see
// their account's in-app and outbox messages with masked recipients
// (their contacts' addresses are theirs, but a page is easily shared).
// Everyone else is refused.
func (s *Server) outbox(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	f, admin, err := outboxFilter(u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := outboxData{Admin: admin, Page: 1, Channels: beian.Channels,
		Statuses: []beian.NotificationStatus{beian.NotificationPending, beian.NotificationSent, beian.NotificationOutbox, beian.NotificationFailed}}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		d.Page = n
	}
	if admin {
		// Unknown values are ignored rather than refused: it is a filter.
		if c := beian.Channel(q.Get("channel")); c.Valid() {
			d.Channel, f.Channels = string(c), []beian.Channel{c}
		}
		for _, st := range d.Statuses {
			if string(st) == q.Get("status") {
				d.Status, f.Statuses = string(st), []beian.NotificationStatus{st}
			}
		}
	}
	f.Limit, f.Offset = outboxPageSize, (d.Page-1)*outboxPageSize
	var rows []*beian.Notification
	err = s.cfg.Store.View(r.Context(), func(tx beian.Tx) error {
		var err error
		if rows, d.Total, err = tx.FindNotifications(r.Context(), f); err != nil {
			return err
		}
		if !admin {
			d.MessageLang, err = tx.NotificationLanguage(r.Context(), u.AccountID)
		}
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.page(r, "outbox.title", nil)
	for _, n := range rows {
		row := outboxRow{ID: n.ID, Channel: n.Channel, Recipient: n.Recipient, Status: n.Status, Transport: n.Transport,
			Subject: n.Subject, Paragraphs: paragraphs(n.Text), LastError: n.LastError, Attempts: n.Attempts, Created: n.CreatedAt.In(beian.ChinaTime).Format("2006-01-02 15:04"),
			Template: p.T("outbox.template." + n.Template)}
		if row.Template == "outbox.template."+n.Template {
			row.Template = n.Template // a message this page has no name for yet
		}
		if n.EntityType == "order" {
			row.Order = n.EntityID
		}
		if !admin {
			row.Recipient = beian.MaskRecipient(n.Channel, n.Recipient)
			if n.Channel == beian.ChannelInApp {
				row.Recipient = ""
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Page > 1 {
		d.Prev = d.Page - 1
	}
	if d.Page*outboxPageSize < d.Total {
		d.Next = d.Page + 1
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "outbox", p)
}

// outboxFilter scopes the list to what u may see.
func outboxFilter(u *beian.User) (f beian.NotificationFilter, admin bool, err error) {
	switch {
	case u == nil || u.Disabled:
		return f, false, beian.Errorf(beian.EUNAUTHORIZED, "error.unauthorized")
	case u.Role == beian.RoleAdmin:
		return f, true, nil
	case u.Role == beian.RoleCustomer && u.AccountID != "":
		f.AccountID = u.AccountID
		// Messages that really went out reached their recipients; the
		// page shows what only Beian holds.
		f.Transports = []string{beian.TransportOutbox, beian.TransportInApp}
		return f, false, nil
	}
	return f, false, beian.Errorf(beian.EFORBIDDEN, "error.forbidden")
}

// outboxLanguage records the language the customer's account wants its
// e-mails and text messages in.
func (s *Server) outboxLanguage(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u == nil || u.Role != beian.RoleCustomer || u.AccountID == "" {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "error.forbidden"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, beian.Errorf(beian.EINVALID, "outbox.language.invalid"))
		return
	}
	lang := beian.Lang(strings.TrimSpace(r.PostForm.Get("lang")))
	if lang != beian.LangZH && lang != beian.LangEN {
		s.renderError(w, r, beian.Invalid("lang", "outbox.language.invalid"))
		return
	}
	err := s.cfg.Store.Update(r.Context(), func(tx beian.Tx) error {
		if err := tx.SetNotificationLanguage(r.Context(), u.AccountID, lang); err != nil {
			return err
		}
		return tx.AppendAudit(r.Context(), &beian.AuditEvent{At: tx.Now(), ActorID: u.ID, Action: "account.message_language",
			EntityType: "account", EntityID: u.AccountID, Data: []byte(`{"lang":"` + string(lang) + `"}`)})
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/outbox", http.StatusSeeOther)
}

// paragraphs splits plain text at blank lines, and paragraphs into lines.
func paragraphs(text string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		if p = strings.Trim(p, "\n"); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"outbox.language.invalid": {ZH: "请选择中文或英文。", EN: "Choose Chinese or English."},
	})
}
