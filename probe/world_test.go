package probe

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/openbeian/beian"
)

// The world: filed services with their zones, homepages and registry
// records, each service planted with at most a few faults by the kind its
// index selects. Everything listens on 127.0.0.1; the homepage dialler
// maps the documentation addresses the zones hand out back to the loopback
// HTTP servers.

// Kinds of service. Kinds below 11 are clean; a few kinds apply only when
// i%1000 matches, because they cost real timeouts or TLS handshakes.
const (
	kNX               = 11 // NXDOMAIN → dns.not_resolving
	kElsewhere        = 12 // resolves outside our ranges → dns.not_our_range
	kAbroad           = 13 // resolves into an overseas range → dns.abroad
	kIPMismatch       = 14 // ours, mainland, not filed → dns.ip_mismatch
	kNoNumber         = 15 // → http.no_number
	kWrongNumber      = 16 // → http.wrong_number
	kNotLinked        = 17 // → http.number_not_linked
	kOldLink          = 18 // → http.number_wrong_link
	kTitle            = 19 // → http.title_mismatch
	kExpired          = 20 // → domain.expired
	kExpiring         = 21 // → domain.expiring
	kRefused          = 22 // connection refused on both schemes → http.unreachable
	kLoop             = 23 // CNAME loop → dns.not_resolving
	kMixedAbroad      = 24 // filed address plus an overseas one: no fault
	kGuangdongService = 25 // Guangdong site shows the service number → http.wrong_number
	kTruncated        = 26 // 100 A records: truncated, asked over TCP; no fault
	kDrop             = 27 // (i%1000) the server never answers → dns.unknown
	kServfail         = 28 // → dns.unknown
	kTitleExpiring    = 29 // → http.title_mismatch and domain.expiring
	kOutOfZone        = 30 // CNAME to another zone, chased by a new question; no fault
	kHTTPSOnly        = 31 // (i%1000) port 80 refused, https serves; no fault
	kBigPage          = 32 // number past the body limit → http.unknown
	kRefresh          = 33 // meta refresh to the real homepage; no fault
	kStatus500        = 34 // 500 on http, https refused → http.unreachable
	kHang             = 35 // (i%1000) the site never answers → http.unknown
	kWWWOnly          = 36 // only www resolves; no fault
	kReregistered     = 37 // registered after filing → domain.registered_after_filing
	kUnregistered     = 38 // the registry has no such domain → domain.unregistered
	kRDAPDown         = 39 // RDAP fails, WHOIS answers; no fault
	kV6               = 40 // AAAA only, in our mainland v6 range; no fault
	kV6Abroad         = 41 // AAAA only, overseas → dns.abroad
	kHiddenNumber     = 42 // number only in a script and a comment → http.no_number
	kTwoDomains       = 43 // second domain does not resolve → dns.not_resolving on it
	kRedirectLoop     = 44 // → http.unreachable
	kOnclick          = 45 // linked by onclick; no fault
	kHTTPSRedirect    = 46 // (i%1000) http redirects to https; no fault
	kExpiryEdge       = 47 // expires exactly 30 days from today → domain.expiring
	kExpiryEdgeOK     = 48 // expires 31 days from today; no fault
)

// worldToday is the sweep's clock: 2026-03-01 10:00 China time.
var worldToday = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func kindOf(i int, timeouts bool) int {
	k := i % 100
	switch k {
	case kDrop, kHang:
		if !timeouts || i%1000 != k {
			return 0
		}
	case kHTTPSOnly, kHTTPSRedirect:
		// TLS handshakes are the dearest thing here under -race: ten
		// sites of each kind prove the https path.
		if i%1000 != k {
			return 0
		}
	}
	if k < kNX || k > kExpiryEdgeOK {
		return 0
	}
	return k
}

var tlds = []string{"com", "cn", "com.cn"}

func domainOf(i int) string { return fmt.Sprintf("site%05d.%s", i, tlds[i%3]) }
func altOf(i int) string    { return fmt.Sprintf("alt%05d.com", i) }

func v4(base [4]byte, n int) netip.Addr {
	x := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	x += uint32(n)
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}

