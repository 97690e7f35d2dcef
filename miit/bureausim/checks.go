package bureausim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/region"
)

// checker collects the result codes of one record; a record with any is refused (BAJG
// with every code found, so the provider fixes them all at once).
type checker struct {
	results []result
}

func (c *checker) fail(code miit.ResultCode, detail string) {
	for _, r := range c.results {
		if r.code == code && (detail == "" || r.text == detail) {
			return
		}
	}
	c.results = append(c.results, rc(code, detail))
}

func (c *checker) ok() bool { return len(c.results) == 0 }

// checkRegion is 1019: Shengid must be a province, Shiid a city in it, Xianid a county in
// that city (GB/T 2260).
func checkRegion(c *checker, prov, city int64, county *int64) {
	p, ok := region.Lookup(strconv.FormatInt(prov, 10))
	if !ok || p.Level != region.LevelProvince {
		c.fail(1019, fmt.Sprintf("省级代码%d无效（invalid province code）", prov))
		return
	}
	ci, ok := region.Lookup(strconv.FormatInt(city, 10))
	if !ok || ci.Level != region.LevelCity || ci.ProvinceCode() != p.Code {
		c.fail(1019, fmt.Sprintf("市级代码%d不属于%s（invalid city code）", city, p.Name))
		return
	}
	if county != nil {
		co, ok := region.Lookup(strconv.FormatInt(*county, 10))
		if !ok || co.Level != region.LevelCounty || co.CityCode() != ci.Code {
			c.fail(1019, fmt.Sprintf("县级代码%d不属于%s（invalid county code）", *county, ci.Name))
		}
	}
}

