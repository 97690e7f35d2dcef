package workflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// The exchange engine: per bureau connection, an uploader that batches
// pending operations into numbered files, stores each file before sending it
// and never lets two uploaders share a connection, and a downloader that
// stores, processes and acknowledges every file the bureau sends exactly
// once. Both run as jobs; see Handlers. docs/miit-interface.md describes
// what each return and result code does.

// Job kinds of the exchange.
const (
	// JobUpload uploads a connection's pending operations; payload
	// ExchangeJobArgs. SubmitToBureau enqueues it, unique per connection.
	JobUpload = "miit.upload"
	// JobDownload downloads and processes a connection's files.
	JobDownload = "miit.download"
	// JobTick runs periodically: it enqueues an upload for every connection
	// with work and a download for every connection.
	JobTick = "miit.tick"
	// JobRetention deletes stored exchange files older than the retention.
	JobRetention = "miit.retention"
	// JobComplianceFeed tells the compliance work that a bureau feed item
	// (HSRW, HCJG, XGTZ, WBAWZLB) was stored; payload ComplianceFeedArgs.
	JobComplianceFeed = "compliance.feed"
)

// ExchangeJobArgs is the payload of JobUpload and JobDownload.
type ExchangeJobArgs struct {
	Connection string `json:"connection"`
}

// ComplianceFeedArgs is the payload of JobComplianceFeed: the stored
// beian.FeedItem's ID (read it with FindFeedItem).
type ComplianceFeedArgs struct {
	ItemID string `json:"item_id"`
	Kind   string `json:"kind"`
}

// Backoff is how the engine retries a failed call within one run, before
// the job gives up and the queue retries it later.
type Backoff struct {
	Attempts int           // calls per step and run; 0 means 5
	Min, Max time.Duration // first and longest wait; 0 means 2 s and 1 min
}

// ExchangeHooks let tests interrupt the engine where a crash would.
type ExchangeHooks struct {
	// AfterRecord runs after an upload file is stored and recorded, before
	// it is sent. A non-nil error stops the run at once, as if the process
	// died: the lease is not released and nothing else is written.
	AfterRecord func(ctx context.Context, f *beian.UploadFile) error
}

