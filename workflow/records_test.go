package workflow_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// twoSites is a fixture subject with two websites, the second without our
// access.
func twoSites(province string, n int) beian.Snapshot {
	snap := fixture.Enterprise(province, n)
	second := snap.Websites[0]
	second.ID, second.Name, second.Domains = "site-b", "青云数据文档中心", []string{"qingyun-docs" + string(rune('0'+n)) + ".cn"}
	snap.Websites = append(snap.Websites, second)
	return snap
}

func TestRecordActions(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		rec := w.seedRecord(t, w.account.ID, twoSites("11", 1), "2023000101", false)
		// The second website's access here was cancelled.
		if err := w.DB.Update(ctx, func(tx beian.Tx) error {
			s := rec.Services[1]
			s.Access[0].Status = beian.AccessCancelled
			return tx.UpdateRecordService(ctx, &s)
		}); err != nil {
			t.Fatal(err)
		}

		v, err := w.wf.RecordView(ctx, w.customer, rec.Subject.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []beian.OrderType{beian.NewWebsite, beian.NewApp, beian.ChangeSubject, beian.ChangeBoth, beian.CancelSubject, beian.Transfer} {
			if a := v.Action(typ); !a.Available {
				t.Errorf("%s unavailable: %v", typ, a.Reason)
			}
		}
		if !v.Action(beian.NewWebsite).ViaVerify || v.Action(beian.ChangeSubject).ViaVerify {
			t.Error("new services go through the check, changes do not")
		}
		first, second := v.Services[0], v.Services[1]
		if !first.Action(beian.CancelAccess).Available || first.Action(beian.NewAccess).Available {
			t.Errorf("service with access: %+v", first.Actions)
		}
		if r := first.Action(beian.NewAccess).Reason; r == nil || r.Key != "records.access_here" {
			t.Errorf("new access reason %v", r)
		}
		if second.Action(beian.CancelAccess).Available || !second.Action(beian.NewAccess).Available {
			t.Errorf("service without access: %+v", second.Actions)
		}
		// Beijing's bureau has not confirmed migration.
		if a := first.Action(beian.Migrate); a.Available || a.Reason.Key != "records.migrate_province" {
			t.Errorf("migrate in Beijing: %+v", a)
		}

		// Each type starts a prefilled draft; only one at a time.
		cases := []struct {
			in       workflow.RecordActionInput
			websites int
		}{
			{workflow.RecordActionInput{Type: beian.ChangeSubject}, 0},
			{workflow.RecordActionInput{Type: beian.ChangeService, ServiceIDs: []string{first.Service.ID, second.Service.ID}}, 2},
			{workflow.RecordActionInput{Type: beian.ChangeBoth, ServiceIDs: []string{second.Service.ID}}, 1},
			{workflow.RecordActionInput{Type: beian.CancelService, ServiceIDs: []string{second.Service.ID}, CancelReason: "不再运营"}, 1},
			{workflow.RecordActionInput{Type: beian.CancelAccess, ServiceIDs: []string{first.Service.ID}}, 1},
			{workflow.RecordActionInput{Type: beian.CancelSubject}, 0},
		}
		for _, c := range cases {
			c.in.SubjectID = rec.Subject.ID
			o, err := w.wf.StartFromRecord(ctx, w.customer, c.in)
			if err != nil {
				t.Fatalf("%s: %v", c.in.Type, err)
			}
			s := o.Snapshot
			if o.Type != c.in.Type || o.State != beian.Draft || o.RecordSubjectID != rec.Subject.ID || o.Province != "11" {
				t.Errorf("%s: order %+v", c.in.Type, o)
			}
			if s.Subject.CertificateNumber != rec.Subject.Subject.CertificateNumber || s.Subject.Principal.Mobile != rec.Subject.Subject.Principal.Mobile {
				t.Errorf("%s: subject not prefilled", c.in.Type)
			}
			if len(s.Websites) != c.websites || !slices.Equal(o.ServiceIDs, c.in.ServiceIDs) {
				t.Errorf("%s: websites %d, services %v", c.in.Type, len(s.Websites), o.ServiceIDs)
			}
			for _, site := range s.Websites {
				if site.RecordID == "" || site.Principal.Mobile == "" || len(site.Domains) == 0 {
					t.Errorf("%s: website not prefilled: %+v", c.in.Type, site)
				}
			}
			// While it is in progress nothing else can start, and the page
			// says why.
			busy, err := w.wf.RecordView(ctx, w.customer, rec.Subject.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a := busy.Action(beian.ChangeSubject); a.Available || a.Reason.Key != "records.busy" || len(busy.InProgress) != 1 {
				t.Errorf("while %s: %+v", c.in.Type, a)
			}
			if a := busy.Action(beian.CancelSubject); a.Available {
				t.Error("cancel subject offered while an order is in progress")
			}
			_, err = w.wf.StartFromRecord(ctx, w.customer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.ChangeSubject})
			wantKey(t, err, "records.busy")
			if _, err := w.wf.Abandon(ctx, w.customer, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Preconditions of single services.
		_, err = w.wf.StartFromRecord(ctx, w.customer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelService,
			ServiceIDs: []string{first.Service.ID, second.Service.ID}})
		wantKey(t, err, "records.one_service")
		_, err = w.wf.StartFromRecord(ctx, w.customer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelAccess,
			ServiceIDs: []string{second.Service.ID}})
		wantKey(t, err, "records.no_access_here")
		_, err = w.wf.StartFromRecord(ctx, w.customer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.NewWebsite})
		wantKey(t, err, "records.use_verify")

		// Another account sees nothing; staff start only access
		// cancellations, on the customer's behalf.
		_, other := w.newAccount(t, "globex")
		_, err = w.wf.RecordView(ctx, other, rec.Subject.ID)
		wantCode(t, err, beian.ENOTFOUND)
		compliance := &beian.User{Login: "compliance", Role: beian.RoleCompliance}
		if err := w.DB.Update(ctx, func(tx beian.Tx) error { return tx.CreateUser(ctx, compliance) }); err != nil {
			t.Fatal(err)
		}
		sv, err := w.wf.RecordView(ctx, compliance, rec.Subject.ID)
		if err != nil || !sv.Staff || sv.Action(beian.ChangeSubject).Available || !sv.Services[0].Action(beian.CancelAccess).Available {
			t.Fatalf("compliance view: %v", err)
		}
		o, err := w.wf.StartFromRecord(ctx, compliance, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelAccess,
			ServiceIDs: []string{first.Service.ID}})
		if err != nil || o.AccountID != w.account.ID || o.CreatedBy != compliance.ID {
			t.Fatalf("staff cancel access: %+v %v", o, err)
		}
		_, err = w.wf.StartFromRecord(ctx, w.reviewer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelAccess,
			ServiceIDs: []string{first.Service.ID}})
		wantCode(t, err, beian.EFORBIDDEN)
	})
}

