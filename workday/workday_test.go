package workday

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// d returns noon of a date in Beijing, the middle of that calendar day.
func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 12, 0, 0, 0, Location) }

// eod returns the end of a date in Beijing, as AddWorkdays does.
func eod(y int, m time.Month, dd int) time.Time {
	return time.Date(y, m, dd, 23, 59, 59, 999999999, Location)
}

func TestIsWorkday(t *testing.T) {
	c := New()
	tests := []struct {
		date    time.Time
		working bool
	}{
		// 2024 Spring Festival: 02-10..02-17 off, Sundays 02-04 and 02-18
		// worked; New Year's Eve 02-09 was only "encouraged" off.
		{d(2024, 2, 4), true},
		{d(2024, 2, 9), true},
		{d(2024, 2, 10), false},
		{d(2024, 2, 14), false},
		{d(2024, 2, 17), false},
		{d(2024, 2, 18), true},
		{d(2024, 2, 19), true},
		{d(2024, 6, 10), false}, // 端午
		// 2025 New Year's Day alone, no make-up day.
		{d(2025, 1, 1), false},
		{d(2025, 1, 2), true},
		// 2025 Spring Festival, the first year with four statutory days.
		{d(2025, 1, 26), true},
		{d(2025, 1, 28), false},
		{d(2025, 2, 4), false},
		{d(2025, 2, 5), true},
		{d(2025, 2, 8), true},
		// 2025 National Day and Mid-Autumn: 10-01..10-08 off, Sunday 09-28
		// and Saturday 10-11 worked.
		{d(2025, 9, 27), false},
		{d(2025, 9, 28), true},
		{d(2025, 9, 30), true},
		{d(2025, 10, 1), false},
		{d(2025, 10, 6), false},
		{d(2025, 10, 8), false},
		{d(2025, 10, 9), true},
		{d(2025, 10, 11), true},
		{d(2025, 10, 12), false},
		// 2026: New Year 01-01..01-03, Sunday 01-04 worked; Spring Festival
		// 02-15..02-23, Saturdays 02-14 and 02-28 worked; Labour Day
		// 05-01..05-05, Saturday 05-09 worked; National Day 10-01..10-07,
		// Sunday 09-20 and Saturday 10-10 worked.
		{d(2026, 1, 2), false},
		{d(2026, 1, 4), true},
		{d(2026, 2, 14), true},
		{d(2026, 2, 23), false},
		{d(2026, 2, 24), true},
		{d(2026, 2, 28), true},
		{d(2026, 5, 5), false},
		{d(2026, 5, 9), true},
		{d(2026, 9, 20), true},
		{d(2026, 10, 7), false},
		{d(2026, 10, 8), true},
		{d(2026, 10, 10), true},
		// Ordinary weeks.
		{d(2026, 3, 13), true},
		{d(2026, 3, 14), false},
		{d(2026, 3, 15), false},
	}
	for _, tt := range tests {
		got, err := c.IsWorkday(tt.date)
		if err != nil || got != tt.working {
			t.Errorf("IsWorkday(%s) = %v, %v; want %v", tt.date.Format(time.DateOnly), got, err, tt.working)
		}
	}
}

func TestDatesAreBeijingDates(t *testing.T) {
	c := New()
	// 2025-09-30 20:00 UTC is 2025-10-01 04:00 in Beijing: a holiday.
	got, err := c.IsWorkday(time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC))
	if err != nil || got {
		t.Errorf("IsWorkday(2025-09-30T20:00Z) = %v, %v; want false (it is 10-01 in Beijing)", got, err)
	}
	// Midnight UTC of a date is 08:00 the same date in Beijing.
	got, err = c.IsWorkday(time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil || !got {
		t.Errorf("IsWorkday(2025-09-30T00:00Z) = %v, %v; want true", got, err)
	}
}

