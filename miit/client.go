package miit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client calls a bureau's six methods over SOAP 1.1. It is safe for concurrent use, but the
// caller must not run two uploads for one connection at once: data sequence numbers must not
// fork. It never retries: every call is made once and its error says whether a retry may
// help (IsRetryable, ErrorKind); the exchange engine above owns retries and backoff.
type Client struct {
	// BaseURL is the bureau server, e.g. "http://ip:port"; the method paths are appended.
	BaseURL string
	// Credentials authenticate every call.
	Credentials Credentials
	// HTTPClient sends the requests; nil means a client with DefaultTimeout. Per-call
	// deadlines come from the context.
	HTTPClient *http.Client
	// Namespace is the operation elements' namespace, the targetNamespace of the bureau's
	// WSDL. The spec does not publish it; "" sends unqualified elements, which servers that
	// dispatch on the element's local name accept. Set it from the bureau's ?wsdl.
	Namespace string
	// Positional names parameters arg0, arg1 … instead of the spec's names, for servers
	// generated from the Java interface without parameter names.
	Positional bool
	// Rand is the randomness for randVal; nil means crypto/rand.
	Rand io.Reader
	// MaxResponseBytes caps a response body; 0 means DefaultMaxResponse.
	MaxResponseBytes int64
	// UserAgent is sent as User-Agent when set.
	UserAgent string
}

// DefaultTimeout bounds a whole call when the Client has no HTTPClient of its own: downloads
// of 50 MB files over slow provincial links take minutes.
const DefaultTimeout = 5 * time.Minute

// DefaultMaxResponse caps a response: a 50 MB zip is 67 MB of base64, plus the envelope.
const DefaultMaxResponse = 96 << 20

var defaultHTTPClient = &http.Client{Timeout: DefaultTimeout}

// NewClient returns a client for the bureau at baseURL with the given credentials and
// defaults for everything else.
func NewClient(baseURL string, cred Credentials) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Credentials: cred}
}

// Result is what every method returns: the return code, the trimmed message and the raw
// <return> document (keep it for audit and for diagnosing a bureau's quirks).
type Result struct {
	Code ReturnCode
	Msg  string
	Raw  string
}

// DownloadResult is the outcome of isp_download.
type DownloadResult struct {
	Result
	// File is the downloaded file, nil when the bureau had none (code 2). Decode it with
	// DecodePayload, store it, process it, then acknowledge File.FileName with DownloadAck.
	File *Payload
}

// More reports whether the bureau has further files waiting (code 3): call Download again.
func (r *DownloadResult) More() bool { return r.Code == ReturnMoreData }

// PreviousUpload is the outcome of isp_querypreviousupload: the last data sequence number
// the bureau accepted (0 if none) and that file.
type PreviousUpload struct {
	Result
	DataSequence int64
	File         *Payload // nil when nothing was uploaded yet
}

// BeianStatus is the outcome of isp_querybeianstatus.
type BeianStatus struct {
	Result
	ConditionType QueryConditionType
	Condition     string
	// Filed is true when Bazt is 0 (已备案).
	Filed bool
	// SiteName, SubjectNumber and SiteNumber are set for filed objects: the site ones only
	// for domain queries.
	SiteName      string
	SubjectNumber string
	SiteNumber    string
}

// VerifyBammResult is the outcome of isp_verifybamm.
type VerifyBammResult struct {
	Result
	// Valid is true when VerifyRes is 0 (校验成功).
	Valid bool
}

func (c *Client) auth() (Auth, error) { return c.Credentials.NewAuth(c.Rand) }

// Upload sends one payload (see EncodePayload) with its data sequence number. On code 14 the
// *ReturnError lists the missing sequence numbers; every other non-zero code is a
// *ReturnError too. The Result is returned even with an error, for the audit trail.
func (c *Client) Upload(ctx context.Context, p *Payload, dataSequence int64) (*Result, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	req := &UploadRequest{Auth: a, BeianInfo: p.BeianInfo, BeianInfoHash: p.BeianInfoHash, DataSequence: dataSequence,
		EncryptAlgorithm: p.EncryptAlgorithm, CompressionFormat: p.CompressionFormat}
	req.HashAlgorithm = p.HashAlgorithm
	raw, err := c.call(ctx, req)
	if err != nil {
		return nil, err
	}
	var ret UploadReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}
	if res.Code != ReturnOK {
		e := &ReturnError{Method: MethodUpload, Code: res.Code, Msg: res.Msg}
		if ret.DataSequences != nil {
			e.MissingSequences = ParseSequences(ret.DataSequences.DataSequence)
		}
		return res, e
	}
	return res, nil
}

// Download fetches the next file the bureau has for us. Codes 0–3 are not errors; File is
// set when the response carries one.
func (c *Client) Download(ctx context.Context) (*DownloadResult, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	raw, err := c.call(ctx, &DownloadRequest{Auth: a})
	if err != nil {
		return nil, err
	}
	var ret DownloadReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &DownloadResult{Result: Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}}
	if !res.Code.Success() {
		return res, &ReturnError{Method: MethodDownload, Code: res.Code, Msg: res.Msg}
	}
	if fi := ret.FileInfos; fi != nil && strings.TrimSpace(fi.BeianInfo) != "" {
		res.File = &Payload{FileName: strings.TrimSpace(fi.ReturnFileName), BeianInfo: fi.BeianInfo, BeianInfoHash: fi.BeianInfoHash,
			EncryptAlgorithm: EncryptAlgorithm(fi.EncryptAlgorithm), HashAlgorithm: HashAlgorithm(fi.HashAlgorithm),
			CompressionFormat: CompressionFormat(fi.CompressionFormat)}
	}
	return res, nil
}

