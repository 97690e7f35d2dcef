package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/miit"
)

// This file answers the bureau: verification tasks (HSRW) with their
// results (HSJG), unfiled sites (WBAWZLB) with their handling (WBACLJG).
// Both travel as outbound operations of the exchange: queued in the
// transaction of the officer's answer, batched by the connection's uploader
// into the next numbered upload file, like an order's records. The bureau
// sends no BAJG result for them (their operation types are not in BAJG's
// code list), so they end in the state sent.

// The upload kinds of the compliance answers.
const (
	UploadHSJG    beian.UploadKind = "HSJG"    // 核实结果
	UploadWBACLJG beian.UploadKind = "WBACLJG" // 未备案网站处理结果
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"task.verifier":       {ZH: "请填写核实人姓名（不超过 128 字）。", EN: "Enter the verifier's name (at most 128 characters)."},
		"task.opinion":        {ZH: "请填写核实意见（不超过 1024 字）。", EN: "Enter the verification opinion (at most 1024 characters)."},
		"task.no_connection":  {ZH: "该任务来自的管局接口连接已不存在。", EN: "The bureau connection this task came from no longer exists."},
		"task.invalid_record": {ZH: "管局数据无法组成合规的上报记录：{problem}", EN: "The bureau's data cannot make a valid upload record: {problem}"},
		"unfiled.result":      {ZH: "请选择处理结果。", EN: "Choose a handling result."},
		"unfiled.opinion":     {ZH: "请填写处理意见（不超过 255 字）。", EN: "Enter the handling opinion (at most 255 characters)."},
		"unfiled.deadline":    {ZH: "请填写处理时限（不早于今天）。", EN: "Enter the handling deadline (today or later)."},
		"unfiled.reporter":    {ZH: "上报人姓名不超过 128 字，电话至少 11 位，邮箱须含 @。", EN: "The reporter's name is at most 128 characters, the phone at least 11 digits, the e-mail must contain @."},
		"unfiled.no_operator": {ZH: "管局数据缺少运营商标识，无法上报。", EN: "The bureau's entry lacks the operator ID; it cannot be answered."},
	})
}

// queueUpload validates one record of kind as an upload document of the
// connection would carry it, and queues it as a pending operation with the
// connection's upload job, in tx. ref names what it answers (a task or an
// unfiled site) in the operation's order and Bs columns.
func queueUpload(ctx context.Context, tx beian.Tx, connID string, kind beian.UploadKind, record any, ref string) (*beian.BureauOperation, error) {
	conn, err := tx.FindBureauConnection(ctx, connID, false)
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		return nil, beian.Errorf(beian.ECONFLICT, "task.no_connection")
	}
	if err != nil {
		return nil, err
	}
	icp := &miit.UploadICP{Qqdwid: conn.ISPID}
	switch r := record.(type) {
	case *miit.HSJGHsjgxx:
		icp.HSJG = &miit.HSJG{Hsjgxx: []miit.HSJGHsjgxx{*r}}
	case *miit.WBACLJGClxx:
		icp.WBACLJG = &miit.WBACLJG{Clxx: []miit.WBACLJGClxx{*r}}
	default:
		return nil, fmt.Errorf("workflow: cannot upload %T", record)
	}
	if err := (&miit.UploadData{Version: miit.Version, ICP: icp}).Validate(); err != nil {
		problem := err.Error()
		if ve, ok := err.(*miit.ValidationError); ok && len(ve.Problems) > 0 {
			problem = ve.Problems[0].Path + ": " + ve.Problems[0].Message
		}
		return nil, beian.Errorf(beian.EINVALID, "task.invalid_record", "problem", problem).WithCause(err)
	}
	b, err := json.Marshal(record)
	if err != nil {
		return nil, err
	}
	op := &beian.BureauOperation{ConnectionID: conn.ID, OrderID: ref, Kind: kind, Bs: ref, Round: 1, Step: 1, Record: b, State: beian.OpPending}
	if err := tx.CreateBureauOperation(ctx, op); err != nil {
		return nil, err
	}
	return op, enqueue(ctx, tx, JobUpload, conn.ID, ExchangeJobArgs{Connection: conn.ID}, time.Time{})
}

// VerificationAnswerInput is an officer's answer to a verification task.
type VerificationAnswerInput struct {
	Passed     bool
	Verifier   string
	VerifiedOn beian.Date // zero means today
	Opinion    string
}

