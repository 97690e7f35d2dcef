package miit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBureau is a small bureau built only from the package's server-side helpers, the way
// miit/bureausim will use them: decode the SOAP call, check auth, answer with a <return>.
type testBureau struct {
	t         *testing.T
	cred      Credentials
	key       *AESKey
	namespace string // what the client is expected to send

	mu       sync.Mutex
	lastSeq  int64
	lastFile *Payload
	uploaded [][]byte
	queue    []*Payload // files waiting for download, acknowledged by name
	fault    string     // "", "soap", "http503", "slow", "gbkdecl"
}

func newTestBureau(t *testing.T) (*testBureau, *httptest.Server) {
	b := &testBureau{t: t, cred: Credentials{ISPID: 110000000211, UserName: "beian", Password: "口令a1"}, key: testKey(t)}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv
}

func (b *testBureau) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	switch r.URL.Path {
	case PathUpDownLoad, PathQueryBeianStatus, PathVerifyBamm:
	default:
		http.NotFound(w, r)
		return
	}
	b.mu.Lock()
	fault, namespace := b.fault, b.namespace
	b.mu.Unlock()
	switch fault {
	case "soap":
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(EncodeSOAPFault("soap:Server", "java.lang.NullPointerException"))
		return
	case "http503":
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	case "slow":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	}
	call, err := DecodeSOAPRequest(body)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(EncodeSOAPFault("soap:Client", err.Error()))
		return
	}
	if call.Namespace != namespace {
		b.t.Errorf("namespace %q, want %q", call.Namespace, namespace)
	}
	if r.URL.Path != call.Method.Path() {
		b.t.Errorf("%s called on %s", call.Method, r.URL.Path)
	}
	ret := b.handle(call.Request)
	text, err := EncodeReturn(ret)
	if err != nil {
		b.t.Fatal(err)
	}
	if fault == "gbkdecl" { // what Java servers often do: a declaration that no longer applies
		text = `<?xml version="1.0" encoding="GBK"?>` + "\n" + strings.Replace(text, ` version="V.3.0"`, "", 1)
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(EncodeSOAPResponse(call.Namespace, call.Method, text))
}

