package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// This file implements the download half of beian.ExchangeStore: download
// files and their items, feed items, blacklists, code tables and filing
// passwords.

const (
	ctxFeedData        = "bureau_feed_items.data"
	ctxBlacklistValue  = "bureau_blacklist.value"
	ctxFilingPassword  = "filing_passwords.password"
	codeTableBatchSize = 200
)

// CreateDownloadFile inserts f; ECONFLICT (bureau.download.duplicate) when
// the connection already has a file with its name and hash.
func (tx *Tx) CreateDownloadFile(ctx context.Context, f *beian.DownloadFile) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if f.ID == "" {
		f.ID = newID()
	}
	if f.ReceivedAt.IsZero() {
		f.ReceivedAt = tx.now
	}
	if f.Deliveries == 0 {
		f.Deliveries = 1
	}
	f.ReceivedAt = truncTime(f.ReceivedAt)
	_, err := tx.exec(ctx, `INSERT INTO bureau_download_files (id, connection_id, name, hash, blob_key, size, kinds, items, deliveries,
			received_at, processed_at, acked_at, purged_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.ConnectionID, f.Name, f.Hash, f.BlobKey, f.Size, strings.Join(f.Kinds, ","), f.Items, f.Deliveries,
		tx.t(f.ReceivedAt), tx.t(f.ProcessedAt), tx.t(f.AckedAt), tx.t(f.PurgedAt))
	if err != nil {
		return tx.db.dialect.storeError("create download file", err, "bureau.download.duplicate")
	}
	return nil
}

const downloadColumns = `id, connection_id, name, hash, blob_key, size, kinds, items, deliveries, received_at, processed_at,
	acked_at, purged_at`

// FindDownloadFile returns the connection's file with name and hash, or
// ENOTFOUND.
func (tx *Tx) FindDownloadFile(ctx context.Context, connectionID, name, hash string) (*beian.DownloadFile, error) {
	fs, err := tx.downloadFiles(ctx, `SELECT `+downloadColumns+` FROM bureau_download_files
		WHERE connection_id = ? AND name = ? AND hash = ?`, connectionID, name, hash)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, notFound("download file")
	}
	return fs[0], nil
}

// FindDownloadFiles returns the connection's files (every connection's for
// ""), oldest first; with before set, only those received before it and not
// purged.
func (tx *Tx) FindDownloadFiles(ctx context.Context, connectionID string, before time.Time) ([]*beian.DownloadFile, error) {
	var where []string
	var args []any
	if connectionID != "" {
		where, args = append(where, "connection_id = ?"), append(args, connectionID)
	}
	if !before.IsZero() {
		where, args = append(where, "received_at < ? AND purged_at IS NULL"), append(args, tx.t(before))
	}
	q := `SELECT ` + downloadColumns + ` FROM bureau_download_files`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return tx.downloadFiles(ctx, q+" ORDER BY received_at, id", args...)
}

func (tx *Tx) downloadFiles(ctx context.Context, query string, args ...any) ([]*beian.DownloadFile, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find download files", err)
	}
	defer rows.Close()
	var out []*beian.DownloadFile
	for rows.Next() {
		var f beian.DownloadFile
		var kinds string
		if err := rows.Scan(&f.ID, &f.ConnectionID, &f.Name, &f.Hash, &f.BlobKey, &f.Size, &kinds, &f.Items, &f.Deliveries,
			scanTime(&f.ReceivedAt), scanTime(&f.ProcessedAt), scanTime(&f.AckedAt), scanTime(&f.PurgedAt)); err != nil {
			return nil, tx.fail("find download files", err)
		}
		if kinds != "" {
			f.Kinds = strings.Split(kinds, ",")
		}
		out = append(out, &f)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find download files", err)
	}
	return out, nil
}

// UpdateDownloadFile writes f's counters and timestamps.
func (tx *Tx) UpdateDownloadFile(ctx context.Context, f *beian.DownloadFile) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE bureau_download_files SET kinds = ?, items = ?, deliveries = ?, processed_at = ?, acked_at = ?,
			purged_at = ?
		WHERE id = ?`,
		strings.Join(f.Kinds, ","), f.Items, f.Deliveries, tx.t(f.ProcessedAt), tx.t(f.AckedAt), tx.t(f.PurgedAt), f.ID)
	if err != nil {
		return tx.fail("update download file", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("update download file", err)
	} else if n == 0 {
		return notFound("download file")
	}
	return nil
}

