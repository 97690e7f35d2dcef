package bureausim

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/openbeian/beian/miit"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	ctx := context.Background()
	doc := func(n int64) *miit.UploadData {
		p := who{"人" + itoa(n), "1350013" + itoa(1000+n), residentID("110101199001" + itoa(10000+n))}
		return newFilingDoc(DefaultISP.ISPID, individual(n, p, site{name: "站点" + itoa(n), domains: []string{"fault-" + itoa(n) + ".cn"}, principal: p}))
	}

	t.Run("timeout", func(t *testing.T) {
		e.sim.InjectFault(FaultTimeout, 1)
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		_, err := c.c.QueryPreviousUpload(cctx)
		if !errors.Is(err, context.DeadlineExceeded) || !miit.IsRetryable(err) {
			t.Fatalf("timeout: %v", err)
		}
		if _, err := c.c.QueryPreviousUpload(ctx); err != nil {
			t.Fatalf("after the fault: %v", err)
		}
	})
	t.Run("http500", func(t *testing.T) {
		e.sim.InjectFault(FaultHTTP500, 1, miit.MethodDownload)
		_, err := c.c.QueryPreviousUpload(ctx) // another method: unaffected
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.c.Download(ctx)
		var he *miit.HTTPError
		if !errors.As(err, &he) || he.StatusCode != 500 || !miit.IsRetryable(err) {
			t.Fatalf("http500: %v", err)
		}
	})
	t.Run("soap fault", func(t *testing.T) {
		e.sim.InjectFault(FaultSOAPFault, 1)
		_, err := c.c.Download(ctx)
		var f *miit.SOAPFault
		if !errors.As(err, &f) || f.Code != "soap:Server" {
			t.Fatalf("soap fault: %v", err)
		}
	})
	t.Run("busy", func(t *testing.T) {
		e.sim.InjectFault(FaultBusy, 2)
		_, err := c.c.Download(ctx)
		if !isReturnCode(err, 902) || !miit.IsRetryable(err) {
			t.Fatalf("busy download: %v", err)
		}
		_, err = c.upload(doc(1))
		c.seq--
		if !isReturnCode(err, 901) {
			t.Fatalf("busy upload: %v", err)
		}
	})
	t.Run("wrong hash", func(t *testing.T) {
		c.fetch(false)
		e.sim.UnfiledSite(DefaultISP.ISPID, "hash-test.cn", netip.MustParseAddr("203.0.113.1"))
		e.sim.InjectFault(FaultWrongHash, 1)
		res, err := c.c.Download(ctx)
		if err != nil || res.File == nil {
			t.Fatal(err)
		}
		if _, _, err := miit.DecodePayload(res.File, c.key, miit.Limits{}); !errors.Is(err, miit.ErrHashMismatch) {
			t.Fatalf("wrong hash decoded: %v", err)
		}
		// Not acknowledged: the next download is the same file, intact.
		again, err := c.c.Download(ctx)
		if err != nil || again.File.FileName != res.File.FileName {
			t.Fatal(err)
		}
		if _, _, err := miit.DecodePayload(again.File, c.key, miit.Limits{}); err != nil {
			t.Fatalf("second delivery: %v", err)
		}
		c.c.DownloadAck(ctx, again.File.FileName)
	})
	t.Run("dropped upload", func(t *testing.T) {
		c.mustUpload(doc(10)) // seq 1
		e.sim.InjectFault(FaultDropUpload, 1)
		res, err := c.upload(doc(11)) // seq 2: answered 0, lost
		if err != nil || res.Code != 0 {
			t.Fatalf("dropped upload answered %+v %v", res, err)
		}
		prev, _ := c.c.QueryPreviousUpload(ctx)
		if prev.DataSequence != 1 {
			t.Fatalf("previous upload %d after the drop, want 1", prev.DataSequence)
		}
		_, err = c.upload(doc(12)) // seq 3
		if !isReturnCode(err, miit.ReturnSequenceGap) || !slices.Equal(err.(*miit.ReturnError).MissingSequences, []int64{2}) {
			t.Fatalf("after the drop: %v", err)
		}
		if _, err := c.uploadSeq(doc(11), 2); err != nil {
			t.Fatal(err)
		}
		if _, err := c.uploadSeq(doc(12), 3); err != nil {
			t.Fatal(err)
		}
		ups := e.sim.Uploads(DefaultISP.ISPID)
		if len(ups) != 4 || !ups[1].Dropped || ups[2].DataSequence != 2 || ups[2].Dropped {
			t.Fatalf("upload log %+v", ups)
		}
		if n := len(e.sim.Filings()); n != 3 {
			t.Fatalf("%d filings, want 3 (each record once)", n)
		}
	})
	t.Run("lost response", func(t *testing.T) {
		e.sim.InjectFault(FaultLoseResponse, 1, miit.MethodUpload)
		cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		p, _ := miit.EncodeUpload(doc(13))
		pay, _ := miit.EncodePayload("lost.xml", p, miit.EncodeOptions{Key: c.key})
		if _, err := c.c.Upload(cctx, pay, 4); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("lost response: %v", err)
		}
		// The upload was accepted: resynchronise, then the same file again is a no-op.
		prev, err := c.c.QueryPreviousUpload(ctx)
		if err != nil || prev.DataSequence != 4 || prev.File.BeianInfoHash != pay.BeianInfoHash {
			t.Fatalf("previous after a lost answer: %+v %v", prev, err)
		}
		if _, err := c.c.Upload(ctx, pay, 4); err != nil {
			t.Fatal(err)
		}
		if n := len(e.sim.Filings()); n != 4 {
			t.Fatalf("%d filings, want 4", n)
		}
		c.seq = 4
	})
	t.Run("redeliver", func(t *testing.T) {
		c.fetch(false)
		e.sim.UnfiledSite(DefaultISP.ISPID, "redeliver.cn", netip.MustParseAddr("203.0.113.2"))
		e.sim.InjectFault(FaultRedeliver, 1)
		res, _ := c.c.Download(ctx)
		if _, err := c.c.DownloadAck(ctx, res.File.FileName); err != nil {
			t.Fatal(err)
		}
		again, _ := c.c.Download(ctx)
		if again.File == nil || again.File.FileName != res.File.FileName {
			t.Fatalf("file not redelivered: %+v", again)
		}
		c.c.DownloadAck(ctx, again.File.FileName)
		if last, _ := c.c.Download(ctx); last.File != nil {
			t.Fatal("redelivered more than once")
		}
	})
	t.Run("random", func(t *testing.T) {
		if err := e.sim.InjectRandomFault(FaultHTTP500, 1, miit.MethodQueryBeianStatus); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := c.c.QueryBeianStatus(ctx, miit.QueryByDomain, "fault-10.cn"); err == nil {
				t.Fatal("probability 1 missed")
			}
		}
		if f := e.sim.Faults(); len(f) != 1 || f[0].Hits != 3 {
			t.Fatalf("faults %+v", f)
		}
		e.sim.ClearFaults()
		if _, err := c.c.QueryBeianStatus(ctx, miit.QueryByDomain, "fault-10.cn"); err != nil {
			t.Fatal(err)
		}
	})
	if err := e.sim.InjectFault("meteor", 1); err == nil {
		t.Error("unknown fault kind accepted")
	}
	if err := e.sim.InjectRandomFault(FaultBusy, 1.5); err == nil {
		t.Error("probability 1.5 accepted")
	}
}

