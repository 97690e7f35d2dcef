package sqlstore

import (
	"context"
	"fmt"

	"github.com/openbeian/beian"
)

// orderHoldsContacts reports whether the contacts of o count against other
// subjects: it is in progress and was submitted (a draft is the customer's
// private work and may name anyone's mobile; spec §6.4.3 speaks of another
// subject's filing). Cancellations bring no contacts of their own.
func orderHoldsContacts(o *beian.Order) bool {
	if !o.State.InProgress() || o.State == beian.Draft {
		return false
	}
	switch o.Type {
	case beian.CancelSubject, beian.CancelService, beian.CancelAccess:
		return false
	}
	return true
}

// orderContactsVersion is the migration that creates order_contacts.
const orderContactsVersion = 90

// orderContact is one row of order_contacts.
type orderContact struct{ kind, value, person string }

// putOrderContacts replaces the rows of order_contacts of o. CreateOrder
// and UpdateOrder call it in their transaction, so the index follows every
// order write; an order out of progress keeps no rows. Values are indexed
// with the same kinds (and so the same normalisation) as the persons of
// filed records, so an order's mobile matches a record's.
func (tx *Tx) putOrderContacts(ctx context.Context, o *beian.Order) error {
	if _, err := tx.exec(ctx, `DELETE FROM order_contacts WHERE order_id = ?`, o.ID); err != nil {
		return tx.fail("write order contacts", err)
	}
	if !orderHoldsContacts(o) {
		return nil
	}
	kr := tx.db.keys
	s := &o.Snapshot
	persons := []*beian.Person{&s.Subject.Principal}
	for i := range s.Websites {
		persons = append(persons, &s.Websites[i].Principal)
	}
	for i := range s.Apps {
		persons = append(persons, &s.Apps[i].Principal)
	}
	subject := kr.Index(IndexCertificate, s.Subject.CertificateNumber)
	seen := map[orderContact]bool{}
	for _, p := range persons {
		person := kr.Index(IndexCertificate, p.CertificateNumber)
		for _, c := range []orderContact{
			{string(beian.ContactCertificate), kr.Index(IndexCertificate, p.CertificateNumber), person},
			{string(beian.ContactMobile), kr.Index(IndexMobile, p.Mobile), person},
			{string(beian.ContactEmail), kr.Index(IndexEmail, p.Email), person},
		} {
			if c.value == "" || seen[c] {
				continue
			}
			seen[c] = true
			if _, err := tx.exec(ctx, `INSERT INTO order_contacts (order_id, subject_cert_bidx, kind, value_bidx, person_cert_bidx)
				VALUES (?, ?, ?, ?, ?)`, o.ID, subject, c.kind, c.value, c.person); err != nil {
				return tx.fail("write order contacts", err)
			}
		}
	}
	return nil
}

// OrdersUsingContact returns the IDs of the submitted orders in progress,
// cancellations excluded, with a responsible person whose certificate
// number, mobile or e-mail matches q.Value through the blind index; it
// leaves out q.ExceptOrderID, the orders of the subject with
// q.ExceptSubjectCertificate, and the orders in which the person with
// q.ExceptPersonCertificate gives the value. No match is an empty result;
// an unknown kind is a bug and EINTERNAL.
func (tx *Tx) OrdersUsingContact(ctx context.Context, q beian.ContactUseQuery) ([]string, error) {
	var ik IndexKind
	switch q.Kind {
	case beian.ContactCertificate:
		ik = IndexCertificate
	case beian.ContactMobile:
		ik = IndexMobile
	case beian.ContactEmail:
		ik = IndexEmail
	default:
		return nil, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("unknown contact kind %q", q.Kind))
	}
	kr := tx.db.keys
	bidx := kr.Index(ik, q.Value)
	if bidx == "" {
		return nil, nil
	}
	query := `SELECT DISTINCT c.order_id FROM order_contacts c WHERE c.kind = ? AND c.value_bidx = ? AND c.order_id <> ?`
	args := []any{string(q.Kind), bidx, q.ExceptOrderID}
	if s := kr.Index(IndexCertificate, q.ExceptSubjectCertificate); s != "" {
		query, args = query+` AND c.subject_cert_bidx <> ?`, append(args, s)
	}
	if p := kr.Index(IndexCertificate, q.ExceptPersonCertificate); p != "" {
		query += ` AND NOT EXISTS (SELECT 1 FROM order_contacts m WHERE m.order_id = c.order_id AND m.kind = c.kind
			AND m.value_bidx = c.value_bidx AND m.person_cert_bidx = ?)`
		args = append(args, p)
	}
	rows, err := tx.query(ctx, query+` ORDER BY c.order_id`, args...)
	if err != nil {
		return nil, tx.fail("find orders by contact", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, tx.fail("find orders by contact", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find orders by contact", err)
	}
	return ids, nil
}

// backfillOrderContacts writes the order_contacts rows of the orders in
// progress; Migrate runs it once, when it creates the table, for the
// orders written before.
func (db *DB) backfillOrderContacts(ctx context.Context) error {
	return db.Update(ctx, func(btx beian.Tx) error {
		tx := btx.(*Tx)
		var states []any
		for _, s := range beian.OrderStates {
			if s.InProgress() && s != beian.Draft {
				states = append(states, string(s))
			}
		}
		orders, err := tx.orders(ctx, `SELECT `+orderColumns+` FROM orders WHERE state IN (`+placeholders(len(states))+`)`, states...)
		if err != nil {
			return err
		}
		for _, o := range orders {
			if err := tx.putOrderContacts(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
}
