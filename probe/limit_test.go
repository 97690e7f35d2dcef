package probe

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when a limiter "sleeps" on it.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	total time.Duration
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.total += d
	c.waits = append(c.waits, d)
	return nil
}

// pace returns the clock and its sleep as a limiter's pace.
func (c *fakeClock) pace() pace { return pace{c, c.sleep} }

func (c *fakeClock) slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

func TestBucket(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := newBucket(Rate{PerSecond: 4, Burst: 2}, clock.pace())
	ctx := context.Background()
	for range 4 {
		if err := b.wait(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	// Two from the burst, then one every 250 ms.
	if got := clock.waits; len(got) != 2 || got[0] != 250*time.Millisecond || got[1] != 250*time.Millisecond {
		t.Errorf("waits %v", got)
	}
	// A second of idleness refills the burst but no more.
	clock.t = clock.t.Add(10 * time.Second)
	if !b.idle(clock.Now()) {
		t.Error("bucket not idle after 10 s")
	}
	before := len(clock.waits)
	b.wait(ctx, 1)
	b.wait(ctx, 1)
	if len(clock.waits) != before {
		t.Errorf("burst after idleness waited: %v", clock.waits[before:])
	}
	b.wait(ctx, 1)
	if len(clock.waits) != before+1 {
		t.Error("third call after the burst did not wait")
	}

	// A cancelled wait gives its reservation back.
	b = newBucket(Rate{PerSecond: 1, Burst: 1}, clock.pace())
	b.wait(ctx, 1)
	tat := b.tat.Load()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.wait(cctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if b.tat.Load() != tat {
		t.Errorf("reservation kept after a cancelled wait")
	}

	var unlimited *bucket
	if err := unlimited.wait(ctx, 100); err != nil || newBucket(Rate{}, clock.pace()) != nil {
		t.Error("zero rate is not unlimited")
	}
}

func TestLimiterSet(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiterSet(Rate{PerSecond: 1, Burst: 1}, clock.pace())
	ctx := context.Background()
	l.wait(ctx, "a")
	l.wait(ctx, "b") // another host: its own bucket
	if clock.slept() != 0 {
		t.Fatalf("independent hosts waited %v", clock.slept())
	}
	l.wait(ctx, "a")
	if clock.slept() != time.Second {
		t.Errorf("second request to a waited %v, want 1s", clock.slept())
	}
	var none *limiterSet
	if err := none.wait(ctx, "x"); err != nil {
		t.Error(err)
	}
}
