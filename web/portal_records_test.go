package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// startedOrder checks that a POST redirected to a new order and returns it.
func (ts *testServer) startedOrder(u *beian.User, code int, loc string) *beian.Order {
	ts.t.Helper()
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/orders/") {
		ts.t.Fatalf("start = %d → %q", code, loc)
	}
	o, err := ts.Workflow.Order(context.Background(), u, strings.TrimPrefix(loc, "/portal/orders/"))
	if err != nil {
		ts.t.Fatal(err)
	}
	return o
}

func TestRecordsPages(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		acct, owner := ts.account("acme")
		// Shanghai supports migration; a second website lets both service
		// actions be tried.
		snap := fixture.Enterprise("31", 1)
		site2 := snap.Websites[0]
		site2.ID, site2.Name, site2.Domains = "site-b", "青云数据文档中心", []string{"qingyun-docs1.cn"}
		snap.Websites = append(snap.Websites, site2)
		rec := ts.seedRecord(acct.ID, snap, "2023000101")
		target, _ := ts.account("acme-new")
		ts.seedRecord(target.ID, fixture.Enterprise("31", 2), "2023000102")
		c := ts.client(owner)
		first, second := rec.Services[0].ID, rec.Services[1].ID

		code, body := ts.get(c, "/portal/records")
		if code != http.StatusOK {
			t.Fatalf("GET /portal/records = %d", code)
		}
		mustContain(t, body, snap.Subject.Name, "沪ICP备2023000101号", "/portal/records/"+rec.Subject.ID)

		code, body = ts.get(c, "/portal/records/"+rec.Subject.ID)
		if code != http.StatusOK {
			t.Fatalf("GET record = %d", code)
		}
		// Every action is offered, with new services through the check;
		// what is not possible says why.
		mustContain(t, body, "沪ICP备2023000101号-1", "qingyun-data1.cn", "121.36.10.20",
			"新增网站", "新增APP", "变更主体", "变更备案", "注销主体", "转移备案", "变更互联网信息服务", "注销互联网信息服务", "取消接入", "迁移互联网信息服务",
			"/portal/verify?kind=website&amp;record="+rec.Subject.ID,
			"该服务已在本接入商接入，无需新增接入")

		// Each type starts a draft prefilled from the record.
		start := func(form url.Values) *beian.Order {
			t.Helper()
			code, _, loc := ts.post(c, "/portal/records/"+rec.Subject.ID+"/start", form)
			return ts.startedOrder(owner, code, loc)
		}
		abandon := func(o *beian.Order) {
			t.Helper()
			if _, err := ts.Workflow.Abandon(ctx, owner, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, form := range []url.Values{
			{"type": {"change_subject"}},
			{"type": {"change_service"}, "service_ids": {first}},
			{"type": {"change_both"}, "service_ids": {first, second}},
			{"type": {"cancel_service"}, "service_ids": {second}, "cancel_reason": {"网站停止运营"}},
			{"type": {"cancel_access"}, "service_ids": {first}},
			{"type": {"cancel_subject"}},
			{"type": {"migrate"}, "service_ids": {second}, "target_account": {"acme-new"}},
		} {
			o := start(form)
			if string(o.Type) != form.Get("type") || o.RecordSubjectID != rec.Subject.ID || o.State != beian.Draft {
				t.Errorf("%s: %s %s", form.Get("type"), o.Type, o.State)
			}
			if n := len(form["service_ids"]); len(o.Snapshot.Websites) != n {
				t.Errorf("%s: %d websites, want %d", o.Type, len(o.Snapshot.Websites), n)
			}
			if o.Type != beian.Migrate && o.Snapshot.Subject.Principal.Mobile != snap.Subject.Principal.Mobile {
				t.Errorf("%s: subject not prefilled", o.Type)
			}
			if o.Type == beian.CancelService && o.Snapshot.CancelReason != "网站停止运营" {
				t.Errorf("cancel reason %q", o.Snapshot.CancelReason)
			}
			// While it is in progress the page says so, and nothing else
			// starts.
			_, body := ts.get(c, "/portal/records/"+rec.Subject.ID)
			mustContain(t, body, "进行中的订单", "同一主体同时只能有一个进行中的订单", "/portal/orders/"+o.ID)
			code, _, loc := ts.post(c, "/portal/records/"+rec.Subject.ID+"/start", url.Values{"type": {"change_subject"}})
			if code != http.StatusSeeOther || loc != "/portal/records/"+rec.Subject.ID {
				t.Fatalf("busy start = %d → %q", code, loc)
			}
			_, body = ts.get(c, loc)
			mustContain(t, body, "该主体有进行中的订单")
			abandon(o)
		}

		// The confirmation pages ask for what the action needs.
		_, body = ts.get(c, "/portal/records/"+rec.Subject.ID+"/action?type=cancel_subject")
		mustContain(t, body, "注销主体将注销该主体及其全部网站/APP", `name="confirm"`)
		_, body = ts.get(c, "/portal/records/"+rec.Subject.ID+"/action?type=migrate&service="+first)
		mustContain(t, body, "目标主体所在账号", "APP不能迁移")
		code, body, _ = ts.post(c, "/portal/records/"+rec.Subject.ID+"/start", url.Values{"type": {"migrate"}, "service_ids": {first}, "target_account": {"nobody"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "账号「nobody」不存在") || !strings.Contains(body, `value="nobody"`) {
			t.Errorf("migrate to nobody = %d", code)
		}

		// English.
		ts.english(c)
		_, body = ts.get(c, "/portal/records/"+rec.Subject.ID)
		mustContain(t, body, "Change subject", "Cancel access", "The service already has access here")
	})
}

func TestRecordsTransfer(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("acme")
		rec := ts.seedRecord(acct.ID, fixture.Enterprise("11", 1), "2023000101")
		_, bOwner := ts.account("acme-group")
		a, b := ts.client(owner), ts.client(bOwner)
		base := "/portal/records/" + rec.Subject.ID

		_, body := ts.get(a, base+"/action?type=transfer")
		mustContain(t, body, "验证目标账号", "双方账号都不能有进行中的订单")
		// Step 1 checks the target and asks for the password.
		code, body, _ := ts.post(a, base+"/transfer", url.Values{"step": {"check"}, "target_account": {"acme-group"}})
		if code != http.StatusOK {
			t.Fatalf("check = %d", code)
		}
		mustContain(t, body, "acme-group", `name="password"`, "确认并提交转移申请")
		code, body, _ = ts.post(a, base+"/transfer", url.Values{"step": {"check"}, "target_account": {"acme"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "目标账号不能是本账号") {
			t.Errorf("self = %d", code)
		}
		code, body, _ = ts.post(a, base+"/transfer", url.Values{"step": {"confirm"}, "target_account": {"acme-group"}, "password": {"wrong"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "登录密码不正确") {
			t.Errorf("wrong password = %d", code)
		}
		code, _, loc := ts.post(a, base+"/transfer", url.Values{"step": {"confirm"}, "target_account": {"acme-group"}, "password": {testPassword}})
		if code != http.StatusSeeOther || loc != "/portal/records" {
			t.Fatalf("request = %d → %q", code, loc)
		}
		_, body = ts.get(a, loc)
		mustContain(t, body, "转移申请已提交", "等待对方确认")

		// The target sees it and accepts with its password.
		_, body = ts.get(b, "/portal/records")
		mustContain(t, body, "待您确认的转移备案", "账号「acme」申请把主体")
		orders, _, _ := ts.Workflow.Orders(context.Background(), owner, beian.OrderFilter{Types: []beian.OrderType{beian.Transfer}})
		if len(orders) != 1 {
			t.Fatalf("transfer orders %d", len(orders))
		}
		code, _, loc = ts.post(b, "/portal/transfers/"+orders[0].ID+"/accept", url.Values{"password": {testPassword}})
		if code != http.StatusSeeOther {
			t.Fatalf("accept = %d", code)
		}
		_, body = ts.get(b, loc)
		mustContain(t, body, "已接收转移", rec.Subject.Subject.Name)
		if code, _ := ts.get(a, base); code != http.StatusNotFound {
			t.Errorf("old owner still sees the record: %d", code)
		}
	})
}

func TestRecordsSubUsers(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		acct, owner := ts.account("acme")
		res := ts.seedResource(acct.ID, "ecs-1", nil)
		rec := ts.seedRecord(acct.ID, fixture.Enterprise("11", 1), "2023000101")
		opsGroup, err := ts.Workflow.CreateGroup(ctx, owner, workflow.GroupInput{Name: "备案服务组", Policies: []beian.Policy{beian.PolicyBeianAdministrator}})
		if err != nil {
			t.Fatal(err)
		}
		ops := ts.user("acme-ops", beian.RoleSubUser, acct.ID, beian.PolicyBeianAdministrator)
		if err := ts.Workflow.SetSubUserGroups(ctx, owner, ops.ID, []string{opsGroup.ID}); err != nil {
			t.Fatal(err)
		}
		none := ts.user("acme-none", beian.RoleSubUser, acct.ID)
		reader := ts.user("acme-reader", beian.RoleSubUser, acct.ID, beian.PolicyBeianReadOnly)

		// The administrator sub-user starts a new website through the check.
		form := verifyFormOf(fixture.Enterprise("11", 1), "qingyun-docs.cn", res.ID)
		form.Set("confirm", "1")
		code, _, loc := ts.post(ts.client(ops), "/portal/verify/start", form)
		o := ts.startedOrder(ops, code, loc)
		if o.Type != beian.NewWebsite || o.CreatedBy != ops.ID {
			t.Fatalf("sub-user's order %s by %s", o.Type, o.CreatedBy)
		}

		// Without a policy: neither the records nor the order exist for it
		// (done-when 1(c) at the HTTP level).
		nc := ts.client(none)
		for _, path := range []string{"/portal/records", "/portal/records/" + rec.Subject.ID, "/portal/orders/" + o.ID} {
			if code, _ := ts.get(nc, path); code != http.StatusNotFound {
				t.Errorf("no-policy sub-user GET %s = %d, want 404", path, code)
			}
		}
		if _, err := ts.Workflow.Order(ctx, none, o.ID); beian.ErrorCode(err) != beian.ENOTFOUND {
			t.Errorf("no-policy order: %v", err)
		}

		// Read-only: can view, cannot start or submit.
		rc := ts.client(reader)
		code, body := ts.get(rc, "/portal/records/"+rec.Subject.ID)
		if code != http.StatusOK {
			t.Fatalf("reader view = %d", code)
		}
		mustContain(t, body, "您只有查看权限", "BeianAdministrator")
		code, body, _ = ts.post(rc, "/portal/records/"+rec.Subject.ID+"/start", url.Values{"type": {"change_subject"}})
		if code != http.StatusForbidden || !strings.Contains(body, "您只有查看权限，不能发起订单") {
			t.Errorf("reader start = %d", code)
		}
		// The sub-user that created the order loses its administrator
		// policy: it still sees its order but cannot submit it.
		if err := ts.Workflow.UpdateGroup(ctx, owner, opsGroup.ID, workflow.GroupInput{Name: "备案服务组", Policies: []beian.Policy{beian.PolicyBeianReadOnly}}); err != nil {
			t.Fatal(err)
		}
		var demoted *beian.User
		ts.update(func(tx beian.Tx) error { demoted, err = tx.FindUser(ctx, ops.ID); return err })
		if _, err := ts.Workflow.Order(ctx, demoted, o.ID); err != nil {
			t.Errorf("read-only creator cannot view its order: %v", err)
		}
		// Submit refuses (today it runs the pre-check first, so an
		// incomplete draft answers with its findings; either way nothing
		// moves).
		if _, _, err := ts.Workflow.Submit(ctx, demoted, o.ID, "k"); err == nil {
			t.Error("read-only creator submitted")
		}
		oc := ts.client(ops)
		if code, _ := ts.get(oc, "/portal/orders/"+o.ID); code == http.StatusOK {
			// The order pages are served: submitting is refused there too.
			if code, _, _ := ts.post(oc, "/portal/orders/"+o.ID+"/submit", url.Values{"key": {"k"}}); code != http.StatusForbidden && code != http.StatusUnprocessableEntity {
				t.Errorf("read-only submit over HTTP = %d", code)
			}
		}
		after, err := ts.Workflow.Order(ctx, owner, o.ID)
		if err != nil || after.State != beian.Draft || after.Version != o.Version {
			t.Errorf("read-only creator changed the order: %v %s v%d", err, after.State, after.Version)
		}
	})
}

func TestConsoleCancelAccess(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("acme")
		snap := fixture.Enterprise("11", 1)
		rec := ts.seedRecord(acct.ID, snap, "2023000101")
		compliance := ts.user("compliance", beian.RoleCompliance, "")
		cc := ts.client(compliance)

		code, _ := ts.get(cc, "/console/records?cert="+url.QueryEscape(snap.Subject.CertificateNumber))
		if code != http.StatusSeeOther {
			t.Fatalf("search = %d", code)
		}
		code, body := ts.get(cc, "/console/records/"+rec.Subject.ID)
		if code != http.StatusOK {
			t.Fatalf("console record = %d", code)
		}
		mustContain(t, body, "取消接入", "/console/records/"+rec.Subject.ID+"/action?service=")
		if strings.Contains(body, "变更主体") {
			t.Error("staff are offered a subject change")
		}
		code, _, loc := ts.post(cc, "/console/records/"+rec.Subject.ID+"/start", url.Values{"type": {"cancel_access"}, "service_ids": {rec.Services[0].ID}})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/orders/") {
			t.Fatalf("staff cancel access = %d → %q", code, loc)
		}
		o, err := ts.Workflow.Order(context.Background(), owner, strings.TrimPrefix(loc, "/console/orders/"))
		if err != nil || o.Type != beian.CancelAccess || o.AccountID != acct.ID || o.CreatedBy != compliance.ID {
			t.Fatalf("order %+v %v", o, err)
		}
		// Customers do not get the console's record pages.
		if code, _ := ts.get(ts.client(owner), "/console/records/"+rec.Subject.ID); code != http.StatusForbidden {
			t.Errorf("customer on the console = %d", code)
		}
	})
}
