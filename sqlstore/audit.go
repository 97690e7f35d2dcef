package sqlstore

import (
	"context"

	"github.com/openbeian/beian"
)

// auditPage is how many events one read fetches; VerifyAudit streams the
// chain in pages of it, so memory stays flat however long the chain is.
const auditPage = 1000

// AppendAudit fills e's ID (when empty), At (when zero: the transaction's
// time), Seq, PrevHash and Hash, and appends it to the chain. It locks the
// chain head for the rest of the transaction (SELECT … FOR UPDATE on
// PostgreSQL; SQLite's immediate transactions hold the write lock already),
// so concurrent transactions append one after another in commit order and
// the chain never forks. Errors are EINTERNAL or EUNAVAILABLE.
func (tx *Tx) AppendAudit(ctx context.Context, e *beian.AuditEvent) error {
	if err := tx.writable(); err != nil {
		return err
	}
	var seq int64
	var prev string
	if err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.db.dialect.forUpdate()).Scan(&seq, &prev); err != nil {
		return tx.fail("lock audit head", err)
	}
	if e.ID == "" {
		e.ID = newID()
	}
	if e.At.IsZero() {
		e.At = tx.now
	}
	// The hash covers At as text; store exactly the instant it covers.
	e.At = truncTime(e.At)
	e.Seq = seq + 1
	e.PrevHash = prev
	e.Hash = e.ComputeHash()
	if _, err := tx.exec(ctx, `INSERT INTO audit_events (seq, id, at, actor, action, entity_type, entity_id, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.ID, tx.t(e.At), e.ActorID, e.Action, e.EntityType, e.EntityID, string(e.Data), e.PrevHash, e.Hash); err != nil {
		return tx.fail("append audit", err)
	}
	if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return tx.fail("append audit", err)
	}
	return nil
}

const auditColumns = `seq, id, at, actor, action, entity_type, entity_id, data, prev_hash, hash`

// AuditEvents returns up to limit events with Seq > after, in order; limit
// 0 or less means one page (1000). Errors are EINTERNAL or EUNAVAILABLE.
func (tx *Tx) AuditEvents(ctx context.Context, after int64, limit int) ([]beian.AuditEvent, error) {
	if limit <= 0 {
		limit = auditPage
	}
	return tx.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// AuditEventsFor returns the events of one entity, oldest first. Errors
// are EINTERNAL or EUNAVAILABLE.
func (tx *Tx) AuditEventsFor(ctx context.Context, entityType, entityID string) ([]beian.AuditEvent, error) {
	return tx.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE entity_type = ? AND entity_id = ? ORDER BY seq`,
		entityType, entityID)
}

func (tx *Tx) auditEvents(ctx context.Context, query string, args ...any) ([]beian.AuditEvent, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("read audit", err)
	}
	defer rows.Close()
	var out []beian.AuditEvent
	for rows.Next() {
		var e beian.AuditEvent
		var data string
		if err := rows.Scan(&e.Seq, &e.ID, scanTime(&e.At), &e.ActorID, &e.Action, &e.EntityType, &e.EntityID, &data,
			&e.PrevHash, &e.Hash); err != nil {
			return nil, tx.fail("read audit", err)
		}
		if data != "" {
			e.Data = []byte(data)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("read audit", err)
	}
	return out, nil
}

// VerifyAudit reads the whole chain in Seq order and returns every break
// [beian.VerifyAuditChain] finds, plus a break when the chain ends before
// the head row says it should (events deleted from the end) or the head's
// hash differs from the last event's. `beian audit-verify` calls it; an
// empty result means the chain is intact. Errors are EINTERNAL or
// EUNAVAILABLE.
func (db *DB) VerifyAudit(ctx context.Context) ([]beian.AuditBreak, error) {
	var breaks []beian.AuditBreak
	err := db.View(ctx, func(btx beian.Tx) error {
		tx := btx.(*Tx)
		// Read the head first and verify up to it: appends that commit while
		// we read are outside this run and cannot look like a break.
		var headSeq int64
		var headHash string
		if err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return tx.fail("read audit head", err)
		}
		var prevSeq int64
		var prevHash string
		for prevSeq < headSeq {
			page, err := tx.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
				prevSeq, headSeq, auditPage)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			breaks = append(breaks, beian.VerifyAuditChain(prevHash, prevSeq, page)...)
			last := page[len(page)-1]
			prevSeq, prevHash = last.Seq, last.Hash
		}
		switch {
		case prevSeq < headSeq:
			breaks = append(breaks, beian.AuditBreak{Seq: prevSeq + 1, Reason: "gap"})
		case prevHash != headHash:
			breaks = append(breaks, beian.AuditBreak{Seq: prevSeq, Reason: "link"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return breaks, nil
}
