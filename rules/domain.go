package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// Punycode (RFC 3492) decoding, enough to read IDN labels written in their
// ASCII form. Encoding is not needed: Beian compares Unicode forms.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

func punycodeDecode(s string) (string, bool) {
	var out []rune
	b := strings.LastIndexByte(s, '-')
	if b > 0 {
		for i := 0; i < b; i++ {
			if s[i] >= 0x80 {
				return "", false
			}
			out = append(out, rune(s[i]))
		}
		s = s[b+1:]
	} else if b == 0 {
		s = s[1:]
	}
	n, bias, i := rune(pcInitialN), pcInitialBias, 0
	for pos := 0; pos < len(s); {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if pos >= len(s) {
				return "", false
			}
			digit, ok := pcDigit(s[pos])
			pos++
			if !ok || digit > (1<<31-1-i)/w {
				return "", false
			}
			i += digit * w
			t := k - bias
			if t < pcTMin {
				t = pcTMin
			} else if t > pcTMax {
				t = pcTMax
			}
			if digit < t {
				break
			}
			if w > (1<<31-1)/(pcBase-t) {
				return "", false
			}
			w *= pcBase - t
		}
		bias = pcAdapt(i-oldi, len(out)+1, oldi == 0)
		n += rune(i / (len(out) + 1))
		i %= len(out) + 1
		if n > unicode.MaxRune || len(out) > 63 {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = n
		i++
	}
	return string(out), true
}

func pcDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c-'0') + 26, true
	case c >= 'a' && c <= 'z':
		return int(c - 'a'), true
	case c >= 'A' && c <= 'Z':
		return int(c - 'A'), true
	}
	return 0, false
}

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
