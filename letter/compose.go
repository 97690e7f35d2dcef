package letter

import (
	"fmt"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"github.com/openbeian/beian"
)

// section is one letter as printed, starting on a new page: per-service
// letters have one section per website or app. Fields are exported for
// the footer code's digest, which covers everything printed.
type section struct {
	Title   string
	To      string // the addressee line, "" for none
	Intro   string
	Table   [][2]string
	Clauses []string
	Closing string
	Signs   []sign
	Date    string
	Notes   []string // small print under the signatures
}

// sign is a place to sign: the label, and whose signature it wants.
type sign struct {
	Label string
	Who   string // printed under the line; "" for a seal
}

// service is a website or app of the order, as the letters name it.
type service struct {
	Label     string // 网站 / APP
	Name      string
	Details   [][2]string
	Principal beian.Person
}

func services(o *beian.Order) []service {
	var out []service
	for _, w := range o.Snapshot.Websites {
		out = append(out, service{Label: "网站", Name: w.Name, Principal: w.Principal,
			Details: [][2]string{{"网站名称", w.Name}, {"网站域名", joinOr(w.Domains, "、", "（未填写）")}}})
	}
	for _, a := range o.Snapshot.Apps {
		var releases []string
		for _, r := range a.Releases {
			releases = append(releases, platformName(r.Platform)+" "+r.PackageName)
		}
		out = append(out, service{Label: "APP", Name: a.Name, Principal: a.Principal,
			Details: [][2]string{{"APP名称", a.Name}, {"运行平台及包名", joinOr(releases, "；", "（未填写）")},
				{"APP域名", joinOr(a.Domains, "、", "（未填写）")}}})
	}
	return out
}

// authorizedServices returns the services whose responsible person is not
// the legal representative: each needs the legal representative's
// authorization where the province asks for it.
func authorizedServices(o *beian.Order) []service {
	s := &o.Snapshot.Subject
	var out []service
	for _, sv := range services(o) {
		if s.LegalRepresentative != "" && !isLegalRep(s, &sv.Principal) {
			out = append(out, sv)
		}
	}
	return out
}

func platformName(p beian.AppPlatform) string {
	switch p {
	case beian.PlatformAndroid:
		return "Android"
	case beian.PlatformIOS:
		return "iOS"
	case beian.PlatformHarmonyOS:
		return "HarmonyOS"
	}
	return string(p)
}

func joinOr(xs []string, sep, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	return strings.Join(xs, sep)
}

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（未填写）"
	}
	return s
}

// certificate prints a certificate as type and number.
func certificate(t beian.CertificateType, number string) string {
	if t == "" {
		return orBlank(number)
	}
	return t.Text().ZH + " " + orBlank(number)
}

// fullProvinceNames are the official names where the short one plus 省 is
// wrong: the municipalities and the autonomous regions.
var fullProvinceNames = map[string]string{
	"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市",
	"15": "内蒙古自治区", "45": "广西壮族自治区", "54": "西藏自治区", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}

// bureau names the province's communications administration.
func bureau(code string) string {
	p, ok := beian.ProvinceByCode(code)
	if !ok {
		return "通信管理局"
	}
	name, ok := fullProvinceNames[p.Code]
	if !ok {
		name = p.Name + "省"
	}
	return name + "通信管理局"
}

// chineseDate writes 2026年11月30日.
func chineseDate(d beian.Date) string {
	if d.IsZero() {
		return "      年    月    日"
	}
	t := d.Time(time.UTC)
	return fmt.Sprintf("%d 年 %d 月 %d 日", t.Year(), t.Month(), t.Day())
}

