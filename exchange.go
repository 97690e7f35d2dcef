package beian

import (
	"context"
	"time"
)

// This file holds what the exchange with the provincial bureau (MIIT's
// enterprise interface V3.0) needs from the domain: the connection, the
// outbound operations and the files that carry them, the downloaded files and
// what they feed (blacklists, code tables, compliance items), and the storage
// interface for all of it. The wire types live in package miit; the mapping
// and the engine in package workflow.

// BureauConnection is this provider's account at one provincial bureau: the
// communication parameters the bureau issues (market.md §3.1) and the state of
// the exchange on that connection. Password, AESKey and AESIV are secrets:
// stores encrypt them and String never shows them.
type BureauConnection struct {
	// ID names the connection; by default the province code, since a
	// provider reports only to its own province's bureau (result code 1045).
	ID string
	// Province is the two-digit code of the bureau's province.
	Province string
	// Endpoint is the bureau's SOAP base URL ("http://ip:port").
	Endpoint string
	// ISPID is the provider's ispId (also Qqdwid and Ispid in documents).
	ISPID    int64
	UserName string
	Password string
	// AESKey and AESIV are the 16-character key and IV; both empty means
	// payloads travel unencrypted.
	AESKey, AESIV string
	// Namespace is the operation elements' namespace from the bureau's WSDL
	// ("" for unqualified elements).
	Namespace string
	// ProviderName is this provider's name as access records show it.
	ProviderName string
	// AccessMethod is the name of the access method (网站接入方式) in the
	// bureau's code table, e.g. 云主机; empty means 云主机.
	AccessMethod string
	// ServerLocation is the Fbdd (网站分布地点) sent with every access. V3.0's
	// JCDM carries no table for it; 0 means 1.
	ServerLocation int64
	Enabled        bool

	// NextSequence is the dataSequence the next new upload file gets.
	NextSequence int64
	// AcceptedSequence is the highest sequence the bureau confirmed.
	AcceptedSequence int64
	// NeedsResync is set while an upload's outcome is unknown (sent, no
	// answer): the next uploader asks isp_querypreviousupload first.
	NeedsResync bool
	// LastError is the last failure an operator must see (authentication,
	// permission, a refused file), "" when the connection works.
	LastError      string
	LastErrorAt    time.Time
	LastUploadAt   time.Time
	LastDownloadAt time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// String describes the connection without its secrets.
func (c *BureauConnection) String() string {
	return "bureau connection " + c.ID + " (province " + c.Province + ", " + c.Endpoint + ")"
}

// Lease is the right to run one kind of exchange work (the uploader, the
// downloader) on a connection, held by one owner until Expires. Token grows
// every time the lease changes hands; writes that must come from the holder
// check it (a fencing token), so a process that lost its lease while it
// stalled cannot write over its successor.
type Lease struct {
	ConnectionID string
	Purpose      string // LeaseUpload or LeaseDownload
	Owner        string
	Token        int64
	Expires      time.Time
}

// Lease purposes.
const (
	LeaseUpload   = "upload"
	LeaseDownload = "download"
)

// UploadKind names an ICP upload operation of V3.0.
type UploadKind string

// The upload operations Beian sends.
const (
	UploadXZBA UploadKind = "XZBA" // 新增备案
	UploadXZWZ UploadKind = "XZWZ" // 新增网站
	UploadXZJR UploadKind = "XZJR" // 新增接入
	UploadBGBA UploadKind = "BGBA" // 变更备案
	UploadZXBA UploadKind = "ZXBA" // 注销主体、注销网站、取消接入
)

// OperationState is where an outbound operation stands.
type OperationState string

// Operation states. An operation is held (waiting for an earlier step of its
// order), pending (waiting for a file), filed (in a recorded file), sent (the
// file was accepted; waiting for the bureau's results), then verified (SMS
// codes entered) and finally approved, rejected, returned or refused (a
// per-record error), or superseded when its order no longer waits for it.
const (
	OpHeld       OperationState = "held"
	OpPending    OperationState = "pending"
	OpFiled      OperationState = "filed"
	OpSent       OperationState = "sent"
	OpVerified   OperationState = "verified"
	OpApproved   OperationState = "approved"
	OpRejected   OperationState = "rejected"
	OpReturned   OperationState = "returned"
	OpRefused    OperationState = "refused"
	OpSuperseded OperationState = "superseded"
)

// Final reports whether no further bureau result is expected.
func (s OperationState) Final() bool {
	switch s {
	case OpApproved, OpRejected, OpReturned, OpRefused, OpSuperseded:
		return true
	}
	return false
}

// BureauOperation is one upload record (a Baxx, Xzxx, Bgxx or Zx_xx) an
// order sends to the bureau, from submission to its result. Record is the
// record as mapped (JSON of the miit type of Kind): it holds personal data,
// so stores encrypt it.
type BureauOperation struct {
	ID           string
	ConnectionID string
	OrderID      string
	Kind         UploadKind
	// Czlx is the operation type BAJG reports (1 new filing … 7 cancel
	// site) and Bs the identifier it reports (spec 4-2-1-6); together they
	// match results to operations.
	Czlx int
	Bs   string
	// Round counts the order's submissions to the bureau (1, 2 … after a
	// return or rejection); results move the order only by the operations
	// of its latest round.
	Round int
	// Step orders the operations of one round: step 2 is held until every
	// step-1 operation is approved (迁移: cancel, then file anew).
	Step   int
	Record []byte
	State  OperationState
	// FileSeq is the dataSequence of the file that carries it, 0 before.
	FileSeq    int64
	ResultCode int
	Opinion    string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// BureauOperationFilter selects operations; zero fields do not filter.
type BureauOperationFilter struct {
	ConnectionID string
	OrderID      string
	States       []OperationState
	Czlx         int
	Bs           string
	FileSeq      int64
	Limit        int // 0 means no limit
}

// UploadFileState is where an upload file stands.
type UploadFileState string

// Upload file states. A file is recorded (stored and numbered, not yet known
// to the bureau), accepted (the bureau has its sequence) or rejected (the
// bureau refused the payload without consuming the sequence, which the next
// file reuses).
const (
	FileRecorded UploadFileState = "recorded"
	FileAccepted UploadFileState = "accepted"
	FileRejected UploadFileState = "rejected"
)

// UploadFile is one numbered upload file: stored before it is sent and kept
// at least three months so that it can be sent again (spec 3-3-1-3).
type UploadFile struct {
	ID           string
	ConnectionID string
	Seq          int64
	Name         string
	// BlobKey is where the payload (as sent) is stored.
	BlobKey string
	// Hash is the payload's beianInfoHash (base64 MD5 of the zip).
	Hash      string
	Records   int
	Size      int64
	State     UploadFileState
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
	// AcceptedAt is when the bureau confirmed the sequence.
	AcceptedAt time.Time
	// PurgedAt is when retention deleted the stored payload.
	PurgedAt time.Time
}

// UploadFileFilter selects upload files; zero fields do not filter.
type UploadFileFilter struct {
	ConnectionID  string
	States        []UploadFileState
	Seq           int64
	CreatedBefore time.Time
	NotPurged     bool
	Limit         int
}

// DownloadFile is one file the bureau sent, stored before it is processed
// and acknowledged. Name and Hash identify it: the bureau sends a file again
// until it is acknowledged, and it is processed only once.
type DownloadFile struct {
	ID           string
	ConnectionID string
	Name         string
	Hash         string
	BlobKey      string
	Size         int64
	// Kinds names what the file holds (BAJG, BASJ, JCDM …).
	Kinds []string
	// Items is the number of records processed one by one.
	Items      int
	Deliveries int
	ReceivedAt time.Time
	// ProcessedAt is set when every item was processed (or failed for good).
	ProcessedAt time.Time
	AckedAt     time.Time
	PurgedAt    time.Time
}

// DownloadItem records that one record of a download file was processed, so
// that a file processed again after a crash skips what is done.
type DownloadItem struct {
	FileID string
	Index  int
	Kind   string
	// Done is true once processed; Failed after too many failed attempts
	// (the item is skipped and an operator alerted).
	Done     bool
	Failed   bool
	Attempts int
	Error    string
	At       time.Time
}

// BureauObject pairs an ID this provider sends (IspZtid, IspWzid, IspYmid,
// IspJrid, IspIpid: xs:long, so our UUIDs cannot be used) with the object it
// names on our side and the bureau's ID for it (Ztid, Wzid, Ymid, Jrid,
// Ipid), kept side by side (spec 4-2-1-6).
type BureauObject struct {
	// ISPID is our numeric ID for the object, allocated by the store.
	ISPID        int64
	ConnectionID string
	Kind         ObjectKind
	// OrderID and Ref name the object inside the order that introduced it:
	// "subject", a service's snapshot ID, a domain, an IP range.
	OrderID string
	Ref     string
	// RecordID is our record: the RecordSubject, RecordService or
	// AccessRecord ID; for domains and IPs the service's ID.
	RecordID string
	// BureauID is the bureau's ID, 0 until a download reports it.
	BureauID int64
}

// ObjectKind is the kind of a BureauObject.
type ObjectKind string

// Object kinds.
const (
	ObjectSubject ObjectKind = "subject"
	ObjectService ObjectKind = "service"
	ObjectDomain  ObjectKind = "domain"
	ObjectAccess  ObjectKind = "access"
	ObjectIP      ObjectKind = "ip"
)

// BureauObjectFilter selects bureau objects; zero fields do not filter.
type BureauObjectFilter struct {
	ConnectionID string
	Kind         ObjectKind
	ISPID        int64
	OrderID      string
	Ref          string
	RecordID     string
	BureauID     int64
}

// FeedItem is a record of a bureau feed that the compliance work consumes:
// a verification task (HSRW), a check result (HCJG), a notice (XGTZ) or an
// unfiled site (WBAWZLB). Data is the record as received (JSON of the miit
// type): it may hold personal data, so stores encrypt it.
type FeedItem struct {
	ID           string
	ConnectionID string
	FileID       string
	Kind         string // HSRW, HCJG, XGTZ, WBAWZLB
	// Subkind refines Kind: Zthc, Jrhc, Kkwzhc or Wzch for HCJG; the notice
	// category (0 subject, 1 site) for XGTZ.
	Subkind string
	// SubjectID and ServiceID are our records the item concerns, when known.
	SubjectID string
	ServiceID string
	Number    string // the ICP number it names
	Domain    string
	Data      []byte
	CreatedAt time.Time
}

// BlacklistKind is the kind of a value on the bureau's blacklists.
type BlacklistKind string

// Blacklist kinds: a subject's certificate number (HMDLB), a domain (HMDLB,
// FFJRHMD) and an address (FFJRHMD).
const (
	BlacklistSubject BlacklistKind = "subject"
	BlacklistDomain  BlacklistKind = "domain"
	BlacklistIP      BlacklistKind = "ip"
)

// BlacklistEntry is one blacklisted value. Value is a certificate number for
// subjects (personal data for individuals: stores encrypt it and look it up
// through the blind index), a normalised domain or a canonical IP.
type BlacklistEntry struct {
	Kind         BlacklistKind
	Value        string
	Name         string // the subject's or site's name, when given
	Source       string // HMDLB or FFJRHMD
	ConnectionID string
	AddedAt      time.Time
}

// CodeEntry is one row of a bureau code table (基础代码, JCDM).
type CodeEntry struct {
	ID   int64
	Name string
	// Parent links a row to another table's row (certificate type → unit
	// nature, attachment purpose → object type) or a level (regions); 0
	// when the table has no link.
	Parent int64
	Valid  bool
}

// ExchangeStore keeps the exchange with the bureaus. All methods run in the
// caller's transaction.
type ExchangeStore interface {
	// PutBureauConnection inserts c or updates its configuration
	// (endpoint, credentials, names), keeping the exchange state of an
	// existing connection. Secrets are encrypted at rest.
	PutBureauConnection(ctx context.Context, c *BureauConnection) error
	// FindBureauConnection returns the connection with id, or ENOTFOUND.
	// With lock, the row is locked until the transaction ends (PostgreSQL).
	FindBureauConnection(ctx context.Context, id string, lock bool) (*BureauConnection, error)
	// BureauConnections returns every connection, by ID.
	BureauConnections(ctx context.Context) ([]*BureauConnection, error)
	// UpdateBureauConnectionState writes c's exchange state (sequences,
	// resync flag, errors, timestamps), nothing else.
	UpdateBureauConnectionState(ctx context.Context, c *BureauConnection) error

	// TakeLease gives owner the lease of purpose on the connection for ttl
	// when it is free, expired or already owner's; ECONFLICT
	// (bureau.lease.busy) when someone else holds it.
	TakeLease(ctx context.Context, connectionID, purpose, owner string, ttl time.Duration) (Lease, error)
	// CheckLease returns ECONFLICT (bureau.lease.lost) unless l is still
	// the current, unexpired lease; with ttl > 0 it also extends it.
	CheckLease(ctx context.Context, l Lease, ttl time.Duration) (Lease, error)
	// ReleaseLease frees l if it is still the current lease.
	ReleaseLease(ctx context.Context, l Lease) error

	// PutBureauObject returns the object of (OrderID, Kind, Ref) when the
	// order already has one, and otherwise inserts o, allocating ISPID.
	// Objects without an OrderID are always inserted.
	PutBureauObject(ctx context.Context, o *BureauObject) error
	// UpdateBureauObject writes o's RecordID and BureauID.
	UpdateBureauObject(ctx context.Context, o *BureauObject) error
	// FindBureauObjects returns the objects matching f, oldest first.
	FindBureauObjects(ctx context.Context, f BureauObjectFilter) ([]BureauObject, error)

	// CreateBureauOperation inserts op, filling ID and the timestamps.
	CreateBureauOperation(ctx context.Context, op *BureauOperation) error
	// UpdateBureauOperation writes op's state, file, result and opinion.
	UpdateBureauOperation(ctx context.Context, op *BureauOperation) error
	// FindBureauOperations returns the operations matching f, oldest first.
	FindBureauOperations(ctx context.Context, f BureauOperationFilter) ([]*BureauOperation, error)

	// CreateUploadFile inserts f, filling ID; ECONFLICT when the
	// connection already has a file (not rejected) with that sequence.
	CreateUploadFile(ctx context.Context, f *UploadFile) error
	// UpdateUploadFile writes f's state, attempts, error and timestamps.
	UpdateUploadFile(ctx context.Context, f *UploadFile) error
	// FindUploadFiles returns the files matching f, by sequence.
	FindUploadFiles(ctx context.Context, f UploadFileFilter) ([]*UploadFile, error)

	// CreateDownloadFile inserts f, filling ID; ECONFLICT
	// (bureau.download.duplicate) when the connection already has a file
	// with that name and hash.
	CreateDownloadFile(ctx context.Context, f *DownloadFile) error
	// FindDownloadFile returns the connection's file with that name and
	// hash, or ENOTFOUND.
	FindDownloadFile(ctx context.Context, connectionID, name, hash string) (*DownloadFile, error)
	// UpdateDownloadFile writes f's counters and timestamps.
	UpdateDownloadFile(ctx context.Context, f *DownloadFile) error
	// FindDownloadFiles returns the connection's files (all when
	// connectionID is ""), oldest first; with before set, only those
	// received before it and not purged.
	FindDownloadFiles(ctx context.Context, connectionID string, before time.Time) ([]*DownloadFile, error)
	// DownloadItem returns the item's record, or ENOTFOUND when it was never
	// tried.
	DownloadItem(ctx context.Context, fileID string, index int) (*DownloadItem, error)
	// PutDownloadItem inserts or replaces the item's record.
	PutDownloadItem(ctx context.Context, it *DownloadItem) error

	// CreateFeedItem inserts it, filling ID and CreatedAt.
	CreateFeedItem(ctx context.Context, it *FeedItem) error
	// FindFeedItem returns the item with id, or ENOTFOUND.
	FindFeedItem(ctx context.Context, id string) (*FeedItem, error)

	// PutBlacklistEntry adds or refreshes an entry.
	PutBlacklistEntry(ctx context.Context, e *BlacklistEntry) error
	// RemoveBlacklistEntry removes the entry of kind and value, if any.
	RemoveBlacklistEntry(ctx context.Context, kind BlacklistKind, value string) error
	// Blacklisted reports whether value is on the list of kind.
	Blacklisted(ctx context.Context, kind BlacklistKind, value string) (bool, error)

	// ReplaceCodeTable replaces the connection's table with entries.
	ReplaceCodeTable(ctx context.Context, connectionID, table string, entries []CodeEntry) error
	// CodeTable returns the connection's table, by ID; empty when it was
	// never synchronised.
	CodeTable(ctx context.Context, connectionID, table string) ([]CodeEntry, error)

	// ServiceSubject returns the ID of the subject a filed service belongs
	// to, or ENOTFOUND.
	ServiceSubject(ctx context.Context, serviceID string) (string, error)

	// SetFilingPassword stores the filing password (备案密码) of a filed
	// subject, encrypted.
	SetFilingPassword(ctx context.Context, subjectID, password string) error
	// FilingPassword returns the subject's filing password, "" when none is
	// known.
	FilingPassword(ctx context.Context, subjectID string) (string, error)
}

// ExchangeFiles keeps the exchange's files (upload payloads, downloaded
// documents) and reads uploaded documents (pre-approval scans) by key.
// cmd/beian adapts the document store to it.
type ExchangeFiles interface {
	// PutFile stores data under key, replacing what is there.
	PutFile(ctx context.Context, key string, data []byte) error
	// GetFile returns the content under key; ENOTFOUND when there is none.
	GetFile(ctx context.Context, key string) ([]byte, error)
	// DeleteFile removes key; a missing key is not an error.
	DeleteFile(ctx context.Context, key string) error
}
