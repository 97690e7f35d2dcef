package rules

import (
	"github.com/openbeian/beian"
)

const (
	ruleInputIncomplete = "ORDER-INPUT-INCOMPLETE"
	ruleTypeUnknown     = "ORDER-TYPE-UNKNOWN"
)

// orderRules are the rules on the order as a whole: input, type, province,
// account, concurrency and resources (spec §3, §6.1, §10).
func orderRules() []*Rule {
	return []*Rule{
		{
			ID:       ruleInputIncomplete,
			Title:    t("预检输入不完整", "Pre-check input incomplete"),
			Severity: Blocking,
			Reason:   t("预检缺少订单或检查日期，无法判断。", "The pre-check got no order or no check date, so it cannot decide anything."),
			Remedy:   t("请刷新页面后重试；如持续出现请联系客服。", "Reload and try again; contact support if it persists."),
			Sources:  []string{"§4.2"},
			// The engine reports it before any rule runs.
			check: func(*checker) {},
		},
		{
			ID:       ruleTypeUnknown,
			Title:    t("备案类型未知", "Unknown filing type"),
			Severity: Blocking,
			Reason:   t("订单的备案类型不在首次备案、新增网站、新增APP、新增接入、变更、注销、取消接入、转移、迁移、认领之列。", "The order's filing type is none of the known types."),
			Remedy:   t("请放弃该订单，重新从「验证备案类型」开始。", "Abandon the order and start again from the filing-type check."),
			Sources:  []string{"§3"},
			check:    func(*checker) {},
		},
		{
			ID:       "ORDER-PROVINCE",
			Title:    t("备案省份", "Filing province"),
			Severity: Blocking,
			Reason:   t("订单的备案省份未知，或与主体信息中的省份不一致。", "The order's province is unknown or differs from the subject's province."),
			Remedy:   t("单位按证件登记地所在省份备案，个人按身份证或居住地所在省份备案；省份在「验证备案类型」后不可修改，选错须放弃订单重新开始。", "Units file in the province that issued their certificate, individuals where their ID or residence is; the province cannot be changed after the filing-type check, so abandon the order and start again."),
			Sources:  []string{"§3", "§4.2", "§5.1"},
			check:    checkOrderProvince,
		},
		{
			ID:       "ORDER-SERVICE-KIND",
			Title:    t("备案类型与服务类型", "Filing type and service kind"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeService, beian.ChangeBoth, beian.CancelService, beian.Migrate}},
			Reason:   t("订单的网站/APP与备案类型不符（如新增网站订单中没有网站、注销网站一次提交了多个服务）。", "The order's websites and apps do not fit its filing type (a new-website order without a website, a cancellation of several services at once)."),
			Remedy:   t("网站备案请选择「网站」，APP备案请选择「APP」；注销互联网信息服务每次只能注销一个。", "Choose 网站 for website filings and APP for app filings; a service cancellation cancels one service at a time."),
			Sources:  []string{"§3", "S17"},
			check:    checkServiceKind,
		},
		{
			ID:       "ORDER-INDIVIDUAL-WEBSITE-AND-APP",
			Title:    t("个人网站与APP分开提交", "Individuals file websites and apps separately"),
			Severity: Blocking,
			Applies:  Scope{Natures: naturesIndividual, Types: typesServices},
			Reason:   t("个人主体的网站和APP不能在同一订单中备案。", "An individual's website and app cannot be filed in one order."),
			Remedy:   t("请分两个订单提交：先备案网站，再新增APP（或反之）。", "Submit two orders: the website first, then the app (or the other way round)."),
			Sources:  []string{"§3"},
			check: func(c *checker) {
				if len(c.snap.Websites) > 0 && len(c.snap.Apps) > 0 {
					c.fail("apps", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "ORDER-RECORD-AT-PROVIDER",
			Title:    t("须在本接入商有备案记录", "Record must be held here"),
			Severity: Blocking,
			Applies:  Scope{Types: typesOnRecord},
			Reason:   t("变更、注销、取消接入和迁移只能针对在本接入商备案成功的主体和服务。", "Changes, cancellations, access cancellations and migrations act only on subjects and services filed through this provider."),
			Remedy:   t("请在「我的备案」中选择要操作的备案；在其他接入商备案的，请到原接入商或管局办理，或先做新增接入。", "Pick the filing under My records; filings made elsewhere are handled at that provider or the bureau, or first add access here."),
			Sources:  []string{"§3", "§6.1.7"},
			Facts:    []FactKind{FactRecords},
			check:    checkRecordAtProvider,
		},
		{
			ID:       "ACCOUNT-ONE-SUBJECT",
			Title:    t("一个账号只能备案一个主体", "One account, one subject"),
			Severity: Blocking,
			// Not migrations: the target subject files from its own account.
			Applies: Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth, beian.Claim}},
			Reason:  t("一个账号只能备案一个主体，一个主体只能在一个账号下备案；该证件已在其他账号下使用，或本账号已备案其他主体。", "One account files one subject and a subject is filed under one account; the certificate is used under another account, or this account files another subject."),
			Remedy:  t("请登录证件所在账号继续操作，或通过「转移备案」将主体转到本账号。", "Continue in the account that holds the certificate, or move the subject here with 转移备案."),
			Sources: []string{"§2", "§6.1.1"},
			Facts:   []FactKind{FactRecords},
			check:   checkAccountOneSubject,
		},
		{
			ID:       "ORDER-IN-PROGRESS",
			Title:    t("同一主体只能有一个进行中的订单", "One order in progress per subject"),
			Severity: Blocking,
			Reason:   t("此证件存在进行中的订单。", "This certificate has an order in progress."),
			Remedy:   t("请等待该订单完成，或在「我的订单」中打开该订单，在「其他操作」中选择「放弃备案」后再提交。", "Wait for that order to finish, or open it under My orders and choose Abandon under Other actions first."),
			Sources:  []string{"§3", "§6.1.2", "R22"},
			Facts:    []FactKind{FactRecords},
			check:    checkInProgress,
		},
		{
			ID:       "SUBJECT-HOST-CONFLICT",
			Title:    t("网站主办者冲突", "Host conflict with another provider"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesNew},
			Reason:   t("同一主体在其他接入商有进行中的首次备案时，本接入商不能再为其备案（网站主办者冲突），只有一个订单能到管局。", "While the subject's first filing is in progress at another provider, no other filing of it can proceed here; only one order per subject may be at the bureau."),
			Remedy:   t("审核员请在工信部备案系统核实该主体没有在其他接入商进行中的备案；如有，请客户在其中一家放弃。", "Reviewer: confirm at MIIT that the subject has no filing in progress at another provider; if it has, the customer abandons one of them."),
			Fix:      t("同一主体只能在一家接入商有进行中的备案：如在其他接入商也提交了备案，请在其中一家放弃订单后再提交。", "A subject may have a filing in progress at one provider only: if you also filed elsewhere, abandon the order at one of them, then submit again."),
			Sources:  []string{"§3", "§6.1.3", "R23"},
			Facts:    []FactKind{FactRecords},
			check:    checkHostConflict,
		},
		{
			ID:       "RESOURCE-REGION",
			Title:    t("备案资源须为境内公网资源", "Resource must be mainland and public"),
			Severity: Blocking,
			Applies:  Scope{Types: typesResource},
			Reason:   t("用于备案的资源须位于中国大陆地域并有公网IP。", "The filing resource must be in a mainland-China region and have a public IP."),
			Remedy:   t("请选择境内地域、有公网IP的云服务器，或使用备案授权码；境外及港澳台地域无需也不能备案。", "Choose a mainland server with a public IP, or use an authorization code; overseas and Hong Kong regions need no filing and cannot be filed."),
			Sources:  []string{"§6.1.4", "§10.1"},
			Facts:    []FactKind{FactResources},
			check:    checkResourceRegion,
		},
		{
			ID:       "RESOURCE-PREPAID-TERM",
			Title:    t("备案资源须包年包月且时长足够", "Resource must be prepaid for long enough"),
			Severity: Blocking,
			Applies:  Scope{Types: typesResource},
			Reason:   t("按需购买的云服务器暂不支持备案；云服务器须为包周期且不小于3个月（专属云不小于1年）。", "Pay-as-you-go servers cannot be used for filing; servers must be prepaid for at least 3 months (dedicated cloud: 1 year)."),
			Remedy:   t("请将资源转为包年/包月并续费到足够时长（续费累计计算），或使用其他资源、备案授权码。", "Convert the resource to prepaid and renew it long enough (renewals add up), or use another resource or an authorization code."),
			Sources:  []string{"§6.1.4", "§10.1", "S13", "S16"},
			Facts:    []FactKind{FactResources},
			check:    checkResourceTerm,
		},
		{
			ID:       "RESOURCE-KIND",
			Title:    t("资源类型可备案", "Resource kind can be filed"),
			Severity: Blocking,
			Applies:  Scope{Types: typesResource},
			Reason:   t("单独购买的弹性公网IP等资源不能用于备案。", "Stand-alone elastic IPs and other such resources cannot be used for filing."),
			Remedy:   t("请选择云服务器、Flexus 应用服务器、企业门户、专属云、公网NAT网关，或使用备案授权码。", "Choose a server, a Flexus application server, an enterprise portal, dedicated cloud or a NAT gateway, or use an authorization code."),
			Sources:  []string{"§6.1.4", "§10.1"},
			Facts:    []FactKind{FactResources},
			check:    checkResourceKind,
		},
		{
			ID:       "RESOURCE-QUOTA",
			Title:    t("资源备案次数", "Resource filing quota"),
			Severity: Blocking,
			Applies:  Scope{Types: typesResource},
			Reason:   t("您用于备案的资源已达最大使用次数（每台云服务器最多5个网站/APP，注销不退还；企业门户最多3个域名）。", "The resource has reached its filing quota (5 websites or apps per server, not returned on cancellation; 3 domains per enterprise portal)."),
			Remedy:   t("请使用其他资源、购买新的资源，或使用备案授权码。", "Use another resource, buy one, or use an authorization code."),
			Sources:  []string{"§6.1.4", "§6.1.5", "§10.1"},
			Facts:    []FactKind{FactResources},
			check:    checkResourceQuota,
		},
		{
			ID:       "AUTHCODE-VALID",
			Title:    t("备案授权码有效", "Authorization code valid"),
			Severity: Blocking,
			Applies:  Scope{Types: typesResource},
			Reason:   t("备案授权码无效：已被使用、关联资源已到期，或未授权给本账号。", "The authorization code is invalid: already used, its resource expired, or it was not granted to this account."),
			Remedy:   t("请到「授权码管理」中申请新的授权码，或请授权码所有者授权给本账号；每个授权码只能使用一次。", "Get a new code under Authorization codes, or ask its owner to grant it to this account; each code is used once."),
			Sources:  []string{"§6.1.5", "§10.2", "S14"},
			Facts:    []FactKind{FactResources},
			check:    checkAuthCode,
		},
		{
			ID:           "SUBJECT-SERVICE-LIMIT",
			Title:        t("主体互联网信息服务数量上限", "Services per subject"),
			Severity:     Blocking,
			Applies:      Scope{Types: typesNew},
			Reason:       t("个人主体最多备案5个互联网信息服务（第6个不能提交）；部分省份限制单位网站数量（如陕西30个）。", "An individual subject may file at most 5 services (the 6th cannot be submitted); some provinces cap units' websites (Shaanxi: 30)."),
			Remedy:       t("请先注销不再使用的网站或APP，再新增。", "Cancel websites or apps no longer used before adding more."),
			Sources:      []string{"§6.1.6", "§7 陕西"},
			PackKeys:     []string{"services.max_individual", "services.max_enterprise"},
			Facts:        []FactKind{FactRecords},
			SeverityNote: t("草稿时只计本单中的服务，提交时加上已备案的服务。", "Drafts count the order's services; submission adds the filed ones."),
			check:        checkServiceLimit,
		},
		{
			ID:       "ORDER-TYPE-RECORD-EXISTS",
			Title:    t("备案类型与已有记录不符", "Filing type contradicts existing records"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew},
			Reason:   t("主体或域名已有备案，不能再做首次备案或新增。", "The subject or the domain is already filed, so it cannot be filed as new."),
			Remedy:   t("主体已备案请做新增网站/新增APP；网站已在其他接入商备案请做新增接入；修改已备案信息请做变更备案；如证件已变更请先变更主体。", "For a filed subject add a website or app; for a site filed at another provider add access; to correct filed data do a change; if the certificate changed, change the subject first."),
			Sources:  []string{"§3", "R20", "R21"},
			Facts:    []FactKind{FactRecords},
			check:    checkTypeRecordExists,
		},
		{
			ID:       "ORDER-IMMUTABLE-DATA",
			Title:    t("不可变更的信息", "Data that cannot change"),
			Severity: Blocking,
			Applies:  Scope{Types: typesChange},
			Reason:   t("变更备案不能修改省份、主办单位证件号码，不能在单位与个人之间转换，也不能把主体A换成主体B。", "A change cannot alter the province or the subject's certificate number, turn a unit into an individual or back, or replace subject A by B."),
			Remedy:   t("如信息填错，请放弃订单重新开始；更换主体请使用迁移备案，或注销后重新备案。", "If the data was entered wrongly, abandon the order and start again; to replace the subject, migrate the service, or cancel and file again."),
			Sources:  []string{"§3", "§6.1.7", "R21"},
			PackKeys: []string{"change.subject_replacement_same_legal_rep"},
			Facts:    []FactKind{FactRecords},
			check:    checkImmutable,
		},
		{
			ID:       "ORDER-MAX-NEW-DOMAINS",
			Title:    t("每单新增域名数量", "New domains per order"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew},
			Reason:   t("部分省份限制每次提交的新增域名数量（山西3个，河南企业5个）。", "Some provinces cap the new domains per submission (Shanxi 3, Henan enterprises 5)."),
			Remedy:   t("请分多个订单提交，每单不超过省管局规定的数量。", "Split the domains over several orders within the bureau's limit."),
			Sources:  []string{"§7 山西", "§7 河南"},
			PackKeys: []string{"order.max_new_domains", "order.max_new_domains_enterprise"},
			check:    checkMaxNewDomains,
		},
		{
			ID:       "ORDER-ONE-WEBSITE",
			Title:    t("每次只能备案一个网站", "One website per order"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew, Kinds: kindsWebsite},
			Reason:   t("湖北、湖南管局要求每次只能备案一个网站。", "The Hubei and Hunan bureaus accept one website per filing."),
			Remedy:   t("请每个订单只填写一个网站，其余网站分别通过新增网站提交。", "Put one website in each order and add the others as new websites."),
			Sources:  []string{"§7 湖北", "§7 湖南"},
			PackKeys: []string{"order.one_website"},
			check: func(c *checker) {
				if c.pack.OneWebsite && len(c.snap.Websites) > 1 {
					c.fail("websites", t(c.prov.Name+"管局要求每次只能备案1个网站，本单有"+itoa(len(c.snap.Websites))+"个。", "The "+c.prov.NameEN+" bureau accepts one website per filing; this order has "+itoa(len(c.snap.Websites))+"."), c.rule.Remedy)
				}
			},
		},
		{
			ID:           "WEBSITE-ONE-DOMAIN",
			Title:        t("每个网站只能备案一个域名", "One domain per website"),
			Severity:     Blocking,
			SeverityNote: t("省份规则包要求时为阻断，否则为警告。", "Blocking where the pack requires it, a warning elsewhere."),
			Applies:      Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite}, Kinds: kindsWebsite},
			Reason:       t("每次只能备案1个网站域名；湖北、湖南、新疆等管局要求一个网站一个域名（多域名网站须拆分），江西已备案网站较多时新增网站只能一个域名。", "Each filing may carry one website domain; Hubei, Hunan, Xinjiang and others require one domain per website (split multi-domain sites), Jiangxi once a subject has many sites."),
			Remedy:       t("请每个网站只填写一个域名，其他域名作为单独的网站备案。", "Give each website one domain and file the others as websites of their own."),
			Sources:      []string{"§5.3", "§7 湖北", "§7 湖南", "§7 新疆", "§7 江西", "§7 海南", "S64"},
			PackKeys:     []string{"website.one_domain", "order.one_domain_after_sites_individual", "order.one_domain_after_sites_enterprise"},
			Facts:        []FactKind{FactRecords},
			check:        checkOneDomain,
		},
		{
			ID:       "MIGRATE-PROVINCE",
			Title:    t("管局支持迁移备案", "Bureau supports migration"),
			Severity: Warning,
			Applies:  Scope{Types: []beian.OrderType{beian.Migrate}},
			Reason:   t("迁移互联网信息服务只在属地管局支持时可办理，本省是否支持尚未确认。", "Migrating a service is possible only where the bureau supports it; it is not confirmed for this province."),
			Remedy:   t("提交前请向接入商确认属地管局是否支持迁移；不支持时请先在新主体下备案，再注销原主体下的网站。", "Confirm with the provider that the bureau supports migration; if not, file under the new subject first and then cancel the old site."),
			Sources:  []string{"§3"},
			PackKeys: []string{"migration.supported"},
			check: func(c *checker) {
				if c.pack.Migration != "yes" {
					c.fail("type", t(c.provinceName().ZH+"管局是否支持迁移互联网信息服务尚未确认。", "It is not confirmed that the "+c.provinceName().EN+" bureau supports migration."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "MIGRATE-NO-APP",
			Title:    t("APP不能迁移", "Apps cannot be migrated"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.Migrate}, Kinds: kindsApp},
			Reason:   t("APP不支持迁移备案。", "Apps cannot be migrated to another subject."),
			Remedy:   t("请先在新主体下新增APP备案，成功后再注销原主体下的APP。", "File the app under the new subject first, then cancel it under the old one."),
			Sources:  []string{"§3"},
			check: func(c *checker) {
				c.fail("apps", c.rule.Reason, c.rule.Remedy)
			},
		},
		{
			ID:       "MIGRATE-TARGET-UNIT",
			Title:    t("迁移目标不能是个人", "Migration target cannot be an individual"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.Migrate}, Natures: naturesIndividual},
			Reason:   t("迁移备案的目标主体不能是个人。", "A service cannot be migrated to an individual."),
			Remedy:   t("个人请注销原网站后以个人身份重新备案。", "An individual files the site anew after the old one is cancelled."),
			Sources:  []string{"§3"},
			check: func(c *checker) {
				c.fail("subject.nature", c.rule.Reason, c.rule.Remedy)
			},
		},
		{
			ID:       "CHANGE-NAME-LETTER",
			Title:    t("主体更名须上传更名证明", "Name change needs the registry's letter"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.ChangeSubject, beian.ChangeBoth}, Natures: naturesUnits},
			Reason:   t("变更主办单位名称须上传工商更名函（变更证明）；更名后域名实名信息也须同步变更。", "Changing the subject's name needs the registry's name-change letter; the domains' real-name data must change too."),
			Remedy:   t("请上传市场监管部门出具的名称变更证明，并先把域名持有者改为新名称。", "Upload the market regulator's name-change letter, and change the domains' holder to the new name first."),
			Sources:  []string{"§3", "§5.7", "§7 海南", "§7 四川"},
			PackKeys: []string{"change.name_change_letter_required"},
			Facts:    []FactKind{FactRecords},
			check:    checkNameChangeLetter,
		},
		{
			ID:       "CHANGE-FIVE-PHOTO-SET",
			Title:    t("青海变更须上传全套五图", "Qinghai changes need five photos"),
			Severity: Blocking,
			Applies:  Scope{Types: typesChange},
			Reason:   t("青海管局要求变更时上传全套五图：主体证件、主体负责人证件、真实性核验单、互联网信息服务负责人证件、互联网信息服务负责人照片。", "The Qinghai bureau wants the full five-photo set for changes: subject certificate, principal's ID, verification sheet, service principal's ID and photo."),
			Remedy:   t("请补齐缺少的材料后提交。", "Upload the missing documents."),
			Sources:  []string{"§5.7", "§7 青海"},
			PackKeys: []string{"change.five_photo_set"},
			check:    checkFivePhotos,
		},
		{
			ID:           "ACCESS-DATA-MATCHES-RECORD",
			Title:        t("与原备案信息一致", "Same data as the existing record"),
			Severity:     Blocking,
			SeverityNote: t("省份规则包要求时为阻断，否则为警告。", "Blocking where the pack requires it, a warning elsewhere."),
			Applies:      Scope{Types: []beian.OrderType{beian.NewAccess, beian.NewWebsite, beian.NewApp}},
			Reason:       t("新增接入或新增网站时填写的信息与原备案不一致（部分管局驳回「接入商信息不一致」）；转接入时网站名称须与原备案名称一致。", "Data entered for new access or a new website differs from the existing record (some bureaus reject for it); on new access the site name must equal the filed name."),
			Remedy:       t("请保持与原备案信息一致，备案成功后再做变更备案。", "Keep the data identical to the existing record and change it after the filing succeeds."),
			Sources:      []string{"§3", "§6.5.9", "R26", "§7 河北", "§7 海南"},
			PackKeys:     []string{"access.data_must_match_record"},
			Facts:        []FactKind{FactRecords},
			check:        checkAccessDataMatches,
		},
		{
			ID:       "CONSTRUCTION-PLAN",
			Title:    t("网站建设方案书", "Website construction plan"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.NewWebsite}, Kinds: kindsWebsite},
			Reason:   t("部分省份在主体已备案网站较多时要求提交网站建设方案书（上海单位30个及以上，湖南已有2个及以上）。", "Some provinces want a construction plan once a subject has many sites (Shanghai units: 30, Hunan: 2)."),
			Remedy:   t("请下载网站建设方案书模板，填写后盖章上传。", "Download the construction-plan template, fill it in, seal it and upload it."),
			Sources:  []string{"§5.7", "§7 上海", "§7 湖南"},
			PackKeys: []string{"construction_plan.existing_sites_enterprise", "construction_plan.existing_sites_individual"},
			Facts:    []FactKind{FactRecords},
			check:    checkConstructionPlan,
		},
	}
}

