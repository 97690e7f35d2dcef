package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// seedResource gives accountID a filing resource: by default a mainland
// ECS prepaid for 12 months with two public IPs; mutate changes it.
func (ts *testServer) seedResource(accountID, externalID string, mutate func(r *beian.Resource)) *beian.Resource {
	ts.t.Helper()
	r := &beian.Resource{ExternalID: externalID, AccountID: accountID, Kind: beian.ResourceECS, Name: externalID, Region: "cn-north-4",
		Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: ts.Clock.Now().AddDate(1, 0, 0),
		PublicIPs: []netip.Addr{netip.MustParseAddr("121.36.10.21"), netip.MustParseAddr("121.36.10.22")}, FilingsMax: 5}
	if mutate != nil {
		mutate(r)
	}
	ts.update(func(tx beian.Tx) error { _, err := tx.PutResource(context.Background(), r); return err })
	return r
}

// seedRecord files snap's subject and websites, with live access here,
// under accountID and binds the account to the subject.
func (ts *testServer) seedRecord(accountID string, snap beian.Snapshot, serial string) *beian.Record {
	ts.t.Helper()
	ctx := context.Background()
	prov, _ := beian.ProvinceByCode(snap.Subject.Province)
	num := beian.ICPNumber{Province: prov, Serial: serial}
	var rec *beian.Record
	ts.update(func(tx beian.Tx) error {
		now := tx.Now()
		s := &beian.RecordSubject{AccountID: accountID, Subject: snap.Subject, Number: num, Status: beian.RecordFiled, FiledAt: now}
		if err := tx.CreateRecordSubject(ctx, s); err != nil {
			return err
		}
		for i := range snap.Websites {
			site := snap.Websites[i]
			svc := &beian.RecordService{SubjectID: s.ID, Kind: beian.KindWebsite, Website: &site, Number: num.Service(i+1, beian.KindWebsite),
				Status: beian.RecordFiled, FiledAt: now,
				Access: []beian.AccessRecord{{Provider: "ours", Ours: true, IPs: site.IPs, Status: beian.AccessActive, CreatedAt: now}}}
			if err := tx.CreateRecordService(ctx, svc); err != nil {
				return err
			}
		}
		a, err := tx.FindAccount(ctx, accountID)
		if err != nil {
			return err
		}
		a.SubjectCertificate = snap.Subject.CertificateNumber
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		rec, err = tx.FindRecord(ctx, s.ID)
		return err
	})
	return rec
}

// verifyForm is the check's form for a fixture subject.
func verifyFormOf(snap beian.Snapshot, domain, resource string) url.Values {
	s := snap.Subject
	return url.Values{"province": {s.Province}, "nature": {string(s.Nature)}, "subject_name": {s.Name},
		"certificate_type": {string(s.CertificateType)}, "certificate_number": {s.CertificateNumber},
		"service_kind": {"website"}, "service_name": {domain}, "resource": {resource}}
}

