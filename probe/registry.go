package probe

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openrdap/rdap"
	"github.com/openrdap/rdap/bootstrap"
	"golang.org/x/net/publicsuffix"

	"github.com/openbeian/beian"
)

// RegistryConfig configures the domain registration look-ups. Zero fields
// take the defaults named.
type RegistryConfig struct {
	// RDAPServers maps a public suffix ("com", "com.cn") to the base URL
	// of its RDAP service ("https://rdap.verisign.com/com/v1/"). Nil means
	// DefaultRDAPServers; an empty map means none.
	RDAPServers map[string]string
	// RDAPBootstrap, when set, finds RDAP services for suffixes missing
	// from RDAPServers through IANA's bootstrap registry (data.iana.org).
	RDAPBootstrap bool
	// WHOISServers maps a suffix to a port-43 WHOIS server ("host:43"),
	// asked when RDAP has no service for the suffix or fails. Nil means
	// DefaultWHOISServers; an empty map means none.
	WHOISServers map[string]string
	// Timeout bounds one look-up at one server. Default 10 s.
	Timeout time.Duration
	// Attempts is how many times RDAP and WHOIS are asked in turn when
	// they fail in a way that may pass (timeouts, refused connections,
	// server errors). Default 2.
	Attempts int
	// Rate limits look-ups per server (zero: unlimited). Registries
	// throttle hard and block abusers.
	Rate Rate
	// HTTPClient makes the RDAP requests. Default: a client with Timeout
	// and its own transport.
	HTTPClient *http.Client
	// Dial connects to WHOIS servers. Default net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// DefaultRDAPServers are the RDAP services of the registries Beian's
// customers use most that publish one. CNNIC (.cn, .中国) has no public RDAP
// service: those domains go to WHOIS.
var DefaultRDAPServers = map[string]string{
	"com": "https://rdap.verisign.com/com/v1/",
	"net": "https://rdap.verisign.com/net/v1/",
}

// DefaultWHOISServers are the registry WHOIS servers for the same suffixes
// and CNNIC's.
var DefaultWHOISServers = map[string]string{
	"cn":         "whois.cnnic.cn:43",
	"xn--fiqs8s": "cwhois.cnnic.cn:43", // .中国
	"com":        "whois.verisign-grs.com:43",
	"net":        "whois.verisign-grs.com:43",
}

func (c *RegistryConfig) defaults() {
	if c.RDAPServers == nil {
		c.RDAPServers = DefaultRDAPServers
	}
	if c.WHOISServers == nil {
		c.WHOISServers = DefaultWHOISServers
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 2
	}
	if c.HTTPClient == nil {
		// Its own transport, so that Prober.Close drops only our idle
		// connections.
		c.HTTPClient = &http.Client{Timeout: c.Timeout, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.Dial == nil {
		var d net.Dialer
		c.Dial = d.DialContext
	}
}

// Registration is what the registry says about a domain.
type Registration struct {
	// Domain is the registrable domain asked about (ASCII).
	Domain string `json:"domain"`
	// Source is "rdap" or "whois", Server the service that answered.
	Source string `json:"source"`
	Server string `json:"server"`
	// Found is false when the registry has no such domain.
	Found     bool   `json:"found"`
	Registrar string `json:"registrar,omitempty"`
	// Holder is the registrant as published, "" when redacted. It may name
	// a person: it is never logged and never put in finding evidence.
	Holder  string     `json:"-"`
	Created beian.Date `json:"created"`
	Expires beian.Date `json:"expires"`
	// Status holds the EPP status values ("clientHold", "serverHold" …).
	Status []string  `json:"status,omitempty"`
	At     time.Time `json:"at"`
}

// OnHold reports whether the registry has taken the domain out of the DNS
// (client or server hold), which CNNIC does to domains that fail real-name
// verification.
func (r Registration) OnHold() bool {
	for _, s := range r.Status {
		s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
		if s == "clienthold" || s == "serverhold" {
			return true
		}
	}
	return false
}

// ErrNoRegistry means no RDAP or WHOIS service is configured for the
// domain's suffix.
var ErrNoRegistry = errors.New("probe: no registry service for this suffix")

// registry looks domains up by RDAP with a WHOIS fallback.
type registry struct {
	cfg    RegistryConfig
	limits *limiterSet
	clock  beian.Clock
	rdap   *rdap.Client
	// bootMu serialises bootstrapped queries: the RDAP client then writes
	// to its (shared, caching) bootstrap client.
	bootMu sync.Mutex
}

func newRegistry(cfg RegistryConfig, clock beian.Clock, pc pace) *registry {
	cfg.defaults()
	hc := *cfg.HTTPClient
	hc.Transport = limitedBody{next: transportOf(cfg.HTTPClient), max: 1 << 20}
	return &registry{
		cfg:    cfg,
		limits: newLimiterSet(cfg.Rate, pc),
		clock:  clock,
		// Every field is set here: Client.Do fills unset fields on first
		// use, which would race between workers.
		rdap: &rdap.Client{
			HTTP:      &hc,
			Bootstrap: &bootstrap.Client{HTTP: &hc},
			Verbose:   func(string) {},
			UserAgent: "BeianProbe/1.0",
		},
	}
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// limitedBody caps response bodies: the RDAP client reads them whole.
type limitedBody struct {
	next http.RoundTripper
	max  int64
}

func (l limitedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err == nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, l.max), resp.Body}
	}
	return resp, err
}

// registrable returns the registrable domain (eTLD+1) of a host, in ASCII,
// and its public suffix.
func registrable(domain string) (string, string, error) {
	d, err := toASCII(domain)
	if err != nil {
		return "", "", err
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return "", "", err
	}
	suffix, _ := publicsuffix.PublicSuffix(reg)
	return reg, suffix, nil
}

// service finds the entry for the longest matching suffix ("com.cn" before
// "cn").
func service(m map[string]string, suffix string) string {
	for s := suffix; s != ""; {
		if v, ok := m[s]; ok {
			return v
		}
		_, rest, ok := strings.Cut(s, ".")
		if !ok {
			break
		}
		s = rest
	}
	return ""
}

// lookup returns the registration of domain's registrable domain. It tries
// RDAP, then WHOIS; an error means neither gave an answer (the registration
// is unknown), or ctx ended.
func (g *registry) lookup(ctx context.Context, domain string) (Registration, error) {
	reg, suffix, err := registrable(domain)
	if err != nil {
		return Registration{}, beian.Invalid("domain", "probe.domain.invalid").WithCause(err)
	}
	base := service(g.cfg.RDAPServers, suffix)
	whois := service(g.cfg.WHOISServers, suffix)
	if base == "" && !g.cfg.RDAPBootstrap && whois == "" {
		return Registration{}, ErrNoRegistry
	}
	var errs []error
	for attempt := 0; attempt < g.cfg.Attempts; attempt++ {
		transient := false
		if base != "" || g.cfg.RDAPBootstrap {
			r, err := g.viaRDAP(ctx, base, reg)
			if err == nil {
				return r, nil
			}
			if cerr := ctx.Err(); cerr != nil {
				return Registration{}, cerr
			}
			errs = append(errs, err)
			transient = transient || isTransient(err)
		}
		if whois != "" {
			r, err := g.viaWHOIS(ctx, whois, reg)
			if err == nil {
				return r, nil
			}
			if cerr := ctx.Err(); cerr != nil {
				return Registration{}, cerr
			}
			errs = append(errs, err)
			transient = transient || isTransient(err)
		}
		if !transient {
			break // asking again would get the same answer
		}
	}
	return Registration{}, errors.Join(errs...)
}

// isTransient reports whether a look-up failure may well pass: a timeout,
// a refused or broken connection, a registry answering with a server error.
func isTransient(err error) bool {
	var ne net.Error
	var ce *rdap.ClientError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &ce):
		return ce.Type == rdap.NoWorkingServers
	}
	return false
}

