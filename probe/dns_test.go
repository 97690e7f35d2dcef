package probe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func testResolver(t testing.TB, cfg DNSConfig) *Resolver {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	r, err := NewResolver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestResolverOutcomes(t *testing.T) {
	m := newZoneData()
	addA(m, "plain.test", mustAddr("198.18.0.1"), mustAddr("2001:db8:1::1"))
	addCNAME(m, "www.plain.test", "plain.test")
	zoneSet(m, "nodata.test") // exists, no addresses
	addCNAME(m, "chain.test", "c1.test")
	addCNAME(m, "c1.test", "c2.test")
	addCNAME(m, "c2.test", "plain.test")
	addCNAME(m, "out.test", "edge.cdn.example")
	zoneSet(m, "out.test").noChase = true
	addA(m, "edge.cdn.example", mustAddr("198.18.0.9"))
	addCNAME(m, "loop.test", "loop2.test")
	addCNAME(m, "loop2.test", "loop.test")
	addCNAME(m, "self.test", "self.test")
	addCNAME(m, "dangling.test", "missing.test")
	zoneSet(m, "broken.test").servfail = true
	for i := range 12 {
		addCNAME(m, fmt.Sprintf("d%d.test", i), fmt.Sprintf("d%d.test", i+1))
	}
	addA(m, "d12.test", mustAddr("198.18.0.12"))
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}, Attempts: 2})

	cases := []struct {
		name   string
		status Status
		cause  string
		addrs  []string
		cnames []string
	}{
		{"plain.test", StatusResolved, "", []string{"198.18.0.1", "2001:db8:1::1"}, nil},
		{"www.plain.test", StatusResolved, "", []string{"198.18.0.1", "2001:db8:1::1"}, []string{"plain.test"}},
		{"PLAIN.test.", StatusResolved, "", []string{"198.18.0.1", "2001:db8:1::1"}, nil},
		{"nodata.test", StatusNoAddress, "", nil, nil},
		{"absent.test", StatusNXDomain, "", nil, nil},
		{"chain.test", StatusResolved, "", []string{"198.18.0.1", "2001:db8:1::1"}, []string{"c1.test", "c2.test", "plain.test"}},
		{"out.test", StatusResolved, "", []string{"198.18.0.9"}, []string{"edge.cdn.example"}},
		{"loop.test", StatusCNAMELoop, "", nil, []string{"loop2.test", "loop.test"}},
		{"self.test", StatusCNAMELoop, "", nil, []string{"self.test"}},
		{"dangling.test", StatusNXDomain, "", nil, []string{"missing.test"}},
		{"broken.test", StatusUnknown, CauseServFail, nil, nil},
		{"d0.test", StatusUnknown, CauseCNAMEDepth, nil, nil},
		{"d5.test", StatusResolved, "", []string{"198.18.0.12"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := r.LookupHost(context.Background(), c.name)
			if err != nil {
				t.Fatal(err)
			}
			if h.Status != c.status || h.Cause != c.cause {
				t.Fatalf("status %v (%s), want %v (%s)", h.Status, h.Cause, c.status, c.cause)
			}
			var got []string
			for _, a := range h.Addrs {
				got = append(got, a.String())
			}
			if !slices.Equal(got, c.addrs) {
				t.Errorf("addrs %v, want %v", got, c.addrs)
			}
			if c.cnames != nil && !slices.Equal(h.CNAMEs, c.cnames) {
				t.Errorf("cnames %v, want %v", h.CNAMEs, c.cnames)
			}
			if h.Complete != (c.status != StatusUnknown) {
				t.Errorf("complete %v for %v", h.Complete, h.Status)
			}
		})
	}
	if got := zs.tcp.Load(); got != 0 {
		t.Errorf("%d TCP queries without truncation", got)
	}
	if _, ok := zs.ednsSizes.Load(uint16(1232)); !ok {
		t.Error("queries do not advertise EDNS0 1232")
	}
}

