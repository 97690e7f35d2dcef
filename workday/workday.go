// Package workday is China's working-day calendar: which days are working
// days once the official public holidays (法定节假日) and the weekend days
// moved to work (调休上班) are taken into account, and deadlines counted in
// working days, such as the bureau's 20-working-day review.
//
// The holidays are data, embedded from holidays.txt, which the program in
// internal/gen writes from two cross-checked sources; see that file's header
// for the sources, their licences, the years covered and every decision
// taken where the sources disagreed. The State Council publishes each year's
// arrangement in November of the year before, so the data must be
// regenerated every year. A Calendar refuses, with a *NoDataError, to answer
// for any day of a year it has no data for, rather than guess.
//
// Every date is read in China Standard Time (UTC+8, see Location): an instant
// belongs to the calendar date it has in Beijing. The package reads no clock.
package workday

//go:generate go run ./internal/gen -chinese-days=${CHINESE_DAYS_DIR} -out holidays.txt

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Location is China Standard Time, in which every date is read. China has
// had no daylight saving time since 1991, so a fixed zone equals
// Asia/Shanghai and needs no tzdata on the host.
var Location = time.FixedZone("CST", 8*60*60)

// ErrNoData is matched, with errors.Is, by every *NoDataError.
var ErrNoData = errors.New("workday: no holiday data for the year")

// NoDataError reports that a computation needed a day of a year for which
// the calendar has no holiday data.
type NoDataError struct {
	Year int
}

// Error names the year.
func (e *NoDataError) Error() string {
	return fmt.Sprintf("workday: no holiday data for %d", e.Year)
}

// Is makes errors.Is(err, ErrNoData) true.
func (e *NoDataError) Is(target error) bool { return target == ErrNoData }

// Override sets one date to a working or a non-working day, over the
// official data: a provincial holiday, an office closure, or a correction
// made before the data is regenerated.
type Override struct {
	// Date is the day to set; its calendar date in Location counts, so
	// midnight UTC and midnight Beijing time of a date both name that date.
	Date    time.Time
	Working bool
	// Note says why, for the people who read the settings.
	Note string
}

// Calendar answers working-day questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	years map[int]bool
	days  map[day]bool // true: working day; false: day off. Others follow the weekday.
}

// day is a calendar date as yyyymmdd, a compact map key.
type day int

func dayOf(t time.Time) day {
	t = t.In(Location)
	return day(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

func (d day) year() int { return int(d) / 10000 }

func (d day) time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// add returns the date n days after d.
func (d day) add(n int) day {
	t := d.time().AddDate(0, 0, n)
	return day(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

//go:embed holidays.txt
var holidaysTxt string

var official = sync.OnceValue(func() *Calendar {
	c, err := parse(holidaysTxt)
	if err != nil {
		panic("workday: embedded holidays.txt: " + err.Error())
	}
	return c
})

// New returns the calendar of the embedded official data. It never fails:
// the data is checked by the package's tests.
func New() *Calendar { return official() }

// parse reads the holidays.txt format described in its header.
func parse(s string) (*Calendar, error) {
	c := &Calendar{years: map[int]bool{}, days: map[day]bool{}}
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if f[0] == "year" && len(f) == 2 {
			y, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n+1, err)
			}
			c.years[y] = true
			continue
		}
		if len(f) < 2 || f[1] != "off" && f[1] != "work" {
			return nil, fmt.Errorf("line %d: want DATE off|work NAME", n+1)
		}
		t, err := time.Parse(time.DateOnly, f[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		d := day(t.Year()*10000 + int(t.Month())*100 + t.Day())
		if !c.years[d.year()] {
			return nil, fmt.Errorf("line %d: %s before its year line", n+1, f[0])
		}
		if _, dup := c.days[d]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n+1, f[0])
		}
		c.days[d] = f[1] == "work"
	}
	return c, nil
}

// WithOverrides returns a copy of c in which each override's date is a
// working or a non-working day as it says. Overrides do not add coverage: a
// date in a year without data is still refused. It returns an error when two
// overrides name the same date with different values; c is unchanged.
func (c *Calendar) WithOverrides(overrides []Override) (*Calendar, error) {
	n := &Calendar{years: c.years, days: make(map[day]bool, len(c.days)+len(overrides))}
	for d, w := range c.days {
		n.days[d] = w
	}
	set := map[day]bool{}
	for _, o := range overrides {
		d := dayOf(o.Date)
		if w, ok := set[d]; ok && w != o.Working {
			return nil, fmt.Errorf("workday: conflicting overrides for %s", d.time().Format(time.DateOnly))
		}
		set[d] = o.Working
		n.days[d] = o.Working
	}
	return n, nil
}

// Covered reports whether the calendar has holiday data for year.
func (c *Calendar) Covered(year int) bool { return c.years[year] }

// IsWorkday reports whether the calendar date of t (in Location) is a
// working day. It returns a *NoDataError when that year is not covered.
func (c *Calendar) IsWorkday(t time.Time) (bool, error) { return c.isWorkday(dayOf(t)) }

func (c *Calendar) isWorkday(d day) (bool, error) {
	if !c.years[d.year()] {
		return false, &NoDataError{Year: d.year()}
	}
	if w, ok := c.days[d]; ok {
		return w, nil
	}
	wd := d.time().Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkdays returns the deadline n working days after start: the last
// instant, 23:59:59.999999999 in Location, of the nth working day after the
// calendar date of start. The day of start never counts, whatever its time
// or kind, as in the legal reading "within n working days of the event";
// something is on time while its instant is not After the deadline. A
// negative n counts back: the end of the |n|th working day before start's
// date. n == 0 gives the end of start's own date. It returns a *NoDataError
// when a day it has to look at lies in a year that is not covered.
func (c *Calendar) AddWorkdays(start time.Time, n int) (time.Time, error) {
	d := dayOf(start)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.add(step)
		w, err := c.isWorkday(d)
		if err != nil {
			return time.Time{}, err
		}
		if w {
			n--
		}
	}
	return endOf(d), nil
}

func endOf(d day) time.Time {
	t := d.time()
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 999999999, Location)
}

// WorkdaysBetween counts the working days after the calendar date of a up
// to and including that of b: the working days left until a deadline b,
// seen on the day a. It is 0 when both fall on the same date, so that a
// deadline due today shows 0, and it is negative, counting the working days
// after b up to a, when b is before a (overdue). WorkdaysBetween(s,
// AddWorkdays(s, n)) is n for n >= 0. It returns a *NoDataError when a day
// it has to look at lies in a year that is not covered.
func (c *Calendar) WorkdaysBetween(a, b time.Time) (int, error) {
	da, db := dayOf(a), dayOf(b)
	sign := 1
	if db < da {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da.add(1); d <= db; d = d.add(1) {
		w, err := c.isWorkday(d)
		if err != nil {
			return 0, err
		}
		if w {
			n++
		}
	}
	return sign * n, nil
}
