// Package jobs runs Beian's durable background work — notifications, bureau
// uploads, deadlines, the periodic download feed — on River
// (github.com/riverqueue/river) over the store's own database, behind a small
// interface.
//
// Jobs are inserted with InsertTx in the transaction of the change that
// causes them (sqlstore calls it from Tx.Enqueue), so a job exists if and
// only if its change committed. Retries with backoff, scheduling, unique
// jobs and leader election for periodic work are River's; time is the
// injected beian.Clock, so tests move scheduled jobs by moving the clock.
//
// Every job is one River kind, "beian", whose arguments carry our kind, the
// unique key and the payload; one River worker dispatches by our kind to the
// handler registered with Handle. That keeps handler registration free of
// River's per-type generics and lets Handle be called at any time before
// Start, while workers and inserters on other replicas need no list of
// kinds. Query jobs of one kind with args->>'kind'.
//
// cmd/beian wires it: sqlstore.Open, then New(db.SQL(), db.Dialect(), …),
// Queue.Migrate (River's tables; `beian migrate` runs it too), db.SetJobs,
// Handle for every kind, Periodic, Start; on shutdown Stop, then db.Close.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/openbeian/beian"
)

// riverKind is the River kind of every Beian job; see the package comment.
const riverKind = "beian"

// Handler does the work of one job. Returning an error fails the attempt;
// River retries it with backoff until MaxAttempts, then discards it. A
// handler must be idempotent: a job whose worker dies mid-way runs again.
type Handler func(ctx context.Context, job beian.Job) error

// Config tunes a Queue. Zero values are production defaults.
type Config struct {
	// Clock drives scheduling (RunAt), retries and periodic work; nil means
	// the system clock.
	Clock beian.Clock
	// Logger receives River's and the queue's messages; nil discards them.
	Logger *slog.Logger
	// Workers is how many jobs this process works at once; 0 means 10.
	Workers int
	// Schema is the PostgreSQL schema of River's tables; "" means the
	// connection's search_path. Ignored on SQLite.
	Schema string
	// PollInterval is how often workers look for new jobs when no
	// notification tells them; 0 means River's default (1 s). Tests use a
	// short one.
	PollInterval time.Duration
	// MaxAttempts is the default attempt limit of jobs that set none; 0
	// means River's default (25).
	MaxAttempts int
	// ListenDSN, on PostgreSQL, is a pgx connection string for one extra
	// connection that LISTENs for River's insert notifications, so jobs
	// start within milliseconds of their commit instead of the next poll
	// (design §8). Empty means poll only. It must reach the same database
	// and schema as the *sql.DB.
	ListenDSN string
	// Queue names River's queue; "" means River's default queue. Tests that
	// share a database use their own schema instead.
	Queue string
	// JobTimeout bounds one attempt of a job; 0 means 10 minutes. River's
	// own default (1 minute) is too short for a 50 MB upload to a bureau on
	// a slow link or a sweep of every filed service.
	JobTimeout time.Duration
}

// Queue is the job queue on one database. Its methods are safe for
// concurrent use, except that handlers should be registered before Start.
type Queue struct {
	client   *river.Client[*sql.Tx]
	driver   riverdriver.Driver[*sql.Tx]
	schema   string
	queue    string
	logger   *slog.Logger
	listener *pgxpool.Pool

	mu       sync.RWMutex
	handlers map[string]Handler
}

