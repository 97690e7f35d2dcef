package bureausim

import "strings"

// maskMobile hides the middle of a mobile number for logs: 138****8000.
func maskMobile(m string) string {
	if len(m) < 7 {
		return strings.Repeat("*", len(m))
	}
	return m[:3] + strings.Repeat("*", len(m)-7) + m[len(m)-4:]
}

// maskID hides all but the first two and last two characters of an ID or certificate
// number, and anything that is not a domain, for logs and messages that others may read.
func maskID(id string) string {
	r := []rune(id)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:2]) + strings.Repeat("*", len(r)-4) + string(r[len(r)-2:])
}

// maskAll masks the blacklist hits that are certificate numbers (anything without a dot)
// and leaves domains readable: domains are public, certificate numbers are personal data.
func maskAll(hits []string) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		if strings.Contains(h, ".") {
			out[i] = h
		} else {
			out[i] = maskID(h)
		}
	}
	return out
}
