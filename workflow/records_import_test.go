package workflow_test

import (
	"context"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// importItem builds an import of a fixture subject with its first website
// under number, and the given service numbers.
func importItem(login, number string, snap beian.Snapshot, serviceNumbers ...string) workflow.RecordImport {
	it := workflow.RecordImport{AccountLogin: login, Number: number, Subject: snap.Subject}
	for _, n := range serviceNumbers {
		site := snap.Websites[0]
		it.Services = append(it.Services, workflow.RecordServiceImport{Number: n, Website: &site})
	}
	return it
}

func (w *world) customerAccount(t *testing.T, login string) *beian.Account {
	t.Helper()
	ctx := context.Background()
	a := &beian.Account{Name: login}
	err := w.DB.Update(ctx, func(tx beian.Tx) error {
		a.CreatedAt = tx.Now()
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		h, _ := password.Hash("pw", password.Fast)
		return tx.CreateUser(ctx, &beian.User{AccountID: a.ID, Login: login, Role: beian.RoleCustomer, PasswordHash: h, CreatedAt: tx.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func outcomes(res workflow.RecordImportResult) []string {
	var out []string
	for _, it := range res.Items {
		s := it.Outcome
		if len(it.Errors) > 0 {
			s += ":" + it.Errors[0].Key
		}
		out = append(out, s)
	}
	return out
}

func TestImportRecords(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		admin := w.user(t, beian.RoleAdmin)
		bob := w.customerAccount(t, "bob")
		carol := w.customerAccount(t, "carol")

		ent := fixture.Enterprise("11", 1)
		valid := importItem("acme", "京ICP备12345678号", ent, "京ICP备12345678号-1", "京ICP备12345678号-2")
		second := *valid.Services[0].Website
		second.Name, second.Domains = "青云数据商城", []string{"QingYun-Shop1.CN."}
		valid.Services[1].Website = &second
		valid.Services[1].Access = []workflow.RecordAccessImport{{Provider: "旧接入商", IPs: []beian.IPRange{fixture.IP("121.36.10.30")}}}
		items := []workflow.RecordImport{
			valid,
			importItem("bob", "京ICP备2023000101号", fixture.Individual("11", 2), "京ICP备2023000101号-1"),
			importItem("acme", "京ICP备12号", fixture.Enterprise("11", 3), "京ICP备12号-1"),
			importItem("acme", "京ICP备30000001号", fixture.Enterprise("11", 4), "京ICP备30000002号-1"),
			importItem("acme", "京ICP备12345678号", fixture.Enterprise("11", 5)),
		}
		items[1].AccountLogin, items[1].AccountID = "", bob.ID // by account ID

		if _, err := w.wf.ImportRecords(ctx, w.customer, items, "t"); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Fatalf("a customer imported records: %v", err)
		}
		res, err := w.wf.ImportRecords(ctx, admin, items, "records.json")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"imported", "imported", "refused:record_import.number", "refused:record_import.service_number_extends", "refused:record_import.duplicate"}
		if got := outcomes(res); !equal(got, want) {
			t.Fatalf("outcomes %q, want %q", got, want)
		}
		if res.Imported != 2 || res.Refused != 3 || res.Items[3].Errors[0].Field != "services[0].number" {
			t.Fatalf("result %+v", res)
		}

		var rec, ind *beian.Record
		var events []beian.AuditEvent
		err = w.DB.View(ctx, func(tx beian.Tx) (err error) {
			if rec, err = tx.FindRecordBySubjectCertificate(ctx, ent.Subject.CertificateNumber); err != nil {
				return err
			}
			if ind, err = tx.FindRecordByAccount(ctx, bob.ID); err != nil {
				return err
			}
			events, err = tx.AuditEventsFor(ctx, "record_subject", rec.Subject.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Subject.ID != res.Items[0].SubjectID || rec.Subject.AccountID != w.account.ID || rec.Subject.Number.String() != "京ICP备12345678号" ||
			rec.Subject.Status != beian.RecordFiled || rec.Subject.Subject.Principal.CertificateNumber != ent.Subject.Principal.CertificateNumber {
			t.Fatalf("imported subject %+v", rec.Subject)
		}
		if len(rec.Services) != 2 {
			t.Fatalf("services %d, want 2", len(rec.Services))
		}
		var shop *beian.RecordService
		for i := range rec.Services {
			if rec.Services[i].Number.String() == "京ICP备12345678号-2" {
				shop = &rec.Services[i]
			}
		}
		if shop == nil || shop.Domains()[0] != "qingyun-shop1.cn" || len(shop.Access) != 1 || !shop.Access[0].Ours || shop.Access[0].Provider != "旧接入商" {
			t.Fatalf("second site %+v", shop)
		}
		if ind.Subject.ID != res.Items[1].SubjectID || ind.Subject.Subject.Nature != beian.NatureIndividual {
			t.Fatalf("individual %+v", ind.Subject)
		}
		if len(events) != 1 || events[0].Action != "record.import" || events[0].ActorID != admin.ID {
			t.Fatalf("audit %+v", events)
		}
		serviceIDs := []string{rec.Services[0].ID, rec.Services[1].ID}

		// The same file again updates what it imported and nothing else.
		again, err := w.wf.ImportRecords(ctx, admin, items, "records.json")
		if err != nil {
			t.Fatal(err)
		}
		want[0], want[1] = "updated", "updated"
		if got := outcomes(again); !equal(got, want) {
			t.Fatalf("re-import %q, want %q", got, want)
		}
		err = w.DB.View(ctx, func(tx beian.Tx) (err error) {
			rec, err = tx.FindRecord(ctx, res.Items[0].SubjectID)
			return err
		})
		if err != nil || len(rec.Services) != 2 || rec.Services[0].ID != serviceIDs[0] || rec.Services[1].ID != serviceIDs[1] {
			t.Fatalf("after re-import: %v %+v", err, rec)
		}

		// A record Beian filed itself is never overwritten.
		own := fixture.Enterprise("11", 6)
		err = w.DB.Update(ctx, func(tx beian.Tx) error {
			num, _ := beian.ParseICPNumber("京ICP备40000001号")
			rs := &beian.RecordSubject{AccountID: carol.ID, Subject: own.Subject, Number: num, Status: beian.RecordFiled, FiledAt: tx.Now()}
			if err := tx.CreateRecordSubject(ctx, rs); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, &beian.AuditEvent{At: tx.Now(), ActorID: workflow.ActorBureau, Action: "record.create", EntityType: "record_subject", EntityID: rs.ID, Data: []byte(`{}`)})
		})
		if err != nil {
			t.Fatal(err)
		}
		over, err := w.wf.ImportRecords(ctx, admin, []workflow.RecordImport{importItem("carol", "京ICP备40000001号", own, "京ICP备40000001号-1")}, "t")
		if err != nil {
			t.Fatal(err)
		}
		if got := outcomes(over); !equal(got, []string{"refused:record_import.filed_here"}) || over.Items[0].Errors[0].Code != beian.ECONFLICT {
			t.Fatalf("overwriting a Beian record: %q", got)
		}

		// The pre-check now knows the subject is filed.
		o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11", Snapshot: fixture.Enterprise("11", 1)})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range w.wf.Precheck(ctx, o, rules.ModeSubmit).Findings {
			found = found || f.Rule == "ORDER-TYPE-RECORD-EXISTS" && f.Severity == rules.Blocking
		}
		if !found {
			t.Fatal("pre-check of a first filing for an imported subject does not find the record")
		}
	})
}
