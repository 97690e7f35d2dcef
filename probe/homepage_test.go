package probe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// fetchEnv is a homepage prober wired to loopback servers: every address
// on port 80 goes to plain, on 443 to tls, except addresses listed in
// refuse (port 80, 443 or "all"), which get a closed port.
type fetchEnv struct {
	f      *fetcher
	plain  *httptest.Server
	tls    *httptest.Server
	closed string
	refuse map[string]string // address → "80", "443" or "all"

	mu    sync.Mutex
	dials []string
}

func newFetchEnv(t *testing.T, handler http.HandlerFunc, zone map[string]*zoneName, cfg HTTPConfig) *fetchEnv {
	t.Helper()
	e := &fetchEnv{plain: quietServer(handler, false), tls: quietServer(handler, true), refuse: map[string]string{}}
	t.Cleanup(e.plain.Close)
	t.Cleanup(e.tls.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.closed = ln.Addr().String()
	ln.Close()
	if zone == nil {
		zone = newZoneData()
	}
	zs := startZoneServer(t, zone)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}})
	cfg.Dial = e.dial
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	cfg.defaults()
	clock := fixedClock(worldToday)
	e.f = &fetcher{cfg: cfg, resolver: r, limits: newLimiterSet(cfg.HostRate, realPace), clock: clock}
	return e
}

func (e *fetchEnv) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, _ := net.SplitHostPort(address)
	if _, err := netip.ParseAddr(host); err != nil {
		return nil, fmt.Errorf("dialled a name: %s", address)
	}
	e.mu.Lock()
	e.dials = append(e.dials, address)
	e.mu.Unlock()
	target := e.plain.Listener.Addr().String()
	if port == "443" {
		target = e.tls.Listener.Addr().String()
	}
	if r := e.refuse[host]; r == "all" || r == port {
		target = e.closed
	}
	var d net.Dialer
	return d.DialContext(ctx, network, target)
}

func (e *fetchEnv) fetch(t *testing.T, host string, addrs ...string) Homepage {
	t.Helper()
	var as []netip.Addr
	for _, a := range addrs {
		as = append(as, netip.MustParseAddr(a))
	}
	hp, err := e.f.fetch(context.Background(), host, as)
	if err != nil {
		t.Fatal(err)
	}
	return hp
}

const okPage = `<html><head><title>测试站点</title></head><body><a href="https://beian.miit.gov.cn/">京ICP备12345678号-1</a></body></html>`

// TestHomepageDialsResolvedAddress: the probe connects to the address it
// was given (the one our resolver found), with the domain as Host, and
// never asks the system resolver.
func TestHomepageDialsResolvedAddress(t *testing.T) {
	var hosts sync.Map
	e := newFetchEnv(t, func(w http.ResponseWriter, r *http.Request) {
		hosts.Store(r.Host, r.UserAgent())
		fmt.Fprint(w, okPage)
	}, nil, HTTPConfig{})
	hp := e.fetch(t, "site.invalid", "198.51.100.7")
	if hp.Outcome != OutcomePage || hp.Page.Title != "测试站点" || hp.Status != 200 || hp.URL != "http://site.invalid/" {
		t.Fatalf("%+v", hp)
	}
	if len(e.dials) != 1 || e.dials[0] != "198.51.100.7:80" || hp.Addr != netip.MustParseAddr("198.51.100.7") {
		t.Errorf("dials %v, addr %v", e.dials, hp.Addr)
	}
	if ua, ok := hosts.Load("site.invalid"); !ok || !strings.Contains(ua.(string), "BeianProbe") {
		t.Errorf("Host header or user agent wrong: %v", ua)
	}
}

