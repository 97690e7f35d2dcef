package rules

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/openbeian/beian"
)

// A province pack holds the values of one province's rules: who may be the
// principal, the minimum age, which domains a government body may file …
// (spec §7). The packs are embedded data: provinces/national.json holds the
// national defaults and provinces/<code>-<name>.json one file per province.
// Every province file names every key, either with its own value and source
// or explicitly as {"source": "national default"}, so a reader sees what is
// known about a province and what is not; a test enforces it.

// NationalDefault is the source of a pack value that a province takes from
// the national defaults because nothing province-specific is known.
const NationalDefault = "national default"

// AdminOverride is the source of a pack value set through Overrides.
const AdminOverride = "admin override"

// Pack is the resolved rule values of one province. Field comments name the
// pack key; docs/rules.md shows every province's values and sources.
type Pack struct {
	// Province is the pack's province; zero for the national defaults.
	Province beian.Province

	// principal.legal_rep_required: the subject principal of a unit must
	// be its legal representative.
	LegalRepRequired bool
	// principal.authorization_accepted: a non-legal-rep principal is
	// accepted with the legal representative's authorization letter.
	AuthorizationAccepted bool
	// principal.authorized_must_be_service_principal: an authorized
	// (non-legal-rep) subject principal must also be every service's
	// principal.
	AuthorizedMustBeServicePrincipal bool
	// principal.mainland_certificate_required: the principal must hold a
	// mainland resident ID; a non-mainland legal representative authorizes
	// a mainland holder.
	MainlandCertificateRequired bool
	// principal.id_unique_across_subjects: the principal's ID may not be the
	// principal's ID of another subject.
	PrincipalIDUnique bool
	// service_principal.authorization_letter_required: a service principal
	// who is not the legal representative needs an authorization letter.
	ServiceAuthorizationRequired bool
	// person.min_age: minimum age of responsible persons.
	MinAge int
	// person.age_proof_below: persons at least MinAge but younger than this
	// need proof of employment or income; 0 for none.
	AgeProofBelow int

	// individual.cross_province: forbidden, residence_permit or allowed.
	CrossProvince string
	// individual.residence_permit_min_months: validity a residence permit
	// must have left.
	ResidencePermitMinMonths int
	// individual.certificate_types: certificates an individual may file with.
	IndividualCertificates []beian.CertificateType

	// domain.min_validity_months: months of validity a domain must have
	// left; domain.min_validity_level: required (blocking) or advised.
	DomainMinValidityMonths int
	DomainMinValidityLevel  string
	// domain.holder: subject, unit_only or unit_or_legal_rep.
	DomainHolder string
	// domain.government_suffixes: suffixes government websites may use.
	GovernmentSuffixes []string
	// domain.public_institution_suffixes: suffixes public institutions'
	// websites may use.
	PublicInstitutionSuffixes []string
	// domain.government_ip_only_allowed: a government website may be filed
	// by IP address without a domain.
	GovernmentIPOnly bool

	// website.one_domain: required, required_individual_first_filing or
	// advised.
	OneDomain string
	// order.one_website: one website per order.
	OneWebsite bool
	// order.max_new_domains: new domains per order, 0 for no limit.
	MaxNewDomains int
	// order.max_new_domains_enterprise: the same for enterprises.
	MaxNewDomainsEnterprise int
	// order.one_domain_after_sites_individual: above this many filed sites,
	// an individual's new website may carry one domain; 0 for no rule.
	OneDomainAfterSitesIndividual int
	// order.one_domain_after_sites_enterprise: the same for units.
	OneDomainAfterSitesEnterprise int

	// address.same_city: mailing address in the certificate address's city.
	AddressSameCity bool
	// subject.empty_shell_may_add_services.
	EmptyShellMayAddServices bool
	// subject.sole_trader_without_seal: legal_rep_signature, seal_required
	// or fingerprint.
	SoleTraderWithoutSeal string
	// subject.sole_trader_without_trade_name: enterprise or
	// individual_with_remark.
	SoleTraderWithoutTradeName string
	// subject.medical_certificate_types: certificates a medical institution
	// may file with; empty for the national enumeration.
	MedicalCertificates []beian.CertificateType
	// services.max_individual: services per individual subject, 0 for no
	// limit.
	MaxServicesIndividual int
	// services.max_enterprise: websites per unit subject, 0 for no limit.
	MaxServicesEnterprise int
	// construction_plan.existing_sites_enterprise: from this many filed
	// sites a unit's new website needs a construction plan; 0 for never.
	PlanSitesEnterprise int
	// construction_plan.existing_sites_individual: the same for individuals.
	PlanSitesIndividual int

	// site_name.sensitive_words: words no site name may contain.
	SensitiveWords []string
	// site_name.individual_banned_words: words an individual's site name may
	// not contain (national list).
	IndividualBannedWords []string
	// site_name.individual_extra_banned_words: the province's own list.
	IndividualExtraWords []string
	// site_name.individual_caution_words: words some bureaus refuse.
	IndividualCautionWords []string
	// site_name.place_names: place names an individual's site name may not
	// contain.
	PlaceNames []string
	// site_name.english_letters: allowed, discouraged or forbidden.
	EnglishLetters string
	// site_name.must_reflect_service: the name must say what the site does.
	NameMustReflectService bool
	// site_name.must_match_nature: the name must fit the subject's nature.
	NameMustMatchNature bool
	// site.live_title_must_match: required or advised.
	LiveTitleLevel string
	// display.subject_number: homepages show the subject number.
	DisplaySubjectNumber bool
	// commitment.bureau_letter_since: from this date the bureau's
	// 《互联网信息服务备案承诺书》 is required; zero for never.
	BureauCommitmentSince beian.Date
	// authenticity.responsibility_notice_since: from this date the signed
	// 《ICP备案信息真实性责任告知书》 is required; zero for never.
	ResponsibilityNoticeSince beian.Date
	// authenticity.commitment_video_since: from this date the video of the
	// principal reading the commitment is required; zero for never.
	CommitmentVideoSince beian.Date
	// government.establishment_proof_required: 编办证明 for government
	// bodies and public institutions.
	EstablishmentProof bool
	// preapproval.education_required: education still needs pre-approval.
	PreapprovalEducation bool
	// preapproval.medical_required: medical content still needs
	// pre-approval.
	PreapprovalMedical bool
	// preapproval.hospital_documents_required: hospitals upload their
	// practice licence and medical-advertising approval.
	HospitalDocuments bool
	// materials.licence_seal: the seal a business licence must carry; ""
	// for none.
	LicenceSeal string
	// materials.high_clarity: the bureau demands especially clear images.
	HighClarity bool
	// change.five_photo_set: changes need the five-photo set.
	ChangeFivePhotos bool
	// change.name_change_letter_required: a name change needs the
	// registry's letter.
	NameChangeLetter bool
	// change.subject_replacement_same_legal_rep: a change may replace the
	// subject when the legal representative stays.
	SubjectReplacementSameRep bool
	// access.data_must_match_record: new access and new websites keep the
	// filed data.
	AccessDataMustMatch bool
	// contact.local_mobile: required_individual, preferred or not_required.
	LocalMobile string
	// migration.supported: yes or unknown.
	Migration string
	// app.existing_listing_deadline: the deadline for apps listed before
	// 2023-09-01.
	AppListingDeadline beian.Date

	sources map[string]string
	words   *matcher
}