// english switches a client to English pages.
func (ts *testServer) english(c *http.Client) {
	u, _ := url.Parse(ts.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: "en", Path: "/"}})
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestVerifyPage(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("acme")
		good := ts.seedResource(acct.ID, "ecs-annual", nil)
		payg := ts.seedResource(acct.ID, "ecs-payg", func(r *beian.Resource) { r.Billing, r.TermMonths = beian.BillingOnDemand, 0 })
		c := ts.client(owner)

		// Both resources are listed; the pay-as-you-go one is greyed out
		// with the reason and the fix.
		code, body := ts.get(c, "/portal/verify")
		if code != http.StatusOK {
			t.Fatalf("GET /portal/verify = %d", code)
		}
		mustContain(t, body, "ecs-annual", "ecs-payg", "按需计费的资源暂不支持备案", "或使用其他资源",
			`value="`+payg.ID+`" disabled`, `value="`+good.ID+`" checked`)

		// A fresh subject and domain: first filing, explained, with the
		// confirmation before the order starts.
		snap := fixture.Enterprise("11", 1)
		form := verifyFormOf(snap, "Qingyun-Data1.CN", good.ID)
		code, body, _ = ts.post(c, "/portal/verify", form)
		if code != http.StatusOK {
			t.Fatalf("POST /portal/verify = %d\n%s", code, body)
		}
		mustContain(t, body, "主体和域名均未备案 → 首次备案", "主体：未备案", "域名 qingyun-data1.cn：未备案", "/portal/verify/start", `name="confirm"`,
			"查询来源：本接入商的备案记录（未连接工信部备案系统）")

		code, body, _ = ts.post(c, "/portal/verify/start", form)
		if code != http.StatusOK || !strings.Contains(body, "请勾选确认后再开始备案") {
			t.Fatalf("start without confirmation = %d", code)
		}
		form.Set("confirm", "1")
		code, _, loc := ts.post(c, "/portal/verify/start", form)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/orders/") {
			t.Fatalf("start = %d → %q", code, loc)
		}
		id := strings.TrimPrefix(loc, "/portal/orders/")
		o, err := ts.Workflow.Order(context.Background(), owner, id)
		if err != nil || o.Type != beian.FirstFiling || o.Snapshot.Websites[0].Domains[0] != "qingyun-data1.cn" {
			t.Fatalf("order %+v %v", o, err)
		}
		b, err := ts.Workflow.OrderBasis(context.Background(), owner, id)
		if err != nil || b.ResourceID != good.ID {
			t.Fatalf("basis %+v %v", b, err)
		}

		// A second start is refused with the reason and the way out.
		code, body, _ = ts.post(c, "/portal/verify", verifyFormOf(snap, "qingyun-docs1.cn", good.ID))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("busy subject = %d", code)
		}
		mustContain(t, body, "此证件存在进行中的订单", id, "放弃")

		// Wrong input is shown next to its field.
		bad := verifyFormOf(snap, "https://qingyun.cn/x", good.ID)
		bad.Set("certificate_number", snap.Subject.CertificateNumber[:17]+"0")
		if snap.Subject.CertificateNumber[17] == '0' {
			bad.Set("certificate_number", snap.Subject.CertificateNumber[:17]+"1")
		}
		code, body, _ = ts.post(c, "/portal/verify", bad)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad input = %d", code)
		}
		mustContain(t, body, "证件号码校验位不正确", "不要带 http://", "field-invalid")

		// English.
		ts.english(c)
		_, body, _ = ts.post(c, "/portal/verify", verifyFormOf(fixture.Enterprise("11", 2), "fresh-two.cn", payg.ID))
		mustContain(t, body, "Check the filing type", "Pay-as-you-go resources cannot be used for filing", "This account files the subject")
	})
}

func TestVerifyOneAccountOneSubject(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("acme")
		other, _ := ts.account("globex")
		res := ts.seedResource(acct.ID, "ecs-1", nil)
		mine := fixture.Enterprise("11", 1)
		ts.seedRecord(acct.ID, mine, "2023000101")
		theirs := fixture.Enterprise("11", 2)
		ts.seedRecord(other.ID, theirs, "2023000102")
		c := ts.client(owner)

		// This account files one subject ...
		code, body, _ := ts.post(c, "/portal/verify", verifyFormOf(fixture.Enterprise("11", 3), "brand-new.cn", res.ID))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("other subject = %d", code)
		}
		mustContain(t, body, "一个账号只能备案一个主体", mine.Subject.Name)
		// ... and a subject is filed under one account.
		_, body, _ = ts.post(c, "/portal/verify", verifyFormOf(theirs, "brand-new.cn", res.ID))
		mustContain(t, body, "该证件已在账号「globex」下使用", "转移备案")
		// Its own subject adds a website here.
		code, body, _ = ts.post(c, "/portal/verify", verifyFormOf(mine, "brand-new.cn", res.ID))
		if code != http.StatusOK {
			t.Fatalf("own subject = %d", code)
		}
		mustContain(t, body, "新增网站（原备案在本接入商）")

		// Prefilled from the record when started from 我的备案.
		code, body = ts.get(c, "/portal/verify?kind=app&record="+recordIDOf(t, ts, owner))
		if code != http.StatusOK {
			t.Fatalf("prefilled = %d", code)
		}
		mustContain(t, body, `value="`+mine.Subject.CertificateNumber+`"`, `value="app" checked`)

		// Read-only sub-users cannot start filings.
		reader := ts.user("acme-reader", beian.RoleSubUser, acct.ID, beian.PolicyBeianReadOnly)
		code, _, _ = ts.post(ts.client(reader), "/portal/verify", verifyFormOf(mine, "brand-new.cn", res.ID))
		if code != http.StatusForbidden {
			t.Errorf("reader verify = %d", code)
		}
	})
}

