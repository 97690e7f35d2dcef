package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openbeian/beian"
)

// errKind is what the store needs to know about a driver error; each
// dialect's errors file maps its driver's codes onto it, so the rest of the
// package never looks at a driver type.
type errKind int

const (
	errOther errKind = iota
	errUnique
	errForeignKey
	errBusy
	errUnavailable
)

// violated returns what the database says a constraint error broke: the
// constraint name on PostgreSQL, the table.column list on SQLite. Callers
// search it for a column name to pick a message key.
func (d Dialect) violated(err error) string {
	if d == Postgres {
		return postgresConstraint(err)
	}
	return sqliteConstraint(err)
}

func (d Dialect) classify(err error) errKind {
	if d == Postgres {
		return postgresError(err)
	}
	return sqliteError(err)
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"account.name.taken":    {ZH: "账号名「{name}」已被使用。", EN: "The account name {name} is taken."},
		"account.subject.taken": {ZH: "该主体已绑定到其他账号。", EN: "This subject is already bound to another account."},
		"user.login.taken":      {ZH: "登录名「{login}」已被使用。", EN: "The login {login} is taken."},
		"record.version.stale":  {ZH: "备案信息已被他人修改，请刷新后重试。", EN: "The record was changed by someone else; reload and try again."},
		"store.read_only":       {ZH: "只读事务中不能修改数据。", EN: "A read-only transaction cannot change data."},
	})
}

// storeError turns a driver error into the coded error callers see. The
// driver's message stays in the cause, for logs only: it names tables and
// constraints but never values, since personal data is only ever bound as
// parameters (and encrypted). conflictKey is the message key of a unique
// violation for this statement, or "" for the generic one.
func (d Dialect) storeError(op string, err error, conflictKey string, params ...string) error {
	if err == nil {
		return nil
	}
	if _, ok := beian.AsError(err); ok {
		return err
	}
	cause := fmt.Errorf("%s: %w", op, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(cause)
	}
	switch d.classify(err) {
	case errUnique:
		if conflictKey == "" {
			conflictKey = "error.conflict"
		}
		return beian.Errorf(beian.ECONFLICT, conflictKey, params...).WithCause(cause)
	case errForeignKey:
		// A reference to a row that does not exist: the caller named it.
		return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(cause)
	case errBusy, errUnavailable:
		return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
	}
	return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(cause)
}

// notFound is the ENOTFOUND of a look-up that matched nothing.
func notFound(what string) error {
	return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(fmt.Errorf("%s not found", what))
}
