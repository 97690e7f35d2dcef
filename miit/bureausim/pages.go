package bureausim

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageFuncs = template.FuncMap{
	"cst": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(beian.ChinaTime).Format("2006-01-02 15:04:05")
	},
	"mask":    maskID,
	"opzh":    func(o Operation) string { return o.Text().ZH },
	"open":    func(o Operation) string { return o.Text().EN },
	"join":    strings.Join,
	"isp":     func(id int64) string { return strconv.FormatInt(id, 10) },
	"extText": func(c miit.ResultCode) string { return ResultText(c) },
	"state": func(st FilingState) string {
		return map[FilingState]string{StateSMS: "短信核验中 SMS verification", StateReview: "管局审核中 under review",
			StateApproved: "审核通过 approved", StateRejected: "审核拒绝 rejected", StateReturned: "已退回 returned"}[st]
	},
	"smskind": func(k SMSKind) string {
		return map[SMSKind]string{SMSCode: "核验码 code", SMSPassword: "备案密码 filing password", SMSNotice: "通知 notice"}[k]
	},
}

var pages = template.Must(template.New("").Funcs(pageFuncs).ParseFS(templateFS, "templates/*.html"))

// Handler serves the simulator over HTTP:
//
//	POST /ISPWebService/upDownLoad               isp_upload, isp_download, isp_downloadack, isp_querypreviousupload
//	POST /BeianStatusWebService/queryBeianStatus isp_querybeianstatus
//	POST /BeianStatusWebService/verifyBamm       isp_verifybamm
//	GET  /sim/                                   index
//	GET  /sim/phone[?mobile=]                    phone inbox: the SMS sent, newest first
//	GET  /sim/verify, POST /sim/verify           SMS verification (短信核验) and resending codes
//	GET  /sim/admin, GET /sim/admin.json         state: providers, filings, records, feeds, faults
//	POST /sim/admin/{inject,fault,clear-faults,decide}  admin actions (form or JSON)
//
// The pages are server-rendered HTML in Chinese and English without JavaScript, with
// relative links, so the handler can be mounted under a prefix (http.StripPrefix). Form
// posts are protected against cross-origin requests. Nothing is authenticated except the
// SOAP calls (as a bureau does): serve the simulator on loopback, or behind a proxy that
// authenticates, never on a public address.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	soap := http.HandlerFunc(s.serveSOAP)
	for _, p := range []string{miit.PathUpDownLoad, miit.PathQueryBeianStatus, miit.PathVerifyBamm} {
		mux.Handle("POST "+p, soap)
	}
	cop := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { redirectRel(w, "sim/", http.StatusFound) })
	mux.HandleFunc("GET /sim", func(w http.ResponseWriter, r *http.Request) { redirectRel(w, "sim/", http.StatusFound) })
	mux.HandleFunc("GET /sim/{$}", s.pageIndex)
	mux.HandleFunc("GET /sim/phone", s.pagePhone)
	mux.HandleFunc("GET /sim/verify", s.pageVerify)
	mux.Handle("POST /sim/verify", cop.Handler(http.HandlerFunc(s.postVerify)))
	mux.HandleFunc("GET /sim/admin", s.pageAdmin)
	mux.HandleFunc("GET /sim/admin.json", s.adminJSON)
	mux.Handle("POST /sim/admin/{action}", cop.Handler(http.HandlerFunc(s.postAdmin)))
	return mux
}

func (s *Sim) render(w http.ResponseWriter, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("bureau simulator: rendering a page failed", "page", name, "err", err)
		http.Error(w, "rendering failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

type pageBase struct {
	Title beian.Text
	Now   time.Time
	Msg   string
	Err   string
}

func (s *Sim) base(title beian.Text, r *http.Request) pageBase {
	return pageBase{Title: title, Now: s.Now(), Msg: r.URL.Query().Get("msg"), Err: r.URL.Query().Get("err")}
}

func (s *Sim) pageIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, "index.html", struct {
		pageBase
		ISPs []ISPAccount
	}{s.base(beian.Text{ZH: "省局系统模拟器", EN: "Provincial bureau simulator"}, r), s.ISPs()})
}

