package bureausim

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian/miit"
)

// rawCall posts a hand-built SOAP request and decodes the <return>'s code.
func rawCall(t *testing.T, e *env, req miit.Request) int64 {
	t.Helper()
	body := miit.EncodeSOAPRequest("", req, false)
	resp, err := http.Post(e.srv.URL+req.Method().Path(), "text/xml; charset=utf-8", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	ret, err := miit.DecodeSOAPResponse(data)
	if err != nil {
		t.Fatalf("%s: %v", req.Method(), err)
	}
	var r struct {
		Code int64 `xml:"msg_code"`
	}
	if err := miit.DecodeReturn(ret, &r); err != nil {
		t.Fatal(err)
	}
	return r.Code
}

func authFor(t *testing.T, a ISPAccount) miit.Auth {
	t.Helper()
	au, err := a.Credentials().NewAuth(nil)
	if err != nil {
		t.Fatal(err)
	}
	return au
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) {
		c.ISPs = append(c.ISPs, ISPAccount{ISPID: 777, UserName: "off", Password: "off-password", Province: "11", Disabled: true})
	})
	ctx := context.Background()
	cases := []struct {
		name string
		cred miit.Credentials
		code miit.ReturnCode
	}{
		{"wrong user name", miit.Credentials{ISPID: DefaultISP.ISPID, UserName: "nobody", Password: DefaultISP.Password}, 4},
		{"wrong password", miit.Credentials{ISPID: DefaultISP.ISPID, UserName: DefaultISP.UserName, Password: "guess"}, 5},
		{"unknown ispId", miit.Credentials{ISPID: 42, UserName: DefaultISP.UserName, Password: DefaultISP.Password}, 12},
		{"right withdrawn", miit.Credentials{ISPID: 777, UserName: "off", Password: "off-password"}, 19},
	}
	for _, tc := range cases {
		c := miit.NewClient(e.srv.URL, tc.cred)
		_, err := c.Download(ctx)
		if !isReturnCode(err, tc.code) {
			t.Errorf("%s: download error %v, want code %d", tc.name, err, tc.code)
		}
		_, err = c.QueryPreviousUpload(ctx)
		if !isReturnCode(err, tc.code) {
			t.Errorf("%s: query error %v, want code %d", tc.name, err, tc.code)
		}
	}
	// A short randVal and an unknown hash algorithm need hand-built calls.
	a := authFor(t, DefaultISP)
	a.RandVal = a.RandVal[:19]
	if code := rawCall(t, e, &miit.DownloadRequest{Auth: a}); code != 16 {
		t.Errorf("short randVal: code %d, want 16", code)
	}
	a = authFor(t, DefaultISP)
	a.HashAlgorithm = 3
	if code := rawCall(t, e, &miit.QueryPreviousUploadRequest{Auth: a}); code != 10 {
		t.Errorf("hash algorithm 3: code %d, want 10", code)
	}
	// The right credentials work, on every endpoint.
	ok := e.conn(DefaultISP)
	if _, err := ok.c.QueryPreviousUpload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ok.c.QueryBeianStatus(ctx, miit.QueryByDomain, "example.cn"); err != nil {
		t.Fatal(err)
	}
	// A method on the wrong endpoint is a SOAP fault.
	body := miit.EncodeSOAPRequest("", &miit.DownloadRequest{Auth: authFor(t, DefaultISP)}, false)
	resp, err := http.Post(e.srv.URL+miit.PathVerifyBamm, "text/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("isp_download on verifyBamm: HTTP %d", resp.StatusCode)
	}
}

func TestVersionSchemaAndRequestingUnit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)

	// Version: the file is received (code 0) and every record answered with 5004.
	d := newFilingDoc(DefaultISP.ISPID, individual(8001, zhangsan, site{name: "张三的站", domains: []string{"zs-v.cn"}, principal: zhangsan}))
	d.Version = "V.2.1"
	d.XMLName.Local = "UploadData"
	doc, err := miit.MarshalGBK(d)
	if err != nil {
		t.Fatal(err)
	}
	c.seq++
	if _, err := c.uploadXML(doc, c.seq); err != nil {
		t.Fatalf("upload with an old version: %v", err)
	}
	j := resultFor(t, c.fetch(false), OpNewFiling, "8001")
	if j.Jgxx[0].Jgdm != 5004 || !strings.Contains(j.Jgxx[0].Dmms, "V.3.0") {
		t.Fatalf("version result %+v", j)
	}

	// Schema: an empty required element fails the XSD: 5001 naming the element.
	d = newFilingDoc(DefaultISP.ISPID, individual(8002, zhangsan, site{name: "张三的站", domains: []string{"zs-s.cn"}, principal: zhangsan}))
	d.ICP.XZBA.Baxx[0].ZtXx.Dwmc = ""
	d.Version = miit.Version
	if doc, err = miit.MarshalGBK(d); err != nil {
		t.Fatal(err)
	}
	c.seq++
	if _, err := c.uploadXML(doc, c.seq); err != nil {
		t.Fatal(err)
	}
	j = resultFor(t, c.fetch(false), OpNewFiling, "8002")
	if j.Jgxx[0].Jgdm != 5001 || !strings.Contains(j.Jgxx[0].Dmms, "Dwmc") {
		t.Fatalf("schema result %+v", j)
	}
	// Not XML at all.
	c.seq++
	if _, err := c.uploadXML([]byte("this is not xml"), c.seq); err != nil {
		t.Fatal(err)
	}
	if codes := codesOf(results(c.fetch(false))); !slices.Equal(codes, []int64{5001}) {
		t.Fatalf("non-XML: %v", codes)
	}
	// Qqdwid names another unit: 5003.
	c.mustUpload(newFilingDoc(ispB.ISPID, individual(8003, zhangsan, site{name: "张三的站", domains: []string{"zs-q.cn"}, principal: zhangsan})))
	if j := resultFor(t, c.fetch(false), OpNewFiling, "8003"); j.Jgxx[0].Jgdm != 5003 {
		t.Fatalf("Qqdwid result %+v", j)
	}
	if n := len(e.sim.Filings()); n != 0 {
		t.Fatalf("%d filings from refused files", n)
	}
	if got := e.sim.LastSequence(DefaultISP.ISPID); got != 4 {
		t.Fatalf("last sequence %d: refused contents still consume their number", got)
	}
}

