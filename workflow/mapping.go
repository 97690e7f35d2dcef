package workflow

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/region"
)

// This file maps orders to V3.0 upload records (docs/miit-interface.md has
// the tables):
//
//	首次备案                  XZBA  Baxx: subject + websites (APPs by the APP convention)
//	新增网站, 新增APP          XZWZ  Xzxx: subject number (or Ztid) + websites, ICPmm when known
//	新增接入                  XZJR  Xzxx per service: site number (or Wzid), our access, ICPmm
//	变更主体/服务/两者        BGBA  Bgxx: Ztid, the subject, the websites with our access
//	注销主体/网站, 取消接入    ZXBA  Zx_xx: Zxlb 0/1/2 with the bureau's Ztid/Wzid/Jrid
//	迁移                      ZXBA Zxlb 1 under the old subject, then (step 2) XZWZ under the new one
//
// The mapper is pure: IDs, code tables, stored records and documents come
// in, records go out, so the benchmark and the tests run it without a store.

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"bureau.mapping.type": {ZH: "「{type}」不提交管局。", EN: "{type_en} orders do not go to the bureau."},
		"bureau.mapping.code": {ZH: "管局代码表中没有「{value}」（{table}），无法报备，请修改后重新提交。",
			EN: "The bureau's code table {table} has no entry for {value}; change it and submit again."},
		"bureau.mapping.region": {ZH: "地址的行政区划代码「{code}」无效，请重新选择省市县。", EN: "The region code {code} is not valid; choose the province, city and county again."},
		"bureau.mapping.ipv4_required": {ZH: "接口规范V3.0只能报备IPv4地址，请至少填写一个IPv4地址（IPv6地址不会报备）。",
			EN: "Interface V3.0 reports IPv4 addresses only; add at least one IPv4 address (IPv6 addresses are not reported)."},
		"bureau.mapping.record": {ZH: "找不到该订单所涉及的已备案信息。", EN: "The filed record this order acts on was not found."},
		"bureau.mapping.bureau_id": {ZH: "「{what}」尚未从管局同步备案号或管局标识，请等待数据同步后再提交。",
			EN: "{what} has no number or bureau ID from the bureau yet; wait for the record data to sync and submit again."},
		"bureau.mapping.password": {ZH: "该业务需要ICP备案密码，请客户在订单中填写备案密码。", EN: "This operation needs the ICP filing password; ask the customer to enter it in the order."},
		"bureau.mapping.document": {ZH: "前置审批文件「{number}」无法读取，请重新上传。", EN: "The pre-approval document {number} cannot be read; upload it again."},
		"bureau.mapping.invalid": {ZH: "报备数据不符合接口规范（{path}：{problem}），请修改后重新提交。",
			EN: "The filing data does not meet the interface schema ({path}: {problem}); correct it and submit again."},
		"bureau.mapping.no_service": {ZH: "订单没有要报备的网站或APP。", EN: "The order has no website or app to report."},
	})
}

// uploadOp is one mapped upload record with what matches its results.
type uploadOp struct {
	Kind beian.UploadKind
	Czlx int
	Bs   string
	Step int
	// Record is a *miit.XZBABaxx, *miit.XZWZXzxx, *miit.XZJRXzxx,
	// *miit.BGBABgxx or *miit.ZXBAZxXx.
	Record any
}

// BAJG operation types (Czlx, spec 4-2-1-6).
const (
	czlxNewFiling     = 1
	czlxNewSite       = 2
	czlxNewAccess     = 3
	czlxChange        = 4
	czlxCancelAccess  = 5
	czlxCancelSubject = 6
	czlxCancelSite    = 7
)

// mapper maps one order.
type mapper struct {
	conn  *beian.BureauConnection
	codes *codeSet
	// id returns our numeric ID (IspZtid …) for an object of the order,
	// allocating it on first use.
	id func(kind beian.ObjectKind, ref string) (int64, error)
	// known returns the bureau's ID of an object of a filed record (a
	// service's domain by kind ObjectDomain and ref the domain), 0 if none.
	known func(kind beian.ObjectKind, recordID, ref string) (int64, error)
	// docs are pre-approval scans by document ID, base64 and at most 100 KB.
	docs map[string]string
	// siteNumbers are the filed numbers of new-access sites filed elsewhere,
	// by domain, when the order names no record of ours.
	siteNumbers map[string]string
	// migrationTarget is the record of the subject a migration moves
	// services to.
	migrationTarget *beian.Record
}

// mapOrder returns the upload records of o. rec is the filed record the order
// acts on (nil for a first filing), password the filing password when known.
// Errors are EINVALID *beian.Error values that name the field to fix; the
// records are not yet checked against the XSD (mapValidated does that).
func (m *mapper) mapOrder(o *beian.Order, rec *beian.Record, password string) ([]uploadOp, error) {
	var ops []uploadOp
	var err error
	switch o.Type {
	case beian.FirstFiling:
		ops, err = m.firstFiling(o)
	case beian.NewWebsite, beian.NewApp:
		ops, err = m.newSites(o, rec, password, o.Snapshot.Websites, o.Snapshot.Apps, 1)
	case beian.NewAccess:
		ops, err = m.newAccess(o, rec, password)
	case beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth:
		ops, err = m.change(o, rec, password)
	case beian.CancelSubject, beian.CancelService, beian.CancelAccess:
		ops, err = m.cancel(o, rec, password, 1)
	case beian.Migrate:
		ops, err = m.migrate(o, rec, password)
	default:
		t := o.Type.Text()
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.type", "type", t.ZH, "type_en", t.EN)
	}
	if err != nil {
		return nil, err
	}
	return ops, nil
}