// New returns a queue on db, the store's pool (sqlstore.DB.SQL) of the given
// dialect ("sqlite" or "postgres", sqlstore.DB.Dialect). It does no I/O but
// for opening the listener pool; call Migrate before inserting.
func New(db *sql.DB, dialect string, cfg Config) (*Queue, error) {
	q := &Queue{handlers: make(map[string]Handler), logger: cfg.Logger, queue: cfg.Queue}
	if q.logger == nil {
		q.logger = slog.New(slog.DiscardHandler)
	}
	if q.queue == "" {
		q.queue = river.QueueDefault
	}
	clock := cfg.Clock
	if clock == nil {
		clock = beian.SystemClock{}
	}
	switch dialect {
	case "sqlite":
		q.driver = riversqlite.New(db)
	case "postgres":
		q.schema = cfg.Schema
		if cfg.ListenDSN != "" {
			pc, err := pgxpool.ParseConfig(cfg.ListenDSN)
			if err != nil {
				return nil, fmt.Errorf("jobs: listen DSN: %w", err)
			}
			// One connection is enough: River hijacks it for LISTEN and
			// opens another only to replace a broken one.
			pc.MaxConns, pc.MinConns = 1, 0
			pool, err := pgxpool.NewWithConfig(context.Background(), pc)
			if err != nil {
				return nil, fmt.Errorf("jobs: listen pool: %w", err)
			}
			q.listener = pool
			q.driver = riverdatabasesql.NewWithPgxListener(db, pool)
		} else {
			q.driver = riverdatabasesql.New(db)
		}
	default:
		return nil, fmt.Errorf("jobs: unknown dialect %q", dialect)
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &worker{q: q})
	rc := &river.Config{
		Logger:            q.logger,
		Schema:            q.schema,
		Workers:           workers,
		Queues:            map[string]river.QueueConfig{q.queue: {MaxWorkers: cmpOr(cfg.Workers, 10)}},
		FetchPollInterval: cfg.PollInterval,
		MaxAttempts:       cfg.MaxAttempts,
		RetryPolicy:       &retryPolicy{clock: clock},
		JobTimeout:        cmpOrDuration(cfg.JobTimeout, 10*time.Minute),
		// Without a LISTEN connection, River must not try to listen.
		PollOnly: dialect == "postgres" && q.listener == nil,
	}
	if cfg.PollInterval > 0 {
		// River refuses a cooldown longer than the poll interval.
		rc.FetchCooldown = min(cfg.PollInterval, 100*time.Millisecond)
	}
	if _, system := clock.(beian.SystemClock); !system {
		// River reads stubbed time from its Test.Time and passes it to every
		// query that compares with "now" (scheduling, fetching, leadership),
		// instead of the database's now(). The system clock leaves it
		// unset, so production uses River's defaults unchanged.
		rc.Test.Time = clockTime{clock}
		// River's stuck-job rescuer and its cleaner read the wall clock
		// (v0.51.2: maintenance.JobRescuer, JobCleaner), not Test.Time.
		// Against a clock that is not the wall's, the rescuer would take
		// every running job for stuck (attempted_at is on our clock) and run
		// it a second time, and the cleaner would delete finished jobs at
		// once. So under such a clock they are switched off: it is for tests
		// and demos, where no worker crashes and nothing needs cleaning.
		rc.RescueStuckJobsAfter = 100 * 365 * 24 * time.Hour
		rc.CancelledJobRetentionPeriod = -1
		rc.CompletedJobRetentionPeriod = -1
		rc.DiscardedJobRetentionPeriod = -1
	}
	client, err := river.NewClient(q.driver, rc)
	if err != nil {
		q.closeListener()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	return q, nil
}

// Migrate creates or upgrades River's tables (river_job, river_leader, …)
// in the queue's database and schema. cmd/beian calls it after
// sqlstore.Open and before Start; `beian migrate` calls both. Errors are
// plain and stop the program.
func (q *Queue) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(q.driver, &rivermigrate.Config{Logger: q.logger, Schema: q.schema})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	for _, v := range res.Versions {
		q.logger.Info("job queue migrated", "version", v.Version, "name", v.Name)
	}
	return nil
}

// Handle registers h for jobs of kind. cmd/beian and the packages that own
// kinds (notify, miit, workflow) call it before Start. Registering a kind
// twice, or an empty kind, is a programming error and panics, as
// http.ServeMux does.
func (q *Queue) Handle(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Handle needs a kind and a handler")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.handlers[kind]; dup {
		panic("jobs: a handler for " + kind + " is already registered")
	}
	q.handlers[kind] = h
}

func (q *Queue) handler(kind string) Handler {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.handlers[kind]
}

// Periodic makes a job of kind (with an empty payload) run every interval,
// and once when this process becomes the leader, since schedules live in
// the leader's memory and a new leader starts them over. Only the elected
// leader among all replicas enqueues, so the work runs once per interval
// across the deployment. Call it before or after Start; the kind needs a
// handler. River wants intervals of a second or more. Under a test clock
// the run at start follows the clock, but River's enqueuer then sleeps on a
// wall-clock timer, so moving the clock does not bring the next run sooner:
// tests of periodic work call the handler's job directly.
func (q *Queue) Periodic(kind string, every time.Duration) {
	q.client.PeriodicJobs().Add(river.NewPeriodicJob(
		river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return jobArgs{JobKind: kind}, &river.InsertOpts{Queue: q.queue}
		},
		&river.PeriodicJobOpts{ID: kind, RunOnStart: true},
	))
}

// uniqueStates are the states in which a job blocks another with the same
// kind and unique key: everything before it finishes. River requires the
// first four.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStatePending, rivertype.JobStateScheduled, rivertype.JobStateAvailable,
	rivertype.JobStateRunning, rivertype.JobStateRetryable,
}

