package beian

import (
	"context"
	"net/netip"
	"strconv"
	"time"
)

// ResourceKind is the kind of a provider resource a filing may use (可备案
// 资源, spec §10.1). The values are the ones the rules package names in
// rules.ResourceKind, so the pre-check sees the same kinds.
type ResourceKind string

// The resource kinds the provider's feed knows.
const (
	ResourceECS              ResourceKind = "ecs"               // 云服务器, incl. Flexus X instances
	ResourceFlexusL          ResourceKind = "flexus_l"          // Flexus 应用服务器 (L instance)
	ResourceEnterprisePortal ResourceKind = "enterprise_portal" // 企业门户
	ResourceDedicatedCloud   ResourceKind = "dedicated_cloud"   // 专属云
	ResourceNATGateway       ResourceKind = "nat_gateway"       // 公网NAT网关
	// ResourceEIP is a stand-alone elastic IP. The feed reports it so the
	// customer sees why it is not offered: it never qualifies.
	ResourceEIP ResourceKind = "eip"
)

// ResourceKinds lists the kinds in the order pages show them.
var ResourceKinds = []ResourceKind{ResourceECS, ResourceFlexusL, ResourceEnterprisePortal, ResourceDedicatedCloud, ResourceNATGateway, ResourceEIP}

var resourceKindText = map[ResourceKind]Text{
	ResourceECS:              {"云服务器", "Cloud server (ECS)"},
	ResourceFlexusL:          {"Flexus 应用服务器", "Flexus application server"},
	ResourceEnterprisePortal: {"企业门户", "Enterprise portal"},
	ResourceDedicatedCloud:   {"专属云", "Dedicated cloud"},
	ResourceNATGateway:       {"公网NAT网关", "Public NAT gateway"},
	ResourceEIP:              {"弹性公网IP", "Elastic IP"},
}

// Text returns the kind's name in both languages.
func (k ResourceKind) Text() Text {
	if t, ok := resourceKindText[k]; ok {
		return t
	}
	return Text{string(k), string(k)}
}

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool { _, ok := resourceKindText[k]; return ok }

// Fileable reports whether resources of kind k can ever carry a filing;
// a stand-alone elastic IP cannot (spec §6.1.4).
func (k ResourceKind) Fileable() bool { return k.Valid() && k != ResourceEIP }

// DefaultFilingsMax is how many filings a resource of kind k carries when
// the feed does not say: 5 websites or apps per server, 3 domains per
// enterprise portal, and no stated limit for the others (spec §10.1).
func (k ResourceKind) DefaultFilingsMax() int {
	switch k {
	case ResourceECS, ResourceFlexusL:
		return 5
	case ResourceEnterprisePortal:
		return 3
	}
	return 0
}

// MinTermMonths is the shortest prepaid term that qualifies: a year for
// dedicated cloud, three months for everything else (spec §6.1.4).
func (k ResourceKind) MinTermMonths() int {
	if k == ResourceDedicatedCloud {
		return 12
	}
	return 3
}

// IssuesAuthCodes reports whether authorization codes can be generated
// from resources of kind k: servers only (spec §10.1, §10.2).
func (k ResourceKind) IssuesAuthCodes() bool { return k == ResourceECS || k == ResourceFlexusL }

// MaxAuthCodesPerResource is how many authorization codes one server can
// ever generate (spec §10.2). Every code generated counts, revoked ones
// too, so revoking and regenerating cannot multiply a server's filings.
const MaxAuthCodesPerResource = 5

// Billing is how a resource is paid for.
type Billing string

// The billing modes.
const (
	BillingPrepaid  Billing = "prepaid"   // 包年/包月
	BillingOnDemand Billing = "on_demand" // 按需计费
)

// Text returns the billing mode's name in both languages.
func (b Billing) Text() Text {
	switch b {
	case BillingPrepaid:
		return Text{"包年/包月", "Prepaid (yearly/monthly)"}
	case BillingOnDemand:
		return Text{"按需计费", "Pay-as-you-go"}
	}
	return Text{string(b), string(b)}
}

// Valid reports whether b is a known billing mode.
func (b Billing) Valid() bool { return b == BillingPrepaid || b == BillingOnDemand }

