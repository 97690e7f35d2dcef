// Package testenv gives tests the real parts of Beian on both databases: a
// store on a fresh SQLite file or a fresh PostgreSQL schema, a job queue on
// it, and a settable clock. PostgreSQL runs only when BEIAN_TEST_POSTGRES
// names a server; otherwise its half of each test is skipped, saying so.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/jobs"
	"github.com/openbeian/beian/sqlstore"
)

// PostgresEnv is the variable naming the PostgreSQL server for tests.
const PostgresEnv = "BEIAN_TEST_POSTGRES"

// Dialects runs fn once per database, as subtests named "sqlite" and
// "postgres", so the log shows which database passed.
func Dialects(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			if d == "postgres" && os.Getenv(PostgresEnv) == "" {
				t.Skip(PostgresEnv + " not set: PostgreSQL run skipped")
			}
			fn(t, d)
		})
	}
}

// DSN returns a fresh, empty database of the dialect: a file in the test's
// temporary directory, or a new schema (dropped at cleanup) selected by
// search_path, so packages testing in parallel never meet.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		path := filepath.Join(t.TempDir(), "beian.db")
		if err := os.WriteFile(path, sqliteTemplate(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	base := os.Getenv(PostgresEnv)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Clock is a settable clock for tests; it starts at a fixed working-day
// morning in Beijing.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// DefaultStart is Monday 2026-11-30 09:30 in Beijing, a working day.
var DefaultStart = time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC)

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Env is one test's wiring: store, queue (not started) and clock.
type Env struct {
	Dialect string
	DSN     string
	Clock   *Clock
	DB      *sqlstore.DB
	Queue   *jobs.Queue
	Keys    *sqlstore.Keyring
}

// Open returns a store and a job queue on a fresh database of dialect,
// closed at cleanup. Start the queue when the test needs jobs to run.
func Open(t testing.TB, dialect string) *Env {
	t.Helper()
	ctx := context.Background()
	e := &Env{Dialect: dialect, DSN: DSN(t, dialect), Clock: NewClock(DefaultStart)}
	var err error
	if e.Keys, err = sqlstore.NewKeyring(sqlstore.GenerateKey()); err != nil {
		t.Fatal(err)
	}
	if e.DB, err = sqlstore.Open(ctx, sqlstore.Config{DSN: e.DSN, Keys: e.Keys, Clock: e.Clock}); err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { e.DB.Close() })
	if e.Queue, err = jobs.New(e.DB.SQL(), e.DB.Dialect(), jobs.Config{Clock: e.Clock, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := e.Queue.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e.DB.SetJobs(e.Queue)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.Queue.Stop(ctx)
	})
	return e
}

var _ beian.Clock = (*Clock)(nil)

// sqliteTemplate is an SQLite database with every migration (the store's
// and River's) applied, built once per test process. Tests start from a
// copy: migrating from scratch costs seconds under -race, and most tests
// open a fresh database.
var sqliteTemplate = sync.OnceValue(func() []byte {
	dir, err := os.MkdirTemp("", "beian-testenv-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	ctx := context.Background()
	keys, err := sqlstore.NewKeyring(sqlstore.GenerateKey())
	if err != nil {
		panic(err)
	}
	db, err := sqlstore.Open(ctx, sqlstore.Config{DSN: path, Keys: keys})
	if err != nil {
		panic(err)
	}
	q, err := jobs.New(db.SQL(), db.Dialect(), jobs.Config{})
	if err == nil {
		err = q.Migrate(ctx)
	}
	// VACUUM INTO writes one self-contained file, WAL included.
	if err == nil {
		_, err = db.SQL().ExecContext(ctx, `VACUUM INTO '`+filepath.Join(dir, "copy.db")+`'`)
	}
	db.Close()
	if err != nil {
		panic(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "copy.db"))
	if err != nil {
		panic(err)
	}
	return b
})
