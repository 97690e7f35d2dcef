package bureausim

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian/miit"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.json")
	os.WriteFile(rules, []byte(`{"rules":[{"when":{"operation":"new_filing"},"approve":true,"after":-1}]}`), 0o600)
	r, err := LoadRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRules(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing rules file loaded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "127.0.0.1:0", Config{Dir: dir, Policy: r.Policy(), Clock: &testClock{t: start}}, func(a net.Addr) { addrc <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatal(err)
	}
	c := miit.NewClient("http://"+addr.String(), DefaultISP.Credentials())
	if _, err := c.QueryPreviousUpload(ctx); err != nil {
		t.Fatal(err)
	}
	// A call held by a timeout fault (armed through the admin JSON API) does not keep the
	// server from stopping.
	resp, err := http.Post("http://"+addr.String()+"/sim/admin/fault", "application/json", strings.NewReader(`{"kind":"timeout","count":1}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("arming the fault: %v %v", resp, err)
	}
	resp.Body.Close()
	held := make(chan error, 1)
	go func() {
		_, err := miit.NewClient("http://"+addr.String(), DefaultISP.Credentials()).Download(context.Background())
		held <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); ; {
		if len(heldCalls(t, addr)) == 0 || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	if err := <-held; err == nil {
		t.Fatal("the held call succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
		t.Fatalf("state not persisted: %v", err)
	}
	if err := Run(context.Background(), "256.0.0.1:1", Config{}, nil); err == nil {
		t.Fatal("bad address accepted")
	}
}

func TestVerifyBammRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	rec := filed(t, e, c, "zs-bamm.cn")
	ctx := t.Context()
	for i := range BammMaxFailures {
		if v, err := c.c.VerifyBamm(ctx, rec.Number, "wrong"+itoa(int64(i))); err != nil || v.Valid {
			t.Fatalf("attempt %d: %+v %v", i, v, err)
		}
	}
	if _, err := c.c.VerifyBamm(ctx, rec.Number, rec.Password); !isReturnCode(err, 22) {
		t.Fatalf("after %d failures: %v", BammMaxFailures, err)
	}
	e.clock.Advance(BammWindow)
	if v, err := c.c.VerifyBamm(ctx, rec.Number, rec.Password); err != nil || !v.Valid {
		t.Fatalf("after the window: %+v %v", v, err)
	}
	if v, err := c.c.VerifyBamm(ctx, "京ICP备00000000号", "x"); err != nil || v.Valid {
		t.Fatalf("unknown number: %+v %v", v, err)
	}
	if _, err := c.c.QueryBeianStatus(ctx, 42, "whatever"); !isReturnCode(err, miit.ReturnOther) {
		t.Fatalf("condition type 42: %v", err)
	}
}

// heldCalls returns the faults still armed, through the admin JSON.
func heldCalls(t *testing.T, addr net.Addr) []Fault {
	resp, err := http.Get("http://" + addr.String() + "/sim/admin.json")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var v AdminView
	json.NewDecoder(resp.Body).Decode(&v)
	return v.Faults
}
