package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openbeian/beian"
)

// HTTPConfig configures the homepage probe. Zero fields take the defaults
// named.
type HTTPConfig struct {
	// Timeout bounds one request, from dialling to the end of the body.
	// Default 10 s.
	Timeout time.Duration
	// MaxRedirects bounds the redirects (and meta refreshes) followed.
	// Default 5.
	MaxRedirects int
	// MaxBody is how much of a body is read. Default 512 KiB.
	MaxBody int64
	// Schemes are tried in order until one serves a page or refuses for
	// good: the next is tried when a scheme does not connect or answers
	// with an error status. Default http, then https: the bureau checks
	// http://domain, and sites that serve only https usually redirect
	// there anyway.
	Schemes []string
	// UserAgent is sent with every request.
	UserAgent string
	// HostRate limits requests to each server address (zero: unlimited).
	// Many filed sites share one server; the probe must not hammer it.
	HostRate Rate
	// MaxAddrs is how many of a host's addresses one request tries before
	// giving up. Default 2.
	MaxAddrs int
	// Dial connects to "ip:port". Default net.Dialer. Tests map the
	// resolved addresses and the well-known ports to loopback servers.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

func (c *HTTPConfig) defaults() {
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = 5
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 512 << 10
	}
	if len(c.Schemes) == 0 {
		c.Schemes = []string{"http", "https"}
	}
	if c.UserAgent == "" {
		c.UserAgent = "Mozilla/5.0 (compatible; BeianProbe/1.0; ICP filing compliance check)"
	}
	if c.MaxAddrs <= 0 {
		c.MaxAddrs = 2
	}
	if c.Dial == nil {
		var d net.Dialer
		c.Dial = d.DialContext
	}
}

// Outcome is how a homepage probe ended.
type Outcome uint8

// The outcomes. OutcomeUnknown is never a fault: a timeout may be ours.
const (
	OutcomeUnknown     Outcome = iota // no conclusion (timeout, rate limited, body cut by the limit …)
	OutcomePage                       // a page was read
	OutcomeUnreachable                // the site refused, reset, failed TLS or answered with an error status
)

// String returns the outcome as stored in evidence.
func (o Outcome) String() string {
	switch o {
	case OutcomePage:
		return "page"
	case OutcomeUnreachable:
		return "unreachable"
	}
	return "unknown"
}

// Hop is one request of a homepage probe.
type Hop struct {
	URL    string     `json:"url"`
	Addr   netip.Addr `json:"addr,omitzero"`
	Status int        `json:"status,omitempty"`
	Error  string     `json:"error,omitempty"`
}

// Homepage is the result of probing a host's homepage.
type Homepage struct {
	Host    string    `json:"host"`
	At      time.Time `json:"at"`
	Outcome Outcome   `json:"outcome"`
	// Cause says why the outcome is not OutcomePage: "refused", "reset",
	// "tls", "status", "redirect_loop", "timeout", "body_limit" …
	Cause string `json:"cause,omitempty"`
	// URL, Status and Addr describe the last response.
	URL    string     `json:"url,omitempty"`
	Status int        `json:"status,omitempty"`
	Addr   netip.Addr `json:"addr,omitzero"`
	Hops   []Hop      `json:"hops,omitempty"`
	// TLSError is a certificate problem seen on the way; it is evidence,
	// not a reason to stop reading the page.
	TLSError string `json:"tls_error,omitempty"`
	// Truncated is true when the body was longer than MaxBody.
	Truncated bool `json:"truncated,omitempty"`
	Page      Page `json:"page"`
}

// failure is a request that got no usable response.
type failure struct {
	outcome Outcome
	cause   string
}

// fetcher runs homepage probes.
type fetcher struct {
	cfg      HTTPConfig
	resolver *Resolver
	limits   *limiterSet
	clock    beian.Clock
	roots    *x509.CertPool // nil: the system pool
}

