package bureausim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/workday"
)

// ISPAccount is one access provider's connection to the bureau: the communication parameters
// a provincial bureau issues when a provider registers its interface server (market.md §3.1).
// The simulator never persists them: they come from Config on every start, so that a state
// file never holds a password.
type ISPAccount struct {
	// ISPID is the provider's ispId, also its reporting-unit ID (Qqdwid, Bbdw, Ispid).
	ISPID int64
	// Name is the provider's name, listed in the JCDM reporting-unit table (报备单位).
	Name string
	// UserName and Password authenticate every call (pwdHash over the 20-character randVal).
	UserName string
	Password string
	// Key and IV are the AES-128-CBC key and IV, 16 ASCII characters each. When set, the
	// simulator encrypts every download for this provider and decrypts AES uploads; when
	// both are empty, downloads are sent unencrypted and only plain uploads are accepted.
	Key, IV string
	// Province is the two-digit GB/T 2260 code of the provider's province ("11" 北京). The
	// provider reports to that province's bureau, which holds only that province's
	// subjects: records of other provinces get result code 1045.
	Province string
	// Disabled withdraws the reporting right: every call gets return code 19.
	Disabled bool
}

// DefaultISP is the demo provider used when Config.ISPs is empty, so that the zero-config
// `beian serve` and a bare `beian bureau-sim` work out of the box. Its credentials are
// public: never use them outside a demo.
var DefaultISP = ISPAccount{
	ISPID:    110000000211,
	Name:     "Beian演示接入商 (Beian demo provider)",
	UserName: "beian-demo",
	Password: "beian-demo-password",
	Key:      "BeianDemoKey0001",
	IV:       "BeianDemoIV00001",
	Province: "11",
}

// Credentials returns the account's call credentials in the form miit.Client takes.
func (a ISPAccount) Credentials() miit.Credentials {
	return miit.Credentials{ISPID: a.ISPID, UserName: a.UserName, Password: a.Password}
}

// AESKey returns the account's payload key, or nil when it has none.
func (a ISPAccount) AESKey() (*miit.AESKey, error) {
	if a.Key == "" && a.IV == "" {
		return nil, nil
	}
	return miit.NewAESKey(a.Key, a.IV)
}

// String hides the password and the key.
func (a ISPAccount) String() string {
	return fmt.Sprintf("ispId=%d userName=%s province=%s", a.ISPID, a.UserName, a.Province)
}

// Immediately, as a number of working days (Config.ReviewWorkdays, Decision.After), makes a
// bureau review finish the moment it starts. Demos and tests use it.
const Immediately = -1

// DefaultReviewWorkdays is the review duration when Config.ReviewWorkdays is 0. Real bureaus
// take 1–20 working days (spec §4.5).
const DefaultReviewWorkdays = 3

// MaxReviewWorkdays is the longest review the spec allows (spec §4.5: 1–20 working days).
const MaxReviewWorkdays = 20

// DefaultMaxUploadBytes is the spec's limit on one uploaded XML file (3-3-1-3: 50 MB).
const DefaultMaxUploadBytes = 50 << 20

// Config configures a simulator. The zero value is usable: one demo provider (DefaultISP),
// the system clock, the official working-day calendar, a 3-working-day review, the default
// policy and no persistence.
type Config struct {
	// ISPs are the providers allowed to connect; empty means DefaultISP alone. ISP IDs must
	// be unique.
	ISPs []ISPAccount
	// Clock is the simulator's time; nil means the system clock. Tests inject a settable
	// clock; every timer (SMS window, review) reads it, nothing sleeps.
	Clock beian.Clock
	// Speedup, when positive, accelerates Clock for demos: one day of simulated time (a
	// working day or not) passes every Speedup of real time, so with 10*time.Minute a
	// 3-working-day review on a weekday takes half an hour, and the 24-hour SMS window
	// lasts ten real minutes (choose a value that leaves a demo user time to type the code).
	// The accelerated time is persisted, so it never runs backwards across restarts.
	Speedup time.Duration
	// Calendar is the working-day calendar the review duration is counted in; nil means
	// workday.New(). Outside the years it covers, weekdays count as working days.
	Calendar *workday.Calendar
	// ReviewWorkdays is how long a bureau review takes when the policy does not say: 0
	// means DefaultReviewWorkdays, Immediately means no delay, at most MaxReviewWorkdays.
	ReviewWorkdays int
	// Policy decides each review; nil means DefaultPolicy(RejectWords).
	Policy Policy
	// RejectWords are the words that make DefaultPolicy reject a site or APP name; nil
	// means DefaultRejectWords. Ignored when Policy is set.
	RejectWords []string
	// ApprovedTLDs are the top-level domains domain verification (域名核验) accepts,
	// without the leading dot ("cn", "com", "中国"); nil means the embedded list
	// (ApprovedTLDs()).
	ApprovedTLDs []string
	// Dir, when set, is where the state is persisted (bureausim.json, written atomically
	// after every change and loaded on start). One simulator per directory.
	Dir string
	// Logger receives operational events; nil discards them. Mobiles and ID numbers are
	// masked before they reach it.
	Logger *slog.Logger
	// MaxUploadBytes caps an uploaded XML file (return code 18); 0 means
	// DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// RefuseCancelOnlyAccess makes 取消接入 of a site's only access fail with result code
	// 1025, as V3.0 bureaus once did. By default the access is cancelled and the site
	// becomes an empty shell (空壳网站), which is what bureaus do today (spec §3 type 8, §9.5).
	RefuseCancelOnlyAccess bool
	// ReviewerName and ReviewerPhone appear as Shrxm and Shr_dhhm in review opinions;
	// defaults "管局审核员" and "010-12345678".
	ReviewerName  string
	ReviewerPhone string
	// Rand is the randomness for SMS codes, filing passwords and random faults; nil means
	// crypto/rand. Tests may pass a deterministic reader.
	Rand io.Reader
}

