package web

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// uiCatalogue reads the UI translations: area → language → ID → text.
func uiCatalogue(t *testing.T) map[string]map[string]map[string]string {
	t.Helper()
	files, _ := fs.Glob(localeFiles, "locales/*.json")
	byArea := map[string]map[string]map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "locales/"), ".json")
		area, lang, ok := strings.Cut(name, ".")
		if !ok {
			t.Errorf("%s: name it <area>.<lang>.json", f)
			continue
		}
		b, _ := fs.ReadFile(localeFiles, f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if byArea[area] == nil {
			byArea[area] = map[string]map[string]string{}
		}
		byArea[area][lang] = m
	}
	return byArea
}

// uiKeys returns the IDs that some area file has in both languages.
func uiKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, langs := range uiCatalogue(t) {
		for id, zh := range langs[string(beian.LangZH)] {
			if strings.TrimSpace(zh) != "" && strings.TrimSpace(langs[string(beian.LangEN)][id]) != "" {
				keys[id] = true
			}
		}
	}
	return keys
}

// TestTranslationsComplete checks that every UI message exists in both
// languages, so no page shows a bare ID in one of them.
func TestTranslationsComplete(t *testing.T) {
	for area, langs := range uiCatalogue(t) {
		zh, en := langs["zh-CN"], langs["en"]
		for id, v := range zh {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s empty in zh-CN", area, id)
			}
			if strings.TrimSpace(en[id]) == "" {
				t.Errorf("%s: %s missing in en", area, id)
			}
		}
		for id := range en {
			if _, ok := zh[id]; !ok {
				t.Errorf("%s: %s missing in zh-CN", area, id)
			}
		}
	}
}

// templateUse is what the templates ask the translator for: the literal
// IDs (with the templates that use them) and the names of the fields whose
// value is passed as an ID (`.T .Empty`).
type templateUse struct {
	literal map[string][]string
	fields  map[string]bool
	// apiPage are the keys the API token page reads from its map of texts
	// (`.T.title` is the message api.page.title).
	apiPage map[string]bool
}

// templateMessageIDs parses every template (and the API token page's) and
// collects the IDs passed to T.
func templateMessageIDs(t *testing.T) templateUse {
	t.Helper()
	use := templateUse{literal: map[string][]string{}, fields: map[string]bool{}, apiPage: map[string]bool{}}
	sources := map[string]string{"api_tokens_page.go": apiTokensPageContent}
	err := fs.WalkDir(assets, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		b, err := fs.ReadFile(assets, name)
		sources[name] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range sources {
		tree := parse.New(name)
		tree.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tree.Parse(text, "", "", trees); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, tr := range trees {
			walkTemplate(tr.Root, func(cmd *parse.CommandNode) {
				if name == "api_tokens_page.go" {
					for _, a := range cmd.Args {
						if f, ok := a.(*parse.FieldNode); ok && len(f.Ident) >= 2 && f.Ident[len(f.Ident)-2] == "T" {
							use.apiPage["api.page."+f.Ident[len(f.Ident)-1]] = true
						}
					}
					return
				}
				if len(cmd.Args) < 2 || !isTranslatorCall(cmd.Args[0]) {
					return
				}
				switch a := cmd.Args[1].(type) {
				case *parse.StringNode:
					use.literal[a.Text] = append(use.literal[a.Text], name)
				case *parse.FieldNode:
					use.fields[a.Ident[len(a.Ident)-1]] = true
				default:
					t.Errorf("%s: %s passes T an ID the test cannot follow; use a literal or a field", name, cmd)
				}
			})
		}
	}
	return use
}

// isTranslatorCall reports whether n names the translator's T: `.T`,
// `$.T`, `.Page.T`…
func isTranslatorCall(n parse.Node) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	}
	return len(idents) > 0 && idents[len(idents)-1] == "T"
}

// walkTemplate calls fn for every command in the tree under n.
func walkTemplate(n parse.Node, fn func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkTemplate(c, fn)
			}
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, fn)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, fn)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkTemplate(c, fn)
			}
		}
	case *parse.CommandNode:
		fn(n)
		for _, a := range n.Args {
			walkTemplate(a, fn)
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, fn)
	}
}

