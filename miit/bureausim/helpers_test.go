package bureausim

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// testClock is a settable beian.Clock: tests move time, nothing sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start is Monday 2026-03-02 10:00 Beijing time, a working day.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, beian.ChinaTime)

// errorHandler fails the test on any Error-level log: the simulator logs an error when it
// builds a download file that fails the XSD, which must never happen.
type errorHandler struct {
	t testing.TB
}

func (h errorHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h errorHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		var b strings.Builder
		r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
		h.t.Errorf("simulator logged an error: %s%s", r.Message, b.String())
	}
	return nil
}
func (h errorHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h errorHandler) WithGroup(string) slog.Handler      { return h }

// ispB is a second provider, for new access and cancel-access tests.
var ispB = ISPAccount{ISPID: 110000000999, Name: "第二接入商", UserName: "isp-b", Password: "口令b-2026", Key: "KeyForIspB000001", IV: "IvForIspB0000001", Province: "11"}

// env is a simulator behind a real HTTP server on 127.0.0.1, with a miit.Client per
// provider as the enterprise side.
type env struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	clock *testClock
	cfg   Config
	// docs collects every download document fetched, for the xmllint test.
	mu   sync.Mutex
	docs [][]byte
}

type conn struct {
	e   *env
	c   *miit.Client
	key *miit.AESKey
	acc ISPAccount
	seq int64
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	clock := &testClock{t: start}
	cfg := Config{ISPs: []ISPAccount{DefaultISP, ispB}, Clock: clock, Logger: slog.New(errorHandler{t})}
	if mod != nil {
		mod(&cfg)
	}
	sim, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	return &env{t: t, sim: sim, srv: srv, clock: clock, cfg: cfg}
}

func (e *env) conn(acc ISPAccount) *conn {
	c := miit.NewClient(e.srv.URL, acc.Credentials())
	c.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	key, err := acc.AESKey()
	if err != nil {
		e.t.Fatal(err)
	}
	return &conn{e: e, c: c, key: key, acc: acc}
}

// upload encodes and sends a document with the next sequence number.
func (c *conn) upload(d *miit.UploadData) (*miit.Result, error) {
	c.e.t.Helper()
	c.seq++
	return c.uploadSeq(d, c.seq)
}

func (c *conn) uploadSeq(d *miit.UploadData, seq int64) (*miit.Result, error) {
	c.e.t.Helper()
	doc, err := miit.EncodeUpload(d)
	if err != nil {
		c.e.t.Fatalf("test built an invalid upload: %v", err)
	}
	return c.uploadXML(doc, seq)
}

func (c *conn) uploadXML(doc []byte, seq int64) (*miit.Result, error) {
	c.e.t.Helper()
	p, err := miit.EncodePayload(miit.UploadFileName(start, "test", seq), doc, miit.EncodeOptions{Key: c.key, Modified: start})
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.c.Upload(context.Background(), p, seq)
}

// mustUpload uploads and requires code 0.
func (c *conn) mustUpload(d *miit.UploadData) {
	c.e.t.Helper()
	if _, err := c.upload(d); err != nil {
		c.e.t.Fatalf("upload %d: %v", c.seq, err)
	}
}

// fetch downloads and acknowledges every waiting file, validating each against the XSD,
// and returns the documents. It skips the initial JCDM file unless withJCDM.
func (c *conn) fetch(withJCDM bool) []*miit.DownloadData {
	c.e.t.Helper()
	var out []*miit.DownloadData
	for i := 0; ; i++ {
		if i > 100 {
			c.e.t.Fatal("download never ends")
		}
		res, err := c.c.Download(context.Background())
		if err != nil {
			c.e.t.Fatalf("download: %v", err)
		}
		if res.File == nil {
			if res.Code != miit.ReturnNoData {
				c.e.t.Fatalf("download without file: code %d", res.Code)
			}
			return out
		}
		_, xml, err := miit.DecodePayload(res.File, c.key, miit.Limits{})
		if err != nil {
			c.e.t.Fatalf("decode download %s: %v", res.File.FileName, err)
		}
		if !withJCDM && bytes.Contains(xml[:min(len(xml), 200)], []byte("<JCDM>")) {
			// The code tables are large; tests that look at them (withJCDM) check them.
			if _, err := c.c.DownloadAck(context.Background(), res.File.FileName); err != nil {
				c.e.t.Fatal(err)
			}
			continue
		}
		doc, err := miit.DecodeDownload(xml)
		if err != nil {
			c.e.t.Fatalf("decode download %s: %v", res.File.FileName, err)
		}
		if err := doc.Validate(); err != nil {
			c.e.t.Fatalf("download %s fails the XSD: %v", res.File.FileName, err)
		}
		c.e.mu.Lock()
		c.e.docs = append(c.e.docs, xml)
		c.e.mu.Unlock()
		if _, err := c.c.DownloadAck(context.Background(), res.File.FileName); err != nil {
			c.e.t.Fatalf("ack %s: %v", res.File.FileName, err)
		}
		if doc.JCDM != nil && !withJCDM {
			continue
		}
		out = append(out, doc)
	}
}

