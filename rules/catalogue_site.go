package rules

import (
	"slices"
	"strings"
	"unicode"

	"github.com/openbeian/beian"
)

// siteRules are the website name and content rules and pre-approvals
// (spec §5.5, §5.6, §6.5, §9.5).
func siteRules() []*Rule {
	naming := Scope{Types: typesNaming, Kinds: kindsWebsite}
	namingInd := Scope{Types: typesNaming, Kinds: kindsWebsite, Natures: naturesIndividual}
	return []*Rule{
		{
			ID:       "SITE-NAME-TOO-SHORT",
			Title:    t("网站名称至少3个字", "Site name of 3 characters or more"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("网站名称不符合要求：不能少于3个字。", "The site name is too short: at least 3 characters."),
			Remedy:   t("请填写至少3个字的网站名称（个人建议3–10个字）。", "Give a name of at least 3 characters (3–10 suggested for individuals)."),
			Sources:  []string{"§6.5.1", "R9"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					if n := runeLen(w.Name); n < 3 {
						c.fail(index("websites", i)+".name", t("网站名称「"+w.Name+"」只有"+itoa(n)+"个字，不能少于3个字。", "Site name "+quote(w.Name)+" has "+itoa(n)+" characters; at least 3 are needed."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-DIGITS-LETTERS-ONLY",
			Title:    t("网站名称不能为纯数字或纯字母", "Site name not only digits or letters"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("网站名称不能为纯数字、纯字母或仅由数字和字母组成。", "A site name cannot consist of digits or Latin letters alone."),
			Remedy:   t("请使用含中文的、能体现网站内容的名称。", "Use a Chinese name that says what the site is."),
			Sources:  []string{"§6.5.1", "R9"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					if alnumOnly(w.Name) {
						c.fail(index("websites", i)+".name", t("网站名称「"+w.Name+"」只由数字和字母组成。", "Site name "+quote(w.Name)+" consists of digits and letters only."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-SPECIAL-SYMBOL",
			Title:    t("网站名称不能含特殊符号", "No special symbols in site names"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("网站名称不能含有特殊符号（括号和连字符「()-」除外）。", "A site name may contain no special symbols other than brackets and hyphens ( ) -."),
			Remedy:   t("请删除名称中的特殊符号、表情和标点。", "Remove symbols, emoji and punctuation from the name."),
			Sources:  []string{"§6.5.1", "R9"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					if r, bad := specialSymbol(w.Name); bad {
						c.fail(index("websites", i)+".name", t("网站名称「"+w.Name+"」含有特殊符号「"+string(r)+"」。", "Site name "+quote(w.Name)+" contains the symbol "+quoteRune(r)+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-DOMAIN-LIKE",
			Title:    t("网站名称不能是网址或域名", "Site name is not a URL or domain"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("网站名称不能是网址或域名。", "A site name cannot be a URL or a domain."),
			Remedy:   t("请使用能体现网站内容的中文名称。", "Use a Chinese name that says what the site is."),
			Sources:  []string{"§6.5.1", "§6.5.4", "R9"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					if domainLike(w.Name) {
						c.fail(index("websites", i)+".name", t("网站名称「"+w.Name+"」是网址或域名。", "Site name "+quote(w.Name)+" is a URL or domain."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-BANNED-WORD",
			Title:    t("网站名称含敏感词", "Sensitive word in the site name"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("网站名称不能含有敏感词（如反腐、赌博、廉政、色情等）。", "A site name may contain no sensitive words (反腐, 赌博, 廉政, 色情 …)."),
			Remedy:   t("请删除敏感词，使用与网站内容相符的名称。", "Remove the word and use a name that fits the content."),
			Sources:  []string{"§6.5.1", "R9"},
			PackKeys: []string{"site_name.sensitive_words"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					if w := c.siteHits[i][listSensitive]; w != "" {
						c.fail(index("websites", i)+".name", t("网站名称「"+c.snap.Websites[i].Name+"」含有敏感词「"+w+"」。", "Site name "+quote(c.snap.Websites[i].Name)+" contains the sensitive word "+quote(w)+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-STATE-PREFIX",
			Title:    t("网站名称不能以中国、国家等开头", "No 中国/国家 prefix"),
			Severity: Blocking,
			Applies:  naming,
			Reason:   t("非国家级单位的网站名称不能以「中国」「中华」「中央」「国家」「人大」「人民」开头；国家级单位须提供盖章证明函。", "Sites of units that are not state-level may not start with 中国, 中华, 中央, 国家, 人大 or 人民; state-level units provide a sealed proof letter."),
			Remedy:   t("请修改网站名称；国家级单位请上传盖章的证明函。", "Rename the site; a state-level unit uploads its sealed proof letter."),
			Sources:  []string{"§6.5.2", "R9"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					p := statePrefix(w.Name)
					if p == "" {
						continue
					}
					field := index("websites", i) + ".name"
					if c.isUnit() && c.hasMaterial(MaterialStateLevelProof, "") {
						c.emit(field, ReviewerAttention, t("网站名称以「"+p+"」开头，已上传国家级单位证明函。", "The site name starts with "+quote(p)+"; a state-level proof letter is attached."), t("审核员请核实主办单位为国家级单位且证明函已盖章。", "Reviewer: check the unit is state-level and the letter is sealed."))
						continue
					}
					c.fail(field, t("网站名称「"+w.Name+"」以「"+p+"」开头。", "Site name "+quote(w.Name)+" starts with "+quote(p)+"."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SITE-NAME-ENTERPRISE-RELATED",
			Title:    t("企业网站名称与主体相关", "Enterprise site name relates to the subject"),
			Severity: Warning,
			Applies:  Scope{Types: typesNaming, Kinds: kindsWebsite, Natures: []beian.Nature{beian.NatureEnterprise}},
			Reason:   t("企业网站名称应与主办单位相关（建议使用单位全称或简称），不能暗示为其他单位。", "An enterprise's site name should relate to the subject (its full or short name) and must not suggest another unit."),
			Remedy:   t("建议使用「单位简称+官网」等与主办单位相关的名称。", "Use a name tied to the subject, such as its short name plus 官网."),
			Sources:  []string{"§6.5.3", "R9"},
			check: func(c *checker) {
				core := subjectCore(c.subj.Name)
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					if !sharesBigram(w.Name, core) {
						c.fail(index("websites", i)+".name", t("网站名称「"+w.Name+"」看不出与「"+c.subj.Name+"」的关系。", "Site name "+quote(w.Name)+" shows no link to "+quote(c.subj.Name)+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-REFLECTS-SERVICE",
			Title:    t("网站名称体现实际服务", "Site name reflects the service"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesNaming, Kinds: kindsWebsite, Natures: naturesUnits},
			Reason:   t("广东管局要求网站名称体现实际服务（如「XX公司官网」「XX管理系统」）。", "The Guangdong bureau wants the site name to reflect the actual service (XX公司官网, XX管理系统)."),
			Remedy:   t("审核员请核对网站名称与实际服务相符。", "Reviewer: check the name fits the actual service."),
			Fix:      t("请修改网站名称，使其体现网站的实际服务（如「XX公司官网」「XX管理系统」）。", "Rename the site so that its name reflects the actual service (e.g. XX公司官网, XX管理系统)."),
			Sources:  []string{"§6.5.3", "§7 广东"},
			PackKeys: []string{"site_name.must_reflect_service"},
			check: func(c *checker) {
				if !c.pack.NameMustReflectService {
					return
				}
				for i := range c.snap.Websites {
					c.fail(index("websites", i)+".name", t(c.prov.Name+"管局要求网站名称体现实际服务（如「XX公司官网」「XX管理系统」）。", "The "+c.prov.NameEN+" bureau wants the site name to reflect the actual service (XX公司官网, XX管理系统)."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SITE-NAME-INDIVIDUAL-WORD",
			Title:    t("个人网站名称禁用词", "Words individuals' site names may not use"),
			Severity: Blocking,
			Applies:  namingInd,
			Reason:   t("个人网站名称不能含有企业、组织或行业性词语、「博客」、地名，以及各省管局列出的禁用词（如河南）。", "An individual's site name may not contain company, organisation or industry words, 博客, place names, or the words a bureau lists (e.g. Henan)."),
			Remedy:   t("请改用体现个人内容的名称，如「某某的随笔」之类的非商业名称（不用人名）。", "Use a name for personal, non-commercial content (not a person's name)."),
			Sources:  []string{"§6.5.4", "R9", "§7 河南"},
			PackKeys: []string{"site_name.individual_banned_words", "site_name.individual_extra_banned_words", "site_name.place_names"},
			check: func(c *checker) {
				pn := c.provinceName()
				for i := range c.snap.Websites {
					h := &c.siteHits[i]
					name := c.snap.Websites[i].Name
					field := index("websites", i) + ".name"
					if w := h[listIndividual]; w != "" {
						c.fail(field, t("个人网站名称「"+name+"」含有禁用词「"+w+"」（企业、组织或行业性词语）。", "Individual site name "+quote(name)+" contains "+quote(w)+" (a company, organisation or industry word)."), c.rule.Remedy)
					}
					if w := h[listIndividualExtra]; w != "" {
						c.fail(field, t("个人网站名称「"+name+"」含有"+pn.ZH+"管局禁用词「"+w+"」。", "Individual site name "+quote(name)+" contains "+quote(w)+", which the "+pn.EN+" bureau forbids."), c.rule.Remedy)
					}
					if w := h[listPlace]; w != "" {
						c.fail(field, t("个人网站名称「"+name+"」含有地名「"+w+"」。", "Individual site name "+quote(name)+" contains the place name "+quote(w)+"."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-INDIVIDUAL-CAUTION",
			Title:    t("个人网站名称慎用词", "Words some bureaus refuse for individuals"),
			Severity: Warning,
			Applies:  namingInd,
			Reason:   t("部分管局不接受个人网站名称含有「股票、证券、彩票、体彩、刮刮乐、论坛、在线、社区」等词。", "Some bureaus refuse individuals' site names with 股票, 证券, 彩票, 体彩, 刮刮乐, 论坛, 在线, 社区 and the like."),
			Remedy:   t("建议换用不含这些词的名称。", "Prefer a name without these words."),
			Sources:  []string{"§6.5.4"},
			PackKeys: []string{"site_name.individual_caution_words"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					if w := c.siteHits[i][listCaution]; w != "" {
						c.fail(index("websites", i)+".name", t("个人网站名称「"+c.snap.Websites[i].Name+"」含有「"+w+"」，部分管局会驳回。", "Individual site name "+quote(c.snap.Websites[i].Name)+" contains "+quote(w)+", which some bureaus refuse."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:           "SITE-NAME-PERSON-NAME",
			Title:        t("个人网站名称不能是人名", "Individual site name is not a person's name"),
			Severity:     Blocking,
			SeverityNote: t("名称就是本人姓名时阻断，含有本人姓名时为警告。", "Blocking when the name is the person's name, a warning when it contains it."),
			Applies:      namingInd,
			Reason:       t("个人网站名称不能是人名。", "An individual's site name cannot be a person's name."),
			Remedy:       t("请使用体现网站内容的名称。", "Use a name that says what the site is about."),
			Sources:      []string{"§6.5.4", "R9"},
			check: func(c *checker) {
				person := foldName(c.subj.Name)
				if runeLen(person) < 2 {
					return
				}
				for i := range c.snap.Websites {
					name := foldName(c.snap.Websites[i].Name)
					field := index("websites", i) + ".name"
					switch {
					case name == person:
						c.fail(field, t("网站名称就是备案人的姓名。", "The site name is the person's name."), c.rule.Remedy)
					case strings.Contains(name, person):
						c.emit(field, Warning, t("网站名称含有备案人的姓名，部分管局会驳回。", "The site name contains the person's name; some bureaus refuse it."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-INDIVIDUAL-LENGTH",
			Title:    t("个人网站名称长度", "Length of individuals' site names"),
			Severity: Warning,
			Applies:  namingInd,
			Reason:   t("个人网站名称建议3–10个字。", "Individuals' site names should have 3 to 10 characters."),
			Remedy:   t("建议缩短网站名称。", "Shorten the name."),
			Sources:  []string{"§6.5.1"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					if n := runeLen(c.snap.Websites[i].Name); n > 10 {
						c.fail(index("websites", i)+".name", t("个人网站名称有"+itoa(n)+"个字，建议不超过10个字。", "The individual's site name has "+itoa(n)+" characters; 10 or fewer are advised."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:           "SITE-NAME-ENGLISH",
			Title:        t("网站名称中的英文字母", "English letters in the site name"),
			Severity:     Blocking,
			SeverityNote: t("规则包为 forbidden 时阻断，为 discouraged 时警告。", "Blocking where the pack says forbidden, a warning where it says discouraged."),
			Applies:      naming,
			Reason:       t("部分管局（如内蒙古）不接受网站名称含有英文字母。", "Some bureaus (Inner Mongolia …) refuse English letters in site names."),
			Remedy:       t("请使用中文网站名称。", "Use a Chinese site name."),
			Sources:      []string{"§6.5.4", "§7 陕西"},
			PackKeys:     []string{"site_name.english_letters"},
			check: func(c *checker) {
				var sev Severity
				switch c.pack.EnglishLetters {
				case "forbidden":
					sev = Blocking
				case "discouraged":
					sev = Warning
				default:
					return
				}
				pn := c.provinceName()
				for i := range c.snap.Websites {
					if hasLatin(c.snap.Websites[i].Name) {
						c.emit(index("websites", i)+".name", sev, t(pn.ZH+"管局不接受网站名称含有英文字母。", "The "+pn.EN+" bureau does not accept English letters in site names."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "SITE-NAME-MATCHES-NATURE",
			Title:    t("网站名称与主体性质相符", "Site name fits the subject's nature"),
			Severity: ReviewerAttention,
			Applies:  naming,
			Reason:   t("西藏、天津管局要求网站名称与主办单位性质相符。", "The Tibet and Tianjin bureaus want the site name to fit the subject's nature."),
			Remedy:   t("审核员请核对网站名称与主办单位性质相符。", "Reviewer: check the name fits the subject's nature."),
			Fix:      t("请修改网站名称，使其与主办单位的性质相符。", "Rename the site so that its name fits the subject's nature."),
			Sources:  []string{"§6.5.4", "§7 西藏"},
			PackKeys: []string{"site_name.must_match_nature"},
			check: func(c *checker) {
				if !c.pack.NameMustMatchNature {
					return
				}
				for i := range c.snap.Websites {
					c.fail(index("websites", i)+".name", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "SITE-NAME-DUPLICATE",
			Title:    t("同名网站内容须不同", "Same-named sites need different content"),
			Severity: Warning,
			Applies:  naming,
			Reason:   t("同一主体下多个网站同名时，网站内容须不同。", "Several sites of one subject with the same name must have different content."),
			Remedy:   t("建议为不同网站使用不同名称，并确保内容不同。", "Give the sites different names and make sure their content differs."),
			Sources:  []string{"§6.5.10"},
			check: func(c *checker) {
				ws := c.snap.Websites
				dups := dupFinder{n: len(ws), key: func(i int) string { return foldName(ws[i].Name) }}
				for i := range ws {
					if dups.first(i) >= 0 {
						c.fail(index("websites", i)+".name", t("网站名称「"+ws[i].Name+"」与本单中另一个网站相同。", "Site name "+quote(ws[i].Name)+" is also used by another website of the order."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:           "SITE-NAME-PREAPPROVAL-IMPLIED",
			Title:        t("网站名称涉及前置审批", "Site name implies a pre-approval"),
			Severity:     Blocking,
			SeverityNote: t("新闻、出版、药品、视听、网约车为阻断；教育、医疗在仍要求审批的省份阻断；其余为警告。", "Blocking for news, publishing, drugs, audio-visual and ride-hailing; for education and medical where the province still requires approval; a warning otherwise."),
			Applies:      naming,
			Reason:       t("网站名称涉及须前置审批的行业（如「新闻网」），须取得相应许可。", "The site name implies a sector that needs pre-approval (e.g. 新闻网), so the permit is needed."),
			Remedy:       t("请取得相应前置审批后填写审批号并上传审批文件，或修改网站名称。", "Obtain the pre-approval and enter its number and file, or rename the site."),
			Sources:      []string{"§5.6", "§6.5.5", "R11", "§7"},
			PackKeys:     []string{"preapproval.education_required", "preapproval.medical_required"},
			check:        checkNameSector,
		},
		{
			ID:       "SITE-CONTENT-CATALOGUE",
			Title:    t("网站服务内容", "Website service content"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("网站服务内容须从网站备案服务内容目录中选择，且至少选择一项。", "Service content is chosen from the website content catalogue, at least one item."),
			Remedy:   t("请从目录中选择与网站内容相符的服务内容。", "Choose the items that fit the site from the catalogue."),
			Sources:  []string{"§5.3", "§5.5"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					field := index("websites", i) + ".service_content"
					if len(w.ServiceContent) == 0 {
						c.fail(field, t("网站「"+w.Name+"」没有选择服务内容。", "Website "+quote(w.Name)+" has no service content."), c.rule.Remedy)
					}
					for j, s := range w.ServiceContent {
						if !websiteContentSet[s] {
							c.fail(index(field, j), t("服务内容「"+s+"」不在网站备案服务内容目录中。", "Service content "+quote(s)+" is not in the catalogue."), c.rule.Remedy)
						}
					}
				}
			},
		},
		{
			ID:       "SITE-CONTENT-INDIVIDUAL",
			Title:    t("个人网站的服务内容", "Individuals' service content"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite, Natures: naturesIndividual},
			Reason:   t("个人网站只能选择「博客/个人空间」或「其他」；个人网站不能涉及企业或行业内容。", "Individuals' sites may only choose 博客/个人空间 or 其他; they cannot carry company or industry content."),
			Remedy:   t("请改选「博客/个人空间」，或选「其他」并在备注中说明网站内容。", "Choose 博客/个人空间, or 其他 with a remark describing the site."),
			Sources:  []string{"§5.3", "§5.5", "R10"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					for j, s := range c.snap.Websites[i].ServiceContent {
						if s != ContentPersonal && s != ContentOther {
							c.fail(index(index("websites", i)+".service_content", j), t("个人网站不能选择服务内容「"+s+"」。", "An individual's site cannot choose "+quote(s)+"."), c.rule.Remedy)
						}
					}
				}
			},
		},
		{
			ID:       "SITE-CONTENT-OTHER-REMARK",
			Title:    t("选择「其他」须填写备注", "其他 needs a remark"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("服务内容选择「其他」时须在备注中说明网站的具体内容。", "Choosing 其他 requires a remark that describes the site's content."),
			Remedy:   t("请在网站备注中说明网站内容；个人网站可声明「网站仅用于个人……，不涉及企业内容，如发现企业内容接受注销」。", "Describe the content in the remark; individuals may declare the site is personal and accept cancellation if company content is found."),
			Sources:  []string{"§5.1", "§5.3", "R10"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					w := &c.snap.Websites[i]
					for _, s := range w.ServiceContent {
						if s == ContentOther && strings.TrimSpace(w.Remark) == "" {
							c.fail(index("websites", i)+".remark", c.rule.Reason, c.rule.Remedy)
							break
						}
					}
				}
			},
		},
		{
			ID:       "SITE-CONTENT-REVIEW",
			Title:    t("网站内容合规", "Content is lawful and in scope"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:   t("网站内容须合法（无色情、赌博、毒品、政治等违规内容），且在主体经营范围内；个人网站只能是个人内容。", "Content must be lawful (no pornography, gambling, drugs, politics …) and within the subject's scope; individuals' sites carry personal content only."),
			Remedy:   t("审核员请核对网站计划内容与名称、主体性质相符；个人网站请客户在备注中声明仅用于个人用途。", "Reviewer: check the planned content fits the name and the nature; individuals declare personal use in the remark."),
			Fix:      t("请确认网站计划内容合法，并与网站名称和主体经营范围相符；个人网站请在备注中声明仅用于个人用途。", "Make sure the planned content is lawful and fits the site's name and the subject's business scope; individuals declare in the remark that the site is for personal use only."),
			Sources:  []string{"§6.5.7", "R10", "§9.4"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					c.fail(index("websites", i), c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:           "PREAPPROVAL-REQUIRED",
			Title:        t("服务内容须前置审批", "Content needs pre-approval"),
			Severity:     Blocking,
			SeverityNote: t("新闻、出版、视听为阻断；教育在仍要求审批的省份阻断；文化、金融为警告。", "Blocking for news, publishing and audio-visual; for education where the province still requires it; a warning for culture and finance."),
			Applies:      Scope{Types: typesServices, Kinds: kindsWebsite},
			Reason:       t("若网站内容涉及需前置审批行业的内容，请先到相关批复单位办理前置审批，并在备案信息中输入审批号和上传审批文件。", "Content in a sector that needs pre-approval needs the approving authority's permit first, with its number and file in the filing."),
			Remedy:       t("请取得前置审批，填写审批号并上传审批文件；不涉及的请取消该服务内容。", "Obtain the pre-approval and enter its number and file, or drop that service content."),
			Sources:      []string{"§5.6", "R11", "S25", "§7 浙江", "§7 青海", "§7 西藏"},
			PackKeys:     []string{"preapproval.education_required"},
			check:        checkContentSector,
		},
		{
			ID:       "PREAPPROVAL-DETAILS",
			Title:    t("前置审批的审批号与文件", "Pre-approval number and file"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("前置审批须填写审批类别、审批号并上传审批文件。", "A pre-approval needs its category, number and file."),
			Remedy:   t("请补全审批类别、审批号并上传审批文件。", "Complete the category and number and upload the file."),
			Sources:  []string{"§5.6", "S25"},
			check: func(c *checker) {
				c.eachPreApproval(func(at path, p *beian.PreApproval) {
					if sectorByKey[p.Category] == nil {
						c.fail(at.at(".category"), t("前置审批类别「"+p.Category+"」不存在。", "Unknown pre-approval category "+quote(p.Category)+"."), c.rule.Remedy)
					}
					if strings.TrimSpace(p.Number) == "" {
						c.fail(at.at(".number"), t("请填写前置审批号。", "The approval number is missing."), c.rule.Remedy)
					}
					if strings.TrimSpace(p.DocumentID) == "" {
						c.fail(at.at(".document_id"), t("请上传前置审批文件。", "The approval file is missing."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "PREAPPROVAL-EXPIRED",
			Title:    t("前置审批已过期", "Pre-approval expired"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("前置审批文件（证件）已过有效期。", "The pre-approval has expired."),
			Remedy:   t("前置审批文件过期需重新办理：请联系发证单位进行证件续期，并重新上传最新的前置审批证件（已备案的请做变更备案）。", "An expired pre-approval must be renewed: ask the issuer to renew it and upload the new one (by a change, if the service is filed)."),
			Sources:  []string{"R12", "§9.4", "S27", "S28", "S37", "S38", "S39"},
			check: func(c *checker) {
				c.eachPreApproval(func(at path, p *beian.PreApproval) {
					// A permit is valid through its last day.
					if !p.ValidUntil.IsZero() && p.ValidUntil.Before(c.date) {
						c.fail(at.at(".valid_until"), t("前置审批「"+p.Number+"」已于 "+p.ValidUntil.String()+" 过期。", "Pre-approval "+quote(p.Number)+" expired on "+p.ValidUntil.String()+"."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "PREAPPROVAL-FILE-CLARITY",
			Title:    t("前置审批文件清晰完整", "Pre-approval file clear and complete"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesServices},
			Reason:   t("上传的前置审批文件不清晰、不完整将被驳回。", "Unclear or incomplete pre-approval files are rejected."),
			Remedy:   t("审核员请核对前置审批文件为清晰、完整的资料图片，且与填写的审批号一致。", "Reviewer: check the file is a clear, complete image matching the number entered."),
			Fix:      t("请重新上传清晰、完整的前置审批文件图片（四边完整、文字清晰可辨），并确认与填写的审批号一致。", "Upload the pre-approval file again as a clear, complete image (all four edges, every word legible) matching the approval number you entered."),
			Sources:  []string{"R12", "S27", "S28"},
			check: func(c *checker) {
				c.eachPreApproval(func(at path, p *beian.PreApproval) {
					c.fail(at.at(".document_id"), c.rule.Reason, c.rule.Remedy)
				})
			},
		},
		{
			ID:       "PREAPPROVAL-BUSINESS-SCOPE",
			Title:    t("经营范围涉及前置审批", "Business scope names a pre-approval"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesNew, Natures: naturesUnits},
			Reason:   t("营业执照的经营范围中有涉及到前置审批类的，即使网站内容跟这些信息没有关系，也需办理前置审批（部分省份可提交本省的《不涉及前置审批承诺书》）。", "When the business scope names a pre-approval sector, the permit is needed even if the site does not touch it (some provinces accept their own no-involvement commitment)."),
			Remedy:   t("审核员请核对营业执照经营范围；涉及前置审批项时要求客户提供相应审批或本省模板的承诺书。", "Reviewer: read the licence's business scope; if it names a pre-approval sector, ask for the permit or the province's commitment."),
			Fix:      t("营业执照经营范围涉及前置审批项的，请上传相应的前置审批文件，或按备案省份的模板签署并上传《不涉及前置审批承诺书》。", "If the licence's business scope names a pre-approval sector, upload the permit, or sign and upload the filing province's commitment that the site involves none."),
			Sources:  []string{"§5.6", "S76"},
			check: func(c *checker) {
				if c.subj.CertificateType == beian.CertBusinessLicence || c.subj.CertificateType == beian.CertUSCC {
					c.fail("subject.certificate_number", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "PREAPPROVAL-RELIGION",
			Title:    t("涉及宗教须许可并勾选「宗教」", "Religion needs the permit and the 宗教 tick"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("涉及宗教的，必须上传《互联网宗教信息服务许可证》，并必须在系统勾选「宗教」。", "Religious content needs the internet religious information service licence uploaded and 宗教 ticked."),
			Remedy:   t("请向省级以上宗教事务部门申请《互联网宗教信息服务许可证》，在前置审批中勾选「宗教」并上传许可证。", "Apply to the provincial (or higher) religious affairs department for the licence, tick 宗教 and upload it."),
			Sources:  []string{"§5.6", "S77", "S78", "§7 西藏"},
			check:    checkReligion,
		},
		{
			ID:       "FILED-SITE-DISPLAYS-NUMBER",
			Title:    t("已备案网站可访问并悬挂备案号", "Filed sites open and show their number"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeService, beian.ChangeBoth}},
			Reason:   t("主体已备案的网站须能正常访问，并在首页底部中间位置悬挂备案号且链接至 https://beian.miit.gov.cn（广东悬挂主体备案号）。", "The subject's filed sites must open and show their ICP number at the bottom centre of the homepage, linked to https://beian.miit.gov.cn (Guangdong shows the subject number)."),
			Remedy:   t("请开通已备案网站，在首页底部悬挂正确的备案号并链接至工信部备案系统；不再使用的网站请注销。", "Open the filed sites and show the right number at the bottom, linked to MIIT; cancel sites no longer used."),
			Sources:  []string{"§4.3", "§6.5.8", "§9.1", "R13", "§7 广东", "§7 广西"},
			PackKeys: []string{"display.subject_number"},
			Facts:    []FactKind{FactRecords, FactHomepages},
			check:    checkFiledSitesNumber,
		},
		{
			ID:           "FILED-SITE-TITLE-MATCH",
			Title:        t("已备案网站标题与备案名称一致", "Filed sites' titles equal their names"),
			Severity:     Blocking,
			SeverityNote: t("规则包 site.live_title_must_match 为 required 时阻断（海南），否则为警告。", "Blocking where site.live_title_must_match is required (Hainan), a warning elsewhere."),
			Applies:      Scope{Types: []beian.OrderType{beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeService, beian.ChangeBoth}},
			Reason:       t("已备案网站的实际名称（浏览器标签页标题）须与备案名称一致。", "A filed site's live name (its browser tab title) must equal its filed name."),
			Remedy:       t("请修改网站标题与备案名称一致，或通过变更备案修改网站名称。", "Change the site's title to the filed name, or change the filed name."),
			Sources:      []string{"§6.5.6", "R13", "§9.4", "§7 海南"},
			PackKeys:     []string{"site.live_title_must_match"},
			Facts:        []FactKind{FactRecords, FactHomepages},
			check:        checkFiledSitesTitle,
		},
		{
			ID:       "SERVICE-EMPTY-SHELL",
			Title:    t("空壳网站不能提交备案", "Empty-shell sites cannot be filed"),
			Severity: Blocking,
			Applies:  Scope{Types: typesNew},
			Reason:   t("空壳网站不能提交备案申请：该域名属于一个没有接入信息的已备案网站，管局会驳回。", "An empty-shell site cannot be filed: the domain belongs to a filed site without any access, and the bureau rejects it."),
			Remedy:   t("方法一：请联系网站当前使用的服务器接入商申请接入备案（域名解析至本接入商服务器的，可在本接入商做新增接入）；方法二：注销当前的空壳网站，并重新备案。不同省份的管局处理方法不同，具体请根据对应省份的管局要求修改。", "Either ask the provider now hosting the site to file access (if it resolves to our servers, add access here), or cancel the empty-shell site and file again. Bureaus differ; follow the province's rule."),
			Sources:  []string{"§9.5", "R28", "S71", "S72", "S73", "S74"},
			Facts:    []FactKind{FactRecords},
			check: func(c *checker) {
				for i := range c.domains {
					d := &c.domains[i]
					if d.syntax.ZH != "" {
						continue
					}
					svcs, ok := c.servicesByDomain(d)
					if !ok {
						continue
					}
					for _, s := range svcs {
						if s.Status == beian.RecordEmptyShell {
							c.fail(d.field, t("域名 "+d.registrable+" 属于空壳网站（"+s.Number.String()+"）。", "Domain "+d.registrable+" belongs to an empty-shell site ("+s.Number.String()+")."), c.rule.Remedy)
							break
						}
					}
				}
			},
		},
		{
			ID:       "SERVICE-NUMBER-DEREGISTERED",
			Title:    t("备案号已被注销", "Filing number deregistered"),
			Severity: Blocking,
			Applies:  Scope{Types: typesExisting},
			Reason:   t("收到空壳网站整改通知后未在整改期内完成整改，备案信息被取消接入；空壳网站被取消接入后，未及时在其他服务商接入备案，导致被工信部注销了备案号。", "The empty-shell notice was not rectified in time, so access was cancelled; with no access at another provider, MIIT deregistered the number."),
			Remedy:   t("您需要放弃当前的备案订单，重新提交首次备案。", "Abandon this order and file for the first time again."),
			Sources:  []string{"§9.4", "§9.5", "R25", "S35", "S36"},
			Facts:    []FactKind{FactRecords},
			check:    checkDeregistered,
		},
	}
}

// alnumOnly reports whether s has only ASCII letters and digits (spaces
// aside) and at least one of them.
func alnumOnly(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r == ' ':
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			n++
		default:
			return false
		}
	}
	return n > 0
}

// specialSymbol returns the first rune that is not a letter, digit, space,
// bracket or hyphen.
func specialSymbol(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ':
		case r == '(' || r == ')' || r == '-' || r == '（' || r == '）':
		default:
			return r, true
		}
	}
	return 0, false
}

func hasLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// domainLike reports whether a name reads as a URL or domain: a scheme, a
// www. prefix, or a dot followed by an ASCII top-level label.
func domainLike(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	if strings.Contains(l, "://") || strings.HasPrefix(l, "www.") {
		return true
	}
	i := strings.LastIndexByte(l, '.')
	if i <= 0 || i == len(l)-1 {
		return false
	}
	for _, r := range l[i+1:] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// genericOrgWords say nothing about which organisation a name belongs to.
var genericOrgWords = strings.NewReplacer(
	"股份有限公司", "", "有限责任公司", "", "有限公司", "", "公司", "", "集团", "", "股份", "",
	"科技", "", "技术", "", "网络", "", "信息", "", "发展", "", "服务", "", "管理", "",
	"文化", "", "传媒", "", "贸易", "", "实业", "", "咨询", "", "(", "", ")", "",
)

// subjectCore strips the generic words from a subject's name.
func subjectCore(name string) string { return genericOrgWords.Replace(foldName(name)) }

// sharesBigram reports whether name contains two consecutive characters of
// core (or all of it when shorter).
func sharesBigram(name, core string) bool {
	rs := []rune(core)
	if len(rs) < 2 {
		return core == "" || strings.Contains(name, core)
	}
	for i := 0; i+1 < len(rs); i++ {
		if strings.Contains(name, string(rs[i:i+2])) {
			return true
		}
	}
	return false
}

// eachPreApproval calls fn for every pre-approval of the order's services.
func (c *checker) eachPreApproval(fn func(at path, p *beian.PreApproval)) {
	for i := range c.snap.Websites {
		for j := range c.snap.Websites[i].PreApprovals {
			fn(path{list: "websites", i: i, sub: ".pre_approvals", j: j}, &c.snap.Websites[i].PreApprovals[j])
		}
	}
	for i := range c.snap.Apps {
		for j := range c.snap.Apps[i].PreApprovals {
			fn(path{list: "apps", i: i, sub: ".pre_approvals", j: j}, &c.snap.Apps[i].PreApprovals[j])
		}
	}
}

func checkNameSector(c *checker) {
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		var h hits
		sectorMatcher.scan(w.Name, &h)
		for li, key := range sectorList {
			word := h[li]
			if word == "" || key == SectorReligion || hasPreApproval(w.PreApprovals, key) {
				continue // religion: PREAPPROVAL-RELIGION
			}
			s := sectorByKey[key]
			c.emit(index("websites", i)+".name", sectorSeverity(s, c.pack), t("网站名称「"+w.Name+"」含有「"+word+"」，涉及"+s.name.ZH+"，须取得"+s.permit.ZH+"。", "Site name "+quote(w.Name)+" contains "+quote(word)+", which implies "+s.name.EN+" and needs "+s.permit.EN+"."), c.rule.Remedy)
		}
	}
}

func checkContentSector(c *checker) {
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		for j, item := range w.ServiceContent {
			key, ok := contentSector[item]
			if !ok || hasPreApproval(w.PreApprovals, key) {
				continue
			}
			s := sectorByKey[key]
			sev := sectorSeverity(s, c.pack)
			if key == SectorEducation && sev != Blocking {
				continue // abolished in most provinces
			}
			c.emit(index(index("websites", i)+".service_content", j), sev, t("服务内容「"+item+"」涉及"+s.name.ZH+"，须取得"+s.permit.ZH+"。", "Service content "+quote(item)+" is "+s.name.EN+" and needs "+s.permit.EN+"."), c.rule.Remedy)
		}
	}
}

// religionList is the index of the religion list in sectorMatcher.
var religionList = slices.Index(sectorList, SectorReligion)

func checkReligion(c *checker) {
	look := func(at path, text string, ps []beian.PreApproval) {
		if text == "" || hasPreApproval(ps, SectorReligion) {
			return
		}
		if w := sectorMatcher.find(text, religionList); w != "" {
			c.fail(at.String(), t("「"+text+"」涉及宗教（「"+w+"」），须勾选「宗教」并上传《互联网宗教信息服务许可证》。", quote(text)+" concerns religion ("+quote(w)+"): tick 宗教 and upload the religious information service licence."), c.rule.Remedy)
		}
	}
	for i := range c.snap.Websites {
		w := &c.snap.Websites[i]
		look(path{list: "websites", i: i, leaf: ".name"}, w.Name, w.PreApprovals)
		look(path{list: "websites", i: i, leaf: ".remark"}, w.Remark, w.PreApprovals)
	}
	for i := range c.snap.Apps {
		a := &c.snap.Apps[i]
		look(path{list: "apps", i: i, leaf: ".name"}, a.Name, a.PreApprovals)
		look(path{list: "apps", i: i, leaf: ".remark"}, a.Remark, a.PreApprovals)
	}
}

// filedSites calls fn for the subject's filed, active websites and their
// first domain, with a field path naming the site.
func (c *checker) filedSites(fn func(field string, s *beian.RecordService, domain string)) {
	rec, ok := c.record("record")
	if !ok || rec == nil {
		return
	}
	for i := range rec.Services {
		s := &rec.Services[i]
		if s.Kind != beian.KindWebsite || s.Status != beian.RecordFiled || len(s.Domains()) == 0 {
			continue
		}
		d, _ := normalizeDomain(s.Domains()[0])
		fn("record.websites["+d+"]", s, d)
	}
}

func (c *checker) homepage(field, domain string) (*Homepage, bool) {
	if !c.can(FactHomepages, field) {
		return nil, false
	}
	h, err := c.in.Facts.Homepages.Homepage(c.ctx, domain)
	if err != nil || h == nil {
		c.undecided(field, FactHomepages, err)
		return nil, false
	}
	return h, true
}

func checkFiledSitesNumber(c *checker) {
	c.filedSites(func(field string, s *beian.RecordService, domain string) {
		h, ok := c.homepage(field, domain)
		if !ok {
			return
		}
		want := s.Number
		if c.pack.DisplaySubjectNumber {
			want = want.Subject()
		}
		switch {
		case !h.Reachable:
			c.fail(field, t("已备案网站 "+domain+" 无法访问。", "Filed site "+domain+" cannot be opened."), c.rule.Remedy)
		case strings.TrimSpace(h.NumberShown) == "":
			c.fail(field, t("已备案网站 "+domain+" 首页底部未悬挂备案号（应为 "+want.String()+"）。", "Filed site "+domain+" shows no ICP number (it should show "+want.String()+")."), c.rule.Remedy)
		case !want.IsZero() && strings.TrimSpace(h.NumberShown) != want.String():
			c.fail(field, t("已备案网站 "+domain+" 悬挂的备案号「"+h.NumberShown+"」不正确，应为 "+want.String()+"。", "Filed site "+domain+" shows "+quote(h.NumberShown)+"; it should show "+want.String()+"."), c.rule.Remedy)
		case !h.LinksToMIIT:
			c.fail(field, t("已备案网站 "+domain+" 的备案号未链接至 https://beian.miit.gov.cn。", "The number on "+domain+" does not link to https://beian.miit.gov.cn."), c.rule.Remedy)
		}
	})
}

func checkFiledSitesTitle(c *checker) {
	sev := Warning
	if c.pack.LiveTitleLevel == "required" {
		sev = Blocking
	}
	c.filedSites(func(field string, s *beian.RecordService, domain string) {
		h, ok := c.homepage(field, domain)
		if !ok || !h.Reachable {
			return // FILED-SITE-DISPLAYS-NUMBER reports unreachable sites
		}
		if name := foldName(s.Name()); name != "" && !strings.Contains(foldName(h.Title), name) {
			c.emit(field, sev, t("已备案网站 "+domain+" 的标题「"+h.Title+"」与备案名称「"+s.Name()+"」不一致。", "The title "+quote(h.Title)+" of "+domain+" differs from its filed name "+quote(s.Name())+"."), c.rule.Remedy)
		}
	})
}

func checkDeregistered(c *checker) {
	rec, ok := c.record("websites")
	if !ok || rec == nil {
		return
	}
	check := func(field, id string) {
		if s := recordService(rec, id); s != nil && s.Status == beian.RecordCancelled {
			c.fail(field, t("该服务的备案号 "+s.Number.String()+" 已被注销。", "The service's number "+s.Number.String()+" has been deregistered."), c.rule.Remedy)
		}
	}
	for i := range c.snap.Websites {
		check(index("websites", i), c.snap.Websites[i].RecordID)
	}
	for i := range c.snap.Apps {
		check(index("apps", i), c.snap.Apps[i].RecordID)
	}
}
