// Package sqlstore is Beian's system of record on SQLite or PostgreSQL: it
// implements [beian.Store] with hand-written portable SQL, a small dialect
// shim, embedded goose migrations (one folder per dialect, same versions)
// and field-level encryption of personal data with blind indexes for
// look-ups.
//
// cmd/beian opens it once and shares it; workflow runs every business action
// in one Update, so the rows, their audit events and their jobs commit
// together or not at all.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/openbeian/beian"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// JobInserter enqueues a job inside a store transaction. Package jobs
// implements it (jobs.Queue.InsertTx) without importing sqlstore; cmd/beian
// wires the two together. It must insert with tx and nothing else, so the
// job commits or rolls back with the change that caused it.
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, j beian.Job) error
}

// Config says which database to open and what the store needs besides it.
type Config struct {
	// DSN is a PostgreSQL URL (postgres://… or postgresql://…), or for
	// SQLite a file path or sqlite://path. A search_path parameter in a
	// PostgreSQL URL selects the schema, which tests use for isolation.
	DSN string
	// Keys encrypts personal data and keys its blind indexes; required.
	Keys *Keyring
	// Clock gives every transaction its time; nil means the system clock.
	Clock beian.Clock
	// Jobs receives the jobs enqueued in transactions. It may be nil at Open
	// and set later with DB.SetJobs, because the queue itself needs the
	// opened database; Enqueue fails until it is set.
	Jobs JobInserter
	// Logger receives operational messages (never personal data); nil
	// discards them.
	Logger *slog.Logger
}

// DB is an open store. It is safe for concurrent use; Close it once.
type DB struct {
	dialect Dialect
	// write runs Update; on SQLite it begins every transaction with BEGIN
	// IMMEDIATE (design §8), on PostgreSQL it is the only pool.
	write *sql.DB
	// read runs View; on SQLite a separate query-only pool so readers never
	// queue behind the write lock, on PostgreSQL the same pool as write.
	read   *sql.DB
	keys   *Keyring
	clock  beian.Clock
	jobs   atomic.Pointer[JobInserter]
	logger *slog.Logger
}

