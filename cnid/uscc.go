package cnid

import "strings"

// USCC is a valid 18-character unified social credit code (统一社会信用代码,
// GB 32100-2015). The zero value is not a valid code.
type USCC struct{ s string }

// usccAlphabet lists the characters a USCC may use in the order of their
// values 0–30; I, O, Z, S and V are left out to avoid misreading.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31 for positions 1–17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCentralPrefix starts the region part of organisations registered by a
// central authority (100000), which is not a province.
const usccCentralPrefix = "10"

// ParseUSCC parses an 18-character unified social credit code, accepting
// lower-case letters and surrounding spaces. It checks the alphabet, that the
// region part is 6 digits naming a province (or 10xxxx for central
// registration), the GB 11714 check character of the embedded organisation
// code and the MOD 31 check character. It returns a *Error with code
// cnid.length, cnid.charset, cnid.region or cnid.checksum.
//
// The registration authority and category characters are not checked against
// a list: authorities have been added since the standard (N for agriculture,
// for example), and refusing a real code is worse than accepting a new one.
func ParseUSCC(s string) (USCC, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return USCC{}, newError(CodeLength, "unified social credit code must have 18 characters")
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(usccAlphabet, s[i])
		if v < 0 {
			return USCC{}, newError(CodeCharset, "unified social credit code uses 0-9 and A-Y without I, O, S, V, Z")
		}
		if i < 17 {
			sum += v * usccWeights[i]
		}
	}
	region := s[2:8]
	if !isDigits(region) || !provincePrefix[region[:2]] && region[:2] != usccCentralPrefix {
		return USCC{}, newError(CodeRegion, "unified social credit code region part names no province")
	}
	if err := checkOrgCode(s[8:17]); err != nil {
		e := *err
		e.Message = "in unified social credit code: " + e.Message
		return USCC{}, &e
	}
	if usccAlphabet[(31-sum%31)%31] != s[17] {
		return USCC{}, newError(CodeChecksum, "unified social credit code check character does not match")
	}
	return USCC{s: s}, nil
}

// String returns the canonical upper-case 18 characters.
func (u USCC) String() string { return u.s }

// IsZero reports whether u is the zero value rather than a parsed code.
func (u USCC) IsZero() bool { return u.s == "" }

// Authority returns the registration authority character (登记管理部门代码),
// e.g. '9' for market regulation (工商) or '5' for civil affairs (民政).
func (u USCC) Authority() byte { return u.at(0) }

// Category returns the organisation category character (机构类别代码), whose
// meaning depends on Authority: under '9', '1' is an enterprise, '2' an
// individual business (个体工商户), '3' a farmers' cooperative.
func (u USCC) Category() byte { return u.at(1) }

// Region returns the 6-digit GB/T 2260 code of the registering authority's
// area.
func (u USCC) Region() string {
	if u.s == "" {
		return ""
	}
	return u.s[2:8]
}

// OrgCode returns the embedded organisation code (主体标识码), characters
// 9–17.
func (u USCC) OrgCode() OrgCode {
	if u.s == "" {
		return OrgCode{}
	}
	return OrgCode{s: u.s[8:17]}
}

// AuthorityName returns the Chinese name of the registration authority, or
// "" for a character this package does not know.
func (u USCC) AuthorityName() string { return usccAuthorities[u.Authority()] }

func (u USCC) at(i int) byte {
	if u.s == "" {
		return 0
	}
	return u.s[i]
}

// usccAuthorities names the registration authorities of GB 32100-2015 and
// those assigned since.
var usccAuthorities = map[byte]string{
	'1': "机构编制",
	'2': "外交",
	'3': "司法行政",
	'4': "文化",
	'5': "民政",
	'6': "旅游",
	'7': "宗教",
	'8': "工会",
	'9': "工商",
	'A': "中央军委改革和编制办公室",
	'N': "农业",
	'Y': "其他",
}
