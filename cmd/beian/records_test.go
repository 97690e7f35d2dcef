package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/workflow"
)

// TestImportRecordsCommand runs `beian import-records` against the data
// directory of a running Beian: one good record goes in, one with a
// service number of another subject is refused (exit 1), and importing the
// good one again updates it (exit 0). The output names numbers and
// reasons, never personal data.
func TestImportRecordsCommand(t *testing.T) {
	for name, dsn := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			m := startMain(t, dsn)
			ctx := context.Background()
			err := m.DB.Update(ctx, func(tx beian.Tx) error {
				a := &beian.Account{Name: "legacy", CreatedAt: tx.Now()}
				if err := tx.CreateAccount(ctx, a); err != nil {
					return err
				}
				return tx.CreateUser(ctx, &beian.User{AccountID: a.ID, Login: "legacy", Role: beian.RoleCustomer, CreatedAt: tx.Now()})
			})
			if err != nil {
				t.Fatal(err)
			}
			good := fixture.Enterprise("44", 7)
			site := good.Websites[0]
			bad := fixture.Enterprise("44", 8)
			badSite := bad.Websites[0]
			items := []workflow.RecordImport{
				{Account: "legacy", Number: "粤ICP备2019012345号", Subject: good.Subject,
					Services: []workflow.RecordServiceImport{{Number: "粤ICP备2019012345号-1", Website: &site}}},
				{Account: "legacy", Number: "粤ICP备2019099999号", Subject: bad.Subject,
					Services: []workflow.RecordServiceImport{{Number: "粤ICP备2019012345号-2", Website: &badSite}}},
			}
			write := func(name string, v any) string {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(p, b, 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			runImport := func(file string) (int, string) {
				args := []string{"import-records", "--file", file, "--account-by", "login", "--data-dir", m.Config.DataDir, "--log-json=false"}
				if m.Config.DB != "" {
					args = append(args, "--db", m.Config.DB)
				}
				var out, errb bytes.Buffer
				code := run(ctx, args, &out, &errb)
				s := out.String() + errb.String()
				for _, pii := range []string{good.Subject.CertificateNumber, good.Subject.Principal.Mobile, bad.Subject.Principal.CertificateNumber} {
					if strings.Contains(s, pii) {
						t.Fatalf("output shows personal data:\n%s", s)
					}
				}
				return code, s
			}

			code, out := runImport(write("records.json", items))
			if code != 1 || !strings.Contains(out, "#1 粤ICP备2019012345号 imported") || !strings.Contains(out, "#2 粤ICP备2019099999号 refused") ||
				!strings.Contains(out, "services[0].number: 服务备案号") || !strings.Contains(out, "1 imported, 0 updated, 1 refused") {
				t.Fatalf("mixed file: exit %d\n%s", code, out)
			}
			var rec *beian.Record
			if err := m.DB.View(ctx, func(tx beian.Tx) (err error) {
				rec, err = tx.FindRecordBySubjectCertificate(ctx, good.Subject.CertificateNumber)
				return err
			}); err != nil || len(rec.Services) != 1 || rec.Services[0].Number.String() != "粤ICP备2019012345号-1" {
				t.Fatalf("imported record: %v %+v", err, rec)
			}

			code, out = runImport(write("again.json", items[:1]))
			if code != 0 || !strings.Contains(out, "#1 粤ICP备2019012345号 updated") || !strings.Contains(out, "0 imported, 1 updated, 0 refused") {
				t.Fatalf("re-import: exit %d\n%s", code, out)
			}

			code, out = runImport(write("broken.json", map[string]string{"not": "an array"}))
			if code != 1 || !strings.Contains(out, "JSON") {
				t.Fatalf("broken file: exit %d\n%s", code, out)
			}
		})
	}
}
