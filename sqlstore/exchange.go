package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// This file implements the connection, lease, object, operation and upload
// file half of beian.ExchangeStore; exchange_feed.go holds the download half.

// Encryption contexts of the exchange tables.
const (
	ctxConnectionSecrets = "bureau_connections.secrets"
	ctxOperationRecord   = "bureau_operations.record"
	ctxOperationOpinion  = "bureau_operations.opinion"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"bureau.lease.busy":            {ZH: "另一个进程正在与管局系统交换数据，请稍后再试。", EN: "Another process is exchanging data with the bureau; try again later."},
		"bureau.lease.lost":            {ZH: "与管局系统交换数据的租约已失效。", EN: "The lease for the exchange with the bureau was lost."},
		"bureau.upload_file.duplicate": {ZH: "该数据编号已有上报文件。", EN: "An upload file with this data sequence number exists."},
		"bureau.download.duplicate":    {ZH: "该下载文件已保存。", EN: "This download file is already stored."},
	})
}

// connectionSecrets is the encrypted part of a connection.
type connectionSecrets struct {
	Password string `json:"password"`
	AESKey   string `json:"aes_key,omitempty"`
	AESIV    string `json:"aes_iv,omitempty"`
}

// PutBureauConnection inserts c or updates its configuration, keeping the
// exchange state (sequences, errors) of an existing row; it fills the
// timestamps and, for a new row, NextSequence 1.
func (tx *Tx) PutBureauConnection(ctx context.Context, c *beian.BureauConnection) error {
	if err := tx.writable(); err != nil {
		return err
	}
	b, err := json.Marshal(connectionSecrets{Password: c.Password, AESKey: c.AESKey, AESIV: c.AESIV})
	if err != nil {
		return tx.fail("put bureau connection", err)
	}
	secrets := tx.db.keys.Encrypt(ctxConnectionSecrets, b)
	res, err := tx.exec(ctx, `UPDATE bureau_connections SET province = ?, endpoint = ?, isp_id = ?, user_name = ?, secrets_enc = ?,
			namespace = ?, provider_name = ?, access_method = ?, server_location = ?, enabled = ?, updated_at = ?
		WHERE id = ?`,
		c.Province, c.Endpoint, c.ISPID, c.UserName, secrets, c.Namespace, c.ProviderName, c.AccessMethod, c.ServerLocation,
		c.Enabled, tx.t(tx.now), c.ID)
	if err != nil {
		return tx.fail("put bureau connection", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("put bureau connection", err)
	} else if n == 1 {
		return nil
	}
	if c.NextSequence <= 0 {
		c.NextSequence = 1
	}
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	_, err = tx.exec(ctx, `INSERT INTO bureau_connections (id, province, endpoint, isp_id, user_name, secrets_enc, namespace,
			provider_name, access_method, server_location, enabled, next_seq, accepted_seq, needs_resync, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Province, c.Endpoint, c.ISPID, c.UserName, secrets, c.Namespace, c.ProviderName, c.AccessMethod, c.ServerLocation,
		c.Enabled, c.NextSequence, c.AcceptedSequence, c.NeedsResync, tx.t(c.CreatedAt), tx.t(c.UpdatedAt))
	return tx.fail("put bureau connection", err)
}

const connectionColumns = `id, province, endpoint, isp_id, user_name, secrets_enc, namespace, provider_name, access_method,
	server_location, enabled, next_seq, accepted_seq, needs_resync, last_error, last_error_at, last_upload_at, last_download_at,
	created_at, updated_at`

// FindBureauConnection returns the connection with id, or ENOTFOUND. With
// lock, PostgreSQL locks the row until the transaction ends; SQLite's
// immediate transactions are exclusive already.
func (tx *Tx) FindBureauConnection(ctx context.Context, id string, lock bool) (*beian.BureauConnection, error) {
	q := `SELECT ` + connectionColumns + ` FROM bureau_connections WHERE id = ?`
	if lock && !tx.readOnly {
		q += tx.db.dialect.forUpdate()
	}
	cs, err := tx.connections(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("bureau connection")
	}
	return cs[0], nil
}

// BureauConnections returns every connection, by ID.
func (tx *Tx) BureauConnections(ctx context.Context) ([]*beian.BureauConnection, error) {
	return tx.connections(ctx, `SELECT `+connectionColumns+` FROM bureau_connections ORDER BY id`)
}

func (tx *Tx) connections(ctx context.Context, query string, args ...any) ([]*beian.BureauConnection, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find bureau connections", err)
	}
	defer rows.Close()
	var out []*beian.BureauConnection
	for rows.Next() {
		var c beian.BureauConnection
		var secrets string
		if err := rows.Scan(&c.ID, &c.Province, &c.Endpoint, &c.ISPID, &c.UserName, &secrets, &c.Namespace, &c.ProviderName,
			&c.AccessMethod, &c.ServerLocation, &c.Enabled, &c.NextSequence, &c.AcceptedSequence, &c.NeedsResync, &c.LastError,
			scanTime(&c.LastErrorAt), scanTime(&c.LastUploadAt), scanTime(&c.LastDownloadAt), scanTime(&c.CreatedAt),
			scanTime(&c.UpdatedAt)); err != nil {
			return nil, tx.fail("find bureau connections", err)
		}
		b, err := tx.db.keys.Decrypt(ctxConnectionSecrets, secrets)
		if err != nil {
			return nil, tx.fail("find bureau connections", fmt.Errorf("connection %s secrets: %w", c.ID, err))
		}
		var s connectionSecrets
		if len(b) > 0 {
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, tx.fail("find bureau connections", fmt.Errorf("connection %s secrets: %w", c.ID, err))
			}
		}
		c.Password, c.AESKey, c.AESIV = s.Password, s.AESKey, s.AESIV
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find bureau connections", err)
	}
	return out, nil
}

// UpdateBureauConnectionState writes the exchange state of c and sets
// UpdatedAt; ENOTFOUND for an unknown connection.
func (tx *Tx) UpdateBureauConnectionState(ctx context.Context, c *beian.BureauConnection) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE bureau_connections SET next_seq = ?, accepted_seq = ?, needs_resync = ?, last_error = ?,
			last_error_at = ?, last_upload_at = ?, last_download_at = ?, updated_at = ?
		WHERE id = ?`,
		c.NextSequence, c.AcceptedSequence, c.NeedsResync, c.LastError, tx.t(c.LastErrorAt), tx.t(c.LastUploadAt),
		tx.t(c.LastDownloadAt), tx.t(tx.now), c.ID)
	if err != nil {
		return tx.fail("update bureau connection", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("update bureau connection", err)
	} else if n == 0 {
		return notFound("bureau connection")
	}
	c.UpdatedAt = tx.now
	return nil
}

// TakeLease gives owner the lease when it is free, expired or owner's own.
// The conditional UPDATE is atomic on both databases: a concurrent taker
// waits for the row and then finds the condition false.
func (tx *Tx) TakeLease(ctx context.Context, connectionID, purpose, owner string, ttl time.Duration) (beian.Lease, error) {
	if err := tx.writable(); err != nil {
		return beian.Lease{}, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO bureau_leases (connection_id, purpose) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		connectionID, purpose); err != nil {
		return beian.Lease{}, tx.fail("take lease", err)
	}
	until := truncTime(tx.now.Add(ttl))
	// The token changes only when the lease changes hands, so an owner
	// renewing its own lease keeps its fencing token.
	var token int64
	err := tx.queryRow(ctx, `UPDATE bureau_leases
		SET token = CASE WHEN owner = ? AND expires_at IS NOT NULL AND expires_at > ? THEN token ELSE token + 1 END,
			owner = ?, expires_at = ?
		WHERE connection_id = ? AND purpose = ? AND (owner = '' OR owner = ? OR expires_at IS NULL OR expires_at <= ?)
		RETURNING token`,
		owner, tx.t(tx.now), owner, tx.t(until), connectionID, purpose, owner, tx.t(tx.now)).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return beian.Lease{}, beian.Errorf(beian.ECONFLICT, "bureau.lease.busy").
			WithCause(fmt.Errorf("lease %s/%s held by another owner", connectionID, purpose))
	}
	if err != nil {
		return beian.Lease{}, tx.fail("take lease", err)
	}
	return beian.Lease{ConnectionID: connectionID, Purpose: purpose, Owner: owner, Token: token, Expires: until}, nil
}

// CheckLease confirms that l is the current, unexpired lease and, with
// ttl > 0, extends it.
func (tx *Tx) CheckLease(ctx context.Context, l beian.Lease, ttl time.Duration) (beian.Lease, error) {
	lost := func() (beian.Lease, error) {
		return beian.Lease{}, beian.Errorf(beian.ECONFLICT, "bureau.lease.lost").
			WithCause(fmt.Errorf("lease %s/%s token %d is no longer held", l.ConnectionID, l.Purpose, l.Token))
	}
	if ttl <= 0 || tx.readOnly {
		var n int
		err := tx.queryRow(ctx, `SELECT 1 FROM bureau_leases WHERE connection_id = ? AND purpose = ? AND owner = ? AND token = ?
			AND expires_at > ?`, l.ConnectionID, l.Purpose, l.Owner, l.Token, tx.t(tx.now)).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return lost()
		}
		if err != nil {
			return beian.Lease{}, tx.fail("check lease", err)
		}
		return l, nil
	}
	until := truncTime(tx.now.Add(ttl))
	res, err := tx.exec(ctx, `UPDATE bureau_leases SET expires_at = ?
		WHERE connection_id = ? AND purpose = ? AND owner = ? AND token = ? AND expires_at > ?`,
		tx.t(until), l.ConnectionID, l.Purpose, l.Owner, l.Token, tx.t(tx.now))
	if err != nil {
		return beian.Lease{}, tx.fail("check lease", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return beian.Lease{}, tx.fail("check lease", err)
	} else if n == 0 {
		return lost()
	}
	l.Expires = until
	return l, nil
}

// ReleaseLease frees l if it is still current; releasing a lost lease is
// not an error (there is nothing to give back).
func (tx *Tx) ReleaseLease(ctx context.Context, l beian.Lease) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE bureau_leases SET owner = '', expires_at = NULL
		WHERE connection_id = ? AND purpose = ? AND owner = ? AND token = ?`, l.ConnectionID, l.Purpose, l.Owner, l.Token)
	return tx.fail("release lease", err)
}

// PutBureauObject returns the order's existing object of the same kind and
// ref, or inserts o and lets the database allocate its ISPID.
func (tx *Tx) PutBureauObject(ctx context.Context, o *beian.BureauObject) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if o.OrderID == "" {
		err := tx.queryRow(ctx, `INSERT INTO bureau_objects (connection_id, kind, order_id, ref, record_id, bureau_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING isp_id`,
			o.ConnectionID, string(o.Kind), o.OrderID, o.Ref, o.RecordID, o.BureauID, tx.t(tx.now)).Scan(&o.ISPID)
		return tx.fail("put bureau object", err)
	}
	// One statement in the common case (a new object); the order's existing
	// object otherwise.
	err := tx.queryRow(ctx, `INSERT INTO bureau_objects (connection_id, kind, order_id, ref, record_id, bureau_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (order_id, kind, ref) WHERE order_id <> '' DO NOTHING RETURNING isp_id`,
		o.ConnectionID, string(o.Kind), o.OrderID, o.Ref, o.RecordID, o.BureauID, tx.t(tx.now)).Scan(&o.ISPID)
	if !errors.Is(err, sql.ErrNoRows) {
		return tx.fail("put bureau object", err)
	}
	found, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{OrderID: o.OrderID, Kind: o.Kind, Ref: o.Ref})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return tx.fail("put bureau object", fmt.Errorf("object %s/%s/%s neither inserted nor found", o.OrderID, o.Kind, o.Ref))
	}
	*o = found[0]
	return nil
}

// UpdateBureauObject writes o's record and bureau IDs.
func (tx *Tx) UpdateBureauObject(ctx context.Context, o *beian.BureauObject) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE bureau_objects SET record_id = ?, bureau_id = ? WHERE isp_id = ?`, o.RecordID, o.BureauID, o.ISPID)
	return tx.fail("update bureau object", err)
}

// FindBureauObjects returns the objects matching f, oldest first.
func (tx *Tx) FindBureauObjects(ctx context.Context, f beian.BureauObjectFilter) ([]beian.BureauObject, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.ConnectionID != "" {
		add("connection_id = ?", f.ConnectionID)
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.ISPID != 0 {
		add("isp_id = ?", f.ISPID)
	}
	if f.OrderID != "" {
		add("order_id = ?", f.OrderID)
	}
	if f.Ref != "" {
		add("ref = ?", f.Ref)
	}
	if f.RecordID != "" {
		add("record_id = ?", f.RecordID)
	}
	if f.BureauID != 0 {
		add("bureau_id = ?", f.BureauID)
	}
	q := `SELECT isp_id, connection_id, kind, order_id, ref, record_id, bureau_id FROM bureau_objects`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.query(ctx, q+" ORDER BY isp_id", args...)
	if err != nil {
		return nil, tx.fail("find bureau objects", err)
	}
	defer rows.Close()
	var out []beian.BureauObject
	for rows.Next() {
		var o beian.BureauObject
		var kind string
		if err := rows.Scan(&o.ISPID, &o.ConnectionID, &kind, &o.OrderID, &o.Ref, &o.RecordID, &o.BureauID); err != nil {
			return nil, tx.fail("find bureau objects", err)
		}
		o.Kind = beian.ObjectKind(kind)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find bureau objects", err)
	}
	return out, nil
}

// CreateBureauOperation inserts op with an encrypted record.
func (tx *Tx) CreateBureauOperation(ctx context.Context, op *beian.BureauOperation) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if op.ID == "" {
		op.ID = newID()
	}
	if op.Step == 0 {
		op.Step = 1
	}
	if op.Round == 0 {
		op.Round = 1
	}
	op.CreatedAt, op.UpdatedAt = tx.now, tx.now
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO bureau_operations (id, connection_id, order_id, kind, czlx, bs, round, step, record_enc, state,
			file_seq, result_code, opinion_enc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		op.ID, op.ConnectionID, op.OrderID, string(op.Kind), op.Czlx, op.Bs, op.Round, op.Step, kr.Encrypt(ctxOperationRecord, op.Record),
		string(op.State), op.FileSeq, op.ResultCode, kr.EncryptString(ctxOperationOpinion, op.Opinion), tx.t(op.CreatedAt), tx.t(op.UpdatedAt))
	return tx.fail("create bureau operation", err)
}

// UpdateBureauOperation writes op's state, file, result and opinion;
// ENOTFOUND for an unknown operation.
func (tx *Tx) UpdateBureauOperation(ctx context.Context, op *beian.BureauOperation) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE bureau_operations SET state = ?, file_seq = ?, result_code = ?, opinion_enc = ?, updated_at = ?
		WHERE id = ?`,
		string(op.State), op.FileSeq, op.ResultCode, tx.db.keys.EncryptString(ctxOperationOpinion, op.Opinion), tx.t(tx.now), op.ID)
	if err != nil {
		return tx.fail("update bureau operation", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("update bureau operation", err)
	} else if n == 0 {
		return notFound("bureau operation")
	}
	op.UpdatedAt = tx.now
	return nil
}

// FindBureauOperations returns the operations matching f, oldest first.
func (tx *Tx) FindBureauOperations(ctx context.Context, f beian.BureauOperationFilter) ([]*beian.BureauOperation, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.ConnectionID != "" {
		add("connection_id = ?", f.ConnectionID)
	}
	if f.OrderID != "" {
		add("order_id = ?", f.OrderID)
	}
	if f.Czlx != 0 {
		add("czlx = ?", f.Czlx)
	}
	if f.Bs != "" {
		add("bs = ?", f.Bs)
	}
	if f.FileSeq != 0 {
		add("file_seq = ?", f.FileSeq)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	q := `SELECT id, connection_id, order_id, kind, czlx, bs, round, step, record_enc, state, file_seq, result_code, opinion_enc,
		created_at, updated_at FROM bureau_operations`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at, id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, tx.fail("find bureau operations", err)
	}
	defer rows.Close()
	kr := tx.db.keys
	var out []*beian.BureauOperation
	for rows.Next() {
		var op beian.BureauOperation
		var kind, state, record, opinion string
		if err := rows.Scan(&op.ID, &op.ConnectionID, &op.OrderID, &kind, &op.Czlx, &op.Bs, &op.Round, &op.Step, &record, &state, &op.FileSeq,
			&op.ResultCode, &opinion, scanTime(&op.CreatedAt), scanTime(&op.UpdatedAt)); err != nil {
			return nil, tx.fail("find bureau operations", err)
		}
		op.Kind, op.State = beian.UploadKind(kind), beian.OperationState(state)
		if op.Record, err = kr.Decrypt(ctxOperationRecord, record); err != nil {
			return nil, tx.fail("find bureau operations", fmt.Errorf("operation %s: %w", op.ID, err))
		}
		if op.Opinion, err = kr.DecryptString(ctxOperationOpinion, opinion); err != nil {
			return nil, tx.fail("find bureau operations", fmt.Errorf("operation %s: %w", op.ID, err))
		}
		out = append(out, &op)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find bureau operations", err)
	}
	return out, nil
}

// CreateUploadFile inserts f; ECONFLICT (bureau.upload_file.duplicate) when
// the sequence is taken by a file that was not rejected.
func (tx *Tx) CreateUploadFile(ctx context.Context, f *beian.UploadFile) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if f.ID == "" {
		f.ID = newID()
	}
	f.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO bureau_upload_files (id, connection_id, seq, name, blob_key, hash, records, size, state,
			attempts, last_error, created_at, sent_at, accepted_at, purged_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.ConnectionID, f.Seq, f.Name, f.BlobKey, f.Hash, f.Records, f.Size, string(f.State), f.Attempts, f.LastError,
		tx.t(f.CreatedAt), tx.t(f.SentAt), tx.t(f.AcceptedAt), tx.t(f.PurgedAt))
	if err != nil {
		return tx.db.dialect.storeError("create upload file", err, "bureau.upload_file.duplicate")
	}
	return nil
}

// UpdateUploadFile writes f's state, attempts, error and timestamps.
func (tx *Tx) UpdateUploadFile(ctx context.Context, f *beian.UploadFile) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE bureau_upload_files SET state = ?, attempts = ?, last_error = ?, sent_at = ?, accepted_at = ?,
			purged_at = ?
		WHERE id = ?`,
		string(f.State), f.Attempts, f.LastError, tx.t(f.SentAt), tx.t(f.AcceptedAt), tx.t(f.PurgedAt), f.ID)
	if err != nil {
		return tx.db.dialect.storeError("update upload file", err, "bureau.upload_file.duplicate")
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("update upload file", err)
	} else if n == 0 {
		return notFound("upload file")
	}
	return nil
}

