package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
)

func TestAPITokenAuthAndRevocation(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")

		secret, tok := ts.apiCreateToken(a, "billing sync")
		if !strings.HasPrefix(secret, "bk_") || len(secret) != 46 || tok.Prefix != secret[:11] || !tok.Active || len(tok.Scopes) != 0 {
			t.Fatalf("created %q %+v", secret, tok)
		}

		// The token authenticates without any cookie.
		r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(secret)...)
		me := decodeAPI[apiMe](t, r)
		if r.Status != 200 || me.ID != a.ID || me.Auth != "token" || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("GET /me with the token = %d %s", r.Status, r.Body)
		}
		// Only the hash is stored: the table never holds the secret.
		ts.update(func(tx beian.Tx) error {
			stored, err := tx.FindAPIToken(context.Background(), tok.ID)
			if err != nil {
				return err
			}
			if stored.Hash == secret || stored.Hash != apiHashToken(secret) || strings.Contains(stored.Prefix, secret[11:]) {
				t.Errorf("stored token %+v reveals the secret", stored)
			}
			if !stored.LastUsedAt.Equal(ts.Clock.Now().Truncate(time.Microsecond)) {
				t.Errorf("last used %s, want %s", stored.LastUsedAt, ts.Clock.Now())
			}
			return nil
		})

		// The list shows it, without the secret.
		r = ts.apiReq(ts.client(a), "GET", "/tokens", nil)
		if r.Status != 200 || strings.Contains(string(r.Body), secret) || !strings.Contains(string(r.Body), tok.ID) {
			t.Fatalf("GET /tokens = %d %s", r.Status, r.Body)
		}
		list := decodeAPI[apiTokenList](t, r)
		if len(list.Items) != 1 || list.Items[0].LastUsedAt == nil {
			t.Errorf("list %+v: want the token with its last use", list.Items)
		}

		// Tokens cannot manage tokens: a leaked one cannot mint more.
		r = ts.apiReq(nil, "POST", "/tokens", map[string]any{"name": "more"}, apiBearer(secret)...)
		if p := r.problem(t); r.Status != 403 || p.Key != "api.token.session_required" {
			t.Fatalf("POST /tokens with a token = %d %+v", r.Status, p)
		}

		// Revoked, it stops at once; revoking again changes nothing.
		if r = ts.apiReq(ts.client(a), "DELETE", "/tokens/"+tok.ID, nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke = %d %s", r.Status, r.Body)
		}
		if r = ts.apiReq(ts.client(a), "DELETE", "/tokens/"+tok.ID, nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke again = %d %s", r.Status, r.Body)
		}
		r = ts.apiReq(nil, "GET", "/me", nil, apiBearer(secret)...)
		if p := r.problem(t); r.Status != 401 || p.Code != beian.EUNAUTHORIZED || p.Key != "api.token.invalid" {
			t.Fatalf("revoked token = %d %+v", r.Status, p)
		}
		if list := decodeAPI[apiTokenList](t, ts.apiReq(ts.client(a), "GET", "/tokens", nil)); list.Items[0].Active || list.Items[0].RevokedAt == nil {
			t.Errorf("revoked token listed as %+v", list.Items[0])
		}

		// Malformed and unknown tokens are refused alike, with a challenge.
		for _, h := range []string{"Bearer bk_unknown", "Basic YWNtZTpwdw==", "Bearer nottoken"} {
			r = ts.apiReq(nil, "GET", "/me", nil, "Authorization", h)
			if p := r.problem(t); r.Status != 401 || p.Code != beian.EUNAUTHORIZED {
				t.Errorf("Authorization %q = %d %+v", h, r.Status, p)
			}
		}
		if r = ts.apiReq(nil, "GET", "/me", nil); r.Status != 401 || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("anonymous = %d, WWW-Authenticate %q", r.Status, r.Header.Get("WWW-Authenticate"))
		}
	})
}

