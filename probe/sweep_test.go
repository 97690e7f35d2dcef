package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// worldSize is the number of filed services of the integration test. It is
// never scaled down: the acceptance test is 10,000 services.
const worldSize = 10000

// TestSweepFindsEveryPlantedFault is issue 6's "done when" item 1: a local
// authoritative DNS server and local HTTP sites for 10,000 filed services,
// with planted faults of every kind, swept once; every planted fault is
// found and nothing else is — and the probes that cannot conclude (a silent
// DNS server, a hanging site, a page past the body limit) say "unknown",
// never a fault.
func TestSweepFindsEveryPlantedFault(t *testing.T) {
	w := newWorld(t, worldSize, true)
	p := w.prober(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	results := map[string]Result{}
	st, err := p.Sweep(ctx, slices.Values(w.targets), func(r Result) error {
		if _, dup := results[r.ServiceID]; dup {
			return fmt.Errorf("%s emitted twice", r.ServiceID)
		}
		results[r.ServiceID] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != worldSize || st.Targets != worldSize {
		t.Fatalf("%d results (stats %d), want %d", len(results), st.Targets, worldSize)
	}
	t.Logf("sweep: %d services in %v: %d DNS queries, %d homepages, %d registrations, %d faults, %d unknowns",
		st.Targets, st.Elapsed.Round(time.Millisecond), st.DNSQueries, st.Fetches, st.Registrations, st.Faults, st.Unknowns)

	gotFaults, gotUnknowns := map[string][]string{}, map[string][]string{}
	for id, r := range results {
		for _, f := range r.Findings {
			m := gotUnknowns
			if f.Code.Fault() {
				m = gotFaults
			}
			m[id] = append(m[id], f.Domain+" "+string(f.Code))
		}
	}
	diffSets(t, "fault", w.faults, gotFaults, results)
	diffSets(t, "unknown", w.unknowns, gotUnknowns, results)

	// Every kind of planted fault occurs.
	kinds := map[Code]int{}
	for _, fs := range w.faults {
		for _, f := range fs {
			_, c, _ := strings.Cut(f, " ")
			kinds[Code(c)]++
		}
	}
	for _, c := range Codes {
		if c.Fault() && kinds[c] == 0 {
			t.Errorf("no %s planted", c)
		}
	}

	checkEvidence(t, w, results)
}

// diffSets compares planted and found findings per service, exactly.
func diffSets(t *testing.T, what string, want, got map[string][]string, results map[string]Result) {
	t.Helper()
	ids := slices.Sorted(maps.Keys(want))
	for id := range got {
		if _, ok := want[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	bad := 0
	for _, id := range ids {
		w, g := slices.Sorted(slices.Values(want[id])), slices.Sorted(slices.Values(got[id]))
		if slices.Equal(w, g) {
			continue
		}
		if bad++; bad <= 20 {
			r := results[id]
			var detail []string
			for _, f := range r.Findings {
				detail = append(detail, fmt.Sprintf("%s(%s %s)", f.Code, f.Evidence.DNS, f.Evidence.Detail))
			}
			t.Errorf("%s %s: want %v, got %v; findings %v", what, id, w, g, detail)
		}
	}
	if bad > 0 {
		t.Errorf("%d services with wrong %s findings", bad, what)
	}
}

// checkEvidence spot-checks that findings carry what a reviewer needs.
func checkEvidence(t *testing.T, w *world, results map[string]Result) {
	t.Helper()
	find := func(i int, c Code) (Finding, Result) {
		r := results[fmt.Sprintf("svc-%05d", i)]
		for _, f := range r.Findings {
			if f.Code == c {
				return f, r
			}
		}
		t.Fatalf("service %d: no %s", i, c)
		return Finding{}, r
	}
	f, _ := find(100+kNotLinked, CodeNumberNotLinked)
	want := w.targets[100+kNotLinked].Expected().String()
	if f.Evidence.Expected != want || !strings.Contains(f.Evidence.Snippet, want) || f.Evidence.HTTPStatus != 200 ||
		!f.Evidence.At.Equal(worldToday) || f.Evidence.URL == "" || len(f.Evidence.Resolved) != 1 {
		t.Errorf("not-linked evidence %+v", f.Evidence)
	}
	f, _ = find(100+kOldLink, CodeNumberWrongLink)
	if f.Evidence.Href != "http://www.miitbeian.gov.cn/" {
		t.Errorf("wrong-link evidence %+v", f.Evidence)
	}
	f, _ = find(100+kWrongNumber, CodeWrongNumber)
	if len(f.Evidence.Found) != 1 || f.Evidence.Found[0] == f.Evidence.Expected || f.Evidence.Snippet == "" {
		t.Errorf("wrong-number evidence %+v", f.Evidence)
	}
	f, _ = find(100+kAbroad, CodeAbroad)
	if len(f.Evidence.Addrs) != 1 || f.Evidence.Addrs[0] != v4([4]byte{198, 19, 255, 1}, (100+kAbroad)%250) {
		t.Errorf("abroad evidence %+v", f.Evidence)
	}
	f, _ = find(100+kIPMismatch, CodeIPMismatch)
	if len(f.Evidence.Filed) != 1 || f.Evidence.Filed[0] != filedV4(100+kIPMismatch).String() || f.Evidence.Resolver != w.dns.addr {
		t.Errorf("mismatch evidence %+v", f.Evidence)
	}
	f, _ = find(100+kLoop, CodeNotResolving)
	if !strings.Contains(f.Evidence.DNS, "cname_loop") {
		t.Errorf("loop evidence %+v", f.Evidence)
	}
	f, _ = find(100+kExpired, CodeExpired)
	if f.Evidence.Expires.String() != "2026-02-01" || f.Evidence.Registrar == "" || f.Evidence.Source == "" {
		t.Errorf("expired evidence %+v", f.Evidence)
	}
	f, _ = find(100+kRefused, CodeUnreachable)
	if f.Evidence.Detail != "refused" {
		t.Errorf("refused evidence %+v", f.Evidence)
	}
	f, r := find(100+kStatus500, CodeUnreachable)
	if hp := r.Domains[0].Homepage; f.Evidence.HTTPStatus != 500 || f.Evidence.Detail != "status" || len(hp.Hops) != 2 || hp.Hops[1].Error != "refused" {
		t.Errorf("500 evidence %+v", f.Evidence)
	}

	// The clean variants went where they should.
	r = results[fmt.Sprintf("svc-%05d", kHTTPSRedirect)]
	if hp := r.Domains[0].Homepage; hp == nil || !strings.HasPrefix(hp.URL, "https://") || hp.TLSError == "" || len(hp.Hops) != 2 {
		t.Errorf("https redirect: %+v", hp)
	}
	r = results[fmt.Sprintf("svc-%05d", kHTTPSOnly)]
	if hp := r.Domains[0].Homepage; hp == nil || hp.URL != "https://"+domainOf(kHTTPSOnly)+"/" || len(hp.Hops) != 2 || hp.Hops[0].Error != "refused" {
		t.Errorf("https only: %+v", hp)
	}
	r = results[fmt.Sprintf("svc-%05d", 5)] // variant 5: apex redirects to www
	if hp := r.Domains[0].Homepage; hp == nil || !strings.HasPrefix(hp.URL, "http://www.") {
		t.Errorf("www redirect: %+v", hp)
	}
	r = results[fmt.Sprintf("svc-%05d", 1)] // variant 1: GBK
	if hp := r.Domains[0].Homepage; hp == nil || hp.Page.Charset != "gbk" {
		t.Errorf("gbk page: %+v", hp)
	}
	r = results[fmt.Sprintf("svc-%05d", 100+kTruncated)]
	if d := r.Domains[0].DNS; len(d.Addrs()) != 100 {
		t.Errorf("truncated answer: %d addresses", len(d.Addrs()))
	}
	r = results[fmt.Sprintf("svc-%05d", 100+kRDAPDown)]
	if reg := r.Domains[0].Registration; reg == nil || reg.Source != "whois" {
		t.Errorf("RDAP down: %+v", reg)
	}
	if w.dns.tcp.Load() == 0 {
		t.Error("no TCP queries despite truncated answers")
	}
}

// TestSweepEmitErrorStops: an error from emit ends the sweep with that
// error, and no goroutine is left blocked.
func TestSweepEmitErrorStops(t *testing.T) {
	w := newWorld(t, 300, false)
	p := w.prober(t)
	stop := errors.New("enough")
	n := 0
	_, err := p.Sweep(context.Background(), slices.Values(w.targets), func(Result) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("err %v after %d results", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err = p.Sweep(ctx, slices.Values(w.targets), func(Result) error {
		if n++; n == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 5 {
		t.Errorf("cancel: err %v after %d results", err, n)
	}
}

// TestSweepChecks: the checks a target asks for are the ones run.
func TestSweepChecks(t *testing.T) {
	w := newWorld(t, 100, false)
	p := w.prober(t)
	ts := slices.Clone(w.targets[:60])
	for i := range ts {
		ts[i].Checks = []Check{CheckDNS, CheckHomepage, CheckDomain}[i%3]
	}
	st, err := p.Sweep(context.Background(), slices.Values(ts), func(r Result) error {
		var i int
		fmt.Sscanf(r.ServiceID, "svc-%d", &i)
		c := ts[i].Checks
		for _, f := range r.Findings {
			prefix := map[Check]string{CheckDNS: "dns.", CheckHomepage: "http.", CheckDomain: "domain."}[c]
			if !strings.HasPrefix(string(f.Code), prefix) {
				t.Errorf("%s asked %v, found %s", r.ServiceID, c, f.Code)
			}
		}
		d := r.Domains[0]
		if (d.Registration != nil || d.RegistrationError != "") != (c == CheckDomain) {
			t.Errorf("%s asked %v: registration %+v", r.ServiceID, c, d.Registration)
		}
		if c == CheckDomain && d.DNS.Hosts != nil {
			t.Errorf("%s asked only domain, resolved", r.ServiceID)
		}
		return nil
	})
	if err != nil || st.Targets != 60 || st.Registrations != 20 {
		t.Errorf("%+v %v", st, err)
	}
}

// TestResultJSON: results round-trip through JSON with names for the
// enumerations and no registrant.
func TestResultJSON(t *testing.T) {
	r := Result{ServiceID: "s", Domains: []DomainReport{{
		Domain:       "x.cn",
		DNS:          DomainResult{Domain: "x.cn", Hosts: []HostResult{{Name: "x.cn", Status: StatusNXDomain, Complete: true}}},
		Homepage:     &Homepage{Outcome: OutcomeUnreachable, Page: Page{Numbers: []FoundNumber{{Canonical: "京ICP备12345678号", Link: LinkOldMIIT}}}},
		Registration: &Registration{Found: true, Holder: "张三"},
	}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"status":"nxdomain"`, `"outcome":"unreachable"`, `"link":"old_miit"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	if strings.Contains(s, "张三") {
		t.Errorf("holder in JSON: %s", s)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Domains[0].DNS.Hosts[0].Status != StatusNXDomain || back.Domains[0].Homepage.Outcome != OutcomeUnreachable ||
		back.Domains[0].Homepage.Page.Numbers[0].Link != LinkOldMIIT {
		t.Errorf("round trip: %+v", back.Domains[0])
	}
	var st Status
	if st.UnmarshalText([]byte("nope")) == nil {
		t.Error("unknown status accepted")
	}
}
