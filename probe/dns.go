package probe

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/idna"

	"github.com/openbeian/beian"
)

// DNSConfig configures a Resolver. Zero fields take the defaults named.
type DNSConfig struct {
	// Servers are the resolvers to ask, as host:port. Empty means the
	// nameservers of /etc/resolv.conf.
	Servers []string
	// Timeout bounds one attempt: one round of queries to one server.
	// Default 2 s.
	Timeout time.Duration
	// Attempts is how many tries an unanswered query gets, rotating through
	// the servers. Default 3.
	Attempts int
	// UDPSize is the EDNS0 buffer size advertised. Default 1232, the size
	// that avoids IP fragmentation on every path (DNS flag day 2020); larger
	// answers come truncated and are asked again over TCP.
	UDPSize uint16
	// MaxCNAME bounds the CNAME chain followed from a name. Default 8.
	MaxCNAME int
	// Rate limits the queries sent to each server (zero: unlimited).
	Rate Rate
	// IdleSessions is how many connection sets single look-ups keep open
	// between calls. Default 16.
	IdleSessions int
}

func (c *DNSConfig) defaults() error {
	if len(c.Servers) == 0 {
		cc, err := dns.ClientConfigFromFile("/etc/resolv.conf")
		if err != nil {
			return err
		}
		for _, s := range cc.Servers {
			c.Servers = append(c.Servers, net.JoinHostPort(s, cc.Port))
		}
		if len(c.Servers) == 0 {
			return os.ErrNotExist
		}
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.UDPSize < dns.MinMsgSize {
		c.UDPSize = 1232
	}
	if c.MaxCNAME <= 0 {
		c.MaxCNAME = 8
	}
	if c.IdleSessions <= 0 {
		c.IdleSessions = 16
	}
	return nil
}

// Status is the outcome of resolving one host name.
type Status uint8

// The outcomes. Only StatusUnknown says nothing about the name: a timeout,
// SERVFAIL or REFUSED from every server is never taken as "does not
// resolve", so a flaky resolver cannot open a rectification case.
const (
	StatusUnknown   Status = iota // no usable answer (Cause says why)
	StatusResolved                // A or AAAA records
	StatusNoAddress               // the name exists but has no A or AAAA records
	StatusNXDomain                // the name does not exist
	StatusCNAMELoop               // the CNAME chain loops; nobody can resolve it
)

// String returns the status as stored in evidence.
func (s Status) String() string {
	switch s {
	case StatusResolved:
		return "resolved"
	case StatusNoAddress:
		return "no_address"
	case StatusNXDomain:
		return "nxdomain"
	case StatusCNAMELoop:
		return "cname_loop"
	}
	return "unknown"
}

// Definite reports whether the status is an answer rather than a failure
// to get one.
func (s Status) Definite() bool { return s != StatusUnknown }

// Causes of StatusUnknown, as stored in evidence.
const (
	CauseTimeout     = "timeout"      // no answer within the attempts
	CauseServFail    = "servfail"     // every server said SERVFAIL
	CauseRefused     = "refused"      // every server said REFUSED
	CauseNetwork     = "network"      // sending or receiving failed
	CauseMalformed   = "malformed"    // answers could not be parsed
	CauseCNAMEDepth  = "cname_depth"  // the chain is longer than MaxCNAME
	CauseInvalidName = "invalid_name" // the name is not a valid host name
	CauseCanceled    = "canceled"     // the caller gave up
	CauseRcode       = "rcode"        // another error rcode (FORMERR, NOTIMP …)
)

// HostResult is what the resolvers said about one host name, A and AAAA
// together.
type HostResult struct {
	Name   string       `json:"name"` // as asked (ASCII, no trailing dot)
	Status Status       `json:"status"`
	Cause  string       `json:"cause,omitempty"` // why the status is unknown
	Addrs  []netip.Addr `json:"addrs,omitempty"`
	// CNAMEs is the chain followed from Name, in order.
	CNAMEs []string `json:"cnames,omitempty"`
	// Complete is true when both the A and the AAAA question got a definite
	// answer: only then can "none of the addresses is ours" be concluded.
	Complete bool `json:"complete"`
	// Server is the resolver that gave the last answer.
	Server string `json:"server,omitempty"`
}

// DomainResult is the resolution of a domain and its www host.
type DomainResult struct {
	Domain string       `json:"domain"`
	Hosts  []HostResult `json:"hosts"` // the domain first, then www.domain
}

// Addrs returns every address any host resolved to, without duplicates.
func (d DomainResult) Addrs() []netip.Addr {
	var out []netip.Addr
	for _, h := range d.Hosts {
		for _, a := range h.Addrs {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// Complete reports whether every host got definite A and AAAA answers.
func (d DomainResult) Complete() bool {
	for _, h := range d.Hosts {
		if !h.Complete {
			return false
		}
	}
	return len(d.Hosts) > 0
}

// domainHosts returns the host names probed for a filed domain: the domain
// and its www host, in ASCII (IDNA Lookup profile). Filed domains are
// registrable names, but one already starting with www is not doubled.
func domainHosts(domain string) ([]string, error) {
	d, err := toASCII(domain)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(d, "www.") {
		return []string{d}, nil
	}
	return []string{d, "www." + d}, nil
}

// toASCII turns a host name into its lower-case ASCII form.
func toASCII(host string) (string, error) {
	h := beian.NormalizeDomain(host)
	if isASCIIHost(h) {
		if h == "" || len(h) > 253 {
			return "", errors.New("probe: invalid host name")
		}
		return h, nil
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a), nil
}

func isASCIIHost(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// Resolver resolves host names against the configured servers with
// miekg/dns: A and AAAA together, CNAME chains followed with loop
// detection, EDNS0 over UDP with TCP after truncation, retries rotating
// through the servers, and a token bucket per server. It is safe for
// concurrent use.
//
// Each concurrent user holds a session: one connected UDP socket (and, when
// needed, one TCP connection) per server, reused for every query, with the
// queries of one look-up written back to back and their answers matched by
// ID. That is what lets a sweep keep up with a plain client holding one
// connection per worker.
type Resolver struct {
	cfg     DNSConfig
	servers []string
	limits  []*bucket
	idle    chan *session
	queries atomic.Int64
}

// NewResolver returns a resolver. It returns EINVALID (key
// probe.dns.servers) when no server is configured and /etc/resolv.conf
// names none.
func NewResolver(cfg DNSConfig) (*Resolver, error) {
	return newResolver(cfg, realPace)
}

func newResolver(cfg DNSConfig, p pace) (*Resolver, error) {
	if err := cfg.defaults(); err != nil {
		return nil, beian.Errorf(beian.EINVALID, "probe.dns.servers").WithCause(err)
	}
	r := &Resolver{cfg: cfg, servers: slices.Clone(cfg.Servers), idle: make(chan *session, cfg.IdleSessions)}
	for range r.servers {
		r.limits = append(r.limits, newBucket(cfg.Rate, p))
	}
	return r, nil
}

// Queries returns how many queries the resolver has sent so far.
func (r *Resolver) Queries() int64 { return r.queries.Load() }

// LookupDomain resolves a filed domain and its www host. It returns an
// error only when ctx ends; failures to get an answer are StatusUnknown.
func (r *Resolver) LookupDomain(ctx context.Context, domain string) (DomainResult, error) {
	s := r.session()
	stop := s.watch(ctx)
	defer func() { r.release(s, stop()) }()
	return s.lookupDomain(ctx, domain)
}

// LookupHost resolves one host name (a redirect target, say). It returns
// an error only when ctx ends.
func (r *Resolver) LookupHost(ctx context.Context, host string) (HostResult, error) {
	s := r.session()
	stop := s.watch(ctx)
	defer func() { r.release(s, stop()) }()
	name, err := toASCII(host)
	if err != nil {
		return HostResult{Name: host, Cause: CauseInvalidName}, nil
	}
	res, err := s.resolve(ctx, []string{name})
	return res[0], err
}

// Close closes the idle connections. The resolver stays usable.
func (r *Resolver) Close() error {
	for {
		select {
		case s := <-r.idle:
			s.close()
		default:
			return nil
		}
	}
}

func (r *Resolver) session() *session {
	select {
	case s := <-r.idle:
		return s
	default:
		return r.newSession()
	}
}

// release returns a session to the idle pool; an interrupted one (whose
// watch fired) is closed instead, its sockets' deadlines being spoiled.
func (r *Resolver) release(s *session, intact bool) {
	if !intact || s.interrupted.Load() {
		s.close()
		return
	}
	select {
	case r.idle <- s:
	default:
		s.close()
	}
}

func (r *Resolver) newSession() *session {
	s := &session{
		r:     r,
		conns: make([]serverConn, len(r.servers)),
		buf:   make([]byte, dns.MaxMsgSize),
		base:  rand.IntN(len(r.servers)),
	}
	s.msg.Question = make([]dns.Question, 1)
	s.msg.RecursionDesired = true
	s.msg.SetEdns0(r.cfg.UDPSize, false)
	return s
}

// session is one user's connections, one set per server, and buffers.
// It is used by one goroutine at a time; only interrupt runs beside it.
type session struct {
	r    *Resolver
	buf  []byte    // read buffer, large enough for any message
	out  []byte    // pack buffer
	msg  dns.Msg   // query template, reused
	sent []*lookup // the questions of the current round, reused
	base int       // first server for this session, to spread load

	// mu guards conns against interrupt, which runs on the context's
	// goroutine; the owner takes it only to dial and close.
	mu          sync.Mutex
	conns       []serverConn
	interrupted atomic.Bool
}

// watch arranges for ctx's end to interrupt the session's blocked reads.
// A sweep worker calls it once for its whole run — not once per query,
// which would take the context's lock for every look-up on every worker.
// If stop reports false the session was interrupted and must be closed.
func (s *session) watch(ctx context.Context) (stop func() bool) {
	if ctx.Done() == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, s.interrupt)
}

// interrupt makes every blocked read return. The flag is set first, so
// that an owner setting a fresh deadline afterwards sees it (see
// deadline).
func (s *session) interrupt() {
	s.interrupted.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.udp != nil {
			c.udp.SetDeadline(aLongTimeAgo)
		}
		if c.tcp != nil {
			c.tcp.SetDeadline(aLongTimeAgo)
		}
	}
}

// deadline sets c's deadline and reports false when the session has been
// interrupted, whether before or after.
func (s *session) deadline(c net.Conn, t time.Time) bool {
	c.SetDeadline(t)
	return !s.interrupted.Load()
}

type serverConn struct {
	udp net.Conn
	tcp net.Conn
}

func (s *session) close() {
	for i := range s.conns {
		s.closeUDP(i)
		s.closeTCP(i)
	}
}

func (s *session) closeUDP(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.conns[i].udp; c != nil {
		c.Close()
		s.conns[i].udp = nil
	}
}

func (s *session) closeTCP(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.conns[i].tcp; c != nil {
		c.Close()
		s.conns[i].tcp = nil
	}
}

func (s *session) lookupDomain(ctx context.Context, domain string) (DomainResult, error) {
	hosts, err := domainHosts(domain)
	if err != nil {
		return DomainResult{Domain: domain, Hosts: []HostResult{{Name: domain, Cause: CauseInvalidName}}}, nil
	}
	res, err := s.resolve(ctx, hosts)
	return DomainResult{Domain: hosts[0], Hosts: res}, err
}

// lookup is one question being worked on: a host and a type, following
// CNAMEs from name to name.
type lookup struct {
	host  int
	qtype uint16
	start string   // the host name asked first (FQDN, lower case)
	name  string   // the name currently asked (FQDN, lower case)
	chain []string // CNAME targets followed (FQDN, lower case)
	tries int      // attempts spent on the current name

	done   bool
	status Status
	cause  string
	addrs  []netip.Addr
	server string

	// per round
	id       uint16
	answered bool
	answer   *dns.Msg
	overTCP  bool   // the UDP answer was truncated or unreadable
	failure  string // cause of a failed round
}

// resolve resolves the hosts (lower-case ASCII names) and returns one
// result per host, in order. Every question still unanswered when ctx ends
// is StatusUnknown with CauseCanceled, and the error is ctx's.
func (s *session) resolve(ctx context.Context, hosts []string) ([]HostResult, error) {
	ls := make([]lookup, 0, 2*len(hosts))
	for i, h := range hosts {
		fq := dns.Fqdn(h)
		ls = append(ls, lookup{host: i, qtype: dns.TypeA, start: fq, name: fq}, lookup{host: i, qtype: dns.TypeAAAA, start: fq, name: fq})
	}
	n := len(s.r.servers)
	var round []*lookup
	var ctxErr error
	for ctxErr == nil {
		// One round: every open question goes to the server its try count
		// points at; usually that is one server for all.
		sent := false
		for si := range n {
			round = round[:0]
			for i := range ls {
				l := &ls[i]
				if !l.done && (s.base+l.tries)%n == si {
					round = append(round, l)
				}
			}
			if len(round) == 0 {
				continue
			}
			sent = true
			ctxErr = s.exchange(ctx, si, round)
			for _, l := range round {
				s.settle(l, si)
			}
			if ctxErr != nil {
				break
			}
		}
		if !sent {
			break
		}
	}
	out := make([]HostResult, len(hosts))
	for i, h := range hosts {
		out[i] = combine(h, &ls[2*i], &ls[2*i+1])
		if ctxErr != nil && out[i].Status == StatusUnknown {
			out[i].Cause = CauseCanceled
		}
	}
	return out, ctxErr
}

// settle turns the round's answer (or its absence) into progress for l.
func (s *session) settle(l *lookup, si int) {
	if l.done {
		return
	}
	ans := l.answer
	l.answer, l.answered, l.overTCP = nil, false, false
	if ans == nil {
		s.retry(l, l.failure)
		return
	}
	l.server = s.r.servers[si]
	switch ans.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		s.walk(l, ans)
	case dns.RcodeServerFailure:
		s.retry(l, CauseServFail)
	case dns.RcodeRefused:
		s.retry(l, CauseRefused)
	default:
		s.retry(l, CauseRcode)
	}
}

func (s *session) retry(l *lookup, cause string) {
	if cause == "" {
		cause = CauseTimeout
	}
	l.cause = cause
	l.tries++
	if l.tries >= s.r.cfg.Attempts {
		l.done, l.status = true, StatusUnknown
	}
}

// walk follows the answer section from l.name: records of the asked type
// end the question; a CNAME moves to its target, in this answer or, when the
// server did not chase it (an authoritative server for another zone), in a
// new question.
func (s *session) walk(l *lookup, ans *dns.Msg) {
	cur := l.name
	for {
		var target string
		for _, rr := range ans.Answer {
			h := rr.Header()
			if !strings.EqualFold(h.Name, cur) {
				continue
			}
			switch v := rr.(type) {
			case *dns.A:
				if l.qtype == dns.TypeA {
					if a, ok := netip.AddrFromSlice(v.A.To4()); ok {
						l.addrs = appendUnique(l.addrs, a)
					}
				}
			case *dns.AAAA:
				if l.qtype == dns.TypeAAAA {
					if a, ok := netip.AddrFromSlice(v.AAAA); ok && len(v.AAAA) == net.IPv6len {
						l.addrs = appendUnique(l.addrs, a)
					}
				}
			case *dns.CNAME:
				if target == "" {
					target = strings.ToLower(dns.Fqdn(v.Target))
				}
			}
		}
		switch {
		case len(l.addrs) > 0:
			l.done, l.status, l.cause = true, StatusResolved, ""
			return
		case target == "" && (cur == l.name || ans.Rcode == dns.RcodeNameError || negative(ans)):
			// The answer ends here: NXDOMAIN refers to the last name of
			// the chain; an empty NOERROR answer to the asked name, or to
			// the chain's end when the server vouches for it with the
			// zone's SOA (RFC 2308), is NODATA.
			l.done, l.cause = true, ""
			l.status = StatusNoAddress
			if ans.Rcode == dns.RcodeNameError {
				l.status = StatusNXDomain
			}
			return
		case target == "":
			// The chain leaves this answer: ask for its end.
			l.name, l.tries = cur, 0
			return
		}
		if target == l.start || target == cur || slices.Contains(l.chain, target) {
			l.chain = append(l.chain, target)
			l.done, l.status, l.cause = true, StatusCNAMELoop, ""
			return
		}
		if len(l.chain) >= s.r.cfg.MaxCNAME {
			l.done, l.status, l.cause = true, StatusUnknown, CauseCNAMEDepth
			return
		}
		l.chain = append(l.chain, target)
		cur = target
	}
}

// negative reports whether the authority section carries an SOA, the mark
// of a server answering for the zone that it has no data (RFC 2308). A
// server that merely stopped at a CNAME into another zone does not add it.
func negative(m *dns.Msg) bool {
	for _, rr := range m.Ns {
		if rr.Header().Rrtype == dns.TypeSOA {
			return true
		}
	}
	return false
}

func appendUnique(s []netip.Addr, a netip.Addr) []netip.Addr {
	if slices.Contains(s, a) {
		return s
	}
	return append(s, a)
}

// combine merges the A and AAAA questions of one host.
func combine(host string, a, aaaa *lookup) HostResult {
	h := HostResult{Name: host}
	h.Addrs = append(h.Addrs, a.addrs...)
	for _, x := range aaaa.addrs {
		h.Addrs = appendUnique(h.Addrs, x)
	}
	h.CNAMEs = trimDots(a.chain)
	if len(h.CNAMEs) == 0 {
		h.CNAMEs = trimDots(aaaa.chain)
	}
	h.Server = a.server
	if aaaa.server != "" {
		h.Server = aaaa.server
	}
	h.Complete = a.status.Definite() && aaaa.status.Definite()
	switch {
	case len(h.Addrs) > 0:
		h.Status = StatusResolved
	case !h.Complete:
		h.Status = StatusUnknown
		h.Cause = a.cause
		if a.status.Definite() {
			h.Cause = aaaa.cause
		}
	case a.status == StatusCNAMELoop || aaaa.status == StatusCNAMELoop:
		h.Status = StatusCNAMELoop
	case a.status == StatusNXDomain || aaaa.status == StatusNXDomain:
		h.Status = StatusNXDomain
	default:
		h.Status = StatusNoAddress
	}
	return h
}

func trimDots(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimSuffix(n, ".")
	}
	return out
}

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read
// return at once.
var aLongTimeAgo = time.Unix(1, 0)

// exchange sends the round's questions to server si and collects the
// answers: over the session's UDP socket all at once, then over TCP for
// those whose UDP answer was truncated. It returns ctx's error when ctx
// ended.
func (s *session) exchange(ctx context.Context, si int, round []*lookup) error {
	for _, l := range round {
		l.answer, l.answered, l.overTCP, l.failure = nil, false, false, ""
	}
	if err := s.r.limits[si].wait(ctx, len(round)); err != nil {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline := time.Now().Add(s.r.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.exchangeUDP(ctx, si, round, deadline); err != nil {
		return err
	}
	for _, l := range round {
		if l.overTCP {
			if err := s.exchangeTCP(ctx, si, l, deadline); err != nil {
				return err
			}
		}
	}
	return nil
}

// pack writes l's question into s.out.
// Its ID is random and differs from those of inFlight: two questions of
// one round with the same ID would take each other's answers.
func (s *session) pack(l *lookup, inFlight []*lookup) ([]byte, error) {
	l.id = uint16(rand.Uint32())
	for slices.ContainsFunc(inFlight, func(o *lookup) bool { return o != l && o.id == l.id }) {
		l.id = uint16(rand.Uint32())
	}
	s.msg.Id = l.id
	s.msg.Question[0] = dns.Question{Name: l.name, Qtype: l.qtype, Qclass: dns.ClassINET}
	b, err := s.msg.PackBuffer(s.out)
	if err == nil {
		s.out = b
	}
	return b, err
}

func (s *session) exchangeUDP(ctx context.Context, si int, round []*lookup, deadline time.Time) error {
	c := s.conns[si].udp
	if c == nil {
		var d net.Dialer
		var err error
		if c, err = d.DialContext(ctx, "udp", s.r.servers[si]); err != nil {
			for _, l := range round {
				l.failure = CauseNetwork
			}
			return ctx.Err()
		}
		s.mu.Lock()
		s.conns[si].udp = c
		s.mu.Unlock()
	}
	if !s.deadline(c, deadline) {
		return ctx.Err()
	}
	// The questions go out back to back; the answers are matched by ID as
	// they come. (sendmmsg/recvmmsg were tried: on loopback the kernel's
	// per-datagram work dominates and batching the calls saved nothing.)
	sent := s.sent[:0]
	for _, l := range round {
		b, err := s.pack(l, sent)
		if err != nil {
			l.failure = CauseInvalidName
			continue
		}
		if _, err := c.Write(b); err != nil {
			l.failure = CauseNetwork
			continue
		}
		sent = append(sent, l)
	}
	s.sent = sent
	s.r.queries.Add(int64(len(sent)))
	waiting, broken := len(sent), false
	for waiting > 0 {
		n, err := c.Read(s.buf)
		if err != nil {
			cause := CauseNetwork
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				cause = CauseTimeout
			} else {
				broken = true
			}
			for _, l := range sent {
				if !l.answered && l.failure == "" {
					l.failure = cause
				}
			}
			break
		}
		if s.take(sent, s.buf[:n]) {
			waiting--
		}
	}
	if broken {
		s.closeUDP(si)
	}
	return ctx.Err()
}

// take matches a datagram to the question it answers and reports whether
// it did.
func (s *session) take(round []*lookup, p []byte) bool {
	if len(p) < 12 {
		return false
	}
	l := pendingByID(round, binary.BigEndian.Uint16(p))
	if l == nil {
		return false // a late answer to an earlier round, or noise
	}
	m := new(dns.Msg)
	if err := m.Unpack(p); err != nil {
		// A reply cut on the path, or malformed: TCP gets the whole
		// message if there is one.
		l.answered, l.overTCP = true, true
		return true
	}
	if !m.Response || !sameQuestion(m, l) {
		return false
	}
	l.answered = true
	if m.Truncated {
		l.overTCP = true
		return true
	}
	l.answer = m
	return true
}

func pendingByID(round []*lookup, id uint16) *lookup {
	for _, l := range round {
		if l.id == id && !l.answered && l.failure == "" {
			return l
		}
	}
	return nil
}

func sameQuestion(m *dns.Msg, l *lookup) bool {
	return len(m.Question) == 1 && m.Question[0].Qtype == l.qtype && strings.EqualFold(m.Question[0].Name, l.name)
}

// exchangeTCP asks l's question over the session's TCP connection to server
// si, dialling it when needed. A reused connection the server has since
// closed is redialled once.
func (s *session) exchangeTCP(ctx context.Context, si int, l *lookup, deadline time.Time) error {
	for attempt := 0; attempt < 2; attempt++ {
		c := s.conns[si].tcp
		fresh := c == nil
		if fresh {
			d := net.Dialer{Deadline: deadline}
			var err error
			if c, err = d.DialContext(ctx, "tcp", s.r.servers[si]); err != nil {
				l.failure = CauseNetwork
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					l.failure = CauseTimeout
				}
				return ctx.Err()
			}
			s.mu.Lock()
			s.conns[si].tcp = c
			s.mu.Unlock()
		}
		m, err := s.roundTripTCP(ctx, c, l, deadline)
		if err == nil {
			l.answer = m
			return nil
		}
		s.closeTCP(si)
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			l.failure = CauseTimeout
			return nil
		}
		l.failure = CauseNetwork
		if errors.Is(err, errMalformed) {
			l.failure = CauseMalformed
			return nil
		}
		if fresh {
			return nil
		}
	}
	return nil
}

var errMalformed = errors.New("probe: malformed DNS message")

func (s *session) roundTripTCP(ctx context.Context, c net.Conn, l *lookup, deadline time.Time) (*dns.Msg, error) {
	if !s.deadline(c, deadline) {
		return nil, context.Canceled
	}
	b, err := s.pack(l, nil)
	if err != nil {
		return nil, errMalformed
	}
	frame := make([]byte, 2+len(b))
	binary.BigEndian.PutUint16(frame, uint16(len(b)))
	copy(frame[2:], b)
	if _, err := c.Write(frame); err != nil {
		return nil, err
	}
	s.r.queries.Add(1)
	for {
		if _, err := io.ReadFull(c, s.buf[:2]); err != nil {
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(s.buf))
		if n < 12 {
			return nil, errMalformed
		}
		if _, err := io.ReadFull(c, s.buf[:n]); err != nil {
			return nil, err
		}
		if binary.BigEndian.Uint16(s.buf) != l.id {
			continue // an answer to a question an earlier timeout abandoned
		}
		m := new(dns.Msg)
		if err := m.Unpack(s.buf[:n]); err != nil || !sameQuestion(m, l) {
			return nil, errMalformed
		}
		return m, nil
	}
}
