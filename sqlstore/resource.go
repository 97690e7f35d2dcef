package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// Encryption contexts and blind-index kinds of the resource tables.
const (
	ctxAuthCode  = "auth_codes.code"
	ctxBasisCert = "order_bases.cert"

	// IndexAuthCode indexes authorization codes, normalised by
	// NormalizeAuthCode before indexing.
	IndexAuthCode IndexKind = "auth_code"
)

// NormalizeAuthCode returns an authorization code as it is indexed: upper
// case, without the dashes and spaces people type or paste in between.
func NormalizeAuthCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(code))
}

const resourceColumns = `id, external_id, account_id, kind, name, region, mainland, billing, term_months, expires_at,
	public_ips, filings_used, filings_max, auth_codes, created_at, updated_at, version`

// PutResource inserts r, or updates the resource with the same ExternalID
// (the provider feed's upsert), and reports whether it inserted. An update
// keeps the stored ID, CreatedAt and code count, and the larger
// FilingsUsed, since Beian counts filings the feed may not know of yet. It
// returns ENOTFOUND when the owner account does not exist.
func (tx *Tx) PutResource(ctx context.Context, r *beian.Resource) (bool, error) {
	if err := tx.writable(); err != nil {
		return false, err
	}
	ips, err := json.Marshal(nonNil(r.PublicIPs))
	if err != nil {
		return false, tx.fail("put resource", err)
	}
	old, err := tx.findResource(ctx, `external_id = ?`+tx.db.dialect.forUpdate(), r.ExternalID)
	switch {
	case err == nil:
		r.ID, r.CreatedAt, r.AuthCodes = old.ID, old.CreatedAt, old.AuthCodes
		r.FilingsUsed = max(r.FilingsUsed, old.FilingsUsed)
		r.UpdatedAt, r.Version = tx.now, old.Version+1
		r.ExpiresAt = truncTime(r.ExpiresAt)
		_, err = tx.exec(ctx, `UPDATE resources SET account_id = ?, kind = ?, name = ?, region = ?, mainland = ?, billing = ?,
				term_months = ?, expires_at = ?, public_ips = ?, filings_used = ?, filings_max = ?, updated_at = ?, version = ?
			WHERE id = ?`,
			r.AccountID, string(r.Kind), r.Name, r.Region, r.Mainland, string(r.Billing), r.TermMonths, tx.t(r.ExpiresAt),
			string(ips), r.FilingsUsed, r.FilingsMax, tx.t(r.UpdatedAt), r.Version, r.ID)
		return false, tx.fail("put resource", err)
	case beian.ErrorCode(err) != beian.ENOTFOUND:
		return false, err
	}
	if r.ID == "" {
		r.ID = newID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.CreatedAt, r.ExpiresAt = truncTime(r.CreatedAt), truncTime(r.ExpiresAt)
	r.UpdatedAt, r.Version = tx.now, 1
	_, err = tx.exec(ctx, `INSERT INTO resources (`+resourceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.ExternalID, r.AccountID, string(r.Kind), r.Name, r.Region, r.Mainland, string(r.Billing), r.TermMonths,
		tx.t(r.ExpiresAt), string(ips), r.FilingsUsed, r.FilingsMax, r.AuthCodes, tx.t(r.CreatedAt), tx.t(r.UpdatedAt), r.Version)
	return true, tx.fail("put resource", err)
}

// FindResource returns the resource with id, or ENOTFOUND.
func (tx *Tx) FindResource(ctx context.Context, id string) (*beian.Resource, error) {
	return tx.findResource(ctx, `id = ?`, id)
}

func (tx *Tx) findResource(ctx context.Context, where string, arg any) (*beian.Resource, error) {
	rs, err := tx.resources(ctx, `SELECT `+resourceColumns+` FROM resources WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound("resource")
	}
	return rs[0], nil
}

// FindResources returns the resources matching f, ordered by kind, name and
// ID so that lists are stable.
func (tx *Tx) FindResources(ctx context.Context, f beian.ResourceFilter) ([]*beian.Resource, error) {
	var where []string
	var args []any
	if f.AccountID != "" {
		where, args = append(where, `account_id = ?`), append(args, f.AccountID)
	}
	if len(f.Kinds) > 0 {
		where = append(where, `kind IN (`+placeholders(len(f.Kinds))+`)`)
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	q := `SELECT ` + resourceColumns + ` FROM resources`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return tx.resources(ctx, q+` ORDER BY kind, name, id`, args...)
}

func (tx *Tx) resources(ctx context.Context, query string, args ...any) ([]*beian.Resource, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find resources", err)
	}
	defer rows.Close()
	var out []*beian.Resource
	for rows.Next() {
		var r beian.Resource
		var kind, billing, ips string
		if err := rows.Scan(&r.ID, &r.ExternalID, &r.AccountID, &kind, &r.Name, &r.Region, &r.Mainland, &billing,
			&r.TermMonths, scanTime(&r.ExpiresAt), &ips, &r.FilingsUsed, &r.FilingsMax, &r.AuthCodes,
			scanTime(&r.CreatedAt), scanTime(&r.UpdatedAt), &r.Version); err != nil {
			return nil, tx.fail("find resources", err)
		}
		r.Kind, r.Billing = beian.ResourceKind(kind), beian.Billing(billing)
		if err := json.Unmarshal([]byte(ips), &r.PublicIPs); err != nil {
			return nil, tx.fail("find resources", fmt.Errorf("resource %s public_ips: %w", r.ID, err))
		}
		if len(r.PublicIPs) == 0 {
			r.PublicIPs = nil
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find resources", err)
	}
	return out, nil
}

// UpdateResource writes r's quota count and code count if r.Version
// matches, then increments it; the feed's fields change only through
// PutResource. Errors: ECONFLICT (resource.version.stale), ENOTFOUND.
func (tx *Tx) UpdateResource(ctx context.Context, r *beian.Resource) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE resources SET filings_used = ?, auth_codes = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, r.FilingsUsed, r.AuthCodes, tx.t(tx.now), r.ID, r.Version)
	if err != nil {
		return tx.fail("update resource", err)
	}
	if err := tx.versionChecked(ctx, res, "resources", r.ID, "resource.version.stale"); err != nil {
		return err
	}
	r.Version++
	r.UpdatedAt = tx.now
	return nil
}

const authCodeColumns = `id, code_enc, resource_id, ip, issuer_account_id, grantee_account_id, state, order_id, invalid_reason,
	created_at, granted_at, used_at, updated_at, version`

// CreateAuthCode inserts c with Version 1, filling ID and the times. It
// returns ECONFLICT when the code collides with another (callers draw a
// new one) and ENOTFOUND when the resource or issuer does not exist.
func (tx *Tx) CreateAuthCode(ctx context.Context, c *beian.AuthCode) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = newID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.CreatedAt, c.UpdatedAt, c.Version = truncTime(c.CreatedAt), tx.now, 1
	code := NormalizeAuthCode(c.Code)
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO auth_codes (`+authCodeColumns+`, code_bidx)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, kr.EncryptString(ctxAuthCode, code), c.ResourceID, addrText(c.IP), c.IssuerAccountID, c.GranteeAccountID,
		string(c.State), c.OrderID, c.InvalidReason, tx.t(c.CreatedAt), tx.t(c.GrantedAt), tx.t(c.UsedAt), tx.t(c.UpdatedAt),
		c.Version, kr.Index(IndexAuthCode, code))
	return tx.db.dialect.storeError("create auth code", err, "")
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// FindAuthCode returns the code with id, or ENOTFOUND.
func (tx *Tx) FindAuthCode(ctx context.Context, id string) (*beian.AuthCode, error) {
	return tx.findAuthCode(ctx, `id = ?`, id)
}

// FindAuthCodeByCode finds a code by its secret through the blind index,
// however it was typed (case, dashes), or returns ENOTFOUND.
func (tx *Tx) FindAuthCodeByCode(ctx context.Context, code string) (*beian.AuthCode, error) {
	n := NormalizeAuthCode(code)
	if n == "" {
		return nil, notFound("auth code")
	}
	return tx.findAuthCode(ctx, `code_bidx = ?`, tx.db.keys.Index(IndexAuthCode, n))
}

func (tx *Tx) findAuthCode(ctx context.Context, where string, arg any) (*beian.AuthCode, error) {
	cs, err := tx.authCodes(ctx, `SELECT `+authCodeColumns+` FROM auth_codes WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("auth code")
	}
	return cs[0], nil
}

// FindAuthCodes returns the codes matching f, oldest first.
func (tx *Tx) FindAuthCodes(ctx context.Context, f beian.AuthCodeFilter) ([]*beian.AuthCode, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"issuer_account_id", f.IssuerAccountID}, {"grantee_account_id", f.GranteeAccountID}, {"resource_id", f.ResourceID},
	} {
		if c.v != "" {
			where, args = append(where, c.col+` = ?`), append(args, c.v)
		}
	}
	q := `SELECT ` + authCodeColumns + ` FROM auth_codes`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return tx.authCodes(ctx, q+` ORDER BY created_at, id`, args...)
}