func TestAddWorkdays(t *testing.T) {
	c := New()
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		{"before National Day 2025", d(2025, 9, 30), 1, eod(2025, 10, 9)},
		{"onto a make-up Sunday", d(2025, 9, 26), 1, eod(2025, 9, 28)},
		{"start on a holiday does not count", d(2025, 10, 3), 1, eod(2025, 10, 9)},
		{"start at 23:59 still its own day", time.Date(2025, 9, 30, 23, 59, 0, 0, Location), 1, eod(2025, 10, 9)},
		{"start late UTC is next day in Beijing", time.Date(2025, 9, 29, 16, 30, 0, 0, time.UTC), 1, eod(2025, 10, 9)},
		{"20 working days across National Day", d(2025, 9, 20), 20, eod(2025, 10, 23)},
		{"20 working days across Spring Festival 2026", d(2026, 2, 10), 20, eod(2026, 3, 16)},
		{"zero", d(2025, 10, 3), 0, eod(2025, 10, 3)},
		{"back one over the holiday", d(2025, 10, 9), -1, eod(2025, 9, 30)},
		{"back onto a make-up Sunday", d(2025, 10, 9), -3, eod(2025, 9, 28)},
		{"back from a Monday", d(2026, 3, 16), -1, eod(2026, 3, 13)},
		{"year boundary 2024-2025", d(2024, 12, 31), 1, eod(2025, 1, 2)},
		{"year boundary 2026-2027", d(2026, 12, 31), 1, eod(2027, 1, 4)},
		{"back over a year boundary", d(2025, 1, 2), -1, eod(2024, 12, 31)},
		{"start in an uncovered year is not looked at", d(2023, 12, 31), 1, eod(2024, 1, 2)},
	}
	for _, tt := range tests {
		got, err := c.AddWorkdays(tt.start, tt.n)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, %v; want %s", tt.name, tt.start, tt.n, got, err, tt.want)
		}
		if got.Location() != Location {
			t.Errorf("%s: result in %s, want %s", tt.name, got.Location(), Location)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := New()
	tests := []struct {
		a, b time.Time
		want int
	}{
		{d(2025, 9, 30), d(2025, 10, 9), 1},
		{d(2025, 10, 9), d(2025, 9, 30), -1},
		{d(2025, 10, 9), d(2025, 10, 9), 0},
		{d(2025, 10, 1), d(2025, 10, 8), 0},
		{d(2025, 9, 20), eod(2025, 10, 23), 20},
		{d(2024, 1, 1), d(2024, 12, 31), 251}, // 2024 had 251 working days; 01-01 itself is a holiday
		{d(2026, 12, 25), d(2027, 1, 8), 9},
	}
	for _, tt := range tests {
		got, err := c.WorkdaysBetween(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, %v; want %d", tt.a.Format(time.DateOnly), tt.b.Format(time.DateOnly), got, err, tt.want)
		}
	}
}

// TestAddWorkdaysInverse checks WorkdaysBetween(s, AddWorkdays(s, n)) == n
// over every start date of the covered years that stays inside them.
func TestAddWorkdaysInverse(t *testing.T) {
	c := New()
	for s := d(2024, 1, 1); s.Before(d(2027, 11, 1)); s = s.AddDate(0, 0, 1) {
		for _, n := range []int{0, 1, 5, 20} {
			end, err := c.AddWorkdays(s, n)
			if err != nil {
				t.Fatalf("AddWorkdays(%s, %d): %v", s, n, err)
			}
			if got, err := c.WorkdaysBetween(s, end); err != nil || got != n {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, %v; want %d", s, end, got, err, n)
			}
			if n > 0 {
				if w, _ := c.IsWorkday(end); !w {
					t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", s, n, end)
				}
			}
		}
	}
}

