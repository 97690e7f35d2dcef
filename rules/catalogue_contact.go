package rules

import (
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
)

// contactRules are the contact rules (spec §6.4).
func contactRules() []*Rule {
	return []*Rule{
		{
			ID:       "CONTACT-FORMAT",
			Title:    t("联系方式格式", "Contact formats"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("手机号码、应急联系电话或电子邮箱格式不正确；管局只向大陆手机号码发送短信核验码。", "A mobile, emergency phone or e-mail address is malformed; the bureau sends SMS codes to mainland mobiles only."),
			Remedy:   t("手机号码填写11位大陆手机号；应急电话填写手机号或带区号的固定电话；邮箱填写常用邮箱。", "Give an 11-digit mainland mobile; a mobile or a landline with area code as emergency phone; an e-mail in use."),
			Sources:  []string{"§4.4", "§5.2"},
			check:    checkContactFormat,
		},
		{
			ID:       "CONTACT-REACHABLE",
			Title:    t("电话核验", "Phone verification"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesReviewed},
			Reason:   t("初审时审核员会拨打负责人的手机和应急电话；电话未接通、停机或拦截将被驳回（电话核验问题）。所有电话须真实、本人长期使用。", "Reviewers call each responsible person's mobile and emergency phone; calls not answered, dead or blocked lead to rejection. Every phone must be real, long-term and the person's own."),
			Remedy:   t("审核员请拨打手机与应急电话完成电话核验；未接通时请客户保持电话畅通并回拨客服热线完成核验。", "Reviewer: call the mobile and the emergency phone; if unanswered, the customer keeps them reachable and calls back the hotline to verify."),
			Fix:      t("请保持所有负责人的手机和应急电话畅通，接听审核员的核验来电；未接到时请回拨客服热线完成电话核验。", "Keep every person's mobile and emergency phone reachable and answer the reviewer's call; if you missed it, call the support hotline back to complete the phone check."),
			Sources:  []string{"§4.3", "§6.4.1", "R15", "R27"},
			check: func(c *checker) {
				for i := range c.persons {
					p := &c.persons[i]
					if p.p.Mobile == "" {
						continue
					}
					if p.role == roleService && samePerson(p.p, &c.subj.Principal) && p.p.Mobile == c.subj.Principal.Mobile {
						continue // the same phone is called once
					}
					c.fail(p.field+".mobile", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:           "CONTACT-LOCAL-MOBILE",
			Title:        t("手机号码归属地", "Mobile's home province"),
			Severity:     Blocking,
			SeverityNote: t("湖南个人备案须用湖南手机号（阻断）；其他省份建议使用本省号段（警告）；青海、西藏无归属地要求。", "Hunan individuals need a Hunan mobile (blocking); elsewhere local numbers are advised (warning); Qinghai and Tibet have no requirement."),
			Applies:      Scope{Types: typesFiling},
			Reason:       t("联系电话不是备案地区号段。", "The contact number is not from the filing province."),
			Remedy:       t("请使用备案省份号段的手机号码。", "Use a mobile number from the filing province."),
			Sources:      []string{"§6.4.2", "R15", "S62", "§7 湖南", "§7 青海", "§7 西藏"},
			PackKeys:     []string{"contact.local_mobile"},
			Facts:        []FactKind{FactContacts},
			check:        checkLocalMobile,
		},
		{
			ID:       "CONTACT-MOBILE-OTHER-SUBJECT",
			Title:    t("手机号码未被其他主体使用", "Mobile not used by another subject"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("手机号码不能是为其他主体备案过的号码（手机号码已用于其他主体进行过备案）。", "The mobile number may not have been used in another subject's filing."),
			Remedy:   t("请使用未在其他主体备案中使用过的手机号码；同一负责人在多个主体中应使用相同的联系方式。", "Use a number never used for another subject; one person keeps the same contacts across subjects."),
			Sources:  []string{"§6.4.3", "§6.4.7", "R16", "S79", "§7 河北", "§7 重庆"},
			Facts:    []FactKind{FactContacts},
			check: func(c *checker) {
				checkContactUse(c, ContactMobile, func(p *beian.Person) string { return p.Mobile }, "mobile", t("手机号码", "mobile number"))
			},
		},
		{
			ID:       "CONTACT-EMAIL-OTHER-SUBJECT",
			Title:    t("电子邮箱未被其他主体使用", "E-mail not used by another subject"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("不同主体的负责人不能使用相同的电子邮箱。", "Responsible persons of different subjects cannot share an e-mail address."),
			Remedy:   t("请使用未在其他主体备案中使用过的电子邮箱。", "Use an e-mail address never used for another subject."),
			Sources:  []string{"§6.4.4", "§6.4.7", "R17"},
			Facts:    []FactKind{FactContacts},
			check: func(c *checker) {
				checkContactUse(c, ContactEmail, func(p *beian.Person) string { return p.Email }, "email", t("电子邮箱", "e-mail address"))
			},
		},
		{
			ID:       "CONTACT-PRINCIPALS-DISTINCT",
			Title:    t("不同负责人的联系方式不同", "Different persons, different contacts"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("互联网信息服务负责人非主体负责人时，两者的手机号码和电子邮箱不能相同；不同负责人不能共用联系方式。", "When the service principal is not the subject principal, their mobiles and e-mails must differ; different persons cannot share contacts."),
			Remedy:   t("请为每位负责人填写其本人的手机号码和电子邮箱。", "Give each person their own mobile and e-mail."),
			Sources:  []string{"§6.4.4", "§6.4.5", "R17", "S66", "§7 青海"},
			check:    checkPrincipalsDistinct,
		},
		{
			ID:       "CONTACT-SAME-PERSON-CONSISTENT",
			Title:    t("同一负责人的联系方式一致", "Same person, same contacts"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("同一负责人在订单中出现多次时，姓名、手机号码和电子邮箱须完全一致。", "When one person appears several times in the order, name, mobile and e-mail must be identical."),
			Remedy:   t("请统一该负责人的姓名和联系方式。", "Use the same name and contacts for that person everywhere."),
			Sources:  []string{"§6.4.4"},
			check:    checkSamePersonConsistent,
		},
		{
			ID:       "CONTACT-EMERGENCY-DISTINCT",
			Title:    t("应急电话不同于手机号码", "Emergency phone differs from the mobile"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("负责人手机号码不得与应急号码重复。", "A person's mobile and emergency phone may not be the same number."),
			Remedy:   t("请填写另一个可联系到本人的号码作为应急电话。", "Give another number that reaches the person as emergency phone."),
			Sources:  []string{"§5.2", "§6.4.6", "S62", "§7 西藏"},
			check: func(c *checker) {
				for i := range c.persons {
					p := &c.persons[i]
					if p.p.Mobile != "" && digits(p.p.Mobile) == digits(p.p.EmergencyPhone) {
						c.fail(p.field+".emergency_phone", c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
	}
}

// digits returns the digits of a phone number, dropping +86 and
// separators, so that "138 0013 8000" equals "+86-13800138000".
func digits(s string) string {
	if len(s) == 11 && allDigits(s) {
		return s // the common case: a bare mobile number
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	} else if len(d) == 15 && strings.HasPrefix(d, "0086") {
		d = d[4:]
	}
	return d
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validEmail is a deliberately plain check: one @, a non-empty local
// part, a domain with a dot, no spaces. Deliverability is the mail
// system's business.
func validEmail(s string) bool {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || strings.ContainsAny(s, " \t,;<>") {
		return false
	}
	dom := s[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-1
}

func checkContactFormat(c *checker) {
	for i := range c.persons {
		pr := &c.persons[i]
		p := pr.p
		if p.Mobile != "" {
			if _, err := cnid.ParseMobile(p.Mobile); err != nil {
				c.fail(pr.field+".mobile", t("手机号码不是有效的大陆手机号码。", "The mobile is not a valid mainland mobile number."), c.rule.Remedy)
			}
		}
		if e := p.EmergencyPhone; e != "" {
			_, errM := cnid.ParseMobile(e)
			if errM != nil {
				if _, errL := cnid.ParseLandline(e); errL != nil {
					c.fail(pr.field+".emergency_phone", t("应急联系电话不是有效的手机号码或带区号的固定电话。", "The emergency phone is neither a mobile nor a landline with area code."), c.rule.Remedy)
				}
			}
		}
		if p.Email != "" && !validEmail(p.Email) {
			c.fail(pr.field+".email", t("电子邮箱格式不正确。", "The e-mail address is malformed."), c.rule.Remedy)
		}
	}
}

// contactUse asks the blind index how many other subjects use a contact.
func (c *checker) contactUse(field string, q ContactQuery) (int, bool) {
	if !c.can(FactContacts, field) {
		return 0, false
	}
	n, err := c.in.Facts.Contacts.OtherSubjectsUsing(c.ctx, q)
	if err != nil {
		c.undecided(field, FactContacts, err)
		return 0, false
	}
	return n, true
}

func checkContactUse(c *checker, kind ContactKind, value func(*beian.Person) string, field string, what beian.Text) {
	seen := map[string]bool{}
	for i := range c.persons {
		pr := &c.persons[i]
		v := strings.TrimSpace(value(pr.p))
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		if kind == ContactMobile {
			v = digits(v)
		}
		n, ok := c.contactUse(pr.field+"."+field, ContactQuery{Kind: kind, Value: v, SubjectCertificate: c.subj.CertificateNumber, PersonCertificate: pr.p.CertificateNumber, OrderID: c.order.ID})
		if ok && n > 0 {
			c.fail(pr.field+"."+field, t(what.ZH+"已用于其他主体进行过备案（"+itoa(n)+"个主体）。", "The "+what.EN+" has been used in the filing of "+itoa(n)+" other subject(s)."), c.rule.Remedy)
		}
	}
}

func checkLocalMobile(c *checker) {
	level := c.pack.LocalMobile
	if level == "not_required" || c.prov.Code == "" {
		return
	}
	sev := Warning
	if level == "required_individual" && !c.isUnit() {
		sev = Blocking
	}
	seen := map[string]bool{}
	for i := range c.persons {
		pr := &c.persons[i]
		m := digits(pr.p.Mobile)
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		if !c.can(FactContacts, pr.field+".mobile") {
			return
		}
		home, err := c.in.Facts.Contacts.MobileProvince(c.ctx, m)
		if err != nil || home == "" {
			c.undecided(pr.field+".mobile", FactContacts, err)
			continue
		}
		if home != c.prov.Code {
			msg := t("联系电话不是备案地区（"+c.prov.Name+"）号段，建议使用本省号码。", "The mobile is not a "+c.prov.NameEN+" number; local numbers are advised.")
			fix := t("建议使用"+c.prov.Name+"号段的手机号码。", "Use a "+c.prov.NameEN+" mobile number if you can.")
			if sev == Blocking {
				msg = t(c.prov.Name+"管局要求个人备案使用"+c.prov.Name+"手机号码，该号码不是"+c.prov.Name+"号段。", "The "+c.prov.NameEN+" bureau requires individuals to use a "+c.prov.NameEN+" mobile; this one is not.")
				fix = t("请更换为"+c.prov.Name+"号段的手机号码。", "Use a "+c.prov.NameEN+" mobile number instead.")
			}
			c.emit(pr.field+".mobile", sev, msg, fix)
		}
	}
}

func checkPrincipalsDistinct(c *checker) {
	ps := c.persons
	mobiles := dupFinder{n: len(ps), key: func(i int) string { return digits(ps[i].p.Mobile) }}
	emails := dupFinder{n: len(ps), key: func(i int) string { return strings.ToLower(strings.TrimSpace(ps[i].p.Email)) }}
	for i := range ps {
		a := &ps[i]
		if j := mobiles.first(i); j >= 0 && !samePerson(a.p, ps[j].p) {
			c.fail(a.field+".mobile", t("该负责人与另一位负责人使用了相同的手机号码。", "This person shares a mobile number with another responsible person."), c.rule.Remedy)
		}
		if j := emails.first(i); j >= 0 && !samePerson(a.p, ps[j].p) {
			c.fail(a.field+".email", t("该负责人与另一位负责人使用了相同的电子邮箱。", "This person shares an e-mail address with another responsible person."), c.rule.Remedy)
		}
	}
}

func checkSamePersonConsistent(c *checker) {
	ps := c.persons
	certs := dupFinder{n: len(ps), key: func(i int) string { return strings.ToUpper(strings.TrimSpace(ps[i].p.CertificateNumber)) }}
	for i := range ps {
		j := certs.first(i)
		if j < 0 {
			continue
		}
		a, b := ps[i].p, ps[j].p
		if foldName(a.Name) != foldName(b.Name) || digits(a.Mobile) != digits(b.Mobile) || !strings.EqualFold(strings.TrimSpace(a.Email), strings.TrimSpace(b.Email)) {
			c.fail(ps[i].field, c.rule.Reason, c.rule.Remedy)
		}
	}
}
