package bureausim

import (
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

var demoApp = App{Platforms: []AppPlatform{
	{Platform: "android", Package: "cn.example.notes", MD5: "8A3F1C2B4D5E6F708192A3B4C5D6E7F8"},
	{Platform: "ios", Package: "cn.example.notes", MD5: "1234567890ABCDEF1234567890ABCDEF12345678"},
}}

// filed runs a first filing of zhangsan with one site to approval and returns its record.
func filed(t *testing.T, e *env, c *conn, domain string) Record {
	t.Helper()
	c.mustUpload(newFilingDoc(c.acc.ISPID, individual(1, zhangsan, site{name: "张三的读书笔记", domains: []string{domain}, principal: zhangsan})))
	e.approve("1", zhangsan)
	c.fetch(false)
	rec, ok := e.sim.Lookup(domain)
	if !ok {
		t.Fatal("filed record not found")
	}
	return rec
}

func TestNewSiteAndAppNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	rec := filed(t, e, c, "zs-first.cn")

	// 新增网站 under the subject number: a website and an APP continue the sequence.
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{XZWZ: &miit.XZWZ{Xzxx: []miit.XZWZXzxx{{
		ZtXx: miit.XZWZXzxxZtXx{Ztbah: rec.Number},
		WzXx: []miit.XZWZXzxxWzXx{
			xzwzSite(site{name: "张三的第二个网站", domains: []string{"zs-second.cn"}, principal: zhangsan}),
			xzwzSite(site{name: "张三笔记", domains: []string{"api.zs-notes-app.cn"}, principal: zhangsan, remark: demoApp.Remark()}),
		},
	}}}}))
	f := e.filing(rec.Number)
	if f.Operation != OpNewSite || len(f.Sites) != 2 || f.Sites[1].App == nil || len(f.Sites[1].App.Platforms) != 2 {
		t.Fatalf("new site filing %+v", f)
	}
	e.approve(rec.Number, zhangsan)
	docs := c.fetch(false)
	if j := resultFor(t, docs, OpNewSite, rec.Number); j.Jgxx[0].Jgdm != 1001 {
		t.Fatalf("result %+v", j)
	}
	basj := records(docs)
	if len(basj) != 1 || len(basj[0].WzXx) != 2 {
		t.Fatalf("record data %+v", basj)
	}
	web, app := basj[0].WzXx[0].Baxh, basj[0].WzXx[1].Baxh
	if web != rec.Number+"-2" || app != rec.Number+"-3A" {
		t.Fatalf("numbers %s and %s, want %s-2 and %s-3A", web, app, rec.Number, rec.Number)
	}
	n, err := beian.ParseICPNumber(app)
	if err != nil || n.Kind != beian.KindApp || n.Ordinal != 3 {
		t.Fatalf("APP number %q: %+v %v", app, n, err)
	}
	if basj[0].WzXx[1].WzBz != demoApp.Remark() {
		t.Errorf("APP remark not kept: %q", basj[0].WzXx[1].WzBz)
	}
	// A first filing with an APP: -1 for the website, -2A for the APP.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(10, lisi,
		site{name: "李四的网站", domains: []string{"lisi-web.cn"}, principal: lisi},
		site{name: "李四记账", domains: []string{"api.lisi-app.cn"}, principal: lisi, remark: demoApp.Remark()})))
	e.approve("10", lisi)
	basj = records(c.fetch(false))
	if basj[0].WzXx[0].Baxh != basj[0].ZtXx.Baxh+"-1" || basj[0].WzXx[1].Baxh != basj[0].ZtXx.Baxh+"-2A" {
		t.Fatalf("numbers %s, %s", basj[0].WzXx[0].Baxh, basj[0].WzXx[1].Baxh)
	}
	if basj[0].ZtXx.Baxh == rec.Number {
		t.Fatal("two subjects share a number")
	}
	// A malformed APP remark is refused (1999), and an APP domain written as www. fails
	// domain verification (1104).
	c.mustUpload(newFilingDoc(DefaultISP.ISPID,
		individual(11, wangwu, site{name: "王五App", domains: []string{"ww-app.cn"}, principal: wangwu, remark: "APP;platform=symbian;package=x;md5=y"}),
		individual(12, zhaoliu, site{name: "赵六App", domains: []string{"www.zl-app.cn"}, principal: zhaoliu, remark: demoApp.Remark()})))
	docs = c.fetch(false)
	if j := resultFor(t, docs, OpNewFiling, "11"); j.Jgxx[0].Jgdm != 1999 || !strings.Contains(j.Jgxx[0].Dmms, "symbian") {
		t.Fatalf("malformed APP remark: %+v", j)
	}
	if j := resultFor(t, docs, OpNewFiling, "12"); j.Jgxx[0].Jgdm != int64(ResultDomainCheckFailed) {
		t.Fatalf("www. APP domain: %+v", j)
	}
}

func TestNewAccessAndCancelAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a, b := e.conn(DefaultISP), e.conn(ispB)
	a.fetch(false)
	b.fetch(false)
	rec := filed(t, e, a, "zs-multi.cn")
	wz := rec.Services[0].Number
	password := rec.Password

	xzjr := func(icpmm string) *miit.UploadData {
		return icpDoc(ispB.ISPID, miit.UploadICP{XZJR: &miit.XZJR{Xzxx: []miit.XZJRXzxx{{
			WzXx: miit.XZJRXzxxWzXx{Wzbah: wz}, ISPJrid: 88,
			Wzfb: miit.XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{2}}, Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{4}},
			IPXx:  []miit.XZJRXzxxIPXx{{ISPIpid: 89, Qsip: ipv4("198.51.100.7"), Zzip: ipv4("198.51.100.7")}},
			ICPmm: icpmm,
		}}}})
	}
	b.mustUpload(xzjr(md5hex("wrong password")))
	if j := resultFor(t, b.fetch(false), OpNewAccess, wz); j.Jgxx[0].Jgdm != 1018 {
		t.Fatalf("wrong password: %+v", j)
	}
	b.mustUpload(xzjr(md5hex(password)))
	f := e.filing(wz)
	if f.State != StateSMS || !slices.Equal(f.Mobiles, []string{zhangsan.mobile}) {
		t.Fatalf("new access: %+v", f)
	}
	// The same provider cannot apply twice.
	b.mustUpload(xzjr(md5hex(password)))
	if j := resultFor(t, b.fetch(false), OpNewAccess, wz); j.Jgxx[0].Jgdm != 1038 {
		t.Fatalf("second new access: %+v", j)
	}
	e.approve(wz, zhangsan)
	docs := b.fetch(false)
	if j := resultFor(t, docs, OpNewAccess, wz); j.Jgxx[0].Jgdm != 1001 {
		t.Fatalf("new access result %+v", j)
	}
	basj := records(docs)
	if len(basj) != 1 || basj[0].WzXx[0].Baxh != wz || len(basj[0].WzXx[0].JrXx) != 2 {
		t.Fatalf("B's record data %+v", basj)
	}
	var bJrid int64
	for _, j := range basj[0].WzXx[0].JrXx {
		if j.Ispid == ispB.ISPID {
			bJrid = j.Jrid
			if j.ISPJrid == nil || *j.ISPJrid != 88 {
				t.Errorf("B's own access ID %v", j.ISPJrid)
			}
		} else if j.ISPJrid != nil {
			t.Error("A's enterprise-side ID leaked to B")
		}
	}
	if basj[0].ZtXx.ISPZtid != nil {
		t.Error("A's enterprise-side subject ID leaked to B")
	}

	// B cancels its access: no SMS, review, 1001 with Czlx 5; the site keeps A's access.
	cancel := func(c *conn, jrid int64) {
		c.mustUpload(icpDoc(c.acc.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 2, Jlid: jrid, Zxly: 2, Zxlybz: "迁移至其他接入商"}}}}))
	}
	// A cannot cancel B's access.
	cancel(a, bJrid)
	if j := resultFor(t, a.fetch(false), OpCancelAccess, itoa(bJrid)); j.Jgxx[0].Jgdm != 1047 {
		t.Fatalf("cancelling another provider's access: %+v", j)
	}
	cancel(b, bJrid)
	if f := e.filing(itoa(bJrid)); f.State != StateReview || len(f.Mobiles) != 0 {
		t.Fatalf("cancel access %+v", f)
	}
	e.advanceWorkdays(DefaultReviewWorkdays)
	if j := resultFor(t, b.fetch(false), OpCancelAccess, itoa(bJrid)); j.Jgxx[0].Jgdm != 1001 {
		t.Fatalf("cancel access result %+v", j)
	}
	rec, _ = e.sim.Lookup(wz)
	if len(rec.Services[0].Access) != 1 || rec.Services[0].Access[0].ISPID != DefaultISP.ISPID {
		t.Fatalf("accesses after B left: %+v", rec.Services[0].Access)
	}
	// A cancels the only access: the site becomes an empty shell and keeps its number.
	cancel(a, rec.Services[0].Access[0].Jrid)
	e.advanceWorkdays(DefaultReviewWorkdays)
	rec, _ = e.sim.Lookup(wz)
	if !rec.Services[0].EmptyShell || rec.Services[0].Cancelled || rec.Services[0].Number != wz {
		t.Fatalf("after the last access: %+v", rec.Services[0])
	}
	if st, err := a.c.QueryBeianStatus(t.Context(), miit.QueryByDomain, "zs-multi.cn"); err != nil || !st.Filed {
		t.Fatalf("a shell site is still filed: %+v %v", st, err)
	}
}

func TestRefuseCancelOnlyAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.RefuseCancelOnlyAccess = true })
	c := e.conn(DefaultISP)
	c.fetch(false)
	rec := filed(t, e, c, "zs-only.cn")
	jrid := rec.Services[0].Access[0].Jrid
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 2, Jlid: jrid, Zxly: 2}}}}))
	if j := resultFor(t, c.fetch(false), OpCancelAccess, itoa(jrid)); j.Jgxx[0].Jgdm != 1025 {
		t.Fatalf("only access: %+v", j)
	}
}

// bgba builds a change from the record data the provider holds.
func bgba(b miit.BASJBaxx, edit func(*miit.BGBABgxx)) *miit.UploadData {
	z := b.ZtXx
	x := miit.BGBABgxx{ZtXx: miit.BGBABgxxZtXx{Ztid: z.Ztid, Dwmc: z.Dwmc, Baxh: z.Baxh, Dwxz: z.Dwxz, Tzr: z.Tzr,
		Txdz: miit.BGBABgxxZtXxTxdz{Shengid: z.Txdz.Shengid, Shiid: *z.Txdz.Shiid, Xianid: z.Txdz.Xianid, Xxdz: z.Txdz.Xxdz},
		Zj:   miit.BGBABgxxZtXxZj(z.Zj),
		Fzr: miit.BGBABgxxZtXxFzr{FzrXm: z.Fzr.FzrXm, FzrDhhm: z.Fzr.FzrDhhm, FzrSjhm: z.Fzr.FzrSjhm, FzrDzyj: z.Fzr.FzrDzyj,
			FzrZjlx: z.Fzr.FzrZjlx, FzrZjhm: z.Fzr.FzrZjhm}, Bz: z.Bz}}
	for _, w := range b.WzXx {
		bw := miit.BGBABgxxWzXx{Wzid: w.Wzid, Wzmc: w.Wzmc, Fwnr: miit.XZBABaxxWzXxFwnr{FwnrID: w.Fwnr.FwnrID},
			Yylb: miit.XZBABaxxWzXxYylb{YylbID: w.Yylb.YylbID}, Baxh: w.Baxh, Syurl: w.Syurl, WzBz: w.WzBz,
			WzFzr: miit.XZBABaxxWzXxWzFzr{FzrXm: w.WzFzr.FzrXm, FzrDhhm: w.WzFzr.FzrDhhm, FzrSjhm: w.WzFzr.FzrSjhm, FzrDzyj: w.WzFzr.FzrDzyj,
				FzrZjlx: w.WzFzr.FzrZjlx, FzrZjhm: w.WzFzr.FzrZjhm}}
		for _, y := range w.YmXx {
			ispYmid := int64(1)
			if y.ISPYmid != nil {
				ispYmid = *y.ISPYmid
			}
			bw.YmXx = append(bw.YmXx, miit.BGBABgxxWzXxYmXx{ISPYmid: ispYmid, Ymid: ptr(y.Ymid), Ym: y.Ym})
		}
		for _, j := range w.JrXx {
			bj := miit.BGBABgxxWzXxJrXx{Jrid: j.Jrid, Wzfb: miit.BGBABgxxWzXxJrXxWzfb{Fbdd: j.Wzfb.Fbdd}, Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: j.Wzjrfs.Jrfs}}
			for _, ip := range j.IPXx {
				bj.IPXx = append(bj.IPXx, miit.BGBABgxxWzXxJrXxIPXx{ISPIpid: 1, Ipid: ptr(ip.Ipid), Qsip: ip.Qsip, Zzip: ip.Zzip})
			}
			bw.JrXx = append(bw.JrXx, bj)
		}
		x.WzXx = append(x.WzXx, bw)
	}
	edit(&x)
	return icpDoc(DefaultISP.ISPID, miit.UploadICP{BGBA: &miit.BGBA{Bgxx: []miit.BGBABgxx{x}}})
}

func TestChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(1, zhangsan, site{name: "张三的读书笔记", domains: []string{"zs-change.cn"}, principal: zhangsan})))
	e.approve("1", zhangsan)
	basj := records(c.fetch(false))[0]
	ztid := itoa(basj.ZtXx.Ztid)

	// A remark-only change needs no SMS.
	c.mustUpload(bgba(basj, func(x *miit.BGBABgxx) { x.ZtXx.Bz = "个人网站，仅发布个人读书笔记" }))
	f := e.filing(ztid)
	if f.State != StateReview || len(f.Mobiles) != 0 {
		t.Fatalf("remark-only change: %+v", f)
	}
	// Another change meanwhile: 1017.
	c.mustUpload(bgba(basj, func(x *miit.BGBABgxx) { x.WzXx[0].Wzmc = "张三的书评" }))
	docs := c.fetch(false)
	if codes := codesOf(results(docs)); !slices.Contains(codes, 1017) {
		t.Fatalf("concurrent change: %v", codes)
	}
	e.advanceWorkdays(DefaultReviewWorkdays)
	c.fetch(false)

	// A new site principal, a new domain and a new name: the new principal's mobile gets
	// the code; domain verification covers only the new domain.
	c.mustUpload(bgba(basj, func(x *miit.BGBABgxx) {
		w := &x.WzXx[0]
		w.Wzmc = "张三的书评"
		w.WzFzr = wzFzr(wangwu, "")
		w.YmXx = append(w.YmXx, miit.BGBABgxxWzXxYmXx{ISPYmid: 77, Ym: "zs-review.cn"})
	}))
	var change Filing
	for _, f := range e.sim.Filings() {
		if f.Operation == OpChange && f.State == StateSMS {
			change = f
		}
	}
	if !slices.Equal(change.Mobiles, []string{wangwu.mobile}) {
		t.Fatalf("change codes to %v, want only the new principal", change.Mobiles)
	}
	e.verifyAll(change, wangwu)
	c.fetch(false)
	e.advanceWorkdays(DefaultReviewWorkdays)
	docs = c.fetch(false)
	nb := records(docs)
	if len(nb) != 1 || nb[0].WzXx[0].Wzmc != "张三的书评" || len(nb[0].WzXx[0].YmXx) != 2 || nb[0].WzXx[0].WzFzr.FzrSjhm != wangwu.mobile {
		t.Fatalf("record after the change %+v", nb)
	}
	if nb[0].WzXx[0].Baxh != basj.WzXx[0].Baxh {
		t.Fatal("a change renumbered the site")
	}
	// Province and certificate cannot change; B may not change A's filing.
	c.mustUpload(bgba(nb[0], func(x *miit.BGBABgxx) {
		x.ZtXx.Txdz.Shengid, x.ZtXx.Txdz.Shiid, x.ZtXx.Txdz.Xianid = 310000, 310100, ptr(int64(310104))
	}))
	if codes := codesOf(results(c.fetch(false))); !slices.Contains(codes, 1046) {
		t.Fatalf("province change: %v", codes)
	}
	b := e.conn(ispB)
	up := bgba(nb[0], func(x *miit.BGBABgxx) { x.ZtXx.Bz = "B" })
	up.ICP.Qqdwid = ispB.ISPID
	b.mustUpload(up)
	if codes := codesOf(results(b.fetch(false))); !slices.Contains(codes, 1048) {
		t.Fatalf("change by a stranger: %v", codes)
	}
}