func v6(prefix string, n int) netip.Addr {
	return netip.MustParseAddr(fmt.Sprintf("%s%x:%x", prefix, n>>16, n&0xffff))
}

func filedV4(i int) netip.Addr { return v4([4]byte{198, 18, 0, 0}, i) }

// worldRanges are the provider's ranges in the world: a mainland /15 with
// an overseas carve-out, an overseas range, and one of each in IPv6.
func worldRanges(tb testing.TB) *Ranges {
	rs, err := NewRanges([]Range{
		{IPs: mustRange(tb, "198.18.0.0/15"), Region: RegionMainland, Name: "cn-north"},
		{IPs: mustRange(tb, "198.19.255.0/24"), Region: RegionOverseas, Name: "hk-carve-out"},
		{IPs: mustRange(tb, "203.0.113.0/24"), Region: RegionOverseas, Name: "ap-southeast"},
		{IPs: mustRange(tb, "2001:db8:1::/48"), Region: RegionMainland, Name: "cn-north-v6"},
		{IPs: mustRange(tb, "2001:db8:2::/48"), Region: RegionOverseas, Name: "ap-southeast-v6"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

type world struct {
	n        int
	timeouts bool
	targets  []Target
	faults   map[string][]string // service ID → sorted "domain code"
	unknowns map[string][]string

	dns      *zoneServer
	http     *httptest.Server
	https    *httptest.Server
	rdap     *httptest.Server
	whois    string
	closed   string                // a loopback port nobody listens on
	refuse   map[netip.Addr]string // "all", "80", "443"
	hangDone chan struct{}
}

// newWorld builds n services. With timeouts false the kinds that cost
// real timeouts are left out (the benchmarks use that).
func newWorld(tb testing.TB, n int, timeouts bool) *world {
	tb.Helper()
	w := &world{n: n, timeouts: timeouts, faults: map[string][]string{}, unknowns: map[string][]string{},
		refuse: map[netip.Addr]string{}, hangDone: make(chan struct{})}
	zone := newZoneData()
	for i := range n {
		w.addService(tb, zone, i)
	}
	w.dns = startZoneServer(tb, zone)
	w.http = quietServer(http.HandlerFunc(w.serveSite), false)
	w.https = quietServer(http.HandlerFunc(w.serveSite), true)
	w.rdap = quietServer(http.HandlerFunc(w.serveRDAP), false)
	w.whois = w.startWHOIS(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	w.closed = ln.Addr().String()
	ln.Close()
	tb.Cleanup(func() {
		close(w.hangDone)
		w.http.Close()
		w.https.Close()
		w.rdap.Close()
	})
	return w
}

// quietServer is an httptest server that does not log: the probe closes
// connections the sites are still writing to (body limit, timeouts), and
// the resulting "broken pipe" and handshake lines are noise.
func quietServer(h http.Handler, tls bool) *httptest.Server {
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	return s
}

func expect(m map[string][]string, id, domain string, code Code) {
	m[id] = append(m[id], domain+" "+string(code))
}

func (w *world) addService(tb testing.TB, zone map[string]*zoneName, i int) {
	k := kindOf(i, w.timeouts)
	id := fmt.Sprintf("svc-%05d", i)
	d := domainOf(i)
	prov := beian.Provinces[i%31]
	if k == kGuangdongService {
		prov, _ = beian.ProvinceByCode("44")
	}
	t := Target{
		ServiceID: id,
		Domains:   []string{d},
		Number:    beian.ICPNumber{Province: prov, Serial: fmt.Sprintf("%08d", 20000000+i), Ordinal: 1 + i%3, Kind: beian.KindWebsite},
		Name:      fmt.Sprintf("站点%05d", i),
		Filed:     beian.NewDate(2020, 1, 1),
		Checks:    CheckAll,
	}
	if i%13 == 0 {
		t.TitleMatch = TitleEqual
	}
	ip := filedV4(i)
	t.FiledIPs = []beian.IPRange{beian.SingleIP(ip)}
	www := "www." + d
	addCNAME(zone, www, d)
	switch k {
	case kNX:
		delete(zone, www+".")
		expect(w.faults, id, d, CodeNotResolving)
	case kElsewhere:
		addA(zone, d, v4([4]byte{192, 0, 2, 1}, i%250))
		expect(w.faults, id, d, CodeNotOurRange)
	case kAbroad:
		if i%2 == 0 {
			addA(zone, d, v4([4]byte{203, 0, 113, 1}, i%250))
		} else {
			addA(zone, d, v4([4]byte{198, 19, 255, 1}, i%250)) // the carve-out
		}
		expect(w.faults, id, d, CodeAbroad)
	case kIPMismatch:
		addA(zone, d, v4([4]byte{198, 19, 0, 0}, i))
		expect(w.faults, id, d, CodeIPMismatch)
	case kLoop:
		addCNAME(zone, d, "loop."+d)
		addCNAME(zone, "loop."+d, d)
		expect(w.faults, id, d, CodeNotResolving)
	case kMixedAbroad:
		addA(zone, d, ip, v4([4]byte{203, 0, 113, 1}, i%250))
	case kTruncated:
		base := [4]byte{198, 19, byte(100 + i/100), 0}
		var addrs []netip.Addr
		for j := range 100 {
			addrs = append(addrs, v4(base, j))
		}
		addA(zone, d, addrs...)
		t.FiledIPs = []beian.IPRange{mustRange(tb, netip.PrefixFrom(addrs[0], 24).String())}
	case kDrop:
		zoneSet(zone, d).drop = true
		zoneSet(zone, www).drop = true
		expect(w.unknowns, id, d, CodeDNSUnknown)
	case kServfail:
		zoneSet(zone, d).servfail = true
		zoneSet(zone, www).servfail = true
		expect(w.unknowns, id, d, CodeDNSUnknown)
	case kOutOfZone:
		edge := fmt.Sprintf("edge%05d.cdn.example", i)
		addCNAME(zone, d, edge)
		zoneSet(zone, d).noChase = true
		addA(zone, edge, ip)
	case kWWWOnly:
		delete(zone, www+".")
		zoneSet(zone, d)
		addA(zone, www, ip)
	case kV6:
		a := v6("2001:db8:1::", i)
		addA(zone, d, a)
		t.FiledIPs = []beian.IPRange{beian.SingleIP(a)}
	case kV6Abroad:
		addA(zone, d, v6("2001:db8:2::", i))
		expect(w.faults, id, d, CodeAbroad)
	default:
		addA(zone, d, ip)
		if i%10 == 0 {
			a := v6("2001:db8:1::", i)
			addA(zone, d, a)
			t.FiledIPs = append(t.FiledIPs, beian.SingleIP(a))
		}
	}
	switch k {
	case kNoNumber, kHiddenNumber:
		expect(w.faults, id, d, CodeNoNumber)
	case kWrongNumber, kGuangdongService:
		expect(w.faults, id, d, CodeWrongNumber)
	case kNotLinked:
		expect(w.faults, id, d, CodeNotLinked)
	case kOldLink:
		expect(w.faults, id, d, CodeNumberWrongLink)
	case kTitle:
		expect(w.faults, id, d, CodeTitleMismatch)
	case kTitleExpiring:
		expect(w.faults, id, d, CodeTitleMismatch)
		expect(w.faults, id, d, CodeExpiring)
	case kExpired:
		expect(w.faults, id, d, CodeExpired)
	case kExpiring, kExpiryEdge:
		expect(w.faults, id, d, CodeExpiring)
	case kRefused:
		w.refuse[ip] = "all"
		expect(w.faults, id, d, CodeUnreachable)
	case kStatus500:
		// https refused: the probe tries it after the 500, and the 500
		// stands.
		w.refuse[ip] = "443"
		expect(w.faults, id, d, CodeUnreachable)
	case kRedirectLoop:
		expect(w.faults, id, d, CodeUnreachable)
	case kHTTPSOnly:
		w.refuse[ip] = "80"
	case kHang:
		w.refuse[ip] = "443"
		expect(w.unknowns, id, d, CodeHTTPUnknown)
	case kBigPage:
		expect(w.unknowns, id, d, CodeHTTPUnknown)
	case kReregistered:
		expect(w.faults, id, d, CodeRegisteredAfterFiling)
	case kUnregistered:
		expect(w.faults, id, d, CodeUnregistered)
	case kTwoDomains:
		t.Domains = append(t.Domains, altOf(i))
		expect(w.faults, id, altOf(i), CodeNotResolving)
	}
	w.targets = append(w.targets, t)
}

// CodeNotLinked is a short name for the test tables.
const CodeNotLinked = CodeNumberNotLinked

// siteIndex returns the service index of a host or registrable domain.
func siteIndex(host string) (int, bool) {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	for _, p := range []string{"site", "alt"} {
		if rest, ok := strings.CutPrefix(host, p); ok && len(rest) > 5 {
			i, err := strconv.Atoi(rest[:5])
			return i, err == nil
		}
	}
	return 0, false
}

// dial is the homepage probe's dialler: every resolved address and port
// 80 or 443 goes to the loopback HTTP or HTTPS server, except the
// addresses planted as refusing.
func (w *world) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return nil, fmt.Errorf("dial %s: not an address: the probe must dial resolved addresses", address)
	}
	target := w.http.Listener.Addr().String()
	if port == "443" {
		target = w.https.Listener.Addr().String()
	}
	if r := w.refuse[a]; r == "all" || r == port {
		target = w.closed
	}
	var d net.Dialer
	return d.DialContext(ctx, network, target)
}

// serveSite serves every homepage by Host header.
func (w *world) serveSite(rw http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	i, ok := siteIndex(host)
	if !ok || i >= w.n {
		http.NotFound(rw, r)
		return
	}
	t := &w.targets[i]
	k := kindOf(i, w.timeouts)
	apex := !strings.HasPrefix(host, "www.")
	switch {
	case k == kHang:
		select {
		case <-r.Context().Done():
		case <-w.hangDone:
		}
		return
	case k == kStatus500:
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	case k == kRedirectLoop:
		to := "/a"
		if r.URL.Path == "/a" {
			to = "/"
		}
		http.Redirect(rw, r, to, http.StatusFound)
		return
	case k == kHTTPSRedirect && r.TLS == nil:
		http.Redirect(rw, r, "https://"+host+"/", http.StatusMovedPermanently)
		return
	case k == kRefresh && r.URL.Path == "/":
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(rw, `<html><head><meta http-equiv="refresh" content="0; url=/index.html"><title>跳转中</title></head><body>正在跳转</body></html>`)
		return
	case k == 0 && i%7 == 5 && apex && r.URL.Path == "/":
		http.Redirect(rw, r, "http://www."+host+"/", http.StatusFound)
		return
	}
	body, ctype := w.render(i, t, k)
	rw.Header().Set("Content-Type", ctype)
	rw.Write(body)
}

func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// render writes a homepage: a header, some content and the footer with
// the number, in the variant the kind (or, for clean sites, i%7) picks.
func (w *world) render(i int, t *Target, k int) ([]byte, string) {
	num := t.Expected().String()
	title := t.Name + " - 首页"
	if t.TitleMatch == TitleEqual {
		title = "  " + t.Name + " "
	}
	link := `<a href="https://beian.miit.gov.cn/" target="_blank">` + num + `</a>`
	ctype := "text/html; charset=utf-8"
	meta := `<meta charset="utf-8">`
	enc := "utf-8"
	extra := ""
	switch k {
	case kNoNumber:
		link = ""
	case kHiddenNumber:
		link = `<script>var icp = "` + num + `";</script><!-- ` + num + ` -->`
	case kWrongNumber:
		wrong := t.Expected()
		wrong.Serial = fmt.Sprintf("%08d", 30000000+i)
		link = `<a href="https://beian.miit.gov.cn/">` + wrong.String() + `</a>`
	case kGuangdongService:
		link = `<a href="https://beian.miit.gov.cn/">` + t.Number.String() + `</a>`
	case kNotLinked:
		link = `<span>` + num + `</span> <a href="https://beian.miit.gov.cn/">工信部备案查询</a>`
	case kOldLink:
		link = `<a href="http://www.miitbeian.gov.cn/">` + num + `</a>`
	case kTitle, kTitleExpiring:
		title = "欢迎访问我们的网站"
	case kOnclick:
		link = `<a href="javascript:;" onclick="window.open('https://beian.miit.gov.cn/')">` + num + `</a>`
	case kBigPage:
		extra = "<p>" + strings.Repeat("内容", 40<<10) + "</p>"
	case 0:
		switch i % 7 {
		case 1:
			meta, enc = `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`, "gbk"
			ctype = "text/html"
		case 2:
			title = fullWidthDigits(title)
			fw := fullWidthDigits(num)
			fw = strings.Replace(fw, "ICP备", " ＩＣＰ 备 <span>", 1)
			link = `<a href="https://beian.miit.gov.cn/"><b>` + strings.Replace(fw, "号", "</span> 号 ", 1) + `</b></a>`
		case 3:
			link = `<a href="//beian.miit.gov.cn">` + num + `</a>`
		case 4:
			meta, enc, ctype = "", "gbk", "text/html; charset=gb2312"
		case 6:
			link = `<span>京ICP证030173号</span> <a href="http://www.beian.gov.cn/">京公网安备11000002000001号</a> <a href="http://beian.miit.gov.cn">` + num + `</a>`
		}
	}
	page := `<!DOCTYPE html><html><head>` + meta + `<title>` + title + `</title></head><body>` +
		`<header><nav><a href="/">首页</a> <a href="/about">关于我们</a></nav></header>` +
		`<main><h1>` + t.Name + `</h1><p>欢迎访问。本站提供信息服务。</p>` + extra + `</main>` +
		`<footer><p>© 2026 ` + t.Name + ` 版权所有 ` + link + `</p></footer></body></html>`
	if enc == "gbk" {
		return gbkBytes(page), ctype
	}
	return []byte(page), ctype
}

func gbkBytes(s string) []byte {
	b, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).String(s)
	if err != nil {
		panic(err)
	}
	return []byte(b)
}

// registryRecord is a domain's planted registration.
func (w *world) registryRecord(domain string) (created, expires time.Time, found bool) {
	created = time.Date(2015, 6, 1, 8, 0, 0, 0, time.UTC)
	expires = time.Date(2027, 6, 1, 8, 0, 0, 0, time.UTC)
	i, ok := siteIndex(domain)
	if !ok || i >= w.n {
		return created, expires, false
	}
	switch kindOf(i, w.timeouts) {
	case kUnregistered:
		if strings.HasPrefix(domain, "site") {
			return created, expires, false
		}
	case kExpired:
		expires = time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)
	case kExpiring, kTitleExpiring:
		expires = time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC)
	case kExpiryEdge:
		expires = time.Date(2026, 3, 31, 0, 30, 0, 0, beian.ChinaTime) // today + 30 days
	case kExpiryEdgeOK:
		expires = time.Date(2026, 4, 1, 10, 0, 0, 0, beian.ChinaTime) // today + 31 days
	case kReregistered:
		created = time.Date(2023, 5, 5, 8, 0, 0, 0, time.UTC)
	}
	return created, expires, true
}