// Resource is a provider resource that may carry filings, as the
// provider's cloud reports it (API or CSV feed) plus the quota Beian
// counts. ExternalID is the cloud's instance ID; feeds update resources by
// it.
type Resource struct {
	ID         string
	ExternalID string
	// AccountID is the customer account that owns the resource.
	AccountID string
	Kind      ResourceKind
	Name      string
	// Region is the cloud region's name (cn-north-4, ap-southeast-1 …);
	// Mainland says whether it is in mainland China.
	Region   string
	Mainland bool
	Billing  Billing
	// TermMonths is the prepaid term bought so far, renewals included
	// (spec §4.7: renewals add up).
	TermMonths int
	// ExpiresAt is the end of the paid term (on-demand resources: zero).
	ExpiresAt time.Time
	// PublicIPs are the resource's public addresses; a filing lists them.
	PublicIPs []netip.Addr
	// FilingsUsed counts the services filed with the resource (domains,
	// for an enterprise portal). Cancellations do not give quota back.
	FilingsUsed int
	// FilingsMax is the resource's quota; 0 means no stated limit.
	FilingsMax int
	// AuthCodes counts the authorization codes ever generated from it.
	AuthCodes int
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increments on every write; stores refuse stale writes.
	Version int
}

// Expired reports whether the paid term ended before now. On-demand
// resources have no term to end.
func (r *Resource) Expired(now time.Time) bool {
	return r.Billing == BillingPrepaid && !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)
}

// QuotaLeft returns how many more filings the resource carries, or -1
// when it has no stated limit.
func (r *Resource) QuotaLeft() int {
	if r.FilingsMax <= 0 {
		return -1
	}
	return max(r.FilingsMax-r.FilingsUsed, 0)
}

// Qualifies returns why the resource cannot carry a filing in its own
// right — not mainland, not prepaid or too short a term, expired, without
// a public address, a stand-alone elastic IP — or nil when it qualifies.
// Authorization codes may be generated only from qualifying servers. Each
// error is EINVALID on the field "resource" and its message says both the
// reason and the fix (spec §6.1.4).
func (r *Resource) Qualifies(now time.Time) []*Error {
	var out []*Error
	add := func(key string, params ...string) { out = append(out, Invalid("resource", key, params...)) }
	if !r.Kind.Fileable() {
		add("resource.kind_not_fileable", "kind", r.Kind.Text().ZH, "kind_en", r.Kind.Text().EN)
		return out
	}
	if !r.Mainland {
		add("resource.not_mainland", "region", r.Region)
	}
	switch {
	case r.Billing != BillingPrepaid:
		add("resource.on_demand")
	case r.TermMonths < r.Kind.MinTermMonths():
		add("resource.term_short", "months", strconv.Itoa(r.TermMonths), "min", strconv.Itoa(r.Kind.MinTermMonths()))
	}
	if r.Expired(now) {
		add("resource.expired", "date", DateOf(r.ExpiresAt).String())
	}
	if len(r.PublicIPs) == 0 {
		add("resource.no_public_ip")
	}
	return out
}

// Eligibility returns why the resource cannot be chosen directly in
// product verification (产品验证), or nil when it can: it must qualify,
// have quota left ("您用于备案的资源已达最大使用次数"), and not have been used
// to generate authorization codes — such a server is then filed with one
// of its codes (spec §10.2).
func (r *Resource) Eligibility(now time.Time) []*Error {
	out := r.Qualifies(now)
	if r.Kind.Fileable() && r.QuotaLeft() == 0 {
		out = append(out, Invalid("resource", "resource.quota_exhausted",
			"used", strconv.Itoa(r.FilingsUsed), "max", strconv.Itoa(r.FilingsMax)))
	}
	if r.AuthCodes > 0 {
		out = append(out, Invalid("resource", "resource.codes_issued"))
	}
	return out
}

// AuthCodeState is where an authorization code (备案授权码) stands in its
// single-use life (spec §10.2).
type AuthCodeState string

// The authorization-code states.
const (
	AuthCodeUnused  AuthCodeState = "unused"  // generated, held by the issuing account
	AuthCodeGranted AuthCodeState = "granted" // granted to another account
	AuthCodeInUse   AuthCodeState = "in_use"  // an order in progress uses it
	AuthCodeUsed    AuthCodeState = "used"    // the order using it was filed
	AuthCodeInvalid AuthCodeState = "invalid" // revoked, or its resource expired
)

var authCodeStateText = map[AuthCodeState]Text{
	AuthCodeUnused:  {"未使用", "Unused"},
	AuthCodeGranted: {"已授权", "Granted"},
	AuthCodeInUse:   {"使用中", "In use"},
	AuthCodeUsed:    {"已使用", "Used"},
	AuthCodeInvalid: {"已失效", "Invalid"},
}