func TestCancelSiteAndSubject(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, company(1, "北京注销测试有限公司", "91110105MA00ZXCS1Y", zhaoliu,
		site{name: "注销测试一", domains: []string{"zx-one.cn"}, principal: lisi},
		site{name: "注销测试二", domains: []string{"zx-two.cn"}, principal: wangwu})))
	e.approve("1", zhaoliu, lisi, wangwu)
	basj := records(c.fetch(false))[0]
	one, two := basj.WzXx[0], basj.WzXx[1]

	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 1, Jlid: one.Wzid, Zxly: 4}}}}))
	f := e.filing(itoa(one.Wzid))
	if f.Operation != OpCancelSite || !slices.Equal(f.Mobiles, []string{lisi.mobile}) {
		t.Fatalf("cancel site: %+v", f)
	}
	// Cancelling the subject while a site is being cancelled: 1043.
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 0, Jlid: basj.ZtXx.Ztid, Zxly: 3}}}}))
	if j := resultFor(t, c.fetch(false), OpCancelSubject, itoa(basj.ZtXx.Ztid)); j.Jgxx[0].Jgdm != 1043 {
		t.Fatalf("cancel subject during a site cancellation: %+v", j)
	}
	e.approve(itoa(one.Wzid), lisi)
	docs := c.fetch(false)
	if zx := cancellations(docs); len(zx) != 1 || zx[0].Zxlb != 1 || zx[0].Jlid != one.Wzid {
		t.Fatalf("site cancellation data %+v", zx)
	}
	if st, _ := c.c.QueryBeianStatus(t.Context(), miit.QueryByDomain, "zx-one.cn"); st.Filed {
		t.Fatal("cancelled site still filed")
	}
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 1, Jlid: one.Wzid, Zxly: 4}}}}))
	if j := resultFor(t, c.fetch(false), OpCancelSite, itoa(one.Wzid)); j.Jgxx[0].Jgdm != 1050 {
		t.Fatalf("cancelling a cancelled site: %+v", j)
	}

	// Cancel the subject: its principal verifies; ZXSJ Zxlb 0.
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{ZXBA: &miit.ZXBA{ZxXx: []miit.ZXBAZxXx{{Zxlb: 0, Jlid: basj.ZtXx.Ztid, Zxly: 3}}}}))
	e.approve(itoa(basj.ZtXx.Ztid), zhaoliu)
	docs = c.fetch(false)
	if zx := cancellations(docs); len(zx) != 1 || zx[0].Zxlb != 0 || zx[0].Jlid != basj.ZtXx.Ztid {
		t.Fatalf("subject cancellation data %+v", zx)
	}
	rec, ok := e.sim.Lookup(basj.ZtXx.Baxh)
	if !ok || !rec.Cancelled || !rec.Services[1].Cancelled || rec.Services[1].Wzid != two.Wzid {
		t.Fatalf("after cancelling the subject: %+v", rec)
	}
	// New site under the cancelled subject: 1049. A fresh first filing is possible.
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{XZWZ: &miit.XZWZ{Xzxx: []miit.XZWZXzxx{{
		ZtXx: miit.XZWZXzxxZtXx{Ztbah: basj.ZtXx.Baxh},
		WzXx: []miit.XZWZXzxxWzXx{xzwzSite(site{name: "新网站", domains: []string{"zx-three.cn"}, principal: lisi, office: "010-88886666"})}}}}}))
	if j := resultFor(t, c.fetch(false), OpNewSite, basj.ZtXx.Baxh); j.Jgxx[0].Jgdm != 1049 {
		t.Fatalf("new site under a cancelled subject: %+v", j)
	}
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, company(2, "北京注销测试有限公司", "91110105MA00ZXCS1Y", zhaoliu,
		site{name: "注销测试一", domains: []string{"zx-one.cn"}, principal: lisi})))
	if f := e.filing("2"); f.State != StateSMS {
		t.Fatalf("first filing after cancellation: %+v", f)
	}
}

func cancellations(docs []*miit.DownloadData) []miit.ZXSJZxxx {
	var out []miit.ZXSJZxxx
	for _, d := range docs {
		if d.ICP != nil && d.ICP.ZXSJ != nil {
			out = append(out, d.ICP.ZXSJ.Zxxx...)
		}
	}
	return out
}