// ExchangeConfig configures the engine. Zero values are production
// defaults.
type ExchangeConfig struct {
	// Files stores upload payloads and downloaded documents and reads
	// pre-approval scans; required.
	Files beian.ExchangeFiles
	// HTTPClient makes the SOAP calls; nil means one with CallTimeout.
	HTTPClient *http.Client
	// CallTimeout bounds one call; 0 means 2 minutes.
	CallTimeout time.Duration
	// LookupTimeout bounds one isp_querybeianstatus call of the
	// filing-type check, which a person waits for; 0 means
	// DefaultLookupTimeout.
	LookupTimeout time.Duration
	// LeaseTTL is how long a lease holds without renewal; it must exceed
	// CallTimeout, since the holder renews it between calls. 0 means 5 min.
	LeaseTTL time.Duration
	// Backoff retries calls within a run.
	Backoff Backoff
	// Sleep waits between retries; nil waits on a timer (or ctx).
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxFileRecords and MaxFileBytes bound an upload file (spec 3-3-1-3:
	// 1000 records, 50 MB); 0 means those.
	MaxFileRecords int
	MaxFileBytes   int
	// Retention is how long exchange files are kept; 0 means 93 days (the
	// spec asks for at least three months).
	Retention time.Duration
	// MaxDownloads bounds the files one download run takes; 0 means 200.
	MaxDownloads int
	// ItemAttempts is how often a download record may fail before it is
	// skipped (and an operator alerted); 0 means 5.
	ItemAttempts int
	// Owner names this process in leases; "" means host name and PID.
	Owner string
	// Hooks are for tests.
	Hooks ExchangeHooks
}

// Exchange is the engine. It is safe for concurrent use; runs of the same
// kind on one connection exclude each other through leases in the store,
// across processes too.
type Exchange struct {
	w     *Workflow
	cfg   ExchangeConfig
	owner string
	log   *slog.Logger

	mu      sync.Mutex
	clients map[string]*clientEntry
}

type clientEntry struct {
	fingerprint string
	client      *miit.Client
	key         *miit.AESKey
}

// NewExchange returns the engine for w's store.
func NewExchange(w *Workflow, cfg ExchangeConfig) *Exchange {
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 2 * time.Minute
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 5 * time.Minute
	}
	if cfg.LookupTimeout <= 0 {
		cfg.LookupTimeout = DefaultLookupTimeout
	}
	if cfg.Backoff.Attempts <= 0 {
		cfg.Backoff.Attempts = 5
	}
	if cfg.Backoff.Min <= 0 {
		cfg.Backoff.Min = 2 * time.Second
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = time.Minute
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.MaxFileRecords <= 0 || cfg.MaxFileRecords > 1000 {
		cfg.MaxFileRecords = 1000
	}
	if cfg.MaxFileBytes <= 0 || cfg.MaxFileBytes > 50<<20 {
		cfg.MaxFileBytes = 50 << 20
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 93 * 24 * time.Hour
	}
	if cfg.MaxDownloads <= 0 {
		cfg.MaxDownloads = 200
	}
	if cfg.ItemAttempts <= 0 {
		cfg.ItemAttempts = 5
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.CallTimeout}
	}
	owner := cfg.Owner
	if owner == "" {
		host, _ := os.Hostname()
		owner = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	return &Exchange{w: w, cfg: cfg, owner: owner, log: w.log.With("component", "miit"), clients: map[string]*clientEntry{}}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Handlers returns the job handlers of the exchange by kind, for the queue
// (cmd/beian registers them). JobComplianceFeed is not among them: the
// compliance work owns it.
func (x *Exchange) Handlers() map[string]func(context.Context, beian.Job) error {
	conn := func(j beian.Job) (string, error) {
		var a ExchangeJobArgs
		if err := json.Unmarshal(j.Payload, &a); err != nil || a.Connection == "" {
			return "", fmt.Errorf("workflow: %s job without a connection: %s", j.Kind, j.Payload)
		}
		return a.Connection, nil
	}
	return map[string]func(context.Context, beian.Job) error{
		JobUpload: func(ctx context.Context, j beian.Job) error {
			id, err := conn(j)
			if err != nil {
				return err
			}
			return x.Upload(ctx, id)
		},
		JobDownload: func(ctx context.Context, j beian.Job) error {
			id, err := conn(j)
			if err != nil {
				return err
			}
			return x.Download(ctx, id)
		},
		JobTick: func(ctx context.Context, _ beian.Job) error { return x.Tick(ctx) },
		JobRetention: func(ctx context.Context, _ beian.Job) error {
			_, err := x.Retention(ctx)
			return err
		},
	}
}

// PutConnection stores a bureau connection's configuration (from flags or
// the admin console), keeping its exchange state. Errors: EINVALID for a
// connection that cannot work.
func (x *Exchange) PutConnection(ctx context.Context, c *beian.BureauConnection) error {
	if c.ID == "" {
		c.ID = c.Province
	}
	if _, ok := beian.ProvinceByCode(c.Province); !ok || len(c.Province) != 2 {
		return beian.Invalid("province", "order.province")
	}
	if c.Endpoint == "" || c.ISPID <= 0 || c.UserName == "" || c.Password == "" {
		return beian.Invalid("endpoint", "bureau.connection.incomplete")
	}
	if c.AESKey != "" || c.AESIV != "" {
		if _, err := miit.NewAESKey(c.AESKey, c.AESIV); err != nil {
			return beian.Invalid("aes_key", "bureau.connection.aes").WithCause(err)
		}
	}
	return x.w.store.Update(ctx, func(tx beian.Tx) error {
		old, err := notFoundIsNil(tx.FindBureauConnection(ctx, c.ID, true))
		if err != nil {
			return err
		}
		if old != nil && old.Province == c.Province && old.Endpoint == c.Endpoint && old.ISPID == c.ISPID && old.UserName == c.UserName &&
			old.Password == c.Password && old.AESKey == c.AESKey && old.AESIV == c.AESIV && old.Namespace == c.Namespace &&
			old.ProviderName == c.ProviderName && old.AccessMethod == c.AccessMethod && old.ServerLocation == c.ServerLocation &&
			old.Enabled == c.Enabled {
			return nil // every start puts the configured connection; only changes are written and audited
		}
		if err := tx.PutBureauConnection(ctx, c); err != nil {
			return err
		}
		return audit(ctx, tx, ActorSystem, "bureau.connection.put", "bureau_connection", c.ID,
			map[string]any{"province": c.Province, "endpoint": c.Endpoint, "isp_id": c.ISPID, "enabled": c.Enabled, "new": old == nil})
	})
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"bureau.connection.incomplete": {ZH: "管局连接需要地址、ispId、用户名和密码。", EN: "A bureau connection needs an endpoint, ispId, user name and password."},
		"bureau.connection.aes":        {ZH: "AES密钥和向量必须各为16个字符。", EN: "The AES key and IV must be 16 characters each."},
		"bureau.connection.none":       {ZH: "没有配置{province}管局的连接，无法提交。", EN: "No bureau connection is configured for {province}; cannot submit."},
		"bureau.connection.disabled":   {ZH: "{province}管局的连接已停用。", EN: "The connection to the {province} bureau is disabled."},
	})
}

