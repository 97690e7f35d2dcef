package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"api.validation":            {ZH: "请求有 {count} 处不符合要求，请按 errors 逐项修改。", EN: "The request has {count} problem(s); see errors for each."},
		"api.body.malformed":        {ZH: "请求体不是有效的 JSON。", EN: "The request body is not valid JSON."},
		"api.body.too_large":        {ZH: "请求体过大。", EN: "The request body is too large."},
		"api.media_type":            {ZH: "不支持该内容类型，请使用 application/json。", EN: "Unsupported content type; send application/json."},
		"api.field.required":        {ZH: "缺少必填字段「{field}」。", EN: "{field} is required."},
		"api.field.unknown":         {ZH: "未知字段「{field}」。", EN: "Unknown field {field}."},
		"api.field.max_length":      {ZH: "不能超过 {n} 个字符。", EN: "Must be at most {n} characters."},
		"api.field.min_length":      {ZH: "不能少于 {n} 个字符。", EN: "Must be at least {n} characters."},
		"api.field.max_items":       {ZH: "最多 {n} 项。", EN: "At most {n} items."},
		"api.field.min_items":       {ZH: "至少 {n} 项。", EN: "At least {n} items."},
		"api.field.maximum":         {ZH: "不能大于 {n}。", EN: "Must be at most {n}."},
		"api.field.minimum":         {ZH: "不能小于 {n}。", EN: "Must be at least {n}."},
		"api.field.enum":            {ZH: "取值必须是以下之一：{values}。", EN: "Must be one of: {values}."},
		"api.field.pattern":         {ZH: "格式不正确。", EN: "Malformed value."},
		"api.field.type":            {ZH: "类型不正确，应为{type_zh}。", EN: "Wrong type; expected {type}."},
		"api.field.ip":              {ZH: "应为 IPv4 或 IPv6 地址。", EN: "Must be an IPv4 or IPv6 address."},
		"api.field.date_time":       {ZH: "应为 RFC 3339 时间，例如 2026-12-01T08:00:00Z。", EN: "Must be an RFC 3339 time, e.g. 2026-12-01T08:00:00Z."},
		"api.field.invalid":         {ZH: "取值不正确。", EN: "Invalid value."},
		"api.field.unknown_param":   {ZH: "未知的查询参数「{field}」。", EN: "Unknown query parameter {field}."},
		"api.param.required":        {ZH: "缺少参数「{field}」。", EN: "The parameter {field} is required."},
		"api.status.not_acceptable": {ZH: "无法以请求的格式响应，请接受 application/json。", EN: "Cannot answer in the requested format; accept application/json."},
	})
}

// apiProblem is an error response: RFC 9457 problem details with Beian's
// code, message key, field and rule, in the request's language. The same
// codes map to the same statuses as on the HTML pages (codeStatus).
type apiProblem struct {
	Type   string `json:"type" doc:"Always about:blank: the code and key say which problem it is." example:"about:blank"`
	Title  string `json:"title" doc:"The HTTP status text." example:"Unprocessable Entity"`
	Status int    `json:"status" doc:"The HTTP status code." example:"422"`
	Code   string `json:"code" enum:"invalid,unauthorized,forbidden,not_found,conflict,unavailable,internal" doc:"Beian's error class: what kind of failure it is." example:"invalid"`
	Key    string `json:"key,omitempty" doc:"The message key: which failure it is, stable for programs to branch on." example:"order.precheck.blocked"`
	Detail string `json:"detail" doc:"What went wrong, for people, in the request's language." example:"智能预检发现 2 个必须修改的问题，请按提示修改后再提交。"`
	Field  string `json:"field,omitempty" doc:"The path of the offending field, when one decided, e.g. subject.principal.mobile." example:"subject.name"`
	Rule   string `json:"rule,omitempty" doc:"The catalogue rule that decided, when one did (see GET /rules)." example:"SITE-NAME-BANNED-WORD"`
	// RequestID is the X-Request-ID, which support needs to find the logs.
	RequestID string          `json:"request_id,omitempty" doc:"The request's ID (also in X-Request-ID); quote it to support." example:"5f0c8e1b2a3d4c5e6f708192"`
	Errors    []apiFieldError `json:"errors,omitempty" doc:"Every field problem of an invalid request."`
	Findings  []apiFinding    `json:"findings,omitempty" doc:"Every pre-check finding, when the pre-check stopped a submission."`
}

