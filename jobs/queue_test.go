package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/sqlstore"
)

const (
	pgEnv  = "BEIAN_TEST_POSTGRES"
	pgSkip = "BEIAN_TEST_POSTGRES not set: PostgreSQL storage suite skipped"
	// wait is how long a test waits for River before failing: generous,
	// since the scheduler runs every 5 s and CI machines are shared.
	wait = 60 * time.Second
)

// testClock is a settable beian.Clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one store and queue on a fresh database.
type env struct {
	db     *sqlstore.DB
	q      *Queue
	clock  *testClock
	events <-chan *river.Event
	seen   map[string]*rivertype.JobRow // events waitEvent read but did not want yet

	mu   sync.Mutex
	runs map[string]int // payload "id" → times handled
}

type options struct {
	epoch   time.Time // the test clock's start
	listen  bool      // PostgreSQL LISTEN/NOTIFY instead of polling
	workers int
}

// setup opens a store and a queue on a fresh database of dialect d (a
// SQLite file, or a PostgreSQL schema dropped afterwards) and registers the
// handler "test.record", which counts runs by payload id.
func setup(t *testing.T, d string, o options) *env {
	t.Helper()
	ctx := context.Background()
	if o.epoch.IsZero() {
		o.epoch = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	}
	dsn, schema := newDSN(t, d)
	keys, err := sqlstore.NewKeyring(sqlstore.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{clock: &testClock{now: o.epoch}, runs: make(map[string]int), seen: make(map[string]*rivertype.JobRow)}
	e.db, err = sqlstore.Open(ctx, sqlstore.Config{DSN: dsn, Keys: keys, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.db.Close() })
	cfg := Config{Clock: e.clock, Schema: schema, PollInterval: 50 * time.Millisecond, Workers: o.workers, Logger: testLogger(t)}
	if o.listen {
		cfg.ListenDSN = dsn
		// Poll so rarely that only a notification can start the job in time.
		cfg.PollInterval = time.Hour
	}
	e.q, err = New(e.db.SQL(), e.db.Dialect(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.q.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e.db.SetJobs(e.q)
	e.q.Handle("test.record", func(ctx context.Context, j beian.Job) error {
		var p struct{ ID string }
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return err
		}
		e.mu.Lock()
		e.runs[p.ID]++
		e.mu.Unlock()
		return nil
	})
	events, cancel := e.q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(cancel)
	e.events = events
	return e
}

func (e *env) start(t *testing.T) {
	t.Helper()
	if err := e.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := e.q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// enqueue commits j in a store transaction; fail makes the transaction roll
// back instead.
func (e *env) enqueue(t *testing.T, j beian.Job, fail bool) {
	t.Helper()
	rollback := errors.New("rollback")
	err := e.db.Update(context.Background(), func(tx beian.Tx) error {
		if err := tx.Enqueue(context.Background(), j); err != nil {
			return err
		}
		if fail {
			return rollback
		}
		return nil
	})
	if fail && err != rollback || !fail && err != nil {
		t.Fatalf("enqueue %s: %v", j.Payload, err)
	}
}

func record(id string) beian.Job {
	return beian.Job{Kind: "test.record", Payload: json.RawMessage(`{"id": "` + id + `"}`)}
}

func (e *env) ran(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runs[id]
}

// waitEvent waits for River to report that the job with payload id reached
// kind (completed or failed). Events of other jobs that arrive meanwhile are
// kept for later calls.
func (e *env) waitEvent(t *testing.T, kind river.EventKind, id string) *rivertype.JobRow {
	t.Helper()
	key := string(kind) + "/" + id
	if job, ok := e.seen[key]; ok {
		delete(e.seen, key)
		return job
	}
	timeout := time.After(wait)
	for {
		select {
		case ev := <-e.events:
			var a jobArgs
			if err := json.Unmarshal(ev.Job.EncodedArgs, &a); err != nil {
				t.Fatal(err)
			}
			var p struct{ ID string }
			_ = json.Unmarshal(a.Payload, &p)
			if ev.Kind == kind && p.ID == id {
				return ev.Job
			}
			e.seen[string(ev.Kind)+"/"+p.ID] = ev.Job
		case <-timeout:
			t.Fatalf("job %s: no %s event within %s; jobs:\n%s", id, kind, wait, e.dump(t))
			return nil
		}
	}
}

// dump describes River's job rows, for failure messages.
func (e *env) dump(t *testing.T) string {
	rows, err := e.db.SQL().Query(`SELECT id, state, attempt, scheduled_at, created_at, errors FROM river_job ORDER BY id`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, attempt int
		var state string
		var scheduled, created, errs any
		if err := rows.Scan(&id, &state, &attempt, &scheduled, &created, &errs); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "  %d %s attempt=%d scheduled_at=%v created_at=%v errors=%s\n", id, state, attempt, scheduled, created, errs)
	}
	fmt.Fprintf(&b, "  test clock %v, wall clock %v\n", e.clock.Now(), time.Now().UTC())
	return b.String()
}

// jobRows counts River's job rows, read behind the queue's back.
func (e *env) jobRows(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestQueue(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, d string)
	}{
		{"commit_runs_once", testCommitRunsOnce},
		{"rollback_never_runs", testRollbackNeverRuns},
		{"scheduled_past_clock", func(t *testing.T, d string) {
			// The test clock is years behind the database's: a River that
			// compared with now() would run the job at once.
			testScheduled(t, d, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"scheduled_future_clock", func(t *testing.T, d string) {
			// The test clock is years ahead: a River that compared with now()
			// would never run a job due "now".
			testScheduled(t, d, time.Now().AddDate(15, 0, 0).UTC())
		}},
		{"unique_key", testUnique},
		{"retry", testRetry},
		{"periodic", testPeriodic},
		{"listen_notify", testListen},
	}
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			if d == "postgres" && os.Getenv(pgEnv) == "" {
				t.Skip(pgSkip)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.fn(t, d)
				})
			}
		})
	}
}

