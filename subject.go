package beian

// Nature is a subject's nature (主办单位性质). It decides which certificates
// are acceptable and which rules apply.
type Nature string

// The subject natures MIIT knows (spec §5.1).
const (
	NatureEnterprise            Nature = "enterprise"              // 企业
	NatureIndividual            Nature = "individual"              // 个人
	NaturePublicInstitution     Nature = "public_institution"      // 事业单位
	NatureGovernment            Nature = "government"              // 政府机关
	NatureSocialOrg             Nature = "social_org"              // 社会团体
	NatureMilitary              Nature = "military"                // 国防机构
	NaturePrivateNonEnterprise  Nature = "private_non_enterprise"  // 民办非企业单位
	NatureFoundation            Nature = "foundation"              // 基金会
	NatureLawFirm               Nature = "law_firm"                // 律师执业机构
	NatureForeignCulturalCentre Nature = "foreign_cultural_centre" // 外国在华文化中心
	NatureMassOrg               Nature = "mass_org"                // 群众性团体组织
	NatureJudicialAppraisal     Nature = "judicial_appraisal"      // 司法鉴定机构
	NatureReligious             Nature = "religious"               // 宗教团体 / 宗教活动场所
	NatureOverseas              Nature = "overseas"                // 境外机构
	NatureMedical               Nature = "medical"                 // 医疗机构
	NatureNotary                Nature = "notary"                  // 公证机构
)

// Natures lists every nature in the order forms show them.
var Natures = []Nature{
	NatureEnterprise, NatureIndividual, NaturePublicInstitution, NatureGovernment,
	NatureSocialOrg, NatureMilitary, NaturePrivateNonEnterprise, NatureFoundation,
	NatureLawFirm, NatureForeignCulturalCentre, NatureMassOrg, NatureJudicialAppraisal,
	NatureReligious, NatureOverseas, NatureMedical, NatureNotary,
}

var natureText = map[Nature]Text{
	NatureEnterprise:            {"企业", "Enterprise"},
	NatureIndividual:            {"个人", "Individual"},
	NaturePublicInstitution:     {"事业单位", "Public institution"},
	NatureGovernment:            {"政府机关", "Government agency"},
	NatureSocialOrg:             {"社会团体", "Social organisation"},
	NatureMilitary:              {"国防机构", "Defence organisation"},
	NaturePrivateNonEnterprise:  {"民办非企业单位", "Private non-enterprise unit"},
	NatureFoundation:            {"基金会", "Foundation"},
	NatureLawFirm:               {"律师执业机构", "Law firm"},
	NatureForeignCulturalCentre: {"外国在华文化中心", "Foreign cultural centre"},
	NatureMassOrg:               {"群众性团体组织", "Mass organisation"},
	NatureJudicialAppraisal:     {"司法鉴定机构", "Judicial appraisal institution"},
	NatureReligious:             {"宗教团体", "Religious body"},
	NatureOverseas:              {"境外机构", "Overseas institution"},
	NatureMedical:               {"医疗机构", "Medical institution"},
	NatureNotary:                {"公证机构", "Notary office"},
}

// Text returns the nature's name in both languages.
func (n Nature) Text() Text {
	if t, ok := natureText[n]; ok {
		return t
	}
	return Text{string(n), string(n)}
}

// Valid reports whether n is a known nature.
func (n Nature) Valid() bool { _, ok := natureText[n]; return ok }

// IsIndividual reports whether the subject is a natural person.
func (n Nature) IsIndividual() bool { return n == NatureIndividual }

// CertificateType is the type of an identity or registration certificate
// (证件类型), for subjects and persons alike.
type CertificateType string