// fetch probes host's homepage, dialling addrs (already resolved through
// our resolver, ours first) for the first request and re-resolving every
// redirect target. It returns an error only when ctx ends.
func (f *fetcher) fetch(ctx context.Context, host string, addrs []netip.Addr) (Homepage, error) {
	hp := Homepage{Host: host, At: f.clock.Now()}
	unsure := ""
	var answered *Homepage // the first scheme's error-status result
	for _, scheme := range f.cfg.Schemes {
		connected, err := f.follow(ctx, scheme+"://"+host+"/", addrs, &hp)
		if err != nil {
			return hp, err
		}
		switch {
		case connected && hp.Outcome == OutcomeUnreachable && hp.Cause == "status" && answered == nil:
			// An error status on one scheme is often a shared server's
			// default site on a port the customer does not use (http 404
			// for an https-only site): try the other before concluding.
			first := hp
			answered = &first
			hp.Page, hp.Truncated = Page{}, false
			continue
		case connected && hp.Outcome != OutcomePage && answered != nil:
			hops := hp.Hops
			hp = *answered
			hp.Hops = hops
			return hp, nil
		case connected:
			return hp, nil
		}
		if hp.Outcome == OutcomeUnknown && unsure == "" {
			unsure = hp.Cause
		}
	}
	if answered != nil {
		// The other scheme did not connect: the error status stands.
		hops := hp.Hops
		hp = *answered
		hp.Hops = hops
		return hp, nil
	}
	// No scheme connected. If one of them timed out rather than being
	// refused, the site may well be there: say so rather than accuse it.
	if unsure != "" {
		hp.Outcome, hp.Cause = OutcomeUnknown, unsure
	}
	return hp, nil
}

// follow requests start and follows its redirects. It reports whether the
// first request got an HTTP response at all: if not, the caller tries the
// next scheme.
func (f *fetcher) follow(ctx context.Context, start string, addrs []netip.Addr, hp *Homepage) (bool, error) {
	cur := start
	seen := map[string]bool{}
	host := hostOf(cur)
	for hop := 0; ; hop++ {
		if seen[cur] {
			hp.Outcome, hp.Cause = OutcomeUnreachable, "redirect_loop"
			return true, nil
		}
		if hop > f.cfg.MaxRedirects {
			hp.Outcome, hp.Cause = OutcomeUnknown, "redirect_limit"
			return true, nil
		}
		seen[cur] = true
		u, err := url.Parse(cur)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			hp.Outcome, hp.Cause = OutcomeUnknown, "redirect_target"
			return true, nil
		}
		if h := strings.ToLower(u.Hostname()); h != host {
			host = h
			var fail *failure
			addrs, fail, err = f.addrsOf(ctx, h)
			if err != nil {
				return true, err
			}
			if fail != nil {
				hp.Outcome, hp.Cause = fail.outcome, fail.cause
				hp.Hops = append(hp.Hops, Hop{URL: cur, Error: fail.cause})
				return true, nil
			}
		}
		resp, fail, err := f.get(ctx, u, addrs, hp)
		if err != nil {
			return true, err
		}
		if fail != nil {
			hp.Outcome, hp.Cause = fail.outcome, fail.cause
			return hop > 0, nil
		}
		hp.URL, hp.Status, hp.Addr = cur, resp.status, resp.addr
		switch {
		case resp.status >= 300 && resp.status < 400 && resp.location != "":
			next, err := u.Parse(resp.location)
			if err != nil {
				hp.Outcome, hp.Cause = OutcomeUnknown, "redirect_target"
				return true, nil
			}
			cur = next.String()
			continue
		case resp.status == http.StatusTooManyRequests:
			hp.Outcome, hp.Cause = OutcomeUnknown, "rate_limited"
			return true, nil
		case resp.status >= 400:
			hp.Outcome, hp.Cause = OutcomeUnreachable, "status"
			return true, nil
		case resp.status >= 300:
			hp.Outcome, hp.Cause = OutcomeUnreachable, "redirect_without_location"
			return true, nil
		}
		hp.Page = ParsePage(resp.body, resp.contentType)
		hp.Truncated = resp.truncated
		if hp.Page.Refresh != "" && len(hp.Page.Numbers) == 0 {
			if next, err := u.Parse(hp.Page.Refresh); err == nil && next.String() != cur {
				cur = next.String()
				continue
			}
		}
		hp.Outcome, hp.Cause = OutcomePage, ""
		return true, nil
	}
}

// addrsOf resolves a redirect target through our resolver.
func (f *fetcher) addrsOf(ctx context.Context, host string) ([]netip.Addr, *failure, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}, nil, nil
	}
	res, err := f.resolver.LookupHost(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	switch res.Status {
	case StatusResolved:
		return res.Addrs, nil, nil
	case StatusUnknown:
		return nil, &failure{OutcomeUnknown, "redirect_dns_" + res.Cause}, nil
	}
	return nil, &failure{OutcomeUnreachable, "redirect_dns_" + res.Status.String()}, nil
}

