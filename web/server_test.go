package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/workflow"
)

// testServer is the web server on a real store, workflow and document
// store, served over loopback HTTP. Page tests in every area build on it.
type testServer struct {
	*testenv.Env
	t        *testing.T
	Server   *Server
	Workflow *workflow.Workflow
	Blobs    blob.Store
	URL      string
}

func newTestServer(t *testing.T, dialect string) *testServer {
	t.Helper()
	env := testenv.Open(t, dialect)
	blobs, err := blob.OpenDisk(filepath.Join(t.TempDir(), "documents"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	wf := workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock})
	srv, err := New(Config{Store: env.DB, Workflow: wf, Blobs: blobs, Clock: env.Clock, Sessions: env.DB.Sessions(), Ready: env.DB.Ping,
		Throttle: env.DB.Throttle(5, 15*time.Minute, 15*time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testServer{Env: env, t: t, Server: srv, Workflow: wf, Blobs: blobs, URL: hs.URL}
}

// account creates a customer account with its owner user.
func (ts *testServer) account(name string) (*beian.Account, *beian.User) {
	ts.t.Helper()
	a := &beian.Account{Name: name}
	u := &beian.User{Login: name, DisplayName: name, Role: beian.RoleCustomer}
	ts.update(func(tx beian.Tx) error {
		a.CreatedAt = tx.Now()
		if err := tx.CreateAccount(context.Background(), a); err != nil {
			return err
		}
		u.AccountID = a.ID
		return ts.createUser(tx, u)
	})
	return a, u
}

// user creates a user (staff when accountID is empty).
func (ts *testServer) user(login string, role beian.Role, accountID string, policies ...beian.Policy) *beian.User {
	ts.t.Helper()
	u := &beian.User{Login: login, DisplayName: login, Role: role, AccountID: accountID, Policies: policies}
	ts.update(func(tx beian.Tx) error { return ts.createUser(tx, u) })
	return u
}

// testPassword is every test user's password.
const testPassword = "test-password-1"

func (ts *testServer) createUser(tx beian.Tx, u *beian.User) error {
	h, err := password.Hash(testPassword, password.Fast)
	if err != nil {
		return err
	}
	u.PasswordHash, u.CreatedAt = h, tx.Now()
	return tx.CreateUser(context.Background(), u)
}

func (ts *testServer) update(fn func(tx beian.Tx) error) {
	ts.t.Helper()
	if err := ts.DB.Update(context.Background(), fn); err != nil {
		ts.t.Fatal(err)
	}
}

// client returns an HTTP client signed in as u (anonymous when u is nil).
// Redirects are not followed, so tests see them.
func (ts *testServer) client(u *beian.User) *http.Client {
	ts.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if u == nil {
		return c
	}
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"login": {u.Login}, "password": {testPassword}})
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		ts.t.Fatalf("sign in as %s: status %d", u.Login, resp.StatusCode)
	}
	return c
}

// get fetches path and returns the status and body.
func (ts *testServer) get(c *http.Client, path string) (int, string) {
	ts.t.Helper()
	resp, err := c.Get(ts.URL + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits a form and returns the status, body and Location header.
func (ts *testServer) post(c *http.Client, path string, form url.Values) (int, string, string) {
	ts.t.Helper()
	resp, err := c.PostForm(ts.URL+path, form)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestHomeShowsOwnOrdersOnly(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		_, a := ts.account("acme")
		_, b := ts.account("globex")
		oa, err := ts.Workflow.CreateOrder(ctx, a, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := ts.get(ts.client(nil), "/home"); code != http.StatusSeeOther {
			t.Errorf("anonymous /home = %d, want a redirect to sign in", code)
		}
		if code, _ := ts.get(ts.client(a), "/home"); code != http.StatusSeeOther {
			t.Errorf("A's /home = %d, want a redirect to the portal", code)
		}
		if code, body := ts.get(ts.client(a), "/portal/orders"); code != 200 || !strings.Contains(body, oa.ID) {
			t.Errorf("A's orders = %d, lacks its order", code)
		}
		if code, body := ts.get(ts.client(b), "/portal/orders"); code != 200 || strings.Contains(body, oa.ID) {
			t.Errorf("B's orders = %d, shows A's order", code)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		c := ts.client(nil)
		for i := 0; i < 4; i++ {
			code, body, _ := ts.post(c, "/login", url.Values{"login": {u.Login}, "password": {"wrong"}})
			if code != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
				t.Fatalf("failure %d: %d", i+1, code)
			}
		}
		code, body, _ := ts.post(c, "/login", url.Values{"login": {u.Login}, "password": {"wrong"}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "登录失败次数过多") {
			t.Fatalf("fifth failure: %d", code)
		}
		// Locked: even the right password is refused until the lockout ends.
		code, body, _ = ts.post(c, "/login", url.Values{"login": {u.Login}, "password": {testPassword}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "登录失败次数过多") {
			t.Fatalf("right password while locked: %d", code)
		}
		ts.Clock.Advance(16 * time.Minute)
		code, _, _ = ts.post(c, "/login", url.Values{"login": {u.Login}, "password": {testPassword}})
		if code != http.StatusSeeOther {
			t.Fatalf("after the lockout: %d", code)
		}
	})
}
