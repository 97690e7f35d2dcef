package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/openbeian/beian"
)

// Encryption contexts bind each ciphertext to its column.
const (
	ctxAccountCert = "accounts.subject_cert"
	ctxUserEmail   = "users.email"
)

// newID returns a new UUIDv7: time-ordered, so primary-key indexes grow at
// the end and IDs sort by creation.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// CreateAccount inserts a, filling ID and CreatedAt when empty. It returns
// ECONFLICT (account.name.taken) when the name is taken and ECONFLICT
// (account.subject.taken) when the subject is bound to another account.
func (tx *Tx) CreateAccount(ctx context.Context, a *beian.Account) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = newID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = tx.now
	}
	a.CreatedAt = truncTime(a.CreatedAt)
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO accounts (id, name, subject_cert_enc, subject_cert_bidx, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, kr.EncryptString(ctxAccountCert, a.SubjectCertificate),
		nullString(kr.Index(IndexCertificate, a.SubjectCertificate)), a.Disabled, tx.t(a.CreatedAt), tx.t(tx.now))
	return tx.accountError("create account", err, a)
}

// accountError names which unique rule an account write broke.
func (tx *Tx) accountError(op string, err error, a *beian.Account) error {
	if err == nil {
		return nil
	}
	if tx.db.dialect.classify(err) == errUnique && strings.Contains(tx.db.dialect.violated(err), "subject_cert_bidx") {
		return tx.db.dialect.storeError(op, err, "account.subject.taken")
	}
	return tx.db.dialect.storeError(op, err, "account.name.taken", "name", a.Name)
}

// FindAccount returns the account with id, or ENOTFOUND.
func (tx *Tx) FindAccount(ctx context.Context, id string) (*beian.Account, error) {
	return tx.findAccount(ctx, "id = ?", id)
}

// FindAccountBySubjectCertificate returns the account bound to the subject
// certificate number through the blind index, or ENOTFOUND.
func (tx *Tx) FindAccountBySubjectCertificate(ctx context.Context, certificate string) (*beian.Account, error) {
	bidx := tx.db.keys.Index(IndexCertificate, certificate)
	if bidx == "" {
		return nil, notFound("account")
	}
	return tx.findAccount(ctx, "subject_cert_bidx = ?", bidx)
}

