package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
)

func TestAPIOrderDraftAndStaleVersion(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, a := ts.account("acme")
		c := ts.client(a)
		snap := fixture.Enterprise("11", 1)
		snap.Materials = nil
		body := apiVerifyBody(snap, ts.apiResourceFor(acct.ID, "ecs-1"))

		// The filing-type check says what the order will be, changing nothing.
		r := ts.apiReq(c, "POST", "/filing-type-checks", body)
		check := decodeAPI[apiVerification](t, r)
		if r.Status != 200 || !check.OK || check.Type != beian.FirstFiling || check.ResourceID == "" || len(check.Resources) != 1 {
			t.Fatalf("check = %d %s", r.Status, r.Body)
		}
		// Without product verification, no order: every problem is listed.
		noResource := apiVerifyBody(snap, "")
		r = ts.apiReq(c, "POST", "/orders", noResource)
		if p := r.problem(t); r.Status != 422 || p.Key != "verify.not_ok" || len(p.Errors) == 0 || p.Errors[0].Key == "" {
			t.Fatalf("create without a resource = %d %+v", r.Status, p)
		}

		r = ts.apiReq(c, "POST", "/orders", body)
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		created := decodeAPI[apiOrder](t, r)
		if r.Header.Get("Location") != apiPrefix+"/orders/"+created.ID || r.Header.Get("ETag") != apiETag(created.Version) ||
			created.State != beian.Draft || created.Type != beian.FirstFiling || created.Snapshot.Subject.CertificateNumber != snap.Subject.CertificateNumber ||
			created.TypeName.EN != "First filing" {
			t.Fatalf("created %+v, Location %q, ETag %q", created, r.Header.Get("Location"), r.Header.Get("ETag"))
		}
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", snap, "If-Match", apiETag(created.Version))
		if r.Status != 200 {
			t.Fatalf("save the data = %d %s", r.Status, r.Body)
		}

		// Two editors read version v; the first save wins, the second is stale.
		r = ts.apiReq(c, "GET", "/orders/"+created.ID, nil)
		v := r.Header.Get("ETag")
		edited := decodeAPI[apiOrder](t, r).Snapshot
		edited.Websites[0].Name = "青云数据服务平台"
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", edited, "If-Match", v)
		saved := decodeAPI[apiOrderWithPrecheck](t, r)
		if r.Status != 200 || saved.Order.Snapshot.Websites[0].Name != "青云数据服务平台" || saved.Precheck == nil ||
			saved.Precheck.Mode != "draft" || r.Header.Get("ETag") == v {
			t.Fatalf("save = %d %s", r.Status, r.Body)
		}
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", edited, "If-Match", v)
		if p := r.problem(t); r.Status != http.StatusConflict || p.Code != beian.ECONFLICT || p.Key != "order.version.stale" ||
			!strings.Contains(p.Detail, "已被他人修改") {
			t.Fatalf("stale save = %d %+v", r.Status, p)
		}
		// English on request, weak ETags accepted.
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", edited, "If-Match", "W/"+v, "Accept-Language", "en-GB,en;q=0.9")
		if p := r.problem(t); r.Status != http.StatusConflict || !strings.Contains(p.Detail, "changed by someone else") {
			t.Fatalf("stale save in English = %d %+v", r.Status, p)
		}
		// If-Match is required and must be a version.
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", edited)
		if p := r.problem(t); r.Status != 422 || p.Field != "If-Match" || p.Errors[0].Location != "header" {
			t.Fatalf("save without If-Match = %d %+v", r.Status, p)
		}
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", edited, "If-Match", `"x"`)
		if p := r.problem(t); r.Status != 422 || p.Field != "If-Match" {
			t.Fatalf("save with If-Match x = %d %+v", r.Status, p)
		}

		// Materials cannot be attached through the snapshot: they stay as uploaded.
		withDoc := saved.Order.Snapshot
		withDoc.Materials = []beian.Material{fixture.Material("subject_certificate", "subject")}
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", withDoc, "If-Match", apiETag(saved.Order.Version))
		if r.Status != 200 || len(ts.apiStoredOrder(created.ID).Snapshot.Materials) != 0 {
			t.Fatalf("save with materials = %d; stored materials %v", r.Status, ts.apiStoredOrder(created.ID).Snapshot.Materials)
		}

		// What the order was started from cannot change.
		moved := withDoc
		moved.Subject.CertificateNumber = fixture.USCC("91", fixture.County("11"), 99)
		r = ts.apiReq(c, "PUT", "/orders/"+created.ID+"/snapshot", moved, "If-Match", apiETag(ts.apiStoredOrder(created.ID).Version))
		if p := r.problem(t); r.Status != 422 || p.Key != "verify.immutable" || p.Field != "subject.certificate_number" {
			t.Fatalf("save with another certificate = %d %+v", r.Status, p)
		}

		// Someone else's order does not exist for B.
		_, b := ts.account("globex")
		r = ts.apiReq(ts.client(b), "GET", "/orders/"+created.ID, nil)
		if p := r.problem(t); r.Status != 404 || p.Code != beian.ENOTFOUND {
			t.Fatalf("B reads A's order = %d %+v", r.Status, p)
		}
	})
}