// DownloadItem returns the record of one item of a download file, or
// ENOTFOUND when it was never tried.
func (tx *Tx) DownloadItem(ctx context.Context, fileID string, index int) (*beian.DownloadItem, error) {
	it := beian.DownloadItem{FileID: fileID, Index: index}
	err := tx.queryRow(ctx, `SELECT kind, done, failed, attempts, error, at FROM bureau_download_items WHERE file_id = ? AND idx = ?`,
		fileID, index).Scan(&it.Kind, &it.Done, &it.Failed, &it.Attempts, &it.Error, scanTime(&it.At))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("download item")
	}
	if err != nil {
		return nil, tx.fail("find download item", err)
	}
	return &it, nil
}

// PutDownloadItem inserts or replaces the record of one item.
func (tx *Tx) PutDownloadItem(ctx context.Context, it *beian.DownloadItem) error {
	if err := tx.writable(); err != nil {
		return err
	}
	it.At = tx.now
	_, err := tx.exec(ctx, `INSERT INTO bureau_download_items (file_id, idx, kind, done, failed, attempts, error, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (file_id, idx) DO UPDATE SET kind = excluded.kind, done = excluded.done, failed = excluded.failed,
			attempts = excluded.attempts, error = excluded.error, at = excluded.at`,
		it.FileID, it.Index, it.Kind, it.Done, it.Failed, it.Attempts, it.Error, tx.t(it.At))
	return tx.fail("put download item", err)
}

// CreateFeedItem inserts it with its data encrypted.
func (tx *Tx) CreateFeedItem(ctx context.Context, it *beian.FeedItem) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if it.ID == "" {
		it.ID = newID()
	}
	it.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO bureau_feed_items (id, connection_id, file_id, kind, subkind, subject_id, service_id, number,
			domain, data_enc, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.ConnectionID, it.FileID, it.Kind, it.Subkind, it.SubjectID, it.ServiceID, it.Number, it.Domain,
		tx.db.keys.Encrypt(ctxFeedData, it.Data), tx.t(it.CreatedAt))
	return tx.fail("create feed item", err)
}

// FindFeedItem returns the item with id, or ENOTFOUND.
func (tx *Tx) FindFeedItem(ctx context.Context, id string) (*beian.FeedItem, error) {
	var it beian.FeedItem
	var data string
	err := tx.queryRow(ctx, `SELECT id, connection_id, file_id, kind, subkind, subject_id, service_id, number, domain, data_enc,
			created_at FROM bureau_feed_items WHERE id = ?`, id).Scan(&it.ID, &it.ConnectionID, &it.FileID, &it.Kind, &it.Subkind,
		&it.SubjectID, &it.ServiceID, &it.Number, &it.Domain, &data, scanTime(&it.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("feed item")
	}
	if err != nil {
		return nil, tx.fail("find feed item", err)
	}
	if it.Data, err = tx.db.keys.Decrypt(ctxFeedData, data); err != nil {
		return nil, tx.fail("find feed item", err)
	}
	return &it, nil
}

// blacklistKey is the key of a blacklisted value: the blind index of a
// subject's certificate number, the normalised domain or IP otherwise.
func (tx *Tx) blacklistKey(kind beian.BlacklistKind, value string) string {
	switch kind {
	case beian.BlacklistSubject:
		return tx.db.keys.Index(IndexCertificate, value)
	case beian.BlacklistDomain:
		return beian.NormalizeDomain(value)
	}
	return strings.TrimSpace(value)
}

// PutBlacklistEntry adds or refreshes an entry; a certificate number is
// stored encrypted and keyed by its blind index.
func (tx *Tx) PutBlacklistEntry(ctx context.Context, e *beian.BlacklistEntry) error {
	if err := tx.writable(); err != nil {
		return err
	}
	key := tx.blacklistKey(e.Kind, e.Value)
	if key == "" {
		return beian.Invalid("value", "error.invalid")
	}
	enc := ""
	if e.Kind == beian.BlacklistSubject {
		enc = tx.db.keys.EncryptString(ctxBlacklistValue, e.Value)
	}
	e.AddedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO bureau_blacklist (kind, value_key, value_enc, name, source, connection_id, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, value_key) DO UPDATE SET value_enc = excluded.value_enc, name = excluded.name, source = excluded.source,
			connection_id = excluded.connection_id`,
		string(e.Kind), key, enc, e.Name, e.Source, e.ConnectionID, tx.t(e.AddedAt))
	return tx.fail("put blacklist entry", err)
}

// RemoveBlacklistEntry removes the entry of kind and value, if any.
func (tx *Tx) RemoveBlacklistEntry(ctx context.Context, kind beian.BlacklistKind, value string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM bureau_blacklist WHERE kind = ? AND value_key = ?`, string(kind), tx.blacklistKey(kind, value))
	return tx.fail("remove blacklist entry", err)
}

