package rules

import (
	"context"
	"net/netip"

	"github.com/openbeian/beian"
)

// FactKind names a source of facts.
type FactKind string

// The fact sources. Registry and Networks are local: implementations hold
// their data in memory, so the draft fast path uses them. The rest are
// remote and consulted only in ModeSubmit.
const (
	FactRecords   FactKind = "records"   // our records and in-progress orders (store)
	FactContacts  FactKind = "contacts"  // other subjects' use of a contact (blind index); mobile home province
	FactDomains   FactKind = "domains"   // domain registration data (RDAP/WHOIS)
	FactDNS       FactKind = "dns"       // domain resolution (probe)
	FactHomepages FactKind = "homepages" // filed sites' homepages (probe)
	FactBlacklist FactKind = "blacklist" // bureau blacklists (HMDLB, FFJRHMD feeds)
	FactResources FactKind = "resources" // the order's filing resource or authorization code
	FactRegistry  FactKind = "registry"  // MIIT-approved TLDs and registrars (embedded + admin table)
	FactNetworks  FactKind = "networks"  // the provider's server address ranges (admin settings)
)

// Remote reports whether the fact needs I/O and is therefore skipped in
// ModeDraft.
func (k FactKind) Remote() bool { return k != FactRegistry && k != FactNetworks }

var factText = map[FactKind]beian.Text{
	FactRecords:   {ZH: "本系统备案记录与订单", EN: "our records and orders"},
	FactContacts:  {ZH: "联系方式使用情况", EN: "contact-use index"},
	FactDomains:   {ZH: "域名注册信息", EN: "domain registration data"},
	FactDNS:       {ZH: "域名解析探测", EN: "DNS resolution probe"},
	FactHomepages: {ZH: "网站首页探测", EN: "homepage probe"},
	FactBlacklist: {ZH: "管局黑名单", EN: "bureau blacklists"},
	FactResources: {ZH: "备案资源信息", EN: "filing resource data"},
	FactRegistry:  {ZH: "工信部批复域名后缀与注册商表", EN: "MIIT-approved suffix and registrar table"},
	FactNetworks:  {ZH: "接入商IP地址段", EN: "provider address ranges"},
}

// Text returns the fact source's name in both languages.
func (k FactKind) Text() beian.Text {
	if t, ok := factText[k]; ok {
		return t
	}
	return beian.Text{ZH: string(k), EN: string(k)}
}

// Facts bundles the fact sources of one check. A nil source is a missing
// fact: the rules that need it report reviewer-attention findings (in
// ModeSubmit for remote sources, always for local ones) — except Registry,
// which falls back to the embedded table ([DefaultRegistry]).
type Facts struct {
	Records   RecordFacts    // remote: the store
	Contacts  ContactFacts   // remote: the blind index and the number-segment table
	Domains   DomainFacts    // remote: RDAP/WHOIS, registrars
	DNS       DNSFacts       // remote: the DNS probe
	Homepages HomepageFacts  // remote: the homepage probe
	Blacklist BlacklistFacts // remote: bureau blacklist feeds
	Resources ResourceFacts  // remote: resource feed and authorization codes
	Registry  RegistryFacts  // local: nil means DefaultRegistry
	Networks  NetworkFacts   // local: the provider's address ranges
}

// RecordFacts answers from our own store: records filed through this
// provider and orders in progress here. The store-backed implementation
// (package sqlstore, wired by workflow) runs each method in one read
// transaction and finds certificates through the blind index. All methods
// return (zero, nil) when there is nothing to find, and an error only when
// the look-up itself failed.
type RecordFacts interface {
	// RecordByCertificate returns the filed subject with the certificate
	// number, with all its services (cancelled ones included, status set),
	// or nil.
	RecordByCertificate(ctx context.Context, certificate string) (*beian.Record, error)
	// RecordByID returns the filed subject with our ID, with its services,
	// or nil. Change, cancellation and access orders name it in
	// Order.RecordSubjectID.
	RecordByID(ctx context.Context, subjectID string) (*beian.Record, error)
	// AccountBinding returns the one-account-one-subject binding (spec
	// §6.1.1) as seen from accountID and the subject certificate.
	AccountBinding(ctx context.Context, accountID, certificate string) (AccountBinding, error)
	// OrdersInProgress returns the orders of the subject with the
	// certificate that are in progress (OrderState.InProgress), leaving out
	// the order with excludeOrderID.
	OrdersInProgress(ctx context.Context, certificate, excludeOrderID string) ([]OrderRef, error)
	// ServicesByDomain returns the filed services (any subject, any status)
	// that list the domain, normalised by beian.NormalizeDomain. The
	// services' SubjectID says whose they are.
	ServicesByDomain(ctx context.Context, domain string) ([]beian.RecordService, error)
}