func TestAPIOrderListPagination(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		_, b := ts.account("globex")
		c := ts.client(a)
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, ts.apiDraftOrder(a, "11", fixture.Enterprise("11", i)).ID)
			ts.Clock.Advance(time.Second)
		}
		ts.apiDraftOrder(b, "44", fixture.Enterprise("44", 9))
		if _, err := ts.Workflow.Abandon(t.Context(), a, ids[0]); err != nil {
			t.Fatal(err)
		}

		page := decodeAPI[apiOrderList](t, ts.apiReq(c, "GET", "/orders?limit=2", nil))
		if page.Total != 3 || len(page.Items) != 2 || page.Items[0].ID != ids[2] || page.Limit != 2 {
			t.Fatalf("first page %+v", page)
		}
		page = decodeAPI[apiOrderList](t, ts.apiReq(c, "GET", "/orders?limit=2&offset=2", nil))
		if page.Total != 3 || len(page.Items) != 1 || page.Items[0].ID != ids[0] {
			t.Fatalf("second page %+v", page)
		}
		page = decodeAPI[apiOrderList](t, ts.apiReq(c, "GET", "/orders?state=draft&state=awaiting_prelim&type=first_filing&province=11", nil))
		if page.Total != 2 {
			t.Fatalf("filtered %+v", page)
		}
		r := ts.apiReq(c, "GET", "/orders?state=bogus&limit=1000", nil)
		p := r.problem(t)
		if r.Status != 422 || len(p.Errors) != 2 {
			t.Fatalf("bad filters = %d %+v", r.Status, p)
		}
		for _, e := range p.Errors {
			if e.Location != "query" || (e.Field != "state[0]" && e.Field != "limit") {
				t.Errorf("filter error %+v", e)
			}
		}
	})
}