func TestResolverLookupDomain(t *testing.T) {
	m := newZoneData()
	zoneSet(m, "wwwonly.test")
	addA(m, "www.wwwonly.test", mustAddr("198.18.0.2"))
	addA(m, "www.already.test", mustAddr("198.18.0.3"))
	addA(m, "xn--fiqs8s.xn--fiqs8s", mustAddr("198.18.0.4")) // 中国.中国
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}})
	ctx := context.Background()

	d, err := r.LookupDomain(ctx, "wwwonly.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Hosts) != 2 || d.Hosts[0].Status != StatusNoAddress || d.Hosts[1].Status != StatusResolved {
		t.Fatalf("hosts %+v", d.Hosts)
	}
	if got := d.Addrs(); len(got) != 1 || got[0] != mustAddr("198.18.0.2") || !d.Complete() {
		t.Errorf("addrs %v complete %v", got, d.Complete())
	}
	d, _ = r.LookupDomain(ctx, "www.already.test")
	if len(d.Hosts) != 1 || d.Hosts[0].Name != "www.already.test" {
		t.Errorf("www domain probed as %+v", d.Hosts)
	}
	d, _ = r.LookupDomain(ctx, "中国.中国")
	if d.Domain != "xn--fiqs8s.xn--fiqs8s" || d.Hosts[0].Status != StatusResolved {
		t.Errorf("IDN: %+v", d)
	}
	d, _ = r.LookupDomain(ctx, "bad name!.test")
	if len(d.Hosts) != 1 || d.Hosts[0].Cause != CauseInvalidName {
		t.Errorf("invalid name: %+v", d)
	}
}

// TestResolverTruncationTCP: an answer larger than the EDNS0 size comes
// back truncated over UDP and is asked again over TCP, on one reused
// connection.
func TestResolverTruncationTCP(t *testing.T) {
	m := newZoneData()
	var want []netip.Addr
	for i := range 120 {
		a := netip.AddrFrom4([4]byte{198, 18, 7, byte(i)})
		want = append(want, a)
	}
	addA(m, "big.test", want...)
	addA(m, "big2.test", want...)
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}})
	s := r.newSession()
	defer s.close()
	res, err := s.resolve(context.Background(), []string{"big.test", "big2.test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res {
		if h.Status != StatusResolved || len(h.Addrs) != len(want) {
			t.Fatalf("%s: %v with %d addresses, want %d", h.Name, h.Status, len(h.Addrs), len(want))
		}
	}
	if zs.tcp.Load() != 2 {
		t.Errorf("TCP queries %d, want 2 (one per truncated A answer)", zs.tcp.Load())
	}
	if s.conns[0].tcp == nil {
		t.Error("TCP connection not kept for reuse")
	}
}

// TestResolverReusesConnection: one session sends every query from one UDP
// socket.
func TestResolverReusesConnection(t *testing.T) {
	m := newZoneData()
	for i := range 50 {
		addA(m, fmt.Sprintf("n%d.test", i), mustAddr("198.18.0.1"))
	}
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}})
	s := r.newSession()
	defer s.close()
	for i := range 50 {
		if _, err := s.lookupDomain(context.Background(), fmt.Sprintf("n%d.test", i)); err != nil {
			t.Fatal(err)
		}
	}
	ports := 0
	zs.srcPorts.Range(func(_, _ any) bool { ports++; return true })
	if ports != 1 || zs.udp.Load() != 200 {
		t.Errorf("%d queries from %d source ports, want 200 from 1", zs.udp.Load(), ports)
	}
	if r.Queries() != 200 {
		t.Errorf("Queries() = %d", r.Queries())
	}
}

// TestResolverTimeoutIsUnknown: a server that never answers gives
// StatusUnknown (timeout), never "does not resolve"; a second server is
// tried.
func TestResolverTimeoutIsUnknown(t *testing.T) {
	m := newZoneData()
	zoneSet(m, "silent.test").drop = true
	zoneSet(m, "www.silent.test").drop = true
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}, Timeout: 100 * time.Millisecond, Attempts: 2})
	d, err := r.LookupDomain(context.Background(), "silent.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range d.Hosts {
		if h.Status != StatusUnknown || h.Cause != CauseTimeout || h.Complete {
			t.Errorf("%s: %v %s", h.Name, h.Status, h.Cause)
		}
	}
	if zs.udp.Load() != 8 {
		t.Errorf("%d queries, want 8 (4 questions × 2 attempts)", zs.udp.Load())
	}

	good := newZoneData()
	addA(good, "silent.test", mustAddr("198.18.0.5"))
	zs2 := startZoneServer(t, good)
	r2 := testResolver(t, DNSConfig{Servers: []string{zs.addr, zs2.addr}, Timeout: 100 * time.Millisecond, Attempts: 2})
	for range 4 { // whichever server a session starts with, the other is tried
		h, _ := r2.LookupHost(context.Background(), "silent.test")
		if h.Status != StatusResolved || h.Server != zs2.addr {
			t.Fatalf("with a second server: %+v", h)
		}
		r2.Close()
	}
}

