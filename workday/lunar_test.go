package workday

import (
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// lunarDisagreements lists the days on which the embedded data, after the
// decisions recorded in holidays.txt, makes a different working day from
// lunar-go. There are none: the only disagreements so far (2024-06-08 and
// -09) were weekend days that are off either way.
var lunarDisagreements = map[string]bool{}

// TestMatchesLunarGo checks the embedded data, day by day, against lunar-go,
// one of the two sources the generator cross-checks. It needs only the Go
// module cache, not npm, so it runs in CI and fails when holidays.txt is
// edited by hand or lunar-go is upgraded with different data.
func TestMatchesLunarGo(t *testing.T) {
	c := New()
	for y := 2020; y <= 2030; y++ {
		lunar := map[string]bool{} // date -> working
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			lunar[h.GetDay()] = h.IsWork()
		}
		if !c.Covered(y) {
			if y >= 2024 && y <= 2027 {
				t.Errorf("%d not covered", y)
			}
			continue
		}
		if len(lunar) == 0 {
			continue // a year from chinese-days alone: nothing to compare
		}
		for t0 := time.Date(y, 1, 1, 12, 0, 0, 0, Location); t0.Year() == y; t0 = t0.AddDate(0, 0, 1) {
			key := t0.Format(time.DateOnly)
			want, listed := lunar[key]
			if !listed {
				want = t0.Weekday() != time.Saturday && t0.Weekday() != time.Sunday
			}
			got, err := c.IsWorkday(t0)
			if err != nil {
				t.Fatal(err)
			}
			if got != want && !lunarDisagreements[key] {
				t.Errorf("%s: working %v, lunar-go says %v", key, got, want)
			}
		}
	}
}