// client returns the SOAP client and AES key of a connection, rebuilt when
// its configuration changed.
func (x *Exchange) client(c *beian.BureauConnection) (*miit.Client, *miit.AESKey, error) {
	fp := strings.Join([]string{c.Endpoint, strconv.FormatInt(c.ISPID, 10), c.UserName, c.Password, c.AESKey, c.AESIV, c.Namespace}, "\x00")
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.clients[c.ID]; ok && e.fingerprint == fp {
		return e.client, e.key, nil
	}
	var key *miit.AESKey
	if c.AESKey != "" || c.AESIV != "" {
		k, err := miit.NewAESKey(c.AESKey, c.AESIV)
		if err != nil {
			return nil, nil, err
		}
		key = k
	}
	cl := miit.NewClient(c.Endpoint, miit.Credentials{ISPID: c.ISPID, UserName: c.UserName, Password: c.Password})
	cl.HTTPClient = x.cfg.HTTPClient
	cl.Namespace = c.Namespace
	cl.UserAgent = "Beian"
	x.clients[c.ID] = &clientEntry{fingerprint: fp, client: cl, key: key}
	return cl, key, nil
}

// runID is a lease owner unique to one run, so that two runs in one process
// exclude each other as runs in two processes do.
func (x *Exchange) runID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return x.owner + "/" + hex.EncodeToString(b[:])
}

// errLeaseBusy reports that another run holds the lease; the caller leaves
// the work to it.
func isLeaseBusy(err error) bool {
	e, ok := beian.AsError(err)
	return ok && e.Key == "bureau.lease.busy"
}

func isLeaseLost(err error) bool {
	e, ok := beian.AsError(err)
	return ok && e.Key == "bureau.lease.lost"
}

// backoff returns the wait before retry n (1-based): doubling from Min,
// capped at Max.
func (x *Exchange) backoff(n int) time.Duration {
	d := x.cfg.Backoff.Min
	for i := 1; i < n && d < x.cfg.Backoff.Max; i++ {
		d *= 2
	}
	return min(d, x.cfg.Backoff.Max)
}

// enoughTime reports whether ctx leaves room for another call: the queue
// gives jobs a deadline, and a run stops cleanly before it rather than being
// cut off mid-call.
func (x *Exchange) enoughTime(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > x.cfg.CallTimeout/4
}

// callCtx bounds one call.
func (x *Exchange) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, x.cfg.CallTimeout)
}

// operatorError records on the connection an error an operator must see and
// logs it; secrets and personal data never reach it.
func (x *Exchange) operatorError(ctx context.Context, connID, msg string) {
	x.log.ErrorContext(ctx, "bureau exchange needs an operator", "connection", connID, "problem", msg)
	err := x.w.store.Update(ctx, func(tx beian.Tx) error {
		c, err := tx.FindBureauConnection(ctx, connID, true)
		if err != nil {
			return err
		}
		c.LastError, c.LastErrorAt = clipRunes(msg, 500), tx.Now()
		return tx.UpdateBureauConnectionState(ctx, c)
	})
	if err != nil {
		x.log.ErrorContext(ctx, "recording a connection error failed", "connection", connID, "err", err)
	}
}

