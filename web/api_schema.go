package web

import (
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian"
)

// This file fits the domain's types into the API's schema. Order data is
// the domain's own Subject, Website, App … (their JSON is the snapshot
// document's), so the API never drifts from what the workflow stores; the
// schema adds what Go types cannot say: enumerations with their Chinese and
// English names, date strings, descriptions, examples and length bounds.

// apiSchemaName names component schemas after their Go types, without the
// api prefix of the web package's own (apiOrder → Order).
func apiSchemaName(t reflect.Type, hint string) string {
	n := huma.DefaultSchemaNamer(t, hint)
	if rest, ok := strings.CutPrefix(n, "Api"); ok && rest != "" {
		return rest
	}
	return n
}

// apiRegisterDomainSchemas makes the domain's scalar types document and
// validate as what their JSON is: codes from a closed list, dates as text.
func apiRegisterDomainSchemas(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[beian.Date](), reflect.TypeFor[apiDate]())
	r.RegisterTypeAlias(reflect.TypeFor[beian.OrderType](), reflect.TypeFor[apiEnumOf[beian.OrderType]]())
	r.RegisterTypeAlias(reflect.TypeFor[beian.OrderState](), reflect.TypeFor[apiEnumOf[beian.OrderState]]())
	r.RegisterTypeAlias(reflect.TypeFor[beian.Nature](), reflect.TypeFor[apiEnumOf[beian.Nature]]())
	r.RegisterTypeAlias(reflect.TypeFor[beian.CertificateType](), reflect.TypeFor[apiEnumOf[beian.CertificateType]]())
	r.RegisterTypeAlias(reflect.TypeFor[beian.AppPlatform](), reflect.TypeFor[apiEnumOf[beian.AppPlatform]]())
}

// apiDate stands for beian.Date in the schema: YYYY-MM-DD, or "" while a
// draft leaves it blank.
type apiDate struct{}

// Schema implements huma.SchemaProvider.
func (apiDate) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Pattern: `^([0-9]{4}-[0-9]{2}-[0-9]{2})?$`, PatternDescription: "YYYY-MM-DD",
		Description: "A calendar date, YYYY-MM-DD; empty while not filled in.", Examples: []any{"2030-06-30"}}
}

// apiEnumOf stands for a domain code type T in the schema: a named component
// listing every code with its Chinese and English names.
type apiEnumOf[T ~string] struct{}

// Schema implements huma.SchemaProvider; the component is registered once
// and referenced.
func (apiEnumOf[T]) Schema(r huma.Registry) *huma.Schema {
	def := apiEnums[reflect.TypeFor[T]()]
	if _, ok := r.Map()[def.name]; !ok {
		s := &huma.Schema{Type: huma.TypeString, Description: def.doc, Examples: []any{def.values[0]}}
		var lines []string
		for _, v := range def.values {
			s.Enum = append(s.Enum, v)
			t := def.text(v)
			lines = append(lines, "- `"+v+"`: "+t.ZH+" / "+t.EN)
		}
		if def.draftable {
			s.Enum = append(s.Enum, "")
			lines = append(lines, "- empty: not filled in yet (drafts only; the pre-check reports it)")
		}
		s.Description += "\n\n" + strings.Join(lines, "\n")
		s.PrecomputeMessages()
		r.Map()[def.name] = s
	}
	return &huma.Schema{Ref: "#/components/schemas/" + def.name}
}

// apiEnum describes one domain code list.
type apiEnum struct {
	name, doc string
	values    []string
	text      func(string) beian.Text
	// draftable lists allow "", since order drafts are saved incomplete.
	draftable bool
}

