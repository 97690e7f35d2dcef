package notify

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/workday"
)

// This file tells customers about their rectification cases (整改通知,
// spec §9.4, §9.5, §11): the opening notice with the category, notice,
// cause, suggestion and deadline, the reminder before the deadline, the
// extension's decision, a failed re-check, the closing, and the escalation.
// The opening notice, the reminder and the escalation go out by e-mail, SMS
// and in-app message to the responsible persons (the subject's, and the
// service's for a service's case) and the account's registered e-mail; the
// others by e-mail and in-app message.

//go:embed templates/case/*.tmpl
var caseTemplateFiles embed.FS

// caseTemplateKeys lists every case notice, for the template tests.
var caseTemplateKeys = beian.CaseNotices

// CaseNotifier writes case notices into the outbox with their delivery
// jobs; it implements beian.CaseNotifier. Build it with NewCaseNotifier.
type CaseNotifier struct {
	n       *Notifier
	text    map[beian.Lang]*texttemplate.Template
	html    *htmltemplate.Template
	caseURL func(caseID string) string
	cal     *workday.Calendar
}

var _ beian.CaseNotifier = (*CaseNotifier)(nil)

// NewCaseNotifier returns the case notifier of n. caseURL links a case's
// page in e-mails (nil or "" for none). It fails only if the embedded
// templates do not parse, which the tests rule out.
func NewCaseNotifier(n *Notifier, caseURL func(caseID string) string) (*CaseNotifier, error) {
	c := &CaseNotifier{n: n, text: map[beian.Lang]*texttemplate.Template{}, caseURL: caseURL, cal: workday.New()}
	for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
		t, err := texttemplate.New(string(lang)).Option("missingkey=error").ParseFS(caseTemplateFiles, "templates/case/"+string(lang)+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("notify: case templates %s: %w", lang, err)
		}
		c.text[lang] = t
	}
	h, err := htmltemplate.ParseFS(templateFiles, "templates/mail.html")
	if err != nil {
		return nil, fmt.Errorf("notify: templates: %w", err)
	}
	c.html = h
	return c, nil
}

// caseView is what case templates see, already in the message's language.
type caseView struct {
	Product    string
	Ref        string // the case ID's last eight characters
	Subject    string
	Service    string
	Number     string
	Category   string
	Notice     string
	Reason     string
	Suggestion string
	Detail     string
	Targets    string
	Due        string // the deadline's date
	DueShort   string // the same, short, for SMS
	DueDays    int    // working days from the opening to the deadline
	Extension  int    // working days granted
	Note       string // the officer's note on the extension
}

// caseSMS says which notices go out by SMS.
var caseSMS = map[beian.CaseNotice]bool{beian.NoticeOpened: true, beian.NoticeReminder: true, beian.NoticeEscalated: true}

// NotifyCase writes one notice of a case in tx: one outbox row per
// recipient and channel and one delivery job per row to send. key names the
// notice's instance: with the case it makes the rows' cause key, so a
// retried job writes nothing twice. It returns how many rows it wrote.
func (c *CaseNotifier) NotifyCase(ctx context.Context, tx beian.Tx, k *beian.Case, notice beian.CaseNotice, key string) (int, error) {
	lang := beian.LangZH
	if k.AccountID != "" {
		var err error
		if lang, err = tx.NotificationLanguage(ctx, k.AccountID); err != nil {
			return 0, err
		}
	}
	v := c.view(k, lang)
	name := "case." + string(notice)
	subject, err := c.exec(lang, name+".subject", v)
	if err != nil {
		return 0, err
	}
	body, err := c.exec(lang, name+".body", v)
	if err != nil {
		return 0, err
	}
	sms := ""
	if caseSMS[notice] {
		if sms, err = c.exec(lang, name+".sms", v); err != nil {
			return 0, err
		}
	}
	text, html, err := c.mail(lang, subject, body, v, k)
	if err != nil {
		return 0, err
	}
	mobiles, emails, err := c.recipients(ctx, tx, k)
	if err != nil {
		return 0, err
	}
	base := beian.Notification{AccountID: k.AccountID, EntityType: "case", EntityID: k.ID, CauseKey: "case/" + k.ID + "/" + key,
		Template: name, Lang: lang}
	var rows []beian.Notification
	if sms != "" {
		for _, m := range mobiles {
			r := base
			r.Channel, r.Recipient, r.Text = beian.ChannelSMS, m, sms
			rows = append(rows, r)
		}
	}
	for _, e := range emails {
		r := base
		r.Channel, r.Recipient, r.Subject, r.Text, r.HTML = beian.ChannelEmail, e, subject, text, html
		rows = append(rows, r)
	}
	if k.AccountID != "" {
		r := base
		r.Channel, r.Recipient, r.Subject, r.Text = beian.ChannelInApp, k.AccountID, subject, body
		r.Status, r.Transport, r.SentAt = beian.NotificationSent, beian.TransportInApp, tx.Now()
		rows = append(rows, r)
	}
	written := 0
	for i := range rows {
		row := &rows[i]
		created, err := tx.CreateNotification(ctx, row)
		if err != nil {
			return 0, err
		}
		if !created {
			continue
		}
		written++
		if row.Status != beian.NotificationPending {
			continue
		}
		payload, _ := json.Marshal(deliverArgs{NotificationID: row.ID})
		if err := tx.Enqueue(ctx, beian.Job{Kind: JobDeliver, Payload: payload, UniqueKey: row.ID, MaxAttempts: c.n.cfg.MaxAttempts + 2}); err != nil {
			return 0, err
		}
	}
	c.n.log.InfoContext(ctx, "case notifications written", "case_id", k.ID, "notice", string(notice), "written", written)
	return written, nil
}