// subjectRows are the table rows every letter shows about the subject.
func subjectRows(o *beian.Order) [][2]string {
	s := &o.Snapshot.Subject
	rows := [][2]string{
		{"主办者名称", orBlank(s.Name)},
		{"主办者性质", s.Nature.Text().ZH},
		{"主办者证件", certificate(s.CertificateType, s.CertificateNumber)},
	}
	if !s.Nature.IsIndividual() {
		rows = append(rows, [2]string{"法定代表人", orBlank(s.LegalRepresentative)})
	}
	rows = append(rows,
		[2]string{"主体负责人", orBlank(s.Principal.Name)},
		[2]string{"备案类型", o.Type.Text().ZH},
		[2]string{"备案省份", bureauProvince(o.Province)},
	)
	return rows
}

func bureauProvince(code string) string {
	if p, ok := beian.ProvinceByCode(code); ok {
		return p.Name
	}
	return orBlank(code)
}

// Who the subject is in the first person: 本单位 or 本人.
func self(s *beian.Subject) string {
	if s.Nature.IsIndividual() {
		return "本人"
	}
	return "本单位"
}

// compose writes the letter's sections. It returns EINVALID for a kind the
// order cannot have.
func compose(kind Kind, o *beian.Order, date beian.Date) ([]section, error) {
	s := &o.Snapshot.Subject
	day := chineseDate(date)
	switch kind {
	case Commitment:
		svcs := services(o)
		if len(svcs) == 0 {
			return nil, notApplicable(kind)
		}
		var out []section
		for _, sv := range svcs {
			out = append(out, commitment(o, sv, day))
		}
		return out, nil
	case ResponsibilityNotice:
		svcs := services(o)
		if len(svcs) == 0 {
			return nil, notApplicable(kind)
		}
		var out []section
		for _, sv := range svcs {
			out = append(out, responsibilityNotice(o, sv, day))
		}
		return out, nil
	case BureauCommitment:
		return []section{bureauCommitment(o, day)}, nil
	case PrincipalAuthorization:
		// Only a unit whose principal is someone other than its legal
		// representative has anyone to authorize.
		if s.Nature.IsIndividual() || strings.TrimSpace(s.LegalRepresentative) == "" || isLegalRep(s, &s.Principal) {
			return nil, notApplicable(kind)
		}
		return []section{principalAuthorization(o, day)}, nil
	case ServiceAuthorization:
		svcs := authorizedServices(o)
		if s.Nature.IsIndividual() || len(svcs) == 0 {
			return nil, notApplicable(kind)
		}
		var out []section
		for _, sv := range svcs {
			out = append(out, serviceAuthorization(o, sv, day))
		}
		return out, nil
	}
	return nil, beian.Invalid("kind", "letter.kind.unknown", "kind", string(kind))
}

func notApplicable(kind Kind) error {
	t := kind.Title()
	return beian.Invalid("kind", "letter.not_applicable", "letter", t.ZH, "letter_en", t.EN)
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"letter.kind.unknown":   {ZH: "未知的文书「{kind}」。", EN: "Unknown letter {kind}."},
		"letter.not_applicable": {ZH: "该订单不需要《{letter}》。", EN: "This order needs no {letter_en}."},
	})
}

