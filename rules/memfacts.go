package rules

import (
	"context"
	"strings"
	"sync"

	"github.com/openbeian/beian"
)

// MemoryFacts holds facts in memory and implements every remote fact
// interface from them. It is the data structure feeds and probes fill —
// the bureau's blacklists (HMDLB, FFJRHMD), a registrar's real-name export,
// probe results — and what tests and the demo use for the store; the
// production RecordFacts and ContactFacts are the store-backed ones. It is
// safe for concurrent use: writers may fill it while checks read it.
type MemoryFacts struct {
	mu sync.RWMutex

	records      map[string]*beian.Record // by subject ID
	byCert       map[string]string        // certificate → subject ID
	byDomain     map[string][]svcRef      // normalised domain → services
	accounts     map[string]string        // certificate → account ID
	accountNames map[string]string        // account ID → login name
	orders       map[string][]OrderRef    // certificate → in-progress orders
	contacts     map[contactKey][]contactUse
	mobileProv   map[string]string
	regs         map[string]Registration
	dns          map[string]Resolution
	homepages    map[string]Homepage
	blacklist    map[BlacklistKind]map[string]bool
	resources    map[string]Resource // by order ID
}

type svcRef struct {
	subjectID string
	index     int
}

type contactKey struct {
	kind  ContactKind
	value string
}

type contactUse struct {
	subjectCertificate string
	personCertificate  string
}

// NewMemoryFacts returns an empty store of facts.
func NewMemoryFacts() *MemoryFacts {
	return &MemoryFacts{
		records:      map[string]*beian.Record{},
		byCert:       map[string]string{},
		byDomain:     map[string][]svcRef{},
		accounts:     map[string]string{},
		accountNames: map[string]string{},
		orders:       map[string][]OrderRef{},
		contacts:     map[contactKey][]contactUse{},
		mobileProv:   map[string]string{},
		regs:         map[string]Registration{},
		dns:          map[string]Resolution{},
		homepages:    map[string]Homepage{},
		blacklist:    map[BlacklistKind]map[string]bool{},
		resources:    map[string]Resource{},
	}
}

// Facts returns a Facts whose remote sources are all m. Registry and
// Networks are left to the caller.
func (m *MemoryFacts) Facts() Facts {
	return Facts{Records: m, Contacts: m, Domains: m, DNS: m, Homepages: m, Blacklist: m, Resources: m}
}

func key(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// AddRecord stores a filed subject with its services and indexes their
// domains; the responsible persons' contacts are indexed as uses of the
// subject.
func (m *MemoryFacts) AddRecord(r beian.Record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := r
	id := rec.Subject.ID
	m.records[id] = &rec
	m.byCert[key(rec.Subject.Subject.CertificateNumber)] = id
	if rec.Subject.AccountID != "" {
		m.accounts[key(rec.Subject.Subject.CertificateNumber)] = rec.Subject.AccountID
	}
	cert := rec.Subject.Subject.CertificateNumber
	m.addUsesLocked(cert, &rec.Subject.Subject.Principal)
	m.contacts[contactKey{ContactCertificate, key(rec.Subject.Subject.Principal.CertificateNumber)}] = append(
		m.contacts[contactKey{ContactCertificate, key(rec.Subject.Subject.Principal.CertificateNumber)}], contactUse{subjectCertificate: key(cert)})
	for i := range rec.Services {
		s := &rec.Services[i]
		for _, d := range s.Domains() {
			n, _ := normalizeDomain(d)
			m.byDomain[n] = append(m.byDomain[n], svcRef{subjectID: id, index: i})
		}
		if s.Website != nil {
			m.addUsesLocked(cert, &s.Website.Principal)
		}
		if s.App != nil {
			m.addUsesLocked(cert, &s.App.Principal)
		}
	}
}

func (m *MemoryFacts) addUsesLocked(subjectCert string, p *beian.Person) {
	u := contactUse{subjectCertificate: key(subjectCert), personCertificate: key(p.CertificateNumber)}
	if p.Mobile != "" {
		k := contactKey{ContactMobile, digits(p.Mobile)}
		m.contacts[k] = append(m.contacts[k], u)
	}
	if p.Email != "" {
		k := contactKey{ContactEmail, strings.ToLower(strings.TrimSpace(p.Email))}
		m.contacts[k] = append(m.contacts[k], u)
	}
}

// BindAccount binds a subject certificate to an account (one account, one
// subject).
func (m *MemoryFacts) BindAccount(accountID, accountName, certificate string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.accounts[key(certificate)] = accountID
	m.accountNames[accountID] = accountName
}

// AddOrder records an in-progress order of the subject with the
// certificate.
func (m *MemoryFacts) AddOrder(certificate string, o OrderRef) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.orders[key(certificate)] = append(m.orders[key(certificate)], o)
}

// AddContactUse records that a person of a subject uses a contact.
func (m *MemoryFacts) AddContactUse(kind ContactKind, value, subjectCertificate, personCertificate string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := contactKey{kind, normContact(kind, value)}
	m.contacts[k] = append(m.contacts[k], contactUse{subjectCertificate: key(subjectCertificate), personCertificate: key(personCertificate)})
}

