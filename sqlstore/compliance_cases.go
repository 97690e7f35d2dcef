package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/openbeian/beian"
)

// This file implements the case half of beian.ComplianceStore: cases and
// their evidence, the marks of handled feed items, verification tasks and
// unfiled sites.

// caseTexts is the cases.texts document.
type caseTexts struct {
	Notice     beian.Text `json:"notice"`
	Reason     beian.Text `json:"reason"`
	Suggestion beian.Text `json:"suggestion"`
}

// openKey is the case's open_key: its key while it is open, NULL after.
func openKey(c *beian.Case) any {
	if c.State.Open() {
		return c.Key
	}
	return nil
}

func (tx *Tx) caseDocs(c *beian.Case) (texts, targets, detail, ext string, err error) {
	b, err := json.Marshal(caseTexts{Notice: c.Notice, Reason: c.Reason, Suggestion: c.Suggestion})
	if err != nil {
		return "", "", "", "", err
	}
	ts := c.Targets
	if ts == nil {
		ts = []string{}
	}
	t, err := json.Marshal(ts)
	if err != nil {
		return "", "", "", "", err
	}
	if c.Detail != "" {
		detail = tx.db.keys.EncryptString(ctxCaseDetail, c.Detail)
	}
	if c.Extension != (beian.CaseExtension{}) {
		e, err := json.Marshal(c.Extension)
		if err != nil {
			return "", "", "", "", err
		}
		ext = tx.db.keys.Encrypt(ctxCaseExtension, e)
	}
	return string(b), string(t), detail, ext, nil
}

// truncCase brings a case's times to the precision the databases keep.
func truncCase(c *beian.Case) {
	c.OpenedAt, c.DueAt, c.NotifiedAt, c.RemindedAt = truncTime(c.OpenedAt), truncTime(c.DueAt), truncTime(c.NotifiedAt), truncTime(c.RemindedAt)
	c.LastSeenAt, c.RecheckRequestedAt, c.RecheckedAt, c.ClosedAt = truncTime(c.LastSeenAt), truncTime(c.RecheckRequestedAt),
		truncTime(c.RecheckedAt), truncTime(c.ClosedAt)
	e := &c.Extension
	e.RequestedAt, e.DecidedAt = truncTime(e.RequestedAt), truncTime(e.DecidedAt)
}