// Tick enqueues, for every enabled connection, an upload when it has work
// and a download. The periodic job runs it; it is the safety net for work
// whose upload job was skipped while another run was finishing.
func (x *Exchange) Tick(ctx context.Context) error {
	return x.w.store.Update(ctx, func(tx beian.Tx) error {
		conns, err := tx.BureauConnections(ctx)
		if err != nil {
			return err
		}
		for _, c := range conns {
			if !c.Enabled {
				continue
			}
			ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: c.ID,
				States: []beian.OperationState{beian.OpPending}, Limit: 1})
			if err != nil {
				return err
			}
			files, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: c.ID, States: []beian.UploadFileState{beian.FileRecorded}, Limit: 1})
			if err != nil {
				return err
			}
			if len(ops) > 0 || len(files) > 0 || c.NeedsResync {
				if err := enqueue(ctx, tx, JobUpload, c.ID, ExchangeJobArgs{Connection: c.ID}, time.Time{}); err != nil {
					return err
				}
			}
			if err := enqueue(ctx, tx, JobDownload, c.ID, ExchangeJobArgs{Connection: c.ID}, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retention deletes the stored payloads of upload and download files older
// than the retention period and returns how many it deleted. The rows stay,
// as the exchange's history.
func (x *Exchange) Retention(ctx context.Context) (int, error) {
	if x.cfg.Files == nil {
		return 0, nil
	}
	cutoff := x.w.clock.Now().Add(-x.cfg.Retention)
	var ups []*beian.UploadFile
	var downs []*beian.DownloadFile
	err := x.w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if ups, err = tx.FindUploadFiles(ctx, beian.UploadFileFilter{CreatedBefore: cutoff, NotPurged: true}); err != nil {
			return err
		}
		downs, err = tx.FindDownloadFiles(ctx, "", cutoff)
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range ups {
		// A file the bureau has not confirmed may still be needed.
		if f.State == beian.FileRecorded {
			continue
		}
		if err := x.cfg.Files.DeleteFile(ctx, f.BlobKey); err != nil {
			return n, err
		}
		if err := x.w.store.Update(ctx, func(tx beian.Tx) error { f.PurgedAt = tx.Now(); return tx.UpdateUploadFile(ctx, f) }); err != nil {
			return n, err
		}
		n++
	}
	for _, f := range downs {
		if f.ProcessedAt.IsZero() {
			continue
		}
		if err := x.cfg.Files.DeleteFile(ctx, f.BlobKey); err != nil {
			return n, err
		}
		if err := x.w.store.Update(ctx, func(tx beian.Tx) error { f.PurgedAt = tx.Now(); return tx.UpdateDownloadFile(ctx, f) }); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		x.log.InfoContext(ctx, "exchange files past retention deleted", "files", n)
	}
	return n, nil
}

// storedPayload is an upload payload as kept in the file store: exactly
// what was sent, so that a resend carries the same bytes and hash.
type storedPayload struct {
	FileName          string `json:"file_name"`
	BeianInfo         string `json:"beian_info"`
	BeianInfoHash     string `json:"beian_info_hash"`
	EncryptAlgorithm  int    `json:"encrypt_algorithm"`
	HashAlgorithm     int    `json:"hash_algorithm"`
	CompressionFormat int    `json:"compression_format"`
}

func (p storedPayload) payload() *miit.Payload {
	return &miit.Payload{FileName: p.FileName, BeianInfo: p.BeianInfo, BeianInfoHash: p.BeianInfoHash,
		EncryptAlgorithm: miit.EncryptAlgorithm(p.EncryptAlgorithm), HashAlgorithm: miit.HashAlgorithm(p.HashAlgorithm),
		CompressionFormat: miit.CompressionFormat(p.CompressionFormat)}
}

// Upload runs the uploader of a connection: resynchronise when an earlier
// send's outcome is unknown, then send the recorded files oldest first and
// batch pending operations into new files, until nothing is left. When
// another run holds the connection's lease it returns nil at once and leaves
// the work to that run. A transient failure that outlasts the retries
// returns an error, so the queue runs the job again later.
func (x *Exchange) Upload(ctx context.Context, connID string) error {
	if x.cfg.Files == nil {
		return errors.New("workflow: exchange has no file store")
	}
	// Most runs find nothing to do (the tick, a job for work another run
	// already took): a read tells, without taking the lease, which writes.
	work, err := x.uploadWork(ctx, connID)
	if err != nil || !work {
		return err
	}
	owner := x.runID()
	var lease beian.Lease
	err = x.w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		lease, err = tx.TakeLease(ctx, connID, beian.LeaseUpload, owner, x.cfg.LeaseTTL)
		return err
	})
	if isLeaseBusy(err) {
		x.log.DebugContext(ctx, "upload already running", "connection", connID)
		return nil
	}
	if err != nil {
		return err
	}
	crashed := false
	defer func() {
		if crashed {
			return
		}
		// Released with a fresh context: a cancelled run must still let the
		// next one start without waiting for the lease to expire.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := x.w.store.Update(rctx, func(tx beian.Tx) error { return tx.ReleaseLease(rctx, lease) }); err != nil {
			x.log.WarnContext(ctx, "releasing the upload lease failed", "connection", connID, "err", err)
		}
	}()
	u := &uploader{x: x, lease: lease, connID: connID}
	err = u.run(ctx)
	if errors.Is(err, errCrash) {
		crashed = true
		return err
	}
	if isLeaseLost(err) {
		x.log.WarnContext(ctx, "upload lease lost to another run; stopping", "connection", connID)
		return nil
	}
	return err
}

// uploadWork reports whether a connection has anything for the uploader:
// pending operations, recorded files or an unknown outcome.
func (x *Exchange) uploadWork(ctx context.Context, connID string) (bool, error) {
	var work bool
	err := x.w.store.View(ctx, func(tx beian.Tx) error {
		c, err := tx.FindBureauConnection(ctx, connID, false)
		if err != nil {
			return err
		}
		if c.NeedsResync {
			work = true
			return nil
		}
		ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: connID, States: []beian.OperationState{beian.OpPending}, Limit: 1})
		if err != nil || len(ops) > 0 {
			work = len(ops) > 0
			return err
		}
		files, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: connID, States: []beian.UploadFileState{beian.FileRecorded}, Limit: 1})
		work = len(files) > 0
		return err
	})
	return work, err
}

