package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// This file turns the bureau's compliance feeds into cases and tasks: check
// results (HCJG: subject checks, access checks, empty-shell checks, site
// checks), rectification notices (XGTZ), unfiled sites on our addresses
// (WBAWZLB) and verification tasks (HSRW).

// HandleFeed consumes one stored feed item, once: the item is marked
// handled in the transaction that acts on it, so a retried or redelivered
// job finds the mark and does nothing. The outcome (the case or task it
// made, or why it made none) goes to the audit trail and the log.
func (c *Compliance) HandleFeed(ctx context.Context, itemID string) error {
	var outcome string
	err := c.w.store.Update(ctx, func(tx beian.Tx) error {
		outcome = ""
		it, err := tx.FindFeedItem(ctx, itemID)
		if beian.ErrorCode(err) == beian.ENOTFOUND {
			outcome = "missing"
			return nil
		}
		if err != nil {
			return err
		}
		first, err := tx.MarkFeedItemHandled(ctx, it.ID, it.Kind+"/"+it.Subkind)
		if err != nil || !first {
			outcome = "already handled"
			return err
		}
		if outcome, err = c.feedItem(ctx, tx, it); err != nil {
			return err
		}
		return audit(ctx, tx, ActorCompliance, "feed.handled", "feed_item", it.ID, map[string]any{"kind": it.Kind, "subkind": it.Subkind,
			"outcome": outcome})
	})
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "bureau feed item handled", "item", itemID, "outcome", outcome)
	return nil
}

// feedItem dispatches one item by kind and returns its outcome.
func (c *Compliance) feedItem(ctx context.Context, tx beian.Tx, it *beian.FeedItem) (string, error) {
	var rec *beian.Record
	if it.SubjectID != "" {
		var err error
		if rec, err = notFoundIsNil(tx.FindRecord(ctx, it.SubjectID)); err != nil {
			return "", err
		}
	}
	svc := serviceOf(rec, it.ServiceID)
	at := tx.Now()
	switch it.Kind {
	case "HSRW":
		return c.feedTask(ctx, tx, it, rec)
	case "WBAWZLB":
		return c.feedUnfiled(ctx, tx, it)
	case "XGTZ":
		var t miit.XGTZTzxx
		if err := json.Unmarshal(it.Data, &t); err != nil {
			return "", fmt.Errorf("workflow: XGTZ item %s: %w", it.ID, err)
		}
		text := strings.TrimSpace(t.Tznr)
		onService := t.Tzlb == 1
		if rec == nil || (onService && svc == nil) {
			return "unmatched", nil
		}
		ev := beian.Evidence{At: at, Source: beian.SourceXGTZ, Code: "XGTZ/" + it.Subkind, Text: text, Detail: strings.TrimSpace(t.Bz)}
		return c.feedCase(ctx, tx, rec, svc, beian.ClassifyNotice(text, onService), beian.SourceXGTZ, text, ev, it)
	case "HCJG":
		return c.feedCheck(ctx, tx, it, rec, svc, at)
	}
	return "ignored", nil
}

// feedCase opens (or updates) the case of a bureau item.
func (c *Compliance) feedCase(ctx context.Context, tx beian.Tx, rec *beian.Record, svc *beian.RecordService, cause beian.CaseCause,
	source beian.CaseSource, detail string, ev beian.Evidence, it *beian.FeedItem) (string, error) {
	d := forRecord(rec, svc, cause, source)
	d.detail, d.feedItemID = detail, it.ID
	d.evidence = []beian.Evidence{ev}
	if ev.Domain != "" {
		d.targets = []string{ev.Domain}
	}
	k, _, err := c.detect(ctx, tx, d)
	if err != nil {
		return "", err
	}
	return "case:" + k.ID, nil
}

