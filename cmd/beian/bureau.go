package main

import (
	"bytes"
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
	"strconv"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// BureauConfig is the connection to the provincial bureau. Without URL the
// bureau simulator runs in the process on a loopback port with the demo
// provider's credentials (the zero-config default); with URL Beian talks to
// a real bureau with the parameters it issued. Secrets come from the
// environment only, so that they never show in a process list.
type BureauConfig struct {
	URL          string
	Province     string
	ISPID        int64
	User         string
	Password     string // env BEIAN_BUREAU_PASSWORD
	AESKey       string // env BEIAN_BUREAU_AES_KEY
	AESIV        string // env BEIAN_BUREAU_AES_IV
	Namespace    string
	ProviderName string
	// Poll is how often the periodic tick uploads what is pending and
	// downloads the bureau's files; 0 means a minute.
	Poll time.Duration
	// SimListen is the in-process simulator's address; "" means a free
	// loopback port.
	SimListen string
	// SimSpeedup makes the in-process simulator's day pass in this much real
	// time (demos); 0 means real time.
	SimSpeedup time.Duration
	// SimReviewWorkdays is the in-process simulator's review duration; 0
	// means its default.
	SimReviewWorkdays int
}

func (b *BureauConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&b.URL, "bureau-url", envOr("BEIAN_BUREAU_URL", ""), "the provincial bureau's SOAP base URL (http://ip:port); empty runs the bureau simulator in the process (env BEIAN_BUREAU_URL)")
	fs.StringVar(&b.Province, "bureau-province", envOr("BEIAN_BUREAU_PROVINCE", "11"), "two-digit code of the bureau's province (env BEIAN_BUREAU_PROVINCE)")
	isp, _ := strconv.ParseInt(os.Getenv("BEIAN_BUREAU_ISP_ID"), 10, 64)
	fs.Int64Var(&b.ISPID, "bureau-isp-id", isp, "the ispId the bureau issued (env BEIAN_BUREAU_ISP_ID)")
	fs.StringVar(&b.User, "bureau-user", envOr("BEIAN_BUREAU_USER", ""), "the user name the bureau issued (env BEIAN_BUREAU_USER); the password, AES key and IV come from BEIAN_BUREAU_PASSWORD, BEIAN_BUREAU_AES_KEY and BEIAN_BUREAU_AES_IV")
	fs.StringVar(&b.Namespace, "bureau-namespace", envOr("BEIAN_BUREAU_NAMESPACE", ""), "SOAP namespace from the bureau's WSDL, if it needs one (env BEIAN_BUREAU_NAMESPACE)")
	fs.StringVar(&b.ProviderName, "bureau-provider-name", envOr("BEIAN_BUREAU_PROVIDER_NAME", ""), "this provider's name on access records (env BEIAN_BUREAU_PROVIDER_NAME)")
	poll, _ := time.ParseDuration(envOr("BEIAN_BUREAU_POLL", "1m"))
	fs.DurationVar(&b.Poll, "bureau-poll", poll, "how often to upload pending filings and download the bureau's files (env BEIAN_BUREAU_POLL)")
	fs.StringVar(&b.SimListen, "bureau-sim-listen", envOr("BEIAN_BUREAU_SIM_LISTEN", "127.0.0.1:0"), "address of the in-process bureau simulator (env BEIAN_BUREAU_SIM_LISTEN)")
	speed, _ := time.ParseDuration(envOr("BEIAN_BUREAU_SIM_SPEEDUP", "10m"))
	fs.DurationVar(&b.SimSpeedup, "bureau-sim-speedup", speed, "real time one simulated day takes in the in-process simulator; 0 for real time (env BEIAN_BUREAU_SIM_SPEEDUP)")
	days, _ := strconv.Atoi(envOr("BEIAN_BUREAU_SIM_REVIEW_WORKDAYS", "1"))
	fs.IntVar(&b.SimReviewWorkdays, "bureau-sim-review-workdays", days, "working days the in-process simulator's review takes, -1 at once (env BEIAN_BUREAU_SIM_REVIEW_WORKDAYS)")
	b.Password, b.AESKey, b.AESIV = os.Getenv("BEIAN_BUREAU_PASSWORD"), os.Getenv("BEIAN_BUREAU_AES_KEY"), os.Getenv("BEIAN_BUREAU_AES_IV")
}

// Bureau is the running connection to the bureau: the exchange engine and,
// without a bureau URL, the simulator it talks to.
type Bureau struct {
	// Exchange submits orders and runs the uploads and downloads.
	Exchange *workflow.Exchange
	// Sim is the in-process simulator, nil with a real bureau.
	Sim *bureausim.Sim
	// SimURL is where the simulator serves (its phone inbox is SimURL +
	// "/sim/phone", its SMS verification page SimURL + "/sim/verify").
	SimURL string
	server *http.Server
}

// blobFiles keeps the exchange's files in the document store.
type blobFiles struct{ store blob.Store }