// errStaleBatch makes record start over: an operation it batched changed
// state meanwhile.
var errStaleBatch = errors.New("workflow: batched operations changed")

// errCrash marks the stop a test hook asked for.
var errCrash = errors.New("workflow: run stopped by a test hook")

// uploader is one run of the uploader.
type uploader struct {
	x      *Exchange
	lease  beian.Lease
	connID string
	conn   *beian.BureauConnection
	client *miit.Client
	key    *miit.AESKey
	// failures counts transient failures in this run; sent the files
	// accepted since the last resynchronisation.
	failures int
	sent     int
}

// step loads the connection and renews the lease in one transaction.
func (u *uploader) step(ctx context.Context) error {
	return u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		l, err := tx.CheckLease(ctx, u.lease, u.x.cfg.LeaseTTL)
		if err != nil {
			return err
		}
		u.lease = l
		if u.conn, err = tx.FindBureauConnection(ctx, u.connID, false); err != nil {
			return err
		}
		return nil
	})
}

// transient counts a transient failure and waits before the next attempt;
// it returns the error when the retries are used up.
func (u *uploader) transient(ctx context.Context, err error) error {
	u.failures++
	if u.failures >= u.x.cfg.Backoff.Attempts {
		return fmt.Errorf("workflow: upload on %s: giving up after %d failures: %w", u.connID, u.failures, err)
	}
	u.x.log.InfoContext(ctx, "bureau call failed; retrying", "connection", u.connID, "attempt", u.failures, "err", err)
	return u.x.cfg.Sleep(ctx, u.x.backoff(u.failures))
}

func (u *uploader) run(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !u.x.enoughTime(ctx) {
			return nil // the next tick continues
		}
		if err := u.step(ctx); err != nil {
			return err
		}
		if !u.conn.Enabled {
			return nil
		}
		var err error
		if u.client, u.key, err = u.x.client(u.conn); err != nil {
			u.x.operatorError(ctx, u.connID, "invalid AES key or IV: "+err.Error())
			return err
		}
		if u.conn.NeedsResync {
			if err := u.resync(ctx); err != nil {
				if isPermanent(err) {
					return err
				}
				if err := u.transient(ctx, err); err != nil {
					return err
				}
			}
			continue
		}
		var file *beian.UploadFile
		err = u.x.w.store.View(ctx, func(tx beian.Tx) error {
			fs, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: u.connID, States: []beian.UploadFileState{beian.FileRecorded}, Limit: 1})
			if len(fs) > 0 {
				file = fs[0]
			}
			return err
		})
		if err != nil {
			return err
		}
		if file == nil {
			if file, err = u.record(ctx); err != nil {
				return err
			}
			if file == nil {
				if u.sent == 0 {
					return nil
				}
				// Nothing left to send. A bureau may answer 0 and lose the file
				// (the next upload's code 14 would reveal it, but there may be
				// no next upload): confirm the last sequence before stopping.
				u.sent = 0
				if err := u.resync(ctx); err != nil {
					if isPermanent(err) {
						return err
					}
					if err := u.transient(ctx, err); err != nil {
						return err
					}
				}
				continue
			}
			if h := u.x.cfg.Hooks.AfterRecord; h != nil {
				if err := h(ctx, file); err != nil {
					return fmt.Errorf("%w: %v", errCrash, err)
				}
			}
		}
		if err := u.send(ctx, file); err != nil {
			if isPermanent(err) || isLeaseLost(err) || errors.Is(err, context.Canceled) {
				return err
			}
			if err := u.transient(ctx, err); err != nil {
				return err
			}
		}
	}
}

