package beian

import "strings"

// This file is the check and rectification catalogue of spec §9.4: for
// every cause a case can have, its category (A–E), the notice the customer
// receives (整改通知), the likely cause (可能原因), the suggestion (整改建议)
// and the kind of action that fixes it.

// CaseCategory is the letter of the catalogue a case belongs to.
type CaseCategory string

// The catalogue's categories.
const (
	CategorySubject CaseCategory = "A" // 主体信息不准确
	CategoryService CaseCategory = "B" // 互联网信息不准确
	CategoryContent CaseCategory = "C" // 网站内容不合格
	CategoryApp     CaseCategory = "D" // APP信息
	CategoryAccess  CaseCategory = "E" // 接入信息不符
)

// CaseCategories lists the categories in catalogue order.
var CaseCategories = []CaseCategory{CategorySubject, CategoryService, CategoryContent, CategoryApp, CategoryAccess}

var categoryText = map[CaseCategory]Text{
	CategorySubject: {"主体信息不准确", "Subject information inaccurate"},
	CategoryService: {"互联网信息不准确", "Internet information inaccurate"},
	CategoryContent: {"网站内容不合格", "Website content unqualified"},
	CategoryApp:     {"APP信息不准确", "APP information inaccurate"},
	CategoryAccess:  {"接入信息不符", "Access information mismatch"},
}

// Text returns the category's name in both languages.
func (c CaseCategory) Text() Text {
	if t, ok := categoryText[c]; ok {
		return t
	}
	return Text{string(c), string(c)}
}

// Valid reports whether c is a catalogue category.
func (c CaseCategory) Valid() bool { _, ok := categoryText[c]; return ok }

// CaseCause names one entry of the catalogue. A case has exactly one; at
// most one case per cause is open on a service (or subject, or account).
type CaseCause string

