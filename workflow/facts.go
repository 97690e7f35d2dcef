package workflow

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/probe"
	"github.com/openbeian/beian/rules"
)

// NewStoreFacts returns the pre-check's facts that our own store holds:
// records and in-progress orders, the contact blind index, the bureau's
// blacklists (as the download feed stores them), the provider's address
// ranges (the admin's table the compliance sweeps use) and each order's
// resource. DNS, homepages and domain registrations reach the network and
// are left to the caller. Wire the result into Config.Facts.
func NewStoreFacts(store beian.Store, clock beian.Clock) rules.Facts {
	sf := &storeFacts{store: store}
	return rules.Facts{Records: sf, Contacts: sf, Blacklist: BlacklistFacts(store),
		Networks: NewNetworkFacts(store, clock), Resources: NewResourceFacts(store, clock)}
}

// checkFacts returns the facts of one pre-check: the configured ones, with
// the store's records and contacts where none are configured, and the
// provider's ranges as they are now.
func (w *Workflow) checkFacts(ctx context.Context) rules.Facts {
	facts := w.facts
	if facts.Records == nil || facts.Contacts == nil {
		sf := &storeFacts{store: w.store}
		if facts.Records == nil {
			facts.Records = sf
		}
		if facts.Contacts == nil {
			facts.Contacts = sf
		}
	}
	if n, ok := facts.Networks.(*storeNetworks); ok {
		var err error
		// One table for the whole check, so an admin's edit mid-check
		// cannot split a range's two ends.
		if facts.Networks, err = n.forCheck(ctx); err != nil {
			w.log.WarnContext(ctx, "provider address ranges not reloaded", "err", err)
		}
	}
	return facts
}

// Freshness of the in-memory copy of the provider's ranges: an admin's edit
// reaches the pre-check within networksMaxAge; a failed load is retried
// sooner, keeping the old table meanwhile.
const (
	networksMaxAge      = time.Minute
	networksRetry       = 5 * time.Second
	networksLoadTimeout = 5 * time.Second
)

// NewNetworkFacts returns the provider's address ranges from the store as
// rules.NetworkFacts. The ranges are loaded now and reloaded when a minute
// old (by clock), so classifying an address needs no query. An empty table
// classifies every address as not ours; the workflow's pre-check treats
// it as a missing fact instead (see checkFacts).
func NewNetworkFacts(store beian.Store, clock beian.Clock) rules.NetworkFacts {
	if clock == nil {
		clock = beian.SystemClock{}
	}
	n := &storeNetworks{store: store, clock: clock}
	_, _, _ = n.current(context.Background()) // a failure is retried on first use
	return n
}

type storeNetworks struct {
	store beian.Store
	clock beian.Clock

	mu     sync.Mutex
	ranges *probe.Ranges // the last table loaded; nil before the first
	count  int           // its number of ranges
	at     time.Time     // when the last load was tried
	ok     bool          // whether it succeeded
}

var _ rules.NetworkFacts = (*storeNetworks)(nil)

// Classify implements rules.NetworkFacts.
func (n *storeNetworks) Classify(a netip.Addr) (ours, mainland bool) {
	r, _, _ := n.current(context.Background())
	if r == nil {
		return false, false
	}
	return r.Classify(a)
}

// forCheck returns the table a pre-check classifies against, or nil while
// there is none: an unconfigured table says nothing about an address, so
// the rule asks a reviewer rather than blocking every filing. err is a
// failed reload; the previous table is still returned.
func (n *storeNetworks) forCheck(ctx context.Context) (rules.NetworkFacts, error) {
	r, count, err := n.current(ctx)
	if r == nil || count == 0 {
		return nil, err
	}
	return r, err
}