// permanentError stops a run: retrying cannot help until an operator acts.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// resync asks the bureau for the last sequence it accepted and brings the
// stored files in line: recorded files it has are accepted, accepted files
// it does not have (a bureau that answered and lost them) are to be sent
// again. A different file under one sequence is a fork an operator must
// resolve.
func (u *uploader) resync(ctx context.Context) error {
	cctx, cancel := u.x.callCtx(ctx)
	prev, err := u.client.QueryPreviousUpload(cctx)
	cancel()
	if err != nil {
		var re *miit.ReturnError
		if errors.As(err, &re) && !re.Retryable() {
			u.x.operatorError(ctx, u.connID, "isp_querypreviousupload: "+re.Error())
			return &permanentError{err}
		}
		return err
	}
	last := prev.DataSequence
	u.sent = 0
	var fork string
	err = u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.CheckLease(ctx, u.lease, 0); err != nil {
			return err
		}
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		files, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: u.connID, States: []beian.UploadFileState{beian.FileRecorded, beian.FileAccepted}})
		if err != nil {
			return err
		}
		now := tx.Now()
		for _, f := range files {
			switch {
			case f.Seq == last && prev.File != nil && strings.TrimSpace(prev.File.BeianInfoHash) != f.Hash:
				fork = fmt.Sprintf("the bureau holds another file under sequence %d (hash %s, ours %s)", last, prev.File.BeianInfoHash, f.Hash)
			case f.Seq <= last && f.State == beian.FileRecorded:
				f.State, f.AcceptedAt, f.LastError = beian.FileAccepted, now, ""
				if err := u.acceptOps(ctx, tx, f); err != nil {
					return err
				}
			case f.Seq > last && f.State == beian.FileAccepted:
				// Accepted once, unknown to the bureau now: send it again.
				f.State, f.LastError = beian.FileRecorded, "not held by the bureau after resynchronisation"
			default:
				continue
			}
			if err := tx.UpdateUploadFile(ctx, f); err != nil {
				return err
			}
		}
		if fork != "" {
			return nil
		}
		if last >= c.NextSequence {
			// The bureau has numbers we never issued (a restored backup?): never
			// reuse them.
			u.x.log.ErrorContext(ctx, "bureau holds sequences unknown to us", "connection", u.connID, "bureau_last", last, "next", c.NextSequence)
			c.NextSequence = last + 1
		}
		c.AcceptedSequence, c.NeedsResync = last, false
		return tx.UpdateBureauConnectionState(ctx, c)
	})
	if err != nil {
		return err
	}
	if fork != "" {
		u.x.operatorError(ctx, u.connID, "sequence fork: "+fork)
		return &permanentError{errors.New(fork)}
	}
	u.x.log.InfoContext(ctx, "upload sequence resynchronised", "connection", u.connID, "bureau_last", last)
	return nil
}

// acceptOps marks the operations of an accepted file as sent.
func (u *uploader) acceptOps(ctx context.Context, tx beian.Tx, f *beian.UploadFile) error {
	ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: u.connID, FileSeq: f.Seq, States: []beian.OperationState{beian.OpFiled}})
	if err != nil {
		return err
	}
	for _, op := range ops {
		op.State = beian.OpSent
		if err := tx.UpdateBureauOperation(ctx, op); err != nil {
			return err
		}
	}
	return nil
}

// record batches pending operations into the next upload file: encodes and
// stores it, then, in one transaction that checks the lease, records it with
// the connection's next sequence number. It returns nil when nothing is
// pending.
func (u *uploader) record(ctx context.Context) (*beian.UploadFile, error) {
	var ops []*beian.BureauOperation
	err := u.x.w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		ops, err = tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: u.connID,
			States: []beian.OperationState{beian.OpPending}, Limit: u.x.cfg.MaxFileRecords})
		return err
	})
	if err != nil || len(ops) == 0 {
		return nil, err
	}
	seq := u.conn.NextSequence
	now := u.x.w.clock.Now()
	name := miit.UploadFileName(now, strconv.FormatInt(u.conn.ISPID, 10), seq)
	doc, ops, err := u.x.buildFile(u.conn.ISPID, ops)
	if err != nil {
		u.x.operatorError(ctx, u.connID, "building an upload file failed: "+err.Error())
		return nil, &permanentError{err}
	}
	p, err := miit.EncodePayload(name, doc, miit.EncodeOptions{Key: u.key, Modified: now})
	if err != nil {
		return nil, &permanentError{err}
	}
	sp := storedPayload{FileName: p.FileName, BeianInfo: p.BeianInfo, BeianInfoHash: p.BeianInfoHash, EncryptAlgorithm: int(p.EncryptAlgorithm),
		HashAlgorithm: int(p.HashAlgorithm), CompressionFormat: int(p.CompressionFormat)}
	data, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("miit/upload/%s/%010d-%s.json", u.connID, seq, strings.TrimSuffix(name, ".xml"))
	// Stored before it is recorded, recorded before it is sent: a crash
	// after this leaves at worst an unreferenced object.
	if err := u.x.cfg.Files.PutFile(ctx, key, data); err != nil {
		return nil, err
	}
	f := &beian.UploadFile{ConnectionID: u.connID, Seq: seq, Name: name, BlobKey: key, Hash: p.BeianInfoHash, Records: len(ops),
		Size: int64(len(doc)), State: beian.FileRecorded}
	err = u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.CheckLease(ctx, u.lease, 0); err != nil {
			return err
		}
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		if c.NextSequence != seq {
			return beian.Errorf(beian.ECONFLICT, "bureau.lease.lost").WithCause(fmt.Errorf("next sequence moved from %d to %d", seq, c.NextSequence))
		}
		if err := tx.CreateUploadFile(ctx, f); err != nil {
			return err
		}
		// An operation superseded since it was read (its order went back and
		// was submitted again) must not travel: build the file anew.
		pending, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: u.connID,
			States: []beian.OperationState{beian.OpPending}})
		if err != nil {
			return err
		}
		still := make(map[string]bool, len(pending))
		for _, op := range pending {
			still[op.ID] = true
		}
		for _, op := range ops {
			if !still[op.ID] {
				return errStaleBatch
			}
			op.State, op.FileSeq = beian.OpFiled, seq
			if err := tx.UpdateBureauOperation(ctx, op); err != nil {
				return err
			}
		}
		c.NextSequence = seq + 1
		return tx.UpdateBureauConnectionState(ctx, c)
	})
	if errors.Is(err, errStaleBatch) {
		return u.record(ctx)
	}
	if err != nil {
		return nil, err
	}
	u.x.log.InfoContext(ctx, "upload file recorded", "connection", u.connID, "seq", seq, "records", f.Records, "bytes", f.Size)
	return f, nil
}

