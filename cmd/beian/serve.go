package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/jobs"
	"github.com/openbeian/beian/letter"
	"github.com/openbeian/beian/notify"
	"github.com/openbeian/beian/probe"
	"github.com/openbeian/beian/sqlstore"
	"github.com/openbeian/beian/web"
	"github.com/openbeian/beian/workflow"
)

var logHandler = web.LogHandler

// Main is the running program. Tests build one with NewMain, set Config
// (Listen "127.0.0.1:0", a temporary DataDir, a test clock) and call Run,
// so they exercise exactly what `beian serve` does.
type Main struct {
	Config Config
	Clock  beian.Clock
	Logger *slog.Logger
	Stdout io.Writer

	DB       *sqlstore.DB
	Jobs     *jobs.Queue
	Blobs    blob.Store
	Workflow *workflow.Workflow
	Web      *web.Server
	Registry *prometheus.Registry
	// DemoLogins are the demo users created on this start, if any.
	DemoLogins []DemoLogin
	// Bureau is the exchange with the provincial bureau (bureau.go).
	Bureau Bureau
	// Compliance is the compliance loop (compliance.go).
	Compliance *workflow.Compliance

	prober   *probe.Prober
	listener net.Listener
	http     *http.Server
	served   chan error
}

// NewMain returns a Main with the system clock and no output.
func NewMain() *Main {
	return &Main{Clock: beian.SystemClock{}, Stdout: io.Discard, Logger: slog.New(slog.DiscardHandler)}
}

// URL returns the address the server listens on, as users reach it.
func (m *Main) URL() string {
	if m.Config.PublicURL != "" {
		return strings.TrimSuffix(m.Config.PublicURL, "/")
	}
	if m.listener == nil {
		return ""
	}
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// openStore opens the database with the PII keys, creating the data
// directory and key file on first use.
func openStore(ctx context.Context, c *Config, clock beian.Clock, log *slog.Logger) (*sqlstore.DB, error) {
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var keys []sqlstore.Key
	if c.SecretKeys != "" {
		var err error
		if keys, err = sqlstore.ParseKeys(c.SecretKeys); err != nil {
			return nil, fmt.Errorf("BEIAN_SECRET_KEYS: %w", err)
		}
	} else {
		k, err := sqlstore.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "secret.key"))
		if err != nil {
			return nil, err
		}
		keys = []sqlstore.Key{k}
	}
	ring, err := sqlstore.NewKeyring(keys...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Open(ctx, sqlstore.Config{DSN: c.dsn(), Keys: ring, Clock: clock, Logger: log})
}

// Run opens the store, starts the jobs and the HTTP server, and returns
// once the server is listening. Serve errors arrive on Wait.
func (m *Main) Run(ctx context.Context) (err error) {
	c := &m.Config
	if err := c.validate(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if m.DB, err = openStore(ctx, c, m.Clock, m.Logger); err != nil {
		return err
	}
	if m.Jobs, err = jobs.New(m.DB.SQL(), string(m.DB.Dialect()), jobs.Config{Clock: m.Clock, Logger: m.Logger, ListenDSN: listenDSN(m.DB, c)}); err != nil {
		return err
	}
	if err := m.Jobs.Migrate(ctx); err != nil {
		return err
	}
	m.DB.SetJobs(m.Jobs)
	if m.Blobs, err = blob.Open(ctx, c.Blob, c.DataDir); err != nil {
		return fmt.Errorf("document storage: %w", err)
	}
	m.Workflow = workflow.New(workflow.Config{Store: m.DB, Clock: m.Clock, Logger: m.Logger,
		// The pre-check reads what our store knows: records, in-progress
		// orders, contacts, the bureau's blacklists, the provider's address
		// ranges and each order's resource. Probes that reach the network
		// (DNS, homepages, RDAP) are not wired here.
		Facts: workflow.NewStoreFacts(m.DB, m.Clock)})
	// Notifications: SMTP and the SMS gateway from the environment (see
	// notify.FromEnv); without them every message stays in the outbox.
	nc, err := notify.FromEnv(func(k string) string {
		if k == "BEIAN_PUBLIC_URL" {
			return c.PublicURL // the flag, which defaults to the variable
		}
		return os.Getenv(k)
	})
	if err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	nc.Store, nc.Logger = m.DB, m.Logger
	notifier, err := notify.New(nc)
	if err != nil {
		return err
	}
	for kind, h := range notifier.Handlers() {
		m.Jobs.Handle(kind, h)
	}
	if err := m.startBureau(ctx); err != nil {
		return err
	}
	if err := m.startCompliance(notifier); err != nil {
		return err
	}

	if c.Demo {
		if m.DemoLogins, err = seedDemo(ctx, m.DB, c.DataDir); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	if c.Role != "web" {
		if err := m.Jobs.Start(ctx); err != nil {
			return err
		}
	}
	if c.Role == "worker" {
		return nil
	}

	m.Registry = prometheus.NewRegistry()
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(m.DB.SQL(), "beian"),
	)
	if m.listener, err = net.Listen("tcp", c.Listen); err != nil {
		return fmt.Errorf("listen on %s: %w (choose another with --listen)", c.Listen, err)
	}
	secure := strings.HasPrefix(m.URL(), "https://")
	if m.Web, err = web.New(web.Config{
		Store: m.DB, Workflow: m.Workflow, Blobs: m.Blobs, Clock: m.Clock, Logger: m.Logger, Sessions: m.DB.Sessions(),
		Throttle: m.DB.Throttle(5, 15*time.Minute, 15*time.Minute),
		Ready:    m.DB.Ping, Registry: m.Registry, SecureCookies: secure,
		Exchange: m.Bureau.Exchange, BureauVerifyURL: m.Bureau.verifyURL(), SweepEvery: m.sweepEvery(),
	}); err != nil {
		return err
	}
	m.http = &http.Server{
		Handler:           m.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads of up to tens of MB on slow links
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.listener) }()
	return nil
}

