package bureausim

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// postVerifyForm submits the verification page as a browser would: a form post over HTTP.
func postVerifyForm(t *testing.T, e *env, action, mobile, code, idLast6 string) (int, string) {
	t.Helper()
	resp, err := http.PostForm(e.srv.URL+"/sim/verify", url.Values{"action": {action}, "mobile": {mobile}, "code": {code}, "idlast6": {idLast6}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestFirstFiling is the whole path of a first filing: upload, SMS codes to both
// principals, verification through the HTML page, review on the working-day clock,
// approval with numbers in the province's format, downloaded and acknowledged.
func TestFirstFiling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)

	// The code tables come first.
	jcdm := c.fetch(true)
	if len(jcdm) != 1 || jcdm[0].JCDM == nil || jcdm[0].JCDM.JcdmXx.QyDms == nil || len(jcdm[0].JCDM.JcdmXx.QyDms.QyXx) < 3000 {
		t.Fatalf("first download is not the code tables: %+v", jcdm)
	}

	// An individual whose site has another person in charge: two mobiles, two codes.
	b := individual(1001, zhangsan, site{name: "张三的读书笔记", domains: []string{"zhangsan-notes.cn"}, principal: lisi})
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, b))
	f := e.filing("1001")
	if f.State != StateSMS || len(f.Mobiles) != 2 {
		t.Fatalf("filing %+v: want SMS verification with 2 codes", f)
	}
	if got := e.sim.SentCodes(zhangsan.mobile); len(got) != 1 || len(got[0].Code) != 6 {
		t.Fatalf("subject principal's codes: %+v", got)
	}
	if got := e.sim.SentCodes(lisi.mobile); len(got) != 1 {
		t.Fatalf("site principal's codes: %+v", got)
	}
	if !f.SMSDeadline.Equal(start.Add(24 * time.Hour)) {
		t.Errorf("SMS deadline %v", f.SMSDeadline)
	}

	// The phone inbox shows the code.
	resp, err := http.Get(e.srv.URL + "/sim/phone?mobile=" + zhangsan.mobile)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	code1 := e.sim.SentCodes(zhangsan.mobile)[0].Code
	if !strings.Contains(string(page), code1) || !strings.Contains(string(page), "短信核验码") {
		t.Fatal("phone inbox does not show the code")
	}

	// Verify both through the HTML page.
	status, body := postVerifyForm(t, e, "verify", zhangsan.mobile, code1, zhangsan.id[12:])
	if status != http.StatusOK || !strings.Contains(body, `data-outcome="verified"`) {
		t.Fatalf("first verification: %d %s", status, body)
	}
	if got := e.filing("1001"); got.State != StateSMS {
		t.Fatalf("one of two codes verified, state %s", got.State)
	}
	status, body = postVerifyForm(t, e, "verify", lisi.mobile, e.sim.SentCodes(lisi.mobile)[0].Code, strings.ToLower(lisi.id[12:]))
	if status != http.StatusOK || !strings.Contains(body, "进入管局审核") && !strings.Contains(body, "提交管局审核") {
		t.Fatalf("second verification: %d %s", status, body)
	}
	f = e.filing("1001")
	if f.State != StateReview {
		t.Fatalf("state %s after both codes, want review", f.State)
	}
	docs := c.fetch(false)
	if j := resultFor(t, docs, OpNewFiling, "1001"); j.Jgxx[0].Jgdm != int64(ResultSMSVerified) {
		t.Fatalf("after verification: %+v", j)
	}

	// The review takes three working days; one minute before, nothing.
	due := e.sim.addWorkdays(start, DefaultReviewWorkdays)
	if !f.ReviewDue.Equal(due) {
		t.Errorf("review due %v, want %v", f.ReviewDue, due)
	}
	e.clock.Set(due.Add(-time.Minute))
	if docs := c.fetch(false); len(docs) != 0 {
		t.Fatalf("result before the review ended: %+v", results(docs))
	}
	e.clock.Set(due)
	docs = c.fetch(false)
	j := resultFor(t, docs, OpNewFiling, "1001")
	if j.Jgxx[0].Jgdm != int64(ResultApproved) {
		t.Fatalf("review result %+v", j)
	}
	var gjsh *miit.BAJGGJSHSGjsh
	for _, d := range docs {
		if d.ICP.BAJG != nil && d.ICP.BAJG.GJSHS != nil {
			gjsh = &d.ICP.BAJG.GJSHS.Gjsh[0]
		}
	}
	if gjsh == nil || gjsh.Shjg != 1 || gjsh.Czlx == nil || *gjsh.Czlx != 1 {
		t.Fatalf("reviewer's opinion %+v", gjsh)
	}
	basj := records(docs)
	if len(basj) != 1 || basj[0].ZtXx.ISPZtid == nil || *basj[0].ZtXx.ISPZtid != 1001 || len(basj[0].WzXx) != 1 {
		t.Fatalf("record data %+v", basj)
	}
	subj, err := beian.ParseICPNumber(basj[0].ZtXx.Baxh)
	if err != nil || !subj.IsSubject() || subj.Province.Code != "11" || len(subj.Serial) != 8 {
		t.Fatalf("subject number %q: %v", basj[0].ZtXx.Baxh, err)
	}
	wz, err := beian.ParseICPNumber(basj[0].WzXx[0].Baxh)
	if err != nil || wz.Ordinal != 1 || wz.Kind != beian.KindWebsite || wz.Subject() != subj {
		t.Fatalf("site number %q: %v", basj[0].WzXx[0].Baxh, err)
	}
	if !strings.HasPrefix(basj[0].ZtXx.Baxh, "京ICP备") {
		t.Errorf("number %q not in Beijing's format", basj[0].ZtXx.Baxh)
	}
	if w := basj[0].WzXx[0]; w.Wzid == 0 || w.YmXx[0].Ymid == 0 || w.JrXx[0].Jrid == 0 || w.JrXx[0].IPXx[0].Ipid == 0 || w.JrXx[0].Ispid != DefaultISP.ISPID {
		t.Errorf("bureau IDs missing: %+v", w)
	}
	if !strings.Contains(j.Bz, basj[0].ZtXx.Baxh) {
		t.Errorf("result remark %q does not name the number", j.Bz)
	}
	if docs := c.fetch(false); len(docs) != 0 {
		t.Fatal("acknowledged files came again")
	}

	// The filing password reaches the subject principal and checks out over SOAP.
	var password string
	for _, m := range e.sim.Inbox(zhangsan.mobile) {
		if m.Kind == SMSPassword {
			rec, _ := e.sim.Lookup(subj.String())
			password = rec.Password
			if !strings.Contains(m.Text, password) || !strings.Contains(m.Text, subj.String()) {
				t.Errorf("password SMS %q", m.Text)
			}
		}
	}
	if password == "" {
		t.Fatal("no filing password sent")
	}
	ctx := context.Background()
	if v, err := c.c.VerifyBamm(ctx, wz.String(), password); err != nil || !v.Valid {
		t.Errorf("verifybamm with the password: %+v %v", v, err)
	}
	if v, err := c.c.VerifyBamm(ctx, subj.String(), md5hex(password)); err != nil || !v.Valid {
		t.Errorf("verifybamm with the MD5: %+v %v", v, err)
	}
	if v, err := c.c.VerifyBamm(ctx, subj.String(), "wrong"); err != nil || v.Valid {
		t.Errorf("verifybamm with a wrong password: %+v %v", v, err)
	}
	st, err := c.c.QueryBeianStatus(ctx, miit.QueryByDomain, "zhangsan-notes.cn")
	if err != nil || !st.Filed || st.SiteNumber != wz.String() || st.SubjectNumber != subj.String() || st.SiteName != "张三的读书笔记" {
		t.Errorf("status by domain: %+v %v", st, err)
	}
	st, err = c.c.QueryBeianStatus(ctx, miit.QueryByResidentID, zhangsan.id)
	if err != nil || !st.Filed || st.SubjectNumber != subj.String() {
		t.Errorf("status by ID: %+v %v", st, err)
	}
	st, err = c.c.QueryBeianStatus(ctx, miit.QueryByDomain, "not-filed.cn")
	if err != nil || st.Filed {
		t.Errorf("status of an unfiled domain: %+v %v", st, err)
	}
}