func walkBranch(b *parse.BranchNode, fn func(*parse.CommandNode)) {
	walkTemplate(b.Pipe, fn)
	walkTemplate(b.List, fn)
	if b.ElseList != nil {
		walkTemplate(b.ElseList, fn)
	}
}

// TestTemplateMessagesExist checks that every ID a template passes to the
// translator is in both languages of some area file.
func TestTemplateMessagesExist(t *testing.T) {
	keys := uiKeys(t)
	use := templateMessageIDs(t)
	if len(use.literal) < 100 {
		t.Fatalf("found only %d IDs in the templates: is the walk broken?", len(use.literal))
	}
	for _, id := range sortedKeys(use.literal) {
		if !keys[id] {
			t.Errorf("%s: %q is not in both languages of any locales/*.json", strings.Join(slices.Compact(use.literal[id]), ", "), id)
		}
	}
	for _, id := range sortedKeys(use.apiPage) {
		if m, ok := beian.LookupMessage(id); !ok || m.ZH == "" || m.EN == "" {
			t.Errorf("api_tokens_page.go: the page shows %q, which is not a message in both languages", id)
		}
	}
}

// goMessageUse is a message ID found in the Go code, with where.
type goMessageUse struct {
	id, at string
	// prefix marks IDs built as prefix + value: some ID must start with it.
	prefix bool
	// domain marks IDs of the domain's messages (beian.Errorf …), as
	// opposed to the UI's translations.
	domain bool
}

// goMessageIDs finds the message IDs in the Go code of dir: literals passed
// to the translator's T (directly or through a function that hands a
// parameter on to it, as page(r, title, …) does), to the struct fields the
// templates translate (fields), and to the domain's Errorf, Invalid and
// Message.
func goMessageIDs(t *testing.T, dir string, fields map[string]bool) []goMessageUse {
	t.Helper()
	fset := token.NewFileSet()
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// wrappers maps a function or method name to the index of the
	// parameter it translates; T itself translates its first.
	type wrapper struct {
		param  int
		method bool
	}
	wrappers := map[string]wrapper{"T": {0, true}}
	// translates returns the argument of call that its callee translates.
	translates := func(call *ast.CallExpr) (ast.Expr, bool) {
		w, ok := wrappers[calleeName(call)]
		if !ok || w.param >= len(call.Args) || w.method != isMethodCall(call) {
			return nil, false
		}
		return call.Args[w.param], true
	}
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				if _, known := wrappers[fd.Name.Name]; known {
					continue
				}
				params := paramNames(fd.Type)
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					arg, ok := translates(call)
					if id, isIdent := arg.(*ast.Ident); ok && isIdent {
						if p := slices.Index(params, id.Name); p >= 0 {
							wrappers[fd.Name.Name], changed = wrapper{p, fd.Recv != nil}, true
							return false
						}
					}
					return true
				})
			}
		}
	}
	domain := map[string]int{"Errorf": 1, "Invalid": 1, "Message": 1, "renderStatus": 3}
	var out []goMessageUse
	add := func(e ast.Expr, isDomain bool) {
		at := fset.Position(e.Pos()).String()
		switch e := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING && s != "" {
				out = append(out, goMessageUse{id: s, at: at, domain: isDomain})
			}
		case *ast.BinaryExpr:
			if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.ADD && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, goMessageUse{id: s, at: at, prefix: true, domain: isDomain})
			}
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := calleeName(n)
				if arg, ok := translates(n); ok {
					add(arg, false)
				}
				if i, ok := domain[name]; ok && i < len(n.Args) && (name == "renderStatus" || isPackageCall(n, "beian")) {
					add(n.Args[i], true)
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && fields[k.Name] {
					add(n.Value, false)
				}
			}
			return true
		})
	}
	return out
}

func paramNames(ft *ast.FuncType) []string {
	var names []string
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
		if len(f.Names) == 0 {
			names = append(names, "_")
		}
	}
	return names
}

// calleeName is the name of the function or method a call calls.
func calleeName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// isMethodCall reports whether c calls a method (x.f(…)), so that the
// method page(r, title, …) is not mistaken for routes' local
// page(pattern, …).
func isMethodCall(c *ast.CallExpr) bool {
	_, ok := c.Fun.(*ast.SelectorExpr)
	return ok
}

func isPackageCall(c *ast.CallExpr, pkg string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == pkg
}