// AccountBinding is the state of the one-account-one-subject rule.
type AccountBinding struct {
	// CertificateAccountID is the account the subject certificate is bound
	// to, or "" when it is bound to none.
	CertificateAccountID string
	// CertificateAccountName is that account's login name, shown to the
	// customer so they know where to continue (not personal data: it is
	// the provider account, not a person).
	CertificateAccountName string
	// AccountHasOtherSubject is true when accountID is already bound to a
	// different subject certificate.
	AccountHasOtherSubject bool
}

// OrderRef is an in-progress order, as other orders see it.
type OrderRef struct {
	ID    string           // our order ID
	Type  beian.OrderType  // its filing type
	State beian.OrderState // its current state
}

// ContactKind is the kind of contact looked up in the blind index.
type ContactKind string

// The kinds of contact.
const (
	ContactMobile      ContactKind = "mobile"      // a responsible person's mobile (and emergency phones)
	ContactEmail       ContactKind = "email"       // a responsible person's e-mail
	ContactCertificate ContactKind = "certificate" // a subject principal's certificate number
)

// ContactQuery asks who else uses a contact.
type ContactQuery struct {
	Kind  ContactKind // what Value is
	Value string      // the mobile digits, e-mail or certificate number
	// SubjectCertificate is the certificate of the subject of the order;
	// its own uses do not count.
	SubjectCertificate string
	// PersonCertificate is the certificate of the person who gives the
	// contact; other subjects' uses by the same person do not count, since
	// one person keeps one set of contacts everywhere (spec §6.4.4). Empty
	// for ContactCertificate.
	PersonCertificate string
	// OrderID is the order being checked, which the store also counts
	// among the orders in progress; its own contacts do not count.
	OrderID string
}

// ContactFacts looks contacts up in the HMAC blind index of filed and
// in-progress subjects (spec §6.4). The store-backed implementation computes
// the blind indexes of the query's values itself; no value leaves it.
type ContactFacts interface {
	// OtherSubjectsUsing returns how many subjects other than
	// q.SubjectCertificate list q.Value as a contact of a responsible
	// person whose certificate is not q.PersonCertificate (for
	// ContactCertificate: as their principal's certificate).
	OtherSubjectsUsing(ctx context.Context, q ContactQuery) (int, error)
	// MobileProvince returns the two-digit code of the province a mobile
	// number's segment (号段) is registered in, or "" when unknown.
	MobileProvince(ctx context.Context, mobile string) (string, error)
}

// Registration is what a registry's RDAP/WHOIS (or the registrar's
// real-name interface) says about a domain.
type Registration struct {
	// Registrar is the sponsoring registrar's name as the registry
	// publishes it; RegistryFacts decides whether it is approved.
	Registrar string
	// RealNameVerified is the registrar's real-name (实名认证) status.
	RealNameVerified bool
	// Holder is the real-name holder (域名持有者); HolderCertificate its
	// certificate number when the registrar discloses it to the provider.
	Holder                string
	HolderCertificateType beian.CertificateType // "" when not disclosed
	HolderCertificate     string                // "" when not disclosed
	Registered            beian.Date            // registration (creation) date
	Expires               beian.Date            // expiry date
}

// DomainFacts gives domain registration data. The RDAP adapter (package
// probe) implements it; [MemoryFacts] is what it and a registrar import
// fill.
type DomainFacts interface {
	// Registration returns the domain's registration, or nil when the
	// registry knows nothing of it. The domain is normalised (lower case,
	// Unicode labels) and registrable (no sub-domain).
	Registration(ctx context.Context, domain string) (*Registration, error)
}

// Resolution is what a DNS probe saw for a name.
type Resolution struct {
	// Resolves is true when the name has A or AAAA records.
	Resolves bool
	Addrs    []netip.Addr // the A and AAAA addresses seen
}

