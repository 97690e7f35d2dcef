package bureausim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Decision is a bureau review's outcome, decided when the review starts and applied when
// it ends.
type Decision struct {
	// Approve issues numbers (1001); false rejects (1002).
	Approve bool `json:"approve"`
	// Opinion is the reviewer's opinion (审核意见, Gjsh/Shyj; also in Dmms on rejection):
	// for a rejection, the reason and what to correct.
	Opinion string `json:"opinion,omitempty"`
	// After is how many working days the review takes: 0 means Config.ReviewWorkdays,
	// Immediately means no delay; at most MaxReviewWorkdays.
	After int `json:"after,omitempty"`
}

// Policy decides a review. It is called once, when a filing enters review (after SMS
// verification, or at once when none is due), and must not block. Whatever it decides, a
// filing that touches the blacklist when the review ends is rejected.
type Policy func(Filing) Decision

// individualForbidden are words an individual's site name may not contain (spec §6.5 rule
// 4: no company or organisation words).
var individualForbidden = []string{"公司", "企业", "集团", "官网"}

// DefaultPolicy approves unless a rule hits: the filing touches the blacklist, a site or
// APP name contains one of rejectWords, or an individual's site name contains a company
// word (公司, 企业, 集团, 官网). The opinion says which and what to do, as a reviewer would.
// Cancellations are always approved.
func DefaultPolicy(rejectWords []string) Policy {
	words := append([]string(nil), rejectWords...)
	return func(f Filing) Decision {
		if len(f.Blacklisted) > 0 {
			return Decision{Opinion: "备案信息涉及黑名单，不予通过。(The filing touches the blacklist.)"}
		}
		switch f.Operation {
		case OpCancelAccess, OpCancelSite, OpCancelSubject:
			return Decision{Approve: true, Opinion: "同意"}
		}
		for _, s := range f.Sites {
			for _, w := range words {
				if w != "" && strings.Contains(s.Name, w) {
					return Decision{Opinion: fmt.Sprintf("网站名称“%s”含有敏感词“%s”，请修改网站名称后重新提交。", s.Name, w)}
				}
			}
			if f.Individual {
				for _, w := range individualForbidden {
					if strings.Contains(s.Name, w) {
						return Decision{Opinion: fmt.Sprintf("个人备案的网站名称“%s”不得含有“%s”等企业或组织字样，请修改网站名称后重新提交。", s.Name, w)}
					}
				}
			}
		}
		return Decision{Approve: true, Opinion: "同意"}
	}
}

// Rules is the text policy format of the standalone simulator (`beian bureau-sim
// --policy rules.json`): rules tried in order, the first whose condition holds decides;
// when none does, DefaultPolicy(RejectWords) decides. Example:
//
//	{
//	  "rejectWords": ["赌博", "测试"],
//	  "rules": [
//	    {"when": {"nameContains": "论坛"}, "approve": false,
//	     "opinion": "网站名称涉及论坛，需提供前置审批文件。", "after": 2},
//	    {"when": {"domainSuffix": ".xyz"}, "approve": true, "after": 10},
//	    {"when": {"operation": "cancel_access"}, "approve": true, "after": -1}
//	  ]
//	}
type Rules struct {
	// RejectWords feed the fallback DefaultPolicy; absent means DefaultRejectWords.
	RejectWords []string `json:"rejectWords,omitempty"`
	Rules       []Rule   `json:"rules"`
}

// Rule is one rule of a Rules policy.
type Rule struct {
	When    Condition `json:"when"`
	Approve bool      `json:"approve"`
	Opinion string    `json:"opinion,omitempty"`
	// After is Decision.After: working days, 0 for the configured default, -1 at once.
	After int `json:"after,omitempty"`
}

// Condition is what a Rule matches; every field set must hold (an empty condition matches
// every filing).
type Condition struct {
	// Operation is an Operation's short name: new_filing, new_site, new_access, change,
	// cancel_access, cancel_subject, cancel_site.
	Operation string `json:"operation,omitempty"`
	// NameContains matches when a site or APP name contains it.
	NameContains string `json:"nameContains,omitempty"`
	// SubjectContains matches when the subject's name contains it.
	SubjectContains string `json:"subjectContains,omitempty"`
	// DomainSuffix matches when a domain ends with it (".xyz", "example.cn").
	DomainSuffix string `json:"domainSuffix,omitempty"`
	// Individual matches individual (true) or organisation (false) subjects.
	Individual *bool `json:"individual,omitempty"`
	// App matches filings with (true) or without (false) an APP.
	App *bool `json:"app,omitempty"`
	// ISPID matches filings of one provider.
	ISPID int64 `json:"ispId,omitempty"`
}

// ParseRules reads a Rules policy from JSON, refusing unknown fields and operation names
// so that a typo does not silently approve everything.
func ParseRules(data []byte) (*Rules, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var r Rules
	if err := d.Decode(&r); err != nil {
		return nil, fmt.Errorf("bureausim: policy rules: %w", err)
	}
	for i, rule := range r.Rules {
		if rule.When.Operation != "" {
			if _, ok := ParseOperation(rule.When.Operation); !ok {
				return nil, fmt.Errorf("bureausim: policy rules: rule %d: unknown operation %q", i, rule.When.Operation)
			}
		}
		if rule.After < Immediately || rule.After > MaxReviewWorkdays {
			return nil, fmt.Errorf("bureausim: policy rules: rule %d: after %d outside %d..%d", i, rule.After, Immediately, MaxReviewWorkdays)
		}
		if !rule.Approve && rule.Opinion == "" {
			return nil, fmt.Errorf("bureausim: policy rules: rule %d rejects without an opinion", i)
		}
	}
	return &r, nil
}

// Policy returns the rules as a Policy.
func (r *Rules) Policy() Policy {
	words := r.RejectWords
	if words == nil {
		words = DefaultRejectWords
	}
	fallback := DefaultPolicy(words)
	rules := append([]Rule(nil), r.Rules...)
	return func(f Filing) Decision {
		for _, rule := range rules {
			if rule.When.matches(f) {
				return Decision{Approve: rule.Approve, Opinion: rule.Opinion, After: rule.After}
			}
		}
		return fallback(f)
	}
}

func (c Condition) matches(f Filing) bool {
	if c.Operation != "" && f.Operation.String() != c.Operation {
		return false
	}
	if c.ISPID != 0 && f.ISPID != c.ISPID {
		return false
	}
	if c.SubjectContains != "" && !strings.Contains(f.SubjectName, c.SubjectContains) {
		return false
	}
	if c.Individual != nil && f.Individual != *c.Individual {
		return false
	}
	if c.NameContains != "" && !anySite(f, func(s FilingSite) bool { return strings.Contains(s.Name, c.NameContains) }) {
		return false
	}
	if c.App != nil && anySite(f, func(s FilingSite) bool { return s.App != nil }) != *c.App {
		return false
	}
	if c.DomainSuffix != "" && !anySite(f, func(s FilingSite) bool {
		for _, d := range s.Domains {
			if strings.HasSuffix(d, strings.ToLower(c.DomainSuffix)) {
				return true
			}
		}
		return false
	}) {
		return false
	}
	return true
}

func anySite(f Filing, pred func(FilingSite) bool) bool {
	for _, s := range f.Sites {
		if pred(s) {
			return true
		}
	}
	return false
}