func testCommitRunsOnce(t *testing.T, d string) {
	e := setup(t, d, options{})
	e.start(t)
	e.enqueue(t, record("a"), false)
	job := e.waitEvent(t, river.EventKindJobCompleted, "a")
	if job.Attempt != 1 {
		t.Errorf("attempt %d", job.Attempt)
	}
	// A job committed after it completing proves the queue moved on; "a"
	// still ran exactly once.
	e.enqueue(t, record("b"), false)
	e.waitEvent(t, river.EventKindJobCompleted, "b")
	if n := e.ran("a"); n != 1 {
		t.Errorf("job a ran %d times", n)
	}
}

func testRollbackNeverRuns(t *testing.T, d string) {
	// One worker: jobs run in insertion order, so the rolled-back job, had
	// it existed, would have run before the committed one.
	e := setup(t, d, options{workers: 1})
	e.enqueue(t, record("rolled-back"), true)
	e.enqueue(t, record("committed"), false)
	if n := e.jobRows(t); n != 1 {
		t.Fatalf("%d job rows after one rollback and one commit, want 1", n)
	}
	e.start(t)
	e.waitEvent(t, river.EventKindJobCompleted, "committed")
	if n := e.ran("rolled-back"); n != 0 {
		t.Errorf("rolled-back job ran %d times", n)
	}
}

