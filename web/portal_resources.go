package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// resourcesData is 授权码管理 with the account's filing resources.
type resourcesData struct {
	Resources []verifyResource
	Codes     *workflow.AuthCodesPage
	// Sources are the generate form's choices: a server and one of its
	// addresses, as "resourceID|ip".
	Sources []verifyChoice
	// InvalidReasons says, by code ID, why invalid codes are invalid.
	InvalidReasons map[string]string
}

// resourcesPage shows the account's resources and authorization codes.
func (s *Server) resourcesPage(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	lang := requestLang(r)
	opts, err := s.cfg.Workflow.Resources(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	codes, err := s.cfg.Workflow.AuthCodes(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := resourcesData{Codes: codes, InvalidReasons: map[string]string{}}
	for _, c := range codes.Issued {
		if c.Code.InvalidReason != "" {
			d.InvalidReasons[c.Code.ID] = beian.Message(lang, c.Code.InvalidReason, nil)
		}
	}
	for _, o := range opts {
		d.Resources = append(d.Resources, verifyResourceRow(lang, o))
	}
	for _, src := range codes.Sources {
		if len(src.Problems) > 0 {
			continue
		}
		name := src.Resource.Name
		if name == "" {
			name = src.Resource.ExternalID
		}
		for _, ip := range src.Resource.PublicIPs {
			d.Sources = append(d.Sources, verifyChoice{src.Resource.ID + "|" + ip.String(),
				s.translator(r).T("resources.source", "Name", name, "IP", ip.String(), "Left", src.Left)})
		}
	}
	s.render(w, r, http.StatusOK, "portal/resources", s.selfServicePage(r, "resources.title", d))
}

// resourcesGenerate generates codes from a server.
func (s *Server) resourcesGenerate(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id, ip, _ := strings.Cut(r.PostForm.Get("source"), "|")
	n, _ := strconv.Atoi(r.PostForm.Get("count"))
	codes, err := s.cfg.Workflow.GenerateAuthCodes(r.Context(), s.currentUser(r), workflow.GenerateInput{ResourceID: id, IP: ip, Count: n})
	s.selfServiceDone(w, r, "/portal/resources#codes", "resources.flash.generated", err, "Count", len(codes))
}

// grantData is the grant's confirmation step.
type grantData struct {
	Target  *workflow.GrantTargetView
	Codes   []workflow.AuthCodeView
	Account string
}

// resourcesGrant is 批量授权 in two steps: without a password it checks the
// target account (验证目标账号) and asks to confirm; with one it grants.
func (s *Server) resourcesGrant(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	u := s.currentUser(r)
	ids := r.PostForm["code_ids"]
	account := strings.TrimSpace(r.PostForm.Get("account"))
	if r.PostForm.Get("step") == "confirm" {
		err := s.cfg.Workflow.GrantAuthCodes(r.Context(), u, ids, account, r.PostForm.Get("password"))
		if beian.ErrorCode(err) == beian.EINVALID {
			if e, _ := beian.AsError(err); e != nil && e.Field == "password" {
				s.renderGrant(w, r, ids, account, err)
				return
			}
		}
		s.selfServiceDone(w, r, "/portal/resources#codes", "resources.flash.granted", err, "Count", len(ids), "Account", account)
		return
	}
	if len(ids) == 0 {
		s.selfServiceDone(w, r, "/portal/resources#codes", "", beian.Invalid("codes", "authcode.none_selected"))
		return
	}
	s.renderGrant(w, r, ids, account, nil)
}

func (s *Server) renderGrant(w http.ResponseWriter, r *http.Request, ids []string, account string, formErr error) {
	u := s.currentUser(r)
	target, err := s.cfg.Workflow.GrantTarget(r.Context(), u, account)
	if err != nil {
		s.selfServiceDone(w, r, "/portal/resources#codes", "", err)
		return
	}
	page, err := s.cfg.Workflow.AuthCodes(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := grantData{Target: target, Account: account}
	for _, c := range page.Issued {
		for _, id := range ids {
			if c.Code.ID == id {
				d.Codes = append(d.Codes, c)
			}
		}
	}
	p := s.selfServicePage(r, "resources.grant.title", d)
	status := http.StatusOK
	if formErr != nil {
		status = http.StatusUnprocessableEntity
		p.Error = &ErrorView{Status: status, Code: beian.ErrorCode(formErr), Message: beian.ErrorMessage(requestLang(r), formErr), Field: "password"}
	}
	s.render(w, r, status, "portal/resources_grant", p)
}

// resourcesRevoke invalidates an unused code.
func (s *Server) resourcesRevoke(w http.ResponseWriter, r *http.Request) {
	err := s.cfg.Workflow.RevokeAuthCode(r.Context(), s.currentUser(r), r.PathValue("id"))
	s.selfServiceDone(w, r, "/portal/resources#codes", "resources.flash.revoked", err)
}

// resourcesWhitelist adds an account to the auto-approval whitelist.
func (s *Server) resourcesWhitelist(w http.ResponseWriter, r *http.Request) {
	if err := parseSmallForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	account := strings.TrimSpace(r.PostForm.Get("account"))
	err := s.cfg.Workflow.SetAutoApproval(r.Context(), s.currentUser(r), account, r.PostForm.Get("notify") == "1")
	s.selfServiceDone(w, r, "/portal/resources#whitelist", "resources.flash.whitelisted", err, "Account", account)
}

// resourcesWhitelistRemove takes an account off the whitelist.
func (s *Server) resourcesWhitelistRemove(w http.ResponseWriter, r *http.Request) {
	err := s.cfg.Workflow.RemoveAutoApproval(r.Context(), s.currentUser(r), r.PathValue("account"))
	s.selfServiceDone(w, r, "/portal/resources#whitelist", "resources.flash.unlisted", err)
}

// importData is the provider's resource import page.
type importData struct {
	Columns []string
	Result  *workflow.ImportResult
	Rows    []importRow
}

type importRow struct {
	Line          int
	Field, Reason string
}

// maxImportBytes bounds an uploaded feed (about 5000 lines of CSV).
const maxImportBytes = 2 << 20

// consoleResourcesImport shows the admin's CSV import of the provider's
// filing resources.
func (s *Server) consoleResourcesImport(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u.Role != beian.RoleAdmin {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "resources.admin_only"))
		return
	}
	s.render(w, r, http.StatusOK, "portal/resources_import", s.selfServicePage(r, "resources.import.title", importData{Columns: workflow.ResourceCSVColumns()}))
}

// consoleResourcesImportPost applies an uploaded CSV feed: all or nothing,
// every problem listed with its line.
func (s *Server) consoleResourcesImportPost(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u.Role != beian.RoleAdmin {
		s.renderError(w, r, beian.Errorf(beian.EFORBIDDEN, "resources.admin_only"))
		return
	}
	d := importData{Columns: workflow.ResourceCSVColumns()}
	lang := requestLang(r)
	data, err := readImportFile(w, r)
	if err != nil {
		p := s.selfServicePage(r, "resources.import.title", d)
		p.Error = &ErrorView{Status: http.StatusUnprocessableEntity, Code: beian.ErrorCode(err), Message: beian.ErrorMessage(lang, err)}
		s.render(w, r, http.StatusUnprocessableEntity, "portal/resources_import", p)
		return
	}
	items, rowErrs := workflow.ParseResourceCSV(data)
	if len(rowErrs) == 0 {
		var res workflow.ImportResult
		res, err = s.cfg.Workflow.ImportResources(r.Context(), u, items, "csv")
		var ie *workflow.ImportError
		switch {
		case errors.As(err, &ie):
			rowErrs = ie.Rows
		case err != nil:
			s.renderError(w, r, err)
			return
		default:
			d.Result = &res
		}
	}
	for _, e := range rowErrs {
		d.Rows = append(d.Rows, importRow{Line: e.Line, Field: e.Field, Reason: e.Err.Message(lang)})
	}
	p := s.selfServicePage(r, "resources.import.title", d)
	status := http.StatusOK
	if len(d.Rows) > 0 {
		status = http.StatusUnprocessableEntity
		p.Error = &ErrorView{Status: status, Code: beian.EINVALID,
			Message: beian.Message(lang, "resources.import.rejected", map[string]string{"count": strconv.Itoa(len(d.Rows))})}
	}
	s.render(w, r, status, "portal/resources_import", p)
}

// readImportFile reads the uploaded file (or the pasted text) of the
// import form, bounded in size.
func readImportFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10)
	if err := r.ParseMultipartForm(maxImportBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, beian.Invalid("file", "resources.import.too_large", "max", "2 MB")
	}
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
		if err != nil {
			return nil, beian.Invalid("file", "form.unreadable")
		}
		if len(b) > maxImportBytes {
			return nil, beian.Invalid("file", "resources.import.too_large", "max", "2 MB")
		}
		if len(b) > 0 {
			return b, nil
		}
	}
	if text := r.FormValue("csv"); strings.TrimSpace(text) != "" {
		return []byte(text), nil
	}
	return nil, beian.Invalid("file", "resources.import.empty")
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"resources.admin_only":       {ZH: "只有服务商管理员可以导入资源。", EN: "Only provider administrators import resources."},
		"resources.import.too_large": {ZH: "文件超过 {max}。请拆分后分批导入。", EN: "The file exceeds {max}. Split it and import the parts."},
		"resources.import.empty":     {ZH: "请选择 CSV 文件，或把 CSV 内容粘贴到文本框中。", EN: "Choose a CSV file, or paste the CSV into the text box."},
	})
}
