package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// exFiles is an in-memory beian.ExchangeFiles.
type exFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

func newExFiles() *exFiles { return &exFiles{files: map[string][]byte{}} }

func (m *exFiles) PutFile(_ context.Context, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[key] = append([]byte(nil), data...)
	return nil
}

func (m *exFiles) GetFile(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.files[key]
	if !ok {
		return nil, beian.Errorf(beian.ENOTFOUND, "error.not_found")
	}
	return append([]byte(nil), d...), nil
}

func (m *exFiles) DeleteFile(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.files, key)
	return nil
}

func (m *exFiles) keys(prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.files {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// exSimClock is the bureau's own settable clock: moving it moves SMS windows
// and reviews at the bureau without touching our store's clock.
type exSimClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *exSimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *exSimClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// exFailOnError fails the test when the simulator logs an error: it logs one
// when a download it built fails the XSD, which must never happen.
type exFailOnError struct{ t testing.TB }

func (h exFailOnError) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h exFailOnError) Handle(_ context.Context, r slog.Record) error {
	h.t.Errorf("bureau simulator logged an error: %s", r.Message)
	return nil
}
func (h exFailOnError) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h exFailOnError) WithGroup(string) slog.Handler      { return h }

// exBureau is a simulator behind a real HTTP server on 127.0.0.1.
type exBureau struct {
	sim   *bureausim.Sim
	srv   *httptest.Server
	clock *exSimClock
}

func newExBureau(t *testing.T, mod func(*bureausim.Config)) *exBureau {
	t.Helper()
	b := &exBureau{clock: &exSimClock{t: testenv.DefaultStart}}
	cfg := bureausim.Config{Clock: b.clock, Logger: slog.New(exFailOnError{t})}
	if mod != nil {
		mod(&cfg)
	}
	sim, err := bureausim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.sim = sim
	b.srv = httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		b.srv.Close()
		sim.Close()
	})
	return b
}

// connection is the demo provider's connection to the simulator.
func (b *exBureau) connection() *beian.BureauConnection {
	a := bureausim.DefaultISP
	return &beian.BureauConnection{ID: a.Province, Province: a.Province, Endpoint: b.srv.URL, ISPID: a.ISPID, UserName: a.UserName,
		Password: a.Password, AESKey: a.Key, AESIV: a.IV, ProviderName: "测试接入商", Enabled: true}
}

// exConfig is the engine's configuration for tests: short timeouts,
// retries without waiting.
func exConfig(files beian.ExchangeFiles, callTimeout time.Duration) workflow.ExchangeConfig {
	return workflow.ExchangeConfig{
		Files:       files,
		HTTPClient:  &http.Client{Timeout: callTimeout},
		CallTimeout: callTimeout,
		LeaseTTL:    time.Minute,
		Backoff:     workflow.Backoff{Attempts: 50, Min: time.Millisecond, Max: time.Millisecond},
		Sleep:       func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
}

// exWaitFor polls cond until it holds or the timeout passes: a condition
// wait, not a sleep.
func exWaitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// exDrain registers a handler that swallows jobs of kind.
func exDrain(env *testenv.Env, kinds ...string) {
	for _, k := range kinds {
		env.Queue.Handle(k, func(context.Context, beian.Job) error { return nil })
	}
}

// exAccountOrder creates an account and an order of it in state, as the
// workflow leaves orders that passed preliminary review.
func exAccountOrder(t testing.TB, env *testenv.Env, name string, typ beian.OrderType, state beian.OrderState, snap beian.Snapshot) *beian.Order {
	t.Helper()
	ctx := context.Background()
	var o *beian.Order
	err := env.DB.Update(ctx, func(tx beian.Tx) error {
		a := &beian.Account{Name: name, CreatedAt: tx.Now()}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		snap.Version = beian.SnapshotVersion
		o = &beian.Order{AccountID: a.ID, CreatedBy: "test", Type: typ, State: state, Province: snap.Subject.Province, Snapshot: snap}
		return tx.CreateOrder(ctx, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func exOrder(t testing.TB, env *testenv.Env, id string) *beian.Order {
	t.Helper()
	var o *beian.Order
	if err := env.DB.View(context.Background(), func(tx beian.Tx) error {
		var err error
		o, err = tx.FindOrder(context.Background(), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return o
}

func exAudit(t testing.TB, env *testenv.Env, entity, id string) []string {
	t.Helper()
	var out []string
	if err := env.DB.View(context.Background(), func(tx beian.Tx) error {
		evs, err := tx.AuditEventsFor(context.Background(), entity, id)
		for _, e := range evs {
			out = append(out, e.Action)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func exCount(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func exUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func exItoa(n int) string { return fmt.Sprint(n) }

// exLogger logs to the test's output when BEIAN_TEST_LOG is set.
func exLogger(t testing.TB) *slog.Logger {
	if os.Getenv("BEIAN_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
