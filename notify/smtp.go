package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Mail is one e-mail to send: a plain-text part and, when HTML is set, an
// HTML alternative of the same content.
type Mail struct {
	// ID is the notification's ID; the Message-ID derives from it, so a
	// message sent twice (a crash between sending and recording it) carries
	// the same Message-ID and receivers can tell.
	ID      string
	To      string
	Subject string
	Text    string
	HTML    string
	Date    time.Time
}

// Mailer sends e-mail. Implementations return a [PermanentError] for
// failures no retry can cure (an invalid or refused address) and any other
// error for failures worth retrying; their errors must not quote the
// server's free text, which may contain the address.
type Mailer interface {
	// Name is recorded on delivered notifications, e.g. "smtp".
	Name() string
	SendMail(ctx context.Context, m Mail) error
}

// TLSMode is how the SMTP connection is protected.
type TLSMode string

// TLS modes.
const (
	// TLSStartTLS connects in clear (port 587) and requires STARTTLS before
	// anything else is said; a server without it is an error.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone never encrypts: only for a relay on the same host or network.
	TLSNone TLSMode = "none"
)

// SMTPConfig configures an [SMTPMailer].
type SMTPConfig struct {
	Host string
	// Port defaults to 587 for STARTTLS, 465 for implicit TLS and 25 for none.
	Port int
	// TLS defaults to TLSStartTLS.
	TLS TLSMode
	// Username and Password enable SMTP AUTH (the strongest mechanism the
	// server offers among SCRAM, CRAM-MD5, PLAIN and LOGIN); empty Username
	// sends without authentication.
	Username string
	Password string
	// From is the sender, "Name <address>" or a bare address; required.
	From string
	// HELO is the name sent in EHLO; empty means the host name.
	HELO string
	// Timeout bounds connecting and each command; 0 means 30 seconds.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests pass their own root CA);
	// nil verifies the server against the system roots for Host.
	TLSConfig *tls.Config
}

// SMTPMailer sends e-mail over SMTP with github.com/wneessen/go-mail, one
// connection per message: notifications are few, and a fresh connection
// never inherits a broken session.
type SMTPMailer struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewSMTPMailer checks cfg and returns a mailer; it does not connect.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: SMTP host is required")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = map[TLSMode]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[cfg.TLS]
	}
	switch cfg.TLS {
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("notify: SMTP TLS mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP sender (From) %q: %w", cfg.From, err)
	}
	return &SMTPMailer{cfg: cfg, from: from}, nil
}

// Name returns "smtp".
func (m *SMTPMailer) Name() string { return "smtp" }

// SendMail delivers one message. A malformed address or a 5xx refusal of
// the recipient is permanent; connection trouble, 4xx replies and
// authentication failures (an operator must fix the configuration, after
// which the retries go through) are not.
func (m *SMTPMailer) SendMail(ctx context.Context, msg Mail) error {
	to, err := parseMailbox(msg.To)
	if err != nil {
		return Permanent(err)
	}
	gm := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	gm.FromMailAddress(m.from)
	gm.ToMailAddress(to)
	gm.Subject(msg.Subject)
	if msg.ID != "" {
		gm.SetMessageIDWithValue(msg.ID + "@" + domainOf(m.from.Address))
	} else {
		gm.SetMessageID()
	}
	if msg.Date.IsZero() {
		gm.SetDate()
	} else {
		gm.SetDateWithValue(msg.Date)
	}
	// RFC 3834: an automatic message, so vacation responders stay quiet.
	gm.SetGenHeader("Auto-Submitted", "auto-generated")
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}

	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(m.cfg.Timeout)}
	switch m.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(m.cfg.HELO))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	client, err := gomail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: configuration: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, gm); err != nil {
		return smtpError(err)
	}
	return nil
}

// parseMailbox accepts one plain address with a domain that has a dot.
func parseMailbox(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || !strings.Contains(domainOf(a.Address), ".") {
		// The reason, never the address: errors end up in the outbox row.
		return nil, errors.New("smtp: not a valid e-mail address")
	}
	return a, nil
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// smtpError classifies a go-mail error and rewrites it without the
// server's free text (which quotes addresses), keeping the reply codes an
// operator needs.
func smtpError(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code, enhanced := se.ErrorCode(), se.EnhancedStatusCode()
		e := fmt.Errorf("smtp: %s: reply %d %s", se.Reason, code, enhanced)
		switch {
		case se.Reason == gomail.ErrGetRcpts:
			return Permanent(errors.New("smtp: not a valid e-mail address"))
		case se.IsTemp() || code == 0:
			return e
		case code >= 500 && (se.Reason == gomail.ErrSMTPRcptTo || strings.HasPrefix(enhanced, "5.1.")):
			// 5xx to RCPT TO (or a 5.1.x address status anywhere): this
			// recipient will never be accepted.
			return Permanent(e)
		case code >= 500 && (se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose):
			// The server refused this message's content for good.
			return Permanent(e)
		}
		// 5xx to MAIL FROM and the like: the sender or the configuration
		// is wrong, which the operator fixes; keep retrying until then.
		return e
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("smtp: timeout talking to the server")
	}
	// Dial, TLS and authentication errors: no addresses in them, but pass
	// them through safeError like everything else on its way to a row.
	return fmt.Errorf("smtp: %s", safeError(err))
}
