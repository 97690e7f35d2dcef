package beian

// Material purposes (Material.Purpose): the documents an order may carry.
// A material's Owner is "subject" for subject documents and the service ID
// for a service's. The rule catalogue decides which an order needs.
const (
	MaterialSubjectCertificate            = "subject_certificate"             // 主办单位证件
	MaterialPrincipalIDFront              = "principal_id_front"              // 主体负责人证件（正面）
	MaterialPrincipalIDBack               = "principal_id_back"               // 主体负责人证件（反面）
	MaterialServicePrincipalIDFront       = "service_principal_id_front"      // 网站/APP负责人证件（正面）
	MaterialServicePrincipalIDBack        = "service_principal_id_back"       // 网站/APP负责人证件（反面）
	MaterialServicePrincipalPhoto         = "service_principal_photo"         // 网站/APP负责人照片 (Qinghai five photos)
	MaterialVerificationSheet             = "verification_sheet"              // 真实性核验单
	MaterialCommitmentLetter              = "commitment_letter"               // 《ICP备案信息真实性承诺书》
	MaterialResponsibilityNotice          = "responsibility_notice"           // 《ICP备案信息真实性责任告知书》
	MaterialCommitmentVideo               = "commitment_video"                // 负责人诵读承诺书的视频
	MaterialBureauCommitment              = "bureau_commitment_letter"        // 《互联网信息服务备案承诺书》 (Guangdong)
	MaterialPrincipalAuthorization        = "principal_authorization"         // 主体负责人法人授权书
	MaterialServicePrincipalAuthorization = "service_principal_authorization" // 网站/APP负责人法人授权书
	MaterialDomainHolderProof             = "domain_holder_proof"             // 域名持有者与主办单位关系证明
	MaterialDomainCertificate             = "domain_certificate"              // 域名证书
	MaterialResidencePermit               = "residence_permit"                // 居住证
	MaterialAgeProof                      = "age_proof"                       // 工作或收入证明 (minors, Jiangsu)
	MaterialEstablishmentProof            = "establishment_proof"             // 编办证明
	MaterialMedicalPracticeLicence        = "medical_practice_licence"        // 《医疗机构执业许可证》
	MaterialMedicalAdApproval             = "medical_ad_approval"             // 《医疗广告审查证明》
	MaterialConstructionPlan              = "construction_plan"               // 网站建设方案书
	MaterialNameChangeLetter              = "name_change_letter"              // 工商更名函
	MaterialStateLevelProof               = "state_level_proof"               // 国家级单位证明函
	MaterialAppIcon                       = "app_icon"                        // APP图标
	MaterialOther                         = "other"                           // 其他附件
)

// Website service-content catalogue items (spec §5.5) that rules single
// out: individuals may choose only these two.
const (
	ContentPersonal = "博客/个人空间"
	ContentOther    = "其他"
)
