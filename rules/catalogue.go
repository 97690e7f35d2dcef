package rules

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openbeian/beian"
)

// catalogue returns every rule, in the order docs/rules.md lists them:
// order and resource rules (§6.1), domains (§6.2), subject and persons
// (§6.3), contacts (§6.4), website names and content (§6.5), uploads and
// authenticity (§6.6), apps (§6.7), servers (§6.8). Each call builds fresh
// values; NewEngine indexes them.
func catalogue() []*Rule {
	var rs []*Rule
	rs = append(rs, orderRules()...)
	rs = append(rs, domainRules()...)
	rs = append(rs, subjectRules()...)
	rs = append(rs, contactRules()...)
	rs = append(rs, siteRules()...)
	rs = append(rs, uploadRules()...)
	rs = append(rs, appRules()...)
	rs = append(rs, ipRules()...)
	return rs
}

// t builds a bilingual text.
func t(zh, en string) beian.Text { return beian.Text{ZH: zh, EN: en} }

// Filing-type sets the rules apply to.
var (
	// typesFiling carry subject data to the bureau.
	typesFiling = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess,
		beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth, beian.Migrate}
	// typesServices carry service data to the bureau.
	typesServices = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess,
		beian.ChangeService, beian.ChangeBoth, beian.Migrate}
	// typesNew file services the bureau has not seen.
	typesNew = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp}
	// typesResource need a filing resource (产品验证).
	typesResource = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess}
	// typesNaming choose or change a website's name.
	typesNaming = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.ChangeService, beian.ChangeBoth}
	// typesChange change filed data.
	typesChange = []beian.OrderType{beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth}
	// typesChangeService change filed services.
	typesChangeService = []beian.OrderType{beian.ChangeService, beian.ChangeBoth}
	// typesExisting act on services already filed (our records hold them).
	typesExisting = []beian.OrderType{beian.NewAccess, beian.ChangeService, beian.ChangeBoth}
	// typesOnRecord act on a subject filed through us.
	typesOnRecord = []beian.OrderType{beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth,
		beian.CancelSubject, beian.CancelService, beian.CancelAccess, beian.Migrate}
	// typesReviewed go through the provider's preliminary review.
	typesReviewed = []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess,
		beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth, beian.CancelSubject, beian.CancelService,
		beian.CancelAccess, beian.Migrate}
)

// Nature sets.
var (
	naturesUnits = func() []beian.Nature {
		var ns []beian.Nature
		for _, n := range beian.Natures {
			if !n.IsIndividual() {
				ns = append(ns, n)
			}
		}
		return ns
	}()
	naturesIndividual = []beian.Nature{beian.NatureIndividual}
)

var (
	kindsWebsite = []beian.ServiceKind{beian.KindWebsite}
	kindsApp     = []beian.ServiceKind{beian.KindApp}
)

// Material purposes (beian.Material.Purpose) the rules look for; they are
// the domain's, named here too for the catalogue's readers.
const (
	MaterialSubjectCertificate            = beian.MaterialSubjectCertificate
	MaterialPrincipalIDFront              = beian.MaterialPrincipalIDFront
	MaterialPrincipalIDBack               = beian.MaterialPrincipalIDBack
	MaterialServicePrincipalIDFront       = beian.MaterialServicePrincipalIDFront
	MaterialServicePrincipalIDBack        = beian.MaterialServicePrincipalIDBack
	MaterialServicePrincipalPhoto         = beian.MaterialServicePrincipalPhoto
	MaterialVerificationSheet             = beian.MaterialVerificationSheet
	MaterialCommitmentLetter              = beian.MaterialCommitmentLetter
	MaterialResponsibilityNotice          = beian.MaterialResponsibilityNotice
	MaterialCommitmentVideo               = beian.MaterialCommitmentVideo
	MaterialBureauCommitment              = beian.MaterialBureauCommitment
	MaterialPrincipalAuthorization        = beian.MaterialPrincipalAuthorization
	MaterialServicePrincipalAuthorization = beian.MaterialServicePrincipalAuthorization
	MaterialDomainHolderProof             = beian.MaterialDomainHolderProof
	MaterialDomainCertificate             = beian.MaterialDomainCertificate
	MaterialResidencePermit               = beian.MaterialResidencePermit
	MaterialAgeProof                      = beian.MaterialAgeProof
	MaterialEstablishmentProof            = beian.MaterialEstablishmentProof
	MaterialMedicalPracticeLicence        = beian.MaterialMedicalPracticeLicence
	MaterialMedicalAdApproval             = beian.MaterialMedicalAdApproval
	MaterialConstructionPlan              = beian.MaterialConstructionPlan
	MaterialNameChangeLetter              = beian.MaterialNameChangeLetter
	MaterialStateLevelProof               = beian.MaterialStateLevelProof
	MaterialAppIcon                       = beian.MaterialAppIcon
	MaterialOther                         = beian.MaterialOther
)

