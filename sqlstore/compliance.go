package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// This file implements the sweep half of beian.ComplianceStore: the
// provider's address ranges, sweep runs and results, suspected faults, and
// the look-ups sweeps need (filed subjects page by page, the owners of an
// address). compliance_cases.go has cases, tasks and unfiled sites.

// Encryption contexts of the compliance tables.
const (
	ctxSweepFindings = "sweep_results.findings"
	ctxCaseDetail    = "cases.detail"
	ctxCaseExtension = "cases.extension"
	ctxCaseEvidence  = "case_evidence.data"
	ctxTaskNote      = "verification_tasks.note"
	ctxTaskAnswer    = "verification_tasks.answer"
	ctxUnfiledHandle = "unfiled_sites.handling"
)

// rangeSortKey orders addresses: IPv4 before IPv6, each numerically.
func rangeSortKey(a netip.Addr) string {
	if a.Is4() {
		b := a.As4()
		return "4" + hex.EncodeToString(b[:])
	}
	b := a.As16()
	return "6" + hex.EncodeToString(b[:])
}

// ProviderRanges returns the provider's address ranges, IPv4 first, by
// start address.
func (tx *Tx) ProviderRanges(ctx context.Context) ([]beian.ProviderRange, error) {
	rows, err := tx.query(ctx, `SELECT id, start_ip, end_ip, mainland, name, updated_by, created_at, updated_at
		FROM provider_ranges ORDER BY sort_key, id`)
	if err != nil {
		return nil, tx.fail("find provider ranges", err)
	}
	defer rows.Close()
	var out []beian.ProviderRange
	for rows.Next() {
		var r beian.ProviderRange
		var start, end string
		if err := rows.Scan(&r.ID, &start, &end, &r.Mainland, &r.Name, &r.UpdatedBy, scanTime(&r.CreatedAt), scanTime(&r.UpdatedAt)); err != nil {
			return nil, tx.fail("find provider ranges", err)
		}
		var e1, e2 error
		r.IPs.Start, e1 = netip.ParseAddr(start)
		r.IPs.End, e2 = netip.ParseAddr(end)
		if err := errors.Join(e1, e2); err != nil {
			return nil, tx.fail("find provider ranges", fmt.Errorf("range %s: %w", r.ID, err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find provider ranges", err)
	}
	return out, nil
}

// PutProviderRange inserts r, filling ID and the times, or updates the
// range with r.ID (ENOTFOUND when there is none). An invalid range is
// EINVALID (range.invalid).
func (tx *Tx) PutProviderRange(ctx context.Context, r *beian.ProviderRange) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if !r.IPs.Valid() {
		return beian.Invalid("range", "range.invalid", "value", r.IPs.String())
	}
	r.IPs.Start, r.IPs.End = r.IPs.Start.Unmap(), r.IPs.End.Unmap()
	r.UpdatedAt = tx.now
	if r.ID == "" {
		r.ID, r.CreatedAt = newID(), tx.now
		_, err := tx.exec(ctx, `INSERT INTO provider_ranges (id, start_ip, end_ip, sort_key, mainland, name, updated_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.IPs.Start.String(), r.IPs.End.String(), rangeSortKey(r.IPs.Start), r.Mainland, r.Name, r.UpdatedBy,
			tx.t(r.CreatedAt), tx.t(r.UpdatedAt))
		return tx.fail("create provider range", err)
	}
	res, err := tx.exec(ctx, `UPDATE provider_ranges SET start_ip = ?, end_ip = ?, sort_key = ?, mainland = ?, name = ?, updated_by = ?,
			updated_at = ? WHERE id = ?`,
		r.IPs.Start.String(), r.IPs.End.String(), rangeSortKey(r.IPs.Start), r.Mainland, r.Name, r.UpdatedBy, tx.t(r.UpdatedAt), r.ID)
	if err != nil {
		return tx.fail("update provider range", err)
	}
	return tx.oneRow(res, "provider range")
}

// DeleteProviderRange removes a range; ENOTFOUND when there is none.
func (tx *Tx) DeleteProviderRange(ctx context.Context, id string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM provider_ranges WHERE id = ?`, id)
	if err != nil {
		return tx.fail("delete provider range", err)
	}
	return tx.oneRow(res, "provider range")
}

// oneRow turns an UPDATE or DELETE that touched no row into ENOTFOUND.
func (tx *Tx) oneRow(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return tx.fail("write "+what, err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// CreateSweepRun inserts r, filling ID and, when zero, StartedAt.
func (tx *Tx) CreateSweepRun(ctx context.Context, r *beian.SweepRun) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = newID()
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = tx.now
	}
	if r.State == "" {
		r.State = beian.SweepRunning
	}
	r.StartedAt, r.FinishedAt = truncTime(r.StartedAt), truncTime(r.FinishedAt)
	_, err := tx.exec(ctx, `INSERT INTO sweep_runs (id, scope, scope_id, checks, requested_by, state, started_at, finished_at,
			targets, faults, unknowns, suspects, opened, updated, closed, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, string(r.Scope), r.ScopeID, strings.Join(r.Checks, ","), r.RequestedBy, string(r.State), tx.t(r.StartedAt), tx.t(r.FinishedAt),
		r.Targets, r.Faults, r.Unknowns, r.Suspects, r.Opened, r.Updated, r.Closed, r.Error)
	return tx.fail("create sweep run", err)
}

// UpdateSweepRun writes r's state, counts, error and finish time.
func (tx *Tx) UpdateSweepRun(ctx context.Context, r *beian.SweepRun) error {
	if err := tx.writable(); err != nil {
		return err
	}
	r.FinishedAt = truncTime(r.FinishedAt)
	res, err := tx.exec(ctx, `UPDATE sweep_runs SET state = ?, finished_at = ?, targets = ?, faults = ?, unknowns = ?, suspects = ?,
			opened = ?, updated = ?, closed = ?, error = ? WHERE id = ?`,
		string(r.State), tx.t(r.FinishedAt), r.Targets, r.Faults, r.Unknowns, r.Suspects, r.Opened, r.Updated, r.Closed, r.Error, r.ID)
	if err != nil {
		return tx.fail("update sweep run", err)
	}
	return tx.oneRow(res, "sweep run")
}

const sweepRunColumns = `id, scope, scope_id, checks, requested_by, state, started_at, finished_at, targets, faults, unknowns,
	suspects, opened, updated, closed, error`

// FindSweepRun returns the run with id or ENOTFOUND.
func (tx *Tx) FindSweepRun(ctx context.Context, id string) (*beian.SweepRun, error) {
	runs, err := tx.sweepRuns(ctx, `SELECT `+sweepRunColumns+` FROM sweep_runs WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, notFound("sweep run")
	}
	return runs[0], nil
}

// FindSweepRuns returns one page of the runs matching f, newest first, and
// the number of all matching.
func (tx *Tx) FindSweepRuns(ctx context.Context, f beian.SweepRunFilter) ([]*beian.SweepRun, int, error) {
	var w where
	scopes := make([]string, len(f.Scopes))
	for i, s := range f.Scopes {
		scopes[i] = string(s)
	}
	w.in("scope", scopes)
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sweep_runs`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count sweep runs", err)
	}
	runs, err := tx.sweepRuns(ctx, `SELECT `+sweepRunColumns+` FROM sweep_runs`+w.sql()+` ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(w.args, pageLimit(f.Limit), max(f.Offset, 0))...)
	return runs, total, err
}

func (tx *Tx) sweepRuns(ctx context.Context, query string, args ...any) ([]*beian.SweepRun, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find sweep runs", err)
	}
	defer rows.Close()
	var out []*beian.SweepRun
	for rows.Next() {
		var r beian.SweepRun
		var scope, checks, state string
		if err := rows.Scan(&r.ID, &scope, &r.ScopeID, &checks, &r.RequestedBy, &state, scanTime(&r.StartedAt), scanTime(&r.FinishedAt),
			&r.Targets, &r.Faults, &r.Unknowns, &r.Suspects, &r.Opened, &r.Updated, &r.Closed, &r.Error); err != nil {
			return nil, tx.fail("find sweep runs", err)
		}
		r.Scope, r.State = beian.SweepScope(scope), beian.SweepState(state)
		if checks != "" {
			r.Checks = strings.Split(checks, ",")
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find sweep runs", err)
	}
	return out, nil
}

// PutSweepResult inserts or replaces a service's result in a run. Findings
// are encrypted: a page snippet may name people.
func (tx *Tx) PutSweepResult(ctx context.Context, r *beian.SweepResult) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if r.At.IsZero() {
		r.At = tx.now
	}
	r.At = truncTime(r.At)
	var codes []string
	findings := ""
	if len(r.Findings) > 0 {
		for _, f := range r.Findings {
			codes = append(codes, f.Code)
		}
		b, err := json.Marshal(r.Findings)
		if err != nil {
			return tx.fail("put sweep result", err)
		}
		findings = tx.db.keys.Encrypt(ctxSweepFindings, b)
	}
	if _, err := tx.exec(ctx, `DELETE FROM sweep_results WHERE run_id = ? AND service_id = ?`, r.RunID, r.ServiceID); err != nil {
		return tx.fail("put sweep result", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO sweep_results (run_id, service_id, subject_id, account_id, at, faults, unknowns, codes, findings_enc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.RunID, r.ServiceID, r.SubjectID, r.AccountID, tx.t(r.At), r.Faults, r.Unknowns, strings.Join(codes, " "), findings)
	return tx.fail("put sweep result", err)
}

// FindSweepResults returns the results matching f: a run's in service
// order, or a service's newest first.
func (tx *Tx) FindSweepResults(ctx context.Context, f beian.SweepResultFilter) ([]*beian.SweepResult, error) {
	var w where
	w.eq("run_id", f.RunID)
	w.eq("service_id", f.ServiceID)
	if f.WithFindings {
		w.add("codes <> ''")
	}
	order := " ORDER BY service_id"
	if f.RunID == "" {
		order = " ORDER BY at DESC, run_id DESC"
	}
	rows, err := tx.query(ctx, `SELECT run_id, service_id, subject_id, account_id, at, faults, unknowns, findings_enc FROM sweep_results`+
		w.sql()+order+` LIMIT ? OFFSET ?`, append(w.args, pageLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, tx.fail("find sweep results", err)
	}
	defer rows.Close()
	var out []*beian.SweepResult
	for rows.Next() {
		var r beian.SweepResult
		var enc string
		if err := rows.Scan(&r.RunID, &r.ServiceID, &r.SubjectID, &r.AccountID, scanTime(&r.At), &r.Faults, &r.Unknowns, &enc); err != nil {
			return nil, tx.fail("find sweep results", err)
		}
		if enc != "" {
			b, err := tx.db.keys.Decrypt(ctxSweepFindings, enc)
			if err != nil {
				return nil, tx.fail("find sweep results", err)
			}
			if err := json.Unmarshal(b, &r.Findings); err != nil {
				return nil, tx.fail("find sweep results", fmt.Errorf("findings: %w", err))
			}
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find sweep results", err)
	}
	return out, nil
}

// PurgeSweepResults deletes the results without findings of runs started
// before before, and returns how many it deleted.
func (tx *Tx) PurgeSweepResults(ctx context.Context, before time.Time) (int, error) {
	if err := tx.writable(); err != nil {
		return 0, err
	}
	res, err := tx.exec(ctx, `DELETE FROM sweep_results WHERE codes = '' AND run_id IN (SELECT id FROM sweep_runs WHERE started_at < ?)`,
		tx.t(before))
	if err != nil {
		return 0, tx.fail("purge sweep results", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, tx.fail("purge sweep results", err)
	}
	return int(n), nil
}

// PutSweepSuspect inserts or updates a suspected fault; an update keeps the
// first sighting.
func (tx *Tx) PutSweepSuspect(ctx context.Context, s *beian.SweepSuspect) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if s.FirstSeenAt.IsZero() {
		s.FirstSeenAt = tx.now
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.FirstSeenAt
	}
	res, err := tx.exec(ctx, `UPDATE sweep_suspects SET last_seen_at = ?, run_id = ? WHERE service_id = ? AND cause = ?`,
		tx.t(s.LastSeenAt), s.RunID, s.ServiceID, string(s.Cause))
	if err != nil {
		return tx.fail("put sweep suspect", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return tx.fail("put sweep suspect", err)
	} else if n > 0 {
		return nil
	}
	_, err = tx.exec(ctx, `INSERT INTO sweep_suspects (service_id, cause, first_seen_at, last_seen_at, run_id) VALUES (?, ?, ?, ?, ?)`,
		s.ServiceID, string(s.Cause), tx.t(s.FirstSeenAt), tx.t(s.LastSeenAt), s.RunID)
	return tx.fail("put sweep suspect", err)
}

// SweepSuspects returns a service's suspected faults, or every service's
// for "".
func (tx *Tx) SweepSuspects(ctx context.Context, serviceID string) ([]beian.SweepSuspect, error) {
	var w where
	w.eq("service_id", serviceID)
	rows, err := tx.query(ctx, `SELECT service_id, cause, first_seen_at, last_seen_at, run_id FROM sweep_suspects`+w.sql()+`
		ORDER BY service_id, cause`, w.args...)
	if err != nil {
		return nil, tx.fail("find sweep suspects", err)
	}
	defer rows.Close()
	var out []beian.SweepSuspect
	for rows.Next() {
		var s beian.SweepSuspect
		var cause string
		if err := rows.Scan(&s.ServiceID, &cause, scanTime(&s.FirstSeenAt), scanTime(&s.LastSeenAt), &s.RunID); err != nil {
			return nil, tx.fail("find sweep suspects", err)
		}
		s.Cause = beian.CaseCause(cause)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find sweep suspects", err)
	}
	return out, nil
}

// DeleteSweepSuspect removes a suspected fault, if there is one.
func (tx *Tx) DeleteSweepSuspect(ctx context.Context, serviceID string, cause beian.CaseCause) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM sweep_suspects WHERE service_id = ? AND cause = ?`, serviceID, string(cause))
	return tx.fail("delete sweep suspect", err)
}

// RecordSubjectIDs returns the IDs of filed subjects (cancelled ones
// excluded) after p.AfterID in ID order; Limit 0 means 500.
func (tx *Tx) RecordSubjectIDs(ctx context.Context, p beian.RecordPage) ([]string, error) {
	var w where
	w.add("status <> ?", string(beian.RecordCancelled))
	if p.AfterID != "" {
		w.add("id > ?", p.AfterID)
	}
	w.eq("account_id", p.AccountID)
	limit := p.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := tx.query(ctx, `SELECT id FROM record_subjects`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, tx.fail("page record subjects", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, tx.fail("page record subjects", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("page record subjects", err)
	}
	return out, nil
}

// AccountsByIP returns the customer accounts that hold a: as a resource's
// public address (the cloud's feed), then as an address of a filed service
// with an active access here. Addresses are matched as quoted JSON
// strings, which both tables store them as; a filed range that contains a
// without naming it is not found.
func (tx *Tx) AccountsByIP(ctx context.Context, a netip.Addr) ([]string, error) {
	if !a.IsValid() {
		return nil, nil
	}
	pattern := `%"` + a.Unmap().String() + `"%`
	var out []string
	seen := map[string]bool{}
	collect := func(query string, args ...any) error {
		rows, err := tx.query(ctx, query, args...)
		if err != nil {
			return tx.fail("find accounts by address", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return tx.fail("find accounts by address", err)
			}
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return tx.fail("find accounts by address", rows.Err())
	}
	if err := collect(`SELECT account_id FROM resources WHERE public_ips LIKE ? ORDER BY account_id`, pattern); err != nil {
		return nil, err
	}
	if err := collect(`SELECT s.account_id FROM access_records a JOIN record_services v ON v.id = a.service_id
			JOIN record_subjects s ON s.id = v.subject_id
		WHERE a.ips LIKE ? AND a.ours = ? AND a.status = ? ORDER BY s.account_id`, pattern, true, string(beian.AccessActive)); err != nil {
		return nil, err
	}
	return out, nil
}

// where builds a WHERE clause from conditions with ? placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// eq adds col = v unless v is empty.
func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

// in adds col IN (vals) unless vals is empty.
func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.conds = append(w.conds, col+" IN ("+placeholders(len(vals))+")")
	for _, v := range vals {
		w.args = append(w.args, v)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// pageLimit applies the store's page size rules: 0 means the default,
// more than the maximum is cut.
func pageLimit(n int) int {
	if n <= 0 {
		return defaultPageSize
	}
	return min(n, maxPageSize)
}