func testScheduled(t *testing.T, d string, epoch time.Time) {
	e := setup(t, d, options{epoch: epoch})
	later := record("later")
	later.RunAt = epoch.Add(time.Hour)
	// "due" has a RunAt too, so River inserts both as scheduled and the
	// same scheduler pass decides about both.
	due := record("due")
	due.RunAt = epoch
	err := e.db.Update(context.Background(), func(tx beian.Tx) error {
		if err := tx.Enqueue(context.Background(), later); err != nil {
			return err
		}
		return tx.Enqueue(context.Background(), due)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.start(t)
	e.waitEvent(t, river.EventKindJobCompleted, "due")
	if n := e.ran("later"); n != 0 {
		t.Fatalf("job due in an hour ran %d times before the clock moved", n)
	}
	var state string
	if err := e.db.SQL().QueryRow(`SELECT state FROM river_job WHERE scheduled_at > (SELECT MIN(scheduled_at) FROM river_job)`).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != string(rivertype.JobStateScheduled) {
		t.Errorf("the later job is %s, want scheduled", state)
	}
	e.clock.Add(time.Hour + time.Second)
	job := e.waitEvent(t, river.EventKindJobCompleted, "later")
	// SQLite keeps River's times to the millisecond.
	if job.ScheduledAt.Sub(later.RunAt).Abs() >= time.Millisecond {
		t.Errorf("scheduled at %v, want %v", job.ScheduledAt, later.RunAt)
	}
}

func testUnique(t *testing.T, d string) {
	e := setup(t, d, options{})
	for _, id := range []string{"u1", "u2", "u3"} {
		j := record(id)
		j.UniqueKey = "order-42"
		if id == "u3" {
			j.UniqueKey = "order-43"
		}
		e.enqueue(t, j, false)
	}
	if n := e.jobRows(t); n != 2 {
		t.Fatalf("%d job rows, want 2 (u2 is a duplicate of u1)", n)
	}
	e.start(t)
	e.waitEvent(t, river.EventKindJobCompleted, "u1")
	e.waitEvent(t, river.EventKindJobCompleted, "u3")
	if e.ran("u2") != 0 {
		t.Error("the duplicate ran")
	}
	// Once the first has finished, the key is free again.
	j := record("u4")
	j.UniqueKey = "order-42"
	e.enqueue(t, j, false)
	e.waitEvent(t, river.EventKindJobCompleted, "u4")
}

func testRetry(t *testing.T, d string) {
	e := setup(t, d, options{})
	var attempts []int
	var mu sync.Mutex
	e.q.Handle("test.flaky", func(ctx context.Context, j beian.Job) error {
		mu.Lock()
		defer mu.Unlock()
		attempts = append(attempts, len(attempts)+1)
		if len(attempts) == 1 {
			return errors.New("bureau unavailable")
		}
		return nil
	})
	e.start(t)
	e.enqueue(t, beian.Job{Kind: "test.flaky", Payload: json.RawMessage(`{"id": "f"}`), MaxAttempts: 3}, false)
	failed := e.waitEvent(t, river.EventKindJobFailed, "f")
	// River marks a retry due within its scheduler's interval available at
	// once and lets the fetch query wait for scheduled_at; later ones stay
	// retryable until the scheduler moves them. Either way scheduled_at rules.
	if len(failed.Errors) != 1 || (failed.State != rivertype.JobStateRetryable && failed.State != rivertype.JobStateAvailable) {
		t.Fatalf("after the first failure: state %s, errors %v", failed.State, failed.Errors)
	}
	// The backoff is on the test clock: the retry waits until it moves.
	if !failed.ScheduledAt.After(e.clock.Now()) {
		t.Errorf("retry scheduled at %v, not after the test clock's %v", failed.ScheduledAt, e.clock.Now())
	}
	e.clock.Add(time.Minute)
	done := e.waitEvent(t, river.EventKindJobCompleted, "f")
	if done.Attempt != 2 {
		t.Errorf("completed on attempt %d, want 2", done.Attempt)
	}
}

func testPeriodic(t *testing.T, d string) {
	e := setup(t, d, options{})
	ticked := make(chan beian.Job, 10)
	e.q.Handle("test.tick", func(ctx context.Context, j beian.Job) error {
		ticked <- j
		return nil
	})
	e.q.Periodic("test.tick", time.Hour)
	e.start(t)
	select {
	case j := <-ticked:
		if j.Kind != "test.tick" {
			t.Errorf("kind %q", j.Kind)
		}
	case <-time.After(wait):
		t.Fatal("the periodic job did not run when the leader started")
	}
}

func testListen(t *testing.T, d string) {
	if d != "postgres" {
		t.Skip("LISTEN/NOTIFY is PostgreSQL's; SQLite polls")
	}
	e := setup(t, d, options{listen: true})
	e.start(t)
	e.enqueue(t, record("n"), false)
	e.waitEvent(t, river.EventKindJobCompleted, "n")
}

// newDSN returns a fresh database of dialect d and River's schema for it.
func newDSN(t *testing.T, d string) (dsn, schema string) {
	t.Helper()
	if d == "sqlite" {
		return filepath.Join(t.TempDir(), "beian.db"), ""
	}
	base := os.Getenv(pgEnv)
	b := make([]byte, 6)
	rand.Read(b)
	schema = "t_jobs_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("JOBS_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
}
