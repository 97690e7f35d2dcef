package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// exReplica runs an exchange engine the way a worker process does: upload and
// download runs for one connection, over and over, until stopped.
type exReplica struct {
	x       *workflow.Exchange
	stop    chan struct{}
	done    chan struct{}
	crashed chan struct{}
}

func startExReplica(ctx context.Context, x *workflow.Exchange, crashed chan struct{}) *exReplica {
	r := &exReplica{x: x, stop: make(chan struct{}), done: make(chan struct{}), crashed: crashed}
	go func() {
		defer close(r.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			// Errors are what the job queue would retry; the loop is the retry.
			_ = x.Upload(ctx, "11")
			if r.crashed != nil {
				select {
				case <-r.crashed:
					return // the process died
				default:
				}
			}
			_ = x.Download(ctx, "11")
			select {
			case <-r.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return r
}

func (r *exReplica) halt() {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
}

// TestBureauExchangeUnderFaults is Done-when 3. Two replicas run the engine
// on one store against a bureau that fails about 30 % of calls (HTTP 500,
// SOAP faults, maintenance codes, timeouts, answers lost after processing),
// drops one accepted upload, sends one download with a wrong hash and
// delivers two files again after acknowledging them; one replica crashes
// after recording an upload file and before sending it and is replaced by a
// new engine on the same store. All 200 orders reach a final state; the
// bureau accepted no record twice and has no gap in the sequence; every
// download file was processed exactly once.
func TestBureauExchangeUnderFaults(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		env := testenv.Open(t, dialect)
		const n = 200
		rejected := func(i int) bool { return i%10 == 3 }
		unverified := func(i int) bool { return i%10 == 7 }
		domain := func(i int) string { return fmt.Sprintf("qingyun-data%d.cn", i) }
		bu := newExBureau(t, func(c *bureausim.Config) {
			// Reviews take one to three working days, so that the approvals come
			// together in a few files as the bureau's clock moves.
			c.ReviewWorkdays = 1
			def := bureausim.DefaultPolicy(nil)
			c.Policy = func(f bureausim.Filing) bureausim.Decision {
				i, ok := exDomainIndex(f)
				if ok && rejected(i) {
					return bureausim.Decision{Opinion: "审核不通过", After: 1 + i%3}
				}
				d := def(f)
				d.After = 1 + i%3
				return d
			}
		})
		files := newExFiles()
		// A timeout fault holds a call until the client gives up, so the
		// client's timeout is what each costs; under the race detector a large
		// download needs more, and fewer timeouts keep the run short.
		callTimeout, timeoutP := 150*time.Millisecond, 0.03
		if raceEnabled {
			callTimeout, timeoutP = 1500*time.Millisecond, 0.01
		}
		var crashOnce sync.Once
		crashed := make(chan struct{})
		engine := func(owner string, crash bool) *workflow.Exchange {
			cfg := exConfig(files, callTimeout)
			cfg.Owner, cfg.MaxFileRecords = owner, 10
			if crash {
				cfg.Hooks.AfterRecord = func(context.Context, *beian.UploadFile) error {
					err := errors.New("simulated crash after recording a file")
					hit := false
					crashOnce.Do(func() { close(crashed); hit = true })
					if hit {
						return err
					}
					return nil
				}
			}
			wf := workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock, Logger: exLogger(t)})
			return workflow.NewExchange(wf, cfg)
		}
		x := engine("replica-1", true)
		if err := x.PutConnection(ctx, bu.connection()); err != nil {
			t.Fatal(err)
		}
		// The code tables (a large file) before the faults and with time to spare.
		setup := workflow.NewExchange(workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock}), exConfig(files, 30*time.Second))
		if err := setup.Download(ctx, "11"); err != nil {
			t.Fatal(err)
		}

		began := time.Now()
		phase := func(what string) { t.Logf("%s after %v", what, time.Since(began).Round(time.Millisecond)) }
		// 200 orders that passed preliminary review, submitted at once.
		ids := make([]string, n)
		people := map[string]string{} // mobile → certificate number
		for i := range n {
			snap := fixture.Enterprise("11", i)
			if i%4 == 1 {
				snap = fixture.Individual("11", i)
				snap.Websites[0].Domains = []string{domain(i)}
			}
			o := exAccountOrder(t, env, fmt.Sprintf("acct-%d", i), beian.FirstFiling, beian.AwaitingBureauSubmission, snap)
			ids[i] = o.ID
			p := snap.Subject.Principal
			people[p.Mobile] = p.CertificateNumber
		}
		phase("orders created")
		subs, err := x.SubmitToBureau(ctx, exStaff(t, env, beian.RoleReviewer), ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			if s.Err != nil {
				t.Fatalf("submission of %s: %v", s.OrderID, s.Err)
			}
		}

		phase("orders submitted")
		// The bureau misbehaves: each transport fault once for certain
		// (faults are tried in the order injected), so a rare kind is
		// exercised in every run, then at random.
		for _, kind := range []bureausim.FaultKind{bureausim.FaultHTTP500, bureausim.FaultSOAPFault, bureausim.FaultBusy,
			bureausim.FaultTimeout, bureausim.FaultLoseResponse} {
			if err := bu.sim.InjectFault(kind, 1); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []struct {
			kind bureausim.FaultKind
			p    float64
		}{{bureausim.FaultHTTP500, 0.19 - 2*timeoutP}, {bureausim.FaultSOAPFault, 0.06}, {bureausim.FaultBusy, 0.05},
			{bureausim.FaultTimeout, timeoutP}, {bureausim.FaultLoseResponse, timeoutP}} {
			if err := bu.sim.InjectRandomFault(f.kind, f.p); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []struct {
			kind bureausim.FaultKind
			n    int
		}{{bureausim.FaultDropUpload, 1}, {bureausim.FaultWrongHash, 1}, {bureausim.FaultRedeliver, 2}} {
			if err := bu.sim.InjectFault(f.kind, f.n); err != nil {
				t.Fatal(err)
			}
		}

		// Replica 1 starts alone and dies after recording its first file,
		// before sending it; replica 2 and a restarted replica 1 take over on
		// the same store. The dead run's lease expires with the store's clock.
		r1 := startExReplica(ctx, x, crashed)
		select {
		case <-crashed:
		case <-time.After(30 * time.Second):
			t.Fatal("replica 1 never recorded a file")
		}
		r1.halt()
		phase("replica 1 crashed")
		r2 := startExReplica(ctx, engine("replica-2", false), nil)
		r3 := startExReplica(ctx, engine("replica-1-restarted", false), nil)
		defer func() {
			r2.halt()
			r3.halt()
		}()

		deadline := time.After(5 * time.Minute) // the race detector slows SQLite tenfold
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		verified := map[string]bool{}
		var expired atomic.Bool
		for done := false; !done; {
			select {
			case <-deadline:
				t.Fatalf("not every order reached a final state: %v", exStateCounts(t, env, ids))
			case <-tick.C:
			}
			env.Clock.Advance(5 * time.Second)

			// People enter their codes, except the unverified ones.
			filings := bu.sim.Filings()
			for _, f := range filings {
				if f.State != bureausim.StateSMS || verified[f.ID] || len(f.Sites) == 0 {
					continue
				}
				if i, ok := exDomainIndex(f); !ok || unverified(i) {
					continue
				}
				for _, m := range f.Mobiles {
					codes := bu.sim.SentCodes(m)
					cert := people[m]
					if len(codes) == 0 || cert == "" {
						t.Fatalf("no code or person for mobile of filing %s", f.ID)
					}
					if _, err := bu.sim.Verify(m, codes[0].Code, cert[len(cert)-6:]); err != nil {
						t.Fatal(err)
					}
				}
				verified[f.ID] = true
			}
			// Once every code that will be entered is in, the bureau's clock runs
			// past the reviews and the 24-hour SMS window of the unverified.
			counts := exStateCounts(t, env, ids)
			if !expired.Load() && len(filings) == n && len(verified) == n-n/10 && counts[beian.SMSPending] <= n/10 {
				for range 3 {
					bu.clock.Advance(24 * time.Hour) // Monday → Thursday: all three review lengths
					_ = bu.sim.Now()
					bu.sim.Filings() // the bureau acts on what became due, a file per day
				}
				expired.Store(true)
				phase("codes entered, bureau clock advanced")
			}
			done = counts[beian.Filed]+counts[beian.BureauRejected]+counts[beian.Returned] == n
		}
		phase("all orders final")
		r2.halt()
		r3.halt()
		faults := bu.sim.Faults()
		bu.sim.ClearFaults()
		// What the bureau still holds (a file it redelivers after an
		// acknowledgement) is fetched once more: recognised, acknowledged.
		if err := setup.Download(ctx, "11"); err != nil {
			t.Fatal(err)
		}

		counts := exStateCounts(t, env, ids)
		if counts[beian.Filed] != 160 || counts[beian.BureauRejected] != 20 || counts[beian.Returned] != 20 {
			t.Errorf("final states %v, want 160 filed, 20 rejected, 20 returned", counts)
		}
		// Exactly one final bureau event per order: nothing applied twice.
		for i, id := range ids {
			acts := exAudit(t, env, "order", id)
			finals := exCount(acts, "order.bureau_approve") + exCount(acts, "order.bureau_reject") + exCount(acts, "order.bureau_return")
			if finals != 1 || exCount(acts, "order.bureau_submit") != 1 || exCount(acts, "order.sms_verified") > 1 {
				t.Errorf("order %d audit trail %v", i, acts)
			}
		}

		// The bureau accepted every record once.
		byBs := map[string]int{}
		for _, f := range bu.sim.Filings() {
			byBs[f.Bs]++
		}
		if len(byBs) != n {
			t.Errorf("the bureau has filings for %d records, want %d", len(byBs), n)
		}
		for bs, c := range byBs {
			if c != 1 {
				t.Errorf("record %s accepted %d times", bs, c)
			}
		}
		// No gap in the sequence, and ours agrees with the bureau's.
		isp := bureausim.DefaultISP.ISPID
		var seqs []int64
		dropped := 0
		for _, u := range bu.sim.Uploads(isp) {
			if u.Dropped {
				dropped++
				continue
			}
			seqs = append(seqs, u.DataSequence)
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("accepted sequences %v are not 1…%d without gaps", seqs, len(seqs))
			}
		}
		var conn *beian.BureauConnection
		var ups []*beian.UploadFile
		var downs []*beian.DownloadFile
		_ = env.DB.View(ctx, func(tx beian.Tx) (err error) {
			if conn, err = tx.FindBureauConnection(ctx, "11", false); err != nil {
				return err
			}
			if ups, err = tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: "11"}); err != nil {
				return err
			}
			downs, err = tx.FindDownloadFiles(ctx, "11", time.Time{})
			return err
		})
		last := bu.sim.LastSequence(isp)
		if int64(len(seqs)) != last || conn.AcceptedSequence != last || conn.NextSequence != last+1 {
			t.Errorf("bureau last %d (%d accepted uploads), ours accepted %d next %d", last, len(seqs), conn.AcceptedSequence, conn.NextSequence)
		}
		for _, f := range ups {
			if f.State != beian.FileAccepted {
				t.Errorf("upload file %d is %s", f.Seq, f.State)
			}
			if _, err := files.GetFile(ctx, f.BlobKey); err != nil {
				t.Errorf("upload file %d is not stored: %v", f.Seq, err)
			}
		}
		if dropped != 1 {
			t.Errorf("%d uploads dropped, want the 1 injected", dropped)
		}

		// Every download file was processed once and acknowledged.
		if pending := bu.sim.PendingFiles(isp); len(pending) != 0 {
			t.Errorf("%d files left unacknowledged at the bureau", len(pending))
		}
		redelivered := 0
		names := map[string]bool{}
		for _, f := range downs {
			// AckedAt may stay empty: an acknowledgement whose answer was lost
			// took effect at the bureau (nothing is pending there) unseen.
			if f.ProcessedAt.IsZero() {
				t.Errorf("download file %s was not processed", f.Name)
			}
			if names[f.Name] {
				t.Errorf("download file %s stored twice", f.Name)
			}
			names[f.Name] = true
			if f.Deliveries > 1 {
				redelivered++
			}
		}
		if redelivered == 0 {
			t.Error("no file was delivered twice: the dedupe went untested")
		}
		hits := exFaultHits(faults)
		for _, f := range faults {
			if hits[string(f.Kind)] == 0 {
				t.Errorf("fault %s never hit", f.Kind)
			}
		}
		t.Logf("%s: %d upload files, %d download files (%d delivered again), %d uploads dropped, fault hits %v",
			dialect, len(ups), len(downs), redelivered, dropped, exFaultHits(faults))
	})
}

// exDomainIndex is the order number of a filing, from its site's domain.
func exDomainIndex(f bureausim.Filing) (int, bool) {
	if len(f.Sites) == 0 || len(f.Sites[0].Domains) == 0 {
		return 0, false
	}
	var i int
	_, err := fmt.Sscanf(f.Sites[0].Domains[0], "qingyun-data%d.cn", &i)
	return i, err == nil
}

func exFaultHits(fs []bureausim.Fault) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[string(f.Kind)] += f.Hits
	}
	return out
}

// exStateCounts counts the orders by state (every order of the test's
// database is one of ids).
func exStateCounts(t testing.TB, env *testenv.Env, ids []string) map[beian.OrderState]int {
	t.Helper()
	out := map[beian.OrderState]int{}
	rows, err := env.DB.SQL().Query(`SELECT state, COUNT(*) FROM orders GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[beian.OrderState(s)] = n
	}
	if n := len(ids); rows.Err() == nil && n == 0 {
		t.Fatal("no orders")
	}
	return out
}