func TestAPIValidationNamesTheField(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		c := ts.client(a)
		o := ts.apiDraftOrder(a, "11", fixture.Enterprise("11", 1))
		verify := apiVerifyBody(fixture.Enterprise("11", 1), "")
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range verify {
				m[key] = val
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		cases := []struct {
			name   string
			method string
			body   any
			field  string
			zh     string
			en     string
		}{
			{"missing province", "POST", with("province", nil), "province", "缺少必填字段「province」", "province is required"},
			{"unknown province", "POST", with("province", "99"), "province", "取值必须是以下之一", "Must be one of"},
			{"unknown service kind", "POST", with("service_kind", "miniapp"), "service_kind", "取值必须是以下之一", "Must be one of"},
			{"bad nature", "POST", with("nature", "company"), "nature", "取值必须是以下之一", "Must be one of"},
			{"misspelt field", "POST", with("provnce", "11"), "provnce", "未知字段", "Unknown field"},
			{"name too long", "POST", with("subject_name", strings.Repeat("名", 101)), "subject_name", "不能超过 100 个字符", "at most 100 characters"},
			{"site name too long", "PUT", map[string]any{"websites": []any{map[string]any{"name": strings.Repeat("名", 65)}}},
				"websites[0].name", "不能超过 64 个字符", "at most 64 characters"},
			{"bad date", "PUT", map[string]any{"subject": map[string]any{"certificate_valid_until": "30/06/2030"}},
				"subject.certificate_valid_until", "格式不正确", "Malformed"},
			{"wrong type", "PUT", map[string]any{"websites": "x"}, "websites", "类型不正确，应为数组", "expected array"},
			{"bad address", "PUT", map[string]any{"websites": []any{map[string]any{"ips": []any{map[string]any{"start": "1.2.3"}}}}},
				"websites[0].ips[0].start", "应为 IPv4 或 IPv6 地址", "IPv4 or IPv6"},
		}
		for _, tc := range cases {
			for _, lang := range []string{"zh-CN", "en"} {
				var r apiResponse
				if tc.method == "PUT" {
					r = ts.apiReq(c, "PUT", "/orders/"+o.ID+"/snapshot", tc.body, "If-Match", apiETag(o.Version), "Accept-Language", lang)
				} else {
					r = ts.apiReq(c, "POST", "/orders", tc.body, "Accept-Language", lang)
				}
				p := r.problem(t)
				want := tc.zh
				if lang == "en" {
					want = tc.en
				}
				if r.Status != 422 || p.Code != beian.EINVALID || p.Field != tc.field || len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, want) {
					t.Errorf("%s (%s) = %d field %q errors %+v; want field %q saying %q", tc.name, lang, r.Status, p.Field, p.Errors, tc.field, want)
				}
			}
		}
		r := ts.apiReq(c, "POST", "/orders", nil, "Content-Type", "application/json")
		if p := r.problem(t); r.Status != 400 || p.Key != "api.body.required" {
			t.Errorf("empty body = %d %+v", r.Status, p)
		}
		r = ts.apiReq(c, "POST", "/orders", []byte("{not json"), "Content-Type", "application/json", "Accept-Language", "en")
		if p := r.problem(t); r.Status != 400 || p.Code != beian.EINVALID || p.Key != "api.body.malformed" || !strings.Contains(p.Detail, "not valid JSON") {
			t.Errorf("malformed JSON = %d %+v", r.Status, p)
		}
	})
}

