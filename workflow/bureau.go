package workflow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// This file is the order side of the exchange: submitting passed orders to
// the bureau, and moving them on when the bureau's results (BAJG) arrive.

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"bureau.submit.not_awaiting": {ZH: "订单当前状态为「{state}」，不能提交管局。", EN: "The order is {state_en}; it cannot be submitted to the bureau."},
		"bureau.lookup.failed":       {ZH: "暂时无法向管局查询「{domain}」的备案号，请稍后再试。", EN: "The filing number of {domain} cannot be looked up at the bureau now; try again later."},
		"bureau.lookup.unfiled":      {ZH: "管局查询显示「{domain}」未备案，不能办理新增接入。", EN: "The bureau says {domain} is not filed; new access is not possible."},
	})
}

// Beian's extension result codes (docs/miit-interface.md): V3.0 predates SMS
// verification, so the simulator reports what happens between acceptance and
// review with codes outside the spec's ranges. A real bureau never sends them.
const (
	resultSMSVerified   miit.ResultCode = 1101 // 短信核验通过，进入管局审核
	resultSMSTimeout    miit.ResultCode = 1102 // 短信核验超时，备案已退回
	resultSMSTooMany    miit.ResultCode = 1103 // 短信核验错误次数超限，备案已退回
	resultDomainCheck   miit.ResultCode = 1104 // 域名核验未通过，备案已退回
	maxPreApprovalBytes                 = 100 << 10
)

// BureauSubmission is the outcome of SubmitToBureau for one order.
type BureauSubmission struct {
	OrderID string
	// Order is the order as submitted; nil when Err is set.
	Order *beian.Order
	Err   error
}

// SubmitToBureau submits orders that passed preliminary review (待提交管局)
// to their province's bureau: for each order, in one transaction, the
// bureau_submit event (to SMS verification, or bureau review for 取消接入),
// the deadline (the 24-hour SMS window or the bureau's SLA in working days),
// the mapped upload records as outbound operations, the audit event, the
// notification and the connection's upload job. A subject cancellation needs
// the customer's confirmation first (the state machine enforces it).
// Reviewers and admins may call it. The error is EFORBIDDEN for anyone else;
// each order's own failure (ECONFLICT for a wrong state or no connection,
// EINVALID for data the interface cannot carry, EUNAVAILABLE when a look-up
// at the bureau failed) is in its BureauSubmission.
func (x *Exchange) SubmitToBureau(ctx context.Context, u *beian.User, orderIDs []string) ([]BureauSubmission, error) {
	if !isStaff(u, beian.RoleReviewer) {
		return nil, errForbidden()
	}
	out := make([]BureauSubmission, 0, len(orderIDs))
	for _, id := range orderIDs {
		o, err := x.submitOne(ctx, u, id)
		if err != nil {
			x.log.InfoContext(ctx, "bureau submission refused", "order", id, "err", err)
		}
		out = append(out, BureauSubmission{OrderID: id, Order: o, Err: err})
	}
	return out, nil
}

// connectionFor returns the enabled connection of the province.
func connectionFor(ctx context.Context, tx beian.Tx, province string) (*beian.BureauConnection, error) {
	conns, err := tx.BureauConnections(ctx)
	if err != nil {
		return nil, err
	}
	p, _ := beian.ProvinceByCode(province)
	var disabled bool
	for _, c := range conns {
		if c.Province == province {
			if c.Enabled {
				return c, nil
			}
			disabled = true
		}
	}
	if disabled {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.connection.disabled", "province", p.Name)
	}
	return nil, beian.Errorf(beian.ECONFLICT, "bureau.connection.none", "province", p.Name)
}

