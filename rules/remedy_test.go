package rules

import (
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

// addressesReviewer reports whether a text speaks to the reviewer.
func addressesReviewer(x beian.Text) bool {
	return strings.Contains(x.ZH, "审核员请") || strings.HasPrefix(x.ZH, "审核员") || strings.HasPrefix(x.EN, "Reviewer")
}

// TestCustomerRemedies: a rule whose remedy is the reviewer's checklist
// has a Fix for the customer, and what customers read for a reviewer's
// mark never addresses the reviewer.
func TestCustomerRemedies(t *testing.T) {
	for _, r := range Default().Rules() {
		if addressesReviewer(r.Remedy) && r.Fix.ZH == "" {
			t.Errorf("%s: the remedy addresses the reviewer and the rule has no Fix for the customer", r.ID)
		}
		c := r.CustomerRemedy()
		if addressesReviewer(c) || strings.TrimSpace(c.ZH) == "" || strings.TrimSpace(c.EN) == "" {
			t.Errorf("%s: customer remedy %q / %q", r.ID, c.ZH, c.EN)
		}
		if r.Fix.ZH != "" && r.Fix == r.Remedy {
			t.Errorf("%s: Fix repeats Remedy", r.ID)
		}
	}
	r, _ := Default().Rule("UPLOAD-IMAGE-CLARITY")
	if fix := r.CustomerRemedy(); !strings.Contains(fix.ZH, "原件") || !strings.Contains(fix.EN, "four edges") || !strings.Contains(fix.EN, "legible") {
		t.Errorf("UPLOAD-IMAGE-CLARITY customer remedy = %q / %q", fix.ZH, fix.EN)
	}
}

// TestRemediesNameNoOtherProvince: a rule's general customer remedy names
// no province (it is shown for orders of every province), and a finding's
// remedy names no province but the order's, unless it is a reviewer's
// checklist.
func TestRemediesNameNoOtherProvince(t *testing.T) {
	names := func(x beian.Text, except string) []string {
		var out []string
		for _, p := range beian.Provinces {
			if p.Code != except && (strings.Contains(x.ZH, p.Name) || strings.Contains(x.EN, p.NameEN)) {
				out = append(out, p.Name)
			}
		}
		return out
	}
	for _, r := range Default().Rules() {
		if n := names(r.CustomerRemedy(), ""); len(n) > 0 {
			t.Errorf("%s: the customer remedy names %v: %q / %q", r.ID, n, r.CustomerRemedy().ZH, r.CustomerRemedy().EN)
		}
	}
	for _, f := range allFixtures() {
		res := f.run()
		for _, fd := range res.Findings {
			if fd.Severity == ReviewerAttention {
				continue
			}
			if n := names(fd.Remedy, res.Province); len(n) > 0 {
				t.Errorf("%s@%s (province %s): the remedy names %v: %q / %q", fd.Rule, fd.Field, res.Province, n, fd.Remedy.ZH, fd.Remedy.EN)
			}
		}
	}
}

// TestLocalMobileNamesOrderProvince: CONTACT-LOCAL-MOBILE names the
// order's province in the reason and the remedy, in both languages.
func TestLocalMobileNamesOrderProvince(t *testing.T) {
	for _, c := range []struct {
		code, zh, en string
		sev          Severity
	}{
		{"11", "北京", "Beijing", Warning},
		{"43", "湖南", "Hunan", Blocking},
		{"44", "广东", "Guangdong", Warning},
	} {
		for _, f := range []*fixture{individual(c.code), enterprise(c.code)} {
			other := "44"
			if c.code == "44" {
				other = "11"
			}
			f.facts.SetMobileProvince(f.subj().Principal.Mobile, other)
			fs := f.run().ByRule("CONTACT-LOCAL-MOBILE")
			if len(fs) == 0 {
				t.Fatalf("%s: no finding", c.code)
			}
			for _, fd := range fs {
				if fd.Severity == Blocking && c.sev != Blocking {
					t.Errorf("%s: blocking", c.code)
				}
				for _, x := range []string{fd.Reason.ZH, fd.Remedy.ZH} {
					if !strings.Contains(x, c.zh) || (c.code != "43" && strings.Contains(x, "湖南")) {
						t.Errorf("%s: %q does not name %s alone", c.code, x, c.zh)
					}
				}
				for _, x := range []string{fd.Reason.EN, fd.Remedy.EN} {
					if !strings.Contains(x, c.en) || (c.code != "43" && strings.Contains(x, "Hunan")) {
						t.Errorf("%s: %q does not name %s alone", c.code, x, c.en)
					}
				}
			}
		}
	}
}