// buildFile encodes operations as one upload document within the file
// limits, dropping operations from the end (for the next file) while the
// document is too large. It returns the document and the operations in it.
func (x *Exchange) buildFile(isp int64, ops []*beian.BureauOperation) ([]byte, []*beian.BureauOperation, error) {
	recs := make([]uploadOp, 0, len(ops))
	for _, op := range ops {
		r, err := newRecord(op.Kind)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(op.Record, r); err != nil {
			return nil, nil, fmt.Errorf("operation %s: %w", op.ID, err)
		}
		recs = append(recs, uploadOp{Kind: op.Kind, Record: r})
	}
	for n := len(recs); n > 0; n /= 2 {
		doc, err := miit.EncodeUpload(uploadDoc(isp, recs[:n]))
		if err != nil {
			return nil, nil, err
		}
		if len(doc) <= x.cfg.MaxFileBytes {
			return doc, ops[:n], nil
		}
	}
	return nil, nil, fmt.Errorf("operation %s alone exceeds %d bytes", ops[0].ID, x.cfg.MaxFileBytes)
}

// send sends one recorded file. The outcome decides what follows: accepted,
// sequences missing (code 14: the missing files go first), refused for now
// (retry), refused for good (operator), or unknown (resynchronise first).
func (u *uploader) send(ctx context.Context, f *beian.UploadFile) error {
	data, err := u.x.cfg.Files.GetFile(ctx, f.BlobKey)
	if err != nil {
		u.x.operatorError(ctx, u.connID, fmt.Sprintf("stored upload file %d cannot be read: %v", f.Seq, err))
		return &permanentError{err}
	}
	var sp storedPayload
	if err := json.Unmarshal(data, &sp); err != nil {
		return &permanentError{fmt.Errorf("stored upload file %d: %w", f.Seq, err)}
	}
	// Before sending: from here until an answer, the outcome is unknown.
	err = u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.CheckLease(ctx, u.lease, u.x.cfg.LeaseTTL); err != nil {
			return err
		}
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		c.NeedsResync = true
		if err := tx.UpdateBureauConnectionState(ctx, c); err != nil {
			return err
		}
		f.Attempts++
		f.SentAt = tx.Now()
		return tx.UpdateUploadFile(ctx, f)
	})
	if err != nil {
		return err
	}
	cctx, cancel := u.x.callCtx(ctx)
	_, callErr := u.client.Upload(cctx, sp.payload(), f.Seq)
	cancel()

	var re *miit.ReturnError
	switch {
	case callErr == nil:
		return u.accepted(ctx, f)
	case errors.As(callErr, &re) && re.Code == miit.ReturnSequenceGap:
		return u.missing(ctx, f, re)
	case errors.As(callErr, &re) && re.Code == miit.ReturnOther:
		// 999 may mean the file was accepted anyway: keep the outcome
		// unknown, so the next attempt resynchronises first.
		return callErr
	case errors.As(callErr, &re) && re.Retryable():
		return u.definite(ctx, f, callErr.Error(), callErr)
	case errors.As(callErr, &re) && (re.Kind() == miit.KindAuth || re.Kind() == miit.KindPermission):
		u.x.operatorError(ctx, u.connID, "isp_upload refused: "+re.Error())
		return u.definite(ctx, f, re.Error(), &permanentError{callErr})
	case errors.As(callErr, &re):
		// The payload or a parameter was refused without the sequence being
		// consumed. A transport fluke gets another try; a file refused
		// three times is given up and its operations go into a new file
		// under the same number.
		if f.Attempts < 3 {
			return u.definite(ctx, f, re.Error(), callErr)
		}
		return u.reject(ctx, f, re)
	case errors.Is(callErr, context.Canceled):
		return callErr
	default:
		// A transport failure or a timeout: the bureau may have taken it.
		return callErr
	}
}