func (g *registry) viaRDAP(ctx context.Context, base, domain string) (Registration, error) {
	req := &rdap.Request{Type: rdap.DomainRequest, Query: domain}
	key := "rdap-bootstrap"
	if base != "" {
		u, err := url.Parse(base)
		if err != nil {
			return Registration{}, err
		}
		req.Server = u
		key = u.Host
	}
	if err := g.limits.wait(ctx, key); err != nil {
		return Registration{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	out := Registration{Domain: domain, Source: "rdap", Server: key, At: g.clock.Now()}
	if req.Server == nil {
		g.bootMu.Lock()
		defer g.bootMu.Unlock()
	}
	resp, err := g.rdap.Do(req.WithContext(rctx))
	if err != nil {
		var ce *rdap.ClientError
		if errors.As(err, &ce) && ce.Type == rdap.ObjectDoesNotExist {
			return out, nil // the registry answered: no such domain
		}
		return Registration{}, err
	}
	d, ok := resp.Object.(*rdap.Domain)
	if !ok {
		return Registration{}, errors.New("probe: RDAP answer is not a domain")
	}
	out.Found = true
	out.Status = d.Status
	for _, e := range d.Events {
		switch strings.ToLower(e.Action) {
		case "registration":
			out.Created, _ = parseRegistryDate(e.Date)
		case "expiration":
			out.Expires, _ = parseRegistryDate(e.Date)
		}
	}
	walkEntities(d.Entities, func(e *rdap.Entity) {
		for _, role := range e.Roles {
			switch strings.ToLower(role) {
			case "registrar":
				if out.Registrar == "" {
					out.Registrar = entityName(e)
				}
			case "registrant":
				if out.Holder == "" {
					if n := entityName(e); !redacted(n) {
						out.Holder = n
					}
				}
			}
		}
	})
	return out, nil
}

func walkEntities(es []rdap.Entity, fn func(*rdap.Entity)) {
	for i := range es {
		fn(&es[i])
		walkEntities(es[i].Entities, fn)
	}
}

// entityName returns an entity's organisation or full name from its
// vCard, or its handle.
func entityName(e *rdap.Entity) string {
	if e.VCard != nil {
		if p := e.VCard.GetFirst("org"); p != nil {
			if v := strings.TrimSpace(strings.Join(p.Values(), " ")); v != "" {
				return truncateBytes(v, 256)
			}
		}
		if n := strings.TrimSpace(e.VCard.Name()); n != "" {
			return truncateBytes(n, 256)
		}
	}
	return truncateBytes(e.Handle, 256)
}

// maxWHOIS bounds a WHOIS answer; real ones are a few kilobytes.
const maxWHOIS = 256 << 10

func (g *registry) viaWHOIS(ctx context.Context, addr, domain string) (Registration, error) {
	if err := g.limits.wait(ctx, addr); err != nil {
		return Registration{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	c, err := g.cfg.Dial(rctx, "tcp", addr)
	if err != nil {
		return Registration{}, err
	}
	defer c.Close()
	if d, ok := rctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	stop := context.AfterFunc(rctx, func() { c.SetDeadline(aLongTimeAgo) })
	defer stop()
	if _, err := io.WriteString(c, domain+"\r\n"); err != nil {
		return Registration{}, err
	}
	b, err := io.ReadAll(io.LimitReader(c, maxWHOIS))
	if err != nil {
		return Registration{}, err
	}
	rec := ParseWHOIS(string(b))
	out := Registration{Domain: domain, Source: "whois", Server: addr, At: g.clock.Now()}
	if rec.NotFound {
		return out, nil
	}
	if rec.Expires.IsZero() && rec.Created.IsZero() && rec.Registrar == "" {
		return Registration{}, errors.New("probe: WHOIS answer not understood")
	}
	out.Found = true
	out.Registrar, out.Holder = rec.Registrar, rec.Registrant
	out.Created, out.Expires, out.Status = rec.Created, rec.Expires, rec.Status
	return out, nil
}