func (b *testBureau) handle(req Request) any {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := req.Authentication()
	fail := func(code ReturnCode) any { return &UploadReturn{MsgCode: int64(code), Msg: code.Text()} }
	switch {
	case a.ISPID != b.cred.ISPID:
		return fail(12)
	case a.UserName != b.cred.UserName:
		return fail(4)
	case len(a.RandVal) < RandValLength:
		return fail(16)
	case !VerifyPwdHash(b.cred.Password, a.RandVal, a.PwdHash):
		return fail(5)
	}
	switch r := req.(type) {
	case *UploadRequest:
		if r.DataSequence != b.lastSeq+1 {
			ret := &UploadReturn{MsgCode: 14, Msg: ReturnSequenceGap.Text(), DataSequences: &UploadReturnDataSequences{}}
			for s := b.lastSeq + 1; s < r.DataSequence; s++ {
				ret.DataSequences.DataSequence = append(ret.DataSequences.DataSequence, strconv.FormatInt(s, 10))
			}
			return ret
		}
		p := &Payload{BeianInfo: r.BeianInfo, BeianInfoHash: r.BeianInfoHash, EncryptAlgorithm: r.EncryptAlgorithm,
			HashAlgorithm: r.HashAlgorithm, CompressionFormat: r.CompressionFormat}
		name, doc, err := DecodePayload(p, b.key, Limits{})
		if errors.Is(err, ErrHashMismatch) {
			return fail(7)
		} else if err != nil {
			return fail(8)
		}
		if _, err := DecodeUpload(doc); err != nil {
			return fail(999)
		}
		p.FileName = name
		b.lastSeq, b.lastFile = r.DataSequence, p
		b.uploaded = append(b.uploaded, doc)
		return &UploadReturn{MsgCode: 0, Msg: "操作成功"}
	case *DownloadRequest:
		if len(b.queue) == 0 {
			return &DownloadReturn{MsgCode: 2, Msg: ReturnCode(2).Text()}
		}
		f := b.queue[0]
		code := ReturnOK
		if len(b.queue) > 1 {
			code = ReturnMoreData
		}
		return &DownloadReturn{MsgCode: int64(code), Msg: "  操作成功  ", FileInfos: &DownloadReturnFileInfos{
			HashAlgorithm: int64(f.HashAlgorithm), CompressionFormat: int64(f.CompressionFormat), EncryptAlgorithm: int64(f.EncryptAlgorithm),
			ReturnFileName: f.FileName, BeianInfo: f.BeianInfo, BeianInfoHash: f.BeianInfoHash}}
	case *DownloadAckRequest:
		if r.FileName == "" {
			return &DownloadAckReturn{MsgCode: 21, Msg: ReturnCode(21).Text()}
		}
		for i, f := range b.queue {
			if f.FileName == r.FileName {
				b.queue = append(b.queue[:i], b.queue[i+1:]...)
				break
			}
		}
		return &DownloadAckReturn{MsgCode: 0, Msg: "操作成功"}
	case *QueryPreviousUploadRequest:
		ret := &QueryPreviousUploadReturn{MsgCode: 0, Msg: "操作成功", FileInfos: &QueryPreviousUploadReturnFileInfos{DataSequence: b.lastSeq}}
		if f := b.lastFile; f != nil {
			fi := ret.FileInfos
			fi.HashAlgorithm, fi.CompressionFormat, fi.EncryptAlgorithm = int64(f.HashAlgorithm), int64(f.CompressionFormat), int64(f.EncryptAlgorithm)
			fi.ReturnFileName, fi.BeianInfo, fi.BeianInfoHash = f.FileName, f.BeianInfo, f.BeianInfoHash
		}
		return ret
	case *QueryBeianStatusRequest:
		si := &QueryBeianStatusReturnStatusInfo{Cxtjlx: int64(r.QueryConditionType), Cxtj: r.QueryCondition, Bazt: "1"}
		if r.QueryConditionType == QueryByDomain && r.QueryCondition == "example.cn" {
			si.Bazt, si.Wzmc, si.Ztbah, si.Wzbah = "0", "示例网站", "京ICP备12345678号", "京ICP备12345678号-1"
		}
		return &QueryBeianStatusReturn{MsgCode: 0, Msg: "操作成功", StatusInfo: si}
	case *VerifyBammRequest:
		res := int64(1)
		if r.Baxh == "京ICP备12345678号" && r.Bamm == "0123456789abcdef0123456789abcdef" {
			res = 0
		}
		return &VerifyBammReturn{MsgCode: 0, Msg: "操作成功", VerifyRes: &res}
	}
	return fail(999)
}

// set changes the bureau's behaviour while handlers may be running.
func (b *testBureau) set(fault, namespace string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fault, b.namespace = fault, namespace
}

func newTestClient(b *testBureau, srv *httptest.Server) *Client {
	c := NewClient(srv.URL, b.cred)
	c.HTTPClient = srv.Client()
	return c
}

