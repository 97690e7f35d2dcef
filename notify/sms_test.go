package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// smsGateway is an httptest server speaking HTTPGateway's contract; it
// records what it receives and answers with status (200 unless set).
type smsGateway struct {
	*httptest.Server
	mu       sync.Mutex
	received []gatewayCall
	status   func(to string) int
	got      chan struct{}
}

type gatewayCall struct {
	Auth, ContentType, IdempotencyKey string
	Body                              gatewayRequest
}

func startGateway(t *testing.T) *smsGateway {
	t.Helper()
	g := &smsGateway{got: make(chan struct{}, 100)}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method", http.StatusMethodNotAllowed)
			return
		}
		var c gatewayCall
		c.Auth, c.ContentType, c.IdempotencyKey = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key")
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.Body); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		status := http.StatusOK
		if g.status != nil {
			status = g.status(c.Body.To)
		}
		g.mu.Lock()
		g.received = append(g.received, c)
		g.mu.Unlock()
		g.got <- struct{}{}
		// An error body that echoes the number, as real gateways do; the
		// sender must not copy it anywhere.
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":"number ` + c.Body.To + ` refused"}`))
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *smsGateway) calls() []gatewayCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayCall(nil), g.received...)
}

func TestHTTPGateway(t *testing.T) {
	ctx := context.Background()
	g := startGateway(t)
	g.status = func(to string) int {
		switch to {
		case "13700137000":
			return http.StatusUnprocessableEntity
		case "13600136000":
			return http.StatusServiceUnavailable
		case "13500135000":
			return http.StatusUnauthorized
		}
		return http.StatusAccepted
	}
	gw := &HTTPGateway{URL: g.URL + "/sms", Token: "tok-123", Sign: "Beian"}
	if gw.Name() != "sms:http" {
		t.Errorf("Name = %q", gw.Name())
	}

	if err := gw.SendSMS(ctx, SMS{ID: "n-1", To: "+86 138-0013-8000", Text: "您的ICP备案订单0000ABCD已通过初审。"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	c := g.calls()[0]
	if c.Auth != "Bearer tok-123" || !strings.HasPrefix(c.ContentType, "application/json") || c.IdempotencyKey != "n-1" {
		t.Errorf("headers = %+v", c)
	}
	if c.Body != (gatewayRequest{To: "13800138000", Text: "您的ICP备案订单0000ABCD已通过初审。", Sign: "Beian"}) {
		t.Errorf("body = %+v", c.Body)
	}

	for _, tc := range []struct {
		to        string
		permanent bool
	}{
		{"13700137000", true},  // 422: refused for good
		{"13600136000", false}, // 503: try again
		{"13500135000", false}, // 401: the operator fixes the token
	} {
		err := gw.SendSMS(ctx, SMS{ID: "n-2", To: tc.to, Text: "x"})
		if err == nil || IsPermanent(err) != tc.permanent {
			t.Errorf("%s: err = %v, permanent want %v", tc.to, err, tc.permanent)
		}
		if err != nil && strings.Contains(err.Error(), tc.to) {
			t.Errorf("%s: error %q quotes the number", tc.to, err)
		}
	}

	before := len(g.calls())
	for _, bad := range []string{"12345", "010-12345678", "", "2380013800"} {
		if err := gw.SendSMS(ctx, SMS{To: bad, Text: "x"}); !IsPermanent(err) {
			t.Errorf("%q: err = %v, want permanent", bad, err)
		}
	}
	if len(g.calls()) != before {
		t.Error("an invalid number reached the gateway")
	}

	down := &HTTPGateway{URL: "http://127.0.0.1:1/sms", Token: "t"}
	if err := down.SendSMS(ctx, SMS{To: "13800138000", Text: "x"}); err == nil || IsPermanent(err) {
		t.Errorf("unreachable gateway: err = %v, want transient", err)
	}
}

func TestSMSSegments(t *testing.T) {
	for _, c := range []struct {
		sign, text string
		want       int
	}{
		{"", strings.Repeat("a", 160), 1},
		{"", strings.Repeat("a", 161), 2},
		{"", strings.Repeat("{", 80), 1},
		{"", strings.Repeat("{", 81), 2},
		{"Beian", strings.Repeat("备", 63), 1}, // 【Beian】 is seven characters
		{"Beian", strings.Repeat("备", 64), 2},
		{"", strings.Repeat("备", 134), 2},
		{"", strings.Repeat("备", 135), 3},
		{"备案", strings.Repeat("a", 66), 1}, // the Chinese sign makes it UCS-2
	} {
		if got := SMSSegments(c.sign, c.text); got != c.want {
			t.Errorf("SMSSegments(%q, %d runes) = %d, want %d", c.sign, len([]rune(c.text)), got, c.want)
		}
	}
}

func TestSafeError(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"550 5.1.1 <zhang.san@example.com>: unknown", "550 5.1.1 <<address>>: unknown"},
		{"number 13800138000 refused", "number <number> refused"},
		{"id 11010119900307451X bad", "id <number> bad"},
		{"+86 138-0013-8000", "<number>"},
		{"dial tcp 127.0.0.1:2525: connection refused", "dial tcp 127.0.0.1:2525: connection refused"},
		{"HTTP 503", "HTTP 503"},
	} {
		if got := safeError(errString(c.in)); got != c.want {
			t.Errorf("safeError(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := safeError(errString(strings.Repeat("错", 400))); len(got) > maxErrorLen+len("…") {
		t.Errorf("not cut: %d bytes", len(got))
	}
}

type errString string

func (e errString) Error() string { return string(e) }
