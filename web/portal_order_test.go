package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// draftOrder creates an order of type t in province for u holding snap.
func (ts *testServer) draftOrder(u *beian.User, t beian.OrderType, province string, snap beian.Snapshot) *beian.Order {
	ts.t.Helper()
	ctx := context.Background()
	o, err := ts.Workflow.CreateOrder(ctx, u, workflow.CreateOrderInput{Type: t, Province: province})
	if err != nil {
		ts.t.Fatal(err)
	}
	o, _, err = ts.Workflow.SaveDraft(ctx, u, o.ID, o.Version, snap)
	if err != nil {
		ts.t.Fatal(err)
	}
	return o
}

// orderUntranslated finds message IDs that rendered as themselves.
var orderUntranslated = regexp.MustCompile(`\b(order|material|auth)\.[a-z_]+(\.[a-z_]+)+\b`)

// getPage fetches a page in a language and fails on a status other than
// want or a message ID left orderUntranslated.
func (ts *testServer) getPage(c *http.Client, path string, lang beian.Lang, want int) string {
	ts.t.Helper()
	u, _ := url.Parse(ts.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: string(lang), Path: "/"}})
	code, body := ts.get(c, path)
	if code != want {
		ts.t.Fatalf("GET %s (%s) = %d, want %d\n%s", path, lang, code, want, orderExcerpt(body))
	}
	if m := orderUntranslated.FindAllString(body, -1); len(m) > 0 {
		ts.t.Errorf("GET %s (%s): orderUntranslated %q", path, lang, orderDedupe(m))
	}
	return body
}

func orderDedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func orderExcerpt(s string) string {
	if i := strings.Index(s, "<main>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000]
	}
	return s
}

func TestOrderWizardRendersEveryStep(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		snap := fixture.Enterprise("44", 1)
		snap.Apps = []beian.App{{ID: "app-1", Name: "青云记账", Releases: []beian.AppRelease{{Platform: beian.PlatformAndroid, PackageName: "cn.qingyun.books"}}, Principal: snap.Subject.Principal}}
		o := ts.draftOrder(u, beian.FirstFiling, "44", snap)
		c := ts.client(u)
		base := "/portal/orders/" + o.ID
		for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
			for _, step := range []string{"subject", "principal", "websites", "apps"} {
				ts.getPage(c, base+"/edit/"+step, lang, http.StatusOK)
			}
			for _, p := range []string{"", "/materials", "/authenticity", "/submit", "/abandon"} {
				ts.getPage(c, base+p, lang, http.StatusOK)
			}
			ts.getPage(c, "/portal/orders", lang, http.StatusOK)
		}
		// A subject cancellation states its reason and is confirmed.
		cancel := ts.draftOrder(u, beian.CancelSubject, "11", fixture.Enterprise("11", 2))
		for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
			body := ts.getPage(c, "/portal/orders/"+cancel.ID+"/edit/cancel", lang, http.StatusOK)
			if !strings.Contains(body, `name="cancel_reason"`) || strings.Contains(body, `name="subject.name"`) {
				t.Error("the cancellation step edits more than its reason")
			}
			ts.getPage(c, "/portal/orders/"+cancel.ID+"/confirm-cancellation", lang, http.StatusOK)
		}
		if code, _ := ts.get(c, "/portal/orders/"+cancel.ID+"/edit/websites"); code != http.StatusNotFound {
			t.Errorf("a cancellation has a websites step: %d", code)
		}
	})
}