// mapValidated maps o and checks each record against the XSD, so that
// nothing the bureau's schema refuses is ever queued: the customer hears of
// it now, not after an upload.
func (m *mapper) mapValidated(o *beian.Order, rec *beian.Record, password string) ([]uploadOp, error) {
	ops, err := m.mapOrder(o, rec, password)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if err := validateRecord(m.conn.ISPID, op); err != nil {
			return nil, err
		}
	}
	return ops, nil
}

// validateRecord checks one record against the XSD (wrapped in an upload
// document), so nothing the bureau's schema refuses is ever queued.
func validateRecord(isp int64, op uploadOp) error {
	doc := uploadDoc(isp, []uploadOp{op})
	if err := doc.Validate(); err != nil {
		path, problem := "", err.Error()
		if ve, ok := err.(*miit.ValidationError); ok && len(ve.Problems) > 0 {
			path, problem = ve.Problems[0].Path, ve.Problems[0].Message
		}
		return beian.Invalid("", "bureau.mapping.invalid", "path", path, "problem", problem).WithCause(err)
	}
	return nil
}

// uploadDoc assembles records into one upload document.
func uploadDoc(isp int64, ops []uploadOp) *miit.UploadData {
	icp := &miit.UploadICP{Qqdwid: isp}
	for _, op := range ops {
		switch r := op.Record.(type) {
		case *miit.XZBABaxx:
			if icp.XZBA == nil {
				icp.XZBA = &miit.XZBA{}
			}
			icp.XZBA.Baxx = append(icp.XZBA.Baxx, *r)
		case *miit.XZWZXzxx:
			if icp.XZWZ == nil {
				icp.XZWZ = &miit.XZWZ{}
			}
			icp.XZWZ.Xzxx = append(icp.XZWZ.Xzxx, *r)
		case *miit.XZJRXzxx:
			if icp.XZJR == nil {
				icp.XZJR = &miit.XZJR{}
			}
			icp.XZJR.Xzxx = append(icp.XZJR.Xzxx, *r)
		case *miit.BGBABgxx:
			if icp.BGBA == nil {
				icp.BGBA = &miit.BGBA{}
			}
			icp.BGBA.Bgxx = append(icp.BGBA.Bgxx, *r)
		case *miit.ZXBAZxXx:
			if icp.ZXBA == nil {
				icp.ZXBA = &miit.ZXBA{}
			}
			icp.ZXBA.ZxXx = append(icp.ZXBA.ZxXx, *r)
		case *miit.HSJGHsjgxx: // compliance_upload.go
			if icp.HSJG == nil {
				icp.HSJG = &miit.HSJG{}
			}
			icp.HSJG.Hsjgxx = append(icp.HSJG.Hsjgxx, *r)
		case *miit.WBACLJGClxx:
			if icp.WBACLJG == nil {
				icp.WBACLJG = &miit.WBACLJG{}
			}
			icp.WBACLJG.Clxx = append(icp.WBACLJG.Clxx, *r)
		}
	}
	return &miit.UploadData{Version: miit.Version, ICP: icp}
}

// newRecord returns an empty record of kind, for decoding stored records.
func newRecord(kind beian.UploadKind) (any, error) {
	switch kind {
	case beian.UploadXZBA:
		return new(miit.XZBABaxx), nil
	case beian.UploadXZWZ:
		return new(miit.XZWZXzxx), nil
	case beian.UploadXZJR:
		return new(miit.XZJRXzxx), nil
	case beian.UploadBGBA:
		return new(miit.BGBABgxx), nil
	case beian.UploadZXBA:
		return new(miit.ZXBAZxXx), nil
	case UploadHSJG: // compliance_upload.go
		return new(miit.HSJGHsjgxx), nil
	case UploadWBACLJG:
		return new(miit.WBACLJGClxx), nil
	}
	return nil, fmt.Errorf("workflow: unknown upload kind %q", kind)
}

// siteRef names a website or app inside an order: its snapshot ID, or its
// position when it has none.
func siteRef(kind beian.ServiceKind, id string, i int) string {
	if id != "" {
		return id
	}
	return fmt.Sprintf("%s-%d", kind, i)
}

// codeError is the EINVALID error for a value the bureau's table lacks.
func codeError(field, table, value string) error {
	return beian.Invalid(field, "bureau.mapping.code", "table", table, "value", value)
}

func (m *mapper) natureID(n beian.Nature) (int64, error) {
	if id, ok := m.codes.id(tableNature, n.Text().ZH); ok {
		return id, nil
	}
	return 0, codeError("subject.nature", tableNature, n.Text().ZH)
}

func (m *mapper) certID(field string, c beian.CertificateType, n beian.Nature) (int64, error) {
	names := certNames(c, n)
	if id, ok := m.codes.id(tableCertType, names...); ok {
		return id, nil
	}
	return 0, codeError(field, tableCertType, names[0])
}

