package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/rules"
)

// Download runs the downloader of a connection: download the next file,
// verify its hash, store it, process each record once (in its own
// transaction), acknowledge it, and go on while the bureau has more. A file
// the bureau sends again (acknowledgement lost, or its own resend) is
// recognised by name and hash: it is acknowledged again, not processed
// again. A file whose hash does not match is neither stored nor
// acknowledged: the bureau sends it again. When another run holds the
// connection's download lease it returns nil at once.
func (x *Exchange) Download(ctx context.Context, connID string) error {
	if x.cfg.Files == nil {
		return errors.New("workflow: exchange has no file store")
	}
	owner := x.runID()
	var lease beian.Lease
	err := x.w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		lease, err = tx.TakeLease(ctx, connID, beian.LeaseDownload, owner, x.cfg.LeaseTTL)
		return err
	})
	if isLeaseBusy(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := x.w.store.Update(rctx, func(tx beian.Tx) error { return tx.ReleaseLease(rctx, lease) }); err != nil {
			x.log.WarnContext(ctx, "releasing the download lease failed", "connection", connID, "err", err)
		}
	}()
	d := &downloader{x: x, lease: lease, connID: connID}
	err = d.run(ctx)
	if isLeaseLost(err) {
		x.log.WarnContext(ctx, "download lease lost to another run; stopping", "connection", connID)
		return nil
	}
	return err
}

type downloader struct {
	x        *Exchange
	lease    beian.Lease
	connID   string
	conn     *beian.BureauConnection
	failures int
}

func (d *downloader) transient(ctx context.Context, err error) error {
	d.failures++
	if d.failures >= d.x.cfg.Backoff.Attempts {
		return fmt.Errorf("workflow: download on %s: giving up after %d failures: %w", d.connID, d.failures, err)
	}
	d.x.log.InfoContext(ctx, "bureau download failed; retrying", "connection", d.connID, "attempt", d.failures, "err", err)
	return d.x.cfg.Sleep(ctx, d.x.backoff(d.failures))
}

func (d *downloader) run(ctx context.Context) error {
	for files := 0; files < d.x.cfg.MaxDownloads; {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.x.enoughTime(ctx) {
			return nil
		}
		// The lease was just taken or is renewed once per file; the
		// connection is read (no write) for its configuration.
		var err error
		if files > 0 || d.failures > 0 {
			err = d.x.w.store.Update(ctx, func(tx beian.Tx) error {
				l, err := tx.CheckLease(ctx, d.lease, d.x.cfg.LeaseTTL)
				d.lease = l
				return err
			})
		}
		if err == nil {
			err = d.x.w.store.View(ctx, func(tx beian.Tx) error {
				var err error
				d.conn, err = tx.FindBureauConnection(ctx, d.connID, false)
				return err
			})
		}
		if err != nil {
			return err
		}
		if !d.conn.Enabled {
			return nil
		}
		client, key, err := d.x.client(d.conn)
		if err != nil {
			return err
		}
		cctx, cancel := d.x.callCtx(ctx)
		res, err := client.Download(cctx)
		cancel()
		if err != nil {
			var re *miit.ReturnError
			if errors.As(err, &re) && !re.Retryable() {
				d.x.operatorError(ctx, d.connID, "isp_download refused: "+re.Error())
				return err
			}
			if errors.Is(err, context.Canceled) {
				return err
			}
			if err := d.transient(ctx, err); err != nil {
				return err
			}
			continue
		}
		if res.File == nil {
			return d.touch(ctx)
		}
		name := res.File.FileName
		_, doc, err := miit.DecodePayload(res.File, key, miit.DefaultLimits)
		if errors.Is(err, miit.ErrHashMismatch) {
			// Corrupted on the way: not stored, not acknowledged; the next
			// download gets it again.
			d.x.log.WarnContext(ctx, "downloaded file failed its hash; downloading it again", "connection", d.connID, "file", name)
			if err := d.transient(ctx, err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			d.x.operatorError(ctx, d.connID, fmt.Sprintf("downloaded file %s cannot be decoded: %v", name, err))
			return &permanentError{err}
		}
		hash := strings.TrimSpace(res.File.BeianInfoHash)
		df, err := d.store(ctx, name, hash, doc)
		if err != nil {
			return err
		}
		if df.ProcessedAt.IsZero() {
			if err := d.x.processFile(ctx, d.conn, df, doc); err != nil {
				return err
			}
		}
		cctx, cancel = d.x.callCtx(ctx)
		_, err = client.DownloadAck(cctx, name)
		cancel()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			// Unacknowledged, the file comes again and is recognised.
			if err := d.transient(ctx, err); err != nil {
				return err
			}
			continue
		}
		if err := d.x.w.store.Update(ctx, func(tx beian.Tx) error {
			if df.AckedAt.IsZero() {
				df.AckedAt = tx.Now()
			}
			return tx.UpdateDownloadFile(ctx, df)
		}); err != nil {
			return err
		}
		d.failures = 0
		files++
		if !res.More() {
			return d.touch(ctx)
		}
	}
	return nil
}