// TestGoMessagesExist checks that every message ID the Go code of the web
// and workflow packages passes to the translator is in both languages of
// some area file, and that every domain message it raises is registered in
// both languages: an ID without a text shows as itself on a page.
func TestGoMessagesExist(t *testing.T) {
	keys := uiKeys(t)
	use := templateMessageIDs(t)
	var found []goMessageUse
	for _, dir := range []string{".", "../workflow"} {
		found = append(found, goMessageIDs(t, dir, use.fields)...)
	}
	ui, domain := 0, 0
	for _, u := range found {
		if u.domain {
			domain++
		} else {
			ui++
		}
		switch {
		case u.prefix:
			if !hasKeyWithPrefix(keys, u.id) && !(u.domain && hasDomainKeyWithPrefix(u.id)) {
				t.Errorf("%s: no message ID starts with %q", u.at, u.id)
			}
		case u.domain:
			if m, ok := beian.LookupMessage(u.id); !ok || strings.TrimSpace(m.ZH) == "" || strings.TrimSpace(m.EN) == "" {
				t.Errorf("%s: %q is not a registered message in both languages (beian.RegisterMessages)", u.at, u.id)
			}
		case !keys[u.id]:
			t.Errorf("%s: %q is not in both languages of any locales/*.json", u.at, u.id)
		}
	}
	if ui < 100 || domain < 100 {
		t.Fatalf("found %d UI and %d domain IDs in the Go code: is the search broken?", ui, domain)
	}
}

