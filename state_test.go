package beian_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// specStates maps the names the specification's transition block uses to ours.
var specStates = map[string]beian.OrderState{
	"Draft":                  beian.Draft,
	"AwaitingPrelim":         beian.AwaitingPrelim,
	"NeedsModification":      beian.NeedsModification,
	"ModifiedAwaitingReview": beian.ModifiedAwaitingReview,
	"PrelimRejected":         beian.PrelimRejected,
	"AwaitingSubmission":     beian.AwaitingBureauSubmission,
	"SMSPending":             beian.SMSPending,
	"BureauReview":           beian.BureauReview,
	"BureauRejected":         beian.BureauRejected,
	"Returned":               beian.Returned,
	"Filed":                  beian.Filed,
	"Abandoned":              beian.Abandoned,
}

// specEvents maps the specification's arrow labels to our events.
var specEvents = map[string]beian.OrderEvent{
	"submit":              beian.EventSubmit,
	"withdraw":            beian.EventWithdraw,
	"reviewer:supplement": beian.EventReviewSupplement,
	"resubmit":            beian.EventResubmit,
	"edit+resubmit":       beian.EventResubmit,
	"reviewer:pass":       beian.EventReviewPass,
	"reviewer:reject":     beian.EventReviewReject,
	"specialist submits":  beian.EventBureauSubmit,
	"all codes verified":  beian.EventSMSVerified,
	"24h timeout | 6th wrong attempt | MIIT domain check fail": beian.EventBureauReturn,
	"approve": beian.EventBureauApprove,
	"reject":  beian.EventBureauReject,
	"abandon": beian.EventAbandon,
}

type pair struct {
	from beian.OrderState
	ev   beian.OrderEvent
}

var arrow = regexp.MustCompile(`^--(.+?)-->\s*(\w+)`)

// parseSpecTransitions reads the transition block of spec §4.6, copied
// verbatim into testdata, so the test checks the code against the
// specification's own words rather than a second hand-written table.
func parseSpecTransitions(t *testing.T) map[pair]beian.OrderState {
	t.Helper()
	b, err := os.ReadFile("testdata/spec-4.6-transitions.txt")
	if err != nil {
		t.Fatal(err)
	}
	table := map[pair]beian.OrderState{}
	add := func(from beian.OrderState, label, to string) {
		ev, ok := specEvents[label]
		if !ok {
			t.Fatalf("spec label %q has no event", label)
		}
		st, ok := specStates[to]
		if !ok {
			t.Fatalf("spec state %q unknown", to)
		}
		table[pair{from, ev}] = st
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "-->") {
			continue
		}
		var sources []beian.OrderState
		var rest string
		if strings.HasPrefix(line, "{") {
			end := strings.Index(line, "}")
			for _, name := range strings.Split(line[1:end], ",") {
				sources = append(sources, specStates[strings.TrimSpace(name)])
			}
			rest = strings.TrimSpace(line[end+1:])
		} else {
			name, r, _ := strings.Cut(line, " ")
			sources = []beian.OrderState{specStates[name]}
			rest = strings.TrimSpace(r)
		}
		// Clauses separated by ";" start again from the line's first state;
		// inside a clause, arrows chain from the state just reached.
		for _, clause := range strings.Split(rest, ";") {
			cur := sources
			clause = strings.TrimSpace(clause)
			for clause != "" {
				m := arrow.FindStringSubmatch(clause)
				if m == nil {
					break // a parenthesised remark
				}
				for _, s := range cur {
					add(s, strings.TrimSpace(m[1]), m[2])
				}
				cur = []beian.OrderState{specStates[m[2]]}
				clause = strings.TrimSpace(clause[len(m[0]):])
			}
		}
	}
	return table
}

