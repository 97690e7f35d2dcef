package workflow

import (
	"context"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"review.mark.field":        {ZH: "第 {n} 个标记：请选择订单中的字段。", EN: "Mark {n}: choose a field of the order."},
		"review.mark.field_known":  {ZH: "第 {n} 个标记：订单中没有字段「{field}」。", EN: "Mark {n}: the order has no field {field}."},
		"review.mark.reason":       {ZH: "第 {n} 个标记：请选择驳回原因（R1–R28）或预检规则。", EN: "Mark {n}: choose a rejection reason (R1–R28) or a pre-check rule."},
		"review.mark.reason_known": {ZH: "第 {n} 个标记：没有驳回原因或规则「{rule}」。", EN: "Mark {n}: there is no rejection reason or rule {rule}."},
		"review.mark.note_long":    {ZH: "第 {n} 个标记的说明不能超过 500 字。", EN: "The note of mark {n} must not exceed 500 characters."},
		"review.marks_too_many":    {ZH: "一次最多标记 50 个字段。", EN: "Mark at most 50 fields at once."},
		"review.pass_with_marks":   {ZH: "审核通过时不能标记字段；请取消标记，或选择待修改或驳回。", EN: "A pass carries no marks; clear them, or ask for changes or reject."},
	})
}

// Kinds of mark reasons.
const (
	ReasonRejection = "rejection" // a row of the rejection catalogue, R1–R28
	ReasonRule      = "rule"      // a pre-check rule of the catalogue
)

// MarkReason is a reason a reviewer can give for a marked field: a row of
// the rejection catalogue (spec §6.9) or a pre-check rule. Customers see
// the reason and the remedy next to the field; a rule's remedy is the one
// addressed to the customer (rules.Rule.CustomerRemedy), not the
// reviewer's checklist the console shows with the pre-check's findings.
type MarkReason struct {
	ID     string
	Kind   string // ReasonRejection or ReasonRule
	Title  beian.Text
	Reason beian.Text
	Remedy beian.Text
}

// MarkReasons lists every reason a mark may carry: the rejection rows R1–
// R28 first, as reviewers know them, then the pre-check rules in the
// catalogue's order.
func (w *Workflow) MarkReasons() []MarkReason {
	out := make([]MarkReason, 0, len(beian.RejectionReasons)+200)
	for _, r := range beian.RejectionReasons {
		out = append(out, MarkReason{ID: r.ID, Kind: ReasonRejection, Title: r.Title, Reason: r.Title, Remedy: r.Remedy})
	}
	for _, r := range w.rules.Rules() {
		out = append(out, MarkReason{ID: r.ID, Kind: ReasonRule, Title: r.Title, Reason: r.Reason, Remedy: r.CustomerRemedy()})
	}
	return out
}

// ExplainMark returns the reason a mark's RuleID names, for showing a mark
// to the customer or the reviewer; false when the ID is unknown (a mark
// written by an older catalogue), in which case the note is all there is.
func (w *Workflow) ExplainMark(ruleID string) (MarkReason, bool) {
	if r, ok := beian.RejectionReasonByID(ruleID); ok {
		return MarkReason{ID: r.ID, Kind: ReasonRejection, Title: r.Title, Reason: r.Title, Remedy: r.Remedy}, true
	}
	if r, ok := w.rules.Rule(ruleID); ok {
		return MarkReason{ID: r.ID, Kind: ReasonRule, Title: r.Title, Reason: r.Reason, Remedy: r.CustomerRemedy()}, true
	}
	return MarkReason{}, false
}

// maxMarks bounds one decision's marks; more is a form gone wrong.
const maxMarks = 50

// Decide is the console's review decision: it checks every mark — the
// field must exist in the order, the reason must be a rejection row or a
// catalogue rule, the note short — and then records the decision with
// Review. The checks are Decide's rather than Review's so that decisions
// from elsewhere (the bureau mapping, older clients) keep working with
// their own mark vocabulary. Errors: as Review, and EINVALID naming the
// mark.
func (w *Workflow) Decide(ctx context.Context, u *beian.User, id string, in ReviewInput) (*beian.Order, error) {
	if !CanReview(u) {
		return nil, errForbidden()
	}
	o, err := w.Order(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if in.Marks, err = w.checkMarks(&o.Snapshot, in.Marks); err != nil {
		return nil, err
	}
	if in.Decision == DecisionPass && len(in.Marks) > 0 {
		return nil, beian.Invalid("marks", "review.pass_with_marks")
	}
	in.Opinion = strings.TrimSpace(in.Opinion)
	return w.Review(ctx, u, id, in)
}

// checkMarks trims and validates marks and drops repeats of one field and
// reason.
func (w *Workflow) checkMarks(s *beian.Snapshot, marks []beian.FieldMark) ([]beian.FieldMark, error) {
	if len(marks) > maxMarks {
		return nil, beian.Invalid("marks", "review.marks_too_many")
	}
	seen := map[[2]string]bool{}
	out := make([]beian.FieldMark, 0, len(marks))
	for i, m := range marks {
		n := strconv.Itoa(i + 1)
		m.Field, m.RuleID, m.Note = strings.TrimSpace(m.Field), strings.TrimSpace(m.RuleID), strings.TrimSpace(m.Note)
		switch {
		case m.Field == "":
			return nil, beian.Invalid("marks", "review.mark.field", "n", n)
		case !knownField(s, m.Field):
			return nil, beian.Invalid("marks", "review.mark.field_known", "n", n, "field", m.Field)
		case m.RuleID == "":
			return nil, beian.Invalid("marks", "review.mark.reason", "n", n)
		case len([]rune(m.Note)) > 500:
			return nil, beian.Invalid("marks", "review.mark.note_long", "n", n)
		}
		if _, ok := w.ExplainMark(m.RuleID); !ok {
			return nil, beian.Invalid("marks", "review.mark.reason_known", "n", n, "rule", m.RuleID)
		}
		k := [2]string{m.Field, m.RuleID}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out, nil
}

// knownField reports whether path names a field of s or lies inside one
// (pre-check findings may point deeper than the picker goes, e.g. at a
// pre-approval's number).
func knownField(s *beian.Snapshot, path string) bool {
	_, ok := FieldLabel(s, path)
	return ok
}