// videoMaterials are the purposes whose uploads are videos, not images.
var videoMaterials = map[string]bool{MaterialCommitmentVideo: true}

// Website service-content catalogue (spec §5.5).
const (
	ContentPersonal = beian.ContentPersonal
	ContentOther    = beian.ContentOther
)

// WebsiteContents is the website service-content catalogue.
var WebsiteContents = []string{
	"综合门户", "单位门户网站", "搜索引擎", "即时通信", "网络购物", "网上支付", "网上新闻", "网络游戏", "网络音乐",
	"网络视频", "网络文学", "网络广告", "电子邮箱", ContentPersonal, "论坛/社区", "网络存储", "网上教育", ContentOther,
}

var websiteContentSet = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range WebsiteContents {
		m[c] = true
	}
	return m
}()

// Pre-approval categories (beian.PreApproval.Category, spec §5.6).
const (
	SectorNews        = "news"
	SectorPublishing  = "publishing"
	SectorDrugs       = "drugs"
	SectorCulture     = "culture"
	SectorAV          = "av" // radio, film and television
	SectorEducation   = "education"
	SectorMedical     = "medical"
	SectorReligion    = "religion"
	SectorRideHailing = "ride_hailing"
	SectorFinance     = "finance"
)

// sector describes a pre-approval category.
type sector struct {
	key    string
	name   beian.Text
	permit beian.Text
	// always is true for sectors every bureau requires a permit for;
	// others are blocking only where the pack says (education, medical) or
	// a warning (finance, culture for non-commercial sites).
	always bool
}

var sectors = []sector{
	{SectorNews, t("新闻", "news"), t("《互联网新闻信息服务许可证》", "the internet news information service licence"), true},
	{SectorPublishing, t("出版", "publishing"), t("《网络出版服务许可证》", "the online publishing service licence"), true},
	{SectorDrugs, t("药品和医疗器械", "drugs and medical devices"), t("《互联网药品信息服务资格证书》", "the internet drug information service certificate"), true},
	{SectorAV, t("广播电影电视节目", "radio, film and television"), t("《信息网络传播视听节目许可证》", "the audio-visual programme licence"), true},
	{SectorReligion, t("宗教", "religion"), t("《互联网宗教信息服务许可证》", "the internet religious information service licence"), true},
	{SectorCulture, t("文化", "culture"), t("《网络文化经营许可证》", "the online culture business licence"), false},
	{SectorEducation, t("教育", "education"), t("教育主管部门的前置审批", "the education authority's pre-approval"), false},
	{SectorMedical, t("医疗保健", "medical and health care"), t("卫生健康主管部门的前置审批", "the health authority's pre-approval"), false},
	{SectorRideHailing, t("网络预约车", "ride-hailing"), t("网络预约出租汽车经营许可证", "the ride-hailing business licence"), true},
	{SectorFinance, t("金融", "finance"), t("金融监管部门的许可", "the financial regulator's licence"), false},
}

var sectorByKey = func() map[string]*sector {
	m := map[string]*sector{}
	for i := range sectors {
		m[sectors[i].key] = &sectors[i]
	}
	return m
}()

// sectorWords imply a sector when they appear in a site name (spec §6.5.5).
// Religion words are also read from remarks (PREAPPROVAL-RELIGION).
var sectorWords = map[string][]string{
	SectorNews:        {"新闻", "资讯网", "时报", "日报", "晚报", "快讯"},
	SectorPublishing:  {"出版", "电子书", "书城", "小说网", "文学网"},
	SectorDrugs:       {"药品", "医药", "药房", "药店", "医疗器械"},
	SectorAV:          {"影视", "电影", "电视", "视频网", "直播", "广播", "影院"},
	SectorReligion:    {"宗教", "佛教", "道教", "基督", "天主教", "伊斯兰", "清真寺", "寺院", "教堂", "佛法", "圣经", "福音"},
	SectorCulture:     {"游戏", "音乐", "动漫", "演出"},
	SectorEducation:   {"教育", "培训", "学校", "网校", "课堂"},
	SectorMedical:     {"医疗", "医院", "诊所", "健康", "养生"},
	SectorRideHailing: {"网约车", "约车", "打车"},
	SectorFinance:     {"金融", "理财", "贷款", "借贷", "证券", "基金", "保险", "支付", "众筹", "投资"},
}

// sectorList is the order of lists in sectorMatcher.
var sectorList = []string{SectorNews, SectorPublishing, SectorDrugs, SectorAV, SectorReligion, SectorCulture,
	SectorEducation, SectorMedical, SectorRideHailing, SectorFinance}

