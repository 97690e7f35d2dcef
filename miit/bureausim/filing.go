package bureausim

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// Operation is the kind of a filing, numbered as BAJG's Czlx (操作类型, spec 4-2-1-6).
type Operation int64

// The operations a provider uploads. 取消接入 is ZXBA with Zxlb 2, 注销主体 Zxlb 0 and
// 注销网站 Zxlb 1.
const (
	OpNewFiling     Operation = 1 // 新增备案 (XZBA)
	OpNewSite       Operation = 2 // 新增网站 (XZWZ)
	OpNewAccess     Operation = 3 // 新增接入 (XZJR)
	OpChange        Operation = 4 // 变更备案 (BGBA)
	OpCancelAccess  Operation = 5 // 取消接入 (ZXBA, Zxlb 2)
	OpCancelSubject Operation = 6 // 注销主体 (ZXBA, Zxlb 0)
	OpCancelSite    Operation = 7 // 注销网站 (ZXBA, Zxlb 1)
)

var opNames = map[Operation]struct{ name, zh, en string }{
	OpNewFiling:     {"new_filing", "新增备案", "new filing"},
	OpNewSite:       {"new_site", "新增网站", "new website"},
	OpNewAccess:     {"new_access", "新增接入", "new access"},
	OpChange:        {"change", "变更备案", "change"},
	OpCancelAccess:  {"cancel_access", "取消接入", "cancel access"},
	OpCancelSubject: {"cancel_subject", "注销主体", "cancel subject"},
	OpCancelSite:    {"cancel_site", "注销网站", "cancel website"},
}

// String returns the operation's short name, as rule files write it ("new_filing").
func (o Operation) String() string {
	if n, ok := opNames[o]; ok {
		return n.name
	}
	return "Operation(" + strconv.FormatInt(int64(o), 10) + ")"
}

// Text returns the operation's name in Chinese and English.
func (o Operation) Text() beian.Text {
	n := opNames[o]
	return beian.Text{ZH: n.zh, EN: n.en}
}

// ParseOperation reads a short name as String writes it.
func ParseOperation(s string) (Operation, bool) {
	for o, n := range opNames {
		if n.name == s {
			return o, true
		}
	}
	return 0, false
}

// FilingState is where a filing stands at the bureau.
type FilingState string

// Filing states. A filing starts in StateSMS (or StateReview when no SMS is due: 取消接入,
// remark-only changes) and ends approved, rejected or returned.
const (
	StateSMS      FilingState = "sms"      // 短信核验中: codes sent, 24-hour window running
	StateReview   FilingState = "review"   // 管局审核中
	StateApproved FilingState = "approved" // 管局审核通过 (1001)
	StateRejected FilingState = "rejected" // 管局审核拒绝 (1002)
	StateReturned FilingState = "returned" // 退回: SMS timeout (1102), wrong codes (1103), domain check (1104)
)

// Done reports whether the state is final.
func (s FilingState) Done() bool {
	return s == StateApproved || s == StateRejected || s == StateReturned
}

// Filing is one uploaded record (a Baxx, Xzxx, Bgxx or Zx_xx) as the bureau processes it,
// from acceptance to its result. Policies decide on it; tests and the admin page read it.
// SubjectCertNumber is personal data for individuals: do not log it.
type Filing struct {
	ID        string
	ISPID     int64
	Operation Operation
	// Bs is the result identifier BAJG will carry (spec 4-2-1-6): our IspZtid for a new
	// filing, the subject number or Ztid for a new website, the site number or Wzid for a
	// new access, Ztid for a change, Jlid for a cancellation.
	Bs           string
	DataSequence int64
	State        FilingState
	Province     beian.Province
	// Subject: for a new filing the proposed subject, otherwise the filed one (with a
	// change's proposed values).
	SubjectName       string
	SubjectNature     int64
	SubjectCertType   int64
	SubjectCertNumber string
	Individual        bool
	SubjectNumber     string
	// Sites are the websites and APPs the filing adds, changes or cancels (none for a
	// change of the subject alone).
	Sites []FilingSite
	// Blacklisted lists the blacklist entries (certificate numbers, domains) the filing
	// touches; DefaultPolicy rejects such filings.
	Blacklisted []string
	// Mobiles are the numbers verification codes were sent to.
	Mobiles     []string
	SubmittedAt time.Time
	SMSDeadline time.Time
	ReviewStart time.Time
	ReviewDue   time.Time
	DecidedAt   time.Time
	// Result is the final BAJG code: 1001, 1002 or an extension code (1102–1104).
	Result  miit.ResultCode
	Opinion string
}

