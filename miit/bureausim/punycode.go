package bureausim

import (
	"errors"
	"strings"

	"golang.org/x/net/idna"
)

// punyEncode returns the RFC 3492 encoding of a Unicode label, without the
// "xn--" prefix. x/net/idna's Punycode profile does the raw encoding; the
// label's validity is normalizeLabel's business.
func punyEncode(label string) (string, error) {
	a, err := idna.Punycode.ToASCII(label)
	if err != nil {
		return "", err
	}
	enc, ok := strings.CutPrefix(a, "xn--")
	if !ok {
		return "", errors.New("bureausim: label needs no encoding")
	}
	return enc, nil
}

// punyDecode decodes the part of an IDN label after "xn--".
func punyDecode(s string) (string, error) {
	return idna.Punycode.ToUnicode("xn--" + s)
}
