package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openbeian/beian/cnid"
)

// SMS is one text message.
type SMS struct {
	// ID is the notification's ID, sent to gateways as an idempotency key
	// so that a message retried after a lost response is not sent twice.
	ID   string
	To   string // mainland mobile number, 11 digits
	Text string // without the signature; the gateway adds 【Sign】
}

// SMSSender sends text messages through a provider. A vendor adapter
// (Aliyun, Tencent Cloud SMS …) implements it with the vendor's API and
// template IDs; [HTTPGateway] is a small generic one. Implementations
// return a [PermanentError] for numbers or messages the provider refuses
// for good, any other error for failures worth retrying, and never quote
// the provider's free text (which may echo the number).
type SMSSender interface {
	// Name is recorded on delivered notifications, e.g. "sms:http".
	Name() string
	SendSMS(ctx context.Context, m SMS) error
}

// HTTPGateway sends SMS through an HTTP gateway with a small JSON contract,
// for providers that put their vendor behind their own service:
//
//	POST <URL>
//	Authorization: Bearer <Token>
//	Content-Type: application/json; charset=utf-8
//	Idempotency-Key: <notification ID>
//
//	{"to": "13800138000", "text": "您的ICP备案订单…", "sign": "Beian"}
//
// "to" is the 11-digit mainland number, "text" the message without
// signature, "sign" the signature (签名) the gateway puts in 【】. Any 2xx
// reply means accepted (the body is ignored). 400 and 422 mean the gateway
// refuses this number or text for good; every other status (401/403 after
// a token change, 404, 429, 5xx) and network errors are retried with
// backoff. A gateway should treat a repeated Idempotency-Key as the same
// message.
type HTTPGateway struct {
	URL   string
	Token string
	Sign  string
	// Client defaults to one with a 15-second timeout.
	Client *http.Client
}

// Name returns "sms:http".
func (g *HTTPGateway) Name() string { return "sms:http" }

type gatewayRequest struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Sign string `json:"sign,omitempty"`
}

// SendSMS posts the message; see [HTTPGateway] for the contract.
func (g *HTTPGateway) SendSMS(ctx context.Context, m SMS) error {
	mobile, err := cnid.ParseMobile(m.To)
	if err != nil {
		return Permanent(errors.New("sms: not a mainland mobile number"))
	}
	body, err := json.Marshal(gatewayRequest{To: mobile.String(), Text: m.Text, Sign: g.Sign})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: gateway URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+g.Token)
	if m.ID != "" {
		req.Header.Set("Idempotency-Key", m.ID)
	}
	client := g.Client
	if client == nil {
		client = defaultGatewayClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// net/http's errors name the URL, never the body.
		return fmt.Errorf("sms: gateway unreachable: %s", safeError(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity:
		return Permanent(fmt.Errorf("sms: gateway refused the message (HTTP %d)", resp.StatusCode))
	}
	return fmt.Errorf("sms: gateway answered HTTP %d", resp.StatusCode)
}

var defaultGatewayClient = &http.Client{Timeout: 15 * time.Second}

// SMS segment sizes: a message in the GSM 7-bit alphabet holds 160
// characters, or 153 per part when concatenated; anything else (Chinese)
// is sent as UCS-2 with 70, or 67 per part.
const (
	smsGSMSingle  = 160
	smsGSMPart    = 153
	smsUCS2Single = 70
	smsUCS2Part   = 67
)

// SMSSegments returns how many segments (and so how many billed messages)
// the text takes with its signature, as carriers count them. Templates are
// written to take one.
func SMSSegments(sign, text string) int {
	s := text
	if sign != "" {
		s = "【" + sign + "】" + text
	}
	n := utf8.RuneCountInString(s)
	single, part := smsUCS2Single, smsUCS2Part
	if isGSM(s) {
		single, part = smsGSMSingle, smsGSMPart
		// The extension table's characters take two septets.
		n += strings.Count(s, "^") + strings.Count(s, "{") + strings.Count(s, "}") + strings.Count(s, "[") +
			strings.Count(s, "]") + strings.Count(s, "~") + strings.Count(s, "|") + strings.Count(s, "\\") + strings.Count(s, "€")
	}
	if n <= single {
		return 1
	}
	return int(math.Ceil(float64(n) / float64(part)))
}

// isGSM reports whether every character is in the GSM 03.38 alphabet; the
// printable ASCII subset and the euro sign are enough for our templates.
func isGSM(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '€' {
			continue
		}
		if r < 0x20 || r > 0x7e || r == '`' {
			return false
		}
	}
	return true
}
