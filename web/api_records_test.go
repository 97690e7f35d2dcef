package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
)

func TestAPIRecordsAndStartFromRecord(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, a := ts.account("acme")
		rec := ts.seedRecord(acct.ID, fixture.Enterprise("11", 1), "12345678")
		c := ts.client(a)

		list := decodeAPI[apiRecordList](t, ts.apiReq(c, "GET", "/records", nil))
		if len(list.Items) != 1 || list.Items[0].Subject.Number != "京ICP备12345678号" || len(list.Items[0].Services) != 1 ||
			list.Items[0].Services[0].Number != "京ICP备12345678号-1" || list.Items[0].Services[0].Website == nil || !list.CanOperate {
			t.Fatalf("records %+v", list)
		}

		view := decodeAPI[apiRecord](t, ts.apiReq(c, "GET", "/records/"+rec.Subject.ID, nil))
		change := slices.IndexFunc(view.Actions, func(x apiAction) bool { return x.Type == beian.ChangeSubject })
		if change < 0 || !view.Actions[change].Available || !view.CanOperate || !view.Services[0].AccessHere || len(view.Services[0].Actions) == 0 {
			t.Fatalf("record view %+v", view)
		}

		r := ts.apiReq(c, "POST", "/records/"+rec.Subject.ID+"/orders", map[string]any{"type": "change_subject"})
		o := decodeAPI[apiOrder](t, r)
		if r.Status != http.StatusCreated || o.Type != beian.ChangeSubject || o.RecordSubjectID != rec.Subject.ID ||
			o.Snapshot.Subject.Name != rec.Subject.Subject.Name || r.Header.Get("Location") == "" {
			t.Fatalf("start change = %d %s", r.Status, r.Body)
		}

		// While it is in progress, nothing else starts, and the record says why.
		view = decodeAPI[apiRecord](t, ts.apiReq(c, "GET", "/records/"+rec.Subject.ID, nil))
		if len(view.InProgress) != 1 || view.InProgress[0].ID != o.ID {
			t.Fatalf("in progress %+v", view.InProgress)
		}
		for _, x := range view.Actions {
			if x.Available || x.Reason == nil || x.Reason.Key == "" || x.Reason.Message.ZH == "" || x.Reason.Message.EN == "" {
				t.Errorf("action %s while busy: %+v", x.Type, x)
			}
		}
		r = ts.apiReq(c, "POST", "/records/"+rec.Subject.ID+"/orders", map[string]any{"type": "cancel_subject"}, "Accept-Language", "en")
		if p := r.problem(t); r.Status != http.StatusConflict || p.Key != "records.busy" || !strings.Contains(p.Detail, "progress") {
			t.Fatalf("second order = %d %+v", r.Status, p)
		}
		// New services need product verification: the record says so.
		r = ts.apiReq(c, "POST", "/records/"+rec.Subject.ID+"/orders", map[string]any{"type": "new_website"})
		if p := r.problem(t); r.Status != 422 || p.Field != "type" {
			t.Fatalf("new website from the record = %d %+v", r.Status, p)
		}

		// Staff find a record by certificate; customers may not.
		rev := ts.user("rev", beian.RoleReviewer, "")
		body := map[string]any{"certificate_number": rec.Subject.Subject.CertificateNumber}
		found := decodeAPI[struct {
			ID string `json:"id"`
		}](t, ts.apiReq(ts.client(rev), "POST", "/records/lookup", body))
		if found.ID != rec.Subject.ID {
			t.Errorf("lookup found %q", found.ID)
		}
		if r := ts.apiReq(c, "POST", "/records/lookup", body); r.Status != http.StatusForbidden {
			t.Errorf("customer lookup = %d", r.Status)
		}
	})
}

