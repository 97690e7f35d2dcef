package beian

import "time"

// OrderType is the filing type (备案类型) of an order (spec §3).
type OrderType string

// The filing types.
const (
	FirstFiling   OrderType = "first_filing"   // 首次备案
	NewWebsite    OrderType = "new_website"    // 新增网站
	NewApp        OrderType = "new_app"        // 新增APP
	NewAccess     OrderType = "new_access"     // 新增接入
	ChangeSubject OrderType = "change_subject" // 变更主体
	ChangeService OrderType = "change_service" // 变更互联网信息服务
	ChangeBoth    OrderType = "change_both"    // 变更备案 (主体 + 服务)
	CancelSubject OrderType = "cancel_subject" // 注销主体
	CancelService OrderType = "cancel_service" // 注销互联网信息服务
	CancelAccess  OrderType = "cancel_access"  // 取消接入
	Transfer      OrderType = "transfer"       // 转移备案 (between accounts)
	Migrate       OrderType = "migrate"        // 迁移互联网信息服务 (to another subject)
	Claim         OrderType = "claim"          // 认领备案
)

// OrderTypes lists every filing type.
var OrderTypes = []OrderType{
	FirstFiling, NewWebsite, NewApp, NewAccess, ChangeSubject, ChangeService, ChangeBoth,
	CancelSubject, CancelService, CancelAccess, Transfer, Migrate, Claim,
}

var orderTypeText = map[OrderType]Text{
	FirstFiling:   {"首次备案", "First filing"},
	NewWebsite:    {"新增网站", "New website"},
	NewApp:        {"新增APP", "New app"},
	NewAccess:     {"新增接入", "New access"},
	ChangeSubject: {"变更主体", "Change subject"},
	ChangeService: {"变更互联网信息服务", "Change service"},
	ChangeBoth:    {"变更备案", "Change subject and service"},
	CancelSubject: {"注销主体", "Cancel subject"},
	CancelService: {"注销互联网信息服务", "Cancel service"},
	CancelAccess:  {"取消接入", "Cancel access"},
	Transfer:      {"转移备案", "Transfer between accounts"},
	Migrate:       {"迁移互联网信息服务", "Migrate service to another subject"},
	Claim:         {"认领备案", "Claim filing"},
}

// Text returns the type's name in both languages.
func (t OrderType) Text() Text {
	if x, ok := orderTypeText[t]; ok {
		return x
	}
	return Text{string(t), string(t)}
}

// Valid reports whether t is a known type.
func (t OrderType) Valid() bool { _, ok := orderTypeText[t]; return ok }

// IsCancellation reports whether t is one of the cancel types, which can be
// abandoned but never withdrawn (spec §3 row 12).
func (t OrderType) IsCancellation() bool {
	return t == CancelSubject || t == CancelService || t == CancelAccess
}

// GoesToBureau reports whether orders of type t are submitted to the
// provincial bureau. Transfers are approved by the target account and
// claims by provider staff alone.
func (t OrderType) GoesToBureau() bool { return t != Transfer && t != Claim }

// NeedsSMS reports whether the bureau sends SMS verification codes for t;
// 取消接入 is the only bureau type without them (spec §4.4).
func (t OrderType) NeedsSMS() bool { return t.GoesToBureau() && t != CancelAccess }

// IsChange reports whether t changes filed data.
func (t OrderType) IsChange() bool {
	return t == ChangeSubject || t == ChangeService || t == ChangeBoth
}

// Snapshot is the data an order proposes: the subject and the services it
// files, adds, changes or cancels. It is stored as one versioned document.
type Snapshot struct {
	Version  int       `json:"version"`
	Subject  Subject   `json:"subject"`
	Websites []Website `json:"websites,omitempty"`
	Apps     []App     `json:"apps,omitempty"`
	// Materials are uploaded documents, by purpose.
	Materials []Material `json:"materials,omitempty"`
	// Reason for a cancellation order (注销原因).
	CancelReason string `json:"cancel_reason,omitempty"`
	// FilingPassword is the subject's filing password (备案密码), which the
	// bureau sends by SMS to the subject principal when it first files the
	// subject. Operations on a subject filed elsewhere (新增接入, 新增网站,
	// 注销主体) need it; the snapshot is encrypted at rest.
	FilingPassword string `json:"filing_password,omitempty"`
}

// SnapshotVersion is the version of the snapshot document this code writes.
const SnapshotVersion = 1

// Material is an uploaded document attached to an order.
type Material struct {
	ID         string    `json:"id"`
	Purpose    string    `json:"purpose"`         // e.g. subject_certificate, principal_id_front, commitment_letter
	Owner      string    `json:"owner,omitempty"` // "subject" or a service ID
	DocumentID string    `json:"document_id"`     // blob key
	MediaType  string    `json:"media_type"`      // sniffed from the content, never the file name
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// Order is a filing order (备案订单): a request of one filing type that the
// provider reviews and submits to the bureau. Its State changes only through
// [Order.Apply].
type Order struct {
	ID        string
	AccountID string
	// CreatedBy is the user who created the order; sub-users see only their own.
	CreatedBy string
	Type      OrderType
	State     OrderState
	// Province is the filing province's two-digit code; it decides the bureau.
	Province string
	Snapshot Snapshot
	// RecordSubjectID is the filed subject this order acts on (all types but
	// a first filing).
	RecordSubjectID string
	// ServiceIDs are the filed services a change, cancellation, new access or
	// migration acts on.
	ServiceIDs []string
	// CancellationConfirmed records the customer's confirmation a subject
	// cancellation needs before the bureau submission.
	CancellationConfirmed bool
	// Review is the latest review decision, with the fields the reviewer
	// marked; the customer's "fix only these" edit starts from it. The full
	// history is in the audit trail.
	Review *Review
	// ClaimedBy is the reviewer working on the order, so two reviewers do
	// not review the same order; empty when unclaimed.
	ClaimedBy string
	ClaimedAt time.Time
	// Version increments on every write; stores refuse stale writes.
	Version int
	// SubmissionKey is the idempotency key of the last customer submission.
	SubmissionKey  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	StateChangedAt time.Time
	// DueAt is the deadline of the current state, if it has one (review
	// SLA, SMS window), computed in China working days.
	DueAt time.Time
}

// SubjectName is the name shown in lists.
func (o *Order) SubjectName() string { return o.Snapshot.Subject.Name }

// FieldMark is a reviewer's (or the bureau's) mark on one field of an
// order: the field path, the catalogue rule whose reason and remedy apply,
// and the reviewer's own words.
type FieldMark struct {
	Field  string `json:"field"`
	RuleID string `json:"rule_id,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Review is a decision on an order: by a reviewer (pass, supplement,
// reject) or by the bureau (approve, reject, return), with its opinion.
type Review struct {
	Event      OrderEvent  `json:"event"`
	By         string      `json:"by"` // user ID, or "bureau"
	At         time.Time   `json:"at"`
	Opinion    string      `json:"opinion,omitempty"`
	Marks      []FieldMark `json:"marks,omitempty"`
	BureauCode int         `json:"bureau_code,omitempty"` // MIIT result code, for bureau decisions
}

// Marked reports whether the review marked field.
func (r *Review) Marked(field string) bool {
	if r == nil {
		return false
	}
	for _, m := range r.Marks {
		if m.Field == field {
			return true
		}
	}
	return false
}