// checkPerson checks a responsible person's contacts: mobiles (1011), e-mails (1009), office
// phones (1010) and a resident ID number (1015).
func checkPerson(c *checker, p person, role string) {
	parts := splitList(p.Mobile)
	if len(parts) == 0 {
		c.fail(1011, role+"手机号码不能为空（mobile number required）")
	}
	for _, m := range parts {
		if _, err := cnid.ParseMobile(m); err != nil {
			c.fail(1011, fmt.Sprintf("%s手机号码“%s”无效（invalid mobile number）", role, maskMobile(normalizeMobile(m))))
		}
	}
	for _, e := range splitList(p.Email) {
		at := strings.IndexByte(e, '@')
		if at <= 0 || at == len(e)-1 || !strings.Contains(e[at:], ".") {
			c.fail(1009, role+"电子邮件地址无效（invalid e-mail address）")
		}
	}
	for _, t := range splitList(p.Office) {
		if strings.Trim(t, "0123456789-") != "" {
			c.fail(1010, role+"办公电话只允许数字和“-”（office phone: digits and '-' only）")
		}
	}
	if p.IDType != nil && *p.IDType == CertResidentID && p.IDNumber != "" {
		if _, err := cnid.ParseResidentID(p.IDNumber); err != nil {
			c.fail(1015, role+"身份证号码无效（invalid resident ID number）")
		}
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkSubject runs the checks on a subject's data that do not depend on the records.
func (s *Sim) checkSubject(c *checker, d *subjectData, isp ISPAccount) {
	prov := strconv.FormatInt(d.Province, 10)
	if len(prov) == 6 && prov[:2] != isp.Province {
		c.fail(1045, fmt.Sprintf("主办单位所在省（%s）不是接入商所在省（%s）", prov, isp.Province+"0000"))
	}
	checkRegion(c, d.Province, d.City, d.County)
	switch {
	case d.Nature != nil && !knownCode(natures, *d.Nature):
		c.fail(1014, fmt.Sprintf("单位性质代码%d无效", *d.Nature))
	case d.Nature == nil && d.CertType != CertResidentID && !knownIndividualCert(d.CertType):
		c.fail(1014, "单位主办者必须填写单位性质（nature required for organisations）")
	}
	// The download schema is narrower than the upload schema in a few places; what would not
	// fit into BASJ is refused here rather than filed and then impossible to send.
	if len([]rune(d.CertNumber)) > 128 {
		c.fail(1008, "证件号码不能超过128个字符（certificate number too long）")
	}
	if !knownCertType(d.CertType) {
		c.fail(1008, fmt.Sprintf("证件类型代码%d无效（invalid certificate type）", d.CertType))
	} else if d.CertType == CertResidentID {
		if _, err := cnid.ParseResidentID(d.CertNumber); err != nil {
			c.fail(1015, "主办者身份证号码无效（invalid resident ID number）")
		}
	}
	if !isIndividual(d) && strings.TrimSpace(d.Principal.Name) == "" {
		c.fail(1044, "")
	}
	checkPerson(c, d.Principal, "主体负责人")
	if s.certBlacklisted(d.CertNumber) {
		c.fail(1065, "")
	}
}

func knownIndividualCert(t int64) bool {
	for _, ct := range certTypes {
		if ct.ID == t {
			return ct.Nature == NatureIndividual
		}
	}
	return false
}

// checkSite runs the checks on a site's data that do not depend on the records, and
// normalises its domains in place. It returns the APP the remark declares, if any.
func (s *Sim) checkSite(c *checker, d *siteData, organisation bool) *App {
	for _, id := range d.Content {
		if !knownCode(serviceContents, id) {
			c.fail(1034, fmt.Sprintf("网站服务内容代码%d无效", id))
		}
	}
	for _, id := range d.Languages {
		if !knownCode(languages, id) {
			c.fail(1066, fmt.Sprintf("网站语言类别代码%d无效", id))
		}
	}
	for _, a := range d.Approvals {
		if !knownCode(approvalTypes, a.Type) {
			c.fail(1033, fmt.Sprintf("前置审批内容类型代码%d无效", a.Type))
		}
	}
	for _, a := range d.Access {
		checkAccess(c, a)
	}
	checkPerson(c, d.Principal, "网站负责人")
	if organisation && strings.TrimSpace(d.Principal.Office) == "" {
		c.fail(1031, "")
	}
	seen := map[string]bool{}
	for i, dm := range d.Domains {
		n, ok := normalizeDomain(dm.Name)
		if !ok {
			c.fail(1004, fmt.Sprintf("域名“%s”格式无效（invalid domain）", clip(dm.Name, 64)))
			continue
		}
		d.Domains[i].Name = n
		if seen[n] {
			c.fail(1005, fmt.Sprintf("域名“%s”重复（duplicate domain）", n))
		}
		seen[n] = true
	}
	if len([]rune(d.Remark)) > 1024 {
		c.fail(1999, "网站备注不能超过1024个字符（site remark too long）")
	}
	if u := strings.TrimSpace(d.HomeURL); u != "" {
		lu := strings.ToLower(u)
		switch {
		case len([]rune(u)) > 255 || strings.ContainsAny(u, " \t\"<>"):
			c.fail(1022, "")
		case !containsAnyDomain(lu, d.Domains):
			c.fail(1041, "")
		}
	}
	app, err := ParseAppRemark(d.Remark)
	if err != nil {
		c.fail(1999, "APP备注格式错误（malformed APP remark）："+strings.TrimPrefix(err.Error(), ErrAppRemark.Error()+": "))
	}
	return app
}

func containsAnyDomain(u string, domains []domainRec) bool {
	for _, d := range domains {
		if strings.Contains(u, d.Name) {
			return true
		}
		if strings.Contains(u, asciiDomain(d.Name)) {
			return true
		}
	}
	return false
}

// checkAccess is 1035 (access method) and 1006 (IP ranges).
func checkAccess(c *checker, a accessRec) {
	for _, m := range a.Methods {
		if !knownCode(accessMethods, m) {
			c.fail(1035, fmt.Sprintf("网站接入方式代码%d无效", m))
		}
	}
	if len(a.IPs) == 0 {
		c.fail(1006, "接入信息缺少IP地址（no IP address）")
	}
	for _, ip := range a.IPs {
		if ip.Start == 0 || ip.End == 0 || ip.Start > ip.End {
			c.fail(1006, fmt.Sprintf("IP地址段%s-%s无效（start after end）", ip.Start, ip.End))
		}
	}
}

// checkDomainsFree is 1005, 1039 and 1064 for the domains a filing adds: not filed under
// another subject (1005), not already filed under this one (1039), not in a filing in
// progress (1005), not blacklisted (1064).
func (s *Sim) checkDomainsFree(c *checker, siteName string, domains []string, ztid int64) {
	for _, d := range domains {
		if s.domainBlacklisted(d) {
			c.fail(1064, fmt.Sprintf("“%s”网站的“%s”域名在黑名单中，请核实后再次报备", clip(siteName, 40), d))
		}
		if site := s.siteByDomain(d); site != nil {
			if ztid != 0 && site.Ztid == ztid {
				c.fail(1039, fmt.Sprintf("域名“%s”已在本主体下备案（%s）", d, s.siteNumber(site)))
			} else {
				c.fail(1005, fmt.Sprintf("域名“%s”已备案（%s）", d, s.siteNumber(site)))
			}
			continue
		}
		if f := s.pendingWith(func(f *filing) bool { return f.addsDomain(d) }); f != nil {
			c.fail(1005, fmt.Sprintf("域名“%s”有正在办理的备案申请", d))
		}
	}
}

// addsDomain reports whether a filing adds the domain.
func (f *filing) addsDomain(d string) bool {
	for _, p := range f.Sites {
		if p.Wzid == 0 {
			for _, x := range p.Data.Domains {
				if x.Name == d {
					return true
				}
			}
		}
		for _, x := range p.NewDomains {
			if x == d {
				return true
			}
		}
	}
	return false
}

// pendingWith returns the first filing in progress (SMS or review) that pred accepts.
func (s *Sim) pendingWith(pred func(*filing) bool) *filing {
	for _, f := range s.st.Filings {
		if (f.State == StateSMS || f.State == StateReview) && pred(f) {
			return f
		}
	}
	return nil
}