// Certificate types (spec §5.1). The MIIT codes come from the bureau's JCDM
// code tables and are mapped in the miit adapter, not here.
const (
	CertBusinessLicence          CertificateType = "business_licence"             // 营业执照（统一社会信用代码）
	CertOrgCode                  CertificateType = "org_code"                     // 组织机构代码证 (legacy)
	CertForeignRepOffice         CertificateType = "foreign_rep_office"           // 外国企业常驻代表机构登记证
	CertResidentID               CertificateType = "resident_id"                  // 居民身份证
	CertPassport                 CertificateType = "passport"                     // 护照
	CertHKMacauPermit            CertificateType = "hk_macau_permit"              // 港澳居民来往内地通行证
	CertHKMacauTaiwanResidence   CertificateType = "hmt_residence_permit"         // 港澳台居民居住证
	CertTaiwanPermit             CertificateType = "taiwan_permit"                // 台湾居民来往大陆通行证
	CertForeignPermanentResident CertificateType = "foreign_permanent_resident"   // 外国人永久居留身份证
	CertPublicInstitution        CertificateType = "public_institution_licence"   // 事业单位法人证书
	CertUSCC                     CertificateType = "uscc_certificate"             // 统一社会信用代码证书
	CertSocialOrg                CertificateType = "social_org_licence"           // 社会团体法人登记证书
	CertMilitaryCode             CertificateType = "military_code"                // 部队代号
	CertMilitaryServiceLicence   CertificateType = "military_service_licence"     // 军队单位对外有偿服务许可证
	CertPrivateNonEnterprise     CertificateType = "private_non_enterprise_cert"  // 民办非企业单位登记证书
	CertSocialServiceOrg         CertificateType = "social_service_org_cert"      // 社会服务机构登记证书
	CertPrivateSchool            CertificateType = "private_school_licence"       // 民办学校办学许可证
	CertFoundation               CertificateType = "foundation_licence"           // 基金会法人登记证书
	CertLawFirm                  CertificateType = "law_firm_licence"             // 律师事务所执业许可证
	CertForeignCulturalCentre    CertificateType = "foreign_cultural_centre_cert" // 外国在华文化中心登记证
	CertJudicialAppraisal        CertificateType = "judicial_appraisal_licence"   // 司法鉴定许可证
	CertReligiousVenue           CertificateType = "religious_venue_cert"         // 宗教活动场所登记证
	CertOverseasOrg              CertificateType = "overseas_org_cert"            // 境外机构证件
	CertForeignTourismOffice     CertificateType = "foreign_tourism_office_cert"  // 外国政府旅游部门常驻代表机构批准登记证
	CertMedicalInstitution       CertificateType = "medical_institution_licence"  // 医疗机构执业许可证
	CertNotary                   CertificateType = "notary_licence"               // 公证机构执业证
)

var certText = map[CertificateType]Text{
	CertBusinessLicence:          {"营业执照（统一社会信用代码）", "Business licence (USCC)"},
	CertOrgCode:                  {"组织机构代码证", "Organisation code certificate"},
	CertForeignRepOffice:         {"外国企业常驻代表机构登记证", "Foreign enterprise representative office certificate"},
	CertResidentID:               {"居民身份证", "Resident identity card"},
	CertPassport:                 {"护照", "Passport"},
	CertHKMacauPermit:            {"港澳居民来往内地通行证", "Mainland travel permit for Hong Kong and Macau residents"},
	CertHKMacauTaiwanResidence:   {"港澳台居民居住证", "Residence permit for Hong Kong, Macau and Taiwan residents"},
	CertTaiwanPermit:             {"台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents"},
	CertForeignPermanentResident: {"外国人永久居留身份证", "Foreign permanent resident ID card"},
	CertPublicInstitution:        {"事业单位法人证书", "Public institution legal person certificate"},
	CertUSCC:                     {"统一社会信用代码证书", "Unified social credit code certificate"},
	CertSocialOrg:                {"社会团体法人登记证书", "Social organisation registration certificate"},
	CertMilitaryCode:             {"部队代号", "Military unit code"},
	CertMilitaryServiceLicence:   {"军队单位对外有偿服务许可证", "Military paid-service licence"},
	CertPrivateNonEnterprise:     {"民办非企业单位登记证书", "Private non-enterprise unit certificate"},
	CertSocialServiceOrg:         {"社会服务机构登记证书", "Social service organisation certificate"},
	CertPrivateSchool:            {"民办学校办学许可证", "Private school licence"},
	CertFoundation:               {"基金会法人登记证书", "Foundation registration certificate"},
	CertLawFirm:                  {"律师事务所执业许可证", "Law firm practice licence"},
	CertForeignCulturalCentre:    {"外国在华文化中心登记证", "Foreign cultural centre registration certificate"},
	CertJudicialAppraisal:        {"司法鉴定许可证", "Judicial appraisal licence"},
	CertReligiousVenue:           {"宗教活动场所登记证", "Religious venue registration certificate"},
	CertOverseasOrg:              {"境外机构证件", "Overseas institution certificate"},
	CertForeignTourismOffice:     {"外国政府旅游部门常驻代表机构批准登记证", "Foreign government tourism office certificate"},
	CertMedicalInstitution:       {"医疗机构执业许可证", "Medical institution practice licence"},
	CertNotary:                   {"公证机构执业证", "Notary office practice certificate"},
}

// Text returns the certificate type's name in both languages.
func (c CertificateType) Text() Text {
	if t, ok := certText[c]; ok {
		return t
	}
	return Text{string(c), string(c)}
}

// Valid reports whether c is a known certificate type.
func (c CertificateType) Valid() bool { _, ok := certText[c]; return ok }

// PersonalCertificates are the certificate types a natural person may hold;
// they are also the types acceptable for responsible persons.
var PersonalCertificates = []CertificateType{
	CertResidentID, CertPassport, CertHKMacauPermit, CertHKMacauTaiwanResidence,
	CertTaiwanPermit, CertForeignPermanentResident,
}