// DownloadAck tells the bureau a downloaded file was received intact; until then it sends
// the same file again. Call it only after the file is stored.
func (c *Client) DownloadAck(ctx context.Context, fileName string) (*Result, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	raw, err := c.call(ctx, &DownloadAckRequest{Auth: a, FileName: fileName})
	if err != nil {
		return nil, err
	}
	var ret DownloadAckReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}
	if res.Code != ReturnOK {
		return res, &ReturnError{Method: MethodDownloadAck, Code: res.Code, Msg: res.Msg}
	}
	return res, nil
}

// QueryPreviousUpload asks for the last accepted upload and its sequence number; the next
// upload must use DataSequence+1. Use it after a crash or an upload whose outcome is unknown.
func (c *Client) QueryPreviousUpload(ctx context.Context) (*PreviousUpload, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	raw, err := c.call(ctx, &QueryPreviousUploadRequest{Auth: a})
	if err != nil {
		return nil, err
	}
	var ret QueryPreviousUploadReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &PreviousUpload{Result: Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}}
	if res.Code != ReturnOK {
		return res, &ReturnError{Method: MethodQueryPreviousUpload, Code: res.Code, Msg: res.Msg}
	}
	if fi := ret.FileInfos; fi != nil {
		res.DataSequence = fi.DataSequence
		if strings.TrimSpace(fi.BeianInfo) != "" {
			res.File = &Payload{FileName: strings.TrimSpace(fi.ReturnFileName), BeianInfo: fi.BeianInfo, BeianInfoHash: fi.BeianInfoHash,
				EncryptAlgorithm: EncryptAlgorithm(fi.EncryptAlgorithm), HashAlgorithm: HashAlgorithm(fi.HashAlgorithm),
				CompressionFormat: CompressionFormat(fi.CompressionFormat)}
		}
	}
	return res, nil
}

// QueryBeianStatus asks whether a domain (QueryByDomain) or a subject, by certificate number,
// is filed.
func (c *Client) QueryBeianStatus(ctx context.Context, typ QueryConditionType, condition string) (*BeianStatus, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	raw, err := c.call(ctx, &QueryBeianStatusRequest{Auth: a, QueryConditionType: typ, QueryCondition: condition})
	if err != nil {
		return nil, err
	}
	var ret QueryBeianStatusReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &BeianStatus{Result: Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}}
	if res.Code != ReturnOK {
		return res, &ReturnError{Method: MethodQueryBeianStatus, Code: res.Code, Msg: res.Msg}
	}
	si := ret.StatusInfo
	if si == nil {
		return res, fmt.Errorf("miit: %s returned success without StatusInfo", MethodQueryBeianStatus)
	}
	res.ConditionType = QueryConditionType(si.Cxtjlx)
	res.Condition = strings.TrimSpace(si.Cxtj)
	res.Filed = strings.TrimSpace(si.Bazt) == "0"
	res.SiteName = strings.TrimSpace(si.Wzmc)
	res.SubjectNumber = strings.TrimSpace(si.Ztbah)
	res.SiteNumber = strings.TrimSpace(si.Wzbah)
	return res, nil
}

// VerifyBamm checks a filing password (备案密码) for a filing number. Bureaus rate-limit it
// (code 22).
func (c *Client) VerifyBamm(ctx context.Context, baxh, bamm string) (*VerifyBammResult, error) {
	a, err := c.auth()
	if err != nil {
		return nil, err
	}
	raw, err := c.call(ctx, &VerifyBammRequest{Auth: a, Baxh: baxh, Bamm: bamm})
	if err != nil {
		return nil, err
	}
	var ret VerifyBammReturn
	if err := DecodeReturn(raw, &ret); err != nil {
		return nil, err
	}
	res := &VerifyBammResult{Result: Result{Code: ReturnCode(ret.MsgCode), Msg: strings.TrimSpace(ret.Msg), Raw: raw}}
	if res.Code != ReturnOK {
		return res, &ReturnError{Method: MethodVerifyBamm, Code: res.Code, Msg: res.Msg}
	}
	if ret.VerifyRes == nil {
		return res, fmt.Errorf("miit: %s returned success without VerifyRes", MethodVerifyBamm)
	}
	res.Valid = *ret.VerifyRes == 0
	return res, nil
}

// call posts one SOAP request and returns the <return> document text.
func (c *Client) call(ctx context.Context, req Request) (string, error) {
	body := EncodeSOAPRequest(c.Namespace, req, c.Positional)
	url := strings.TrimRight(c.BaseURL, "/") + req.Method().Path()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("miit: %s: %w", req.Method(), err)
	}
	hreq.Header.Set("Content-Type", "text/xml; charset=utf-8")
	hreq.Header.Set("SOAPAction", `""`)
	if c.UserAgent != "" {
		hreq.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		return "", fmt.Errorf("miit: %s: %w", req.Method(), err)
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponse
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return "", fmt.Errorf("miit: %s: read response: %w", req.Method(), err)
	}
	if int64(len(data)) > limit {
		return "", fmt.Errorf("miit: %s: response larger than %d bytes", req.Method(), limit)
	}
	ret, err := DecodeSOAPResponse(data)
	if f, ok := err.(*SOAPFault); ok {
		f.HTTPStatus = resp.StatusCode
		return "", fmt.Errorf("miit: %s: %w", req.Method(), f)
	}
	if resp.StatusCode != http.StatusOK {
		snippet := string(data)
		if len(snippet) > 512 {
			snippet = snippet[:512]
		}
		return "", fmt.Errorf("miit: %s: %w", req.Method(), &HTTPError{StatusCode: resp.StatusCode, Body: snippet})
	}
	if err != nil {
		return "", fmt.Errorf("miit: %s: %w", req.Method(), err)
	}
	return ret, nil
}
