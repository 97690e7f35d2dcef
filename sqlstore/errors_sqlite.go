package sqlstore

import (
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteError classifies a modernc.org/sqlite error into the kinds the store
// reports; see classify.
func sqliteError(err error) errKind {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return errOther
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return errUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return errForeignKey
	}
	// The primary code is the low byte of an extended one.
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return errBusy
	}
	return errOther
}

// sqliteConstraint returns the "table.column, …" list of a constraint
// error, which SQLite puts after the colon of its message.
func sqliteConstraint(err error) string {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return ""
	}
	_, cols, _ := strings.Cut(e.Error(), "constraint failed: ")
	return cols
}