// FilingSite is a website or APP in a filing.
type FilingSite struct {
	Wzid    int64
	Name    string
	Domains []string
	HomeURL string
	Remark  string
	// App is set for an APP service (Beian's APP convention, see the package doc).
	App *App
	// Number is the service's ICP number once issued.
	Number string
}

// filing is the internal form of a Filing, with everything needed to apply it.
type filing struct {
	ID          string      `json:"id"`
	ISPID       int64       `json:"ispId"`
	Op          Operation   `json:"op"`
	Bs          string      `json:"bs,omitempty"`
	Seq         int64       `json:"seq"`
	State       FilingState `json:"state"`
	Province    string      `json:"province"`
	SubmittedAt time.Time   `json:"submittedAt"`
	// Targets: the filed objects the operation concerns.
	Ztid int64 `json:"ztid,omitempty"`
	Wzid int64 `json:"wzid,omitempty"`
	Jrid int64 `json:"jrid,omitempty"`
	// Proposed data.
	ISPZtid        int64          `json:"ispZtid,omitempty"`
	Subject        *subjectData   `json:"subject,omitempty"`
	SubjectChanged bool           `json:"subjectChanged,omitempty"`
	Sites          []siteProposal `json:"sites,omitempty"`
	Access         *accessRec     `json:"access,omitempty"`
	CancelReason   int64          `json:"cancelReason,omitempty"`
	CancelNote     string         `json:"cancelNote,omitempty"`
	// SMS verification.
	SMSDeadline time.Time  `json:"smsDeadline,omitzero"`
	Codes       []*smsCode `json:"codes,omitempty"`
	WrongStreak int        `json:"wrongStreak,omitempty"`
	// Review.
	ReviewStart time.Time `json:"reviewStart,omitzero"`
	ReviewDue   time.Time `json:"reviewDue,omitzero"`
	Decision    *Decision `json:"decision,omitempty"`
	DecidedAt   time.Time `json:"decidedAt,omitzero"`
	Result      int64     `json:"result,omitempty"`
	Opinion     string    `json:"opinion,omitempty"`
	Numbers     []string  `json:"numbers,omitempty"`
}

// siteProposal is a site as a filing proposes it.
type siteProposal struct {
	Wzid    int64    `json:"wzid,omitempty"` // 0 for a new site
	ISPWzid int64    `json:"ispWzid,omitempty"`
	Data    siteData `json:"data"`
	App     *App     `json:"app,omitempty"`
	Changed bool     `json:"changed,omitempty"`
	// NewDomains are the domains a change adds (domain verification covers only them).
	NewDomains []string `json:"newDomains,omitempty"`
	Number     string   `json:"number,omitempty"`
}

// smsCode is the verification code of one mobile in one filing.
type smsCode struct {
	Mobile     string    `json:"mobile"`
	Code       string    `json:"code"`
	Roles      []string  `json:"roles"`
	IDs        []string  `json:"ids,omitempty"` // accepted ID-number endings (last 6, upper case)
	Verified   bool      `json:"verified,omitempty"`
	VerifiedAt time.Time `json:"verifiedAt,omitzero"`
	Resends    int       `json:"resends,omitempty"`
}

// SMS verification limits (spec §4.4, since 2020-08-17).
const (
	// SMSWindow is how long codes may be entered before the filing is returned (1102).
	SMSWindow = 24 * time.Hour
	// SMSMaxResends is how often a code may be resent per mobile and filing.
	SMSMaxResends = 2
	// SMSMaxWrong is how many wrong entries in a row are tolerated; the next one returns
	// the filing (1103).
	SMSMaxWrong = 5
)

