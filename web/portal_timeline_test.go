package web

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/openbeian/beian"
)

// The customer's history credits each step to who took it: the provider's
// staff for reviews and the bureau submission, never "a member of your
// account".
func TestTimelineActors(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	tr := translator{lang: beian.LangZH, loc: i18n.NewLocalizer(b, string(beian.LangZH))}
	owner := &beian.User{ID: "u-owner"}
	step := func(actor string, ev beian.OrderEvent, from, to beian.OrderState) beian.AuditEvent {
		data, _ := json.Marshal(map[string]any{"from": from, "to": to})
		return beian.AuditEvent{At: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), ActorID: actor, Action: "order." + string(ev), Data: data}
	}
	evs := []beian.AuditEvent{
		step("u-owner", beian.EventSubmit, beian.Draft, beian.AwaitingPrelim),
		step("u-reviewer", beian.EventReviewPass, beian.AwaitingPrelim, beian.AwaitingBureauSubmission),
		step("u-reviewer", beian.EventBureauSubmit, beian.AwaitingBureauSubmission, beian.SMSPending),
		step("system:bureau", beian.EventSMSVerified, beian.SMSPending, beian.BureauReview),
		step("u-sub", beian.EventWithdraw, beian.AwaitingPrelim, beian.Draft),
	}
	want := []string{"您", "服务商审核员", "服务商审核员", "管局", "账号成员"}
	got := timeline(tr, owner, &beian.Order{State: beian.BureauReview}, evs)
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d: %+v", len(got), len(want), got)
	}
	for i, it := range got {
		if it.Actor != want[i] {
			t.Errorf("%s: actor %q, want %q", it.Title, it.Actor, want[i])
		}
	}
}
