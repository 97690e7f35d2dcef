package bureausim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// noRedirect posts without following the 303 back to the admin page.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.conn(DefaultISP)
	c.fetch(false)
	rec := filed(t, e, c, "zs-pages.cn")
	c.mustUpload(newFilingDoc(DefaultISP.ISPID, individual(2, lisi, site{name: "李四的站", domains: []string{"ls-pages.cn"}, principal: lisi})))
	e.verifyAll(e.filing("2"), lisi)
	c.fetch(false)

	for _, p := range []string{"/sim/", "/sim/phone", "/sim/verify", "/sim/admin"} {
		status, body := get(t, e.srv.URL+p)
		if status != http.StatusOK || !strings.Contains(body, "模拟") || strings.Contains(body, "<script") {
			t.Errorf("%s: %d", p, status)
		}
		if !strings.Contains(body, `lang="zh-CN"`) {
			t.Errorf("%s is not Chinese-first", p)
		}
	}
	_, admin := get(t, e.srv.URL+"/sim/admin")
	for _, want := range []string{rec.Number, rec.Password, "zs-pages.cn", e.filing("2").ID, "admin/decide", "故障注入"} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	if strings.Contains(admin, zhangsan.id) {
		t.Error("admin page shows a full ID number")
	}
	// The JSON snapshot.
	_, js := get(t, e.srv.URL+"/sim/admin.json")
	var v AdminView
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != 1 || v.Records[0].CertNumber == zhangsan.id || len(v.Filings) != 2 || len(v.ISPs) != 2 {
		t.Fatalf("admin JSON %+v", v)
	}

	// Form actions: queue a notice, arm a fault, decide the review.
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := noRedirect.PostForm(e.srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := post("/sim/admin/inject", url.Values{"kind": {"XGTZ"}, "number": {rec.Services[0].Number}, "text": {"请整改"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "msg=") {
		t.Fatalf("inject: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = post("/sim/admin/inject", url.Values{"kind": {"XGTZ"}, "number": {"京ICP备00000000号"}, "text": {"x"}})
	if !strings.Contains(resp.Header.Get("Location"), "err=") {
		t.Fatalf("inject for an unknown number: %s", resp.Header.Get("Location"))
	}
	post("/sim/admin/fault", url.Values{"kind": {"busy"}, "count": {"2"}, "methods": {"isp_verifybamm"}})
	if f := e.sim.Faults(); len(f) != 1 || f[0].Kind != FaultBusy || f[0].Remaining != 2 || f[0].Methods[0] != "isp_verifybamm" {
		t.Fatalf("fault from the form: %+v", f)
	}
	post("/sim/admin/clear-faults", nil)
	post("/sim/admin/decide", url.Values{"filing": {e.filing("2").ID}, "opinion": {"名称不规范"}})
	if f := e.filing("2"); f.State != StateRejected || f.Opinion != "名称不规范" {
		t.Fatalf("decided from the form: %+v", f)
	}
	docs := c.fetch(false)
	if len(docs) != 2 || docs[0].ICP.XGTZ == nil {
		t.Fatalf("queued from the form: %d files", len(docs))
	}

	// JSON injection of a raw item.
	body := `{"isp": ` + itoa(DefaultISP.ISPID) + `, "icp": {"XGTZ": {"Tzxx": [{"Tzlb": 0, "Baxh": "` + rec.Number + `", "Tznr": "主体信息整改"}]}}}`
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/sim/admin/inject", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		OK    bool     `json:"ok"`
		Files []string `json:"files"`
		Error string   `json:"error"`
	}
	json.NewDecoder(r2.Body).Decode(&out)
	r2.Body.Close()
	if !out.OK || len(out.Files) != 1 {
		t.Fatalf("JSON injection: %d %+v", r2.StatusCode, out)
	}

	// Cross-origin form posts are refused.
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/sim/verify", strings.NewReader("mobile=1&code=2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d", r3.StatusCode)
	}
}

func TestHandlerUnderPrefix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	mux.Handle("/bureau/", http.StripPrefix("/bureau", e.sim.Handler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	status, body := get(t, srv.URL+"/bureau/")
	if status != http.StatusOK || !strings.Contains(body, `href="phone"`) {
		t.Fatalf("index under a prefix: %d", status)
	}
	c := e.conn(DefaultISP)
	c.c.BaseURL = srv.URL + "/bureau"
	if _, err := c.c.QueryPreviousUpload(t.Context()); err != nil {
		t.Fatalf("SOAP under a prefix: %v", err)
	}
}