func (x *Exchange) submitOne(ctx context.Context, u *beian.User, id string) (*beian.Order, error) {
	// Documents and look-ups at the bureau happen before the transaction,
	// which then works from the order as it stands.
	var o *beian.Order
	var conn *beian.BureauConnection
	var rec *beian.Record
	err := x.w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = tx.FindOrder(ctx, id); err != nil {
			return err
		}
		if o.State != beian.AwaitingBureauSubmission {
			st := o.State.Text()
			return beian.Errorf(beian.ECONFLICT, "bureau.submit.not_awaiting", "state", st.ZH, "state_en", st.EN)
		}
		if conn, err = connectionFor(ctx, tx, o.Province); err != nil {
			return err
		}
		if o.RecordSubjectID != "" {
			if rec, err = notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	docs, err := x.preApprovalDocs(ctx, o)
	if err != nil {
		return nil, err
	}
	numbers, err := x.siteNumbers(ctx, conn, o, rec)
	if err != nil {
		return nil, err
	}

	err = x.w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = tx.FindOrder(ctx, id); err != nil {
			return err
		}
		now := tx.Now()
		from := o.State
		if err := o.Apply(beian.EventBureauSubmit, now); err != nil {
			return err
		}
		if conn, err = connectionFor(ctx, tx, o.Province); err != nil {
			return err
		}
		rec, target, password, err := x.orderRecords(ctx, tx, o)
		if err != nil {
			return err
		}
		codes, err := loadCodes(ctx, tx, conn.ID)
		if err != nil {
			return err
		}
		m := &mapper{conn: conn, codes: codes, docs: docs, siteNumbers: numbers, migrationTarget: target,
			id: func(kind beian.ObjectKind, ref string) (int64, error) {
				obj := &beian.BureauObject{ConnectionID: conn.ID, Kind: kind, OrderID: o.ID, Ref: ref}
				err := tx.PutBureauObject(ctx, obj)
				return obj.ISPID, err
			},
			known: func(kind beian.ObjectKind, recordID, ref string) (int64, error) {
				objs, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{Kind: kind, RecordID: recordID, Ref: ref})
				for _, ob := range objs {
					if ob.BureauID > 0 {
						return ob.BureauID, err
					}
				}
				return 0, err
			},
		}
		ops, err := m.mapValidated(o, rec, password)
		if err != nil {
			return err
		}
		round, err := x.newRound(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		for _, op := range ops {
			b, err := json.Marshal(op.Record)
			if err != nil {
				return err
			}
			step := max(op.Step, 1)
			state := beian.OpPending
			if step > 1 {
				state = beian.OpHeld
			}
			if err := tx.CreateBureauOperation(ctx, &beian.BureauOperation{ConnectionID: conn.ID, OrderID: o.ID, Kind: op.Kind,
				Czlx: op.Czlx, Bs: op.Bs, Round: round, Step: step, Record: b, State: state}); err != nil {
				return err
			}
		}
		if o.State == beian.SMSPending {
			o.DueAt = now.Add(x.w.sla.SMSWindow)
		} else {
			o.DueAt = x.w.workdaysAfter(ctx, now, x.w.sla.Bureau)
		}
		o.ClaimedBy, o.ClaimedAt = "", time.Time{}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "order."+string(beian.EventBureauSubmit), "order", o.ID, map[string]any{
			"from": from, "to": o.State, "connection": conn.ID, "operations": len(ops), "round": round}); err != nil {
			return err
		}
		if err := notifyOrder(ctx, tx, o, beian.EventBureauSubmit); err != nil {
			return err
		}
		return enqueue(ctx, tx, JobUpload, conn.ID, ExchangeJobArgs{Connection: conn.ID}, time.Time{})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// orderRecords loads, in tx, the filed record an order acts on, a
// migration's target subject, and the filing password to send: the one the
// customer entered in the order, else the one stored for the subject.
func (x *Exchange) orderRecords(ctx context.Context, tx beian.Tx, o *beian.Order) (rec, target *beian.Record, password string, err error) {
	if o.RecordSubjectID != "" {
		if rec, err = notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID)); err != nil {
			return nil, nil, "", err
		}
	}
	passwordOf := rec
	if o.Type == beian.Migrate && o.Snapshot.Subject.CertificateNumber != "" {
		if target, err = notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, o.Snapshot.Subject.CertificateNumber)); err != nil {
			return nil, nil, "", err
		}
		passwordOf = target
	}
	password = strings.TrimSpace(o.Snapshot.FilingPassword)
	if password == "" && passwordOf != nil {
		if password, err = tx.FilingPassword(ctx, passwordOf.Subject.ID); err != nil {
			return nil, nil, "", err
		}
	}
	return rec, target, password, nil
}

// newRound supersedes what is left of the order's earlier submissions and
// returns the number of the new one.
func (x *Exchange) newRound(ctx context.Context, tx beian.Tx, orderID string) (int, error) {
	ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{OrderID: orderID})
	if err != nil {
		return 0, err
	}
	round := 0
	for _, op := range ops {
		round = max(round, op.Round)
		if !op.State.Final() && op.State != beian.OpFiled && op.State != beian.OpSent && op.State != beian.OpVerified {
			op.State = beian.OpSuperseded
			if err := tx.UpdateBureauOperation(ctx, op); err != nil {
				return 0, err
			}
		}
	}
	return round + 1, nil
}

