package probe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/openbeian/beian"
)

// Fuzz targets for every parser of untrusted input: homepages, WHOIS
// answers, admin-entered ranges and DNS answers. Run each with
//
//	go test -run '^$' -fuzz '^FuzzParsePage$' -fuzztime 60s ./probe

var contentTypes = []string{"", "text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=gb2312", "text/html; charset=big5", "application/json"}

// FuzzParsePage: any body, any declared charset — no panic, bounded output,
// and every number reported is a well-formed ICP number shown in its
// snippet.
func FuzzParsePage(f *testing.F) {
	f.Add([]byte(okPage), uint8(0))
	f.Add([]byte(`<a href="//beian.miit.gov.cn"><span>粤ＩＣＰ备</span>２０２１０１２３４５号－３</a>`), uint8(2))
	f.Add(gbk(f, `<meta charset="gbk"><title>测试</title>京 ICP 备 12345678 号 - 1`), uint8(0))
	f.Add(gbk(f, `<title>测试</title><a href="http://www.miitbeian.gov.cn/">京ICP備12345678號-2A</a>`), uint8(3))
	f.Add([]byte(`<meta http-equiv="refresh" content="0;url=/x"><script>京ICP备11111111号</script><!-- 沪ICP备22222222号 -->`), uint8(1))
	f.Add([]byte(`京ICP备12345678-1号 京ICP证030173号 川ICP备1234号-9999K <a onclick="window.open('https://beian.miit.gov.cn')">京ICP备12345678号</a>`), uint8(4))
	f.Add([]byte("\xef\xbb\xbf<title>\xb2\xe2</title>\x81"), uint8(5))
	f.Fuzz(func(t *testing.T, body []byte, ct uint8) {
		p := ParsePage(body, contentTypes[int(ct)%len(contentTypes)])
		if !utf8.ValidString(p.Title) || utf8.RuneCountInString(p.Title) > maxTitle {
			t.Fatalf("title %q", p.Title)
		}
		if len(p.Numbers) > maxNumbers || len(p.Refresh) > maxHref {
			t.Fatalf("%d numbers, refresh %d bytes", len(p.Numbers), len(p.Refresh))
		}
		for _, n := range p.Numbers {
			back, err := beian.ParseICPNumber(n.Canonical)
			if err != nil || back != n.Number || back.String() != n.Canonical {
				t.Fatalf("number %q: %v (%+v)", n.Canonical, err, back)
			}
			if !strings.Contains(n.Snippet, n.Shown) || utf8.RuneCountInString(n.Snippet) > 2*SnippetRadius+utf8.RuneCountInString(n.Shown) {
				t.Fatalf("snippet %q, shown %q", n.Snippet, n.Shown)
			}
			if n.Link > LinkOther || len(n.Href) > maxHref || (n.Link == LinkNone && n.Href != "") {
				t.Fatalf("link %v %q", n.Link, n.Href)
			}
			if n.Link == LinkOldMIIT && ClassifyHref(n.Href) != LinkOldMIIT {
				t.Fatalf("href %q classified %v", n.Href, n.Link)
			}
		}
		// Title matching never panics on what pages contain.
		TitleContains.Matches(p.Title, string(body))
	})
}

// FuzzParseWHOIS: any answer — no panic; a not-found answer has no data;
// a redacted registrant is never reported.
func FuzzParseWHOIS(f *testing.F) {
	for _, s := range []string{cnnicSample, verisignSample, gtldThickSample, indentedSample, "No matching record.\r\n",
		"Registrar:\n\tR\nExpiry date.......: 2029.05.06\nRegistrant: REDACTED\n", "Expiration Time: 9999-99-99 99:99:99\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := ParseWHOIS(text)
		if r.NotFound && (!r.Expires.IsZero() || !r.Created.IsZero() || r.Registrar != "") {
			t.Fatalf("not found with data: %+v", r)
		}
		if r.Registrant != "" && redacted(r.Registrant) {
			t.Fatalf("redacted registrant kept: %q", r.Registrant)
		}
		for _, s := range []string{r.Registrar, r.Registrant} {
			if !utf8.ValidString(s) || len(s) > 256 {
				t.Fatalf("field %q", s)
			}
		}
		if len(r.Status) > 16 {
			t.Fatalf("%d statuses", len(r.Status))
		}
	})
}

// FuzzParseRange: whatever parses is a valid range that formats and parses
// back to itself.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "192.0.2.1-192.0.2.9", "192.0.2.0/24", "2001:db8::/32", "::ffff:1.2.3.4", "1.2.3.4-", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		if !r.Valid() {
			t.Fatalf("%q parsed to invalid %v", s, r)
		}
		back, err := ParseRange(r.String())
		if err != nil || back != r {
			t.Fatalf("%q → %v → %v, %v", s, r, back, err)
		}
		rs, err := NewRanges([]Range{{IPs: r, Region: RegionMainland}})
		if err != nil {
			t.Fatal(err)
		}
		if rs.Zone(r.Start) != ZoneMainland || rs.Zone(r.End) != ZoneMainland {
			t.Fatalf("%v: ends not inside", r)
		}
	})
}

// FuzzDNSAnswer: any message a server may send, as the answer to an A
// question — the walk ends, within the CNAME bound, in a consistent state.
func FuzzDNSAnswer(f *testing.F) {
	seed := func(m *dns.Msg) {
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	m := new(dns.Msg)
	m.SetQuestion("a.test.", dns.TypeA)
	m.Response = true
	m.Answer = []dns.RR{
		&dns.CNAME{Hdr: dns.RR_Header{Name: "a.test.", Rrtype: dns.TypeCNAME, Class: dns.ClassINET}, Target: "b.test."},
		&dns.CNAME{Hdr: dns.RR_Header{Name: "b.test.", Rrtype: dns.TypeCNAME, Class: dns.ClassINET}, Target: "a.test."},
	}
	seed(m)
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: "A.TEST.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: []byte{192, 0, 2, 1}}}
	seed(m)
	m.Answer = nil
	m.Rcode = dns.RcodeNameError
	seed(m)
	f.Fuzz(func(t *testing.T, b []byte) {
		var ans dns.Msg
		if ans.Unpack(b) != nil {
			return
		}
		s := &session{r: &Resolver{cfg: DNSConfig{MaxCNAME: 8, Attempts: 3}, servers: []string{"x"}}}
		l := &lookup{qtype: dns.TypeA, start: "a.test.", name: "a.test."}
		l.answer = &ans
		s.settle(l, 0)
		if len(l.chain) > 9 {
			t.Fatalf("chain %d long", len(l.chain))
		}
		switch {
		case !l.done:
			// A follow-up question: only after a CNAME left the answer,
			// or a retry of the same name.
			if l.name != "a.test." && len(l.chain) == 0 {
				t.Fatalf("follow-up to %q without a chain", l.name)
			}
		case l.status == StatusResolved:
			if len(l.addrs) == 0 {
				t.Fatal("resolved without addresses")
			}
		default:
			if len(l.addrs) != 0 {
				t.Fatalf("%v with addresses", l.status)
			}
		}
	})
}
