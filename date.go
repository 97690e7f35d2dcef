package beian

import (
	"encoding/json"
	"time"
)

// Date is a calendar date without time of day or zone, as printed on
// certificates and used for validity periods. It is stored as midnight UTC
// so that comparisons never depend on where the server runs.
type Date struct{ t time.Time }

// dateLayout is ISO 8601, the only format Beian writes.
const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d; out-of-range values normalise as time.Date does.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in China Standard Time, the zone
// every deadline and validity period is reckoned in.
func DateOf(t time.Time) Date {
	t = t.In(ChinaTime)
	return NewDate(t.Year(), t.Month(), t.Day())
}

// ChinaTime is China Standard Time (UTC+8, no daylight saving since 1991).
// A fixed zone avoids depending on the host's tzdata.
var ChinaTime = time.FixedZone("CST", 8*3600)

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, Invalid("date", "date.format", "value", s)
	}
	return Date{t}, nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.t.Year(), d.t.Month(), d.t.Day(), 0, 0, 0, 0, loc)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDate adds years, months and days, normalising as time.AddDate does
// except that a month end never spills into the next month (Nov 30 + 3
// months is Feb 28/29), which is how validity periods are counted.
func (d Date) AddDate(years, months, days int) Date {
	y, m, dd := d.t.Date()
	target := time.Date(y+years, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := target.AddDate(0, 1, -1).Day()
	if dd > last {
		dd = last
	}
	return Date{time.Date(target.Year(), target.Month(), dd, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)}
}

// MarshalJSON writes "YYYY-MM-DD" or "" for an unset date.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Clock tells the time. Everything that needs the time takes a Clock, so
// tests drive deadlines, SMS windows and scheduled jobs without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
