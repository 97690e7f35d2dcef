package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect names a supported database. Queries are written once in portable
// SQL with ? placeholders; the dialect rewrites what differs.
type Dialect string

// The supported dialects. The values are the ones jobs.New accepts.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// timeLayout is how SQLite stores timestamps: UTC with a fixed six-digit
// fraction, so that comparing the text compares the times. Microseconds
// because PostgreSQL keeps no more; both databases return what was written.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// rebind turns the ? placeholders of a portable query into PostgreSQL's $n.
// Our queries never contain a literal question mark.
func (d Dialect) rebind(query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// forUpdate is the row-locking suffix of a SELECT. SQLite has none and needs
// none: its immediate transactions hold the database's write lock.
func (d Dialect) forUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// timeValue returns t as the driver should receive it: NULL when zero,
// otherwise UTC truncated to microseconds, as text for SQLite.
func (d Dialect) timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = truncTime(t)
	if d == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// truncTime is the precision both databases keep. Everything the store
// writes passes through it first, so an audit hash computed before the
// insert still matches the row read back.
func truncTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime scans a timestamp from either database: time.Time from pgx,
// text from SQLite, NULL as the zero time.
type nullTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (n nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.t = time.Time{}
	case time.Time:
		*n.t = v.UTC()
	case string:
		return n.parse(v)
	case []byte:
		return n.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", src)
	}
	return nil
}

func (n nullTime) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("sqlstore: bad stored time %q: %w", s, err)
	}
	*n.t = t.UTC()
	return nil
}

// scanTime adapts a *time.Time for Scan.
func scanTime(t *time.Time) sql.Scanner { return nullTime{t} }

// nullString maps "" to NULL, for optional unique columns (blind indexes)
// where empty values must not collide.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
