package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
)

func TestResourcesAndCodes(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("acme")
		_, bOwner := ts.account("globex")
		ecs := ts.seedResource(acct.ID, "ecs-1", nil)
		ts.seedResource(acct.ID, "ecs-full", func(r *beian.Resource) { r.FilingsUsed = 5 })
		ts.seedResource(acct.ID, "ecs-short", func(r *beian.Resource) { r.TermMonths = 1 })
		a := ts.client(owner)

		code, body := ts.get(a, "/portal/resources")
		if code != http.StatusOK {
			t.Fatalf("GET /portal/resources = %d", code)
		}
		mustContain(t, body, "您用于备案的资源已达最大使用次数", "资源包年/包月时长为 1 个月，不足 3 个月", "ecs-1 · 121.36.10.21")

		// Generate two codes from the server's second address.
		code, _, loc := ts.post(a, "/portal/resources/codes", url.Values{"source": {ecs.ID + "|121.36.10.22"}, "count": {"2"}})
		if code != http.StatusSeeOther {
			t.Fatalf("generate = %d", code)
		}
		_, body = ts.get(a, loc)
		mustContain(t, body, "已生成 2 个授权码", "121.36.10.22", "未使用")
		code, _, loc = ts.post(a, "/portal/resources/codes", url.Values{"source": {ecs.ID + "|121.36.10.22"}, "count": {"9"}})
		_, body = ts.get(a, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "每次可生成 1 至 5 个授权码") {
			t.Errorf("too many = %d", code)
		}
		page, err := ts.Workflow.AuthCodes(context.Background(), owner)
		if err != nil || len(page.Issued) != 2 {
			t.Fatalf("codes %v", err)
		}
		code0 := page.Issued[0]

		// Grant: check the account, then confirm with the password.
		code, body, _ = ts.post(a, "/portal/resources/grant", url.Values{"code_ids": {code0.Code.ID}, "account": {"globex"}})
		if code != http.StatusOK {
			t.Fatalf("grant check = %d", code)
		}
		mustContain(t, body, "globex", code0.FormattedKey, `name="password"`, "确认授权")
		code, body, _ = ts.post(a, "/portal/resources/grant", url.Values{"code_ids": {code0.Code.ID}, "account": {"globex"}, "step": {"confirm"}, "password": {"nope"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "登录密码不正确") {
			t.Fatalf("wrong password = %d", code)
		}
		code, _, loc = ts.post(a, "/portal/resources/grant", url.Values{"code_ids": {code0.Code.ID}, "account": {"nobody"}})
		_, body = ts.get(a, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "账号「nobody」不存在") {
			t.Errorf("unknown account = %d", code)
		}
		code, _, loc = ts.post(a, "/portal/resources/grant", url.Values{"code_ids": {code0.Code.ID}, "account": {"globex"}, "step": {"confirm"}, "password": {testPassword}})
		_, body = ts.get(a, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "授权给账号「globex」") {
			t.Fatalf("grant = %d", code)
		}
		// B sees it under 我的授权 and files with it on the check page.
		b := ts.client(bOwner)
		_, body = ts.get(b, "/portal/resources")
		mustContain(t, body, "我的授权", code0.FormattedKey, "acme")
		form := verifyFormOf(fixture.Enterprise("11", 7), "globex-site.cn", "authcode")
		form.Set("auth_code", code0.FormattedKey)
		code, body, _ = ts.post(b, "/portal/verify", form)
		if code != http.StatusOK {
			t.Fatalf("verify with code = %d\n%s", code, body)
		}
		mustContain(t, body, "备案授权码有效，指向服务器 121.36.10.22")

		// Revoke the other code; the whitelist takes an account.
		code, _, loc = ts.post(a, "/portal/resources/codes/"+page.Issued[1].Code.ID+"/revoke", nil)
		_, body = ts.get(a, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "授权码已作废") || !strings.Contains(body, "授权码已被所有者作废") {
			t.Errorf("revoke = %d", code)
		}
		code, _, loc = ts.post(a, "/portal/resources/whitelist", url.Values{"account": {"globex"}, "notify": {"1"}})
		_, body = ts.get(a, loc)
		if code != http.StatusSeeOther || !strings.Contains(body, "账号「globex」已加入白名单") {
			t.Errorf("whitelist = %d", code)
		}

		// Read-only sub-users see the page without the forms.
		reader := ts.user("acme-reader", beian.RoleSubUser, acct.ID, beian.PolicyBeianReadOnly)
		code, body = ts.get(ts.client(reader), "/portal/resources")
		if code != http.StatusOK || strings.Contains(body, `action="/portal/resources/codes"`) {
			t.Errorf("reader page = %d", code)
		}
		code, _, _ = ts.post(ts.client(reader), "/portal/resources/codes", url.Values{"source": {ecs.ID + "|121.36.10.21"}, "count": {"1"}})
		if code != http.StatusForbidden {
			t.Errorf("reader generate = %d", code)
		}
		if p, _ := ts.Workflow.AuthCodes(context.Background(), owner); len(p.Issued) != 2 {
			t.Errorf("a reader generated codes")
		}
	})
}