// view turns an internal filing into its exported form. Caller holds mu.
func (s *Sim) view(f *filing) Filing {
	v := Filing{
		ID: f.ID, ISPID: f.ISPID, Operation: f.Op, Bs: f.Bs, DataSequence: f.Seq, State: f.State,
		SubmittedAt: f.SubmittedAt, SMSDeadline: f.SMSDeadline, ReviewStart: f.ReviewStart,
		ReviewDue: f.ReviewDue, DecidedAt: f.DecidedAt, Result: miit.ResultCode(f.Result), Opinion: f.Opinion,
	}
	v.Province, _ = beian.ProvinceByCode(f.Province)
	subj := f.Subject
	if sr := s.st.Subjects[f.subjectID(s)]; sr != nil {
		v.SubjectNumber = sr.number()
		if subj == nil {
			subj = &sr.Data
		}
	}
	if subj != nil {
		v.SubjectName = subj.Name
		if subj.Nature != nil {
			v.SubjectNature = *subj.Nature
		}
		v.SubjectCertType = subj.CertType
		v.SubjectCertNumber = subj.CertNumber
		v.Individual = isIndividual(subj)
	}
	for _, p := range f.Sites {
		fs := FilingSite{Wzid: p.Wzid, Name: p.Data.Name, HomeURL: p.Data.HomeURL, Remark: p.Data.Remark, App: p.App, Number: p.Number}
		for _, d := range p.Data.Domains {
			fs.Domains = append(fs.Domains, d.Name)
		}
		v.Sites = append(v.Sites, fs)
	}
	if len(f.Sites) == 0 && f.Wzid != 0 {
		if sr := s.st.Sites[f.Wzid]; sr != nil {
			fs := FilingSite{Wzid: sr.Wzid, Name: sr.Data.Name, HomeURL: sr.Data.HomeURL, Remark: sr.Data.Remark, App: sr.App, Number: s.siteNumber(sr)}
			for _, d := range sr.Data.Domains {
				fs.Domains = append(fs.Domains, d.Name)
			}
			v.Sites = append(v.Sites, fs)
		}
	}
	for _, c := range f.Codes {
		v.Mobiles = append(v.Mobiles, c.Mobile)
	}
	v.Blacklisted = s.blacklistHits(f)
	return v
}

// subjectID is the Ztid the filing concerns, 0 for a new filing before approval.
func (f *filing) subjectID(s *Sim) int64 {
	switch {
	case f.Ztid != 0:
		return f.Ztid
	case f.Wzid != 0:
		if sr := s.st.Sites[f.Wzid]; sr != nil {
			return sr.Ztid
		}
	case f.Jrid != 0:
		if sr, _ := s.findAccess(f.Jrid); sr != nil {
			return sr.Ztid
		}
	}
	return 0
}

func isIndividual(d *subjectData) bool {
	return d.Nature != nil && *d.Nature == NatureIndividual || d.Nature == nil && knownIndividualCert(d.CertType)
}

// newFiling registers a filing that passed the record checks. Caller holds mu.
func (s *Sim) newFiling(f *filing, now time.Time) *filing {
	s.st.NextFiling++
	f.ID = fmt.Sprintf("F%06d", s.st.NextFiling)
	f.SubmittedAt = now
	s.st.Filings = append(s.st.Filings, f)
	s.dirty = true
	return f
}

// submit runs what a bureau does with an accepted filing: domain verification, then SMS
// verification, or the review straight away when no SMS is due. Caller holds mu.
func (s *Sim) submit(f *filing, now time.Time) {
	if reason := s.domainCheck(f); reason != "" {
		s.returnFiling(f, now, ResultDomainCheckFailed, reason)
		return
	}
	recipients := s.smsRecipients(f)
	if len(recipients) == 0 {
		s.log.Info("filing accepted, no SMS verification due", "filing", f.ID, "op", f.Op.String())
		s.startReview(f, now, false)
		return
	}
	f.State = StateSMS
	f.SMSDeadline = now.Add(SMSWindow)
	f.Codes = recipients
	for _, c := range f.Codes {
		c.Code = s.newCode()
		s.sendCode(f, c, now)
	}
	s.log.Info("filing accepted, SMS verification started", "filing", f.ID, "op", f.Op.String(), "codes", len(f.Codes))
}