func TestClientUpload(t *testing.T) {
	b, srv := newTestBureau(t)
	c := newTestClient(b, srv)
	ctx := context.Background()
	doc := sampleUploadXML(t)

	p, err := EncodePayload(UploadFileName(time.Now(), "test", 1), doc, EncodeOptions{Key: b.key, Wrap: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Upload(ctx, p, 1)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if res.Code != ReturnOK || res.Msg != "操作成功" || !strings.Contains(res.Raw, "<msg_code>0</msg_code>") {
		t.Errorf("result = %+v", res)
	}
	b.mu.Lock()
	uploaded := b.uploaded
	b.mu.Unlock()
	if len(uploaded) != 1 || string(uploaded[0]) != string(doc) {
		t.Error("bureau did not receive the document")
	}

	// Skipping 2 and 3: the bureau refuses with code 14 and lists them.
	res, err = c.Upload(ctx, p, 4)
	var re *ReturnError
	if !errors.As(err, &re) || re.Code != ReturnSequenceGap {
		t.Fatalf("err = %v, want code 14", err)
	}
	if !reflect.DeepEqual(re.MissingSequences, []int64{2, 3}) {
		t.Errorf("MissingSequences = %v", re.MissingSequences)
	}
	if res == nil || res.Code != 14 || IsRetryable(err) || ErrorKind(err) != KindSequenceGap {
		t.Errorf("res %+v, retryable %v, kind %v", res, IsRetryable(err), ErrorKind(err))
	}

	// The previous upload is what we sent, and decodes to the same document.
	prev, err := c.QueryPreviousUpload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if prev.DataSequence != 1 || prev.File == nil {
		t.Fatalf("previous = %+v", prev)
	}
	if _, got, err := DecodePayload(prev.File, b.key, Limits{}); err != nil || string(got) != string(doc) {
		t.Errorf("previous file: %v", err)
	}
}

func TestClientAuthFailures(t *testing.T) {
	b, srv := newTestBureau(t)
	for _, tc := range []struct {
		mutate func(c *Client)
		code   ReturnCode
	}{
		{func(c *Client) { c.Credentials.Password = "wrong" }, 5},
		{func(c *Client) { c.Credentials.UserName = "nobody" }, 4},
		{func(c *Client) { c.Credentials.ISPID = 1 }, 12},
	} {
		c := newTestClient(b, srv)
		tc.mutate(c)
		_, err := c.Download(context.Background())
		var re *ReturnError
		if !errors.As(err, &re) || re.Code != tc.code || ErrorKind(err) != KindAuth || IsRetryable(err) {
			t.Errorf("err = %v, want code %d (auth, not retryable)", err, tc.code)
		}
	}
}

func TestClientDownloadAndAck(t *testing.T) {
	b, srv := newTestBureau(t)
	c := newTestClient(b, srv)
	ctx := context.Background()

	var want []*DownloadData
	for i, k := range downloadKinds()[:2] {
		f := filler{full: true}
		d := k.build(&f).(*DownloadData)
		data, err := EncodeDownload(d)
		if err != nil {
			t.Fatal(err)
		}
		p, err := EncodePayload(fmt.Sprintf("20260325145800_zj_%d.xml", i), data, EncodeOptions{Key: b.key, Wrap: i == 0})
		if err != nil {
			t.Fatal(err)
		}
		b.mu.Lock()
		b.queue = append(b.queue, p)
		b.mu.Unlock()
		want = append(want, d)
	}
	for i := 0; ; i++ {
		res, err := c.Download(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.File == nil {
			if res.Code != ReturnNoData || i != 2 {
				t.Fatalf("no file at %d: %+v", i, res.Result)
			}
			break
		}
		if res.More() != (i == 0) || res.Msg != "操作成功" {
			t.Errorf("download %d: code %v msg %q", i, res.Code, res.Msg)
		}
		_, doc, err := DecodePayload(res.File, b.key, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeDownload(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("download %d differs at %s", i, firstDiff(reflect.ValueOf(got), reflect.ValueOf(want[i]), ""))
		}
		if _, err := c.DownloadAck(ctx, res.File.FileName); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.DownloadAck(ctx, "")
	var re *ReturnError
	if !errors.As(err, &re) || re.Code != 21 || re.Kind() != KindParameter {
		t.Errorf("empty ack: %v", err)
	}
}

func TestClientQueries(t *testing.T) {
	b, srv := newTestBureau(t)
	c := newTestClient(b, srv)
	ctx := context.Background()

	st, err := c.QueryBeianStatus(ctx, QueryByDomain, "example.cn")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(st.Raw, `<return version="V.3.0">`) {
		t.Errorf("EncodeReturn did not set the version: %s", st.Raw)
	}
	if !st.Filed || st.SiteNumber != "京ICP备12345678号-1" || st.SubjectNumber != "京ICP备12345678号" || st.SiteName != "示例网站" {
		t.Errorf("status = %+v", st)
	}
	st, err = c.QueryBeianStatus(ctx, QueryByResidentID, "110101199003074514")
	if err != nil || st.Filed || st.ConditionType != QueryByResidentID || st.Condition != "110101199003074514" {
		t.Errorf("status = %+v, %v", st, err)
	}

	v, err := c.VerifyBamm(ctx, "京ICP备12345678号", "0123456789abcdef0123456789abcdef")
	if err != nil || !v.Valid {
		t.Errorf("VerifyBamm = %+v, %v", v, err)
	}
	v, err = c.VerifyBamm(ctx, "京ICP备12345678号", "wrong")
	if err != nil || v.Valid {
		t.Errorf("VerifyBamm wrong password = %+v, %v", v, err)
	}
}

// TestClientWireVariants covers what real servers and clients vary: a namespace on the
// operation, positional parameter names, a stale GBK declaration inside <return> and no
// version attribute.
func TestClientWireVariants(t *testing.T) {
	b, srv := newTestBureau(t)
	c := newTestClient(b, srv)
	c.Namespace = "http://bureau.example/isp"
	c.Positional = true
	b.set("gbkdecl", c.Namespace)
	st, err := c.QueryBeianStatus(context.Background(), QueryByDomain, "example.cn")
	if err != nil || !st.Filed || st.SiteName != "示例网站" {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if strings.Contains(st.Raw, `version="V.3.0"`) || !strings.Contains(st.Raw, `encoding="GBK"`) {
		t.Errorf("test server did not vary the return document: %s", st.Raw)
	}
}

func TestClientTransportErrors(t *testing.T) {
	b, srv := newTestBureau(t)
	c := newTestClient(b, srv)

	b.set("soap", "")
	_, err := c.Download(context.Background())
	var f *SOAPFault
	if !errors.As(err, &f) || f.Code != "soap:Server" || f.HTTPStatus != 500 || !IsRetryable(err) {
		t.Errorf("SOAP fault: %v", err)
	}

	b.set("http503", "")
	_, err = c.Download(context.Background())
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 || !IsRetryable(err) || ErrorKind(err) != KindBusy {
		t.Errorf("HTTP 503: %v", err)
	}

	b.set("slow", "")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.Download(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !IsRetryable(err) {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = c.Download(ctx)
	if !errors.Is(err, context.Canceled) || IsRetryable(err) {
		t.Errorf("cancelled: %v", err)
	}

	b.set("", "")
	c.BaseURL = srv.URL + "/nowhere"
	_, err = c.Download(context.Background())
	if !errors.As(err, &he) || he.StatusCode != 404 || IsRetryable(err) {
		t.Errorf("wrong base URL: %v", err)
	}

	c.MaxResponseBytes = 10
	c.BaseURL = srv.URL
	if _, err := c.Download(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("response cap: %v", err)
	}
}

func TestDecodeSOAPVariants(t *testing.T) {
	// An Axis-style response: namespaced wrapper, <isp_uploadReturn>, CDATA, a header.
	resp := `<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Header><x:trace xmlns:x="urn:x">1</x:trace></soapenv:Header>
 <soapenv:Body>
  <ns1:isp_uploadResponse xmlns:ns1="urn:any">
   <isp_uploadReturn><![CDATA[<return><msg_code>14</msg_code><msg>漏报</msg><dataSequences><dataSequence>7</dataSequence><dataSequence>8,9</dataSequence></dataSequences></return>]]></isp_uploadReturn>
  </ns1:isp_uploadResponse>
 </soapenv:Body>
</soapenv:Envelope>`
	ret, err := DecodeSOAPResponse([]byte(resp))
	if err != nil {
		t.Fatal(err)
	}
	var ur UploadReturn
	if err := DecodeReturn(ret, &ur); err != nil {
		t.Fatal(err)
	}
	if ur.MsgCode != 14 || !reflect.DeepEqual(ParseSequences(ur.DataSequences.DataSequence), []int64{7, 8, 9}) {
		t.Errorf("return = %+v", ur)
	}

	// A request with whitespace around numbers and parameters out of order.
	req := `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><isp_downloadack xmlns="">
<fileName>f.xml</fileName><hashAlgorithm> 0 </hashAlgorithm><ispId> 42 </ispId><userName>u</userName>
<randVal>abcdefghij0123456789</randVal><pwdHash>h</pwdHash></isp_downloadack></Body></Envelope>`
	call, err := DecodeSOAPRequest([]byte(req))
	if err != nil {
		t.Fatal(err)
	}
	ack, ok := call.Request.(*DownloadAckRequest)
	if !ok || ack.ISPID != 42 || ack.FileName != "f.xml" || ack.UserName != "u" {
		t.Errorf("request = %#v", call.Request)
	}

	for name, bad := range map[string]string{
		"unknown method": `<Envelope><Body><isp_delete/></Body></Envelope>`,
		"missing param":  `<Envelope><Body><isp_download><ispId>1</ispId></isp_download></Body></Envelope>`,
		"bad number":     strings.Replace(req, "> 42 <", ">x<", 1),
		"not soap":       `<html/>`,
		"empty body":     `<Envelope><Body></Body></Envelope>`,
	} {
		if _, err := DecodeSOAPRequest([]byte(bad)); !errors.Is(err, ErrSOAP) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestSOAPRequestRoundTrip checks that every method's request survives encode → decode in
// both naming styles.
func TestSOAPRequestRoundTrip(t *testing.T) {
	a := Auth{ISPID: 110000000211, UserName: "用户", RandVal: "abcdefghij0123456789", PwdHash: "x/y+z==", HashAlgorithm: HashMD5}
	reqs := []Request{
		&UploadRequest{Auth: a, BeianInfo: "QUJD\r\nREVG", BeianInfoHash: "h", DataSequence: 1 << 40, EncryptAlgorithm: EncryptAES},
		&DownloadRequest{Auth: a},
		&DownloadAckRequest{Auth: a, FileName: "20260325145800_zj_3058.xml"},
		&QueryPreviousUploadRequest{Auth: a},
		&QueryBeianStatusRequest{Auth: a, QueryConditionType: QueryByTaiwanPermit, QueryCondition: "<&>"},
		&VerifyBammRequest{Auth: a, Baxh: "京ICP备1号", Bamm: "pw"},
	}
	if len(reqs) != len(Methods) {
		t.Fatal("a method is missing from the test")
	}
	for _, r := range reqs {
		for _, positional := range []bool{false, true} {
			call, err := DecodeSOAPRequest(EncodeSOAPRequest("urn:ns", r, positional))
			if err != nil {
				t.Fatalf("%s: %v", r.Method(), err)
			}
			if call.Method != r.Method() || call.Namespace != "urn:ns" || !reflect.DeepEqual(call.Request, r) {
				t.Errorf("%s positional=%v: got %#v", r.Method(), positional, call.Request)
			}
		}
	}
}

func TestParseSequences(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []int64
	}{
		{[]string{"501"}, []int64{501}},
		{[]string{"503", "501", "501"}, []int64{501, 503}},
		{[]string{" 7, 9;8 "}, []int64{7, 8, 9}},
		{[]string{"10-12"}, []int64{10, 11, 12}},
		{[]string{"1-99999999"}, nil}, // refuses an absurd range
		{[]string{"x", "-3", ""}, nil},
	} {
		if got := ParseSequences(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSequences(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