// Blacklisted reports whether value is on the list of kind.
func (tx *Tx) Blacklisted(ctx context.Context, kind beian.BlacklistKind, value string) (bool, error) {
	key := tx.blacklistKey(kind, value)
	if key == "" {
		return false, nil
	}
	var n int
	err := tx.queryRow(ctx, `SELECT 1 FROM bureau_blacklist WHERE kind = ? AND value_key = ?`, string(kind), key).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, tx.fail("find blacklist entry", err)
	}
	return true, nil
}

// ReplaceCodeTable replaces the connection's table with entries, inserting
// them in batches (the region table has over 3000 rows).
func (tx *Tx) ReplaceCodeTable(ctx context.Context, connectionID, table string, entries []beian.CodeEntry) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM bureau_code_tables WHERE connection_id = ? AND tbl = ?`, connectionID, table); err != nil {
		return tx.fail("replace code table", err)
	}
	seen := make(map[int64]bool, len(entries))
	var batch []beian.CodeEntry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var b strings.Builder
		args := make([]any, 0, len(batch)*7)
		b.WriteString(`INSERT INTO bureau_code_tables (connection_id, tbl, id, name, parent, valid, synced_at) VALUES `)
		for i, e := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, connectionID, table, e.ID, e.Name, e.Parent, e.Valid, tx.t(tx.now))
		}
		batch = batch[:0]
		_, err := tx.exec(ctx, b.String(), args...)
		return tx.fail("replace code table", err)
	}
	for _, e := range entries {
		if seen[e.ID] {
			continue // a bureau's duplicate row: the first one wins
		}
		seen[e.ID] = true
		batch = append(batch, e)
		if len(batch) == codeTableBatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// CodeTable returns the connection's table by ID; empty when never synced.
func (tx *Tx) CodeTable(ctx context.Context, connectionID, table string) ([]beian.CodeEntry, error) {
	rows, err := tx.query(ctx, `SELECT id, name, parent, valid FROM bureau_code_tables WHERE connection_id = ? AND tbl = ? ORDER BY id`,
		connectionID, table)
	if err != nil {
		return nil, tx.fail("find code table", err)
	}
	defer rows.Close()
	var out []beian.CodeEntry
	for rows.Next() {
		var e beian.CodeEntry
		if err := rows.Scan(&e.ID, &e.Name, &e.Parent, &e.Valid); err != nil {
			return nil, tx.fail("find code table", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find code table", err)
	}
	return out, nil
}

// SetFilingPassword stores the subject's filing password, encrypted.
func (tx *Tx) SetFilingPassword(ctx context.Context, subjectID, password string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if subjectID == "" || password == "" {
		return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("SetFilingPassword: empty subject or password"))
	}
	_, err := tx.exec(ctx, `INSERT INTO filing_passwords (subject_id, password_enc, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (subject_id) DO UPDATE SET password_enc = excluded.password_enc, updated_at = excluded.updated_at`,
		subjectID, tx.db.keys.EncryptString(ctxFilingPassword, password), tx.t(tx.now))
	return tx.fail("set filing password", err)
}

// FilingPassword returns the subject's filing password, "" when none is
// known.
func (tx *Tx) FilingPassword(ctx context.Context, subjectID string) (string, error) {
	var enc string
	err := tx.queryRow(ctx, `SELECT password_enc FROM filing_passwords WHERE subject_id = ?`, subjectID).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", tx.fail("find filing password", err)
	}
	pw, err := tx.db.keys.DecryptString(ctxFilingPassword, enc)
	if err != nil {
		return "", tx.fail("find filing password", err)
	}
	return pw, nil
}

// ServiceSubject returns the subject of the filed service, or ENOTFOUND.
func (tx *Tx) ServiceSubject(ctx context.Context, serviceID string) (string, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT subject_id FROM record_services WHERE id = ?`, serviceID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("record service")
	}
	if err != nil {
		return "", tx.fail("find service subject", err)
	}
	return id, nil
}