// CreateCase inserts c with Version 1, filling ID, OpenedAt (when zero)
// and the times. It returns ECONFLICT (case.open_exists) when an open case
// has c's key.
func (tx *Tx) CreateCase(ctx context.Context, c *beian.Case) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = newID()
	}
	if c.OpenedAt.IsZero() {
		c.OpenedAt = tx.now
	}
	c.CreatedAt, c.UpdatedAt, c.Version = tx.now, tx.now, 1
	truncCase(c)
	texts, targets, detail, ext, err := tx.caseDocs(c)
	if err != nil {
		return tx.fail("create case", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO cases (id, case_key, open_key, level, account_id, subject_id, service_id, subject_name, service_name,
			number, cause, category, source, texts, detail_enc, targets, state, opened_at, due_at, notified_at, reminded_at, last_seen_at,
			extension_state, extension_enc, recheck_requested_at, recheck_by, rechecked_at, hold, closed_at, resolution, order_id,
			feed_item_id, opened_by, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Key, openKey(c), string(c.Level), c.AccountID, c.SubjectID, c.ServiceID, c.SubjectName, c.ServiceName,
		c.Number, string(c.Cause), string(c.Category), string(c.Source), texts, detail, targets, string(c.State),
		tx.t(c.OpenedAt), tx.t(c.DueAt), tx.t(c.NotifiedAt), tx.t(c.RemindedAt), tx.t(c.LastSeenAt),
		string(c.Extension.State), ext, tx.t(c.RecheckRequestedAt), c.RecheckBy, tx.t(c.RecheckedAt), c.Hold, tx.t(c.ClosedAt),
		string(c.Resolution), c.OrderID, c.FeedItemID, c.OpenedBy, tx.t(c.CreatedAt), tx.t(c.UpdatedAt), c.Version)
	if err != nil {
		return tx.db.dialect.storeError("create case", err, "case.open_exists")
	}
	return nil
}

// UpdateCase writes c if its Version matches the stored one and increments
// it. It returns ECONFLICT (case.version.stale) on a stale version,
// ECONFLICT (case.open_exists) when reopening would clash with another open
// case, and ENOTFOUND for an unknown ID.
func (tx *Tx) UpdateCase(ctx context.Context, c *beian.Case) error {
	if err := tx.writable(); err != nil {
		return err
	}
	truncCase(c)
	texts, targets, detail, ext, err := tx.caseDocs(c)
	if err != nil {
		return tx.fail("update case", err)
	}
	res, err := tx.exec(ctx, `UPDATE cases SET open_key = ?, account_id = ?, subject_id = ?, service_id = ?, subject_name = ?,
			service_name = ?, number = ?, texts = ?, detail_enc = ?, targets = ?, state = ?, due_at = ?, notified_at = ?, reminded_at = ?,
			last_seen_at = ?, extension_state = ?, extension_enc = ?, recheck_requested_at = ?, recheck_by = ?, rechecked_at = ?, hold = ?,
			closed_at = ?, resolution = ?, order_id = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		openKey(c), c.AccountID, c.SubjectID, c.ServiceID, c.SubjectName, c.ServiceName, c.Number, texts, detail, targets,
		string(c.State), tx.t(c.DueAt), tx.t(c.NotifiedAt), tx.t(c.RemindedAt), tx.t(c.LastSeenAt), string(c.Extension.State), ext,
		tx.t(c.RecheckRequestedAt), c.RecheckBy, tx.t(c.RecheckedAt), c.Hold, tx.t(c.ClosedAt), string(c.Resolution), c.OrderID,
		tx.t(tx.now), c.ID, c.Version)
	if err != nil {
		return tx.db.dialect.storeError("update case", err, "case.open_exists")
	}
	if err := tx.versionChecked(ctx, res, "cases", c.ID, "case.version.stale"); err != nil {
		return err
	}
	c.Version++
	c.UpdatedAt = tx.now
	return nil
}

const caseColumns = `id, case_key, level, account_id, subject_id, service_id, subject_name, service_name, number, cause, category,
	source, texts, detail_enc, targets, state, opened_at, due_at, notified_at, reminded_at, last_seen_at, extension_enc,
	recheck_requested_at, recheck_by, rechecked_at, hold, closed_at, resolution, order_id, feed_item_id, opened_by, created_at,
	updated_at, version`

// FindCase returns the case with id or ENOTFOUND.
func (tx *Tx) FindCase(ctx context.Context, id string) (*beian.Case, error) {
	cs, err := tx.cases(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("case")
	}
	return cs[0], nil
}

// FindOpenCase returns the open case with key, or ENOTFOUND.
func (tx *Tx) FindOpenCase(ctx context.Context, key string) (*beian.Case, error) {
	cs, err := tx.cases(ctx, `SELECT `+caseColumns+` FROM cases WHERE open_key = ?`, key)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("case")
	}
	return cs[0], nil
}

// FindCases returns one page of the cases matching f — open cases first,
// earliest deadline first, cases without one last, then the newest — and
// the number of all matching. Query matches names, the number and targets
// case-insensitively.
func (tx *Tx) FindCases(ctx context.Context, f beian.CaseFilter) ([]*beian.Case, int, error) {
	var w where
	w.eq("account_id", f.AccountID)
	w.eq("subject_id", f.SubjectID)
	w.eq("service_id", f.ServiceID)
	strs := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	w.in("category", strs(len(f.Categories), func(i int) string { return string(f.Categories[i]) }))
	w.in("state", strs(len(f.States), func(i int) string { return string(f.States[i]) }))
	w.in("cause", strs(len(f.Causes), func(i int) string { return string(f.Causes[i]) }))
	w.in("source", strs(len(f.Sources), func(i int) string { return string(f.Sources[i]) }))
	if !f.DueBefore.IsZero() {
		w.add("due_at IS NOT NULL AND due_at < ?", tx.t(f.DueBefore))
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		q = "%" + strings.NewReplacer(`\`, "", "%", "", "_", "").Replace(q) + "%"
		w.add("(LOWER(subject_name) LIKE ? OR LOWER(service_name) LIKE ? OR LOWER(targets) LIKE ? OR LOWER(number) LIKE ?)", q, q, q, q)
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM cases`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count cases", err)
	}
	cs, err := tx.cases(ctx, `SELECT `+caseColumns+` FROM cases`+w.sql()+
		` ORDER BY (open_key IS NULL), (due_at IS NULL), due_at, opened_at DESC, id LIMIT ? OFFSET ?`,
		append(w.args, pageLimit(f.Limit), max(f.Offset, 0))...)
	return cs, total, err
}

// CountOpenCases counts the open cases by category.
func (tx *Tx) CountOpenCases(ctx context.Context) (map[beian.CaseCategory]int, error) {
	rows, err := tx.query(ctx, `SELECT category, COUNT(*) FROM cases WHERE open_key IS NOT NULL GROUP BY category`)
	if err != nil {
		return nil, tx.fail("count cases", err)
	}
	defer rows.Close()
	out := map[beian.CaseCategory]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, tx.fail("count cases", err)
		}
		out[beian.CaseCategory(c)] = n
	}
	return out, tx.fail("count cases", rows.Err())
}

