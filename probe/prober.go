package probe

import (
	"context"
	"net/netip"
	"sync/atomic"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"probe.dns.servers": {ZH: "未配置DNS服务器，且 /etc/resolv.conf 中也没有。", EN: "No DNS server is configured, and /etc/resolv.conf names none."},
		"probe.range.invalid": {
			ZH: "IP地址段「{value}」不正确：应为单个地址、「起始-结束」或 CIDR 前缀，起始不大于结束，同一协议族，并标明境内或境外。",
			EN: "Address range {value} is invalid: use one address, start-end or a CIDR prefix, start not after end, one family, marked mainland or overseas.",
		},
		"probe.domain.invalid": {ZH: "域名格式不正确。", EN: "The domain name is malformed."},
	})
}

// Config configures a Prober. Zero fields take the defaults named.
type Config struct {
	// Ranges are the provider's address ranges. Nil is an empty table:
	// every address is "elsewhere". SetRanges replaces it at run time.
	Ranges *Ranges
	// Clock stamps evidence and decides "today" for expiry. Default the
	// system clock. Rate limits always run on the wall clock.
	Clock beian.Clock
	// DNS, HTTP and Registry configure the three probes.
	DNS      DNSConfig
	HTTP     HTTPConfig
	Registry RegistryConfig
	// ExpiringWithin is how many days before expiry a domain is reported
	// as expiring. Default 30.
	ExpiringWithin int
	// Workers bounds the concurrency of each sweep stage.
	Workers Workers
}

// Workers is the concurrency of each sweep stage. Zero fields take the
// defaults: 64 DNS workers (each with its own connections), 32 homepage
// workers, 8 registry workers.
type Workers struct {
	DNS, HTTP, Registry int
}

func (w *Workers) defaults() {
	if w.DNS <= 0 {
		w.DNS = 64
	}
	if w.HTTP <= 0 {
		w.HTTP = 32
	}
	if w.Registry <= 0 {
		w.Registry = 8
	}
}

// Prober runs the compliance probes: DNS resolution checked against the
// provider's ranges, the homepage (number, link, title) and the domain's
// registration. It is safe for concurrent use.
type Prober struct {
	cfg      Config
	ranges   atomic.Pointer[Ranges]
	resolver *Resolver
	fetcher  *fetcher
	registry *registry
}

// New returns a Prober. It returns EINVALID (key probe.dns.servers) when
// no DNS server is configured and /etc/resolv.conf names none.
func New(cfg Config) (*Prober, error) {
	return newProber(cfg, realPace)
}

func newProber(cfg Config, pc pace) (*Prober, error) {
	if cfg.Clock == nil {
		cfg.Clock = beian.SystemClock{}
	}
	if cfg.ExpiringWithin <= 0 {
		cfg.ExpiringWithin = 30
	}
	cfg.Workers.defaults()
	cfg.HTTP.defaults()
	res, err := newResolver(cfg.DNS, pc)
	if err != nil {
		return nil, err
	}
	cfg.DNS = res.cfg
	p := &Prober{
		cfg:      cfg,
		resolver: res,
		fetcher:  &fetcher{cfg: cfg.HTTP, resolver: res, limits: newLimiterSet(cfg.HTTP.HostRate, pc), clock: cfg.Clock},
		registry: newRegistry(cfg.Registry, cfg.Clock, pc),
	}
	p.SetRanges(cfg.Ranges)
	return p, nil
}

// SetRanges replaces the provider's address ranges; sweeps already
// running keep the table they started with.
func (p *Prober) SetRanges(r *Ranges) {
	if r == nil {
		r, _ = NewRanges(nil)
	}
	p.ranges.Store(r)
}

// Ranges returns the current address ranges.
func (p *Prober) Ranges() *Ranges { return p.ranges.Load() }

// Resolver returns the prober's resolver.
func (p *Prober) Resolver() *Resolver { return p.resolver }

// LookupDomain resolves a domain and its www host. It returns an error
// only when ctx ends.
func (p *Prober) LookupDomain(ctx context.Context, domain string) (DomainResult, error) {
	return p.resolver.LookupDomain(ctx, domain)
}

// FetchHomepage probes http(s)://host/ by dialling addrs (resolved through
// our resolver; redirect targets are resolved the same way). It returns
// an error only when ctx ends.
func (p *Prober) FetchHomepage(ctx context.Context, host string, addrs []netip.Addr) (Homepage, error) {
	return p.fetcher.fetch(ctx, host, addrs)
}

// Registration looks up the registration of domain's registrable domain:
// RDAP first, WHOIS when RDAP has no service for the suffix or fails. An
// error means the registration is unknown (ErrNoRegistry: no service is
// configured), or that ctx ended.
func (p *Prober) Registration(ctx context.Context, domain string) (Registration, error) {
	return p.registry.lookup(ctx, domain)
}

// Close closes idle connections. The prober stays usable.
func (p *Prober) Close() error {
	p.registry.cfg.HTTPClient.CloseIdleConnections()
	return p.resolver.Close()
}