// touch records a successful download round on the connection, at most
// once a minute: an idle feed is polled often and need not write each time.
func (d *downloader) touch(ctx context.Context) error {
	if d.x.w.clock.Now().Sub(d.conn.LastDownloadAt) < time.Minute && !strings.HasPrefix(d.conn.LastError, "isp_download") {
		return nil
	}
	return d.x.w.store.Update(ctx, func(tx beian.Tx) error {
		c, err := tx.FindBureauConnection(ctx, d.connID, true)
		if err != nil {
			return err
		}
		c.LastDownloadAt = tx.Now()
		if strings.HasPrefix(c.LastError, "isp_download") {
			c.LastError = ""
		}
		return tx.UpdateBureauConnectionState(ctx, c)
	})
}

// blobName turns a bureau's file name into a safe key segment.
func blobName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "file"
	}
	return clipRunes(s, 120)
}

// store keeps a downloaded file (before anything is processed) and returns
// its row: a new one, or the existing one of a file seen before, with its
// delivery counted.
func (d *downloader) store(ctx context.Context, name, hash string, doc []byte) (*beian.DownloadFile, error) {
	var df *beian.DownloadFile
	err := d.x.w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		df, err = notFoundIsNil(tx.FindDownloadFile(ctx, d.connID, name, hash))
		if err != nil || df == nil {
			return err
		}
		df.Deliveries++
		return tx.UpdateDownloadFile(ctx, df)
	})
	if err != nil || df != nil {
		if df != nil {
			d.x.log.InfoContext(ctx, "download file delivered again; not processed again", "connection", d.connID, "file", name, "deliveries", df.Deliveries)
		}
		return df, err
	}
	sum := sha256.Sum256([]byte(name + "\x00" + hash))
	key := fmt.Sprintf("miit/download/%s/%s-%s", d.connID, hex.EncodeToString(sum[:6]), blobName(name))
	if err := d.x.cfg.Files.PutFile(ctx, key, doc); err != nil {
		return nil, err
	}
	df = &beian.DownloadFile{ConnectionID: d.connID, Name: name, Hash: hash, BlobKey: key, Size: int64(len(doc))}
	err = d.x.w.store.Update(ctx, func(tx beian.Tx) error { return tx.CreateDownloadFile(ctx, df) })
	if beian.ErrorCode(err) == beian.ECONFLICT {
		// Another run stored it first.
		err = d.x.w.store.View(ctx, func(tx beian.Tx) error {
			var err error
			df, err = tx.FindDownloadFile(ctx, d.connID, name, hash)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	d.x.log.InfoContext(ctx, "download file stored", "connection", d.connID, "file", name, "bytes", len(doc))
	return df, nil
}

// item is one record of a download file, applied in its own transaction.
type item struct {
	kind  string
	apply func(ctx context.Context, tx beian.Tx) error
}

// items lists a download document's records in the order they are applied:
// code tables first (later records may use them), record data before
// results (an approval finds its records' numbers), then cancellations,
// blacklists and the compliance feeds.
func (x *Exchange) items(conn *beian.BureauConnection, fileID string, d *miit.DownloadData) ([]item, []string) {
	var its []item
	var kinds []string
	kind := func(k string) {
		for _, x := range kinds {
			if x == k {
				return
			}
		}
		kinds = append(kinds, k)
	}
	add := func(k string, f func(ctx context.Context, tx beian.Tx) error) {
		kind(k)
		its = append(its, item{k, f})
	}
	jcdm := func(j *miit.JCDM) {
		add("JCDM", func(ctx context.Context, tx beian.Tx) error { return x.applyCodeTables(ctx, tx, conn, j) })
	}
	if d.JCDM != nil {
		jcdm(d.JCDM)
	}
	if s := d.SJTB; s != nil {
		if s.JCDM != nil {
			jcdm(s.JCDM)
		}
		if s.ICP != nil {
			for i := range s.ICP.Baxx {
				b := &s.ICP.Baxx[i]
				add("SJTB", func(ctx context.Context, tx beian.Tx) error { return x.applyFiled(ctx, tx, conn, fromSJTB(b)) })
			}
		}
		if s.IP != nil || s.YM != nil {
			kind("SJTB-IP/YM") // IP and domain reporting are not Beian's business
		}
	}
	if d.IP != nil {
		kind("IP")
	}
	if d.YM != nil {
		kind("YM")
	}
	icp := d.ICP
	if icp == nil {
		return its, kinds
	}
	if icp.BASJ != nil {
		for i := range icp.BASJ.Baxx {
			b := &icp.BASJ.Baxx[i]
			add("BASJ", func(ctx context.Context, tx beian.Tx) error { return x.applyFiled(ctx, tx, conn, fromBASJ(b)) })
		}
	}
	if icp.BAJG != nil {
		var gjsh []miit.BAJGGJSHSGjsh
		if icp.BAJG.GJSHS != nil {
			gjsh = icp.BAJG.GJSHS.Gjsh
		}
		for i := range icp.BAJG.JgXx {
			jg := &icp.BAJG.JgXx[i]
			add("BAJG", func(ctx context.Context, tx beian.Tx) error { return x.applyResult(ctx, tx, conn, fileID, jg, gjsh) })
		}
		if len(icp.BAJG.JgXx) == 0 {
			kind("BAJG")
		}
	}
	if icp.ZXSJ != nil {
		for _, z := range icp.ZXSJ.Zxxx {
			add("ZXSJ", func(ctx context.Context, tx beian.Tx) error { return x.applyCancellation(ctx, tx, z) })
		}
	}
	if icp.HMDLB != nil {
		for _, z := range icp.HMDLB.Zthmdxxs {
			add("HMDLB", func(ctx context.Context, tx beian.Tx) error { return x.applySubjectBlacklist(ctx, tx, conn, z) })
		}
		for _, w := range icp.HMDLB.Wzhmdxxs {
			add("HMDLB", func(ctx context.Context, tx beian.Tx) error { return x.applySiteBlacklist(ctx, tx, conn, w) })
		}
	}
	if icp.FFJRHMD != nil {
		for _, f := range icp.FFJRHMD.Ffjrxx {
			add("FFJRHMD", func(ctx context.Context, tx beian.Tx) error { return x.applyIllegalAccess(ctx, tx, conn, f) })
		}
	}
	feed := func(k, sub string, v any, ztid, wzid int64, number, domain string) {
		add(k, func(ctx context.Context, tx beian.Tx) error {
			return x.storeFeedItem(ctx, tx, conn, fileID, k, sub, v, ztid, wzid, number, domain)
		})
	}
	if icp.HSRW != nil {
		for _, b := range icp.HSRW.Baxx {
			var wzid int64
			if len(b.WzXx) == 1 {
				wzid = b.WzXx[0].Wzid
			}
			feed("HSRW", "", b, b.ZtXx.Ztid, wzid, "", "")
		}
	}
	if icp.HCJG != nil {
		j := icp.HCJG.Jgxx
		for _, z := range j.Zthc {
			feed("HCJG", "Zthc", z, z.Ztid, 0, "", "")
		}
		for _, r := range j.Jrhc {
			feed("HCJG", "Jrhc", r, 0, r.Wzid, r.WzBaxh, r.Ym)
		}
		for _, k := range j.Kkwzhc {
			feed("HCJG", "Kkwzhc", k, 0, k.Wzid, k.WzBaxh, "")
		}
		for _, w := range j.Wzch {
			feed("HCJG", "Wzch", w, 0, w.Wzid, w.WzBaxh, "")
		}
	}
	if icp.XGTZ != nil {
		for _, t := range icp.XGTZ.Tzxx {
			var ztid, wzid int64
			if t.Jlid != nil {
				if t.Tzlb == 0 {
					ztid = *t.Jlid
				} else {
					wzid = *t.Jlid
				}
			}
			feed("XGTZ", strconv.FormatInt(t.Tzlb, 10), t, ztid, wzid, t.Baxh, "")
		}
	}
	if icp.WBAWZLB != nil {
		for _, w := range icp.WBAWZLB.WbawzXx {
			feed("WBAWZLB", "", w, 0, 0, "", beian.NormalizeDomain(w.WzymMc))
		}
	}
	return its, kinds
}

// processFile applies a stored file's records, each once: an item already
// done (the run before crashed after it) is skipped; an item that keeps
// failing is skipped after ItemAttempts tries, with an operator alert, so
// that one bad record cannot stall the feed.
func (x *Exchange) processFile(ctx context.Context, conn *beian.BureauConnection, df *beian.DownloadFile, doc []byte) error {
	data, err := miit.DecodeDownload(doc)
	if err != nil {
		// Not a document we can read: stored, kept, acknowledged (the bureau
		// would otherwise send it for ever), and reported.
		x.operatorError(ctx, conn.ID, fmt.Sprintf("download file %s is not a valid document: %v", df.Name, err))
		return x.w.store.Update(ctx, func(tx beian.Tx) error {
			df.ProcessedAt, df.Kinds = tx.Now(), []string{"invalid"}
			return tx.UpdateDownloadFile(ctx, df)
		})
	}
	its, kinds := x.items(conn, df.ID, data)
	for i, it := range its {
		var done bool
		err := x.w.store.Update(ctx, func(tx beian.Tx) error {
			rec, err := notFoundIsNil(tx.DownloadItem(ctx, df.ID, i))
			if err != nil {
				return err
			}
			if rec != nil && (rec.Done || rec.Failed) {
				done = true
				return nil
			}
			if err := it.apply(ctx, tx); err != nil {
				return err
			}
			attempts := 1
			if rec != nil {
				attempts = rec.Attempts + 1
			}
			return tx.PutDownloadItem(ctx, &beian.DownloadItem{FileID: df.ID, Index: i, Kind: it.kind, Done: true, Attempts: attempts})
		})
		if err == nil || done {
			continue
		}
		if errors.Is(err, context.Canceled) || beian.ErrorCode(err) == beian.EUNAVAILABLE {
			return err
		}
		if ferr := x.itemFailed(ctx, conn, df, i, it.kind, err); ferr != nil {
			return ferr
		}
	}
	return x.w.store.Update(ctx, func(tx beian.Tx) error {
		df.ProcessedAt, df.Items, df.Kinds = tx.Now(), len(its), kinds
		return tx.UpdateDownloadFile(ctx, df)
	})
}

// itemFailed counts a failed item. Below the limit it returns the error,
// so the run stops and the file is processed again later from this item;
// at the limit the item is marked failed and skipped.
func (x *Exchange) itemFailed(ctx context.Context, conn *beian.BureauConnection, df *beian.DownloadFile, i int, kind string, cause error) error {
	var failed bool
	err := x.w.store.Update(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.DownloadItem(ctx, df.ID, i))
		if err != nil {
			return err
		}
		it := &beian.DownloadItem{FileID: df.ID, Index: i, Kind: kind, Attempts: 1}
		if rec != nil {
			it.Attempts = rec.Attempts + 1
		}
		it.Error = clipRunes(cause.Error(), 500)
		failed = it.Attempts >= x.cfg.ItemAttempts
		it.Failed = failed
		return tx.PutDownloadItem(ctx, it)
	})
	if err != nil {
		return err
	}
	if failed {
		x.operatorError(ctx, conn.ID, fmt.Sprintf("record %d (%s) of download file %s skipped after %d failures: %v", i, kind, df.Name, x.cfg.ItemAttempts, cause))
		return nil
	}
	return fmt.Errorf("workflow: download file %s record %d (%s): %w", df.Name, i, kind, cause)
}

