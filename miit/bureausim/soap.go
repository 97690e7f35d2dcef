package bureausim

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/openbeian/beian/miit"
)

// maxCallBody caps the request body of every method but isp_upload.
const maxCallBody = 1 << 20

// serveSOAP is the web service: one handler for the three endpoints, dispatching on the
// operation element as JAX-WS servers do.
func (s *Sim) serveSOAP(w http.ResponseWriter, r *http.Request) {
	limit := int64(maxCallBody)
	if r.URL.Path == miit.PathUpDownLoad {
		limit = s.cfg.MaxUploadBytes*4/3 + 1<<20 // base64 of the largest zip, plus the envelope
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) && r.URL.Path == miit.PathUpDownLoad:
		// The envelope cannot be parsed, but on this endpoint only isp_upload carries a
		// payload that large: answer it with code 18 as a bureau would.
		s.writeReturn(w, "", miit.MethodUpload, &miit.UploadReturn{MsgCode: 18, Msg: miit.ReturnCode(18).Text()})
		return
	case err != nil:
		http.Error(w, "request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	call, err := miit.DecodeSOAPRequest(body)
	if err != nil {
		s.writeFault(w, "soap:Client", err.Error())
		return
	}
	if call.Method.Path() != r.URL.Path {
		s.writeFault(w, "soap:Client", fmt.Sprintf("%s is not served on %s", call.Method, r.URL.Path))
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "bureau simulator closed", http.StatusServiceUnavailable)
		return
	}
	s.now() // keep SimTime current for the fault decision's log
	fault := s.takeFault(call.Method, transportFaults...)
	s.mu.Unlock()

	switch fault {
	case FaultTimeout:
		s.hang(r)
		return
	case FaultHTTP500:
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	case FaultSOAPFault:
		s.writeFault(w, "soap:Server", "java.lang.RuntimeException: simulated server error")
		return
	case FaultBusy:
		code := miit.ReturnCode(901)
		if call.Method == miit.MethodDownload || call.Method == miit.MethodDownloadAck {
			code = 902
		}
		s.writeReturn(w, call.Namespace, call.Method, errReturn(call.Method, code, ""))
		return
	}
	ret, err := s.handle(call.Request)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if fault == FaultLoseResponse {
		s.hang(r)
		return
	}
	s.writeReturn(w, call.Namespace, call.Method, ret)
}