func TestAPIResourcePushAndList(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		admin := ts.user("root", beian.RoleAdmin, "")
		push, _ := ts.apiCreateToken(admin, "cloud feed", ScopeResourcesWrite)
		item := func(id, account, billing string) map[string]any {
			m := map[string]any{"external_id": id, "account": account, "kind": "ecs", "name": id, "region": "cn-north-4",
				"mainland": true, "billing": billing, "term_months": 12, "expires_on": "2027-12-31", "public_ips": []string{"121.36.10.20"}}
			if billing == "on_demand" {
				delete(m, "expires_on")
			}
			return m
		}
		batch := map[string]any{"items": []any{item("ecs-1", "acme", "prepaid"), item("ecs-2", "acme", "on_demand")}}
		r := ts.apiReq(nil, "POST", "/resources/import", batch, apiBearer(push)...)
		if got := decodeAPI[apiImportResult](t, r); r.Status != 200 || got.Created != 2 || got.Updated != 0 {
			t.Fatalf("first push = %d %s", r.Status, r.Body)
		}
		r = ts.apiReq(nil, "POST", "/resources/import", batch, apiBearer(push)...)
		if got := decodeAPI[apiImportResult](t, r); r.Status != 200 || got.Created != 0 || got.Updated != 2 {
			t.Fatalf("second push = %d %s", r.Status, r.Body)
		}

		// One bad item rejects the batch, naming each problem by item.
		bad := item("ecs-3", "nobody", "prepaid")
		delete(bad, "expires_on")
		r = ts.apiReq(nil, "POST", "/resources/import", map[string]any{"items": []any{item("ecs-4", "acme", "prepaid"), bad}}, apiBearer(push)...)
		p := r.problem(t)
		var fields []string
		for _, e := range p.Errors {
			fields = append(fields, e.Field)
		}
		if r.Status != 422 || !slices.Contains(fields, "items[1].account") || !slices.Contains(fields, "items[1].expires_on") {
			t.Fatalf("bad batch = %d %+v", r.Status, p)
		}
		// Huma checks the codes before the workflow sees them.
		r = ts.apiReq(nil, "POST", "/resources/import", map[string]any{"items": []any{map[string]any{"external_id": "x", "account": "acme",
			"kind": "vm", "region": "r", "mainland": true, "billing": "prepaid"}}}, apiBearer(push)...)
		if p := r.problem(t); r.Status != 422 || p.Field != "items[0].kind" {
			t.Fatalf("unknown kind = %d %+v", r.Status, p)
		}

		// The customer sees its resources and why one cannot be chosen.
		list := decodeAPI[apiResourceList](t, ts.apiReq(ts.client(a), "GET", "/resources", nil))
		if len(list.Items) != 2 {
			t.Fatalf("resources %+v", list)
		}
		for _, x := range list.Items {
			switch x.ExternalID {
			case "ecs-1":
				if !x.Eligible || len(x.PublicIPs) != 1 || x.FilingsMax != 5 {
					t.Errorf("prepaid resource %+v", x)
				}
			case "ecs-2":
				if x.Eligible || len(x.Problems) == 0 || x.Problems[0].Key != "resource.on_demand" {
					t.Errorf("on-demand resource %+v", x)
				}
			}
		}
		// Only admins push, whatever the token.
		custToken, _ := ts.apiCreateToken(a, "mine")
		if r := ts.apiReq(nil, "POST", "/resources/import", batch, apiBearer(custToken)...); r.Status != http.StatusForbidden {
			t.Errorf("customer push = %d", r.Status)
		}
	})
}

