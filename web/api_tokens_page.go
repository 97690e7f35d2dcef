package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// The API tokens page lets people who use the portal make tokens for their
// programs without a program: a form and a list, server-rendered like
// every page. The secret is shown once, in the answer to the form, and
// never again.

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"api.page.title":        {ZH: "API 令牌", EN: "API tokens"},
		"api.page.intro":        {ZH: "程序可以用个人 API 令牌以您的身份调用 Beian 的 JSON API，权限不超过您本人，可再限定范围。令牌只显示一次，请妥善保存；不再使用时请撤销。", EN: "Programs use a personal API token to call Beian's JSON API as you, with at most your rights, optionally narrowed to scopes. A token is shown once: store it safely, and revoke it when no longer used."},
		"api.page.docs":         {ZH: "接口文档", EN: "API documentation"},
		"api.page.new":          {ZH: "新建令牌", EN: "New token"},
		"api.page.name":         {ZH: "名称", EN: "Name"},
		"api.page.scopes":       {ZH: "权限范围（不选则为您的全部权限）", EN: "Scopes (none: all of your rights)"},
		"api.page.expires":      {ZH: "有效期", EN: "Expires"},
		"api.page.never":        {ZH: "永不过期", EN: "Never"},
		"api.page.days":         {ZH: "{n} 天", EN: "{n} days"},
		"api.page.create":       {ZH: "创建令牌", EN: "Create token"},
		"api.page.created":      {ZH: "令牌已创建。请立即复制保存，它不会再次显示：", EN: "Token created. Copy it now; it will not be shown again:"},
		"api.page.list":         {ZH: "我的令牌", EN: "My tokens"},
		"api.page.none":         {ZH: "还没有令牌。", EN: "No tokens yet."},
		"api.page.prefix":       {ZH: "前缀", EN: "Prefix"},
		"api.page.created_at":   {ZH: "创建时间", EN: "Created"},
		"api.page.last_used":    {ZH: "最近使用", EN: "Last used"},
		"api.page.status":       {ZH: "状态", EN: "Status"},
		"api.page.active":       {ZH: "有效", EN: "Active"},
		"api.page.revoked":      {ZH: "已撤销", EN: "Revoked"},
		"api.page.expired":      {ZH: "已过期", EN: "Expired"},
		"api.page.revoke":       {ZH: "撤销", EN: "Revoke"},
		"api.page.all":          {ZH: "全部", EN: "All"},
		"api.page.name_missing": {ZH: "请填写令牌名称（不超过 100 字）。", EN: "Give the token a name (at most 100 characters)."},
	})
}

// apiTokensPageRow is a token in the page's list.
type apiTokensPageRow struct {
	ID, Name, Prefix, Scopes, Created, Expires, LastUsed, Status string
	Active                                                       bool
}

// apiTokensPageData is what the page shows.
type apiTokensPageData struct {
	T        map[string]string
	Scopes   []apiTokensPageScope
	Expiries []apiTokensPageExpiry
	Rows     []apiTokensPageRow
	// Secret is the token just created; shown once.
	Secret string
	Error  string
}

type apiTokensPageScope struct{ Name, Doc string }

type apiTokensPageExpiry struct {
	Days  int
	Label string
}

const apiTokensPageContent = `{{define "content"}}{{with .Data}}
<h1>{{.T.title}}</h1>
<p>{{.T.intro}} <a href="/api/v1/docs">{{.T.docs}}</a></p>
{{if .Secret}}<div class="flash" role="status"><p>{{.T.created}}</p><p><code>{{.Secret}}</code></p></div>{{end}}
{{if .Error}}<div class="error" role="alert"><p>{{.Error}}</p></div>{{end}}
<section>
<h2>{{.T.new}}</h2>
<form method="post" action="/account/api-tokens">
<p><label>{{.T.name}} <input name="name" required maxlength="100"></label></p>
<fieldset><legend>{{.T.scopes}}</legend>
{{range .Scopes}}<label><input type="checkbox" name="scope" value="{{.Name}}"> <code>{{.Name}}</code> — {{.Doc}}</label><br>{{end}}
</fieldset>
<p><label>{{.T.expires}} <select name="expires_in_days">{{range .Expiries}}<option value="{{.Days}}">{{.Label}}</option>{{end}}</select></label></p>
<p><button type="submit">{{.T.create}}</button></p>
</form>
</section>
<section>
<h2>{{.T.list}}</h2>
{{if .Rows}}<table><thead><tr><th>{{.T.name}}</th><th>{{.T.prefix}}</th><th>{{.T.scopes}}</th><th>{{.T.created_at}}</th><th>{{.T.expires}}</th><th>{{.T.last_used}}</th><th>{{.T.status}}</th><th></th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Name}}</td><td><code>{{.Prefix}}…</code></td><td>{{.Scopes}}</td><td>{{.Created}}</td><td>{{.Expires}}</td><td>{{.LastUsed}}</td><td>{{.Status}}</td>
<td>{{if .Active}}<form method="post" action="/account/api-tokens/{{.ID}}/revoke" class="inline"><button type="submit">{{$.Data.T.revoke}}</button></form>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>{{.T.none}}</p>{{end}}
</section>
{{end}}{{end}}`