func checkOrderProvince(c *checker) {
	o := c.order
	if c.prov.Code == "" || o.Province != c.prov.Code {
		c.fail("province", t("备案省份「"+o.Province+"」不存在。", "Unknown filing province "+quote(o.Province)+"."), c.rule.Remedy)
		return
	}
	if c.subj.Province != o.Province {
		c.fail("subject.province", t("主体信息中的省份与订单的备案省份（"+c.prov.Name+"）不一致。", "The subject's province differs from the order's province ("+c.prov.NameEN+")."), c.rule.Remedy)
	}
}

func checkServiceKind(c *checker) {
	w, a := len(c.snap.Websites), len(c.snap.Apps)
	switch c.order.Type {
	case beian.NewWebsite:
		if w == 0 || a > 0 {
			c.fail("websites", t("新增网站订单应只包含网站（本单网站"+itoa(w)+"个、APP"+itoa(a)+"个）。", "A new-website order holds websites only (this one: "+itoa(w)+" websites, "+itoa(a)+" apps)."), c.rule.Remedy)
		}
	case beian.NewApp:
		if a == 0 || w > 0 {
			c.fail("apps", t("新增APP订单应只包含APP（本单网站"+itoa(w)+"个、APP"+itoa(a)+"个）。", "A new-app order holds apps only (this one: "+itoa(w)+" websites, "+itoa(a)+" apps)."), c.rule.Remedy)
		}
	case beian.CancelService:
		if w+a != 1 {
			c.fail("websites", t("注销互联网信息服务每次只能注销1个（本单"+itoa(w+a)+"个）。", "A service cancellation cancels exactly one service (this one: "+itoa(w+a)+")."), c.rule.Remedy)
		}
	default:
		if w+a == 0 {
			c.fail("websites", t("订单中没有网站或APP。", "The order has no website or app."), c.rule.Remedy)
		}
	}
}

