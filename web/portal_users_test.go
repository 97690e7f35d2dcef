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
)

func TestUsersAndGroups(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		ctx := context.Background()
		acct, owner := ts.account("acme")
		rec := ts.seedRecord(acct.ID, fixture.Enterprise("11", 1), "2023000101")
		c := ts.client(owner)

		code, body := ts.get(c, "/portal/users")
		if code != http.StatusOK {
			t.Fatalf("GET /portal/users = %d", code)
		}
		mustContain(t, body, "BeianAdministrator", "BeianReadOnly", "还没有子用户")

		code, _, loc := ts.post(c, "/portal/groups", url.Values{"name": {"备案服务组"}, "policies": {"BeianAdministrator"}})
		_, body = ts.get(c, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "用户组「备案服务组」已创建") {
			t.Fatalf("create group = %d", code)
		}
		team, err := ts.Workflow.Team(ctx, owner)
		if err != nil || len(team.Groups) != 1 {
			t.Fatalf("team %v", err)
		}
		gid := team.Groups[0].ID

		// A short password comes back with the form kept.
		code, body, _ = ts.post(c, "/portal/users", url.Values{"login": {"acme-ops"}, "display_name": {"运维"}, "password": {"short"}, "groups": {gid}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "密码至少 10 位") || !strings.Contains(body, `value="acme-ops"`) {
			t.Fatalf("short password = %d", code)
		}
		code, _, loc = ts.post(c, "/portal/users", url.Values{"login": {"acme-ops"}, "display_name": {"运维"}, "password": {"ops-password-1"}, "groups": {gid}})
		_, body = ts.get(c, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "子用户「acme-ops」已创建") {
			t.Fatalf("create sub-user = %d", code)
		}
		team, _ = ts.Workflow.Team(ctx, owner)
		sub := team.Users[0].User
		if !sub.Has(beian.PolicyBeianAdministrator) {
			t.Fatalf("policies %v", sub.Policies)
		}
		// Grant it the website; it signs in with its own password and sees
		// the records but not the team page.
		code, _, _ = ts.post(c, "/portal/users/"+sub.ID+"/services", url.Values{"services": {rec.Services[0].ID}})
		if code != http.StatusSeeOther {
			t.Fatalf("grant services = %d", code)
		}
		sc := subClient(t, ts, "acme-ops", "ops-password-1")
		if code, _ := ts.get(sc, "/portal/records/"+rec.Subject.ID); code != http.StatusOK {
			t.Errorf("sub-user records = %d", code)
		}
		if code, body := ts.get(sc, "/portal/users"); code != http.StatusForbidden || !strings.Contains(body, "只有主账号可以管理子用户和用户组") {
			t.Errorf("sub-user team page = %d", code)
		}
		// The group loses its policy: so does the member.
		code, _, _ = ts.post(c, "/portal/groups/"+gid+"/save", url.Values{"name": {"备案服务组"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save group = %d", code)
		}
		if code, _ := ts.get(sc, "/portal/records/"+rec.Subject.ID); code != http.StatusNotFound {
			t.Errorf("sub-user without policy sees records: %d", code)
		}
		_, body = ts.get(c, "/portal/users")
		mustContain(t, body, "该组没有策略", "无（不能查看或办理备案）")
		// Disabled sub-users cannot sign in.
		code, _, _ = ts.post(c, "/portal/users/"+sub.ID+"/disable", nil)
		if code != http.StatusSeeOther {
			t.Fatalf("disable = %d", code)
		}
		resp, err := ts.client(nil).PostForm(ts.URL+"/login", url.Values{"login": {"acme-ops"}, "password": {"ops-password-1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusSeeOther {
			t.Error("a disabled sub-user signed in")
		}
		if code, _ := ts.get(sc, "/portal/records"); code == http.StatusOK {
			t.Error("a disabled sub-user's session still works")
		}
		// Deleting the group.
		code, _, loc = ts.post(c, "/portal/groups/"+gid+"/delete", nil)
		_, body = ts.get(c, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "用户组已删除") {
			t.Errorf("delete group = %d", code)
		}
		if code, _, _ := ts.post(c, "/portal/groups/"+gid+"/rename", nil); code != http.StatusNotFound {
			t.Errorf("unknown group action = %d", code)
		}
	})
}

// subClient signs in with a login and password made through the pages.
func subClient(t *testing.T, ts *testServer, login, pw string) *http.Client {
	t.Helper()
	c := ts.client(nil)
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"login": {login}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", login, resp.StatusCode)
	}
	return c
}
