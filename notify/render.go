package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/openbeian/beian"
)

//go:embed templates/*.tmpl templates/mail.html
var templateFiles embed.FS

// view is what message templates see. Every field is already in the
// message's language, so templates only arrange words.
type view struct {
	Product  string
	OrderID  string
	OrderRef string // the last eight characters of the order ID, for SMS and subjects
	Type     string // the filing type's name
	State    string
	Subject  string // the host's (主办者) name
	Bureau   string // e.g. 广东省通信管理局
	Date     string // the day of the event
	Due      string // the current state's deadline, when it has one
	Opinion  string // the reviewer's or the bureau's opinion on this event
	// ICPNumber is the subject's number, when the bureau has issued one.
	ICPNumber   string
	SMSRequired bool // the bureau sends MIIT verification codes for this type
	Marks       []markView
	Link        string
}

// markView is one field a reviewer marked, with the catalogue's reason and
// remedy for it.
type markView struct {
	Label  string // the field as the portal names it: 资料 › 主办单位证件
	Reason string
	Remedy string // what the customer does, never the reviewer's checklist
	Note   string // the reviewer's note
}

// rendered is one message's texts in one language.
type rendered struct {
	Subject string
	SMS     string
	Text    string
	HTML    string
}

// renderer holds the parsed templates: text/template for the message
// texts (plain text needs no escaping, and HTML never goes through it) and
// html/template for the HTML part, which escapes names and opinions.
type renderer struct {
	text map[beian.Lang]*texttemplate.Template
	html *htmltemplate.Template
}

var textFuncs = texttemplate.FuncMap{"inc": func(i int) int { return i + 1 }}

// newRenderer parses the embedded templates; a broken template fails here,
// at start, and in the tests.
func newRenderer() (*renderer, error) {
	r := &renderer{text: map[beian.Lang]*texttemplate.Template{}}
	for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
		t, err := texttemplate.New(string(lang)).Funcs(textFuncs).Option("missingkey=error").
			ParseFS(templateFiles, "templates/"+string(lang)+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("notify: templates %s: %w", lang, err)
		}
		r.text[lang] = t
	}
	h, err := htmltemplate.ParseFS(templateFiles, "templates/mail.html")
	if err != nil {
		return nil, fmt.Errorf("notify: templates: %w", err)
	}
	r.html = h
	return r, nil
}

func (r *renderer) exec(lang beian.Lang, name string, data any) (string, error) {
	t := r.text[lang]
	if t == nil {
		t = r.text[beian.LangZH]
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("notify: template %s/%s: %w", lang, name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// has reports whether the language defines the named template.
func (r *renderer) has(lang beian.Lang, name string) bool {
	t := r.text[lang]
	return t != nil && t.Lookup(name) != nil
}

// htmlData is the HTML part's model.
type htmlData struct {
	Lang       beian.Lang
	Subject    string
	Greeting   string
	Paragraphs []string
	Marks      []markView
	Labels     struct{ Heading, Field, Reason, Remedy, Note string }
	Link       string
	LinkText   string
	Footer     string
}

// render renders message key in lang: the subject, the SMS text when
// withSMS, and the e-mail's plain-text and HTML parts.
func (r *renderer) render(lang beian.Lang, key string, v *view, withSMS bool) (rendered, error) {
	var out rendered
	var err error
	if out.Subject, err = r.exec(lang, key+".subject", v); err != nil {
		return out, err
	}
	if withSMS {
		if out.SMS, err = r.exec(lang, key+".sms", v); err != nil {
			return out, err
		}
	}
	body, err := r.exec(lang, key+".body", v)
	if err != nil {
		return out, err
	}
	h := htmlData{Lang: lang, Subject: out.Subject, Marks: v.Marks, Link: v.Link}
	parts := map[string]*string{
		"greeting": &h.Greeting, "marks.heading": &h.Labels.Heading, "marks.field": &h.Labels.Field,
		"marks.reason": &h.Labels.Reason, "marks.remedy": &h.Labels.Remedy, "marks.note": &h.Labels.Note,
		"link": &h.LinkText, "footer": &h.Footer,
	}
	for name, dst := range parts {
		if *dst, err = r.exec(lang, name, v); err != nil {
			return out, err
		}
	}
	// marks.note ends in a separator ("：" or ": "); exec trimmed the
	// English space away.
	if lang == beian.LangEN {
		h.Labels.Note += " "
	}
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			h.Paragraphs = append(h.Paragraphs, p)
		}
	}

	text := []string{h.Greeting, strings.Join(h.Paragraphs, "\n\n")}
	if len(v.Marks) > 0 {
		marks, err := r.exec(lang, "marks.text", v)
		if err != nil {
			return out, err
		}
		text = append(text, marks)
	}
	if v.Link != "" {
		sep := ": "
		if lang == beian.LangZH {
			sep = "："
		}
		text = append(text, h.LinkText+sep+v.Link)
	}
	// "-- " is the signature separator mail readers recognise.
	text = append(text, "-- \n"+h.Footer)
	out.Text = strings.Join(text, "\n\n") + "\n"

	var b bytes.Buffer
	if err := r.html.Execute(&b, h); err != nil {
		return out, fmt.Errorf("notify: template mail.html: %w", err)
	}
	out.HTML = b.String()
	return out, nil
}
