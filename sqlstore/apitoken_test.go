package sqlstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestAPITokens(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		u := &beian.User{Login: "rev", Role: beian.RoleReviewer}
		db.update(t, func(tx beian.Tx) error { return tx.CreateUser(ctx, u) })

		expires := db.Clock.Now().Add(30 * 24 * time.Hour)
		first := &beian.APIToken{UserID: u.ID, Name: "sync", Prefix: "bk_abc", Hash: "h1", Scopes: []string{"orders:read"}, ExpiresAt: expires}
		db.update(t, func(tx beian.Tx) error { return tx.CreateAPIToken(ctx, first) })
		db.Clock.Add(time.Minute)
		second := &beian.APIToken{UserID: u.ID, Name: "push", Prefix: "bk_def", Hash: "h2"}
		db.update(t, func(tx beian.Tx) error { return tx.CreateAPIToken(ctx, second) })

		// The same hash twice is a conflict, an unknown user not found.
		err := db.Update(ctx, func(tx beian.Tx) error {
			return tx.CreateAPIToken(ctx, &beian.APIToken{UserID: u.ID, Name: "dup", Prefix: "bk_abc", Hash: "h1"})
		})
		wantCode(t, err, beian.ECONFLICT, "")
		err = db.Update(ctx, func(tx beian.Tx) error {
			return tx.CreateAPIToken(ctx, &beian.APIToken{UserID: "nobody", Name: "x", Prefix: "bk_x", Hash: "h3"})
		})
		wantCode(t, err, beian.ENOTFOUND, "")

		db.view(t, func(tx beian.Tx) error {
			got, err := tx.FindAPITokenByHash(ctx, "h1")
			if err != nil {
				return err
			}
			if got.ID != first.ID || got.Name != "sync" || !slices.Equal(got.Scopes, []string{"orders:read"}) ||
				!got.ExpiresAt.Equal(truncTime(expires)) || !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
				t.Errorf("by hash = %+v", got)
			}
			if got, err := tx.FindAPIToken(ctx, second.ID); err != nil || got.Scopes != nil || !got.ExpiresAt.IsZero() {
				t.Errorf("by id = %+v, %v", got, err)
			}
			_, err = tx.FindAPITokenByHash(ctx, "unknown")
			wantCode(t, err, beian.ENOTFOUND, "")
			list, err := tx.FindAPITokens(ctx, u.ID)
			if err != nil || len(list) != 2 || list[0].ID != second.ID {
				t.Errorf("list = %v, %v; want newest first", list, err)
			}
			return nil
		})

		used := db.Clock.Now().Add(time.Hour)
		revoked := used.Add(time.Hour)
		db.update(t, func(tx beian.Tx) error {
			if err := tx.TouchAPIToken(ctx, first.ID, used); err != nil {
				return err
			}
			if err := tx.RevokeAPIToken(ctx, first.ID, revoked); err != nil {
				return err
			}
			// Revoking again keeps the first time.
			return tx.RevokeAPIToken(ctx, first.ID, revoked.Add(time.Hour))
		})
		err = db.Update(ctx, func(tx beian.Tx) error { return tx.RevokeAPIToken(ctx, "unknown", revoked) })
		wantCode(t, err, beian.ENOTFOUND, "")
		db.view(t, func(tx beian.Tx) error {
			got, err := tx.FindAPIToken(ctx, first.ID)
			if err != nil {
				return err
			}
			if !got.LastUsedAt.Equal(truncTime(used)) || !got.RevokedAt.Equal(truncTime(revoked)) || got.Active(revoked) {
				t.Errorf("after use and revocation = %+v", got)
			}
			return nil
		})
	})
}