// recordIDOf returns the filed subject of u's account.
func recordIDOf(t *testing.T, ts *testServer, u *beian.User) string {
	t.Helper()
	page, err := ts.Workflow.MyRecords(context.Background(), u)
	if err != nil || len(page.Records) == 0 {
		t.Fatalf("records: %v", err)
	}
	return page.Records[0].Subject.ID
}

// bureauLookup plays the bureau's answers (isp_querybeianstatus) for the
// page: filed subjects and domains by key, or a failure.
type bureauLookup struct {
	subjects, domains map[string]*workflow.FilingStatus
	err               error
}

func (l *bureauLookup) DomainStatus(_ context.Context, _, domain string) (*workflow.FilingStatus, error) {
	return l.domains[domain], l.err
}

func (l *bureauLookup) SubjectStatus(_ context.Context, _ string, _ beian.Nature, _ beian.CertificateType, cert string) (*workflow.FilingStatus, error) {
	return l.subjects[cert], l.err
}

// TestVerifyPageBureau: the page explains a type detected from the
// bureau's answer and names its sources; with the bureau down it answers
// from our records with the notice, never an error page.
func TestVerifyPageBureau(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, owner := ts.account("wayne")
		res := ts.seedResource(acct.ID, "ecs-1", nil)
		snap := fixture.Enterprise("11", 6)
		lookup := &bureauLookup{
			subjects: map[string]*workflow.FilingStatus{snap.Subject.CertificateNumber: {Filed: true, SubjectNumber: "京ICP备2019000106号"}},
			domains: map[string]*workflow.FilingStatus{"qingyun-data6.cn": {Filed: true, SubjectNumber: "京ICP备2019000106号",
				ServiceNumber: "京ICP备2019000106号-1", ServiceName: "青云数据官网"}},
		}
		ts.Workflow.SetLookup(lookup)
		c := ts.client(owner)

		code, body, _ := ts.post(c, "/portal/verify", verifyFormOf(snap, "wayne-new.cn", res.ID))
		if code != http.StatusOK {
			t.Fatalf("subject filed elsewhere = %d\n%s", code, body)
		}
		mustContain(t, body, "主体：工信部备案系统显示已在其他接入商备案（京ICP备2019000106号）", "域名 wayne-new.cn：未备案",
			"主体已在其他接入商备案，域名未备案 → 新增网站（原备案不在本接入商）", "查询来源：本接入商的备案记录和工信部备案系统（是否备案查询）",
			"/portal/verify/start")
		_, body, _ = ts.post(c, "/portal/verify", verifyFormOf(snap, "qingyun-data6.cn", res.ID))
		mustContain(t, body, "域名 qingyun-data6.cn：工信部备案系统显示已在其他接入商备案（京ICP备2019000106号-1）",
			"新增接入（原备案不在本接入商）")

		// The bureau cannot be asked: our records answer, with the notice.
		lookup.err = errors.New("connection refused")
		code, body, _ = ts.post(c, "/portal/verify", verifyFormOf(snap, "wayne-new.cn", res.ID))
		if code != http.StatusOK {
			t.Fatalf("bureau down = %d\n%s", code, body)
		}
		mustContain(t, body, "主体和域名均未备案 → 首次备案", "暂时无法查询工信部备案系统，本次结果仅依据本接入商的备案记录",
			"查询来源：仅本接入商的备案记录（未能查询工信部备案系统）")

		ts.english(c)
		_, body, _ = ts.post(c, "/portal/verify", verifyFormOf(snap, "wayne-new.cn", res.ID))
		mustContain(t, body, "The bureau&#39;s filing system cannot be queried right now", "Looked up in: our own records only")
		lookup.err = nil
		_, body, _ = ts.post(c, "/portal/verify", verifyFormOf(snap, "wayne-new.cn", res.ID))
		mustContain(t, body, "the bureau&#39;s filing system shows it filed through another provider", "Looked up in: our own records and the bureau&#39;s filing system")
	})
}
