package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/password"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"error.cross_origin":   {ZH: "跨站请求已被拒绝。请从本站页面重新提交。", EN: "Cross-origin request refused; submit the form from this site."},
		"auth.bad_credentials": {ZH: "用户名或密码不正确。", EN: "Wrong user name or password."},
		"auth.disabled":        {ZH: "该账号已停用，请联系服务商。", EN: "This account is disabled; contact the provider."},
		"auth.locked":          {ZH: "登录失败次数过多，请在 {minutes} 分钟后再试。", EN: "Too many failed sign-ins; try again in {minutes} minutes."},
	})
}

const sessionUserKey = "user_id"

type userKey struct{}

// currentUser returns the signed-in user, or nil. It loads the user from
// the store once per request.
func (s *Server) currentUser(r *http.Request) *beian.User {
	if u, ok := r.Context().Value(userKey{}).(*beian.User); ok {
		return u
	}
	id := s.sessions.GetString(r.Context(), sessionUserKey)
	if id == "" || s.cfg.Store == nil {
		return nil
	}
	var u *beian.User
	err := s.cfg.Store.View(r.Context(), func(tx beian.Tx) error {
		var err error
		u, err = tx.FindUser(r.Context(), id)
		return err
	})
	if err != nil || u.Disabled {
		return nil
	}
	return u
}

// requireUser lets signed-in users through and sends others to sign in,
// coming back afterwards.
func (s *Server) requireUser(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.currentUser(r)
		if u == nil {
			if wantsJSON(r) {
				s.renderError(w, r, beian.Errorf(beian.EUNAUTHORIZED, "error.unauthorized"))
				return
			}
			http.Redirect(w, r, "/login?next="+r.URL.EscapedPath(), http.StatusSeeOther)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

type loginData struct {
	Login string
	Next  string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", s.page(r, "login.title", loginData{Next: safeNext(r.URL.Query().Get("next"), "/home")}))
}

// login checks the password and starts a fresh session. The same message
// answers a wrong password and an unknown user, so logins cannot be probed.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, beian.Errorf(beian.EINVALID, "auth.bad_credentials"))
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("login"))
	pw := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"), "/home")
	u, err := s.throttledAuthenticate(r, login, pw)
	if err != nil {
		p := s.page(r, "login.title", loginData{Login: login, Next: next})
		p.Error = &ErrorView{Status: http.StatusUnauthorized, Code: beian.ErrorCode(err), Message: beian.ErrorMessage(p.lang, err)}
		if beian.ErrorCode(err) == beian.EINTERNAL {
			s.log.ErrorContext(r.Context(), "login failed", "err", err)
		}
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.log.InfoContext(r.Context(), "signed in", "user_id", u.ID, "role", string(u.Role))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

var errBadCredentials = beian.Errorf(beian.EUNAUTHORIZED, "auth.bad_credentials")

// throttledAuthenticate checks the password unless the login name or the
// client address is locked out after too many failures. A lockout answers
// before the password is checked, so guessing stops being useful.
func (s *Server) throttledAuthenticate(r *http.Request, login, pw string) (*beian.User, error) {
	t := s.cfg.Throttle
	if t == nil {
		return s.authenticate(r.Context(), login, pw)
	}
	ctx := r.Context()
	keys := []string{"login:" + strings.ToLower(login), "ip:" + clientIP(r)}
	for _, k := range keys {
		until, err := t.LockedUntil(ctx, k)
		if err != nil {
			return nil, beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(err)
		}
		if !until.IsZero() {
			return nil, lockedError(until, s.cfg.Clock.Now())
		}
	}
	u, err := s.authenticate(ctx, login, pw)
	if beian.ErrorCode(err) == beian.EUNAUTHORIZED {
		var locked time.Time
		for _, k := range keys {
			if until, ferr := t.Fail(ctx, k); ferr == nil && until.After(locked) {
				locked = until
			}
		}
		if !locked.IsZero() {
			s.log.WarnContext(ctx, "sign-in locked after repeated failures")
			return nil, lockedError(locked, s.cfg.Clock.Now())
		}
		return nil, err
	}
	if err == nil {
		_ = t.Reset(ctx, keys[0])
	}
	return u, err
}

func lockedError(until, now time.Time) error {
	minutes := int(until.Sub(now).Minutes()) + 1
	return beian.Errorf(beian.EUNAUTHORIZED, "auth.locked", "minutes", strconv.Itoa(minutes))
}

// clientIP is the peer address; a proxy's X-Forwarded-For is not trusted
// because nothing tells us which proxies are ours.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) authenticate(ctx context.Context, login, pw string) (*beian.User, error) {
	if login == "" || pw == "" || len(pw) > 1024 || s.cfg.Store == nil {
		return nil, errBadCredentials
	}
	var u *beian.User
	err := s.cfg.Store.View(ctx, func(tx beian.Tx) error {
		var err error
		u, err = tx.FindUserByLogin(ctx, login)
		return err
	})
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		// Spend the same time as a real check so timing does not reveal
		// which logins exist.
		_ = password.Verify(pw, dummyHash)
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if err := password.Verify(pw, u.PasswordHash); err != nil {
		if errors.Is(err, password.ErrMismatch) {
			return nil, errBadCredentials
		}
		return nil, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(err)
	}
	if u.Disabled {
		return nil, beian.Errorf(beian.EFORBIDDEN, "auth.disabled")
	}
	return u, nil
}

// dummyHash has the default cost; it is verified for unknown logins.
var dummyHash, _ = password.Hash("not a password", password.Default)

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