func (tx *Tx) cases(ctx context.Context, query string, args ...any) ([]*beian.Case, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find cases", err)
	}
	defer rows.Close()
	var out []*beian.Case
	kr := tx.db.keys
	for rows.Next() {
		var c beian.Case
		var level, cause, category, source, texts, detail, targets, state, ext, resolution string
		if err := rows.Scan(&c.ID, &c.Key, &level, &c.AccountID, &c.SubjectID, &c.ServiceID, &c.SubjectName, &c.ServiceName, &c.Number,
			&cause, &category, &source, &texts, &detail, &targets, &state, scanTime(&c.OpenedAt), scanTime(&c.DueAt),
			scanTime(&c.NotifiedAt), scanTime(&c.RemindedAt), scanTime(&c.LastSeenAt), &ext, scanTime(&c.RecheckRequestedAt),
			&c.RecheckBy, scanTime(&c.RecheckedAt), &c.Hold, scanTime(&c.ClosedAt), &resolution, &c.OrderID, &c.FeedItemID, &c.OpenedBy,
			scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), &c.Version); err != nil {
			return nil, tx.fail("find cases", err)
		}
		c.Level, c.Cause, c.Category, c.Source = beian.CaseLevel(level), beian.CaseCause(cause), beian.CaseCategory(category), beian.CaseSource(source)
		c.State, c.Resolution = beian.CaseState(state), beian.CaseResolution(resolution)
		var t caseTexts
		if err := json.Unmarshal([]byte(texts), &t); err != nil {
			return nil, tx.fail("find cases", fmt.Errorf("case %s texts: %w", c.ID, err))
		}
		c.Notice, c.Reason, c.Suggestion = t.Notice, t.Reason, t.Suggestion
		if err := json.Unmarshal([]byte(targets), &c.Targets); err != nil {
			return nil, tx.fail("find cases", fmt.Errorf("case %s targets: %w", c.ID, err))
		}
		if len(c.Targets) == 0 {
			c.Targets = nil
		}
		if detail != "" {
			if c.Detail, err = kr.DecryptString(ctxCaseDetail, detail); err != nil {
				return nil, tx.fail("find cases", err)
			}
		}
		if ext != "" {
			b, err := kr.Decrypt(ctxCaseExtension, ext)
			if err != nil {
				return nil, tx.fail("find cases", err)
			}
			if err := json.Unmarshal(b, &c.Extension); err != nil {
				return nil, tx.fail("find cases", fmt.Errorf("case %s extension: %w", c.ID, err))
			}
		}
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find cases", err)
	}
	return out, nil
}

// AddCaseEvidence appends evidence to a case, filling ID and, when zero,
// the evidence's time. The evidence is encrypted: a page snippet may name
// people.
func (tx *Tx) AddCaseEvidence(ctx context.Context, e *beian.CaseEvidence) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = newID()
	}
	if e.Evidence.At.IsZero() {
		e.Evidence.At = tx.now
	}
	e.Evidence.At = truncTime(e.Evidence.At)
	b, err := json.Marshal(e.Evidence)
	if err != nil {
		return tx.fail("add case evidence", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO case_evidence (id, case_id, at, source, code, domain, data_enc) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.CaseID, tx.t(e.Evidence.At), string(e.Evidence.Source), e.Evidence.Code, e.Evidence.Domain,
		tx.db.keys.Encrypt(ctxCaseEvidence, b))
	return tx.fail("add case evidence", err)
}

