package notify

import (
	"errors"
	"regexp"
	"strings"
)

// PermanentError marks a delivery failure that no retry can cure: an
// invalid address, a recipient the server refuses for good, a message the
// gateway rejects. The notification is marked failed at once instead of
// being retried for hours.
type PermanentError struct{ Err error }

// Error returns the wrapped error's text.
func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a [PermanentError]; transports call it for
// failures that will not go away. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err is or wraps a [PermanentError].
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

var (
	emailPattern = regexp.MustCompile(`[^\s<>"'@:;,]+@[^\s<>"'@:;,]+`)
	// Runs of six or more digits, with the separators people type inside
	// phone and ID numbers: mobiles, landlines, certificate numbers. Five
	// digits or fewer (ports, SMTP codes, HTTP statuses) stay readable.
	digitsPattern = regexp.MustCompile(`\+?\d[\d\- ]{4,}\d[\dXx]?`)
)

// maxErrorLen bounds the error kept on a row; the first words say enough.
const maxErrorLen = 300

// safeError returns err's text fit to store and log: e-mail addresses and
// long digit runs (phone and ID numbers) are replaced, and the text is cut
// to a bounded length. Transports already build their errors without the
// servers' free text; this is the second line of defence.
func safeError(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	s = emailPattern.ReplaceAllString(s, "<address>")
	s = digitsPattern.ReplaceAllStringFunc(s, func(m string) string {
		n := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		if n < 6 {
			return m
		}
		return "<number>"
	})
	s = strings.ToValidUTF8(s, "")
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen]
		s = strings.ToValidUTF8(s, "") + "…"
	}
	return s
}
