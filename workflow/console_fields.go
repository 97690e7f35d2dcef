package workflow

import (
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// FieldPath is a field of an order's snapshot a reviewer can mark: its path
// in the grammar the pre-check uses ("subject.principal.mobile",
// "websites[0].domains[1]", JSON names), and a label in both languages that
// names where the field is ("网站「青云官网」· 域名").
type FieldPath struct {
	Path  string
	Label beian.Text
	// Value is the field's value as text for the picker, "" for personal
	// data (certificate numbers, phones, e-mails), which pages never repeat.
	Value string
	// Group marks a path that names a whole block (the subject, a website,
	// a principal) rather than one value: markable, but not a data line.
	Group bool
}

// Paths of the fields that are not part of the snapshot's structure: the
// order as a whole, and every material at once (pre-check upload findings
// name it).
const (
	FieldOrder     = "order"
	FieldMaterials = "materials"
)

var subjectFields = []struct {
	name  string
	label beian.Text
}{
	{"name", beian.Text{ZH: "主办单位名称", EN: "name"}},
	{"nature", beian.Text{ZH: "主办单位性质", EN: "nature"}},
	{"certificate_type", beian.Text{ZH: "证件类型", EN: "certificate type"}},
	{"certificate_number", beian.Text{ZH: "证件号码", EN: "certificate number"}},
	{"certificate_valid_until", beian.Text{ZH: "证件有效期", EN: "certificate validity"}},
	{"certificate_address", beian.Text{ZH: "证件住所", EN: "certificate address"}},
	{"mailing_address", beian.Text{ZH: "通信地址", EN: "mailing address"}},
	{"investor", beian.Text{ZH: "投资人或主管单位", EN: "investor or superior"}},
	{"legal_representative", beian.Text{ZH: "法定代表人", EN: "legal representative"}},
	{"remark", beian.Text{ZH: "备注", EN: "remark"}},
}

var personFields = []struct {
	name  string
	label beian.Text
}{
	{"name", beian.Text{ZH: "姓名", EN: "name"}},
	{"certificate_type", beian.Text{ZH: "证件类型", EN: "certificate type"}},
	{"certificate_number", beian.Text{ZH: "证件号码", EN: "certificate number"}},
	{"certificate_valid_until", beian.Text{ZH: "证件有效期", EN: "certificate validity"}},
	{"mobile", beian.Text{ZH: "手机号码", EN: "mobile"}},
	{"emergency_phone", beian.Text{ZH: "应急联系电话", EN: "emergency phone"}},
	{"email", beian.Text{ZH: "电子邮箱", EN: "e-mail"}},
}

// materialPurposes names the material purposes of the rule catalogue.
var materialPurposes = map[string]beian.Text{
	rules.MaterialSubjectCertificate:            {ZH: "主办单位证件", EN: "Subject certificate"},
	rules.MaterialPrincipalIDFront:              {ZH: "主体负责人证件（正面）", EN: "Subject principal's ID (front)"},
	rules.MaterialPrincipalIDBack:               {ZH: "主体负责人证件（反面）", EN: "Subject principal's ID (back)"},
	rules.MaterialServicePrincipalIDFront:       {ZH: "网站/APP负责人证件（正面）", EN: "Service principal's ID (front)"},
	rules.MaterialServicePrincipalIDBack:        {ZH: "网站/APP负责人证件（反面）", EN: "Service principal's ID (back)"},
	rules.MaterialServicePrincipalPhoto:         {ZH: "网站/APP负责人照片", EN: "Service principal's photo"},
	rules.MaterialVerificationSheet:             {ZH: "真实性核验单", EN: "Verification sheet"},
	rules.MaterialCommitmentLetter:              {ZH: "ICP备案信息真实性承诺书", EN: "Authenticity commitment letter"},
	rules.MaterialResponsibilityNotice:          {ZH: "ICP备案信息真实性责任告知书", EN: "Authenticity responsibility notice"},
	rules.MaterialCommitmentVideo:               {ZH: "诵读承诺书视频", EN: "Commitment reading video"},
	rules.MaterialBureauCommitment:              {ZH: "互联网信息服务备案承诺书", EN: "Bureau filing commitment letter"},
	rules.MaterialPrincipalAuthorization:        {ZH: "主体负责人法人授权书", EN: "Subject principal's authorization"},
	rules.MaterialServicePrincipalAuthorization: {ZH: "网站/APP负责人法人授权书", EN: "Service principal's authorization"},
	rules.MaterialDomainHolderProof:             {ZH: "域名持有者关系证明", EN: "Domain holder relationship proof"},
	rules.MaterialDomainCertificate:             {ZH: "域名证书", EN: "Domain certificate"},
	rules.MaterialResidencePermit:               {ZH: "居住证", EN: "Residence permit"},
	rules.MaterialAgeProof:                      {ZH: "工作或收入证明", EN: "Proof of work or income"},
	rules.MaterialEstablishmentProof:            {ZH: "编办证明", EN: "Establishment proof"},
	rules.MaterialMedicalPracticeLicence:        {ZH: "医疗机构执业许可证", EN: "Medical practice licence"},
	rules.MaterialMedicalAdApproval:             {ZH: "医疗广告审查证明", EN: "Medical advertising approval"},
	rules.MaterialConstructionPlan:              {ZH: "网站建设方案书", EN: "Website construction plan"},
	rules.MaterialNameChangeLetter:              {ZH: "工商更名函", EN: "Name change letter"},
	rules.MaterialStateLevelProof:               {ZH: "国家级单位证明函", EN: "State-level unit letter"},
	rules.MaterialAppIcon:                       {ZH: "APP图标", EN: "App icon"},
	rules.MaterialOther:                         {ZH: "其他附件", EN: "Other attachment"},
}

// MaterialPurposeText names a material purpose in both languages; unknown
// purposes are shown as they are.
func MaterialPurposeText(purpose string) beian.Text {
	if t, ok := materialPurposes[purpose]; ok {
		return t
	}
	return beian.Text{ZH: purpose, EN: purpose}
}

func join(a, b beian.Text) beian.Text {
	return beian.Text{ZH: a.ZH + " · " + b.ZH, EN: a.EN + " · " + b.EN}
}

func idx(prefix string, i int) string { return prefix + "[" + strconv.Itoa(i) + "]" }

// serviceOwner returns the path and label of the service with snapshot ID
// owner, or false when the material belongs to the subject.
func serviceOwner(s *beian.Snapshot, owner string) (string, beian.Text, bool) {
	for i := range s.Websites {
		if s.Websites[i].ID == owner && owner != "" {
			return idx("websites", i), websiteLabel(i, &s.Websites[i]), true
		}
	}
	for i := range s.Apps {
		if s.Apps[i].ID == owner && owner != "" {
			return idx("apps", i), appLabel(i, &s.Apps[i]), true
		}
	}
	return "", beian.Text{}, false
}

func websiteLabel(i int, w *beian.Website) beian.Text {
	n := strconv.Itoa(i + 1)
	return beian.Text{ZH: "网站" + n + "「" + w.Name + "」", EN: "Website " + n + " “" + w.Name + "”"}
}

func appLabel(i int, a *beian.App) beian.Text {
	n := strconv.Itoa(i + 1)
	return beian.Text{ZH: "APP" + n + "「" + a.Name + "」", EN: "App " + n + " “" + a.Name + "”"}
}

// MaterialField returns the path a mark on material m uses: subject
// documents are "materials.<purpose>", a service's documents sit under the
// service ("websites[0].materials.commitment_letter"), so that the customer
// knows which upload to replace.
func MaterialField(s *beian.Snapshot, m *beian.Material) string {
	if p, _, ok := serviceOwner(s, m.Owner); ok {
		return p + ".materials." + m.Purpose
	}
	return "materials." + m.Purpose
}

// MaterialLabel names material m with its owner.
func MaterialLabel(s *beian.Snapshot, m *beian.Material) beian.Text {
	name := MaterialPurposeText(m.Purpose)
	if _, label, ok := serviceOwner(s, m.Owner); ok {
		return join(label, name)
	}
	return join(beian.Text{ZH: "材料", EN: "Documents"}, name)
}

// FieldPaths lists the fields of a snapshot a reviewer can mark, in the
// order the review page shows the data: the order, the subject and its
// principal, each website and app with their principals, and each
// material.
func FieldPaths(s *beian.Snapshot) []FieldPath {
	subj := beian.Text{ZH: "主办单位", EN: "Subject"}
	out := []FieldPath{
		{Path: FieldOrder, Label: beian.Text{ZH: "整个订单", EN: "The whole order"}, Group: true},
		{Path: FieldMaterials, Label: beian.Text{ZH: "全部材料", EN: "All documents"}, Group: true},
		// Order-level fields the pre-check names: the filing type and
		// province chosen in "verify filing type", and the resource.
		{Path: "type", Label: beian.Text{ZH: "备案类型", EN: "Filing type"}, Group: true},
		{Path: "province", Label: beian.Text{ZH: "备案省份", EN: "Filing province"}, Group: true},
		{Path: "resource", Label: beian.Text{ZH: "备案资源（产品验证）", EN: "Filing resource (product verification)"}, Group: true},
		{Path: "subject", Label: subj, Group: true},
		{Path: "subject.principal", Label: beian.Text{ZH: "主体负责人", EN: "Subject principal"}, Group: true},
	}
	for _, f := range subjectFields {
		v := ""
		switch f.name {
		case "name":
			v = s.Subject.Name
		case "nature":
			v = s.Subject.Nature.Text().ZH
		}
		out = append(out, FieldPath{Path: "subject." + f.name, Label: join(subj, f.label), Value: v})
	}
	out = appendPerson(out, "subject.principal", beian.Text{ZH: "主体负责人", EN: "Subject principal"}, &s.Subject.Principal)
	for i := range s.Websites {
		w := &s.Websites[i]
		p, l := idx("websites", i), websiteLabel(i, w)
		out = append(out, FieldPath{Path: p, Label: l, Group: true},
			FieldPath{Path: p + ".principal", Label: join(l, beian.Text{ZH: "负责人", EN: "principal"}), Group: true})
		out = append(out, FieldPath{Path: p + ".name", Label: join(l, beian.Text{ZH: "网站名称", EN: "name"}), Value: w.Name})
		for j, d := range w.Domains {
			out = append(out, FieldPath{Path: idx(p+".domains", j), Label: join(l, beian.Text{ZH: "域名", EN: "domain"}), Value: d})
		}
		out = append(out,
			FieldPath{Path: p + ".homepage_url", Label: join(l, beian.Text{ZH: "首页地址", EN: "home page"}), Value: w.HomepageURL},
			FieldPath{Path: p + ".ips", Label: join(l, beian.Text{ZH: "服务器IP", EN: "server addresses"}), Value: ipList(w.IPs)},
			FieldPath{Path: p + ".service_content", Label: join(l, beian.Text{ZH: "服务内容", EN: "service content"}), Value: strings.Join(w.ServiceContent, "、")},
			FieldPath{Path: p + ".languages", Label: join(l, beian.Text{ZH: "网站语言", EN: "languages"}), Value: strings.Join(w.Languages, ", ")},
		)
		for k, pa := range w.PreApprovals {
			out = append(out, FieldPath{Path: idx(p+".pre_approvals", k), Label: join(l, beian.Text{ZH: "前置审批", EN: "pre-approval"}), Value: pa.Category + " " + pa.Number})
		}
		out = append(out, FieldPath{Path: p + ".remark", Label: join(l, beian.Text{ZH: "备注", EN: "remark"})})
		out = appendPerson(out, p+".principal", join(l, beian.Text{ZH: "负责人", EN: "principal"}), &w.Principal)
	}
	for i := range s.Apps {
		a := &s.Apps[i]
		p, l := idx("apps", i), appLabel(i, a)
		out = append(out, FieldPath{Path: p, Label: l, Group: true},
			FieldPath{Path: p + ".principal", Label: join(l, beian.Text{ZH: "负责人", EN: "principal"}), Group: true},
			FieldPath{Path: p + ".name", Label: join(l, beian.Text{ZH: "APP名称", EN: "name"}), Value: a.Name},
			FieldPath{Path: p + ".icon_document_id", Label: join(l, beian.Text{ZH: "图标", EN: "icon"})},
		)
		for j, r := range a.Releases {
			out = append(out, FieldPath{Path: idx(p+".releases", j), Label: join(l, beian.Text{ZH: "平台信息", EN: "release"}), Value: string(r.Platform) + " " + r.PackageName})
		}
		for j, d := range a.Domains {
			out = append(out, FieldPath{Path: idx(p+".domains", j), Label: join(l, beian.Text{ZH: "域名", EN: "domain"}), Value: d})
		}
		out = append(out,
			FieldPath{Path: p + ".ips", Label: join(l, beian.Text{ZH: "服务器IP", EN: "server addresses"}), Value: ipList(a.IPs)},
			FieldPath{Path: p + ".service_content", Label: join(l, beian.Text{ZH: "服务内容", EN: "service content"}), Value: strings.Join(a.ServiceContent, "、")},
		)
		for k, pa := range a.PreApprovals {
			out = append(out, FieldPath{Path: idx(p+".pre_approvals", k), Label: join(l, beian.Text{ZH: "前置审批", EN: "pre-approval"}), Value: pa.Category + " " + pa.Number})
		}
		out = append(out, FieldPath{Path: p + ".remark", Label: join(l, beian.Text{ZH: "备注", EN: "remark"})})
		out = appendPerson(out, p+".principal", join(l, beian.Text{ZH: "负责人", EN: "principal"}), &a.Principal)
	}
	for i := range s.Materials {
		m := &s.Materials[i]
		out = append(out, FieldPath{Path: MaterialField(s, m), Label: MaterialLabel(s, m), Group: true})
	}
	if s.CancelReason != "" {
		out = append(out, FieldPath{Path: "cancel_reason", Label: beian.Text{ZH: "订单 · 注销原因", EN: "Order · cancellation reason"}, Value: s.CancelReason})
	}
	return dedupePaths(out)
}

// dedupePaths keeps the first of each path: two uploads of one purpose
// share the path, and a picker must not offer it twice.
func dedupePaths(in []FieldPath) []FieldPath {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, f := range in {
		if !seen[f.Path] {
			seen[f.Path] = true
			out = append(out, f)
		}
	}
	return out
}

func appendPerson(out []FieldPath, prefix string, who beian.Text, p *beian.Person) []FieldPath {
	for _, f := range personFields {
		v := ""
		if f.name == "name" {
			v = p.Name
		}
		out = append(out, FieldPath{Path: prefix + "." + f.name, Label: join(who, f.label), Value: v})
	}
	return out
}

func ipList(rs []beian.IPRange) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}

