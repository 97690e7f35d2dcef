package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openbeian/beian"
)

// Encryption contexts of the outbox columns.
const (
	ctxNotifyRecipient = "notifications.recipient"
	ctxNotifySubject   = "notifications.subject"
	ctxNotifyText      = "notifications.text"
	ctxNotifyHTML      = "notifications.html"
)

// indexAccount is the blind-index kind of in-app recipients (account IDs):
// not personal data, but indexed like the others so one unique key covers
// every channel.
const indexAccount IndexKind = "account"

// recipientIndex returns the blind index of a notification's recipient,
// normalised as the channel's addresses are compared elsewhere, so that
// "+86 138…" and "138…" are one recipient.
func (tx *Tx) recipientIndex(c beian.Channel, recipient string) string {
	kind := indexAccount
	switch c {
	case beian.ChannelEmail:
		kind = IndexEmail
	case beian.ChannelSMS:
		kind = IndexMobile
	}
	return tx.db.keys.Index(kind, recipient)
}

// CreateNotification inserts n unless a notification with the same
// CauseKey, Channel and Recipient exists, and reports whether it did. It
// fills n.ID (the existing row's when it did not insert), CreatedAt and
// UpdatedAt, and Status pending when unset. A notification without a cause
// key, a recipient or a known channel is a programming error: EINTERNAL.
func (tx *Tx) CreateNotification(ctx context.Context, n *beian.Notification) (bool, error) {
	if err := tx.writable(); err != nil {
		return false, err
	}
	bidx := tx.recipientIndex(n.Channel, n.Recipient)
	if n.CauseKey == "" || bidx == "" || !n.Channel.Valid() {
		return false, tx.fail("create notification", errors.New("notification without cause key, recipient or known channel"))
	}
	if n.ID == "" {
		n.ID = newID()
	}
	if n.Status == "" {
		n.Status = beian.NotificationPending
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = tx.now
	}
	n.CreatedAt, n.UpdatedAt, n.SentAt = truncTime(n.CreatedAt), tx.now, truncTime(n.SentAt)
	kr := tx.db.keys
	// ON CONFLICT DO NOTHING, unlike catching the unique violation, leaves a
	// PostgreSQL transaction usable, so the caller goes on in the same one.
	res, err := tx.exec(ctx, `INSERT INTO notifications (id, account_id, entity_type, entity_id, cause_key, channel,
			recipient_enc, recipient_bidx, template, lang, subject_enc, text_enc, html_enc, status, attempts, last_error,
			transport, created_at, updated_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (cause_key, channel, recipient_bidx) DO NOTHING`,
		n.ID, n.AccountID, n.EntityType, n.EntityID, n.CauseKey, string(n.Channel),
		kr.EncryptString(ctxNotifyRecipient, n.Recipient), bidx, n.Template, string(n.Lang),
		kr.EncryptString(ctxNotifySubject, n.Subject), kr.EncryptString(ctxNotifyText, n.Text), kr.EncryptString(ctxNotifyHTML, n.HTML),
		string(n.Status), n.Attempts, n.LastError, n.Transport, tx.t(n.CreatedAt), tx.t(n.UpdatedAt), tx.t(n.SentAt))
	if err != nil {
		return false, tx.fail("create notification", err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return false, tx.fail("create notification", err)
	}
	if affected == 1 {
		return true, nil
	}
	err = tx.queryRow(ctx, `SELECT id FROM notifications WHERE cause_key = ? AND channel = ? AND recipient_bidx = ?`,
		n.CauseKey, string(n.Channel), bidx).Scan(&n.ID)
	if err != nil {
		return false, tx.fail("create notification", err)
	}
	return false, nil
}

// FindNotification returns the notification with id, or ENOTFOUND.
func (tx *Tx) FindNotification(ctx context.Context, id string) (*beian.Notification, error) {
	out, err := tx.notifications(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("notification")
	}
	return out[0], nil
}

// UpdateNotificationDelivery writes the delivery fields of n (Status,
// Attempts, LastError, Transport, SentAt) and sets UpdatedAt. It returns
// ENOTFOUND for an unknown ID.
func (tx *Tx) UpdateNotificationDelivery(ctx context.Context, n *beian.Notification) error {
	if err := tx.writable(); err != nil {
		return err
	}
	n.SentAt = truncTime(n.SentAt)
	res, err := tx.exec(ctx, `UPDATE notifications SET status = ?, attempts = ?, last_error = ?, transport = ?, sent_at = ?, updated_at = ?
		WHERE id = ?`,
		string(n.Status), n.Attempts, n.LastError, n.Transport, tx.t(n.SentAt), tx.t(tx.now), n.ID)
	if err != nil {
		return tx.fail("update notification", err)
	}
	if err := mustAffect(res, "notification"); err != nil {
		return err
	}
	n.UpdatedAt = tx.now
	return nil
}

// FindNotifications returns one page of the notifications matching f,
// newest first (ties by ID, which is time-ordered too), and the number of
// all matching ones. Limit 0 means 50; more than 500 is cut to 500.
func (tx *Tx) FindNotifications(ctx context.Context, f beian.NotificationFilter) ([]*beian.Notification, int, error) {
	var where []string
	var args []any
	eq := func(col, v string) {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	in := func(col string, vs []string) {
		if len(vs) > 0 {
			where = append(where, col+" IN ("+placeholders(len(vs))+")")
			for _, v := range vs {
				args = append(args, v)
			}
		}
	}
	eq("account_id", f.AccountID)
	eq("entity_type", f.EntityType)
	eq("entity_id", f.EntityID)
	in("channel", stringsOf(f.Channels))
	in("status", stringsOf(f.Statuses))
	in("transport", f.Transports)
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications`+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.fail("count notifications", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)
	out, err := tx.notifications(ctx, `SELECT `+notificationColumns+` FROM notifications`+cond+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

const notificationColumns = `id, account_id, entity_type, entity_id, cause_key, channel, recipient_enc, template, lang,
	subject_enc, text_enc, html_enc, status, attempts, last_error, transport, created_at, updated_at, sent_at`

func (tx *Tx) notifications(ctx context.Context, query string, args ...any) ([]*beian.Notification, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find notifications", err)
	}
	defer rows.Close()
	kr := tx.db.keys
	var out []*beian.Notification
	for rows.Next() {
		var n beian.Notification
		var channel, lang, status, recipient, subject, text, html string
		if err := rows.Scan(&n.ID, &n.AccountID, &n.EntityType, &n.EntityID, &n.CauseKey, &channel, &recipient, &n.Template, &lang,
			&subject, &text, &html, &status, &n.Attempts, &n.LastError, &n.Transport,
			scanTime(&n.CreatedAt), scanTime(&n.UpdatedAt), scanTime(&n.SentAt)); err != nil {
			return nil, tx.fail("find notifications", err)
		}
		n.Channel, n.Lang, n.Status = beian.Channel(channel), beian.Lang(lang), beian.NotificationStatus(status)
		for _, f := range []struct {
			ctx string
			enc string
			dst *string
		}{
			{ctxNotifyRecipient, recipient, &n.Recipient},
			{ctxNotifySubject, subject, &n.Subject},
			{ctxNotifyText, text, &n.Text},
			{ctxNotifyHTML, html, &n.HTML},
		} {
			if *f.dst, err = kr.DecryptString(f.ctx, f.enc); err != nil {
				return nil, tx.fail("find notifications", fmt.Errorf("notification %s %s: %w", n.ID, f.ctx, err))
			}
		}
		out = append(out, &n)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find notifications", err)
	}
	return out, nil
}

// NotificationLanguage returns the language the account chose for its
// messages, or LangZH when it never chose.
func (tx *Tx) NotificationLanguage(ctx context.Context, accountID string) (beian.Lang, error) {
	var lang string
	err := tx.queryRow(ctx, `SELECT lang FROM notification_prefs WHERE account_id = ?`, accountID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && beian.Lang(lang) != beian.LangEN) {
		return beian.LangZH, nil
	}
	if err != nil {
		return "", tx.fail("notification language", err)
	}
	return beian.LangEN, nil
}

// SetNotificationLanguage records the account's message language; anything
// but English is stored as Chinese. ENOTFOUND when the account does not exist.
func (tx *Tx) SetNotificationLanguage(ctx context.Context, accountID string, lang beian.Lang) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if lang != beian.LangEN {
		lang = beian.LangZH
	}
	_, err := tx.exec(ctx, `INSERT INTO notification_prefs (account_id, lang, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
		accountID, string(lang), tx.t(tx.now))
	return tx.fail("set notification language", err)
}
