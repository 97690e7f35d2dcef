package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSessions(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		s := db.Sessions()
		exp := time.Now().Add(time.Hour)
		if err := s.CommitCtx(ctx, "tok-1", []byte("user=1"), exp); err != nil {
			t.Fatal(err)
		}
		b, ok, err := s.FindCtx(ctx, "tok-1")
		if err != nil || !ok || string(b) != "user=1" {
			t.Fatalf("find = %q %v %v", b, ok, err)
		}
		// The raw table holds no usable token.
		for _, row := range db.rawRows(t, `SELECT token_hash FROM sessions`) {
			if strings.Contains(row, "tok-1") {
				t.Fatalf("token stored in clear: %s", row)
			}
		}
		if err := s.Commit("tok-1", []byte("user=2"), exp); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := s.Find("tok-1"); string(b) != "user=2" {
			t.Fatalf("overwrite: %q", b)
		}
		if _, ok, _ := s.Find("unknown"); ok {
			t.Fatal("unknown token found")
		}
		if err := s.Commit("tok-1", []byte("user=2"), time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Find("tok-1"); ok {
			t.Fatal("expired session found")
		}
		n, err := s.DeleteExpiredSessions(ctx)
		if err != nil || n != 1 {
			t.Fatalf("delete expired = %d, %v", n, err)
		}
		if err := s.Delete("tok-1"); err != nil {
			t.Fatalf("delete unknown: %v", err)
		}
	})
}