// preApprovalDocs reads the pre-approval scans of an order's services,
// shrunk to the 100 KB V3.0 allows, as base64.
func (x *Exchange) preApprovalDocs(ctx context.Context, o *beian.Order) (map[string]string, error) {
	docs := map[string]string{}
	var ps []beian.PreApproval
	for _, w := range o.Snapshot.Websites {
		ps = append(ps, w.PreApprovals...)
	}
	for _, a := range o.Snapshot.Apps {
		ps = append(ps, a.PreApprovals...)
	}
	for _, p := range ps {
		if p.DocumentID == "" || docs[p.DocumentID] != "" || x.cfg.Files == nil {
			continue
		}
		data, err := x.cfg.Files.GetFile(ctx, p.DocumentID)
		if err != nil {
			if beian.ErrorCode(err) == beian.ENOTFOUND {
				continue // the mapping names the missing document
			}
			return nil, err
		}
		if data, err = fitImage(data, maxPreApprovalBytes); err != nil {
			x.log.WarnContext(ctx, "pre-approval scan cannot be made small enough", "order", o.ID, "err", err)
			continue
		}
		docs[p.DocumentID] = base64.StdEncoding.EncodeToString(data)
	}
	return docs, nil
}

// siteNumbers looks up, for a new-access order, the filed numbers of the
// sites we hold no record of, by domain (isp_querybeianstatus).
func (x *Exchange) siteNumbers(ctx context.Context, conn *beian.BureauConnection, o *beian.Order, rec *beian.Record) (map[string]string, error) {
	if o.Type != beian.NewAccess {
		return nil, nil
	}
	var domains []string
	for _, w := range o.Snapshot.Websites {
		if findService(rec, w.RecordID) == nil && len(w.Domains) > 0 {
			domains = append(domains, beian.NormalizeDomain(w.Domains[0]))
		}
	}
	for _, a := range o.Snapshot.Apps {
		if ds := appDomains(&a); findService(rec, a.RecordID) == nil && len(ds) > 0 {
			domains = append(domains, beian.NormalizeDomain(ds[0]))
		}
	}
	if len(domains) == 0 {
		return nil, nil
	}
	client, _, err := x.client(conn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range domains {
		cctx, cancel := x.callCtx(ctx)
		st, err := client.QueryBeianStatus(cctx, miit.QueryByDomain, d)
		cancel()
		if err != nil {
			return nil, beian.Errorf(beian.EUNAVAILABLE, "bureau.lookup.failed", "domain", d).WithCause(err)
		}
		if !st.Filed || st.SiteNumber == "" {
			return nil, beian.Errorf(beian.ECONFLICT, "bureau.lookup.unfiled", "domain", d)
		}
		out[d] = st.SiteNumber
	}
	return out, nil
}

// outcome is what a BAJG result means for an operation.
type outcome int

const (
	outcomeNone     outcome = iota // informative (1060, 1062): nothing changes
	outcomeVerified                // 1101: SMS codes verified
	outcomeApproved                // 1001
	outcomeRejected                // 1002
	outcomeReturned                // 1102, 1103, 1104: returned before review
	outcomeRefused                 // a per-record error (1003 …, 5001 …)
)

// classify reads a result's codes; the strongest decides.
func classify(codes []miit.ResultCode) (outcome, miit.ResultCode) {
	best, code := outcomeNone, miit.ResultCode(0)
	rank := map[outcome]int{outcomeNone: 0, outcomeVerified: 1, outcomeRefused: 2, outcomeReturned: 3, outcomeRejected: 4, outcomeApproved: 5}
	for _, c := range codes {
		var o outcome
		switch {
		case c == miit.ResultApproved:
			o = outcomeApproved
		case c == miit.ResultRejected:
			o = outcomeRejected
		case c == resultSMSTimeout || c == resultSMSTooMany || c == resultDomainCheck:
			o = outcomeReturned
		case c == resultSMSVerified:
			o = outcomeVerified
		case c.Success():
			o = outcomeNone
		default:
			o = outcomeRefused
		}
		if rank[o] > rank[best] || code == 0 && o == best {
			best, code = o, c
		}
	}
	return best, code
}

// resultText is the Chinese description of a code, extension codes
// included.
func resultText(c miit.ResultCode) string {
	switch c {
	case resultSMSVerified:
		return "短信核验通过，进入管局审核"
	case resultSMSTimeout:
		return "短信核验超时，备案已退回"
	case resultSMSTooMany:
		return "短信核验错误次数超限，备案已退回"
	case resultDomainCheck:
		return "域名核验未通过，备案已退回"
	}
	if t := c.Text(); t != "" {
		return t
	}
	return "结果代码" + strconv.Itoa(int(c))
}

// resultOpinion is the bureau's words on a result: for a review, the
// reviewer's opinion (GJSHS/Gjsh/Shyj) matched by operation type and record
// ID, else the description after the code's text; otherwise the
// descriptions of every code.
func resultOpinion(jg *miit.BAJGJgXx, out outcome, gjsh []miit.BAJGGJSHSGjsh) string {
	if out == outcomeApproved || out == outcomeRejected {
		want := int64(0)
		if out == outcomeApproved {
			want = 1
		}
		bs, _ := strconv.ParseInt(strings.TrimSpace(jg.Bs), 10, 64)
		for _, g := range gjsh {
			if g.Shjg == want && (g.Czlx == nil || *g.Czlx == jg.Czlx) && g.Jlid != nil && *g.Jlid == bs && strings.TrimSpace(g.Shyj) != "" {
				return strings.TrimSpace(g.Shyj)
			}
		}
		for _, x := range jg.Jgxx {
			d := strings.TrimSpace(x.Dmms)
			if _, after, ok := strings.Cut(d, "："); ok && strings.TrimSpace(after) != "" {
				return strings.TrimSpace(after)
			}
			if d != "" && d != resultText(miit.ResultCode(x.Jgdm)) {
				return d
			}
		}
		if out == outcomeApproved {
			return "同意"
		}
		return resultText(miit.ResultRejected)
	}
	var parts []string
	for _, x := range jg.Jgxx {
		c := miit.ResultCode(x.Jgdm)
		if c.Success() && c != resultSMSVerified {
			continue
		}
		d := strings.TrimSpace(x.Dmms)
		if d == "" {
			d = resultText(c)
		}
		parts = append(parts, fmt.Sprintf("%s（%d）", d, x.Jgdm))
	}
	return clipRunes(strings.Join(parts, "；"), 1000)
}

// codeFields are the order fields a per-record error concerns, so the
// customer's "fix only these" edit opens at them. Paths with websites[] are
// expanded for every website of the order.
var codeFields = map[miit.ResultCode][]string{
	1003: {"subject"}, 1004: {"websites[].domains"}, 1005: {"websites[].domains"}, 1006: {"websites[].ips"},
	1007: {"subject.principal.mobile", "websites[].principal.mobile"}, 1008: {"subject.certificate_number"},
	1009: {"subject.principal.email", "websites[].principal.email"}, 1010: {"subject.principal.office_phone"},
	1011: {"subject.principal.mobile", "websites[].principal.mobile"}, 1014: {"subject.nature"}, 1015: {"subject.certificate_number"},
	1018: {"filing_password"}, 1019: {"subject.mailing_address"}, 1020: {"websites[].name"}, 1021: {"websites[].homepage_url"},
	1022: {"websites[].homepage_url"}, 1024: {"websites[].ips"}, 1031: {"websites[].principal.office_phone"},
	1033: {"websites[].pre_approvals"}, 1034: {"websites[].service_content"}, 1037: {"websites[].domains"}, 1039: {"websites[].domains"},
	1041: {"websites[].homepage_url"}, 1044: {"subject.principal.name"}, 1063: {"websites[].ips"}, 1064: {"websites[].domains"},
	1065: {"subject"}, 1066: {"websites[].languages"}, resultDomainCheck: {"websites[].domains"},
}

// resultMarks turns a result's codes into field marks on the order.
func resultMarks(o *beian.Order, codes []miit.ResultCode) []beian.FieldMark {
	var marks []beian.FieldMark
	seen := map[string]bool{}
	add := func(field string, c miit.ResultCode) {
		if !seen[field] {
			seen[field] = true
			marks = append(marks, beian.FieldMark{Field: field, Note: fmt.Sprintf("%d %s", int(c), resultText(c))})
		}
	}
	for _, c := range codes {
		for _, f := range codeFields[c] {
			rest, ok := strings.CutPrefix(f, "websites[]")
			if !ok {
				add(f, c)
				continue
			}
			for i := range o.Snapshot.Websites {
				add(fmt.Sprintf("websites[%d]%s", i, rest), c)
			}
			for i := range o.Snapshot.Apps {
				add(fmt.Sprintf("apps[%d]%s", i, rest), c)
			}
		}
	}
	return marks
}

// applyResult applies one BAJG result (Jg_xx): it finds the operation by
// operation type and Bs, records the result on it and moves its order on.
// A result for an operation that already has its final result changes
// nothing, so a file processed twice, or a result repeated, is harmless.
func (x *Exchange) applyResult(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, fileID string, jg *miit.BAJGJgXx, gjsh []miit.BAJGGJSHSGjsh) error {
	codes := make([]miit.ResultCode, 0, len(jg.Jgxx))
	for _, j := range jg.Jgxx {
		codes = append(codes, miit.ResultCode(j.Jgdm))
	}
	out, code := classify(codes)
	if out == outcomeNone {
		return nil
	}
	bs := strings.TrimSpace(jg.Bs)
	ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: conn.ID, Czlx: int(jg.Czlx), Bs: bs,
		States: []beian.OperationState{beian.OpFiled, beian.OpSent, beian.OpVerified}})
	if err != nil {
		return err
	}
	if out == outcomeVerified {
		// A verification comes once; an operation already verified is done.
		ops = filterOps(ops, func(op *beian.BureauOperation) bool { return op.State != beian.OpVerified })
	}
	if len(ops) == 0 {
		x.log.WarnContext(ctx, "bureau result matches no operation waiting for one", "connection", conn.ID, "czlx", jg.Czlx,
			"bs", bs, "code", int(code), "file", fileID)
		return nil
	}
	// Results of the review come in submission order; a per-record error
	// comes right after the upload, so it concerns the latest.
	op := ops[0]
	if out == outcomeRefused {
		op = ops[len(ops)-1]
	}
	opinion := resultOpinion(jg, out, gjsh)
	op.ResultCode, op.Opinion = int(code), opinion
	switch out {
	case outcomeVerified:
		op.State = beian.OpVerified
	case outcomeApproved:
		op.State = beian.OpApproved
	case outcomeRejected:
		op.State = beian.OpRejected
	case outcomeReturned:
		op.State = beian.OpReturned
	case outcomeRefused:
		op.State = beian.OpRefused
	}
	if err := tx.UpdateBureauOperation(ctx, op); err != nil {
		return err
	}
	o, err := tx.FindOrder(ctx, op.OrderID)
	if err != nil {
		return err
	}
	review := &beian.Review{By: "bureau", At: tx.Now(), Opinion: opinion, BureauCode: int(code)}
	if out == outcomeRefused || out == outcomeReturned {
		review.Marks = resultMarks(o, codes)
	}
	return x.advanceOrder(ctx, tx, conn, o, op, out, review)
}