// feedCheck handles a check result (HCJG).
func (c *Compliance) feedCheck(ctx context.Context, tx beian.Tx, it *beian.FeedItem, rec *beian.Record, svc *beian.RecordService, at time.Time) (string, error) {
	if rec == nil {
		return "unmatched", nil
	}
	decode := func(v any) error {
		if err := json.Unmarshal(it.Data, v); err != nil {
			return fmt.Errorf("workflow: HCJG %s item %s: %w", it.Subkind, it.ID, err)
		}
		return nil
	}
	when := func(d miit.Date) time.Time {
		if t, ok := d.Time(); ok {
			return t.UTC()
		}
		return at
	}
	// closeIfOpen ends the open case of cause when the bureau's check
	// found nothing wrong any more.
	closeIfOpen := func(cause beian.CaseCause) (string, error) {
		if svc == nil {
			return "unmatched", nil
		}
		k, err := notFoundIsNil(tx.FindOpenCase(ctx, beian.CaseKey(beian.LevelService, svc.ID, cause)))
		if err != nil || k == nil {
			return "no_case", err
		}
		return "closed:" + k.ID, end(ctx, tx, k, beian.ResolutionFixed, ActorBureau, map[string]any{"feed_item": it.ID})
	}
	switch it.Subkind {
	case "Zthc":
		var z miit.HCJGJgxxZthc
		if err := decode(&z); err != nil {
			return "", err
		}
		reason := strings.TrimSpace(z.Cwyy)
		if reason == "" {
			reason = strings.TrimSpace(z.Bz)
		}
		ev := beian.Evidence{At: at, Source: beian.SourceHCJG, Code: "HCJG/Zthc", Text: reason}
		return c.feedCase(ctx, tx, rec, nil, beian.ClassifyNotice(reason, false), beian.SourceHCJG, reason, ev, it)
	case "Jrhc":
		var j miit.HCJGJgxxJrhc
		if err := decode(&j); err != nil {
			return "", err
		}
		if svc == nil {
			return "unmatched", nil
		}
		if j.Hcjg == 0 {
			return closeIfOpen(beian.CauseAccessReported)
		}
		ev := beian.Evidence{At: when(j.Hcsj), Source: beian.SourceHCJG, Code: "HCJG/Jrhc", Domain: beian.NormalizeDomain(j.Ym),
			Detail: fmt.Sprintf("Hcjg=%d", j.Hcjg)}
		detail := "管局接入核查：接入信息多报（报备的接入无实际访问）。"
		if j.Hcjg == 2 {
			detail = "管局接入核查：接入信息少报（域名解析至未报备的地址）。"
			if j.Jxip != nil {
				ev.Addrs = append(ev.Addrs, j.Jxip.Addr())
				detail = fmt.Sprintf("管局接入核查：接入信息少报（%s 解析至未报备的地址 %s）。", j.Ym, j.Jxip.Addr())
			}
		}
		if b := strings.TrimSpace(j.Bz); b != "" {
			detail += b
		}
		ev.Text = detail
		return c.feedCase(ctx, tx, rec, svc, beian.CauseAccessReported, beian.SourceHCJG, detail, ev, it)
	case "Kkwzhc":
		var k miit.HCJGJgxxKkwzhc
		if err := decode(&k); err != nil {
			return "", err
		}
		if svc == nil {
			return "unmatched", nil
		}
		if k.Hcjg == 0 {
			return closeIfOpen(beian.CauseEmptyShell)
		}
		detail := "管局空壳网站核查：网站无法访问（死亡）。"
		if b := strings.TrimSpace(k.Bz); b != "" {
			detail += b
		}
		ev := beian.Evidence{At: when(k.Hcsj), Source: beian.SourceHCJG, Code: "HCJG/Kkwzhc", URL: k.Syurl,
			Detail: fmt.Sprintf("Hcjg=%d", k.Hcjg), Text: detail}
		return c.feedCase(ctx, tx, rec, svc, beian.CauseEmptyShell, beian.SourceHCJG, detail, ev, it)
	case "Wzch":
		var w miit.HCJGJgxxWzch
		if err := decode(&w); err != nil {
			return "", err
		}
		if svc == nil {
			return "unmatched", nil
		}
		text := strings.TrimSpace(w.Bz)
		ev := beian.Evidence{At: when(w.Hcsj), Source: beian.SourceHCJG, Code: "HCJG/Wzch", URL: w.Syurl, Text: text}
		return c.feedCase(ctx, tx, rec, svc, beian.ClassifyNotice(text, true), beian.SourceHCJG, text, ev, it)
	}
	return "ignored", nil
}

