package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/openbeian/beian"
)

// Domain names arrive as customers type them: upper case, with a trailing
// dot, in Punycode (xn--fiqs8s) or in Unicode (例子.中国), sometimes with a
// full-width dot. normalizeDomain turns them into one comparable form —
// lower-case Unicode labels joined by "." — so that the suffix table, the
// fact look-ups and duplicate checks agree.

// normalizeDomain returns the canonical form of s and whether it could be
// decoded (Punycode labels that do not decode leave it false).
func normalizeDomain(s string) (string, bool) {
	s = beian.NormalizeDomain(s)
	if !needsDomainRewrite(s) {
		return s, true
	}
	s = strings.NewReplacer("。", ".", "．", ".", "｡", ".").Replace(s)
	s = strings.ToLower(s)
	if !strings.Contains(s, "xn--") {
		return strings.TrimSuffix(s, "."), true
	}
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	for i, l := range labels {
		if strings.HasPrefix(l, "xn--") {
			u, ok := punycodeDecode(l[4:])
			if !ok {
				return s, false
			}
			labels[i] = strings.ToLower(u)
		}
	}
	return strings.Join(labels, "."), true
}

// needsDomainRewrite reports whether s has anything beyond lower-case ASCII
// letters, digits, hyphens and dots, or a Punycode label, so the common case
// costs no allocation.
func needsDomainRewrite(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return strings.Contains(s, "xn--")
}

// domainSyntaxProblem returns why d (normalised) is not a syntactically
// valid domain name, or "" when it is. Labels are letters, digits and
// hyphens (Unicode letters allowed: Chinese IDNs are filed), 1–63
// characters, not starting or ending with a hyphen; there are at least two
// labels and the top-level one is not numeric.
func domainSyntaxProblem(d string) beian.Text {
	switch {
	case d == "":
		return beian.Text{ZH: "域名为空", EN: "the domain is empty"}
	case len(d) > 253:
		return beian.Text{ZH: "域名超过253个字符", EN: "the domain is longer than 253 characters"}
	case strings.Contains(d, "://") || strings.ContainsAny(d, "/:?#@ "):
		return beian.Text{ZH: "应只填写域名，不含协议、路径、端口或空格", EN: "give the bare domain, without scheme, path, port or spaces"}
	}
	n := 0
	allDigits := true
	for label := range strings.SplitSeq(d, ".") {
		n++
		if label == "" {
			return beian.Text{ZH: "域名中有空的标签（连续的点或以点开头）", EN: "the domain has an empty label (two dots in a row, or a leading dot)"}
		}
		if utf8.RuneCountInString(label) > 63 {
			return beian.Text{ZH: "域名标签超过63个字符", EN: "a label is longer than 63 characters"}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return beian.Text{ZH: "域名标签不能以连字符开头或结尾", EN: "a label may not start or end with a hyphen"}
		}
		allDigits = true
		for _, r := range label {
			switch {
			case r >= '0' && r <= '9':
			case r >= 'a' && r <= 'z', r == '-':
				allDigits = false
			case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
				allDigits = false
			default:
				return beian.Text{ZH: "域名含有不允许的字符「" + string(r) + "」", EN: "the domain contains the character " + quoteRune(r) + ", which is not allowed"}
			}
		}
	}
	if n < 2 {
		return beian.Text{ZH: "域名至少应有两级（如 example.cn）", EN: "a domain needs at least two labels (e.g. example.cn)"}
	}
	if allDigits {
		return beian.Text{ZH: "域名的顶级标签不能全为数字（IP地址不是域名）", EN: "the top-level label cannot be numeric (an IP address is not a domain)"}
	}
	return beian.Text{}
}

func quoteRune(r rune) string { return strconv.QuoteRune(r) }

// punycodeDecode decodes the part of an IDN label after "xn--" (RFC 3492,
// via x/net/idna's raw Punycode profile); Beian compares Unicode forms.
func punycodeDecode(s string) (string, bool) {
	u, err := idna.Punycode.ToUnicode("xn--" + s)
	return u, err == nil
}
