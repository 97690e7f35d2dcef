package bureausim

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/openbeian/beian/miit"
)

func TestInjectedFeeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a, b := e.conn(DefaultISP), e.conn(ispB)
	a.fetch(false)
	b.fetch(false)
	rec := filed(t, e, a, "zs-feed.cn")
	wz := rec.Services[0].Number
	ip := netip.MustParseAddr("203.0.113.10")
	must := func(names []string, err error) {
		t.Helper()
		if err != nil || len(names) == 0 {
			t.Fatalf("inject: %v %v", names, err)
		}
	}
	must(e.sim.RectificationNotice(wz, "网站未悬挂备案号，请于10个工作日内整改"))
	must(e.sim.RectificationNotice(rec.Number, "主体负责人联系方式失效，请变更"))
	must(e.sim.EmptyShellCheck(wz, false, "首页无法访问"))
	must(e.sim.AccessCheck(DefaultISP.ISPID, wz, true, "zs-feed.cn", ip))
	must(e.sim.SubjectCheck(rec.Number, "主办单位经营异常"))
	must(e.sim.VerificationTask(rec.Number, "请核实主体负责人信息"))
	must(e.sim.UnfiledSite(DefaultISP.ISPID, "unfiled-site.cn", ip))
	must(e.sim.IllegalAccess(DefaultISP.ISPID, "illegal.cn", ip))
	must(e.sim.BlacklistDomain("违法网站", "blacklisted.cn"))
	must(e.sim.InjectJCDM(DefaultISP.ISPID, codeTables([]ISPAccount{DefaultISP})))
	must(e.sim.Inject(DefaultISP.ISPID, &miit.DownloadICP{HCJG: &miit.HCJG{Jgxx: miit.HCJGJgxx{Wzch: []miit.HCJGJgxxWzch{
		{Wzid: rec.Services[0].Wzid, WzBaxh: wz, Hcsj: miit.NewDate(start)}}}}}))
	// An invalid item is refused before anything is queued.
	_, err := e.sim.Inject(DefaultISP.ISPID, &miit.DownloadICP{XGTZ: &miit.XGTZ{Tzxx: []miit.XGTZTzxx{{Tzlb: 5, Tznr: ""}}}})
	var ve *miit.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("invalid injection: %v", err)
	}
	if _, err := e.sim.UnfiledSite(4242, "x.cn", ip); !errors.Is(err, ErrUnknownISP) {
		t.Fatalf("unknown ISP: %v", err)
	}
	if _, err := e.sim.RectificationNotice("京ICP备00000001号", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}

	docs := a.fetch(true)
	var xgtz []miit.XGTZTzxx
	var hcjg miit.HCJGJgxx
	var hsrw []miit.HSRWBaxx
	var wba []miit.WBAWZLBWbawzXx
	var ffjr, hmd, jcdm int
	for _, d := range docs {
		if d.JCDM != nil {
			jcdm++
			continue
		}
		i := d.ICP
		if i.XGTZ != nil {
			xgtz = append(xgtz, i.XGTZ.Tzxx...)
		}
		if i.HCJG != nil {
			hcjg.Zthc = append(hcjg.Zthc, i.HCJG.Jgxx.Zthc...)
			hcjg.Jrhc = append(hcjg.Jrhc, i.HCJG.Jgxx.Jrhc...)
			hcjg.Kkwzhc = append(hcjg.Kkwzhc, i.HCJG.Jgxx.Kkwzhc...)
			hcjg.Wzch = append(hcjg.Wzch, i.HCJG.Jgxx.Wzch...)
		}
		if i.HSRW != nil {
			hsrw = append(hsrw, i.HSRW.Baxx...)
		}
		if i.WBAWZLB != nil {
			wba = append(wba, i.WBAWZLB.WbawzXx...)
		}
		if i.FFJRHMD != nil {
			ffjr++
		}
		if i.HMDLB != nil {
			hmd++
		}
	}
	if len(xgtz) != 2 || xgtz[0].Tzlb != 1 || xgtz[0].Baxh != wz || xgtz[1].Tzlb != 0 || xgtz[1].Baxh != rec.Number || *xgtz[1].Jlid != rec.Ztid {
		t.Errorf("notices %+v", xgtz)
	}
	if len(hcjg.Kkwzhc) != 1 || hcjg.Kkwzhc[0].Hcjg != 1 || hcjg.Kkwzhc[0].WzBaxh != wz {
		t.Errorf("empty-shell check %+v", hcjg.Kkwzhc)
	}
	if len(hcjg.Jrhc) != 1 || hcjg.Jrhc[0].Hcjg != 2 || hcjg.Jrhc[0].Jxip == nil || hcjg.Jrhc[0].Jxip.String() != "203.0.113.10" || hcjg.Jrhc[0].Jrid == nil {
		t.Errorf("access check %+v", hcjg.Jrhc)
	}
	if len(hcjg.Zthc) != 1 || hcjg.Zthc[0].Ztid != rec.Ztid || len(hcjg.Wzch) != 1 {
		t.Errorf("subject check %+v, liveness %+v", hcjg.Zthc, hcjg.Wzch)
	}
	if len(hsrw) != 1 || hsrw[0].ZtXx.Ztid != rec.Ztid || len(hsrw[0].WzXx) != 1 || hsrw[0].WzXx[0].JrXx[0].Bbyhid != DefaultISP.ISPID {
		t.Errorf("verification task %+v", hsrw)
	}
	if len(wba) != 1 || wba[0].WzymMc != "unfiled-site.cn" || *wba[0].Jrs != DefaultISP.ISPID {
		t.Errorf("unfiled sites %+v", wba)
	}
	if ffjr != 1 || hmd != 1 || jcdm != 1 {
		t.Errorf("FFJRHMD %d, HMDLB %d, JCDM %d", ffjr, hmd, jcdm)
	}
	// Broadcasts reach the other provider too; notices about A's site do not.
	bdocs := b.fetch(false)
	if len(bdocs) != 1 || bdocs[0].ICP.HMDLB == nil {
		t.Fatalf("B got %d files", len(bdocs))
	}
	// The blacklist now refuses the domain.
	a.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(50, lisi, site{name: "李四", domains: []string{"blacklisted.cn"}, principal: lisi})))
	if j := resultFor(t, a.fetch(false), OpNewFiling, "50"); j.Jgxx[0].Jgdm != 1064 {
		t.Fatalf("blacklisted domain %+v", j)
	}

	// A answers the task (HSJG) and the unfiled site (WBACLJG), and sends material (XZHYD).
	task := hsrw[0]
	answer := miit.HSJGHsjgxx{Hsjg: 0, Hsrxm: "核验员", Hssj: miit.NewDate(start), Bbdw: DefaultISP.ISPID, Hsyj: "信息属实",
		Baxx: miit.HSJGHsjgxxBaxx{
			ZtXx: miit.HSJGHsjgxxBaxxZtXx{Ztid: task.ZtXx.Ztid, Dwmc: task.ZtXx.Dwmc, Dwxz: task.ZtXx.Dwxz,
				Txdz: miit.XZBABaxxZtXxTxdz{Shengid: task.ZtXx.Txdz.Shengid, Shiid: *task.ZtXx.Txdz.Shiid, Xianid: task.ZtXx.Txdz.Xianid, Xxdz: task.ZtXx.Txdz.Xxdz},
				Zj:   miit.HSJGHsjgxxBaxxZtXxZj(task.ZtXx.Zj),
				Fzr:  miit.HSJGHsjgxxBaxxZtXxFzr{FzrXm: task.ZtXx.Fzr.FzrXm, Sjhm: task.ZtXx.Fzr.FzrSjhm, FzrDzyj: task.ZtXx.Fzr.FzrDzyj}},
		}}
	for _, w := range task.WzXx {
		hw := miit.HSJGHsjgxxBaxxWzXx{Wzid: w.Wzid, Wzmc: w.Wzmc, Fwnr: miit.XZBABaxxWzXxFwnr{FwnrID: w.Fwnr.FwnrID},
			WzFzr: miit.HSJGHsjgxxBaxxWzXxWzFzr{FzrXm: w.WzFzr.FzrXm, FzrDzyj: w.WzFzr.FzrDzyj}}
		for _, y := range w.YmXx {
			hw.YmXx = append(hw.YmXx, miit.HSJGHsjgxxBaxxWzXxYmXx(y))
		}
		for _, j := range w.JrXx {
			hj := miit.HSJGHsjgxxBaxxWzXxJrXx{Jrid: j.Jrid, Wzfb: miit.BGBABgxxWzXxJrXxWzfb{Fbdd: j.Wzfb.Fbdd},
				Wzjrfs: miit.HSJGHsjgxxBaxxWzXxJrXxWzjrfs{Jrfs: j.Wzjrfs.Jrfs}, Bbfs: 1}
			for _, x := range j.IPXx {
				hj.IPXx = append(hj.IPXx, miit.HSJGHsjgxxBaxxWzXxJrXxIPXx(x))
			}
			hw.JrXx = append(hw.JrXx, hj)
		}
		answer.Baxx.WzXx = append(answer.Baxx.WzXx, hw)
	}
	v, _ := miit.IPv4From(ip)
	a.mustUpload(icpDoc(DefaultISP.ISPID, miit.UploadICP{
		HSJG: &miit.HSJG{Hsjgxx: []miit.HSJGHsjgxx{answer}},
		WBACLJG: &miit.WBACLJG{Clxx: []miit.WBACLJGClxx{
			{Ym: "unfiled-site.cn", IP: v, Yys: 1, Jrs: DefaultISP.ISPID, Shengid: 110000, Cljg: 1, Clyj: "已关停", Rbsj: miit.NewDate(start), Clsx: miit.NewDate(start)},
			{Ym: "someone-else.cn", IP: v, Yys: 1, Jrs: DefaultISP.ISPID, Shengid: 110000, Cljg: 9, Clyj: "?", Rbsj: miit.NewDate(start), Clsx: miit.NewDate(start)},
		}},
		XZHYD: &miit.XZHYD{Fjxx: []miit.XZWZXzxxFjFjxx{{Fjwjgs: 1, Fjyt: 1, Fjnr: "aGVsbG8=",
			Fjssdx: miit.XZWZXzxxFjFjxxFjssdx{Ssdxlx: 2, Ssdxbs: miit.XZWZXzxxFjFjxxFjssdxSsdxbs{Baxh: wz}}}}},
	}))
	answers := e.sim.VerificationAnswers(DefaultISP.ISPID)
	if len(answers) != 1 || !answers[0].Passed || answers[0].Ztid != rec.Ztid || !slices.Equal(answers[0].Wzids, []int64{rec.Services[0].Wzid}) {
		t.Fatalf("answers %+v", answers)
	}
	unfiled := e.sim.UnfiledResults(DefaultISP.ISPID)
	if len(unfiled) != 2 || unfiled[0].Problem != "" || unfiled[0].ResultName != "已关停" || unfiled[1].Problem == "" {
		t.Fatalf("unfiled results %+v", unfiled)
	}
	if m := e.sim.Materials(DefaultISP.ISPID); len(m) != 1 || m[0].Attachments != 1 {
		t.Fatalf("materials %+v", m)
	}
}

func TestDownloadMoreAndResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	ctx := t.Context()
	ip := netip.MustParseAddr("203.0.113.10")
	e.sim.UnfiledSite(DefaultISP.ISPID, "a-unfiled.cn", ip)
	e.sim.UnfiledSite(DefaultISP.ISPID, "b-unfiled.cn", ip)
	// JCDM + 2 files: the first two say "more", the last does not.
	var names []string
	for i := range 3 {
		res, err := c.c.Download(ctx)
		if err != nil || res.File == nil {
			t.Fatalf("download %d: %+v %v", i, res, err)
		}
		if res.More() != (i < 2) {
			t.Errorf("download %d: More %v", i, res.More())
		}
		// Without an acknowledgement the same file comes again.
		again, _ := c.c.Download(ctx)
		if again.File.FileName != res.File.FileName || again.File.BeianInfo != res.File.BeianInfo {
			t.Fatalf("unacknowledged file not resent identically")
		}
		names = append(names, res.File.FileName)
		if _, err := c.c.DownloadAck(ctx, res.File.FileName); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := c.c.Download(ctx); err != nil || res.File != nil || res.Code != miit.ReturnNoData {
		t.Fatalf("after all: %+v %v", res, err)
	}
	// Acknowledging again succeeds; an unknown or empty name does not.
	if _, err := c.c.DownloadAck(ctx, names[0]); err != nil {
		t.Errorf("repeated ack: %v", err)
	}
	if _, err := c.c.DownloadAck(ctx, "nope.xml"); !isReturnCode(err, miit.ReturnOther) {
		t.Errorf("unknown file: %v", err)
	}
	if _, err := c.c.DownloadAck(ctx, ""); !isReturnCode(err, 21) {
		t.Errorf("empty name: %v", err)
	}
	for i := 1; i < len(names); i++ {
		if names[i] <= names[i-1] && len(names[i]) == len(names[i-1]) {
			t.Errorf("file names not increasing: %v", names)
		}
	}
}
