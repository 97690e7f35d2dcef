package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// consoleWorld is a test server with a customer, two reviewers and an
// admin, the usual cast of a console test.
type consoleWorld struct {
	*testServer
	acct             *beian.Account
	customer         *beian.User
	alice, bob, root *beian.User
}

func newConsoleWorld(t *testing.T, dialect string) *consoleWorld {
	t.Helper()
	ts := newTestServer(t, dialect)
	cw := &consoleWorld{testServer: ts}
	cw.acct, cw.customer = ts.account("acme")
	cw.alice = ts.user("alice", beian.RoleReviewer, "")
	cw.bob = ts.user("bob", beian.RoleReviewer, "")
	cw.root = ts.user("root", beian.RoleAdmin, "")
	return cw
}

// submit creates a valid enterprise order of fixture n for the customer
// and submits it at the clock's time.
func (cw *consoleWorld) submit(n int) *beian.Order {
	cw.t.Helper()
	ctx := context.Background()
	o, err := cw.Workflow.CreateOrder(ctx, cw.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11", Snapshot: fixture.Enterprise("11", n)})
	if err != nil {
		cw.t.Fatal(err)
	}
	o, res, err := cw.Workflow.Submit(ctx, cw.customer, o.ID, "k")
	if err != nil {
		cw.t.Fatalf("submit: %v %+v", err, res.Findings)
	}
	return o
}

// row returns the table row of the page that holds needle.
func row(body, needle string) string {
	i := strings.Index(body, needle)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}

// section returns the part of the page from the element with id to the
// next section.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<section"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

func bjt(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, beian.ChinaTime)
}

var untranslated = regexp.MustCompile(`[^/]console\.[a-z_]+\.[a-z_.]+`)

func TestConsoleQueueCountdowns(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		cw.Clock.Set(bjt(2026, 12, 4, 10)) // Friday
		friday := cw.submit(1)
		draft, err := cw.Workflow.CreateOrder(ctx, cw.customer, workflow.CreateOrderInput{Type: beian.NewWebsite, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		passed := cw.submit(3)
		if _, err := cw.Workflow.Review(ctx, cw.alice, passed.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
			t.Fatal(err)
		}
		alice := cw.client(cw.alice)

		cw.Clock.Set(bjt(2026, 12, 7, 9)) // Monday: due Tuesday, one working day left
		code, body := cw.get(alice, "/console/queue")
		if code != 200 {
			t.Fatalf("queue: %d", code)
		}
		r := row(body, shortID(friday.ID))
		if !strings.Contains(r, "剩余 1 个工作日") || !strings.Contains(r, "2026-12-08") || !strings.Contains(r, "due-soon") {
			t.Errorf("Friday's order on Monday: %s", r)
		}
		if strings.Contains(body, shortID(draft.ID)) || strings.Contains(body, shortID(passed.ID)) {
			t.Errorf("queue lists a draft or a passed order")
		}

		cw.Clock.Set(bjt(2026, 12, 30, 10)) // Wednesday before New Year's Day
		holiday := cw.submit(2)
		code, body = cw.get(alice, "/console/queue")
		if r := row(body, shortID(holiday.ID)); code != 200 || !strings.Contains(r, "2027-01-04") || !strings.Contains(r, "剩余 2 个工作日") {
			t.Errorf("order submitted before the New Year holiday: %d %s", code, r)
		}
		if r := row(body, shortID(friday.ID)); !strings.Contains(r, "已超期 16 个工作日") || !strings.Contains(r, "due-overdue") {
			t.Errorf("Friday's order three weeks later: %s", r)
		}
		// Earliest deadline first, and the overdue filter.
		if strings.Index(body, shortID(friday.ID)) > strings.Index(body, shortID(holiday.ID)) {
			t.Errorf("queue not sorted by deadline")
		}
		_, body = cw.get(alice, "/console/queue?overdue=1")
		if !strings.Contains(body, shortID(friday.ID)) || strings.Contains(body, shortID(holiday.ID)) {
			t.Errorf("overdue filter")
		}
		_, body = cw.get(alice, "/console/queue?sort=due_desc")
		if strings.Index(body, shortID(friday.ID)) < strings.Index(body, shortID(holiday.ID)) {
			t.Errorf("latest-first sort")
		}
		// English, with every string translated.
		en := cw.client(cw.alice)
		u, _ := url.Parse(cw.URL)
		en.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: "en"}})
		_, body = cw.get(en, "/console/queue")
		if r := row(body, shortID(holiday.ID)); !strings.Contains(r, "2 working day(s) left") {
			t.Errorf("English countdown: %s", r)
		}
		for _, p := range []string{"/console", "/console/queue", "/console/bureau", "/console/orders/" + holiday.ID} {
			for _, c := range []*http.Client{alice, en} {
				if code, body := cw.get(c, p); code != 200 || untranslated.MatchString(body) {
					t.Errorf("%s: %d, untranslated %q", p, code, untranslated.FindString(body))
				}
			}
		}
	})
}