// TestResolverPartialAnswer: A answered, AAAA unanswered — resolved, but
// not complete.
func TestResolverPartialAnswer(t *testing.T) {
	s := &session{r: &Resolver{cfg: DNSConfig{Attempts: 1}}}
	a := &lookup{status: StatusResolved, addrs: []netip.Addr{mustAddr("192.0.2.1")}}
	aaaa := &lookup{status: StatusUnknown, cause: CauseTimeout}
	h := combine("x.test", a, aaaa)
	if h.Status != StatusResolved || h.Complete {
		t.Errorf("%+v", h)
	}
	nx := &lookup{status: StatusNXDomain}
	if h := combine("x.test", nx, aaaa); h.Status != StatusUnknown || h.Cause != CauseTimeout {
		t.Errorf("NXDOMAIN + timeout = %+v, want unknown", h)
	}
	if h := combine("x.test", nx, &lookup{status: StatusNoAddress}); h.Status != StatusNXDomain || !h.Complete {
		t.Errorf("NXDOMAIN + NODATA = %+v", h)
	}
	_ = s
}

// TestResolverCancel: cancelling the context ends a look-up blocked on a
// silent server at once, with the context's error.
func TestResolverCancel(t *testing.T) {
	m := newZoneData()
	held := make(chan string, 8)
	zoneSet(m, "held.test").held = held
	zoneSet(m, "www.held.test").held = held
	zs := startZoneServer(t, m)
	r := testResolver(t, DNSConfig{Servers: []string{zs.addr}, Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var res atomic.Value
	go func() {
		d, err := r.LookupDomain(ctx, "held.test")
		res.Store(d)
		done <- err
	}()
	<-held // the query reached the server
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("look-up did not end on cancel")
	}
	d := res.Load().(DomainResult)
	if d.Hosts[0].Status != StatusUnknown || d.Hosts[0].Cause != CauseCanceled {
		t.Errorf("%+v", d.Hosts[0])
	}
}

// TestResolverRateLimit: the per-server bucket holds queries back by the
// fake clock; nothing sleeps.
func TestResolverRateLimit(t *testing.T) {
	m := newZoneData()
	addA(m, "a.test", mustAddr("198.18.0.1"))
	zs := startZoneServer(t, m)
	clock := &fakeClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	r, err := newResolver(DNSConfig{Servers: []string{zs.addr}, Rate: Rate{PerSecond: 10, Burst: 2}}, clock.pace())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for range 3 {
		if _, err := r.LookupHost(context.Background(), "a.test"); err != nil {
			t.Fatal(err)
		}
	}
	// 6 queries at 10/s with a burst of 2: the first round of 2 is free,
	// the next two rounds wait 0.2 s each.
	if got := clock.slept(); got != 400*time.Millisecond {
		t.Errorf("waited %v, want 400ms", got)
	}
}

// TestRoundIDsUnique: the questions of one round never share an ID, or one
// would take the other's answer and leave it to time out (with random IDs
// that happened about once per 10,000-service sweep).
func TestRoundIDsUnique(t *testing.T) {
	r := testResolver(t, DNSConfig{Servers: []string{"127.0.0.1:53"}})
	s := r.newSession()
	var sent []*lookup
	seen := map[uint16]bool{}
	for i := range 3000 {
		l := &lookup{qtype: 1, name: fmt.Sprintf("n%d.test.", i)}
		if _, err := s.pack(l, sent); err != nil {
			t.Fatal(err)
		}
		if seen[l.id] {
			t.Fatalf("ID %d reused in one round", l.id)
		}
		seen[l.id] = true
		sent = append(sent, l)
	}
}