// DNSFacts resolves domains (package probe implements it with real
// resolvers).
type DNSFacts interface {
	// Resolve returns what the domain and its www host resolve to, or nil
	// when the probe has no answer yet.
	Resolve(ctx context.Context, domain string) (*Resolution, error)
}

// Homepage is what a homepage probe saw on a filed site.
type Homepage struct {
	// Reachable is true when the homepage answered with a page.
	Reachable bool
	// Title is the page's <title>.
	Title string
	// NumberShown is the ICP number printed at the bottom of the page, ""
	// when none; LinksToMIIT says whether it links to beian.miit.gov.cn.
	NumberShown string
	LinksToMIIT bool // the number links to https://beian.miit.gov.cn
}

// HomepageFacts fetches filed sites' homepages (package probe).
type HomepageFacts interface {
	// Homepage returns the probe of the domain's homepage, or nil when none
	// has been made.
	Homepage(ctx context.Context, domain string) (*Homepage, error)
}

// BlacklistKind is the kind of a blacklisted value.
type BlacklistKind string

// The blacklists the bureau feeds (HMDLB, FFJRHMD).
const (
	BlacklistSubject BlacklistKind = "subject" // subject certificate number
	BlacklistPerson  BlacklistKind = "person"  // responsible person's certificate number
	BlacklistDomain  BlacklistKind = "domain"
	BlacklistIP      BlacklistKind = "ip"
)

// BlacklistFacts answers from the bureau's blacklists, which the download
// feed loads (spec §9.4: blacklisted data cannot be refiled).
type BlacklistFacts interface {
	// Listed reports whether the value is on the list of its kind; IPs are
	// given in netip's canonical form.
	Listed(ctx context.Context, kind BlacklistKind, value string) (bool, error)
}

// ResourceKind is the kind of filing resource (可备案资源, spec §10.1).
type ResourceKind string

// The resource kinds.
const (
	ResourceECS              ResourceKind = "ecs"               // incl. Flexus X
	ResourceFlexusL          ResourceKind = "flexus_l"          // Flexus application server
	ResourceEnterprisePortal ResourceKind = "enterprise_portal" // 企业门户
	ResourceDedicatedCloud   ResourceKind = "dedicated_cloud"   // 专属云
	ResourceNATGateway       ResourceKind = "nat_gateway"
	ResourceAuthCode         ResourceKind = "auth_code" // 备案授权码
	ResourceStandaloneEIP    ResourceKind = "eip"       // never eligible
	ResourceOffline          ResourceKind = "offline"   // offline purchase, account made 专享客户
)

// Resource is the filing resource an order was verified with (产品验证).
type Resource struct {
	// Kind is what the resource is.
	Kind ResourceKind
	// Mainland is true for a mainland-China region.
	Mainland bool
	// Prepaid is true for 包年/包月; TermMonths is the prepaid term,
	// renewals included.
	Prepaid    bool
	TermMonths int // months prepaid, renewals included
	// PublicIP is false for intranet-only resources.
	PublicIP bool
	// FilingsUsed counts the services already filed with the resource;
	// cancellations do not give quota back.
	FilingsUsed int
	// DomainsUsed counts domains on an enterprise portal.
	DomainsUsed int
	// AuthCode describes an authorization code; nil for other kinds.
	AuthCode *AuthCodeState
}

// AuthCodeState is the state of an authorization code (spec §10.2).
type AuthCodeState struct {
	// Used is true once a filing succeeded with the code.
	Used bool
	// ResourceExpired is true when the resource behind the code expired.
	ResourceExpired bool
	// GrantedTo is the account the code was granted to; "" means the
	// issuing account keeps it.
	GrantedTo string
	// IssuedBy is the account that generated the code.
	IssuedBy string
}

// ResourceFacts finds the resource an order uses (the cloud resource feed
// and the authorization-code table).
type ResourceFacts interface {
	// OrderResource returns the resource or authorization code the order
	// was verified with, or nil when none is chosen yet.
	OrderResource(ctx context.Context, order *beian.Order) (*Resource, error)
}

// NetworkFacts classifies server addresses against the provider's address
// ranges (admin settings). Implementations keep the ranges in memory.
type NetworkFacts interface {
	// Classify reports whether addr is in one of the provider's ranges and,
	// if so, whether that range is in a mainland region.
	Classify(addr netip.Addr) (ours, mainland bool)
}