func filterOps(ops []*beian.BureauOperation, keep func(*beian.BureauOperation) bool) []*beian.BureauOperation {
	var out []*beian.BureauOperation
	for _, op := range ops {
		if keep(op) {
			out = append(out, op)
		}
	}
	return out
}

// advanceOrder moves an order on after one of its operations got a result,
// looking at every operation of the order's round:
//
//   - SMS verified: when every operation of the current step is verified
//     (or approved), sms_verified;
//   - approved: an earlier step releases the next one (迁移); the last
//     approval approves the order (records updated, numbers follow in
//     BASJ); an approval seen while the order still waits for SMS codes
//     applies sms_verified first, so both events are audited;
//   - rejected: bureau_reject (after sms_verified if needed);
//   - returned or refused: bureau_return while SMS verification runs,
//     bureau_reject once the order is under review.
//
// The other operations of the round are superseded when the order stops
// waiting for them.
func (x *Exchange) advanceOrder(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, o *beian.Order, op *beian.BureauOperation,
	out outcome, review *beian.Review) error {
	if o.State != beian.SMSPending && o.State != beian.BureauReview {
		x.log.InfoContext(ctx, "bureau result for an order no longer at the bureau", "order", o.ID, "state", string(o.State), "code", op.ResultCode)
		return nil
	}
	all, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{OrderID: o.ID})
	if err != nil {
		return err
	}
	round := filterOps(all, func(x *beian.BureauOperation) bool { return x.Round == op.Round })
	if latest := maxRound(all); op.Round != latest {
		x.log.InfoContext(ctx, "bureau result for an earlier submission", "order", o.ID, "round", op.Round, "latest", latest)
		return nil
	}
	step := op.Step
	every := func(ops []*beian.BureauOperation, ok func(*beian.BureauOperation) bool) bool {
		for _, x := range ops {
			if !ok(x) {
				return false
			}
		}
		return true
	}
	inStep := filterOps(round, func(x *beian.BureauOperation) bool { return x.Step == step })
	verifiedOrBetter := func(x *beian.BureauOperation) bool { return x.State == beian.OpVerified || x.State == beian.OpApproved }
	data := map[string]any{"connection": conn.ID, "code": op.ResultCode, "operation": op.ID}

	smsVerified := func() error {
		if o.State != beian.SMSPending {
			return nil
		}
		return x.orderEvent(ctx, tx, o, beian.EventSMSVerified, &beian.Review{Event: beian.EventSMSVerified, By: "bureau", At: tx.Now(),
			Opinion: resultText(resultSMSVerified), BureauCode: int(resultSMSVerified)}, data)
	}
	supersede := func() error {
		for _, x := range round {
			if x.ID != op.ID && !x.State.Final() {
				x.State = beian.OpSuperseded
				if err := tx.UpdateBureauOperation(ctx, x); err != nil {
					return err
				}
			}
		}
		return nil
	}

	switch out {
	case outcomeVerified:
		if every(inStep, verifiedOrBetter) {
			return smsVerified()
		}
		return nil
	case outcomeApproved:
		if !every(inStep, func(x *beian.BureauOperation) bool { return x.State == beian.OpApproved }) {
			if every(inStep, verifiedOrBetter) {
				return smsVerified()
			}
			return nil
		}
		next := filterOps(round, func(x *beian.BureauOperation) bool { return x.State == beian.OpHeld })
		if len(next) > 0 {
			// A later step waits for this one: release it (迁移's new filing).
			for _, n := range next {
				n.State = beian.OpPending
				if err := tx.UpdateBureauOperation(ctx, n); err != nil {
					return err
				}
			}
			if err := smsVerified(); err != nil {
				return err
			}
			if err := audit(ctx, tx, ActorBureau, "order.bureau_step", "order", o.ID, map[string]any{"step": step, "connection": conn.ID}); err != nil {
				return err
			}
			return enqueue(ctx, tx, JobUpload, conn.ID, ExchangeJobArgs{Connection: conn.ID}, time.Time{})
		}
		if !every(round, func(x *beian.BureauOperation) bool { return x.State == beian.OpApproved }) {
			return nil
		}
		if err := smsVerified(); err != nil {
			return err
		}
		if err := x.applyApproval(ctx, tx, conn, o); err != nil {
			return err
		}
		review.Event = beian.EventBureauApprove
		return x.orderEvent(ctx, tx, o, beian.EventBureauApprove, review, data)
	case outcomeRejected:
		if err := supersede(); err != nil {
			return err
		}
		if err := smsVerified(); err != nil {
			return err
		}
		review.Event = beian.EventBureauReject
		return x.orderEvent(ctx, tx, o, beian.EventBureauReject, review, data)
	default: // returned, refused
		if err := supersede(); err != nil {
			return err
		}
		ev := beian.EventBureauReturn
		if o.State == beian.BureauReview {
			ev = beian.EventBureauReject
		}
		review.Event = ev
		return x.orderEvent(ctx, tx, o, ev, review, data)
	}
}

func maxRound(ops []*beian.BureauOperation) int {
	r := 0
	for _, op := range ops {
		r = max(r, op.Round)
	}
	return r
}

// orderEvent moves the order along a bureau event with the bureau's review,
// sets the next deadline, and writes the audit event and the notification.
func (x *Exchange) orderEvent(ctx context.Context, tx beian.Tx, o *beian.Order, ev beian.OrderEvent, review *beian.Review, data map[string]any) error {
	from := o.State
	now := tx.Now()
	if err := o.Apply(ev, now); err != nil {
		return err
	}
	if review != nil {
		review.Event = ev
		o.Review = review
	}
	if o.State == beian.BureauReview {
		o.DueAt = x.w.workdaysAfter(ctx, now, x.w.sla.Bureau)
	}
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	d := map[string]any{"from": from, "to": o.State}
	for k, v := range data {
		d[k] = v
	}
	if err := audit(ctx, tx, ActorBureau, "order."+string(ev), "order", o.ID, d); err != nil {
		return err
	}
	return notifyOrder(ctx, tx, o, ev)
}