// definite records that the bureau answered without taking the file: no
// resync is needed. It returns next, the error the run continues with.
func (u *uploader) definite(ctx context.Context, f *beian.UploadFile, msg string, next error) error {
	err := u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		c.NeedsResync = false
		if err := tx.UpdateBureauConnectionState(ctx, c); err != nil {
			return err
		}
		f.LastError = clipRunes(msg, 500)
		return tx.UpdateUploadFile(ctx, f)
	})
	if err != nil {
		return err
	}
	return next
}

func (u *uploader) accepted(ctx context.Context, f *beian.UploadFile) error {
	err := u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.CheckLease(ctx, u.lease, 0); err != nil {
			return err
		}
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		now := tx.Now()
		f.State, f.AcceptedAt, f.LastError = beian.FileAccepted, now, ""
		if err := tx.UpdateUploadFile(ctx, f); err != nil {
			return err
		}
		if err := u.acceptOps(ctx, tx, f); err != nil {
			return err
		}
		c.NeedsResync = false
		c.AcceptedSequence = max(c.AcceptedSequence, f.Seq)
		c.LastUploadAt = now
		if strings.HasPrefix(c.LastError, "isp_upload") {
			c.LastError = ""
		}
		return tx.UpdateBureauConnectionState(ctx, c)
	})
	if err == nil {
		u.failures = 0
		u.sent++
		u.x.log.InfoContext(ctx, "upload file accepted", "connection", u.connID, "seq", f.Seq, "records", f.Records)
	}
	return err
}

// missing handles code 14: the bureau lacks earlier sequences. Stored files
// with those numbers are sent again first, in order; a number we have no
// file for cannot be filled and needs an operator.
func (u *uploader) missing(ctx context.Context, f *beian.UploadFile, re *miit.ReturnError) error {
	var lost []int64
	err := u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		c.NeedsResync = false
		if err := tx.UpdateBureauConnectionState(ctx, c); err != nil {
			return err
		}
		seqs := re.MissingSequences
		if len(seqs) == 0 {
			// No list given: everything below this file is in doubt.
			c.NeedsResync = true
			return tx.UpdateBureauConnectionState(ctx, c)
		}
		for _, s := range seqs {
			fs, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: u.connID, Seq: s,
				States: []beian.UploadFileState{beian.FileRecorded, beian.FileAccepted}})
			if err != nil {
				return err
			}
			if len(fs) == 0 {
				lost = append(lost, s)
				continue
			}
			if fs[0].State == beian.FileAccepted {
				fs[0].State, fs[0].LastError = beian.FileRecorded, "reported missing by the bureau (code 14)"
				if err := tx.UpdateUploadFile(ctx, fs[0]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		msg := fmt.Sprintf("the bureau misses sequences %v that were never stored here", lost)
		u.x.operatorError(ctx, u.connID, msg)
		return &permanentError{errors.New(msg)}
	}
	u.x.log.WarnContext(ctx, "bureau reports missing sequences; resending", "connection", u.connID, "missing", re.MissingSequences, "seq", f.Seq)
	return nil
}

// reject gives up a file the bureau refuses for good without consuming its
// sequence: its operations return to pending, to be filed anew under the
// same number.
func (u *uploader) reject(ctx context.Context, f *beian.UploadFile, re *miit.ReturnError) error {
	err := u.x.w.store.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.CheckLease(ctx, u.lease, 0); err != nil {
			return err
		}
		c, err := tx.FindBureauConnection(ctx, u.connID, true)
		if err != nil {
			return err
		}
		f.State, f.LastError = beian.FileRejected, clipRunes(re.Error(), 500)
		if err := tx.UpdateUploadFile(ctx, f); err != nil {
			return err
		}
		ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: u.connID, FileSeq: f.Seq, States: []beian.OperationState{beian.OpFiled}})
		if err != nil {
			return err
		}
		for _, op := range ops {
			op.State, op.FileSeq = beian.OpPending, 0
			if err := tx.UpdateBureauOperation(ctx, op); err != nil {
				return err
			}
		}
		c.NeedsResync = false
		if c.NextSequence == f.Seq+1 {
			c.NextSequence = f.Seq
		}
		return tx.UpdateBureauConnectionState(ctx, c)
	})
	if err != nil {
		return err
	}
	u.x.operatorError(ctx, u.connID, fmt.Sprintf("upload file %d refused three times (%s); its records go into a new file", f.Seq, re.Error()))
	return &permanentError{re}
}
