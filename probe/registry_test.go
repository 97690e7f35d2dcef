package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// registryEnv is a registry prober against the world's RDAP and WHOIS
// servers (a small world is enough).
func registryEnv(t *testing.T, rdapServers, whoisServers map[string]string) (*registry, *world) {
	t.Helper()
	w := newWorld(t, 100, false)
	if rdapServers == nil {
		rdapServers = map[string]string{"com": w.rdap.URL + "/"}
	}
	if whoisServers == nil {
		whoisServers = map[string]string{"cn": w.whois, "com": w.whois}
	}
	cfg := RegistryConfig{RDAPServers: rdapServers, WHOISServers: whoisServers, Timeout: 5 * time.Second}
	return newRegistry(cfg, fixedClock(worldToday), realPace), w
}

func TestRegistryLookup(t *testing.T) {
	g, _ := registryEnv(t, nil, nil)
	ctx := context.Background()
	cases := []struct {
		domain, registrable, source string
		found                       bool
		created, expires            string
	}{
		{"site00003.com", "site00003.com", "rdap", true, "2015-06-01", "2027-06-01"},
		{"www.site00003.com", "site00003.com", "rdap", true, "2015-06-01", "2027-06-01"},
		{"site00001.cn", "site00001.cn", "whois", true, "2015-06-01", "2027-06-01"},
		{"shop.site00002.com.cn", "site00002.com.cn", "whois", true, "2015-06-01", "2027-06-01"},
		{"site00020.cn", "site00020.cn", "whois", true, "2015-06-01", "2026-02-01"},
		{"site00038.cn", "site00038.cn", "whois", false, "", ""},                      // unregistered: WHOIS "No matching record."
		{"site00039.com", "site00039.com", "whois", true, "2015-06-01", "2027-06-01"}, // RDAP down: WHOIS
		{"nothing.com", "nothing.com", "rdap", false, "", ""},                         // RDAP 404
		{"site00037.com", "site00037.com", "rdap", true, "2023-05-05", "2027-06-01"},
	}
	for _, c := range cases {
		r, err := g.lookup(ctx, c.domain)
		if err != nil {
			t.Errorf("%s: %v", c.domain, err)
			continue
		}
		if r.Domain != c.registrable || r.Source != c.source || r.Found != c.found || r.Created.String() != c.created || r.Expires.String() != c.expires {
			t.Errorf("%s: %+v", c.domain, r)
		}
		if c.found && (r.Registrar == "" || !r.At.Equal(worldToday)) {
			t.Errorf("%s: registrar %q at %v", c.domain, r.Registrar, r.At)
		}
		if c.source == "rdap" && c.found && (r.Holder != "" || r.Registrar != "Example Registrar, Inc.") {
			t.Errorf("%s: redacted holder kept or registrar lost: %+v", c.domain, r)
		}
	}
	r, _ := g.lookup(ctx, "site00001.cn")
	if r.Holder != "某某科技有限公司" || r.Registrar != "阿里云计算有限公司（万网）" {
		t.Errorf("CNNIC holder and registrar: %+v", r)
	}
	if _, err := g.lookup(ctx, "site00001.org"); !errors.Is(err, ErrNoRegistry) {
		t.Errorf("no registry for .org: %v", err)
	}
	if _, err := g.lookup(ctx, "bad domain!"); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("invalid domain: %v", err)
	}
}

// TestRegistryFailures: when RDAP and WHOIS both fail, the registration is
// unknown (an error), never "not registered".
func TestRegistryFailures(t *testing.T) {
	// Nothing listens on loopback port 1: WHOIS is refused too. Both are
	// asked twice, since both failures may pass.
	var hits atomic.Int64
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer flaky.Close()
	g, _ := registryEnv(t, map[string]string{"com": flaky.URL + "/"}, map[string]string{"com": "127.0.0.1:1"})
	_, err := g.lookup(context.Background(), "site00003.com")
	if err == nil || errors.Is(err, ErrNoRegistry) || hits.Load() != 2 {
		t.Errorf("both down: %v after %d RDAP requests", err, hits.Load())
	}

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rdap+json")
		fmt.Fprint(w, `{"objectClassName":"entity","handle":"X"}`)
	}))
	defer garbage.Close()
	g, _ = registryEnv(t, map[string]string{"com": garbage.URL + "/"}, map[string]string{})
	if _, err := g.lookup(context.Background(), "site00003.com"); err == nil || isTransient(err) {
		t.Errorf("an entity answer taken as a domain, or retried: %v", err)
	}

	// An endless RDAP answer is cut at the body limit and fails to decode.
	var served atomic.Int64
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rdap+json")
		fmt.Fprint(w, `{"objectClassName":"domain","remarks":[{"description":["`)
		chunk := strings.Repeat("x", 64<<10)
		for range 64 {
			n, err := fmt.Fprint(w, chunk)
			served.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	g, _ = registryEnv(t, map[string]string{"com": endless.URL + "/"}, map[string]string{})
	if _, err := g.lookup(context.Background(), "site00003.com"); err == nil {
		t.Error("cut RDAP answer decoded")
	}
}

func TestJudgeRegistration(t *testing.T) {
	today := beian.NewDate(2026, 3, 1)
	reg := func(created, expires beian.Date) *Registration {
		return &Registration{Found: true, Created: created, Expires: expires, Source: "rdap", Server: "x", Registrar: "R"}
	}
	filed := &Target{Filed: beian.NewDate(2020, 1, 1)}
	old := beian.NewDate(2015, 1, 1)
	cases := []struct {
		name string
		reg  *Registration
		err  error
		want string
	}{
		{"fine", reg(old, beian.NewDate(2027, 1, 1)), nil, ""},
		{"expires today", reg(old, today), nil, "domain.expired"},
		{"expired", reg(old, beian.NewDate(2026, 2, 28)), nil, "domain.expired"},
		{"tomorrow", reg(old, beian.NewDate(2026, 3, 2)), nil, "domain.expiring"},
		{"in 30 days", reg(old, beian.NewDate(2026, 3, 31)), nil, "domain.expiring"},
		{"in 31 days", reg(old, beian.NewDate(2026, 4, 1)), nil, ""},
		{"no expiry", reg(old, beian.Date{}), nil, "domain.unknown"},
		{"re-registered", reg(beian.NewDate(2021, 1, 1), beian.NewDate(2027, 1, 1)), nil, "domain.registered_after_filing"},
		{"registered the filing day", reg(beian.NewDate(2020, 1, 1), beian.NewDate(2027, 1, 1)), nil, ""},
		{"unregistered", &Registration{Found: false}, nil, "domain.unregistered"},
		{"lookup failed", nil, errors.New("x"), "domain.unknown"},
		{"no registry", nil, ErrNoRegistry, "domain.unknown"},
	}
	for _, c := range cases {
		fs := judgeRegistration(filed, "x.cn", c.reg, c.err, today, 30, worldToday)
		var got []string
		for _, f := range fs {
			got = append(got, string(f.Code))
			if f.Code.Fault() && f.Evidence.Source == "" {
				t.Errorf("%s: fault without source", c.name)
			}
		}
		if g := strings.Join(got, ","); g != c.want {
			t.Errorf("%s: %q, want %q", c.name, g, c.want)
		}
	}
}