// apiFieldError is one problem with one field of the request.
type apiFieldError struct {
	Field    string `json:"field" doc:"Path of the field: a body path like websites[0].domains[1], or a parameter name." example:"websites[0].name"`
	Location string `json:"location" enum:"body,path,query,header" doc:"Where the field is." example:"body"`
	Message  string `json:"message" doc:"What is wrong, in the request's language." example:"不能超过 100 个字符。"`
	Key      string `json:"key,omitempty" doc:"The message key of a Beian check, stable for programs." example:"verify.immutable"`
	Rule     string `json:"rule,omitempty" doc:"The catalogue rule, for pre-check findings." example:"SITE-NAME-BANNED-WORD"`
	// Remedy says what to do, for pre-check findings.
	Remedy string `json:"remedy,omitempty" doc:"What to do about it, in the request's language (pre-check findings)."`
}

// Error returns the detail, for logs.
func (p *apiProblem) Error() string { return p.Code + ": " + p.Detail }

// GetStatus is the response status (huma.StatusError).
func (p *apiProblem) GetStatus() int { return p.Status }

// ContentType makes problems application/problem+json (huma.ContentTypeFilter).
func (p *apiProblem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

func init() {
	// huma builds every error response through these two functions; ours
	// turn Beian's coded errors, the pre-check's findings and huma's own
	// validation results into one problem shape, in the caller's language.
	// They are package variables in huma, so this is process-wide; Beian
	// has exactly one huma API.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return newAPIProblem(&apiCall{lang: beian.LangZH}, status, msg, errs)
	}
	huma.NewErrorWithContext = func(hc huma.Context, status int, msg string, errs ...error) huma.StatusError {
		call := &apiCall{lang: beian.LangZH}
		var requestID string
		if hc != nil {
			call = apiCallFrom(hc.Context())
			requestID = RequestID(hc.Context())
		}
		p := newAPIProblem(call, status, msg, errs)
		if p.RequestID == "" {
			p.RequestID = requestID
		}
		return p
	}
}

// newAPIProblem builds the problem for huma's (status, message, errors): a
// workflow error returned by a handler (huma passes it as the cause of a
// 500), or huma's own request checks.
func newAPIProblem(call *apiCall, status int, msg string, errs []error) *apiProblem {
	for _, err := range errs {
		var blocked *workflow.PrecheckBlockedError
		if _, ok := beian.AsError(err); ok || errors.As(err, &blocked) {
			return apiProblemFrom(call, err)
		}
	}
	if status >= 500 {
		var cause error = errors.New(msg)
		if len(errs) > 0 && errs[0] != nil {
			cause = errs[0]
		}
		return apiProblemFrom(call, cause)
	}
	lang := call.lang
	p := &apiProblem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: apiStatusCode(status)}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var d *huma.ErrorDetail
		if !errors.As(err, &d) {
			d = &huma.ErrorDetail{Message: err.Error()}
		}
		p.Errors = append(p.Errors, apiTranslateDetail(lang, d))
	}
	switch {
	case status == http.StatusRequestEntityTooLarge:
		p.Key, p.Errors = "api.body.too_large", nil
	case status == http.StatusRequestTimeout:
		p.Key, p.Errors = "api.body.timeout", nil
	case status == http.StatusUnsupportedMediaType:
		p.Key, p.Errors = "api.media_type", nil
	case status == http.StatusNotAcceptable:
		p.Key, p.Errors = "api.status.not_acceptable", nil
	case msg == "request body is required":
		p.Key = "api.body.required"
	case status == http.StatusBadRequest && len(p.Errors) == 1 && p.Errors[0].Field == "" && p.Errors[0].Location == "body":
		// The body did not parse as JSON; huma's message says where.
		p.Key = "api.body.malformed"
		// Only huma's message, never the detail's value: that is the whole
		// body, which may be large and hold personal data.
		p.Errors[0].Message = beian.Message(lang, p.Key, nil)
		var d *huma.ErrorDetail
		if errors.As(errs[0], &d) && d.Message != "" {
			p.Errors[0].Message += " (" + d.Message + ")"
		}
	default:
		p.Key = "api.validation"
	}
	p.Detail = beian.Message(lang, p.Key, map[string]string{"count": strconv.Itoa(len(p.Errors))})
	if len(p.Errors) > 0 {
		p.Field = p.Errors[0].Field
	}
	return p
}