// DefaultRejectWords are the words DefaultPolicy rejects in site and APP names: the
// sensitive words of spec §6.5 rule 1.
var DefaultRejectWords = []string{"赌博", "博彩", "色情", "反腐", "廉政"}

// normalized returns a copy of c with defaults filled in, or an error for a configuration
// that cannot work.
func (c Config) normalized() (Config, error) {
	if len(c.ISPs) == 0 {
		c.ISPs = []ISPAccount{DefaultISP}
	} else {
		c.ISPs = append([]ISPAccount(nil), c.ISPs...)
	}
	seen := map[int64]bool{}
	var errs []error
	for i, a := range c.ISPs {
		switch {
		case a.ISPID <= 0:
			errs = append(errs, fmt.Errorf("ISPs[%d]: ISPID must be positive", i))
		case seen[a.ISPID]:
			errs = append(errs, fmt.Errorf("ISPs[%d]: duplicate ISPID %d", i, a.ISPID))
		}
		seen[a.ISPID] = true
		if a.UserName == "" || a.Password == "" {
			errs = append(errs, fmt.Errorf("ISPs[%d]: UserName and Password are required", i))
		}
		if _, err := a.AESKey(); err != nil {
			errs = append(errs, fmt.Errorf("ISPs[%d]: %w", i, err))
		}
		if a.Province == "" {
			c.ISPs[i].Province = "11"
		} else if _, ok := beian.ProvinceByCode(a.Province); !ok || len(a.Province) != 2 {
			errs = append(errs, fmt.Errorf("ISPs[%d]: province %q is not a two-digit province code", i, a.Province))
		}
		if a.Name == "" {
			c.ISPs[i].Name = fmt.Sprintf("接入商 %d", a.ISPID)
		}
	}
	if c.Clock == nil {
		c.Clock = beian.SystemClock{}
	}
	if c.Calendar == nil {
		c.Calendar = workday.New()
	}
	switch {
	case c.ReviewWorkdays == 0:
		c.ReviewWorkdays = DefaultReviewWorkdays
	case c.ReviewWorkdays < Immediately || c.ReviewWorkdays > MaxReviewWorkdays:
		errs = append(errs, fmt.Errorf("ReviewWorkdays %d outside %d..%d", c.ReviewWorkdays, Immediately, MaxReviewWorkdays))
	}
	if c.RejectWords == nil {
		c.RejectWords = DefaultRejectWords
	}
	if c.Policy == nil {
		c.Policy = DefaultPolicy(c.RejectWords)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.ReviewerName == "" {
		c.ReviewerName = "管局审核员"
	}
	if c.ReviewerPhone == "" {
		c.ReviewerPhone = "010-12345678"
	}
	if c.Speedup < 0 {
		errs = append(errs, errors.New("Speedup must not be negative"))
	}
	for _, t := range c.ApprovedTLDs {
		if strings.TrimSpace(strings.TrimPrefix(t, ".")) == "" {
			errs = append(errs, errors.New("ApprovedTLDs holds an empty TLD"))
			break
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("bureausim: invalid config: %w", errors.Join(errs...))
	}
	return c, nil
}