// FieldLabel names the field at path in s, or the nearest enclosing field
// the snapshot has ("websites[0].pre_approvals[0].number" is labelled as
// the pre-approval); ok is false when nothing in s matches. A filed
// website of the subject, which the pre-check names by its domain
// ("record.websites[example.cn]"), is named too, but is not in s.
func FieldLabel(s *beian.Snapshot, path string) (beian.Text, bool) {
	if rest, ok := strings.CutPrefix(path, "record.websites["); ok {
		d, _, _ := strings.Cut(rest, "]")
		return beian.Text{ZH: "已备案网站「" + d + "」", EN: "filed website " + d}, false
	}
	paths := FieldPaths(s)
	for p := path; p != ""; p = parentPath(p) {
		for _, f := range paths {
			if f.Path == p {
				return f.Label, true
			}
		}
	}
	return beian.Text{ZH: path, EN: path}, false
}

// parentPath strips the last step of a path: ".x" or "[n]".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// PhoneTarget is a number in an order that a reviewer may call: the
// principals' mobiles and emergency phones (spec §4.3). Pages see only
// the masked number.
type PhoneTarget struct {
	Field  string
	Label  beian.Text
	Person string
	Masked string
}

// phoneNumbers lists the callable numbers of s with their paths, in clear;
// it stays inside the workflow.
func phoneNumbers(s *beian.Snapshot) []struct {
	target PhoneTarget
	number string
} {
	var out []struct {
		target PhoneTarget
		number string
	}
	add := func(prefix string, who beian.Text, p *beian.Person) {
		for _, f := range []struct {
			name  string
			label beian.Text
			num   string
		}{
			{"mobile", beian.Text{ZH: "手机号码", EN: "mobile"}, p.Mobile},
			{"emergency_phone", beian.Text{ZH: "应急联系电话", EN: "emergency phone"}, p.EmergencyPhone},
		} {
			if strings.TrimSpace(f.num) == "" {
				continue
			}
			out = append(out, struct {
				target PhoneTarget
				number string
			}{PhoneTarget{Field: prefix + "." + f.name, Label: join(who, f.label), Person: p.Name, Masked: beian.MaskPhone(f.num)}, f.num})
		}
	}
	add("subject.principal", beian.Text{ZH: "主体负责人", EN: "Subject principal"}, &s.Subject.Principal)
	for i := range s.Websites {
		add(idx("websites", i)+".principal", join(websiteLabel(i, &s.Websites[i]), beian.Text{ZH: "负责人", EN: "principal"}), &s.Websites[i].Principal)
	}
	for i := range s.Apps {
		add(idx("apps", i)+".principal", join(appLabel(i, &s.Apps[i]), beian.Text{ZH: "负责人", EN: "principal"}), &s.Apps[i].Principal)
	}
	return out
}

// PhoneTargets lists the numbers of s a reviewer may call, masked.
func PhoneTargets(s *beian.Snapshot) []PhoneTarget {
	nums := phoneNumbers(s)
	out := make([]PhoneTarget, len(nums))
	for i, n := range nums {
		out[i] = n.target
	}
	return out
}