func TestConsoleClaimConflict(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		o := cw.submit(1)
		alice, bob := cw.client(cw.alice), cw.client(cw.bob)
		next := "/console/queue?claim=unclaimed"
		code, _, loc := cw.post(alice, "/console/orders/"+o.ID+"/claim", url.Values{"next": {next}})
		if code != http.StatusSeeOther || loc != next {
			t.Fatalf("alice claims: %d → %s", code, loc)
		}
		code, _, loc = cw.post(bob, "/console/orders/"+o.ID+"/claim", url.Values{"next": {"/console/queue"}})
		if code != http.StatusSeeOther || loc != "/console/queue" {
			t.Fatalf("bob claims too: %d → %s", code, loc)
		}
		_, body := cw.get(bob, "/console/queue")
		if !strings.Contains(body, "cx-flash-error") || !strings.Contains(body, "该订单已由其他审核员认领") {
			t.Errorf("bob is not told the order is taken")
		}
		if r := row(body, shortID(o.ID)); !strings.Contains(r, "alice") || strings.Contains(r, "/claim") {
			t.Errorf("bob's queue row: %s", r)
		}
		got, _ := cw.Workflow.Order(context.Background(), cw.alice, o.ID)
		if got.ClaimedBy != cw.alice.ID {
			t.Fatalf("claimed by %q", got.ClaimedBy)
		}
		_, body = cw.get(bob, "/console/orders/"+o.ID)
		if strings.Contains(body, `id="decision-form"`) || !strings.Contains(body, "该订单已由其他审核员认领") {
			t.Errorf("bob's order page offers the decision")
		}
		code, body, _ = cw.post(bob, "/console/orders/"+o.ID+"/decision", url.Values{"decision": {"pass"}})
		if code != http.StatusConflict || !strings.Contains(body, "该订单已由其他审核员认领") {
			t.Errorf("bob decides anyway: %d", code)
		}
		// Unclaimed for others once alice releases it; filters agree.
		if _, body = cw.get(bob, "/console/queue?claim=unclaimed"); strings.Contains(body, shortID(o.ID)) {
			t.Errorf("claimed order listed as unclaimed")
		}
		if code, _, _ = cw.post(alice, "/console/orders/"+o.ID+"/release", nil); code != http.StatusSeeOther {
			t.Fatalf("release: %d", code)
		}
		if _, body = cw.get(bob, "/console/queue?claim=unclaimed"); !strings.Contains(body, shortID(o.ID)) {
			t.Errorf("released order not listed as unclaimed")
		}
	})
}

