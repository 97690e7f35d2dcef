package rules

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
)

// Input is what one pre-check looks at.
type Input struct {
	// Order is the order to check: its type, province, account and
	// snapshot. The engine never modifies it.
	Order *beian.Order
	// CheckDate is the date the check is made for (today in China, from the
	// caller's clock); validity periods and effective dates count from it.
	CheckDate beian.Date
	// Mode is ModeDraft on a save, ModeSubmit before submission.
	Mode Mode
	// Facts are the fact sources; see Facts for what a nil one means.
	Facts Facts
	// Overrides are the administrator's pack values; nil for none.
	Overrides *Overrides
}

// Engine runs the catalogue. It is immutable after construction and safe
// for concurrent use; build one per process (or use Check, which uses the
// default engine).
type Engine struct {
	rules  []*Rule
	byID   map[string]*Rule
	byType map[beian.OrderType][]*Rule
	// inputRule reports malformed input (no order, no date, unknown type).
	inputRule, typeRule *Rule
}

var typeBit = func() map[beian.OrderType]uint32 {
	m := map[beian.OrderType]uint32{}
	for i, t := range beian.OrderTypes {
		m[t] = 1 << uint(i)
	}
	return m
}()

var natureBit = func() map[beian.Nature]uint32 {
	m := map[beian.Nature]uint32{}
	for i, n := range beian.Natures {
		m[n] = 1 << uint(i)
	}
	return m
}()

const (
	kindWebsiteBit uint8 = 1 << iota
	kindAppBit
)

// NewEngine builds an engine over the whole catalogue, indexing the rules
// by filing type and precomputing their scopes, so a check only walks the
// rules that can apply. It panics if the catalogue is inconsistent (a
// duplicate ID, a rule without texts or check), which a test rules out.
func NewEngine() *Engine {
	e := &Engine{byID: map[string]*Rule{}, byType: map[beian.OrderType][]*Rule{}}
	for _, r := range catalogue() {
		if _, dup := e.byID[r.ID]; dup {
			panic("rules: duplicate rule ID " + r.ID)
		}
		if r.check == nil || r.Reason.ZH == "" || r.Reason.EN == "" || r.Remedy.ZH == "" || r.Remedy.EN == "" || r.Title.ZH == "" || r.Title.EN == "" || len(r.Sources) == 0 || r.Severity == 0 {
			panic("rules: incomplete rule " + r.ID)
		}
		for _, t := range r.Applies.Types {
			r.typeMask |= typeBit[t]
		}
		for _, n := range r.Applies.Natures {
			r.natureSet |= natureBit[n]
		}
		for _, k := range r.Applies.Kinds {
			switch k {
			case beian.KindWebsite:
				r.kindMask |= kindWebsiteBit
			case beian.KindApp:
				r.kindMask |= kindAppBit
			}
		}
		if len(r.Applies.Provinces) > 0 {
			r.provSet = map[string]bool{}
			for _, p := range r.Applies.Provinces {
				r.provSet[p] = true
			}
		}
		for _, f := range r.Facts {
			if f.Remote() {
				r.remote = true
			}
		}
		e.rules = append(e.rules, r)
		e.byID[r.ID] = r
		for _, t := range beian.OrderTypes {
			if r.typeMask == 0 || r.typeMask&typeBit[t] != 0 {
				e.byType[t] = append(e.byType[t], r)
			}
		}
	}
	e.inputRule, e.typeRule = e.byID[ruleInputIncomplete], e.byID[ruleTypeUnknown]
	if e.inputRule == nil || e.typeRule == nil {
		panic("rules: catalogue lacks the input rules")
	}
	return e
}

var defaultEngine = sync.OnceValue(NewEngine)

// Default returns the process's engine over the catalogue.
func Default() *Engine { return defaultEngine() }

// Check runs the pre-check with the default engine; see Engine.Check.
func Check(ctx context.Context, in Input) Result { return Default().Check(ctx, in) }

// Rules returns the catalogue in its documented order. The rules must not
// be modified.
func (e *Engine) Rules() []*Rule { return slices.Clone(e.rules) }

// Rule returns the rule with the ID.
func (e *Engine) Rule(id string) (*Rule, bool) {
	r, ok := e.byID[id]
	return r, ok
}

