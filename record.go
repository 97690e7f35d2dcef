package beian

import "time"

// RecordStatus is the standing of a filed subject or service.
type RecordStatus string

// Record statuses.
const (
	RecordFiled      RecordStatus = "filed"       // 已备案
	RecordEmptyShell RecordStatus = "empty_shell" // 空壳: no access record left (service) or no service left (subject)
	RecordCancelled  RecordStatus = "cancelled"   // 已注销
)

// Text returns the status's name in both languages.
func (s RecordStatus) Text() Text {
	switch s {
	case RecordFiled:
		return Text{"已备案", "Filed"}
	case RecordEmptyShell:
		return Text{"空壳", "Empty shell"}
	case RecordCancelled:
		return Text{"已注销", "Cancelled"}
	}
	return Text{string(s), string(s)}
}

// BureauIDs pairs our identifier of a filed object with the bureau's. MIIT
// calls them IspZtid/Ztid, IspWzid/Wzid, IspJrid/Jrid …; both are needed in
// every exchange (spec 4-2-1-6).
type BureauIDs struct {
	Ours   string `json:"ours"`
	Bureau string `json:"bureau,omitempty"`
}

// RecordSubject is a filed subject (备案主体) as the bureau holds it.
type RecordSubject struct {
	ID        string
	AccountID string
	Subject   Subject
	Number    ICPNumber
	// BureauID is the bureau's subject ID (Ztid), empty until it is synced.
	BureauID  string
	Status    RecordStatus
	FiledAt   time.Time
	UpdatedAt time.Time
	// Version increments on every write; stores refuse stale writes.
	Version int
}

// RecordService is a filed internet information service (网站 or APP).
// Exactly one of Website and App is set, according to Kind.
type RecordService struct {
	ID        string
	SubjectID string
	Kind      ServiceKind
	Website   *Website
	App       *App
	Number    ICPNumber
	BureauID  string // Wzid / the APP's bureau ID
	Status    RecordStatus
	Access    []AccessRecord
	FiledAt   time.Time
	UpdatedAt time.Time
	Version   int
}

// Name returns the service's name.
func (s *RecordService) Name() string {
	if s.App != nil {
		return s.App.Name
	}
	if s.Website != nil {
		return s.Website.Name
	}
	return ""
}

// Domains returns the service's domains.
func (s *RecordService) Domains() []string {
	if s.App != nil {
		return s.App.Domains
	}
	if s.Website != nil {
		return s.Website.Domains
	}
	return nil
}

// AccessStatus is the standing of an access record.
type AccessStatus string

// Access statuses.
const (
	AccessActive    AccessStatus = "active"
	AccessCancelled AccessStatus = "cancelled" // 取消接入
)

// AccessRecord links a filed service to the servers of one access provider
// (接入信息). A service may be accessed through several providers; Beian
// holds its own provider's records and, where the bureau tells us, others'.
type AccessRecord struct {
	ID          string       `json:"id"`
	BureauID    string       `json:"bureau_id,omitempty"` // Jrid
	Provider    string       `json:"provider"`            // 接入商 name; ours for records we created
	Ours        bool         `json:"ours"`
	IPs         []IPRange    `json:"ips"`
	Status      AccessStatus `json:"status"`
	CreatedAt   time.Time    `json:"created_at"`
	CancelledAt time.Time    `json:"cancelled_at,omitempty"`
}

// Record is a filed subject with its services: what 我的备案 shows.
type Record struct {
	Subject  RecordSubject
	Services []RecordService
}

// ActiveServices returns the services that are still filed.
func (r *Record) ActiveServices() []RecordService {
	var out []RecordService
	for _, s := range r.Services {
		if s.Status != RecordCancelled {
			out = append(out, s)
		}
	}
	return out
}

// NextOrdinal returns the ordinal the bureau will give the next service:
// one more than the highest used, since cancelled ordinals are not reused.
func (r *Record) NextOrdinal() int {
	max := 0
	for _, s := range r.Services {
		if s.Number.Ordinal > max {
			max = s.Number.Ordinal
		}
	}
	return max + 1
}
