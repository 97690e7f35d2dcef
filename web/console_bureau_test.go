package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// consoleFiles keeps exchange files in memory for the page tests.
type consoleFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *consoleFiles) PutFile(_ context.Context, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[key] = append([]byte(nil), data...)
	return nil
}

func (m *consoleFiles) GetFile(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.files[key]
	if !ok {
		return nil, beian.Errorf(beian.ENOTFOUND, "error.not_found")
	}
	return d, nil
}

func (m *consoleFiles) DeleteFile(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.files, key)
	return nil
}

// TestConsoleBureauSubmission submits passed orders as a batch through the
// exchange: the Beijing connection takes its order (no call is made: the
// upload is a job, not started here), a Shanghai order without a
// connection stays and is named in the flash, and the page then shows the
// order at the bureau with its pending operation.
func TestConsoleBureauSubmission(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		x := workflow.NewExchange(cw.Workflow, workflow.ExchangeConfig{Files: &consoleFiles{files: map[string][]byte{}}})
		cw.Server.cfg.Exchange = x
		if err := x.PutConnection(ctx, &beian.BureauConnection{Province: "11", Endpoint: "http://127.0.0.1:1", ISPID: 7, UserName: "isp", Password: "pw", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		bj := cw.submit(1)
		if _, err := cw.Workflow.Review(ctx, cw.alice, bj.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
			t.Fatal(err)
		}
		_, other := cw.account("shanghai-co")
		sh, err := cw.Workflow.CreateOrder(ctx, other, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: fixture.Enterprise("31", 2)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := cw.Workflow.Submit(ctx, other, sh.ID, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := cw.Workflow.Review(ctx, cw.alice, sh.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
			t.Fatal(err)
		}
		alice := cw.client(cw.alice)
		_, body := cw.get(alice, "/console/bureau")
		if strings.Contains(body, "尚未配置管局接口连接") || !strings.Contains(body, `name="order" value="`+bj.ID+`"`) {
			t.Fatalf("bureau page does not offer the Beijing order")
		}
		if strings.Contains(body, `name="order" value="`+sh.ID+`"`) || !strings.Contains(body, "该省没有管局接口连接") {
			t.Errorf("the Shanghai order is offered without a connection")
		}
		// A hand-made request may still carry it: it fails on its own.
		code, _, _ := cw.post(alice, "/console/bureau/submit", url.Values{"order": {bj.ID, sh.ID}})
		if code != http.StatusSeeOther {
			t.Fatalf("submit: %d", code)
		}
		_, body = cw.get(alice, "/console/bureau")
		if !strings.Contains(body, "已提交管局 1 个订单") || !strings.Contains(body, shortID(sh.ID)+"：") {
			t.Errorf("flash does not report the batch")
		}
		got, _ := cw.Workflow.Order(ctx, cw.alice, bj.ID)
		if got.State != beian.SMSPending {
			t.Fatalf("Beijing order: %s", got.State)
		}
		if r := row(body[strings.Index(body, "等待结果的订单"):], shortID(bj.ID)); !strings.Contains(r, "XZBA") {
			t.Errorf("in-flight row lacks the operation: %s", r)
		}
		if code, _, _ := cw.post(cw.client(cw.customer), "/console/bureau/submit", url.Values{"order": {sh.ID}}); code != http.StatusForbidden {
			t.Errorf("customer submits: %d", code)
		}
	})
}
