package workflow

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/miit/bureausim"
)

// testMapper returns a mapper over the default code tables with IDs from a
// counter, the way a store would allocate them.
func testMapper() *mapper {
	next := int64(1000)
	ids := map[string]int64{}
	return &mapper{
		conn:  &beian.BureauConnection{ID: "11", Province: "11", ISPID: 110000000211},
		codes: defaultCodeSet(),
		id: func(kind beian.ObjectKind, ref string) (int64, error) {
			k := string(kind) + "|" + ref
			if id, ok := ids[k]; ok {
				return id, nil
			}
			next++
			ids[k] = next
			return next, nil
		},
		known: func(kind beian.ObjectKind, recordID, ref string) (int64, error) {
			if kind == beian.ObjectDomain {
				return 700001, nil // every filed domain has a Ymid
			}
			return 0, nil
		},
		docs: map[string]string{},
	}
}

// xmllintUpload validates upload documents against the official GBK XSD.
func xmllintUpload(t *testing.T, docs map[string][]byte) {
	t.Helper()
	if os.Getenv("BEIAN_SKIP_XMLLINT") == "1" {
		t.Log("BEIAN_SKIP_XMLLINT=1: schema check skipped")
		return
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install libxml2-utils or set BEIAN_SKIP_XMLLINT=1")
	}
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", filepath.Join("..", "miit", "testdata", "xsd", "gbk", "upload-data.xsd")}
	for name, d := range docs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, d, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, _ := exec.Command(bin, args...).CombinedOutput()
	for name := range docs {
		if !strings.Contains(string(out), filepath.Join(dir, name)+" validates") {
			t.Errorf("xmllint rejects %s:\n%s", name, out)
		}
	}
}

// filedRecord is a filed enterprise with one website and one app, with the
// bureau's IDs and numbers, as the record data leaves it.
func filedRecord(t *testing.T) *beian.Record {
	snap := fixture.Enterprise("11", 5)
	num, err := beian.ParseICPNumber("京ICP备10000001号")
	if err != nil {
		t.Fatal(err)
	}
	w := snap.Websites[0]
	app := testApp()
	return &beian.Record{
		Subject: beian.RecordSubject{ID: "subj-1", Subject: snap.Subject, Number: num, BureauID: "100100", Status: beian.RecordFiled},
		Services: []beian.RecordService{
			{ID: "svc-1", SubjectID: "subj-1", Kind: beian.KindWebsite, Website: &w, Number: num.Service(1, beian.KindWebsite), BureauID: "100101",
				Status: beian.RecordFiled, Access: []beian.AccessRecord{{ID: "acc-1", BureauID: "100103", Ours: true, IPs: w.IPs, Status: beian.AccessActive}}},
			{ID: "svc-2", SubjectID: "subj-1", Kind: beian.KindApp, App: &app, Number: num.Service(2, beian.KindApp), BureauID: "100201",
				Status: beian.RecordFiled, Access: []beian.AccessRecord{{ID: "acc-2", BureauID: "100203", Ours: true, IPs: app.IPs, Status: beian.AccessActive}}},
		},
	}
}