// current returns the table, reloading it when stale. The lock is held
// through the load so that concurrent checks wait for one query instead of
// each making their own.
func (n *storeNetworks) current(ctx context.Context) (*probe.Ranges, int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.clock.Now()
	wait := networksRetry
	if n.ok {
		wait = networksMaxAge
	}
	// A clock set back (tests, NTP) also reloads.
	if !n.at.IsZero() && !now.Before(n.at) && now.Sub(n.at) < wait {
		return n.ranges, n.count, nil
	}
	n.at, n.ok = now, false
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), networksLoadTimeout)
	defer cancel()
	var rs []beian.ProviderRange
	if err := n.store.View(ctx, func(tx beian.Tx) (err error) { rs, err = tx.ProviderRanges(ctx); return }); err != nil {
		return n.ranges, n.count, err
	}
	r, err := providerRanges(rs)
	if err != nil {
		return n.ranges, n.count, err
	}
	n.ranges, n.count, n.ok = r, len(rs), true
	return r, len(rs), nil
}

// storeFacts answers the pre-check's questions about our own records,
// orders and contacts from the store, each in one read transaction.
type storeFacts struct{ store beian.Store }

var (
	_ rules.RecordFacts  = (*storeFacts)(nil)
	_ rules.ContactFacts = (*storeFacts)(nil)
)

func (f *storeFacts) view(ctx context.Context, fn func(tx beian.Tx) error) error {
	return f.store.View(ctx, fn)
}

func notFoundIsNil[T any](v T, err error) (T, error) {
	var zero T
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		return zero, nil
	}
	return v, err
}

func (f *storeFacts) RecordByCertificate(ctx context.Context, certificate string) (*beian.Record, error) {
	var r *beian.Record
	err := f.view(ctx, func(tx beian.Tx) error {
		var err error
		r, err = notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, certificate))
		return err
	})
	return r, err
}

func (f *storeFacts) RecordByID(ctx context.Context, subjectID string) (*beian.Record, error) {
	var r *beian.Record
	err := f.view(ctx, func(tx beian.Tx) error {
		var err error
		r, err = notFoundIsNil(tx.FindRecord(ctx, subjectID))
		return err
	})
	return r, err
}

func (f *storeFacts) AccountBinding(ctx context.Context, accountID, certificate string) (rules.AccountBinding, error) {
	var b rules.AccountBinding
	err := f.view(ctx, func(tx beian.Tx) error {
		if certificate != "" {
			a, err := notFoundIsNil(tx.FindAccountBySubjectCertificate(ctx, certificate))
			if err != nil {
				return err
			}
			if a != nil {
				b.CertificateAccountID, b.CertificateAccountName = a.ID, a.Name
			}
		}
		if accountID != "" {
			a, err := notFoundIsNil(tx.FindAccount(ctx, accountID))
			if err != nil {
				return err
			}
			if a != nil && a.SubjectCertificate != "" && certificate != "" &&
				normCert(a.SubjectCertificate) != normCert(certificate) {
				b.AccountHasOtherSubject = true
			}
		}
		return nil
	})
	return b, err
}

func (f *storeFacts) OrdersInProgress(ctx context.Context, certificate, excludeOrderID string) ([]rules.OrderRef, error) {
	var out []rules.OrderRef
	err := f.view(ctx, func(tx beian.Tx) error {
		orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: certificate, States: inProgressStates(), Limit: 20})
		for _, o := range orders {
			if o.ID != excludeOrderID {
				out = append(out, rules.OrderRef{ID: o.ID, Type: o.Type, State: o.State})
			}
		}
		return err
	})
	return out, err
}

func (f *storeFacts) ServicesByDomain(ctx context.Context, domain string) ([]beian.RecordService, error) {
	var out []beian.RecordService
	err := f.view(ctx, func(tx beian.Tx) error {
		var err error
		out, err = tx.FindServicesByDomain(ctx, domain)
		return err
	})
	return out, err
}

