package probe

import (
	"context"
	"errors"
	"iter"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbeian/beian"
)

// Check selects the probes a sweep runs on a target.
type Check uint8

// The checks. CheckHomepage needs the DNS answers, so it resolves the
// domains even without CheckDNS (but reports no DNS findings then).
const (
	CheckDNS      Check = 1 << iota // resolution against our ranges and the filed addresses
	CheckHomepage                   // number, link and title on the homepage
	CheckDomain                     // registration and expiry (RDAP/WHOIS)

	// CheckDefault is what a zero Target.Checks means. Registration data
	// changes slowly and registries throttle, so sweeps ask for it less
	// often, explicitly.
	CheckDefault = CheckDNS | CheckHomepage
	CheckAll     = CheckDNS | CheckHomepage | CheckDomain
)

// Target is one filed service to probe.
type Target struct {
	// ServiceID is our ID of the filed service; results carry it back.
	ServiceID string
	// Domains are the service's filed domains, the main domain first.
	Domains []string
	// FiledIPs are the service's filed server addresses.
	FiledIPs []beian.IPRange
	// Number is the service's ICP number (or already its display number);
	// the homepage must show Number.DisplayNumber(): the service number,
	// or in Guangdong the subject number (spec §9.1). Zero skips the
	// number checks.
	Number beian.ICPNumber
	// Name is the filed site name the title is compared with; "" skips
	// the title check. TitleMatch says how (default: contains).
	Name       string
	TitleMatch TitleMatch
	// Filed is the date the service was filed; when set, a domain
	// registered later is reported (spec §6.2.5).
	Filed beian.Date
	// Checks selects the probes; zero means CheckDefault.
	Checks Check
}

// Expected returns the number the homepage must show.
func (t *Target) Expected() beian.ICPNumber { return t.Number.DisplayNumber() }

func (t *Target) checks() Check {
	if t.Checks == 0 {
		return CheckDefault
	}
	return t.Checks
}

// DomainReport is everything the probes saw about one of a target's
// domains.
type DomainReport struct {
	Domain string `json:"domain"`
	// DNS is the resolution; zero when not asked.
	DNS DomainResult `json:"dns"`
	// Homepage is the homepage probe; nil when not run (not asked, or the
	// domain does not resolve to us).
	Homepage *Homepage `json:"homepage,omitempty"`
	// Registration is the registry's answer; nil when not asked or
	// unknown (RegistrationError says why).
	Registration      *Registration `json:"registration,omitempty"`
	RegistrationError string        `json:"registration_error,omitempty"`
}

// Result is the outcome of probing one target.
type Result struct {
	ServiceID string         `json:"service_id"`
	Started   time.Time      `json:"started"`
	Finished  time.Time      `json:"finished"`
	Domains   []DomainReport `json:"domains"`
	// Findings holds faults and unknowns; Faults filters the former.
	Findings []Finding `json:"findings"`
}

// Faults returns the findings that are faults.
func (r *Result) Faults() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Code.Fault() {
			out = append(out, f)
		}
	}
	return out
}

// SweepStats counts what a sweep did.
type SweepStats struct {
	Targets       int           // results emitted
	Faults        int           // fault findings
	Unknowns      int           // unknown findings
	DNSQueries    int64         // DNS queries the resolver sent meanwhile (UDP and TCP, redirect look-ups included)
	Fetches       int           // homepage probes
	Registrations int           // registration look-ups
	Elapsed       time.Duration // wall time
}

// job carries one target through the stages.
type job struct {
	t      Target
	res    Result
	fetch  []fetchPlan
	ranges *Ranges
}

// fetchPlan is one homepage to probe: a domain's host resolved to us.
type fetchPlan struct {
	domain int // index into res.Domains
	host   string
	addrs  []netip.Addr
}

