package probe

import (
	"context"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// TestFactsAdapters: the pre-check's fact interfaces, answered by live
// probes against the world.
func TestFactsAdapters(t *testing.T) {
	w := newWorld(t, 100, false)
	p := w.prober(t)
	f := &Facts{Prober: p}
	ctx := context.Background()
	var _ rules.Facts = rules.Facts{DNS: f, Homepages: f, Domains: f, Networks: p.Ranges()}

	res, err := f.Resolve(ctx, domainOf(3))
	if err != nil || res == nil || !res.Resolves || len(res.Addrs) != 1 || res.Addrs[0] != filedV4(3) {
		t.Errorf("resolves: %+v %v", res, err)
	}
	if res, _ := f.Resolve(ctx, domainOf(kNX)); res == nil || res.Resolves {
		t.Errorf("NXDOMAIN: %+v", res)
	}
	if res, err := f.Resolve(ctx, domainOf(kServfail)); res != nil || err != nil {
		t.Errorf("SERVFAIL must be undecided (nil, nil): %+v %v", res, err)
	}

	hp, err := f.Homepage(ctx, domainOf(3))
	if err != nil || hp == nil || !hp.Reachable || hp.NumberShown != w.targets[3].Expected().String() || !hp.LinksToMIIT || hp.Title == "" {
		t.Errorf("homepage: %+v %v", hp, err)
	}
	if hp, _ := f.Homepage(ctx, domainOf(kNotLinked)); hp == nil || hp.NumberShown == "" || hp.LinksToMIIT {
		t.Errorf("not linked: %+v", hp)
	}
	if hp, _ := f.Homepage(ctx, domainOf(kNoNumber)); hp == nil || !hp.Reachable || hp.NumberShown != "" {
		t.Errorf("no number: %+v", hp)
	}
	if hp, _ := f.Homepage(ctx, domainOf(kRefused)); hp == nil || hp.Reachable {
		t.Errorf("refused: %+v", hp)
	}
	if hp, _ := f.Homepage(ctx, domainOf(kNX)); hp == nil || hp.Reachable {
		t.Errorf("not resolving: %+v", hp)
	}
	if hp, err := f.Homepage(ctx, domainOf(kBigPage)); hp != nil || err != nil {
		t.Errorf("page past the limit must be undecided: %+v %v", hp, err)
	}

	reg, err := f.Registration(ctx, domainOf(1)) // .cn, CNNIC WHOIS discloses the holder
	if err != nil || reg == nil || reg.Holder != "某某科技有限公司" || !reg.RealNameVerified || reg.Expires.String() != "2027-06-01" || reg.Registrar == "" {
		t.Errorf("registration: %+v %v", reg, err)
	}
	if reg, _ := f.Registration(ctx, domainOf(3)); reg == nil || reg.RealNameVerified || reg.Holder != "" {
		t.Errorf("redacted holder must not count as verified: %+v", reg)
	}
	if reg, err := f.Registration(ctx, domainOf(kUnregistered)); reg != nil || err != nil {
		t.Errorf("unregistered: %+v %v", reg, err)
	}

	// With the registrar's real-name data, holder and certificate come
	// from it; dates stay the registry's.
	mem := rules.NewMemoryFacts()
	mem.SetRegistration(domainOf(3), rules.Registration{RealNameVerified: true, Holder: "某某公司",
		HolderCertificateType: beian.CertBusinessLicence, HolderCertificate: "91110000000000000X", Expires: beian.NewDate(2000, 1, 1)})
	f.RealName = mem
	reg, _ = f.Registration(ctx, domainOf(3))
	if reg == nil || !reg.RealNameVerified || reg.Holder != "某某公司" || reg.HolderCertificate == "" || reg.Expires.String() != "2027-06-01" {
		t.Errorf("with real-name source: %+v", reg)
	}
}