// serveRDAP answers /domain/{name} in RFC 9083 JSON.
func (w *world) serveRDAP(rw http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/domain/")
	if !ok {
		http.NotFound(rw, r)
		return
	}
	name = strings.ToLower(name)
	if i, ok := siteIndex(name); ok && kindOf(i, w.timeouts) == kRDAPDown {
		http.Error(rw, "backend down", http.StatusServiceUnavailable)
		return
	}
	created, expires, found := w.registryRecord(name)
	if !found {
		rw.Header().Set("Content-Type", "application/rdap+json")
		rw.WriteHeader(http.StatusNotFound)
		fmt.Fprint(rw, `{"errorCode":404,"title":"Not Found"}`)
		return
	}
	vcard := func(fn string) []any {
		return []any{"vcard", []any{[]any{"version", map[string]any{}, "text", "4.0"}, []any{"fn", map[string]any{}, "text", fn}}}
	}
	doc := map[string]any{
		"objectClassName": "domain",
		"rdapConformance": []string{"rdap_level_0"},
		"ldhName":         strings.ToUpper(name),
		"status":          []string{"client transfer prohibited"},
		"events": []any{
			map[string]any{"eventAction": "registration", "eventDate": created.Format(time.RFC3339)},
			map[string]any{"eventAction": "expiration", "eventDate": expires.Format(time.RFC3339)},
			map[string]any{"eventAction": "last update of RDAP database", "eventDate": worldToday.Format(time.RFC3339)},
		},
		"entities": []any{
			map[string]any{"objectClassName": "entity", "roles": []string{"registrar"}, "vcardArray": vcard("Example Registrar, Inc.")},
			map[string]any{"objectClassName": "entity", "roles": []string{"registrant"}, "vcardArray": vcard("REDACTED FOR PRIVACY")},
		},
	}
	rw.Header().Set("Content-Type", "application/rdap+json")
	json.NewEncoder(rw).Encode(doc)
}