// apiTokensPage parses the page with the layout and the shared partials,
// as parsePages does for the template files.
func apiTokensPage() (*template.Template, error) {
	partials, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(assets, append([]string{"templates/layout.html"}, partials...)...)
	if err != nil {
		return nil, err
	}
	return t.Parse(apiTokensPageContent)
}

// apiTokensPageRoutes registers the page behind sessions and cross-origin
// protection, like every page.
func (s *Server) apiTokensPageRoutes(mux *http.ServeMux) {
	tmpl, err := apiTokensPage()
	if err != nil {
		panic("web: API tokens page: " + err.Error())
	}
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderStatus(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	page := func(pattern string, h http.HandlerFunc) {
		s.pagePatterns = append(s.pagePatterns, pattern)
		mux.Handle(pattern, s.sessions.LoadAndSave(csrf.Handler(s.requireUser(h))))
	}
	show := func(w http.ResponseWriter, r *http.Request, status int, secret, problem string) {
		s.apiTokensPageShow(w, r, tmpl, status, secret, problem)
	}
	page("GET /account/api-tokens", func(w http.ResponseWriter, r *http.Request) { show(w, r, http.StatusOK, "", "") })
	page("POST /account/api-tokens", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, beian.Errorf(beian.EINVALID, "api.page.name_missing"))
			return
		}
		lang := requestLang(r)
		name := strings.TrimSpace(r.PostForm.Get("name"))
		if name == "" || len([]rune(name)) > 100 {
			show(w, r, http.StatusUnprocessableEntity, "", beian.Message(lang, "api.page.name_missing", nil))
			return
		}
		days, _ := strconv.Atoi(r.PostForm.Get("expires_in_days"))
		_, secret, err := s.apiIssueToken(r.Context(), s.currentUser(r), name, r.PostForm["scope"], max(0, min(days, 3650)))
		switch code := beian.ErrorCode(err); {
		case err == nil:
			show(w, r, http.StatusOK, secret, "")
		case code == beian.EINVALID || code == beian.ECONFLICT:
			show(w, r, codeStatus[code], "", beian.ErrorMessage(lang, err))
		default:
			s.renderError(w, r, err)
		}
	})
	page("POST /account/api-tokens/{id}/revoke", func(w http.ResponseWriter, r *http.Request) {
		if err := s.apiRevokeToken(r.Context(), s.currentUser(r), r.PathValue("id")); err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/account/api-tokens", http.StatusSeeOther)
	})
}

func (s *Server) apiTokensPageShow(w http.ResponseWriter, r *http.Request, tmpl *template.Template, status int, secret, problem string) {
	u := s.currentUser(r)
	lang := requestLang(r)
	toks, err := s.apiTokensOf(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &apiTokensPageData{T: map[string]string{}, Secret: secret, Error: problem}
	for _, k := range beian.MessageKeys() {
		if rest, ok := strings.CutPrefix(k, "api.page."); ok {
			d.T[rest] = beian.Message(lang, k, nil)
		}
	}
	for _, sc := range apiScopeOrder {
		d.Scopes = append(d.Scopes, apiTokensPageScope{Name: sc, Doc: apiScopes[sc]})
	}
	d.Expiries = []apiTokensPageExpiry{{0, d.T["never"]}}
	for _, n := range []int{30, 90, 365} {
		d.Expiries = append(d.Expiries, apiTokensPageExpiry{n, beian.Message(lang, "api.page.days", map[string]string{"n": strconv.Itoa(n)})})
	}
	now := s.cfg.Clock.Now()
	for _, t := range toks {
		row := apiTokensPageRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: strings.Join(t.Scopes, ", "), Created: cxTime(t.CreatedAt),
			Expires: cxTime(t.ExpiresAt), LastUsed: cxTime(t.LastUsedAt), Active: t.Active(now), Status: d.T["active"]}
		if row.Scopes == "" {
			row.Scopes = d.T["all"]
		}
		switch {
		case !t.RevokedAt.IsZero():
			row.Status = d.T["revoked"]
		case !row.Active:
			row.Status = d.T["expired"]
		}
		if row.Expires == "" {
			row.Expires = d.T["never"]
		}
		d.Rows = append(d.Rows, row)
	}
	// The page's texts are domain messages (d.T), not UI translations.
	p := s.page(r, "", d)
	p.Title = d.T["title"]
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		s.log.ErrorContext(r.Context(), "template failed", "template", "api tokens", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