func testApp() beian.App {
	p := fixture.Person("赵敏", fixture.ResidentID("110101", beian.NewDate(1988, 1, 2), 31), "13700000001", "13600000001", "zhaomin@example.cn")
	return beian.App{ID: "app-1", Name: "青云记账", Domains: []string{"api.qingyun-app.cn"},
		Releases: []beian.AppRelease{
			{Platform: beian.PlatformAndroid, PackageName: "cn.qingyun.ledger", SignatureMD5: "7f2c0e9a4b1d3c5e6f708192a3b4c5d6", PublicKey: "MIIBIjANBgkq"},
			{Platform: beian.PlatformIOS, PackageName: "cn.qingyun.ledger", SignatureMD5: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"},
		},
		IPs: []beian.IPRange{fixture.IP("121.36.10.30"), beian.SingleIP(netip.MustParseAddr("2001:db8::1"))}, ServiceContent: []string{"生活缴费"},
		Languages: []string{"zh-CN"}, Principal: p}
}

// TestMappingEveryOrderType maps an order of every type that goes to the
// bureau and checks the record, then validates all of them with xmllint.
func TestMappingEveryOrderType(t *testing.T) {
	rec := filedRecord(t)
	docs := map[string][]byte{}
	check := func(name string, o *beian.Order, rec *beian.Record, password string, want beian.UploadKind, czlx int) []uploadOp {
		t.Helper()
		m := testMapper()
		if o.Type == beian.Migrate {
			m.migrationTarget = filedRecord(t)
		}
		ops, err := m.mapValidated(o, rec, password)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ops[0].Kind != want || ops[0].Czlx != czlx || ops[0].Bs == "" {
			t.Fatalf("%s: first record %s czlx %d bs %q", name, ops[0].Kind, ops[0].Czlx, ops[0].Bs)
		}
		doc, err := miit.EncodeUpload(uploadDoc(m.conn.ISPID, ops))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs[name+".xml"] = doc
		return ops
	}

	first := fixture.Enterprise("11", 1)
	first.Apps = []beian.App{testApp()}
	ops := check("first_filing", &beian.Order{ID: "o1", Type: beian.FirstFiling, Snapshot: first}, nil, "", beian.UploadXZBA, 1)
	b := ops[0].Record.(*miit.XZBABaxx)
	if *b.ZtXx.Dwxz != 4 || b.ZtXx.Zj.Zjlx != 1 || b.ZtXx.Txdz.Shengid != 110000 || b.ZtXx.Txdz.Shiid != 110100 || b.ZtXx.Bbfs != 1 {
		t.Errorf("subject codes: %+v", b.ZtXx)
	}
	if ops[0].Bs != fmt.Sprint(b.ZtXx.ISPZtid) {
		t.Errorf("Bs %s is not IspZtid %d", ops[0].Bs, b.ZtXx.ISPZtid)
	}
	if len(b.WzXx) != 2 || b.WzXx[0].Fwnr.FwnrID[0] != 2 || b.WzXx[0].Yylb.YylbID[0] != 1 || b.WzXx[0].Syurl != "http://qingyun-data1.cn" {
		t.Errorf("website: %+v", b.WzXx[0])
	}
	// The APP convention: the simulator reads the remark back.
	appSite := b.WzXx[1]
	got, err := bureausim.ParseAppRemark(appSite.WzBz)
	if err != nil || got == nil || len(got.Platforms) != 2 || got.Platforms[0].Package != "cn.qingyun.ledger" || got.Platforms[0].PublicKey == "" {
		t.Errorf("APP remark %q: %+v %v", appSite.WzBz, got, err)
	}
	if appSite.Fwnr.FwnrID[0] != 18 { // 生活缴费 has no website counterpart: 其他
		t.Errorf("APP content %v", appSite.Fwnr.FwnrID)
	}
	// IPv6 stays behind: V3.0 carries IPv4 only.
	if ips := appSite.JrXx[0].IPXx; len(ips) != 1 || ips[0].Qsip.String() != "121.36.10.30" {
		t.Errorf("APP addresses %+v", ips)
	}

	ind := fixture.Individual("44", 2)
	check("first_filing_individual", &beian.Order{ID: "o1b", Type: beian.FirstFiling, Snapshot: ind}, nil, "", beian.UploadXZBA, 1)

	site := fixture.Enterprise("11", 6).Websites[0]
	site.Domains = []string{"qingyun-new.cn"}
	ops = check("new_website", &beian.Order{ID: "o2", Type: beian.NewWebsite, Snapshot: beian.Snapshot{Websites: []beian.Website{site}}},
		rec, "Ab3dE5gH", beian.UploadXZWZ, 2)
	x := ops[0].Record.(*miit.XZWZXzxx)
	if x.ZtXx.Ztbah != "京ICP备10000001号" || ops[0].Bs != x.ZtXx.Ztbah || x.ICPmm != md5Password("Ab3dE5gH") || len(x.ICPmm) != 32 {
		t.Errorf("XZWZ subject %+v bs %q mm %q", x.ZtXx, ops[0].Bs, x.ICPmm)
	}
	check("new_app", &beian.Order{ID: "o3", Type: beian.NewApp, Snapshot: beian.Snapshot{Apps: []beian.App{testApp()}}}, rec, "", beian.UploadXZWZ, 2)

	acc := rec.Services[0].Website
	accW := *acc
	accW.RecordID = "svc-1"
	ops = check("new_access", &beian.Order{ID: "o4", Type: beian.NewAccess, Snapshot: beian.Snapshot{Websites: []beian.Website{accW}}},
		rec, "Ab3dE5gH", beian.UploadXZJR, 3)
	if j := ops[0].Record.(*miit.XZJRXzxx); j.WzXx.Wzbah != "京ICP备10000001号-1" || ops[0].Bs != j.WzXx.Wzbah {
		t.Errorf("XZJR target %+v", j.WzXx)
	}
	// New access to a site filed elsewhere: named by the number the bureau reports.
	elsewhere := accW
	elsewhere.RecordID, elsewhere.Domains = "", []string{"elsewhere.cn"}
	m := testMapper()
	m.siteNumbers = map[string]string{"elsewhere.cn": "京ICP备20000001号-3"}
	if ops, err := m.mapValidated(&beian.Order{ID: "o4b", Type: beian.NewAccess, Snapshot: beian.Snapshot{Websites: []beian.Website{elsewhere}}}, nil, "pw"); err != nil ||
		ops[0].Bs != "京ICP备20000001号-3" {
		t.Errorf("new access elsewhere: %+v %v", ops, err)
	}
	// …and never without the filing password.
	if _, err := testMapper().mapValidated(&beian.Order{ID: "o4c", Type: beian.NewAccess, Snapshot: beian.Snapshot{Websites: []beian.Website{accW}}}, rec, ""); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("new access without password: %v", err)
	}

	changed := fixture.Enterprise("11", 5)
	changed.Subject.Name = "北京青云数据技术有限公司"
	cw := *rec.Services[0].Website
	cw.RecordID, cw.Domains = "svc-1", append([]string{"qingyun-data5.cn"}, "qingyun-extra.cn")
	changed.Websites = []beian.Website{cw}
	ops = check("change_both", &beian.Order{ID: "o5", Type: beian.ChangeBoth, Snapshot: changed, RecordSubjectID: "subj-1"}, rec, "", beian.UploadBGBA, 4)
	g := ops[0].Record.(*miit.BGBABgxx)
	if g.ZtXx.Ztid != 100100 || g.ZtXx.Dwmc != changed.Subject.Name || len(g.WzXx) != 1 || g.WzXx[0].Wzid != 100101 || g.WzXx[0].JrXx[0].Jrid != 100103 {
		t.Errorf("BGBA %+v", g)
	}
	if ys := g.WzXx[0].YmXx; len(ys) != 2 || ys[0].Ymid == nil {
		t.Errorf("kept domains carry their Ymid: %+v", ys)
	}
	ops = check("change_subject", &beian.Order{ID: "o6", Type: beian.ChangeSubject, Snapshot: changed, RecordSubjectID: "subj-1"}, rec, "", beian.UploadBGBA, 4)
	if g := ops[0].Record.(*miit.BGBABgxx); len(g.WzXx) != 2 {
		t.Errorf("a subject change lists the services with our access: %d", len(g.WzXx))
	}
	check("change_service", &beian.Order{ID: "o7", Type: beian.ChangeService, Snapshot: changed, RecordSubjectID: "subj-1"}, rec, "", beian.UploadBGBA, 4)

	ops = check("cancel_subject", &beian.Order{ID: "o8", Type: beian.CancelSubject, Snapshot: beian.Snapshot{CancelReason: "subject_cancelled"}, RecordSubjectID: "subj-1"},
		rec, "Ab3dE5gH", beian.UploadZXBA, 6)
	if z := ops[0].Record.(*miit.ZXBAZxXx); z.Zxlb != 0 || z.Jlid != 100100 || z.Zxly != 3 || z.ICPmm == "" {
		t.Errorf("cancel subject %+v", z)
	}
	ops = check("cancel_service", &beian.Order{ID: "o9", Type: beian.CancelService, Snapshot: beian.Snapshot{CancelReason: "网站改版，不再需要"},
		ServiceIDs: []string{"svc-1", "svc-2"}, RecordSubjectID: "subj-1"}, rec, "", beian.UploadZXBA, 7)
	if len(ops) != 2 || ops[0].Record.(*miit.ZXBAZxXx).Zxly != 6 || ops[0].Record.(*miit.ZXBAZxXx).Zxlybz == "" {
		t.Errorf("cancel services %+v", ops)
	}
	ops = check("cancel_access", &beian.Order{ID: "o10", Type: beian.CancelAccess, ServiceIDs: []string{"svc-1"}, RecordSubjectID: "subj-1"},
		rec, "", beian.UploadZXBA, 5)
	if z := ops[0].Record.(*miit.ZXBAZxXx); z.Zxlb != 2 || z.Jlid != 100103 || ops[0].Bs != "100103" {
		t.Errorf("cancel access %+v", z)
	}
	mig := fixture.Enterprise("11", 7)
	mig.Websites = []beian.Website{*rec.Services[0].Website}
	ops = check("migrate", &beian.Order{ID: "o11", Type: beian.Migrate, Snapshot: mig, ServiceIDs: []string{"svc-1"}, RecordSubjectID: "subj-1"},
		rec, "", beian.UploadZXBA, 7)
	if len(ops) != 2 || ops[0].Step != 1 || ops[1].Kind != beian.UploadXZWZ || ops[1].Step != 2 {
		t.Errorf("migration steps %+v", ops)
	}
	xmllintUpload(t, docs)
}