// fieldBlock returns the markup from a field's label to its input: where
// the field's notes are.
func fieldBlock(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<label for="`+id+`"`)
	j := strings.Index(body, `id="`+id+`"`)
	if i < 0 || j < i {
		t.Fatalf("no field %s on the page", id)
	}
	return body[i:j]
}

// esc is s as html/template writes it in text.
func escText(s string) string { return strings.ReplaceAll(template.HTMLEscapeString(s), "+", "&#43;") }

var keyInput = regexp.MustCompile(`name="key" value="([0-9a-f]+)"`)

func TestWizardShowsFindingsNextToFieldsAndSubmitIsRefused(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("li")
		o := ts.draftOrder(u, beian.FirstFiling, "11", fixture.Individual("11", 1))
		c := ts.client(u)
		base := "/portal/orders/" + o.ID
		form := url.Values{"version": {"2"}, "op": {"save"}, "websites[0].id": {"site-1"}, "websites[0].name": {"松风博客"},
			"websites[0].domains[0]": {"songfeng-notes1.cn"}, "websites[0].domains[1]": {""},
			"websites[0].ips[0].start": {"121.36.10.21"}, "websites[0].ips[0].end": {""},
			"websites[0].service_content": {"博客/个人空间"}, "websites[0].languages": {"zh-CN"},
			"websites[0].principal_same": {"1"}, "websites[0].pre_approvals[0].category": {""}}
		code, _, loc := ts.post(c, base+"/edit/websites", form)
		if code != http.StatusSeeOther || !strings.Contains(loc, "/edit/websites?saved=1") {
			t.Fatalf("save: %d %s", code, loc)
		}
		body := ts.getPage(c, loc, beian.LangZH, http.StatusOK)
		name := fieldBlock(t, body, "f-websites-0-name")
		if !strings.Contains(name, "note-blocking") || !strings.Contains(name, "博客") || !strings.Contains(name, "修改方法") {
			t.Errorf("the banned word is not reported next to the name:\n%s", name)
		}
		if !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `草稿已保存`) {
			t.Error("the name is not marked invalid, or no saved notice")
		}
		// The other fields carry no blocking note of that rule.
		if strings.Contains(fieldBlock(t, body, "f-websites-0-domains-0"), "博客") {
			t.Error("the name's finding shows at the domain")
		}
		// English shows the same finding in English.
		en := ts.getPage(c, base+"/edit/websites", beian.LangEN, http.StatusOK)
		if b := fieldBlock(t, en, "f-websites-0-name"); !strings.Contains(b, "blocking") || !strings.Contains(b, "How to fix") {
			t.Errorf("English note:\n%s", b)
		}

		// Submitting is refused, with the finding linked to the field.
		page := ts.getPage(c, base+"/submit", beian.LangZH, http.StatusOK)
		m := keyInput.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no idempotency key on the submit page")
		}
		code, body, _ = ts.post(c, base+"/submit", url.Values{"key": {m[1]}})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("submit of a blocked order: %d", code)
		}
		if !strings.Contains(body, `href="`+base+`/edit/websites#f-websites-0-name"`) || !strings.Contains(body, "智能预检发现") {
			t.Errorf("blocked submit does not link the finding to its field:\n%s", orderExcerpt(body))
		}
		got, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if got.State != beian.Draft {
			t.Errorf("state %s after a refused submit", got.State)
		}
	})
}

func TestWizardConflictErrorsAndLists(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		o := ts.draftOrder(u, beian.FirstFiling, "11", fixture.Enterprise("11", 1))
		c := ts.client(u)
		base := "/portal/orders/" + o.ID

		// A stale version is refused with a reload link.
		code, body, _ := ts.post(c, base+"/edit/subject", url.Values{"version": {"1"}, "subject.name": {"改名有限公司"}})
		if code != http.StatusConflict || !strings.Contains(body, base+"/edit/subject") || !strings.Contains(body, "已被修改") {
			t.Fatalf("stale save: %d\n%s", code, orderExcerpt(body))
		}

		// A malformed IP is shown again as typed with its error; the rest is saved.
		form := url.Values{"version": {"2"}, "op": {"save"}, "websites[0].id": {"site-1"}, "websites[0].name": {"青云数据官网二"},
			"websites[0].ips[0].start": {"121.36.10"}, "websites[0].ips[0].end": {""}, "websites[0].principal_same": {"1"}}
		code, body, _ = ts.post(c, base+"/edit/websites", form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fieldBlock(t, body, "f-websites-0-ips-0-start"), "不是有效的 IP 地址") ||
			!strings.Contains(body, `value="121.36.10"`) {
			t.Fatalf("bad IP: %d\n%s", code, orderExcerpt(body))
		}
		got, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if got.Snapshot.Websites[0].Name != "青云数据官网二" || got.Snapshot.Websites[0].IPs[0].String() != "121.36.10.20" {
			t.Errorf("after a partly bad save: %+v", got.Snapshot.Websites[0])
		}

		// Add a website and remove it again.
		code, _, loc := ts.post(c, base+"/edit/websites", url.Values{"version": {strconv.Itoa(got.Version)}, "op": {"add-website"}})
		if code != http.StatusSeeOther || !strings.HasSuffix(loc, "#f-websites-1") {
			t.Fatalf("add website: %d %s", code, loc)
		}
		got, _ = ts.Workflow.Order(context.Background(), u, o.ID)
		if len(got.Snapshot.Websites) != 2 || got.Snapshot.Websites[1].ID == "" || got.Snapshot.Websites[1].Principal.Name != "王建国" {
			t.Fatalf("added website %+v", got.Snapshot.Websites)
		}
		ts.post(c, base+"/edit/websites", url.Values{"version": {strconv.Itoa(got.Version)}, "op": {"remove-website:1"}})
		got, _ = ts.Workflow.Order(context.Background(), u, o.ID)
		if len(got.Snapshot.Websites) != 1 {
			t.Fatalf("removed website still there: %d", len(got.Snapshot.Websites))
		}

		// The certificate, set at type verification, cannot be changed.
		ts.post(c, base+"/edit/subject", url.Values{"version": {strconv.Itoa(got.Version)}, "subject.certificate_number": {"91110000000000000X"}, "subject.name": {got.Snapshot.Subject.Name}})
		after, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if after.Snapshot.Subject.CertificateNumber != got.Snapshot.Subject.CertificateNumber {
			t.Error("a read-only certificate number was changed")
		}
		if b := ts.getPage(c, base+"/edit/subject", beian.LangZH, http.StatusOK); !strings.Contains(b, `id="f-subject-certificate_number" value="`+got.Snapshot.Subject.CertificateNumber+`" readonly`) {
			t.Error("the certificate number is not shown read-only")
		}

		// Another account sees none of it.
		_, other := ts.account("globex")
		oc := ts.client(other)
		for _, p := range []string{"", "/edit/subject", "/materials", "/authenticity", "/submit", "/abandon"} {
			if code, _ := ts.get(oc, base+p); code != http.StatusNotFound {
				t.Errorf("another account GET %s = %d", p, code)
			}
		}
		if code, _, _ := ts.post(oc, base+"/edit/subject", url.Values{"version": {"9"}}); code != http.StatusNotFound {
			t.Errorf("another account saves: %d", code)
		}
	})
}

func TestSubmitIsIdempotentAndWithdrawAbandon(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		o := ts.draftOrder(u, beian.FirstFiling, "11", fixture.Enterprise("11", 1))
		c := ts.client(u)
		base := "/portal/orders/" + o.ID
		page := ts.getPage(c, base+"/submit", beian.LangZH, http.StatusOK)
		m := keyInput.FindStringSubmatch(page)
		if m == nil || strings.Contains(page, "disabled") {
			t.Fatalf("submit page of a valid order:\n%s", orderExcerpt(page))
		}
		// A double click: the same key twice, at once.
		codes := make(chan int, 2)
		for range 2 {
			go func() {
				resp, err := c.PostForm(ts.URL+base+"/submit", url.Values{"key": {m[1]}})
				if err != nil {
					codes <- 0
					return
				}
				resp.Body.Close()
				codes <- resp.StatusCode
			}()
		}
		for range 2 {
			if code := <-codes; code != http.StatusSeeOther {
				t.Errorf("submit: %d", code)
			}
		}
		got, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if got.State != beian.AwaitingPrelim {
			t.Fatalf("state %s", got.State)
		}
		_, evs, _ := ts.Workflow.OrderHistory(context.Background(), u, o.ID)
		n := 0
		for _, e := range evs {
			if e.Action == "order.submit" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d submissions recorded, want 1", n)
		}
		// The status page shows the review countdown in working days.
		body := ts.getPage(c, base+"?done=submitted", beian.LangZH, http.StatusOK)
		for _, want := range []string{"已提交初审", "剩余 2 个工作日", "2026-12-02", "提交初审", "撤销备案"} {
			if !strings.Contains(body, want) {
				t.Errorf("status page lacks %q", want)
			}
		}
		// Withdraw, then abandon after confirming.
		if code, _, loc := ts.post(c, base+"/withdraw", nil); code != http.StatusSeeOther || !strings.Contains(loc, "withdrawn") {
			t.Fatalf("withdraw: %d %s", code, loc)
		}
		confirm := ts.getPage(c, base+"/abandon", beian.LangZH, http.StatusOK)
		if !strings.Contains(confirm, `action="`+base+`/abandon"`) {
			t.Fatal("no confirmation form")
		}
		if code, _, _ := ts.post(c, base+"/abandon", nil); code != http.StatusSeeOther {
			t.Fatalf("abandon: %d", code)
		}
		list := ts.getPage(c, "/portal/orders", beian.LangZH, http.StatusOK)
		if !strings.Contains(list, "历史订单") || !strings.Contains(list, "已放弃") {
			t.Error("the abandoned order is not in the history")
		}
	})
}

func TestRejectionViewAndFixOnlyThese(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		_, u := ts.account("acme")
		rev := ts.user("rev", beian.RoleReviewer, "")
		o := ts.draftOrder(u, beian.FirstFiling, "11", fixture.Enterprise("11", 1))
		if _, _, err := ts.Workflow.Submit(ctx, u, o.ID, "k1"); err != nil {
			t.Fatal(err)
		}
		_, err := ts.Workflow.Review(ctx, rev, o.ID, workflow.ReviewInput{Decision: workflow.DecisionReject, Opinion: "请按标记修改后重新提交。",
			Marks: []beian.FieldMark{
				{Field: "websites[0].name", RuleID: "SITE-NAME-ENTERPRISE-RELATED", Note: "名称请体现公司名称"},
				{Field: "subject.principal.mobile", RuleID: "R15", Note: "两次拨打未接通"},
			}})
		if err != nil {
			t.Fatal(err)
		}
		c := ts.client(u)
		base := "/portal/orders/" + o.ID
		body := ts.getPage(c, base, beian.LangZH, http.StatusOK)
		site, _ := rules.Default().Rule("SITE-NAME-ENTERPRISE-RELATED")
		r15, _ := beian.RejectionReasonByID("R15")
		for _, want := range []string{"审核结果：初审驳回", "请按标记修改后重新提交。", site.Reason.ZH, site.Remedy.ZH, "名称请体现公司名称",
			r15.Title.ZH, r15.Remedy.ZH, "两次拨打未接通", base + "/edit/websites?fix=1#f-websites-0-name", "只修改这些字段"} {
			if !strings.Contains(body, escText(want)) {
				t.Errorf("rejection view lacks %q", want)
			}
		}
		en := ts.getPage(c, base, beian.LangEN, http.StatusOK)
		if !strings.Contains(en, escText(site.Remedy.EN)) || !strings.Contains(en, escText(r15.Remedy.EN)) {
			t.Error("English rejection view lacks the remedies")
		}
		// Fix only these: the navigation keeps the marked steps.
		fix := ts.getPage(c, base+"/edit/websites?fix=1", beian.LangZH, http.StatusOK)
		nav := fix[strings.Index(fix, `class="order-steps"`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		if !strings.Contains(nav, "/edit/websites?fix=1") || !strings.Contains(nav, "/edit/principal?fix=1") || strings.Contains(nav, "/edit/subject") || strings.Contains(nav, "/edit/apps") {
			t.Errorf("fix-only navigation:\n%s", nav)
		}
		if b := fieldBlock(t, fix, "f-websites-0-name"); !strings.Contains(b, "note-mark") || !strings.Contains(b, "名称请体现公司名称") {
			t.Errorf("the mark is not next to the name:\n%s", b)
		}
		if !strings.Contains(fix, `name="fix" value="1"`) {
			t.Error("fix mode is not kept across saves")
		}
	})
}

func TestStatusShowsTheSMSStep(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ts.Server.cfg.BureauVerifyURL = "http://127.0.0.1:8999/verify"
		ctx := context.Background()
		_, u := ts.account("acme")
		snap := fixture.Enterprise("11", 1)
		snap.Websites[0].Principal = fixture.Person("赵敏", fixture.ResidentID(fixture.County("11"), beian.NewDate(1985, 1, 2), 31), "13800000077", "13900000077", "zhaomin@example.com")
		o := ts.draftOrder(u, beian.FirstFiling, "11", snap)
		ts.update(func(tx beian.Tx) error {
			got, err := tx.FindOrder(ctx, o.ID)
			if err != nil {
				return err
			}
			got.State, got.DueAt = beian.SMSPending, tx.Now().Add(24*time.Hour)
			return tx.UpdateOrder(ctx, got)
		})
		ts.Clock.Advance(90 * time.Minute)
		c := ts.client(u)
		body := ts.getPage(c, "/portal/orders/"+o.ID, beian.LangZH, http.StatusOK)
		for _, want := range []string{"工信部短信核验", "剩余 22 小时 30 分", "2026-12-01 09:30", "138****8002", "138****0077", "赵敏",
			"http://127.0.0.1:8999/verify", "证件号码后 6 位", "5 次"} {
			if !strings.Contains(body, want) {
				t.Errorf("SMS step lacks %q", want)
			}
		}
		if strings.Contains(body, "139****") {
			t.Error("an emergency number is listed for SMS codes")
		}
		ts.getPage(c, "/portal/orders/"+o.ID, beian.LangEN, http.StatusOK)
	})
}

func TestWizardKeepsWhatTheOrderWasStartedFrom(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		a, u := ts.account("acme")
		snap := fixture.Enterprise("11", 1)
		o := ts.draftOrder(u, beian.FirstFiling, "11", snap)
		ts.update(func(tx beian.Tx) error {
			return tx.CreateOrderBasis(ctx, &beian.OrderBasis{OrderID: o.ID, AccountID: a.ID, Province: "11", Nature: snap.Subject.Nature,
				SubjectName: snap.Subject.Name, CertificateType: snap.Subject.CertificateType, CertificateNumber: snap.Subject.CertificateNumber,
				ServiceKind: beian.KindWebsite, ServiceName: snap.Websites[0].Domains[0], CreatedAt: tx.Now()})
		})
		c := ts.client(u)
		base := "/portal/orders/" + o.ID
		subject := ts.getPage(c, base+"/edit/subject", beian.LangZH, http.StatusOK)
		for _, id := range []string{"f-subject-name", "f-subject-nature", "f-subject-certificate_number"} {
			if !strings.Contains(subject, `id="`+id+`" value=`) || strings.Contains(subject, `name="`+strings.ReplaceAll(strings.TrimPrefix(id, "f-"), "-", ".")+`"`) {
				t.Errorf("%s is not read-only", id)
			}
		}
		sites := ts.getPage(c, base+"/edit/websites", beian.LangZH, http.StatusOK)
		if strings.Contains(sites, `name="websites[0].domains[0]"`) || !strings.Contains(sites, `name="websites[0].domains[1]"`) {
			t.Error("the checked domain should be fixed and another addable")
		}
		// Adding a domain keeps the checked one.
		form := url.Values{"version": {strconv.Itoa(o.Version)}, "op": {"save"}, "websites[0].id": {"site-1"}, "websites[0].name": {"青云数据官网"},
			"websites[0].domains[1]": {"qingyun-data1.com.cn"}, "websites[0].principal_same": {"1"}}
		if code, _, _ := ts.post(c, base+"/edit/websites", form); code != http.StatusSeeOther {
			t.Fatalf("save: %d", code)
		}
		got, _ := ts.Workflow.Order(ctx, u, o.ID)
		if d := got.Snapshot.Websites[0].Domains; len(d) != 2 || d[0] != snap.Websites[0].Domains[0] || d[1] != "qingyun-data1.com.cn" {
			t.Errorf("domains %v", d)
		}
	})
}
