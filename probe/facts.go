package probe

import (
	"context"

	"github.com/openbeian/beian/rules"
)

// Facts adapts a Prober to the pre-check's remote fact sources: it
// implements rules.DNSFacts, rules.HomepageFacts and rules.DomainFacts by
// probing live. Wire it into rules.Facts as DNS, Homepages and Domains;
// the Prober's Ranges implement rules.NetworkFacts for Networks.
//
// Inconclusive probes (timeouts, SERVFAIL) answer (nil, nil), which the
// rule engine treats as undecided: a flaky network never blocks an order.
type Facts struct {
	Prober *Prober
	// RealName, when set, is the registrar's real-name source (a registrar
	// interface or an import into rules.MemoryFacts). RDAP and WHOIS do not
	// publish real-name status or the holder's certificate, so without it
	// Registration infers RealNameVerified from a disclosed holder on a
	// domain that is not on hold — CNNIC puts unverified domains on
	// serverHold — and leaves the certificate empty.
	RealName rules.DomainFacts
}

var (
	_ rules.DNSFacts      = (*Facts)(nil)
	_ rules.HomepageFacts = (*Facts)(nil)
	_ rules.DomainFacts   = (*Facts)(nil)
	_ rules.NetworkFacts  = (*Ranges)(nil)
)

// Resolve implements rules.DNSFacts: what the domain and its www host
// resolve to. It returns nil when no resolver gave a definite answer.
func (f *Facts) Resolve(ctx context.Context, domain string) (*rules.Resolution, error) {
	d, err := f.Prober.LookupDomain(ctx, domain)
	if err != nil {
		return nil, err
	}
	if addrs := d.Addrs(); len(addrs) > 0 {
		return &rules.Resolution{Resolves: true, Addrs: addrs}, nil
	}
	for _, h := range d.Hosts {
		if !h.Status.Definite() {
			return nil, nil
		}
	}
	return &rules.Resolution{}, nil
}

// Homepage implements rules.HomepageFacts: it resolves the domain through
// the prober's resolver and probes the homepage of the host that resolves
// (into our mainland ranges first). NumberShown is the last number on the
// page that links to beian.miit.gov.cn, or else the last number: the
// footer is at the bottom. It returns nil when the probe is inconclusive.
func (f *Facts) Homepage(ctx context.Context, domain string) (*rules.Homepage, error) {
	d, err := f.Prober.LookupDomain(ctx, domain)
	if err != nil {
		return nil, err
	}
	_, plan := judgeDNS(&Target{}, d, f.Prober.Ranges(), f.Prober.cfg.Clock.Now())
	if plan == nil {
		// Nothing of ours: probe whatever the domain resolves to.
		for _, h := range d.Hosts {
			if len(h.Addrs) > 0 {
				plan = &fetchPlan{host: h.Name, addrs: h.Addrs}
				break
			}
		}
	}
	if plan == nil {
		for _, h := range d.Hosts {
			if !h.Status.Definite() {
				return nil, nil
			}
		}
		return &rules.Homepage{}, nil // resolves nowhere: cannot be opened
	}
	hp, err := f.Prober.FetchHomepage(ctx, plan.host, plan.addrs)
	if err != nil {
		return nil, err
	}
	switch hp.Outcome {
	case OutcomeUnknown:
		return nil, nil
	case OutcomeUnreachable:
		return &rules.Homepage{}, nil
	}
	out := &rules.Homepage{Reachable: true, Title: hp.Page.Title}
	for _, n := range hp.Page.Numbers {
		if n.Link == LinkMIIT || !out.LinksToMIIT {
			out.NumberShown, out.LinksToMIIT = n.Canonical, n.Link == LinkMIIT
		}
	}
	if out.NumberShown == "" && hp.Truncated {
		return nil, nil // the number may be past the part read
	}
	return out, nil
}

// Registration implements rules.DomainFacts from RDAP/WHOIS (and RealName
// when set). It returns nil when the registry has no such domain, and an
// error when the registration is unknown.
func (f *Facts) Registration(ctx context.Context, domain string) (*rules.Registration, error) {
	reg, err := f.Prober.Registration(ctx, domain)
	if err != nil {
		return nil, err
	}
	if !reg.Found {
		return nil, nil
	}
	out := &rules.Registration{
		Registrar:        reg.Registrar,
		Holder:           reg.Holder,
		RealNameVerified: reg.Holder != "" && !reg.OnHold(),
		Registered:       reg.Created,
		Expires:          reg.Expires,
	}
	if f.RealName != nil {
		rn, err := f.RealName.Registration(ctx, domain)
		if err != nil {
			return nil, err
		}
		if rn != nil {
			out.RealNameVerified = rn.RealNameVerified
			out.Holder = rn.Holder
			out.HolderCertificateType, out.HolderCertificate = rn.HolderCertificateType, rn.HolderCertificate
		}
	}
	return out, nil
}