func TestConsoleReviewMarksReachTheCustomer(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		o := cw.submit(1)
		alice := cw.client(cw.alice)
		cw.post(alice, "/console/orders/"+o.ID+"/claim", nil)
		code, body := cw.get(alice, "/console/orders/"+o.ID)
		if code != 200 || !strings.Contains(body, `id="decision-form"`) {
			t.Fatalf("order page: %d", code)
		}
		// The reviewer's checklist carries the rule for unclear uploads;
		// tick it there, and mark the mobile in a free row.
		m := regexp.MustCompile(`name="(f\d+)_rule" value="UPLOAD-IMAGE-CLARITY"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no UPLOAD-IMAGE-CLARITY finding to tick")
		}
		key := m[1]
		form := url.Values{
			"pick": {key}, key + "_field": {"materials.subject_certificate"}, key + "_rule": {"UPLOAD-IMAGE-CLARITY"}, key + "_note": {"营业执照照片模糊，请重新拍摄原件"},
			"m0_field": {"subject.principal.mobile"}, "m0_rule": {"CONTACT-LOCAL-MOBILE"}, "m0_note": {"该号码不是北京号段"},
			"opinion": {"请按标记修改后重新提交"},
		}
		// Without a decision nothing happens, and the input comes back.
		code, body, _ = cw.post(alice, "/console/orders/"+o.ID+"/decision", form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请按标记修改后重新提交") || !strings.Contains(body, "该号码不是北京号段") {
			t.Fatalf("decision without a verdict: %d", code)
		}
		form.Set("decision", "supplement")
		code, _, loc := cw.post(alice, "/console/orders/"+o.ID+"/decision", form)
		if code != http.StatusSeeOther || loc != "/console/queue" {
			t.Fatalf("decision: %d → %s", code, loc)
		}
		got, err := cw.Workflow.Order(ctx, cw.customer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != beian.NeedsModification || got.Review == nil || !got.Review.Marked("materials.subject_certificate") || !got.Review.Marked("subject.principal.mobile") {
			t.Fatalf("customer's order: %s %+v", got.State, got.Review)
		}
		for _, mk := range got.Review.Marks {
			if r, ok := cw.Workflow.ExplainMark(mk.RuleID); !ok || r.Remedy.ZH == "" {
				t.Errorf("mark %+v has no remedy for the customer", mk)
			}
		}
		_, body = cw.get(alice, "/console/orders/"+o.ID)
		if !strings.Contains(body, "最近一次审核结论") || !strings.Contains(body, "营业执照照片模糊") || strings.Contains(body, `id="decision-form"`) {
			t.Errorf("order page after the decision")
		}
		if h := section(body, "history"); !strings.Contains(h, "审核为待修改") || !strings.Contains(h, "CONTACT-LOCAL-MOBILE") {
			t.Errorf("history lacks the decision")
		}

		// The customer fixes and resubmits; the reviewer passes.
		if _, _, err := cw.Workflow.SaveDraft(ctx, cw.customer, got.ID, got.Version, got.Snapshot); err != nil {
			t.Fatal(err)
		}
		if _, _, err := cw.Workflow.Submit(ctx, cw.customer, got.ID, "k2"); err != nil {
			t.Fatal(err)
		}
		_, body = cw.get(alice, "/console/queue")
		if r := row(body, shortID(o.ID)); !strings.Contains(r, "已修改待审核") {
			t.Errorf("resubmitted order: %s", r)
		}
		code, _, _ = cw.post(alice, "/console/orders/"+o.ID+"/decision", url.Values{"decision": {"pass"}, "opinion": {"资料齐全"}})
		if code != http.StatusSeeOther {
			t.Fatalf("pass: %d", code)
		}
		got, _ = cw.Workflow.Order(ctx, cw.customer, o.ID)
		if got.State != beian.AwaitingBureauSubmission {
			t.Fatalf("after pass: %s", got.State)
		}
		hist, _ := cw.Workflow.ReviewHistory(ctx, cw.customer, o.ID)
		if len(hist) != 2 || hist[0].Opinion != "请按标记修改后重新提交" || hist[1].Event != beian.EventReviewPass {
			t.Errorf("customer's review history: %+v", hist)
		}
		// The passed order waits on the bureau page; without a bureau
		// connection the page says so and submits nothing.
		_, body = cw.get(alice, "/console/bureau")
		if !strings.Contains(body, shortID(o.ID)) || !strings.Contains(body, "北京") || !strings.Contains(body, "尚未配置管局接口连接") {
			t.Errorf("bureau page")
		}
		code, _, _ = cw.post(alice, "/console/bureau/submit", url.Values{"order": {o.ID}})
		_, body = cw.get(alice, "/console/bureau")
		if code != http.StatusSeeOther || !strings.Contains(body, "cx-flash-error") {
			t.Errorf("submission without a connection: %d", code)
		}
	})
}

func TestConsoleDocuments(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		o := cw.submit(1)
		_, stranger := cw.account("globex")
		png := []byte("\x89PNG\r\n\x1a\n fake image body")
		lic, letter := o.Snapshot.Materials[0], o.Snapshot.Materials[3]
		if _, err := cw.Blobs.Put(ctx, lic.DocumentID, bytes.NewReader(png), 0, blob.Meta{ContentType: "image/png"}); err != nil {
			t.Fatal(err)
		}
		if _, err := cw.Blobs.Put(ctx, letter.DocumentID, strings.NewReader("<script>alert(1)</script>"), 0, blob.Meta{ContentType: "text/html"}); err != nil {
			t.Fatal(err)
		}
		path := "/documents/" + o.ID + "/" + lic.ID
		for name, c := range map[string]*http.Client{"reviewer": cw.client(cw.alice), "owner": cw.client(cw.customer)} {
			resp, err := c.Get(cw.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != 200 || !bytes.Equal(b, png) || h.Get("Content-Type") != "image/png" || h.Get("Content-Disposition") != "inline" ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Cache-Control"), "no-store") {
				t.Errorf("%s: %d %v", name, resp.StatusCode, h)
			}
		}
		if code, _ := cw.get(cw.client(stranger), path); code != http.StatusNotFound {
			t.Errorf("customer B: %d, want 404", code)
		}
		if code, _ := cw.get(cw.client(cw.customer), "/documents/"+o.ID+"/nope"); code != http.StatusNotFound {
			t.Errorf("unknown document: %d", code)
		}
		if code, _ := cw.get(cw.client(nil), path); code != http.StatusSeeOther {
			t.Errorf("anonymous: %d, want a redirect to sign in", code)
		}
		resp, err := cw.client(cw.alice).Get(cw.URL + "/documents/" + o.ID + "/" + letter.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Content-Type") != "application/octet-stream" || resp.Header.Get("Content-Disposition") != "attachment" {
			t.Errorf("an HTML upload is served as %q, %q", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		_, body := cw.get(cw.client(cw.alice), "/console/orders/"+o.ID)
		if !strings.Contains(body, `<img src="`+path+`"`) {
			t.Errorf("order page does not show the licence inline")
		}
	})
}

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConsolePhoneLogMasksNumbers(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		var logs syncBuffer
		cw.Server.log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o := cw.submit(1)
		mobile := o.Snapshot.Subject.Principal.Mobile
		emergency := o.Snapshot.Subject.Principal.EmergencyPhone
		alice := cw.client(cw.alice)
		cw.post(alice, "/console/orders/"+o.ID+"/claim", nil)
		for _, call := range []url.Values{
			{"field": {"subject.principal.mobile"}, "outcome": {"no_answer"}, "note": {"上午十点，无人接听"}},
			{"field": {"subject.principal.emergency_phone"}, "outcome": {"unreachable"}},
		} {
			if code, _, loc := cw.post(alice, "/console/orders/"+o.ID+"/phone", call); code != http.StatusSeeOther || !strings.HasSuffix(loc, "#phone") {
				t.Fatalf("log call: %d → %s", code, loc)
			}
		}
		code, body, _ := cw.post(alice, "/console/orders/"+o.ID+"/phone", url.Values{"field": {"subject.name"}, "outcome": {"answered"}})
		if code != http.StatusUnprocessableEntity {
			t.Errorf("a call to a field without a number: %d", code)
		}
		_, body = cw.get(alice, "/console/orders/"+o.ID)
		phone := section(body, "phone")
		if !strings.Contains(phone, beian.MaskPhone(mobile)) || !strings.Contains(phone, beian.MaskPhone(emergency)) || !strings.Contains(phone, "无人接听") {
			t.Errorf("phone log lacks the masked numbers: %s", phone)
		}
		for _, n := range []string{mobile, emergency, mobile[:7]} {
			if strings.Contains(phone, n) {
				t.Errorf("phone log shows %s in clear", n)
			}
		}
		// The log suggests R27 with the tails called, ticked.
		dec := section(body, "decision")
		if !strings.Contains(dec, `value="R27"`) || !strings.Contains(dec, "致电尾号"+beian.PhoneTail(mobile)+"的号码未能核实本人") {
			t.Errorf("no R27 suggestion: %s", dec)
		}
		if strings.Contains(logs.String(), mobile) || strings.Contains(logs.String(), emergency) {
			t.Errorf("the server log carries a number")
		}
		if !strings.Contains(logs.String(), "/phone") {
			t.Errorf("the log captured nothing; the test proves nothing")
		}
		// Customers cannot log calls.
		if code, _, _ := cw.post(cw.client(cw.customer), "/console/orders/"+o.ID+"/phone", url.Values{"field": {"subject.principal.mobile"}, "outcome": {"answered"}}); code != http.StatusForbidden {
			t.Errorf("customer logs a call: %d", code)
		}
	})
}

func TestConsoleVideoVerification(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		o := cw.submit(1) // Monday 30 November 09:30
		alice := cw.client(cw.alice)
		cw.post(alice, "/console/orders/"+o.ID+"/claim", nil)
		code, _, _ := cw.post(alice, "/console/orders/"+o.ID+"/video", url.Values{"at": {"2026-12-01T15:00"}, "notes": {"请负责人本人携带身份证原件参加"}})
		if code != http.StatusSeeOther {
			t.Fatalf("schedule: %d", code)
		}
		v, err := cw.Workflow.PendingVideoCheck(ctx, cw.customer, o.ID)
		if err != nil || v == nil || !v.ScheduledAt.Equal(bjt(2026, 12, 1, 15)) || v.Notes != "请负责人本人携带身份证原件参加" {
			t.Fatalf("the customer's view: %v %+v", err, v)
		}
		_, body := cw.get(alice, "/console/orders/"+o.ID)
		if !strings.Contains(body, "已预约视频核验：2026-12-01 15:00") {
			t.Errorf("no pending banner")
		}
		code, body, _ = cw.post(alice, "/console/orders/"+o.ID+"/decision", url.Values{"decision": {"pass"}})
		if code != http.StatusConflict || !strings.Contains(body, "视频核验尚未完成") {
			t.Errorf("pass with the call pending: %d", code)
		}
		code, _, _ = cw.post(alice, "/console/orders/"+o.ID+"/video/"+v.ID, url.Values{"status": {"passed"}, "note": {"本人出镜，证件一致"}})
		if code != http.StatusSeeOther {
			t.Fatalf("record: %d", code)
		}
		if code, _, _ = cw.post(alice, "/console/orders/"+o.ID+"/decision", url.Values{"decision": {"pass"}}); code != http.StatusSeeOther {
			t.Errorf("pass after the call: %d", code)
		}
		if code, _, _ := cw.post(alice, "/console/orders/"+o.ID+"/video", url.Values{"at": {"tomorrow"}}); code != http.StatusConflict && code != http.StatusUnprocessableEntity {
			t.Errorf("a bad time on a passed order: %d", code)
		}
	})
}

func TestConsoleAccess(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		o := cw.submit(1)
		compliance := cw.user("carol", beian.RoleCompliance, "")
		pages := []string{"/console", "/console/queue", "/console/orders/" + o.ID, "/console/bureau"}
		anon, cust := cw.client(nil), cw.client(cw.customer)
		for _, p := range append(pages, "/console/staff") {
			if code, _ := cw.get(anon, p); code != http.StatusSeeOther {
				t.Errorf("anonymous %s: %d", p, code)
			}
			if code, body := cw.get(cust, p); code != http.StatusForbidden || strings.Contains(body, o.Snapshot.Subject.Principal.Mobile) {
				t.Errorf("customer %s: %d", p, code)
			}
		}
		resp, err := anon.Get(cw.URL + "/console/queue")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/login?next=/console/queue" {
			t.Errorf("anonymous is sent to %q", loc)
		}
		for _, u := range []*beian.User{cw.alice, compliance, cw.root} {
			c := cw.client(u)
			for _, p := range pages {
				if code, _ := cw.get(c, p); code != 200 {
					t.Errorf("%s %s: %d", u.Login, p, code)
				}
			}
		}
		for _, path := range []string{"/claim", "/decision", "/phone", "/video"} {
			if code, _, _ := cw.post(cust, "/console/orders/"+o.ID+path, url.Values{"decision": {"pass"}}); code != http.StatusForbidden {
				t.Errorf("customer POST %s: %d", path, code)
			}
		}
		// Compliance officers read but do not review.
		cc := cw.client(compliance)
		if _, body := cw.get(cc, "/console/orders/"+o.ID); strings.Contains(body, `id="decision-form"`) || !strings.Contains(body, "不能审核") {
			t.Errorf("compliance officer is offered the decision")
		}
		if code, _, _ := cw.post(cc, "/console/orders/"+o.ID+"/claim", nil); code != http.StatusForbidden {
			t.Errorf("compliance claim: %d", code)
		}
		if got, _ := cw.Workflow.Order(context.Background(), compliance, o.ID); got.ClaimedBy != "" {
			t.Errorf("compliance officer claimed an order")
		}
	})
}

func TestConsoleStaffManagement(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		root, alice := cw.client(cw.root), cw.client(cw.alice)
		if code, _ := cw.get(alice, "/console/staff"); code != http.StatusForbidden {
			t.Errorf("reviewer opens staff management: %d", code)
		}
		if code, _, _ := cw.post(alice, "/console/staff", url.Values{"login": {"mallory"}, "role": {"admin"}, "password": {testPassword}}); code != http.StatusForbidden {
			t.Errorf("reviewer creates staff: %d", code)
		}
		code, body := cw.get(root, "/console/staff")
		if code != 200 || !strings.Contains(body, "alice") || !strings.Contains(body, "root") || strings.Contains(body, "acme") {
			t.Fatalf("staff list: %d", code)
		}
		code, body, _ = cw.post(root, "/console/staff", url.Values{"login": {"dave"}, "display_name": {"戴审核"}, "role": {"reviewer"}, "password": {"short"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `value="dave"`) || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("weak password: %d", code)
		}
		code, _, loc := cw.post(root, "/console/staff", url.Values{"login": {"dave"}, "display_name": {"戴审核"}, "email": {"dave@provider.cn"}, "role": {"reviewer"}, "password": {testPassword}})
		if code != http.StatusSeeOther || loc != "/console/staff" {
			t.Fatalf("create: %d", code)
		}
		_, body = cw.get(root, "/console/staff")
		if !strings.Contains(body, "已创建工作人员「dave」") || !strings.Contains(body, "戴审核") {
			t.Errorf("new staff not listed")
		}
		if code, _, _ := cw.post(root, "/console/staff", url.Values{"login": {"dave"}, "role": {"reviewer"}, "password": {testPassword}}); code != http.StatusConflict {
			t.Errorf("duplicate login: %d", code)
		}
		dave := &beian.User{Login: "dave"}
		dc := cw.client(dave) // signs in with the initial password
		if code, _ := cw.get(dc, "/console/queue"); code != 200 {
			t.Fatalf("dave's queue: %d", code)
		}
		var id string
		_ = cw.DB.View(context.Background(), func(tx beian.Tx) error {
			u, err := tx.FindUserByLogin(context.Background(), "dave")
			if err == nil {
				id = u.ID
			}
			return err
		})
		if code, _, _ := cw.post(root, "/console/staff/"+id+"/disable", nil); code != http.StatusSeeOther {
			t.Fatalf("disable: %d", code)
		}
		if code, _ := cw.get(dc, "/console/queue"); code != http.StatusSeeOther {
			t.Errorf("a disabled user's session still works: %d", code)
		}
		code, _, _ = cw.post(root, "/console/staff/"+cw.root.ID+"/disable", nil)
		if _, body = cw.get(root, "/console/staff"); code != http.StatusSeeOther || !strings.Contains(body, "不能停用自己的账号") {
			t.Errorf("admin disables themself: %d", code)
		}
	})
}

func TestConsoleDashboard(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		a, b := cw.submit(1), cw.submit(2)
		alice := cw.client(cw.alice)
		cw.Clock.Set(bjt(2026, 12, 2, 10)) // Wednesday: both due today
		cw.post(alice, "/console/orders/"+a.ID+"/claim", nil)
		code, body := cw.get(alice, "/console")
		if code != 200 {
			t.Fatalf("dashboard: %d", code)
		}
		if !strings.Contains(body, "<b>2</b><span>待初审") || !strings.Contains(body, "<b>2</b><span>今日到期") || !strings.Contains(body, "<b>1</b><span>未认领") {
			t.Errorf("dashboard counts wrong: %s", body[strings.Index(body, "cx-cards"):][:900])
		}
		mine := body[strings.Index(body, "我认领的订单"):]
		if !strings.Contains(mine, shortID(a.ID)) || strings.Contains(mine[:strings.Index(mine, "各状态订单数")], shortID(b.ID)) {
			t.Errorf("my work lists the wrong orders")
		}
	})
}

func TestConsoleSubjectCancellation(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		snap := fixture.Enterprise("11", 1)
		snap.CancelReason = "公司业务调整，网站不再运营"
		// A subject cancellation that passed review, as the store holds it.
		o := &beian.Order{AccountID: cw.acct.ID, CreatedBy: cw.customer.ID, Type: beian.CancelSubject, State: beian.AwaitingBureauSubmission,
			Province: "11", Snapshot: snap}
		cw.update(func(tx beian.Tx) error { return tx.CreateOrder(ctx, o) })
		alice := cw.client(cw.alice)

		_, body := cw.get(alice, "/console/orders/"+o.ID)
		if c := section(body, "cancellation"); !strings.Contains(body, "客户尚未确认注销主体") || !strings.Contains(body, snap.CancelReason) {
			t.Errorf("order page lacks the unconfirmed state: %s", c)
		}
		if _, body = cw.get(alice, "/console/bureau"); !strings.Contains(row(body, shortID(o.ID)), "待确认注销") {
			t.Errorf("bureau page does not flag the unconfirmed cancellation")
		}
		if _, body = cw.get(alice, "/console"); !strings.Contains(body, "<b>1</b><span>待客户确认注销") {
			t.Errorf("dashboard does not count it")
		}

		if _, err := cw.Workflow.ConfirmCancellation(ctx, cw.customer, o.ID); err != nil {
			t.Fatal(err)
		}
		if _, body = cw.get(alice, "/console/orders/"+o.ID); !strings.Contains(body, "客户已确认注销主体") {
			t.Errorf("order page lacks the confirmation")
		}
		if _, body = cw.get(alice, "/console/bureau"); strings.Contains(row(body, shortID(o.ID)), "待确认注销") {
			t.Errorf("confirmed cancellation still flagged")
		}
		if _, body = cw.get(alice, "/console"); !strings.Contains(body, "<b>0</b><span>待客户确认注销") {
			t.Errorf("dashboard still counts it")
		}
	})
}