func TestHomepageRedirects(t *testing.T) {
	zone := newZoneData()
	addA(zone, "b.test", mustAddr("198.51.100.8"))
	handler := func(w http.ResponseWriter, r *http.Request) {
		switch r.Host + r.URL.Path {
		case "a.test/":
			http.Redirect(w, r, "http://b.test/home", http.StatusFound)
		case "b.test/home":
			fmt.Fprint(w, okPage)
		case "nx.test/":
			http.Redirect(w, r, "http://nowhere.test/", http.StatusFound)
		case "loop.test/", "loop.test/x":
			to := "/x"
			if r.URL.Path == "/x" {
				to = "/"
			}
			http.Redirect(w, r, to, http.StatusFound)
		case "long.test/":
			http.Redirect(w, r, "/1", http.StatusFound)
		case "tls.test/":
			if r.TLS == nil {
				http.Redirect(w, r, "https://tls.test/", http.StatusMovedPermanently)
				return
			}
			fmt.Fprint(w, okPage)
		case "refresh.test/":
			fmt.Fprint(w, `<meta http-equiv="refresh" content="0;url=/real">`)
		case "refresh.test/real":
			fmt.Fprint(w, okPage)
		case "ftp.test/":
			http.Redirect(w, r, "ftp://ftp.test/", http.StatusFound)
		default:
			if strings.HasPrefix(r.Host, "long.test") {
				var n int
				fmt.Sscanf(r.URL.Path, "/%d", &n)
				http.Redirect(w, r, fmt.Sprintf("/%d", n+1), http.StatusFound)
				return
			}
			http.NotFound(w, r)
		}
	}
	e := newFetchEnv(t, handler, zone, HTTPConfig{MaxRedirects: 3})

	hp := e.fetch(t, "a.test", "198.51.100.7")
	if hp.Outcome != OutcomePage || hp.URL != "http://b.test/home" || hp.Addr != mustAddr("198.51.100.8") || len(hp.Hops) != 2 {
		t.Errorf("cross-host redirect: %+v", hp)
	}
	if hp := e.fetch(t, "nx.test", "198.51.100.7"); hp.Outcome != OutcomeUnreachable || hp.Cause != "redirect_dns_nxdomain" {
		t.Errorf("redirect to a name that does not exist: %+v", hp)
	}
	if hp := e.fetch(t, "loop.test", "198.51.100.7"); hp.Outcome != OutcomeUnreachable || hp.Cause != "redirect_loop" {
		t.Errorf("loop: %+v", hp)
	}
	if hp := e.fetch(t, "long.test", "198.51.100.7"); hp.Outcome != OutcomeUnknown || hp.Cause != "redirect_limit" || len(hp.Hops) != 4 {
		t.Errorf("limit: %+v", hp)
	}
	hp = e.fetch(t, "tls.test", "198.51.100.7")
	if hp.Outcome != OutcomePage || hp.URL != "https://tls.test/" || hp.TLSError == "" {
		t.Errorf("https: %+v", hp)
	}
	if hp := e.fetch(t, "refresh.test", "198.51.100.7"); hp.Outcome != OutcomePage || hp.URL != "http://refresh.test/real" || len(hp.Page.Numbers) != 1 {
		t.Errorf("refresh: %+v", hp)
	}
	if hp := e.fetch(t, "ftp.test", "198.51.100.7"); hp.Outcome != OutcomeUnknown || hp.Cause != "redirect_target" {
		t.Errorf("ftp: %+v", hp)
	}
}

func TestHomepageFailures(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	handler := func(w http.ResponseWriter, r *http.Request) {
		switch r.Host {
		case "404.test":
			http.NotFound(w, r)
		case "https-site.test": // the server's default site answers http
			if r.TLS == nil {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, okPage)
		case "429.test":
			w.WriteHeader(http.StatusTooManyRequests)
		case "hang.test":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		case "big.test":
			fmt.Fprint(w, strings.Repeat("x", 3000)+okPage)
		case "cut.test":
			w.Header().Set("Content-Length", "100000")
			w.WriteHeader(200)
			fmt.Fprint(w, "<html><title>partial")
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			fmt.Fprint(w, okPage)
		}
	}
	e := newFetchEnv(t, handler, nil, HTTPConfig{Timeout: 300 * time.Millisecond, MaxBody: 2048})
	e.refuse["198.51.100.1"] = "all"
	e.refuse["198.51.100.2"] = "80"
	e.refuse["198.51.100.3"] = "443"

	cases := []struct {
		host, addr string
		outcome    Outcome
		cause      string
	}{
		{"any.test", "198.51.100.1", OutcomeUnreachable, "refused"},
		{"https-only.test", "198.51.100.2", OutcomePage, ""},
		{"404.test", "198.51.100.9", OutcomeUnreachable, "status"},
		{"https-site.test", "198.51.100.9", OutcomePage, ""},
		{"404.test", "198.51.100.3", OutcomeUnreachable, "status"}, // https refused: the 404 stands
		{"429.test", "198.51.100.9", OutcomeUnknown, "rate_limited"},
		// http times out, https is refused: a timeout means "cannot tell".
		{"hang.test", "198.51.100.3", OutcomeUnknown, "timeout"},
		{"cut.test", "198.51.100.9", OutcomeUnknown, "body_closed"},
	}
	for _, c := range cases {
		hp := e.fetch(t, c.host, c.addr)
		if hp.Outcome != c.outcome || hp.Cause != c.cause {
			t.Errorf("%s: %v %q, want %v %q (hops %+v)", c.host, hp.Outcome, hp.Cause, c.outcome, c.cause, hp.Hops)
		}
	}
	hp := e.fetch(t, "big.test", "198.51.100.9")
	if hp.Outcome != OutcomePage || !hp.Truncated || len(hp.Page.Numbers) != 0 {
		t.Errorf("body limit: %+v", hp)
	}
	// The second address is tried when the first refuses.
	if hp := e.fetch(t, "two.test", "198.51.100.1", "198.51.100.9"); hp.Outcome != OutcomePage || hp.Addr != mustAddr("198.51.100.9") {
		t.Errorf("fallback address: %+v", hp)
	}
}

