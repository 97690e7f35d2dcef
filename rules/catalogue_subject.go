package rules

import (
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/region"
)

// subjectRules are the subject and responsible-person rules (spec §5.1,
// §5.2, §6.3, §9.6).
func subjectRules() []*Rule {
	return []*Rule{
		{
			ID:       "SUBJECT-REQUIRED-FIELDS",
			Title:    t("主体信息必填项", "Subject's required fields"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("主体信息不完整。", "The subject's data is incomplete."),
			Remedy:   t("请按证件填写主办单位名称、性质、证件类型与号码、证件住所、通信地址（省市区与详细地址），单位还须填写法定代表人。", "Fill in the name, nature, certificate type and number, certificate address and mailing address (region and detail) as on the certificate; units also give the legal representative."),
			Sources:  []string{"§4.2", "§5.1"},
			check:    checkSubjectRequired,
		},
		{
			ID:       "PERSON-REQUIRED-FIELDS",
			Title:    t("负责人信息必填项", "Responsible person's required fields"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("负责人信息不完整。", "A responsible person's data is incomplete."),
			Remedy:   t("请填写负责人姓名、证件类型与号码、证件有效期、手机号码、应急联系电话和电子邮箱。", "Fill in the person's name, certificate type and number, certificate validity, mobile, emergency phone and e-mail."),
			Sources:  []string{"§5.2"},
			check:    checkPersonRequired,
		},
		{
			ID:       "SUBJECT-NATURE-CERTIFICATE",
			Title:    t("证件类型与主办单位性质相符", "Certificate fits the nature"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("主办单位证件类型与单位性质不符。", "The certificate type does not fit the subject's nature."),
			Remedy:   t("请选择与性质相符的证件类型（如企业用营业执照，事业单位用事业单位法人证书，个人用身份证等）。", "Choose a certificate that fits the nature (business licence for enterprises, public-institution certificate for public institutions, ID for individuals …)."),
			Sources:  []string{"§4.2", "§5.1"},
			check: func(c *checker) {
				s := c.subj
				if s.Nature.Valid() && s.CertificateType != "" && !s.Nature.AllowsCertificate(s.CertificateType) {
					c.fail("subject.certificate_type", t("「"+s.Nature.Text().ZH+"」不能使用「"+s.CertificateType.Text().ZH+"」备案。", "A "+strings.ToLower(s.Nature.Text().EN)+" cannot file with a "+strings.ToLower(s.CertificateType.Text().EN)+"."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SUBJECT-CERT-NUMBER-FORMAT",
			Title:    t("主办单位证件号码格式", "Subject certificate number format"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("主办单位证件号码不符合国家标准（统一社会信用代码 GB 32100、身份证 GB 11643）。", "The subject's certificate number breaks its standard (USCC GB 32100, resident ID GB 11643)."),
			Remedy:   t("请对照证件原件重新填写，注意校验位；号码填错须放弃订单重新开始。", "Re-enter the number from the original, minding the check character; a wrong number means abandoning the order and starting again."),
			Sources:  []string{"§5.1", "R21"},
			check:    checkSubjectNumber,
		},
		{
			ID:       "PERSON-CERT-NUMBER-FORMAT",
			Title:    t("负责人证件号码格式", "Responsible person's ID number format"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("负责人身份证号码不符合国家标准 GB 11643。", "The responsible person's ID number breaks GB 11643."),
			Remedy:   t("请对照身份证原件重新填写18位号码，注意末位校验码。", "Re-enter the 18-character number from the ID card, minding the check character."),
			Sources:  []string{"§5.2"},
			check: func(c *checker) {
				for i := range c.persons {
					p := &c.persons[i]
					if !p.id.parsed || p.p.CertificateNumber == "" {
						continue
					}
					if p.id.err != nil {
						why := idProblem(p.id.err)
						c.fail(p.field+".certificate_number", t("负责人身份证号码不正确："+why.ZH+"。", "The responsible person's ID number is wrong: "+why.EN+"."), c.rule.Remedy)
					} else if p.id.id.BirthDate().After(c.date.Time(p.id.id.BirthDate().Location())) {
						c.fail(p.field+".certificate_number", t("负责人身份证号码中的出生日期晚于今天。", "The birth date in the ID number is in the future."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SUBJECT-LEGACY-ORG-CODE",
			Title:    t("组织机构代码须换为统一社会信用代码", "Replace the organisation code with the USCC"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("2015年10月1日三证合一后，组织机构代码证号码须更换为统一社会信用代码。", "Since the 2015-10-01 three-in-one reform, organisation code numbers must be replaced by the unified social credit code."),
			Remedy:   t("请选择统一社会信用代码证件（营业执照等）并填写18位统一社会信用代码。", "Choose the USCC certificate (business licence …) and enter the 18-character code."),
			Sources:  []string{"§5.1", "§6.3.6", "§9.4"},
			check: func(c *checker) {
				if c.subj.CertificateType == beian.CertOrgCode {
					c.fail("subject.certificate_type", t("主办单位以组织机构代码证备案，须更换为统一社会信用代码。", "The subject files with an organisation code certificate; use the USCC instead."), c.rule.Remedy)
				}
			},
		},
		{
			ID:           "SUBJECT-PROVINCE-CERTIFICATE",
			Title:        t("单位在证件登记地所在省备案", "Units file in their certificate's province"),
			Severity:     Blocking,
			SeverityNote: t("证件地址区划不在备案省份时阻断；仅统一社会信用代码的登记机关区划不符时为警告。", "Blocking when the certificate address lies outside the province; a warning when only the USCC's registration area does."),
			Applies:      Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:       t("单位须在证件登记地所在省份备案，其他省份不可选择。", "Units file in the province that issued their certificate; other provinces cannot be chosen."),
			Remedy:       t("请放弃订单，在证件登记地所在省份重新备案。", "Abandon the order and file in the province of the certificate."),
			Sources:      []string{"§4.2"},
			check:        checkUnitProvince,
		},
		{
			ID:       "SUBJECT-CERT-VALIDITY-3M",
			Title:    t("主办单位证件有效期大于三个月", "Subject certificate valid > 3 months"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("证件有效期小于三个月。", "The certificate is valid for less than three months."),
			Remedy:   t("证件有效期需大于三个月及以上（营业执照核准日期需为最新）；请更新证件后重新上传并填写新的有效期。", "Renew the certificate so that more than three months remain (the business licence must carry its newest approval date), then upload it and enter the new validity."),
			Sources:  []string{"§6.3.4", "R3", "S03", "S45", "S46"},
			check:    checkSubjectValidity,
		},
		{
			ID:       "PERSON-CERT-VALIDITY-3M",
			Title:    t("负责人证件有效期大于三个月", "Person's certificate valid > 3 months"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("负责人证件有效期小于三个月。", "The responsible person's certificate is valid for less than three months."),
			Remedy:   t("证件有效期需大于三个月及以上；请更换证件后，填写最新的负责人信息并上传在有效期内的证件。", "Renew the certificate so that more than three months remain, then enter the person's current data and upload the valid certificate."),
			Sources:  []string{"§5.2", "§6.3.4", "R3", "S45", "S46", "S85"},
			check:    checkPersonValidity,
		},
		{
			ID:       "SUBJECT-LICENCE-LATEST",
			Title:    t("营业执照须为最新", "Business licence must be the newest"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("营业执照核准日期需为最新；经营范围、住所等变更后须使用新执照。", "The business licence must carry its newest approval date; after changes of scope or address the new licence is used."),
			Remedy:   t("审核员请在国家企业信用信息公示系统核对执照的核准日期为最新。", "Reviewer: check at the national enterprise credit system that the licence's approval date is the newest."),
			Fix:      t("请上传最新的营业执照（最近一次变更后核准的），并按新执照填写主体信息。", "Upload the newest business licence (approved after the latest change) and enter the subject's data as it shows."),
			Sources:  []string{"§6.3.4", "R3", "S46"},
			check: func(c *checker) {
				if c.subj.CertificateType == beian.CertBusinessLicence || c.subj.CertificateType == beian.CertUSCC {
					c.fail("subject.certificate_number", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SUBJECT-REGISTRY-MATCH",
			Title:    t("与国家企业信用信息公示系统一致", "Matches the national credit registry"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("主办单位名称、证件号码、住所、法定代表人须与国家企业信用信息公示系统一致，且登记状态正常（非注销、吊销、歇业、经营异常）；单位法人变更或更换主体负责人后须及时变更备案。", "The subject's name, number, address and legal representative must match the national credit registry, with normal status (not deregistered, revoked, suspended or listed as abnormal); after a change of legal rep or principal the filing must be changed."),
			Remedy:   t("审核员请在国家企业信用信息公示系统核对；重庆等管局要求先移出经营异常名录。", "Reviewer: check at the national credit registry; Chongqing and others require leaving the abnormal-operations list first."),
			Fix:      t("请按国家企业信用信息公示系统中的登记信息填写主办单位名称、证件号码、住所和法定代表人；登记状态异常（如列入经营异常名录）的，请先办理移出后再提交。", "Enter the name, certificate number, address and legal representative exactly as the national enterprise credit registry shows them; if the registration is abnormal (e.g. on the abnormal-operations list), have it cleared first."),
			Sources:  []string{"§6.3.5", "§9.4", "§7 重庆", "S84"},
			check: func(c *checker) {
				c.fail("subject", c.rule.Reason, c.rule.Remedy)
			},
		},
		{
			ID:       "SUBJECT-CERTIFICATE-ADDRESS",
			Title:    t("证件住所与证件一致", "Certificate address as on the certificate"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("证件住所须与主体证件上的住所一致；单位发生工商变更后证件住址可能已变更。", "The certificate address must be the one on the certificate; after a registry change it may have moved."),
			Remedy:   t("审核员请核对证件住所与最新证件一致；不一致时请客户填写新的主体信息并上传最新的营业执照。", "Reviewer: check the address against the newest certificate; otherwise the customer enters the new data and uploads the newest licence."),
			Fix:      t("请按最新证件填写证件住所；工商信息变更过的，请填写新的主体信息并上传最新的营业执照。", "Enter the address as the newest certificate shows it; after a registration change, enter the new data and upload the newest licence."),
			Sources:  []string{"§5.1", "§9.4", "S80", "S81", "S82"},
			check: func(c *checker) {
				c.fail("subject.certificate_address", c.rule.Reason, c.rule.Remedy)
			},
		},
		{
			ID:       "ADDRESS-SAME-CITY",
			Title:    t("通信地址与证件地址同市", "Mailing address in the certificate's city"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("河北、河南、贵州管局要求通信地址与证件地址在同一省、同一市。", "The Hebei, Henan and Guizhou bureaus want the mailing address in the certificate address's province and city."),
			Remedy:   t("请将通信地址改为证件地址所在市的地址；区县不可选时选择最近的区县。", "Give a mailing address in the certificate's city; if the district is missing, pick the nearest."),
			Sources:  []string{"§5.1", "§6.3.7", "§7 河北", "§7 河南", "§7 贵州"},
			PackKeys: []string{"address.same_city"},
			check:    checkSameCity,
		},
		{
			ID:       "INDIVIDUAL-CROSS-PROVINCE",
			Title:    t("个人跨省备案", "Individuals filing outside their ID's province"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesIndividual},
			Reason:   t("个人在身份证所在省份以外备案：部分省份不允许，其他省份须上传当地居住证（外省须上传居住证，有效期大于两个月）。", "An individual files outside their ID's province: some bureaus refuse it, others want a local residence permit (valid for more than two months)."),
			Remedy:   t("请在身份证所在省份备案，或上传备案省份的居住证并填写其有效期。", "File in your ID's province, or upload the filing province's residence permit and enter its validity."),
			Sources:  []string{"§4.2", "§6.3.8", "§7", "S04"},
			PackKeys: []string{"individual.cross_province", "individual.residence_permit_min_months"},
			check:    checkCrossProvince,
		},
		{
			ID:       "INDIVIDUAL-CERTIFICATE-TYPE",
			Title:    t("个人可用的证件类型", "Certificates individuals may use"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesIndividual},
			Reason:   t("该省份不接受个人使用此类证件备案（如海南只接受身份证，河北不接受外国人）。", "The province does not accept this certificate for individuals (Hainan: ID card only; Hebei: no foreigners)."),
			Remedy:   t("请使用该省份接受的证件备案。", "File with a certificate the province accepts."),
			Sources:  []string{"§5.1", "§7 海南", "§7 河北", "§7 内蒙古", "§7 青海", "§7 新疆", "§7 西藏", "§7 山西"},
			PackKeys: []string{"individual.certificate_types"},
			check: func(c *checker) {
				ct := c.subj.CertificateType
				if ct == "" {
					return
				}
				for _, ok := range c.pack.IndividualCertificates {
					if ok == ct {
						return
					}
				}
				pn := c.provinceName()
				c.fail("subject.certificate_type", t(pn.ZH+"管局不接受个人以「"+ct.Text().ZH+"」备案。", "The "+pn.EN+" bureau does not accept individuals filing with a "+strings.ToLower(ct.Text().EN)+"."), c.rule.Remedy)
			},
		},
		{
			ID:       "INDIVIDUAL-PRINCIPAL-SELF",
			Title:    t("个人备案的主体负责人为本人", "An individual is their own principal"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesIndividual},
			Reason:   t("个人备案的主体负责人必须是备案人本人。", "In an individual filing, the principal is the person filing."),
			Remedy:   t("请将主体负责人填写为本人，姓名和证件与主办者一致。", "Enter yourself as principal, with the same name and certificate."),
			Sources:  []string{"§1", "§2"},
			check: func(c *checker) {
				p := &c.subj.Principal
				if foldName(p.Name) != foldName(c.subj.Name) || !strings.EqualFold(strings.TrimSpace(p.CertificateNumber), strings.TrimSpace(c.subj.CertificateNumber)) {
					c.fail("subject.principal", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "INDIVIDUAL-SERVICE-PRINCIPAL-SELF",
			Title:    t("个人网站/APP负责人为本人", "An individual runs their own services"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Natures: naturesIndividual},
			Reason:   t("个人备案的网站/APP负责人必须是备案人本人。", "In an individual filing, each service's principal is the person filing."),
			Remedy:   t("请将网站/APP负责人填写为本人。", "Enter yourself as the service principal."),
			Sources:  []string{"§1", "§5.3"},
			check: func(c *checker) {
				for i := range c.persons {
					p := &c.persons[i]
					if p.role == roleService && !samePerson(p.p, &c.subj.Principal) {
						c.fail(p.field, c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:           "PRINCIPAL-LEGAL-REP",
			Title:        t("主体负责人须为法定代表人", "Principal must be the legal representative"),
			Severity:     Blocking,
			SeverityNote: t("仅在规则包要求法定代表人且不接受授权的省份阻断；法定代表人为外籍或非大陆居民时可授权。", "Blocking only where the pack requires the legal rep and refuses authorization; a foreign or non-mainland legal rep may authorize."),
			Applies:      Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:       t("主体负责人必须是法人（法定代表人）。", "The subject principal must be the legal representative."),
			Remedy:       t("请将主体负责人改为法定代表人；法人是外国人或非大陆居民时，可授权大陆负责人为主体负责人并上传授权书（授权书可盖法人签名章）。", "Make the legal representative the principal; a foreign or non-mainland legal rep may authorize a mainland principal with a letter (it may bear the legal rep's signature stamp)."),
			Sources:      []string{"§6.3.1", "R14", "§9.4", "S05", "S06", "S57", "S75", "S84"},
			PackKeys:     []string{"principal.legal_rep_required", "principal.authorization_accepted"},
			check:        checkPrincipalLegalRep,
		},
		{
			ID:       "PRINCIPAL-AUTHORIZATION-LETTER",
			Title:    t("主体负责人法人授权书", "Principal's authorization letter"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("主体负责人不是单位法定代表人，须提供《主体负责人法人授权书》。", "The principal is not the legal representative, so the legal rep's authorization letter is needed."),
			Remedy:   t("请下载授权书模板，由法定代表人签字（外籍法人可盖签名章）并加盖公章后上传。", "Download the template, have the legal rep sign it (a foreign legal rep may use a signature stamp), seal it and upload it."),
			Sources:  []string{"§5.7", "§6.3.9", "S06", "S69"},
			check: func(c *checker) {
				if c.subj.LegalRepresentative == "" || c.isLegalRep(&c.subj.Principal) || c.hasMaterial(MaterialPrincipalAuthorization, "") {
					return
				}
				c.fail("subject.principal", c.rule.Reason, c.rule.Remedy)
			},
		},
		{
			ID:       "PRINCIPAL-MAINLAND-CERTIFICATE",
			Title:    t("主体负责人须持大陆证件", "Principal holds a mainland ID"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("主体负责人必须为法人，且证件须为大陆证件；如非大陆居民，可授权大陆负责人为主体负责人，并需要上传授权委托书。", "The principal must be the legal rep holding a mainland ID; a non-mainland legal rep authorizes a mainland principal and uploads the authorization."),
			Remedy:   t("请由持大陆居民身份证的人员担任主体负责人，并上传法定代表人的授权委托书。", "Make a mainland ID holder the principal and upload the legal rep's authorization."),
			Sources:  []string{"§6.3.2", "S75", "§7 山西", "§7 河北"},
			PackKeys: []string{"principal.mainland_certificate_required"},
			check: func(c *checker) {
				p := &c.subj.Principal
				if c.pack.MainlandCertificateRequired && p.CertificateType != "" && p.CertificateType != beian.CertResidentID {
					pn := c.provinceName()
					c.fail("subject.principal.certificate_type", t(pn.ZH+"管局要求主体负责人持大陆居民身份证，当前为「"+p.CertificateType.Text().ZH+"」。", "The "+pn.EN+" bureau wants a principal with a mainland resident ID, not a "+strings.ToLower(p.CertificateType.Text().EN)+"."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "PRINCIPAL-AUTHORIZED-SAME-AS-SERVICE",
			Title:    t("被授权的主体负责人须兼任网站负责人", "Authorized principal runs the services"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("江苏、安徽管局规定：主体负责人不是法定代表人时，网站/APP负责人须与主体负责人为同一人。", "In Jiangsu and Anhui, when the principal is not the legal rep, every service principal must be the same person."),
			Remedy:   t("请将网站/APP负责人改为主体负责人，或由法定代表人担任主体负责人。", "Make the principal the service principal too, or make the legal rep the principal."),
			Sources:  []string{"§6.3.9", "§7 江苏", "§7 安徽"},
			PackKeys: []string{"principal.authorized_must_be_service_principal"},
			check: func(c *checker) {
				if !c.pack.AuthorizedMustBeServicePrincipal || c.subj.LegalRepresentative == "" || c.isLegalRep(&c.subj.Principal) {
					return
				}
				for i := range c.persons {
					p := &c.persons[i]
					if p.role == roleService && !samePerson(p.p, &c.subj.Principal) {
						c.fail(p.field, c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:           "SERVICE-PRINCIPAL-AUTHORIZATION",
			Title:        t("网站/APP负责人法人授权书", "Service principal's authorization letter"),
			Severity:     Blocking,
			SeverityNote: t("规则包 service_principal.authorization_letter_required 为 false 的省份不检查。", "Not checked where service_principal.authorization_letter_required is false."),
			Applies:      Scope{Types: typesServices, Natures: naturesUnits},
			Reason:       t("互联网信息服务负责人不是法人时，需上传法人授权书（《网站负责人法人授权书》）。", "When a service principal is not the legal representative, the legal rep's authorization letter is needed."),
			Remedy:       t("请下载互联网信息服务负责人授权书模板，由法定代表人签字并加盖公章后上传。", "Download the service principal authorization template, have the legal rep sign and seal it, and upload it."),
			Sources:      []string{"§5.7", "§6.3.9", "S05", "S57", "S61", "S65", "S69"},
			PackKeys:     []string{"service_principal.authorization_letter_required"},
			check: func(c *checker) {
				if !c.pack.ServiceAuthorizationRequired || c.subj.LegalRepresentative == "" {
					return
				}
				for i := range c.persons {
					p := &c.persons[i]
					if p.role == roleService && !c.isLegalRep(p.p) && !c.hasMaterial(MaterialServicePrincipalAuthorization, p.owner) {
						c.fail(p.field, c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "PERSON-MIN-AGE",
			Title:    t("负责人年龄", "Responsible person's age"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("负责人须年满十八周岁（广东、江苏为十六周岁）。", "Responsible persons must be at least 18 (16 in Guangdong and Jiangsu)."),
			Remedy:   t("请由达到年龄要求的人员担任负责人。", "Choose a responsible person old enough."),
			Sources:  []string{"§6.3.3", "S56", "§7"},
			PackKeys: []string{"person.min_age"},
			check:    checkMinAge,
		},
		{
			ID:       "PERSON-AGE-PROOF",
			Title:    t("未成年负责人须提供证明", "Minors need proof of employment or income"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("江苏管局规定：16至18周岁的负责人须提供工作或收入证明。", "In Jiangsu, responsible persons aged 16 to 18 need proof of employment or income."),
			Remedy:   t("请上传工作证明或收入证明。", "Upload proof of employment or income."),
			Sources:  []string{"§6.3.3", "§7 江苏"},
			PackKeys: []string{"person.age_proof_below"},
			check:    checkAgeProof,
		},
		{
			ID:       "PRINCIPAL-ID-OTHER-SUBJECT",
			Title:    t("主体负责人证件未被其他主体使用", "Principal's ID not used by another subject"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("河南管局规定主体负责人的身份证不得已被其他主体使用。", "In Henan, the principal's ID may not already be another subject's principal's."),
			Remedy:   t("请更换主体负责人。", "Choose another principal."),
			Sources:  []string{"§7 河南"},
			PackKeys: []string{"principal.id_unique_across_subjects"},
			Facts:    []FactKind{FactContacts},
			check: func(c *checker) {
				p := &c.subj.Principal
				if !c.pack.PrincipalIDUnique || p.CertificateNumber == "" {
					return
				}
				n, ok := c.contactUse("subject.principal.certificate_number", ContactQuery{Kind: ContactCertificate, Value: p.CertificateNumber, SubjectCertificate: c.subj.CertificateNumber, OrderID: c.order.ID})
				if ok && n > 0 {
					c.fail("subject.principal.certificate_number", t("主体负责人的证件已被"+itoa(n)+"个其他主体用作主体负责人。", "The principal's ID is the principal's ID of "+itoa(n)+" other subject(s)."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SOLE-TRADER-SEAL",
			Title:    t("个体工商户的公章", "Sole trader's seal"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: []beian.Nature{beian.NatureEnterprise}},
			Reason:   t("个体工商户没有公章时，可以使用法人签名；浙江、湖南须有公章，黑龙江须加按法人指印。", "A sole trader without a seal may sign with the legal rep's signature; Zhejiang and Hunan require a seal, Heilongjiang the legal rep's fingerprint."),
			Remedy:   t("审核员请核对材料上的盖章或签名符合本省要求。", "Reviewer: check the seal or signature on the documents meets the province's rule."),
			Fix:      t("请按备案省份的要求在材料上加盖公章或由法定代表人签名（部分省份须加盖公章或加按指印）后重新上传。", "Seal the documents, or have the legal representative sign them, as the filing province requires (some require the seal or a fingerprint), and upload them again."),
			Sources:  []string{"§5.1", "S60", "§7 浙江", "§7 湖南", "§7 黑龙江"},
			PackKeys: []string{"subject.sole_trader_without_seal"},
			check: func(c *checker) {
				if !c.soleTrader() {
					return
				}
				var what beian.Text
				switch c.pack.SoleTraderWithoutSeal {
				case "seal_required":
					what = t("须有公章，无公章不能备案", "must have a seal; without one it cannot file")
				case "fingerprint":
					what = t("无公章时由法人签字并加按指印", "without a seal, the legal rep signs and adds a fingerprint")
				default:
					what = t("没有公章的可以使用法人签名", "without a seal it may sign with the legal rep's signature")
				}
				pn := c.provinceName()
				c.fail("subject", t("主办单位是个体工商户："+pn.ZH+what.ZH+"。", "The subject is a sole trader: in "+pn.EN+" it "+what.EN+"."), c.rule.Remedy)
			},
		},
		{
			ID:       "SOLE-TRADER-NO-TRADE-NAME",
			Title:    t("无字号个体工商户", "Sole trader without a trade name"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: []beian.Nature{beian.NatureEnterprise, beian.NatureIndividual}},
			Reason:   t("个体工商户有字号的按企业备案；无字号的，河北、海南按个人备案并备注「个体工商户无工商字号」。", "A sole trader with a trade name files as an enterprise; without one, Hebei and Hainan have it file as an individual with the remark 个体工商户无工商字号."),
			Remedy:   t("审核员请核对营业执照有无字号，并按本省要求选择主体性质与备注。", "Reviewer: check whether the licence shows a trade name and that nature and remark follow the province's rule."),
			Fix:      t("营业执照有字号的，请按单位备案；无字号的，请按备案省份的要求选择主体性质并填写备注。", "If the licence shows a trade name, file as a unit; without one, choose the nature and fill in the remark as the filing province requires."),
			Sources:  []string{"§5.1", "§7 河北", "§7 海南", "§7 黑龙江"},
			PackKeys: []string{"subject.sole_trader_without_trade_name"},
			check: func(c *checker) {
				individualRemark := c.subj.Nature.IsIndividual() && strings.Contains(c.subj.Remark, "个体工商户")
				if !c.soleTrader() && !individualRemark {
					return
				}
				how := t("按企业备案", "files as an enterprise")
				if c.pack.SoleTraderWithoutTradeName == "individual_with_remark" {
					how = t("按个人备案，并在备注中注明「个体工商户无工商字号」", "files as an individual with the remark 个体工商户无工商字号")
				}
				pn := c.provinceName()
				c.fail("subject.nature", t("个体工商户："+pn.ZH+"无字号的"+how.ZH+"。", "Sole trader: in "+pn.EN+" one without a trade name "+how.EN+"."), c.rule.Remedy)
			},
		},
		{
			ID:           "SUBJECT-MEDICAL-CERT",
			Title:        t("医疗机构的证件", "Medical institution's certificate"),
			Severity:     Blocking,
			SeverityNote: t("规则包列出可用证件的省份阻断；其他省份为警告。", "Blocking where the pack lists the accepted certificates, a warning elsewhere."),
			Applies:      Scope{Types: typesFiling, Natures: []beian.Nature{beian.NatureMedical}},
			Reason:       t("须以有效证件备案，部分管局规定医疗机构只能用营业执照或者事业单位法人证书备案。", "File with a valid certificate; some bureaus accept medical institutions only with a business licence or a public-institution legal-person certificate."),
			Remedy:       t("请改用营业执照或事业单位法人证书备案。", "File with the business licence or the public-institution certificate instead."),
			Sources:      []string{"§5.1", "S03"},
			PackKeys:     []string{"subject.medical_certificate_types"},
			check:        checkMedicalCert,
		},
		{
			ID:           "SUBJECT-EMPTY-SHELL",
			Title:        t("空壳主体", "Empty-shell subject"),
			Severity:     Blocking,
			SeverityNote: t("天津、辽宁、四川、云南、江苏、浙江、上海、广西、山西、北京、贵州的空壳主体可直接新增网站/APP。", "In the eleven provinces whose pack allows it, an empty-shell subject may add services directly."),
			Applies:      Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess}},
			Reason:       t("主体已注销或为空壳主体，您的备案请求被拒绝。", "The subject is cancelled or an empty shell, so the filing is refused."),
			Remedy:       t("请放弃当前订单，到管局线下注销空壳主体（约5个工作日），成功后重新提交首次备案。", "Abandon the order, have the bureau deregister the empty subject (about 5 working days), then file for the first time."),
			Sources:      []string{"§3", "§9.6", "R24", "S34", "§7"},
			PackKeys:     []string{"subject.empty_shell_may_add_services"},
			Facts:        []FactKind{FactRecords},
			check:        checkEmptyShellSubject,
		},
		{
			ID:       "GOVERNMENT-ESTABLISHMENT-PROOF",
			Title:    t("编办证明", "Establishment office approval"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite}, Natures: []beian.Nature{beian.NatureGovernment, beian.NaturePublicInstitution}, Kinds: kindsWebsite},
			Reason:   t("事业单位、政府机关开办网站需得到当地编制管理部门批复的《网站开办资格申请表》或《党政机关（事业单位）网站开办审核/资格复核申请表》（编办证明）。", "Public institutions and government bodies need the local establishment office's approval (编办证明) to open a website."),
			Remedy:   t("请向当地编制管理部门申请，并上传批复的申请表；备案信息须与编办证明一致。", "Apply to the local establishment office and upload the approved form; the filing must match it."),
			Sources:  []string{"§5.6", "§5.7", "S58", "§7 江西", "§7 黑龙江"},
			PackKeys: []string{"government.establishment_proof_required"},
			check: func(c *checker) {
				if c.pack.EstablishmentProof && !c.hasMaterial(MaterialEstablishmentProof, "") {
					c.fail("materials", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "HOSPITAL-DOCUMENTS",
			Title:    t("医院备案材料", "Hospital documents"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew, Natures: naturesUnits},
			Reason:   t("涉及医院需上传营业执照和《医疗机构执业许可证》与《医疗广告审查证明》。", "Hospitals upload their business licence with the medical institution practice licence and the medical advertising approval."),
			Remedy:   t("请上传《医疗机构执业许可证》和《医疗广告审查证明》。", "Upload the practice licence and the medical advertising approval."),
			Sources:  []string{"§5.6", "S59"},
			PackKeys: []string{"preapproval.hospital_documents_required"},
			check: func(c *checker) {
				if !c.pack.HospitalDocuments || !strings.Contains(c.subj.Name, "医院") {
					return
				}
				if !c.hasMaterial(MaterialMedicalPracticeLicence, "") {
					c.fail("materials", t("医院备案缺少《医疗机构执业许可证》。", "The hospital's practice licence is missing."), c.rule.Remedy)
				}
				if !c.hasMaterial(MaterialMedicalAdApproval, "") {
					c.fail("materials", t("医院备案缺少《医疗广告审查证明》。", "The hospital's medical advertising approval is missing."), c.rule.Remedy)
				}
			},
		},
	}
}

func checkSubjectRequired(c *checker) {
	s := c.subj
	missing := func(field string, zh, en string) {
		c.fail(field, t("请填写"+zh+"。", en+" is missing."), c.rule.Remedy)
	}
	if strings.TrimSpace(s.Name) == "" {
		missing("subject.name", "主办单位名称", "The subject's name")
	}
	if !s.Nature.Valid() {
		c.fail("subject.nature", t("主办单位性质「"+string(s.Nature)+"」不存在。", "Unknown subject nature "+quote(string(s.Nature))+"."), c.rule.Remedy)
	}
	if !s.CertificateType.Valid() {
		c.fail("subject.certificate_type", t("请选择主办单位证件类型。", "Choose the subject's certificate type."), c.rule.Remedy)
	}
	if strings.TrimSpace(s.CertificateNumber) == "" {
		missing("subject.certificate_number", "主办单位证件号码", "The certificate number")
	}
	if strings.TrimSpace(s.CertificateAddress) == "" {
		missing("subject.certificate_address", "证件住所", "The certificate address")
	}
	if strings.TrimSpace(s.MailingAddress.Detail) == "" {
		missing("subject.mailing_address.detail", "通信地址详细地址", "The mailing address")
	}
	if _, ok := region.Lookup(s.MailingAddress.Region); !ok {
		c.fail("subject.mailing_address.region", t("请选择通信地址所在的省、市、区县。", "Choose the mailing address's province, city and district."), c.rule.Remedy)
	}
	if c.isUnit() && strings.TrimSpace(s.LegalRepresentative) == "" {
		missing("subject.legal_representative", "法定代表人（负责人）姓名", "The legal representative")
	}
}

func checkPersonRequired(c *checker) {
	for i := range c.persons {
		pr := &c.persons[i]
		p := pr.p
		check := func(ok bool, field, zh, en string) {
			if !ok {
				c.fail(pr.field+"."+field, t("请填写负责人的"+zh+"。", "The responsible person's "+en+" is missing."), c.rule.Remedy)
			}
		}
		check(strings.TrimSpace(p.Name) != "", "name", "姓名", "name")
		valid := false
		for _, ct := range beian.PersonalCertificates {
			if p.CertificateType == ct {
				valid = true
			}
		}
		check(valid, "certificate_type", "证件类型（须为个人证件）", "certificate type (a personal certificate)")
		check(strings.TrimSpace(p.CertificateNumber) != "", "certificate_number", "证件号码", "certificate number")
		check(strings.TrimSpace(p.Mobile) != "", "mobile", "手机号码", "mobile number")
		check(strings.TrimSpace(p.EmergencyPhone) != "", "emergency_phone", "应急联系电话", "emergency phone")
		check(strings.TrimSpace(p.Email) != "", "email", "电子邮箱", "e-mail")
	}
}

// idProblem explains a cnid parse error without the number itself.
func idProblem(err error) beian.Text {
	switch cnid.ErrorCode(err) {
	case cnid.CodeLength:
		return t("位数不对", "wrong length")
	case cnid.CodeCharset:
		return t("含有不允许的字符", "characters outside its alphabet")
	case cnid.CodeChecksum:
		return t("校验位不符，通常是输入错误", "the check character does not match, usually a typing mistake")
	case cnid.CodeBirthDate:
		return t("出生日期不存在", "the birth date is not a real date")
	case cnid.CodeRegion:
		return t("地区码不存在", "the region code names no province")
	case cnid.CodeLegacy:
		return t("15位一代身份证号码须换为18位号码", "a 15-digit first-generation number; use the 18-character one")
	}
	return t("格式不正确", "malformed")
}

func checkSubjectNumber(c *checker) {
	s := c.subj
	n := strings.TrimSpace(s.CertificateNumber)
	if n == "" {
		return
	}
	var err error
	switch s.CertificateType {
	case beian.CertBusinessLicence, beian.CertUSCC:
		_, err = cnid.ParseUSCC(n)
		if err != nil {
			why := idProblem(err)
			c.fail("subject.certificate_number", t("统一社会信用代码「"+n+"」不正确："+why.ZH+"。", "Unified social credit code "+quote(n)+" is wrong: "+why.EN+"."), c.rule.Remedy)
		}
	case beian.CertOrgCode:
		if _, err = cnid.ParseOrgCode(n); err != nil {
			why := idProblem(err)
			c.fail("subject.certificate_number", t("组织机构代码「"+n+"」不正确："+why.ZH+"。", "Organisation code "+quote(n)+" is wrong: "+why.EN+"."), c.rule.Remedy)
		}
	case beian.CertResidentID, beian.CertHKMacauTaiwanResidence:
		if err = c.subjectID.err; err != nil {
			why := idProblem(err)
			c.fail("subject.certificate_number", t("身份证号码不正确："+why.ZH+"。", "The ID number is wrong: "+why.EN+"."), c.rule.Remedy)
		}
	}
}

// soleTrader reports whether the subject is an individual business
// (个体工商户): a USCC whose authority is market regulation ('9') and
// category '2'.
func (c *checker) soleTrader() bool {
	if c.subj.Nature != beian.NatureEnterprise {
		return false
	}
	u, err := cnid.ParseUSCC(c.subj.CertificateNumber)
	return err == nil && u.Authority() == '9' && u.Category() == '2'
}

func checkUnitProvince(c *checker) {
	if c.prov.Code == "" {
		return
	}
	if r := c.subj.CertificateRegion; r != "" {
		if d, ok := region.ProvinceOf(r); ok && d.Code[:2] != c.prov.Code {
			c.fail("subject.certificate_region", t("证件住所位于"+d.Name+"，不能在"+c.prov.Name+"备案。", "The certificate address is in "+d.Name+", so the subject cannot file in "+c.prov.NameEN+"."), c.rule.Remedy)
			return
		}
	}
	if c.subj.CertificateType != beian.CertBusinessLicence && c.subj.CertificateType != beian.CertUSCC {
		return
	}
	u, err := cnid.ParseUSCC(c.subj.CertificateNumber)
	if err != nil || strings.HasPrefix(u.Region(), "10") {
		return
	}
	if p := u.Region()[:2]; p != c.prov.Code {
		other, _ := beian.ProvinceByCode(p)
		c.emit("subject.certificate_number", Warning, t("统一社会信用代码显示登记机关在"+other.Name+"，而备案省份为"+c.prov.Name+"。", "The unified social credit code was issued in "+other.NameEN+", but the filing province is "+c.prov.NameEN+"."), c.rule.Remedy)
	}
}

func checkSubjectValidity(c *checker) {
	s := c.subj
	if s.LongTerm {
		return
	}
	if s.CertificateValidUntil.IsZero() {
		c.fail("subject.certificate_valid_until", t("请填写主办单位证件的有效期（长期有效的请勾选「长期」）。", "Enter the certificate's validity (tick 长期 for a permanent one)."), c.rule.Remedy)
		return
	}
	if !c.validFor(s.CertificateValidUntil, false, 3) {
		c.fail("subject.certificate_valid_until", t("证件有效期小于三个月（有效期至 "+s.CertificateValidUntil.String()+"）。", "The certificate is valid for less than three months (until "+s.CertificateValidUntil.String()+")."), c.rule.Remedy)
	}
}

func checkPersonValidity(c *checker) {
	for i := range c.persons {
		pr := &c.persons[i]
		p := pr.p
		if p.LongTerm {
			continue
		}
		if p.CertificateValidUntil.IsZero() {
			c.fail(pr.field+".certificate_valid_until", t("请填写负责人证件的有效期（长期有效的请勾选「长期」）。", "Enter the responsible person's certificate validity (tick 长期 for a permanent one)."), c.rule.Remedy)
			continue
		}
		if !c.validFor(p.CertificateValidUntil, false, 3) {
			c.fail(pr.field+".certificate_valid_until", t("负责人证件有效期小于三个月。", "The responsible person's certificate is valid for less than three months."), c.rule.Remedy)
		}
	}
}

func checkSameCity(c *checker) {
	if !c.pack.AddressSameCity {
		return
	}
	s := c.subj
	if s.CertificateRegion == "" {
		c.fail("subject.certificate_region", t(c.prov.Name+"管局要求通信地址与证件地址同市，请选择证件住所所在的省、市、区县。", "The "+c.prov.NameEN+" bureau wants the mailing address in the certificate's city; choose the certificate address's region."), c.rule.Remedy)
		return
	}
	if _, ok := region.Lookup(s.MailingAddress.Region); !ok {
		return // SUBJECT-REQUIRED-FIELDS reports it
	}
	if !region.SameCity(s.CertificateRegion, s.MailingAddress.Region) {
		c.fail("subject.mailing_address.region", t(c.prov.Name+"管局要求通信地址与证件地址在同一省、同一市：通信地址在"+region.FullName(s.MailingAddress.Region)+"，证件地址在"+region.FullName(s.CertificateRegion)+"。", "The "+c.prov.NameEN+" bureau wants the mailing address in the certificate address's city: the mailing address is in "+region.FullName(s.MailingAddress.Region)+", the certificate's in "+region.FullName(s.CertificateRegion)+"."), c.rule.Remedy)
	}
}

func checkCrossProvince(c *checker) {
	if c.prov.Code == "" || c.subj.CertificateType != beian.CertResidentID || c.subjectID.err != nil || !c.subjectID.parsed {
		return
	}
	idProv := c.subjectID.id.Region()[:2]
	if idProv == c.prov.Code {
		return
	}
	home, _ := beian.ProvinceByCode(idProv)
	pn := c.provinceName()
	switch c.pack.CrossProvince {
	case "allowed":
	case "forbidden":
		c.fail("subject.certificate_number", t(pn.ZH+"管局不受理外省个人备案（身份证属地为"+home.Name+"）。", "The "+pn.EN+" bureau does not accept individuals from other provinces (the ID is from "+home.NameEN+")."), t("请在身份证所在省份备案。", "File in your ID's province."))
	default:
		months := c.pack.ResidencePermitMinMonths
		until := c.subj.Principal.ResidencePermitUntil
		need := t(pn.ZH+"管局要求外省个人上传"+pn.ZH+"居住证，有效期大于"+itoa(months)+"个月", "the "+pn.EN+" bureau wants individuals from other provinces to upload a local residence permit valid for more than "+itoa(months)+" months")
		switch {
		case until.IsZero() || !c.hasMaterial(MaterialResidencePermit, ""):
			c.fail("subject.principal.residence_permit_until", t("身份证属地为"+home.Name+"，"+need.ZH+"。", "The ID is from "+home.NameEN+"; "+need.EN+"."), c.rule.Remedy)
		case !c.validFor(until, false, months):
			c.fail("subject.principal.residence_permit_until", t("居住证有效期至 "+until.String()+"，"+need.ZH+"。", "The residence permit is valid until "+until.String()+"; "+need.EN+"."), c.rule.Remedy)
		}
	}
}

func checkPrincipalLegalRep(c *checker) {
	if !c.pack.LegalRepRequired || c.subj.LegalRepresentative == "" || c.isLegalRep(&c.subj.Principal) {
		return
	}
	if c.pack.AuthorizationAccepted || c.legalRepNonMainland() {
		return // PRINCIPAL-AUTHORIZATION-LETTER wants the letter
	}
	pn := c.provinceName()
	c.fail("subject.principal.name", t(pn.ZH+"管局要求主体负责人为法定代表人（"+c.subj.LegalRepresentative+"），不接受授权。", "The "+pn.EN+" bureau requires the legal representative ("+c.subj.LegalRepresentative+") as principal and accepts no authorization."), c.rule.Remedy)
}

func checkMinAge(c *checker) {
	min := c.pack.MinAge
	for i := range c.persons {
		pr := &c.persons[i]
		if pr.p.CertificateType == "" || pr.p.CertificateNumber == "" {
			continue
		}
		if !pr.id.parsed {
			c.emit(pr.field, ReviewerAttention, t("负责人证件不含出生日期，无法自动核对年龄。", "The person's certificate carries no birth date, so the age cannot be checked automatically."), t("审核员请核对负责人年满"+itoa(min)+"周岁。", "Reviewer: check the person is at least "+itoa(min)+"."))
			continue
		}
		if pr.id.err != nil {
			continue
		}
		if age := pr.id.id.AgeOn(c.date.Time(beian.ChinaTime)); age < min {
			pn := c.provinceName()
			c.fail(pr.field, t("负责人未满"+itoa(min)+"周岁（"+pn.ZH+"）。", "The responsible person is younger than "+itoa(min)+" ("+pn.EN+")."), c.rule.Remedy)
		}
	}
}

func checkAgeProof(c *checker) {
	below := c.pack.AgeProofBelow
	if below == 0 {
		return
	}
	for i := range c.persons {
		pr := &c.persons[i]
		if !pr.id.parsed || pr.id.err != nil {
			continue
		}
		age := pr.id.id.AgeOn(c.date.Time(beian.ChinaTime))
		if age >= c.pack.MinAge && age < below && !c.hasMaterial(MaterialAgeProof, "") {
			pn := c.provinceName()
			c.fail(pr.field, t(pn.ZH+"管局要求"+itoa(c.pack.MinAge)+"至"+itoa(below)+"周岁的负责人提供工作或收入证明。", "The "+pn.EN+" bureau wants proof of employment or income from responsible persons aged "+itoa(c.pack.MinAge)+" to "+itoa(below)+"."), c.rule.Remedy)
		}
	}
}

func checkMedicalCert(c *checker) {
	ct := c.subj.CertificateType
	if ct == "" {
		return
	}
	if list := c.pack.MedicalCertificates; len(list) > 0 {
		for _, ok := range list {
			if ok == ct {
				return
			}
		}
		c.fail("subject.certificate_type", t(c.provinceName().ZH+"管局不接受医疗机构以「"+ct.Text().ZH+"」备案。", "The "+c.provinceName().EN+" bureau does not accept medical institutions filing with a "+strings.ToLower(ct.Text().EN)+"."), c.rule.Remedy)
		return
	}
	if ct != beian.CertBusinessLicence && ct != beian.CertPublicInstitution {
		c.emit("subject.certificate_type", Warning, t("部分管局规定医疗机构只能用营业执照或者事业单位法人证书备案，当前为「"+ct.Text().ZH+"」。", "Some bureaus accept medical institutions only with a business licence or a public-institution certificate; this one files with a "+strings.ToLower(ct.Text().EN)+"."), c.rule.Remedy)
	}
}

func checkEmptyShellSubject(c *checker) {
	rec, ok := c.record("subject")
	if !ok || rec == nil {
		return
	}
	pn := c.provinceName()
	switch rec.Subject.Status {
	case beian.RecordCancelled:
		if c.order.Type != beian.FirstFiling {
			c.fail("subject", t("主体已注销，您的备案请求被拒绝。", "The subject is cancelled, so the filing is refused."), t("请放弃当前订单，重新提交首次备案。", "Abandon the order and file for the first time."))
		}
	case beian.RecordEmptyShell:
		if c.pack.EmptyShellMayAddServices {
			if c.order.Type == beian.FirstFiling {
				c.fail("subject", t("主体为空壳主体，"+pn.ZH+"允许空壳主体直接新增网站/APP。", "The subject is an empty shell; "+pn.EN+" lets empty-shell subjects add services directly."), t("请放弃本订单，改做新增网站或新增APP。", "Abandon this order and add a website or app instead."))
			}
			return
		}
		c.fail("subject", t("主体为空壳主体，"+pn.ZH+"管局要求先注销空壳主体再重新备案。", "The subject is an empty shell; the "+pn.EN+" bureau wants it deregistered before filing again."), c.rule.Remedy)
	}
}