// TestFaultSoak runs filings through 30 % transport failures with a client that retries
// the way the exchange engine will: resynchronise on an unknown outcome, resend on 14.
// Every record is accepted once and every download file processed once.
func TestFaultSoak(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.ReviewWorkdays = Immediately })
	c := e.conn(DefaultISP)
	c.fetch(false) // the code tables, before the faults
	c.c.HTTPClient.Timeout = 150 * time.Millisecond
	// About 30 % of calls fail; the hanging kinds are rarer because each costs a client
	// timeout of real time.
	for k, p := range map[FaultKind]float64{FaultHTTP500: 0.1, FaultBusy: 0.1, FaultSOAPFault: 0.06, FaultTimeout: 0.03, FaultLoseResponse: 0.03} {
		if err := e.sim.InjectRandomFault(k, p); err != nil {
			t.Fatal(err)
		}
	}
	e.sim.InjectFault(FaultDropUpload, 2)
	e.sim.InjectFault(FaultWrongHash, 2)
	e.sim.InjectFault(FaultRedeliver, 2)
	ctx := context.Background()
	const n = 20
	files := map[int64][]byte{}
	for i := int64(1); i <= n; i++ {
		p := who{"人" + itoa(i), "1360013" + itoa(1000+i), residentID("110101198001" + itoa(10000+i))}
		d, _ := miit.EncodeUpload(newFilingDoc(DefaultISP.ISPID, individual(i, p, site{name: "站点" + itoa(i), domains: []string{"soak-" + itoa(i) + ".cn"}, principal: p})))
		files[i] = d
	}
	send := func(seq int64) error {
		p, _ := miit.EncodePayload("s"+itoa(seq)+".xml", files[seq], miit.EncodeOptions{Key: c.key, Modified: start})
		_, err := c.c.Upload(ctx, p, seq)
		return err
	}
	next := int64(1)
	for tries := 0; next <= n; tries++ {
		if tries > 2000 {
			t.Fatal("uploads never finish")
		}
		err := send(next)
		var re *miit.ReturnError
		switch {
		case err == nil:
			next++
		case errors.As(err, &re) && re.Code == miit.ReturnSequenceGap:
			next = re.MissingSequences[0]
		case miit.IsRetryable(err):
			if prev, err := c.c.QueryPreviousUpload(ctx); err == nil {
				next = prev.DataSequence + 1
			}
		default:
			t.Fatalf("upload %d: %v", next, err)
		}
	}
	// Make sure the last upload was not dropped.
	for {
		prev, err := c.c.QueryPreviousUpload(ctx)
		if err != nil {
			continue
		}
		if prev.DataSequence == n {
			break
		}
		send(prev.DataSequence + 1)
	}
	// Verify every filing (the review is immediate), then download through the faults,
	// processing each file once by name and acknowledging it.
	for i := int64(1); i <= n; i++ {
		p := who{"", "1360013" + itoa(1000+i), residentID("110101198001" + itoa(10000+i))}
		e.verifyAll(e.filing(itoa(i)), p)
	}
	processed := map[string]bool{}
	approved := map[string]int{}
	for tries := 0; ; tries++ {
		if tries > 2000 {
			t.Fatal("downloads never finish")
		}
		res, err := c.c.Download(ctx)
		if err != nil {
			continue
		}
		if res.File == nil {
			break
		}
		name := res.File.FileName
		if !processed[name] {
			_, xml, err := miit.DecodePayload(res.File, c.key, miit.Limits{})
			if err != nil {
				continue // wrong hash: not stored, not acknowledged, downloaded again
			}
			d, err := miit.DecodeDownload(xml)
			if err != nil {
				t.Fatal(err)
			}
			if d.ICP != nil && d.ICP.BAJG != nil {
				for _, j := range d.ICP.BAJG.JgXx {
					if j.Jgxx[0].Jgdm == 1001 {
						approved[j.Bs]++
					}
				}
			}
			processed[name] = true
		}
		c.c.DownloadAck(ctx, name) // a lost acknowledgement only means a redelivery
	}
	for i := int64(1); i <= n; i++ {
		if approved[itoa(i)] != 1 {
			t.Errorf("filing %d: approval processed %d times", i, approved[itoa(i)])
		}
	}
	e.sim.ClearFaults()
	if got := len(e.sim.Filings()); got != n {
		t.Fatalf("%d filings for %d records", got, n)
	}
	seqs := map[int64]bool{}
	for _, u := range e.sim.Uploads(DefaultISP.ISPID) {
		if !u.Dropped {
			if seqs[u.DataSequence] {
				t.Fatalf("sequence %d accepted twice", u.DataSequence)
			}
			seqs[u.DataSequence] = true
		}
	}
	if len(seqs) != n {
		t.Fatalf("%d sequences accepted, want %d", len(seqs), n)
	}
}
