package workflow_test

import (
	"context"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// TestMigrateSubmits: a migration proposes the subject the website moves
// to, which is filed under the target account; submitting it is not a
// breach of "one subject, one account" (it was refused as one), while an
// order of any other type proposing another account's subject still is.
func TestMigrateSubmits(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		rec := w.seedRecord(t, w.account.ID, fixture.Enterprise("31", 1), "2023000101", false)
		bAcct, _ := w.newAccount(t, "acme-new")
		target := w.seedRecord(t, bAcct.ID, fixture.Enterprise("31", 2), "2023000102", false)

		o, err := w.wf.StartFromRecord(ctx, w.customer, workflow.RecordActionInput{SubjectID: rec.Subject.ID, Type: beian.Migrate,
			ServiceIDs: []string{rec.Services[0].ID}, TargetAccount: "acme-new"})
		if err != nil {
			t.Fatal(err)
		}
		snap := o.Snapshot
		site := snap.Websites[0].ID
		for _, m := range []struct{ purpose, owner string }{{"subject_certificate", "subject"}, {"principal_id_front", "subject"},
			{"principal_id_back", "subject"}, {"commitment_letter", site}, {"service_principal_id_front", site}, {"service_principal_id_back", site}} {
			snap.Materials = append(snap.Materials, fixture.Material(m.purpose, m.owner))
		}
		if o, _, err = w.wf.SaveDraft(ctx, w.customer, o.ID, o.Version, snap); err != nil {
			t.Fatal(err)
		}
		o, res, err := w.wf.Submit(ctx, w.customer, o.ID, "k")
		if err != nil {
			t.Fatalf("submit the migration: %v (%d blocking)", err, res.Count(rules.Blocking))
		}
		if o.State != beian.AwaitingPrelim || o.Snapshot.Subject.CertificateNumber != target.Subject.Subject.CertificateNumber {
			t.Fatalf("migration after submit: %s", o.State)
		}
	})
}