// commitment is 《ICP备案信息真实性承诺书》 for one service, signed by its
// responsible person.
func commitment(o *beian.Order, sv service, day string) section {
	s := &o.Snapshot.Subject
	unit := !s.Nature.IsIndividual()
	sec := section{
		Title: "ICP备案信息真实性承诺书",
		To:    bureau(o.Province) + "：",
		Intro: fmt.Sprintf("本人%s，系%s（以下简称“主办者”）%s「%s」的互联网信息服务负责人。就主办者本次办理的%s，本人郑重承诺如下：",
			orBlank(sv.Principal.Name), orBlank(s.Name), sv.Label, orBlank(sv.Name), o.Type.Text().ZH),
		Table: append(subjectRows(o), append(sv.Details,
			[2]string{sv.Label + "负责人", orBlank(sv.Principal.Name) + "（" + certificate(sv.Principal.CertificateType, sv.Principal.CertificateNumber) + "）"})...),
		Clauses: []string{
			"一、本次备案填报的主办者信息、负责人信息、" + sv.Label + "信息和接入信息，以及上传的全部证件、照片和材料，均真实、准确、完整、有效，与原件和实际情况一致；不存在虚构、伪造、变造、冒用他人身份或隐瞒真实情况的情形。",
			"二、本人知悉主办者对备案信息的真实性负总责。本人是该" + sv.Label + "的实际负责人，已亲自完成真实性核验；所填报的本人身份信息和联系方式真实有效，联系电话由本人使用，能够接听核验电话、接收短信验证码。",
			"三、本人知悉，提交虚假备案信息或材料的，通信管理部门可依法注销备案、责令关闭网站或停止服务，接入服务商可停止提供接入服务，相关主体和负责人可被记入不良记录；由此产生的法律责任和其他后果由主办者和本人承担。",
			"四、本人同意接入服务商和通信管理部门以电话、短信、视频或当面等方式核验备案信息和负责人身份，并如实配合；核验未通过的，按要求补充材料或重新办理。",
			"五、备案信息发生变化时，本人将督促主办者依照规定及时办理变更；" + sv.Label + "不再提供服务或不再使用本接入服务商的服务器时，及时办理注销或取消接入。",
			"六、该" + sv.Label + "将按照备案的服务内容提供服务，不擅自开展依法须经有关主管部门审批的业务，不制作、复制、发布、传播法律、行政法规禁止的信息。",
		},
		Closing: "特此承诺。",
		Signs:   []sign{{Label: "互联网信息服务负责人（签字）：", Who: sv.Principal.Name}},
		Date:    day,
	}
	if unit {
		sec.Signs = append(sec.Signs, sign{Label: "主办单位（盖章）："})
	}
	return sec
}

// responsibilityNotice is Jiangsu's 《ICP备案信息真实性责任告知书》 for one
// service: the bureau's requirements put to the responsible person, who
// signs to acknowledge them.
func responsibilityNotice(o *beian.Order, sv service, day string) section {
	s := &o.Snapshot.Subject
	unit := !s.Nature.IsIndividual()
	to := orBlank(s.Name) + "、" + orBlank(sv.Principal.Name) + "（" + sv.Label + "负责人）："
	if !unit && foldName(s.Name) == foldName(sv.Principal.Name) {
		to = orBlank(s.Name) + "（主办者、" + sv.Label + "负责人）："
	}
	sec := section{
		Title: "ICP备案信息真实性责任告知书",
		To:    to,
		Intro: fmt.Sprintf("根据《非经营性互联网信息服务备案管理办法》和%s关于ICP备案真实性核验的要求，现就%s「%s」备案信息的真实性责任告知如下：",
			bureau(o.Province), sv.Label, orBlank(sv.Name)),
		Table: append(subjectRows(o), append(sv.Details, [2]string{sv.Label + "负责人", orBlank(sv.Principal.Name)})...),
		Clauses: []string{
			"一、主办者是备案信息真实性的第一责任人，应当如实填报主办者、负责人、" + sv.Label + "和接入信息，并提交真实、有效的证件和材料。",
			"二、互联网信息服务负责人应当是该" + sv.Label + "的实际负责人，须本人完成真实性核验，并本人出镜录制诵读《ICP备案信息真实性承诺书》的视频，不得由他人代为核验或录制。",
			"三、主体负责人或互联网信息服务负责人不是主办单位法定代表人的，应当提交法定代表人签署的授权书；主体负责人经授权担任的，互联网信息服务负责人应当与主体负责人为同一人。",
			"四、提供虚假信息、冒用他人证件或材料备案的，通信管理部门将依法注销备案；涉嫌违法犯罪的，依法移送有关部门处理。由此产生的全部法律责任由主办者和负责人承担。",
			"五、备案期间和备案完成后，接入服务商和通信管理部门可随时对备案信息进行核查，主办者和负责人应当配合；备案信息发生变化的，应当及时办理变更。",
		},
		Closing: "本人已仔细阅读并完全理解上述告知内容，承诺遵照执行。",
		Signs:   []sign{{Label: "互联网信息服务负责人（签字）：", Who: sv.Principal.Name}},
		Date:    day,
	}
	if unit {
		sec.Signs = append(sec.Signs, sign{Label: "主办单位（盖章）："})
	}
	return sec
}