// TestRecordChecks sends one file of records that each break one rule and checks every
// one gets its code, while a good record in the same file is accepted.
func TestRecordChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	rec := filed(t, e, c, "zs-taken.cn")
	if _, err := e.sim.BlacklistDomain("赌博网", "bad-domain.cn"); err != nil {
		t.Fatal(err)
	}
	badSubject := residentID("11010119700101001")
	if _, err := e.sim.BlacklistSubject("黑名单人", CertResidentID, badSubject); err != nil {
		t.Fatal(err)
	}
	c.fetch(false)

	guangdong := individual(106, who{"广东人", "13500135000", residentID("44030519900101002")}, site{name: "广东的站", domains: []string{"gd-site.cn"}, principal: zhaoliu})
	guangdong.ZtXx.Txdz = miit.XZBABaxxZtXxTxdz{Shengid: 440000, Shiid: 440300, Xianid: ptr(int64(440305))}
	badRegion := individual(107, who{"地址错", "13500135001", residentID("11010119900101003")}, site{name: "地址错的站", domains: []string{"region-bad.cn"}, principal: zhaoliu})
	badRegion.ZtXx.Txdz.Shiid = 120100
	badURL := individual(108, who{"首页错", "13500135002", residentID("11010119900101004")}, site{name: "首页错的站", domains: []string{"url-bad.cn"}, principal: zhaoliu})
	badURL.WzXx[0].Syurl = "www.other-domain.cn"
	noOffice := company(109, "北京无电话有限公司", "91110105MA00NOTEL1", zhaoliu, site{name: "无电话官网", domains: []string{"no-tel.cn"}, principal: lisi})
	noOffice.WzXx[0].WzFzr.FzrDhhm = ""
	badMobile := individual(110, who{"号码错", "12345678901", residentID("11010119900101005")}, site{name: "号码错的站", domains: []string{"mobile-bad.cn"}, principal: zhaoliu})
	badID := individual(111, who{"身份证错", "13500135003", "110101199001010000"}, site{name: "身份证错的站", domains: []string{"id-bad.cn"}, principal: zhaoliu})

	c.mustUpload(newFilingDoc(DefaultISP.ISPID,
		individual(101, lisi, site{name: "冲突的站", domains: []string{"zs-taken.cn"}, principal: lisi}),
		individual(102, zhangsan, site{name: "又一个", domains: []string{"zs-again.cn"}, principal: zhangsan}),
		individual(103, wangwu, site{name: "黑名单的站", domains: []string{"bad-domain.cn"}, principal: wangwu}),
		individual(104, who{"黑名单人", "13500135004", badSubject}, site{name: "黑名单人的站", domains: []string{"bl-person.cn"}, principal: zhaoliu}),
		individual(105, zhaoliu, site{name: "域名错", domains: []string{"not a domain"}, principal: zhaoliu}),
		guangdong, badRegion, badURL, noOffice, badMobile, badID,
		individual(120, who{"好人", "13500135009", residentID("11010119950505006")}, site{name: "好人的站", domains: []string{"good-person.cn"}, principal: zhaoliu}),
	))
	c.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{XZWZ: &miit.XZWZ{Xzxx: []miit.XZWZXzxx{
		{ZtXx: miit.XZWZXzxxZtXx{Ztbah: "京ICP备99999999号"}, WzXx: []miit.XZWZXzxxWzXx{xzwzSite(site{name: "无主", domains: []string{"no-owner.cn"}, principal: lisi})}},
		{ZtXx: miit.XZWZXzxxZtXx{Ztbah: rec.Number}, WzXx: []miit.XZWZXzxxWzXx{xzwzSite(site{name: "重复", domains: []string{"zs-taken.cn"}, principal: lisi})}},
	}}}))
	docs := c.fetch(false)
	want := map[string]int64{"101": 1005, "102": 1003, "103": 1064, "104": 1065, "105": 1004, "106": 1045, "107": 1019,
		"108": 1041, "109": 1031, "110": 1011, "111": 1015}
	for bs, code := range want {
		j := resultFor(t, docs, OpNewFiling, bs)
		if !slices.Contains(codesOf([]miit.BAJGJgXx{j}), code) {
			t.Errorf("record %s: codes %v, want %d", bs, codesOf([]miit.BAJGJgXx{j}), code)
		}
	}
	if j := resultFor(t, docs, OpNewSite, "京ICP备99999999号"); j.Jgxx[0].Jgdm != 1016 {
		t.Errorf("unknown subject number: %+v", j)
	}
	if j := resultFor(t, docs, OpNewSite, rec.Number); j.Jgxx[0].Jgdm != 1039 {
		t.Errorf("domain already under the subject: %+v", j)
	}
	if j := resultFor(t, docs, OpNewFiling, "103"); !strings.Contains(j.Jgxx[0].Dmms, "bad-domain.cn") {
		t.Errorf("1064 does not name the domain: %q", j.Jgxx[0].Dmms)
	}
	if f := e.filing("120"); f.State != StateSMS {
		t.Errorf("the good record: %+v", f)
	}
}
