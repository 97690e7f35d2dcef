package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dialects returns the databases the program's tests run on: SQLite in a
// temporary directory always, and PostgreSQL when BEIAN_TEST_POSTGRES is set.
func dialects(t *testing.T) map[string]string {
	m := map[string]string{"sqlite": ""}
	if pg := os.Getenv("BEIAN_TEST_POSTGRES"); pg != "" {
		m["postgres"] = pg
	} else {
		t.Log("BEIAN_TEST_POSTGRES not set: PostgreSQL run skipped")
	}
	return m
}

// startMain runs the real program on a loopback port, as `beian serve` does.
func startMain(t *testing.T, dsn string) *Main {
	t.Helper()
	m := NewMain()
	m.Config = Config{DataDir: filepath.Join(t.TempDir(), "beian-data"), DB: dsn, Listen: "127.0.0.1:0", Role: "all", Demo: true, LogLevel: "info"}
	if dsn != "" {
		m.Config.DB = freshSchema(t, dsn)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	for name, dsn := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			m := startMain(t, dsn)
			// Issue 2 asks for a start under 10 s. The race detector (which
			// the test command uses) slows the start several times over on
			// a shared CI machine, so it gets three times the budget.
			limit := 10 * time.Second
			if raceEnabled {
				limit *= 3
			}
			took := time.Since(start)
			if took > limit {
				t.Errorf("start took %s, want under %s", took, limit)
			}
			t.Logf("%s: started in %s", name, took.Round(time.Millisecond))
			if _, err := os.Stat(filepath.Join(m.Config.DataDir, "secret.key")); err != nil {
				t.Errorf("data dir not set up: %v", err)
			}
			if len(m.DemoLogins) != 4 {
				t.Fatalf("demo logins: %+v", m.DemoLogins)
			}
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			base := m.URL()

			if code, body := get(t, c, base+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
				t.Errorf("/healthz = %d %q", code, body)
			}
			if code, _ := get(t, c, base+"/readyz"); code != 200 {
				t.Errorf("/readyz = %d", code)
			}
			code, body := get(t, c, base+"/")
			if code != 200 || !strings.Contains(body, `lang="zh-CN"`) || !strings.Contains(body, "备案流程") {
				t.Errorf("landing page = %d, not Chinese:\n%.300s", code, body)
			}
			if code, body := get(t, c, base+"/lang/en?next=/"); code != 200 || !strings.Contains(body, "How filing works") {
				t.Errorf("English switch = %d:\n%.300s", code, body)
			}
			get(t, c, base+"/lang/zh-CN")

			// Sign in with a demo login printed at start.
			var cust DemoLogin
			for _, d := range m.DemoLogins {
				if d.Login == "customer" {
					cust = d
				}
			}
			resp, err := c.PostForm(base+"/login", url.Values{"login": {"customer"}, "password": {"wrong"}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "用户名或密码不正确") {
				t.Errorf("wrong password: %d", resp.StatusCode)
			}
			resp, err = c.PostForm(base+"/login", url.Values{"login": {cust.Login}, "password": {cust.Password}, "next": {"/home"}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Request.URL.Path != "/portal/orders" || !strings.Contains(string(b), "进行中的订单") {
				t.Errorf("login: %d at %s:\n%.400s", resp.StatusCode, resp.Request.URL, b)
			}

			// Metrics are labelled by route pattern, never by raw path.
			get(t, c, base+"/no/such/page/12345")
			code, body = get(t, c, base+"/metrics")
			if code != 200 {
				t.Fatalf("/metrics = %d", code)
			}
			for _, want := range []string{
				`beian_http_requests_total{code="200",method="GET",route="GET /healthz"}`,
				`beian_http_requests_total{code="303",method="POST",route="POST /login"}`,
				`beian_http_request_duration_seconds_bucket{method="GET",route="GET /{$}"`,
				`go_goroutines`,
				`go_sql_open_connections{db_name="beian"}`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if strings.Contains(body, "12345") {
				t.Error("/metrics carries a raw path")
			}
		})
	}
}

func TestRestartKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "beian-data")
	for i := 0; i < 2; i++ {
		m := NewMain()
		m.Config = Config{DataDir: dir, Listen: "127.0.0.1:0", Role: "all", Demo: true, LogLevel: "info"}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if i == 0 && len(m.DemoLogins) == 0 {
			t.Error("first start created no demo logins")
		}
		if i == 1 && len(m.DemoLogins) != 0 {
			t.Error("second start created demo logins again")
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