func checkRecordAtProvider(c *checker) {
	if c.order.RecordSubjectID == "" {
		c.fail("record_subject_id", t("订单未指明要操作的已备案主体。", "The order does not name the filed subject it acts on."), c.rule.Remedy)
		return
	}
	rec, ok := c.record("record_subject_id")
	if !ok {
		return
	}
	if rec == nil || rec.Subject.Status == beian.RecordCancelled {
		c.fail("record_subject_id", t("本接入商没有该主体的有效备案记录。", "This provider holds no live record of the subject."), c.rule.Remedy)
		return
	}
	if c.order.Type == beian.ChangeSubject || c.order.Type == beian.CancelSubject {
		return
	}
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		if recordService(rec, w.RecordID) == nil {
			c.fail(index("websites", i)+".record_id", t("网站「"+w.Name+"」不是本接入商备案的网站。", "Website "+quote(w.Name)+" is not filed through this provider."), c.rule.Remedy)
		}
	}
	for i := range c.snap.Apps {
		a := &c.snap.Apps[i]
		if recordService(rec, a.RecordID) == nil {
			c.fail(index("apps", i)+".record_id", t("APP「"+a.Name+"」不是本接入商备案的APP。", "App "+quote(a.Name)+" is not filed through this provider."), c.rule.Remedy)
		}
	}
}

