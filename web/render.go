package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/openbeian/beian"
)

//go:embed templates static
var assets embed.FS

// parsePages parses each page template together with the layout and the
// shared partials (templates/partials/*.html), once at start-up, so a broken
// template fails New rather than a request. Pages live in areas
// (templates/portal/order.html is the page "portal/order").
func parsePages() (map[string]*template.Template, error) {
	partials, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	err = fs.WalkDir(assets, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "partials/") {
			return nil
		}
		files := append([]string{"templates/layout.html"}, partials...)
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(assets, append(files, name)...)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[base] = t
		return nil
	})
	return pages, err
}

// templateFuncs are the functions every template may call.
var templateFuncs = template.FuncMap{
	"text": func(t beian.Text, lang beian.Lang) string { return t.In(lang) },
}

// Page is what every template receives: the translator, the signed-in
// user (nil when anonymous), the page's own data and any error to show.
type Page struct {
	translator
	Title   string
	User    *beian.User
	Path    string
	Data    any
	Flash   string
	Error   *ErrorView
	Product string
}

// Lang returns the page language, for templates.
func (p Page) Lang() beian.Lang { return p.lang }

// ErrorView is an error as a page shows it: the message and, for
// validation errors, the field and rule.
type ErrorView struct {
	Status  int
	Code    string
	Message string
	Field   string
	Rule    string
}

func (s *Server) page(r *http.Request, title string, data any) Page {
	tr := s.translator(r)
	return Page{translator: tr, Title: tr.T(title), User: s.currentUser(r), Path: r.URL.Path, Data: data, Product: s.cfg.ProductName}
}

// render writes a page; it buffers so a template error becomes a clean 500
// instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.log.ErrorContext(r.Context(), "template failed", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

var codeStatus = map[string]int{
	beian.EINVALID:      http.StatusUnprocessableEntity,
	beian.ENOTFOUND:     http.StatusNotFound,
	beian.ECONFLICT:     http.StatusConflict,
	beian.EUNAUTHORIZED: http.StatusUnauthorized,
	beian.EFORBIDDEN:    http.StatusForbidden,
	beian.EUNAVAILABLE:  http.StatusServiceUnavailable,
	beian.EINTERNAL:     http.StatusInternalServerError,
}

// renderError is the one place errors become responses, as HTML or as
// RFC 9457 problem JSON depending on what the client accepts. Internal
// errors are logged with their cause and shown generically.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	lang := requestLang(r)
	code := beian.ErrorCode(err)
	status := codeStatus[code]
	view := &ErrorView{Status: status, Code: code, Message: beian.ErrorMessage(lang, err)}
	if e, ok := beian.AsError(err); ok {
		view.Field, view.Rule = e.Field, e.Rule
	}
	if code == beian.EINTERNAL || code == beian.EUNAVAILABLE {
		s.log.ErrorContext(r.Context(), "request failed", "code", code, "err", err)
	}
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"type": "about:blank", "title": http.StatusText(status), "status": status,
			"code": code, "detail": view.Message, "field": view.Field, "rule": view.Rule,
			"request_id": RequestID(r.Context()),
		})
		return
	}
	p := s.page(r, "error.title", nil)
	p.Error = view
	s.render(w, r, status, "error", p)
}

// renderStatus renders an error page for a status with a message key.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, key string) {
	code := beian.EINTERNAL
	for c, st := range codeStatus {
		if st == status {
			code = c
		}
	}
	s.renderError(w, r, beian.Errorf(code, key))
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, beian.Errorf(beian.ENOTFOUND, "error.not_found"))
}

// staticFiles serves embedded assets with long caching; names carry no
// version, so the cache is a day, not a year.
func staticFiles(fsys fs.FS) http.Handler {
	h := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

var errNoUser = errors.New("web: no user in session")