func (tx *Tx) authCodes(ctx context.Context, query string, args ...any) ([]*beian.AuthCode, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find auth codes", err)
	}
	defer rows.Close()
	var out []*beian.AuthCode
	for rows.Next() {
		var c beian.AuthCode
		var codeEnc, ip, state string
		if err := rows.Scan(&c.ID, &codeEnc, &c.ResourceID, &ip, &c.IssuerAccountID, &c.GranteeAccountID, &state, &c.OrderID,
			&c.InvalidReason, scanTime(&c.CreatedAt), scanTime(&c.GrantedAt), scanTime(&c.UsedAt), scanTime(&c.UpdatedAt),
			&c.Version); err != nil {
			return nil, tx.fail("find auth codes", err)
		}
		c.State = beian.AuthCodeState(state)
		if c.Code, err = tx.db.keys.DecryptString(ctxAuthCode, codeEnc); err != nil {
			return nil, tx.fail("find auth codes", err)
		}
		if ip != "" {
			if c.IP, err = netip.ParseAddr(ip); err != nil {
				return nil, tx.fail("find auth codes", fmt.Errorf("auth code %s ip: %w", c.ID, err))
			}
		}
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find auth codes", err)
	}
	return out, nil
}

// UpdateAuthCode writes c's grant, state, order and times if c.Version
// matches, then increments it. Errors: ECONFLICT (authcode.version.stale),
// ENOTFOUND.
func (tx *Tx) UpdateAuthCode(ctx context.Context, c *beian.AuthCode) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE auth_codes SET grantee_account_id = ?, state = ?, order_id = ?, invalid_reason = ?,
			granted_at = ?, used_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		c.GranteeAccountID, string(c.State), c.OrderID, c.InvalidReason, tx.t(c.GrantedAt), tx.t(c.UsedAt), tx.t(tx.now),
		c.ID, c.Version)
	if err != nil {
		return tx.fail("update auth code", err)
	}
	if err := tx.versionChecked(ctx, res, "auth_codes", c.ID, "authcode.version.stale"); err != nil {
		return err
	}
	c.Version++
	c.UpdatedAt = tx.now
	return nil
}