// bureauCommitment is Guangdong's 《互联网信息服务备案承诺书》: one per
// order, listing every service, signed by the legal representative for a
// unit and by the person for an individual.
func bureauCommitment(o *beian.Order, day string) section {
	s := &o.Snapshot.Subject
	unit := !s.Nature.IsIndividual()
	table := subjectRows(o)
	for _, sv := range services(o) {
		table = append(table, sv.Details...)
	}
	sec := section{
		Title: "互联网信息服务备案承诺书",
		To:    bureau(o.Province) + "：",
		Intro: fmt.Sprintf("%s%s（%s）在办理互联网信息服务备案时，郑重承诺：",
			self(s), orBlank(s.Name), certificate(s.CertificateType, s.CertificateNumber)),
		Table: table,
		Clauses: []string{
			"一、遵守《中华人民共和国网络安全法》《互联网信息服务管理办法》《非经营性互联网信息服务备案管理办法》等法律法规，依法提供互联网信息服务。",
			"二、所报备案信息真实、准确、完整；备案信息发生变化时及时办理变更，不再提供服务时及时办理注销。",
			"三、所备案网站和APP的名称、内容与实际提供的服务一致；不擅自从事须经前置审批的互联网信息服务，未取得经营许可不从事经营性互联网信息服务。",
			"四、落实网络安全和信息内容管理责任，建立健全信息安全管理制度，不制作、复制、发布、传播法律、行政法规禁止的信息；发现违法信息立即停止传输，保存有关记录，并向有关部门报告。",
			"五、在网站首页底部显著位置标明主体备案编号，并链接至工业和信息化部政务服务平台（https://beian.miit.gov.cn）。",
			"六、配合通信管理部门和接入服务商的监督检查和备案核查。违反上述承诺的，" + self(s) + "愿意承担注销备案、关闭网站等后果和相应的法律责任。",
		},
		Closing: "特此承诺。",
		Date:    day,
		Notes:   []string{"签署要求：请使用黑色签字笔，以正楷书写签名，字迹清晰、不得涂改；签署后拍照或扫描上传。"},
	}
	if unit {
		sec.Signs = []sign{{Label: "法定代表人（签字）：", Who: s.LegalRepresentative}, {Label: "主办单位（盖章）："}}
	} else {
		sec.Signs = []sign{{Label: "承诺人（签字）：", Who: s.Name}}
	}
	return sec
}

// principalAuthorization is the legal representative's letter making
// someone else the subject's responsible person.
func principalAuthorization(o *beian.Order, day string) section {
	s := &o.Snapshot.Subject
	p := &s.Principal
	return section{
		Title: "主体负责人授权书",
		To:    bureau(o.Province) + "：",
		Intro: fmt.Sprintf("本单位%s（%s）法定代表人%s，现授权%s（%s）担任本单位ICP备案的主体负责人，代表本单位办理互联网信息服务备案及相关变更、注销等事宜，并负责本单位互联网信息服务的日常管理。",
			orBlank(s.Name), certificate(s.CertificateType, s.CertificateNumber), orBlank(s.LegalRepresentative),
			orBlank(p.Name), certificate(p.CertificateType, p.CertificateNumber)),
		Table: [][2]string{
			{"单位名称", orBlank(s.Name)},
			{"单位证件", certificate(s.CertificateType, s.CertificateNumber)},
			{"法定代表人", orBlank(s.LegalRepresentative)},
			{"被授权人", orBlank(p.Name)},
			{"被授权人证件", certificate(p.CertificateType, p.CertificateNumber)},
			{"被授权人手机", orBlank(p.Mobile)},
		},
		Clauses: []string{
			"一、被授权人在授权范围内以本单位名义提交的备案信息和材料，本单位予以认可，并对其真实性承担责任。",
			"二、被授权人应本人完成真实性核验，接听接入服务商和通信管理部门的核验电话，及时接收并处理短信验证码。",
			"三、本授权自签署之日起生效，至本单位变更主体负责人或注销备案之日止。被授权人发生变化的，本单位将及时办理变更并重新出具授权书。",
		},
		Closing: "特此授权。",
		Signs: []sign{
			{Label: "法定代表人（签字）：", Who: s.LegalRepresentative},
			{Label: "被授权人（签字）：", Who: p.Name},
			{Label: "单位（盖章）："},
		},
		Date:  day,
		Notes: []string{"法定代表人为外国人或港澳台居民的，可加盖法定代表人签名章。"},
	}
}

