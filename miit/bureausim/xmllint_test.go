package bureausim

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian/miit"
)

// xsdDir holds MIIT's official XSDs in their published GBK form (the miit package's copy).
const xsdDir = "../testdata/xsd/gbk"

// TestDownloadsPassXmllint produces every kind of download the simulator sends and checks
// each file with the real xmllint against the official download-data.xsd (miit.Validate
// already ran on each in fetch). BEIAN_SKIP_XMLLINT=1 skips only the xmllint part, as in
// the miit package.
func TestDownloadsPassXmllint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a, b := e.conn(DefaultISP), e.conn(ispB)
	a.fetch(true)
	b.fetch(true)

	// Approved (1101, 1001, GJSHS, BASJ), with a website and an APP, by a company.
	a.mustUpload(newFilingDoc(DefaultISP.ISPID, company(1, "北京全类型测试有限公司", "91110105MA00ALL01X", zhaoliu,
		site{name: "全类型官网", domains: []string{"all-kinds.cn", "all-kinds.com.cn"}, principal: lisi},
		site{name: "全类型App", domains: []string{"api.all-kinds.cn"}, principal: lisi, remark: demoApp.Remark()})))
	e.approve("1", zhaoliu, lisi)
	a.fetch(false)
	rec, _ := e.sim.Lookup("all-kinds.cn")
	// Rejected (1002), returned (1102, 1103, 1104), refused (1xxx, 5001, 5003, 5004).
	a.mustUpload(newFilingDoc(DefaultISP.ISPID,
		individual(2, zhangsan, site{name: "张三赌博站", domains: []string{"zs-lint.cn"}, principal: zhangsan}),
		individual(3, wangwu, site{name: "王五的站", domains: []string{"ww-lint.cn"}, principal: wangwu}),
		individual(4, lisi, site{name: "李四的站", domains: []string{"ls-lint.io"}, principal: lisi}),
		individual(5, who{"重名", "13500135011", residentID("11010119900101011")}, site{name: "冲突", domains: []string{"all-kinds.cn"}, principal: lisi})))
	e.verifyAll(e.filing("2"), zhangsan)
	for range SMSMaxWrong + 1 {
		e.sim.Verify(wangwu.mobile, "bad", "bad")
	}
	bad := newFilingDoc(DefaultISP.ISPID, individual(6, zhangsan, site{name: "x", domains: []string{"x-lint.cn"}, principal: zhangsan}))
	bad.ICP.XZBA.Baxx[0].ZtXx.Dwmc = ""
	bad.Version = "V.3.0"
	doc, _ := miit.MarshalGBK(bad)
	a.seq++
	a.uploadXML(doc, a.seq)
	// Record data for both providers (B adds an access), cancellations (ZXSJ).
	b.mustUpload(icpDoc(ispB.ISPID, miit.UploadICP{XZJR: &miit.XZJR{Xzxx: []miit.XZJRXzxx{{
		WzXx: miit.XZJRXzxxWzXx{Wzbah: rec.Services[0].Number}, ISPJrid: 7,
		Wzfb: miit.XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{1}}, Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{1}},
		IPXx: []miit.XZJRXzxxIPXx{{ISPIpid: 8, Qsip: ipv4("198.51.100.1"), Zzip: ipv4("198.51.100.8")}}, ICPmm: PasswordHash(rec.Password)}}}}))
	e.approve(rec.Services[0].Number, lisi)
	a.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 1, Jlid: rec.Services[1].Wzid, Zxly: 4}}}}))
	e.approve(itoa(rec.Services[1].Wzid), lisi)
	a.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(7, who{"超时", "13500135012", residentID("11010119900101012")},
		site{name: "超时的站", domains: []string{"late-lint.cn"}, principal: lisi})))
	e.clock.Advance(SMSWindow)
	// Every feed kind.
	ip := netipAddr("203.0.113.9")
	for _, err := range []error{
		second(e.sim.RectificationNotice(rec.Number, "请整改")),
		second(e.sim.EmptyShellCheck(rec.Services[0].Number, false, "无法访问")),
		second(e.sim.AccessCheck(DefaultISP.ISPID, rec.Services[0].Number, true, "all-kinds.cn", ip)),
		second(e.sim.AccessCheck(ispB.ISPID, rec.Services[0].Number, false, "", ip)),
		second(e.sim.SubjectCheck(rec.Number, "主办单位经营异常")),
		second(e.sim.VerificationTask(rec.Number, "核实")),
		second(e.sim.UnfiledSite(DefaultISP.ISPID, "unfiled-lint.cn", ip)),
		second(e.sim.IllegalAccess(DefaultISP.ISPID, "illegal-lint.cn", ip)),
		second(e.sim.BlacklistDomain("违法网站", "black-lint.cn")),
		second(e.sim.BlacklistSubject("黑名单单位", 1, "91110000MA00BLACK1")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// IP and YM uploads get their own result files.
	v := ipv4("203.0.113.0")
	a.mustUpload(&miit.UploadData{IP: &miit.UploadIP{Qqdwid: DefaultISP.ISPID, XZBA: &miit.IPXZBA{Xzly: &miit.IPXZBAXzly{Ly: []miit.IPXZBAXzlyLy{{ISPID: 1, Qsip: v, Zzip: v + 255, Lydw: 1}}}}}})
	a.fetch(true)
	b.fetch(true)

	kinds := map[string]bool{}
	for _, d := range e.docs {
		s := string(d)
		for _, k := range []string{"<JCDM>", "<BAJG>", "<GJSHS>", "<BASJ>", "<ZXSJ>", "<HSRW>", "<HCJG>", "<Zthc>", "<Jrhc>", "<Kkwzhc>",
			"<XGTZ>", "<WBAWZLB>", "<HMDLB>", "<FFJRHMD>", "<IP>", "<Jgdm>1001<", "<Jgdm>1002<", "<Jgdm>1101<", "<Jgdm>1102<",
			"<Jgdm>1103<", "<Jgdm>1104<", "<Jgdm>1005<", "<Jgdm>5001<", "<Zxlb>1<"} {
			if strings.Contains(s, k) {
				kinds[k] = true
			}
		}
	}
	if len(kinds) != 24 {
		t.Errorf("only %d of 24 kinds produced: %v", len(kinds), kinds)
	}
	xmllint(t, "download-data.xsd", e.docs)
}

func second[T any](_ T, err error) error { return err }

func xmllint(t *testing.T, schema string, docs [][]byte) {
	t.Helper()
	if os.Getenv("BEIAN_SKIP_XMLLINT") == "1" {
		t.Logf("BEIAN_SKIP_XMLLINT=1: %d documents not checked against %s", len(docs), schema)
		return
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install Debian package libxml2-utils, or set BEIAN_SKIP_XMLLINT=1")
	}
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", filepath.Join(xsdDir, schema)}
	var files []string
	for i, d := range docs {
		f := filepath.Join(dir, fmt.Sprintf("d%03d.xml", i))
		if err := os.WriteFile(f, d, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cmd := exec.Command(bin, append(args, files...)...)
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("xmllint hangs")
	}
	text := string(out)
	for _, f := range files {
		if !strings.Contains(text, f+" validates") {
			t.Errorf("xmllint rejects %s", f)
		}
	}
	if err != nil || t.Failed() {
		t.Fatalf("xmllint: %v\n%s", err, text)
	}
	t.Logf("xmllint: %d download files validate against %s", len(docs), schema)
}
