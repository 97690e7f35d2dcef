package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/text/language"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"api.token.invalid":          {ZH: "API 令牌无效、已过期或已被撤销。", EN: "The API token is invalid, expired or revoked."},
		"api.token.malformed":        {ZH: "Authorization 请求头应为「Bearer bk_…」。", EN: "The Authorization header must be \"Bearer bk_…\"."},
		"api.token.scope":            {ZH: "该 API 令牌没有「{scope}」权限范围。", EN: "The API token lacks the scope {scope}."},
		"api.token.session_required": {ZH: "管理 API 令牌需要登录网页后使用会话操作，不能使用令牌。", EN: "API tokens are managed with the web session, not with a token."},
	})
}

// Scopes narrow what a token may do; a token without scopes may do all its
// user may. A scope never grants what the user's role and policies do not.
const (
	ScopeOrdersRead     = "orders:read"     // read orders, their pre-check and history
	ScopeOrdersWrite    = "orders:write"    // check filing types, create, edit, submit, withdraw, abandon, confirm
	ScopeRecordsRead    = "records:read"    // read filed subjects and services
	ScopeResourcesRead  = "resources:read"  // read the account's filing resources
	ScopeResourcesWrite = "resources:write" // push resources from the provider's cloud (admins)
	ScopeReview         = "review"          // the staff review queue, claims and decisions
)

// apiScopeOrder lists the scopes in the order the document shows them.
var apiScopeOrder = []string{ScopeOrdersRead, ScopeOrdersWrite, ScopeRecordsRead, ScopeResourcesRead, ScopeResourcesWrite, ScopeReview}

// apiScopes are the scopes a token may carry, with what they allow, for the
// security scheme and token validation.
var apiScopes = map[string]string{
	ScopeOrdersRead:     "Read orders, their pre-check findings, history and review history.",
	ScopeOrdersWrite:    "Check filing types; create and edit orders, submit, withdraw, abandon, confirm cancellations; start orders from records.",
	ScopeRecordsRead:    "Read filed subjects and services with the actions they allow.",
	ScopeResourcesRead:  "Read the account's filing resources and why any is refused.",
	ScopeResourcesWrite: "Provider admins: push resources from the provider's cloud.",
	ScopeReview:         "Provider staff: read the review queue, claim, release and decide orders.",
}

// apiAccess is who may call an operation, before the workflow decides on
// the particular order: anyone (public), any signed-in user, or only with
// the web session (token management).
type apiAccess struct {
	public      bool
	sessionOnly bool
	// scope is what a token needs; "" means any token of a signed-in user.
	scope string
}

// The access levels operations use.
var (
	apiPublic      = apiAccess{public: true}
	apiSessionOnly = apiAccess{sessionOnly: true}
)

// apiAccessScope is signed-in access with a token scope.
func apiAccessScope(scope string) apiAccess { return apiAccess{scope: scope} }

const apiAccessMetadata = "beian-access"

func apiAccessOf(op *huma.Operation) apiAccess {
	if a, ok := op.Metadata[apiAccessMetadata].(apiAccess); ok {
		return a
	}
	// An operation registered without an access level is huma's own; none
	// is, but closed is the safe default.
	return apiAccess{sessionOnly: true}
}

// security is the OpenAPI security requirement of the access level.
func (a apiAccess) security() []map[string][]string {
	switch {
	case a.public:
		return []map[string][]string{}
	case a.sessionOnly:
		return []map[string][]string{{"session": {}}}
	}
	scopes := []string{}
	if a.scope != "" {
		scopes = []string{a.scope}
	}
	return []map[string][]string{{"token": scopes}, {"session": {}}}
}

// errors are the statuses authentication itself may answer.
func (a apiAccess) errors() []int {
	if a.public {
		return nil
	}
	return []int{http.StatusUnauthorized, http.StatusForbidden}
}

// describe says in the document who may call.
func (a apiAccess) describe() string {
	switch {
	case a.public:
		return "Public: no authentication."
	case a.sessionOnly:
		return "Authentication: the web session only (tokens are refused with 403)."
	case a.scope != "":
		return "Authentication: a token with the scope `" + a.scope + "` (or without scopes), or the web session."
	}
	return "Authentication: any token, or the web session."
}

func apiSecuritySchemes() map[string]*huma.SecurityScheme {
	var scopes strings.Builder
	for _, sc := range apiScopeOrder {
		scopes.WriteString("\n- `" + sc + "`: " + apiScopes[sc])
	}
	return map[string]*huma.SecurityScheme{
		"token": {
			Type: "http", Scheme: "bearer", BearerFormat: "bk_…",
			Description: "A personal API token sent as `Authorization: Bearer bk_…`, created with POST /tokens. " +
				"An operation's security requirement lists the scope a token needs (OpenAPI 3.1 role names); " +
				"a token without scopes has all of its user's rights. Scopes:" + scopes.String(),
		},
		"session": {
			Type: "apiKey", In: "cookie", Name: "beian_session",
			Description: "The web portal's session cookie. Unsafe methods must come from this site (cross-origin protection).",
		},
	}
}

