package beian

import (
	"net/netip"
	"strings"
)

// IPRange is an inclusive range of server addresses (IP地址段); a single
// address has Start == End. IPv4 and IPv6 are both allowed (spec §5.3), but
// a range never mixes them.
type IPRange struct {
	Start netip.Addr `json:"start"`
	End   netip.Addr `json:"end"`
}

// SingleIP returns the range holding just a.
func SingleIP(a netip.Addr) IPRange { return IPRange{Start: a, End: a} }

// Valid reports whether the range is well formed: same family, Start ≤ End.
func (r IPRange) Valid() bool {
	return r.Start.IsValid() && r.End.IsValid() && r.Start.Is4() == r.End.Is4() && r.Start.Compare(r.End) <= 0
}

// Contains reports whether a lies in the range.
func (r IPRange) Contains(a netip.Addr) bool {
	a = a.Unmap()
	return r.Valid() && a.Is4() == r.Start.Is4() && r.Start.Compare(a) <= 0 && a.Compare(r.End) <= 0
}

// String formats the range as "a" or "a-b".
func (r IPRange) String() string {
	if r.Start == r.End {
		return r.Start.String()
	}
	return r.Start.String() + "-" + r.End.String()
}

// PreApproval is a sector regulator's permit (前置审批) a service needs
// before filing (spec §5.6).
type PreApproval struct {
	Category   string `json:"category"` // e.g. news, publishing, drugs, culture, religion
	Number     string `json:"number"`   // 审批号
	ValidUntil Date   `json:"valid_until,omitempty"`
	DocumentID string `json:"document_id,omitempty"`
}

// NormalizeDomain lower-cases a domain name and drops a trailing dot and
// surrounding space, so that look-ups and comparisons agree. It does not
// validate; the rules package does.
func NormalizeDomain(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}

// Website is a website (网站) as filed: a name, its domains (the first is
// the main domain), the server addresses at this provider and its content.
type Website struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	Domains        []string      `json:"domains"`
	HomepageURL    string        `json:"homepage_url,omitempty"`
	IPs            []IPRange     `json:"ips"`
	ServiceContent []string      `json:"service_content"` // catalogue items (§5.5)
	Languages      []string      `json:"languages"`
	PreApprovals   []PreApproval `json:"pre_approvals,omitempty"`
	Principal      Person        `json:"principal"` // 网站负责人
	Remark         string        `json:"remark,omitempty"`
	// RecordID is the filed service this website describes, for orders that
	// add access to, change or cancel an existing service.
	RecordID string `json:"record_id,omitempty"`
}

// AppPlatform is the runtime platform of an app (not its app store).
type AppPlatform string

// Runtime platforms MIIT accepts (spec §5.4).
const (
	PlatformAndroid   AppPlatform = "android"
	PlatformIOS       AppPlatform = "ios"
	PlatformHarmonyOS AppPlatform = "harmonyos"
)

// AppPlatforms lists the platforms.
var AppPlatforms = []AppPlatform{PlatformAndroid, PlatformIOS, PlatformHarmonyOS}

// Valid reports whether p is a runtime platform.
func (p AppPlatform) Valid() bool {
	return p == PlatformAndroid || p == PlatformIOS || p == PlatformHarmonyOS
}

// AppRelease is an app on one platform: its package name, public key and
// signature digest (Android: certificate MD5; iOS: certificate SHA-1;
// HarmonyOS: certificate fingerprint), and the back-end domains it uses there.
type AppRelease struct {
	Platform     AppPlatform `json:"platform"`
	PackageName  string      `json:"package_name"`
	PublicKey    string      `json:"public_key"`
	SignatureMD5 string      `json:"signature_md5"`
	Domains      []string    `json:"domains,omitempty"`
}

// App is an app (APP) as filed.
type App struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	IconDocumentID string        `json:"icon_document_id,omitempty"`
	Releases       []AppRelease  `json:"releases"`
	Domains        []string      `json:"domains"`
	IPs            []IPRange     `json:"ips"`
	ServiceContent []string      `json:"service_content"`
	Languages      []string      `json:"languages"`
	PreApprovals   []PreApproval `json:"pre_approvals,omitempty"`
	Principal      Person        `json:"principal"` // APP负责人
	Remark         string        `json:"remark,omitempty"`
	RecordID       string        `json:"record_id,omitempty"`
}
