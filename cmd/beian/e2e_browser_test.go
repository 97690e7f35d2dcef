package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// This file is the browser side of the end-to-end tests (e2e_test.go): one
// headless Chromium per test, a tab per person in a browser context of its
// own (so each person has their own cookies), screenshots of every page a
// flow visits, and waits bounded by a timeout. No step sleeps: each one waits
// for the page it expects.

// e2eStep bounds one browser step (a navigation, a click and the page it
// loads, a query). A page of this program loads in milliseconds; the bound
// only keeps a broken page from hanging the test.
const e2eStep = 20 * time.Second

// chromiumPath finds the Debian chromium (never a downloaded browser):
// BEIAN_E2E_CHROMIUM, or chromium / chromium-browser on PATH.
func chromiumPath() string {
	if p := os.Getenv("BEIAN_E2E_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts headless Chromium for the test and returns the
// context that owns it. The context has no timeout: the first call on it
// owns the browser, which lives until the test ends. Without chromium the
// test is skipped, except on CI (CI set), where it fails.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "chromium not found: apt-get install -y chromium (or set BEIAN_E2E_CHROMIUM)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// The flags keep a browser on a closed network quiet: no GPU, no QUIC,
	// no component updates, no background requests; a fresh profile.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	t.Logf("chromium started in %s", time.Since(start).Round(time.Millisecond))
	return ctx
}

// e2eShots numbers the screenshots of one test across its tabs, so that
// the files sort in the order the pages were seen.
type e2eShots struct {
	dir string
	mu  sync.Mutex
	n   int
}

// screensDir is where screenshots go: e2e/screens at the repository root
// (the test runs in cmd/beian), ignored by git.
func screensDir(t *testing.T) *e2eShots {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "_").Replace(strings.TrimPrefix(t.Name(), "TestE2E"))
	name = strings.Trim(name, "-")
	if name == "" {
		name = t.Name()
	}
	dir := filepath.Join("..", "..", "e2e", "screens", name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &e2eShots{dir: dir}
}

func (s *e2eShots) next(page string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.n, page))
}

// tab is one person's browser tab: its own browser context (cookies), the
// server it talks to and the test's screenshot sequence.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	who   string
	shots *e2eShots
}

// newTab opens a tab in a new browser context of the shared browser. who
// names the person in screenshot file names.
func newTab(t *testing.T, browser context.Context, shots *e2eShots, base, who string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab for %s: %v", who, err)
	}
	return &tab{t: t, ctx: ctx, base: base, who: who, shots: shots}
}

// step runs a browser action bounded by e2eStep.
func step[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.fail("%s: %v", what, err)
	}
	return v
}

// do runs actions that return nothing, bounded by e2eStep.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fail("%s: %v", what, err)
	}
}

// fail saves a screenshot of the page as it is and fails the test.
func (tb *tab) fail(format string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		f := tb.shots.next(tb.who + "-FAILED")
		_ = os.WriteFile(f, png, 0o644)
		tb.t.Logf("screenshot of the failure: %s", f)
	}
	if u, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		tb.t.Logf("page: %s", u)
	}
	if body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); err == nil {
		tb.t.Logf("page text:\n%.2500s", body)
	}
	tb.t.Fatalf("%s: "+format, append([]any{tb.who}, args...)...)
}

// fullPNG captures the whole page as PNG, encoded for speed rather than
// size: encoding tall pages dominated the suite's time.
func fullPNG(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true), OptimizeForSpeed: new(true)})
	return r.Data, err
}

// untranslated matches a message ID shown as itself: a translation the
// catalogues lack.
var untranslated = regexp.MustCompile(`\b(order|material|auth|console|records|verify|users|resources|error|login|outbox|staff|precheck)\.[a-z_]+(\.[a-z_]+)*\b`)

// shot saves a full-page screenshot of the current page and checks that
// the page shows no message ID in place of its text.
func (tb *tab) shot(page string) {
	tb.t.Helper()
	png := step(tb, "screenshot", fullPNG)
	if err := os.WriteFile(tb.shots.next(tb.who+"-"+page), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	if ids := untranslated.FindAllString(tb.text("body"), -1); len(ids) > 0 {
		tb.t.Errorf("%s: the %s page shows untranslated message IDs %q", tb.who, page, ids)
	}
}

// open navigates to a path of the server (or an absolute URL), checks the
// status, and takes a screenshot named page.
func (tb *tab) open(path string, wantStatus int64, page string) {
	tb.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = tb.base + path
	}
	resp := step(tb, "open "+u, chromedp.NavigateResponse(u))
	tb.checkStatus("GET "+path, resp, wantStatus)
	tb.shot(page)
}

func (tb *tab) checkStatus(what string, resp *network.Response, want int64) {
	tb.t.Helper()
	if resp == nil {
		tb.fail("%s: no response", what)
	}
	if want != 0 && resp.Status != want {
		tb.fail("%s: status %d, want %d", what, resp.Status, want)
	}
}