// CaseEvidence returns a case's evidence, newest first, at most limit (0:
// all).
func (tx *Tx) CaseEvidence(ctx context.Context, caseID string, limit int) ([]beian.CaseEvidence, error) {
	q := `SELECT id, data_enc FROM case_evidence WHERE case_id = ? ORDER BY at DESC, id DESC`
	args := []any{caseID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, tx.fail("find case evidence", err)
	}
	defer rows.Close()
	var out []beian.CaseEvidence
	for rows.Next() {
		e := beian.CaseEvidence{CaseID: caseID}
		var enc string
		if err := rows.Scan(&e.ID, &enc); err != nil {
			return nil, tx.fail("find case evidence", err)
		}
		b, err := tx.db.keys.Decrypt(ctxCaseEvidence, enc)
		if err != nil {
			return nil, tx.fail("find case evidence", err)
		}
		if err := json.Unmarshal(b, &e.Evidence); err != nil {
			return nil, tx.fail("find case evidence", fmt.Errorf("evidence %s: %w", e.ID, err))
		}
		out = append(out, e)
	}
	return out, tx.fail("find case evidence", rows.Err())
}

// MarkFeedItemHandled records that a feed item was consumed; it reports
// false when it already was.
func (tx *Tx) MarkFeedItemHandled(ctx context.Context, itemID, outcome string) (bool, error) {
	if err := tx.writable(); err != nil {
		return false, err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM compliance_feed_handled WHERE item_id = ?`, itemID).Scan(&n); err != nil {
		return false, tx.fail("mark feed item", err)
	}
	if n > 0 {
		return false, nil
	}
	_, err := tx.exec(ctx, `INSERT INTO compliance_feed_handled (item_id, outcome, at) VALUES (?, ?, ?)`, itemID, outcome, tx.t(tx.now))
	if err != nil {
		return false, tx.fail("mark feed item", err)
	}
	return true, nil
}

func jsonList[T any](v []T) (string, error) {
	if v == nil {
		v = []T{}
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// CreateVerificationTask inserts t with Version 1, filling ID and the
// times; ECONFLICT when its feed item already made a task.
func (tx *Tx) CreateVerificationTask(ctx context.Context, t *beian.VerificationTask) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = newID()
	}
	if t.State == "" {
		t.State = beian.TaskOpen
	}
	t.CreatedAt, t.UpdatedAt, t.Version = tx.now, tx.now, 1
	services, answer, note, err := tx.taskDocs(t)
	if err != nil {
		return tx.fail("create verification task", err)
	}
	bureau, err := jsonList(t.BureauServices)
	if err != nil {
		return tx.fail("create verification task", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO verification_tasks (id, feed_item_id, connection_id, subject_id, service_ids, bureau_subject,
			bureau_services, subject_name, account_id, note_enc, state, answer_enc, case_id, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.FeedItemID, t.ConnectionID, t.SubjectID, services, t.BureauSubject, bureau, t.SubjectName, t.AccountID, note,
		string(t.State), answer, t.CaseID, tx.t(t.CreatedAt), tx.t(t.UpdatedAt), t.Version)
	return tx.fail("create verification task", err)
}

func (tx *Tx) taskDocs(t *beian.VerificationTask) (services, answer, note string, err error) {
	if services, err = jsonList(t.ServiceIDs); err != nil {
		return "", "", "", err
	}
	if t.Answer != nil {
		t.Answer.AnsweredAt = truncTime(t.Answer.AnsweredAt)
		b, err := json.Marshal(t.Answer)
		if err != nil {
			return "", "", "", err
		}
		answer = tx.db.keys.Encrypt(ctxTaskAnswer, b)
	}
	if t.Note != "" {
		note = tx.db.keys.EncryptString(ctxTaskNote, t.Note)
	}
	return services, answer, note, nil
}

// UpdateVerificationTask writes t's state, records, answer and case if its
// Version matches; else ECONFLICT (task.version.stale).
func (tx *Tx) UpdateVerificationTask(ctx context.Context, t *beian.VerificationTask) error {
	if err := tx.writable(); err != nil {
		return err
	}
	services, answer, note, err := tx.taskDocs(t)
	if err != nil {
		return tx.fail("update verification task", err)
	}
	res, err := tx.exec(ctx, `UPDATE verification_tasks SET subject_id = ?, service_ids = ?, account_id = ?, note_enc = ?, state = ?,
			answer_enc = ?, case_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		t.SubjectID, services, t.AccountID, note, string(t.State), answer, t.CaseID, tx.t(tx.now), t.ID, t.Version)
	if err != nil {
		return tx.fail("update verification task", err)
	}
	if err := tx.versionChecked(ctx, res, "verification_tasks", t.ID, "task.version.stale"); err != nil {
		return err
	}
	t.Version++
	t.UpdatedAt = tx.now
	return nil
}