// apiStatusCode is the Beian code of a status huma chose, the inverse of
// codeStatus where one exists.
func apiStatusCode(status int) string {
	for code, st := range codeStatus {
		if st == status {
			return code
		}
	}
	switch {
	case status >= 500:
		return beian.EINTERNAL
	case status == http.StatusPreconditionFailed:
		return beian.ECONFLICT
	}
	return beian.EINVALID
}

// apiProblemFrom is the problem of an error from the workflow or the
// authentication: codes map to statuses as on the pages, internal causes go
// to the log and never to the client.
func apiProblemFrom(call *apiCall, err error) *apiProblem {
	lang := call.lang
	code := beian.ErrorCode(err)
	status, ok := codeStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := &apiProblem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code,
		Detail: beian.ErrorMessage(lang, err)}
	if e, ok := beian.AsError(err); ok {
		p.Key, p.Field, p.Rule = e.Key, e.Field, e.Rule
		if p.Field != "" {
			p.Errors = []apiFieldError{{Field: p.Field, Location: "body", Message: p.Detail, Key: p.Key, Rule: p.Rule}}
		}
	} else {
		p.Key = "error.internal"
	}
	var (
		notOK   *workflow.VerifyNotOKError
		upload  *workflow.UploadRejectedError
		rows    *workflow.ImportError
		list    apiErrorList
		blocked *workflow.PrecheckBlockedError
	)
	switch {
	case errors.As(err, &notOK) && notOK.Verification != nil:
		v := notOK.Verification
		p.Errors = nil
		for _, e := range append(append([]*beian.Error(nil), v.Problems...), v.ResourceProblems...) {
			p.Errors = append(p.Errors, apiFieldErrorOf(lang, e, ""))
		}
	case errors.As(err, &upload):
		p.Errors, p.Field = nil, "body"
		for _, f := range upload.Findings {
			p.Findings = append(p.Findings, apiUploadFinding(f))
			if f.Reject {
				p.Errors = append(p.Errors, apiFieldError{Field: "body", Location: "body", Key: f.Code, Message: f.Reason.In(lang), Remedy: f.Fix.In(lang)})
			}
		}
	case errors.As(err, &rows):
		p.Errors = nil
		for _, r := range rows.Rows {
			prefix := ""
			if r.Line > 0 {
				prefix = "items[" + strconv.Itoa(r.Line-1) + "]"
			}
			p.Errors = append(p.Errors, apiFieldErrorOf(lang, r.Err, prefix))
		}
	case errors.As(err, &list):
		p.Errors = nil
		for _, e := range list {
			p.Errors = append(p.Errors, apiFieldErrorOf(lang, e, ""))
		}
	}
	if len(p.Errors) > 0 && p.Field == "" {
		p.Field = p.Errors[0].Field
	}
	if errors.As(err, &blocked) {
		p.Errors = nil
		for _, f := range blocked.Result.Findings {
			p.Findings = append(p.Findings, newAPIFinding(f))
			if f.Severity == rules.Blocking {
				p.Errors = append(p.Errors, apiFieldError{Field: f.Field, Location: "body", Rule: f.Rule,
					Message: f.Reason.In(lang), Remedy: f.Remedy.In(lang)})
			}
		}
		if len(p.Errors) > 0 {
			p.Field, p.Rule = p.Errors[0].Field, p.Errors[0].Rule
		}
	}
	if (code == beian.EINTERNAL || code == beian.EUNAVAILABLE) && call.s != nil {
		call.s.log.Error("api request failed", "code", code, "err", err)
	}
	return p
}

// apiFieldErrorOf is a coded error on one field as a problem's entry;
// prefix places the field in the request (items[3]).
func apiFieldErrorOf(lang beian.Lang, e *beian.Error, prefix string) apiFieldError {
	field := e.Field
	if prefix != "" {
		field = apiJoinPath(prefix, field)
	}
	return apiFieldError{Field: field, Location: "body", Message: e.Message(lang), Key: e.Key, Rule: e.Rule}
}

