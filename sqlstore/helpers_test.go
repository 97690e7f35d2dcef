package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// pgEnv names the PostgreSQL server the suite also runs on; unset, the
// PostgreSQL half of every test is skipped with pgSkip.
const (
	pgEnv  = "BEIAN_TEST_POSTGRES"
	pgSkip = "BEIAN_TEST_POSTGRES not set: PostgreSQL storage suite skipped"
)

// testClock is a settable beian.Clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)}
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

// testDB is one opened store of the suite with what a test needs to reach
// behind it.
type testDB struct {
	*DB
	DSN    string // reopens the same database
	Schema string // PostgreSQL schema, "" on SQLite
	Clock  *testClock
	Keys   *Keyring
}

// dialects runs fn once per database: SQLite always, PostgreSQL when
// BEIAN_TEST_POSTGRES is set. Subtests are named by dialect so the log
// shows which database passed.
func dialects(t *testing.T, fn func(t *testing.T, d Dialect)) {
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == Postgres && os.Getenv(pgEnv) == "" {
				t.Skip(pgSkip)
			}
			fn(t, d)
		})
	}
}

// newDSN returns a fresh empty database of dialect d: a file in the test's
// temporary directory, or a new schema on the PostgreSQL server that is
// dropped when the test ends (tests of several packages share the server).
func newDSN(t testing.TB, d Dialect) (dsn, schema string) {
	t.Helper()
	if d == SQLite {
		return filepath.Join(t.TempDir(), "beian.db"), ""
	}
	base := os.Getenv(pgEnv)
	b := make([]byte, 6)
	rand.Read(b)
	schema = "t_sqlstore_" + hex.EncodeToString(b)
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

// openTestDB opens a fresh store of dialect d, closed when the test ends.
func openTestDB(t testing.TB, d Dialect) *testDB {
	t.Helper()
	dsn, schema := newDSN(t, d)
	keys, err := NewKeyring(GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	db, err := Open(context.Background(), Config{DSN: dsn, Keys: keys, Clock: clock})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return &testDB{DB: db, DSN: dsn, Schema: schema, Clock: clock, Keys: keys}
}

// update runs fn in Update and fails the test on error.
func (db *testDB) update(t testing.TB, fn func(tx beian.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// view runs fn in View and fails the test on error.
func (db *testDB) view(t testing.TB, fn func(tx beian.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// rawRow returns every column of the rows a query selects, as text, read
// straight from the database behind the store's back.
func (db *testDB) rawRows(t testing.TB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.write.Query(db.dialect.rebind(query), args...)
	if err != nil {
		t.Fatalf("raw query: %v", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := ""
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			s += fmt.Sprintf("%s=%v ", cols[i], v)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// exec runs a raw statement behind the store's back.
func (db *testDB) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := db.write.Exec(db.dialect.rebind(query), args...); err != nil {
		t.Fatalf("raw exec: %v", err)
	}
}

// wantCode fails unless err carries the code (and key, when given).
func wantCode(t testing.TB, err error, code, key string) {
	t.Helper()
	if got := beian.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if key != "" {
		e, _ := beian.AsError(err)
		if e.Key != key {
			t.Fatalf("error key = %q, want %q", e.Key, key)
		}
	}
}
