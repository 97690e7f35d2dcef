package rules

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openbeian/beian"
)

// trapFacts implements every remote fact interface and records any call;
// with err set it fails every look-up.
type trapFacts struct {
	mu    sync.Mutex
	calls int
	err   error
}

func (f *trapFacts) hit() error { f.mu.Lock(); f.calls++; f.mu.Unlock(); return f.err }

func (f *trapFacts) RecordByCertificate(context.Context, string) (*beian.Record, error) {
	return nil, f.hit()
}
func (f *trapFacts) RecordByID(context.Context, string) (*beian.Record, error) { return nil, f.hit() }
func (f *trapFacts) AccountBinding(context.Context, string, string) (AccountBinding, error) {
	return AccountBinding{}, f.hit()
}
func (f *trapFacts) OrdersInProgress(context.Context, string, string) ([]OrderRef, error) {
	return nil, f.hit()
}
func (f *trapFacts) ServicesByDomain(context.Context, string) ([]beian.RecordService, error) {
	return nil, f.hit()
}
func (f *trapFacts) OtherSubjectsUsing(context.Context, ContactQuery) (int, error) { return 0, f.hit() }
func (f *trapFacts) MobileProvince(context.Context, string) (string, error)        { return "", f.hit() }
func (f *trapFacts) Registration(context.Context, string) (*Registration, error)   { return nil, f.hit() }
func (f *trapFacts) Resolve(context.Context, string) (*Resolution, error)          { return nil, f.hit() }
func (f *trapFacts) Homepage(context.Context, string) (*Homepage, error)           { return nil, f.hit() }
func (f *trapFacts) Listed(context.Context, BlacklistKind, string) (bool, error) {
	return false, f.hit()
}
func (f *trapFacts) OrderResource(context.Context, *beian.Order) (*Resource, error) {
	return nil, f.hit()
}

func (f *trapFacts) facts() Facts {
	return Facts{Records: f, Contacts: f, Domains: f, DNS: f, Homepages: f, Blacklist: f, Resources: f, Networks: providerNets}
}

// TestDraftMakesNoRemoteLookups: the draft fast path consults no remote
// fact and says which rules it deferred.
func TestDraftMakesNoRemoteLookups(t *testing.T) {
	trap := &trapFacts{}
	for _, f := range []*fixture{ent().withApp(), ind(), ent().onRecord(beian.ChangeService), ent().onRecord(beian.NewWebsite)} {
		in := f.input()
		in.Mode, in.Facts = ModeDraft, trap.facts()
		res := Check(context.Background(), in)
		if trap.calls != 0 {
			t.Fatalf("draft made %d remote look-ups", trap.calls)
		}
		if len(res.Deferred) == 0 {
			t.Error("draft deferred nothing")
		}
		for _, id := range res.Deferred {
			r, _ := Default().Rule(id)
			if !r.remote {
				t.Errorf("deferred %s needs no remote fact", id)
			}
		}
		for _, fd := range res.Findings {
			if fd.Undecided {
				t.Errorf("draft reported %s undecided; it should defer it", fd.Rule)
			}
		}
	}
}

// TestMissingFactsAreNeverSilent: with no fact sources, every rule that
// needs one reports a reviewer-attention finding instead of passing, and
// none of them blocks.
func TestMissingFactsAreNeverSilent(t *testing.T) {
	f := ent().onRecord(beian.ChangeService)
	f.noFacts, f.nets = true, nil
	res := f.run()
	undecided := map[string]bool{}
	for _, fd := range res.Findings {
		if fd.Severity == Blocking {
			t.Errorf("blocking %s with no facts: %s", fd.Rule, fd.Reason.EN)
		}
		if fd.Undecided {
			if fd.Severity != ReviewerAttention {
				t.Errorf("undecided %s has severity %s", fd.Rule, fd.Severity)
			}
			undecided[fd.Rule] = true
		}
	}
	for _, id := range []string{"ORDER-IN-PROGRESS", "ACCOUNT-ONE-SUBJECT", "ORDER-RECORD-AT-PROVIDER", "DOMAIN-REALNAME-MISMATCH",
		"DOMAIN-EXPIRED", "DOMAIN-REGISTRAR-NOT-APPROVED", "CONTACT-MOBILE-OTHER-SUBJECT", "BLACKLISTED", "IP-PROVIDER-MAINLAND",
		"DOMAIN-RESOLVES-TO-FILED-IP", "CONTACT-LOCAL-MOBILE"} {
		if !undecided[id] {
			t.Errorf("%s passed silently without its facts", id)
		}
	}
	// An unknown domain (the registry knows nothing) is undecided, too.
	g := ent()
	g.facts.regs = map[string]Registration{}
	if len(g.run().ByRule("DOMAIN-REALNAME-MISMATCH")) == 0 {
		t.Error("unknown domain passed DOMAIN-REALNAME-MISMATCH silently")
	}
}