// Check runs every rule that applies to the order and returns the findings
// sorted by severity, then field. It never fails: malformed input becomes
// blocking findings, failed fact look-ups become reviewer-attention
// findings (and FactErrors for the log). ctx bounds the fact look-ups.
func (e *Engine) Check(ctx context.Context, in Input) Result {
	res := Result{Mode: in.Mode, CheckDate: in.CheckDate}
	c := &checker{ctx: ctx, in: &in, submit: in.Mode == ModeSubmit, date: in.CheckDate}
	if in.Order == nil || in.CheckDate.IsZero() {
		c.rule = e.inputRule
		field := "order"
		if in.Order != nil {
			field = "check_date"
		}
		c.fail(field, e.inputRule.Reason, e.inputRule.Remedy)
		res.Findings = c.out
		return res
	}
	o := in.Order
	if !o.Type.Valid() {
		c.rule = e.typeRule
		c.fail("type", beian.Text{
			ZH: "备案类型「" + o.Type.Text().ZH + "」不存在。",
			EN: "Unknown filing type " + strconv.Quote(string(o.Type)) + ".",
		}, e.typeRule.Remedy)
		res.Findings = c.out
		return res
	}
	c.prepare(o)
	res.Province = c.pack.Province.Code
	for _, r := range e.byType[o.Type] {
		if !c.applies(r) {
			continue
		}
		c.rule = r
		c.deferred = false
		r.check(c)
		if c.deferred {
			res.Deferred = append(res.Deferred, r.ID)
		}
	}
	sortFindings(c.out)
	res.Findings = c.out
	res.FactErrors = c.factErrs
	return res
}

// applies reports whether r's scope admits the order.
func (c *checker) applies(r *Rule) bool {
	if r.natureSet != 0 && r.natureSet&natureBit[c.subj.Nature] == 0 {
		return false
	}
	if r.provSet != nil && !r.provSet[c.pack.Province.Code] {
		return false
	}
	if !r.Applies.From.IsZero() && c.date.Before(r.Applies.From) {
		return false
	}
	if !r.Applies.Until.IsZero() && !c.date.Before(r.Applies.Until) {
		return false
	}
	if r.kindMask != 0 {
		has := r.kindMask&kindWebsiteBit != 0 && len(c.snap.Websites) > 0 ||
			r.kindMask&kindAppBit != 0 && len(c.snap.Apps) > 0
		if !has {
			return false
		}
	}
	return true
}

// checker is the state of one check: the input, the resolved pack, the
// derived views every rule shares (domains, persons, word hits) and the
// fact caches, so that each look-up happens once per check.
type checker struct {
	ctx    context.Context
	in     *Input
	order  *beian.Order
	snap   *beian.Snapshot
	subj   *beian.Subject
	pack   *Pack
	prov   beian.Province
	date   beian.Date
	submit bool

	rule     *Rule
	deferred bool
	out      []Finding
	factErrs []FactError

	domains   []domainRef
	persons   []personRef
	siteHits  []hits
	subjectID idInfo

	registry RegistryFacts

	recordMemo   memo[*beian.Record]
	bindingMemo  memo[AccountBinding]
	ordersMemo   memo[[]OrderRef]
	resourceMemo memo[*Resource]
	regMemo      map[string]memo[*Registration]
	dnsMemo      map[string]memo[*Resolution]
	svcMemo      map[string]memo[[]beian.RecordService]
}

type memo[T any] struct {
	done bool
	v    T
	err  error
}

// domainRef is one domain of the order with where it sits and what the
// suffix table says of it.
type domainRef struct {
	field       string
	raw         string
	name        string // normalised, Unicode
	syntax      beian.Text
	suffix      string
	approved    bool
	registrable string
	site        int // website index, or -1
	app         int // app index, or -1
	release     int // release index within the app, or -1
}

// sub reports whether the domain is below its registrable domain.
func (d *domainRef) sub() bool { return d.registrable != "" && d.name != d.registrable }

// personRole is what a responsible person is responsible for.
type personRole int

const (
	roleSubject personRole = iota // 主体负责人
	roleService                   // 网站/APP负责人
)

// personRef is one responsible person of the order.
type personRef struct {
	field string
	p     *beian.Person
	role  personRole
	site  int // website index, or -1
	app   int // app index, or -1
	owner string
	id    idInfo
}