// Word lists of a pack's matcher.
const (
	listSensitive = iota
	listIndividual
	listIndividualExtra
	listCaution
	listPlace
)

// KeyDef describes one pack key.
type KeyDef struct {
	// Name is the key, e.g. person.min_age.
	Name string
	// Type is bool, int, enum, date, string, words or certificate_types.
	Type string
	// Values are the allowed values of an enum.
	Values []string
	// Doc says what the key means.
	Doc beian.Text
	ptr func(*Pack) any
}

// PackKeys is every key a pack has, in the order docs/rules.md shows them.
var PackKeys = []KeyDef{
	{"principal.legal_rep_required", "bool", nil, beian.Text{ZH: "单位主体负责人须为法定代表人", EN: "a unit's principal must be its legal representative"}, func(p *Pack) any { return &p.LegalRepRequired }},
	{"principal.authorization_accepted", "bool", nil, beian.Text{ZH: "非法定代表人凭法人授权书可任主体负责人", EN: "a non-legal-rep principal is accepted with an authorization letter"}, func(p *Pack) any { return &p.AuthorizationAccepted }},
	{"principal.authorized_must_be_service_principal", "bool", nil, beian.Text{ZH: "被授权的主体负责人须同时为各网站/APP负责人", EN: "an authorized principal must also be every service principal"}, func(p *Pack) any { return &p.AuthorizedMustBeServicePrincipal }},
	{"principal.mainland_certificate_required", "bool", nil, beian.Text{ZH: "主体负责人须持大陆居民身份证，非大陆法人须授权大陆居民", EN: "the principal must hold a mainland ID; a non-mainland legal rep authorizes one"}, func(p *Pack) any { return &p.MainlandCertificateRequired }},
	{"principal.id_unique_across_subjects", "bool", nil, beian.Text{ZH: "主体负责人证件不得为其他主体所用", EN: "the principal's ID may not be another subject's principal's"}, func(p *Pack) any { return &p.PrincipalIDUnique }},
	{"service_principal.authorization_letter_required", "bool", nil, beian.Text{ZH: "网站/APP负责人非法定代表人时须上传授权书", EN: "a service principal who is not the legal rep needs an authorization letter"}, func(p *Pack) any { return &p.ServiceAuthorizationRequired }},
	{"person.min_age", "int", nil, beian.Text{ZH: "负责人最低年龄（周岁）", EN: "minimum age of responsible persons"}, func(p *Pack) any { return &p.MinAge }},
	{"person.age_proof_below", "int", nil, beian.Text{ZH: "低于此年龄须提供工作或收入证明（0为无）", EN: "below this age, proof of employment or income is needed (0: none)"}, func(p *Pack) any { return &p.AgeProofBelow }},
	{"individual.cross_province", "enum", []string{"forbidden", "residence_permit", "allowed"}, beian.Text{ZH: "个人跨省备案：不允许 / 须居住证 / 允许", EN: "individuals filing outside their ID's province: forbidden / with residence permit / allowed"}, func(p *Pack) any { return &p.CrossProvince }},
	{"individual.residence_permit_min_months", "int", nil, beian.Text{ZH: "居住证剩余有效期须大于的月数", EN: "months of validity a residence permit must have left"}, func(p *Pack) any { return &p.ResidencePermitMinMonths }},
	{"individual.certificate_types", "certificate_types", nil, beian.Text{ZH: "个人可用的证件类型", EN: "certificates an individual may file with"}, func(p *Pack) any { return &p.IndividualCertificates }},
	{"domain.min_validity_months", "int", nil, beian.Text{ZH: "域名剩余有效期须大于的月数", EN: "months of validity a domain must have left"}, func(p *Pack) any { return &p.DomainMinValidityMonths }},
	{"domain.min_validity_level", "enum", []string{"required", "advised"}, beian.Text{ZH: "域名有效期要求：管局硬性要求 / 建议", EN: "domain validity: required by the bureau / advised"}, func(p *Pack) any { return &p.DomainMinValidityLevel }},
	{"domain.holder", "enum", []string{"subject", "unit_only", "unit_or_legal_rep"}, beian.Text{ZH: "域名持有者：与主办者一致 / 仅单位 / 单位或法定代表人", EN: "domain holder: the subject / the unit only / the unit or its legal rep"}, func(p *Pack) any { return &p.DomainHolder }},
	{"domain.government_suffixes", "words", nil, beian.Text{ZH: "政府机关网站可用的域名后缀", EN: "domain suffixes government bodies may use"}, func(p *Pack) any { return &p.GovernmentSuffixes }},
	{"domain.public_institution_suffixes", "words", nil, beian.Text{ZH: "事业单位网站可用的域名后缀", EN: "domain suffixes public institutions may use"}, func(p *Pack) any { return &p.PublicInstitutionSuffixes }},
	{"domain.government_ip_only_allowed", "bool", nil, beian.Text{ZH: "政府网站可只以IP备案", EN: "government websites may be filed by IP without a domain"}, func(p *Pack) any { return &p.GovernmentIPOnly }},
	{"website.one_domain", "enum", []string{"required", "required_individual_first_filing", "advised"}, beian.Text{ZH: "每个网站只能备案一个域名", EN: "one domain per website"}, func(p *Pack) any { return &p.OneDomain }},
	{"order.one_website", "bool", nil, beian.Text{ZH: "每次只能备案一个网站", EN: "one website per order"}, func(p *Pack) any { return &p.OneWebsite }},
	{"order.max_new_domains", "int", nil, beian.Text{ZH: "每单新增域名上限（0为不限）", EN: "new domains per order (0: no limit)"}, func(p *Pack) any { return &p.MaxNewDomains }},
	{"order.max_new_domains_enterprise", "int", nil, beian.Text{ZH: "企业每单新增域名上限（0为不限）", EN: "new domains per enterprise order (0: no limit)"}, func(p *Pack) any { return &p.MaxNewDomainsEnterprise }},
	{"order.one_domain_after_sites_individual", "int", nil, beian.Text{ZH: "个人已备案网站超过此数后，新增网站只能一个域名（0为无）", EN: "above this many filed sites, an individual's new website may have one domain (0: none)"}, func(p *Pack) any { return &p.OneDomainAfterSitesIndividual }},
	{"order.one_domain_after_sites_enterprise", "int", nil, beian.Text{ZH: "单位已备案网站超过此数后，新增网站只能一个域名（0为无）", EN: "above this many filed sites, a unit's new website may have one domain (0: none)"}, func(p *Pack) any { return &p.OneDomainAfterSitesEnterprise }},
	{"address.same_city", "bool", nil, beian.Text{ZH: "通信地址须与证件地址同省同市", EN: "mailing address in the certificate address's city"}, func(p *Pack) any { return &p.AddressSameCity }},
	{"subject.empty_shell_may_add_services", "bool", nil, beian.Text{ZH: "空壳主体可直接新增网站/APP", EN: "an empty-shell subject may add services directly"}, func(p *Pack) any { return &p.EmptyShellMayAddServices }},
	{"subject.sole_trader_without_seal", "enum", []string{"legal_rep_signature", "seal_required", "fingerprint"}, beian.Text{ZH: "无公章个体工商户：法人签字 / 须有公章 / 法人指印", EN: "sole trader without a seal: legal rep signs / seal required / fingerprint"}, func(p *Pack) any { return &p.SoleTraderWithoutSeal }},
	{"subject.sole_trader_without_trade_name", "enum", []string{"enterprise", "individual_with_remark"}, beian.Text{ZH: "无字号个体工商户：按企业备案 / 按个人备案并备注", EN: "sole trader without a trade name: files as enterprise / as individual with a remark"}, func(p *Pack) any { return &p.SoleTraderWithoutTradeName }},
	{"subject.medical_certificate_types", "certificate_types", nil, beian.Text{ZH: "医疗机构可用的证件类型（空为全国枚举）", EN: "certificates a medical institution may file with (empty: the national enumeration)"}, func(p *Pack) any { return &p.MedicalCertificates }},
	{"services.max_individual", "int", nil, beian.Text{ZH: "个人主体互联网信息服务上限（0为不限）", EN: "services per individual subject (0: no limit)"}, func(p *Pack) any { return &p.MaxServicesIndividual }},
	{"services.max_enterprise", "int", nil, beian.Text{ZH: "单位主体网站上限（0为不限）", EN: "websites per unit subject (0: no limit)"}, func(p *Pack) any { return &p.MaxServicesEnterprise }},
	{"construction_plan.existing_sites_enterprise", "int", nil, beian.Text{ZH: "单位已备案网站达到此数时须提交网站建设方案书（0为无）", EN: "from this many filed sites, a unit needs a construction plan (0: never)"}, func(p *Pack) any { return &p.PlanSitesEnterprise }},
	{"construction_plan.existing_sites_individual", "int", nil, beian.Text{ZH: "个人已备案网站达到此数时须提交网站建设方案书（0为无）", EN: "from this many filed sites, an individual needs a construction plan (0: never)"}, func(p *Pack) any { return &p.PlanSitesIndividual }},
	{"site_name.sensitive_words", "words", nil, beian.Text{ZH: "网站名称禁用的敏感词（所有主体）", EN: "sensitive words no site name may contain"}, func(p *Pack) any { return &p.SensitiveWords }},
	{"site_name.individual_banned_words", "words", nil, beian.Text{ZH: "个人网站名称禁用词（全国）", EN: "words an individual's site name may not contain (national)"}, func(p *Pack) any { return &p.IndividualBannedWords }},
	{"site_name.individual_extra_banned_words", "words", nil, beian.Text{ZH: "个人网站名称禁用词（本省增列）", EN: "words an individual's site name may not contain (this province's list)"}, func(p *Pack) any { return &p.IndividualExtraWords }},
	{"site_name.individual_caution_words", "words", nil, beian.Text{ZH: "个人网站名称慎用词（部分管局驳回）", EN: "words some bureaus refuse in an individual's site name"}, func(p *Pack) any { return &p.IndividualCautionWords }},
	{"site_name.place_names", "words", nil, beian.Text{ZH: "个人网站名称不得含有的地名", EN: "place names an individual's site name may not contain"}, func(p *Pack) any { return &p.PlaceNames }},
	{"site_name.english_letters", "enum", []string{"allowed", "discouraged", "forbidden"}, beian.Text{ZH: "网站名称中的英文字母", EN: "English letters in site names"}, func(p *Pack) any { return &p.EnglishLetters }},
	{"site_name.must_reflect_service", "bool", nil, beian.Text{ZH: "网站名称须体现实际服务", EN: "the site name must reflect the actual service"}, func(p *Pack) any { return &p.NameMustReflectService }},
	{"site_name.must_match_nature", "bool", nil, beian.Text{ZH: "网站名称须与主办单位性质相符", EN: "the site name must fit the subject's nature"}, func(p *Pack) any { return &p.NameMustMatchNature }},
	{"site.live_title_must_match", "enum", []string{"required", "advised"}, beian.Text{ZH: "已备案网站的实际标题须与备案名称一致", EN: "filed sites' live titles must equal their filed names"}, func(p *Pack) any { return &p.LiveTitleLevel }},
	{"display.subject_number", "bool", nil, beian.Text{ZH: "网站首页悬挂主体备案号（不带-n）", EN: "homepages show the subject number (without -n)"}, func(p *Pack) any { return &p.DisplaySubjectNumber }},
	{"commitment.bureau_letter_since", "date", nil, beian.Text{ZH: "自此日起须上传《互联网信息服务备案承诺书》（空为不要求）", EN: "from this date, the bureau's 《互联网信息服务备案承诺书》 is required (empty: never)"}, func(p *Pack) any { return &p.BureauCommitmentSince }},
	{"authenticity.responsibility_notice_since", "date", nil, beian.Text{ZH: "自此日起须签署《ICP备案信息真实性责任告知书》（空为不要求）", EN: "from this date, the signed responsibility notice is required (empty: never)"}, func(p *Pack) any { return &p.ResponsibilityNoticeSince }},
	{"authenticity.commitment_video_since", "date", nil, beian.Text{ZH: "自此日起须上传负责人诵读承诺书的视频（空为不要求）", EN: "from this date, a video of the principal reading the commitment is required (empty: never)"}, func(p *Pack) any { return &p.CommitmentVideoSince }},
	{"government.establishment_proof_required", "bool", nil, beian.Text{ZH: "政府机关、事业单位须提供编办证明", EN: "government bodies and public institutions need the establishment office's approval"}, func(p *Pack) any { return &p.EstablishmentProof }},
	{"preapproval.education_required", "bool", nil, beian.Text{ZH: "教育类仍须前置审批", EN: "education still needs pre-approval"}, func(p *Pack) any { return &p.PreapprovalEducation }},
	{"preapproval.medical_required", "bool", nil, beian.Text{ZH: "医疗保健类仍须前置审批", EN: "medical and health content still needs pre-approval"}, func(p *Pack) any { return &p.PreapprovalMedical }},
	{"preapproval.hospital_documents_required", "bool", nil, beian.Text{ZH: "医院须上传医疗机构执业许可证与医疗广告审查证明", EN: "hospitals upload their practice licence and medical-advertising approval"}, func(p *Pack) any { return &p.HospitalDocuments }},
	{"materials.licence_seal", "string", nil, beian.Text{ZH: "营业执照须带的登记机关印章（空为无）", EN: "seal the business licence must carry (empty: none)"}, func(p *Pack) any { return &p.LicenceSeal }},
	{"materials.high_clarity", "bool", nil, beian.Text{ZH: "管局对证件清晰度要求更高", EN: "the bureau demands especially clear images"}, func(p *Pack) any { return &p.HighClarity }},
	{"change.five_photo_set", "bool", nil, beian.Text{ZH: "变更须上传全套五图", EN: "changes need the full five-photo set"}, func(p *Pack) any { return &p.ChangeFivePhotos }},
	{"change.name_change_letter_required", "bool", nil, beian.Text{ZH: "变更主体名称须上传工商更名函", EN: "a subject name change needs the registry's name-change letter"}, func(p *Pack) any { return &p.NameChangeLetter }},
	{"change.subject_replacement_same_legal_rep", "bool", nil, beian.Text{ZH: "法定代表人相同时可变更为另一主体", EN: "a change may replace the subject when the legal rep stays"}, func(p *Pack) any { return &p.SubjectReplacementSameRep }},
	{"access.data_must_match_record", "bool", nil, beian.Text{ZH: "新增接入/新增网站时信息须与原备案一致（先变更）", EN: "new access and new websites must keep the filed data (change first)"}, func(p *Pack) any { return &p.AccessDataMustMatch }},
	{"contact.local_mobile", "enum", []string{"required_individual", "preferred", "not_required"}, beian.Text{ZH: "手机号码归属地要求", EN: "home province of mobile numbers"}, func(p *Pack) any { return &p.LocalMobile }},
	{"migration.supported", "enum", []string{"yes", "unknown"}, beian.Text{ZH: "管局支持迁移互联网信息服务", EN: "the bureau supports migrating a service to another subject"}, func(p *Pack) any { return &p.Migration }},
	{"app.existing_listing_deadline", "date", nil, beian.Text{ZH: "2023年9月1日前已上架APP的补备案截止日", EN: "deadline for apps listed before 2023-09-01 to be filed"}, func(p *Pack) any { return &p.AppListingDeadline }},
}