// domainCheck is 域名核验: every domain the filing adds must have an approved TLD, and an
// APP's domains must not be written as www. host names (spec §6.2 rules 1 and 10). It
// returns the reason for failure, "" when the check passes.
func (s *Sim) domainCheck(f *filing) string {
	for _, p := range f.Sites {
		domains := p.NewDomains
		if p.Wzid == 0 {
			domains = nil
			for _, d := range p.Data.Domains {
				domains = append(domains, d.Name)
			}
		}
		for _, d := range domains {
			if tld, ok := s.tlds.approved(d); !ok {
				return fmt.Sprintf("域名“%s”的顶级域“.%s”不在工业和信息化部批准的顶级域名范围内（domain %s: TLD .%s is not approved by MIIT）", d, tld, d, tld)
			}
			if p.App != nil && strings.HasPrefix(d, "www.") {
				return fmt.Sprintf("APP域名“%s”不得以www.开头（APP domain %s must not be a www. host name）", d, d)
			}
		}
	}
	return ""
}

// smsRecipients applies the routing table of spec §4.4: one code per distinct mobile of the
// responsible persons concerned. Caller holds mu.
func (s *Sim) smsRecipients(f *filing) []*smsCode {
	var out []*smsCode
	add := func(role string, p person, fallbackID string) {
		m := firstMobile(p.Mobile)
		if m == "" {
			return
		}
		id := p.IDNumber
		if id == "" {
			id = fallbackID
		}
		var c *smsCode
		for _, e := range out {
			if e.Mobile == m {
				c = e
			}
		}
		if c == nil {
			c = &smsCode{Mobile: m}
			out = append(out, c)
		}
		c.Roles = append(c.Roles, role)
		if id != "" {
			c.IDs = appendUnique(c.IDs, idLast6(id))
		}
	}
	subjectPerson := func(d *subjectData) {
		fallback := ""
		if isIndividual(d) {
			fallback = d.CertNumber // an individual is their own principal
		}
		add("主体负责人 subject principal", d.Principal, fallback)
	}
	sitePerson := func(d *siteData) {
		add("网站/APP负责人 service principal: "+d.Name, d.Principal, "")
	}
	switch f.Op {
	case OpNewFiling:
		subjectPerson(f.Subject)
		for i := range f.Sites {
			sitePerson(&f.Sites[i].Data)
		}
	case OpNewSite:
		for i := range f.Sites {
			sitePerson(&f.Sites[i].Data)
		}
	case OpNewAccess:
		if sr := s.st.Sites[f.Wzid]; sr != nil {
			sitePerson(&sr.Data) // the number on record at the bureau
		}
	case OpChange:
		if f.SubjectChanged && f.Subject != nil {
			subjectPerson(f.Subject) // a changed number is verified at its new value
		}
		for i := range f.Sites {
			if f.Sites[i].Changed {
				sitePerson(&f.Sites[i].Data)
			}
		}
	case OpCancelSubject:
		if sr := s.st.Subjects[f.Ztid]; sr != nil {
			subjectPerson(&sr.Data)
		}
	case OpCancelSite:
		if sr := s.st.Sites[f.Wzid]; sr != nil {
			sitePerson(&sr.Data)
		}
	case OpCancelAccess:
		// 取消接入 is the one operation without SMS verification.
	}
	return out
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// firstMobile returns the first of the mobiles in a Fzr_sjhm field ("可填多个，用“;”分隔"):
// the number a code goes to, digits only.
func firstMobile(field string) string {
	for _, part := range strings.FieldsFunc(field, func(r rune) bool { return r == ';' || r == '；' || r == ',' }) {
		if m := normalizeMobile(part); m != "" {
			return m
		}
	}
	return ""
}

// normalizeMobile keeps the digits of a mobile number and drops a +86 prefix.
func normalizeMobile(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	return d
}

func idLast6(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	r := []rune(id)
	if len(r) > 6 {
		r = r[len(r)-6:]
	}
	return string(r)
}

// newCode draws a 6-digit verification code. Caller holds mu.
func (s *Sim) newCode() string {
	var b [4]byte
	if _, err := io.ReadFull(s.randReader(), b[:]); err != nil {
		s.log.Error("bureau simulator: random source failed", "err", err)
	}
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1000000
	return fmt.Sprintf("%06d", n)
}

// sendCode puts the code's SMS in the phone inbox. Caller holds mu.
func (s *Sim) sendCode(f *filing, c *smsCode, now time.Time) {
	what := s.filingTitle(f)
	text := fmt.Sprintf("【工业和信息化部ICP备案】您的短信核验码为%s，用于%s（%s）。请于%s前在短信核验页面输入核验码、手机号码和证件号码后六位完成核验，逾期备案将被退回。",
		c.Code, f.Op.Text().ZH, what, f.SMSDeadline.In(beian.ChinaTime).Format("2006-01-02 15:04"))
	s.sms(c.Mobile, SMSCode, c.Code, f.ID, text, now)
}

// filingTitle names a filing for messages: its first site, else its subject.
func (s *Sim) filingTitle(f *filing) string {
	v := s.view(f)
	switch {
	case len(v.Sites) > 1:
		return fmt.Sprintf("%s等%d个网站/APP", v.Sites[0].Name, len(v.Sites))
	case len(v.Sites) == 1:
		return v.Sites[0].Name
	}
	return v.SubjectName
}

// SMSKind says what a text message is.
type SMSKind string

// Kinds of text messages the simulated MIIT gateway sends.
const (
	SMSCode     SMSKind = "code"     // a verification code (短信核验码)
	SMSPassword SMSKind = "password" // the filing password issued with a new subject number
	SMSNotice   SMSKind = "notice"   // a result: approved, rejected or returned
)

// SMS is one text message in the simulated phone inbox.
type SMS struct {
	ID       int64     `json:"id"`
	Mobile   string    `json:"mobile"`
	Kind     SMSKind   `json:"kind"`
	Code     string    `json:"code,omitempty"`
	FilingID string    `json:"filingId,omitempty"`
	Text     string    `json:"text"`
	SentAt   time.Time `json:"sentAt"`
}

// sms records a message in the inbox. Caller holds mu.
func (s *Sim) sms(mobile string, kind SMSKind, code, filingID, text string, now time.Time) {
	s.st.NextSMS++
	s.st.SMS = append(s.st.SMS, &SMS{ID: s.st.NextSMS, Mobile: mobile, Kind: kind, Code: code, FilingID: filingID, Text: text, SentAt: now})
	s.dirty = true
	s.log.Info("SMS sent", "mobile", maskMobile(mobile), "kind", string(kind), "filing", filingID)
}

// VerifyOutcome is the result of one entry on the verification page.
type VerifyOutcome string

// Outcomes of Verify.
const (
	VerifyOK       VerifyOutcome = "verified" // the code was right
	VerifyDone     VerifyOutcome = "done"     // nothing left to verify for this mobile
	VerifyWrong    VerifyOutcome = "wrong"    // code or ID wrong; the filing stays open
	VerifyReturned VerifyOutcome = "returned" // the 6th wrong entry in a row: the filing was returned
	VerifyUnknown  VerifyOutcome = "unknown"  // no filing waits for this mobile
)

// VerifyResult is what the verification page shows.
type VerifyResult struct {
	Outcome VerifyOutcome
	// Filings are the filings the entry concerned.
	Filings []string
	// Remaining is the number of further wrong entries tolerated (for VerifyWrong).
	Remaining int
	// Complete is true when the entry completed a filing's verification: it went to review.
	Complete bool
	Message  beian.Text
}

// Verify is one entry on the verification page (短信核验): the code, the mobile it was sent
// to and the last six characters of the person's ID number. A right entry verifies that
// mobile's code in every filing that waits for it; when all codes of a filing are verified
// it goes to bureau review. A wrong entry counts against the filings waiting for that
// mobile; the sixth in a row returns them (1103).
func (s *Sim) Verify(mobile, code, idLast6 string) (VerifyResult, error) {
	now, err := s.begin()
	if err != nil {
		return VerifyResult{}, err
	}
	defer s.end()
	return s.verifyLocked(mobile, code, idLast6, now), nil
}

func (s *Sim) pendingFor(mobile string) []*filing {
	var out []*filing
	for _, f := range s.st.Filings {
		if f.State != StateSMS {
			continue
		}
		for _, c := range f.Codes {
			if c.Mobile == mobile && !c.Verified {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func (f *filing) code(mobile string) *smsCode {
	for _, c := range f.Codes {
		if c.Mobile == mobile {
			return c
		}
	}
	return nil
}

func (s *Sim) verifyLocked(mobile, code, id string, now time.Time) VerifyResult {
	mobile = normalizeMobile(mobile)
	code = strings.TrimSpace(code)
	id = strings.ToUpper(strings.TrimSpace(id))
	pending := s.pendingFor(mobile)
	if len(pending) == 0 {
		return VerifyResult{Outcome: VerifyUnknown, Message: beian.Text{
			ZH: "该手机号码没有待核验的备案。请核对手机号码。",
			EN: "No filing is waiting for verification with this mobile number. Check the number.",
		}}
	}
	var res VerifyResult
	for _, f := range pending {
		res.Filings = append(res.Filings, f.ID)
		c := f.code(mobile)
		idOK := len(c.IDs) == 0 || slices.Contains(c.IDs, id) // no ID on record: not checked
		if c.Code == code && idOK {
			c.Verified, c.VerifiedAt = true, now
			f.WrongStreak = 0
			res.Outcome = VerifyOK
			s.dirty = true
			s.log.Info("SMS code verified", "filing", f.ID, "mobile", maskMobile(mobile))
			if f.allVerified() {
				res.Complete = true
				s.startReview(f, now, true)
			}
		}
	}
	if res.Outcome == VerifyOK {
		res.Message = beian.Text{ZH: "短信核验成功。", EN: "SMS verification succeeded."}
		if res.Complete {
			res.Message = beian.Text{ZH: "短信核验成功，备案已提交管局审核。", EN: "SMS verification succeeded; the filing is now under bureau review."}
		}
		return res
	}
	res.Outcome, res.Remaining = VerifyWrong, SMSMaxWrong
	for _, f := range pending {
		f.WrongStreak++
		s.dirty = true
		if f.WrongStreak > SMSMaxWrong {
			s.returnFiling(f, now, ResultSMSTooManyErrors, "")
			res.Outcome = VerifyReturned
			continue
		}
		res.Remaining = min(res.Remaining, SMSMaxWrong+1-f.WrongStreak)
	}
	if res.Outcome == VerifyReturned {
		res.Remaining = 0
		res.Message = beian.Text{
			ZH: "核验信息连续错误次数超限，备案已被退回。请联系接入商重新提交。",
			EN: "Too many wrong entries in a row: the filing was returned. Ask the provider to submit it again.",
		}
		return res
	}
	res.Message = beian.Text{
		ZH: fmt.Sprintf("核验码、手机号码或证件号码后六位有误。再错%d次备案将被退回。", res.Remaining),
		EN: fmt.Sprintf("The code, mobile number or last six ID characters are wrong. %d more wrong entries will return the filing.", res.Remaining),
	}
	return res
}

func (f *filing) allVerified() bool {
	for _, c := range f.Codes {
		if !c.Verified {
			return false
		}
	}
	return true
}

// Resend sends a new code to the mobile for every filing that waits for it, replacing the
// old one (which stops working). Each mobile may get SMSMaxResends new codes per filing; the
// SMS window is not extended. It fails when no filing waits for the mobile or the resends
// are used up.
func (s *Sim) Resend(mobile string) error {
	now, err := s.begin()
	if err != nil {
		return err
	}
	defer s.end()
	return s.resendLocked(mobile, now)
}

// ErrNoPendingCode is returned by Resend for a mobile no filing waits for.
var ErrNoPendingCode = errors.New("bureausim: no filing waits for a code on this mobile")

// ErrResendLimit is returned by Resend when the mobile's resends are used up.
var ErrResendLimit = fmt.Errorf("bureausim: a code may be resent at most %d times", SMSMaxResends)

func (s *Sim) resendLocked(mobile string, now time.Time) error {
	mobile = normalizeMobile(mobile)
	pending := s.pendingFor(mobile)
	if len(pending) == 0 {
		return ErrNoPendingCode
	}
	sent := 0
	for _, f := range pending {
		c := f.code(mobile)
		if c.Resends >= SMSMaxResends {
			continue
		}
		c.Resends++
		c.Code = s.newCode()
		s.sendCode(f, c, now)
		sent++
	}
	if sent == 0 {
		return ErrResendLimit
	}
	return nil
}

// SentCodes returns the verification codes sent to a mobile, newest first.
func (s *Sim) SentCodes(mobile string) []SMS {
	var out []SMS
	for _, m := range s.Inbox(mobile) {
		if m.Kind == SMSCode {
			out = append(out, m)
		}
	}
	return out
}

// Inbox returns every message sent to a mobile (all mobiles when mobile is ""), newest
// first.
func (s *Sim) Inbox(mobile string) []SMS {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	mobile = normalizeMobile(mobile)
	var out []SMS
	for i := len(s.st.SMS) - 1; i >= 0; i-- {
		if m := s.st.SMS[i]; mobile == "" || m.Mobile == mobile {
			out = append(out, *m)
		}
	}
	return out
}

// startReview moves a filing to bureau review, asking the policy for the decision and its
// duration. viaSMS says the filing passed SMS verification (result 1101 is sent). Caller
// holds mu.
func (s *Sim) startReview(f *filing, now time.Time, viaSMS bool) {
	d := s.cfg.Policy(s.view(f))
	after := d.After
	if after == 0 {
		after = s.cfg.ReviewWorkdays
	}
	after = max(Immediately, min(after, MaxReviewWorkdays))
	f.State = StateReview
	f.ReviewStart = now
	f.ReviewDue = s.addWorkdays(now, after)
	f.Decision = &d
	s.dirty = true
	if viaSMS {
		s.emitResult(f.ISPID, f.Op, f.Bs, "", result{ResultSMSVerified, ResultText(ResultSMSVerified)})
	}
	s.log.Info("filing under bureau review", "filing", f.ID, "due", f.ReviewDue.Format(time.RFC3339))
}

// addWorkdays returns the same time of day n working days after t (t itself for n ≤ 0).
// Outside the years the calendar covers, Monday to Friday count as working days.
func (s *Sim) addWorkdays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	end, err := s.cfg.Calendar.AddWorkdays(t, n)
	if err != nil {
		s.log.Warn("working-day calendar has no data; counting weekdays", "err", err)
		d := t
		for n > 0 {
			d = d.AddDate(0, 0, 1)
			if wd := d.In(beian.ChinaTime).Weekday(); wd != time.Saturday && wd != time.Sunday {
				n--
			}
		}
		return d
	}
	local := t.In(beian.ChinaTime)
	y, m, dd := end.In(beian.ChinaTime).Date()
	return time.Date(y, m, dd, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), beian.ChinaTime).UTC()
}

// advance processes everything due at now, earliest first: SMS windows that closed and
// reviews that finished. Each event happens at its own due time. Caller holds mu.
func (s *Sim) advance(now time.Time) {
	for {
		var next *filing
		var at time.Time
		for _, f := range s.st.Filings {
			var due time.Time
			switch f.State {
			case StateSMS:
				due = f.SMSDeadline
			case StateReview:
				due = f.ReviewDue
			default:
				continue
			}
			if !due.After(now) && (next == nil || due.Before(at)) {
				next, at = f, due
			}
		}
		if next == nil {
			return
		}
		if next.State == StateSMS {
			s.returnFiling(next, at, ResultSMSTimeout, "")
		} else {
			s.finishReview(next, at)
		}
	}
}

// returnFiling ends a filing without review (退回) with an extension result code. Caller
// holds mu.
func (s *Sim) returnFiling(f *filing, at time.Time, code miit.ResultCode, detail string) {
	f.State = StateReturned
	f.DecidedAt = at
	f.Result = int64(code)
	f.Opinion = ResultText(code)
	if detail != "" {
		f.Opinion += "：" + detail
	}
	s.dirty = true
	s.emitResult(f.ISPID, f.Op, f.Bs, "", result{code, f.Opinion})
	s.notify(f, at, fmt.Sprintf("【工业和信息化部ICP备案】您的%s申请（%s）%s", f.Op.Text().ZH, s.filingTitle(f), f.Opinion))
	s.log.Info("filing returned", "filing", f.ID, "code", int(code))
}

// finishReview applies the review's decision. A decision to approve becomes a rejection
// when the filing now touches the blacklist or can no longer be applied (the records
// changed meanwhile). Caller holds mu.
func (s *Sim) finishReview(f *filing, at time.Time) {
	d := Decision{Approve: true}
	if f.Decision != nil {
		d = *f.Decision
	}
	if hits := s.blacklistHits(f); d.Approve && len(hits) > 0 {
		d = Decision{Opinion: "备案信息涉及黑名单（" + strings.Join(maskAll(hits), "、") + "），不予通过。"}
	}
	if d.Approve {
		if err := s.apply(f, at); err != nil {
			d = Decision{Opinion: "备案信息已发生变化，请核实后重新报备：" + err.Error()}
		}
	}
	f.DecidedAt = at
	f.Opinion = d.Opinion
	s.dirty = true
	if d.Approve {
		f.State, f.Result = StateApproved, int64(ResultApproved)
		if f.Opinion == "" {
			f.Opinion = "同意"
		}
		s.emitReview(f, true, at)
		if f.Op != OpNewFiling && f.Op != OpNewSite { // those two text their numbers themselves
			s.notify(f, at, fmt.Sprintf("【工业和信息化部ICP备案】您的%s申请（%s）已审核通过。", f.Op.Text().ZH, s.filingTitle(f)))
		}
		s.log.Info("filing approved", "filing", f.ID, "numbers", len(f.Numbers))
		return
	}
	f.State, f.Result = StateRejected, int64(ResultRejected)
	if f.Opinion == "" {
		f.Opinion = "备案信息不符合要求。"
	}
	s.emitReview(f, false, at)
	s.notify(f, at, fmt.Sprintf("【工业和信息化部ICP备案】您的%s申请（%s）未通过管局审核。审核意见：%s", f.Op.Text().ZH, s.filingTitle(f), f.Opinion))
	s.log.Info("filing rejected", "filing", f.ID)
}

// notify texts a filing's result to the responsible person concerned: the subject's
// principal, or for site-level operations the first site's principal.
func (s *Sim) notify(f *filing, at time.Time, text string) {
	var m string
	switch {
	case f.Subject != nil:
		m = firstMobile(f.Subject.Principal.Mobile)
	case len(f.Sites) > 0:
		m = firstMobile(f.Sites[0].Data.Principal.Mobile)
	case f.Wzid != 0 && s.st.Sites[f.Wzid] != nil:
		m = firstMobile(s.st.Sites[f.Wzid].Data.Principal.Mobile)
	case s.st.Subjects[f.subjectID(s)] != nil:
		m = firstMobile(s.st.Subjects[f.subjectID(s)].Data.Principal.Mobile)
	}
	if m != "" {
		s.sms(m, SMSNotice, "", f.ID, text, at)
	}
}

// Filings returns every filing, oldest first.
func (s *Sim) Filings() []Filing {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	out := make([]Filing, 0, len(s.st.Filings))
	for _, f := range s.st.Filings {
		out = append(out, s.view(f))
	}
	return out
}

// Filing returns one filing by ID.
func (s *Sim) Filing(id string) (Filing, bool) {
	if _, err := s.begin(); err != nil {
		return Filing{}, false
	}
	defer s.end()
	for _, f := range s.st.Filings {
		if f.ID == id {
			return s.view(f), true
		}
	}
	return Filing{}, false
}

// Decide ends a filing's bureau review now, overriding the policy's decision: the admin
// page's "审核" buttons use it, and so can tests. It fails for a filing not under review.
func (s *Sim) Decide(id string, approve bool, opinion string) error {
	now, err := s.begin()
	if err != nil {
		return err
	}
	defer s.end()
	for _, f := range s.st.Filings {
		if f.ID != id {
			continue
		}
		if f.State != StateReview {
			return fmt.Errorf("bureausim: filing %s is %s, not under review", id, f.State)
		}
		f.Decision = &Decision{Approve: approve, Opinion: opinion}
		s.finishReview(f, now)
		return nil
	}
	return fmt.Errorf("bureausim: no filing %s", id)
}