func TestAPITokenScopesExpiryAndOwner(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		_, b := ts.account("globex")

		readOnly, _ := ts.apiCreateToken(a, "reader", ScopeOrdersRead)
		if r := ts.apiReq(nil, "GET", "/orders", nil, apiBearer(readOnly)...); r.Status != 200 {
			t.Fatalf("read with orders:read = %d %s", r.Status, r.Body)
		}
		r := ts.apiReq(nil, "POST", "/orders", map[string]any{"type": "first_filing", "province": "11"}, apiBearer(readOnly)...)
		if p := r.problem(t); r.Status != 403 || p.Key != "api.token.scope" || !strings.Contains(r.Header.Get("WWW-Authenticate"), "insufficient_scope") {
			t.Fatalf("write with orders:read = %d %+v", r.Status, p)
		}
		// A scoped token still says who it is.
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(readOnly)...); r.Status != 200 || len(decodeAPI[apiMe](t, r).TokenScopes) != 1 {
			t.Errorf("GET /me with a scoped token = %d %s", r.Status, r.Body)
		}
		r = ts.apiReq(ts.client(a), "POST", "/tokens", map[string]any{"name": "x", "scopes": []string{"everything"}})
		if p := r.problem(t); r.Status != 422 || p.Field != "scopes[0]" {
			t.Errorf("unknown scope = %d %+v", r.Status, p)
		}

		// An expiring token works until its day comes.
		r = ts.apiReq(ts.client(a), "POST", "/tokens", map[string]any{"name": "short", "expires_in_days": 1})
		short := decodeAPI[apiCreatedToken](t, r)
		if short.ExpiresAt == nil {
			t.Fatalf("expiring token %s", r.Body)
		}
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(short.Token)...); r.Status != 200 {
			t.Fatalf("fresh token = %d", r.Status)
		}
		ts.Clock.Advance(25 * time.Hour)
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(short.Token)...); r.Status != 401 {
			t.Fatalf("expired token = %d", r.Status)
		}

		// Another user's token is not found, and stays live.
		bSecret, bTok := ts.apiCreateToken(b, "theirs")
		if r := ts.apiReq(ts.client(a), "DELETE", "/tokens/"+bTok.ID, nil); r.Status != 404 {
			t.Fatalf("revoke another user's token = %d", r.Status)
		}
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(bSecret)...); r.Status != 200 {
			t.Fatalf("B's token after A's attempt = %d", r.Status)
		}

		// A disabled user's tokens stop working.
		ts.update(func(tx beian.Tx) error {
			b.Disabled = true
			return tx.UpdateUser(context.Background(), b)
		})
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(bSecret)...); r.Status != 401 {
			t.Fatalf("disabled user's token = %d", r.Status)
		}
	})
}

// TestAPICrossOrigin checks that cross-origin protection guards cookie
// calls and leaves token calls alone.
func TestAPICrossOrigin(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		secret, _ := ts.apiCreateToken(a, "ci")
		body := apiVerifyBody(fixture.Enterprise("11", 1), "")
		cross := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}

		r := ts.apiReq(ts.client(a), "POST", "/filing-type-checks", body, cross...)
		if p := r.problem(t); r.Status != 403 || p.Key != "error.cross_origin" {
			t.Fatalf("cross-site cookie POST = %d %+v", r.Status, p)
		}
		if r := ts.apiReq(nil, "POST", "/filing-type-checks", body, append(cross, apiBearer(secret)...)...); r.Status != http.StatusOK {
			t.Fatalf("cross-site token POST = %d %s", r.Status, r.Body)
		}
		if r := ts.apiReq(ts.client(a), "POST", "/filing-type-checks", body, "Sec-Fetch-Site", "same-origin"); r.Status != http.StatusOK {
			t.Fatalf("same-origin cookie POST = %d %s", r.Status, r.Body)
		}
	})
}

func TestAPITokensPage(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		_, b := ts.account("globex")
		if code, _ := ts.get(ts.client(nil), "/account/api-tokens"); code != http.StatusSeeOther {
			t.Fatalf("anonymous page = %d, want a redirect to sign in", code)
		}
		c := ts.client(a)
		for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
			u, _ := url.Parse(ts.URL)
			c.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: string(lang), Path: "/"}})
			code, body := ts.get(c, "/account/api-tokens")
			want := map[beian.Lang]string{beian.LangZH: "新建令牌", beian.LangEN: "New token"}[lang]
			if code != 200 || !strings.Contains(body, want) || strings.Contains(body, "api.page.") {
				t.Fatalf("page (%s) = %d", lang, code)
			}
		}
		code, body, _ := ts.post(c, "/account/api-tokens", url.Values{"name": {"ci"}, "scope": {ScopeOrdersRead}, "expires_in_days": {"30"}})
		secret := regexp.MustCompile(`bk_[A-Za-z0-9_-]{43}`).FindString(body)
		if code != 200 || secret == "" {
			t.Fatalf("create = %d, secret %q", code, secret)
		}
		r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(secret)...)
		if me := decodeAPI[apiMe](t, r); r.Status != 200 || me.ID != a.ID || len(me.TokenScopes) != 1 {
			t.Fatalf("the page's token = %d %s", r.Status, r.Body)
		}
		// The secret is shown once: the list has the prefix only.
		if _, body := ts.get(c, "/account/api-tokens"); strings.Contains(body, secret) || !strings.Contains(body, secret[:11]) {
			t.Fatal("the list shows the secret, or not the prefix")
		}
		if code, _, _ := ts.post(c, "/account/api-tokens", url.Values{"name": {""}}); code != 422 {
			t.Errorf("nameless token = %d", code)
		}
		list := decodeAPI[apiTokenList](t, ts.apiReq(c, "GET", "/tokens", nil))
		id := list.Items[0].ID
		if code, _, _ := ts.post(ts.client(b), "/account/api-tokens/"+id+"/revoke", nil); code != 404 {
			t.Errorf("B revokes A's token = %d", code)
		}
		if code, _, loc := ts.post(c, "/account/api-tokens/"+id+"/revoke", nil); code != http.StatusSeeOther || loc != "/account/api-tokens" {
			t.Errorf("revoke = %d %s", code, loc)
		}
		if r := ts.apiReq(nil, "GET", "/me", nil, apiBearer(secret)...); r.Status != 401 {
			t.Errorf("revoked token = %d", r.Status)
		}
	})
}