// submit clicks a button (or link) that loads a new page, waits for that
// page, checks its status and takes a screenshot.
func (tb *tab) submit(sel string, wantStatus int64, page string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, e2eStep)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.fail("click %s: %v", sel, err)
	}
	tb.checkStatus("click "+sel, resp, wantStatus)
	tb.shot(page)
}

// fill replaces the value of a text input, textarea or select. (chromedp's
// SetValue cannot set "": its argument is then undefined.)
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	if value != "" {
		tb.do("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
		return
	}
	tb.do("clear "+sel, chromedp.QueryAfter(chromedp.CSS(sel), func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (chromedp.Void, error) {
		obj, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{NodeID: nodes[0].NodeID})
		if err != nil {
			return chromedp.Void{}, err
		}
		_, err = cdp.Call(ctx, t, runtime.CallFunctionOn, runtime.CallFunctionOnParams{ObjectID: obj.Object.ObjectID,
			FunctionDeclaration: `function() { this.value = ""; }`})
		return chromedp.Void{}, err
	}))
}

// check ticks a checkbox or radio button that is not ticked yet.
func (tb *tab) check(sel string) {
	tb.t.Helper()
	if tb.checked(sel) {
		return
	}
	tb.do("tick "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if !tb.checked(sel) {
		tb.fail("%s is not ticked after a click", sel)
	}
}

func (tb *tab) checked(sel string) bool {
	tb.t.Helper()
	return step(tb, "read "+sel, chromedp.JavascriptAttribute[bool](chromedp.CSS(sel), "checked"))
}

// upload chooses a file for a file input.
func (tb *tab) upload(sel, file string) {
	tb.t.Helper()
	tb.do("choose "+file+" for "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file}))
}

// text returns the visible text of the first element matching sel.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return step(tb, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

// value returns the value of a form field.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	return step(tb, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// html returns the markup of the first element matching sel.
func (tb *tab) html(sel string) string {
	tb.t.Helper()
	return step(tb, "markup of "+sel, chromedp.OuterHTML(chromedp.CSS(sel)))
}

// has reports whether an element matches sel now, without waiting.
func (tb *tab) has(sel string) bool {
	tb.t.Helper()
	nodes := step(tb, "look for "+sel, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	return len(nodes) > 0
}

// location returns the URL of the page.
func (tb *tab) location() string {
	tb.t.Helper()
	return step(tb, "location", chromedp.Location())
}

// path returns the path of the page's URL.
func (tb *tab) path() string {
	u := strings.TrimPrefix(tb.location(), tb.base)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// contains fails unless the text of sel holds every want.
func (tb *tab) contains(sel string, wants ...string) string {
	tb.t.Helper()
	got := tb.text(sel)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			tb.fail("%s does not say %q:\n%.3000s", sel, w, got)
		}
	}
	return got
}

// lacks fails if the text of sel holds any of the strings.
func (tb *tab) lacks(sel string, nots ...string) {
	tb.t.Helper()
	got := tb.text(sel)
	for _, n := range nots {
		if strings.Contains(got, n) {
			tb.fail("%s says %q:\n%.3000s", sel, n, got)
		}
	}
}

// signIn signs in through the login form and lands on the home page of
// the role, which answers with status home.
func (tb *tab) signIn(login, password string, home int64) {
	tb.t.Helper()
	tb.open("/login", 200, "login")
	tb.fill("#login", login)
	tb.fill("#password", password)
	tb.submit(`form[action="/login"] button[type=submit]`, home, "home")
	if strings.HasSuffix(tb.path(), "/login") {
		tb.fail("sign-in as %s failed", login)
	}
}

// bypassCSP lets the test's own scripts (chromedp's polls) run on pages
// whose CSP forbids every script. The product has no script; this only
// serves waits that evaluate a predicate.
func (tb *tab) bypassCSP() {
	tb.t.Helper()
	tb.do("bypass CSP", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return chromedp.Void{}, err
	})
}

// idFrom returns the first group of re in s, failing without one.
func (tb *tab) idFrom(re *regexp.Regexp, s string) string {
	tb.t.Helper()
	m := re.FindStringSubmatch(s)
	if m == nil {
		tb.fail("no %s in %q", re, s)
	}
	return m[1]
}

// download fetches what a download link points to, from the page and with
// the tab's cookies, and returns the bytes. Fetching rather than clicking
// keeps the server's status when the file cannot be made (a click only
// reports the download as cancelled), and what matters here is that the
// signed-in person gets the file the page links.
func (tb *tab) download(sel string) []byte {
	tb.t.Helper()
	if !tb.has(sel) {
		tb.fail("no download link %s", sel)
	}
	js := fmt.Sprintf(`(async () => {
		const a = document.querySelector(%q);
		const r = await fetch(a.href, {credentials: "same-origin"});
		if (!r.ok) return "HTTP " + r.status;
		const b = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
		return "OK " + btoa(s);
	})()`, sel)
	got := step(tb, "fetch "+sel, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	b64, ok := strings.CutPrefix(got, "OK ")
	if !ok {
		tb.fail("download from %s: %s", sel, got)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		tb.fail("download from %s: %v", sel, err)
	}
	return data
}