// expected applies the remarks of the spec block that are prose, not
// arrows, to the base table for one filing type.
func expected(base map[pair]beian.OrderState, typ beian.OrderType, p pair) (beian.OrderState, bool) {
	// "Returned (treated as editable; resubmit to 初审)": resubmission goes
	// to AwaitingPrelim, and as an editable state it may be abandoned.
	if p.from == beian.Returned && p.ev == beian.EventResubmit {
		return beian.AwaitingPrelim, true
	}
	if p.from == beian.Returned && p.ev == beian.EventAbandon {
		return beian.Abandoned, true
	}
	to, ok := base[p]
	if !ok {
		return "", false
	}
	switch {
	case typ.IsCancellation() && p.ev == beian.EventWithdraw: // "Cancel-type orders: abandon only, no withdraw."
		return "", false
	case !typ.GoesToBureau() && p.ev == beian.EventReviewPass: // transfer / claim: no 管局 (spec §3 rows 9, 11)
		return beian.Filed, true
	case !typ.GoesToBureau() && (p.ev == beian.EventBureauSubmit || p.from == beian.SMSPending || p.from == beian.BureauReview):
		return "", false
	case typ == beian.CancelAccess && p.ev == beian.EventBureauSubmit: // "(skip for 取消接入 → BureauReview)"
		return beian.BureauReview, true
	}
	return to, true
}

func TestTransitionTableMatchesSpec(t *testing.T) {
	base := parseSpecTransitions(t)
	if len(base) < 20 {
		t.Fatalf("parsed only %d transitions from the spec block", len(base))
	}
	legal, illegal := 0, 0
	for _, typ := range beian.OrderTypes {
		for _, from := range beian.OrderStates {
			for _, ev := range beian.OrderEvents {
				want, ok := expected(base, typ, pair{from, ev})
				got, err := beian.Transition(typ, from, ev)
				if ok {
					legal++
					if err != nil || got != want {
						t.Errorf("%s: %s --%s--> got (%q, %v), want %q", typ, from, ev, got, err, want)
					}
					continue
				}
				illegal++
				if err == nil {
					t.Errorf("%s: %s --%s--> %s is legal, spec says it is not", typ, from, ev, got)
					continue
				}
				e, isCoded := beian.AsError(err)
				if !isCoded || e.Code != beian.ECONFLICT || e.Key == "" {
					t.Errorf("%s: %s --%s--> error %v is not a coded conflict", typ, from, ev, err)
				}
				for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
					if msg := e.Message(lang); strings.Contains(msg, "{") || msg == e.Key {
						t.Errorf("%s: message %q in %s not rendered", e.Key, msg, lang)
					}
				}
			}
		}
	}
	t.Logf("checked %d legal and %d illegal (type, state, event) triples", legal, illegal)
}

func TestTerminalStatesHaveNoExit(t *testing.T) {
	for _, typ := range beian.OrderTypes {
		for _, s := range []beian.OrderState{beian.Filed, beian.Abandoned} {
			for _, ev := range beian.OrderEvents {
				if _, err := beian.Transition(typ, s, ev); err == nil {
					t.Errorf("%s: %s --%s--> is legal", typ, s, ev)
				}
			}
		}
	}
}

func TestApplyNeedsCancellationConfirmation(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	o := &beian.Order{Type: beian.CancelSubject, State: beian.AwaitingBureauSubmission}
	err := o.Apply(beian.EventBureauSubmit, now)
	if e, ok := beian.AsError(err); !ok || e.Key != "order.transition.needs_confirmation" {
		t.Fatalf("unconfirmed cancellation: err = %v", err)
	}
	if o.State != beian.AwaitingBureauSubmission {
		t.Fatalf("state changed to %s on a refused event", o.State)
	}
	o.CancellationConfirmed = true
	if err := o.Apply(beian.EventBureauSubmit, now); err != nil {
		t.Fatal(err)
	}
	if o.State != beian.SMSPending || !o.StateChangedAt.Equal(now) {
		t.Fatalf("state = %s at %v", o.State, o.StateChangedAt)
	}
}

func TestUnknownTypeAndState(t *testing.T) {
	if _, err := beian.Transition("nope", beian.Draft, beian.EventSubmit); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := beian.Transition(beian.FirstFiling, "nope", beian.EventSubmit); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("unknown state: %v", err)
	}
}
