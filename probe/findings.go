package probe

import (
	"net/netip"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// Code names what a probe found. Codes ending in ".unknown" are not faults:
// the probe could not tell (a timeout, a SERVFAIL, a page cut short), and
// no rectification case may be opened from them.
type Code string

// The finding codes. The dns and http codes map to catalogue categories E
// and C of spec §9.4, the domain codes to category B.
const (
	// The domain and its www host have no address at all (NXDOMAIN, no A
	// or AAAA records, a CNAME loop), every answer definite.
	CodeNotResolving Code = "dns.not_resolving"
	// Every address is outside all of our ranges (another provider, a
	// CDN), and the answers are complete.
	CodeNotOurRange Code = "dns.not_our_range"
	// None of the addresses is in our mainland ranges and at least one is
	// in a range we mark overseas: the site is served abroad.
	CodeAbroad Code = "dns.abroad"
	// The domain resolves into our mainland ranges, but to an address that
	// is not among the service's filed addresses.
	CodeIPMismatch Code = "dns.ip_mismatch"
	// The resolvers gave no conclusive answer.
	CodeDNSUnknown Code = "dns.unknown"

	// The site refused the connection, reset it, failed TLS, looped its
	// redirects or answered with an error status (4xx, 5xx).
	CodeUnreachable Code = "http.unreachable"
	// The homepage shows no ICP number.
	CodeNoNumber Code = "http.no_number"
	// The homepage shows ICP numbers, but not the one it must show.
	CodeWrongNumber Code = "http.wrong_number"
	// The right number is shown but not linked, or linked elsewhere than
	// beian.miit.gov.cn.
	CodeNumberNotLinked Code = "http.number_not_linked"
	// The right number links to the retired www.miitbeian.gov.cn.
	CodeNumberWrongLink Code = "http.number_wrong_link"
	// The page title does not match the filed site name.
	CodeTitleMismatch Code = "http.title_mismatch"
	// The homepage probe could not conclude (timeout, rate limited, body
	// longer than the limit without the number in the part read …).
	CodeHTTPUnknown Code = "http.unknown"

	// The domain's registration expired (expiry date on or before today,
	// China time).
	CodeExpired Code = "domain.expired"
	// The domain expires within the configured number of days.
	CodeExpiring Code = "domain.expiring"
	// The registry has no such domain: it lapsed and was deleted.
	CodeUnregistered Code = "domain.unregistered"
	// The domain was registered after the service was filed: it lapsed and
	// was registered again, perhaps by someone else (spec §6.2.5).
	CodeRegisteredAfterFiling Code = "domain.registered_after_filing"
	// Neither RDAP nor WHOIS gave a usable answer.
	CodeDomainUnknown Code = "domain.unknown"
)

// Codes lists every code.
var Codes = []Code{
	CodeNotResolving, CodeNotOurRange, CodeAbroad, CodeIPMismatch, CodeDNSUnknown,
	CodeUnreachable, CodeNoNumber, CodeWrongNumber, CodeNumberNotLinked, CodeNumberWrongLink, CodeTitleMismatch, CodeHTTPUnknown,
	CodeExpired, CodeExpiring, CodeUnregistered, CodeRegisteredAfterFiling, CodeDomainUnknown,
}

// Fault reports whether the code says something is wrong with the filing,
// rather than that the probe could not tell.
func (c Code) Fault() bool { return !strings.HasSuffix(string(c), ".unknown") }

// Category returns the letter of the spec §9.4 catalogue the code belongs
// to: "E" access info (接入信息不符), "C" website content (网站内容不合格),
// "B" internet info (互联网信息不准确).
func (c Code) Category() string {
	switch {
	case strings.HasPrefix(string(c), "dns."):
		return "E"
	case strings.HasPrefix(string(c), "http."):
		return "C"
	case strings.HasPrefix(string(c), "domain."):
		return "B"
	}
	return ""
}

var notices = map[Code]beian.Text{
	CodeNotResolving:          {ZH: "未解析至接入商服务器（域名无解析）", EN: "Not resolving to the provider's servers (no resolution)"},
	CodeNotOurRange:           {ZH: "未解析至接入商服务器（解析至非本接入商IP）", EN: "Not resolving to the provider's servers (resolves to other addresses)"},
	CodeAbroad:                {ZH: "未解析至接入商服务器（解析至境外）", EN: "Not resolving to the provider's servers (resolves abroad)"},
	CodeIPMismatch:            {ZH: "域名实际解析IP与备案IP不符", EN: "Resolved address differs from the filed addresses"},
	CodeUnreachable:           {ZH: "网站内容无法访问", EN: "Website cannot be opened"},
	CodeNoNumber:              {ZH: "未悬挂备案号", EN: "ICP number not displayed"},
	CodeWrongNumber:           {ZH: "备案号悬挂错误", EN: "Wrong ICP number displayed"},
	CodeNumberNotLinked:       {ZH: "备案号未链接至工信部", EN: "ICP number not linked to MIIT"},
	CodeNumberWrongLink:       {ZH: "备案号链接错误（链接至已停用的 miitbeian.gov.cn）", EN: "ICP number links to the retired miitbeian.gov.cn"},
	CodeTitleMismatch:         {ZH: "网站名称与备案信息不符", EN: "Website title differs from the filed name"},
	CodeExpired:               {ZH: "域名已过期", EN: "Domain expired"},
	CodeExpiring:              {ZH: "域名即将过期", EN: "Domain about to expire"},
	CodeUnregistered:          {ZH: "域名已过期（注册局无此域名）", EN: "Domain expired (the registry has no such domain)"},
	CodeRegisteredAfterFiling: {ZH: "域名注册时间晚于备案时间", EN: "Domain registered after the filing"},
	CodeDNSUnknown:            {ZH: "域名解析探测无结论", EN: "DNS probe inconclusive"},
	CodeHTTPUnknown:           {ZH: "首页探测无结论", EN: "Homepage probe inconclusive"},
	CodeDomainUnknown:         {ZH: "域名注册信息查询无结论", EN: "Registration look-up inconclusive"},
}

// Notice returns the notice (整改通知) wording of spec §9.4 for the code.
func (c Code) Notice() beian.Text {
	if t, ok := notices[c]; ok {
		return t
	}
	return beian.Text{ZH: string(c), EN: string(c)}
}

// Evidence is what a finding rests on: enough to show the customer and a
// reviewer what the probe saw, and nothing personal (no registrant names).
type Evidence struct {
	At time.Time `json:"at"`
	// Host is the name probed.
	Host string `json:"host,omitempty"`
	// Resolved holds every address the domain and its www host resolved
	// to; Addrs the ones the finding is about (the overseas ones, the
	// unfiled ones …).
	Resolved []netip.Addr `json:"resolved,omitempty"`
	Addrs    []netip.Addr `json:"addrs,omitempty"`
	// DNS is the per-host outcome, e.g. "example.cn=nxdomain www.example.cn=nxdomain".
	DNS string `json:"dns,omitempty"`
	// Resolver is the server that answered.
	Resolver string `json:"resolver,omitempty"`
	// CNAMEs is the chain followed.
	CNAMEs []string `json:"cnames,omitempty"`
	// Filed lists the service's filed addresses.
	Filed []string `json:"filed,omitempty"`

	// URL is the homepage's final address, HTTPStatus its status.
	URL        string `json:"url,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	Title      string `json:"title,omitempty"`
	// Expected is the number the page must show; Found what it shows.
	Expected string   `json:"expected,omitempty"`
	Found    []string `json:"found,omitempty"`
	// Snippet is the page text around the number (or the first number).
	Snippet string `json:"snippet,omitempty"`
	// Href is where the number links.
	Href string `json:"href,omitempty"`

	Registrar string     `json:"registrar,omitempty"`
	Created   beian.Date `json:"created,omitzero"`
	Expires   beian.Date `json:"expires,omitzero"`
	// Source is the registry service ("rdap https://…", "whois host:43").
	Source string `json:"source,omitempty"`

	// Detail is a machine-readable cause ("timeout", "refused",
	// "body_limit", "status" …).
	Detail string `json:"detail,omitempty"`
}

// Finding is one thing a probe found about one of a service's domains.
type Finding struct {
	Code     Code     `json:"code"`
	Domain   string   `json:"domain"`
	Evidence Evidence `json:"evidence"`
}
