package beian

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ServiceKind is the kind of internet information service (互联网信息服务).
// Its ICP number suffix follows the ordinal: -n for a website, -nA for an
// app, -nX for a mini-program, -nK for a quick app.
type ServiceKind string

// The service kinds MIIT numbers.
const (
	KindWebsite     ServiceKind = "website"
	KindApp         ServiceKind = "app"
	KindMiniProgram ServiceKind = "mini_program"
	KindQuickApp    ServiceKind = "quick_app"
)

// ServiceKinds lists every kind.
var ServiceKinds = []ServiceKind{KindWebsite, KindApp, KindMiniProgram, KindQuickApp}

// Suffix returns the letter that marks the kind in an ICP number.
func (k ServiceKind) Suffix() string {
	switch k {
	case KindApp:
		return "A"
	case KindMiniProgram:
		return "X"
	case KindQuickApp:
		return "K"
	}
	return ""
}

// Text returns the kind's name in both languages.
func (k ServiceKind) Text() Text {
	switch k {
	case KindWebsite:
		return Text{"网站", "website"}
	case KindApp:
		return Text{"APP", "app"}
	case KindMiniProgram:
		return Text{"小程序", "mini-program"}
	case KindQuickApp:
		return Text{"快应用", "quick app"}
	}
	return Text{string(k), string(k)}
}

// Valid reports whether k is a known kind.
func (k ServiceKind) Valid() bool {
	switch k {
	case KindWebsite, KindApp, KindMiniProgram, KindQuickApp:
		return true
	}
	return false
}

// ICPNumber is an ICP filing number (ICP备案号). A subject number has no
// ordinal ("京ICP备04000001号"); a service number adds the ordinal of the
// service under the subject and the kind's suffix ("京ICP备04000001号-2A").
// The serial keeps its digits as issued: historic numbers have 6–8 digits,
// newer ones may start with the year (粤ICP备2021012345号).
type ICPNumber struct {
	Province Province
	Serial   string
	Ordinal  int // 0 for the subject number
	Kind     ServiceKind
}

const (
	icpMinSerial = 4
	icpMaxSerial = 12
	icpMaxLen    = 64
)

// ParseICPNumber parses a subject or service ICP number. It accepts the
// everyday abbreviations 川, 贵, 云 and 甘 and formats them back with the ICP
// usage. It returns EINVALID with keys icp.format, icp.province or
// icp.suffix.
func ParseICPNumber(s string) (ICPNumber, error) {
	field := "icp_number"
	s = strings.TrimSpace(s)
	if len(s) > icpMaxLen || !utf8.ValidString(s) {
		return ICPNumber{}, Invalid(field, "icp.format")
	}
	abbr, rest := firstRune(s)
	p, ok := ProvinceByAbbr(abbr)
	if !ok {
		return ICPNumber{}, Invalid(field, "icp.province", "abbr", abbr)
	}
	rest, ok = strings.CutPrefix(rest, "ICP备")
	if !ok {
		return ICPNumber{}, Invalid(field, "icp.format")
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	serial := rest[:i]
	if len(serial) < icpMinSerial || len(serial) > icpMaxSerial {
		return ICPNumber{}, Invalid(field, "icp.format")
	}
	rest, ok = strings.CutPrefix(rest[i:], "号")
	if !ok {
		return ICPNumber{}, Invalid(field, "icp.format")
	}
	n := ICPNumber{Province: p, Serial: serial}
	if rest == "" {
		return n, nil
	}
	suffix, ok := strings.CutPrefix(rest, "-")
	if !ok {
		return ICPNumber{}, Invalid(field, "icp.suffix", "suffix", rest)
	}
	j := 0
	for j < len(suffix) && suffix[j] >= '0' && suffix[j] <= '9' {
		j++
	}
	if j == 0 || j > 4 || suffix[0] == '0' {
		return ICPNumber{}, Invalid(field, "icp.suffix", "suffix", rest)
	}
	n.Ordinal, _ = strconv.Atoi(suffix[:j])
	switch suffix[j:] {
	case "":
		n.Kind = KindWebsite
	case "A":
		n.Kind = KindApp
	case "X":
		n.Kind = KindMiniProgram
	case "K":
		n.Kind = KindQuickApp
	default:
		return ICPNumber{}, Invalid(field, "icp.suffix", "suffix", rest)
	}
	return n, nil
}

func firstRune(s string) (string, string) {
	_, size := utf8.DecodeRuneInString(s)
	return s[:size], s[size:]
}

// IsSubject reports whether n is a subject number (no service suffix).
func (n ICPNumber) IsSubject() bool { return n.Ordinal == 0 }

// Subject returns the subject number n belongs to.
func (n ICPNumber) Subject() ICPNumber { return ICPNumber{Province: n.Province, Serial: n.Serial} }

// Service returns the number of the ordinal-th service of kind under the
// subject number n.
func (n ICPNumber) Service(ordinal int, kind ServiceKind) ICPNumber {
	return ICPNumber{Province: n.Province, Serial: n.Serial, Ordinal: ordinal, Kind: kind}
}

// IsZero reports whether n is the zero value.
func (n ICPNumber) IsZero() bool { return n.Serial == "" }

// String formats n the way MIIT publishes it.
func (n ICPNumber) String() string {
	if n.IsZero() {
		return ""
	}
	s := n.Province.ICPAbbr + "ICP备" + n.Serial + "号"
	if n.Ordinal > 0 {
		s += "-" + strconv.Itoa(n.Ordinal) + n.Kind.Suffix()
	}
	return s
}

// DisplayNumber returns the number a website must show at the bottom of its
// homepage: its own service number, except in Guangdong, where sites show the
// subject number (spec §9.1).
func (n ICPNumber) DisplayNumber() ICPNumber {
	if n.Province.Code == "44" {
		return n.Subject()
	}
	return n
}
