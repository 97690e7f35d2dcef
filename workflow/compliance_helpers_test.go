package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/notify"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/probe"
	"github.com/openbeian/beian/workflow"
)

// The compliance tests' world: the real workflow, exchange, notifier and
// compliance loop on a store of either database with the job queue
// running; the bureau simulator behind real HTTP on loopback; an
// authoritative DNS server, the customers' websites and an RDAP server on
// loopback for the probes. Tests wait on job completions, never on time.

// cmpDNS is an authoritative DNS server on 127.0.0.1 answering A records
// from a map the test changes; other names are NXDOMAIN.
type cmpDNS struct {
	mu    sync.Mutex
	names map[string][]netip.Addr
	addr  string
}

func newCmpDNS(t *testing.T) *cmpDNS {
	t.Helper()
	d := &cmpDNS{names: map[string][]netip.Addr{}}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.addr = pc.LocalAddr().String()
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(d.serve), NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return d
}

// set points name (and nothing else) at addrs; no addresses removes it.
func (d *cmpDNS) set(name string, addrs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	name = strings.ToLower(dns.Fqdn(name))
	if len(addrs) == 0 {
		delete(d.names, name)
		return
	}
	var as []netip.Addr
	for _, a := range addrs {
		as = append(as, netip.MustParseAddr(a))
	}
	d.names[name] = as
}

func (d *cmpDNS) serve(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	d.mu.Lock()
	addrs, ok := d.names[name]
	d.mu.Unlock()
	soa := &dns.SOA{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 60}, Ns: "ns.test.", Mbox: "admin.test.",
		Serial: 1, Refresh: 60, Retry: 60, Expire: 60, Minttl: 60}
	if !ok {
		m.Rcode = dns.RcodeNameError
		m.Ns = append(m.Ns, soa)
		_ = w.WriteMsg(m)
		return
	}
	for _, a := range addrs {
		switch {
		case q.Qtype == dns.TypeA && a.Is4():
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: a.AsSlice()})
		case q.Qtype == dns.TypeAAAA && a.Is6():
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: 60}, AAAA: a.AsSlice()})
		}
	}
	if len(m.Answer) == 0 {
		m.Ns = append(m.Ns, soa)
	}
	_ = w.WriteMsg(m)
}

// cmpSites serves the customers' homepages by Host; the probe dials it
// whatever address the domain resolved to.
type cmpSites struct {
	mu    sync.Mutex
	pages map[string]string
	srv   *httptest.Server
}

func newCmpSites(t *testing.T) *cmpSites {
	s := &cmpSites{pages: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		s.mu.Lock()
		page, ok := s.pages[strings.ToLower(host)]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// set serves a homepage for host with title and footer HTML.
func (s *cmpSites) set(host, title, footer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[strings.ToLower(host)] = "<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title +
		"</h1><footer>" + footer + "</footer></body></html>"
}

// dial sends every connection to the test sites.
func (s *cmpSites) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, s.srv.Listener.Addr().String())
}

// cmpRDAP is an RDAP server for .cn with the expiry dates the test sets.
type cmpRDAP struct {
	mu      sync.Mutex
	expires map[string]time.Time
	srv     *httptest.Server
}

