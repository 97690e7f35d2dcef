package bureausim

import (
	"time"

	"github.com/openbeian/beian/miit"
)

// stateFormat is the version of the persisted JSON; a file of another version is refused
// rather than misread.
const stateFormat = 1

// state is everything the simulator knows, persisted as one JSON document. All access holds
// Sim.mu. Bureau-side IDs (Ztid, Wzid, Ymid, Jrid, Ipid) come from one counter, so an ID
// names exactly one object whatever its kind.
type state struct {
	Format int `json:"format"`
	// SimTime is the latest simulated time seen; an accelerated clock resumes from it.
	SimTime    time.Time `json:"simTime"`
	NextID     int64     `json:"nextId"`
	NextFiling int64     `json:"nextFiling"`
	NextSMS    int64     `json:"nextSms"`
	// Serials is the last subject serial issued per province code.
	Serials   map[string]int64      `json:"serials"`
	ISPs      map[int64]*ispState   `json:"isps"`
	Subjects  map[int64]*subjectRec `json:"subjects"`
	Sites     map[int64]*siteRec    `json:"sites"`
	Filings   []*filing             `json:"filings"`
	SMS       []*SMS                `json:"sms"`
	Blacklist blacklist             `json:"blacklist"`
	Faults    []*faultRec           `json:"faults,omitempty"`
	// BammFailures are the recent wrong isp_verifybamm attempts per filing number, for
	// the rate limit (return code 22).
	BammFailures map[string][]time.Time `json:"bammFailures,omitempty"`
}

func newState() *state {
	return &state{
		Format:   stateFormat,
		NextID:   100000,
		Serials:  map[string]int64{},
		ISPs:     map[int64]*ispState{},
		Subjects: map[int64]*subjectRec{},
		Sites:    map[int64]*siteRec{},
	}
}

func (st *state) newID() int64 {
	st.NextID++
	return st.NextID
}

// ispState is the bureau's side of one provider connection.
type ispState struct {
	ISPID int64 `json:"ispId"`
	// LastSeq is the last data sequence number accepted; LastUpload is that file.
	LastSeq    int64         `json:"lastSeq"`
	LastUpload *miit.Payload `json:"lastUpload,omitempty"`
	// Hashes are the beianInfoHash of every accepted sequence, to tell a harmless replay
	// from a forked sequence.
	Hashes  map[int64]string `json:"hashes"`
	Uploads []UploadLog      `json:"uploads"`
	// Files are the download files not yet acknowledged, oldest first.
	Files    []*feedFile `json:"files"`
	NextFile int64       `json:"nextFile"`
	// Acked are the names of acknowledged files (the most recent ones), so that a repeated
	// acknowledgement succeeds.
	Acked      []string             `json:"acked"`
	JCDMQueued bool                 `json:"jcdmQueued"`
	Answers    []VerificationAnswer `json:"answers"`
	Unfiled    []UnfiledResult      `json:"unfiled"`
	// UnfiledSent are the domains of the unfiled-site entries (WBAWZLB) sent, so that a
	// handling result for another domain can be flagged (5005).
	UnfiledSent []string         `json:"unfiledSent,omitempty"`
	Materials   []MaterialUpload `json:"materials"`
	Unsupported int              `json:"unsupported"`
}

// maxLog bounds the per-provider logs kept in the state file.
const maxLog = 1000

// person is a responsible person (负责人) as filed.
type person struct {
	Name     string `json:"name,omitempty"`
	Office   string `json:"office,omitempty"`
	Mobile   string `json:"mobile,omitempty"`
	Email    string `json:"email,omitempty"`
	MSN      string `json:"msn,omitempty"`
	QQ       string `json:"qq,omitempty"`
	IDType   *int64 `json:"idType,omitempty"`
	IDNumber string `json:"idNumber,omitempty"`
}

