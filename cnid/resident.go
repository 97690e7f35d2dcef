package cnid

import (
	"strings"
	"time"
)

// Sex is the sex a resident ID encodes in the parity of its sequence code.
type Sex int

// The two values of Sex.
const (
	Female Sex = iota
	Male
)

// String returns "female" or "male".
func (s Sex) String() string {
	if s == Male {
		return "male"
	}
	return "female"
}

// ResidentID is a valid 18-character resident identity card number
// (GB 11643-1999). The zero value is not a valid ID.
type ResidentID struct {
	s     string    // canonical form: 17 digits and a digit or 'X'
	birth time.Time // midnight UTC of the birth date
}

// residentWeights are 2^(17-i) mod 11, the ISO 7064 MOD 11-2 weights.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck maps (weighted sum mod 11) to the check character.
const residentCheck = "10X98765432"

// ParseResidentID parses an 18-character resident ID number, accepting a
// lower-case check character 'x' and surrounding spaces. It checks the
// province prefix, that the birth date is a real date from 1900 on, and the
// MOD 11-2 check character. It returns a *Error with code cnid.legacy for a
// 15-digit first-generation number, cnid.length, cnid.charset, cnid.region,
// cnid.birthdate or cnid.checksum.
func ParseResidentID(s string) (ResidentID, error) {
	s = strings.TrimSpace(s)
	if len(s) == 15 && isDigits(s) {
		return ResidentID{}, newError(CodeLegacy, "first-generation 15-digit resident ID; the 18-character number is required")
	}
	if len(s) != 18 {
		return ResidentID{}, newError(CodeLength, "resident ID must have 18 characters")
	}
	if !isDigits(s[:17]) {
		return ResidentID{}, newError(CodeCharset, "resident ID must be 17 digits and a digit or X")
	}
	last := s[17]
	switch {
	case last == 'x':
		s = s[:17] + "X"
	case last == 'X' || last >= '0' && last <= '9':
	default:
		return ResidentID{}, newError(CodeCharset, "resident ID must end in a digit or X")
	}
	if !provincePrefix[s[:2]] {
		return ResidentID{}, newError(CodeRegion, "resident ID region code names no province")
	}
	birth, ok := parseDate(s[6:14])
	if !ok || birth.Year() < 1900 {
		return ResidentID{}, newError(CodeBirthDate, "resident ID birth date is not a real date")
	}
	sum := 0
	for i, w := range residentWeights {
		sum += int(s[i]-'0') * w
	}
	if residentCheck[sum%11] != s[17] {
		return ResidentID{}, newError(CodeChecksum, "resident ID check character does not match")
	}
	return ResidentID{s: s, birth: birth}, nil
}

// ParseResidentIDOn is ParseResidentID that also rejects, with code
// cnid.birthdate, a birth date after the calendar date of on (in on's
// location). Callers pass the submission date, never a clock read here.
func ParseResidentIDOn(s string, on time.Time) (ResidentID, error) {
	id, err := ParseResidentID(s)
	if err != nil {
		return ResidentID{}, err
	}
	if id.birth.After(dateOf(on)) {
		return ResidentID{}, newError(CodeBirthDate, "resident ID birth date is in the future")
	}
	return id, nil
}

// parseDate parses YYYYMMDD and reports whether it is a real calendar date.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 8 || !isDigits(s) {
		return time.Time{}, false
	}
	y := atoi(s[:4])
	m := atoi(s[4:6])
	d := atoi(s[6:])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 02-30 to 03-02; a real date survives unchanged.
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// dateOf returns midnight UTC of t's calendar date in t's own location, so
// that dates compare without regard to zones.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// String returns the canonical 18-character number with an upper-case X.
func (id ResidentID) String() string { return id.s }

// IsZero reports whether id is the zero value rather than a parsed ID.
func (id ResidentID) IsZero() bool { return id.s == "" }

// Region returns the 6-digit GB/T 2260 code of the place of first
// registration. It may be a code abolished since the ID was issued.
func (id ResidentID) Region() string {
	if id.s == "" {
		return ""
	}
	return id.s[:6]
}

// BirthDate returns the birth date as midnight UTC; use its Year, Month and
// Day rather than comparing it with instants.
func (id ResidentID) BirthDate() time.Time { return id.birth }

// Sex returns the sex the sequence code encodes: odd is male, even female.
func (id ResidentID) Sex() Sex {
	if id.s == "" {
		return Female
	}
	if (id.s[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// AgeOn returns the age in whole years on the calendar date of on (in on's
// location). The age goes up on the birthday; a person born on 29 February
// gets one year older on 1 March in common years. A birth date after on gives
// a negative result.
func (id ResidentID) AgeOn(on time.Time) int {
	day := dateOf(on)
	b := id.birth
	age := day.Year() - b.Year()
	// The anniversary this year; time.Date turns 29 February of a common
	// year into 1 March, which is the rule stated above.
	if day.Before(time.Date(day.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)) {
		age--
	}
	return age
}
