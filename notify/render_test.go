package notify

import (
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

func sampleView(sms bool) *view {
	return &view{
		Product: "Beian", OrderID: "0190c0de-0000-7000-8000-00000000abcd", OrderRef: "0000ABCD",
		Type: "首次备案", State: "接入商审核为待修改", Subject: "深圳示例科技有限公司", Bureau: "广东省通信管理局",
		Date: "2026年11月30日", Due: "2026年12月2日", Opinion: "请补充营业执照。", ICPNumber: "粤ICP备2026000001号",
		SMSRequired: sms, Link: "https://beian.example.com/home",
		Marks: []markView{{Label: "资料 › 主办单位证件", Reason: "缺少营业执照。", Remedy: "请上传。", Note: "照片模糊"}},
	}
}

// TestTemplatesComplete renders every message in both languages with
// every optional part present and absent: no part is missing, nothing
// renders as <no value>, and each SMS stays short.
func TestTemplatesComplete(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	smsKeys := map[string]bool{}
	for _, ev := range append(beian.OrderEvents, eventVideoCheck) {
		for _, typ := range []beian.OrderType{beian.FirstFiling, beian.CancelSubject, beian.CancelAccess} {
			m, ok := messageFor(&beian.Order{Type: typ}, ev)
			if !ok {
				t.Errorf("event %s (%s) notifies nobody", ev, typ)
				continue
			}
			if m.SMS {
				smsKeys[m.Template] = true
			}
		}
	}
	for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
		for _, key := range templateKeys {
			for _, part := range []string{".subject", ".body"} {
				if !r.has(lang, key+part) {
					t.Errorf("%s: %s%s missing", lang, key, part)
				}
			}
			if smsKeys[key] != r.has(lang, key+".sms") {
				t.Errorf("%s: %s.sms defined = %v, sent by SMS = %v", lang, key, r.has(lang, key+".sms"), smsKeys[key])
			}
			for _, full := range []bool{true, false} {
				v := sampleView(full)
				if !full {
					v.Due, v.Opinion, v.ICPNumber, v.Marks, v.Link = "", "", "", nil, ""
				}
				out, err := r.render(lang, key, v, smsKeys[key])
				if err != nil {
					t.Fatalf("%s %s: %v", lang, key, err)
				}
				for name, s := range map[string]string{"subject": out.Subject, "sms": out.SMS, "text": out.Text, "html": out.HTML} {
					if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
						t.Errorf("%s %s %s: unfilled placeholder: %s", lang, key, name, s)
					}
				}
				if !strings.Contains(out.Subject, "0000ABCD") || !strings.Contains(out.Text, v.OrderID) {
					t.Errorf("%s %s: order reference missing", lang, key)
				}
				if smsKeys[key] {
					// Chinese messages fit one 70-character segment with the
					// signature; English ones two (the 【】 make it UCS-2).
					limit := 1
					if lang == beian.LangEN {
						limit = 2
					}
					for _, sign := range []string{"Beian", "某某云备案"} {
						if n := SMSSegments(sign, out.SMS); n > limit {
							t.Errorf("%s %s SMS with sign %s takes %d segments (%d runes): %s", lang, key, sign, n,
								len([]rune(out.SMS)), out.SMS)
						}
					}
					if strings.Contains(out.SMS, v.Subject) {
						t.Errorf("%s %s: the SMS carries the subject's name", lang, key)
					}
				}
				if full && (key == "order.review_supplement" || key == "order.review_reject") {
					for _, want := range []string{"缺少营业执照。", "请上传。", "照片模糊", "资料 › 主办单位证件", "请补充营业执照。"} {
						if !strings.Contains(out.Text, want) || !strings.Contains(out.HTML, want) {
							t.Errorf("%s %s: mark detail %q missing from a part", lang, key, want)
						}
					}
				}
				if full && !strings.Contains(out.Text, v.Link) {
					t.Errorf("%s %s: link missing", lang, key)
				}
			}
		}
	}
}

func TestHTMLPartEscapes(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	v := sampleView(true)
	v.Subject = `<script>alert("x")</script> & Co`
	v.Marks[0].Note = "<b>bold</b>"
	out, err := r.render(beian.LangZH, "order.review_supplement", v, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.HTML, "<script>") || strings.Contains(out.HTML, "<b>bold") {
		t.Errorf("HTML part not escaped:\n%s", out.HTML)
	}
	if !strings.Contains(out.HTML, "&lt;script&gt;") || !strings.Contains(out.Text, v.Subject) {
		t.Error("the name must appear escaped in HTML and as typed in text")
	}
	if !strings.HasPrefix(out.HTML, "<!doctype html>") || !strings.Contains(out.HTML, `lang="zh-CN"`) {
		t.Errorf("HTML part: %.80s", out.HTML)
	}
}

