package bureausim

import (
	_ "embed"
	"net/netip"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:embed tlds.txt
var tldsTxt string

// ApprovedTLDs returns the embedded list of top-level domains that domain verification
// accepts when Config.ApprovedTLDs is nil (see tlds.txt for what it is and is not). The
// slice is the caller's.
func ApprovedTLDs() []string {
	var out []string
	for _, line := range strings.Split(tldsTxt, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// tldSet is the approved TLDs, normalised like domains.
type tldSet map[string]bool

func newTLDSet(list []string) tldSet {
	s := tldSet{}
	for _, t := range list {
		t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "."))
		if rest, ok := strings.CutPrefix(t, "xn--"); ok {
			if u, err := punyDecode(rest); err == nil {
				t = u // xn--fiqs8s is 中国
			}
		}
		s[t] = true
	}
	return s
}

// approved reports whether the domain's TLD is approved, and the TLD.
func (s tldSet) approved(domain string) (string, bool) {
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	return tld, s[tld]
}

// dots are the full stops IDNA treats as label separators.
var dots = strings.NewReplacer("。", ".", "｡", ".", "．", ".")

// normalizeDomain returns the canonical form of a domain name as filed (lower case,
// compatibility characters folded, Punycode labels decoded, so that 例子.中国,
// XN--FSQU00A.xn--fiqs8s and ＥＸＡＭＰＬＥ.cn compare as registries do), and false if it is
// not a syntactically valid, fully qualified host name: at least two labels of letters,
// digits and inner hyphens, at most 63 bytes each in Punycode form, no scheme, port, path
// or IP address (result code 1004).
func normalizeDomain(s string) (string, bool) {
	s = strings.ToLower(dots.Replace(norm.NFKC.String(strings.TrimSpace(s))))
	s = strings.TrimSuffix(s, ".")
	if s == "" || strings.ContainsAny(s, "/:@ \t*?#_") {
		return "", false
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return "", false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", false
	}
	asciiLen := len(labels) - 1
	for i, l := range labels {
		uni, ascii, ok := normalizeLabel(l)
		if !ok {
			return "", false
		}
		labels[i] = uni
		asciiLen += len(ascii)
	}
	tld := labels[len(labels)-1]
	if asciiLen > 253 || !slices.ContainsFunc([]rune(tld), unicode.IsLetter) {
		return "", false // an all-numeric TLD is an IP-like string
	}
	return strings.Join(labels, "."), true
}

// normalizeLabel returns a label's Unicode and ASCII (Punycode) forms.
func normalizeLabel(l string) (uni, ascii string, ok bool) {
	if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
		return "", "", false
	}
	if rest, isPuny := strings.CutPrefix(l, "xn--"); isPuny {
		u, err := punyDecode(rest)
		if err != nil || u == "" {
			return "", "", false
		}
		u = strings.ToLower(norm.NFKC.String(u))
		if _, a, ok := normalizeLabel(u); !ok || a != l {
			return "", "", false // not the canonical encoding of a valid label
		}
		return u, l, true
	}
	asciiOnly := true
	for _, r := range l {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
			asciiOnly = false
		default:
			return "", "", false
		}
	}
	if asciiOnly {
		if len(l) > 63 || len(l) >= 4 && l[2:4] == "--" {
			return "", "", false // "ab--" labels are reserved for encodings
		}
		return l, l, true
	}
	enc, err := punyEncode(l)
	if err != nil || len(enc)+4 > 63 {
		return "", "", false
	}
	return l, "xn--" + enc, true
}

// asciiDomain returns the Punycode form of a normalised domain, for home URLs written in
// ASCII.
func asciiDomain(d string) string {
	labels := strings.Split(d, ".")
	for i, l := range labels {
		if _, a, ok := normalizeLabel(l); ok {
			labels[i] = a
		}
	}
	return strings.Join(labels, ".")
}
