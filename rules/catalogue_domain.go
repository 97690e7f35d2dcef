package rules

import (
	"net/netip"
	"strings"

	"github.com/openbeian/beian"
)

// domainRules are the domain rules (spec §6.2) and the blacklists (§9.4).
func domainRules() []*Rule {
	return []*Rule{
		{
			ID:       "WEBSITE-DOMAIN-REQUIRED",
			Title:    t("网站须填写域名", "Website needs a domain"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("网站没有填写域名。", "The website has no domain."),
			Remedy:   t("请填写网站的顶级域名（如 example.cn）。", "Give the website's registrable domain (e.g. example.cn)."),
			Sources:  []string{"§5.3", "§6.2.7"},
			PackKeys: []string{"domain.government_ip_only_allowed"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					if len(c.snap.Websites[i].Domains) == 0 && !(c.subj.Nature == beian.NatureGovernment && c.pack.GovernmentIPOnly) {
						c.fail(index("websites", i)+".domains", t("网站「"+c.snap.Websites[i].Name+"」没有填写域名。", "Website "+quote(c.snap.Websites[i].Name)+" has no domain."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-SYNTAX",
			Title:    t("域名格式", "Domain syntax"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("域名格式不正确，工信部域名核验将自动退回。", "The domain is malformed; MIIT's domain check returns the filing."),
			Remedy:   t("请只填写域名本身（如 example.cn 或 例子.中国），不含 http://、路径、端口和空格。", "Give the bare domain (example.cn, 例子.中国) without http://, path, port or spaces."),
			Sources:  []string{"§5.3", "R6"},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.syntax.ZH != "" {
						c.fail(d.field, t("域名「"+d.raw+"」格式不正确："+d.syntax.ZH+"。", "Domain "+quote(d.raw)+" is malformed: "+d.syntax.EN+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-DUPLICATE",
			Title:    t("域名重复", "Duplicate domain"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("同一域名在订单的网站中出现了多次；一个域名只能属于一个网站。", "The same domain appears more than once among the order's websites; a domain belongs to one website."),
			Remedy:   t("请删除重复的域名。", "Remove the duplicate."),
			Sources:  []string{"§5.3"},
			check: func(c *checker) {
				dups := dupFinder{n: len(c.domains), key: func(i int) string {
					if c.domains[i].site < 0 {
						return ""
					}
					return c.domains[i].name
				}}
				for i := range c.domains {
					if dups.first(i) >= 0 {
						d := &c.domains[i]
						c.fail(d.field, t("域名 "+d.name+" 重复。", "Domain "+d.name+" is listed twice."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-TLD-NOT-APPROVED",
			Title:    t("域名后缀须经工信部批复", "Suffix must be MIIT-approved"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("域名后缀未经工信部批复，不能备案（工信部域名核验自动退回）。", "The domain's suffix is not approved by MIIT and cannot be filed (MIIT's domain check returns it)."),
			Remedy:   t("请在工信部已批复的国内域名注册商处购买后缀经工信部批复的域名（可在 domain.miit.gov.cn 查询）；如确认该后缀已获批复，请联系接入商更新后缀表。", "Register a domain with an MIIT-approved suffix at an approved domestic registrar (see domain.miit.gov.cn); if the suffix is approved, ask the provider to update its table."),
			Sources:  []string{"§6.2.1", "R6", "S48"},
			Facts:    []FactKind{FactRegistry},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.syntax.ZH == "" && !d.approved {
						asOf := c.registry.AsOf().String()
						c.fail(d.field, t("域名 "+d.name+" 的后缀 ."+d.suffix+" 不在工信部批复的域名后缀中（后缀表截至 "+asOf+"）。", "The suffix ."+d.suffix+" of "+d.name+" is not among MIIT's approved suffixes (table as of "+asOf+")."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-SUBDOMAIN",
			Title:    t("网站应备案顶级域名", "File the registrable domain"),
			Severity: Warning,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("网站备案填写顶级（可注册）域名，子域名无需单独备案。", "Websites file their registrable domain; sub-domains are not filed separately."),
			Remedy:   t("请改为填写顶级域名；如顶级域名已在其他接入商备案，请在本接入商做新增接入，并在备注中注明子域名。", "Give the registrable domain instead; if it is filed at another provider, add access here and note the sub-domain in the remark."),
			Sources:  []string{"§5.3", "§6.2.9"},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.site >= 0 && d.syntax.ZH == "" && d.sub() {
						c.fail(d.field, t("网站域名 "+d.name+" 是 "+d.registrable+" 的子域名，网站备案应填写 "+d.registrable+"。", "Website domain "+d.name+" is a sub-domain of "+d.registrable+"; file "+d.registrable+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-REGISTRAR-NOT-APPROVED",
			Title:    t("域名注册商须为工信部批复的国内注册商", "Registrar must be an approved domestic one"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("国外注册的域名不可以备案；域名注册商须为工信部已批复的国内域名注册商。", "Domains registered abroad cannot be filed; the registrar must be an MIIT-approved domestic registrar."),
			Remedy:   t("如果想备案，您需要重新在工信部已批复的国内域名注册商处购买（如华为云、万网、新网等）；如果想继续使用国外注册的域名，可以将此域名转入到工信部已批复的国内域名注册商处，然后再备案。", "Register the domain again at an MIIT-approved domestic registrar (Huawei Cloud, 万网, 新网 …), or transfer it to one and then file it."),
			Sources:  []string{"§6.2.2", "R6", "R7", "§9.4", "S47", "S48", "S49"},
			Facts:    []FactKind{FactDomains, FactRegistry},
			check:    checkRegistrar,
		},
		{
			ID:       "DOMAIN-EXPIRED",
			Title:    t("域名已过期", "Domain expired"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("域名已过注册有效期。", "The domain's registration has expired."),
			Remedy:   t("请续费域名并提供新的域名证书；不再使用的域名请通过变更备案删除，或取消接入/注销。", "Renew the domain and provide its new certificate; remove domains you no longer use with a change, or cancel access or the service."),
			Sources:  []string{"§6.2.3", "R6", "§9.4"},
			Facts:    []FactKind{FactDomains},
			check:    checkDomainExpired,
		},
		{
			ID:           "DOMAIN-VALIDITY-MONTHS",
			Title:        t("域名剩余有效期", "Domain validity left"),
			Severity:     Blocking,
			SeverityNote: t("省份规则包 domain.min_validity_level 为 required 时阻断，否则为警告。", "Blocking where domain.min_validity_level is required, a warning elsewhere."),
			Applies:      Scope{Types: typesServices},
			Reason:       t("域名剩余有效期不足；天津、北京、江苏、甘肃、河北、山西、内蒙古、上海、浙江、贵州、陕西等管局要求大于3个月。", "The domain has too little validity left; Tianjin, Beijing, Jiangsu, Gansu, Hebei, Shanxi, Inner Mongolia, Shanghai, Zhejiang, Guizhou, Shaanxi and others require more than 3 months."),
			Remedy:       t("请续费域名，使剩余有效期大于要求的月数，并上传新的域名证书。", "Renew the domain so more than the required months remain, and upload its new certificate."),
			Sources:      []string{"§4.7", "§6.2.3", "§7"},
			PackKeys:     []string{"domain.min_validity_months", "domain.min_validity_level"},
			Facts:        []FactKind{FactDomains},
			check:        checkDomainValidity,
		},
		{
			ID:       "DOMAIN-EXPIRED-IN-FILED-SITE",
			Title:    t("已备案多域名网站中的域名即将过期", "Expiring domain of a filed multi-domain site"),
			Severity: Warning,
			Applies:  Scope{Types: typesExisting, Kinds: kindsWebsite},
			Reason:   t("已备案网站对应多个域名，其中一个域名过期未续费时，过期后可能会被抢注；如出现网站内容违规，被监管部门查到会要求取消接入，域名没有在其他接入商备案的，会被注销备案号。", "In a filed multi-domain site, a lapsed domain may be registered by someone else; content violations on it make the regulator cancel access, and without access elsewhere the number is deregistered."),
			Remedy:   t("不打算续费的域名，建议通过变更备案删除，保留正常使用的域名即可。", "If you will not renew it, delete the domain with a change and keep the ones in use."),
			Sources:  []string{"§6.2.8", "S30", "S31", "S32"},
			PackKeys: []string{"domain.min_validity_months"},
			Facts:    []FactKind{FactDomains},
			check:    checkExpiringInFiledSite,
		},
		{
			ID:       "DOMAIN-REALNAME-MISSING",
			Title:    t("域名未实名认证", "Domain not real-name verified"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("查询不到域名实名认证信息（域名未实名认证，或实名信息尚未同步到管局）。", "No real-name data found for the domain (not verified, or not yet synced to the bureau)."),
			Remedy:   t("请在域名注册商处完成实名认证；实名成功后同步到管局需3–5个工作日，请在实名成功3个工作日后再提交。", "Complete real-name verification at the registrar; syncing to the bureau takes 3–5 working days, so submit at least 3 working days after it succeeds."),
			Sources:  []string{"§4.7", "§6.2.4", "R4", "R6"},
			Facts:    []FactKind{FactDomains},
			check:    checkRealNameMissing,
		},
		{
			ID:       "DOMAIN-REALNAME-MISMATCH",
			Title:    t("域名实名信息与备案主体不一致", "Domain holder differs from the subject"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("域名必须与主办单位一致：域名实名认证信息（持有者、证件类型、证件号码）与备案主体不一致。个人实名的域名不能用于单位备案。", "The domain must belong to the subject: its real-name holder (name, certificate type, number) differs from the subject. A personally held domain cannot be filed for a unit."),
			Remedy:   t("请变更域名所有者（域名过户，或用主办者信息模板重新实名）；其他注册商的域名请联系注册商变更持有者。单位使用股东、负责人或高管持有的域名时，请上传关系证明。", "Change the domain's holder (transfer, or re-verify with the subject's template); for other registrars ask them to change the holder. A unit using a domain held by a shareholder, principal or executive uploads proof of the relationship."),
			Sources:  []string{"§6.2.4", "§6.7", "R5", "S50", "S51", "S54", "S63"},
			PackKeys: []string{"domain.holder"},
			Facts:    []FactKind{FactDomains},
			check:    checkRealNameMismatch,
		},
		{
			ID:       "DOMAIN-HOLDER-PROVINCE",
			Title:    t("域名持有者的省份要求", "Province rule on the domain holder"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Natures: naturesUnits},
			Reason:   t("部分管局对单位备案的域名持有者另有要求：宁夏、西藏须为单位本身；福建、广东、青海须为单位或其法定代表人。", "Some bureaus restrict who holds a unit's domain: Ningxia and Tibet the unit itself; Fujian, Guangdong and Qinghai the unit or its legal representative."),
			Remedy:   t("请将域名过户到符合要求的持有者名下。", "Transfer the domain to a holder the bureau accepts."),
			Sources:  []string{"§6.2.4", "§7 宁夏", "§7 西藏", "§7 福建", "§7 广东", "§7 青海"},
			PackKeys: []string{"domain.holder"},
			Facts:    []FactKind{FactDomains},
			check:    checkHolderProvince,
		},
		{
			ID:       "DOMAIN-REGISTERED-AFTER-FILING",
			Title:    t("域名注册时间晚于备案时间", "Domain registered after filing"),
			Severity: Blocking,
			Applies:  Scope{Types: typesExisting, Kinds: kindsWebsite},
			Reason:   t("域名注册时间晚于备案时间（域名曾过期后被重新注册），原备案已不能代表该域名。", "The domain was registered after the filing (it lapsed and was registered again), so the filing no longer covers it."),
			Remedy:   t("请删除（注销）该域名的备案，再重新备案。", "Cancel the domain's filing and file it again."),
			Sources:  []string{"§6.2.5", "§9.4"},
			Facts:    []FactKind{FactDomains, FactRecords},
			check:    checkRegisteredAfterFiling,
		},
		{
			ID:       "DOMAIN-UNFILED-RESOLVING",
			Title:    t("未备案域名须关闭解析", "Unfiled domain must not resolve"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite}, Kinds: kindsWebsite},
			Reason:   t("未备案域名未关闭解析：备案期间域名不能解析访问。", "The unfiled domain still resolves; it must not resolve while it is being filed."),
			Remedy:   t("请在DNS服务商处暂停该域名的解析，管局审核通过后再开启。", "Pause the domain's DNS records until the bureau approves the filing."),
			Sources:  []string{"§3", "§6.2.6", "R8"},
			Facts:    []FactKind{FactDNS},
			check:    checkUnfiledResolving,
		},
		{
			ID:       "DOMAIN-GOVERNMENT-SUFFIX",
			Title:    t("政府机关域名后缀", "Government domain suffix"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNaming, Natures: []beian.Nature{beian.NatureGovernment}, Kinds: kindsWebsite},
			Reason:   t("政府机关备案，域名后缀必须是 gov.cn（或 .政务）。", "Government bodies file domains ending in gov.cn (or .政务)."),
			Remedy:   t("请使用 gov.cn 或 .政务 域名；在党政机关域名注册机构申请。", "Use a gov.cn or .政务 domain, applied for at the government domain registry."),
			Sources:  []string{"§6.2.7", "S07", "§7 江苏", "§7 湖北"},
			PackKeys: []string{"domain.government_suffixes"},
			check: func(c *checker) {
				checkSuffixes(c, c.pack.GovernmentSuffixes, t("政府机关", "a government body"))
			},
		},
		{
			ID:       "DOMAIN-PUBLIC-INSTITUTION-SUFFIX",
			Title:    t("事业单位域名后缀", "Public institution domain suffix"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNaming, Natures: []beian.Nature{beian.NaturePublicInstitution}, Kinds: kindsWebsite, From: beian.NewDate(2024, 7, 1)},
			Reason:   t("依据《互联网政务应用安全管理规定》，事业单位网站使用 .cn 或 .公益 域名。", "Under the 互联网政务应用安全管理规定, public institutions use .cn or .公益 domains."),
			Remedy:   t("请使用以 .cn 或 .公益 结尾的域名。", "Use a domain ending in .cn or .公益."),
			Sources:  []string{"§6.2.7", "§7 内蒙古", "§7 江苏", "§7 湖北"},
			PackKeys: []string{"domain.public_institution_suffixes"},
			check: func(c *checker) {
				checkSuffixes(c, c.pack.PublicInstitutionSuffixes, t("事业单位", "a public institution"))
			},
		},
		{
			ID:       "DOMAIN-GOVERNMENT-ZHENGWU-NAME",
			Title:    t(".政务 域名须为机构名称", ".政务 names the organisation"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesNaming, Natures: []beian.Nature{beian.NatureGovernment}, Kinds: kindsWebsite},
			Reason:   t(".政务 域名的主体部分须为机构的全称或规范简称。", "A .政务 domain's name must be the organisation's full or standard short name."),
			Remedy:   t("审核员请核对域名与机构名称相符。", "Reviewer: check the domain matches the organisation's name."),
			Fix:      t("请使用主体部分为机构全称或规范简称的 .政务 域名。", "Use a .政务 domain whose name is the organisation's full name or its standard short name."),
			Sources:  []string{"§6.2.7"},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.site >= 0 && d.suffix == "政务" {
						c.fail(d.field, t("域名 "+d.name+" 应为「"+c.subj.Name+"」的全称或规范简称。", "Domain "+d.name+" should be the full or short name of "+quote(c.subj.Name)+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "CHANGE-WEBSITE-DOMAINS-REPLACED",
			Title:    t("已备案网站的域名不能整体更换", "A filed site's domains cannot all be replaced"),
			Severity: Blocking,
			Applies:  Scope{Types: typesChangeService, Kinds: kindsWebsite},
			Reason:   t("域名不能通过修改来更换：变更备案只能增删域名，网站须至少保留一个原已备案的域名。", "Domains cannot be edited: a change adds or removes domains, and a site keeps at least one of its filed domains."),
			Remedy:   t("如要换成新域名，请将新域名作为新增网站备案，再注销原网站或删除原域名。", "File the new domain as a new website, then cancel the old site or remove its domain."),
			Sources:  []string{"§3", "§6.2.8"},
			Facts:    []FactKind{FactRecords},
			check:    checkDomainsReplaced,
		},
		{
			ID:       "APP-DOMAIN-WWW",
			Title:    t("APP域名不能写成 www 主机名", "App domains are not www host names"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsApp},
			Reason:   t("APP的域名不能写成 www.example.com 的形式，管局系统会自动退回。", "An app's domain must not be written as www.example.com; the bureau's system returns it."),
			Remedy:   t("请填写APP实际使用的域名（如 example.com 或 api.example.com）。", "Give the domain the app actually uses (example.com, api.example.com)."),
			Sources:  []string{"§5.4", "§6.2.10"},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.app >= 0 && strings.HasPrefix(d.name, "www.") {
						c.fail(d.field, t("APP域名 "+d.name+" 不能以 www. 开头。", "App domain "+d.name+" must not start with www."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "DOMAIN-FILED-BY-OTHER-SUBJECT",
			Title:    t("域名已被其他主体备案", "Domain filed by another subject"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew},
			Reason:   t("域名已在其他主体下备案（「域名已备案，证件未备案」）；同一APP在不同主体下须使用不同域名。", "The domain is filed under another subject (域名已备案，证件未备案); the same app under different subjects needs different domains."),
			Remedy:   t("请由原主体注销该域名的备案或做迁移备案，并将域名过户到本主体后再提交。", "Have the other subject cancel or migrate the domain's filing, transfer the domain to this subject, then submit."),
			Sources:  []string{"§3", "§5.4"},
			Facts:    []FactKind{FactRecords},
			check:    checkFiledByOther,
		},
		{
			ID:       "BLACKLISTED",
			Title:    t("管局黑名单", "Bureau blacklist"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("主体、负责人、域名或IP在管局黑名单中；被列入黑名单的信息不能再备案。", "The subject, a responsible person, a domain or an IP is on the bureau's blacklist; blacklisted data cannot be filed again."),
			Remedy:   t("请联系属地管局了解列入黑名单的原因与解除办法。", "Ask the provincial bureau why it was listed and how to be removed."),
			Sources:  []string{"§9.4"},
			Facts:    []FactKind{FactBlacklist},
			check:    checkBlacklist,
		},
	}
}

func checkRegistrar(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok {
			continue
		}
		if strings.TrimSpace(reg.Registrar) == "" {
			c.undecided(d.field, FactDomains, nil)
			continue
		}
		approved, known := c.registry.Registrar(reg.Registrar)
		switch {
		case !known:
			c.emit(d.field, ReviewerAttention, t("域名 "+d.name+" 的注册商「"+reg.Registrar+"」不在注册商表中，无法自动判断是否为工信部批复的国内注册商。", "Registrar "+quote(reg.Registrar)+" of "+d.name+" is not in the registrar table, so whether it is an approved domestic registrar cannot be decided."), t("审核员请在 domain.miit.gov.cn 核实该注册商，并更新注册商表。", "Reviewer: check the registrar at domain.miit.gov.cn and update the table."))
		case !approved:
			c.fail(d.field, t("域名 "+d.name+" 的注册商「"+reg.Registrar+"」不是工信部批复的国内域名注册商（国外注册的域名不可以备案）。", "Registrar "+quote(reg.Registrar)+" of "+d.name+" is not an MIIT-approved domestic registrar (domains registered abroad cannot be filed)."), c.rule.Remedy)
		}
	}
}

func checkDomainExpired(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok {
			continue
		}
		if reg.Expires.IsZero() {
			c.undecided(d.field, FactDomains, nil)
			continue
		}
		if !reg.Expires.After(c.date) {
			c.fail(d.field, t("域名 "+d.registrable+" 已于 "+reg.Expires.String()+" 过期。", "Domain "+d.registrable+" expired on "+reg.Expires.String()+"."), c.rule.Remedy)
		}
	}
}

func checkDomainValidity(c *checker) {
	months := c.pack.DomainMinValidityMonths
	if months == 0 {
		return
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok || reg.Expires.IsZero() || !reg.Expires.After(c.date) {
			continue // undecided or expired: DOMAIN-EXPIRED reports it
		}
		if c.validFor(reg.Expires, false, months) {
			continue
		}
		sev := Warning
		why := t("多数管局要求域名有效期大于"+itoa(months)+"个月", "most bureaus require more than "+itoa(months)+" months of validity")
		if c.pack.DomainMinValidityLevel == "required" {
			pn := c.provinceName()
			sev = Blocking
			why = t(pn.ZH+"管局要求域名有效期大于"+itoa(months)+"个月", "the domain must be valid for more than "+itoa(months)+" months in "+pn.EN)
		}
		c.emit(d.field, sev, t("域名 "+d.registrable+" 将于 "+reg.Expires.String()+" 到期，"+why.ZH+"。", "Domain "+d.registrable+" expires on "+reg.Expires.String()+"; "+why.EN+"."), c.rule.Remedy)
	}
}

func checkExpiringInFiledSite(c *checker) {
	months := c.pack.DomainMinValidityMonths
	if months == 0 {
		months = 3
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" || !d.approved {
			continue
		}
		w := &c.snap.Websites[d.site]
		if w.RecordID == "" || len(w.Domains) < 2 {
			continue
		}
		reg, ok := c.registration(d)
		if !ok || reg.Expires.IsZero() {
			continue
		}
		if !c.validFor(reg.Expires, false, months) {
			c.fail(d.field, t("已备案网站「"+w.Name+"」的域名 "+d.registrable+" 将于 "+reg.Expires.String()+" 到期。"+c.rule.Reason.ZH, "Domain "+d.registrable+" of filed site "+quote(w.Name)+" expires on "+reg.Expires.String()+". "+c.rule.Reason.EN), c.rule.Remedy)
		}
	}
}

func checkRealNameMissing(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok {
			continue
		}
		if !reg.RealNameVerified || strings.TrimSpace(reg.Holder) == "" {
			c.fail(d.field, t("域名 "+d.registrable+" 查询不到实名认证信息。", "No real-name data found for "+d.registrable+"."), c.rule.Remedy)
		}
	}
}

// holderIs classifies a registration's holder against the subject.
type holderIs int

const (
	holderSubject  holderIs = iota // the subject itself
	holderLegalRep                 // the unit's legal representative
	holderOther                    // anyone else
)

func (c *checker) holder(reg *Registration) holderIs {
	h := foldName(reg.Holder)
	if h == foldName(c.subj.Name) {
		if reg.HolderCertificate == "" || strings.EqualFold(strings.TrimSpace(reg.HolderCertificate), strings.TrimSpace(c.subj.CertificateNumber)) {
			return holderSubject
		}
		return holderOther
	}
	if c.isUnit() && h != "" && h == foldName(c.subj.LegalRepresentative) {
		return holderLegalRep
	}
	return holderOther
}

func checkRealNameMismatch(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok || !reg.RealNameVerified || strings.TrimSpace(reg.Holder) == "" {
			continue // DOMAIN-REALNAME-MISSING reports it
		}
		switch h := c.holder(reg); {
		case h == holderSubject:
		case !c.isUnit():
			c.fail(d.field, t("域名 "+d.registrable+" 的实名持有者不是备案人本人。", "Domain "+d.registrable+" is not held by the person filing it."), c.rule.Remedy)
		case c.pack.DomainHolder != "subject":
			// The province decides who may hold a unit's domain:
			// DOMAIN-HOLDER-PROVINCE.
		case c.hasMaterial(MaterialDomainHolderProof, ""):
			c.emit(d.field, ReviewerAttention, t("域名 "+d.registrable+" 由个人持有，已上传其与主办单位的关系证明。", "Domain "+d.registrable+" is held by a person; proof of their relationship to the unit is attached."), t("审核员请核实持有者是主办单位的股东、主体负责人或高管。", "Reviewer: check the holder is a shareholder, the principal or an executive of the unit."))
		default:
			c.fail(d.field, t("域名 "+d.registrable+" 的实名持有者与主办单位「"+c.subj.Name+"」不一致。", "Domain "+d.registrable+" is not held by "+quote(c.subj.Name)+"."), c.rule.Remedy)
		}
	}
}

func checkHolderProvince(c *checker) {
	policy := c.pack.DomainHolder
	if policy == "subject" {
		return
	}
	pn := c.provinceName()
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		reg, ok := c.registration(d)
		if !ok || !reg.RealNameVerified || strings.TrimSpace(reg.Holder) == "" {
			continue
		}
		h := c.holder(reg)
		switch {
		case policy == "unit_only" && h != holderSubject:
			c.fail(d.field, t(pn.ZH+"管局要求域名持有者为单位本身，域名 "+d.registrable+" 不是由「"+c.subj.Name+"」持有。", "The "+pn.EN+" bureau requires the unit itself to hold the domain; "+d.registrable+" is not held by "+quote(c.subj.Name)+"."), c.rule.Remedy)
		case policy == "unit_or_legal_rep" && h == holderOther:
			c.fail(d.field, t(pn.ZH+"管局要求域名持有者为单位或其法定代表人，域名 "+d.registrable+" 不符合。", "The "+pn.EN+" bureau requires the unit or its legal representative to hold the domain; "+d.registrable+" is held by someone else."), c.rule.Remedy)
		}
	}
}

func checkRegisteredAfterFiling(c *checker) {
	rec, ok := c.record("websites")
	if !ok || rec == nil {
		return
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" || !d.approved {
			continue
		}
		s := recordService(rec, c.snap.Websites[d.site].RecordID)
		if s == nil || s.FiledAt.IsZero() || !listsDomain(s.Domains(), d.name) {
			continue
		}
		reg, ok := c.registration(d)
		if !ok || reg.Registered.IsZero() {
			continue
		}
		filed := beian.DateOf(s.FiledAt)
		if reg.Registered.After(filed) {
			c.fail(d.field, t("域名 "+d.registrable+" 的注册时间 "+reg.Registered.String()+" 晚于备案时间 "+filed.String()+"。", "Domain "+d.registrable+" was registered on "+reg.Registered.String()+", after its filing on "+filed.String()+"."), c.rule.Remedy)
		}
	}
}

func listsDomain(ds []string, name string) bool {
	for _, x := range ds {
		if n, _ := normalizeDomain(x); n == name {
			return true
		}
	}
	return false
}

func checkUnfiledResolving(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" || !d.approved {
			continue
		}
		r, ok := c.resolution(d)
		if ok && r.Resolves {
			c.fail(d.field, t("未备案域名 "+d.name+" 未关闭解析。", "Unfiled domain "+d.name+" still resolves."), c.rule.Remedy)
		}
	}
}

func checkSuffixes(c *checker, suffixes []string, who beian.Text) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" {
			continue
		}
		ok := false
		for _, s := range suffixes {
			if d.name == s || strings.HasSuffix(d.name, "."+s) {
				ok = true
				break
			}
		}
		if !ok {
			list := "." + strings.Join(suffixes, "、.")
			c.fail(d.field, t(c.provinceName().ZH+who.ZH+"网站域名后缀须为 "+list+"，"+d.name+" 不符合。", "In "+c.provinceName().EN+", "+who.EN+" files domains ending in "+strings.Join(suffixes, ", ")+"; "+d.name+" does not."), c.rule.Remedy)
		}
	}
}

func checkDomainsReplaced(c *checker) {
	rec, ok := c.record("websites")
	if !ok || rec == nil {
		return
	}
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		s := recordService(rec, w.RecordID)
		if s == nil || len(s.Domains()) == 0 {
			continue
		}
		kept := false
		for _, d := range w.Domains {
			n, _ := normalizeDomain(d)
			if listsDomain(s.Domains(), n) {
				kept = true
				break
			}
		}
		if !kept {
			c.fail(index("websites", i)+".domains", t("网站「"+w.Name+"」没有保留任何原已备案的域名（"+strings.Join(s.Domains(), "、")+"）。", "Website "+quote(w.Name)+" keeps none of its filed domains ("+strings.Join(s.Domains(), ", ")+")."), c.rule.Remedy)
		}
	}
}

func checkFiledByOther(c *checker) {
	rec, ok := c.record("subject")
	if !ok {
		return
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH != "" || !d.approved {
			continue
		}
		svcs, ok := c.servicesByDomain(d)
		if !ok {
			continue
		}
		for _, s := range svcs {
			if s.Status != beian.RecordFiled || rec != nil && s.SubjectID == rec.Subject.ID {
				continue
			}
			c.fail(d.field, t("域名 "+d.registrable+" 已在其他主体下备案（"+s.Number.String()+"）。", "Domain "+d.registrable+" is filed under another subject ("+s.Number.String()+")."), c.rule.Remedy)
			break
		}
	}
}

func checkBlacklist(c *checker) {
	if !c.can(FactBlacklist, "subject") {
		return
	}
	bl := c.in.Facts.Blacklist
	listed := func(field func() string, kind BlacklistKind, value string) bool {
		if value == "" {
			return false
		}
		ok, err := bl.Listed(c.ctx, kind, value)
		if err != nil {
			c.undecided(field(), FactBlacklist, err)
			return false
		}
		return ok
	}
	const subjectField = "subject.certificate_number"
	if listed(func() string { return subjectField }, BlacklistSubject, c.subj.CertificateNumber) {
		c.fail("subject.certificate_number", t("主办单位证件在管局黑名单中。", "The subject's certificate is on the bureau's blacklist."), c.rule.Remedy)
	}
	for i := range c.persons {
		p := &c.persons[i]
		if listed(func() string { return p.field + ".certificate_number" }, BlacklistPerson, p.p.CertificateNumber) {
			c.fail(p.field+".certificate_number", t("负责人证件在管局黑名单中。", "The responsible person's certificate is on the bureau's blacklist."), c.rule.Remedy)
		}
	}
	for i := range c.domains {
		d := &c.domains[i]
		if d.syntax.ZH == "" && listed(func() string { return d.field }, BlacklistDomain, d.registrable) {
			c.fail(d.field, t("域名 "+d.registrable+" 在管局黑名单中。", "Domain "+d.registrable+" is on the bureau's blacklist."), c.rule.Remedy)
		}
	}
	c.eachIPRange(func(at path, r beian.IPRange) {
		for _, a := range [2]netip.Addr{r.Start, r.End} {
			if a.IsValid() && listed(at.String, BlacklistIP, a.String()) {
				c.fail(at.String(), t("IP地址 "+a.String()+" 在管局黑名单中。", "Address "+a.String()+" is on the bureau's blacklist."), c.rule.Remedy)
				return
			}
		}
	})
}

// eachIPRange calls fn for every IP range of the order's services.
func (c *checker) eachIPRange(fn func(at path, r beian.IPRange)) {
	for i := range c.snap.Websites {
		for j, r := range c.snap.Websites[i].IPs {
			fn(path{list: "websites", i: i, sub: ".ips", j: j}, r)
		}
	}
	for i := range c.snap.Apps {
		for j, r := range c.snap.Apps[i].IPs {
			fn(path{list: "apps", i: i, sub: ".ips", j: j}, r)
		}
	}
}
