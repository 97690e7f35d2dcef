package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestAuditVerifyReportsTampering changes one audit row behind the store's
// back, as an intruder with database access would, and expects
// `beian audit-verify` to name it and exit 1.
func TestAuditVerifyReportsTampering(t *testing.T) {
	for name, dsn := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			m := startMain(t, dsn)
			dir, db := m.Config.DataDir, m.Config.DB
			args := []string{"audit-verify", "--data-dir", dir, "--log-json=false"}
			if db != "" {
				args = append(args, "--db", db)
			}
			var out, errb bytes.Buffer
			if code := run(context.Background(), args, &out, &errb); code != 0 || !strings.Contains(out.String(), "intact") {
				t.Fatalf("before tampering: exit %d\n%s%s", code, out.String(), errb.String())
			}

			driver, source := "sqlite", filepath.Join(dir, "beian.db")
			if db != "" {
				driver, source = "pgx", db
			}
			raw, err := sql.Open(driver, source)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			res, err := raw.Exec(`UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2`)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("tampered %d rows", n)
			}

			out.Reset()
			errb.Reset()
			code := run(context.Background(), args, &out, &errb)
			if code != 1 || !strings.Contains(out.String(), "BROKEN") || !strings.Contains(out.String(), "event 2:") {
				t.Fatalf("after tampering: exit %d\n%s%s", code, out.String(), errb.String())
			}
		})
	}
}