// TestSMSRouting checks the routing table of spec §4.4.
func TestSMSRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)

	// Same person in charge of subject and site: one code.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(2001, wangwu, site{name: "王五的摄影集", domains: []string{"wangwu-photo.cn"}, principal: wangwu})))
	if f := e.filing("2001"); len(f.Mobiles) != 1 || len(e.sim.SentCodes(wangwu.mobile)) != 1 {
		t.Fatalf("same mobile: %v codes", f.Mobiles)
	}
	// A company with two sites and three people: three codes; one person for two sites
	// still gets one.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, company(2002, "北京示例科技有限公司", "91110105MA00ABCD1X", zhaoliu,
		site{name: "示例科技官网", domains: []string{"example-tech.cn"}, principal: lisi},
		site{name: "示例科技商城", domains: []string{"example-shop.cn"}, principal: lisi},
		site{name: "示例科技博客", domains: []string{"example-blog.cn"}, principal: zhangsan})))
	f := e.filing("2002")
	slices.Sort(f.Mobiles)
	if want := []string{zhangsan.mobile, lisi.mobile, zhaoliu.mobile}; !slices.Equal(f.Mobiles, sorted(want)) {
		t.Fatalf("company filing codes to %v, want %v", f.Mobiles, want)
	}

	// Approve the first, then the later operations route as the table says.
	e.approve("2001", wangwu)
	rec, _ := e.sim.Lookup("wangwu-photo.cn")
	c.fetch(false)

	// 新增网站: the new site's principal only.
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{XZWZ: &miit.XZWZ{Xzxx: []miit.XZWZXzxx{{
		ZtXx: miit.XZWZXzxxZtXx{Ztbah: rec.Number},
		WzXx: []miit.XZWZXzxxWzXx{xzwzSite(site{name: "王五的游记", domains: []string{"wangwu-travel.cn"}, principal: zhangsan})},
	}}}}))
	if f := e.filing(rec.Number); !slices.Equal(f.Mobiles, []string{zhangsan.mobile}) {
		t.Fatalf("new site codes to %v", f.Mobiles)
	}
	e.approve(rec.Number, zhangsan)

	// 取消接入: no SMS at all, straight to review.
	rec, _ = e.sim.Lookup("wangwu-photo.cn")
	jrid := rec.Services[0].Access[0].Jrid
	before := len(e.sim.Inbox(""))
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 2, Jlid: jrid, Zxly: 2}}}}))
	f = e.filing(itoa(jrid))
	if f.Operation != OpCancelAccess || f.State != StateReview || len(f.Mobiles) != 0 || len(e.sim.Inbox("")) != before {
		t.Fatalf("cancel access: %+v, %d new SMS", f, len(e.sim.Inbox(""))-before)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSMSTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(3001, zhangsan, site{name: "张三的小站", domains: []string{"zs-site.cn"}, principal: zhangsan})))
	e.clock.Advance(SMSWindow - time.Second)
	if got := e.filing("3001"); got.State != StateSMS {
		t.Fatalf("returned before the window closed: %s", got.State)
	}
	e.clock.Advance(2 * time.Second)
	docs := c.fetch(false)
	j := resultFor(t, docs, OpNewFiling, "3001")
	if j.Jgxx[0].Jgdm != int64(ResultSMSTimeout) || !strings.Contains(j.Jgxx[0].Dmms, "超时") {
		t.Fatalf("timeout result %+v", j)
	}
	f := e.filing("3001")
	if f.State != StateReturned || !f.DecidedAt.Equal(start.Add(SMSWindow)) {
		t.Fatalf("after the window: %+v", f)
	}
	// A late code does nothing.
	res, _ := e.sim.Verify(zhangsan.mobile, e.sim.SentCodes(zhangsan.mobile)[0].Code, zhangsan.id[12:])
	if res.Outcome != VerifyUnknown {
		t.Fatalf("late verification: %+v", res)
	}
	// The domain is free again: the same filing can be submitted anew.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(3002, zhangsan, site{name: "张三的小站", domains: []string{"zs-site.cn"}, principal: zhangsan})))
	if f := e.filing("3002"); f.State != StateSMS {
		t.Fatalf("resubmission: %+v", f)
	}
}