// TestLookupErrors: failed look-ups become undecided findings without the
// error's text, and FactErrors for the log.
func TestLookupErrors(t *testing.T) {
	trap := &trapFacts{err: errors.New("dial tcp 10.0.0.5:5432: secret-host unreachable")}
	f := ent()
	in := f.input()
	in.Facts = trap.facts()
	res := Check(context.Background(), in)
	if len(res.FactErrors) == 0 {
		t.Fatal("no fact errors reported")
	}
	if res.Blocking() {
		for _, fd := range res.Findings {
			if fd.Severity == Blocking {
				t.Errorf("blocking %s on a failed look-up", fd.Rule)
			}
		}
	}
	for _, fd := range res.Findings {
		if strings.Contains(fd.Reason.EN+fd.Reason.ZH+fd.Remedy.EN+fd.Remedy.ZH, "secret-host") {
			t.Errorf("%s leaks the error text", fd.Rule)
		}
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), "secret-host") {
		t.Error("the JSON result leaks the error text")
	}
}

func TestResultOrderAndBlocking(t *testing.T) {
	f := ent().without(MaterialCommitmentLetter).setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 5, 1) })
	f.site(0).Name = "qingyun"
	res := f.run()
	if !res.Blocking() {
		t.Fatal("not blocking")
	}
	ok := slices.IsSortedFunc(res.Findings, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(a.Severity) - int(b.Severity)
		}
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	if !ok {
		t.Error("findings not sorted by severity, field, rule")
	}
	if res.Count(Blocking) == 0 || res.Count(ReviewerAttention) == 0 {
		t.Errorf("counts: %d blocking, %d reviewer", res.Count(Blocking), res.Count(ReviewerAttention))
	}
	if ent().run().Blocking() {
		t.Error("valid order blocking")
	}
	b, err := json.Marshal(res.Findings[0])
	if err != nil || !strings.Contains(string(b), `"severity":"blocking"`) {
		t.Errorf("finding JSON %s, %v", b, err)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, res.Findings[0]) {
		t.Errorf("finding JSON round trip: %+v, %v", back, err)
	}
}

func TestMalformedInput(t *testing.T) {
	res := Check(context.Background(), Input{CheckDate: checkDate})
	if len(res.Findings) != 1 || res.Findings[0].Rule != ruleInputIncomplete || !res.Blocking() {
		t.Errorf("nil order: %+v", res.Findings)
	}
	f := ent()
	f.order.Province = "99"
	res = f.run()
	if len(res.ByRule("ORDER-PROVINCE")) == 0 || res.Province != "" {
		t.Errorf("unknown province: %v, pack %q", summary(res), res.Province)
	}
	f = ent()
	f.order.Snapshot = beian.Snapshot{}
	if res := f.run(); !res.Blocking() {
		t.Error("empty snapshot not blocking")
	}
}

// TestCheckLeavesInputAlone: the engine never writes to the order.
func TestCheckLeavesInputAlone(t *testing.T) {
	f := benchOrder()
	f.site(0).Domains = []string{"XN--FIQS8S-Example.Com."}
	before, _ := json.Marshal(f.order)
	f.run()
	after, _ := json.Marshal(f.order)
	if string(before) != string(after) {
		t.Error("Check modified the order")
	}
}

func TestConcurrentChecks(t *testing.T) {
	f := benchOrder()
	in := f.input()
	want := Check(context.Background(), in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := Check(context.Background(), in); !reflect.DeepEqual(got.Findings, want.Findings) {
					t.Error("concurrent checks differ")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestEffectiveDates(t *testing.T) {
	f := organisation("11", beian.NaturePublicInstitution, "bj-datacenter.com")
	f.date = beian.NewDate(2024, 7, 1)
	if len(f.run().ByRule("DOMAIN-PUBLIC-INSTITUTION-SUFFIX")) == 0 {
		t.Error("public-institution suffix rule not in force on 2024-07-01")
	}
	e := &Rule{Applies: Scope{Until: beian.NewDate(2024, 1, 1)}}
	c := &checker{date: beian.NewDate(2024, 1, 1), pack: NationalPack(), subj: &beian.Subject{}, snap: &beian.Snapshot{}}
	if c.applies(e) {
		t.Error("Until is exclusive")
	}
	c.date = beian.NewDate(2023, 12, 31)
	if !c.applies(e) {
		t.Error("rule not in force before Until")
	}
}

func TestNetworks(t *testing.T) {
	n, err := NewNetworks([]Network{
		{Prefix: netip.MustParsePrefix("121.36.0.0/16"), Mainland: true},
		{Prefix: netip.MustParsePrefix("121.36.200.0/24"), Mainland: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr           string
		ours, mainland bool
	}{
		{"121.36.1.1", true, true},
		{"121.36.200.9", true, false}, // the more specific overseas range wins
		{"::ffff:121.36.1.1", true, true},
		{"8.8.8.8", false, false},
	} {
		ours, mainland := n.Classify(netip.MustParseAddr(c.addr))
		if ours != c.ours || mainland != c.mainland {
			t.Errorf("%s: %v %v", c.addr, ours, mainland)
		}
	}
	if _, err := NewNetworks([]Network{{}}); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("invalid prefix: %v", err)
	}
}