var keyIndex = func() map[string]*KeyDef {
	m := make(map[string]*KeyDef, len(PackKeys))
	for i := range PackKeys {
		m[PackKeys[i].Name] = &PackKeys[i]
	}
	return m
}()

// Source returns where the pack's value of key comes from: a citation,
// NationalDefault or AdminOverride.
func (p *Pack) Source(key string) string { return p.sources[key] }

// Value returns the pack's value of key, as JSON would decode it; nil for an
// unknown key.
func (p *Pack) Value(key string) any {
	k, ok := keyIndex[key]
	if !ok {
		return nil
	}
	switch v := k.ptr(p).(type) {
	case *bool:
		return *v
	case *int:
		return *v
	case *string:
		return *v
	case *[]string:
		return slices.Clone(*v)
	case *beian.Date:
		return v.String()
	case *[]beian.CertificateType:
		return slices.Clone(*v)
	}
	return nil
}

// setValue decodes raw into key's field, checking its type strictly.
func (p *Pack) setValue(k *KeyDef, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return fmt.Errorf("a value is required (null is not allowed)")
	}
	switch v := k.ptr(p).(type) {
	case *bool:
		if string(raw) != "true" && string(raw) != "false" {
			return fmt.Errorf("want true or false")
		}
		*v = string(raw) == "true"
	case *int:
		n, err := strconv.Atoi(string(raw))
		if err != nil || n < 0 || n > 10000 {
			return fmt.Errorf("want a whole number from 0 to 10000")
		}
		*v = n
	case *string:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("want a string")
		}
		if k.Values != nil && !slices.Contains(k.Values, s) {
			return fmt.Errorf("want one of %s", strings.Join(k.Values, ", "))
		}
		*v = s
	case *[]string:
		var ws []string
		if err := json.Unmarshal(raw, &ws); err != nil {
			return fmt.Errorf("want a list of strings")
		}
		for i, w := range ws {
			ws[i] = strings.TrimSpace(w)
			if ws[i] == "" {
				return fmt.Errorf("empty word at position %d", i)
			}
		}
		*v = ws
	case *beian.Date:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("want a date YYYY-MM-DD or \"\"")
		}
		if s == "" {
			*v = beian.Date{}
			return nil
		}
		d, err := beian.ParseDate(s)
		if err != nil {
			return fmt.Errorf("want a date YYYY-MM-DD or \"\"")
		}
		*v = d
	case *[]beian.CertificateType:
		var cs []beian.CertificateType
		if err := json.Unmarshal(raw, &cs); err != nil {
			return fmt.Errorf("want a list of certificate types")
		}
		for _, c := range cs {
			if !c.Valid() {
				return fmt.Errorf("unknown certificate type %q", c)
			}
		}
		*v = cs
	default:
		return fmt.Errorf("unsupported key type")
	}
	return nil
}

