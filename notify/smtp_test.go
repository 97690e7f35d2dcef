package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func testMail() Mail {
	return Mail{
		ID:      "0190c0de-0000-7000-8000-00000000abcd",
		To:      "zhangsan@example.com",
		Subject: "备案初审已通过（订单尾号 0000ABCD）",
		Text:    "您好：\n\n您的首次备案订单已通过初审，主办者「深圳示例科技有限公司」。\n",
		HTML:    "<p>您的首次备案订单已通过初审，主办者「深圳示例科技有限公司」。</p>",
		Date:    time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC),
	}
}

// TestSMTPMailer sends through a real SMTP server on loopback in every TLS
// mode and checks what arrived: the envelope, the headers, the UTF-8
// encoded subject and both parts.
func TestSMTPMailer(t *testing.T) {
	for _, mode := range []TLSMode{TLSNone, TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			srv := startSMTP(t, mode)
			cfg := SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mode, From: "Beian 备案 <beian@example.com>", Timeout: 10 * time.Second}
			if mode != TLSNone {
				srv.user, srv.pass = "notifier", "s3cret"
				cfg.Username, cfg.Password, cfg.TLSConfig = "notifier", "s3cret", srv.tlsConfig()
			}
			m, err := NewSMTPMailer(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SendMail(context.Background(), testMail()); err != nil {
				t.Fatalf("send: %v", err)
			}
			got := srv.wait(t, 1)[0]
			if got.From != "beian@example.com" || len(got.To) != 1 || got.To[0] != "zhangsan@example.com" {
				t.Errorf("envelope = %s → %v", got.From, got.To)
			}
			if got.TLS != (mode != TLSNone) {
				t.Errorf("TLS = %v in mode %s", got.TLS, mode)
			}
			if mode != TLSNone && got.AuthUser != "notifier" {
				t.Errorf("authenticated as %q", got.AuthUser)
			}
			checkMail(t, got.Data, testMail())
		})
	}
}

// checkMail asserts the headers and both parts of a message we sent.
func checkMail(t *testing.T, raw []byte, want Mail) {
	t.Helper()
	lower := strings.ToLower(string(raw))
	for _, legacy := range []string{"gbk", "gb2312", "gb18030"} {
		if strings.Contains(lower, legacy) {
			t.Errorf("message mentions %s; everything must be UTF-8:\n%s", legacy, raw)
		}
	}
	p := parseMail(t, raw)
	if !strings.HasPrefix(strings.ToUpper(p.RawSubject), "=?UTF-8?") {
		t.Errorf("Subject header %q is not RFC 2047 UTF-8", p.RawSubject)
	}
	if p.Subject != want.Subject {
		t.Errorf("Subject = %q, want %q", p.Subject, want.Subject)
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "beian@example.com" || from[0].Name != "Beian 备案" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if to := p.Header.Get("To"); !strings.Contains(to, want.To) {
		t.Errorf("To = %q", to)
	}
	if id := p.Header.Get("Message-ID"); id != "<"+want.ID+"@example.com>" {
		t.Errorf("Message-ID = %q", id)
	}
	if d, err := p.Header.Date(); err != nil || !d.Equal(want.Date) {
		t.Errorf("Date = %v (%v), want %v", d, err, want.Date)
	}
	if p.Header.Get("Auto-Submitted") != "auto-generated" || p.Header.Get("MIME-Version") != "1.0" {
		t.Errorf("headers: Auto-Submitted %q, MIME-Version %q", p.Header.Get("Auto-Submitted"), p.Header.Get("MIME-Version"))
	}
	for _, part := range []struct{ ct, body, want string }{{p.TextType, p.Text, want.Text}, {p.HTMLType, p.HTML, want.HTML}} {
		if !strings.Contains(strings.ToLower(part.ct), "charset=utf-8") {
			t.Errorf("part Content-Type %q lacks charset=UTF-8", part.ct)
		}
		if strings.TrimSpace(strings.ReplaceAll(part.body, "\r\n", "\n")) != strings.TrimSpace(part.want) {
			t.Errorf("part %s = %q, want %q", part.ct, part.body, part.want)
		}
	}
}

func TestSMTPMailerErrors(t *testing.T) {
	ctx := context.Background()
	srv := startSMTP(t, TLSNone)
	srv.reject["gone@example.com"] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<gone@example.com>: user unknown"}
	srv.reject["busy@example.com"] = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "<busy@example.com>: try later"}
	m, err := NewSMTPMailer(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "beian@example.com", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	send := func(to string) error {
		msg := testMail()
		msg.To = to
		return m.SendMail(ctx, msg)
	}

	t.Run("refused recipient is permanent and not quoted", func(t *testing.T) {
		err := send("gone@example.com")
		if !IsPermanent(err) {
			t.Fatalf("err = %v, want permanent", err)
		}
		if strings.Contains(err.Error(), "gone") || !strings.Contains(err.Error(), "550") {
			t.Errorf("error %q must keep the code and drop the address", err)
		}
	})
	t.Run("temporary refusal is retried", func(t *testing.T) {
		err := send("busy@example.com")
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want a transient error", err)
		}
		if strings.Contains(err.Error(), "busy@") {
			t.Errorf("error %q quotes the address", err)
		}
	})
	t.Run("malformed address is permanent without connecting", func(t *testing.T) {
		before := len(srv.messages())
		for _, to := range []string{"not-an-address", "a@localhost", ""} {
			if err := send(to); !IsPermanent(err) {
				t.Errorf("%q: err = %v, want permanent", to, err)
			}
		}
		if len(srv.messages()) != before {
			t.Error("a malformed address reached the server")
		}
	})
	t.Run("STARTTLS required but not offered", func(t *testing.T) {
		strict, err := NewSMTPMailer(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSStartTLS, From: "beian@example.com", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = strict.SendMail(ctx, testMail())
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want a transient (configuration) error", err)
		}
	})
	t.Run("server down is transient", func(t *testing.T) {
		down, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: TLSNone, From: "beian@example.com", Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := down.SendMail(ctx, testMail()); err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want transient", err)
		}
	})
	t.Run("wrong password is transient", func(t *testing.T) {
		tlsSrv := startSMTP(t, TLSStartTLS)
		tlsSrv.user, tlsSrv.pass = "notifier", "right"
		bad, err := NewSMTPMailer(SMTPConfig{Host: tlsSrv.Host, Port: tlsSrv.Port, From: "beian@example.com", Username: "notifier",
			Password: "wrong", TLSConfig: tlsSrv.tlsConfig(), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = bad.SendMail(ctx, testMail())
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want transient: the operator fixes the password and retries go through", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error %q quotes the password", err)
		}
	})
}

func TestNewSMTPMailerValidates(t *testing.T) {
	for _, c := range []SMTPConfig{
		{From: "a@example.com"},
		{Host: "smtp.example.com", From: "not an address"},
		{Host: "smtp.example.com", From: "a@example.com", TLS: "ssl3"},
	} {
		if _, err := NewSMTPMailer(c); err == nil {
			t.Errorf("NewSMTPMailer(%+v) accepted", c)
		}
	}
	m, err := NewSMTPMailer(SMTPConfig{Host: "smtp.example.com", From: "a@example.com", TLS: TLSImplicit})
	if err != nil || m.cfg.Port != 465 || m.cfg.Timeout != 30*time.Second {
		t.Errorf("defaults: %+v, %v", m, err)
	}
}