func TestAPISubmitIdempotentAndBlocked(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		c := ts.client(a)

		o := ts.apiDraftOrder(a, "11", fixture.Enterprise("11", 1))
		key := []string{"Idempotency-Key", "submit-" + o.ID}
		r := ts.apiReq(c, "POST", "/orders/"+o.ID+"/submit", nil, key...)
		first := decodeAPI[apiOrderWithPrecheck](t, r)
		if r.Status != 200 || first.Order.State != beian.AwaitingPrelim || first.Precheck == nil || first.Precheck.Mode != "submit" || first.Precheck.Blocking {
			t.Fatalf("submit = %d %s", r.Status, r.Body)
		}
		// The response was lost; the client retries with the same key.
		r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/submit", nil, key...)
		again := decodeAPI[apiOrderWithPrecheck](t, r)
		if r.Status != 200 || again.Order.Version != first.Order.Version || again.Order.State != beian.AwaitingPrelim {
			t.Fatalf("repeated submit = %d %s", r.Status, r.Body)
		}
		// A new key is a new submission, which the state refuses.
		r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/submit", nil, "Idempotency-Key", "another")
		if p := r.problem(t); r.Status != http.StatusConflict || p.Key != "order.not_editable" {
			t.Fatalf("submit with a new key = %d %+v", r.Status, p)
		}
		// The key is required.
		r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/submit", nil)
		if p := r.problem(t); r.Status != 422 || p.Field != "Idempotency-Key" {
			t.Fatalf("submit without a key = %d %+v", r.Status, p)
		}
		// Withdraw brings it back; abandon closes it.
		if r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/withdraw", nil); r.Status != 200 || decodeAPI[apiOrder](t, r).State != beian.Draft {
			t.Fatalf("withdraw = %d %s", r.Status, r.Body)
		}
		if r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/abandon", nil); r.Status != 200 || decodeAPI[apiOrder](t, r).State != beian.Abandoned {
			t.Fatalf("abandon = %d %s", r.Status, r.Body)
		}
		if r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/withdraw", nil); r.Status != http.StatusConflict {
			t.Fatalf("withdraw an abandoned order = %d %s", r.Status, r.Body)
		}

		// A banned word in an individual's site name stops the submission
		// with every finding, in Chinese by default and English on request.
		snap := fixture.Individual("11", 2)
		snap.Websites[0].Name = "松风赌博随笔"
		bad := ts.apiDraftOrder(a, "11", snap)
		for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
			r = ts.apiReq(c, "POST", "/orders/"+bad.ID+"/submit", nil, "Idempotency-Key", "k-"+string(lang), "Accept-Language", string(lang))
			p := r.problem(t)
			if r.Status != 422 || p.Code != beian.EINVALID || p.Key != "order.precheck.blocked" || len(p.Findings) == 0 {
				t.Fatalf("blocked submit (%s) = %d %+v", lang, r.Status, p)
			}
			if want := map[beian.Lang]string{beian.LangZH: "智能预检发现", beian.LangEN: "The pre-check found"}[lang]; !strings.Contains(p.Detail, want) {
				t.Errorf("detail (%s) = %q, want %q", lang, p.Detail, want)
			}
			var hit *apiFieldError
			for i := range p.Errors {
				if p.Errors[i].Rule == "SITE-NAME-BANNED-WORD" {
					hit = &p.Errors[i]
				}
			}
			if hit == nil || hit.Field != "websites[0].name" || hit.Remedy == "" || !strings.Contains(hit.Message, map[beian.Lang]string{beian.LangZH: "敏感词", beian.LangEN: "sensitive word"}[lang]) {
				t.Errorf("blocking errors (%s) = %+v", lang, p.Errors)
			}
			found := false
			for _, f := range p.Findings {
				if f.Rule == "SITE-NAME-BANNED-WORD" && f.Severity == "blocking" && f.Reason.ZH != "" && f.Reason.EN != "" && f.Remedy.EN != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("findings (%s) lack the banned word with both languages: %+v", lang, p.Findings)
			}
		}
		if got := ts.apiStoredOrder(bad.ID); got.State != beian.Draft {
			t.Errorf("blocked order is %s", got.State)
		}
		// The pre-check operation says the same without submitting.
		pre := decodeAPI[apiPrecheck](t, ts.apiReq(c, "POST", "/orders/"+bad.ID+"/precheck", nil))
		if !pre.Blocking || pre.Mode != "submit" || pre.Counts.Blocking == 0 {
			t.Errorf("precheck %+v", pre)
		}
		pre = decodeAPI[apiPrecheck](t, ts.apiReq(c, "POST", "/orders/"+bad.ID+"/precheck?mode=draft", nil))
		if pre.Mode != "draft" || !pre.Blocking {
			t.Errorf("draft precheck %+v", pre)
		}
	})
}

