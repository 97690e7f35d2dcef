package beian

import (
	"errors"
	"fmt"
)

// Error codes, after the HTTP-like classes users and operators act on. A code
// says what kind of failure happened; the message key says which one.
const (
	ECONFLICT     = "conflict"     // the action clashes with the current state (illegal transition, duplicate)
	EINTERNAL     = "internal"     // a bug or an outage; details go to the log, never to users
	EINVALID      = "invalid"      // bad input: names a field and, where one applies, a rule
	ENOTFOUND     = "not_found"    // no such thing, or not visible to the caller
	EUNAUTHORIZED = "unauthorized" // not signed in
	EFORBIDDEN    = "forbidden"    // signed in but not allowed
	EUNAVAILABLE  = "unavailable"  // a dependency (bureau, database) is down; try again later
)

// Error is the error users see. Key selects a bilingual message from
// [Messages]; Params fill its placeholders. Field is the path of the offending
// input field (e.g. "subject.certificate_number") and Rule the catalogue rule
// ID when a rule decided it. Err keeps the underlying cause for logs.
type Error struct {
	Code   string
	Key    string
	Field  string
	Rule   string
	Params map[string]string
	Err    error
}

// Errorf returns an *Error with the given code and message key. Params are
// given as alternating name, value strings.
func Errorf(code, key string, params ...string) *Error {
	e := &Error{Code: code, Key: key}
	if len(params) > 0 {
		e.Params = make(map[string]string, len(params)/2)
		for i := 0; i+1 < len(params); i += 2 {
			e.Params[params[i]] = params[i+1]
		}
	}
	return e
}

// Invalid returns an EINVALID error for one field.
func Invalid(field, key string, params ...string) *Error {
	e := Errorf(EINVALID, key, params...)
	e.Field = field
	return e
}

// WithCause records the underlying cause, for logs only.
func (e *Error) WithCause(err error) *Error { e.Err = err; return e }

// WithRule records the catalogue rule that decided the error.
func (e *Error) WithRule(id string) *Error { e.Rule = id; return e }

// Error returns the English message with the code, field and rule; it is what
// logs show. Users see [Error.Message] in their language.
func (e *Error) Error() string {
	s := fmt.Sprintf("beian %s: %s", e.Code, e.Message(LangEN))
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Rule != "" {
		s += " [" + e.Rule + "]"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message renders the error's message in lang with its parameters.
func (e *Error) Message(lang Lang) string { return Message(lang, e.Key, e.Params) }

// ErrorCode returns the code of err if it is or wraps an *Error, and EINTERNAL
// for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err in lang. Errors that
// are not *Error get a generic message so internals never leak to users.
func ErrorMessage(lang Lang, err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message(lang)
	}
	return Message(lang, "error.internal", nil)
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