type phoneData struct {
	pageBase
	Mobile   string
	Messages []SMS
	Mobiles  []mobileCount
}

type mobileCount struct {
	Mobile string
	Count  int
}

func (s *Sim) pagePhone(w http.ResponseWriter, r *http.Request) {
	mobile := normalizeMobile(r.URL.Query().Get("mobile"))
	all := s.Inbox("")
	d := phoneData{pageBase: s.base(beian.Text{ZH: "短信收件箱", EN: "Phone inbox"}, r), Mobile: mobile}
	counts := map[string]int{}
	for _, m := range all {
		if counts[m.Mobile] == 0 {
			d.Mobiles = append(d.Mobiles, mobileCount{Mobile: m.Mobile})
		}
		counts[m.Mobile]++
		if mobile == "" || m.Mobile == mobile {
			d.Messages = append(d.Messages, m)
		}
	}
	for i := range d.Mobiles {
		d.Mobiles[i].Count = counts[d.Mobiles[i].Mobile]
	}
	s.render(w, "phone.html", d)
}

type verifyData struct {
	pageBase
	Mobile string
	Result *VerifyResult
	Ok     bool
}

func (s *Sim) pageVerify(w http.ResponseWriter, r *http.Request) {
	s.render(w, "verify.html", verifyData{pageBase: s.base(beian.Text{ZH: "ICP备案短信核验", EN: "ICP filing SMS verification"}, r),
		Mobile: normalizeMobile(r.URL.Query().Get("mobile"))})
}