// applyCodeTables stores the code tables of a JCDM file.
func (x *Exchange) applyCodeTables(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, j *miit.JCDM) error {
	tables := jcdmTables(j)
	names := make([]string, 0, len(tables))
	for name, entries := range tables {
		if err := tx.ReplaceCodeTable(ctx, conn.ID, name, entries); err != nil {
			return err
		}
		names = append(names, name)
	}
	return audit(ctx, tx, ActorBureau, "bureau.code_tables", "bureau_connection", conn.ID, map[string]any{"tables": len(names)})
}

// applySubjectBlacklist adds (Czlx 0, 1) or removes (2) a subject on the
// blacklist.
func (x *Exchange) applySubjectBlacklist(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, z miit.HMDLBZthmdxxs) error {
	if z.ZtXx == nil || strings.TrimSpace(z.ZtXx.Zj.Zjhm) == "" {
		return nil
	}
	cert := strings.TrimSpace(z.ZtXx.Zj.Zjhm)
	if z.Czlx == 2 {
		return tx.RemoveBlacklistEntry(ctx, beian.BlacklistSubject, cert)
	}
	return tx.PutBlacklistEntry(ctx, &beian.BlacklistEntry{Kind: beian.BlacklistSubject, Value: cert, Name: z.ZtXx.Dwmc, Source: "HMDLB", ConnectionID: conn.ID})
}