// AnswerVerification answers a verification task (核实任务): the result
// (pass or refuse), the verifier, the date and the opinion go to the bureau
// as an HSJG record echoing the task's data. A refusal also opens a case
// against the subject (a job does, with the configured deadlines), so that
// the customer corrects its data. Officers only. Errors: EFORBIDDEN,
// ENOTFOUND, ECONFLICT (task.answered, task.no_connection), EINVALID
// (task.verifier, task.opinion, task.invalid_record).
func (w *Workflow) AnswerVerification(ctx context.Context, u *beian.User, id string, in VerificationAnswerInput) (*beian.VerificationTask, error) {
	if !canWorkCases(u) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "case.officer_only")
	}
	in.Verifier, in.Opinion = strings.TrimSpace(in.Verifier), strings.TrimSpace(in.Opinion)
	if n := utf8.RuneCountInString(in.Verifier); n == 0 || n > 128 {
		return nil, beian.Invalid("verifier", "task.verifier")
	}
	if n := utf8.RuneCountInString(in.Opinion); n == 0 || n > 1024 {
		return nil, beian.Invalid("opinion", "task.opinion")
	}
	var t *beian.VerificationTask
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if t, err = tx.FindVerificationTask(ctx, id); beian.ErrorCode(err) == beian.ENOTFOUND {
			return errNotFound()
		} else if err != nil {
			return err
		}
		if t.State != beian.TaskOpen {
			return beian.Errorf(beian.ECONFLICT, "task.answered")
		}
		it, err := tx.FindFeedItem(ctx, t.FeedItemID)
		if err != nil {
			return err
		}
		var task miit.HSRWBaxx
		if err := json.Unmarshal(it.Data, &task); err != nil {
			return fmt.Errorf("workflow: HSRW item %s: %w", it.ID, err)
		}
		on := in.VerifiedOn
		if on.IsZero() {
			on = beian.DateOf(tx.Now())
		}
		rec, err := hsjgRecord(&task, in, on)
		if err != nil {
			return err
		}
		conn, err := notFoundIsNil(tx.FindBureauConnection(ctx, t.ConnectionID, false))
		if err != nil {
			return err
		}
		if conn != nil {
			rec.Bbdw = conn.ISPID
		}
		op, err := queueUpload(ctx, tx, t.ConnectionID, UploadHSJG, rec, "task:"+t.ID)
		if err != nil {
			return err
		}
		t.State = beian.TaskAnswered
		t.Answer = &beian.VerificationAnswer{Passed: in.Passed, Verifier: in.Verifier, VerifiedOn: on, Opinion: in.Opinion,
			AnsweredBy: u.ID, AnsweredAt: tx.Now(), OperationID: op.ID}
		if err := tx.UpdateVerificationTask(ctx, t); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "task.answer", "verification_task", t.ID, map[string]any{"passed": in.Passed, "operation": op.ID}); err != nil {
			return err
		}
		if in.Passed || t.SubjectID == "" {
			return nil
		}
		return enqueue(ctx, tx, JobComplianceRefused, t.ID, TaskJobArgs{TaskID: t.ID}, time.Time{})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// TaskJobArgs is the payload of JobComplianceRefused.
type TaskJobArgs struct {
	TaskID string `json:"task_id"`
}

// refused opens the case of a refused verification task against its
// subject, with the officer's opinion as the bureau-facing words.
func (c *Compliance) refused(ctx context.Context, id string) error {
	return c.w.store.Update(ctx, func(tx beian.Tx) error {
		t, err := tx.FindVerificationTask(ctx, id)
		if err != nil || t.Answer == nil || t.Answer.Passed || t.CaseID != "" || t.SubjectID == "" {
			return err
		}
		r, err := notFoundIsNil(tx.FindRecord(ctx, t.SubjectID))
		if err != nil || r == nil {
			return err
		}
		d := forRecord(r, nil, beian.ClassifyNotice(t.Answer.Opinion, false), beian.SourceHSRW)
		d.detail = t.Answer.Opinion
		d.evidence = []beian.Evidence{{At: tx.Now(), Source: beian.SourceHSRW, Code: "HSJG/refused", Text: t.Answer.Opinion}}
		k, _, err := c.detect(ctx, tx, d)
		if err != nil {
			return err
		}
		t.CaseID = k.ID
		return tx.UpdateVerificationTask(ctx, t)
	})
}