// TestHomepageHostRate: requests to one server address are spaced by the
// per-host bucket, on the fake clock.
func TestHomepageHostRate(t *testing.T) {
	e := newFetchEnv(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, okPage) }, nil, HTTPConfig{})
	clock := &fakeClock{t: worldToday}
	e.f.limits = newLimiterSet(Rate{PerSecond: 2, Burst: 1}, clock.pace())
	e.fetch(t, "a.test", "198.51.100.7")
	e.fetch(t, "b.test", "198.51.100.8")
	if clock.slept() != 0 {
		t.Fatalf("different servers waited %v", clock.slept())
	}
	e.fetch(t, "c.test", "198.51.100.7")
	if clock.slept() != 500*time.Millisecond {
		t.Errorf("same server waited %v, want 500ms", clock.slept())
	}
}

func TestHomepageCancel(t *testing.T) {
	started := make(chan struct{}, 1)
	e := newFetchEnv(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	}, nil, HTTPConfig{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.f.fetch(ctx, "slow.test", []netip.Addr{mustAddr("198.51.100.7")})
		done <- err
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error after cancel")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fetch did not end on cancel")
	}
}

func TestJudgeHomepage(t *testing.T) {
	gd, _ := beian.ProvinceByCode("44")
	bj, _ := beian.ProvinceByCode("11")
	page := func(html string) *Homepage {
		return &Homepage{Host: "x.test", Outcome: OutcomePage, Status: 200, URL: "http://x.test/", Page: ExtractPage(html)}
	}
	codes := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, string(f.Code))
		}
		return out
	}
	bjT := &Target{Number: beian.ICPNumber{Province: bj, Serial: "12345678", Ordinal: 2, Kind: beian.KindWebsite}, Name: "测试站点"}
	gdT := &Target{Number: beian.ICPNumber{Province: gd, Serial: "2021012345", Ordinal: 1, Kind: beian.KindWebsite}}
	link := func(n string) string {
		return `<title>测试站点</title><a href="https://beian.miit.gov.cn/">` + n + `</a>`
	}
	cases := []struct {
		name string
		t    *Target
		hp   *Homepage
		want string
	}{
		{"right number linked", bjT, page(link("京ICP备12345678号-2")), ""},
		{"subject number instead of the service's", bjT, page(link("京ICP备12345678号")), "http.wrong_number"},
		{"Guangdong shows the subject number", gdT, page(link("粤ICP备2021012345号")), ""},
		{"Guangdong shows the service number", gdT, page(link("粤ICP备2021012345号-1")), "http.wrong_number"},
		{"right number once unlinked, once linked", bjT, page(`<title>测试站点</title>京ICP备12345678号-2 ` + link("京ICP备12345678号-2")), ""},
		{"other numbers beside the right one", bjT, page(`<title>测试站点</title>京ICP备99999999号 ` + link("京ICP备12345678号-2")), ""},
		{"no number", bjT, page(`<title>测试站点</title>`), "http.no_number"},
		{"no number, page cut", bjT, &Homepage{Outcome: OutcomePage, Truncated: true, Page: ExtractPage(`<title>测试站点</title>`)}, "http.unknown"},
		{"title mismatch", bjT, page(`<title>别的</title><a href="https://beian.miit.gov.cn/">京ICP备12345678号-2</a>`), "http.title_mismatch"},
		{"unreachable", bjT, &Homepage{Outcome: OutcomeUnreachable, Cause: "refused"}, "http.unreachable"},
		{"unknown", bjT, &Homepage{Outcome: OutcomeUnknown, Cause: "timeout"}, "http.unknown"},
		{"no number expected", &Target{}, page(`<title>x</title>`), ""},
	}
	for _, c := range cases {
		got := strings.Join(codes(judgeHomepage(c.t, "x.test", c.hp)), ",")
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