// The causes, by category. Causes a provider cannot detect itself (content
// violations, a subject's business status) arrive from the bureau's feeds or
// are opened by an officer.
const (
	// A. Subject information.
	CauseSubjectAbnormal    CaseCause = "subject.abnormal"     // 主办单位经营异常
	CauseSubjectName        CaseCause = "subject.name"         // 主办单位名称不一致 / 名称变更
	CauseSubjectCertNumber  CaseCause = "subject.cert_number"  // 证件号码错误
	CauseSubjectAddress     CaseCause = "subject.address"      // 证件住址错误 / 证件住址信息变更
	CauseSubjectPrincipal   CaseCause = "subject.principal"    // 主体负责人错误 / 非法定代表人
	CauseSubjectPrincipalID CaseCause = "subject.principal_id" // 主体负责人身份证已过期
	CauseSubjectCertificate CaseCause = "subject.certificate"  // 主办单位证件已到期 / 非最新
	CauseSubjectContact     CaseCause = "subject.contact"      // 主体负责人联系方式失效 / 未核实
	CauseSubjectUnused      CaseCause = "subject.unused"       // 已不再使用
	// CauseSubjectNotice is a bureau notice (XGTZ) or check (HCJG) about a
	// subject that matches no other entry; the bureau's words say what.
	CauseSubjectNotice CaseCause = "subject.notice"

	// B. Internet information.
	CauseServicePrincipalID CaseCause = "service.principal_id" // 网站负责人身份证已过有效期
	CauseServiceContact     CaseCause = "service.contact"      // 网站/App负责人联系方式失效
	CausePreApproval        CaseCause = "service.pre_approval" // 前置审批证件已过有效期
	CauseDomainExpiry       CaseCause = "domain.expiry"        // 域名已过期 / 即将过期
	CauseDomainHolder       CaseCause = "domain.holder"        // 域名实名信息与备案信息不符
	CauseDomainRegistrar    CaseCause = "domain.registrar"     // 域名注册商未获得批复 / 境外注册商
	CauseDomainReregistered CaseCause = "domain.reregistered"  // 域名注册时间晚于备案时间
	// CauseServiceNotice is a bureau notice about a service that matches
	// no other entry.
	CauseServiceNotice CaseCause = "service.notice"

	// C. Website content.
	CauseContentIllegal     CaseCause = "content.illegal"     // 网站内容违规
	CauseContentScope       CaseCause = "content.scope"       // 网站内容超范围
	CauseContentTitle       CaseCause = "content.title"       // 网站名称与备案信息不符
	CauseContentNumber      CaseCause = "content.number"      // 未悬挂备案号 / 悬挂错误 / 未链接至工信部
	CauseContentPSBNumber   CaseCause = "content.psb_number"  // 公安联网备案号未悬挂或错误
	CauseContentUnused      CaseCause = "content.unused"      // 网站不再使用
	CauseContentUnreachable CaseCause = "content.unreachable" // 网站内容无法访问
	// CauseEmptyShell is the bureau's empty-shell site check (空壳网站核查,
	// HCJG Kkwzhc) finding the site dead (spec §9.5).
	CauseEmptyShell CaseCause = "content.empty_shell"

	// D. APP information.
	CauseAppPrincipal  CaseCause = "app.principal"  // APP负责人信息不准确
	CauseAppPackage    CaseCause = "app.package"    // APP包名不准确
	CauseAppSignature  CaseCause = "app.signature"  // APP特征信息无效
	CauseAppPlatform   CaseCause = "app.platform"   // APP平台信息无效
	CauseAppResolution CaseCause = "app.resolution" // APP解析不一致
	CauseAppUnused     CaseCause = "app.unused"     // APP不再使用

	// E. Access information.
	CauseAccessElsewhere  CaseCause = "access.elsewhere"   // 未解析至接入商服务器 (no resolution, other addresses, abroad)
	CauseAccessIPMismatch CaseCause = "access.ip_mismatch" // 域名实际解析IP与备案IP不符
	// CauseAccessReported is the bureau's access check (接入核查, HCJG
	// Jrhc): an access over- or under-reported.
	CauseAccessReported CaseCause = "access.reported"
	// CauseUnfiledSite is an unfiled site the bureau found on our
	// addresses (WBAWZLB); the case is against the address's owner.
	CauseUnfiledSite CaseCause = "access.unfiled"
)

// CaseFix is the kind of action that fixes a case, which decides what the
// customer's case page offers.
type CaseFix string

// The fixes.
const (
	FixDNS           CaseFix = "dns"            // resolve the domain to the filed addresses here
	FixDisplay       CaseFix = "display"        // show the number linked to beian.miit.gov.cn
	FixDomain        CaseFix = "domain"         // renew the domain, or drop it with a change order
	FixChangeSubject CaseFix = "change_subject" // 变更主体 with current documents
	FixChangeService CaseFix = "change_service" // 变更网站/APP
	FixContent       CaseFix = "content"        // change the site itself (content, title); no order
	FixFile          CaseFix = "file"           // file the site here, or stop serving it
	FixCancel        CaseFix = "cancel"         // cancel access or the filing
)

// CaseLevel is what a cause is about: the subject, one service, or a
// customer account (for unfiled sites, which have no record).
type CaseLevel string

// The levels.
const (
	LevelSubject CaseLevel = "subject"
	LevelService CaseLevel = "service"
	LevelAccount CaseLevel = "account"
)

// CauseInfo is one catalogue entry.
type CauseInfo struct {
	Cause    CaseCause
	Category CaseCategory
	Level    CaseLevel
	// Notice is the rectification notice (整改通知), Reason the likely
	// cause (可能原因) and Suggestion what to do (整改建议).
	Notice     Text
	Reason     Text
	Suggestion Text
	Fix        CaseFix
	// Probe says whether Beian's own probes detect (and re-check) the
	// cause; Records whether the filed records do (expiry dates).
	Probe   bool
	Records bool
}

var causes = map[CaseCause]CauseInfo{}

// CauseInfos lists the catalogue in order.
var CauseInfos []CauseInfo