// exchangeFileLimit bounds what the exchange stores: a 50 MB upload file as
// base64 in JSON, with room to spare.
const exchangeFileLimit = 80 << 20

func (f blobFiles) PutFile(ctx context.Context, key string, data []byte) error {
	_, err := f.store.Put(ctx, key, bytes.NewReader(data), exchangeFileLimit, blob.Meta{ContentType: "application/octet-stream"})
	return err
}

func (f blobFiles) GetFile(ctx context.Context, key string) ([]byte, error) {
	r, _, err := f.store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, exchangeFileLimit+1))
}

func (f blobFiles) DeleteFile(ctx context.Context, key string) error { return f.store.Delete(ctx, key) }

// startBureau connects the workflow to the bureau: it starts the in-process
// simulator when no bureau URL is configured, stores the connection, builds
// the exchange engine and registers its jobs (handlers, the periodic tick
// and the daily retention sweep). Run calls it before the jobs start.
func (m *Main) startBureau(ctx context.Context) error {
	bc := &m.Config.Bureau
	conn := &beian.BureauConnection{Province: bc.Province, Endpoint: bc.URL, ISPID: bc.ISPID, UserName: bc.User, Password: bc.Password,
		AESKey: bc.AESKey, AESIV: bc.AESIV, Namespace: bc.Namespace, ProviderName: bc.ProviderName, Enabled: true}
	if conn.Province == "" {
		conn.Province = "11"
	}
	if bc.URL == "" {
		if m.Config.Role != "all" && m.Config.Role != "" {
			m.Logger.Warn("no --bureau-url: this replica runs its own bureau simulator; use a shared simulator (beian bureau-sim) or a real bureau when running several replicas")
		}
		a := bureausim.DefaultISP
		a.Province = conn.Province
		sim, err := bureausim.New(bureausim.Config{ISPs: []bureausim.ISPAccount{a}, Clock: m.Clock, Speedup: bc.SimSpeedup,
			ReviewWorkdays: bc.SimReviewWorkdays, Dir: filepath.Join(m.Config.DataDir, "bureau-sim"), Logger: m.Logger.With("component", "bureausim")})
		if err != nil {
			return fmt.Errorf("bureau simulator: %w", err)
		}
		m.Bureau.Sim = sim
		addr := bc.SimListen
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			sim.Close()
			return fmt.Errorf("bureau simulator: listen on %s: %w", addr, err)
		}
		m.Bureau.SimURL = "http://" + ln.Addr().String()
		m.Bureau.server = &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
		go func() {
			if err := m.Bureau.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.Logger.Error("bureau simulator stopped", "err", err)
			}
		}()
		conn.Endpoint, conn.ISPID, conn.UserName, conn.Password = m.Bureau.SimURL, a.ISPID, a.UserName, a.Password
		conn.AESKey, conn.AESIV = a.Key, a.IV
		if conn.ProviderName == "" {
			conn.ProviderName = a.Name
		}
	}
	m.Bureau.Exchange = workflow.NewExchange(m.Workflow, workflow.ExchangeConfig{Files: blobFiles{m.Blobs}})
	if err := m.Bureau.Exchange.PutConnection(ctx, conn); err != nil {
		return fmt.Errorf("bureau connection: %w (set --bureau-url, --bureau-isp-id, --bureau-user and BEIAN_BUREAU_PASSWORD)", err)
	}
	// The filing-type check (验证备案类型) asks the bureau what our records
	// do not know: subjects and domains filed through other providers.
	m.Workflow.SetLookup(m.Bureau.Exchange.FilingLookup())
	for kind, h := range m.Bureau.Exchange.Handlers() {
		m.Jobs.Handle(kind, h)
	}
	poll := bc.Poll
	if poll < time.Second {
		poll = time.Minute
	}
	m.Jobs.Periodic(workflow.JobTick, poll)
	m.Jobs.Periodic(workflow.JobRetention, 24*time.Hour)
	return nil
}

// close stops the simulator's server and saves its state. Main.Close calls
// it after the jobs stopped.
func (b *Bureau) close(ctx context.Context) error {
	var errs []error
	if b.server != nil {
		errs = append(errs, b.server.Shutdown(ctx))
	}
	if b.Sim != nil {
		errs = append(errs, b.Sim.Close())
	}
	return errors.Join(errs...)
}

// printBanner tells the operator where the simulated bureau's pages are.
func (b *Bureau) printBanner(w io.Writer) {
	if b.Sim == nil {
		return
	}
	fmt.Fprintf(w, "  Bureau simulator (省局系统模拟器): %s/sim/\n", b.SimURL)
	fmt.Fprintf(w, "    phone inbox (SMS codes): %s/sim/phone\n", b.SimURL)
	fmt.Fprintf(w, "    SMS verification page:   %s/sim/verify\n", b.SimURL)
}

