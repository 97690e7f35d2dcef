package rules

import (
	"testing"

	"github.com/openbeian/beian"
)

func TestPunycode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文"}, // RFC 3492 §7.1 (B)
		{"fiqs8s", "中国"},
		{"io0a7i", "网络"},
		{"55qx5d", "公司"},
		{"mnchen-3ya", "münchen"},
	} {
		got, ok := punycodeDecode(c.in)
		if !ok || got != c.want {
			t.Errorf("decode %q = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"99999999999", "a-é", "-", "zzzzzzzzzzzzzzzzzzzzzzz9"} {
		if got, ok := punycodeDecode(bad); ok && bad != "-" {
			t.Errorf("decode %q = %q accepted", bad, got)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Example.COM.", "example.com"},
		{" example.cn ", "example.cn"},
		{"XN--FIQS8S", "中国"},
		{"例子。中国", "例子.中国"},
		{"www.xn--55qx5d.xn--fiqs8s", "www.公司.中国"},
	} {
		if got, ok := normalizeDomain(c.in); !ok || got != c.want {
			t.Errorf("normalize %q = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	if _, ok := normalizeDomain("xn--99999999999.cn"); ok {
		t.Error("bad punycode accepted")
	}
}

func TestDomainSyntax(t *testing.T) {
	good := []string{"example.cn", "a-b.com.cn", "例子.中国", "123.com", "x.y.z.top"}
	bad := []string{"", "example", "-a.cn", "a-.cn", "a..cn", ".a.cn", "http://a.cn", "a.cn/x", "a.cn:8080", "a b.cn", "1.2.3.4", "a_b.cn", "a.cn!"}
	for _, d := range good {
		if p := domainSyntaxProblem(d); p.ZH != "" {
			t.Errorf("%q rejected: %s", d, p.EN)
		}
	}
	for _, d := range bad {
		if p := domainSyntaxProblem(d); p.ZH == "" || p.EN == "" {
			t.Errorf("%q accepted", d)
		}
	}
}

func TestRegistry(t *testing.T) {
	r := DefaultRegistry()
	if r.AsOf().IsZero() || r.Source() == "" {
		t.Error("registry without date or source")
	}
	for _, c := range []struct {
		domain, suffix string
		approved       bool
	}{
		{"example.cn", "cn", true},
		{"www.example.com.cn", "com.cn", true},
		{"data.beijing.gov.cn", "gov.cn", true},
		{"例子.中国", "中国", true},
		{"中心.政务", "政务", true},
		{"example.top", "top", true},
		{"example.io", "io", false},
		{"example.co.uk", "uk", false},
	} {
		s, ok := r.Suffix(c.domain)
		if s != c.suffix || ok != c.approved {
			t.Errorf("%s: suffix %q %v, want %q %v", c.domain, s, ok, c.suffix, c.approved)
		}
	}
	for _, c := range []struct {
		name            string
		approved, known bool
	}{
		{"阿里云计算有限公司", true, true},
		{"alibaba cloud computing (beijing) co ltd", true, true},
		{"Alibaba.com Singapore E-Commerce Private Limited", false, true},
		{"GODADDY.COM, LLC", false, true},
		{"Some New Registrar Ltd", false, false},
	} {
		a, k := r.Registrar(c.name)
		if a != c.approved || k != c.known {
			t.Errorf("registrar %q: %v %v", c.name, a, k)
		}
	}
	no := false
	o, err := NewRegistry(RegistryOverlay{
		AsOf:       beian.NewDate(2025, 1, 31),
		TLDs:       []TLDEntry{{Suffix: "io"}, {Suffix: "top", Approved: &no}},
		Registrars: []RegistrarEntry{{Name: "Some New Registrar Ltd", Approved: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.Suffix("a.io"); !ok {
		t.Error("overlay did not approve .io")
	}
	if _, ok := o.Suffix("a.top"); ok {
		t.Error("overlay did not withdraw .top")
	}
	if a, k := o.Registrar("some new registrar ltd."); !a || !k {
		t.Error("overlay registrar not approved")
	}
	if o.AsOf() != beian.NewDate(2025, 1, 31) {
		t.Error("overlay date not used")
	}
	if _, err := NewRegistry(RegistryOverlay{TLDs: []TLDEntry{{Suffix: "a.b"}}}); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("bad overlay TLD: %v", err)
	}
	if _, err := NewRegistry(RegistryOverlay{Registrars: []RegistrarEntry{{Name: "—"}}}); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("bad overlay registrar: %v", err)
	}
	// The engine uses the overlay when given one.
	f := ent()
	f.site(0).Domains = []string{"qingyun-data.io"}
	f.setReg("qingyun-data.io", func(x *Registration) {
		*x = Registration{Registrar: "Some New Registrar Ltd", RealNameVerified: true, Holder: f.subj().Name, Expires: beian.NewDate(2030, 1, 1)}
	})
	if len(f.run().ByRule("DOMAIN-TLD-NOT-APPROVED")) == 0 {
		t.Error(".io passed without the overlay")
	}
	f.reg = o
	res := f.run()
	if len(res.ByRule("DOMAIN-TLD-NOT-APPROVED"))+len(res.ByRule("DOMAIN-REGISTRAR-NOT-APPROVED")) != 0 {
		t.Errorf("overlay not used: %v", summary(res))
	}
}

func TestWordMatcher(t *testing.T) {
	m := newMatcher([][]string{{"博客", "Blog"}, {"北京", "京"}})
	var h hits
	m.scan("我的BLOG在北京", &h)
	if h[0] != "blog" || h[1] != "京" && h[1] != "北京" {
		t.Errorf("hits %q %q", h[0], h[1])
	}
	if w := m.find("松风随笔", 0); w != "" {
		t.Errorf("false hit %q", w)
	}
	if w := m.find("\xff\xfe博客", 0); w != "博客" {
		t.Errorf("invalid UTF-8 prefix: %q", w)
	}
}
