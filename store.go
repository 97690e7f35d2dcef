package beian

import (
	"context"
	"encoding/json"
	"time"
)

// Store is the system of record. Every change happens in Update: the
// changed rows, their audit events and the jobs they cause commit together
// or not at all.
type Store interface {
	// Update runs fn in a read-write transaction and commits when fn
	// returns nil. Storage errors come back as EINTERNAL or EUNAVAILABLE;
	// fn's own errors are returned unchanged after rollback.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction. Now is fixed for the transaction, so every row it
// writes carries the same time (the clock is read once, at Begin).
type Tx interface {
	Now() time.Time
	AccountStore
	OrderStore
	RecordStore
	AuditStore
	ExchangeStore
	JobQueue
	NotificationStore
	ResourceStore
	GroupStore
	ConsoleStore
	APITokenStore
	ComplianceStore
}

// AccountStore keeps customer accounts and users.
type AccountStore interface {
	// CreateAccount inserts a; ECONFLICT when the name is taken.
	CreateAccount(ctx context.Context, a *Account) error
	// FindAccount returns the account with id or ENOTFOUND.
	FindAccount(ctx context.Context, id string) (*Account, error)
	// FindAccountBySubjectCertificate returns the account bound to the
	// subject certificate number, or ENOTFOUND; it uses the blind index.
	FindAccountBySubjectCertificate(ctx context.Context, certificate string) (*Account, error)
	// UpdateAccount writes a.
	UpdateAccount(ctx context.Context, a *Account) error
	// CreateUser inserts u; ECONFLICT when the login is taken.
	CreateUser(ctx context.Context, u *User) error
	// FindUser returns the user with id or ENOTFOUND.
	FindUser(ctx context.Context, id string) (*User, error)
	// FindUserByLogin returns the user with login or ENOTFOUND.
	FindUserByLogin(ctx context.Context, login string) (*User, error)
	// UpdateUser writes u.
	UpdateUser(ctx context.Context, u *User) error
}

// OrderFilter selects orders; zero fields do not filter.
type OrderFilter struct {
	AccountID string
	CreatedBy string
	Types     []OrderType
	States    []OrderState
	Province  string
	// SubjectCertificate matches through the blind index.
	SubjectCertificate string
	// DueBefore selects orders whose current deadline is before it.
	DueBefore time.Time
	Offset    int
	Limit     int // 0 means the store's default page size
}

// OrderStore keeps orders.
type OrderStore interface {
	// CreateOrder inserts o with Version 1.
	CreateOrder(ctx context.Context, o *Order) error
	// FindOrder returns the order with id or ENOTFOUND.
	FindOrder(ctx context.Context, id string) (*Order, error)
	// UpdateOrder writes o if its Version still matches the stored one and
	// increments it; otherwise ECONFLICT (order.version.stale).
	UpdateOrder(ctx context.Context, o *Order) error
	// FindOrders returns the orders matching f, newest first, and the total.
	FindOrders(ctx context.Context, f OrderFilter) ([]*Order, int, error)
}

// RecordStore keeps filed subjects and services.
type RecordStore interface {
	// CreateRecordSubject inserts a filed subject.
	CreateRecordSubject(ctx context.Context, s *RecordSubject) error
	// UpdateRecordSubject writes s if its Version matches; else ECONFLICT.
	UpdateRecordSubject(ctx context.Context, s *RecordSubject) error
	// FindRecord returns the subject with id and its services, or ENOTFOUND.
	FindRecord(ctx context.Context, subjectID string) (*Record, error)
	// FindRecordBySubjectCertificate returns the record of the subject with
	// that certificate number (blind index), or ENOTFOUND.
	FindRecordBySubjectCertificate(ctx context.Context, certificate string) (*Record, error)
	// FindRecordByAccount returns the record bound to an account, or ENOTFOUND.
	FindRecordByAccount(ctx context.Context, accountID string) (*Record, error)
	// FindRecordByNumber returns the record of the subject with that
	// subject ICP number, or ENOTFOUND; a live subject wins over cancelled ones.
	FindRecordByNumber(ctx context.Context, number ICPNumber) (*Record, error)
	// CreateRecordService inserts a filed service with its access records.
	CreateRecordService(ctx context.Context, s *RecordService) error
	// UpdateRecordService writes s and its access records if its Version
	// matches; else ECONFLICT.
	UpdateRecordService(ctx context.Context, s *RecordService) error
	// FindServicesByDomain returns the services that list domain.
	FindServicesByDomain(ctx context.Context, domain string) ([]RecordService, error)
	// SubjectsUsingContact returns the IDs of the filed subjects, cancelled
	// ones excluded, that have a responsible person (of the subject or of
	// one of its services) with that certificate number, mobile or e-mail.
	// It matches through the blind index, after normalising value, so rules
	// like "this mobile is used by another subject" need no clear text.
	SubjectsUsingContact(ctx context.Context, kind ContactKind, value string) ([]string, error)
	// OrdersUsingContact returns the IDs of the orders in progress that
	// were submitted (drafts excluded) and are not cancellations, with a
	// responsible person who has q.Value as certificate number, mobile or
	// e-mail, leaving out the exceptions q names. It matches through a blind
	// index of the orders' contacts that every order write keeps up to date.
	OrdersUsingContact(ctx context.Context, q ContactUseQuery) ([]string, error)
}

// ContactUseQuery asks which orders in progress use a contact.
type ContactUseQuery struct {
	Kind  ContactKind
	Value string
	// ExceptOrderID is the order being checked; it does not count.
	ExceptOrderID string
	// ExceptSubjectCertificate leaves out the orders of that subject.
	ExceptSubjectCertificate string
	// ExceptPersonCertificate leaves out the orders in which the person
	// with that certificate gives the value (one person keeps one set of
	// contacts everywhere, spec §6.4.4).
	ExceptPersonCertificate string
}

// ContactKind names a personal identifier of responsible persons that
// rules look up across subjects.
type ContactKind string

// The identifiers SubjectsUsingContact can look up.
const (
	ContactCertificate ContactKind = "certificate" // a person's certificate number
	ContactMobile      ContactKind = "mobile"
	ContactEmail       ContactKind = "email"
)

// AuditStore appends to and reads the audit chain.
type AuditStore interface {
	// AppendAudit fills e's Seq, PrevHash and Hash and appends it; appends
	// are serialised so the chain never forks.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// AuditEvents returns up to limit events with Seq > after, in order.
	AuditEvents(ctx context.Context, after int64, limit int) ([]AuditEvent, error)
	// AuditEventsFor returns the events of one entity, oldest first.
	AuditEventsFor(ctx context.Context, entityType, entityID string) ([]AuditEvent, error)
}

// Job is durable background work caused by a state change and enqueued in
// the same transaction, so it runs if and only if the change commits.
type Job struct {
	Kind    string          // names the handler, e.g. notify.send, miit.upload
	Payload json.RawMessage // the handler's arguments; no personal data in clear
	// RunAt delays the job; zero means as soon as possible.
	RunAt time.Time
	// UniqueKey, when set, makes a second job with the same kind and key a
	// no-op while the first is pending, so retried requests enqueue once.
	UniqueKey   string
	MaxAttempts int // 0 means the queue's default
}

// JobQueue enqueues jobs inside a transaction.
type JobQueue interface {
	// Enqueue adds j to the transaction; it is visible to workers only
	// after commit.
	Enqueue(ctx context.Context, j Job) error
}