// hang holds a call until its client goes away or the simulator closes.
func (s *Sim) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func (s *Sim) writeReturn(w http.ResponseWriter, ns string, m miit.Method, ret any) {
	text, err := miit.EncodeReturn(ret)
	if err != nil {
		s.log.Error("bureau simulator: encoding a return failed", "method", string(m), "err", err)
		s.writeFault(w, "soap:Server", "encoding the return failed")
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(miit.EncodeSOAPResponse(ns, m, text))
}

func (s *Sim) writeFault(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(miit.EncodeSOAPFault(code, msg))
}

// errReturn renders a failure in the return document of the method.
func errReturn(m miit.Method, code miit.ReturnCode, msg string) any {
	if msg == "" {
		msg = code.Text()
	}
	c := int64(code)
	switch m {
	case miit.MethodUpload:
		return &miit.UploadReturn{MsgCode: c, Msg: msg}
	case miit.MethodDownload:
		return &miit.DownloadReturn{MsgCode: c, Msg: msg}
	case miit.MethodDownloadAck:
		return &miit.DownloadAckReturn{MsgCode: c, Msg: msg}
	case miit.MethodQueryPreviousUpload:
		return &miit.QueryPreviousUploadReturn{MsgCode: c, Msg: msg}
	case miit.MethodQueryBeianStatus:
		return &miit.QueryBeianStatusReturn{MsgCode: c, Msg: msg}
	}
	return &miit.VerifyBammReturn{MsgCode: c, Msg: msg}
}

// authenticate checks a call's authentication block (spec 3-3-1-3): 16 for a short
// randVal, 12 for an unknown ispId, 4 for a wrong user name, 10 for an unknown hash
// algorithm, 5 for a wrong pwdHash, 19 for a provider whose right was withdrawn.
func (s *Sim) authenticate(a miit.Auth) (ISPAccount, miit.ReturnCode) {
	acc, known := s.isps[a.ISPID]
	switch {
	case len(a.RandVal) < miit.RandValLength:
		return acc, 16
	case !known:
		return acc, 12
	case a.UserName != acc.UserName:
		return acc, 4
	case a.HashAlgorithm != miit.HashMD5:
		return acc, 10
	case !miit.VerifyPwdHash(acc.Password, a.RandVal, a.PwdHash):
		return acc, 5
	case acc.Disabled:
		return acc, 19
	}
	return acc, miit.ReturnOK
}

// handle runs one authenticated call under the lock and returns its return document.
func (s *Sim) handle(req miit.Request) (any, error) {
	now, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer s.end()
	m := req.Method()
	acc, code := s.authenticate(req.Authentication())
	if code != miit.ReturnOK {
		s.log.Info("call refused", "method", string(m), "isp", req.Authentication().ISPID, "code", int(code))
		return errReturn(m, code, ""), nil
	}
	switch r := req.(type) {
	case *miit.UploadRequest:
		return s.upload(acc, r, now), nil
	case *miit.DownloadRequest:
		wrong := len(s.isp(acc.ISPID).Files) > 0 && s.takeFault(m, FaultWrongHash) == FaultWrongHash
		return s.download(acc.ISPID, wrong), nil
	case *miit.DownloadAckRequest:
		keep := hasFile(s.isp(acc.ISPID), strings.TrimSpace(r.FileName)) && s.takeFault(m, FaultRedeliver) == FaultRedeliver
		return s.ack(acc.ISPID, r.FileName, keep), nil
	case *miit.QueryPreviousUploadRequest:
		return s.previous(acc.ISPID), nil
	case *miit.QueryBeianStatusRequest:
		return s.status(r), nil
	case *miit.VerifyBammRequest:
		return s.verifyBamm(r, now), nil
	}
	return errReturn(m, miit.ReturnOther, ""), nil
}

func hasFile(is *ispState, name string) bool {
	for _, f := range is.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// previous answers isp_querypreviousupload: the last accepted sequence and its file; 0 and
// an empty file before the first upload (spec 3-3-4-3).
func (s *Sim) previous(isp int64) *miit.QueryPreviousUploadReturn {
	is := s.isp(isp)
	ret := &miit.QueryPreviousUploadReturn{MsgCode: 0, Msg: miit.ReturnOK.Text(), FileInfos: &miit.QueryPreviousUploadReturnFileInfos{}}
	if p := is.LastUpload; p != nil {
		ret.FileInfos = &miit.QueryPreviousUploadReturnFileInfos{HashAlgorithm: int64(p.HashAlgorithm), CompressionFormat: int64(p.CompressionFormat),
			EncryptAlgorithm: int64(p.EncryptAlgorithm), DataSequence: is.LastSeq, ReturnFileName: p.FileName,
			BeianInfo: p.BeianInfo, BeianInfoHash: p.BeianInfoHash}
	}
	return ret
}

// status answers isp_querybeianstatus from the records: by domain (condition type 0) the
// site's name and numbers, by certificate number (types 1–11) the subject number.
func (s *Sim) status(r *miit.QueryBeianStatusRequest) *miit.QueryBeianStatusReturn {
	cond := strings.TrimSpace(r.QueryCondition)
	info := &miit.QueryBeianStatusReturnStatusInfo{Cxtjlx: int64(r.QueryConditionType), Cxtj: cond, Bazt: "1"}
	switch t := r.QueryConditionType; {
	case t == miit.QueryByDomain:
		if d, ok := normalizeDomain(cond); ok {
			if site := s.siteByDomain(d); site != nil {
				info.Bazt, info.Wzmc, info.Wzbah = "0", site.Data.Name, s.siteNumber(site)
				info.Ztbah = s.st.Subjects[site.Ztid].number()
			}
		}
	case t >= miit.QueryByBusinessLicence && t <= miit.QueryByTaiwanPermit:
		if sr := s.subjectByCert(cond); sr != nil {
			info.Bazt, info.Ztbah = "0", sr.number()
		}
	default:
		return &miit.QueryBeianStatusReturn{MsgCode: int64(miit.ReturnOther), Msg: fmt.Sprintf("其他错误：查询条件类型%d无效（queryConditionType 0–11）", t)}
	}
	return &miit.QueryBeianStatusReturn{MsgCode: 0, Msg: miit.ReturnOK.Text(), StatusInfo: info}
}

// Filing-password checks are rate-limited (spec 3-3-6-2, return code 22): at most
// BammMaxFailures wrong passwords per filing number within BammWindow of simulated time.
const (
	BammMaxFailures = 5
	BammWindow      = time.Hour
)

// verifyBamm answers isp_verifybamm: whether bamm (plain, or MD5 hex as ICPmm) is the
// filing password of the subject the number (subject or service number) belongs to.
func (s *Sim) verifyBamm(r *miit.VerifyBammRequest, now time.Time) *miit.VerifyBammReturn {
	key := strings.TrimSpace(r.Baxh)
	if s.st.BammFailures == nil {
		s.st.BammFailures = map[string][]time.Time{}
	}
	recent := s.st.BammFailures[key][:0:0]
	for _, t := range s.st.BammFailures[key] {
		if now.Sub(t) < BammWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= BammMaxFailures {
		return &miit.VerifyBammReturn{MsgCode: 22, Msg: fmt.Sprintf("备案密码校验超过%d次，请仔细核对备案密码", BammMaxFailures)}
	}
	res := int64(1)
	if sr := s.subjectByNumber(key); sr != nil && !sr.Cancelled && checkPassword(sr, r.Bamm) {
		res = 0
	} else {
		recent = append(recent, now)
	}
	s.st.BammFailures[key] = recent
	if len(recent) == 0 {
		delete(s.st.BammFailures, key)
	}
	s.dirty = true
	return &miit.VerifyBammReturn{MsgCode: 0, Msg: miit.ReturnOK.Text(), VerifyRes: &res}
}

// LastSequence is the last data sequence number accepted from a provider.
func (s *Sim) LastSequence(isp int64) int64 {
	if _, err := s.begin(); err != nil {
		return 0
	}
	defer s.end()
	return s.isp(isp).LastSeq
}

// Uploads lists a provider's accepted (and dropped) uploads, oldest first.
func (s *Sim) Uploads(isp int64) []UploadLog {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	return append([]UploadLog(nil), s.isp(isp).Uploads...)
}

// VerificationAnswers lists a provider's answers to verification tasks (HSJG uploads).
func (s *Sim) VerificationAnswers(isp int64) []VerificationAnswer {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	return append([]VerificationAnswer(nil), s.isp(isp).Answers...)
}

// UnfiledResults lists a provider's handling results for unfiled sites (WBACLJG uploads).
func (s *Sim) UnfiledResults(isp int64) []UnfiledResult {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	return append([]UnfiledResult(nil), s.isp(isp).Unfiled...)
}

// Materials lists a provider's separate submissions of verification material (XZHYD).
func (s *Sim) Materials(isp int64) []MaterialUpload {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	return append([]MaterialUpload(nil), s.isp(isp).Materials...)
}