// feedTask turns a verification task (HSRW) into a task for the officers,
// with our records for the bureau's subject and sites.
func (c *Compliance) feedTask(ctx context.Context, tx beian.Tx, it *beian.FeedItem, rec *beian.Record) (string, error) {
	var b miit.HSRWBaxx
	if err := json.Unmarshal(it.Data, &b); err != nil {
		return "", fmt.Errorf("workflow: HSRW item %s: %w", it.ID, err)
	}
	t := &beian.VerificationTask{FeedItemID: it.ID, ConnectionID: it.ConnectionID, SubjectID: it.SubjectID, BureauSubject: b.ZtXx.Ztid,
		SubjectName: strings.TrimSpace(b.ZtXx.Dwmc), Note: strings.TrimSpace(b.Bz)}
	if rec != nil {
		t.AccountID = rec.Subject.AccountID
	}
	for _, w := range b.WzXx {
		t.BureauServices = append(t.BureauServices, w.Wzid)
		objs, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{Kind: beian.ObjectService, BureauID: w.Wzid})
		if err != nil {
			return "", err
		}
		for _, o := range objs {
			if o.RecordID != "" {
				t.ServiceIDs = append(t.ServiceIDs, o.RecordID)
				break
			}
		}
	}
	if err := tx.CreateVerificationTask(ctx, t); err != nil {
		return "", err
	}
	if err := audit(ctx, tx, ActorBureau, "task.open", "verification_task", t.ID, map[string]any{"feed_item": it.ID, "subject": t.SubjectID,
		"services": len(t.BureauServices)}); err != nil {
		return "", err
	}
	return "task:" + t.ID, nil
}

// feedUnfiled records an unfiled site on our addresses (WBAWZLB) and opens
// a case against the address's owner, when one is known; the officer
// reports the handling (WBACLJG) either way.
func (c *Compliance) feedUnfiled(ctx context.Context, tx beian.Tx, it *beian.FeedItem) (string, error) {
	var w miit.WBAWZLBWbawzXx
	if err := json.Unmarshal(it.Data, &w); err != nil {
		return "", fmt.Errorf("workflow: WBAWZLB item %s: %w", it.ID, err)
	}
	date := func(d *miit.Date) beian.Date {
		if d == nil {
			return beian.Date{}
		}
		if t, ok := d.Time(); ok {
			return beian.DateOf(t)
		}
		return beian.Date{}
	}
	ip := w.IP.Addr()
	s := &beian.UnfiledSite{FeedItemID: it.ID, ConnectionID: it.ConnectionID, BureauID: w.ID, Domain: beian.NormalizeDomain(w.WzymMc), IP: ip,
		FirstDetected: date(w.Scjcsj), LastDetected: date(w.Dqjcsj), Operator: w.Yys, ListedOn: beian.DateOf(it.CreatedAt)}
	if it.CreatedAt.IsZero() {
		s.ListedOn = beian.DateOf(tx.Now())
	}
	if w.Jccs != nil {
		s.Detections = int(*w.Jccs)
	}
	if w.Sssh != nil {
		s.Province = *w.Sssh
	}
	owners, err := tx.AccountsByIP(ctx, ip)
	if err != nil {
		return "", err
	}
	if len(owners) > 0 {
		s.AccountID = owners[0]
	}
	if err := tx.CreateUnfiledSite(ctx, s); err != nil {
		return "", err
	}
	outcome := "unfiled:" + s.ID
	if s.AccountID != "" {
		d := detection{level: beian.LevelAccount, accountID: s.AccountID, cause: beian.CauseUnfiledSite, source: beian.SourceWBAWZLB,
			targets: []string{s.Domain}, feedItemID: it.ID,
			detail: fmt.Sprintf("管局监测到未备案网站 %s 在您的服务器 %s 上提供服务（首次发现 %s，最近发现 %s，共 %d 次）。",
				s.Domain, ip, s.FirstDetected, s.LastDetected, s.Detections),
			evidence: []beian.Evidence{{At: tx.Now(), Source: beian.SourceWBAWZLB, Code: "WBAWZLB", Domain: s.Domain, Addrs: []netip.Addr{ip},
				Detail: fmt.Sprintf("detections=%d first=%s last=%s", s.Detections, s.FirstDetected, s.LastDetected)}}}
		if rec, err := notFoundIsNil(tx.FindRecordByAccount(ctx, s.AccountID)); err != nil {
			return "", err
		} else if rec != nil {
			d.subjectID, d.subjectName = rec.Subject.ID, rec.Subject.Subject.Name
		}
		k, _, err := c.detect(ctx, tx, d)
		if err != nil {
			return "", err
		}
		s.CaseID = k.ID
		if err := tx.UpdateUnfiledSite(ctx, s); err != nil {
			return "", err
		}
		outcome += " case:" + k.ID
	}
	return outcome, audit(ctx, tx, ActorBureau, "unfiled.open", "unfiled_site", s.ID, map[string]any{"feed_item": it.ID,
		"owner_known": s.AccountID != "", "case": s.CaseID})
}