func (tx *Tx) findAccount(ctx context.Context, where string, arg any) (*beian.Account, error) {
	var a beian.Account
	var certEnc string
	err := tx.queryRow(ctx, `SELECT id, name, subject_cert_enc, disabled, created_at FROM accounts WHERE `+where, arg).
		Scan(&a.ID, &a.Name, &certEnc, &a.Disabled, scanTime(&a.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account")
	}
	if err != nil {
		return nil, tx.fail("find account", err)
	}
	if a.SubjectCertificate, err = tx.db.keys.DecryptString(ctxAccountCert, certEnc); err != nil {
		return nil, tx.fail("find account", err)
	}
	return &a, nil
}

// UpdateAccount writes a's name, subject binding and disabled flag. It
// returns ENOTFOUND for an unknown ID and ECONFLICT as CreateAccount does.
func (tx *Tx) UpdateAccount(ctx context.Context, a *beian.Account) error {
	if err := tx.writable(); err != nil {
		return err
	}
	kr := tx.db.keys
	res, err := tx.exec(ctx, `UPDATE accounts SET name = ?, subject_cert_enc = ?, subject_cert_bidx = ?, disabled = ?, updated_at = ?
		WHERE id = ?`,
		a.Name, kr.EncryptString(ctxAccountCert, a.SubjectCertificate),
		nullString(kr.Index(IndexCertificate, a.SubjectCertificate)), a.Disabled, tx.t(tx.now), a.ID)
	if err != nil {
		return tx.accountError("update account", err, a)
	}
	return mustAffect(res, "account")
}

// CreateUser inserts u, filling ID and CreatedAt when empty. It returns
// ECONFLICT (user.login.taken) when the login is taken and ENOTFOUND when
// its account does not exist.
func (tx *Tx) CreateUser(ctx context.Context, u *beian.User) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if u.ID == "" {
		u.ID = newID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = tx.now
	}
	u.CreatedAt = truncTime(u.CreatedAt)
	groups, policies, err := userLists(u)
	if err != nil {
		return tx.fail("create user", err)
	}
	kr := tx.db.keys
	_, err = tx.exec(ctx, `INSERT INTO users (id, account_id, login, display_name, email_enc, email_bidx, role, groups, policies,
			password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, nullString(u.AccountID), u.Login, u.DisplayName, kr.EncryptString(ctxUserEmail, u.Email),
		nullString(kr.Index(IndexEmail, u.Email)), string(u.Role), groups, policies,
		u.PasswordHash, u.Disabled, tx.t(u.CreatedAt), tx.t(tx.now))
	return tx.db.dialect.storeError("create user", err, "user.login.taken", "login", u.Login)
}

func userLists(u *beian.User) (groups, policies string, err error) {
	g, err := json.Marshal(nonNil(u.Groups))
	if err != nil {
		return "", "", err
	}
	p, err := json.Marshal(nonNil(u.Policies))
	if err != nil {
		return "", "", err
	}
	return string(g), string(p), nil
}

// nonNil makes an absent list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// FindUser returns the user with id, or ENOTFOUND.
func (tx *Tx) FindUser(ctx context.Context, id string) (*beian.User, error) {
	return tx.findUser(ctx, "id = ?", id)
}

// FindUserByLogin returns the user with login (exact match), or ENOTFOUND.
func (tx *Tx) FindUserByLogin(ctx context.Context, login string) (*beian.User, error) {
	return tx.findUser(ctx, "login = ?", login)
}

func (tx *Tx) findUser(ctx context.Context, where string, arg any) (*beian.User, error) {
	var u beian.User
	var accountID sql.NullString
	var emailEnc, role, groups, policies string
	err := tx.queryRow(ctx, `SELECT id, account_id, login, display_name, email_enc, role, groups, policies, password_hash, disabled, created_at
		FROM users WHERE `+where, arg).
		Scan(&u.ID, &accountID, &u.Login, &u.DisplayName, &emailEnc, &role, &groups, &policies, &u.PasswordHash, &u.Disabled, scanTime(&u.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, tx.fail("find user", err)
	}
	u.AccountID = accountID.String
	u.Role = beian.Role(role)
	if u.Email, err = tx.db.keys.DecryptString(ctxUserEmail, emailEnc); err != nil {
		return nil, tx.fail("find user", err)
	}
	if err := json.Unmarshal([]byte(groups), &u.Groups); err != nil {
		return nil, tx.fail("find user", fmt.Errorf("groups: %w", err))
	}
	if err := json.Unmarshal([]byte(policies), &u.Policies); err != nil {
		return nil, tx.fail("find user", fmt.Errorf("policies: %w", err))
	}
	return &u, nil
}

// UpdateUser writes every field of u but ID and CreatedAt. It returns
// ENOTFOUND for an unknown ID and ECONFLICT (user.login.taken) when the new
// login is taken.
func (tx *Tx) UpdateUser(ctx context.Context, u *beian.User) error {
	if err := tx.writable(); err != nil {
		return err
	}
	groups, policies, err := userLists(u)
	if err != nil {
		return tx.fail("update user", err)
	}
	kr := tx.db.keys
	res, err := tx.exec(ctx, `UPDATE users SET account_id = ?, login = ?, display_name = ?, email_enc = ?, email_bidx = ?, role = ?,
			groups = ?, policies = ?, password_hash = ?, disabled = ?, updated_at = ?
		WHERE id = ?`,
		nullString(u.AccountID), u.Login, u.DisplayName, kr.EncryptString(ctxUserEmail, u.Email),
		nullString(kr.Index(IndexEmail, u.Email)), string(u.Role), groups, policies, u.PasswordHash, u.Disabled, tx.t(tx.now), u.ID)
	if err != nil {
		return tx.db.dialect.storeError("update user", err, "user.login.taken", "login", u.Login)
	}
	return mustAffect(res, "user")
}

// mustAffect turns an UPDATE that matched no row into ENOTFOUND.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}