func checkAccountOneSubject(c *checker) {
	if c.subj.CertificateNumber == "" || !c.can(FactRecords, "subject.certificate_number") {
		return
	}
	m := &c.bindingMemo
	if !m.done {
		m.done = true
		m.v, m.err = c.in.Facts.Records.AccountBinding(c.ctx, c.order.AccountID, c.subj.CertificateNumber)
	}
	if m.err != nil {
		c.undecided("subject.certificate_number", FactRecords, m.err)
		return
	}
	b := m.v
	if b.CertificateAccountID != "" && b.CertificateAccountID != c.order.AccountID {
		name := b.CertificateAccountName
		if name == "" {
			name = b.CertificateAccountID
		}
		c.fail("subject.certificate_number", t("检测到您的证件已在账号「"+name+"」下使用。", "The certificate is already used under account "+quote(name)+"."), c.rule.Remedy)
	}
	if b.AccountHasOtherSubject {
		c.fail("subject.certificate_number", t("本账号已备案其他主体，一个账号只能备案一个主体。", "This account already files another subject; one account files one subject."), t("请使用该主体自己的账号备案，或将其他主体转移到别的账号。", "File with the subject's own account, or transfer the other subject to another account."))
	}
}

func checkInProgress(c *checker) {
	if c.subj.CertificateNumber == "" || !c.can(FactRecords, "order") {
		return
	}
	m := &c.ordersMemo
	if !m.done {
		m.done = true
		m.v, m.err = c.in.Facts.Records.OrdersInProgress(c.ctx, c.subj.CertificateNumber, c.order.ID)
	}
	if m.err != nil {
		c.undecided("order", FactRecords, m.err)
		return
	}
	for _, o := range m.v {
		tt, st := o.Type.Text(), o.State.Text()
		c.fail("order", t("此证件存在进行中的订单（"+tt.ZH+"，"+st.ZH+"）。", "This certificate has an order in progress ("+tt.EN+", "+st.EN+")."), c.rule.Remedy)
	}
}