func apiEnumValues[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

var apiEnums = map[reflect.Type]apiEnum{
	reflect.TypeFor[beian.OrderType](): {name: "OrderType", doc: "The filing type (备案类型) of an order.",
		values: apiEnumValues(beian.OrderTypes), text: func(v string) beian.Text { return beian.OrderType(v).Text() }},
	reflect.TypeFor[beian.OrderState](): {name: "OrderState", doc: "Where an order stands (备案订单状态).",
		values: apiEnumValues(beian.OrderStates), text: func(v string) beian.Text { return beian.OrderState(v).Text() }},
	reflect.TypeFor[beian.Nature](): {name: "Nature", doc: "The subject's nature (主办单位性质); it decides the acceptable certificates.",
		values: apiEnumValues(beian.Natures), text: func(v string) beian.Text { return beian.Nature(v).Text() }, draftable: true},
	reflect.TypeFor[beian.CertificateType](): {name: "CertificateType", doc: "A certificate type (证件类型) of a subject or a person.",
		values: apiCertificateTypes(), text: func(v string) beian.Text { return beian.CertificateType(v).Text() }, draftable: true},
	reflect.TypeFor[beian.AppPlatform](): {name: "AppPlatform", doc: "An app's runtime platform.",
		values: apiEnumValues(beian.AppPlatforms), text: func(v string) beian.Text { return beian.Text{ZH: v, EN: v} }, draftable: true},
}

// apiCertificateTypes lists every certificate type once: the subject
// certificates of each nature, in the natures' order, then personal ones.
func apiCertificateTypes() []string {
	seen := map[beian.CertificateType]bool{}
	var out []string
	add := func(c beian.CertificateType) {
		if !seen[c] {
			seen[c] = true
			out = append(out, string(c))
		}
	}
	for _, n := range beian.Natures {
		for _, c := range beian.NatureCertificates[n] {
			add(c)
		}
	}
	for _, c := range beian.PersonalCertificates {
		add(c)
	}
	return out
}

// apiProvince is a province code in the API's own inputs: a closed list.
type apiProvince string

// Schema implements huma.SchemaProvider.
func (apiProvince) Schema(r huma.Registry) *huma.Schema {
	const name = "Province"
	if _, ok := r.Map()[name]; !ok {
		s := &huma.Schema{Type: huma.TypeString, Examples: []any{"11"},
			Description: "A province's two-digit GB/T 2260 code; it decides the bureau (管局) and the province's rules.\n"}
		for _, p := range beian.Provinces {
			s.Enum = append(s.Enum, p.Code)
			s.Description += "\n- `" + p.Code + "`: " + p.Name + " / " + p.NameEN
		}
		s.PrecomputeMessages()
		r.Map()[name] = s
	}
	return &huma.Schema{Ref: "#/components/schemas/" + name}
}

// apiFieldDoc documents one property of a domain schema. Max bounds a
// string's length or an array's items: these are limits of sanity (and of
// request size), not the filing rules, which the pre-check applies with
// reasons and remedies in both languages.
type apiFieldDoc struct {
	doc     string
	max     int
	example any
}

// apiDomainDocs documents the domain types that order snapshots are made of,
// by component name and JSON property. TestAPISchemaDocumented fails when a
// property has no description, e.g. after a field is added to the domain.
var apiDomainDocs = map[string]map[string]apiFieldDoc{
	"Snapshot": {
		"version":         {doc: "Version of the snapshot document format; set by the server, ignored on save.", example: 1},
		"subject":         {doc: "The subject (主办者) the order files or acts on."},
		"websites":        {doc: "Websites the order files, adds, changes or cancels.", max: 20},
		"apps":            {doc: "Apps the order files, adds, changes or cancels.", max: 20},
		"materials":       {doc: "Uploaded documents. Read-only here: uploads are their own action, and a save keeps them."},
		"cancel_reason":   {doc: "Reason of a cancellation (注销原因).", max: 500, example: "网站不再运营"},
		"filing_password": {doc: "The subject's filing password (备案密码), for operations on a subject first filed elsewhere. Encrypted at rest.", max: 64},
	},
	"Material": {
		"id":          {doc: "The material's ID within the order."},
		"purpose":     {doc: "What the document is, e.g. subject_certificate, principal_id_front, commitment_letter.", example: "subject_certificate"},
		"owner":       {doc: "\"subject\", or the ID of the website or app the document belongs to.", example: "subject"},
		"document_id": {doc: "The stored document's key."},
		"media_type":  {doc: "Sniffed from the content, never the file name.", example: "image/jpeg"},
		"size":        {doc: "Size in bytes.", example: 819200},
		"sha256":      {doc: "Hex SHA-256 of the content."},
		"uploaded_at": {doc: "Upload time."},
	},
	"Subject": {
		"province":                              {doc: "Filing province code; set by the server from the order.", max: 2, example: "11"},
		"nature":                                {doc: "Subject nature (主办单位性质)."},
		"name":                                  {doc: "Registered name of the unit, or the person's name (主办单位名称).", max: 128, example: "北京青云数据科技有限公司"},
		"certificate_type":                      {doc: "Subject certificate type (主办单位证件类型); must suit the nature."},
		"certificate_number":                    {doc: "Subject certificate number (证件号码), e.g. the unified social credit code. Personal data: encrypted at rest.", max: 64, example: "91110108MA01ABCDE1"},
		"certificate_valid_until":               {doc: "End of the certificate's validity; empty with long_term."},
		"long_term":                             {doc: "The certificate is valid without end (长期)."},
		"certificate_address":                   {doc: "Address on the certificate (证件住所).", max: 256, example: "北京市海淀区青云路1号"},
		"certificate_region":                    {doc: "GB/T 2260 county code of the certificate address.", max: 6, example: "110108"},
		"mailing_address":                       {doc: "Mailing address (通信地址)."},
		"investor":                              {doc: "Investor or supervising unit (投资者或上级主管单位).", max: 128},
		"legal_representative":                  {doc: "Legal representative as on the certificate (法定代表人).", max: 64, example: "王建国"},
		"legal_representative_certificate_type": {doc: "Certificate type of the legal representative, when not the principal."},
		"principal":                             {doc: "Subject responsible person (主体负责人)."},
		"remark":                                {doc: "Remark to the reviewer and the bureau (备注).", max: 1000},
	},
	"Person": {
		"name":                    {doc: "Full name as on the certificate.", max: 64, example: "王建国"},
		"certificate_type":        {doc: "Identity certificate type."},
		"certificate_number":      {doc: "Identity certificate number. Personal data: encrypted at rest.", max: 64, example: "110108198005060011"},
		"certificate_valid_from":  {doc: "Start of the certificate's validity."},
		"certificate_valid_until": {doc: "End of the certificate's validity; empty with long_term."},
		"long_term":               {doc: "The certificate is valid without end (长期)."},
		"mobile":                  {doc: "Mobile number; MIIT sends its SMS verification code here.", max: 32, example: "13800138001"},
		"emergency_phone":         {doc: "Emergency phone (应急电话); reviewers may call it, MIIT never texts it.", max: 32, example: "13900139002"},
		"email":                   {doc: "E-mail address.", max: 128, example: "wangjg@qingyun-data.cn"},
		"office_phone":            {doc: "Office phone, where a province asks for one.", max: 32},
		"residence_permit_until":  {doc: "End of the residence permit, for people filing outside their ID's province."},
	},
	"Address": {
		"region": {doc: "GB/T 2260 county code.", max: 6, example: "110108"},
		"detail": {doc: "The rest of the address.", max: 256, example: "青云路1号青云大厦5层"},
	},
	"Website": {
		"id":              {doc: "The website's ID within the order; materials and marks refer to it.", max: 64, example: "site-1"},
		"name":            {doc: "Website name (网站名称).", max: 64, example: "青云数据官网"},
		"domains":         {doc: "Domains, the main domain first.", max: 100, example: []any{"qingyun-data.cn"}},
		"homepage_url":    {doc: "Homepage URL, when not the main domain's root.", max: 512},
		"ips":             {doc: "Server addresses at this provider.", max: 100},
		"service_content": {doc: "Service content items from the catalogue (网站服务内容).", max: 20, example: []any{"单位门户网站"}},
		"languages":       {doc: "Site languages.", max: 20, example: []any{"zh-CN"}},
		"pre_approvals":   {doc: "Sector pre-approvals (前置审批).", max: 20},
		"principal":       {doc: "Website responsible person (网站负责人)."},
		"remark":          {doc: "Remark (备注).", max: 1000},
		"record_id":       {doc: "The filed service this website describes, for orders on existing services.", max: 64},
	},
	"App": {
		"id":               {doc: "The app's ID within the order.", max: 64, example: "app-1"},
		"name":             {doc: "App name (APP名称).", max: 64, example: "青云记账"},
		"icon_document_id": {doc: "The uploaded icon's document.", max: 128},
		"releases":         {doc: "The app on each platform.", max: 10},
		"domains":          {doc: "Back-end domains.", max: 100},
		"ips":              {doc: "Server addresses at this provider.", max: 100},
		"service_content":  {doc: "Service content items.", max: 20},
		"languages":        {doc: "App languages.", max: 20},
		"pre_approvals":    {doc: "Sector pre-approvals (前置审批).", max: 20},
		"principal":        {doc: "App responsible person (APP负责人)."},
		"remark":           {doc: "Remark (备注).", max: 1000},
		"record_id":        {doc: "The filed service this app describes, for orders on existing services.", max: 64},
	},
	"AppRelease": {
		"platform":      {doc: "Runtime platform."},
		"package_name":  {doc: "Package name or bundle ID.", max: 256, example: "cn.qingyun.books"},
		"public_key":    {doc: "Signing certificate public key.", max: 4096},
		"signature_md5": {doc: "Signature digest (Android: certificate MD5).", max: 128},
		"domains":       {doc: "Back-end domains on this platform.", max: 100},
	},
	"PreApproval": {
		"category":    {doc: "Sector of the permit, e.g. news, publishing, drugs, culture, religion.", max: 64, example: "culture"},
		"number":      {doc: "Permit number (审批号).", max: 128},
		"valid_until": {doc: "End of the permit's validity."},
		"document_id": {doc: "The uploaded permit's document.", max: 128},
	},
	"AccessRecord": {
		"id":           {doc: "The access record's ID."},
		"bureau_id":    {doc: "The bureau's ID of it (Jrid)."},
		"provider":     {doc: "The access provider (接入商)."},
		"ours":         {doc: "Whether it is this provider's."},
		"ips":          {doc: "The server addresses at that provider."},
		"status":       {doc: "active, or cancelled (取消接入).", example: "active"},
		"created_at":   {doc: "When it was created."},
		"cancelled_at": {doc: "When access was cancelled."},
	},
	"IPRange": {
		"start": {doc: "First address (IPv4 or IPv6).", example: "121.36.10.20"},
		"end":   {doc: "Last address, same family; equal to start for one address.", example: "121.36.10.20"},
	},
	"Text": {
		"zh": {doc: "Chinese (zh-CN).", example: "首次备案"},
		"en": {doc: "English.", example: "First filing"},
	},
}

// apiDocumentDomainSchemas applies apiDomainDocs to the registered components
// and recomputes their validation messages.
func apiDocumentDomainSchemas(r huma.Registry) {
	for name, props := range apiDomainDocs {
		s, ok := r.Map()[name]
		if !ok {
			continue
		}
		for prop, d := range props {
			ps, ok := s.Properties[prop]
			if !ok {
				continue
			}
			if ps.Description == "" {
				ps.Description = d.doc
			}
			if d.example != nil {
				ps.Examples = []any{d.example}
			}
			if name == "Snapshot" && (prop == "materials" || prop == "version") {
				ps.ReadOnly = true
			}
			if d.max > 0 {
				m := d.max
				if ps.Type == huma.TypeArray {
					ps.MaxItems = &m
				} else if ps.Type == huma.TypeString {
					ps.MaxLength = &m
				}
			}
			ps.PrecomputeMessages()
		}
		s.PrecomputeMessages()
	}
}