// PutAutoApproval adds a whitelist entry or updates its notify flag.
func (tx *Tx) PutAutoApproval(ctx context.Context, a *beian.AutoApproval) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = tx.now
	}
	a.CreatedAt = truncTime(a.CreatedAt)
	res, err := tx.exec(ctx, `UPDATE auth_code_whitelist SET notify = ? WHERE issuer_account_id = ? AND account_id = ?`,
		a.Notify, a.IssuerAccountID, a.AccountID)
	if err != nil {
		return tx.fail("put auto approval", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.exec(ctx, `INSERT INTO auth_code_whitelist (issuer_account_id, account_id, notify, created_at) VALUES (?, ?, ?, ?)`,
		a.IssuerAccountID, a.AccountID, a.Notify, tx.t(a.CreatedAt))
	return tx.fail("put auto approval", err)
}

// DeleteAutoApproval removes a whitelist entry, if there is one.
func (tx *Tx) DeleteAutoApproval(ctx context.Context, issuerAccountID, accountID string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM auth_code_whitelist WHERE issuer_account_id = ? AND account_id = ?`, issuerAccountID, accountID)
	return tx.fail("delete auto approval", err)
}

// AutoApprovals returns an issuer's whitelist, oldest first.
func (tx *Tx) AutoApprovals(ctx context.Context, issuerAccountID string) ([]beian.AutoApproval, error) {
	rows, err := tx.query(ctx, `SELECT issuer_account_id, account_id, notify, created_at FROM auth_code_whitelist
		WHERE issuer_account_id = ? ORDER BY created_at, account_id`, issuerAccountID)
	if err != nil {
		return nil, tx.fail("find auto approvals", err)
	}
	defer rows.Close()
	var out []beian.AutoApproval
	for rows.Next() {
		var a beian.AutoApproval
		if err := rows.Scan(&a.IssuerAccountID, &a.AccountID, &a.Notify, scanTime(&a.CreatedAt)); err != nil {
			return nil, tx.fail("find auto approvals", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find auto approvals", err)
	}
	return out, nil
}

const basisColumns = `order_id, account_id, province, nature, subject_name, cert_type, cert_enc, service_kind, service_name,
	resource_id, auth_code_id, target_account_id, target_subject_id, consumed_at, created_at`

// CreateOrderBasis inserts b, filling CreatedAt. It returns ECONFLICT
// (order.basis.exists) when the order has a basis already and ENOTFOUND
// when the order does not exist.
func (tx *Tx) CreateOrderBasis(ctx context.Context, b *beian.OrderBasis) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = tx.now
	}
	b.CreatedAt, b.ConsumedAt = truncTime(b.CreatedAt), truncTime(b.ConsumedAt)
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO order_bases (`+basisColumns+`, cert_bidx)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.OrderID, b.AccountID, b.Province, string(b.Nature), b.SubjectName, string(b.CertificateType),
		kr.EncryptString(ctxBasisCert, b.CertificateNumber), string(b.ServiceKind), b.ServiceName, b.ResourceID, b.AuthCodeID,
		b.TargetAccountID, b.TargetSubjectID, tx.t(b.ConsumedAt), tx.t(b.CreatedAt),
		nullString(kr.Index(IndexCertificate, b.CertificateNumber)))
	return tx.db.dialect.storeError("create order basis", err, "order.basis.exists")
}

// FindOrderBasis returns the order's basis, or ENOTFOUND.
func (tx *Tx) FindOrderBasis(ctx context.Context, orderID string) (*beian.OrderBasis, error) {
	bs, err := tx.orderBases(ctx, `SELECT `+basisColumns+` FROM order_bases WHERE order_id = ?`, orderID)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, notFound("order basis")
	}
	return bs[0], nil
}

// FindOrderBasesByTarget returns the bases naming accountID as a
// transfer's or migration's other party, newest first.
func (tx *Tx) FindOrderBasesByTarget(ctx context.Context, accountID string) ([]*beian.OrderBasis, error) {
	if accountID == "" {
		return nil, nil
	}
	return tx.orderBases(ctx, `SELECT `+basisColumns+` FROM order_bases WHERE target_account_id = ?
		ORDER BY created_at DESC, order_id DESC`, accountID)
}

func (tx *Tx) orderBases(ctx context.Context, query string, args ...any) ([]*beian.OrderBasis, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find order bases", err)
	}
	defer rows.Close()
	var out []*beian.OrderBasis
	for rows.Next() {
		var b beian.OrderBasis
		var nature, certType, certEnc, kind string
		if err := rows.Scan(&b.OrderID, &b.AccountID, &b.Province, &nature, &b.SubjectName, &certType, &certEnc, &kind,
			&b.ServiceName, &b.ResourceID, &b.AuthCodeID, &b.TargetAccountID, &b.TargetSubjectID, scanTime(&b.ConsumedAt),
			scanTime(&b.CreatedAt)); err != nil {
			return nil, tx.fail("find order bases", err)
		}
		b.Nature, b.CertificateType, b.ServiceKind = beian.Nature(nature), beian.CertificateType(certType), beian.ServiceKind(kind)
		if b.CertificateNumber, err = tx.db.keys.DecryptString(ctxBasisCert, certEnc); err != nil {
			return nil, tx.fail("find order bases", err)
		}
		out = append(out, &b)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find order bases", err)
	}
	return out, nil
}

// MarkOrderBasisConsumed sets the basis's ConsumedAt if it is unset and
// reports whether this call set it; the conditional UPDATE makes two
// concurrent results consume once. ENOTFOUND when the order has no basis.
func (tx *Tx) MarkOrderBasisConsumed(ctx context.Context, orderID string, at time.Time) (bool, error) {
	if err := tx.writable(); err != nil {
		return false, err
	}
	res, err := tx.exec(ctx, `UPDATE order_bases SET consumed_at = ? WHERE order_id = ? AND consumed_at IS NULL`, tx.t(at), orderID)
	if err != nil {
		return false, tx.fail("mark order basis consumed", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, tx.fail("mark order basis consumed", err)
	}
	if n == 1 {
		return true, nil
	}
	var one int
	err = tx.queryRow(ctx, `SELECT 1 FROM order_bases WHERE order_id = ?`, orderID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound("order basis")
	}
	return false, tx.fail("mark order basis consumed", err)
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"order.basis.exists": {ZH: "该订单的备案类型验证结果已确定，不能再修改。", EN: "The order's filing-type check is settled and cannot change."},
	})
}