func hasKeyWithPrefix(keys map[string]bool, prefix string) bool {
	for k := range keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func hasDomainKeyWithPrefix(prefix string) bool {
	for _, k := range beian.MessageKeys() {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// messageIDPattern recognises a raw message ID in a page's text.
type messageIDPattern struct{ re *regexp.Regexp }

// pageMessageIDs returns the pattern of the IDs of the UI and the domain's
// messages: a known first segment, then dotted lower-case words.
func pageMessageIDs(t *testing.T) messageIDPattern {
	t.Helper()
	spaces := map[string]bool{}
	for id := range uiKeys(t) {
		spaces[strings.SplitN(id, ".", 2)[0]] = true
	}
	for _, id := range beian.MessageKeys() {
		if strings.Contains(id, ".") {
			spaces[strings.SplitN(id, ".", 2)[0]] = true
		}
	}
	alt := make([]string, 0, len(spaces))
	for s := range spaces {
		alt = append(alt, regexp.QuoteMeta(s))
	}
	slices.Sort(alt)
	return messageIDPattern{regexp.MustCompile(`^(?:` + strings.Join(alt, "|") + `)(?:\.[a-z0-9_]+)+\.?$`)}
}

var (
	htmlTags     = regexp.MustCompile(`(?s)<[^>]*>`)
	htmlSkipped  = regexp.MustCompile(`(?is)<(script|style|code)\b.*?</(script|style|code)>`)
	htmlTextAttr = regexp.MustCompile(`(?i)\s(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	idToken      = regexp.MustCompile(`[A-Za-z0-9_.@/:-]+`)
	// domainName is a domain under a top-level domain no message ID ends
	// with.
	domainName = regexp.MustCompile(`\.(cn|com|net|org|gov|edu|io)$`)
)

// untranslatedKeys returns the message IDs a page shows as text — in its
// text or in the attributes people read (title, placeholder, aria-label,
// alt) — instead of their translation. Code elements show identifiers
// (field paths, rule IDs) on purpose and are skipped.
func untranslatedKeys(page string, ids messageIDPattern) []string {
	page = htmlSkipped.ReplaceAllString(page, " ")
	var texts []string
	for _, m := range htmlTextAttr.FindAllStringSubmatch(page, -1) {
		texts = append(texts, m[1])
	}
	texts = append(texts, htmlTags.ReplaceAllString(page, " "))
	var raw []string
	for _, text := range texts {
		for _, tok := range idToken.FindAllString(text, -1) {
			if domainName.MatchString(tok) {
				continue // a site's domain, not an ID (unfiled.example.cn)
			}
			if ids.re.MatchString(tok) && !slices.Contains(raw, tok) {
				raw = append(raw, tok)
			}
		}
	}
	return raw
}

func TestUntranslatedKeys(t *testing.T) {
	ids := pageMessageIDs(t)
	page := `<html><head><script>var x = "order.edit.title"</script></head><body>
<h1 title="console.queue.nope">order.edit.title</h1><p>备案号 京ICP备12345678号 — order.flash.</p>
<a href="/portal/orders/1?done=order.x">qingyun-service.cn</a><code>record.websites[a.cn]</code><td>unfiled.example.cn</td><input name="subject.name" value="order.hidden"></body></html>`
	got := untranslatedKeys(page, ids)
	want := []string{"console.queue.nope", "order.edit.title", "order.flash."}
	if !slices.Equal(got, want) {
		t.Errorf("untranslatedKeys = %q, want %q", got, want)
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestPagesInBothLanguages renders, in Chinese and in English, the
// variants of the pages that the authorisation matrix does not reach:
// every wizard step, an order at each stage in the portal and the
// console, each action a record offers. Each must be a page in its
// language without a raw message ID.
func TestPagesInBothLanguages(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newPageWorld(t, dialect)
		ids := pageMessageIDs(t)
		visited := 0
		visit := func(who, path string) {
			t.Helper()
			for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
				got := w.do(who, http.MethodGet, pageCall{path: path}, lang)
				visited++
				switch {
				case got.status != http.StatusOK || !got.html:
					t.Errorf("GET %s as %s (%s) = %s, want a page: %s", path, who, lang, got, pageExcerpt(got.body))
				case !strings.Contains(got.body, `<html lang="`+string(lang)+`"`):
					t.Errorf("GET %s as %s (%s) is not in its language", path, who, lang)
				}
				if raw := untranslatedKeys(got.body, ids); len(raw) > 0 {
					t.Errorf("GET %s as %s (%s) shows raw message IDs %q", path, who, lang, raw)
				}
			}
		}
		order := func(o *beian.Order, pages ...string) {
			t.Helper()
			for _, p := range pages {
				visit(whoA, "/portal/orders/"+o.ID+p)
			}
			visit(whoReviewer, "/console/orders/"+o.ID)
		}
		ctx, rev := w.ctx(), w.people[whoReviewer]

		draft := w.draft()
		order(draft, "", "/materials", "/authenticity", "/submit", "/abandon")
		for _, step := range wizardSteps(draft.Type) {
			visit(whoA, "/portal/orders/"+draft.ID+"/edit/"+step)
		}
		order(w.inReview(), "")
		marks := []beian.FieldMark{{Field: "websites[0].name", RuleID: "SITE-NAME-ENTERPRISE-RELATED", Note: "名称请体现公司名称"},
			{Field: "subject.principal.mobile", RuleID: "R15", Note: "两次拨打未接通"}}
		for _, d := range []workflow.Decision{workflow.DecisionSupplement, workflow.DecisionReject} {
			o := w.inReview()
			_, err := w.ts.Workflow.Review(ctx, rev, o.ID, workflow.ReviewInput{Decision: d, Opinion: "请按标记修改。", Marks: marks})
			w.must(err)
			order(o, "", "/edit/"+stepWebsites+"?fix=1")
		}
		passed := w.passed()
		order(passed, "")
		visit(whoReviewer, "/console/bureau")
		res, err := w.exchange.SubmitToBureau(ctx, rev, []string{passed.ID})
		w.must(err)
		w.must(res[0].Err)
		order(passed, "") // waiting for the SMS verification
		order(w.awaitingConfirmation(), "", "/confirm-cancellation")
		visit(whoReviewer, "/console/queue?claim=unclaimed&overdue=1&sort=due_desc")
		visit(whoAdmin, "/outbox")
		visit(whoA, "/outbox")

		w.clearOrders(w.accountA.ID)
		rec := "/portal/records/" + w.recordA.Subject.ID
		for _, typ := range beian.OrderTypes {
			visit(whoA, rec+"/action?type="+string(typ))
			visit(whoA, rec+"/action?type="+string(typ)+"&service="+w.service)
			visit(whoCompliance, "/console/records/"+w.recordA.Subject.ID+"/action?type="+string(typ)+"&service="+w.service)
		}
		visit(whoA, "/portal/verify?record="+w.recordA.Subject.ID+"&service="+w.service)
		t.Logf("%d pages", visited)
	})
}