// Sweep probes the targets with bounded concurrency — DNS for all, the
// homepage for domains that resolve into our mainland ranges, the
// registration where asked — and calls emit with each target's result as
// soon as it is complete, from one goroutine (the caller's), in completion
// order; emit must not be nil. An error from emit stops the sweep and is
// returned. When ctx ends, the
// sweep stops, results not yet emitted are dropped, and ctx's error is
// returned.
func (p *Prober) Sweep(ctx context.Context, targets iter.Seq[Target], emit func(Result) error) (SweepStats, error) {
	began := time.Now()
	q0 := p.resolver.Queries()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	w := p.cfg.Workers
	var (
		dnsCh                = make(chan *job, w.DNS)
		httpCh               = make(chan *job, w.HTTP)
		regCh                = make(chan *job, w.Registry)
		doneCh               = make(chan *job, w.DNS)
		fetches, regs        atomic.Int64
		dnsWG, httpWG, regWG sync.WaitGroup
		ranges               = p.Ranges()
	)
	// route sends a job to the next stage it needs.
	route := func(j *job, from Check) {
		next := doneCh
		switch c := j.t.checks(); {
		case from < CheckHomepage && len(j.fetch) > 0:
			next = httpCh
		case from < CheckDomain && c&CheckDomain != 0:
			next = regCh
		}
		next <- j
	}
	go func() {
		defer close(dnsCh)
		for t := range targets {
			j := &job{t: t, ranges: ranges}
			select {
			case dnsCh <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range w.DNS {
		dnsWG.Go(func() {
			s := p.resolver.newSession()
			defer s.close()
			defer s.watch(ctx)()
			for j := range dnsCh {
				p.dnsStage(ctx, s, j)
				route(j, CheckDNS)
			}
		})
	}
	for range w.HTTP {
		httpWG.Go(func() {
			for j := range httpCh {
				fetches.Add(int64(len(j.fetch)))
				p.httpStage(ctx, j)
				route(j, CheckHomepage)
			}
		})
	}
	for range w.Registry {
		regWG.Go(func() {
			for j := range regCh {
				regs.Add(int64(p.registryStage(ctx, j)))
				route(j, CheckDomain)
			}
		})
	}
	go func() {
		dnsWG.Wait()
		close(httpCh)
		httpWG.Wait()
		close(regCh)
		regWG.Wait()
		close(doneCh)
	}()

	var st SweepStats
	var emitErr error
	for j := range doneCh {
		if emitErr != nil || ctx.Err() != nil {
			continue // drain so that the workers finish
		}
		j.res.Finished = p.cfg.Clock.Now()
		for _, f := range j.res.Findings {
			if f.Code.Fault() {
				st.Faults++
			} else {
				st.Unknowns++
			}
		}
		if err := emit(j.res); err != nil {
			emitErr = err
			cancel(err)
			continue
		}
		st.Targets++
	}
	st.DNSQueries = p.resolver.Queries() - q0
	st.Fetches, st.Registrations = int(fetches.Load()), int(regs.Load())
	st.Elapsed = time.Since(began)
	if emitErr != nil {
		return st, emitErr
	}
	return st, context.Cause(ctx)
}

// dnsStage resolves the target's domains (all hosts in one round of
// queries) and judges the answers.
func (p *Prober) dnsStage(ctx context.Context, s *session, j *job) {
	t := &j.t
	j.res = Result{ServiceID: t.ServiceID, Started: p.cfg.Clock.Now(), Domains: make([]DomainReport, len(t.Domains))}
	for i, d := range t.Domains {
		j.res.Domains[i].Domain = d
	}
	c := t.checks()
	if c&(CheckDNS|CheckHomepage) == 0 || ctx.Err() != nil {
		return
	}
	var names []string
	spans := make([][2]int, len(t.Domains))
	for i, d := range t.Domains {
		hosts, err := domainHosts(d)
		if err != nil {
			j.res.Domains[i].DNS = DomainResult{Domain: d, Hosts: []HostResult{{Name: d, Cause: CauseInvalidName}}}
			continue
		}
		spans[i] = [2]int{len(names), len(names) + len(hosts)}
		names = append(names, hosts...)
	}
	res, _ := s.resolve(ctx, names)
	at := p.cfg.Clock.Now()
	for i := range t.Domains {
		r := &j.res.Domains[i]
		if sp := spans[i]; sp[1] > sp[0] {
			r.DNS = DomainResult{Domain: names[sp[0]], Hosts: res[sp[0]:sp[1]]}
		}
		fs, plan := judgeDNS(t, r.DNS, j.ranges, at)
		if c&CheckDNS != 0 {
			j.res.Findings = append(j.res.Findings, fs...)
		}
		if plan != nil && c&CheckHomepage != 0 {
			plan.domain = i
			j.fetch = append(j.fetch, *plan)
		}
	}
}

// judgeDNS applies the access-info checks (spec §6.8, §9.4 E) to one
// domain's resolution, and returns the homepage to probe when the domain
// resolves into our mainland ranges.
func judgeDNS(t *Target, d DomainResult, ranges *Ranges, at time.Time) ([]Finding, *fetchPlan) {
	resolved := d.Addrs()
	// Evidence is built only for a finding: most domains have none, and
	// the DNS stage must keep up with a plain client.
	finding := func(c Code, addrs []netip.Addr, detail string) []Finding {
		ev := Evidence{At: at, Host: d.Domain, Resolved: resolved, Addrs: addrs, DNS: dnsSummary(d), Detail: detail}
		for _, h := range d.Hosts {
			if h.Server != "" && ev.Resolver == "" {
				ev.Resolver = h.Server
			}
			if len(h.CNAMEs) > 0 && ev.CNAMEs == nil {
				ev.CNAMEs = h.CNAMEs
			}
		}
		return []Finding{{Code: c, Domain: d.Domain, Evidence: ev}}
	}
	if len(resolved) == 0 {
		for _, h := range d.Hosts {
			if !h.Status.Definite() {
				return finding(CodeDNSUnknown, nil, h.Cause), nil
			}
		}
		if len(d.Hosts) == 0 {
			return finding(CodeDNSUnknown, nil, CauseInvalidName), nil
		}
		return finding(CodeNotResolving, nil, d.Hosts[0].Status.String()), nil
	}
	var mainland, overseas, elsewhere []netip.Addr
	for _, a := range resolved {
		switch ranges.Zone(a) {
		case ZoneMainland:
			mainland = append(mainland, a)
		case ZoneOverseas:
			overseas = append(overseas, a)
		default:
			elsewhere = append(elsewhere, a)
		}
	}
	if len(mainland) == 0 {
		switch {
		case !d.Complete():
			// An unanswered A or AAAA question may hold our address.
			return finding(CodeDNSUnknown, nil, "partial"), nil
		case len(overseas) > 0:
			return finding(CodeAbroad, overseas, ""), nil
		}
		return finding(CodeNotOurRange, elsewhere, ""), nil
	}
	var out []Finding
	if len(t.FiledIPs) > 0 {
		var unfiled []netip.Addr
		for _, a := range mainland {
			if !slices.ContainsFunc(t.FiledIPs, func(r beian.IPRange) bool { return r.Contains(a) }) {
				unfiled = append(unfiled, a)
			}
		}
		if len(unfiled) > 0 {
			out = finding(CodeIPMismatch, unfiled, "")
			for _, r := range t.FiledIPs {
				out[0].Evidence.Filed = append(out[0].Evidence.Filed, r.String())
			}
		}
	}
	// Probe the host that resolves to us: the domain itself, or else its
	// www host. Our addresses are dialled first.
	for _, h := range d.Hosts {
		var ours, rest []netip.Addr
		for _, a := range h.Addrs {
			if ranges.Zone(a) == ZoneMainland {
				ours = append(ours, a)
			} else {
				rest = append(rest, a)
			}
		}
		if len(ours) > 0 {
			return out, &fetchPlan{host: h.Name, addrs: append(ours, rest...)}
		}
	}
	return out, nil
}

func dnsSummary(d DomainResult) string {
	var b strings.Builder
	for i, h := range d.Hosts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h.Name)
		b.WriteByte('=')
		b.WriteString(h.Status.String())
		if h.Cause != "" {
			b.WriteString("(" + h.Cause + ")")
		}
	}
	return b.String()
}

// httpStage probes the homepages the DNS stage planned.
func (p *Prober) httpStage(ctx context.Context, j *job) {
	for _, plan := range j.fetch {
		if ctx.Err() != nil {
			return
		}
		hp, err := p.fetcher.fetch(ctx, plan.host, plan.addrs)
		if err != nil {
			return
		}
		r := &j.res.Domains[plan.domain]
		r.Homepage = &hp
		j.res.Findings = append(j.res.Findings, judgeHomepage(&j.t, r.DNS.Domain, &hp)...)
	}
}

// judgeHomepage applies the display checks (spec §9.1, §9.4 C).
func judgeHomepage(t *Target, domain string, hp *Homepage) []Finding {
	ev := Evidence{At: hp.At, Host: hp.Host, URL: hp.URL, HTTPStatus: hp.Status, Title: hp.Page.Title, Detail: hp.Cause}
	if hp.Addr.IsValid() {
		ev.Resolved = []netip.Addr{hp.Addr}
	}
	one := func(c Code, e Evidence) Finding { return Finding{Code: c, Domain: domain, Evidence: e} }
	switch hp.Outcome {
	case OutcomeUnknown:
		return []Finding{one(CodeHTTPUnknown, ev)}
	case OutcomeUnreachable:
		return []Finding{one(CodeUnreachable, ev)}
	}
	var out []Finding
	if want := t.Expected(); !want.IsZero() {
		e := ev
		e.Expected = want.String()
		var match []FoundNumber
		for _, n := range hp.Page.Numbers {
			e.Found = append(e.Found, n.Canonical)
			if n.Number == want {
				match = append(match, n)
			}
		}
		switch {
		case len(match) == 0 && hp.Truncated:
			// The number may be in the part of the page not read.
			e.Detail = "body_limit"
			out = append(out, one(CodeHTTPUnknown, e))
		case len(hp.Page.Numbers) == 0:
			out = append(out, one(CodeNoNumber, e))
		case len(match) == 0:
			e.Snippet, e.Href = hp.Page.Numbers[0].Snippet, hp.Page.Numbers[0].Href
			out = append(out, one(CodeWrongNumber, e))
		default:
			best := match[0]
			for _, n := range match[1:] {
				if linkRank(n.Link) > linkRank(best.Link) {
					best = n
				}
			}
			e.Snippet, e.Href = best.Snippet, best.Href
			switch best.Link {
			case LinkMIIT:
			case LinkOldMIIT:
				out = append(out, one(CodeNumberWrongLink, e))
			default:
				out = append(out, one(CodeNumberNotLinked, e))
			}
		}
	}
	if t.Name != "" && !t.TitleMatch.Matches(hp.Page.Title, t.Name) {
		e := ev
		e.Detail = t.TitleMatch.String() + ": " + t.Name
		out = append(out, one(CodeTitleMismatch, e))
	}
	return out
}

// linkRank orders link kinds from worst to best.
func linkRank(l Link) int {
	switch l {
	case LinkMIIT:
		return 3
	case LinkOldMIIT:
		return 2
	case LinkOther:
		return 1
	}
	return 0
}

// registryStage looks up the registrable domains of the target (each once)
// and judges expiry. It returns the number of look-ups.
func (p *Prober) registryStage(ctx context.Context, j *job) int {
	type answer struct {
		reg *Registration
		err error
	}
	seen := map[string]answer{}
	n := 0
	today := beian.DateOf(p.cfg.Clock.Now())
	for i := range j.res.Domains {
		if ctx.Err() != nil {
			return n
		}
		r := &j.res.Domains[i]
		key, _, err := registrable(r.Domain)
		if err != nil {
			key = r.Domain
		}
		a, ok := seen[key]
		if !ok {
			reg, err := p.registry.lookup(ctx, r.Domain)
			if ctx.Err() != nil {
				return n
			}
			n++
			a = answer{err: err}
			if err == nil {
				a.reg = &reg
			}
			seen[key] = a
			j.res.Findings = append(j.res.Findings, judgeRegistration(&j.t, key, a.reg, a.err, today, p.cfg.ExpiringWithin, p.cfg.Clock.Now())...)
		}
		r.Registration = a.reg
		if a.err != nil {
			r.RegistrationError = a.err.Error()
		}
	}
	return n
}

// judgeRegistration applies the domain checks (spec §6.2.3, §6.2.5,
// §9.4 B). Expiry is judged on China calendar dates, as the pre-check
// does: a domain whose expiry date is today has expired.
func judgeRegistration(t *Target, domain string, reg *Registration, err error, today beian.Date, within int, at time.Time) []Finding {
	ev := Evidence{At: at, Host: domain}
	one := func(c Code, e Evidence) Finding { return Finding{Code: c, Domain: domain, Evidence: e} }
	if err != nil || reg == nil {
		ev.Detail = "lookup_failed"
		if errors.Is(err, ErrNoRegistry) {
			ev.Detail = "no_registry"
		}
		return []Finding{one(CodeDomainUnknown, ev)}
	}
	ev.At, ev.Source = reg.At, reg.Source+" "+reg.Server
	ev.Registrar, ev.Created, ev.Expires = reg.Registrar, reg.Created, reg.Expires
	if !reg.Found {
		return []Finding{one(CodeUnregistered, ev)}
	}
	var out []Finding
	switch {
	case reg.Expires.IsZero():
		e := ev
		e.Detail = "no_expiry"
		out = append(out, one(CodeDomainUnknown, e))
	case !reg.Expires.After(today):
		out = append(out, one(CodeExpired, ev))
	case !reg.Expires.After(today.AddDate(0, 0, within)):
		e := ev
		e.Detail = "within " + strconv.Itoa(within) + " days"
		out = append(out, one(CodeExpiring, e))
	}
	if !t.Filed.IsZero() && !reg.Created.IsZero() && reg.Created.After(t.Filed) {
		e := ev
		e.Detail = "filed " + t.Filed.String()
		out = append(out, one(CodeRegisteredAfterFiling, e))
	}
	return out
}