// subjectData is a subject's filed information (主体信息).
type subjectData struct {
	Name        string `json:"name"`
	Nature      *int64 `json:"nature,omitempty"`
	Investor    string `json:"investor,omitempty"`
	Province    int64  `json:"province"`
	City        int64  `json:"city"`
	County      *int64 `json:"county,omitempty"`
	Address     string `json:"address,omitempty"`
	CertType    int64  `json:"certType"`
	CertNumber  string `json:"certNumber"`
	CertAddress string `json:"certAddress"`
	Principal   person `json:"principal"`
	Mode        int64  `json:"mode"`
	Remark      string `json:"remark,omitempty"`
}

// approval is a pre-approval item (前置审批).
type approval struct {
	Type   int64    `json:"type"`
	Number string   `json:"number"`
	Files  []string `json:"files,omitempty"`
}

type domainRec struct {
	Ymid    int64  `json:"ymid,omitempty"`
	ISPYmid int64  `json:"ispYmid,omitempty"`
	Name    string `json:"name"`
}

type ipRec struct {
	Ipid    int64     `json:"ipid,omitempty"`
	ISPIpid int64     `json:"ispIpid,omitempty"`
	Start   miit.IPv4 `json:"start"`
	End     miit.IPv4 `json:"end"`
}

// accessRec is one provider's access to a site (接入信息).
type accessRec struct {
	Jrid      int64   `json:"jrid,omitempty"`
	ISPID     int64   `json:"ispId"`
	ISPJrid   int64   `json:"ispJrid,omitempty"`
	Locations []int64 `json:"locations"`
	Methods   []int64 `json:"methods"`
	IPs       []ipRec `json:"ips"`
}

// siteData is a website's (or, by Beian's convention, an APP's) filed information.
type siteData struct {
	Name      string      `json:"name"`
	Approvals []approval  `json:"approvals,omitempty"`
	Content   []int64     `json:"content"`
	Languages []int64     `json:"languages"`
	Domains   []domainRec `json:"domains"`
	Access    []accessRec `json:"access"`
	Principal person      `json:"principal"`
	HomeURL   string      `json:"homeUrl,omitempty"`
	Remark    string      `json:"remark,omitempty"`
}

// subjectRec is a filed subject in the bureau's database.
type subjectRec struct {
	Ztid    int64       `json:"ztid"`
	ISPZtid int64       `json:"ispZtid,omitempty"`
	FiledBy int64       `json:"filedBy"`
	Data    subjectData `json:"data"`
	// Province is the two-digit code of the filing province; Serial the digits of the
	// subject number.
	Province    string    `json:"province"`
	Serial      string    `json:"serial"`
	Password    string    `json:"password"`
	LastOrdinal int       `json:"lastOrdinal"`
	Sites       []int64   `json:"sites"`
	FiledAt     time.Time `json:"filedAt"`
	ChangedAt   time.Time `json:"changedAt"`
	Cancelled   bool      `json:"cancelled,omitempty"`
	CancelledAt time.Time `json:"cancelledAt,omitzero"`
}

// siteRec is a filed website or APP.
type siteRec struct {
	Wzid        int64     `json:"wzid"`
	Ztid        int64     `json:"ztid"`
	ISPWzid     int64     `json:"ispWzid,omitempty"`
	FiledBy     int64     `json:"filedBy"`
	Ordinal     int       `json:"ordinal"`
	App         *App      `json:"app,omitempty"`
	Data        siteData  `json:"data"`
	FiledAt     time.Time `json:"filedAt"`
	ChangedAt   time.Time `json:"changedAt"`
	Cancelled   bool      `json:"cancelled,omitempty"`
	CancelledAt time.Time `json:"cancelledAt,omitzero"`
}

// blacklist is what the bureau refuses (1064, 1065): subjects by certificate number and
// domains.
type blacklist struct {
	Certs   []string `json:"certs,omitempty"`
	Domains []string `json:"domains,omitempty"`
}

// feedFile is one download file waiting for its acknowledgement.
type feedFile struct {
	Name      string    `json:"name"`
	XML       []byte    `json:"xml"`
	Kinds     []string  `json:"kinds"`
	CreatedAt time.Time `json:"createdAt"`
	// Deliveries counts how often the file was handed out.
	Deliveries int `json:"deliveries"`
}