// idInfo is a parsed resident ID (or HK/Macau/Taiwan residence permit
// number, which has the same shape).
type idInfo struct {
	parsed bool // the certificate type has the resident ID shape
	id     cnid.ResidentID
	err    error
}

func parseID(t beian.CertificateType, number string) idInfo {
	if t != beian.CertResidentID && t != beian.CertHKMacauTaiwanResidence {
		return idInfo{}
	}
	id, err := cnid.ParseResidentID(number)
	return idInfo{parsed: true, id: id, err: err}
}

// prepare resolves the pack and builds the shared views.
func (c *checker) prepare(o *beian.Order) {
	c.order, c.snap = o, &o.Snapshot
	c.subj = &c.snap.Subject
	if p, ok := c.in.Overrides.Pack(o.Province); ok {
		c.pack, c.prov = p, p.Province
	} else {
		c.pack = NationalPack()
	}
	c.registry = c.in.Facts.Registry
	if c.registry == nil {
		c.registry = DefaultRegistry()
	}
	s := c.snap
	c.subjectID = parseID(c.subj.CertificateType, c.subj.CertificateNumber)
	c.persons = make([]personRef, 0, 1+len(s.Websites)+len(s.Apps))
	c.persons = append(c.persons, personRef{field: "subject.principal", p: &c.subj.Principal, role: roleSubject, site: -1, app: -1, owner: "subject"})
	if !servicesTypes[o.Type] {
		// A subject change, a cancellation, a transfer or a claim submits
		// no service data: the services' persons and domains are not
		// checked, even if the snapshot carries them.
		c.persons[0].id = c.subjectPrincipalID()
		return
	}
	n := 0
	for i := range s.Websites {
		w := &s.Websites[i]
		c.persons = append(c.persons, personRef{field: index("websites", i) + ".principal", p: &w.Principal, role: roleService, site: i, app: -1, owner: w.ID})
		n += len(w.Domains)
	}
	for i := range s.Apps {
		a := &s.Apps[i]
		c.persons = append(c.persons, personRef{field: index("apps", i) + ".principal", p: &a.Principal, role: roleService, site: -1, app: i, owner: a.ID})
		n += len(a.Domains)
		for _, r := range a.Releases {
			n += len(r.Domains)
		}
	}
	for i := range c.persons {
		pr := &c.persons[i]
		pr.id = parseID(pr.p.CertificateType, pr.p.CertificateNumber)
	}
	c.domains = make([]domainRef, 0, n)
	for i := range s.Websites {
		prefix := index("websites", i) + ".domains"
		for j, d := range s.Websites[i].Domains {
			c.addDomain(index(prefix, j), d, i, -1, -1)
		}
	}
	for i := range s.Apps {
		a := &s.Apps[i]
		prefix := index("apps", i)
		for j, d := range a.Domains {
			c.addDomain(index(prefix+".domains", j), d, -1, i, -1)
		}
		for k := range a.Releases {
			rp := prefix + index(".releases", k) + ".domains"
			for j, d := range a.Releases[k].Domains {
				c.addDomain(index(rp, j), d, -1, i, k)
			}
		}
	}
	if len(s.Websites) > 0 {
		c.siteHits = make([]hits, len(s.Websites))
		for i := range s.Websites {
			c.pack.words.scan(s.Websites[i].Name, &c.siteHits[i])
		}
	}
}

// subjectPrincipalID parses the subject principal's certificate number.
func (c *checker) subjectPrincipalID() idInfo {
	p := &c.subj.Principal
	return parseID(p.CertificateType, p.CertificateNumber)
}

var servicesTypes = func() map[beian.OrderType]bool {
	m := map[beian.OrderType]bool{}
	for _, t := range typesServices {
		m[t] = true
	}
	return m
}()