// view gathers what the templates show about the case, in lang.
func (c *CaseNotifier) view(k *beian.Case, lang beian.Lang) *caseView {
	v := &caseView{Product: c.n.cfg.Product, Ref: orderRef(k.ID), Subject: k.SubjectName, Service: k.ServiceName, Number: k.Number,
		Category: k.Category.Text().In(lang), Notice: k.Notice.In(lang), Reason: k.Reason.In(lang), Suggestion: k.Suggestion.In(lang),
		Detail: strings.TrimSpace(k.Detail), Targets: strings.Join(k.Targets, ", "), Extension: k.Extension.Granted, Note: k.Extension.Note}
	if !k.DueAt.IsZero() {
		d := beian.DateOf(k.DueAt)
		v.Due = formatDate(d, lang)
		t := d.Time(beian.ChinaTime)
		v.DueShort = fmt.Sprintf("%d月%d日", t.Month(), t.Day())
		if lang == beian.LangEN {
			v.DueShort = t.Format("2 Jan")
		}
		if n, err := c.cal.WorkdaysBetween(k.OpenedAt, k.DueAt); err == nil {
			v.DueDays = n
		}
	}
	return v
}

func (c *CaseNotifier) exec(lang beian.Lang, name string, v any) (string, error) {
	t := c.text[lang]
	if t == nil {
		t = c.text[beian.LangZH]
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
		return "", fmt.Errorf("notify: case template %s/%s: %w", lang, name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// mail renders the e-mail's plain-text and HTML parts around body.
func (c *CaseNotifier) mail(lang beian.Lang, subject, body string, v *caseView, k *beian.Case) (string, string, error) {
	h := htmlData{Lang: lang, Subject: subject}
	var err error
	if h.Greeting, err = c.exec(lang, "case.greeting", v); err != nil {
		return "", "", err
	}
	if h.LinkText, err = c.exec(lang, "case.link", v); err != nil {
		return "", "", err
	}
	if h.Footer, err = c.exec(lang, "case.footer", v); err != nil {
		return "", "", err
	}
	if c.caseURL != nil {
		h.Link = c.caseURL(k.ID)
	}
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			h.Paragraphs = append(h.Paragraphs, p)
		}
	}
	parts := []string{h.Greeting, strings.Join(h.Paragraphs, "\n\n")}
	if h.Link != "" {
		sep := ": "
		if lang == beian.LangZH {
			sep = "："
		}
		parts = append(parts, h.LinkText+sep+h.Link)
	}
	parts = append(parts, "-- \n"+h.Footer)
	var b bytes.Buffer
	if err := c.html.Execute(&b, h); err != nil {
		return "", "", fmt.Errorf("notify: template mail.html: %w", err)
	}
	return strings.Join(parts, "\n\n") + "\n", b.String(), nil
}

// recipients are the responsible persons of the case's subject (and of its
// service, for a service's case) and the registered e-mail of the
// account's owner; distinct, in that order.
func (c *CaseNotifier) recipients(ctx context.Context, tx beian.Tx, k *beian.Case) (mobiles, emails []string, err error) {
	var persons []*beian.Person
	if k.SubjectID != "" {
		rec, err := tx.FindRecord(ctx, k.SubjectID)
		switch {
		case err == nil:
			persons = append(persons, &rec.Subject.Subject.Principal)
			for i := range rec.Services {
				s := &rec.Services[i]
				if s.ID != k.ServiceID {
					continue
				}
				if s.Website != nil {
					persons = append(persons, &s.Website.Principal)
				}
				if s.App != nil {
					persons = append(persons, &s.App.Principal)
				}
			}
		case beian.ErrorCode(err) != beian.ENOTFOUND:
			return nil, nil, err
		}
	}
	seenMobile, seenEmail := map[string]bool{}, map[string]bool{}
	for _, p := range persons {
		if m := strings.TrimSpace(p.Mobile); m != "" {
			if parsed, err := cnid.ParseMobile(m); err == nil {
				m = parsed.String()
			}
			if !seenMobile[m] {
				seenMobile[m] = true
				mobiles = append(mobiles, m)
			}
		}
		emails = addEmail(emails, seenEmail, p.Email)
	}
	if k.AccountID != "" {
		users, err := tx.FindUsersByAccount(ctx, k.AccountID)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range users {
			if u.Role == beian.RoleCustomer && !u.Disabled {
				emails = addEmail(emails, seenEmail, u.Email)
			}
		}
	}
	return mobiles, emails, nil
}