var sectorMatcher = func() *matcher {
	lists := make([][]string, len(sectorList))
	for i, s := range sectorList {
		lists[i] = sectorWords[s]
	}
	return newMatcher(lists)
}()

// contentSector maps service-content items to the sector they need a
// permit for (spec §5.5, §5.6).
var contentSector = map[string]string{
	"网上新闻": SectorNews,
	"网络文学": SectorPublishing,
	"网络视频": SectorAV,
	"网络音乐": SectorCulture,
	"网络游戏": SectorCulture,
	"网上教育": SectorEducation,
	"网上支付": SectorFinance,
}

// sectorSeverity returns how strongly a missing permit of sector s counts
// in the pack's province.
func sectorSeverity(s *sector, p *Pack) Severity {
	switch {
	case s.always:
		return Blocking
	case s.key == SectorEducation && p.PreapprovalEducation, s.key == SectorMedical && p.PreapprovalMedical:
		return Blocking
	}
	return Warning
}

// hasPreApproval reports whether the list holds a permit of the sector.
func hasPreApproval(ps []beian.PreApproval, sector string) bool {
	for _, p := range ps {
		if p.Category == sector {
			return true
		}
	}
	return false
}

// statePrefixes are the name prefixes reserved for state-level units
// (spec §6.5.2).
var statePrefixes = []string{"中国", "中华", "中央", "国家", "人大", "人民"}

// statePrefix returns the reserved prefix name starts with, or "".
func statePrefix(name string) string {
	name = strings.TrimSpace(name)
	for _, p := range statePrefixes {
		if strings.HasPrefix(name, p) {
			return p
		}
	}
	return ""
}

// runeLen counts characters, as the bureaus do.
func runeLen(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }

// samePerson reports whether two persons are the same person: the same
// certificate number, or the same name when either number is missing.
func samePerson(a, b *beian.Person) bool {
	if a.CertificateNumber != "" && b.CertificateNumber != "" {
		return strings.EqualFold(strings.TrimSpace(a.CertificateNumber), strings.TrimSpace(b.CertificateNumber))
	}
	return a.Name != "" && strings.TrimSpace(a.Name) == strings.TrimSpace(b.Name)
}

// foldName normalises an organisation or person name for comparison:
// spaces dropped, full-width brackets made half-width.
func foldName(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, " \u3000（）") {
		return s
	}
	return nameFolder.Replace(s)
}

var nameFolder = strings.NewReplacer(" ", "", "\u3000", "", "（", "(", "）", ")")

// isLegalRep reports whether p is the subject's legal representative.
func (c *checker) isLegalRep(p *beian.Person) bool {
	lr := foldName(c.subj.LegalRepresentative)
	return lr != "" && foldName(p.Name) == lr
}

// legalRepNonMainland reports whether the legal representative is known to
// hold a non-mainland certificate.
func (c *checker) legalRepNonMainland() bool {
	t := c.subj.LegalRepresentativeCertificateType
	if t == "" && c.isLegalRep(&c.subj.Principal) {
		t = c.subj.Principal.CertificateType
	}
	return t != "" && t != beian.CertResidentID
}

// validFor reports whether a validity end leaves more than months months
// after the check date (LongTerm certificates always do).
func (c *checker) validFor(until beian.Date, longTerm bool, months int) bool {
	if longTerm {
		return true
	}
	return until.After(c.date.AddDate(0, months, 0))
}

// serviceLabel returns the bilingual label of a service for messages.
func serviceLabel(kind beian.ServiceKind, name string) beian.Text {
	if kind == beian.KindApp {
		return t("APP「"+name+"」", "app "+quote(name))
	}
	return t("网站「"+name+"」", "website "+quote(name))
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

func itoa(n int) string { return strconv.Itoa(n) }

// dupFinder finds, for item i, the first earlier item with the same
// non-empty key. Small orders compare pairwise, which costs nothing to set
// up; large ones build an index, so a pathological order stays linear.
// Call first with i = 0, 1, 2 … in order.
type dupFinder struct {
	n   int
	key func(i int) string
	idx map[string]int
}

const dupPairwiseMax = 32

func (d *dupFinder) first(i int) int {
	k := d.key(i)
	if k == "" {
		return -1
	}
	if d.n <= dupPairwiseMax {
		for j := 0; j < i; j++ {
			if d.key(j) == k {
				return j
			}
		}
		return -1
	}
	if d.idx == nil {
		d.idx = make(map[string]int, d.n)
	}
	if j, ok := d.idx[k]; ok {
		return j
	}
	d.idx[k] = i
	return -1
}