// bureauSim is `beian bureau-sim`: the simulator as its own process, for
// Beian replicas (or any enterprise-side system) to share.
func bureauSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("beian bureau-sim", flag.ContinueOnError)
	var (
		listen, dir, policy, user, province, name, level string
		isp                                              int64
		days                                             int
		speedup                                          time.Duration
		logJSON                                          bool
	)
	def := bureausim.DefaultISP
	fs.StringVar(&listen, "listen", envOr("BEIAN_SIM_LISTEN", "127.0.0.1:8090"), "HTTP listen address (env BEIAN_SIM_LISTEN)")
	fs.StringVar(&dir, "data-dir", envOr("BEIAN_SIM_DATA_DIR", "beian-sim-data"), "directory for the simulator's state (env BEIAN_SIM_DATA_DIR)")
	envISP, _ := strconv.ParseInt(envOr("BEIAN_SIM_ISP_ID", strconv.FormatInt(def.ISPID, 10)), 10, 64)
	fs.Int64Var(&isp, "isp-id", envISP, "the provider's ispId (env BEIAN_SIM_ISP_ID)")
	fs.StringVar(&user, "isp-user", envOr("BEIAN_SIM_ISP_USER", def.UserName), "the provider's user name (env BEIAN_SIM_ISP_USER); the password, AES key and IV come from BEIAN_SIM_ISP_PASSWORD, BEIAN_SIM_AES_KEY and BEIAN_SIM_AES_IV (demo values when unset)")
	fs.StringVar(&name, "isp-name", envOr("BEIAN_SIM_ISP_NAME", def.Name), "the provider's name (env BEIAN_SIM_ISP_NAME)")
	fs.StringVar(&province, "province", envOr("BEIAN_SIM_PROVINCE", def.Province), "two-digit code of the bureau's province (env BEIAN_SIM_PROVINCE)")
	envDays, _ := strconv.Atoi(envOr("BEIAN_SIM_REVIEW_WORKDAYS", "0"))
	fs.IntVar(&days, "review-workdays", envDays, "working days a review takes, -1 at once, 0 for the default 3 (env BEIAN_SIM_REVIEW_WORKDAYS)")
	envSpeed, _ := time.ParseDuration(envOr("BEIAN_SIM_SPEEDUP", "0s"))
	fs.DurationVar(&speedup, "speedup", envSpeed, "real time one simulated day takes, for demos; 0 for real time (env BEIAN_SIM_SPEEDUP)")
	fs.StringVar(&policy, "policy", envOr("BEIAN_SIM_POLICY", ""), "JSON file of review rules (see bureausim.Rules) (env BEIAN_SIM_POLICY)")
	fs.StringVar(&level, "log-level", envOr("BEIAN_LOG_LEVEL", "info"), "debug, info, warn or error (env BEIAN_LOG_LEVEL)")
	fs.BoolVar(&logJSON, "log-json", envBool("BEIAN_LOG_JSON", true), "log JSON lines to stderr (env BEIAN_LOG_JSON)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	lc := Config{LogLevel: level, LogJSON: logJSON}
	if err := lc.validate(); err != nil {
		return err
	}
	log := lc.logger(stderr)
	a := bureausim.ISPAccount{ISPID: isp, Name: name, UserName: user, Password: envOr("BEIAN_SIM_ISP_PASSWORD", def.Password),
		Key: envOr("BEIAN_SIM_AES_KEY", def.Key), IV: envOr("BEIAN_SIM_AES_IV", def.IV), Province: province}
	cfg := bureausim.Config{ISPs: []bureausim.ISPAccount{a}, Dir: dir, ReviewWorkdays: days, Speedup: speedup, Logger: log}
	if policy != "" {
		data, err := os.ReadFile(policy)
		if err != nil {
			return fmt.Errorf("--policy: %w", err)
		}
		rules, err := bureausim.ParseRules(data)
		if err != nil {
			return fmt.Errorf("--policy %s: %w", policy, err)
		}
		cfg.Policy = rules.Policy()
	}
	sim, err := bureausim.New(cfg)
	if err != nil {
		return err
	}
	defer sim.Close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another with --listen)", listen, err)
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Bureau simulator (省局系统模拟器) is running at %s (%s).\n", url, a)
	fmt.Fprintf(stdout, "  SOAP:   %s/ISPWebService/upDownLoad, %s/BeianStatusWebService/…\n", url, url)
	fmt.Fprintf(stdout, "  Pages:  %s/sim/ (phone inbox %s/sim/phone, SMS verification %s/sim/verify, admin %s/sim/admin)\n", url, url, url, url)
	fmt.Fprintf(stdout, "  State:  %s\n  Stop with Ctrl-C.\n", dir)
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// verifyURL is where responsible persons enter their MIIT SMS codes: the
// simulator's verification page, or MIIT's own site with a real bureau.
func (b *Bureau) verifyURL() string {
	if b.SimURL != "" {
		return b.SimURL + "/sim/verify"
	}
	return "https://beian.miit.gov.cn"
}
