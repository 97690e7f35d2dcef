package bureausim

import (
	"sync"
	"time"

	"github.com/openbeian/beian"
)

// AcceleratedClock is a beian.Clock whose time runs faster than its base clock: from a
// starting instant, one simulated day passes every DayEvery of base time. Demos use it
// (Config.Speedup) so that a review of several working days finishes while someone watches;
// the rest of the simulator just reads the clock and needs no special case.
type AcceleratedClock struct {
	base beian.Clock
	// factor is simulated nanoseconds per base nanosecond.
	factor float64

	mu                  sync.Mutex
	baseStart, simStart time.Time
}

// NewAcceleratedClock returns a clock that reads simStart now and then runs so that one day
// of simulated time passes every dayEvery of base time. dayEvery must be positive.
func NewAcceleratedClock(base beian.Clock, simStart time.Time, dayEvery time.Duration) *AcceleratedClock {
	if dayEvery <= 0 {
		panic("bureausim: NewAcceleratedClock: dayEvery must be positive")
	}
	return &AcceleratedClock{
		base:      base,
		factor:    float64(24*time.Hour) / float64(dayEvery),
		baseStart: base.Now(),
		simStart:  simStart,
	}
}

// Now returns the simulated time.
func (c *AcceleratedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	elapsed := c.base.Now().Sub(c.baseStart)
	return c.simStart.Add(time.Duration(float64(elapsed) * c.factor)).UTC()
}

// Factor is how many times faster than its base the clock runs.
func (c *AcceleratedClock) Factor() float64 { return c.factor }
