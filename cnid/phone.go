package cnid

import "strings"

// Mobile is a valid mainland China mobile number, held as its 11 digits.
type Mobile struct{ s string }

// mobileSegments lists, per second digit, the third digits that are
// allocated as mobile segments (号段) of 13x–19x. 140–144 (13-digit IoT
// numbers), 154, 174 (satellite), 179 and 194 are not allocated to ordinary
// mobiles. The table needs an update when MIIT allocates a new segment.
var mobileSegments = map[byte]string{
	'3': "0123456789",
	'4': "56789",
	'5': "012356789",
	'6': "2567",
	'7': "01235678",
	'8': "0123456789",
	'9': "012356789",
}

// ParseMobile parses a mainland mobile number. It accepts spaces and
// hyphens anywhere and a leading +86 or 0086, and returns the 11 digits. It
// returns a *Error with code cnid.charset, cnid.length or cnid.prefix (the
// number is not in a mobile segment 13x–19x).
func ParseMobile(s string) (Mobile, error) {
	s = stripSeparators(s)
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	}
	if !isDigits(s) {
		return Mobile{}, newError(CodeCharset, "mobile number must be digits")
	}
	if len(s) != 11 {
		return Mobile{}, newError(CodeLength, "mobile number must have 11 digits")
	}
	if s[0] != '1' || !strings.ContainsRune(mobileSegments[s[1]], rune(s[2])) {
		return Mobile{}, newError(CodePrefix, "mobile number prefix is not a mainland mobile segment")
	}
	return Mobile{s: s}, nil
}

// stripSeparators drops the spaces and hyphens people type inside numbers.
func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// String returns the 11 digits without country code or separators.
func (m Mobile) String() string { return m.s }

// IsZero reports whether m is the zero value rather than a parsed number.
func (m Mobile) IsZero() bool { return m.s == "" }

// Landline is a valid mainland fixed-line number with its area code and an
// optional extension.
type Landline struct {
	area, number, ext string
}

// ParseLandline parses a fixed-line number with its area code, in forms like
// "010-62551234", "(0755)12345678", "0755 1234 5678" or "01062551234", and an
// optional extension after a third hyphen, "转", "ext", "x" or "#". The area
// code has 3 digits (010, 02x) or 4 (03xx–09xx); the number 7 or 8 digits
// not starting with 0 (a second area code); the extension 1–6 digits. Without a separator the
// area code length follows from its first digits. It returns a *Error with
// code cnid.charset or cnid.format.
func ParseLandline(s string) (Landline, error) {
	s = strings.TrimSpace(s)
	var ext string
	hasExt := false
	if i, n := extensionMark(s); i >= 0 {
		s, ext, hasExt = s[:i], stripSeparators(s[i+n:]), true
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "\t", "")
	if strings.HasPrefix(s, "(") {
		if i := strings.IndexByte(s, ')'); i > 0 {
			s = s[1:i] + "-" + strings.TrimPrefix(s[i+1:], "-")
		}
	}
	parts := strings.Split(s, "-")
	for _, p := range parts {
		if !isDigits(p) {
			return Landline{}, newError(CodeCharset, "landline number must be digits with separators")
		}
	}
	var l Landline
	switch len(parts) {
	case 1:
		n := 4
		if strings.HasPrefix(s, "01") || strings.HasPrefix(s, "02") {
			n = 3
		}
		if len(s) <= n {
			return Landline{}, newError(CodeFormat, "landline number is too short")
		}
		l.area, l.number = s[:n], s[n:]
	case 2:
		l.area, l.number = parts[0], parts[1]
	case 3:
		if hasExt {
			return Landline{}, newError(CodeFormat, "landline number has two extensions")
		}
		l.area, l.number, ext, hasExt = parts[0], parts[1], parts[2], true
	default:
		return Landline{}, newError(CodeFormat, "landline number has too many parts")
	}
	l.ext = ext
	if !isDigits(l.ext) {
		return Landline{}, newError(CodeCharset, "landline extension must be digits")
	}
	if !validArea(l.area) {
		return Landline{}, newError(CodeFormat, "landline area code must be 010, 02x or 03xx-09xx")
	}
	if n := len(l.number); n < 7 || n > 8 || l.number[0] == '0' {
		return Landline{}, newError(CodeFormat, "landline number must have 7 or 8 digits not starting with 0")
	}
	if hasExt && (len(l.ext) < 1 || len(l.ext) > 6) {
		return Landline{}, newError(CodeFormat, "landline extension must have 1 to 6 digits")
	}
	return l, nil
}

// extensionMark finds the first extension marker and returns its index and
// length, or -1.
func extensionMark(s string) (int, int) {
	// Lower-case ASCII byte by byte, so that offsets stay those of s even
	// in invalid UTF-8.
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	lower := string(b)
	best, size := -1, 0
	for _, m := range []string{"转", "ext.", "ext", "x", "#"} {
		if i := strings.Index(lower, m); i >= 0 && (best < 0 || i < best) {
			best, size = i, len(m)
		}
	}
	return best, size
}

func validArea(a string) bool {
	switch len(a) {
	case 3:
		return a == "010" || a[:2] == "02"
	case 4:
		return a[0] == '0' && a[1] >= '3' && a[1] <= '9'
	}
	return false
}

// String returns the canonical form "AREA-NUMBER" or "AREA-NUMBER-EXT".
func (l Landline) String() string {
	if l.area == "" {
		return ""
	}
	if l.ext != "" {
		return l.area + "-" + l.number + "-" + l.ext
	}
	return l.area + "-" + l.number
}

// AreaCode returns the long-distance area code with its leading 0, e.g. "010".
func (l Landline) AreaCode() string { return l.area }

// Number returns the local number of 7 or 8 digits.
func (l Landline) Number() string { return l.number }

// Extension returns the extension digits, or "" when there is none.
func (l Landline) Extension() string { return l.ext }

// IsZero reports whether l is the zero value rather than a parsed number.
func (l Landline) IsZero() bool { return l.area == "" }