func checkHostConflict(c *checker) {
	if c.order.Type == beian.FirstFiling {
		c.fail("subject", c.rule.Reason, c.rule.Remedy)
		return
	}
	rec, ok := c.record("subject")
	if ok && rec == nil {
		c.fail("subject", t("主体不在本接入商备案，请核实其没有在其他接入商进行中的首次备案。", "The subject is not filed through us; confirm it has no first filing in progress at another provider."), c.rule.Remedy)
	}
}

func checkResourceRegion(c *checker) {
	r, ok := c.resource("resource")
	if !ok {
		return
	}
	if r == nil {
		c.fail("resource", t("订单未选择备案资源或授权码。", "The order has no filing resource or authorization code."), t("请在「产品验证」中选择可备案的资源，或填写备案授权码。", "Choose an eligible resource under Product verification, or enter an authorization code."))
		return
	}
	if r.Kind == ResourceAuthCode {
		return
	}
	if !r.Mainland {
		c.fail("resource", t("备案资源不在中国大陆地域。", "The resource is not in a mainland-China region."), c.rule.Remedy)
	}
	if !r.PublicIP {
		c.fail("resource", t("备案资源没有公网IP（仅内网IP不能备案）。", "The resource has no public IP (intranet-only resources cannot be filed)."), c.rule.Remedy)
	}
}