// compile builds the pack's word matcher from its lists.
func (p *Pack) compile() {
	lists := make([][]string, listPlace+1)
	lists[listSensitive] = p.SensitiveWords
	lists[listIndividual] = p.IndividualBannedWords
	lists[listIndividualExtra] = p.IndividualExtraWords
	lists[listCaution] = p.IndividualCautionWords
	lists[listPlace] = p.PlaceNames
	p.words = newMatcher(lists)
}

func (p *Pack) clone() *Pack {
	q := *p
	q.sources = make(map[string]string, len(p.sources))
	for k, v := range p.sources {
		q.sources[k] = v
	}
	return &q
}

//go:embed provinces/*.json
var packFS embed.FS

// packEntry is one key of a pack file.
type packEntry struct {
	Value  json.RawMessage `json:"value,omitempty"`
	Source string          `json:"source"`
}

type packFile struct {
	Province string               `json:"province"`
	Name     string               `json:"name"`
	Values   map[string]packEntry `json:"values"`
}

// packSet is the national defaults and the 31 province packs.
type packSet struct {
	national *Pack
	byCode   map[string]*Pack
}

var embeddedPacks = sync.OnceValue(func() *packSet {
	s, err := loadPacks()
	if err != nil {
		panic("rules: embedded province packs: " + err.Error())
	}
	return s
})

