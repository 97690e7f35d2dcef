package probe

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"
)

// zoneName is one owner name in the test server's data.
type zoneName struct {
	a, aaaa  []dns.RR
	cname    dns.RR
	noChase  bool // answer with the CNAME only, as a server for another zone would
	servfail bool
	drop     bool // never answer
	// held, when set, receives the question instead of an answer: tests
	// use it to know a query arrived without sleeping.
	held chan string
}

// zoneServer is an authoritative DNS server on 127.0.0.1, UDP and TCP on
// the same port, answering from an in-memory map that is fixed before it
// starts. It chases CNAMEs within its data (as an authoritative server
// does for in-zone targets), truncates UDP answers to the client's EDNS0
// size, and counts what it sees.
type zoneServer struct {
	names map[string]*zoneName
	addr  string
	soa   dns.RR

	udp, tcp   atomic.Int64 // queries seen per transport
	ednsSizes  sync.Map     // advertised EDNS0 size → true
	srcPorts   sync.Map     // UDP source address → count
	servers    []*dns.Server
	closeOnce  sync.Once
	shutdownFn func()
}

// answers reports whether m holds records of type t.
func answers(m *dns.Msg, t uint16) bool {
	for _, rr := range m.Answer {
		if rr.Header().Rrtype == t {
			return true
		}
	}
	return false
}

func newZoneData() map[string]*zoneName { return map[string]*zoneName{} }

// zoneSet returns the entry for name, creating it.
func zoneSet(m map[string]*zoneName, name string) *zoneName {
	name = strings.ToLower(dns.Fqdn(name))
	z := m[name]
	if z == nil {
		z = &zoneName{}
		m[name] = z
	}
	return z
}

func addA(m map[string]*zoneName, name string, addrs ...netip.Addr) {
	z := zoneSet(m, name)
	fq := strings.ToLower(dns.Fqdn(name))
	for _, a := range addrs {
		if a.Is4() {
			z.a = append(z.a, &dns.A{Hdr: dns.RR_Header{Name: fq, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 300}, A: a.AsSlice()})
		} else {
			z.aaaa = append(z.aaaa, &dns.AAAA{Hdr: dns.RR_Header{Name: fq, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: 300}, AAAA: a.AsSlice()})
		}
	}
}

func addCNAME(m map[string]*zoneName, name, target string) {
	z := zoneSet(m, name)
	fq := strings.ToLower(dns.Fqdn(name))
	z.cname = &dns.CNAME{Hdr: dns.RR_Header{Name: fq, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: strings.ToLower(dns.Fqdn(target))}
}

// startZoneServer serves names until the test ends.
func startZoneServer(tb testing.TB, names map[string]*zoneName) *zoneServer {
	tb.Helper()
	zs := &zoneServer{names: names, soa: &dns.SOA{
		Hdr: dns.RR_Header{Name: "test.", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 300},
		Ns:  "ns1.test.", Mbox: "hostmaster.test.", Serial: 2026030101, Refresh: 3600, Retry: 600, Expire: 604800, Minttl: 300,
	}}
	zs.start(tb)
	tb.Cleanup(zs.close)
	return zs
}

func (zs *zoneServer) start(tb testing.TB) {
	tb.Helper()
	var pc net.PacketConn
	var ln net.Listener
	for range 20 {
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			tb.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		tb.Fatal("no port free for UDP and TCP")
	}
	// A roomy receive buffer, as real resolvers have: 64 workers with a
	// few questions each in flight must not overflow the default one
	// while the server waits for a CPU.
	if u, ok := pc.(*net.UDPConn); ok {
		u.SetReadBuffer(4 << 20)
	}
	zs.addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: zs}
	tcp := &dns.Server{Listener: ln, Handler: zs}
	zs.servers = []*dns.Server{udp, tcp}
	for _, s := range zs.servers {
		started := make(chan struct{})
		s.NotifyStartedFunc = func() { close(started) }
		go s.ActivateAndServe()
		<-started
	}
}

func (zs *zoneServer) close() {
	zs.closeOnce.Do(func() {
		for _, s := range zs.servers {
			s.Shutdown()
		}
	})
}

// ServeDNS answers one query.
func (zs *zoneServer) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	isUDP := w.RemoteAddr().Network() == "udp"
	if isUDP {
		zs.udp.Add(1)
		v, _ := zs.srcPorts.LoadOrStore(w.RemoteAddr().String(), new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	} else {
		zs.tcp.Add(1)
	}
	if len(r.Question) != 1 {
		return
	}
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	size := dns.MinMsgSize
	if opt := r.IsEdns0(); opt != nil {
		zs.ednsSizes.Store(opt.UDPSize(), true)
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(opt.UDPSize(), false)
	}
	z := zs.names[name]
	stopped := false // the chain left the data at a noChase CNAME
	switch {
	case z == nil:
		m.Rcode = dns.RcodeNameError
	case z.held != nil:
		z.held <- name
		return
	case z.drop:
		return
	case z.servfail:
		m.Rcode = dns.RcodeServerFailure
	default:
		cur := z
		for depth := 0; cur != nil && depth < 12; depth++ {
			if cur.cname != nil {
				m.Answer = append(m.Answer, cur.cname)
				if cur.noChase {
					stopped = true
					break
				}
				target := cur.cname.(*dns.CNAME).Target
				next := zs.names[target]
				if next == nil {
					m.Rcode = dns.RcodeNameError
				}
				cur = next
				continue
			}
			switch q.Qtype {
			case dns.TypeA:
				m.Answer = append(m.Answer, cur.a...)
			case dns.TypeAAAA:
				m.Answer = append(m.Answer, cur.aaaa...)
			}
			break
		}
	}
	if m.Rcode == dns.RcodeNameError || (m.Rcode == dns.RcodeSuccess && z != nil && !stopped && !answers(m, q.Qtype)) {
		// A negative answer carries the zone's SOA (RFC 2308).
		m.Ns = append(m.Ns, zs.soa)
	}
	if isUDP {
		m.Truncate(size)
	}
	w.WriteMsg(m)
}