func TestSixthWrongCodeReturns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(4001, zhangsan, site{name: "张三的笔记", domains: []string{"zs-notes.cn"}, principal: zhangsan})))
	code := e.sim.SentCodes(zhangsan.mobile)[0].Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= SMSMaxWrong; i++ {
		id := zhangsan.id[12:]
		if i == 3 {
			id, wrong = "123456", code // right code, wrong ID: still wrong
		}
		res, err := e.sim.Verify(zhangsan.mobile, wrong, id)
		if err != nil || res.Outcome != VerifyWrong || res.Remaining != SMSMaxWrong+1-i {
			t.Fatalf("wrong entry %d: %+v %v", i, res, err)
		}
		if i == 3 {
			wrong = "000000"
			if code == wrong {
				wrong = "111111"
			}
		}
	}
	if f := e.filing("4001"); f.State != StateSMS {
		t.Fatalf("returned after %d wrong entries", SMSMaxWrong)
	}
	// The sixth, through the page.
	status, body := postVerifyForm(t, e, "verify", zhangsan.mobile, wrong, zhangsan.id[12:])
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `data-outcome="returned"`) {
		t.Fatalf("sixth wrong entry: %d %s", status, body)
	}
	j := resultFor(t, c.fetch(false), OpNewFiling, "4001")
	if j.Jgxx[0].Jgdm != int64(ResultSMSTooManyErrors) {
		t.Fatalf("result %+v", j)
	}
}

func TestWrongStreakResetsOnSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(4101, zhangsan, site{name: "张三的相册", domains: []string{"zs-album.cn"}, principal: lisi})))
	for range SMSMaxWrong {
		e.sim.Verify(zhangsan.mobile, "999999x", zhangsan.id[12:])
	}
	e.verifyAll(e.filing("4101"), zhangsan)
	for i := range SMSMaxWrong {
		if res, _ := e.sim.Verify(lisi.mobile, "999999x", lisi.id[12:]); res.Outcome != VerifyWrong {
			t.Fatalf("wrong entry %d after a success: %+v", i+1, res)
		}
	}
	e.verifyAll(e.filing("4101"), lisi)
	if f := e.filing("4101"); f.State != StateReview {
		t.Fatalf("state %s", f.State)
	}
}

func TestResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(5001, zhangsan, site{name: "张三的书房", domains: []string{"zs-study.cn"}, principal: zhangsan})))
	first := e.sim.SentCodes(zhangsan.mobile)[0].Code
	e.clock.Advance(time.Hour)
	status, body := postVerifyForm(t, e, "resend", zhangsan.mobile, "", "")
	if status != http.StatusOK || !strings.Contains(body, "重新发送") {
		t.Fatalf("resend through the page: %d", status)
	}
	if err := e.sim.Resend(zhangsan.mobile); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Resend(zhangsan.mobile); err != ErrResendLimit {
		t.Fatalf("third resend: %v", err)
	}
	codes := e.sim.SentCodes(zhangsan.mobile)
	if len(codes) != 3 || codes[0].SentAt.Before(codes[2].SentAt) {
		t.Fatalf("codes newest first: %+v", codes)
	}
	if err := e.sim.Resend(lisi.mobile); err != ErrNoPendingCode {
		t.Fatalf("resend to a mobile without filing: %v", err)
	}
	if codes[0].Code != first {
		if res, _ := e.sim.Verify(zhangsan.mobile, first, zhangsan.id[12:]); res.Outcome != VerifyWrong {
			t.Fatalf("the replaced code still works: %+v", res)
		}
	}
	if res, _ := e.sim.Verify(zhangsan.mobile, codes[0].Code, zhangsan.id[12:]); res.Outcome != VerifyOK || !res.Complete {
		t.Fatalf("the newest code: %+v", res)
	}
	// Resending does not extend the window.
	if f := e.filing("5001"); !f.SMSDeadline.Equal(start.Add(SMSWindow)) {
		t.Errorf("deadline moved to %v", f.SMSDeadline)
	}
}

func TestDomainVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(6001, zhangsan, site{name: "张三的实验室", domains: []string{"zhangsan.io"}, principal: zhangsan})))
	j := resultFor(t, c.fetch(false), OpNewFiling, "6001")
	if j.Jgxx[0].Jgdm != int64(ResultDomainCheckFailed) || !strings.Contains(j.Jgxx[0].Dmms, ".io") {
		t.Fatalf("result %+v", j)
	}
	if len(e.sim.SentCodes(zhangsan.mobile)) != 0 {
		t.Fatal("codes sent for a filing that failed domain verification")
	}
	// Chinese TLDs pass, as Unicode or Punycode.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(6002, zhangsan, site{name: "张三的中文站", domains: []string{"xn--fsqu00a.xn--fiqs8s"}, principal: zhangsan})))
	if f := e.filing("6002"); f.State != StateSMS || f.Sites[0].Domains[0] != "例子.中国" {
		t.Fatalf("IDN filing: %+v", f)
	}
}