// response is what get read.
type response struct {
	status      int
	location    string
	contentType string
	body        []byte
	truncated   bool
	addr        netip.Addr
}

// get makes one GET request to u, dialling addrs in turn, and reads a
// bounded body. Redirects are returned, not followed.
func (f *fetcher) get(ctx context.Context, u *url.URL, addrs []netip.Addr, hp *Homepage) (*response, *failure, error) {
	hop := Hop{URL: u.String()}
	defer func() { hp.Hops = append(hp.Hops, hop) }()
	if len(addrs) == 0 {
		hop.Error = "no_address"
		return nil, &failure{OutcomeUnreachable, "no_address"}, nil
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	var used netip.Addr
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var last error
		for _, a := range addrs[:min(len(addrs), f.cfg.MaxAddrs)] {
			if err := f.limits.wait(ctx, a.String()); err != nil {
				return nil, err
			}
			c, err := f.cfg.Dial(ctx, "tcp", net.JoinHostPort(a.String(), port))
			if err == nil {
				used = a
				return c, nil
			}
			last = err
			if ctx.Err() != nil {
				break
			}
		}
		return nil, last
	}
	// The handshake runs on the transport's goroutine, which may outlive a
	// cancelled request: the result crosses over under a lock.
	var tlsMu sync.Mutex
	var tlsErr error
	tr := &http.Transport{
		DialContext: dial,
		TLSClientConfig: &tls.Config{
			// The page is read whatever the certificate says: a bad
			// certificate is reported as evidence, and the number check
			// must not depend on it.
			InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				err := f.verify(cs)
				tlsMu.Lock()
				tlsErr = err
				tlsMu.Unlock()
				return nil
			},
		},
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
		TLSHandshakeTimeout:    f.cfg.Timeout,
		ResponseHeaderTimeout:  f.cfg.Timeout,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		hop.Error = "request"
		return nil, &failure{OutcomeUnknown, "request"}, nil
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	resp, err := client.Do(req)
	tlsMu.Lock()
	if tlsErr != nil && hp.TLSError == "" {
		hp.TLSError = truncateBytes(tlsErr.Error(), 256)
	}
	tlsMu.Unlock()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, nil, cerr
		}
		fail := classifyNetErr(err)
		hop.Error = fail.cause
		return nil, fail, nil
	}
	defer resp.Body.Close()
	hop.Addr, hop.Status = used, resp.StatusCode
	r := &response{status: resp.StatusCode, location: resp.Header.Get("Location"), contentType: resp.Header.Get("Content-Type"), addr: used}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		body, err := io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxBody+1))
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, nil, cerr
			}
			fail := classifyNetErr(err)
			if fail.outcome == OutcomeUnreachable {
				// Part of a page arrived: the server is there, the
				// transfer broke. That says nothing about the page.
				fail = &failure{OutcomeUnknown, "body_" + fail.cause}
			}
			hop.Error = fail.cause
			return nil, fail, nil
		}
		if int64(len(body)) > f.cfg.MaxBody {
			body, r.truncated = body[:f.cfg.MaxBody], true
		}
		r.body = body
	}
	return r, nil, nil
}

// verify checks the peer's certificate chain for the server name against
// the system roots (or the configured pool).
func (f *fetcher) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: cs.ServerName, Intermediates: inter, Roots: f.roots})
	return err
}

// classifyNetErr sorts a request failure into "the site is not there"
// (refused, reset, TLS failure) and "we cannot tell" (timeouts, unroutable
// from here, anything else).
func classifyNetErr(err error) *failure {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &failure{OutcomeUnknown, "timeout"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &failure{OutcomeUnreachable, "refused"}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return &failure{OutcomeUnreachable, "reset"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &failure{OutcomeUnreachable, "closed"}
	case isTLSError(err):
		return &failure{OutcomeUnreachable, "tls"}
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return &failure{OutcomeUnknown, "unroutable"}
	}
	return &failure{OutcomeUnknown, "error"}
}

func isTLSError(err error) bool {
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	return errors.As(err, &rh) || errors.As(err, &alert) || strings.Contains(err.Error(), "tls: ")
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
