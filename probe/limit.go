package probe

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openbeian/beian"
)

// Rate is a token-bucket limit: PerSecond tokens are added each second, up
// to Burst. The zero Rate means unlimited.
type Rate struct {
	PerSecond float64
	Burst     int
}

// unlimited reports whether r imposes no limit.
func (r Rate) unlimited() bool { return r.PerSecond <= 0 }

// sleepFunc waits for d or until ctx is done. The limiters take it as a
// parameter so tests can advance a fake clock instead of sleeping.
type sleepFunc func(ctx context.Context, d time.Duration) error

// pace is the real-time side of rate limiting: the clock buckets refill by
// and the way callers wait. It is never the business clock
// (Config.Clock), which stamps evidence and which tests fix at a date: a
// bucket on a stopped clock never refills.
type pace struct {
	clock beian.Clock
	sleep sleepFunc
}

// realPace is the wall clock and a real wait.
var realPace = pace{beian.SystemClock{}, sleepContext}

// sleepContext is the real sleepFunc.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// bucket is one token bucket, kept as a "theoretical arrival time" (the
// generic cell rate algorithm): one atomic word, no lock, so 64 workers
// taking tokens never queue behind a descheduled lock holder. Callers
// reserve their tokens in arrival order and wait out their own delay, so a
// burst of callers is spread evenly rather than woken all at once.
type bucket struct {
	interval int64 // nanoseconds per token
	window   int64 // burst × interval: how far ahead of now reservations may run free
	clock    beian.Clock
	sleep    sleepFunc
	tat      atomic.Int64 // Unix nanoseconds at which all reserved tokens are paid for
}

func newBucket(r Rate, p pace) *bucket {
	if r.unlimited() {
		return nil
	}
	interval := int64(float64(time.Second) / r.PerSecond)
	if interval <= 0 {
		return nil // more than a billion a second is no limit
	}
	return &bucket{interval: interval, window: int64(max(r.Burst, 1)) * interval, clock: p.clock, sleep: p.sleep}
}

// wait takes n tokens, waiting as long as needed. A nil bucket is
// unlimited. When ctx ends first, the reservation is returned.
func (b *bucket) wait(ctx context.Context, n int) error {
	if b == nil {
		return nil
	}
	now := b.clock.Now().UnixNano()
	cost := int64(n) * b.interval
	for {
		old := b.tat.Load()
		next := max(old, now) + cost
		if !b.tat.CompareAndSwap(old, next) {
			continue
		}
		d := time.Duration(next - b.window - now)
		if d <= 0 {
			return ctx.Err()
		}
		if err := b.sleep(ctx, d); err != nil {
			b.tat.Add(-cost)
			return err
		}
		return nil
	}
}

// idle reports whether the bucket has refilled completely, so that
// forgetting it changes nothing.
func (b *bucket) idle(now time.Time) bool { return b.tat.Load() <= now.UnixNano() }

// maxBuckets bounds a limiterSet: a sweep touches one bucket per server
// address, and a million filings share far fewer servers, but the map
// must not grow without end in a long-running worker.
const maxBuckets = 1 << 16

// limiterSet holds one bucket per key (a server address, a registry host).
type limiterSet struct {
	rate Rate
	pace pace

	mu sync.Mutex
	m  map[string]*bucket
}

func newLimiterSet(r Rate, p pace) *limiterSet {
	return &limiterSet{rate: r, pace: p, m: map[string]*bucket{}}
}

// wait takes one token from key's bucket.
func (l *limiterSet) wait(ctx context.Context, key string) error {
	if l == nil || l.rate.unlimited() {
		return ctx.Err()
	}
	l.mu.Lock()
	b, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxBuckets {
			now := l.pace.clock.Now()
			for k, x := range l.m {
				if x.idle(now) {
					delete(l.m, k)
				}
			}
		}
		b = newBucket(l.rate, l.pace)
		l.m[key] = b
	}
	l.mu.Unlock()
	return b.wait(ctx, 1)
}