// serviceAuthorization is the legal representative's letter making
// someone else a service's responsible person.
func serviceAuthorization(o *beian.Order, sv service, day string) section {
	s := &o.Snapshot.Subject
	p := &sv.Principal
	return section{
		Title: "互联网信息服务负责人授权书",
		To:    bureau(o.Province) + "：",
		Intro: fmt.Sprintf("本单位%s法定代表人%s，现授权%s（%s）担任本单位%s「%s」的互联网信息服务负责人，负责该%s的备案、真实性核验和日常运行与内容管理。",
			orBlank(s.Name), orBlank(s.LegalRepresentative), orBlank(p.Name), certificate(p.CertificateType, p.CertificateNumber),
			sv.Label, orBlank(sv.Name), sv.Label),
		Table: append([][2]string{
			{"单位名称", orBlank(s.Name)},
			{"单位证件", certificate(s.CertificateType, s.CertificateNumber)},
			{"法定代表人", orBlank(s.LegalRepresentative)},
		}, append(sv.Details,
			[2]string{"被授权人", orBlank(p.Name)},
			[2]string{"被授权人证件", certificate(p.CertificateType, p.CertificateNumber)},
			[2]string{"被授权人手机", orBlank(p.Mobile)})...),
		Clauses: []string{
			"一、被授权人在上述职责范围内提交的备案信息和材料，本单位予以认可，并对其真实性承担责任。",
			"二、被授权人应本人完成真实性核验，接听接入服务商和通信管理部门的核验电话，及时处理短信验证码。",
			"三、本授权自签署之日起生效，至该" + sv.Label + "变更负责人或注销备案之日止。",
		},
		Closing: "特此授权。",
		Signs: []sign{
			{Label: "法定代表人（签字）：", Who: s.LegalRepresentative},
			{Label: "被授权人（签字）：", Who: p.Name},
			{Label: "单位（盖章）："},
		},
		Date:  day,
		Notes: []string{"法定代表人为外国人或港澳台居民的，可加盖法定代表人签名章。"},
	}
}

// layout places a section on fresh pages.
func (d *doc) layout(sec *section) {
	d.newPage()
	// Title, centred.
	lh := lineHeight(sizeTitle)
	w := d.measure(sec.Title, sizeTitle)
	d.text((pageW-w)/2, baseline(d.y, sizeTitle), sec.Title, sizeTitle, false)
	d.y += lh + 6

	if sec.To != "" {
		d.paragraph(sec.To, sizeBody, 0)
	}
	d.paragraph(sec.Intro, sizeBody, 2*sizeBody)
	d.y += 4
	d.table(sec.Table)
	d.y += 6
	for _, c := range sec.Clauses {
		d.paragraph(c, sizeBody, 2*sizeBody)
	}
	if sec.Closing != "" {
		d.paragraph(sec.Closing, sizeBody, 2*sizeBody)
		// Short closing words (特此承诺。) share their line with the first
		// signature on the right, as letters are set by hand; it keeps
		// most letters on one page.
		lines := d.wrap(sec.Closing, sizeBody, contentW, 2*sizeBody)
		if len(lines) == 1 && 2*sizeBody+d.measure(lines[0], sizeBody) < contentW*signX-sizeBody {
			d.y -= lineHeight(sizeBody)
		}
	}
	d.signatures(sec.Signs, sec.Date)
	for _, n := range sec.Notes {
		d.y += 4
		d.paragraphGray(n, sizeSmall)
	}
}