func TestContacts(t *testing.T) {
	o := &beian.Order{Snapshot: beian.Snapshot{
		Subject: beian.Subject{Principal: beian.Person{Mobile: "138 0013 8000", Email: "Zhang@Example.com", EmergencyPhone: "13911112222"}},
		Websites: []beian.Website{
			{Principal: beian.Person{Mobile: "+8613800138000", Email: "zhang@example.com"}},
			{Principal: beian.Person{Mobile: "13700137000", Email: "li@example.com"}},
		},
		Apps: []beian.App{{Principal: beian.Person{Mobile: "0755-1234567", Email: ""}}},
	}}
	mobiles, emails := contacts(o)
	if strings.Join(mobiles, ",") != "13800138000,13700137000,0755-1234567" {
		t.Errorf("mobiles = %v (emergency phones are not contacts; duplicates merge)", mobiles)
	}
	if strings.Join(emails, ",") != "Zhang@Example.com,li@example.com" {
		t.Errorf("emails = %v", emails)
	}
}

func TestBureauName(t *testing.T) {
	for code, want := range map[string]string{"44": "广东省通信管理局", "11": "北京市通信管理局", "45": "广西壮族自治区通信管理局", "99": "省通信管理局"} {
		if got := bureauName(code, beian.LangZH); got != want {
			t.Errorf("bureauName(%s) = %q, want %q", code, got, want)
		}
	}
	if got := bureauName("32", beian.LangEN); got != "the Jiangsu Communications Administration" {
		t.Errorf("en = %q", got)
	}
	if orderRef("0190c0de-0000-7000-8000-00000000abcd") != "0000ABCD" {
		t.Error("orderRef")
	}
}

// TestMarksNameFieldsByLabel renders a needs-modification message whose
// marks cite a reviewer-attention rule, a blocking rule and a rejection
// row, in both languages: each item is titled by the field's label as the
// portal shows it, never by its path, and carries the reason, the
// customer's remedy (not the reviewer's checklist) and the note.
func TestMarksNameFieldsByLabel(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	n := &Notifier{rules: rules.Default()}
	snap := &beian.Snapshot{Websites: []beian.Website{{Name: "松风随笔"}}}
	marks := []beian.FieldMark{
		{Field: "materials." + rules.MaterialSubjectCertificate, RuleID: "UPLOAD-IMAGE-CLARITY", Note: "营业执照反光"},
		{Field: "subject.principal.mobile", RuleID: "CONTACT-FORMAT"},
		{Field: "websites[0].domains[0]", RuleID: "R22"},
	}
	paths := []string{"materials.subject_certificate", "subject.principal.mobile", "websites[0]", "字段", "(field", "field "}
	for _, c := range []struct {
		lang   beian.Lang
		labels []string
		want   []string
	}{
		{beian.LangZH, []string{"1. 资料 › 主办单位证件", "2. 主体负责人 › 手机号码", "3. 网站 1「松风随笔」 › 域名 1"},
			[]string{"原因：备案证件图片不清晰或不完整将被驳回。", "修改措施：请对证件原件重新拍照", "审核员说明：营业执照反光", "「我的订单」"}},
		{beian.LangEN, []string{"1. Documents › Subject's certificate", "2. Subject principal › Mobile", "3. Website 1 “松风随笔” › Domains 1"},
			[]string{"Reason: ", "Remedy: Photograph or colour-scan the original again", "all four edges", "Reviewer's note: 营业执照反光", "My orders"}},
	} {
		v := sampleView(true)
		v.Marks = nil
		for _, m := range marks {
			v.Marks = append(v.Marks, n.markView(snap, m, c.lang))
		}
		out, err := r.render(c.lang, "order.review_supplement", v, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range append(c.labels, c.want...) {
			if !strings.Contains(out.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", c.lang, want, out.Text)
			}
		}
		for _, l := range c.labels {
			l = strings.SplitN(l, ". ", 2)[1]
			if !strings.Contains(out.HTML, htmlEscape(l)) {
				t.Errorf("%s: HTML lacks the label %q", c.lang, l)
			}
		}
		for _, part := range []string{out.Text, out.HTML} {
			for _, p := range paths {
				if strings.Contains(part, p) {
					t.Errorf("%s: a raw path or field tag %q shows:\n%s", c.lang, p, part)
				}
			}
			for _, reviewer := range []string{"审核员请", "Reviewer:"} {
				if strings.Contains(part, reviewer) {
					t.Errorf("%s: the reviewer's checklist reached the customer: %q", c.lang, reviewer)
				}
			}
		}
	}
}

// htmlEscape escapes as html/template does for text, enough for labels.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&#34;").Replace(s)
}
