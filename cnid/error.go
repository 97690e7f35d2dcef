package cnid

import "errors"

// Error codes; see the package documentation for what each means.
const (
	CodeLength    = "cnid.length"
	CodeCharset   = "cnid.charset"
	CodeChecksum  = "cnid.checksum"
	CodeBirthDate = "cnid.birthdate"
	CodeRegion    = "cnid.region"
	CodeLegacy    = "cnid.legacy"
	CodePrefix    = "cnid.prefix"
	CodeFormat    = "cnid.format"
)

// Error is the error every parser in this package returns. Code is one of the
// stable Code* constants; Message is an English explanation for logs and
// never contains the identifier itself, since identifiers are personal data.
type Error struct {
	Code    string
	Message string
}

// Error returns the code and the English message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorCode returns the Code of the *Error in err's chain, or "" when err is
// nil or carries no *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }
