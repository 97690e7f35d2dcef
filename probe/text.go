package probe

import "fmt"

// The outcome kinds are stored with sweep results (as JSON); they marshal as
// their names, not as numbers that would change meaning if the constants
// were ever reordered.

// MarshalText returns the status's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	return unmarshalName(b, s, []Status{StatusUnknown, StatusResolved, StatusNoAddress, StatusNXDomain, StatusCNAMELoop})
}

// MarshalText returns the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (o *Outcome) UnmarshalText(b []byte) error {
	return unmarshalName(b, o, []Outcome{OutcomeUnknown, OutcomePage, OutcomeUnreachable})
}

// MarshalText returns the link kind's name.
func (l Link) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (l *Link) UnmarshalText(b []byte) error {
	return unmarshalName(b, l, []Link{LinkNone, LinkMIIT, LinkOldMIIT, LinkOther})
}

func unmarshalName[T fmt.Stringer](b []byte, dst *T, all []T) error {
	for _, v := range all {
		if v.String() == string(b) {
			*dst = v
			return nil
		}
	}
	return fmt.Errorf("probe: unknown value %q", b)
}
