package bureausim

import (
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian/miit"
)

// TestRestart stops the simulator mid-way and starts a new one on the same directory:
// records, sequences, pending files, filings in progress and their SMS codes survive.
func TestRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clock := &testClock{t: start}
	cfg := Config{ISPs: []ISPAccount{DefaultISP}, Clock: clock, Dir: dir, Logger: slog.New(errorHandler{t})}
	sim, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	e := &env{t: t, sim: sim, srv: srv, clock: clock, cfg: cfg}
	c := e.conn(DefaultISP)
	c.fetch(false)
	rec := filed(t, e, c, "zs-persist.cn")
	// A second filing left waiting for its code, and a file left unacknowledged.
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(2, lisi, site{name: "李四的站", domains: []string{"ls-persist.cn"}, principal: lisi})))
	e.sim.UnfiledSite(DefaultISP.ISPID, "pending.cn", netipAddr("203.0.113.3"))
	pending := e.sim.PendingFiles(DefaultISP.ISPID)
	code := e.sim.SentCodes(lisi.mobile)[0].Code
	srv.Close()
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Verify(lisi.mobile, code, lisi.id[12:]); err != ErrClosed {
		t.Fatalf("closed simulator: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(matches) != 0 {
		t.Fatalf("temporary files left: %v", matches)
	}

	// Restart.
	sim2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(sim2.Handler())
	defer srv2.Close()
	defer sim2.Close()
	e2 := &env{t: t, sim: sim2, srv: srv2, clock: clock, cfg: cfg}
	got, ok := sim2.Lookup("zs-persist.cn")
	if !ok || got.Number != rec.Number || got.Password != rec.Password || got.Services[0].Number != rec.Services[0].Number {
		t.Fatalf("record after restart: %+v", got)
	}
	if sim2.LastSequence(DefaultISP.ISPID) != c.seq {
		t.Fatalf("sequence %d after restart, want %d", sim2.LastSequence(DefaultISP.ISPID), c.seq)
	}
	p2 := sim2.PendingFiles(DefaultISP.ISPID)
	if len(p2) != len(pending) || p2[0].Name != pending[0].Name {
		t.Fatalf("pending files after restart: %v, want %v", names(p2), names(pending))
	}
	c2 := e2.conn(DefaultISP)
	c2.seq = c.seq
	// The sequence continues; a gap is still detected.
	if _, err := c2.uploadSeq(newFilingDoc(DefaultISP.ISPID, individual(3, wangwu, site{name: "王五", domains: []string{"ww-persist.cn"}, principal: wangwu})), c.seq+2); !isReturnCode(err, miit.ReturnSequenceGap) {
		t.Fatalf("gap after restart: %v", err)
	}
	c2.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(3, wangwu, site{name: "王五", domains: []string{"ww-persist.cn"}, principal: wangwu})))
	// The waiting filing completes with the code sent before the restart, and numbers
	// continue from where they were.
	e2.approve("2", lisi)
	basj := records(c2.fetch(false))
	if len(basj) != 1 || basj[0].ZtXx.Baxh == rec.Number || !strings.HasPrefix(basj[0].ZtXx.Baxh, "京ICP备1000000") {
		t.Fatalf("numbers after restart: %+v", basj)
	}
	// The SMS window also survives: the third filing's codes expire on time.
	clock.Advance(SMSWindow)
	if f := e2.filing("3"); f.State != StateReturned {
		t.Fatalf("third filing %s", f.State)
	}
}

func names(f []FileInfo) []string {
	var out []string
	for _, x := range f {
		out = append(out, x.Name)
	}
	return out
}

func TestStateFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, StateFile), []byte("{not json"), 0o600)
	if _, err := New(Config{Dir: dir}); err == nil || !strings.Contains(err.Error(), "not valid") {
		t.Fatalf("corrupt state: %v", err)
	}
	os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"format": 99}`), 0o600)
	if _, err := New(Config{Dir: dir}); err == nil || !strings.Contains(err.Error(), "format") {
		t.Fatalf("future format: %v", err)
	}
	// The file was not replaced.
	if data, _ := os.ReadFile(filepath.Join(dir, StateFile)); string(data) != `{"format": 99}` {
		t.Fatal("unreadable state file overwritten")
	}
	// No password or key in a state file.
	ok := t.TempDir()
	sim, err := New(Config{Dir: ok, Clock: &testClock{t: start}})
	if err != nil {
		t.Fatal(err)
	}
	sim.Close()
	data, _ := os.ReadFile(filepath.Join(ok, StateFile))
	for _, secret := range []string{DefaultISP.Password, DefaultISP.Key} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("state file holds a credential")
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	bad := []Config{
		{ISPs: []ISPAccount{{ISPID: 1, UserName: "u"}}},
		{ISPs: []ISPAccount{{ISPID: 1, UserName: "u", Password: "p", Key: "short", IV: "short"}}},
		{ISPs: []ISPAccount{{ISPID: 1, UserName: "u", Password: "p"}, {ISPID: 1, UserName: "v", Password: "q"}}},
		{ISPs: []ISPAccount{{ISPID: 1, UserName: "u", Password: "p", Province: "99"}}},
		{ReviewWorkdays: 21},
		{Speedup: -time.Minute},
	}
	for i, c := range bad {
		if _, err := New(c); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.ISPs(); len(got) != 1 || got[0].ISPID != DefaultISP.ISPID {
		t.Fatalf("zero config providers %+v", got)
	}
	if !strings.Contains(DefaultISP.String(), "ispId") || strings.Contains(DefaultISP.String(), DefaultISP.Password) {
		t.Errorf("String leaks or lacks: %s", DefaultISP)
	}
}

// TestAcceleratedClock: one simulated day per base minute, and no going back on restart.
func TestAcceleratedClock(t *testing.T) {
	t.Parallel()
	base := &testClock{t: start}
	c := NewAcceleratedClock(base, start, time.Minute)
	base.Advance(30 * time.Second)
	if got := c.Now(); !got.Equal(start.Add(12 * time.Hour)) {
		t.Fatalf("after 30 s: %v", got)
	}
	if c.Factor() != 1440 {
		t.Fatalf("factor %v", c.Factor())
	}

	dir := t.TempDir()
	base.Set(start)
	cfg := Config{Clock: base, Speedup: time.Minute, Dir: dir, ReviewWorkdays: 3}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	e := &env{t: t, sim: s, srv: srv, clock: base, cfg: cfg}
	cn := e.conn(DefaultISP)
	cn.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(1, zhangsan, site{name: "张三的站", domains: []string{"zs-fast.cn"}, principal: zhangsan})))
	e.verifyAll(e.filing("1"), zhangsan)
	// Three working days from a Monday end on Thursday: 3 days = 3 base minutes.
	base.Advance(3*time.Minute - time.Second)
	if f := e.filing("1"); f.State != StateReview {
		t.Fatalf("review ended early: %s", f.State)
	}
	base.Advance(2 * time.Second)
	if f := e.filing("1"); f.State != StateApproved {
		t.Fatalf("review not ended after 3 base minutes: %s", f.State)
	}
	simNow := s.Now()
	srv.Close()
	s.Close()
	// The base clock is reset to the start: the simulated time resumes where it was.
	base.Set(start)
	s2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Now().Before(simNow) {
		t.Fatalf("simulated time went back: %v < %v", s2.Now(), simNow)
	}
}

func TestAppRemark(t *testing.T) {
	t.Parallel()
	app, err := ParseAppRemark(demoApp.Remark())
	if err != nil || len(app.Platforms) != 2 || app.Platforms[1].Platform != "ios" || app.Platforms[0].MD5 != demoApp.Platforms[0].MD5 {
		t.Fatalf("round trip: %+v %v", app, err)
	}
	if app, err := ParseAppRemark("个人网站"); app != nil || err != nil {
		t.Fatalf("website remark: %+v %v", app, err)
	}
	if app, err := ParseAppRemark("APP; platform=HarmonyOS ; package=cn.x ; md5=AB ; pubkey=MIIB ; store=huawei"); err != nil || app.Platforms[0].Platform != "harmonyos" || app.Platforms[0].PublicKey != "MIIB" {
		t.Fatalf("spaces, case, extra keys: %+v %v", app, err)
	}
	for _, bad := range []string{"APP;", "APP;package=x;md5=y", "APP;platform=android;md5=y", "APP;platform=web;package=x;md5=y", "APP;platform"} {
		if _, err := ParseAppRemark(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Example.CN": "example.cn", "example.com.cn.": "example.com.cn", "xn--fsqu00a.xn--fiqs8s": "例子.中国",
		"例子.中国": "例子.中国", "ＥＸＡＭＰＬＥ.cn": "example.cn",
	} {
		if got, ok := normalizeDomain(in); !ok || got != want {
			t.Errorf("normalizeDomain(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "localhost", "http://example.cn", "example.cn/path", "1.2.3.4", "-bad.cn", "a..cn", "exa mple.cn", "example.123"} {
		if got, ok := normalizeDomain(bad); ok {
			t.Errorf("normalizeDomain(%q) = %q, accepted", bad, got)
		}
	}
	tl := newTLDSet(ApprovedTLDs())
	for d, want := range map[string]bool{"a.cn": true, "a.com.cn": true, "例子.中国": true, "a.io": false, "a.xyz": true, "a.dev": false} {
		if _, ok := tl.approved(d); ok != want {
			t.Errorf("TLD of %s approved = %v", d, ok)
		}
	}
	if !slices.Contains(ApprovedTLDs(), "cn") {
		t.Error("embedded list lacks cn")
	}
}

func TestPunycode(t *testing.T) {
	t.Parallel()
	// Vectors from Python's punycode codec and RFC 3492 section 7.1 (Chinese, simplified).
	for uni, puny := range map[string]string{
		"例子": "fsqu00a", "中国": "fiqs8s", "中文网": "fiq228c5hs", "公司": "55qx5d", "网络": "io0a7i",
		"bücher": "bcher-kva", "ñ": "ida", "他们为什么不说中文": "ihqwcrb4cv8a8dqg056pqjye",
	} {
		if got, err := punyEncode(uni); err != nil || got != puny {
			t.Errorf("encode %s = %q %v, want %q", uni, got, err, puny)
		}
		if got, err := punyDecode(puny); err != nil || got != uni {
			t.Errorf("decode %s = %q %v, want %q", puny, got, err, uni)
		}
	}
	for _, bad := range []string{"99999999999", "a-é", "a!", "9"} {
		if got, err := punyDecode(bad); err == nil {
			t.Errorf("decode %q = %q accepted", bad, got)
		}
	}
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"example.cn", "例子.中国", "xn--fsqu00a.xn--fiqs8s", "a..b", "xn--zz.cn", "ＥＸＡＭＰＬＥ．cn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := normalizeDomain(s)
		if !ok {
			return
		}
		// Normalising is idempotent, and the ASCII form normalises back to the same domain.
		if d2, ok := normalizeDomain(d); !ok || d2 != d {
			t.Fatalf("normalizeDomain(%q) = %q, then %q %v", s, d, d2, ok)
		}
		if d3, ok := normalizeDomain(asciiDomain(d)); !ok || d3 != d {
			t.Fatalf("ASCII form of %q (%q) normalises to %q %v", d, asciiDomain(d), d3, ok)
		}
	})
}