// hsjgRecord builds the HSJG record of an answer: the result with the
// task's subject and sites echoed back, as the bureau sent them. The HSRW
// and HSJG types carry the same fields under their own names, so they are
// converted through JSON.
func hsjgRecord(task *miit.HSRWBaxx, in VerificationAnswerInput, on beian.Date) (*miit.HSJGHsjgxx, error) {
	r := &miit.HSJGHsjgxx{Hsrxm: in.Verifier, Hssj: miit.NewDate(on.Time(beian.ChinaTime)), Hsyj: in.Opinion}
	if !in.Passed {
		r.Hsjg = 1
		r.Cwxx = in.Opinion
	}
	if err := convertJSON(task.ZtXx, &r.Baxx.ZtXx); err != nil {
		return nil, err
	}
	// The fields named differently in the two schemas.
	r.Baxx.ZtXx.Fzr.Sjhm = task.ZtXx.Fzr.FzrSjhm
	for _, w := range task.WzXx {
		var x miit.HSJGHsjgxxBaxxWzXx
		if err := convertJSON(w, &x); err != nil {
			return nil, err
		}
		x.WzFzr.Sjhm = w.WzFzr.FzrSjhm
		for i := range x.JrXx {
			if i < len(w.JrXx) {
				x.JrXx[i].Bbfs = w.JrXx[i].Bbyhlx
			}
		}
		r.Baxx.WzXx = append(r.Baxx.WzXx, x)
	}
	return r, nil
}