func addCause(c CauseInfo) {
	causes[c.Cause] = c
	CauseInfos = append(CauseInfos, c)
}

// LookupCause returns the catalogue entry of c.
func LookupCause(c CaseCause) (CauseInfo, bool) {
	i, ok := causes[c]
	return i, ok
}

// Info returns the catalogue entry of c; unknown causes get an entry of
// their own name in category A, so that nothing stored is ever unreadable.
func (c CaseCause) Info() CauseInfo {
	if i, ok := causes[c]; ok {
		return i
	}
	return CauseInfo{Cause: c, Category: CategorySubject, Level: LevelSubject, Notice: Text{string(c), string(c)}, Fix: FixChangeSubject}
}

// Valid reports whether c is in the catalogue.
func (c CaseCause) Valid() bool { _, ok := causes[c]; return ok }

func init() {
	const (
		changeSubjectZH = "请参考变更备案，"
		changeSubjectEN = "Submit a change of the subject (变更主体) "
	)
	// A. 主体信息不准确.
	for _, c := range []CauseInfo{
		{Cause: CauseSubjectAbnormal, Notice: Text{"主办单位经营异常", "The subject's business is abnormal"},
			Reason:     Text{"企业信用信息公示系统显示主办单位已注销、吊销、歇业或被列入经营异常名录。", "The business registry shows the subject deregistered, revoked, closed or listed as abnormal."},
			Suggestion: Text{"请联系市场监督管理部门恢复正常经营状态；部分省份可变更主体或将网站迁移至其他主体，否则请注销备案。", "Restore normal status with the market regulator; some provinces allow changing the subject or migrating the sites to another subject; otherwise cancel the filing."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectName, Notice: Text{"主办单位名称不一致", "The subject's name differs from its certificate"},
			Reason:     Text{"单位可能已更名。", "The organisation may have been renamed."},
			Suggestion: Text{changeSubjectZH + "上传更名后的营业执照，并将域名过户至新名称。", changeSubjectEN + "with the renamed licence, and transfer the domains to the new name."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectCertNumber, Notice: Text{"主体证件号码错误", "The subject's certificate number is wrong"},
			Reason:     Text{"三证合一（2015年10月1日）后仍使用原组织机构代码。", "The old organisation code is still used after the 2015 merger of certificates."},
			Suggestion: Text{changeSubjectZH + "填写统一社会信用代码并上传最新营业执照。", changeSubjectEN + "with the unified social credit code and the current licence."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectAddress, Notice: Text{"证件住址信息变更", "The certificate address changed"},
			Reason:     Text{"单位可能发生过工商变更，证件住址已变更。", "The organisation's registered address may have changed."},
			Suggestion: Text{changeSubjectZH + "填写新的主体信息并上传最新的营业执照，确保证件住址与主体证件一致。", changeSubjectEN + "with the new address and the current licence."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectPrincipal, Notice: Text{"主体负责人非法定代表人", "The subject's principal is not the legal representative"},
			Reason:     Text{"单位法人已变更，或已更换主体负责人。", "The legal representative or the principal changed."},
			Suggestion: Text{changeSubjectZH + "填写最新的主体负责人信息并上传在有效期内的证件。", changeSubjectEN + "with the current principal and a valid identity document."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectPrincipalID, Notice: Text{"主体负责人身份证已过期", "The subject principal's identity card expired"},
			Reason:     Text{"备案中主体负责人的证件已过有效期或即将过期。", "The principal's identity document on file has expired or is about to."},
			Suggestion: Text{changeSubjectZH + "上传在有效期内的主体负责人证件。", changeSubjectEN + "with the principal's valid identity document."},
			Fix:        FixChangeSubject, Records: true},
		{Cause: CauseSubjectCertificate, Notice: Text{"主办单位证件已到期", "The subject's certificate expired"},
			Reason:     Text{"主办单位证件已过有效期或即将过期，或经营范围、登记信息已变化。", "The subject's certificate has expired or is about to, or its registered data changed."},
			Suggestion: Text{changeSubjectZH + "上传最新的主办单位证件。", changeSubjectEN + "with the current certificate."},
			Fix:        FixChangeSubject, Records: true},
		{Cause: CauseSubjectContact, Notice: Text{"主体负责人联系方式失效", "The subject principal cannot be reached"},
			Reason:     Text{"核查电话为空号、停机或无人接听。", "Check calls found the number empty, suspended or unanswered."},
			Suggestion: Text{changeSubjectZH + "更新联系方式；或接听核查电话、致电 950808 转 3 申请核实。", changeSubjectEN + "with working contacts, or answer the check call (950808 ext. 3)."},
			Fix:        FixChangeSubject},
		{Cause: CauseSubjectUnused, Notice: Text{"主体已不再使用接入商服务器", "The subject no longer uses this provider"},
			Reason:     Text{"网站已不再使用本接入商的服务器，或已停止使用。", "The sites no longer use this provider's servers, or are no longer used."},
			Suggestion: Text{"请取消接入或注销备案。", "Cancel the access or the filing."},
			Fix:        FixCancel},
		{Cause: CauseSubjectNotice, Notice: Text{"管局主体整改通知", "The bureau's rectification notice on the subject"},
			Reason:     Text{"管局核查发现主体信息不准确，详见通知内容。", "The bureau found the subject's information inaccurate; see the notice."},
			Suggestion: Text{"请按通知内容核对主体信息，必要时提交变更备案。", "Check the subject's data against the notice and submit a change if needed."},
			Fix:        FixChangeSubject},
	} {
		c.Category, c.Level = CategorySubject, LevelSubject
		addCause(c)
	}

	// B. 互联网信息不准确.
	for _, c := range []CauseInfo{
		{Cause: CauseServicePrincipalID, Notice: Text{"网站负责人身份证已过有效期", "The service principal's identity card expired"},
			Reason:     Text{"备案中网站/APP负责人的证件已过有效期或即将过期。", "The service principal's identity document on file has expired or is about to."},
			Suggestion: Text{"请参考变更备案，上传在有效期内的负责人证件。", "Submit a change of the service with the principal's valid identity document."},
			Fix:        FixChangeService, Records: true},
		{Cause: CauseServiceContact, Notice: Text{"网站/APP负责人联系方式失效", "The service principal cannot be reached"},
			Reason:     Text{"核查电话为空号、停机或无人接听。", "Check calls found the number empty, suspended or unanswered."},
			Suggestion: Text{"请参考变更备案，更新负责人联系方式。", "Submit a change of the service with working contacts."},
			Fix:        FixChangeService},
		{Cause: CausePreApproval, Notice: Text{"前置审批证件已过有效期", "A pre-approval expired"},
			Reason:     Text{"您的前置审批证件已过期或即将过期。", "A pre-approval permit has expired or is about to."},
			Suggestion: Text{"请联系发证单位进行证件续期，并参考变更备案重新上传最新的前置审批证件。", "Renew the permit with its issuer and upload it with a change of the service."},
			Fix:        FixChangeService, Records: true},
		{Cause: CauseDomainExpiry, Notice: Text{"域名已过期 / 即将过期", "A domain expired or is about to expire"},
			Reason:     Text{"域名未续费。过期域名可能被他人抢注，一旦出现违规内容，接入将被取消，备案号可能被注销。", "The domain was not renewed. A lapsed domain can be registered by someone else; content there can get the access cancelled and the number deregistered."},
			Suggestion: Text{"请续费域名；如不再使用该域名，请通过变更备案删除该域名，保留正常使用的域名；只有一个域名时，请取消接入或注销网站。", "Renew the domain; if it is no longer used, remove it with a change of the service and keep the domains in use; with a single domain, cancel the access or the site."},
			Fix:        FixDomain, Probe: true},
		{Cause: CauseDomainHolder, Notice: Text{"域名实名信息与备案信息不符", "The domain's real-name holder differs from the subject"},
			Reason:     Text{"域名持有者与备案主体不一致，或主体已变化。", "The domain's holder is not the filed subject, or the subject changed."},
			Suggestion: Text{"请在注册商处变更域名实名信息（过户）；主体已变化的请办理变更或迁移；不再使用的请取消接入。", "Change the domain's holder at the registrar; if the subject changed, change or migrate the filing; if unused, cancel the access."},
			Fix:        FixChangeService},
		{Cause: CauseDomainRegistrar, Notice: Text{"域名注册商未获得批复", "The domain's registrar is not approved"},
			Reason:     Text{"域名在境外或未获工信部批复的注册商处注册。", "The domain is held at a foreign or unapproved registrar."},
			Suggestion: Text{"请将域名转入工信部批复的境内注册商（可在 domain.miit.gov.cn 查询）。", "Transfer the domain to an MIIT-approved domestic registrar (domain.miit.gov.cn)."},
			Fix:        FixChangeService},
		{Cause: CauseDomainReregistered, Notice: Text{"域名注册时间晚于备案时间", "The domain was registered after the filing"},
			Reason:     Text{"域名曾过期并被重新注册。", "The domain lapsed and was registered again."},
			Suggestion: Text{"请注销该域名的备案后重新备案。", "Cancel the domain's filing and file it again."},
			Fix:        FixCancel, Probe: true},
		{Cause: CauseServiceNotice, Notice: Text{"管局网站整改通知", "The bureau's rectification notice on the service"},
			Reason:     Text{"管局核查发现网站信息不准确，详见通知内容。", "The bureau found the service's information inaccurate; see the notice."},
			Suggestion: Text{"请按通知内容核对网站信息，必要时提交变更备案。", "Check the service's data against the notice and submit a change if needed."},
			Fix:        FixChangeService},
	} {
		c.Category, c.Level = CategoryService, LevelService
		addCause(c)
	}

	// C. 网站内容不合格.
	for _, c := range []CauseInfo{
		{Cause: CauseContentIllegal, Notice: Text{"网站内容违规", "The website's content is illegal"},
			Reason:     Text{"网站含有违法违规内容（色情、赌博、毒品、政治有害等）。", "The site carries illegal content (pornography, gambling, drugs, harmful political content …)."},
			Suggestion: Text{"请立即删除违规内容或关闭网站。", "Remove the content at once or close the site."},
			Fix:        FixContent},
		{Cause: CauseContentScope, Notice: Text{"网站内容超范围", "The website's content exceeds its filing"},
			Reason:     Text{"个人网站含企业内容，或网站内容属于其他主体。", "An individual's site carries a company's content, or the content is another subject's."},
			Suggestion: Text{"请使网站内容与备案一致，或以正确的主体重新备案。", "Align the content with the filing, or file under the right subject."},
			Fix:        FixContent},
		{Cause: CauseContentTitle, Notice: Text{"网站名称与备案信息不符", "The website's name differs from the filing"},
			Reason:     Text{"首页标题与备案的网站名称不一致。", "The homepage title does not match the filed site name."},
			Suggestion: Text{"请修改网站标题使其与备案的网站名称一致，或通过变更备案修改网站名称。", "Change the site's title to the filed name, or change the filed name with a change of the service."},
			Fix:        FixContent, Probe: true},
		{Cause: CauseContentNumber, Notice: Text{"未悬挂备案号或备案号未链接至工信部", "ICP number not shown, wrong, or not linked to MIIT"},
			Reason:     Text{"网站首页底部未展示备案号、展示的备案号错误，或未链接至 https://beian.miit.gov.cn 。", "The homepage footer lacks the ICP number, shows a wrong one, or does not link it to https://beian.miit.gov.cn."},
			Suggestion: Text{"请在网站首页底部中间位置展示正确的备案号，并添加指向 https://beian.miit.gov.cn 的链接（广东省展示主体备案号）。", "Show the right ICP number at the bottom centre of the homepage, linked to https://beian.miit.gov.cn (Guangdong shows the subject number)."},
			Fix:        FixDisplay, Probe: true},
		{Cause: CauseContentPSBNumber, Notice: Text{"公安联网备案号未悬挂或错误", "Public-security filing number missing or wrong"},
			Reason:     Text{"公安联网备案后未在首页底部展示备案号，或展示错误。", "After the public-security filing the number is not shown at the page bottom, or is wrong."},
			Suggestion: Text{"请在首页底部展示正确的公安联网备案号及图标。", "Show the right public-security number and icon at the page bottom."},
			Fix:        FixContent},
		{Cause: CauseContentUnused, Notice: Text{"网站不再使用", "The website is no longer used"},
			Reason:     Text{"网站已停止使用。", "The site is no longer used."},
			Suggestion: Text{"请取消接入或注销网站。", "Cancel the access or the site."},
			Fix:        FixCancel},
		{Cause: CauseContentUnreachable, Notice: Text{"网站内容无法访问", "The website cannot be opened"},
			Reason:     Text{"网站拒绝连接、无法建立 TLS 连接或返回错误状态。", "The site refuses connections, fails TLS or answers with an error status."},
			Suggestion: Text{"请将域名解析至备案的服务器并开通网站，在首页底部展示备案号。", "Resolve the domain to the filed server, open the site, and show the number at the bottom of the homepage."},
			Fix:        FixDNS, Probe: true},
		{Cause: CauseEmptyShell, Notice: Text{"空壳网站", "Empty-shell website"},
			Reason:     Text{"管局核查发现网站无法访问或已不在本接入商接入，可能已迁至其他接入商而未办理新增接入。", "The bureau's check found the site dead or no longer here; it may have moved to another provider without a new access filing there."},
			Suggestion: Text{"请将网站解析至本接入商服务器并正常开通；已迁至其他接入商的，请在新接入商办理接入备案后取消本接入；不再使用的，请注销网站。逾期未整改将取消接入，无其他接入的备案号将被注销。", "Point the site back to this provider's servers and open it; if it moved, file the access at the new provider and cancel this one; if unused, cancel the site. Unrectified, the access is cancelled and a number without other access is deregistered."},
			Fix:        FixDNS, Probe: true},
	} {
		c.Category, c.Level = CategoryContent, LevelService
		addCause(c)
	}

	// D. APP信息.
	for _, c := range []CauseInfo{
		{Cause: CauseAppPrincipal, Notice: Text{"APP负责人信息不准确", "The APP principal's information is inaccurate"},
			Reason:     Text{"APP负责人联系方式失效。", "The APP principal cannot be reached."},
			Suggestion: Text{"请参考变更备案，更新APP负责人联系方式。", "Submit a change of the APP with working contacts."},
			Fix:        FixChangeService},
		{Cause: CauseAppPackage, Notice: Text{"APP包名不准确", "The APP's package name is wrong"},
			Reason:     Text{"备案的包名与实际发布的APP不一致。", "The filed package name differs from the released APP."},
			Suggestion: Text{"请参考变更备案，填写正确的包名。", "Submit a change of the APP with the right package name."},
			Fix:        FixChangeService},
		{Cause: CauseAppSignature, Notice: Text{"APP特征信息无效", "The APP's signature data is invalid"},
			Reason:     Text{"备案的公钥或签名MD5无效。", "The filed public key or signature digest is invalid."},
			Suggestion: Text{"请参考变更备案，填写正确的公钥和签名MD5。", "Submit a change of the APP with the right public key and signature digest."},
			Fix:        FixChangeService},
		{Cause: CauseAppPlatform, Notice: Text{"APP平台信息无效", "The APP's platform is invalid"},
			Reason:     Text{"填写的是应用商店而非运行平台（Android、iOS、HarmonyOS）。", "An app store was entered instead of the runtime platform (Android, iOS, HarmonyOS)."},
			Suggestion: Text{"请参考变更备案，填写APP的运行平台。", "Submit a change of the APP with its runtime platform."},
			Fix:        FixChangeService},
		{Cause: CauseAppResolution, Notice: Text{"APP解析不一致", "The APP's domains resolve elsewhere"},
			Reason:     Text{"APP使用的域名未解析至备案的服务器。", "The APP's domains do not resolve to the filed servers."},
			Suggestion: Text{"请将APP使用的域名解析至备案的服务器地址，或通过变更备案更新地址。", "Resolve the APP's domains to the filed addresses, or change the filed addresses."},
			Fix:        FixDNS},
		{Cause: CauseAppUnused, Notice: Text{"APP不再使用", "The APP is no longer used"},
			Reason:     Text{"APP已停止使用，或不再使用本接入商的服务器。", "The APP is no longer used, or no longer uses this provider."},
			Suggestion: Text{"请取消接入或注销APP备案。", "Cancel the access or the APP's filing."},
			Fix:        FixCancel},
	} {
		c.Category, c.Level = CategoryApp, LevelService
		addCause(c)
	}

	// E. 接入信息不符.
	for _, c := range []CauseInfo{
		{Cause: CauseAccessElsewhere, Notice: Text{"未解析至接入商服务器", "Not resolving to the provider's servers"},
			Reason:     Text{"域名无解析、解析至其他接入商或CDN的地址，或解析至境外。", "The domain does not resolve, resolves to another provider's or a CDN's addresses, or resolves abroad."},
			Suggestion: Text{"请将域名解析至本接入商的境内服务器并保持真实访问（保留一个子域名解析至备案服务器即可）；网站已在境外的无需备案，请取消接入或注销网站。", "Resolve the domain to this provider's mainland servers with real traffic (one sub-domain on the filed server is enough); a site served abroad needs no filing: cancel the access or the site."},
			Fix:        FixDNS, Probe: true},
		{Cause: CauseAccessIPMismatch, Notice: Text{"域名实际解析IP与备案IP不符", "The resolved address differs from the filed addresses"},
			Reason:     Text{"更换服务器后未变更备案的IP地址。", "The server changed but the filed address did not."},
			Suggestion: Text{"请将域名解析至备案的IP地址，或通过变更备案更新IP地址。", "Resolve the domain to the filed address, or change the filed address with a change of the service."},
			Fix:        FixDNS, Probe: true},
		{Cause: CauseAccessReported, Notice: Text{"接入信息核查不符", "The bureau's access check failed"},
			Reason:     Text{"管局接入核查发现接入信息多报或少报（解析IP与报备的接入不一致）。", "The bureau's access check found the access over- or under-reported."},
			Suggestion: Text{"请核对网站实际使用的服务器地址：已不在本接入商的请取消接入；地址变化的请办理变更。", "Check the addresses the site really uses: cancel the access if it left this provider; change the filing if the address changed."},
			Fix:        FixDNS},
	} {
		c.Category, c.Level = CategoryAccess, LevelService
		addCause(c)
	}
	addCause(CauseInfo{Cause: CauseUnfiledSite, Category: CategoryAccess, Level: LevelAccount,
		Notice:     Text{"未备案网站接入", "Unfiled website on your server"},
		Reason:     Text{"管局监测发现您服务器的IP上有未备案的网站在提供服务。", "The bureau found an unfiled website served from your server's address."},
		Suggestion: Text{"请立即停止该网站的解析和服务，完成备案（首次备案、新增网站或新增接入）后再开通。", "Stop resolving and serving the site now; open it again only after filing it (first filing, new website or new access)."},
		Fix:        FixFile})
}

// noticeKeywords classify a bureau notice's free text (XGTZ Tznr, HCJG
// Cwyy) into the catalogue: the first entry whose every keyword occurs
// wins, so more specific entries come first.
var noticeKeywords = []struct {
	words   []string
	subject CaseCause // for a notice about a subject
	service CaseCause // for a notice about a service
}{
	{[]string{"空壳"}, CauseSubjectUnused, CauseEmptyShell},
	{[]string{"经营异常"}, CauseSubjectAbnormal, CauseSubjectAbnormal},
	{[]string{"吊销"}, CauseSubjectAbnormal, CauseSubjectAbnormal},
	{[]string{"歇业"}, CauseSubjectAbnormal, CauseSubjectAbnormal},
	{[]string{"主办单位", "已注销"}, CauseSubjectAbnormal, CauseSubjectAbnormal},
	{[]string{"公安"}, CauseContentPSBNumber, CauseContentPSBNumber},
	{[]string{"前置审批"}, CausePreApproval, CausePreApproval},
	{[]string{"域名", "过期"}, CauseDomainExpiry, CauseDomainExpiry},
	{[]string{"域名", "实名"}, CauseDomainHolder, CauseDomainHolder},
	{[]string{"注册商"}, CauseDomainRegistrar, CauseDomainRegistrar},
	{[]string{"注册时间"}, CauseDomainReregistered, CauseDomainReregistered},
	{[]string{"APP", "包名"}, CauseAppPackage, CauseAppPackage},
	{[]string{"APP", "特征"}, CauseAppSignature, CauseAppSignature},
	{[]string{"APP", "平台"}, CauseAppPlatform, CauseAppPlatform},
	{[]string{"APP", "解析"}, CauseAppResolution, CauseAppResolution},
	{[]string{"解析", "不符"}, CauseAccessIPMismatch, CauseAccessIPMismatch},
	{[]string{"未解析"}, CauseAccessElsewhere, CauseAccessElsewhere},
	{[]string{"备案号"}, CauseContentNumber, CauseContentNumber},
	{[]string{"违规"}, CauseContentIllegal, CauseContentIllegal},
	{[]string{"违法"}, CauseContentIllegal, CauseContentIllegal},
	{[]string{"超范围"}, CauseContentScope, CauseContentScope},
	{[]string{"网站名称"}, CauseContentTitle, CauseContentTitle},
	{[]string{"无法访问"}, CauseContentUnreachable, CauseContentUnreachable},
	{[]string{"不再使用"}, CauseSubjectUnused, CauseContentUnused},
	{[]string{"身份证"}, CauseSubjectPrincipalID, CauseServicePrincipalID},
	{[]string{"法定代表人"}, CauseSubjectPrincipal, CauseSubjectPrincipal},
	{[]string{"联系方式"}, CauseSubjectContact, CauseServiceContact},
	{[]string{"电话"}, CauseSubjectContact, CauseServiceContact},
	{[]string{"住址"}, CauseSubjectAddress, CauseSubjectAddress},
	{[]string{"证件号码"}, CauseSubjectCertNumber, CauseSubjectCertNumber},
	{[]string{"名称"}, CauseSubjectName, CauseSubjectName},
	{[]string{"证件", "到期"}, CauseSubjectCertificate, CauseSubjectCertificate},
	{[]string{"证件", "过期"}, CauseSubjectCertificate, CauseSubjectCertificate},
}

// ClassifyNotice maps a bureau's free-text notice or check reason onto the
// catalogue: about a service when service is true, else about the subject.
// Text matching nothing gets the generic notice cause of its level, with
// the bureau's words kept on the case.
func ClassifyNotice(text string, service bool) CaseCause {
	up := strings.ToUpper(text)
	for _, k := range noticeKeywords {
		all := true
		for _, w := range k.words {
			if !strings.Contains(up, w) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		c := k.subject
		if service {
			c = k.service
		}
		// A subject notice never becomes a service-level cause with no
		// service to attach to, and vice versa.
		if lvl := c.Info().Level; lvl == LevelSubject || service {
			return c
		}
	}
	if service {
		return CauseServiceNotice
	}
	return CauseSubjectNotice
}
