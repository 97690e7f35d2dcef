package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"api.token.scope_unknown": {ZH: "未知的权限范围「{scope}」。", EN: "Unknown scope {scope}."},
		"api.token.too_many":      {ZH: "每个用户最多持有 {max} 个有效令牌，请先撤销不用的令牌。", EN: "A user may hold at most {max} live tokens; revoke unused ones first."},
	})
}

// Tokens are an authentication matter, like sessions, so this file keeps
// them itself rather than the workflow: a token only ever acts as its own
// user, with that user's rights checked by the workflow on every call.
// Each change is one transaction with its audit event.

// apiMaxLiveTokens bounds a user's live tokens, so a script gone wrong cannot
// fill the table.
const apiMaxLiveTokens = 20

// apiToken is a personal API token as its owner sees it: never the secret.
type apiToken struct {
	ID         string     `json:"id" doc:"Token ID, for revoking it."`
	Name       string     `json:"name" doc:"Your label for it." example:"billing sync"`
	Prefix     string     `json:"prefix" doc:"The secret's first characters, to tell tokens apart." example:"bk_Q2hpbmE"`
	Scopes     []string   `json:"scopes" doc:"What it may do; empty: all that you may do."`
	CreatedAt  time.Time  `json:"created_at" doc:"When it was created."`
	ExpiresAt  *time.Time `json:"expires_at,omitempty" doc:"When it stops working; absent: never."`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"When it last authenticated a request (to the minute); absent: never."`
	RevokedAt  *time.Time `json:"revoked_at,omitempty" doc:"When it was revoked; absent: live."`
	Active     bool       `json:"active" doc:"Whether it authenticates now."`
}

func newAPIToken(t *beian.APIToken, now time.Time) apiToken {
	return apiToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: apiNonNil(t.Scopes), CreatedAt: t.CreatedAt,
		ExpiresAt: apiOptTime(t.ExpiresAt), LastUsedAt: apiOptTime(t.LastUsedAt), RevokedAt: apiOptTime(t.RevokedAt), Active: t.Active(now)}
}

type (
	apiTokensOutput struct {
		Body apiTokenList
	}
	// apiTokenList is a user's tokens.
	apiTokenList struct {
		Items []apiToken `json:"items" doc:"Newest first, revoked ones included."`
	}
	apiCreateTokenInput struct {
		Body apiCreateTokenRequest
	}
	// apiCreateTokenRequest asks for a token.
	apiCreateTokenRequest struct {
		Name          string   `json:"name" required:"true" minLength:"1" maxLength:"100" doc:"A label to recognise it by." example:"billing sync"`
		Scopes        []string `json:"scopes,omitempty" maxItems:"10" uniqueItems:"true" enum:"orders:read,orders:write,records:read,resources:read,resources:write,review" doc:"Narrow the token to these scopes; leave out for all of your rights." example:"[\"orders:read\"]"`
		ExpiresInDays int      `json:"expires_in_days,omitempty" minimum:"0" maximum:"3650" doc:"Days until it expires; 0 or absent: never." example:"90"`
	}
	apiCreateTokenOutput struct {
		Body apiCreatedToken
	}
	// apiCreatedToken is a new token with its secret.
	apiCreatedToken struct {
		apiToken
		Token string `json:"token" doc:"The secret, shown this once: store it now. Send it as Authorization: Bearer." example:"bk_Q2hpbmFJQ1BGaWxpbmdEZW1vVG9rZW4xMjM0NTY3"`
	}
	apiTokenIDPath struct {
		ID string `path:"id" maxLength:"64" doc:"Token ID."`
	}
	apiMeOutput struct {
		Body apiMe
	}
)

// apiMe is the authenticated caller.
type apiMe struct {
	ID          string   `json:"id" doc:"User ID."`
	Login       string   `json:"login" doc:"Sign-in name." example:"acme"`
	DisplayName string   `json:"display_name" doc:"Name shown to people." example:"青云数据"`
	Role        string   `json:"role" enum:"customer,sub_user,reviewer,compliance,admin" doc:"customer: an account's owner; sub_user: its policies decide; the rest are provider staff." example:"customer"`
	AccountID   string   `json:"account_id,omitempty" doc:"The customer account; absent for staff."`
	Policies    []string `json:"policies" doc:"A sub-user's policies (BeianAdministrator operates filings, BeianReadOnly reads them)."`
	Auth        string   `json:"auth" enum:"token,session" doc:"How this request authenticated."`
	TokenScopes []string `json:"token_scopes,omitempty" doc:"The token's scopes, when a token with scopes authenticated."`
}

func (s *Server) apiAccountOperations(api huma.API) {
	apiRegister(api, apiAccess{}, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/me", Tags: []string{"account"},
		Summary: "Who am I", Description: "The authenticated user and how the request authenticated; a cheap way to test a token.",
	}, func(ctx context.Context, _ *struct{}) (*apiMeOutput, error) {
		call := apiCallFrom(ctx)
		u := call.user
		me := apiMe{ID: u.ID, Login: u.Login, DisplayName: u.DisplayName, Role: string(u.Role), AccountID: u.AccountID,
			Policies: []string{}, Auth: "session"}
		for _, p := range u.Policies {
			me.Policies = append(me.Policies, string(p))
		}
		if call.token != nil {
			me.Auth, me.TokenScopes = "token", call.token.Scopes
		}
		return &apiMeOutput{Body: me}, nil
	})
}

func (s *Server) apiTokenOperations(api huma.API) {
	apiRegister(api, apiSessionOnly, huma.Operation{
		OperationID: "list-tokens", Method: http.MethodGet, Path: "/tokens", Tags: []string{"tokens"},
		Summary: "List your API tokens",
	}, func(ctx context.Context, _ *struct{}) (*apiTokensOutput, error) {
		toks, err := s.apiTokensOf(ctx, apiUser(ctx))
		if err != nil {
			return nil, err
		}
		now := s.cfg.Clock.Now()
		out := &apiTokensOutput{}
		out.Body.Items = []apiToken{}
		for _, t := range toks {
			out.Body.Items = append(out.Body.Items, newAPIToken(t, now))
		}
		return out, nil
	})

	apiRegister(api, apiSessionOnly, huma.Operation{
		OperationID: "create-token", Method: http.MethodPost, Path: "/tokens", Tags: []string{"tokens"},
		Summary: "Create an API token",
		Description: "Creates a personal token for yourself. The secret is in the answer once and never again; Beian keeps " +
			"only its SHA-256. The token acts as you, with at most your rights, narrowed to its scopes if you give any.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *apiCreateTokenInput) (*apiCreateTokenOutput, error) {
		t, secret, err := s.apiIssueToken(ctx, apiUser(ctx), in.Body.Name, in.Body.Scopes, in.Body.ExpiresInDays)
		if err != nil {
			return nil, err
		}
		out := &apiCreateTokenOutput{}
		out.Body.apiToken, out.Body.Token = newAPIToken(t, s.cfg.Clock.Now()), secret
		return out, nil
	})

	apiRegister(api, apiSessionOnly, huma.Operation{
		OperationID: "revoke-token", Method: http.MethodDelete, Path: "/tokens/{id}", Tags: []string{"tokens"},
		Summary:       "Revoke an API token",
		Description:   "The token stops working at once. Revoking a revoked token changes nothing; another user's token is not found.",
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *apiTokenIDPath) (*struct{}, error) {
		return nil, s.apiRevokeToken(ctx, apiUser(ctx), in.ID)
	})
}

// apiTokensOf returns u's tokens, newest first.
func (s *Server) apiTokensOf(ctx context.Context, u *beian.User) ([]*beian.APIToken, error) {
	var toks []*beian.APIToken
	err := s.cfg.Store.View(ctx, func(tx beian.Tx) error {
		var err error
		toks, err = tx.FindAPITokens(ctx, u.ID)
		return err
	})
	return toks, err
}

// apiIssueToken creates a token for u and returns it with its secret, which
// exists only in this answer. Errors: EINVALID (an unknown scope),
// ECONFLICT (too many live tokens).
func (s *Server) apiIssueToken(ctx context.Context, u *beian.User, name string, scopes []string, expiresInDays int) (*beian.APIToken, string, error) {
	for _, sc := range scopes {
		if _, ok := apiScopes[sc]; !ok {
			return nil, "", beian.Invalid("scopes", "api.token.scope_unknown", "scope", sc)
		}
	}
	secret, err := apiNewTokenSecret()
	if err != nil {
		return nil, "", err
	}
	now := s.cfg.Clock.Now()
	t := &beian.APIToken{UserID: u.ID, Name: name, Prefix: secret[:len(apiTokenPrefix)+8], Hash: apiHashToken(secret),
		Scopes: slices.Clone(scopes)}
	slices.Sort(t.Scopes)
	t.Scopes = slices.Compact(t.Scopes)
	if expiresInDays > 0 {
		t.ExpiresAt = now.AddDate(0, 0, expiresInDays)
	}
	err = s.cfg.Store.Update(ctx, func(tx beian.Tx) error {
		mine, err := tx.FindAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		live := 0
		for _, m := range mine {
			if m.Active(now) {
				live++
			}
		}
		if live >= apiMaxLiveTokens {
			return beian.Errorf(beian.ECONFLICT, "api.token.too_many", "max", strconv.Itoa(apiMaxLiveTokens))
		}
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &beian.AuditEvent{At: tx.Now(), ActorID: u.ID, Action: "api_token.create",
			EntityType: "api_token", EntityID: t.ID, Data: apiAuditJSON(map[string]any{"scopes": t.Scopes, "expires_at": apiOptTime(t.ExpiresAt)})})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// apiRevokeToken revokes u's token id; another user's token is
// ENOTFOUND, and revoking twice changes nothing.
func (s *Server) apiRevokeToken(ctx context.Context, u *beian.User, id string) error {
	return s.cfg.Store.Update(ctx, func(tx beian.Tx) error {
		t, err := tx.FindAPIToken(ctx, id)
		if err != nil {
			return err
		}
		if t.UserID != u.ID {
			return beian.Errorf(beian.ENOTFOUND, "error.not_found")
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		if err := tx.RevokeAPIToken(ctx, t.ID, tx.Now()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &beian.AuditEvent{At: tx.Now(), ActorID: u.ID, Action: "api_token.revoke",
			EntityType: "api_token", EntityID: t.ID, Data: apiAuditJSON(nil)})
	})
}

// apiNewTokenSecret returns a new token: the prefix and 32 random bytes,
// base64url without padding (43 characters).
func apiNewTokenSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(err)
	}
	return apiTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// apiAuditJSON is the data of an audit event; it holds no secret.
func apiAuditJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}