func checkResourceTerm(c *checker) {
	r, ok := c.resource("resource")
	if !ok || r == nil || r.Kind == ResourceAuthCode || r.Kind == ResourceOffline {
		return
	}
	minMonths := 3
	if r.Kind == ResourceDedicatedCloud {
		minMonths = 12
	}
	if !r.Prepaid {
		c.fail("resource", t("按需购买的资源暂不支持备案。", "Pay-as-you-go resources cannot be used for filing."), c.rule.Remedy)
		return
	}
	if r.TermMonths < minMonths {
		c.fail("resource", t("资源包周期时长为"+itoa(r.TermMonths)+"个月，不足"+itoa(minMonths)+"个月。", "The resource is prepaid for "+itoa(r.TermMonths)+" months, less than "+itoa(minMonths)+"."), c.rule.Remedy)
	}
}

var knownResources = map[ResourceKind]bool{
	ResourceECS: true, ResourceFlexusL: true, ResourceEnterprisePortal: true, ResourceDedicatedCloud: true,
	ResourceNATGateway: true, ResourceAuthCode: true, ResourceOffline: true,
}

func checkResourceKind(c *checker) {
	r, ok := c.resource("resource")
	if !ok || r == nil {
		return
	}
	if !knownResources[r.Kind] {
		c.fail("resource", t("资源类型「"+string(r.Kind)+"」不能用于备案。", "Resources of kind "+quote(string(r.Kind))+" cannot be used for filing."), c.rule.Remedy)
	}
}

func checkResourceQuota(c *checker) {
	r, ok := c.resource("resource")
	if !ok || r == nil {
		return
	}
	services := len(c.snap.Websites) + len(c.snap.Apps)
	switch r.Kind {
	case ResourceECS, ResourceFlexusL:
		if r.FilingsUsed+services > 5 {
			c.fail("resource", t("该云服务器已备案"+itoa(r.FilingsUsed)+"个网站/APP，本单再加"+itoa(services)+"个将超过5个的上限。", "The server already carries "+itoa(r.FilingsUsed)+" filed services; "+itoa(services)+" more exceed the limit of 5."), c.rule.Remedy)
		}
	case ResourceEnterprisePortal:
		n := 0
		for i := range c.snap.Websites {
			n += len(c.snap.Websites[i].Domains)
		}
		if r.DomainsUsed+n > 3 {
			c.fail("resource", t("企业门户已备案"+itoa(r.DomainsUsed)+"个域名，本单再加"+itoa(n)+"个将超过3个的上限。", "The enterprise portal already carries "+itoa(r.DomainsUsed)+" domains; "+itoa(n)+" more exceed the limit of 3."), c.rule.Remedy)
		}
	}
}

func checkAuthCode(c *checker) {
	r, ok := c.resource("resource")
	if !ok || r == nil || r.Kind != ResourceAuthCode {
		return
	}
	a := r.AuthCode
	switch {
	case a == nil:
		c.undecided("resource", FactResources, nil)
	case a.Used:
		c.fail("resource", t("备案授权码已被使用，每个授权码只能使用一次。", "The authorization code has been used; each code is used once."), c.rule.Remedy)
	case a.ResourceExpired:
		c.fail("resource", t("备案授权码关联的资源已到期。", "The resource behind the authorization code has expired."), c.rule.Remedy)
	case a.GrantedTo != "" && a.GrantedTo != c.order.AccountID || a.GrantedTo == "" && a.IssuedBy != "" && a.IssuedBy != c.order.AccountID:
		c.fail("resource", t("备案授权码未授权给本账号。", "The authorization code was not granted to this account."), c.rule.Remedy)
	}
}