func (c *checker) addDomain(field, raw string, site, app, release int) {
	d := domainRef{field: field, raw: raw, site: site, app: app, release: release}
	name, ok := normalizeDomain(raw)
	d.name = name
	if !ok {
		d.syntax = beian.Text{ZH: "域名中的 Punycode 标签无法解码", EN: "a Punycode label does not decode"}
	} else {
		d.syntax = domainSyntaxProblem(name)
	}
	if d.syntax.ZH == "" {
		d.suffix, d.approved = c.registry.Suffix(name)
		if len(name) > len(d.suffix)+1 {
			rest := name[:len(name)-len(d.suffix)-1]
			if i := lastDot(rest); i >= 0 {
				rest = rest[i+1:]
			}
			d.registrable = rest + "." + d.suffix
		}
	}
	c.domains = append(c.domains, d)
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

func index(prefix string, i int) string { return prefix + "[" + strconv.Itoa(i) + "]" }

// path is a field path such as websites[2].pre_approvals[0].number, kept
// in parts so that the string is built only when a finding needs it.
type path struct {
	list string // websites, apps
	i    int
	sub  string // .ips, .pre_approvals, .releases; "" for none
	j    int
	leaf string // .number; "" for none
}

// String formats the path.
func (p path) String() string {
	s := index(p.list, p.i)
	if p.sub != "" {
		s = index(s+p.sub, p.j)
	}
	return s + p.leaf
}

// at returns the path with a leaf field.
func (p path) at(leaf string) string { p.leaf = leaf; return p.String() }

// emit records a finding of the current rule.
func (c *checker) emit(field string, sev Severity, reason, remedy beian.Text) {
	c.out = append(c.out, Finding{Rule: c.rule.ID, Field: field, Severity: sev, Reason: reason, Remedy: remedy})
}

// fail records a finding with the rule's own severity.
func (c *checker) fail(field string, reason, remedy beian.Text) {
	c.emit(field, c.rule.Severity, reason, remedy)
}

// undecided records that the rule could not decide field because fact was
// missing (nil source, failed look-up or no data). A person decides.
func (c *checker) undecided(field string, fact FactKind, err error) {
	why := beian.Text{ZH: "数据源未接入", EN: "the source is not connected"}
	switch {
	case err != nil:
		why = beian.Text{ZH: "查询失败", EN: "the look-up failed"}
		c.factErrs = append(c.factErrs, FactError{Rule: c.rule.ID, Field: field, Fact: fact, Err: err})
	case c.factPresent(fact):
		why = beian.Text{ZH: "暂无该数据", EN: "it has no data for this"}
	}
	ft := fact.Text()
	c.out = append(c.out, Finding{
		Rule: c.rule.ID, Field: field, Severity: ReviewerAttention, Undecided: true,
		Reason: beian.Text{
			ZH: "未能自动检查「" + c.rule.Title.ZH + "」：" + ft.ZH + why.ZH + "。",
			EN: "Could not check automatically (" + c.rule.Title.EN + "): " + ft.EN + ": " + why.EN + ".",
		},
		Remedy: beian.Text{
			ZH: "审核员请人工核对：" + c.rule.Reason.ZH,
			EN: "Reviewer: check by hand — " + c.rule.Reason.EN,
		},
	})
}

func (c *checker) factPresent(k FactKind) bool {
	f := &c.in.Facts
	switch k {
	case FactRecords:
		return f.Records != nil
	case FactContacts:
		return f.Contacts != nil
	case FactDomains:
		return f.Domains != nil
	case FactDNS:
		return f.DNS != nil
	case FactHomepages:
		return f.Homepages != nil
	case FactBlacklist:
		return f.Blacklist != nil
	case FactResources:
		return f.Resources != nil
	case FactRegistry:
		return true
	case FactNetworks:
		return f.Networks != nil
	}
	return false
}

// can reports whether a remote fact may be consulted now. In draft mode it
// marks the rule deferred; with a nil source it reports the field
// undecided.
func (c *checker) can(fact FactKind, field string) bool {
	if fact.Remote() && !c.submit {
		c.deferred = true
		return false
	}
	if !c.factPresent(fact) {
		c.undecided(field, fact, nil)
		return false
	}
	return true
}

// record returns the filed subject the order concerns: the one it names
// (RecordSubjectID; for a migration the source subject), else the one with
// the subject's certificate. ok is
// false when the records could not be consulted (the finding is made);
// a nil record with ok means there is none.
func (c *checker) record(field string) (*beian.Record, bool) {
	if !c.can(FactRecords, field) {
		return nil, false
	}
	m := &c.recordMemo
	if !m.done {
		m.done = true
		// A first filing has no record to name; what matters is whether
		// its certificate is filed already.
		if id := c.order.RecordSubjectID; id != "" && c.order.Type != beian.FirstFiling {
			m.v, m.err = c.in.Facts.Records.RecordByID(c.ctx, id)
		} else if c.subj.CertificateNumber != "" {
			m.v, m.err = c.in.Facts.Records.RecordByCertificate(c.ctx, c.subj.CertificateNumber)
		}
	}
	if m.err != nil {
		c.undecided(field, FactRecords, m.err)
		return nil, false
	}
	return m.v, true
}

// recordService returns the filed service with our ID from the record.
func recordService(rec *beian.Record, id string) *beian.RecordService {
	if rec == nil || id == "" {
		return nil
	}
	for i := range rec.Services {
		if rec.Services[i].ID == id {
			return &rec.Services[i]
		}
	}
	return nil
}

// registration returns the registration of d's registrable domain.
func (c *checker) registration(d *domainRef) (*Registration, bool) {
	if !c.can(FactDomains, d.field) {
		return nil, false
	}
	if c.regMemo == nil {
		c.regMemo = map[string]memo[*Registration]{}
	}
	m, ok := c.regMemo[d.registrable]
	if !ok {
		m.v, m.err = c.in.Facts.Domains.Registration(c.ctx, d.registrable)
		c.regMemo[d.registrable] = m
	}
	if m.err != nil || m.v == nil {
		c.undecided(d.field, FactDomains, m.err)
		return nil, false
	}
	return m.v, true
}

// resolution returns what d resolves to; nil resolution is undecided.
func (c *checker) resolution(d *domainRef) (*Resolution, bool) {
	if !c.can(FactDNS, d.field) {
		return nil, false
	}
	if c.dnsMemo == nil {
		c.dnsMemo = map[string]memo[*Resolution]{}
	}
	m, ok := c.dnsMemo[d.name]
	if !ok {
		m.v, m.err = c.in.Facts.DNS.Resolve(c.ctx, d.name)
		c.dnsMemo[d.name] = m
	}
	if m.err != nil || m.v == nil {
		c.undecided(d.field, FactDNS, m.err)
		return nil, false
	}
	return m.v, true
}

// servicesByDomain returns the filed services listing the domain.
func (c *checker) servicesByDomain(d *domainRef) ([]beian.RecordService, bool) {
	if !c.can(FactRecords, d.field) {
		return nil, false
	}
	if c.svcMemo == nil {
		c.svcMemo = map[string]memo[[]beian.RecordService]{}
	}
	key := d.registrable
	if key == "" {
		key = d.name
	}
	m, ok := c.svcMemo[key]
	if !ok {
		m.v, m.err = c.in.Facts.Records.ServicesByDomain(c.ctx, key)
		c.svcMemo[key] = m
	}
	if m.err != nil {
		c.undecided(d.field, FactRecords, m.err)
		return nil, false
	}
	return m.v, true
}

// resource returns the order's filing resource; nil resource with ok means
// none is chosen.
func (c *checker) resource(field string) (*Resource, bool) {
	if !c.can(FactResources, field) {
		return nil, false
	}
	m := &c.resourceMemo
	if !m.done {
		m.done = true
		m.v, m.err = c.in.Facts.Resources.OrderResource(c.ctx, c.order)
	}
	if m.err != nil {
		c.undecided(field, FactResources, m.err)
		return nil, false
	}
	return m.v, true
}

// hasMaterial reports whether a material with the purpose is attached for
// owner ("" for any owner; materials without an owner count for all).
func (c *checker) hasMaterial(purpose, owner string) bool {
	for i := range c.snap.Materials {
		m := &c.snap.Materials[i]
		if m.Purpose == purpose && (owner == "" || m.Owner == "" || m.Owner == owner) {
			return true
		}
	}
	return false
}

// provinceName returns the filing province's name in both languages; the
// whole country when the order names no known province.
func (c *checker) provinceName() beian.Text {
	if c.prov.Code == "" {
		return beian.Text{ZH: "全国", EN: "nationally"}
	}
	return beian.Text{ZH: c.prov.Name, EN: c.prov.NameEN}
}

// isUnit reports whether the subject is an organisation.
func (c *checker) isUnit() bool { return !c.subj.Nature.IsIndividual() }