func normContact(kind ContactKind, v string) string {
	switch kind {
	case ContactMobile:
		return digits(v)
	case ContactEmail:
		return strings.ToLower(strings.TrimSpace(v))
	}
	return key(v)
}

// SetMobileProvince records the province of a mobile number's segment.
func (m *MemoryFacts) SetMobileProvince(mobile, province string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mobileProv[digits(mobile)] = province
}

// SetRegistration records a domain's registration.
func (m *MemoryFacts) SetRegistration(domain string, r Registration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, _ := normalizeDomain(domain)
	m.regs[n] = r
}

// SetResolution records what a domain resolves to.
func (m *MemoryFacts) SetResolution(domain string, r Resolution) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, _ := normalizeDomain(domain)
	m.dns[n] = r
}

// SetHomepage records a homepage probe.
func (m *MemoryFacts) SetHomepage(domain string, h Homepage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, _ := normalizeDomain(domain)
	m.homepages[n] = h
}

// AddBlacklisted puts a value on a blacklist.
func (m *MemoryFacts) AddBlacklisted(kind BlacklistKind, value string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.blacklist[kind] == nil {
		m.blacklist[kind] = map[string]bool{}
	}
	m.blacklist[kind][blacklistKey(kind, value)] = true
}

func blacklistKey(kind BlacklistKind, v string) string {
	if kind == BlacklistDomain {
		n, _ := normalizeDomain(v)
		return n
	}
	return key(v)
}

// SetResource records the resource an order was verified with.
func (m *MemoryFacts) SetResource(orderID string, r Resource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources[orderID] = r
}

// RecordByCertificate implements RecordFacts.
func (m *MemoryFacts) RecordByCertificate(_ context.Context, certificate string) (*beian.Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.records[m.byCert[key(certificate)]], nil
}

// RecordByID implements RecordFacts.
func (m *MemoryFacts) RecordByID(_ context.Context, id string) (*beian.Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.records[id], nil
}

// AccountBinding implements RecordFacts.
func (m *MemoryFacts) AccountBinding(_ context.Context, accountID, certificate string) (AccountBinding, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var b AccountBinding
	if a := m.accounts[key(certificate)]; a != "" {
		b.CertificateAccountID, b.CertificateAccountName = a, m.accountNames[a]
	}
	for cert, a := range m.accounts {
		if a == accountID && cert != key(certificate) {
			b.AccountHasOtherSubject = true
		}
	}
	return b, nil
}

// OrdersInProgress implements RecordFacts.
func (m *MemoryFacts) OrdersInProgress(_ context.Context, certificate, exclude string) ([]OrderRef, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []OrderRef
	for _, o := range m.orders[key(certificate)] {
		if o.ID != exclude && o.State.InProgress() {
			out = append(out, o)
		}
	}
	return out, nil
}

// ServicesByDomain implements RecordFacts.
func (m *MemoryFacts) ServicesByDomain(_ context.Context, domain string) ([]beian.RecordService, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, _ := normalizeDomain(domain)
	refs := m.byDomain[n]
	if len(refs) == 0 {
		return nil, nil
	}
	out := make([]beian.RecordService, 0, len(refs))
	for _, r := range refs {
		out = append(out, m.records[r.subjectID].Services[r.index])
	}
	return out, nil
}

// OtherSubjectsUsing implements ContactFacts.
func (m *MemoryFacts) OtherSubjectsUsing(_ context.Context, q ContactQuery) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	uses := m.contacts[contactKey{q.Kind, normContact(q.Kind, q.Value)}]
	if len(uses) == 0 {
		return 0, nil
	}
	subject, person := key(q.SubjectCertificate), key(q.PersonCertificate)
	seen := map[string]bool{}
	for _, u := range uses {
		if u.subjectCertificate == subject || q.Kind != ContactCertificate && person != "" && u.personCertificate == person {
			continue
		}
		seen[u.subjectCertificate] = true
	}
	return len(seen), nil
}

// MobileProvince implements ContactFacts.
func (m *MemoryFacts) MobileProvince(_ context.Context, mobile string) (string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.mobileProv[digits(mobile)], nil
}

// Registration implements DomainFacts.
func (m *MemoryFacts) Registration(_ context.Context, domain string) (*Registration, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, _ := normalizeDomain(domain)
	r, ok := m.regs[n]
	if !ok {
		return nil, nil
	}
	return &r, nil
}

// Resolve implements DNSFacts.
func (m *MemoryFacts) Resolve(_ context.Context, domain string) (*Resolution, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, _ := normalizeDomain(domain)
	r, ok := m.dns[n]
	if !ok {
		return nil, nil
	}
	return &r, nil
}

// Homepage implements HomepageFacts.
func (m *MemoryFacts) Homepage(_ context.Context, domain string) (*Homepage, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, _ := normalizeDomain(domain)
	h, ok := m.homepages[n]
	if !ok {
		return nil, nil
	}
	return &h, nil
}

// Listed implements BlacklistFacts.
func (m *MemoryFacts) Listed(_ context.Context, kind BlacklistKind, value string) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.blacklist[kind][blacklistKey(kind, value)], nil
}

// OrderResource implements ResourceFacts.
func (m *MemoryFacts) OrderResource(_ context.Context, o *beian.Order) (*Resource, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.resources[o.ID]
	if !ok {
		return nil, nil
	}
	return &r, nil
}