func TestAPIOrderHistory(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		rev := ts.user("rev", beian.RoleReviewer, "")
		o := ts.apiDraftOrder(a, "11", fixture.Enterprise("11", 1))
		if _, _, err := ts.Workflow.Submit(t.Context(), a, o.ID, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Workflow.Claim(t.Context(), rev, o.ID); err != nil {
			t.Fatal(err)
		}

		mine := decodeAPI[apiHistory](t, ts.apiReq(ts.client(a), "GET", "/orders/"+o.ID+"/history", nil))
		var actions []string
		for _, e := range mine.Items {
			actions = append(actions, e.Action)
			if e.ActorID != "" || e.Title.ZH == "" || e.Title.EN == "" {
				t.Errorf("customer's entry %+v", e)
			}
		}
		if !slices.Contains(actions, "order.create") || !slices.Contains(actions, "order.submit") || slices.Contains(actions, "order.claim") ||
			slices.Contains(actions, "order.save") {
			t.Errorf("customer sees %v", actions)
		}
		submit := mine.Items[slices.Index(actions, "order.submit")]
		if submit.Actor != "you" || submit.From != beian.Draft || submit.To != beian.AwaitingPrelim {
			t.Errorf("submit entry %+v", submit)
		}

		theirs := decodeAPI[apiHistory](t, ts.apiReq(ts.client(rev), "GET", "/orders/"+o.ID+"/history", nil))
		claim := slices.IndexFunc(theirs.Items, func(e apiHistoryEntry) bool { return e.Action == "order.claim" })
		if claim < 0 || theirs.Items[claim].ActorID != rev.ID || theirs.Items[claim].Actor != "you" {
			t.Errorf("staff history %+v", theirs.Items)
		}
	})
}

func TestAPIMaterials(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, a := ts.account("acme")
		c := ts.client(a)
		snap := fixture.Enterprise("11", 1)
		snap.Materials = nil
		o := ts.apiDraftOrder(a, "11", snap)

		photo := documentJPEG(1200, 900, 1)
		r := ts.apiReq(c, "POST", "/orders/"+o.ID+"/materials/subject_certificate", photo, "Content-Type", "image/jpeg")
		up := decodeAPI[apiUploaded](t, r)
		if r.Status != http.StatusCreated || up.Material.MediaType != "image/jpeg" || up.Material.Size != int64(len(photo)) ||
			up.Order.Version <= o.Version || r.Header.Get("ETag") != apiETag(up.Order.Version) {
			t.Fatalf("upload = %d %s", r.Status, r.Body)
		}

		// The bytes come back as stored, with the sniffed type.
		r = ts.apiReq(c, "GET", "/orders/"+o.ID+"/materials/"+up.Material.ID+"/content", nil)
		if r.Status != 200 || !bytes.Equal(r.Body, photo) || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("download = %d %q, %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Body))
		}

		// An HTML file named like an image is refused by its content, in the
		// caller's language, and nothing is stored.
		before := len(ts.storedDocuments())
		r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/materials/principal_id_front", []byte("<html><body>hi</body></html>"),
			"Content-Type", "image/png", "Accept-Language", "en")
		p := r.problem(t)
		if r.Status != 422 || p.Key != "material.rejected" || len(p.Findings) == 0 || len(p.Errors) == 0 || p.Errors[0].Remedy == "" {
			t.Fatalf("HTML upload = %d %+v", r.Status, p)
		}
		if after := len(ts.storedDocuments()); after != before {
			t.Errorf("refused upload stored: %d → %d documents", before, after)
		}
		// Too large for its purpose.
		big := append(documentJPEG(1200, 900, 2), make([]byte, 5<<20)...)
		r = ts.apiReq(c, "POST", "/orders/"+o.ID+"/materials/principal_id_front", big)
		if p := r.problem(t); r.Status != 422 || p.Key != "material.rejected" || !strings.Contains(p.Detail, "4") {
			t.Fatalf("oversized photo = %d %+v", r.Status, p)
		}

		r = ts.apiReq(c, "DELETE", "/orders/"+o.ID+"/materials/"+up.Material.ID, nil)
		if got := decodeAPI[apiOrder](t, r); r.Status != 200 || len(got.Snapshot.Materials) != 0 {
			t.Fatalf("remove = %d %s", r.Status, r.Body)
		}
		if r = ts.apiReq(c, "GET", "/orders/"+o.ID+"/materials/"+up.Material.ID+"/content", nil); r.Status != 404 {
			t.Errorf("removed material download = %d", r.Status)
		}
	})
}
