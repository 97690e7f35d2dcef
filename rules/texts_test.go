package rules

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

// allFixtures returns every fixture the tests build: each rule's failing
// and passing one and the valid orders of every province.
func allFixtures() []*fixture {
	var fs []*fixture
	for _, tc := range ruleCases {
		fs = append(fs, tc.fail(), tc.pass())
	}
	for _, p := range beian.Provinces {
		for _, mode := range []Mode{ModeDraft, ModeSubmit} {
			for _, f := range []*fixture{enterprise(p.Code).withApp(), individual(p.Code)} {
				f.mode = mode
				fs = append(fs, f)
			}
			f := enterprise(p.Code)
			f.mode, f.noFacts = mode, true // every remote fact missing
			fs = append(fs, f)
		}
	}
	return fs
}

// TestTextsComplete is done-when 3 (first half): every rule and every
// finding has a Chinese and an English reason and remedy, and no text
// leaks a format verb or a placeholder.
func TestTextsComplete(t *testing.T) {
	junk := regexp.MustCompile(`%[a-z]|\{[a-z_]+\}|<nil>|\bnil\b`)
	check := func(where string, texts ...beian.Text) {
		for _, x := range texts {
			for _, s := range []string{x.ZH, x.EN} {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: empty text %+v", where, x)
				}
				if junk.MatchString(s) {
					t.Errorf("%s: leftover placeholder in %q", where, s)
				}
			}
		}
	}
	for _, r := range Default().Rules() {
		check(r.ID, r.Title, r.Reason, r.Remedy)
		if r.SeverityNote.ZH != "" || r.SeverityNote.EN != "" {
			check(r.ID+" note", r.SeverityNote)
		}
	}
	n := 0
	for _, f := range allFixtures() {
		for _, fd := range f.run().Findings {
			n++
			check(fd.Rule+"@"+fd.Field, fd.Reason, fd.Remedy)
			if fd.Field == "" {
				t.Errorf("%s: finding without a field", fd.Rule)
			}
			if fd.Severity < Blocking || fd.Severity > ReviewerAttention {
				t.Errorf("%s: severity %d", fd.Rule, fd.Severity)
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d findings checked", n)
	}
}

// TestSeedMeaning is done-when 3 (second half): the rules taken from the
// seed say what the seed says.
func TestSeedMeaning(t *testing.T) {
	rule := func(id string) *Rule {
		r, ok := Default().Rule(id)
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		return r
	}
	contains := func(what, s string, subs ...string) {
		t.Helper()
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				t.Errorf("%s: %q does not contain %q", what, s, sub)
			}
		}
	}
	// S45/S46: 证件有效期小于三个月 → 证件有效期需大于三个月及以上（营业执照核准日期需为最新）.
	contains("SUBJECT-CERT-VALIDITY-3M reason", rule("SUBJECT-CERT-VALIDITY-3M").Reason.ZH, "证件有效期小于三个月")
	contains("SUBJECT-CERT-VALIDITY-3M remedy", rule("SUBJECT-CERT-VALIDITY-3M").Remedy.ZH, "证件有效期需大于三个月及以上", "营业执照核准日期需为最新")
	contains("SUBJECT-CERT-VALIDITY-3M remedy en", rule("SUBJECT-CERT-VALIDITY-3M").Remedy.EN, "more than three months remain")
	contains("PERSON-CERT-VALIDITY-3M remedy", rule("PERSON-CERT-VALIDITY-3M").Remedy.ZH, "证件有效期需大于三个月")
	// And the finding: a certificate valid until 2 months after the check
	// date fails, one valid 3 months and a day passes (more than three).
	f := ent()
	f.subj().LongTerm, f.subj().CertificateValidUntil = false, beian.NewDate(2025, 5, 1)
	fs := f.run().ByRule("SUBJECT-CERT-VALIDITY-3M")
	if len(fs) != 1 || !strings.Contains(fs[0].Reason.ZH, "2025-05-01") || !strings.Contains(fs[0].Remedy.EN, "more than three months") {
		t.Errorf("certificate valid 2 months: %+v", fs)
	}
	// S41/S42: 所有证件不可以隔屏拍摄，需边框完整内容清晰，色调背景一致，无反光。
	contains("UPLOAD-IMAGE-CLARITY remedy", rule("UPLOAD-IMAGE-CLARITY").Remedy.ZH, "所有证件不可以隔屏拍摄", "边框完整内容清晰", "色调背景一致", "无反光")
	// S43/S44: 复印件或电子证件 → 所有证件需原件拍摄或彩色扫描件上传。
	contains("UPLOAD-ORIGINAL", rule("UPLOAD-ORIGINAL").Reason.ZH+rule("UPLOAD-ORIGINAL").Remedy.ZH, "复印件或电子证件", "所有证件需原件拍摄或彩色扫描件上传")
	// S04: 外省须上传居住证（有效期大于两个月） — the national default.
	f = individual("22") // Jilin: nothing province-specific, national default applies
	id := residentID(county("41"), beian.NewDate(1990, 8, 17), 23)
	f.subj().CertificateNumber, f.subj().Principal.CertificateNumber, f.site(0).Principal.CertificateNumber = id, id, id
	fs = f.run().ByRule("INDIVIDUAL-CROSS-PROVINCE")
	if len(fs) != 1 || !strings.Contains(fs[0].Reason.ZH, "居住证，有效期大于2个月") {
		t.Errorf("cross-province individual in Jilin: %+v", fs)
	}
	// S07: 政府机关备案，域名后缀必须是gov.cn。
	contains("DOMAIN-GOVERNMENT-SUFFIX", rule("DOMAIN-GOVERNMENT-SUFFIX").Reason.ZH, "政府机关备案，域名后缀必须是 gov.cn")
	// S56: 负责人须年满十八周岁。
	contains("PERSON-MIN-AGE", rule("PERSON-MIN-AGE").Reason.ZH, "负责人须年满十八周岁")
	// S47–S49: foreign-registered domains cannot be filed; re-buy or transfer.
	contains("DOMAIN-REGISTRAR-NOT-APPROVED", rule("DOMAIN-REGISTRAR-NOT-APPROVED").Reason.ZH, "国外注册的域名不可以备案")
	contains("DOMAIN-REGISTRAR-NOT-APPROVED remedy", rule("DOMAIN-REGISTRAR-NOT-APPROVED").Remedy.ZH, "转入到工信部已批复的国内域名注册商处，然后再备案")
	// S35/S36: shell notice not rectified → number deregistered → abandon and file anew.
	contains("SERVICE-NUMBER-DEREGISTERED remedy", rule("SERVICE-NUMBER-DEREGISTERED").Remedy.ZH, "您需要放弃当前的备案订单，重新提交首次备案")
	// S27/S28: 前置审批文件过期需重新办理.
	contains("PREAPPROVAL-EXPIRED remedy", rule("PREAPPROVAL-EXPIRED").Remedy.ZH, "前置审批文件过期需重新办理")
	// S62: 主体负责人手机号码不得与应急号码重复.
	contains("CONTACT-EMERGENCY-DISTINCT", rule("CONTACT-EMERGENCY-DISTINCT").Reason.ZH, "手机号码不得与应急号码重复")
	// S64: 每次只能备案1个网站域名.
	contains("WEBSITE-ONE-DOMAIN", rule("WEBSITE-ONE-DOMAIN").Reason.ZH, "每次只能备案1个网站域名")
	// S79: 手机号码不能是为其他主体备案过.
	contains("CONTACT-MOBILE-OTHER-SUBJECT", rule("CONTACT-MOBILE-OTHER-SUBJECT").Reason.ZH, "手机号码不能是为其他主体备案过")
	// S09: apps listed from 2023-09-01 are filed first.
	if r := rule("APP-FILE-BEFORE-LISTING"); r.Applies.From != beian.NewDate(2023, 9, 1) {
		t.Errorf("APP-FILE-BEFORE-LISTING in force from %s", r.Applies.From)
	}
	// The province's figure appears in the finding: domain validity in Beijing.
	f = ent().setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 5, 20) })
	fs = f.run().ByRule("DOMAIN-VALIDITY-MONTHS")
	if len(fs) != 1 || fs[0].Severity != Blocking || !strings.Contains(fs[0].Reason.EN, "the domain must be valid for more than 3 months in Beijing") || !strings.Contains(fs[0].Reason.ZH, "北京管局要求域名有效期大于3个月") {
		t.Errorf("domain validity in Beijing: %+v", fs)
	}
}