// FindUploadFiles returns the files matching f, by sequence (then creation).
func (tx *Tx) FindUploadFiles(ctx context.Context, f beian.UploadFileFilter) ([]*beian.UploadFile, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.ConnectionID != "" {
		add("connection_id = ?", f.ConnectionID)
	}
	if f.Seq != 0 {
		add("seq = ?", f.Seq)
	}
	if !f.CreatedBefore.IsZero() {
		add("created_at < ?", tx.t(f.CreatedBefore))
	}
	if f.NotPurged {
		where = append(where, "purged_at IS NULL")
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	q := `SELECT id, connection_id, seq, name, blob_key, hash, records, size, state, attempts, last_error, created_at, sent_at,
		accepted_at, purged_at FROM bureau_upload_files`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq, created_at, id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, tx.fail("find upload files", err)
	}
	defer rows.Close()
	var out []*beian.UploadFile
	for rows.Next() {
		var u beian.UploadFile
		var state string
		if err := rows.Scan(&u.ID, &u.ConnectionID, &u.Seq, &u.Name, &u.BlobKey, &u.Hash, &u.Records, &u.Size, &state, &u.Attempts,
			&u.LastError, scanTime(&u.CreatedAt), scanTime(&u.SentAt), scanTime(&u.AcceptedAt), scanTime(&u.PurgedAt)); err != nil {
			return nil, tx.fail("find upload files", err)
		}
		u.State = beian.UploadFileState(state)
		out = append(out, &u)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find upload files", err)
	}
	return out, nil
}