const taskColumns = `id, feed_item_id, connection_id, subject_id, service_ids, bureau_subject, bureau_services, subject_name, account_id,
	note_enc, state, answer_enc, case_id, created_at, updated_at, version`

// FindVerificationTask returns the task with id or ENOTFOUND.
func (tx *Tx) FindVerificationTask(ctx context.Context, id string) (*beian.VerificationTask, error) {
	ts, err := tx.tasks(ctx, `SELECT `+taskColumns+` FROM verification_tasks WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, notFound("verification task")
	}
	return ts[0], nil
}

// FindVerificationTasks returns one page of the tasks matching f, open
// first and oldest first within, and the number of all matching.
func (tx *Tx) FindVerificationTasks(ctx context.Context, f beian.TaskFilter) ([]*beian.VerificationTask, int, error) {
	w := taskWhere(f)
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM verification_tasks`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count verification tasks", err)
	}
	ts, err := tx.tasks(ctx, `SELECT `+taskColumns+` FROM verification_tasks`+w.sql()+
		` ORDER BY (state = 'open') DESC, created_at, id LIMIT ? OFFSET ?`, append(w.args, pageLimit(f.Limit), max(f.Offset, 0))...)
	return ts, total, err
}

func taskWhere(f beian.TaskFilter) where {
	var w where
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	w.in("state", states)
	w.eq("account_id", f.AccountID)
	return w
}

func (tx *Tx) tasks(ctx context.Context, query string, args ...any) ([]*beian.VerificationTask, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find verification tasks", err)
	}
	defer rows.Close()
	var out []*beian.VerificationTask
	kr := tx.db.keys
	for rows.Next() {
		var t beian.VerificationTask
		var services, bureau, note, state, answer string
		if err := rows.Scan(&t.ID, &t.FeedItemID, &t.ConnectionID, &t.SubjectID, &services, &t.BureauSubject, &bureau, &t.SubjectName,
			&t.AccountID, &note, &state, &answer, &t.CaseID, scanTime(&t.CreatedAt), scanTime(&t.UpdatedAt), &t.Version); err != nil {
			return nil, tx.fail("find verification tasks", err)
		}
		t.State = beian.TaskState(state)
		if err := json.Unmarshal([]byte(services), &t.ServiceIDs); err != nil {
			return nil, tx.fail("find verification tasks", err)
		}
		if err := json.Unmarshal([]byte(bureau), &t.BureauServices); err != nil {
			return nil, tx.fail("find verification tasks", err)
		}
		if len(t.ServiceIDs) == 0 {
			t.ServiceIDs = nil
		}
		if len(t.BureauServices) == 0 {
			t.BureauServices = nil
		}
		if note != "" {
			if t.Note, err = kr.DecryptString(ctxTaskNote, note); err != nil {
				return nil, tx.fail("find verification tasks", err)
			}
		}
		if answer != "" {
			b, err := kr.Decrypt(ctxTaskAnswer, answer)
			if err != nil {
				return nil, tx.fail("find verification tasks", err)
			}
			t.Answer = new(beian.VerificationAnswer)
			if err := json.Unmarshal(b, t.Answer); err != nil {
				return nil, tx.fail("find verification tasks", err)
			}
		}
		out = append(out, &t)
	}
	return out, tx.fail("find verification tasks", rows.Err())
}

