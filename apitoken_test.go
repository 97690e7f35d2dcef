package beian

import (
	"testing"
	"time"
)

func TestAPITokenActive(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		tok  APIToken
		want bool
	}{
		{"live", APIToken{}, true},
		{"not yet expired", APIToken{ExpiresAt: now.Add(time.Second)}, true},
		{"expired", APIToken{ExpiresAt: now}, false},
		{"revoked", APIToken{RevokedAt: now.Add(-time.Hour)}, false},
	}
	for _, c := range cases {
		if got := c.tok.Active(now); got != c.want {
			t.Errorf("%s: Active = %v, want %v", c.name, got, c.want)
		}
	}
	all, some := APIToken{}, APIToken{Scopes: []string{"orders:read"}}
	if !all.Allows("review") || !some.Allows("orders:read") || some.Allows("orders:write") {
		t.Error("Allows: a token without scopes allows all, one with scopes only those")
	}
}