func TestRecordSubUsers(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		rec := w.seedRecord(t, w.account.ID, twoSites("11", 1), "2023000101", false)
		first, second := rec.Services[0].ID, rec.Services[1].ID
		admin := w.user(t, beian.RoleSubUser, beian.PolicyBeianAdministrator)
		reader := w.user(t, beian.RoleSubUser, beian.PolicyBeianReadOnly)
		none := w.user(t, beian.RoleSubUser)

		// Without a policy the records are not there at all.
		_, err := w.wf.RecordView(ctx, none, rec.Subject.ID)
		wantCode(t, err, beian.ENOTFOUND)
		_, err = w.wf.MyRecords(ctx, none)
		wantCode(t, err, beian.ENOTFOUND)
		// Read-only: can view, cannot start.
		v, err := w.wf.RecordView(ctx, reader, rec.Subject.ID)
		if err != nil || !v.ReadOnly || v.Action(beian.ChangeSubject).Available || v.Action(beian.ChangeSubject).Reason.Key != "records.read_only" {
			t.Fatalf("reader: %v %+v", err, v)
		}
		_, err = w.wf.StartFromRecord(ctx, reader, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.ChangeSubject})
		wantCode(t, err, beian.EFORBIDDEN)
		// An administrator sub-user changes only associated services.
		v, _ = w.wf.RecordView(ctx, admin, rec.Subject.ID)
		if a := v.Services[0].Action(beian.ChangeService); a.Available || a.Reason.Key != "records.not_associated" {
			t.Fatalf("unassociated service: %+v", a)
		}
		if a := v.Action(beian.Transfer); a.Available || a.Reason.Key != "records.owner_only" {
			t.Errorf("sub-user transfer: %+v", a)
		}
		if err := w.wf.SetSubUserServices(ctx, w.customer, admin.ID, []string{first}); err != nil {
			t.Fatal(err)
		}
		o, err := w.wf.StartFromRecord(ctx, admin, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.ChangeService, ServiceIDs: []string{first}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.wf.Abandon(ctx, admin, o.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.StartFromRecord(ctx, admin, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.ChangeService, ServiceIDs: []string{second}})
		wantKey(t, err, "records.not_associated")
		// Cancelling the subject would cancel a service it is not
		// associated with.
		_, err = w.wf.StartFromRecord(ctx, admin, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelSubject})
		wantKey(t, err, "records.not_associated_all")

		// A cancellation, once filed, removes every association with the
		// service; a sub-user's new service, once filed, is associated.
		o, err = w.wf.StartFromRecord(ctx, admin, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.CancelService, ServiceIDs: []string{first}})
		if err != nil {
			t.Fatal(err)
		}
		err = w.DB.Update(ctx, func(tx beian.Tx) error {
			if err := workflow.SettleAssociations(ctx, tx, o, nil); err != nil {
				return err
			}
			ids, err := tx.AssociatedServices(ctx, admin.ID)
			if len(ids) != 0 {
				t.Errorf("after cancellation: %v", ids)
			}
			if err != nil {
				return err
			}
			created := &beian.Order{ID: "x", Type: beian.NewWebsite, CreatedBy: admin.ID}
			if err := workflow.SettleAssociations(ctx, tx, created, []string{second}); err != nil {
				return err
			}
			ids, err = tx.AssociatedServices(ctx, admin.ID)
			if !slices.Equal(ids, []string{second}) {
				t.Errorf("after a new service: %v", ids)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestTransfer(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		owner := w.owner(t)
		rec := w.seedRecord(t, w.account.ID, fixture.Enterprise("11", 1), "2023000101", false)
		bAcct, bUser := w.newAccount(t, "acme-group")
		cAcct, _ := w.newAccount(t, "filed-already")
		w.seedRecord(t, cAcct.ID, fixture.Enterprise("11", 2), "2023000102", false)
		sub := w.user(t, beian.RoleSubUser, beian.PolicyBeianAdministrator)
		if err := w.wf.SetSubUserServices(ctx, w.customer, sub.ID, []string{rec.Services[0].ID}); err != nil {
			t.Fatal(err)
		}

		_, err := w.wf.RequestTransfer(ctx, owner, rec.Subject.ID, "acme-group", "wrong")
		wantKey(t, err, "confirm.password")
		_, err = w.wf.RequestTransfer(ctx, owner, rec.Subject.ID, "filed-already", "pw")
		wantKey(t, err, "records.target_has_subject")
		_, err = w.wf.RequestTransfer(ctx, owner, rec.Subject.ID, "acme", "pw")
		wantKey(t, err, "records.target_self")
		_, err = w.wf.RequestTransfer(ctx, sub, rec.Subject.ID, "acme-group", "pw")
		wantKey(t, err, "records.owner_only")
		o, err := w.wf.RequestTransfer(ctx, owner, rec.Subject.ID, "acme-group", "pw")
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != beian.Transfer || o.State != beian.AwaitingPrelim {
			t.Fatalf("request %s %s", o.Type, o.State)
		}
		// Both sides see the request; nothing else can start meanwhile.
		mine, err := w.wf.MyRecords(ctx, owner)
		if err != nil || len(mine.Outgoing) != 1 || mine.Outgoing[0].ToAccount != "acme-group" {
			t.Fatalf("outgoing %+v %v", mine, err)
		}
		theirs, err := w.wf.MyRecords(ctx, bUser)
		if err != nil || len(theirs.Incoming) != 1 || theirs.Incoming[0].FromAccount != "acme" || theirs.Incoming[0].Number == "" {
			t.Fatalf("incoming %+v %v", theirs, err)
		}
		_, err = w.wf.AcceptTransfer(ctx, owner, o.ID, "pw") // not the target
		wantCode(t, err, beian.ENOTFOUND)
		_, err = w.wf.AcceptTransfer(ctx, bUser, o.ID, "nope")
		wantKey(t, err, "confirm.password")
		done, err := w.wf.AcceptTransfer(ctx, bUser, o.ID, "pw")
		if err != nil || done.State != beian.Filed {
			t.Fatalf("accept: %v %+v", err, done)
		}
		// The subject and its binding moved; the old account and its
		// sub-users lost them.
		moved, err := w.wf.RecordView(ctx, bUser, rec.Subject.ID)
		if err != nil || moved.Record.Subject.AccountID != bAcct.ID {
			t.Fatalf("target's view: %v", err)
		}
		_, err = w.wf.RecordView(ctx, owner, rec.Subject.ID)
		wantCode(t, err, beian.ENOTFOUND)
		err = w.DB.View(ctx, func(tx beian.Tx) error {
			a, err := tx.FindAccountBySubjectCertificate(ctx, rec.Subject.Subject.CertificateNumber)
			if err != nil || a.ID != bAcct.ID {
				t.Errorf("binding: %+v %v", a, err)
			}
			ids, err := tx.AssociatedServices(ctx, sub.ID)
			if len(ids) != 0 {
				t.Errorf("old sub-user keeps %v", ids)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.AcceptTransfer(ctx, bUser, o.ID, "pw")
		wantKey(t, err, "records.transfer_closed")
	})
}

func TestDeclineTransfer(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		rec := w.seedRecord(t, w.account.ID, fixture.Enterprise("11", 1), "2023000101", false)
		_, bUser := w.newAccount(t, "acme-group")
		o, err := w.wf.RequestTransfer(ctx, w.owner(t), rec.Subject.ID, "acme-group", "pw")
		if err != nil {
			t.Fatal(err)
		}
		if o, err = w.wf.DeclineTransfer(ctx, bUser, o.ID); err != nil || o.State != beian.Abandoned {
			t.Fatalf("decline: %v %+v", err, o)
		}
		v, err := w.wf.RecordView(ctx, w.customer, rec.Subject.ID)
		if err != nil || !v.Action(beian.Transfer).Available {
			t.Fatalf("after decline: %v", err)
		}
	})
}

func TestMigrate(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		// Shanghai's bureau supports migration.
		rec := w.seedRecord(t, w.account.ID, fixture.Enterprise("31", 1), "2023000101", false)
		bAcct, _ := w.newAccount(t, "acme-new")
		target := w.seedRecord(t, bAcct.ID, fixture.Enterprise("31", 2), "2023000102", false)
		pAcct, _ := w.newAccount(t, "person")
		w.seedRecord(t, pAcct.ID, fixture.Individual("31", 3), "2023000103", false)
		w.newAccount(t, "empty")

		svc := rec.Services[0].ID
		in := workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.Migrate, ServiceIDs: []string{svc}}
		for name, key := range map[string]string{"": "records.target_required", "person": "records.migrate_target_individual",
			"empty": "records.migrate_target_unfiled", "acme": "records.target_self"} {
			in.TargetAccount = name
			_, err := w.wf.StartFromRecord(ctx, w.customer, in)
			wantKey(t, err, key)
		}
		in.TargetAccount = "acme-new"
		o, err := w.wf.StartFromRecord(ctx, w.customer, in)
		if err != nil {
			t.Fatal(err)
		}
		// The order belongs to the source, names its record, and proposes
		// the target subject with the website as filed.
		if o.AccountID != w.account.ID || o.RecordSubjectID != rec.Subject.ID ||
			o.Snapshot.Subject.CertificateNumber != target.Subject.Subject.CertificateNumber ||
			len(o.Snapshot.Websites) != 1 || o.Snapshot.Websites[0].RecordID != svc {
			t.Fatalf("migration order %+v", o)
		}
		b, err := w.wf.OrderBasis(ctx, w.customer, o.ID)
		if err != nil || b.TargetAccountID != bAcct.ID || b.TargetSubjectID != target.Subject.ID {
			t.Fatalf("basis %+v %v", b, err)
		}
		// Both subjects are busy now.
		v, _ := w.wf.RecordView(ctx, w.customer, rec.Subject.ID)
		if v.Action(beian.ChangeSubject).Available {
			t.Error("source not busy")
		}
		var err2 error
		err2 = w.DB.View(ctx, func(tx beian.Tx) error {
			orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: target.Subject.Subject.CertificateNumber,
				States: []beian.OrderState{beian.Draft}})
			if len(orders) != 1 {
				t.Errorf("target not busy: %d", len(orders))
			}
			return err
		})
		if err2 != nil {
			t.Fatal(err2)
		}
	})
}

func TestCompleteClaim(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		snap := fixture.Enterprise("11", 5)
		old := w.seedRecord(t, "", snap, "2015000105", false)
		o, v, err := w.wf.StartVerified(ctx, w.customer, verifyInput(snap, "qingyun-data5.cn", ""))
		if err != nil {
			t.Fatalf("claim start: %v %v", err, keys(v.Problems))
		}
		if o.Type != beian.Claim || o.RecordSubjectID != old.Subject.ID {
			t.Fatalf("claim order %s %q", o.Type, o.RecordSubjectID)
		}
		for range 2 { // idempotent
			if err := w.DB.Update(ctx, func(tx beian.Tx) error { return workflow.CompleteClaim(ctx, tx, o) }); err != nil {
				t.Fatal(err)
			}
		}
		page, err := w.wf.MyRecords(ctx, w.customer)
		if err != nil || len(page.Records) != 1 || page.Records[0].Subject.ID != old.Subject.ID {
			t.Fatalf("after claim: %+v %v", page, err)
		}
	})
}
