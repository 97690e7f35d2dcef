package rules

import (
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// FieldLabel names a field path of an order's snapshot for people, as the
// portal shows it next to a finding or a reviewer's mark:
// "网站 1「松风随笔」 › 域名 2", "资料 › 主办单位证件", "主体负责人 › 手机号码".
// s supplies the names of the websites and apps a path indexes and the
// purposes of indexed documents; it may be nil. Unknown paths are named by
// their nearest known ancestor, never by the raw path.
func FieldLabel(s *beian.Snapshot, path string) beian.Text {
	if s == nil {
		s = &beian.Snapshot{}
	}
	return beian.Text{ZH: fieldLabel(s, path, beian.LangZH), EN: fieldLabel(s, path, beian.LangEN)}
}

// FieldLabelKey returns the key of a field path's own label, without
// indexes: "subject.principal.mobile" → "f.person.mobile",
// "websites[0].domains[1]" → "f.service.domains". The portal's message
// catalogue holds the same labels under "order." + key.
func FieldLabelKey(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	p := b.String()
	for _, pre := range []string{"subject.principal.", "websites.principal.", "apps.principal."} {
		if rest, ok := strings.CutPrefix(p, pre); ok {
			return "f.person." + rest
		}
	}
	if p == "websites.principal" || p == "apps.principal" {
		return "f.service.principal"
	}
	for _, pre := range []string{"websites.", "apps."} {
		if rest, ok := strings.CutPrefix(p, pre); ok {
			switch first, _, _ := strings.Cut(rest, "."); first {
			case "ips", "service_content", "languages", "pre_approvals", "remark", "principal_same", "domains":
				return "f.service." + rest
			}
		}
	}
	return "f." + p
}

// FieldLabelTexts returns the fixed labels FieldLabel composes, by key
// (FieldLabelKey's "f.…" keys and the "label.…" names of the order's own
// parts), for the test that holds them equal to the portal's catalogue.
func FieldLabelTexts() map[string]beian.Text {
	out := make(map[string]beian.Text, len(fieldLabels))
	for k, v := range fieldLabels {
		out[k] = v
	}
	return out
}

// MaterialField splits the path of a reviewer's mark on a document as the
// console offers it, "materials.<purpose>" or
// "<service>.materials.<purpose>", into the service's path ("" for the
// subject's documents) and the purpose.
func MaterialField(path string) (service, purpose string, ok bool) {
	if p, ok := strings.CutPrefix(path, "materials."); ok && p != "" {
		return "", p, true
	}
	if !strings.HasPrefix(path, "websites[") && !strings.HasPrefix(path, "apps[") {
		return "", "", false
	}
	service, purpose, ok = strings.Cut(path, ".materials.")
	return service, purpose, ok && purpose != ""
}

// labelText returns the fixed label key in lang, or that of its nearest
// known ancestor.
func labelText(key string, lang beian.Lang) string {
	for k := key; k != ""; {
		if x, ok := fieldLabels[k]; ok {
			return x.In(lang)
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 || !strings.Contains(k[:i], ".") {
			break // only "f" or "label" would be left
		}
		k = k[:i]
	}
	return fieldLabels["label.order"].In(lang)
}

func fieldLabel(s *beian.Snapshot, path string, lang beian.Lang) string {
	if service, purpose, ok := MaterialField(path); ok {
		owner := labelText("label.materials", lang)
		if service != "" {
			owner = fieldLabel(s, service, lang)
		}
		return owner + " › " + MaterialText(purpose).In(lang)
	}
	switch {
	case path == "" || path == "order":
		return labelText("label.order", lang)
	case path == "resource" || path == "type" || path == "province" || path == "record_subject_id" || path == "check_date" || path == "materials":
		return labelText("label."+path, lang)
	case strings.HasPrefix(path, "record.websites["):
		// A filed website of the subject, named by its domain (the
		// pre-check's checks of what is already filed).
		d, _, _ := strings.Cut(strings.TrimPrefix(path, "record.websites["), "]")
		if lang == beian.LangEN {
			return "Filed website " + d
		}
		return "已备案网站「" + d + "」"
	case strings.HasPrefix(path, "materials["):
		if i, _, ok := CutIndex(path, "materials"); ok && i < len(s.Materials) {
			return labelText("label.materials", lang) + " › " + MaterialText(s.Materials[i].Purpose).In(lang)
		}
		return labelText("label.materials", lang)
	}
	var parts []string
	so := ""
	rest := path
	for rest != "" {
		seg := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		name, n, hasIdx := seg, 0, false
		if i := strings.IndexByte(seg, '['); i > 0 {
			name = seg[:i]
			n, _ = strconv.Atoi(strings.TrimSuffix(seg[i+1:], "]"))
			hasIdx = true
		}
		if so == "" {
			so = name
		} else {
			so += "." + name
		}
		switch {
		case so == "websites" && hasIdx:
			nm := ""
			if n >= 0 && n < len(s.Websites) {
				nm = s.Websites[n].Name
			}
			parts = append(parts, indexedLabel("网站", "Website", n, nm, lang))
		case so == "apps" && hasIdx:
			nm := ""
			if n >= 0 && n < len(s.Apps) {
				nm = s.Apps[n].Name
			}
			parts = append(parts, indexedLabel("APP", "App", n, nm, lang))
		case so == "subject" && rest != "":
			// The subject's fields need no prefix but the principal's.
		case hasIdx:
			parts = append(parts, labelText(FieldLabelKey(so), lang)+" "+strconv.Itoa(n+1))
		default:
			// An unknown field falls back to its parent's label, which
			// is there already.
			if l := labelText(FieldLabelKey(so), lang); len(parts) == 0 || parts[len(parts)-1] != l {
				parts = append(parts, l)
			}
		}
	}
	return strings.Join(parts, " › ")
}

// indexedLabel names the nth website or app: 网站 1「松风随笔」, Website 1 “Pine Notes”.
func indexedLabel(zh, en string, n int, name string, lang beian.Lang) string {
	if lang == beian.LangEN {
		return en + " " + strconv.Itoa(n+1) + " “" + name + "”"
	}
	return zh + " " + strconv.Itoa(n+1) + "「" + name + "」"
}

// CutIndex cuts "<list>[n]" off the front of a field path, returning n and
// the rest ("websites[1].domains[0]", "websites" → 1, ".domains[0]").
func CutIndex(path, list string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, list+"[")
	if !ok {
		return 0, "", false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(rest[:end])
	return n, rest[end+1:], err == nil
}

// fieldLabels are the fixed labels, in the portal's words.
var fieldLabels = map[string]beian.Text{
	"f.apps":                                          {ZH: "APP", EN: "Apps"},
	"f.apps.icon_document_id":                         {ZH: "APP图标", EN: "App icon"},
	"f.apps.name":                                     {ZH: "APP名称", EN: "App name"},
	"f.apps.record_id":                                {ZH: "已备案APP", EN: "Filed app"},
	"f.apps.releases":                                 {ZH: "运行平台", EN: "Platforms"},
	"f.apps.releases.domains":                         {ZH: "该平台使用的域名（每行一个）", EN: "Domains this platform uses (one a line)"},
	"f.apps.releases.package_name":                    {ZH: "包名 / Bundle ID", EN: "Package name / bundle ID"},
	"f.apps.releases.platform":                        {ZH: "平台", EN: "Platform"},
	"f.apps.releases.public_key":                      {ZH: "公钥", EN: "Public key"},
	"f.apps.releases.signature_md5":                   {ZH: "签名 MD5", EN: "Signature MD5"},
	"f.cancel_reason":                                 {ZH: "注销原因", EN: "Reason for the cancellation"},
	"f.person.certificate_number":                     {ZH: "证件号码", EN: "Certificate number"},
	"f.person.certificate_type":                       {ZH: "证件类型", EN: "Certificate type"},
	"f.person.certificate_valid_from":                 {ZH: "证件有效期起", EN: "Certificate valid from"},
	"f.person.certificate_valid_until":                {ZH: "证件有效期至", EN: "Certificate valid until"},
	"f.person.email":                                  {ZH: "电子邮箱", EN: "E-mail"},
	"f.person.emergency_phone":                        {ZH: "应急联系电话", EN: "Emergency phone"},
	"f.person.long_term":                              {ZH: "证件长期有效", EN: "Certificate valid indefinitely"},
	"f.person.mobile":                                 {ZH: "手机号码", EN: "Mobile"},
	"f.person.name":                                   {ZH: "姓名", EN: "Name"},
	"f.person.office_phone":                           {ZH: "办公电话（选填）", EN: "Office phone (optional)"},
	"f.person.residence_permit_until":                 {ZH: "居住证有效期至（外省户籍个人填写）", EN: "Residence permit valid until (out-of-province individuals)"},
	"f.province":                                      {ZH: "省份", EN: "Province"},
	"f.service.domains":                               {ZH: "域名", EN: "Domains"},
	"f.service.ips":                                   {ZH: "服务器 IP 地址", EN: "Server IP addresses"},
	"f.service.ips.end":                               {ZH: "结束 IP", EN: "Last IP"},
	"f.service.ips.start":                             {ZH: "起始 IP", EN: "First IP"},
	"f.service.languages":                             {ZH: "语言", EN: "Languages"},
	"f.service.pre_approvals":                         {ZH: "前置审批", EN: "Pre-approvals"},
	"f.service.pre_approvals.category":                {ZH: "审批类别", EN: "Category"},
	"f.service.pre_approvals.document_id":             {ZH: "审批文件", EN: "Approval file"},
	"f.service.pre_approvals.number":                  {ZH: "审批号", EN: "Approval number"},
	"f.service.pre_approvals.valid_until":             {ZH: "有效期至", EN: "Valid until"},
	"f.service.principal":                             {ZH: "负责人", EN: "Principal"},
	"f.service.principal_same":                        {ZH: "与主体负责人为同一人", EN: "Same person as the subject principal"},
	"f.service.remark":                                {ZH: "备注", EN: "Remark"},
	"f.service.service_content":                       {ZH: "服务内容", EN: "Service content"},
	"f.subject":                                       {ZH: "主体信息", EN: "Subject"},
	"f.subject.certificate_address":                   {ZH: "证件住所", EN: "Address on the certificate"},
	"f.subject.certificate_number":                    {ZH: "主办单位证件号码", EN: "Certificate number"},
	"f.subject.certificate_region":                    {ZH: "证件住所所在区县", EN: "County of the certificate address"},
	"f.subject.certificate_type":                      {ZH: "主办单位证件类型", EN: "Certificate type"},
	"f.subject.certificate_valid_until":               {ZH: "证件有效期至", EN: "Certificate valid until"},
	"f.subject.investor":                              {ZH: "投资者或上级主管单位", EN: "Investor or superior authority"},
	"f.subject.legal_representative":                  {ZH: "法定代表人姓名", EN: "Legal representative"},
	"f.subject.legal_representative_certificate_type": {ZH: "法定代表人证件类型", EN: "Legal representative's certificate type"},
	"f.subject.long_term":                             {ZH: "长期有效", EN: "Valid indefinitely"},
	"f.subject.mailing_address":                       {ZH: "通信地址", EN: "Mailing address"},
	"f.subject.mailing_address.detail":                {ZH: "详细地址", EN: "Street address"},
	"f.subject.mailing_address.region":                {ZH: "通信地址所在区县", EN: "County"},
	"f.subject.name":                                  {ZH: "主办单位名称", EN: "Subject name"},
	"f.subject.nature":                                {ZH: "主办单位性质", EN: "Nature of the subject"},
	"f.subject.principal":                             {ZH: "主体负责人", EN: "Subject principal"},
	"f.subject.province":                              {ZH: "备案省份", EN: "Filing province"},
	"f.subject.remark":                                {ZH: "备注", EN: "Remark"},
	"f.websites":                                      {ZH: "网站", EN: "Websites"},
	"f.websites.homepage_url":                         {ZH: "网站首页地址", EN: "Homepage URL"},
	"f.websites.name":                                 {ZH: "网站名称", EN: "Website name"},
	"f.websites.record_id":                            {ZH: "已备案网站", EN: "Filed website"},
	"label.check_date":                                {ZH: "检查日期", EN: "Check date"},
	"label.materials":                                 {ZH: "资料", EN: "Documents"},
	"label.order":                                     {ZH: "订单", EN: "Order"},
	"label.province":                                  {ZH: "备案省份", EN: "Filing province"},
	"label.record_subject_id":                         {ZH: "备案主体", EN: "Filed subject"},
	"label.resource":                                  {ZH: "备案资源", EN: "Filing resource"},
	"label.type":                                      {ZH: "备案类型", EN: "Filing type"},
}