// address is the Txdz of a subject: the region IDs of the certificate's
// place (spec: 证件上注明的…所在省/市/县), falling back to the mailing
// address's, and the full mailing address.
type address struct {
	sheng, shi int64
	xian       *int64
	detail     string
}

func (m *mapper) address(s *beian.Subject) (address, error) {
	code := s.CertificateRegion
	if code == "" {
		code = s.MailingAddress.Region
	}
	d, ok := region.Lookup(code)
	if !ok || d.Level == region.LevelProvince {
		return address{}, beian.Invalid("subject.mailing_address.region", "bureau.mapping.region", "code", code)
	}
	var a address
	a.sheng, _ = strconv.ParseInt(d.ProvinceCode(), 10, 64)
	a.shi, _ = strconv.ParseInt(d.CityCode(), 10, 64)
	if d.Level == region.LevelCounty {
		x, _ := strconv.ParseInt(d.Code, 10, 64)
		a.xian = &x
	}
	detail := strings.TrimSpace(s.MailingAddress.Detail)
	if full := region.FullName(s.MailingAddress.Region); full != "" && !strings.HasPrefix(detail, full) {
		detail = full + detail
	}
	a.detail = clipRunes(detail, 1024)
	return a, nil
}

// clipRunes shortens s to n characters: XSD lengths count characters.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// office returns the office phone V3.0 wants (办公电话, at least 11
// characters): the person's office phone, or their emergency phone, which
// MIIT's current forms ask for in its place; "" when neither fits.
func office(p *beian.Person) string {
	for _, v := range []string{p.OfficePhone, p.EmergencyPhone} {
		v = strings.TrimSpace(v)
		if len([]rune(v)) >= 11 && len([]rune(v)) <= 128 {
			return v
		}
	}
	return ""
}

// person is a responsible person in the fields every Fzr type shares.
type person struct {
	name, office, mobile, email string
	certType                    *int64
	cert                        string
}

func (m *mapper) person(field string, p *beian.Person, n beian.Nature) (person, error) {
	out := person{name: p.Name, office: office(p), mobile: strings.TrimSpace(p.Mobile), email: strings.TrimSpace(p.Email),
		cert: strings.TrimSpace(p.CertificateNumber)}
	if p.CertificateType != "" {
		id, err := m.certID(field+".certificate_type", p.CertificateType, n)
		if err != nil {
			return person{}, err
		}
		out.certType = &id
	}
	return out, nil
}

func (p person) site() miit.XZBABaxxWzXxWzFzr {
	return miit.XZBABaxxWzXxWzFzr{FzrXm: p.name, FzrDhhm: p.office, FzrSjhm: p.mobile, FzrDzyj: p.email, FzrZjlx: p.certType, FzrZjhm: p.cert}
}

// subject is a subject in the fields XZBA's and BGBA's Zt_xx share.
type subject struct {
	name      string
	nature    *int64
	investor  string
	addr      address
	certType  int64
	cert      string
	certAddr  string
	principal person
	remark    string
}

func (m *mapper) subject(s *beian.Subject) (subject, error) {
	var out subject
	out.name, out.investor, out.remark = s.Name, s.Investor, clipRunes(s.Remark, 1024)
	nat, err := m.natureID(s.Nature)
	if err != nil {
		return out, err
	}
	out.nature = &nat
	if out.addr, err = m.address(s); err != nil {
		return out, err
	}
	if out.certType, err = m.certID("subject.certificate_type", s.CertificateType, s.Nature); err != nil {
		return out, err
	}
	out.cert, out.certAddr = strings.TrimSpace(s.CertificateNumber), s.CertificateAddress
	if out.principal, err = m.person("subject.principal", &s.Principal, beian.NatureIndividual); err != nil {
		return out, err
	}
	return out, nil
}

// site is a website or app in the fields every Wz_xx type shares.
type site struct {
	ref       string
	kind      beian.ServiceKind
	name      string
	nrlx      *miit.XZBABaxxWzXxNrlx
	content   []int64
	languages []int64
	domains   []string
	ips       [][2]miit.IPv4
	ipRefs    []string
	principal person
	homeURL   string
	remark    string
	recordID  string
}

// siteFromWebsite maps a website; field is its path in the snapshot.
func (m *mapper) siteFromWebsite(field string, w *beian.Website, ref string) (site, error) {
	s := site{ref: ref, kind: beian.KindWebsite, name: w.Name, domains: normDomains(w.Domains), homeURL: strings.TrimSpace(w.HomepageURL),
		remark: clipRunes(strings.TrimSpace(w.Remark), 1024), recordID: w.RecordID}
	if s.homeURL == "" && len(s.domains) > 0 {
		s.homeURL = "http://" + s.domains[0]
	}
	return s, m.fillSite(field, &s, w.ServiceContent, w.Languages, w.PreApprovals, w.IPs, &w.Principal, false)
}

// siteFromApp maps an app by Beian's APP convention: V3.0 has no APP
// structure, so an app travels as a website entry whose name is the app's,
// whose domains are the app's, and whose remark (Wz_Bz) starts with "APP;"
// and lists platform=, package= and md5= (and pubkey= where it fits) per
// runtime platform. The customer's own remark does not travel for apps.
func (m *mapper) siteFromApp(field string, a *beian.App, ref string) (site, error) {
	s := site{ref: ref, kind: beian.KindApp, name: a.Name, domains: normDomains(appDomains(a)), remark: appRemark(a), recordID: a.RecordID}
	return s, m.fillSite(field, &s, a.ServiceContent, a.Languages, a.PreApprovals, a.IPs, &a.Principal, true)
}