// NatureCertificates says which subject certificates each nature may file
// with (spec §5.1). Province packs may narrow it (e.g. medical institutions
// filing only with a business licence).
var NatureCertificates = map[Nature][]CertificateType{
	NatureEnterprise:            {CertBusinessLicence, CertOrgCode, CertForeignRepOffice},
	NatureIndividual:            PersonalCertificates,
	NaturePublicInstitution:     {CertPublicInstitution, CertUSCC, CertOrgCode},
	NatureGovernment:            {CertUSCC, CertOrgCode},
	NatureSocialOrg:             {CertSocialOrg, CertUSCC},
	NatureMilitary:              {CertMilitaryCode, CertMilitaryServiceLicence},
	NaturePrivateNonEnterprise:  {CertPrivateNonEnterprise, CertSocialServiceOrg, CertPrivateSchool, CertUSCC},
	NatureFoundation:            {CertFoundation, CertUSCC},
	NatureLawFirm:               {CertLawFirm, CertUSCC},
	NatureForeignCulturalCentre: {CertForeignCulturalCentre},
	NatureMassOrg:               {CertUSCC, CertOrgCode},
	NatureJudicialAppraisal:     {CertJudicialAppraisal, CertUSCC},
	NatureReligious:             {CertReligiousVenue, CertUSCC},
	NatureOverseas:              {CertOverseasOrg, CertForeignTourismOffice},
	NatureMedical:               {CertMedicalInstitution, CertBusinessLicence, CertPublicInstitution, CertUSCC},
	NatureNotary:                {CertNotary, CertUSCC},
}

// AllowsCertificate reports whether nature n may file with certificate c.
func (n Nature) AllowsCertificate(c CertificateType) bool {
	for _, t := range NatureCertificates[n] {
		if t == c {
			return true
		}
	}
	return false
}

// Address is a postal address: a GB/T 2260 county-level region code
// (six digits) and the rest in free text.
type Address struct {
	Region string `json:"region,omitempty"` // e.g. 110108 (北京市海淀区)
	Detail string `json:"detail,omitempty"`
}

// Person is a responsible person (负责人) of a subject or a service. The
// certificate number, phones and e-mail are personal data: stores encrypt
// them and logs never see them.
type Person struct {
	Name              string          `json:"name"`
	CertificateType   CertificateType `json:"certificate_type"`
	CertificateNumber string          `json:"certificate_number"`
	// CertificateValidFrom and CertificateValidUntil bound the certificate's
	// validity; LongTerm certificates (长期) have no end.
	CertificateValidFrom  Date   `json:"certificate_valid_from"`
	CertificateValidUntil Date   `json:"certificate_valid_until"`
	LongTerm              bool   `json:"long_term,omitempty"`
	Mobile                string `json:"mobile"`
	EmergencyPhone        string `json:"emergency_phone"`
	Email                 string `json:"email"`
	OfficePhone           string `json:"office_phone,omitempty"`
	// Residence permit for people filing outside their ID's province.
	ResidencePermitUntil Date `json:"residence_permit_until,omitempty"`
}

// Subject is the organisation or individual that runs the services (主办单位
// / 主办者). One subject has one subject ICP number.
type Subject struct {
	Province          string          `json:"province"` // two-digit code of the filing province
	Nature            Nature          `json:"nature"`
	Name              string          `json:"name"`
	CertificateType   CertificateType `json:"certificate_type"`
	CertificateNumber string          `json:"certificate_number"`
	// CertificateValidUntil is the end of the subject certificate's validity;
	// zero with LongTerm set for 长期.
	CertificateValidUntil Date    `json:"certificate_valid_until"`
	LongTerm              bool    `json:"long_term,omitempty"`
	CertificateAddress    string  `json:"certificate_address"`
	CertificateRegion     string  `json:"certificate_region,omitempty"` // GB/T 2260 code of the certificate address
	MailingAddress        Address `json:"mailing_address"`
	Investor              string  `json:"investor,omitempty"` // 投资者或上级主管单位
	// LegalRepresentative is the name on the certificate (法定代表人 /
	// 负责人), against which the principal is checked.
	LegalRepresentative string `json:"legal_representative,omitempty"`
	// LegalRepresentativeCertificateType is the type of the legal
	// representative's identity certificate. It matters when the legal
	// representative is not the principal: several bureaus let a foreign or
	// non-mainland legal representative authorize a mainland principal where
	// they otherwise insist on the legal representative (spec §6.3.2).
	LegalRepresentativeCertificateType CertificateType `json:"legal_representative_certificate_type,omitempty"`
	Principal                          Person          `json:"principal"` // 主体负责人
	Remark                             string          `json:"remark,omitempty"`
}

// PrincipalIsLegalRep reports whether the subject's responsible person is
// its legal representative. Individuals are their own principal.
func (s *Subject) PrincipalIsLegalRep() bool {
	if s.Nature.IsIndividual() {
		return true
	}
	return s.LegalRepresentative != "" && s.Principal.Name == s.LegalRepresentative
}