func (s *Sim) postVerify(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d := verifyData{pageBase: s.base(beian.Text{ZH: "ICP备案短信核验", EN: "ICP filing SMS verification"}, r),
		Mobile: normalizeMobile(r.PostFormValue("mobile"))}
	if r.PostFormValue("action") == "resend" {
		switch err := s.Resend(d.Mobile); {
		case err == nil:
			d.Msg = "验证码已重新发送，请查收短信。A new code was sent."
		case errors.Is(err, ErrResendLimit):
			d.Err = fmt.Sprintf("重新发送次数已达上限（%d次）。The code may be resent at most %d times.", SMSMaxResends, SMSMaxResends)
		case errors.Is(err, ErrNoPendingCode):
			d.Err = "该手机号码没有待核验的备案。No filing waits for this mobile number."
		default:
			d.Err = err.Error()
		}
		s.render(w, "verify.html", d)
		return
	}
	res, err := s.Verify(d.Mobile, r.PostFormValue("code"), r.PostFormValue("idlast6"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	d.Result = &res
	d.Ok = res.Outcome == VerifyOK
	if !d.Ok {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	s.render(w, "verify.html", d)
}

// AdminView is the snapshot /sim/admin and /sim/admin.json show. Certificate numbers are
// masked.
type AdminView struct {
	SimTime    time.Time         `json:"now"`
	ISPs       []AdminISP        `json:"isps"`
	Filings    []Filing          `json:"filings"`
	Records    []Record          `json:"records"`
	Faults     []Fault           `json:"faults"`
	Blacklist  map[string]any    `json:"blacklist"`
	FaultKinds []FaultKind       `json:"-"`
	Methods    []miit.Method     `json:"-"`
	Ops        map[string]string `json:"-"`
}

// AdminISP is a provider's connection as the admin page shows it.
type AdminISP struct {
	ISPID        int64                `json:"ispId"`
	Name         string               `json:"name"`
	Province     string               `json:"province"`
	LastSequence int64                `json:"lastSequence"`
	Pending      []FileInfo           `json:"pendingFiles"`
	Uploads      []UploadLog          `json:"uploads"`
	Answers      []VerificationAnswer `json:"verificationAnswers"`
	Unfiled      []UnfiledResult      `json:"unfiledResults"`
	Materials    []MaterialUpload     `json:"materials"`
}

// Admin returns the admin snapshot.
func (s *Sim) Admin() AdminView {
	v := AdminView{SimTime: s.Now(), Filings: s.Filings(), Records: s.Records(), Faults: s.Faults(), FaultKinds: FaultKinds, Methods: miit.Methods}
	for i := range v.Filings {
		v.Filings[i].SubjectCertNumber = maskID(v.Filings[i].SubjectCertNumber)
	}
	for i := range v.Records {
		v.Records[i].CertNumber = maskID(v.Records[i].CertNumber)
	}
	for _, a := range s.cfg.ISPs {
		ai := AdminISP{ISPID: a.ISPID, Name: a.Name, Province: a.Province, LastSequence: s.LastSequence(a.ISPID),
			Uploads: s.Uploads(a.ISPID), Answers: s.VerificationAnswers(a.ISPID), Unfiled: s.UnfiledResults(a.ISPID), Materials: s.Materials(a.ISPID)}
		for _, f := range s.PendingFiles(a.ISPID) {
			f.XML = nil
			ai.Pending = append(ai.Pending, f)
		}
		v.ISPs = append(v.ISPs, ai)
	}
	s.mu.Lock()
	v.Blacklist = map[string]any{"certs": maskAll(s.st.Blacklist.Certs), "domains": slices.Clone(s.st.Blacklist.Domains)}
	s.mu.Unlock()
	return v
}

func (s *Sim) pageAdmin(w http.ResponseWriter, r *http.Request) {
	s.render(w, "admin.html", struct {
		pageBase
		AdminView
	}{s.base(beian.Text{ZH: "模拟器管理", EN: "Simulator admin"}, r), s.Admin()})
}

func (s *Sim) adminJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(s.Admin())
}

// adminRequest is the JSON form of an admin action; form posts use the same names.
type adminRequest struct {
	// inject
	ISP  int64             `json:"isp"`
	Kind string            `json:"kind"`
	ICP  *miit.DownloadICP `json:"icp,omitempty"`
	JCDM *miit.JCDM        `json:"jcdm,omitempty"`
	// record-based injection
	Number   string `json:"number,omitempty"`
	Text     string `json:"text,omitempty"`
	Domain   string `json:"domain,omitempty"`
	IP       string `json:"ip,omitempty"`
	Name     string `json:"name,omitempty"`
	CertType int64  `json:"certType,omitempty"`
	Cert     string `json:"cert,omitempty"`
	Alive    bool   `json:"alive,omitempty"`
	Under    bool   `json:"under,omitempty"`
	// fault
	Count       int           `json:"count,omitempty"`
	Probability float64       `json:"probability,omitempty"`
	Methods     []miit.Method `json:"methods,omitempty"`
	// decide
	Filing  string `json:"filing,omitempty"`
	Approve bool   `json:"approve,omitempty"`
	Opinion string `json:"opinion,omitempty"`
}

func (s *Sim) postAdmin(w http.ResponseWriter, r *http.Request) {
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	var req adminRequest
	if isJSON {
		d := json.NewDecoder(io.LimitReader(r.Body, 8<<20))
		d.DisallowUnknownFields()
		if err := d.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f := r.PostForm
		req.ISP, _ = strconv.ParseInt(f.Get("isp"), 10, 64)
		req.Kind, req.Number, req.Text, req.Domain, req.IP = f.Get("kind"), f.Get("number"), f.Get("text"), f.Get("domain"), f.Get("ip")
		req.Name, req.Cert = f.Get("name"), f.Get("cert")
		req.CertType, _ = strconv.ParseInt(f.Get("certType"), 10, 64)
		req.Alive, req.Under = f.Get("alive") != "", f.Get("under") != ""
		req.Count, _ = strconv.Atoi(f.Get("count"))
		req.Probability, _ = strconv.ParseFloat(f.Get("probability"), 64)
		for _, m := range f["methods"] {
			req.Methods = append(req.Methods, miit.Method(m))
		}
		req.Filing, req.Approve, req.Opinion = f.Get("filing"), f.Get("approve") == "1", f.Get("opinion")
	}
	files, msg, err := s.adminAction(r.PathValue("action"), req)
	if isJSON {
		if err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "files": files, "message": msg})
		return
	}
	q := url.Values{}
	if err != nil {
		q.Set("err", err.Error())
	} else {
		q.Set("msg", msg)
	}
	redirectRel(w, "../admin?"+q.Encode(), http.StatusSeeOther)
}