// startWHOIS runs a port-43 server answering CNNIC-style for .cn names and
// Verisign-style for the rest.
func (w *world) startWHOIS(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	tb.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				fmt.Fprint(c, w.whoisAnswer(strings.ToLower(strings.TrimSpace(line))))
			})
		}
	})
	return ln.Addr().String()
}

func (w *world) whoisAnswer(name string) string {
	created, expires, found := w.registryRecord(name)
	cn := strings.HasSuffix(name, ".cn")
	switch {
	case !found && cn:
		return "No matching record.\r\n"
	case !found:
		return fmt.Sprintf("No match for %q.\r\n>>> Last update of whois database: 2026-03-01T00:00:00Z <<<\r\n", strings.ToUpper(name))
	case cn:
		const layout = "2006-01-02 15:04:05"
		return fmt.Sprintf("Domain Name: %s\r\nROID: 20150601s10001s%08d-cn\r\nDomain Status: ok\r\nRegistrant: 某某科技有限公司\r\n"+
			"Sponsoring Registrar: 阿里云计算有限公司（万网）\r\nName Server: ns1.example.cn\r\nRegistration Time: %s\r\nExpiration Time: %s\r\nDNSSEC: unsigned\r\n",
			name, len(name), created.In(beian.ChinaTime).Format(layout), expires.In(beian.ChinaTime).Format(layout))
	}
	return fmt.Sprintf("   Domain Name: %s\r\n   Registrar: Example Registrar, Inc.\r\n   Creation Date: %s\r\n   Registry Expiry Date: %s\r\n"+
		"   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r\n>>> Last update of whois database: 2026-03-01T00:00:00Z <<<\r\n",
		strings.ToUpper(name), created.UTC().Format("2006-01-02T15:04:05Z"), expires.UTC().Format("2006-01-02T15:04:05Z"))
}