// results returns every BAJG Jg_xx of the fetched documents.
func results(docs []*miit.DownloadData) []miit.BAJGJgXx {
	var out []miit.BAJGJgXx
	for _, d := range docs {
		if d.ICP != nil && d.ICP.BAJG != nil {
			out = append(out, d.ICP.BAJG.JgXx...)
		}
	}
	return out
}

func codesOf(jg []miit.BAJGJgXx) []int64 {
	var out []int64
	for _, j := range jg {
		for _, x := range j.Jgxx {
			out = append(out, x.Jgdm)
		}
	}
	return out
}

func records(docs []*miit.DownloadData) []miit.BASJBaxx {
	var out []miit.BASJBaxx
	for _, d := range docs {
		if d.ICP != nil && d.ICP.BASJ != nil {
			out = append(out, d.ICP.BASJ.Baxx...)
		}
	}
	return out
}

// resultFor finds the last Jg_xx with the operation and Bs (a filing gets 1101 before its
// review result), failing when there is none.
func resultFor(t *testing.T, docs []*miit.DownloadData, op Operation, bs string) miit.BAJGJgXx {
	t.Helper()
	var found []miit.BAJGJgXx
	for _, j := range results(docs) {
		if j.Czlx == int64(op) && j.Bs == bs {
			found = append(found, j)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no result for %s Bs=%s among %v", op, bs, results(docs))
	}
	return found[len(found)-1]
}

func ptr[T any](v T) *T { return &v }

// residentID completes 17 digits with the GB 11643 check character.
func residentID(first17 string) string {
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

// who is a responsible person in test records.
type who struct {
	name, mobile, id string
}

var (
	zhangsan = who{"张三", "13800138000", residentID("11010119900307451")}
	lisi     = who{"李四", "13900139000", residentID("11010219851120302")}
	wangwu   = who{"王五", "13700137000", residentID("11010519920215123")}
	zhaoliu  = who{"赵六", "13600136000", residentID("11010819880808456")}
)

func ipv4(s string) miit.IPv4 {
	v, err := miit.IPv4From(netip.MustParseAddr(s))
	if err != nil {
		panic(err)
	}
	return v
}

// site is a website (or APP) in test records.
type site struct {
	ispWzid   int64
	name      string
	domains   []string
	principal who
	remark    string
	office    string
}

var nextISPID atomic.Int64

func newISPID() int64 { return 5000 + nextISPID.Add(1) }

func wzFzr(p who, office string) miit.XZBABaxxWzXxWzFzr {
	return miit.XZBABaxxWzXxWzFzr{FzrXm: p.name, FzrDhhm: office, FzrSjhm: p.mobile, FzrDzyj: "fzr@example.cn",
		FzrZjlx: ptr(int64(CertResidentID)), FzrZjhm: p.id}
}

// individual builds an XZBA Baxx for an individual (个人) subject in Beijing.
func individual(ispZtid int64, p who, sites ...site) miit.XZBABaxx {
	b := miit.XZBABaxx{ZtXx: miit.XZBABaxxZtXx{
		ISPZtid: ispZtid, Dwmc: p.name, Dwxz: ptr(int64(NatureIndividual)),
		Txdz: miit.XZBABaxxZtXxTxdz{Shengid: 110000, Shiid: 110100, Xianid: ptr(int64(110108)), Xxdz: "北京市海淀区中关村大街1号"},
		Zj:   miit.XZBABaxxZtXxZj{Zjlx: CertResidentID, Zjhm: p.id, Zjzs: "北京市东城区某街道1号"},
		Fzr:  miit.XZBABaxxZtXxFzr{FzrXm: p.name, FzrSjhm: p.mobile, FzrDzyj: "owner@example.cn", FzrZjlx: ptr(int64(CertResidentID)), FzrZjhm: p.id},
	}}
	for _, s := range sites {
		b.WzXx = append(b.WzXx, xzbaSite(s))
	}
	return b
}

// company builds an XZBA Baxx for an enterprise (企业) subject in Beijing.
func company(ispZtid int64, name, uscc string, principal who, sites ...site) miit.XZBABaxx {
	b := miit.XZBABaxx{ZtXx: miit.XZBABaxxZtXx{
		ISPZtid: ispZtid, Dwmc: name, Dwxz: ptr(int64(4)), Tzr: name,
		Txdz: miit.XZBABaxxZtXxTxdz{Shengid: 110000, Shiid: 110100, Xianid: ptr(int64(110105)), Xxdz: "北京市朝阳区建国路1号"},
		Zj:   miit.XZBABaxxZtXxZj{Zjlx: 1, Zjhm: uscc, Zjzs: "北京市朝阳区建国路1号"},
		Fzr: miit.XZBABaxxZtXxFzr{FzrXm: principal.name, FzrDhhm: "010-88886666", FzrSjhm: principal.mobile, FzrDzyj: "legal@example.com.cn",
			FzrZjlx: ptr(int64(CertResidentID)), FzrZjhm: principal.id},
		Bbfs: 1,
	}}
	for _, s := range sites {
		if s.office == "" {
			s.office = "010-88886666"
		}
		b.WzXx = append(b.WzXx, xzbaSite(s))
	}
	return b
}

func xzbaSite(s site) miit.XZBABaxxWzXx {
	w := miit.XZBABaxxWzXx{ISPWzid: s.ispWzid, Wzmc: s.name,
		Fwnr:  miit.XZBABaxxWzXxFwnr{FwnrID: []int64{14}},
		Yylb:  miit.XZBABaxxWzXxYylb{YylbID: []int64{1}},
		WzFzr: wzFzr(s.principal, s.office), WzBz: s.remark}
	if w.ISPWzid == 0 {
		w.ISPWzid = newISPID()
	}
	for _, d := range s.domains {
		w.YmXx = append(w.YmXx, miit.XZBABaxxWzXxYmXx{ISPYmid: newISPID(), Ym: d})
	}
	if len(s.domains) > 0 {
		w.Syurl = "www." + s.domains[0]
	}
	w.JrXx = []miit.XZBABaxxWzXxJrXx{{ISPJrid: newISPID(),
		Wzfb:   miit.XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{1}},
		Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{4}},
		IPXx:   []miit.XZBABaxxWzXxJrXxIPXx{{ISPIpid: newISPID(), Qsip: ipv4("203.0.113.10"), Zzip: ipv4("203.0.113.10")}}}}
	return w
}