// TestSources is done-when 1 (mapping half): every rule of spec §6.1–§6.8,
// every row of the rejection catalogue and every rule-bearing seed sentence
// maps to at least one rule; every citation names something real; the
// seed table is the whole seed text, verbatim.
func TestSources(t *testing.T) {
	rules := Default().Rules()
	for _, r := range rules {
		for _, s := range r.Sources {
			if !knownRef(s) {
				t.Errorf("%s cites unknown source %q", r.ID, s)
			}
		}
	}
	for _, s := range append(append([]specItem(nil), specRules...), rejectionRows...) {
		if len(citing(rules, s.Ref)) == 0 {
			t.Errorf("%s (%s) maps to no rule", s.Ref, s.Title)
		}
	}
	for _, s := range seedSentences {
		ids := citing(rules, s.ID)
		switch {
		case s.Note == "" && len(ids) == 0:
			t.Errorf("seed %s states a rule but no rule cites it: %s", s.ID, s.Text)
		case s.Note != "" && len(ids) > 0:
			t.Errorf("seed %s is marked %q yet cited by %v", s.ID, s.Note, ids)
		}
	}
	for id := range seedCaveats {
		if !knownRef(id) || len(citing(rules, id)) == 0 {
			t.Errorf("caveat for %s, which no rule cites", id)
		}
	}
	seed, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, line := range strings.Split(string(seed), "\n") {
		for _, seg := range strings.SplitAfter(line, "。") {
			if seg = strings.TrimSpace(seg); seg != "" {
				segs = append(segs, seg)
			}
		}
	}
	if len(segs) != len(seedSentences) {
		t.Fatalf("seed has %d sentences, table %d", len(segs), len(seedSentences))
	}
	for i, s := range seedSentences {
		if s.Text != segs[i] {
			t.Errorf("%s differs from the seed:\n table %q\n seed  %q", s.ID, s.Text, segs[i])
		}
	}
	// The copy in testdata is the project's seed, when the shared folder is
	// there to compare with.
	if shared, err := os.ReadFile("../../shared/seed/000_e35f16699cc24ff5.txt"); err == nil && string(shared) != string(seed) {
		t.Error("rules/testdata/seed.txt differs from shared/seed/000_e35f16699cc24ff5.txt")
	}
}