// redirectRel redirects to a location relative to the request's own URL. http.Redirect
// would make it absolute from r.URL.Path, which is wrong under http.StripPrefix.
func redirectRel(w http.ResponseWriter, loc string, code int) {
	w.Header().Set("Location", loc)
	w.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// adminAction performs one admin action and says what it did.
func (s *Sim) adminAction(action string, req adminRequest) ([]string, string, error) {
	var files []string
	var err error
	ip := func() (netip.Addr, error) {
		a, err := netip.ParseAddr(strings.TrimSpace(req.IP))
		if err != nil {
			return a, fmt.Errorf("IP地址无效 invalid IP address %q", req.IP)
		}
		return a, nil
	}
	switch action {
	case "inject":
		switch req.Kind {
		case "raw", "":
			switch {
			case req.ICP != nil:
				files, err = s.Inject(req.ISP, req.ICP)
			case req.JCDM != nil:
				files, err = s.InjectJCDM(req.ISP, req.JCDM)
			default:
				err = errors.New("raw injection needs icp or jcdm")
			}
		case "XGTZ":
			files, err = s.RectificationNotice(req.Number, req.Text)
		case "HCJG-Kkwzhc":
			files, err = s.EmptyShellCheck(req.Number, req.Alive, req.Text)
		case "HCJG-Zthc":
			files, err = s.SubjectCheck(req.Number, req.Text)
		case "HCJG-Jrhc":
			var a netip.Addr
			if req.Under {
				if a, err = ip(); err != nil {
					break
				}
			}
			files, err = s.AccessCheck(req.ISP, req.Number, req.Under, req.Domain, a)
		case "HSRW":
			files, err = s.VerificationTask(req.Number, req.Text)
		case "WBAWZLB":
			var a netip.Addr
			if a, err = ip(); err == nil {
				files, err = s.UnfiledSite(req.ISP, req.Domain, a)
			}
		case "HMDLB-subject":
			files, err = s.BlacklistSubject(req.Name, req.CertType, req.Cert)
		case "HMDLB-domain":
			files, err = s.BlacklistDomain(req.Name, req.Domain)
		case "FFJRHMD":
			var a netip.Addr
			if a, err = ip(); err == nil {
				files, err = s.IllegalAccess(req.ISP, req.Domain, a)
			}
		case "JCDM":
			files, err = s.InjectJCDM(req.ISP, codeTables(s.cfg.ISPs))
		default:
			err = fmt.Errorf("unknown kind %q", req.Kind)
		}
		return files, fmt.Sprintf("已下发 queued: %s", strings.Join(files, ", ")), err
	case "fault":
		kind := FaultKind(req.Kind)
		if req.Probability > 0 {
			err = s.InjectRandomFault(kind, req.Probability, req.Methods...)
		} else {
			err = s.InjectFault(kind, max(req.Count, 1), req.Methods...)
		}
		return nil, fmt.Sprintf("故障已注入 fault injected: %s", kind), err
	case "clear-faults":
		s.ClearFaults()
		return nil, "故障已清除 faults cleared", nil
	case "decide":
		err = s.Decide(req.Filing, req.Approve, req.Opinion)
		return nil, fmt.Sprintf("审核完成 review decided: %s", req.Filing), err
	}
	return nil, "", fmt.Errorf("unknown action %q", action)
}