// applySiteBlacklist adds or removes a site's domains on the blacklist.
func (x *Exchange) applySiteBlacklist(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, w miit.HMDLBWzhmdxxs) error {
	for _, y := range w.WzXx.YmXx {
		d := beian.NormalizeDomain(y.Ym)
		if d == "" {
			continue
		}
		var err error
		if w.Czlx == 2 {
			err = tx.RemoveBlacklistEntry(ctx, beian.BlacklistDomain, d)
		} else {
			err = tx.PutBlacklistEntry(ctx, &beian.BlacklistEntry{Kind: beian.BlacklistDomain, Value: d, Name: w.WzXx.Wzmc, Source: "HMDLB", ConnectionID: conn.ID})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// applyIllegalAccess lists the domain and address of an illegal access
// (非法接入黑名单).
func (x *Exchange) applyIllegalAccess(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, f miit.FFJRHMDFfjrxx) error {
	if d := beian.NormalizeDomain(f.Ym); d != "" {
		if err := tx.PutBlacklistEntry(ctx, &beian.BlacklistEntry{Kind: beian.BlacklistDomain, Value: d, Source: "FFJRHMD", ConnectionID: conn.ID}); err != nil {
			return err
		}
	}
	if ip := ipString(f.IP); ip != "" {
		return tx.PutBlacklistEntry(ctx, &beian.BlacklistEntry{Kind: beian.BlacklistIP, Value: ip, Source: "FFJRHMD", ConnectionID: conn.ID})
	}
	return nil
}

// storeFeedItem keeps a compliance feed record with the records it names
// and enqueues JobComplianceFeed for it.
func (x *Exchange) storeFeedItem(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, fileID, kind, sub string, v any,
	ztid, wzid int64, number, domain string) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	it := &beian.FeedItem{ConnectionID: conn.ID, FileID: fileID, Kind: kind, Subkind: sub, Number: number, Domain: domain, Data: data}
	if wzid > 0 {
		if obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: beian.ObjectService, BureauID: wzid}); err != nil {
			return err
		} else if obj != nil && obj.RecordID != "" {
			it.ServiceID = obj.RecordID
			if it.SubjectID, err = notFoundIsNil(tx.ServiceSubject(ctx, obj.RecordID)); err != nil {
				return err
			}
		}
	}
	if ztid > 0 && it.SubjectID == "" {
		if obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: beian.ObjectSubject, BureauID: ztid}); err != nil {
			return err
		} else if obj != nil {
			it.SubjectID = obj.RecordID
		}
	}
	if err := tx.CreateFeedItem(ctx, it); err != nil {
		return err
	}
	if err := audit(ctx, tx, ActorBureau, "bureau.feed_item", "feed_item", it.ID, map[string]any{"kind": kind, "subkind": sub,
		"subject": it.SubjectID, "service": it.ServiceID}); err != nil {
		return err
	}
	return enqueue(ctx, tx, JobComplianceFeed, "", ComplianceFeedArgs{ItemID: it.ID, Kind: kind}, time.Time{})
}

