package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 that keeps what it receives, for the mailer and delivery tests.
type smtpServer struct {
	Host string
	Port int
	// Roots trusts the server's certificate, for TLS modes.
	Roots *x509.CertPool

	mu       sync.Mutex
	received []receivedMail
	// reject maps a recipient to the error RCPT TO answers with.
	reject map[string]*smtp.SMTPError
	// user and pass, when set, are the only credentials AUTH PLAIN accepts.
	user, pass string
	// got is signalled after each message.
	got chan struct{}
}

// receivedMail is one message as the server saw it.
type receivedMail struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool
	AuthUser string
}

// startSMTP starts a server in the given TLS mode; TLSNone offers no
// STARTTLS at all, so a client that requires it must fail.
func startSMTP(t *testing.T, mode TLSMode) *smtpServer {
	t.Helper()
	srv := &smtpServer{reject: map[string]*smtp.SMTPError{}, got: make(chan struct{}, 100)}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: srv, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.MaxMessageBytes = 1 << 20
	s.ErrorLog = discardLogger{}
	var cert tls.Certificate
	if mode != TLSNone {
		cert, srv.Roots = selfSignedCert(t)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} else {
		s.AllowInsecureAuth = true
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode == TLSImplicit {
		l = tls.NewListener(l, s.TLSConfig)
	}
	addr := l.Addr().(*net.TCPAddr)
	srv.Host, srv.Port = "127.0.0.1", addr.Port
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv
}

// tlsConfig is what a client needs to trust the server.
func (srv *smtpServer) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: srv.Roots, ServerName: srv.Host, MinVersion: tls.VersionTLS12}
}

func (srv *smtpServer) messages() []receivedMail {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]receivedMail(nil), srv.received...)
}

// wait blocks until n messages arrived in total, or fails the test.
func (srv *smtpServer) wait(t *testing.T, n int) []receivedMail {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if m := srv.messages(); len(m) >= n {
			return m
		}
		select {
		case <-srv.got:
		case <-deadline:
			t.Fatalf("SMTP server received %d messages, want %d", len(srv.messages()), n)
		}
	}
}

type smtpSession struct {
	srv  *smtpServer
	conn *smtp.Conn
	msg  receivedMail
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.msg.AuthUser = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.msg.AuthUser == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.msg.From = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	rej := s.srv.reject[to]
	s.srv.mu.Unlock()
	if rej != nil {
		return rej
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := s.msg
	m.Data = b
	_, m.TLS = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.received = append(s.srv.received, m)
	s.srv.mu.Unlock()
	s.srv.got <- struct{}{}
	return nil
}

func (s *smtpSession) Reset() {
	user := s.msg.AuthUser
	s.msg = receivedMail{AuthUser: user}
}

func (s *smtpSession) Logout() error { return nil }

type discardLogger struct{}

func (discardLogger) Printf(string, ...interface{}) {}
func (discardLogger) Println(...interface{})        {}

// selfSignedCert makes a certificate for 127.0.0.1 and the pool trusting it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "beian test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// parsedMail is a received message taken apart: headers decoded, and the
// plain-text and HTML parts decoded from their transfer encoding.
type parsedMail struct {
	Header     mail.Header
	Subject    string // decoded
	RawSubject string
	Text       string
	HTML       string
	TextType   string // the text part's Content-Type
	HTMLType   string
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	p := parsedMail{Header: msg.Header, RawSubject: msg.Header.Get("Subject")}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(p.RawSubject); err != nil {
		t.Fatalf("decode subject %q: %v", p.RawSubject, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		var body io.Reader = part
		switch strings.ToLower(part.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(part)
		case "base64":
			t.Fatalf("unexpected base64 part")
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		ct := part.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "text/plain"):
			p.Text, p.TextType = string(b), ct
		case strings.HasPrefix(ct, "text/html"):
			p.HTML, p.HTMLType = string(b), ct
		}
	}
	return p
}