// loadPacks reads and checks the embedded pack files: the national file
// has a value and a source for every key; each province file names every
// key, with a value and its source or with source "national default" and
// no value.
func loadPacks() (*packSet, error) {
	files, err := packFS.ReadDir("provinces")
	if err != nil {
		return nil, err
	}
	raw := map[string]packFile{}
	for _, f := range files {
		b, err := packFS.ReadFile("provinces/" + f.Name())
		if err != nil {
			return nil, err
		}
		var pf packFile
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&pf); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if _, dup := raw[pf.Province]; dup {
			return nil, fmt.Errorf("%s: province %q twice", f.Name(), pf.Province)
		}
		raw[pf.Province] = pf
	}
	nf, ok := raw[""]
	if !ok {
		return nil, fmt.Errorf("national.json missing")
	}
	national := &Pack{sources: map[string]string{}}
	for i := range PackKeys {
		k := &PackKeys[i]
		e, ok := nf.Values[k.Name]
		if !ok || len(e.Value) == 0 || e.Source == "" || e.Source == NationalDefault {
			return nil, fmt.Errorf("national.json: key %s needs a value and its source", k.Name)
		}
		if err := national.setValue(k, e.Value); err != nil {
			return nil, fmt.Errorf("national.json: %s: %v", k.Name, err)
		}
		national.sources[k.Name] = e.Source
	}
	if err := unknownKeys(nf.Values); err != nil {
		return nil, fmt.Errorf("national.json: %w", err)
	}
	national.compile()
	set := &packSet{national: national, byCode: map[string]*Pack{}}
	for _, prov := range beian.Provinces {
		pf, ok := raw[prov.Code]
		if !ok {
			return nil, fmt.Errorf("no pack for province %s %s", prov.Code, prov.Name)
		}
		if pf.Name != prov.Name {
			return nil, fmt.Errorf("pack %s names %q, want %q", prov.Code, pf.Name, prov.Name)
		}
		if err := unknownKeys(pf.Values); err != nil {
			return nil, fmt.Errorf("pack %s: %w", prov.Code, err)
		}
		p := national.clone()
		p.Province = prov
		for i := range PackKeys {
			k := &PackKeys[i]
			e, ok := pf.Values[k.Name]
			switch {
			case !ok:
				return nil, fmt.Errorf("pack %s %s: key %s missing (say {\"source\": %q} when nothing is known)", prov.Code, prov.Name, k.Name, NationalDefault)
			case e.Source == "":
				return nil, fmt.Errorf("pack %s: key %s has no source", prov.Code, k.Name)
			case e.Source == NationalDefault && len(e.Value) != 0:
				return nil, fmt.Errorf("pack %s: key %s has a value but says %q", prov.Code, k.Name, NationalDefault)
			case e.Source == NationalDefault:
				p.sources[k.Name] = NationalDefault
			default:
				if len(e.Value) == 0 {
					return nil, fmt.Errorf("pack %s: key %s has a source but no value", prov.Code, k.Name)
				}
				if err := p.setValue(k, e.Value); err != nil {
					return nil, fmt.Errorf("pack %s: %s: %v", prov.Code, k.Name, err)
				}
				p.sources[k.Name] = e.Source
			}
		}
		p.compile()
		set.byCode[prov.Code] = p
	}
	if len(raw) != len(beian.Provinces)+1 {
		return nil, fmt.Errorf("%d pack files, want %d", len(raw), len(beian.Provinces)+1)
	}
	return set, nil
}