// BlacklistFacts answers the pre-check's blacklist questions from the
// lists the download feed keeps (HMDLB, FFJRHMD). Wire it as
// rules.Facts.Blacklist.
func BlacklistFacts(store beian.Store) rules.BlacklistFacts { return blacklistFacts{store} }

type blacklistFacts struct{ store beian.Store }

// Listed reports whether the value is on the bureau's list of its kind;
// subjects and persons are both looked up among certificate numbers.
func (b blacklistFacts) Listed(ctx context.Context, kind rules.BlacklistKind, value string) (bool, error) {
	k := map[rules.BlacklistKind]beian.BlacklistKind{rules.BlacklistSubject: beian.BlacklistSubject, rules.BlacklistPerson: beian.BlacklistSubject,
		rules.BlacklistDomain: beian.BlacklistDomain, rules.BlacklistIP: beian.BlacklistIP}[kind]
	if k == "" {
		return false, nil
	}
	if a, err := netip.ParseAddr(value); k == beian.BlacklistIP && err == nil {
		value = a.Unmap().String() // the feed stores IPv4 in dotted form, never ::ffff:-mapped
	}
	var listed bool
	err := b.store.View(ctx, func(tx beian.Tx) error {
		var err error
		listed, err = tx.Blacklisted(ctx, k, value)
		return err
	})
	return listed, err
}