func convertJSON(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

// UnfiledHandlingInput is an officer's handling result for an unfiled
// site.
type UnfiledHandlingInput struct {
	// Result is the code of the bureau's table (未备案网站处理状态).
	Result   int64
	Opinion  string
	Deadline beian.Date
	// Reporter, Phone and Email are the reporting officer's, optional.
	Reporter string
	Phone    string
	Email    string
}

// defaultUnfiledResults is the handling table until the bureau sends its
// own (JCDM wbacl).
var defaultUnfiledResults = []beian.CodeEntry{{ID: 1, Name: "已关停", Valid: true}, {ID: 2, Name: "已备案", Valid: true},
	{ID: 3, Name: "已取消接入", Valid: true}, {ID: 4, Name: "非本单位接入", Valid: true}, {ID: 5, Name: "整改中", Valid: true},
	{ID: 6, Name: "其他", Valid: true}}

// unfiledSettled are the handling results that end the matter for the
// customer's case: the site is shut, filed, no longer here, or not ours.
var unfiledSettled = map[string]bool{"已关停": true, "已备案": true, "已取消接入": true, "非本单位接入": true}

// UnfiledResults returns the handling results an unfiled site of the
// connection can be reported with: the bureau's table, or the V3.0 default
// before it is synchronised.
func (w *Workflow) UnfiledResults(ctx context.Context, connectionID string) ([]beian.CodeEntry, error) {
	var out []beian.CodeEntry
	err := w.store.View(ctx, func(tx beian.Tx) error {
		t, err := tx.CodeTable(ctx, connectionID, "wbacl")
		for _, e := range t {
			if e.Valid {
				out = append(out, e)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		out = defaultUnfiledResults
	}
	return out, nil
}

// ReportUnfiled reports the handling of an unfiled site to the bureau
// (WBACLJG): result, opinion, deadline and reporter. A result that settles
// the matter (shut, filed, access cancelled, not ours) closes the owner's
// case once every site of it is settled. Officers only. Errors:
// EFORBIDDEN, ENOTFOUND, ECONFLICT (task.answered, task.no_connection),
// EINVALID (unfiled.*, task.invalid_record).
func (w *Workflow) ReportUnfiled(ctx context.Context, u *beian.User, id string, in UnfiledHandlingInput) (*beian.UnfiledSite, error) {
	if !canWorkCases(u) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "case.officer_only")
	}
	in.Opinion, in.Reporter = strings.TrimSpace(in.Opinion), strings.TrimSpace(in.Reporter)
	in.Phone, in.Email = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email)
	if n := utf8.RuneCountInString(in.Opinion); n == 0 || n > 255 {
		return nil, beian.Invalid("opinion", "unfiled.opinion")
	}
	if utf8.RuneCountInString(in.Reporter) > 128 || (in.Phone != "" && len(in.Phone) < 11) || (in.Email != "" && (!strings.Contains(in.Email, "@") || len(in.Email) < 6)) {
		return nil, beian.Invalid("reporter", "unfiled.reporter")
	}
	if in.Phone != "" {
		if m, err := cnid.ParseMobile(in.Phone); err == nil {
			in.Phone = m.String()
		}
	}
	var s *beian.UnfiledSite
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if s, err = tx.FindUnfiledSite(ctx, id); beian.ErrorCode(err) == beian.ENOTFOUND {
			return errNotFound()
		} else if err != nil {
			return err
		}
		if s.State != beian.TaskOpen {
			return beian.Errorf(beian.ECONFLICT, "task.answered")
		}
		today := beian.DateOf(tx.Now())
		if in.Deadline.IsZero() || in.Deadline.Before(today) {
			return beian.Invalid("deadline", "unfiled.deadline")
		}
		results, err := w.UnfiledResults(ctx, s.ConnectionID)
		if err != nil {
			return err
		}
		name := ""
		for _, r := range results {
			if r.ID == in.Result {
				name = r.Name
			}
		}
		if name == "" {
			return beian.Invalid("result", "unfiled.result")
		}
		if s.Operator <= 0 {
			return beian.Errorf(beian.ECONFLICT, "unfiled.no_operator")
		}
		conn, err := notFoundIsNil(tx.FindBureauConnection(ctx, s.ConnectionID, false))
		if err != nil {
			return err
		}
		if conn == nil {
			return beian.Errorf(beian.ECONFLICT, "task.no_connection")
		}
		ip, err := miit.IPv4From(s.IP)
		if err != nil {
			return beian.Invalid("ip", "task.invalid_record", "problem", "IP").WithCause(err)
		}
		province := s.Province
		if province == 0 {
			if p, ok := beian.ProvinceByCode(conn.Province); ok {
				province, _ = strconv.ParseInt(p.RegionCode(), 10, 64)
			}
		}
		listed := s.ListedOn
		if listed.IsZero() {
			listed = beian.DateOf(s.CreatedAt)
		}
		rec := &miit.WBACLJGClxx{Ym: s.Domain, IP: ip, Yys: s.Operator, Jrs: conn.ISPID, Shengid: province, Cljg: in.Result, Clyj: in.Opinion,
			Rbsj: miit.NewDate(listed.Time(beian.ChinaTime)), Clsx: miit.NewDate(in.Deadline.Time(beian.ChinaTime)),
			Sbrxm: in.Reporter, Sbrdh: in.Phone, Sbrdzyj: in.Email}
		op, err := queueUpload(ctx, tx, s.ConnectionID, UploadWBACLJG, rec, "unfiled:"+s.ID)
		if err != nil {
			return err
		}
		s.State = beian.TaskAnswered
		s.Handling = &beian.UnfiledHandling{Result: in.Result, ResultName: name, Opinion: in.Opinion, Deadline: in.Deadline,
			Reporter: in.Reporter, ReporterPhone: in.Phone, ReporterEmail: in.Email, ReportedBy: u.ID, ReportedAt: tx.Now(), OperationID: op.ID}
		if err := tx.UpdateUnfiledSite(ctx, s); err != nil {
			return err
		}
		if err := audit(ctx, tx, u.ID, "unfiled.report", "unfiled_site", s.ID, map[string]any{"result": in.Result, "operation": op.ID}); err != nil {
			return err
		}
		if s.CaseID == "" || !unfiledSettled[name] {
			return nil
		}
		return settleUnfiledCase(ctx, tx, s.CaseID, s.AccountID, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// settleUnfiledCase closes an unfiled-site case when every site it covers
// was reported with a settling result.
func settleUnfiledCase(ctx context.Context, tx beian.Tx, caseID, accountID, actor string) error {
	sites, _, err := tx.FindUnfiledSites(ctx, beian.TaskFilter{AccountID: accountID, Limit: 500})
	if err != nil {
		return err
	}
	for _, x := range sites {
		if x.CaseID == caseID && (x.Handling == nil || !unfiledSettled[x.Handling.ResultName]) {
			return nil
		}
	}
	k, err := tx.FindCase(ctx, caseID)
	if err != nil {
		return err
	}
	return end(ctx, tx, k, beian.ResolutionFixed, actor, map[string]any{"unfiled": true})
}