func TestRefusesUncoveredYears(t *testing.T) {
	c := New()
	for y := 2023; y <= 2028; y++ {
		if want := y >= 2024 && y <= 2027; c.Covered(y) != want {
			t.Errorf("Covered(%d) = %v, want %v", y, c.Covered(y), want)
		}
	}
	checkNoData := func(name string, err error, year int) {
		t.Helper()
		var nd *NoDataError
		if !errors.As(err, &nd) || nd.Year != year || !errors.Is(err, ErrNoData) {
			t.Errorf("%s: error = %v, want NoDataError for %d", name, err, year)
		}
	}
	_, err := c.IsWorkday(d(2023, 6, 1))
	checkNoData("IsWorkday 2023", err, 2023)
	_, err = c.IsWorkday(d(2028, 6, 1))
	checkNoData("IsWorkday 2028", err, 2028)
	_, err = c.AddWorkdays(d(2024, 1, 2), -2) // 01-01 is off, so 2023-12-29 is needed
	checkNoData("AddWorkdays back into 2023", err, 2023)
	_, err = c.AddWorkdays(d(2027, 12, 20), 20)
	checkNoData("AddWorkdays into 2028", err, 2028)
	_, err = c.WorkdaysBetween(d(2027, 12, 1), d(2028, 1, 5))
	checkNoData("WorkdaysBetween into 2028", err, 2028)
	_, err = c.WorkdaysBetween(d(2024, 1, 5), d(2023, 12, 1))
	checkNoData("WorkdaysBetween back into 2023", err, 2023)
	if !strings.Contains(err.Error(), "2023") {
		t.Errorf("message %q does not name the year", err)
	}
}

func TestWithOverrides(t *testing.T) {
	base := New()
	c, err := base.WithOverrides([]Override{
		{Date: time.Date(2025, 10, 9, 0, 0, 0, 0, time.UTC), Working: false, Note: "provincial holiday"},
		{Date: d(2025, 10, 12), Working: true, Note: "office open"},
		{Date: d(2025, 10, 12), Working: true, Note: "listed twice, same value"},
		{Date: d(2028, 1, 3), Working: true, Note: "a year without data stays refused"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.AddWorkdays(d(2025, 9, 30), 1); !got.Equal(eod(2025, 10, 10)) {
		t.Errorf("with 10-09 off: AddWorkdays = %s, want 10-10", got)
	}
	if w, _ := c.IsWorkday(d(2025, 10, 12)); !w {
		t.Error("Sunday 10-12 set working is not")
	}
	if w, _ := base.IsWorkday(d(2025, 10, 9)); !w {
		t.Error("WithOverrides changed the calendar it was called on")
	}
	if _, err := c.IsWorkday(d(2028, 1, 3)); !errors.Is(err, ErrNoData) {
		t.Errorf("override in 2028: error = %v, want ErrNoData", err)
	}
	_, err = base.WithOverrides([]Override{{Date: d(2025, 10, 9)}, {Date: d(2025, 10, 9), Working: true}})
	if err == nil {
		t.Error("conflicting overrides accepted")
	}
}

// TestEmbeddedData checks what every year's arrangement satisfies: make-up
// days are weekends, and weekdays off minus make-up days is the number of
// statutory holidays, 11 until 2024 and 13 from 2025.
func TestEmbeddedData(t *testing.T) {
	c := New()
	for y := range c.years {
		weekdaysOff, makeUp := 0, 0
		for dd, working := range c.days {
			if dd.year() != y {
				continue
			}
			wd := dd.time().Weekday()
			weekend := wd == time.Saturday || wd == time.Sunday
			switch {
			case working && !weekend:
				t.Errorf("%d: make-up day on a weekday", dd)
			case working:
				makeUp++
			case !weekend:
				weekdaysOff++
			}
		}
		want := 11
		if y >= 2025 {
			want = 13
		}
		if weekdaysOff-makeUp != want {
			t.Errorf("%d: %d weekdays off, %d make-up days; want a difference of %d", y, weekdaysOff, makeUp, want)
		}
	}
}

func TestParseRejectsMalformedData(t *testing.T) {
	for _, s := range []string{
		"2024-01-01 off 元旦",                               // before its year line
		"year 2024\n2024-01-01 holiday 元旦",                // unknown kind
		"year 2024\n2024-13-01 off x",                     // not a date
		"year 2024\n2024-01-01 off 元旦\n2024-01-01 off 元旦", // twice
		"year twenty",
	} {
		if _, err := parse(s); err == nil {
			t.Errorf("parse(%q) accepted", s)
		}
	}
}
