package cnid

import "strings"

// OrgCode is a valid 9-character organisation code (组织机构代码,
// GB 11714-1997): 8 body characters and a check character. Since the 2015
// three-certificate reform (三证合一) it survives as characters 9–17 of a
// USCC; on its own it is a legacy certificate number that filings must
// replace with the USCC.
type OrgCode struct{ s string }

// orgWeights are the GB 11714 weights of the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// ParseOrgCode parses a legacy organisation code written "XXXXXXXX-X" or
// without the hyphen, accepting lower-case letters and surrounding spaces.
// It returns a *Error with code cnid.length, cnid.charset or cnid.checksum.
func ParseOrgCode(s string) (OrgCode, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 10 && s[8] == '-' {
		s = s[:8] + s[9:]
	}
	if len(s) != 9 {
		return OrgCode{}, newError(CodeLength, "organisation code must have 9 characters")
	}
	if err := checkOrgCode(s); err != nil {
		return OrgCode{}, err
	}
	return OrgCode{s: s}, nil
}

// checkOrgCode validates 9 upper-case characters.
func checkOrgCode(s string) *Error {
	sum := 0
	for i, w := range orgWeights {
		v, ok := orgValue(s[i])
		if !ok {
			return newError(CodeCharset, "organisation code body must be digits and upper-case letters")
		}
		sum += v * w
	}
	var want byte
	switch c := 11 - sum%11; c {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + c)
	}
	if got := s[8]; got != want {
		if got != 'X' && (got < '0' || got > '9') {
			return newError(CodeCharset, "organisation code check character must be a digit or X")
		}
		return newError(CodeChecksum, "organisation code check character does not match")
	}
	return nil
}

// orgValue maps 0-9 to 0-9 and A-Z to 10-35.
func orgValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// String returns the code in its printed form "XXXXXXXX-X".
func (o OrgCode) String() string {
	if o.s == "" {
		return ""
	}
	return o.s[:8] + "-" + o.s[8:]
}

// Compact returns the 9 characters without the hyphen, as a USCC embeds them.
func (o OrgCode) Compact() string { return o.s }

// IsZero reports whether o is the zero value rather than a parsed code.
func (o OrgCode) IsZero() bool { return o.s == "" }