// appDomains are an app's domains and its releases' back-end domains.
func appDomains(a *beian.App) []string {
	out := append([]string(nil), a.Domains...)
	for _, r := range a.Releases {
		out = append(out, r.Domains...)
	}
	return out
}

// appMarker starts the remark of an app under the APP convention.
const appMarker = "APP;"

// appRemark writes the APP convention's remark. Public keys are long (an RSA
// key is ~400 characters) and the remark holds 1024, so they are left out
// when they would not fit.
func appRemark(a *beian.App) string {
	clean := func(s string) string {
		return strings.NewReplacer(";", "", "=", "", "\n", "", "\r", "").Replace(strings.TrimSpace(s))
	}
	build := func(withKeys bool) string {
		var b strings.Builder
		b.WriteString(appMarker)
		for i, r := range a.Releases {
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, "platform=%s;package=%s;md5=%s", clean(string(r.Platform)), clean(r.PackageName), clean(r.SignatureMD5))
			if withKeys && r.PublicKey != "" {
				fmt.Fprintf(&b, ";pubkey=%s", clean(r.PublicKey))
			}
		}
		return b.String()
	}
	if s := build(true); len([]rune(s)) <= 1024 {
		return s
	}
	return clipRunes(build(false), 1024)
}

func normDomains(ds []string) []string {
	var out []string
	for _, d := range ds {
		d = beian.NormalizeDomain(d)
		if d == "" {
			continue
		}
		dup := false
		for _, x := range out {
			dup = dup || x == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

func (m *mapper) fillSite(field string, s *site, content, languages []string, approvals []beian.PreApproval, ips []beian.IPRange,
	principal *beian.Person, app bool) error {
	for _, c := range content {
		id, ok := m.codes.id(tableContent, c)
		if !ok {
			if !app {
				return codeError(field+".service_content", tableContent, c)
			}
			// APP service content has its own catalogue (生活服务 …) that V3.0
			// predates: an item without a website counterpart is 其他.
			if id, ok = m.codes.id(tableContent, "其他"); !ok {
				return codeError(field+".service_content", tableContent, "其他")
			}
		}
		s.content = appendID(s.content, id)
	}
	if len(s.content) == 0 {
		id, ok := m.codes.id(tableContent, "其他")
		if !ok {
			return codeError(field+".service_content", tableContent, "其他")
		}
		s.content = []int64{id}
	}
	for _, l := range languages {
		names := languageNames(l)
		id, ok := m.codes.id(tableLanguage, names...)
		if !ok {
			return codeError(field+".languages", tableLanguage, names[0])
		}
		s.languages = appendID(s.languages, id)
	}
	if len(s.languages) == 0 {
		id, ok := m.codes.id(tableLanguage, "中文简体")
		if !ok {
			return codeError(field+".languages", tableLanguage, "中文简体")
		}
		s.languages = []int64{id}
	}
	for i, p := range approvals {
		name := sectorNames[p.Category]
		if name == "" {
			name = p.Category
		}
		id, ok := m.codes.id(tablePreApproval, name)
		if !ok {
			return codeError(fmt.Sprintf("%s.pre_approvals[%d].category", field, i), tablePreApproval, name)
		}
		scan, ok := m.docs[p.DocumentID]
		if !ok || scan == "" {
			return beian.Invalid(fmt.Sprintf("%s.pre_approvals[%d].document_id", field, i), "bureau.mapping.document", "number", p.Number)
		}
		if s.nrlx == nil {
			s.nrlx = &miit.XZBABaxxWzXxNrlx{}
		}
		s.nrlx.NrlxXx = append(s.nrlx.NrlxXx, miit.XZBABaxxWzXxNrlxNrlxXx{NrlxID: id, Qzsph: p.Number, Spwj: []string{scan}})
	}
	for _, r := range ips {
		// V3.0 carries IPv4 only (xs:long); IPv6 ranges stay with us.
		if !r.Valid() || !r.Start.Unmap().Is4() {
			continue
		}
		a, err1 := miit.IPv4From(r.Start)
		b, err2 := miit.IPv4From(r.End)
		if err1 != nil || err2 != nil || a == 0 {
			continue
		}
		s.ips = append(s.ips, [2]miit.IPv4{a, b})
		s.ipRefs = append(s.ipRefs, r.String())
	}
	if len(s.ips) == 0 {
		return beian.Invalid(field+".ips", "bureau.mapping.ipv4_required")
	}
	var err error
	s.principal, err = m.person(field+".principal", principal, beian.NatureIndividual)
	return err
}

func appendID(list []int64, id int64) []int64 {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// accessIDs are the access method and server location of this connection.
func (m *mapper) accessIDs() (fbdd, jrfs int64, err error) {
	name := m.conn.AccessMethod
	if name == "" {
		name = "云主机"
	}
	jrfs, ok := m.codes.id(tableAccessMethod, name)
	if !ok {
		return 0, 0, codeError("connection.access_method", tableAccessMethod, name)
	}
	fbdd = m.conn.ServerLocation
	if fbdd <= 0 {
		fbdd = 1
	}
	return fbdd, jrfs, nil
}

// siteIDs are our numeric IDs of a site's parts.
type siteIDs struct {
	site, access int64
	domains      []int64
	ips          []int64
}

func (m *mapper) siteIDs(s *site) (siteIDs, error) {
	var ids siteIDs
	var err error
	if ids.site, err = m.id(beian.ObjectService, s.ref); err != nil {
		return ids, err
	}
	if ids.access, err = m.id(beian.ObjectAccess, s.ref); err != nil {
		return ids, err
	}
	for _, d := range s.domains {
		id, err := m.id(beian.ObjectDomain, s.ref+"/"+d)
		if err != nil {
			return ids, err
		}
		ids.domains = append(ids.domains, id)
	}
	for _, r := range s.ipRefs {
		id, err := m.id(beian.ObjectIP, s.ref+"/"+r)
		if err != nil {
			return ids, err
		}
		ids.ips = append(ids.ips, id)
	}
	return ids, nil
}

// xzbaSite is a site as XZBA carries it.
func (m *mapper) xzbaSite(s *site) (miit.XZBABaxxWzXx, error) {
	ids, err := m.siteIDs(s)
	if err != nil {
		return miit.XZBABaxxWzXx{}, err
	}
	fbdd, jrfs, err := m.accessIDs()
	if err != nil {
		return miit.XZBABaxxWzXx{}, err
	}
	w := miit.XZBABaxxWzXx{ISPWzid: ids.site, Wzmc: s.name, Nrlx: s.nrlx, Fwnr: miit.XZBABaxxWzXxFwnr{FwnrID: s.content},
		Yylb: miit.XZBABaxxWzXxYylb{YylbID: s.languages}, WzFzr: s.principal.site(), Syurl: s.homeURL, WzBz: s.remark}
	for i, d := range s.domains {
		w.YmXx = append(w.YmXx, miit.XZBABaxxWzXxYmXx{ISPYmid: ids.domains[i], Ym: d})
	}
	j := miit.XZBABaxxWzXxJrXx{ISPJrid: ids.access, Wzfb: miit.XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{fbdd}},
		Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{jrfs}}}
	for i, r := range s.ips {
		j.IPXx = append(j.IPXx, miit.XZBABaxxWzXxJrXxIPXx{ISPIpid: ids.ips[i], Qsip: r[0], Zzip: r[1]})
	}
	w.JrXx = []miit.XZBABaxxWzXxJrXx{j}
	return w, nil
}

// sites maps the websites and apps of a snapshot.
func (m *mapper) sites(ws []beian.Website, as []beian.App) ([]site, error) {
	var out []site
	for i := range ws {
		s, err := m.siteFromWebsite(fmt.Sprintf("websites[%d]", i), &ws[i], siteRef(beian.KindWebsite, ws[i].ID, i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	for i := range as {
		s, err := m.siteFromApp(fmt.Sprintf("apps[%d]", i), &as[i], siteRef(beian.KindApp, as[i].ID, i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, beian.Invalid("websites", "bureau.mapping.no_service")
	}
	return out, nil
}

func (m *mapper) firstFiling(o *beian.Order) ([]uploadOp, error) {
	subj, err := m.subject(&o.Snapshot.Subject)
	if err != nil {
		return nil, err
	}
	ztid, err := m.id(beian.ObjectSubject, "subject")
	if err != nil {
		return nil, err
	}
	p := subj.principal
	b := &miit.XZBABaxx{ZtXx: miit.XZBABaxxZtXx{
		ISPZtid: ztid, Dwmc: subj.name, Dwxz: subj.nature, Tzr: subj.investor,
		Txdz: miit.XZBABaxxZtXxTxdz{Shengid: subj.addr.sheng, Shiid: subj.addr.shi, Xianid: subj.addr.xian, Xxdz: subj.addr.detail},
		Zj:   miit.XZBABaxxZtXxZj{Zjlx: subj.certType, Zjhm: subj.cert, Zjzs: subj.certAddr},
		Fzr:  miit.XZBABaxxZtXxFzr{FzrXm: p.name, FzrDhhm: p.office, FzrSjhm: p.mobile, FzrDzyj: p.email, FzrZjlx: p.certType, FzrZjhm: p.cert},
		// 代为报备: the provider files on the customer's behalf.
		Bbfs: 1, Bz: subj.remark,
	}}
	sites, err := m.sites(o.Snapshot.Websites, o.Snapshot.Apps)
	if err != nil {
		return nil, err
	}
	for i := range sites {
		w, err := m.xzbaSite(&sites[i])
		if err != nil {
			return nil, err
		}
		b.WzXx = append(b.WzXx, w)
	}
	return []uploadOp{{Kind: beian.UploadXZBA, Czlx: czlxNewFiling, Bs: strconv.FormatInt(ztid, 10), Record: b}}, nil
}

// md5Password is ICPmm: the filing password as 32 hex digits of its MD5.
func md5Password(password string) string {
	if password == "" {
		return ""
	}
	sum := md5.Sum([]byte(password))
	return hex.EncodeToString(sum[:])
}

// subjectTarget is how XZWZ names the filed subject: its number when known,
// the bureau's ID otherwise. The result's Bs is the same value.
func subjectTarget(rec *beian.Record) (miit.XZWZXzxxZtXx, string, error) {
	if n := rec.Subject.Number.String(); n != "" {
		return miit.XZWZXzxxZtXx{Ztbah: n}, n, nil
	}
	if id, _ := strconv.ParseInt(rec.Subject.BureauID, 10, 64); id > 0 {
		return miit.XZWZXzxxZtXx{Ztid: &id}, rec.Subject.BureauID, nil
	}
	return miit.XZWZXzxxZtXx{}, "", beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", rec.Subject.Subject.Name)
}

func (m *mapper) newSites(o *beian.Order, rec *beian.Record, password string, ws []beian.Website, as []beian.App, step int) ([]uploadOp, error) {
	if rec == nil {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.record")
	}
	zt, bs, err := subjectTarget(rec)
	if err != nil {
		return nil, err
	}
	x := &miit.XZWZXzxx{ZtXx: zt, ICPmm: md5Password(password)}
	sites, err := m.sites(ws, as)
	if err != nil {
		return nil, err
	}
	for i := range sites {
		w, err := m.xzbaSite(&sites[i])
		if err != nil {
			return nil, err
		}
		ww := miit.XZWZXzxxWzXx{ISPWzid: w.ISPWzid, Wzmc: w.Wzmc, Nrlx: w.Nrlx, Fwnr: w.Fwnr, Yylb: w.Yylb, YmXx: w.YmXx, WzFzr: w.WzFzr,
			Syurl: w.Syurl, WzBz: w.WzBz}
		for _, j := range w.JrXx {
			jj := miit.XZWZXzxxWzXxJrXx{ISPJrid: j.ISPJrid, Wzfb: j.Wzfb, Wzjrfs: j.Wzjrfs}
			for _, ip := range j.IPXx {
				jj.IPXx = append(jj.IPXx, miit.XZWZXzxxWzXxJrXxIPXx(ip))
			}
			ww.JrXx = append(ww.JrXx, jj)
		}
		x.WzXx = append(x.WzXx, ww)
	}
	return []uploadOp{{Kind: beian.UploadXZWZ, Czlx: czlxNewSite, Bs: bs, Step: step, Record: x}}, nil
}

// findService returns the record's service with id.
func findService(rec *beian.Record, id string) *beian.RecordService {
	if rec == nil {
		return nil
	}
	for i := range rec.Services {
		if rec.Services[i].ID == id {
			return &rec.Services[i]
		}
	}
	return nil
}

// serviceTarget is how XZJR names a filed site: its number, else the
// bureau's ID; Bs is the same value.
func serviceTarget(svc *beian.RecordService) (miit.XZJRXzxxWzXx, string, error) {
	if n := svc.Number.String(); n != "" {
		return miit.XZJRXzxxWzXx{Wzbah: n}, n, nil
	}
	if id, _ := strconv.ParseInt(svc.BureauID, 10, 64); id > 0 {
		return miit.XZJRXzxxWzXx{Wzid: &id}, svc.BureauID, nil
	}
	return miit.XZJRXzxxWzXx{}, "", beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", svc.Name())
}

// newAccess maps 新增接入: one XZJR record per service. A service in our
// records is named by its number; one filed elsewhere by the number the
// bureau reported for its domain (siteNumbers).
func (m *mapper) newAccess(o *beian.Order, rec *beian.Record, password string) ([]uploadOp, error) {
	if password == "" {
		return nil, beian.Invalid("filing_password", "bureau.mapping.password")
	}
	fbdd, jrfs, err := m.accessIDs()
	if err != nil {
		return nil, err
	}
	sites, err := m.sites(o.Snapshot.Websites, o.Snapshot.Apps)
	if err != nil {
		return nil, err
	}
	var ops []uploadOp
	for i := range sites {
		s := &sites[i]
		var target miit.XZJRXzxxWzXx
		var bs string
		if svc := findService(rec, s.recordID); svc != nil {
			if target, bs, err = serviceTarget(svc); err != nil {
				return nil, err
			}
		} else if len(s.domains) > 0 && m.siteNumbers[s.domains[0]] != "" {
			bs = m.siteNumbers[s.domains[0]]
			target = miit.XZJRXzxxWzXx{Wzbah: bs}
		} else {
			return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", s.name)
		}
		ids, err := m.siteIDs(s)
		if err != nil {
			return nil, err
		}
		x := &miit.XZJRXzxx{WzXx: target, ISPJrid: ids.access, Wzfb: miit.XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{fbdd}},
			Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{jrfs}}, ICPmm: md5Password(password)}
		for j, r := range s.ips {
			x.IPXx = append(x.IPXx, miit.XZJRXzxxIPXx{ISPIpid: ids.ips[j], Qsip: r[0], Zzip: r[1]})
		}
		ops = append(ops, uploadOp{Kind: beian.UploadXZJR, Czlx: czlxNewAccess, Bs: bs, Record: x})
	}
	return ops, nil
}

// ourAccess returns the service's active access record of this provider.
func ourAccess(svc *beian.RecordService) *beian.AccessRecord {
	for i := range svc.Access {
		if svc.Access[i].Ours && svc.Access[i].Status != beian.AccessCancelled {
			return &svc.Access[i]
		}
	}
	return nil
}

// change maps 变更主体/服务/备案 to one BGBA record. The subject part is the
// snapshot's subject for subject changes and the filed subject otherwise;
// the site part lists the changed services (the snapshot's websites and apps
// with a RecordID) or, for a subject change alone, the services with our
// access unchanged, since BGBA needs at least one site.
func (m *mapper) change(o *beian.Order, rec *beian.Record, password string) ([]uploadOp, error) {
	if rec == nil {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.record")
	}
	ztid, _ := strconv.ParseInt(rec.Subject.BureauID, 10, 64)
	if ztid <= 0 || rec.Subject.Number.IsZero() {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", rec.Subject.Subject.Name)
	}
	s := &rec.Subject.Subject
	if o.Type != beian.ChangeService {
		s = &o.Snapshot.Subject
	}
	subj, err := m.subject(s)
	if err != nil {
		return nil, err
	}
	p := subj.principal
	b := &miit.BGBABgxx{ZtXx: miit.BGBABgxxZtXx{
		Ztid: ztid, Dwmc: subj.name, Baxh: rec.Subject.Number.String(), Dwxz: subj.nature, Tzr: subj.investor,
		Txdz: miit.BGBABgxxZtXxTxdz{Shengid: subj.addr.sheng, Shiid: subj.addr.shi, Xianid: subj.addr.xian, Xxdz: subj.addr.detail},
		Zj:   miit.BGBABgxxZtXxZj{Zjlx: subj.certType, Zjhm: subj.cert, Zjzs: subj.certAddr},
		Fzr:  miit.BGBABgxxZtXxFzr{FzrXm: p.name, FzrDhhm: p.office, FzrSjhm: p.mobile, FzrDzyj: p.email, FzrZjlx: p.certType, FzrZjhm: p.cert},
		Bz:   subj.remark,
	}, ICPmm: md5Password(password)}

	// The services to list, each with its proposed (or filed) data.
	type entry struct {
		svc  *beian.RecordService
		site site
	}
	var list []entry
	if o.Type != beian.ChangeSubject {
		for i := range o.Snapshot.Websites {
			w := &o.Snapshot.Websites[i]
			svc := findService(rec, w.RecordID)
			if svc == nil {
				return nil, beian.Invalid(fmt.Sprintf("websites[%d].record_id", i), "bureau.mapping.record")
			}
			st, err := m.siteFromWebsite(fmt.Sprintf("websites[%d]", i), w, svc.ID)
			if err != nil {
				return nil, err
			}
			list = append(list, entry{svc, st})
		}
		for i := range o.Snapshot.Apps {
			a := &o.Snapshot.Apps[i]
			svc := findService(rec, a.RecordID)
			if svc == nil {
				return nil, beian.Invalid(fmt.Sprintf("apps[%d].record_id", i), "bureau.mapping.record")
			}
			st, err := m.siteFromApp(fmt.Sprintf("apps[%d]", i), a, svc.ID)
			if err != nil {
				return nil, err
			}
			list = append(list, entry{svc, st})
		}
	}
	if len(list) == 0 {
		for i := range rec.Services {
			svc := &rec.Services[i]
			if svc.Status == beian.RecordCancelled || ourAccess(svc) == nil {
				continue
			}
			var st site
			var err error
			switch {
			case svc.Website != nil:
				st, err = m.siteFromWebsite("record.services", svc.Website, svc.ID)
			case svc.App != nil:
				st, err = m.siteFromApp("record.services", svc.App, svc.ID)
			default:
				continue
			}
			if err != nil {
				return nil, err
			}
			list = append(list, entry{svc, st})
		}
	}
	if len(list) == 0 {
		return nil, beian.Invalid("websites", "bureau.mapping.no_service")
	}
	fbdd, jrfs, err := m.accessIDs()
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		wzid, _ := strconv.ParseInt(e.svc.BureauID, 10, 64)
		acc := ourAccess(e.svc)
		var jrid int64
		if acc != nil {
			jrid, _ = strconv.ParseInt(acc.BureauID, 10, 64)
		}
		if wzid <= 0 || e.svc.Number.IsZero() || jrid <= 0 {
			return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", e.svc.Name())
		}
		st := e.site
		w := miit.BGBABgxxWzXx{Wzid: wzid, Wzmc: st.name, Nrlx: st.nrlx, Fwnr: miit.XZBABaxxWzXxFwnr{FwnrID: st.content},
			Yylb: miit.XZBABaxxWzXxYylb{YylbID: st.languages}, WzFzr: st.principal.site(), Baxh: e.svc.Number.String(),
			Syurl: st.homeURL, WzBz: st.remark}
		for _, d := range st.domains {
			// Kept domains carry the bureau's Ymid; new ones our own ID.
			ispYmid, err := m.id(beian.ObjectDomain, e.svc.ID+"/"+d)
			if err != nil {
				return nil, err
			}
			y := miit.BGBABgxxWzXxYmXx{ISPYmid: ispYmid, Ym: d}
			ymid, err := m.known(beian.ObjectDomain, e.svc.ID, d)
			if err != nil {
				return nil, err
			}
			if ymid > 0 {
				y.Ymid = &ymid
			}
			w.YmXx = append(w.YmXx, y)
		}
		j := miit.BGBABgxxWzXxJrXx{Jrid: jrid, Wzfb: miit.BGBABgxxWzXxJrXxWzfb{Fbdd: []int64{fbdd}}, Wzjrfs: miit.XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{jrfs}}}
		for i, r := range st.ips {
			ispIpid, err := m.id(beian.ObjectIP, e.svc.ID+"/"+st.ipRefs[i])
			if err != nil {
				return nil, err
			}
			ip := miit.BGBABgxxWzXxJrXxIPXx{ISPIpid: ispIpid, Qsip: r[0], Zzip: r[1]}
			if ipid, err := m.known(beian.ObjectIP, e.svc.ID, st.ipRefs[i]); err != nil {
				return nil, err
			} else if ipid > 0 {
				ip.Ipid = &ipid
			}
			j.IPXx = append(j.IPXx, ip)
		}
		w.JrXx = []miit.BGBABgxxWzXxJrXx{j}
		b.WzXx = append(b.WzXx, w)
	}
	return []uploadOp{{Kind: beian.UploadBGBA, Czlx: czlxChange, Bs: strconv.FormatInt(ztid, 10), Record: b}}, nil
}

// cancelReason returns the Zxly and note of a cancellation reason.
func (m *mapper) cancelReason(reason string) (int64, string, error) {
	reason = strings.TrimSpace(reason)
	if name, ok := cancelReasonNames[reason]; ok {
		if id, ok := m.codes.id(tableCancelReason, name); ok {
			return id, "", nil
		}
	}
	if id, ok := m.codes.id(tableCancelReason, reason); ok && reason != "" {
		return id, "", nil
	}
	id, ok := m.codes.id(tableCancelReason, "其他")
	if !ok {
		return 0, "", codeError("cancel_reason", tableCancelReason, "其他")
	}
	return id, clipRunes(reason, 1000), nil
}

// cancel maps 注销主体 (Zxlb 0), 注销网站 (1, per service) and 取消接入 (2, per
// service: our access). The upload XSD allows Zxlb 2, though the download
// XSD caps it at 1 (NOTES.md): we follow the upload XSD for what we send.
func (m *mapper) cancel(o *beian.Order, rec *beian.Record, password string, step int) ([]uploadOp, error) {
	if rec == nil {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.record")
	}
	zxly, note, err := m.cancelReason(o.Snapshot.CancelReason)
	if err != nil {
		return nil, err
	}
	typ := o.Type
	if typ == beian.Migrate {
		typ = beian.CancelService
	}
	if typ == beian.CancelSubject {
		ztid, _ := strconv.ParseInt(rec.Subject.BureauID, 10, 64)
		if ztid <= 0 {
			return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", rec.Subject.Subject.Name)
		}
		z := &miit.ZXBAZxXx{Zxlb: 0, Jlid: ztid, Zxly: zxly, Zxlybz: note, ICPmm: md5Password(password)}
		return []uploadOp{{Kind: beian.UploadZXBA, Czlx: czlxCancelSubject, Bs: strconv.FormatInt(ztid, 10), Step: step, Record: z}}, nil
	}
	ids := append([]string(nil), o.ServiceIDs...)
	sort.Strings(ids)
	var ops []uploadOp
	for _, id := range ids {
		svc := findService(rec, id)
		if svc == nil {
			return nil, beian.Invalid("service_ids", "bureau.mapping.record")
		}
		var jlid int64
		zxlb, czlx := int64(1), czlxCancelSite
		if typ == beian.CancelAccess {
			zxlb, czlx = 2, czlxCancelAccess
			if acc := ourAccess(svc); acc != nil {
				jlid, _ = strconv.ParseInt(acc.BureauID, 10, 64)
			}
		} else {
			jlid, _ = strconv.ParseInt(svc.BureauID, 10, 64)
		}
		if jlid <= 0 {
			return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.bureau_id", "what", svc.Name())
		}
		z := &miit.ZXBAZxXx{Zxlb: zxlb, Jlid: jlid, Zxly: zxly, Zxlybz: note}
		ops = append(ops, uploadOp{Kind: beian.UploadZXBA, Czlx: czlx, Bs: strconv.FormatInt(jlid, 10), Step: step, Record: z})
	}
	if len(ops) == 0 {
		return nil, beian.Invalid("service_ids", "bureau.mapping.no_service")
	}
	return ops, nil
}

// migrate maps 迁移互联网信息服务. V3.0 has no migration operation and a
// domain cannot be filed under two subjects, so it is done in two steps: the
// website is cancelled under its old subject (ZXBA Zxlb 1, step 1) and, once
// the bureau approves that, filed under the target subject (XZWZ, step 2,
// held until then). Between the two approvals the site is not filed. rec is
// the source subject's record (Order.RecordSubjectID) with the services to
// move in ServiceIDs; the target subject (the snapshot's) is migrationTarget;
// the services' data under the new subject is the snapshot's. The filing
// password is the target subject's.
func (m *mapper) migrate(o *beian.Order, rec *beian.Record, password string) ([]uploadOp, error) {
	if rec == nil || m.migrationTarget == nil {
		return nil, beian.Errorf(beian.ECONFLICT, "bureau.mapping.record")
	}
	cancel, err := m.cancel(o, rec, "", 1)
	if err != nil {
		return nil, err
	}
	add, err := m.newSites(o, m.migrationTarget, password, o.Snapshot.Websites, o.Snapshot.Apps, 2)
	if err != nil {
		return nil, err
	}
	return append(cancel, add...), nil
}