// apiCall is what the API knows about one request: its language and, once
// authenticated, the user and the token used (nil for the session).
type apiCall struct {
	s     *Server
	lang  beian.Lang
	user  *beian.User
	token *beian.APIToken
}

type apiCallKey struct{}

// apiCallFrom returns the call of ctx, or a Chinese-speaking anonymous one
// outside the API.
func apiCallFrom(ctx context.Context) *apiCall {
	if c, ok := ctx.Value(apiCallKey{}).(*apiCall); ok {
		return c
	}
	return &apiCall{lang: beian.LangZH}
}

// apiLang picks the language of API messages: Accept-Language when it asks
// for English, else the portal's language cookie, else Chinese. Unlike
// pages, the API honours Accept-Language, because programs cannot click the
// language switch.
func apiLang(r *http.Request) beian.Lang {
	if h := r.Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			if _, i, conf := apiLangMatcher.Match(tags...); i == 1 && conf != language.No {
				return beian.LangEN
			}
			return beian.LangZH
		}
	}
	return requestLang(r)
}

var apiLangMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// apiAuth authenticates a request to an operation of access level acc and
// passes it on with the user in its context. A bearer token authenticates
// without cookies, so cross-origin protection does not apply to it (a
// browser never attaches one by itself); the session cookie does, and then
// unsafe methods must pass the cross-origin check like any form.
func (s *Server) apiAuth(acc apiAccess, csrf *http.CrossOriginProtection, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := &apiCall{s: s, lang: apiLang(r)}
		r = r.WithContext(context.WithValue(r.Context(), apiCallKey{}, call))
		if acc.public {
			next.ServeHTTP(w, r)
			return
		}
		// Answers to signed-in callers carry their data: no cache keeps them.
		w.Header().Set("Cache-Control", "no-store")
		if h := r.Header.Get("Authorization"); h != "" {
			u, tok, err := s.apiTokenUser(r.Context(), h)
			switch {
			case err != nil:
				s.writeProblem(w, r, apiProblemFrom(call, err))
				return
			case acc.sessionOnly:
				s.writeProblem(w, r, apiProblemFrom(call, beian.Errorf(beian.EFORBIDDEN, "api.token.session_required")))
				return
			case acc.scope != "" && !tok.Allows(acc.scope):
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+acc.scope+`"`)
				s.writeProblem(w, r, apiProblemFrom(call, beian.Errorf(beian.EFORBIDDEN, "api.token.scope", "scope", acc.scope)))
				return
			}
			call.user, call.token = u, tok
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
			return
		}
		inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := s.currentUser(r)
			if u == nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="beian"`)
				s.writeProblem(w, r, apiProblemFrom(call, beian.Errorf(beian.EUNAUTHORIZED, "error.unauthorized")))
				return
			}
			call.user = u
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
		})
		s.sessions.LoadAndSave(csrf.Handler(inner)).ServeHTTP(w, r)
	})
}

// apiTokenPrefix starts every token, so secret scanners and people recognise
// Beian tokens.
const apiTokenPrefix = "bk_"

// apiTokenTouchEvery bounds how often a token's last-used time is written:
// once a minute is precise enough to tell a used token from a forgotten
// one, and spares the database a write per request.
const apiTokenTouchEvery = time.Minute

// apiTokenUser authenticates an Authorization header: the token must exist,
// be live and belong to an enabled user. Every failure is the same
// EUNAUTHORIZED, so tokens cannot be probed.
func (s *Server) apiTokenUser(ctx context.Context, header string) (*beian.User, *beian.APIToken, error) {
	scheme, secret, ok := strings.Cut(header, " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(secret, apiTokenPrefix) || len(secret) > 256 {
		return nil, nil, beian.Errorf(beian.EUNAUTHORIZED, "api.token.malformed")
	}
	invalid := beian.Errorf(beian.EUNAUTHORIZED, "api.token.invalid")
	now := s.cfg.Clock.Now()
	var tok *beian.APIToken
	var u *beian.User
	err := s.cfg.Store.View(ctx, func(tx beian.Tx) error {
		var err error
		if tok, err = tx.FindAPITokenByHash(ctx, apiHashToken(secret)); err != nil {
			return err
		}
		u, err = tx.FindUser(ctx, tok.UserID)
		return err
	})
	switch {
	case beian.ErrorCode(err) == beian.ENOTFOUND:
		return nil, nil, invalid
	case err != nil:
		return nil, nil, err
	case !tok.Active(now) || u.Disabled:
		return nil, nil, invalid
	}
	if now.Sub(tok.LastUsedAt) >= apiTokenTouchEvery {
		err := s.cfg.Store.Update(ctx, func(tx beian.Tx) error { return tx.TouchAPIToken(ctx, tok.ID, now) })
		if err != nil {
			// Losing a last-used time must not fail the request it records.
			s.log.WarnContext(ctx, "api token last-used time not recorded", "token_id", tok.ID, "err", err)
		} else {
			tok.LastUsedAt = now
		}
	}
	return u, tok, nil
}

// apiHashToken is how a token secret is stored and looked up.
func apiHashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func apiDiscardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
