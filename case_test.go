package beian

import (
	"testing"
	"time"
)

func TestCaseCatalogueComplete(t *testing.T) {
	if len(CauseInfos) != len(causes) {
		t.Fatalf("%d causes listed, %d indexed: a cause is registered twice", len(CauseInfos), len(causes))
	}
	perCategory := map[CaseCategory]int{}
	for _, c := range CauseInfos {
		perCategory[c.Category]++
		for name, x := range map[string]Text{"notice": c.Notice, "reason": c.Reason, "suggestion": c.Suggestion} {
			if x.ZH == "" || x.EN == "" {
				t.Errorf("%s: %s missing in a language", c.Cause, name)
			}
		}
		if !c.Category.Valid() || c.Level == "" || c.Fix == "" {
			t.Errorf("%s: category %q, level %q, fix %q", c.Cause, c.Category, c.Level, c.Fix)
		}
	}
	for _, c := range CaseCategories {
		if perCategory[c] == 0 {
			t.Errorf("category %s has no cause", c)
		}
	}
	if i := CaseCause("nonsense").Info(); i.Category != CategorySubject || i.Notice.ZH != "nonsense" {
		t.Errorf("unknown cause: %+v", i)
	}
}

func TestClassifyNotice(t *testing.T) {
	for _, c := range []struct {
		text    string
		service bool
		want    CaseCause
	}{
		{"经核查，该网站首页未悬挂备案号，请于10个工作日内整改。", true, CauseContentNumber},
		{"主办单位经营异常", false, CauseSubjectAbnormal},
		{"您的网站为空壳网站，逾期将注销备案", true, CauseEmptyShell},
		{"网站无法访问，逾期将取消接入并注销", true, CauseContentUnreachable},
		{"域名已过期，请续费", true, CauseDomainExpiry},
		{"主体负责人非法定代表人，信息不属实", false, CauseSubjectPrincipal},
		{"网站负责人身份证已过期", true, CauseServicePrincipalID},
		{"请核实", false, CauseSubjectNotice},
		{"请核实", true, CauseServiceNotice},
		// A subject notice never lands on a service-level cause.
		{"备案号悬挂错误", false, CauseSubjectNotice},
	} {
		if got := ClassifyNotice(c.text, c.service); got != c.want {
			t.Errorf("ClassifyNotice(%q, %v) = %s, want %s", c.text, c.service, got, c.want)
		}
	}
}

func TestCaseStateMachine(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	k := &Case{State: CaseOpened}
	if err := k.Apply(CaseEventEscalate, now); ErrorCode(err) != ECONFLICT {
		t.Fatalf("a case never notified escalated: %v", err)
	}
	if err := k.RequestExtension(3, "迁移", "u", now); ErrorCode(err) != ECONFLICT {
		t.Fatalf("extension before the notice: %v", err)
	}
	if err := k.Apply(CaseEventNotify, now); err != nil || k.State != CaseNotified || !k.NotifiedAt.Equal(now) {
		t.Fatalf("notify: %v %s", err, k.State)
	}
	for _, days := range []int{0, 8} {
		if err := k.RequestExtension(days, "迁移", "u", now); ErrorCode(err) != EINVALID {
			t.Errorf("%d days: %v", days, err)
		}
	}
	if err := k.RequestExtension(5, " ", "u", now); ErrorCode(err) != EINVALID {
		t.Errorf("no reason: %v", err)
	}
	if err := k.RequestExtension(5, "服务器迁移", "u", now); err != nil || k.Extension.State != ExtensionRequested {
		t.Fatalf("request: %v", err)
	}
	if err := k.RequestExtension(5, "again", "u", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("second request: %v", err)
	}
	due := now.Add(7 * 24 * time.Hour)
	if err := k.GrantExtension(6, due, "", "officer", now); ErrorCode(err) != EINVALID {
		t.Errorf("more than asked: %v", err)
	}
	k.RemindedAt = now
	if err := k.GrantExtension(4, due, "同意", "officer", now); err != nil || k.State != CaseExtended || !k.DueAt.Equal(due) ||
		k.Extension.Granted != 4 || !k.RemindedAt.IsZero() {
		t.Fatalf("grant: %v %+v", err, k)
	}
	if err := k.GrantExtension(1, due, "", "officer", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("second grant: %v", err)
	}
	// A failed re-check goes back to extended, not notified.
	if err := k.Apply(CaseEventRecheck, now); err != nil || k.State != CaseRechecking {
		t.Fatalf("recheck: %v", err)
	}
	if err := k.Apply(CaseEventStillFaulty, now); err != nil || k.State != CaseExtended || k.RecheckedAt.IsZero() {
		t.Fatalf("still faulty: %v %s", err, k.State)
	}
	k.Hold = "case.hold.order"
	if err := k.Apply(CaseEventEscalate, now); err != nil || k.State != CaseEscalated || k.Resolution != ResolutionAccessCancelled || k.Hold != "" {
		t.Fatalf("escalate: %v %+v", err, k)
	}
	if err := k.Apply(CaseEventFix, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("fixed after escalation: %v", err)
	}
	// Fix and withdraw leave any open state.
	for _, s := range OpenCaseStates {
		x := &Case{State: s}
		if err := x.Apply(CaseEventFix, now); err != nil || x.State != CaseClosed || x.Resolution != ResolutionFixed {
			t.Errorf("fix from %s: %v", s, err)
		}
		y := &Case{State: s}
		if err := y.Apply(CaseEventWithdraw, now); err != nil || y.State != CaseWithdrawn {
			t.Errorf("withdraw from %s: %v", s, err)
		}
	}
	r := &Case{State: CaseNotified, Extension: CaseExtension{State: ExtensionRequested, Days: 3}}
	if err := r.RefuseExtension("不同意", "officer", now); err != nil || r.Extension.State != ExtensionRefused {
		t.Fatalf("refuse: %v", err)
	}
	if err := r.GrantExtension(1, due, "", "officer", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("grant after a refusal: %v", err)
	}
	if CaseKey(LevelService, "s1", CauseContentNumber) != "service:s1/content.number" {
		t.Errorf("key: %s", CaseKey(LevelService, "s1", CauseContentNumber))
	}
}