func TestMappingErrors(t *testing.T) {
	v6 := fixture.Enterprise("11", 1)
	v6.Websites[0].IPs = []beian.IPRange{beian.SingleIP(netip.MustParseAddr("2001:db8::10"))}
	_, err := testMapper().mapValidated(&beian.Order{ID: "a", Type: beian.FirstFiling, Snapshot: v6}, nil, "")
	if e, ok := beian.AsError(err); !ok || e.Key != "bureau.mapping.ipv4_required" || e.Field != "websites[0].ips" {
		t.Errorf("IPv6-only site: %v", err)
	}
	bad := fixture.Enterprise("11", 1)
	bad.Websites[0].ServiceContent = []string{"网络赌场"}
	_, err = testMapper().mapValidated(&beian.Order{ID: "b", Type: beian.FirstFiling, Snapshot: bad}, nil, "")
	if e, ok := beian.AsError(err); !ok || e.Key != "bureau.mapping.code" || e.Field != "websites[0].service_content" {
		t.Errorf("unknown content: %v", err)
	}
	long := fixture.Enterprise("11", 1)
	long.Subject.Name = strings.Repeat("长", 300) // Dwmc holds 255 characters
	_, err = testMapper().mapValidated(&beian.Order{ID: "c", Type: beian.FirstFiling, Snapshot: long}, nil, "")
	if e, ok := beian.AsError(err); !ok || e.Key != "bureau.mapping.invalid" {
		t.Errorf("schema violation: %v", err)
	}
	_, err = testMapper().mapValidated(&beian.Order{ID: "d", Type: beian.Transfer}, nil, "")
	if beian.ErrorCode(err) != beian.ECONFLICT {
		t.Errorf("transfer: %v", err)
	}
	// A change of a record without the bureau's IDs cannot be sent yet.
	rec := filedRecord(t)
	rec.Subject.BureauID = ""
	_, err = testMapper().mapValidated(&beian.Order{ID: "e", Type: beian.ChangeSubject, Snapshot: fixture.Enterprise("11", 5)}, rec, "")
	if e, ok := beian.AsError(err); !ok || e.Key != "bureau.mapping.bureau_id" {
		t.Errorf("change without bureau IDs: %v", err)
	}
}