func checkServiceLimit(c *checker) {
	websites, services := len(c.snap.Websites), len(c.snap.Websites)+len(c.snap.Apps)
	if rec, ok := c.record("websites"); ok && rec != nil {
		for i := range rec.Services {
			s := &rec.Services[i]
			if s.Status == beian.RecordCancelled {
				continue
			}
			services++
			if s.Kind == beian.KindWebsite {
				websites++
			}
		}
	}
	pn := c.provinceName()
	if !c.isUnit() {
		if max := c.pack.MaxServicesIndividual; max > 0 && services > max {
			c.fail("websites", t("个人主体最多备案"+itoa(max)+"个互联网信息服务，加上本单共"+itoa(services)+"个。", "An individual may file at most "+itoa(max)+" services; with this order it would be "+itoa(services)+"."), c.rule.Remedy)
		}
		return
	}
	if max := c.pack.MaxServicesEnterprise; max > 0 && websites > max {
		c.fail("websites", t(pn.ZH+"管局规定单位主体最多备案"+itoa(max)+"个网站，加上本单共"+itoa(websites)+"个。", "The "+pn.EN+" bureau allows a unit at most "+itoa(max)+" websites; with this order it would be "+itoa(websites)+"."), c.rule.Remedy)
	}
}

func checkTypeRecordExists(c *checker) {
	rec, ok := c.record("subject.certificate_number")
	if !ok {
		return
	}
	if c.order.Type == beian.FirstFiling && rec != nil && rec.Subject.Status == beian.RecordFiled {
		c.fail("subject.certificate_number", t("该主体已有备案（"+rec.Subject.Number.String()+"），不能再做首次备案。", "The subject is already filed ("+rec.Subject.Number.String()+"), so it cannot be filed for the first time."), c.rule.Remedy)
	}
	if rec == nil {
		return
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" {
			continue
		}
		svcs, ok := c.servicesByDomain(d)
		if !ok {
			continue
		}
		for _, s := range svcs {
			if s.SubjectID == rec.Subject.ID && s.Status == beian.RecordFiled {
				c.fail(d.field, t("域名 "+d.name+" 已在本主体下备案（"+s.Number.String()+"）。", "Domain "+d.name+" is already filed under this subject ("+s.Number.String()+")."), c.rule.Remedy)
				break
			}
		}
	}
}

func checkImmutable(c *checker) {
	rec, ok := c.record("subject")
	if !ok || rec == nil {
		return
	}
	old := &rec.Subject.Subject
	if old.Province != "" && c.order.Province != old.Province {
		c.fail("province", t("变更备案不能修改备案省份。", "A change cannot alter the filing province."), c.rule.Remedy)
	}
	if old.Nature.IsIndividual() != c.subj.Nature.IsIndividual() {
		c.fail("subject.nature", t("不能在单位与个人之间变更主体性质。", "A unit cannot become an individual or the other way round."), c.rule.Remedy)
	}
	if foldName(old.CertificateNumber) != foldName(c.subj.CertificateNumber) {
		sameRep := c.pack.SubjectReplacementSameRep && old.LegalRepresentative != "" && foldName(old.LegalRepresentative) == foldName(c.subj.LegalRepresentative)
		if !sameRep {
			c.fail("subject.certificate_number", t("变更备案不能修改主办单位证件号码。", "A change cannot alter the subject's certificate number."), c.rule.Remedy)
		}
	}
}

func checkMaxNewDomains(c *checker) {
	limit := c.pack.MaxNewDomains
	if m := c.pack.MaxNewDomainsEnterprise; m > 0 && c.subj.Nature == beian.NatureEnterprise && (limit == 0 || m < limit) {
		limit = m
	}
	if limit == 0 {
		return
	}
	n := 0
	for i := range c.domains {
		if c.domains[i].site >= 0 {
			n++
		}
	}
	if n > limit {
		pn := c.provinceName()
		c.fail("websites", t(pn.ZH+"管局规定每次最多新增"+itoa(limit)+"个域名，本单有"+itoa(n)+"个。", "The "+pn.EN+" bureau accepts at most "+itoa(limit)+" new domains per submission; this order has "+itoa(n)+"."), c.rule.Remedy)
	}
}

func checkOneDomain(c *checker) {
	multi := false
	for i := range c.snap.Websites {
		if len(c.snap.Websites[i].Domains) > 1 {
			multi = true
		}
	}
	if !multi {
		return
	}
	sev := Warning
	why := t("多数管局要求每次只能备案1个网站域名。", "Most bureaus accept one website domain per filing.")
	pn := c.provinceName()
	switch c.pack.OneDomain {
	case "required":
		sev, why = Blocking, t(pn.ZH+"管局要求一个网站只能备案一个域名。", "The "+pn.EN+" bureau requires one domain per website.")
	case "required_individual_first_filing":
		if !c.isUnit() && c.order.Type == beian.FirstFiling {
			sev, why = Blocking, t(pn.ZH+"管局要求个人首次备案只能备案一个域名。", "The "+pn.EN+" bureau accepts one domain in an individual's first filing.")
		}
	}
	if sev != Blocking && c.order.Type == beian.NewWebsite {
		limit := c.pack.OneDomainAfterSitesEnterprise
		if !c.isUnit() {
			limit = c.pack.OneDomainAfterSitesIndividual
		}
		if limit > 0 {
			if rec, ok := c.record("websites"); ok && rec != nil {
				n := 0
				for i := range rec.Services {
					if rec.Services[i].Kind == beian.KindWebsite && rec.Services[i].Status != beian.RecordCancelled {
						n++
					}
				}
				if n > limit {
					sev, why = Blocking, t(pn.ZH+"管局规定已备案网站超过"+itoa(limit)+"个时新增网站只能备案一个域名（已有"+itoa(n)+"个）。", "The "+pn.EN+" bureau allows one domain per new website once more than "+itoa(limit)+" sites are filed ("+itoa(n)+" are).")
				}
			}
		}
	}
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		if len(w.Domains) > 1 {
			c.emit(index("websites", i)+".domains", sev, t(why.ZH+"网站「"+w.Name+"」有"+itoa(len(w.Domains))+"个域名。", why.EN+" Website "+quote(w.Name)+" has "+itoa(len(w.Domains))+"."), c.rule.Remedy)
		}
	}
}