func TestAPIReviewFlow(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		rev := ts.user("rev", beian.RoleReviewer, "")
		o := ts.apiDraftOrder(a, "11", fixture.Enterprise("11", 1))
		if _, _, err := ts.Workflow.Submit(t.Context(), a, o.ID, "k"); err != nil {
			t.Fatal(err)
		}
		revToken, _ := ts.apiCreateToken(rev, "console", ScopeReview, ScopeOrdersRead)
		auth := apiBearer(revToken)

		queue := decodeAPI[apiReviewQueue](t, ts.apiReq(nil, "GET", "/review/queue", nil, auth...))
		if queue.Total != 1 || queue.Items[0].Order.ID != o.ID || queue.Items[0].Claim != nil || queue.Items[0].Due.DueAt == nil {
			t.Fatalf("queue %+v", queue)
		}
		if r := ts.apiReq(nil, "POST", "/orders/"+o.ID+"/claim", nil, auth...); r.Status != 200 || decodeAPI[apiOrder](t, r).ClaimedBy != rev.ID {
			t.Fatalf("claim = %d %s", r.Status, r.Body)
		}
		queue = decodeAPI[apiReviewQueue](t, ts.apiReq(nil, "GET", "/review/queue?claim=mine", nil, auth...))
		if queue.Total != 1 || queue.Items[0].Claim == nil || !queue.Items[0].Claim.Mine {
			t.Fatalf("my queue %+v", queue)
		}

		// A request for changes must name the fields; marks must exist.
		decision := map[string]any{"decision": "supplement", "opinion": "营业执照照片模糊"}
		r := ts.apiReq(nil, "POST", "/orders/"+o.ID+"/decision", decision, auth...)
		if p := r.problem(t); r.Status != 422 || p.Field != "marks" {
			t.Fatalf("decision without marks = %d %+v", r.Status, p)
		}
		decision["marks"] = []map[string]any{{"field": "materials.subject_certificate", "rule_id": "R1", "note": "请重拍"}}
		r = ts.apiReq(nil, "POST", "/orders/"+o.ID+"/decision", decision, auth...)
		if r.Status != 200 || decodeAPI[apiOrder](t, r).State != beian.NeedsModification {
			t.Fatalf("decision = %d %s", r.Status, r.Body)
		}

		// The customer sees what to fix, not who decided.
		got := decodeAPI[apiOrder](t, ts.apiReq(ts.client(a), "GET", "/orders/"+o.ID, nil))
		if got.Review == nil || got.Review.By != "" || len(got.Review.Marks) != 1 || got.ClaimedBy != "" {
			t.Fatalf("customer's view of the review %+v", got.Review)
		}
		m := got.Review.Marks[0]
		if m.RuleID != "R1" || m.Reason.ZH == "" || m.Remedy.EN == "" || m.FieldLabel.ZH == "" || m.Note != "请重拍" {
			t.Errorf("mark %+v", m)
		}
		reviews := decodeAPI[apiReviewList](t, ts.apiReq(ts.client(a), "GET", "/orders/"+o.ID+"/reviews", nil))
		if len(reviews.Items) != 1 || reviews.Items[0].Event != beian.EventReviewSupplement || reviews.Items[0].By != "" {
			t.Errorf("customer's review history %+v", reviews)
		}
		staffView := decodeAPI[apiReviewList](t, ts.apiReq(nil, "GET", "/orders/"+o.ID+"/reviews", nil, auth...))
		if len(staffView.Items) != 1 || staffView.Items[0].By != rev.ID {
			t.Errorf("staff's review history %+v", staffView)
		}
		// Passed, it waits for the bureau.
		other := ts.apiDraftOrder(a, "44", fixture.Enterprise("44", 2))
		if _, _, err := ts.Workflow.Submit(t.Context(), a, other.ID, "k2"); err != nil {
			t.Fatal(err)
		}
		if r := ts.apiReq(nil, "POST", "/orders/"+other.ID+"/decision", map[string]any{"decision": "pass"}, auth...); r.Status != 200 {
			t.Fatalf("pass = %d %s", r.Status, r.Body)
		}
		bq := decodeAPI[apiBureauQueue](t, ts.apiReq(nil, "GET", "/bureau/queue", nil, auth...))
		if len(bq.Batches) != 1 || bq.Batches[0].Province != "44" || len(bq.Batches[0].Orders) != 1 || !bq.Batches[0].Orders[0].Ready ||
			bq.Batches[0].ProvinceName.EN != "Guangdong" {
			t.Errorf("bureau queue %+v", bq)
		}
		// The reviewer's token cannot edit orders.
		r = ts.apiReq(nil, "POST", "/orders/"+o.ID+"/withdraw", nil, auth...)
		if r.Status != 403 {
			t.Errorf("reviewer token withdraws = %d", r.Status)
		}
	})
}