// apiErrorList is several field errors of one request, each to be listed;
// its code and message are the first's.
type apiErrorList []*beian.Error

// Error returns the first error's log text.
func (l apiErrorList) Error() string { return l[0].Error() }

// Unwrap lets beian.ErrorCode see the first error.
func (l apiErrorList) Unwrap() error { return l[0] }

// writeProblem writes a problem outside huma (authentication, cross-origin
// refusals) exactly as huma would.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *apiProblem) {
	if p.RequestID == "" {
		p.RequestID = RequestID(r.Context())
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

// apiDetailPatterns recognise huma's validation messages (huma/validation)
// so that they can be said in Chinese too. Unrecognised messages keep
// huma's English words behind a generic Chinese sentence.
var apiDetailPatterns = []struct {
	re  *regexp.Regexp
	key string
	// param names the submatch for the message's parameter.
	param string
}{
	{regexp.MustCompile(`^expected required property (\S+) to be present$`), "api.field.required", "field"},
	{regexp.MustCompile(`^required (?:path|query|header|cookie) parameter is missing$`), "api.param.required", ""},
	{regexp.MustCompile(`^unexpected property$`), "api.field.unknown", ""},
	{regexp.MustCompile(`^unknown query parameter$`), "api.field.unknown_param", ""},
	{regexp.MustCompile(`^expected length <= (\d+)$`), "api.field.max_length", "n"},
	{regexp.MustCompile(`^expected length >= (\d+)$`), "api.field.min_length", "n"},
	{regexp.MustCompile(`^expected array length <= (\d+)$`), "api.field.max_items", "n"},
	{regexp.MustCompile(`^expected array length >= (\d+)$`), "api.field.min_items", "n"},
	{regexp.MustCompile(`^expected number <= (\S+)$`), "api.field.maximum", "n"},
	{regexp.MustCompile(`^expected number >= (\S+)$`), "api.field.minimum", "n"},
	{regexp.MustCompile(`^expected value to be one of "(.*)"$`), "api.field.enum", "values"},
	{regexp.MustCompile(`^expected string to be (?:either )?RFC \d+ ipv`), "api.field.ip", ""},
	{regexp.MustCompile(`^expected string to be RFC 3339 date-time$`), "api.field.date_time", ""},
	{regexp.MustCompile(`^expected string to (?:match pattern|be) `), "api.field.pattern", ""},
	{regexp.MustCompile(`^expected (string|integer|number|boolean|array|object)$`), "api.field.type", "type"},
	{regexp.MustCompile(`^invalid (integer|number|boolean)`), "api.field.type", "type"},
}

var apiTypeZH = map[string]string{"string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值", "array": "数组", "object": "对象"}

// apiTranslateDetail turns one of huma's error details into a field error:
// the location becomes the field path the pre-check uses (body.subject.name
// → subject.name), and the message is said in lang.
func apiTranslateDetail(lang beian.Lang, d *huma.ErrorDetail) apiFieldError {
	loc, field, _ := strings.Cut(d.Location, ".")
	if loc != "body" && loc != "path" && loc != "query" && loc != "header" {
		loc, field = "body", d.Location
	}
	fe := apiFieldError{Field: field, Location: loc}
	for _, p := range apiDetailPatterns {
		m := p.re.FindStringSubmatch(d.Message)
		if m == nil {
			continue
		}
		params := map[string]string{"field": field}
		if p.param != "" && len(m) > 1 {
			params[p.param] = m[1]
		}
		if p.key == "api.field.required" {
			// huma reports a missing property at its parent.
			fe.Field = apiJoinPath(field, m[1])
			params["field"] = fe.Field
		}
		if p.key == "api.field.type" {
			params["type_zh"] = apiTypeZH[params["type"]]
		}
		fe.Message = beian.Message(lang, p.key, params)
		return fe
	}
	fe.Message = beian.Message(lang, "api.field.invalid", nil)
	if d.Message != "" {
		fe.Message += " (" + d.Message + ")"
	}
	return fe
}

func apiJoinPath(parent, name string) string {
	switch {
	case parent == "":
		return name
	case name == "":
		return parent
	}
	return parent + "." + name
}