// OtherSubjectsUsing counts the subjects other than the order's own that
// list the contact for a person other than the one giving it: filed
// subjects, and subjects whose orders are in progress (submitted, not yet
// filed or abandoned) other than the order being checked. A subject that is
// both filed and has an order in progress counts once.
func (f *storeFacts) OtherSubjectsUsing(ctx context.Context, q rules.ContactQuery) (int, error) {
	kind := map[rules.ContactKind]beian.ContactKind{
		rules.ContactMobile: beian.ContactMobile, rules.ContactEmail: beian.ContactEmail, rules.ContactCertificate: beian.ContactCertificate,
	}[q.Kind]
	n := 0
	err := f.view(ctx, func(tx beian.Tx) error {
		ids, err := tx.SubjectsUsingContact(ctx, kind, q.Value)
		if err != nil {
			return err
		}
		orderIDs, err := tx.OrdersUsingContact(ctx, beian.ContactUseQuery{Kind: kind, Value: q.Value, ExceptOrderID: q.OrderID,
			ExceptSubjectCertificate: q.SubjectCertificate, ExceptPersonCertificate: q.PersonCertificate})
		if err != nil || len(ids) == 0 && len(orderIDs) == 0 {
			return err
		}
		own := ""
		if q.SubjectCertificate != "" && len(ids) > 0 {
			if r, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, q.SubjectCertificate)); err != nil {
				return err
			} else if r != nil {
				own = r.Subject.ID
			}
		}
		// Subjects are told apart by certificate, so that a filed subject
		// with an order in progress counts once.
		subjects := map[string]bool{}
		for _, id := range ids {
			if id == own {
				continue
			}
			key := "record " + id
			if q.PersonCertificate != "" || len(orderIDs) > 0 {
				r, err := notFoundIsNil(tx.FindRecord(ctx, id))
				if err != nil {
					return err
				}
				if r != nil && q.PersonCertificate != "" && samePersonUses(recordPersons(r), q) {
					continue // the same person keeps the same contacts everywhere (§6.4.4)
				}
				if r != nil && r.Subject.Subject.CertificateNumber != "" {
					key = normCert(r.Subject.Subject.CertificateNumber)
				}
			}
			subjects[key] = true
		}
		for _, id := range orderIDs {
			o, err := notFoundIsNil(tx.FindOrder(ctx, id))
			if err != nil {
				return err
			}
			if o == nil || !o.State.InProgress() {
				continue
			}
			cert := normCert(o.Snapshot.Subject.CertificateNumber)
			if cert != "" && cert == normCert(q.SubjectCertificate) {
				continue
			}
			if q.PersonCertificate != "" && samePersonUses(snapshotPersons(&o.Snapshot), q) {
				continue
			}
			key := cert
			if key == "" {
				key = "order " + o.ID
			}
			subjects[key] = true
		}
		n = len(subjects)
		return nil
	})
	return n, err
}

// recordPersons returns the responsible persons of a filed subject and its
// services.
func recordPersons(r *beian.Record) []*beian.Person {
	out := []*beian.Person{&r.Subject.Subject.Principal}
	for i := range r.Services {
		s := &r.Services[i]
		if s.Website != nil {
			out = append(out, &s.Website.Principal)
		}
		if s.App != nil {
			out = append(out, &s.App.Principal)
		}
	}
	return out
}

// snapshotPersons returns the responsible persons an order names.
func snapshotPersons(s *beian.Snapshot) []*beian.Person {
	out := []*beian.Person{&s.Subject.Principal}
	for i := range s.Websites {
		out = append(out, &s.Websites[i].Principal)
	}
	for i := range s.Apps {
		out = append(out, &s.Apps[i].Principal)
	}
	return out
}

// samePersonUses reports whether, among persons, the contact belongs to the
// person with q.PersonCertificate.
func samePersonUses(persons []*beian.Person, q rules.ContactQuery) bool {
	for _, p := range persons {
		if normCert(p.CertificateNumber) != normCert(q.PersonCertificate) {
			continue
		}
		switch q.Kind {
		case rules.ContactMobile:
			if digits(p.Mobile) == digits(q.Value) || digits(p.EmergencyPhone) == digits(q.Value) {
				return true
			}
		case rules.ContactEmail:
			if equalFold(p.Email, q.Value) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// MobileProvince is unknown without a number-segment (号段) database; the
// rule that needs it asks a reviewer instead.
func (f *storeFacts) MobileProvince(ctx context.Context, mobile string) (string, error) {
	return "", nil
}

func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) > 11 {
		b = b[len(b)-11:]
	}
	return string(b)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// normCert compares certificate numbers as the blind index does: trimmed,
// upper case.
func normCert(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