// Open connects to the database in cfg.DSN, applies pending migrations and
// returns the store. cmd/beian calls it once at start. Errors are plain
// (not coded): they stop the program and go to the operator.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Keys == nil {
		return nil, errors.New("sqlstore: Config.Keys is required")
	}
	db := &DB{keys: cfg.Keys, clock: cfg.Clock, logger: cfg.Logger}
	if db.clock == nil {
		db.clock = beian.SystemClock{}
	}
	if db.logger == nil {
		db.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Jobs != nil {
		db.SetJobs(cfg.Jobs)
	}
	var err error
	switch {
	case strings.HasPrefix(cfg.DSN, "postgres://"), strings.HasPrefix(cfg.DSN, "postgresql://"):
		db.dialect = Postgres
		err = db.openPostgres(cfg.DSN)
	default:
		db.dialect = SQLite
		err = db.openSQLite(strings.TrimPrefix(cfg.DSN, "sqlite://"))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openPostgres(dsn string) error {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	pool.SetMaxOpenConns(25)
	pool.SetMaxIdleConns(25)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db.write, db.read = pool, pool
	return nil
}

func (db *DB) openSQLite(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		// The writer and the reader pools must see one database: a file.
		return errors.New("sqlstore: SQLite needs a file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	common := url.Values{}
	common.Add("_pragma", "busy_timeout(5000)")
	common.Add("_pragma", "foreign_keys(1)")
	common.Add("_pragma", "synchronous(NORMAL)") // durable with WAL except on power loss of the last commits

	w := url.Values{}
	for k, v := range common {
		w[k] = v
	}
	w.Add("_pragma", "journal_mode(WAL)")
	// Without BEGIN IMMEDIATE a transaction that reads and then writes
	// fails at once with SQLITE_BUSY when another writer got there first;
	// busy_timeout only helps transactions that ask for the lock up front.
	w.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite", path+"?"+w.Encode())
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	// A few writers rather than one: they queue on SQLite's lock with
	// busy_timeout, and River's maintenance does not wait behind a long
	// request transaction for a free connection (design §8).
	write.SetMaxOpenConns(4)
	write.SetMaxIdleConns(4)
	write.SetConnMaxIdleTime(0)
	// Set WAL once before the readers open: a query-only connection cannot
	// change the journal mode.
	if _, err := write.Exec("SELECT 1"); err != nil {
		write.Close()
		return fmt.Errorf("sqlstore: open %s: %w", path, err)
	}

	r := url.Values{}
	for k, v := range common {
		r[k] = v
	}
	r.Set("_query_only", "1")
	read, err := sql.Open("sqlite", path+"?"+r.Encode())
	if err != nil {
		write.Close()
		return fmt.Errorf("sqlstore: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db.write, db.read = write, read
	return nil
}

// Migrate applies the embedded migrations of the store's dialect that the
// database has not seen yet. Open calls it; `beian migrate` calls it alone.
// On PostgreSQL a session advisory lock makes replicas that start together
// migrate one at a time. River's own tables are migrated by jobs.Queue.Migrate.
func (db *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	// Features own ranges of migration numbers (sessions 2–9, exchange 10–19,
	// notifications 20–29 …), so a database may already hold a higher number
	// when a lower one ships; applying missing lower versions is intended.
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// The advisory lock is per database, so key it by schema: replicas
		// of one installation wait for each other, while installations (or
		// tests) in other schemas of the same database do not.
		var schema string
		if err := db.write.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return fmt.Errorf("sqlstore: migrations: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("beian migrate " + schema))
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(int64(h.Sum64()&math.MaxInt64)),
			lock.WithLockTimeout(1, 600), // retry each second for ten minutes
		)
		if err != nil {
			return fmt.Errorf("sqlstore: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	for _, r := range results {
		db.logger.Info("database migrated", "dialect", db.dialect, "version", r.Source.Version, "duration", r.Duration)
		// The blind indexes of order_contacts need the keys, which SQL
		// has not got: the orders of before the table get their rows here.
		if r.Source.Version == orderContactsVersion {
			if err := db.backfillOrderContacts(ctx); err != nil {
				return fmt.Errorf("sqlstore: migrate: order contacts: %w", err)
			}
		}
	}
	return nil
}

// SetJobs sets where Enqueue sends jobs. cmd/beian calls it once after
// creating the queue on DB.SQL, before the store serves requests.
func (db *DB) SetJobs(j JobInserter) { db.jobs.Store(&j) }

// SQL returns the pool that Update uses, for River: jobs must be inserted
// and worked on the same database, and on SQLite through the pool that
// begins transactions IMMEDIATE.
func (db *DB) SQL() *sql.DB { return db.write }

// Dialect returns "sqlite" or "postgres"; jobs.New takes it.
func (db *DB) Dialect() string { return string(db.dialect) }

// Ping checks that the database answers, for /readyz. It returns
// EUNAVAILABLE when it does not.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return db.dialect.storeError("ping", err, "")
	}
	if db.read != db.write {
		if err := db.read.PingContext(ctx); err != nil {
			return db.dialect.storeError("ping", err, "")
		}
	}
	return nil
}

// Close closes the pools. Callers stop the job queue first, since River
// works on DB.SQL.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Update runs fn in a read-write transaction and commits when fn returns
// nil (see [beian.Store]). fn's errors come back unchanged after rollback;
// a panic in fn rolls back and is re-raised. Storage errors are EINTERNAL,
// EUNAVAILABLE, or ECONFLICT when the commit itself conflicts.
func (db *DB) Update(ctx context.Context, fn func(tx beian.Tx) error) error {
	return db.run(ctx, false, fn)
}

// View runs fn in a read-only transaction; Enqueue and every write in it
// fail. Errors are as for Update.
func (db *DB) View(ctx context.Context, fn func(tx beian.Tx) error) error {
	return db.run(ctx, true, fn)
}

func (db *DB) run(ctx context.Context, readOnly bool, fn func(tx beian.Tx) error) (err error) {
	pool := db.write
	if readOnly {
		pool = db.read
	}
	// SQLite's query-only pool enforces read-only itself, and modernc
	// rejects the ReadOnly option; PostgreSQL gets a READ ONLY transaction.
	sqlTx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly && db.dialect == Postgres})
	if err != nil {
		return db.dialect.storeError("begin", err, "")
	}
	tx := &Tx{db: db, tx: sqlTx, now: truncTime(db.clock.Now()), readOnly: readOnly}
	committed := false
	defer func() {
		if !committed {
			_ = sqlTx.Rollback() // the transaction failed already; its error is the one to report
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if readOnly {
		// Nothing to keep; rolling back a read-only transaction is the
		// cheapest way to end it.
		return nil
	}
	if err := sqlTx.Commit(); err != nil {
		return db.dialect.storeError("commit", err, "")
	}
	committed = true
	return nil
}
