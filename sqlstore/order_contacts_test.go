package sqlstore

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

// TestOrderContacts checks that order writes keep the blind index of the
// contacts of orders in progress, on every database.
func TestOrderContacts(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		t.Parallel()
		db := openTestDB(t, d)
		ctx := context.Background()
		const otherCert = "91310000MA1FL00001"
		a, b := &beian.Account{Name: "a"}, &beian.Account{Name: "b"}
		o1 := newOrder("", beian.FirstFiling, beian.AwaitingPrelim, subjectCert)
		o2 := newOrder("", beian.FirstFiling, beian.Draft, otherCert)
		o2.Snapshot.Websites = nil
		cancel := newOrder("", beian.CancelSubject, beian.AwaitingPrelim, "91440300MA5EXAMPLE")
		db.update(t, func(tx beian.Tx) error {
			for _, acct := range []*beian.Account{a, b} {
				if err := tx.CreateAccount(ctx, acct); err != nil {
					return err
				}
			}
			o1.AccountID, o2.AccountID, cancel.AccountID = a.ID, b.ID, b.ID
			for _, o := range []*beian.Order{o1, o2, cancel} {
				if err := tx.CreateOrder(ctx, o); err != nil {
					return err
				}
			}
			return nil
		})
		uses := func(q beian.ContactUseQuery) []string {
			t.Helper()
			var got []string
			db.view(t, func(tx beian.Tx) error {
				var err error
				got, err = tx.OrdersUsingContact(ctx, q)
				return err
			})
			return got
		}
		check := func(what string, q beian.ContactUseQuery, want ...string) {
			t.Helper()
			if got := uses(q); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: OrdersUsingContact(%+v) = %v, want %v", what, q, got, want)
			}
		}
		mobile := func(v string) beian.ContactUseQuery {
			return beian.ContactUseQuery{Kind: beian.ContactMobile, Value: v}
		}

		// Created: the submitted order's contacts are indexed, normalised as
		// the persons of filed records are; the draft's and the
		// cancellation's are not.
		check("principal mobile", mobile("+86 138-0013-8000"), o1.ID)
		check("webmaster mobile", mobile("139 1111 2222"), o1.ID)
		check("e-mail", beian.ContactUseQuery{Kind: beian.ContactEmail, Value: " zhang.san@example.cn"}, o1.ID)
		check("certificate", beian.ContactUseQuery{Kind: beian.ContactCertificate, Value: strings.ToLower(principalCert)}, o1.ID)
		check("unknown", mobile("13000000000"))
		check("empty", mobile(""))
		check("emergency phones are not indexed, as in records", mobile("13700000000"))
		check("the order checked", beian.ContactUseQuery{Kind: beian.ContactMobile, Value: principalTel, ExceptOrderID: o1.ID})
		check("the same subject", beian.ContactUseQuery{Kind: beian.ContactMobile, Value: principalTel, ExceptSubjectCertificate: strings.ToLower(subjectCert)})
		check("the same person", beian.ContactUseQuery{Kind: beian.ContactMobile, Value: principalTel, ExceptPersonCertificate: principalCert})
		check("another person", beian.ContactUseQuery{Kind: beian.ContactMobile, Value: principalTel, ExceptPersonCertificate: "110108199001011234"}, o1.ID)
		if rows := db.rawRows(t, `SELECT order_id FROM order_contacts WHERE order_id IN (?, ?)`, o2.ID, cancel.ID); len(rows) != 0 {
			t.Errorf("draft or cancellation indexed: %v", rows)
		}
		// The order's index is the one of filed records' persons.
		fileRecord(t, db, "acct-filed", "91440300MA5EXAMPL2")
		if got := db.rawRows(t, `SELECT p.subject_id FROM persons p JOIN order_contacts c ON c.value_bidx = p.mobile_bidx
			WHERE c.kind = 'mobile' AND c.order_id = ? AND p.role = 'subject'`, o1.ID); len(got) != 1 {
			t.Errorf("order mobile vs record mobile index: %v", got)
		}
		// No clear text in the new table.
		for _, row := range db.rawRows(t, `SELECT * FROM order_contacts`) {
			for _, s := range []string{subjectCert, principalCert, principalTel, webmasterTel, strings.ToLower(principalMail)} {
				if strings.Contains(strings.ToLower(row), strings.ToLower(s)) {
					t.Errorf("order_contacts holds %q in clear: %s", s, row)
				}
			}
		}

		// Updated: a changed mobile replaces the old one; a submitted
		// draft joins.
		o1.Snapshot.Subject.Principal.Mobile = "13312345678"
		o2.State = beian.AwaitingPrelim
		db.update(t, func(tx beian.Tx) error {
			if err := tx.UpdateOrder(ctx, o1); err != nil {
				return err
			}
			return tx.UpdateOrder(ctx, o2)
		})
		check("new mobile", mobile("133 1234 5678"), o1.ID)
		check("old mobile", mobile(principalTel), o2.ID)

		// Out of progress: abandoned and filed orders keep no rows.
		o1.State, o2.State = beian.Abandoned, beian.Filed
		db.update(t, func(tx beian.Tx) error {
			if err := tx.UpdateOrder(ctx, o1); err != nil {
				return err
			}
			return tx.UpdateOrder(ctx, o2)
		})
		check("abandoned", mobile("13312345678"))
		check("filed", mobile(principalTel))
		if rows := db.rawRows(t, `SELECT order_id FROM order_contacts`); len(rows) != 0 {
			t.Errorf("rows left after the orders left progress: %v", rows)
		}

		// A failed write leaves the index as it was: same transaction.
		o3 := newOrder(b.ID, beian.ChangeSubject, beian.BureauReview, otherCert)
		db.update(t, func(tx beian.Tx) error { return tx.CreateOrder(ctx, o3) })
		stale := *o3
		stale.Version = 99
		stale.Snapshot.Subject.Principal.Mobile = "13512345678"
		err := db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateOrder(ctx, &stale) })
		wantCode(t, err, beian.ECONFLICT, "order.version.stale")
		check("after a stale write", mobile(principalTel), o3.ID)
		check("stale mobile", mobile("13512345678"))

		// Orders written before the table get their rows from the
		// migration's backfill.
		db.exec(t, `DELETE FROM order_contacts`)
		if err := db.backfillOrderContacts(ctx); err != nil {
			t.Fatal(err)
		}
		check("backfilled", mobile(principalTel), o3.ID)
		check("backfill skips abandoned", mobile("13312345678"))
	})
}