func unknownKeys(m map[string]packEntry) error {
	var bad []string
	for k := range m {
		if _, ok := keyIndex[k]; !ok {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("unknown keys %s", strings.Join(bad, ", "))
	}
	return nil
}

// ProvincePack returns the embedded pack of the province with the two-digit
// code, without overrides.
func ProvincePack(code string) (*Pack, bool) {
	p, ok := embeddedPacks().byCode[code]
	return p, ok
}

// NationalPack returns the national defaults.
func NationalPack() *Pack { return embeddedPacks().national }

// Overrides are an administrator's changes to pack values, merged over the
// embedded packs without a rebuild. Build them with NewOverrides, which
// validates every value; a nil *Overrides changes nothing.
type Overrides struct {
	packs map[string]*Pack
}

// AllProvinces is the province key of an override that applies to every
// province (a province's own override still wins).
const AllProvinces = "*"

// NewOverrides validates raw (province code or "*" → key → JSON value) and
// merges it over the embedded packs. It returns EINVALID errors with keys
// rules.override.province, rules.override.key or rules.override.value.
func NewOverrides(raw map[string]map[string]json.RawMessage) (*Overrides, error) {
	base := embeddedPacks()
	o := &Overrides{packs: map[string]*Pack{}}
	apply := func(p *Pack, code string, values map[string]json.RawMessage) error {
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			k, ok := keyIndex[key]
			if !ok {
				return beian.Invalid("overrides."+code+"."+key, "rules.override.key", "key", key)
			}
			if err := p.setValue(k, values[key]); err != nil {
				return beian.Invalid("overrides."+code+"."+key, "rules.override.value",
					"province", code, "key", key, "problem", err.Error(), "problem_en", err.Error())
			}
			p.sources[key] = AdminOverride
		}
		return nil
	}
	codes := make([]string, 0, len(raw))
	for code := range raw {
		if code != AllProvinces {
			if _, ok := base.byCode[code]; !ok {
				return nil, beian.Invalid("overrides."+code, "rules.override.province", "province", code)
			}
		}
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, prov := range beian.Provinces {
		all, one := raw[AllProvinces], raw[prov.Code]
		if len(all) == 0 && len(one) == 0 {
			continue
		}
		p := base.byCode[prov.Code].clone()
		if err := apply(p, AllProvinces, all); err != nil {
			return nil, err
		}
		if err := apply(p, prov.Code, one); err != nil {
			return nil, err
		}
		p.compile()
		o.packs[prov.Code] = p
	}
	return o, nil
}

// ParseOverrides decodes overrides from JSON ({"44": {"person.min_age": 18}})
// and validates them like NewOverrides.
func ParseOverrides(b []byte) (*Overrides, error) {
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, beian.Invalid("overrides", "rules.override.value",
			"province", "*", "key", "*", "problem", err.Error(), "problem_en", err.Error())
	}
	return NewOverrides(raw)
}

// Pack returns the pack of the province with overrides applied.
func (o *Overrides) Pack(code string) (*Pack, bool) {
	if o != nil {
		if p, ok := o.packs[code]; ok {
			return p, true
		}
	}
	return ProvincePack(code)
}