func checkNameChangeLetter(c *checker) {
	if !c.pack.NameChangeLetter {
		return
	}
	rec, ok := c.record("subject.name")
	if !ok || rec == nil || foldName(rec.Subject.Subject.Name) == foldName(c.subj.Name) {
		return
	}
	if !c.hasMaterial(MaterialNameChangeLetter, "") {
		c.fail("subject.name", t("主办单位名称由「"+rec.Subject.Subject.Name+"」变更为「"+c.subj.Name+"」，须上传工商更名函。", "The subject's name changes from "+quote(rec.Subject.Subject.Name)+" to "+quote(c.subj.Name)+"; upload the name-change letter."), c.rule.Remedy)
	}
}

func checkFivePhotos(c *checker) {
	if !c.pack.ChangeFivePhotos {
		return
	}
	need := []struct {
		purpose string
		name    beian.Text
	}{
		{MaterialSubjectCertificate, t("主体证件", "subject certificate")},
		{MaterialPrincipalIDFront, t("主体负责人证件", "principal's ID")},
		{MaterialVerificationSheet, t("真实性核验单", "verification sheet")},
		{MaterialServicePrincipalIDFront, t("互联网信息服务负责人证件", "service principal's ID")},
		{MaterialServicePrincipalPhoto, t("互联网信息服务负责人照片", "service principal's photo")},
	}
	for _, n := range need {
		if c.order.Type == beian.ChangeSubject && (n.purpose == MaterialServicePrincipalIDFront || n.purpose == MaterialServicePrincipalPhoto) {
			continue
		}
		purpose := n.purpose
		if purpose == MaterialSubjectCertificate && !c.isUnit() {
			purpose = MaterialPrincipalIDFront // an individual's certificate is their ID
		}
		if !c.hasMaterial(purpose, "") {
			c.fail("materials", t("青海管局变更须上传全套五图，缺少「"+n.name.ZH+"」。", "Qinghai changes need the five-photo set; the "+n.name.EN+" is missing."), c.rule.Remedy)
		}
	}
}

func checkAccessDataMatches(c *checker) {
	sev := Warning
	if c.pack.AccessDataMustMatch {
		sev = Blocking
	}
	rec, ok := c.record("subject")
	if !ok {
		return
	}
	if rec == nil {
		if c.order.Type == beian.NewAccess {
			c.emit("subject", ReviewerAttention, t("原备案不在本接入商，无法自动比对。", "The existing record is held elsewhere, so it cannot be compared automatically."), t("审核员请在工信部备案系统核对主体、网站名称等信息与原备案一致。", "Reviewer: compare the subject and site names with the record at MIIT."))
		}
		return
	}
	old := &rec.Subject.Subject
	if foldName(old.Name) != foldName(c.subj.Name) {
		c.emit("subject.name", sev, t("主办单位名称与原备案（"+old.Name+"）不一致。", "The subject's name differs from the record ("+old.Name+")."), c.rule.Remedy)
	}
	if !samePerson(&old.Principal, &c.subj.Principal) {
		c.emit("subject.principal", sev, t("主体负责人与原备案不一致。", "The subject principal differs from the record."), c.rule.Remedy)
	}
	if c.order.Type != beian.NewAccess {
		return
	}
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		if s := recordService(rec, w.RecordID); s != nil && foldName(s.Name()) != foldName(w.Name) {
			c.emit(index("websites", i)+".name", sev, t("网站名称「"+w.Name+"」与原备案名称「"+s.Name()+"」不一致。", "Site name "+quote(w.Name)+" differs from the filed name "+quote(s.Name())+"."), c.rule.Remedy)
		}
	}
}

func checkConstructionPlan(c *checker) {
	limit := c.pack.PlanSitesEnterprise
	if !c.isUnit() {
		limit = c.pack.PlanSitesIndividual
	}
	if limit == 0 || c.hasMaterial(MaterialConstructionPlan, "") {
		return
	}
	rec, ok := c.record("websites")
	if !ok || rec == nil {
		return
	}
	n := 0
	for i := range rec.Services {
		if rec.Services[i].Kind == beian.KindWebsite && rec.Services[i].Status != beian.RecordCancelled {
			n++
		}
	}
	if n >= limit {
		pn := c.provinceName()
		c.fail("materials", t(pn.ZH+"管局要求已备案"+itoa(limit)+"个及以上网站的主体新增网站时提交网站建设方案书（已有"+itoa(n)+"个）。", "The "+pn.EN+" bureau wants a construction plan once "+itoa(limit)+" or more sites are filed ("+itoa(n)+" are)."), c.rule.Remedy)
	}
}