// Wait blocks until the server stops or ctx ends.
func (m *Main) Wait(ctx context.Context) error {
	if m.served == nil {
		<-ctx.Done()
		return nil
	}
	select {
	case err := <-m.served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close stops the server gracefully, then the jobs, then the store.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var errs []error
	if m.http != nil {
		errs = append(errs, m.http.Shutdown(ctx))
	} else if m.listener != nil {
		errs = append(errs, m.listener.Close())
	}
	if m.Jobs != nil {
		errs = append(errs, m.Jobs.Stop(ctx))
	}
	errs = append(errs, m.Bureau.close(ctx), m.closeCompliance())
	if m.Blobs != nil {
		errs = append(errs, m.Blobs.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := NewMain()
	fs := flag.NewFlagSet("beian serve", flag.ContinueOnError)
	m.Config.serveFlags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if err := m.Config.validate(); err != nil {
		return err
	}
	m.Logger = m.Config.logger(stderr)
	m.Stdout = stdout
	start := time.Now()
	if err := m.Run(ctx); err != nil {
		return err
	}
	defer m.Close()
	m.printBanner(time.Since(start))
	m.Logger.Info("beian started", "url", m.URL(), "role", m.Config.Role, "dialect", string(m.DB.Dialect()),
		"startup_ms", time.Since(start).Milliseconds())
	err := m.Wait(ctx)
	m.Logger.Info("beian stopping")
	return err
}

// printBanner tells the operator where the system is and how to sign in.
func (m *Main) printBanner(took time.Duration) {
	w := m.Stdout
	fmt.Fprintf(w, "Beian 备案系统 is running (%s, started in %s).\n", m.DB.Dialect(), took.Round(time.Millisecond))
	if m.Config.Role != "worker" {
		fmt.Fprintf(w, "  Open:   %s\n", m.URL())
	}
	fmt.Fprintf(w, "  Data:   %s\n", m.Config.DataDir)
	m.Bureau.printBanner(w)
	if len(m.DemoLogins) > 0 {
		fmt.Fprintf(w, "  Demo logins (also saved in %s):\n", filepath.Join(m.Config.DataDir, demoLoginsFile))
		for _, d := range m.DemoLogins {
			fmt.Fprintf(w, "    %-10s %-16s password %s\n", d.Role, d.Login, d.Password)
		}
	} else if m.Config.Demo {
		fmt.Fprintf(w, "  Demo logins: see %s\n", filepath.Join(m.Config.DataDir, demoLoginsFile))
	}
	if m.Config.Role != "worker" {
		if err := letter.CheckFonts(); err != nil {
			// Everything else works; only the prefilled PDF letters wait
			// for the fonts.
			fmt.Fprintf(w, "  Warning: prefilled letters (承诺书) cannot be made: %v\n", err)
		}
	}
	fmt.Fprintln(w, "  Stop with Ctrl-C.")
}

// listenDSN lets the queue LISTEN for new jobs on PostgreSQL, so they start
// within milliseconds of their commit rather than at the next poll.
func listenDSN(db *sqlstore.DB, c *Config) string {
	if db.Dialect() != "postgres" {
		return ""
	}
	return c.dsn()
}