// postFile submits a multipart form with one file.
func (ts *testServer) postFile(c *http.Client, path, field, name string, content []byte) (int, string) {
	ts.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	resp, err := c.Post(ts.URL+path, mw.FormDataContentType(), &buf)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestResourcesImport(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, owner := ts.account("acme")
		admin := ts.user("admin", beian.RoleAdmin, "")
		c := ts.client(admin)

		code, body := ts.get(c, "/console/resources/import")
		if code != http.StatusOK {
			t.Fatalf("GET import = %d", code)
		}
		mustContain(t, body, "external_id,account,kind", "enctype=\"multipart/form-data\"")

		bad := "external_id,account,kind,region,mainland,billing,term_months,expires_on,public_ips\n" +
			"i-1,acme,ecs,cn-north-4,true,prepaid,12,2027-12-01,121.36.10.21\n" +
			"i-2,nobody,vm,cn-north-4,true,prepaid,12,,1.2.3.4\n"
		code, body = ts.postFile(c, "/console/resources/import", "file", "feed.csv", []byte(bad))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad feed = %d", code)
		}
		mustContain(t, body, "本次未导入任何资源", "账号「nobody」不存在", "资源类型「vm」未知", "包年/包月资源须填写到期日")
		if rows := regexp.MustCompile(`<td>3</td>`).FindAllString(body, -1); len(rows) != 3 {
			t.Errorf("problems on line 3: %d", len(rows))
		}

		good := "external_id,account,kind,region,mainland,billing,term_months,expires_on,public_ips\n" +
			"i-1,acme,ecs,cn-north-4,true,prepaid,12,2027-12-01,121.36.10.21;121.36.10.22\n" +
			"i-2,acme,ecs,cn-north-4,true,on_demand,,,121.36.10.23\n"
		code, body = ts.postFile(c, "/console/resources/import", "file", "feed.csv", []byte(good))
		if code != http.StatusOK {
			t.Fatalf("good feed = %d\n%s", code, body)
		}
		mustContain(t, body, "导入完成：新增 2 个，更新 0 个")
		code, body, _ = ts.post(c, "/console/resources/import", url.Values{"csv": {good}})
		if code != http.StatusOK || !strings.Contains(body, "新增 0 个，更新 2 个") {
			t.Errorf("pasted feed = %d", code)
		}
		opts, err := ts.Workflow.Resources(context.Background(), owner)
		if err != nil || len(opts) != 2 {
			t.Fatalf("imported %d %v", len(opts), err)
		}
		// Only admins import.
		if code, _ := ts.get(ts.client(owner), "/console/resources/import"); code != http.StatusForbidden {
			t.Errorf("customer import page = %d", code)
		}
		reviewer := ts.user("rev", beian.RoleReviewer, "")
		if code, _ := ts.postFile(ts.client(reviewer), "/console/resources/import", "file", "feed.csv", []byte(good)); code != http.StatusForbidden {
			t.Errorf("reviewer import = %d", code)
		}
	})
}