// CreateUnfiledSite inserts s with Version 1, filling ID and the times;
// ECONFLICT when its feed item already made one.
func (tx *Tx) CreateUnfiledSite(ctx context.Context, s *beian.UnfiledSite) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = newID()
	}
	if s.State == "" {
		s.State = beian.TaskOpen
	}
	s.CreatedAt, s.UpdatedAt, s.Version = tx.now, tx.now, 1
	handling, err := tx.handlingDoc(s)
	if err != nil {
		return tx.fail("create unfiled site", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO unfiled_sites (id, feed_item_id, connection_id, bureau_id, domain, ip, first_detected, last_detected,
			detections, operator, province, listed_on, account_id, case_id, state, handling_enc, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.FeedItemID, s.ConnectionID, s.BureauID, s.Domain, addrString(s.IP), s.FirstDetected.String(), s.LastDetected.String(),
		s.Detections, s.Operator, s.Province, s.ListedOn.String(), s.AccountID, s.CaseID, string(s.State), handling,
		tx.t(s.CreatedAt), tx.t(s.UpdatedAt), s.Version)
	return tx.fail("create unfiled site", err)
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func (tx *Tx) handlingDoc(s *beian.UnfiledSite) (string, error) {
	if s.Handling == nil {
		return "", nil
	}
	s.Handling.ReportedAt = truncTime(s.Handling.ReportedAt)
	b, err := json.Marshal(s.Handling)
	if err != nil {
		return "", err
	}
	return tx.db.keys.Encrypt(ctxUnfiledHandle, b), nil
}

// UpdateUnfiledSite writes s's owner, case, state and handling if its
// Version matches; else ECONFLICT (task.version.stale).
func (tx *Tx) UpdateUnfiledSite(ctx context.Context, s *beian.UnfiledSite) error {
	if err := tx.writable(); err != nil {
		return err
	}
	handling, err := tx.handlingDoc(s)
	if err != nil {
		return tx.fail("update unfiled site", err)
	}
	res, err := tx.exec(ctx, `UPDATE unfiled_sites SET account_id = ?, case_id = ?, state = ?, handling_enc = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
		s.AccountID, s.CaseID, string(s.State), handling, tx.t(tx.now), s.ID, s.Version)
	if err != nil {
		return tx.fail("update unfiled site", err)
	}
	if err := tx.versionChecked(ctx, res, "unfiled_sites", s.ID, "task.version.stale"); err != nil {
		return err
	}
	s.Version++
	s.UpdatedAt = tx.now
	return nil
}

const unfiledColumns = `id, feed_item_id, connection_id, bureau_id, domain, ip, first_detected, last_detected, detections, operator,
	province, listed_on, account_id, case_id, state, handling_enc, created_at, updated_at, version`

// FindUnfiledSite returns the site with id or ENOTFOUND.
func (tx *Tx) FindUnfiledSite(ctx context.Context, id string) (*beian.UnfiledSite, error) {
	ss, err := tx.unfiled(ctx, `SELECT `+unfiledColumns+` FROM unfiled_sites WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("unfiled site")
	}
	return ss[0], nil
}

// FindUnfiledSites returns one page of the sites matching f, open first and
// oldest first within, and the number of all matching.
func (tx *Tx) FindUnfiledSites(ctx context.Context, f beian.TaskFilter) ([]*beian.UnfiledSite, int, error) {
	w := taskWhere(f)
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM unfiled_sites`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count unfiled sites", err)
	}
	ss, err := tx.unfiled(ctx, `SELECT `+unfiledColumns+` FROM unfiled_sites`+w.sql()+
		` ORDER BY (state = 'open') DESC, created_at, id LIMIT ? OFFSET ?`, append(w.args, pageLimit(f.Limit), max(f.Offset, 0))...)
	return ss, total, err
}

func (tx *Tx) unfiled(ctx context.Context, query string, args ...any) ([]*beian.UnfiledSite, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find unfiled sites", err)
	}
	defer rows.Close()
	var out []*beian.UnfiledSite
	for rows.Next() {
		var s beian.UnfiledSite
		var ip, first, last, listed, state, handling string
		if err := rows.Scan(&s.ID, &s.FeedItemID, &s.ConnectionID, &s.BureauID, &s.Domain, &ip, &first, &last, &s.Detections,
			&s.Operator, &s.Province, &listed, &s.AccountID, &s.CaseID, &state, &handling, scanTime(&s.CreatedAt), scanTime(&s.UpdatedAt),
			&s.Version); err != nil {
			return nil, tx.fail("find unfiled sites", err)
		}
		s.State = beian.TaskState(state)
		if ip != "" {
			s.IP, _ = netip.ParseAddr(ip)
		}
		s.FirstDetected, _ = parseOptionalDate(first)
		s.LastDetected, _ = parseOptionalDate(last)
		s.ListedOn, _ = parseOptionalDate(listed)
		if handling != "" {
			b, err := tx.db.keys.Decrypt(ctxUnfiledHandle, handling)
			if err != nil {
				return nil, tx.fail("find unfiled sites", err)
			}
			s.Handling = new(beian.UnfiledHandling)
			if err := json.Unmarshal(b, s.Handling); err != nil {
				return nil, tx.fail("find unfiled sites", err)
			}
		}
		out = append(out, &s)
	}
	return out, tx.fail("find unfiled sites", rows.Err())
}

func parseOptionalDate(s string) (beian.Date, error) {
	if s == "" {
		return beian.Date{}, nil
	}
	return beian.ParseDate(s)
}