// TestSyncedCodeTablesWin: once a JCDM file brought the bureau's tables,
// its IDs are sent, not the defaults.
func TestSyncedCodeTablesWin(t *testing.T) {
	m := testMapper()
	m.codes.tables[tableNature] = []beian.CodeEntry{{ID: 40, Name: "企业", Valid: true}}
	m.codes.tables[tableCertType] = []beian.CodeEntry{{ID: 77, Name: "营业执照（统一社会信用代码）", Valid: true},
		{ID: 78, Name: "居民身份证", Valid: true}}
	ops, err := m.mapValidated(&beian.Order{ID: "o", Type: beian.FirstFiling, Snapshot: fixture.Enterprise("11", 1)}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	z := ops[0].Record.(*miit.XZBABaxx).ZtXx
	if *z.Dwxz != 40 || z.Zj.Zjlx != 77 || *z.Fzr.FzrZjlx != 78 {
		t.Errorf("synced codes not used: nature %d cert %d person %d", *z.Dwxz, z.Zj.Zjlx, *z.Fzr.FzrZjlx)
	}
	// An entry the bureau marks invalid is not sent.
	m = testMapper()
	m.codes.tables[tableNature] = []beian.CodeEntry{{ID: 40, Name: "企业", Valid: false}}
	if _, err := m.mapValidated(&beian.Order{ID: "o2", Type: beian.FirstFiling, Snapshot: fixture.Enterprise("11", 2)}, nil, ""); beian.ErrorCode(err) != beian.EINVALID {
		t.Errorf("invalid code used: %v", err)
	}
}

// TestJCDMTables reads the simulator's code tables.
func TestJCDMTables(t *testing.T) {
	j := &miit.JCDM{JcdmXx: &miit.JCDMJcdmXx{
		DwxzDms: &miit.JCDMJcdmXxDwxzDms{DwxzXx: []miit.JCDMJcdmXxDwflDmsDwflXx{{ID: 4, Mc: "企业", Sfyx: 1}, {ID: 5, Mc: "个人", Sfyx: 0}}},
		ZjlxDms: &miit.JCDMJcdmXxZjlxDms{ZjlxXx: []miit.JCDMJcdmXxZjlxDmsZjlxXx{{ID: 1, Mc: "工商营业执照", Dwflid: 4, Sfyx: 1}}},
	}}
	tables := jcdmTables(j)
	if n := tables[tableNature]; len(n) != 2 || !n[0].Valid || n[1].Valid {
		t.Errorf("natures %+v", n)
	}
	if c := tables[tableCertType]; len(c) != 1 || c[0].Parent != 4 {
		t.Errorf("certificate types %+v", c)
	}
	if _, ok := tables[tableLanguage]; ok {
		t.Error("a table the file lacks must not be replaced")
	}
}

func TestFitImage(t *testing.T) {
	small := []byte("tiny")
	if got, err := fitImage(small, 100); err != nil || string(got) != "tiny" {
		t.Errorf("small document changed: %v", err)
	}
	if _, err := fitImage(make([]byte, 200), 100); err == nil {
		t.Error("a large non-image fitted")
	}
}
