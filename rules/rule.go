package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openbeian/beian"
)

// Severity says what a finding means for the order.
type Severity int

// The severities, strongest first; findings sort in this order.
const (
	// Blocking findings stop submission: the bureau or our reviewers would
	// reject the order for them.
	Blocking Severity = iota + 1
	// Warning findings do not stop submission; they point at a likely
	// rejection (a rule only some bureaus apply) or a risk to the filing.
	Warning
	// ReviewerAttention findings are the reviewer's checklist: what only a
	// person can judge (is the photo a screen re-shot, was the phone
	// answered), and every check a missing fact left undecided.
	ReviewerAttention
)

var severityNames = [...]string{Blocking: "blocking", Warning: "warning", ReviewerAttention: "reviewer_attention"}

// String returns "blocking", "warning" or "reviewer_attention".
func (s Severity) String() string {
	if s >= Blocking && s <= ReviewerAttention {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Text returns the severity's name in both languages.
func (s Severity) Text() beian.Text {
	switch s {
	case Blocking:
		return beian.Text{ZH: "阻断", EN: "blocking"}
	case Warning:
		return beian.Text{ZH: "警告", EN: "warning"}
	case ReviewerAttention:
		return beian.Text{ZH: "审核员关注", EN: "reviewer attention"}
	}
	return beian.Text{ZH: s.String(), EN: s.String()}
}

// MarshalText writes the severity's name, for the JSON API.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n != "" && n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("rules: unknown severity %q", b)
}

// Mode selects how much the pre-check does.
type Mode int

// The modes.
const (
	// ModeDraft runs on every save of a draft. It consults only what is in
	// memory — the order, the province packs, the TLD and registrar table,
	// the provider's networks — and defers every rule that needs a remote
	// fact (store, blind index, RDAP, DNS, feeds) to submission.
	ModeDraft Mode = iota
	// ModeSubmit runs before submission and consults every fact; a missing
	// one yields a reviewer-attention finding.
	ModeSubmit
)

// String returns "draft" or "submit".
func (m Mode) String() string {
	if m == ModeSubmit {
		return "submit"
	}
	return "draft"
}

// Scope says what a rule applies to. A zero field does not restrict.
// Provinces and dates come from the rule itself; the many rules whose
// strength differs by province read their province pack instead (PackKeys).
type Scope struct {
	// Types are the filing types the rule checks.
	Types []beian.OrderType
	// Natures are the subject natures the rule checks.
	Natures []beian.Nature
	// Kinds are the service kinds the rule looks at; it stays silent for
	// orders without such a service.
	Kinds []beian.ServiceKind
	// Provinces are two-digit province codes.
	Provinces []string
	// From and Until bound the check dates on which the rule is in force
	// (Until exclusive).
	From, Until beian.Date
}

// Rule is one entry of the catalogue.
type Rule struct {
	// ID is stable: reviewers, the web layer and bureau mappings refer to it.
	// Never rename or reuse one.
	ID string
	// Title names the rule in a few words.
	Title beian.Text
	// Severity is the severity of the rule's findings when its condition is
	// established. A finding may be weaker: a check a missing fact left
	// undecided is reviewer attention, and some rules are blocking only in
	// provinces whose pack says so (see SeverityNote).
	Severity Severity
	// SeverityNote explains a severity that depends on the province pack.
	SeverityNote beian.Text
	// Applies is the rule's scope.
	Applies Scope
	// Reason and Remedy are the general texts, as docs/rules.md shows them;
	// findings carry specific ones with the offending value and the
	// province's figure.
	Reason, Remedy beian.Text
	// Fix is what the customer does when a reviewer marks a field under
	// the rule, for the rules whose Remedy is the reviewer's guidance (the
	// reviewer-attention rules: "审核员请核对…", which the console shows).
	// Empty when Remedy already tells the customer; see CustomerRemedy.
	Fix beian.Text
	// Sources cite where the rule comes from: "§6.2.3" (spec section),
	// "R6" (rejection catalogue row), "S45" (seed sentence), "§7 江苏"
	// (province table).
	Sources []string
	// PackKeys are the province-pack keys the rule reads.
	PackKeys []string
	// Facts are the facts the rule consults beyond the order.
	Facts []FactKind

	check     func(c *checker)
	typeMask  uint32
	natureSet uint32
	kindMask  uint8
	provSet   map[string]bool
	remote    bool
}

// CustomerRemedy is the remedy the customer reads for a reviewer's mark
// under the rule (the portal's notes, the notifications): Fix when the rule
// has one, else Remedy.
func (r *Rule) CustomerRemedy() beian.Text {
	if r.Fix.ZH != "" || r.Fix.EN != "" {
		return r.Fix
	}
	return r.Remedy
}

// Finding is one thing the pre-check found. Its texts are specific: they
// name the offending value (unless it is personal data) and the province's
// figure.
type Finding struct {
	// Rule is the ID of the rule that produced the finding.
	Rule string `json:"rule"`
	// Field is the path of the offending field in the order's snapshot, e.g.
	// "websites[0].domains[1]" or "subject.principal.mobile"; "order" for
	// the order as a whole.
	Field string `json:"field"`
	// Severity is the rule's severity, or weaker (see Rule.Severity).
	Severity Severity `json:"severity"`
	// Reason is the 驳回原因: what is wrong, with the offending value.
	Reason beian.Text `json:"reason"`
	// Remedy is the 修改措施: what to do about it.
	Remedy beian.Text `json:"remedy"`
	// Undecided marks a finding made because a fact was missing: a reviewer
	// must decide what the rule could not.
	Undecided bool `json:"undecided,omitempty"`
}

// FactError is a failed fact look-up, for the caller's log; the finding it
// caused carries no error text, since errors may hold internals.
type FactError struct {
	Rule  string   // the rule that asked
	Field string   // the field it was checking
	Fact  FactKind // the source that failed
	Err   error    // the source's error
}

// Result is the outcome of one pre-check.
type Result struct {
	// Findings are sorted by severity (blocking first), then field, then
	// rule ID.
	Findings []Finding `json:"findings"`
	// Deferred lists, in draft mode, the rules that need remote facts and
	// run on submission.
	Deferred []string `json:"deferred,omitempty"`
	// FactErrors are the look-ups that failed, for the log.
	FactErrors []FactError `json:"-"`
	// Mode and CheckDate echo the input.
	Mode      Mode       `json:"-"`
	CheckDate beian.Date `json:"check_date"`
	// Province is the code of the province pack the check used; empty when
	// the order names no known province (the national defaults were used).
	Province string `json:"province,omitempty"`
}

// Blocking reports whether any finding stops submission.
func (r Result) Blocking() bool {
	// Findings are sorted blocking-first.
	return len(r.Findings) > 0 && r.Findings[0].Severity == Blocking
}

// Count returns how many findings have severity s.
func (r Result) Count(s Severity) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Severity == s {
			n++
		}
	}
	return n
}

// ByRule returns the findings of one rule.
func (r Result) ByRule(id string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(a.Severity) - int(b.Severity)
		}
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
}
