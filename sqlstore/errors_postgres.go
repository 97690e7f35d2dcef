package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// postgresError classifies a pgx error into the kinds the store reports;
// see classify. Codes are SQLSTATEs (PostgreSQL manual, appendix A).
func postgresError(err error) errKind {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		switch e.Code {
		case "23505": // unique_violation
			return errUnique
		case "23503": // foreign_key_violation
			return errForeignKey
		case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
			return errBusy
		case "57P01", "57P02", "57P03", "53300": // admin/crash shutdown, cannot connect now, too many connections
			return errUnavailable
		}
		if strings.HasPrefix(e.Code, "08") { // connection exceptions
			return errUnavailable
		}
		return errOther
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return errUnavailable
	}
	return errOther
}

// postgresConstraint returns the name of the constraint an error broke;
// PostgreSQL names unique constraints table_column_key.
func postgresConstraint(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.ConstraintName
	}
	return ""
}
