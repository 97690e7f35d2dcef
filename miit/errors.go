package miit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// ReturnError is a <return> whose msg_code is not a success for the method called. Callers
// switch on Code or Code.Kind(); for a sequence gap (code 14) MissingSequences lists the data
// sequence numbers the bureau wants first.
type ReturnError struct {
	Method Method
	Code   ReturnCode
	Msg    string // the bureau's message, trimmed; it may add detail to Code.Text (e.g. code 20's window)
	// MissingSequences are the dataSequence values of <dataSequences> for code 14, parsed and
	// sorted; empty if the bureau did not list them.
	MissingSequences []int64
}

// Error describes the method, the code in English and the bureau's own message.
func (e *ReturnError) Error() string {
	s := fmt.Sprintf("miit: %s returned %d (%s)", e.Method, int(e.Code), e.Code.English())
	if e.Msg != "" && e.Msg != e.Code.Text() {
		s += ": " + e.Msg
	}
	if len(e.MissingSequences) > 0 {
		s += fmt.Sprintf("; missing sequences %v", e.MissingSequences)
	}
	return s
}

// Kind is Code.Kind().
func (e *ReturnError) Kind() Kind { return e.Code.Kind() }

// Retryable is Code.Retryable().
func (e *ReturnError) Retryable() bool { return e.Code.Retryable() }

// HTTPError is a non-200 HTTP response that carried no SOAP fault (a proxy error page, a
// 404 for a wrong base URL, a 503 during maintenance).
type HTTPError struct {
	StatusCode int
	Body       string // the first bytes of the body, for diagnosis
}

// Error gives the status and the start of the body.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("miit: HTTP %d: %s", e.StatusCode, e.Body)
}

// SOAPFault is a SOAP 1.1 Fault returned instead of a result: usually an exception on the
// bureau's server, sometimes a request it could not parse.
type SOAPFault struct {
	Code       string // faultcode, e.g. "soap:Server"
	String     string // faultstring
	Detail     string // the text of <detail>, if any
	HTTPStatus int    // status of the response that carried it (normally 500)
}

// Error gives the fault code and string.
func (f *SOAPFault) Error() string {
	return fmt.Sprintf("miit: SOAP fault %s: %s", f.Code, f.String)
}

// ErrorKind classifies any error the client returns: the code's kind for a ReturnError,
// KindBusy for server-side trouble (SOAP faults, 5xx, timeouts, refused connections),
// KindPayload for pipeline errors, KindUnknown otherwise.
func ErrorKind(err error) Kind {
	var re *ReturnError
	if errors.As(err, &re) {
		return re.Code.Kind()
	}
	if IsRetryable(err) {
		return KindBusy
	}
	for _, p := range []error{ErrBase64, ErrDecrypt, ErrHashMismatch, ErrZip, ErrTooLarge, ErrUnsupported, ErrFileName} {
		if errors.Is(err, p) {
			return KindPayload
		}
	}
	return KindUnknown
}

// IsRetryable reports whether the failed call may succeed if made again later, unchanged:
// a retryable return code, a SOAP fault (a server-side exception), HTTP 408, 429 and 5xx,
// network errors and timeouts (including our own context deadline). A cancelled context is
// not retryable: someone decided to stop. The client never retries by itself; the exchange
// engine does, with backoff, and resynchronises sequences first (isp_querypreviousupload)
// when an upload's fate is unknown.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var re *ReturnError
	if errors.As(err, &re) {
		return re.Code.Retryable()
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var f *SOAPFault
	if errors.As(err, &f) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode == 408 || he.StatusCode == 429 || he.StatusCode >= 500
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// ParseSequences reads the missing data sequence numbers of a code-14 return. The XSD types
// each <dataSequence> as a string "possibly several", so besides one number per element we
// accept lists separated by commas, semicolons or spaces and ranges like "501-503" (ranges
// are capped at 10000 numbers so a hostile value cannot exhaust memory). Duplicates are
// removed and the result is sorted. Unparseable parts are skipped.
func ParseSequences(values []string) []int64 {
	seen := map[int64]bool{}
	var out []int64
	add := func(n int64) {
		if n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, v := range values {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool {
			return r == ',' || r == ';' || r == '，' || r == '；' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
		}) {
			if lo, hi, ok := strings.Cut(part, "-"); ok {
				a, err1 := strconv.ParseInt(lo, 10, 64)
				b, err2 := strconv.ParseInt(hi, 10, 64)
				if err1 == nil && err2 == nil && a <= b && b-a < 10000 {
					for n := a; n <= b; n++ {
						add(n)
					}
				}
				continue
			}
			if n, err := strconv.ParseInt(part, 10, 64); err == nil {
				add(n)
			}
		}
	}
	slices.Sort(out)
	return out
}