func xzwzSite(s site) miit.XZWZXzxxWzXx {
	w := xzbaSite(s)
	out := miit.XZWZXzxxWzXx{ISPWzid: w.ISPWzid, Wzmc: w.Wzmc, Fwnr: w.Fwnr, Yylb: w.Yylb, YmXx: w.YmXx, WzFzr: w.WzFzr, Syurl: w.Syurl, WzBz: w.WzBz}
	for _, j := range w.JrXx {
		x := miit.XZWZXzxxWzXxJrXx{ISPJrid: j.ISPJrid, Wzfb: j.Wzfb, Wzjrfs: j.Wzjrfs}
		for _, ip := range j.IPXx {
			x.IPXx = append(x.IPXx, miit.XZWZXzxxWzXxJrXxIPXx(ip))
		}
		out.JrXx = append(out.JrXx, x)
	}
	return out
}

// icpDoc wraps ICP operations into an upload document of the provider.
func icpDoc(isp int64, icp miit.UploadICP) *miit.UploadData {
	icp.Qqdwid = isp
	return &miit.UploadData{ICP: &icp}
}

func newFilingDoc(isp int64, b ...miit.XZBABaxx) *miit.UploadData {
	return icpDoc(isp, miit.UploadICP{XZBA: &miit.XZBA{Baxx: b}})
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// onlyFiling returns the one filing whose Bs is bs.
func (e *env) filing(bs string) Filing {
	e.t.Helper()
	var found []Filing
	for _, f := range e.sim.Filings() {
		if f.Bs == bs {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("want one filing with Bs %s, got %d", bs, len(found))
	}
	return found[0]
}

// verifyAll enters every pending code through the Go API.
func (e *env) verifyAll(f Filing, people ...who) {
	e.t.Helper()
	for _, p := range people {
		codes := e.sim.SentCodes(p.mobile)
		if len(codes) == 0 {
			e.t.Fatalf("no code for %s", p.mobile)
		}
		res, err := e.sim.Verify(p.mobile, codes[0].Code, p.id[len(p.id)-6:])
		if err != nil || res.Outcome != VerifyOK {
			e.t.Fatalf("verify %s: %+v %v", p.mobile, res, err)
		}
	}
}

// advanceWorkdays moves the clock to the same time n working days later.
func (e *env) advanceWorkdays(n int) {
	e.t.Helper()
	e.clock.Set(e.sim.addWorkdays(e.clock.Now(), n))
}

// approve runs a filing from SMS through review: verifies the people's codes and moves the
// clock past the review.
func (e *env) approve(bs string, people ...who) {
	e.t.Helper()
	f := e.filing(bs)
	e.verifyAll(f, people...)
	if got := e.filing(bs); got.State != StateReview {
		e.t.Fatalf("filing %s is %s after verification, want review", bs, got.State)
	}
	e.advanceWorkdays(DefaultReviewWorkdays)
	if got := e.filing(bs); got.State != StateApproved {
		e.t.Fatalf("filing %s is %s (%s), want approved", bs, got.State, got.Opinion)
	}
}

func isReturnCode(err error, code miit.ReturnCode) bool {
	var re *miit.ReturnError
	return errors.As(err, &re) && re.Code == code
}

func netipAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