func TestPolicyRejection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(7001, zhangsan, site{name: "张三博彩资讯", domains: []string{"zs-news.cn"}, principal: zhangsan})))
	e.verifyAll(e.filing("7001"), zhangsan)
	c.fetch(false) // 1101
	e.advanceWorkdays(DefaultReviewWorkdays)
	docs := c.fetch(false)
	j := resultFor(t, docs, OpNewFiling, "7001")
	if j.Jgxx[0].Jgdm != int64(ResultRejected) || !strings.Contains(j.Jgxx[0].Dmms, "博彩") {
		t.Fatalf("result %+v", j)
	}
	var op string
	for _, d := range docs {
		if d.ICP.BAJG != nil && d.ICP.BAJG.GJSHS != nil {
			g := d.ICP.BAJG.GJSHS.Gjsh[0]
			if g.Shjg != 0 {
				t.Errorf("Shjg %d", g.Shjg)
			}
			op = g.Shyj
		}
	}
	if !strings.Contains(op, "敏感词") {
		t.Fatalf("opinion %q", op)
	}
	if len(records(docs)) != 0 {
		t.Fatal("a rejected filing produced record data")
	}
	// Individuals may not name a site like a company.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(7002, lisi, site{name: "李四科技公司官网", domains: []string{"ls-corp.cn"}, principal: lisi})))
	e.verifyAll(e.filing("7002"), lisi)
	if err := e.sim.Decide(e.filing("7002").ID, false, "请修改网站名称"); err != nil {
		t.Fatal(err)
	}
	if f := e.filing("7002"); f.State != StateRejected || f.Opinion != "请修改网站名称" {
		t.Fatalf("decided: %+v", f)
	}
}

func TestRulesPolicy(t *testing.T) {
	t.Parallel()
	rules, err := ParseRules([]byte(`{"rules":[
		{"when":{"nameContains":"论坛"},"approve":false,"opinion":"需提供前置审批","after":1},
		{"when":{"domainSuffix":".xyz"},"approve":true,"after":10},
		{"when":{"operation":"cancel_access"},"approve":true,"after":-1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Policy = rules.Policy() })
	c := e.conn(DefaultISP)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID,
		individual(7101, zhangsan, site{name: "张三论坛", domains: []string{"zs-bbs.cn"}, principal: zhangsan}),
		individual(7102, lisi, site{name: "李四的站", domains: []string{"lisi.xyz"}, principal: lisi})))
	e.verifyAll(e.filing("7101"), zhangsan)
	e.verifyAll(e.filing("7102"), lisi)
	if f := e.filing("7101"); !f.ReviewDue.Equal(e.sim.addWorkdays(start, 1)) {
		t.Errorf("rule 1 review due %v", f.ReviewDue)
	}
	if f := e.filing("7102"); !f.ReviewDue.Equal(e.sim.addWorkdays(start, 10)) {
		t.Errorf("rule 2 review due %v", f.ReviewDue)
	}
	e.advanceWorkdays(1)
	if f := e.filing("7101"); f.State != StateRejected || f.Opinion != "需提供前置审批" {
		t.Fatalf("rule 1: %+v", f)
	}

	for _, bad := range []string{`{"rules":[{"when":{"operation":"nope"},"approve":true}]}`,
		`{"rules":[{"when":{},"approve":false}]}`, `{"rulez":[]}`, `{"rules":[{"when":{},"approve":true,"after":21}]}`} {
		if _, err := ParseRules([]byte(bad)); err == nil {
			t.Errorf("ParseRules accepted %s", bad)
		}
	}
}

func TestImmediateReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.ReviewWorkdays = Immediately })
	c := e.conn(DefaultISP)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(7201, zhangsan, site{name: "张三的日记", domains: []string{"zs-diary.cn"}, principal: zhangsan})))
	e.verifyAll(e.filing("7201"), zhangsan)
	if f := e.filing("7201"); f.State != StateApproved {
		t.Fatalf("immediate review: %s", f.State)
	}
}