// InsertTx adds j to tx, the transaction of the change that causes it; it
// implements sqlstore.JobInserter. RunAt becomes River's scheduled time,
// UniqueKey makes a second job of the same kind and key a no-op while the
// first has not finished, MaxAttempts overrides the default. It returns
// EINVALID for a job without a kind or with a payload that is not JSON, and
// the driver's error (which the store maps) when the insert fails.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, j beian.Job) error {
	if j.Kind == "" {
		return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(errors.New("jobs: job without a kind"))
	}
	if len(j.Payload) > 0 && !json.Valid(j.Payload) {
		return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("jobs: %s: payload is not JSON", j.Kind))
	}
	opts := &river.InsertOpts{Queue: q.queue, MaxAttempts: j.MaxAttempts}
	if !j.RunAt.IsZero() {
		// Truncated, not rounded as PostgreSQL would, so a job due at the
		// clock's current instant is due now and not a microsecond later.
		opts.ScheduledAt = j.RunAt.UTC().Truncate(time.Microsecond)
	}
	if j.UniqueKey != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: uniqueStates}
	}
	_, err := q.client.InsertTx(ctx, tx, jobArgs{JobKind: j.Kind, Key: j.UniqueKey, Payload: j.Payload}, opts)
	if err != nil {
		return fmt.Errorf("jobs: insert %s: %w", j.Kind, err)
	}
	return nil
}

// Start starts working jobs and, on the elected leader, River's maintenance
// (scheduling, retries, periodic jobs, cleanup). Cancelling ctx stops the
// queue as StopAndCancel would; prefer Stop. Processes that only insert
// (web replicas) never call it.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish, or for ctx
// to end (then running jobs are left to River's rescuer). It closes the
// listener connection; the queue cannot be started again.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	q.closeListener()
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

func (q *Queue) closeListener() {
	if q.listener != nil {
		q.listener.Close()
	}
}

// jobArgs are the River arguments of every Beian job. The unique tags make
// River's by-args uniqueness cover our kind and key but not the payload.
type jobArgs struct {
	JobKind string          `json:"kind" river:"unique"`
	Key     string          `json:"key,omitempty" river:"unique"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Kind is River's kind, the same for all our jobs.
func (jobArgs) Kind() string { return riverKind }

// worker dispatches River jobs to the registered handlers.
type worker struct {
	river.WorkerDefaults[jobArgs]
	q *Queue
}

// Work runs the handler registered for the job's kind.
func (w *worker) Work(ctx context.Context, job *river.Job[jobArgs]) error {
	h := w.q.handler(job.Args.JobKind)
	if h == nil {
		// Fail rather than cancel: a replica with the handler may be
		// deployed while the retries last.
		return fmt.Errorf("jobs: no handler for kind %q", job.Args.JobKind)
	}
	return h(ctx, beian.Job{
		Kind:        job.Args.JobKind,
		Payload:     job.Args.Payload,
		RunAt:       job.ScheduledAt,
		UniqueKey:   job.Args.Key,
		MaxAttempts: job.MaxAttempts,
	})
}

// clockTime makes a beian.Clock River's time generator. It truncates to
// the microsecond because PostgreSQL rounds to it: a job created "now" at
// 12:00:00.0000005 would be stored as 12:00:00.000001 and, under a clock
// that stands still, never be due.
type clockTime struct{ clock beian.Clock }

// Now is the clock's time, for River's in-process arithmetic.
func (c clockTime) Now() time.Time { return c.clock.Now().UTC().Truncate(time.Microsecond) }

// NowOrNil is the same time, which River passes to its queries in place
// of the database's now().
func (c clockTime) NowOrNil() *time.Time {
	t := c.Now()
	return &t
}

// retryPolicy is River's default backoff (attempt⁴ seconds, ±10 %) counted
// from our clock. River's own default reads the wall clock even when its
// time is stubbed, so with a test clock a retry would be due at a wall time
// the test clock never reaches, or at once.
type retryPolicy struct{ clock beian.Clock }

// maxBackoff caps the wait between attempts; River's formula reaches days
// by the 20th attempt.
const maxBackoff = 24 * time.Hour

// NextRetry returns when the failed job may run again.
func (p *retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	// Errors, not attempts: snoozes count attempts without failing.
	n := float64(len(job.Errors) + 1)
	d := time.Duration(math.Min(math.Pow(n, 4)*float64(time.Second), float64(maxBackoff)))
	jitter := time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	return p.clock.Now().UTC().Add(d + jitter)
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func cmpOrDuration(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}