// Text returns the state's name in both languages.
func (s AuthCodeState) Text() Text {
	if t, ok := authCodeStateText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// AuthCode is an authorization code (备案授权码): a single-use credential
// generated from a qualifying server and pointing at one of its public
// addresses, so that another account — another subject, since an account
// files one subject — can file with that server (spec §10.2). Code is the
// secret the customer pastes; stores encrypt it and find it by a blind
// index.
type AuthCode struct {
	ID         string
	Code       string
	ResourceID string
	// IP is the server address the code points to (the EIP chosen when it
	// was generated).
	IP netip.Addr
	// IssuerAccountID generated the code; GranteeAccountID is the account
	// it was granted to, "" while the issuer keeps it.
	IssuerAccountID  string
	GranteeAccountID string
	State            AuthCodeState
	// OrderID is the order using the code (in use, used).
	OrderID string
	// InvalidReason is the message key of why the code became invalid.
	InvalidReason string
	CreatedAt     time.Time
	GrantedAt     time.Time
	UsedAt        time.Time
	UpdatedAt     time.Time
	// Version increments on every write; stores refuse stale writes.
	Version int
}

// Holder returns the account that may use the code: the grantee, or the
// issuer while the code is not granted.
func (c *AuthCode) Holder() string {
	if c.GranteeAccountID != "" {
		return c.GranteeAccountID
	}
	return c.IssuerAccountID
}

// restState is where a code returns when the order using it goes away.
func (c *AuthCode) restState() AuthCodeState {
	if c.GranteeAccountID != "" {
		return AuthCodeGranted
	}
	return AuthCodeUnused
}

// Grant gives an unused code to another account. Errors: ECONFLICT
// (authcode.not_grantable) when the code is not unused, EINVALID
// (authcode.grant_self) for the issuer itself.
func (c *AuthCode) Grant(accountID string, now time.Time) error {
	if accountID == c.IssuerAccountID {
		return Invalid("account", "authcode.grant_self")
	}
	if c.State != AuthCodeUnused {
		return c.conflict("authcode.not_grantable")
	}
	c.GranteeAccountID, c.State, c.GrantedAt, c.UpdatedAt = accountID, AuthCodeGranted, now, now
	return nil
}

// Reserve marks the code in use by an order of accountID. Errors: ECONFLICT
// (authcode.invalid) when the code is used, invalid or in use by another
// order; EFORBIDDEN (authcode.not_holder) when accountID does not hold it.
func (c *AuthCode) Reserve(accountID, orderID string, now time.Time) error {
	switch {
	case c.State == AuthCodeInUse && c.OrderID == orderID:
		return nil
	case c.State != AuthCodeUnused && c.State != AuthCodeGranted:
		return c.conflict("authcode.invalid")
	case c.Holder() != accountID:
		return Errorf(EFORBIDDEN, "authcode.not_holder")
	}
	c.State, c.OrderID, c.UpdatedAt = AuthCodeInUse, orderID, now
	return nil
}

// Release returns a code in use to its holder, when the order using it
// was abandoned.
func (c *AuthCode) Release(now time.Time) {
	if c.State == AuthCodeInUse {
		c.State, c.OrderID, c.UpdatedAt = c.restState(), "", now
	}
}

// Consume marks the code used by the order, which was filed; a code is used
// once. Consuming it again for the same order changes nothing. Errors:
// ECONFLICT (authcode.invalid) otherwise.
func (c *AuthCode) Consume(orderID string, now time.Time) error {
	if c.State == AuthCodeUsed && c.OrderID == orderID {
		return nil
	}
	if c.State != AuthCodeInUse || c.OrderID != orderID {
		return c.conflict("authcode.invalid")
	}
	c.State, c.UsedAt, c.UpdatedAt = AuthCodeUsed, now, now
	return nil
}

// Invalidate ends a code that is not used yet, for reason (a message key:
// authcode.revoked, authcode.resource_expired). Errors: ECONFLICT
// (authcode.not_revocable) for a used or in-use code.
func (c *AuthCode) Invalidate(reason string, now time.Time) error {
	if c.State == AuthCodeInvalid {
		return nil
	}
	if c.State != AuthCodeUnused && c.State != AuthCodeGranted {
		return c.conflict("authcode.not_revocable")
	}
	c.State, c.InvalidReason, c.UpdatedAt = AuthCodeInvalid, reason, now
	return nil
}

func (c *AuthCode) conflict(key string) error {
	st := c.State.Text()
	return Errorf(ECONFLICT, key, "state", st.ZH, "state_en", st.EN)
}

// AutoApproval puts an account on an issuer's auto-approval whitelist (自动
// 审批设置, spec §10.2): it may file with any of the issuer's unused codes
// without a grant, which is then recorded as given automatically (the
// subsidiaries case). Notify asks for a message to the issuer on each use
// (使用通知).
type AutoApproval struct {
	IssuerAccountID string
	AccountID       string
	Notify          bool
	CreatedAt       time.Time
}

// OrderBasis is what an order was started from and may not change
// afterwards (spec §6.1.7: the filing-type check's data is immutable — a
// mistake means abandoning the order): the filing-type check's inputs,
// the product verification (a resource or an authorization code) and, for
// a transfer or a migration, the other party.
type OrderBasis struct {
	OrderID   string
	AccountID string
	Province  string
	Nature    Nature
	// SubjectName, CertificateType and CertificateNumber are the subject
	// as verified; the certificate number is personal data.
	SubjectName       string
	CertificateType   CertificateType
	CertificateNumber string
	// ServiceKind and ServiceName are the website's domain or the APP's
	// name the type was detected for; empty for orders on whole subjects.
	ServiceKind ServiceKind
	ServiceName string
	// ResourceID or AuthCodeID is the product verification; both empty for
	// types that need none.
	ResourceID string
	AuthCodeID string
	// TargetAccountID is the account a transfer moves the subject to, or
	// that holds the subject a migration moves services to
	// (TargetSubjectID).
	TargetAccountID string
	TargetSubjectID string
	// ConsumedAt is when the filing consumed the resource's quota or the
	// code (ConsumeResource), so a repeated result consumes nothing more.
	ConsumedAt time.Time
	CreatedAt  time.Time
}

// ResourceFilter selects resources; zero fields do not filter.
type ResourceFilter struct {
	AccountID string
	Kinds     []ResourceKind
}

// AuthCodeFilter selects authorization codes; zero fields do not filter.
type AuthCodeFilter struct {
	IssuerAccountID  string
	GranteeAccountID string
	ResourceID       string
}

// ResourceStore keeps filing resources, authorization codes, the
// auto-approval whitelist and orders' bases.
type ResourceStore interface {
	// PutResource inserts r, or updates the resource with the same
	// ExternalID when there is one (the feed's upsert), and reports
	// whether it inserted. An update keeps ID, CreatedAt, AuthCodes and
	// the larger of the two FilingsUsed: Beian's own count only grows.
	PutResource(ctx context.Context, r *Resource) (created bool, err error)
	// FindResource returns the resource with id or ENOTFOUND.
	FindResource(ctx context.Context, id string) (*Resource, error)
	// FindResources returns the resources matching f, by kind and name.
	FindResources(ctx context.Context, f ResourceFilter) ([]*Resource, error)
	// UpdateResource writes r's quota and code count if its Version
	// matches and increments it; else ECONFLICT (resource.version.stale).
	UpdateResource(ctx context.Context, r *Resource) error

	// CreateAuthCode inserts c with Version 1.
	CreateAuthCode(ctx context.Context, c *AuthCode) error
	// FindAuthCode returns the code with id or ENOTFOUND.
	FindAuthCode(ctx context.Context, id string) (*AuthCode, error)
	// FindAuthCodeByCode finds a code by its secret (blind index), or
	// ENOTFOUND.
	FindAuthCodeByCode(ctx context.Context, code string) (*AuthCode, error)
	// FindAuthCodes returns the codes matching f, oldest first.
	FindAuthCodes(ctx context.Context, f AuthCodeFilter) ([]*AuthCode, error)
	// UpdateAuthCode writes c if its Version matches and increments it;
	// else ECONFLICT (authcode.version.stale).
	UpdateAuthCode(ctx context.Context, c *AuthCode) error

	// PutAutoApproval adds or updates a whitelist entry.
	PutAutoApproval(ctx context.Context, a *AutoApproval) error
	// DeleteAutoApproval removes a whitelist entry; removing an absent one
	// is not an error.
	DeleteAutoApproval(ctx context.Context, issuerAccountID, accountID string) error
	// AutoApprovals returns an issuer's whitelist.
	AutoApprovals(ctx context.Context, issuerAccountID string) ([]AutoApproval, error)

	// CreateOrderBasis inserts an order's basis; ECONFLICT when the order
	// has one (a basis never changes).
	CreateOrderBasis(ctx context.Context, b *OrderBasis) error
	// FindOrderBasis returns the order's basis or ENOTFOUND.
	FindOrderBasis(ctx context.Context, orderID string) (*OrderBasis, error)
	// FindOrderBasesByTarget returns the bases naming accountID as the
	// other party of a transfer or migration, newest first.
	FindOrderBasesByTarget(ctx context.Context, accountID string) ([]*OrderBasis, error)
	// MarkOrderBasisConsumed sets ConsumedAt when it is unset and reports
	// whether it did, so exactly one caller consumes the quota.
	MarkOrderBasisConsumed(ctx context.Context, orderID string, at time.Time) (bool, error)
}

func init() {
	RegisterMessages(map[string]Text{
		"resource.kind_not_fileable": {"{kind}不能用于备案（单独购买的弹性公网IP不可备案）。请选择云服务器、Flexus 应用服务器、企业门户、专属云或公网NAT网关，或使用备案授权码。",
			"A {kind_en} cannot be used for filing (stand-alone elastic IPs never qualify). Choose a server, Flexus application server, enterprise portal, dedicated cloud or NAT gateway, or use an authorization code."},
		"resource.not_mainland": {"该资源位于「{region}」，不在中国大陆地域；境外及港澳台地域无需也不能备案。请选择中国大陆地域的资源。",
			"The resource is in {region}, outside mainland China; overseas and Hong Kong regions need no filing and cannot be filed. Choose a mainland resource."},
		"resource.on_demand": {"按需计费的资源暂不支持备案。请将资源转为包年/包月（至少3个月），或使用其他资源、备案授权码。",
			"Pay-as-you-go resources cannot be used for filing. Convert it to prepaid (at least 3 months), or use another resource or an authorization code."},
		"resource.term_short": {"资源包年/包月时长为 {months} 个月，不足 {min} 个月（续费累计计算）。请续费至 {min} 个月以上，或使用其他资源、备案授权码。",
			"The resource is prepaid for {months} months, less than {min} (renewals add up). Renew it to at least {min} months, or use another resource or an authorization code."},
		"resource.expired": {"资源已于 {date} 到期。请续费后再备案，或使用其他资源。",
			"The resource expired on {date}. Renew it before filing, or use another resource."},
		"resource.no_public_ip": {"该资源没有公网IP（仅有内网IP的资源不能备案）。请为资源绑定公网IP，或选择其他资源。",
			"The resource has no public IP (intranet-only resources cannot be filed). Bind a public IP to it, or choose another resource."},
		"resource.quota_exhausted": {"您用于备案的资源已达最大使用次数（已用 {used}/{max}，注销备案不退还）。请使用其他资源、购买新的资源，或使用备案授权码。",
			"The resource has reached its filing quota ({used}/{max}; cancellations do not give it back). Use another resource, buy one, or use an authorization code."},
		"resource.codes_issued": {"该资源已用于生成备案授权码，不能再直接选择。请在资源类型中选择「备案授权码」并填写该资源的授权码。",
			"Authorization codes were generated from this resource, so it can no longer be chosen directly. Choose 备案授权码 and enter one of its codes."},
		"resource.version.stale": {"资源信息已被他人修改，请刷新后重试。", "The resource was changed by someone else; reload and try again."},

		"authcode.grant_self":       {"不能把授权码授权给自己的账号。", "A code cannot be granted to its own account."},
		"authcode.not_grantable":    {"授权码当前状态为「{state}」，只有未使用的授权码可以授权。", "The code is {state_en}; only unused codes can be granted."},
		"authcode.invalid":          {"备案授权码无效（当前状态「{state}」）：每个授权码只能使用一次，已使用、使用中或已失效的授权码不能再用。请使用其他授权码，或联系授权码所有者。", "The authorization code is not valid (it is {state_en}): each code is used once, and used, in-use or invalid codes cannot be used. Use another code or contact its owner."},
		"authcode.not_holder":       {"该授权码未授权给本账号。请联系授权码所有者在「授权码管理」中授权给本账号，或将本账号加入其自动审批白名单。", "The code was not granted to this account. Ask its owner to grant it to this account under 授权码管理, or to add this account to their auto-approval whitelist."},
		"authcode.not_revocable":    {"授权码当前状态为「{state}」，不能作废。", "The code is {state_en}; it cannot be revoked."},
		"authcode.revoked":          {"授权码已被所有者作废。", "The owner revoked the code."},
		"authcode.resource_expired": {"授权码关联的资源已到期。", "The resource behind the code has expired."},
		"authcode.version.stale":    {"授权码已被他人修改，请刷新后重试。", "The code was changed by someone else; reload and try again."},
	})
}