func newCmpRDAP(t *testing.T) *cmpRDAP {
	r := &cmpRDAP{expires: map[string]time.Time{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		name, ok := strings.CutPrefix(req.URL.Path, "/domain/")
		if !ok {
			http.NotFound(w, req)
			return
		}
		r.mu.Lock()
		exp, found := r.expires[strings.ToLower(name)]
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/rdap+json")
		if !found {
			exp = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		vcard := []any{"vcard", []any{[]any{"version", map[string]any{}, "text", "4.0"}, []any{"fn", map[string]any{}, "text", "阿里云计算有限公司（万网）"}}}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"objectClassName": "domain", "rdapConformance": []string{"rdap_level_0"}, "ldhName": strings.ToUpper(name),
			"events": []any{
				map[string]any{"eventAction": "registration", "eventDate": "2015-06-01T00:00:00Z"},
				map[string]any{"eventAction": "expiration", "eventDate": exp.Format(time.RFC3339)},
			},
			"entities": []any{map[string]any{"objectClassName": "entity", "roles": []string{"registrar"}, "vcardArray": vcard}},
		})
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *cmpRDAP) set(domain string, expires time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expires[strings.ToLower(domain)] = expires
}

// cmpSimClock is the bureau's own clock.
type cmpSimClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *cmpSimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *cmpSimClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cmpEvent is a job that finished.
type cmpEvent struct {
	kind    string
	payload string
	err     error
}

// cmpWorld is one compliance test's wiring.
type cmpWorld struct {
	t        *testing.T
	ctx      context.Context
	env      *testenv.Env
	wf       *workflow.Workflow
	x        *workflow.Exchange
	c        *workflow.Compliance
	sim      *bureausim.Sim
	simURL   string
	simClock *cmpSimClock
	dns      *cmpDNS
	sites    *cmpSites
	rdap     *cmpRDAP
	reviewer *beian.User
	officer  *beian.User
	admin    *beian.User

	mu      sync.Mutex
	events  []cmpEvent
	changed chan struct{}
}

func newCmpWorld(t *testing.T, dialect string) *cmpWorld {
	t.Helper()
	ctx := context.Background()
	w := &cmpWorld{t: t, ctx: ctx, env: testenv.Open(t, dialect), changed: make(chan struct{}), simClock: &cmpSimClock{t: testenv.DefaultStart}}
	// The bureau.
	sim, err := bureausim.New(bureausim.Config{Clock: w.simClock, Logger: slog.New(exFailOnError{t})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	w.sim, w.simURL = sim, srv.URL
	// The probes' world.
	w.dns, w.sites, w.rdap = newCmpDNS(t), newCmpSites(t), newCmpRDAP(t)
	prober, err := probe.New(probe.Config{Clock: w.env.Clock,
		DNS:      probe.DNSConfig{Servers: []string{w.dns.addr}, Timeout: 2 * time.Second, Attempts: 2},
		HTTP:     probe.HTTPConfig{Dial: w.sites.dial, Schemes: []string{"http"}, Timeout: 5 * time.Second},
		Registry: probe.RegistryConfig{RDAPServers: map[string]string{"cn": w.rdap.srv.URL + "/"}, WHOISServers: map[string]string{}},
		Workers:  probe.Workers{DNS: 4, HTTP: 4, Registry: 2}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prober.Close() })
	// Beian.
	w.wf = workflow.New(workflow.Config{Store: w.env.DB, Clock: w.env.Clock, Logger: exLogger(t)})
	w.x = workflow.NewExchange(w.wf, exConfig(newExFiles(), 10*time.Second))
	n, err := notify.New(notify.Config{Store: w.env.DB})
	if err != nil {
		t.Fatal(err)
	}
	cn, err := notify.NewCaseNotifier(n, func(id string) string { return "https://beian.example.com/portal/cases/" + id })
	if err != nil {
		t.Fatal(err)
	}
	w.c = workflow.NewCompliance(w.wf, workflow.ComplianceConfig{Prober: prober, Exchange: w.x, Notifier: cn})
	for kind, h := range w.x.Handlers() {
		w.handle(kind, h)
	}
	for kind, h := range n.Handlers() {
		w.handle(kind, h)
	}
	for kind, h := range w.c.Handlers() {
		if kind == workflow.JobComplianceSweep {
			// Tests run sweeps themselves, at the times they choose; the
			// confirming re-probes a sweep schedules are swallowed.
			h = func(context.Context, beian.Job) error { return nil }
		}
		w.handle(kind, h)
	}
	if err := w.env.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	a := bureausim.DefaultISP
	if err := w.x.PutConnection(ctx, &beian.BureauConnection{ID: a.Province, Province: a.Province, Endpoint: srv.URL, ISPID: a.ISPID,
		UserName: a.UserName, Password: a.Password, AESKey: a.Key, AESIV: a.IV, ProviderName: "测试接入商", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := w.x.Download(ctx, a.Province); err != nil { // the code tables
		t.Fatal(err)
	}
	w.reviewer = cmpUser(t, w.env, "reviewer", beian.RoleReviewer, "")
	w.officer = cmpUser(t, w.env, "officer", beian.RoleCompliance, "")
	w.admin = cmpUser(t, w.env, "admin", beian.RoleAdmin, "")
	for _, r := range []struct {
		ips      string
		mainland bool
	}{{"121.36.0.0/16", true}, {"47.240.0.0/16", false}} {
		if _, err := w.wf.PutProviderRange(ctx, w.admin, workflow.ProviderRangeInput{Range: r.ips, Mainland: r.mainland, Name: r.ips}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// handle registers h for kind, recording every completion.
func (w *cmpWorld) handle(kind string, h func(context.Context, beian.Job) error) {
	w.env.Queue.Handle(kind, func(ctx context.Context, j beian.Job) error {
		err := h(ctx, j)
		w.mu.Lock()
		w.events = append(w.events, cmpEvent{kind: kind, payload: string(j.Payload), err: err})
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
		return err
	})
}

// count returns how many jobs of kind succeeded, with a payload containing
// needle.
func (w *cmpWorld) count(kind, needle string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, e := range w.events {
		if e.kind == kind && e.err == nil && strings.Contains(e.payload, needle) {
			n++
		}
	}
	return n
}

// await waits until cond holds, re-checking it whenever a job finishes.
func (w *cmpWorld) await(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		w.mu.Lock()
		ch := w.changed
		w.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			w.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// awaitJobs waits until n jobs of kind (with needle in the payload) have
// succeeded in all.
func (w *cmpWorld) awaitJobs(kind, needle string, n int) {
	w.t.Helper()
	w.await(fmt.Sprintf("%d %s jobs (%q)", n, kind, needle), func() bool { return w.count(kind, needle) >= n })
}

func cmpUser(t *testing.T, env *testenv.Env, login string, role beian.Role, accountID string) *beian.User {
	t.Helper()
	ctx := context.Background()
	u := &beian.User{Login: login, DisplayName: login, Role: role, AccountID: accountID, Email: login + "@example.com"}
	if err := env.DB.Update(ctx, func(tx beian.Tx) error {
		if role == beian.RoleCustomer {
			a := &beian.Account{Name: login, CreatedAt: tx.Now()}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			u.AccountID = a.ID
		}
		h, _ := password.Hash("pw", password.Fast)
		u.PasswordHash, u.CreatedAt = h, tx.Now()
		return tx.CreateUser(ctx, u)
	}); err != nil {
		t.Fatal(err)
	}
	return u
}

// cmpCustomer is a customer filed through the bureau.
type cmpCustomer struct {
	user    *beian.User
	rec     *beian.Record
	domains []string
}

// service is the customer's one website.
func (c *cmpCustomer) service() *beian.RecordService { return &c.rec.Services[0] }

// file files one first filing per snapshot through review, the bureau's
// SMS verification and review, and returns the customers with their
// records as the download left them.
func (w *cmpWorld) file(snaps ...beian.Snapshot) []*cmpCustomer {
	w.t.Helper()
	ctx := w.ctx
	var out []*cmpCustomer
	var ids []string
	for i, s := range snaps {
		u := cmpUser(w.t, w.env, fmt.Sprintf("customer-%d", i+1), beian.RoleCustomer, "")
		o, err := w.wf.CreateOrder(ctx, u, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: s.Subject.Province})
		if err != nil {
			w.t.Fatal(err)
		}
		if o, _, err = w.wf.SaveDraft(ctx, u, o.ID, o.Version, s); err != nil {
			w.t.Fatal(err)
		}
		if _, res, err := w.wf.Submit(ctx, u, o.ID, "k"); err != nil {
			w.t.Fatalf("submit: %v %+v", err, res.Findings)
		}
		if _, err := w.wf.Review(ctx, w.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, o.ID)
		out = append(out, &cmpCustomer{user: u, domains: s.Websites[0].Domains})
	}
	filings := len(w.sim.Filings())
	subs, err := w.x.SubmitToBureau(ctx, w.reviewer, ids)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, s := range subs {
		if s.Err != nil {
			w.t.Fatalf("submission of %s: %v", s.OrderID, s.Err)
		}
	}
	w.toBureau("the filings at the bureau", func() bool { return len(w.sim.Filings()) >= filings+len(ids) })
	for _, s := range snaps {
		p := s.Subject.Principal
		codes := w.sim.SentCodes(p.Mobile)
		if len(codes) == 0 {
			w.t.Fatalf("no SMS code for %s", s.Subject.Name)
		}
		if res, err := w.sim.Verify(p.Mobile, codes[len(codes)-1].Code, p.CertificateNumber[len(p.CertificateNumber)-6:]); err != nil {
			w.t.Fatalf("verify: %v %+v", err, res)
		}
	}
	w.download()
	w.simClock.Advance(5 * 24 * time.Hour)
	w.download()
	for i, id := range ids {
		o := exOrder(w.t, w.env, id)
		if o.State != beian.Filed {
			w.t.Fatalf("order %d: %s %+v", i, o.State, o.Review)
		}
		w.view(func(tx beian.Tx) (err error) { out[i].rec, err = tx.FindRecordByAccount(ctx, o.AccountID); return })
		if len(out[i].rec.Services) != 1 || out[i].rec.Services[0].Number.IsZero() || out[i].rec.Services[0].Access[0].BureauID == "" {
			w.t.Fatalf("record of %d: %+v", i, out[i].rec)
		}
	}
	return out
}

// toBureau makes sure what is queued for the bureau gets there: it runs the
// uploader itself (an upload job that was still finishing when the work
// was queued leaves it for the periodic tick, which tests do not run) and
// waits, across the upload jobs still running, until cond holds.
func (w *cmpWorld) toBureau(what string, cond func() bool) {
	w.t.Helper()
	if err := w.x.Upload(w.ctx, bureausim.DefaultISP.Province); err != nil {
		w.t.Fatal(err)
	}
	w.await(what, cond)
}

func (w *cmpWorld) download() {
	w.t.Helper()
	if err := w.x.Download(w.ctx, bureausim.DefaultISP.Province); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cmpWorld) view(fn func(tx beian.Tx) error) {
	w.t.Helper()
	if err := w.env.DB.View(w.ctx, fn); err != nil {
		w.t.Fatal(err)
	}
}

// cases returns the cases matching f.
func (w *cmpWorld) cases(f beian.CaseFilter) []*beian.Case {
	w.t.Helper()
	var out []*beian.Case
	w.view(func(tx beian.Tx) (err error) { out, _, err = tx.FindCases(w.ctx, f); return })
	return out
}

// theCase returns the one case matching f, failing otherwise.
func (w *cmpWorld) theCase(f beian.CaseFilter) *beian.Case {
	w.t.Helper()
	cs := w.cases(f)
	if len(cs) != 1 {
		var desc []string
		for _, k := range cs {
			desc = append(desc, string(k.Cause)+"/"+string(k.State))
		}
		w.t.Fatalf("%d cases match %+v: %v", len(cs), f, desc)
	}
	return cs[0]
}

func (w *cmpWorld) caseByID(id string) *beian.Case {
	w.t.Helper()
	var k *beian.Case
	w.view(func(tx beian.Tx) (err error) { k, err = tx.FindCase(w.ctx, id); return })
	return k
}

// notifications returns a case's outbox rows.
func (w *cmpWorld) notifications(caseID string) []*beian.Notification {
	w.t.Helper()
	var out []*beian.Notification
	w.view(func(tx beian.Tx) (err error) {
		out, _, err = tx.FindNotifications(w.ctx, beian.NotificationFilter{EntityType: "case", EntityID: caseID, Limit: 500})
		return
	})
	return out
}

// enterprise is fixture n with its website on address ip.
func enterprise(n int, ip string, domains ...string) beian.Snapshot {
	s := fixture.Enterprise("11", n)
	s.Websites[0].IPs = []beian.IPRange{fixture.IP(ip)}
	if len(domains) > 0 {
		s.Websites[0].Domains = domains
	}
	return s
}