// paragraph sets text in lines at the left margin, the first indented.
func (d *doc) paragraph(s string, size, indent float64) {
	d.lines(s, size, indent, false)
}

func (d *doc) paragraphGray(s string, size float64) {
	d.lines(s, size, 0, true)
}

func (d *doc) lines(s string, size, indent float64, gray bool) {
	lh := lineHeight(size)
	for i, l := range d.wrap(s, size, contentW, indent) {
		d.room(lh)
		x := marginX
		if i == 0 {
			x += indent
		}
		d.text(x, baseline(d.y, size), l, size, gray)
		d.y += lh
	}
}

// table draws label/value rows in a ruled box; a row that does not fit
// moves to the next page whole.
func (d *doc) table(rows [][2]string) {
	if len(rows) == 0 {
		return
	}
	const labelW, pad, size = 112.0, 3.5, sizeBody
	lh := size * 1.45
	valueW := contentW - labelW - 2*pad
	right := marginX + contentW
	top := d.y
	first := true
	for _, r := range rows {
		vals := d.wrap(r[1], size, valueW, 0)
		labels := d.wrap(r[0], size, labelW-2*pad, 0)
		n := max(len(vals), len(labels))
		h := float64(n)*lh + 2*pad - (lh - size*1.25)
		if len(d.pages) == 0 || d.y+h > pageH-marginBottom {
			if !first {
				d.tableBorders(top, labelW, right)
			}
			d.newPage()
			top, first = d.y, true
		}
		if first {
			d.rule(marginX, d.y, right, d.y, 0.6, false)
			first = false
		}
		for i, l := range labels {
			d.text(marginX+pad, d.y+pad+float64(i)*lh+size*0.95, l, size, false)
		}
		for i, l := range vals {
			d.text(marginX+labelW+pad, d.y+pad+float64(i)*lh+size*0.95, l, size, false)
		}
		d.y += h
		d.rule(marginX, d.y, right, d.y, 0.6, false)
	}
	d.tableBorders(top, labelW, right)
}

func (d *doc) tableBorders(top, labelW, right float64) {
	for _, x := range []float64{marginX, marginX + labelW, right} {
		d.rule(x, top, x, d.y, 0.6, false)
	}
}

// signX is where the signature block starts, as a fraction of the width.
const signX = 0.40

// signatures draws the places to sign in the right half, each a label and
// a line with the expected signer's name printed small beneath, then the
// date. The block moves to a new page whole rather than splitting.
func (d *doc) signatures(signs []sign, date string) {
	const rowH, gap = 34.0, 4.0
	h := gap + float64(len(signs))*rowH + lineHeight(sizeBody)
	if len(d.pages) == 0 || d.y+h > pageH-marginBottom {
		d.newPage()
	}
	d.y += gap
	x := marginX + contentW*signX
	right := marginX + contentW
	for _, s := range signs {
		base := d.y + rowH*0.55
		d.text(x, base, s.Label, sizeBody, false)
		lx := x + d.measure(s.Label, sizeBody) + 4
		d.rule(lx, base+3, right, base+3, 0.6, false)
		if s.Who != "" {
			hint := "（" + s.Who + "）"
			d.text(lx+(right-lx-d.measure(hint, sizeSmall))/2, base+3+sizeSmall+2, hint, sizeSmall, true)
		}
		d.y += rowH
	}
	label := "日期：" + date
	d.text(x, baseline(d.y, sizeBody), label, sizeBody, false)
	d.y += lineHeight(sizeBody)
}

// pdfInfo is the document information: the letter's title and the order.
func pdfInfo(title, orderID string) gopdf.PdfInfo {
	return gopdf.PdfInfo{Title: title, Subject: "订单 " + orderID, Creator: "Beian"}
}