// config returns a prober configuration for the world.
func (w *world) config(tb testing.TB) Config {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	tb.Cleanup(tr.CloseIdleConnections)
	// The timeouts are generous: under -race on a busy CI machine a
	// goroutine can wait seconds for a CPU, and a spurious timeout would
	// hide a planted fault behind "unknown". They cost wall time only for
	// the few planted silent servers and hanging sites, all in parallel.
	return Config{
		Ranges: worldRanges(tb),
		Clock:  fixedClock(worldToday),
		DNS: DNSConfig{
			Servers:  []string{w.dns.addr},
			Timeout:  3 * time.Second,
			Attempts: 3,
			Rate:     Rate{PerSecond: 1e7, Burst: 1 << 16},
		},
		HTTP: HTTPConfig{
			Timeout:  10 * time.Second,
			MaxBody:  64 << 10,
			Dial:     w.dial,
			HostRate: Rate{PerSecond: 1e6, Burst: 1 << 10},
		},
		Registry: RegistryConfig{
			RDAPServers:  map[string]string{"com": w.rdap.URL + "/"},
			WHOISServers: map[string]string{"cn": w.whois, "com": w.whois},
			Timeout:      10 * time.Second,
			Rate:         Rate{PerSecond: 1e6, Burst: 1 << 10},
			HTTPClient:   &http.Client{Transport: tr},
		},
		// Fewer workers than a production sweep: on a starved CI machine
		// every request waits behind all those in flight, and no more of
		// them would finish any sooner.
		Workers: Workers{DNS: 64, HTTP: 24, Registry: 8},
	}
}

func (w *world) prober(tb testing.TB) *Prober {
	p, err := New(w.config(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}