func TestSequenceGap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	ctx := context.Background()
	prev, err := c.c.QueryPreviousUpload(ctx)
	if err != nil || prev.DataSequence != 0 || prev.File != nil {
		t.Fatalf("before any upload: %+v %v", prev, err)
	}
	doc := func(n int64) *miit.UploadData {
		return newFilingDoc(DefaultISP.ISPID, individual(9000+n, zhangsan, site{name: "张三的站", domains: []string{"zs-gap" + itoa(n) + ".cn"}, principal: zhangsan}))
	}
	if _, err := c.uploadSeq(doc(1), 1); err != nil {
		t.Fatal(err)
	}
	// 2 and 3 skipped: refused, naming both.
	_, err = c.uploadSeq(doc(4), 4)
	var re *miit.ReturnError
	if !isReturnCode(err, miit.ReturnSequenceGap) {
		t.Fatalf("gap: %v", err)
	}
	re = err.(*miit.ReturnError)
	if !slices.Equal(re.MissingSequences, []int64{2, 3}) {
		t.Fatalf("missing %v, want [2 3]", re.MissingSequences)
	}
	if got := e.sim.LastSequence(DefaultISP.ISPID); got != 1 {
		t.Fatalf("gap moved the sequence to %d", got)
	}
	// Send the missing ones, then continue.
	for n := int64(2); n <= 4; n++ {
		if _, err := c.uploadSeq(doc(n), n); err != nil {
			t.Fatalf("upload %d: %v", n, err)
		}
	}
	prev, err = c.c.QueryPreviousUpload(ctx)
	if err != nil || prev.DataSequence != 4 || prev.File == nil {
		t.Fatalf("after 4: %+v %v", prev, err)
	}
	key, _ := DefaultISP.AESKey()
	if _, xml, err := miit.DecodePayload(prev.File, key, miit.Limits{}); err != nil || !bytes.Contains(xml, []byte("zs-gap4.cn")) {
		t.Fatalf("previous file: %v", err)
	}
	if ups := e.sim.Uploads(DefaultISP.ISPID); len(ups) != 4 || ups[3].DataSequence != 4 || ups[3].Records != 1 {
		t.Fatalf("uploads %+v", ups)
	}
	// A huge gap is named as a range.
	_, err = c.uploadSeq(doc(5), 5000)
	if !isReturnCode(err, miit.ReturnSequenceGap) || len(err.(*miit.ReturnError).MissingSequences) != 4995 {
		t.Fatalf("range gap: %v", err)
	}
}

func TestDuplicateSequence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	d := newFilingDoc(DefaultISP.ISPID, individual(9101, zhangsan, site{name: "张三的站", domains: []string{"zs-dup.cn"}, principal: zhangsan}))
	doc, _ := miit.EncodeUpload(d)
	if _, err := c.uploadXML(doc, 1); err != nil {
		t.Fatal(err)
	}
	// The same file again (its answer was lost): success, not processed twice.
	res, err := c.uploadXML(doc, 1)
	if err != nil || res.Code != 0 {
		t.Fatalf("repeat: %+v %v", res, err)
	}
	if n := len(e.sim.Filings()); n != 1 {
		t.Fatalf("%d filings after a repeated upload", n)
	}
	if n := len(e.sim.SentCodes(zhangsan.mobile)); n != 1 {
		t.Fatalf("%d codes after a repeated upload", n)
	}
	// Another file under the used number: refused, nothing processed.
	other := newFilingDoc(DefaultISP.ISPID, individual(9102, lisi, site{name: "李四的站", domains: []string{"ls-dup.cn"}, principal: lisi}))
	_, err = c.uploadSeq(other, 1)
	if !isReturnCode(err, miit.ReturnOther) {
		t.Fatalf("forked sequence: %v", err)
	}
	if n := len(e.sim.Filings()); n != 1 || e.sim.LastSequence(DefaultISP.ISPID) != 1 {
		t.Fatalf("forked sequence processed")
	}
}

func TestPayloadErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 64 << 10 })
	c := e.conn(DefaultISP)
	ctx := context.Background()
	doc, _ := miit.EncodeUpload(newFilingDoc(DefaultISP.ISPID, individual(9201, zhangsan, site{name: "张三的站", domains: []string{"zs-p.cn"}, principal: zhangsan})))
	good := func() *miit.Payload {
		p, err := miit.EncodePayload("a.xml", doc, miit.EncodeOptions{Key: c.key})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(name string, p *miit.Payload, code miit.ReturnCode) {
		t.Helper()
		if _, err := c.c.Upload(ctx, p, 1); !isReturnCode(err, code) {
			t.Errorf("%s: %v, want code %d", name, err, code)
		}
	}
	p := good()
	sum := md5.Sum([]byte("x"))
	p.BeianInfoHash = base64.StdEncoding.EncodeToString(sum[:])
	check("wrong hash", p, 7)

	wrongKey, _ := miit.NewAESKey("0000000000000000", "0000000000000000")
	p, _ = miit.EncodePayload("a.xml", doc, miit.EncodeOptions{Key: wrongKey})
	check("wrong key", p, 6)

	p = good()
	p.BeianInfo = "!!!" + p.BeianInfo
	check("broken base64", p, 6)

	plain, _ := miit.EncodePayload("a.xml", []byte("not a zip"), miit.EncodeOptions{})
	plain.BeianInfo = base64.StdEncoding.EncodeToString([]byte("not a zip"))
	s := md5.Sum([]byte("not a zip"))
	plain.BeianInfoHash = base64.StdEncoding.EncodeToString(s[:])
	check("not a zip", plain, 8)

	p = good()
	p.EncryptAlgorithm = 5
	check("encryption 5", p, 9)
	p = good()
	p.CompressionFormat = 1
	check("compression 1", p, 11)

	// Two files in one zip: 17.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, n := range []string{"a.xml", "b.xml"} {
		w, _ := zw.Create(n)
		w.Write(doc)
	}
	zw.Close()
	zs := md5.Sum(zb.Bytes())
	check("two files", &miit.Payload{BeianInfo: base64.StdEncoding.EncodeToString(zb.Bytes()), BeianInfoHash: base64.StdEncoding.EncodeToString(zs[:])}, 17)

	// Too large: the XML beyond the cap, and a request body beyond it.
	big := bytes.Repeat([]byte("<!-- padding -->"), 8<<10)
	p, _ = miit.EncodePayload("big.xml", append(bytes.Clone(doc), big...), miit.EncodeOptions{Key: c.key})
	check("XML over the cap", p, 18)
	noise := make([]byte, 200<<10)
	for i := range noise {
		noise[i] = byte(i*7919 + i/13)
	}
	p, _ = miit.EncodePayload("noise.xml", noise, miit.EncodeOptions{Key: c.key})
	check("body over the cap", p, 18)

	if got := e.sim.LastSequence(DefaultISP.ISPID); got != 0 {
		t.Fatalf("a refused payload consumed sequence 1 (last %d)", got)
	}
	// After all that, the good one is accepted as 1.
	if _, err := c.c.Upload(ctx, good(), 1); err != nil {
		t.Fatal(err)
	}
}

func TestIPAndYMUploadsAnswered(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	ip := ipv4("203.0.113.0")
	d := &miit.UploadData{IP: &miit.UploadIP{Qqdwid: DefaultISP.ISPID, XZBA: &miit.IPXZBA{Xzly: &miit.IPXZBAXzly{Ly: []miit.IPXZBAXzlyLy{{ISPID: 1, Qsip: ip, Zzip: ip + 255, Lydw: 1}}}}}}
	c.mustUpload(d)
	docs := c.fetch(false)
	if len(docs) != 1 || docs[0].IP == nil || docs[0].IP.BAJG.Lyjg[0].Jgxx[0].Jgdm != 5011 || docs[0].IP.BAJG.Lyjg[0].Czlx != 1 {
		t.Fatalf("IP upload answer: %+v", docs)
	}
	ym := &miit.UploadData{YM: &miit.UploadYM{Qqdwid: DefaultISP.ISPID, SCBA: &miit.YMSCBA{Scxx: []miit.YMSCBAScxx{{Ym: "example.cn"}}}}}
	if err := func() error { _, err := miit.EncodeUpload(ym); return err }(); err != nil {
		t.Fatalf("YM upload shape: %v", err)
	}
	c.mustUpload(ym)
	docs = c.fetch(false)
	if len(docs) != 1 || docs[0].YM == nil || docs[0].YM.BAJG.JgXx[0].Jgxx[0].Jgdm != 5009 || docs[0].YM.BAJG.JgXx[0].Czlx != 3 {
		t.Fatalf("YM upload answer: %+v", docs)
	}
}
