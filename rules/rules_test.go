package rules

import (
	"context"
	"net/netip"
	"sort"
	"testing"

	"github.com/openbeian/beian"
)

// ruleCase is a rule's pair of fixtures: fail makes the rule report a
// decided finding, pass is an order the rule applies to (where it can) and
// finds nothing in.
type ruleCase struct {
	fail, pass func() *fixture
}

func ent() *fixture { return enterprise("11") }
func ind() *fixture { return individual("11") }

// second adds a person other than the principal as the first website's
// principal.
func (f *fixture) otherServicePrincipal() *fixture {
	p := person("张伟", residentID(county(f.order.Province), beian.NewDate(1988, 2, 3), 45), "13500135005", "13400134006", "zhangwei@qingyun-data.cn")
	f.site(0).Principal = p
	f.facts.SetMobileProvince(p.Mobile, f.order.Province)
	return f
}

// authorized makes someone else the legal representative, so the principal
// acts on authorization.
func (f *fixture) authorized() *fixture {
	f.subj().LegalRepresentative = "赵大海"
	return f
}

var ruleCases = map[string]ruleCase{
	"ORDER-INPUT-INCOMPLETE": {
		fail: func() *fixture { f := ent(); f.date = beian.Date{}; return f },
		pass: ent,
	},
	"ORDER-TYPE-UNKNOWN": {
		fail: func() *fixture { f := ent(); f.order.Type = "bulk_import"; return f },
		pass: ent,
	},
	"ORDER-PROVINCE": {
		fail: func() *fixture { f := ent(); f.subj().Province = "12"; return f },
		pass: ent,
	},
	"ORDER-SERVICE-KIND": {
		fail: func() *fixture { f := ent(); f.order.Type = beian.NewApp; return f },
		pass: ent,
	},
	"ORDER-INDIVIDUAL-WEBSITE-AND-APP": {
		fail: func() *fixture { return ind().withApp() },
		pass: ind,
	},
	"ORDER-RECORD-AT-PROVIDER": {
		fail: func() *fixture { f := ent().onRecord(beian.ChangeService); f.site(0).RecordID = "service-9"; return f },
		pass: func() *fixture { return ent().onRecord(beian.ChangeService) },
	},
	"ACCOUNT-ONE-SUBJECT": {
		fail: func() *fixture {
			f := ent()
			f.facts.BindAccount("account-9", "another-login", f.subj().CertificateNumber)
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.facts.BindAccount("account-1", "qingyun", f.subj().CertificateNumber)
			return f
		},
	},
	"ORDER-IN-PROGRESS": {
		fail: func() *fixture {
			f := ent()
			f.facts.AddOrder(f.subj().CertificateNumber, OrderRef{ID: "order-7", Type: beian.NewWebsite, State: beian.AwaitingPrelim})
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.facts.AddOrder(f.subj().CertificateNumber, OrderRef{ID: "order-1", Type: beian.FirstFiling, State: beian.Draft})
			f.facts.AddOrder(f.subj().CertificateNumber, OrderRef{ID: "order-0", Type: beian.FirstFiling, State: beian.Abandoned})
			return f
		},
	},
	"SUBJECT-HOST-CONFLICT": {
		fail: ent,
		pass: func() *fixture { return ent().onRecord(beian.NewWebsite) },
	},
	"RESOURCE-REGION": {
		fail: func() *fixture { return ent().setResource(func(r *Resource) { r.Mainland = false }) },
		pass: ent,
	},
	"RESOURCE-PREPAID-TERM": {
		fail: func() *fixture { return ent().setResource(func(r *Resource) { r.TermMonths = 2 }) },
		pass: func() *fixture { return ent().setResource(func(r *Resource) { r.TermMonths = 3 }) },
	},
	"RESOURCE-KIND": {
		fail: func() *fixture { return ent().setResource(func(r *Resource) { r.Kind = ResourceStandaloneEIP }) },
		pass: ent,
	},
	"RESOURCE-QUOTA": {
		fail: func() *fixture { return ent().setResource(func(r *Resource) { r.FilingsUsed = 5 }) },
		pass: func() *fixture { return ent().setResource(func(r *Resource) { r.FilingsUsed = 4 }) },
	},
	"AUTHCODE-VALID": {
		fail: func() *fixture {
			return ent().setResource(func(r *Resource) {
				*r = Resource{Kind: ResourceAuthCode, AuthCode: &AuthCodeState{Used: true, IssuedBy: "account-5", GrantedTo: "account-1"}}
			})
		},
		pass: func() *fixture {
			return ent().setResource(func(r *Resource) {
				*r = Resource{Kind: ResourceAuthCode, AuthCode: &AuthCodeState{IssuedBy: "account-5", GrantedTo: "account-1"}}
			})
		},
	},
	"SUBJECT-SERVICE-LIMIT": {
		fail: func() *fixture {
			f := ind()
			for i, d := range []string{"songfeng-a.cn", "songfeng-b.cn", "songfeng-c.cn", "songfeng-d.cn", "songfeng-e.cn"} {
				f.addSite("site-x"+itoa(i), "松风读书笔记"+itoa(i), d)
			}
			return f
		},
		pass: func() *fixture {
			f := ind()
			for i, d := range []string{"songfeng-a.cn", "songfeng-b.cn", "songfeng-c.cn", "songfeng-d.cn"} {
				f.addSite("site-x"+itoa(i), "松风读书笔记"+itoa(i), d)
			}
			return f
		},
	},
	"ORDER-TYPE-RECORD-EXISTS": {
		fail: func() *fixture { f := ent().onRecord(beian.NewAccess); f.order.Type = beian.FirstFiling; return f },
		pass: ent,
	},
	"ORDER-IMMUTABLE-DATA": {
		fail: func() *fixture {
			f := ent().onRecord(beian.ChangeSubject)
			f.subj().CertificateNumber = uscc("91", county("11"), 2)
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.ChangeSubject) },
	},
	"ORDER-MAX-NEW-DOMAINS": {
		fail: func() *fixture {
			f := enterprise("14")
			f.site(0).Domains = []string{"qingyun-data.cn", "qingyun-a.cn", "qingyun-b.cn", "qingyun-c.cn"}
			return f
		},
		pass: func() *fixture {
			f := enterprise("14")
			f.site(0).Domains = []string{"qingyun-data.cn", "qingyun-a.cn", "qingyun-b.cn"}
			return f
		},
	},
	"ORDER-ONE-WEBSITE": {
		fail: func() *fixture {
			return enterprise("42").addSite("site-2", "青云数据文档中心", "qingyun-docs.cn")
		},
		pass: func() *fixture { return enterprise("42") },
	},
	"WEBSITE-ONE-DOMAIN": {
		fail: func() *fixture {
			f := enterprise("42")
			f.site(0).Domains = append(f.site(0).Domains, "qingyun-data.com")
			return f
		},
		pass: func() *fixture { return enterprise("42") },
	},
	"MIGRATE-PROVINCE": {
		fail: func() *fixture { return enterprise("11").onRecord(beian.Migrate) },
		pass: func() *fixture { return enterprise("12").onRecord(beian.Migrate) },
	},
	"MIGRATE-NO-APP": {
		fail: func() *fixture { f := enterprise("12").onRecord(beian.Migrate); f.withAppKeepFacts(); return f },
		pass: func() *fixture { return enterprise("12").onRecord(beian.Migrate) },
	},
	"MIGRATE-TARGET-UNIT": {
		fail: func() *fixture { return individual("12").onRecord(beian.Migrate) },
		pass: func() *fixture { return enterprise("12").onRecord(beian.Migrate) },
	},
	"CHANGE-NAME-LETTER": {
		fail: func() *fixture {
			f := ent().onRecord(beian.ChangeSubject)
			f.subj().Name = "北京青云智算科技有限公司"
			return f
		},
		pass: func() *fixture {
			f := ent().onRecord(beian.ChangeSubject)
			f.subj().Name = "北京青云智算科技有限公司"
			return f.with(MaterialNameChangeLetter, "subject")
		},
	},
	"CHANGE-FIVE-PHOTO-SET": {
		fail: func() *fixture { return enterprise("63").onRecord(beian.ChangeBoth) },
		pass: func() *fixture {
			return enterprise("63").onRecord(beian.ChangeBoth).with(MaterialVerificationSheet, "").
				with(MaterialServicePrincipalIDFront, "site-1").with(MaterialServicePrincipalPhoto, "site-1")
		},
	},
	"ACCESS-DATA-MATCHES-RECORD": {
		fail: func() *fixture {
			f := ent().onRecord(beian.NewAccess)
			f.site(0).Name = "青云数据新官网"
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.NewAccess) },
	},
	"CONSTRUCTION-PLAN": {
		fail: func() *fixture {
			f := enterprise("43").onRecord(beian.NewWebsite)
			rec, _ := f.facts.RecordByID(context.Background(), recordSubjectID)
			second := rec.Services[0]
			second.ID, second.Number.Ordinal = "service-2", 2
			site := *second.Website
			site.Domains = []string{"qingyun-open.cn"}
			second.Website = &site
			rec.Services = append(rec.Services, second)
			return f
		},
		pass: func() *fixture { return enterprise("43").onRecord(beian.NewWebsite) },
	},
	"WEBSITE-DOMAIN-REQUIRED": {
		fail: func() *fixture { f := ent(); f.site(0).Domains = nil; return f },
		pass: ent,
	},
	"DOMAIN-SYNTAX": {
		fail: func() *fixture {
			f := ent()
			f.site(0).Domains = []string{"http://qingyun-data.cn/index.html"}
			return f
		},
		pass: func() *fixture { f := ent(); f.site(0).Domains = []string{"QingYun-Data.CN."}; return f },
	},
	"DOMAIN-DUPLICATE": {
		fail: func() *fixture { return ent().addSite("site-2", "青云数据文档中心", "qingyun-data.cn") },
		pass: func() *fixture { return ent().addSite("site-2", "青云数据文档中心", "qingyun-docs.cn") },
	},
	"DOMAIN-TLD-NOT-APPROVED": {
		fail: func() *fixture { f := ent(); f.site(0).Domains = []string{"qingyun-data.io"}; return f },
		pass: func() *fixture {
			f := ent()
			f.site(0).Domains = []string{"青云数据.中国"}
			return f.setReg("青云数据.中国", func(r *Registration) {
				*r = Registration{Registrar: "华为云", RealNameVerified: true, Holder: f.subj().Name, Registered: beian.NewDate(2020, 1, 1), Expires: beian.NewDate(2030, 1, 1)}
			})
		},
	},
	"DOMAIN-SUBDOMAIN": {
		fail: func() *fixture { f := ent(); f.site(0).Domains = []string{"www.qingyun-data.cn"}; return f },
		pass: func() *fixture {
			f := ent()
			f.site(0).Domains = []string{"qingyun-data.com.cn"}
			return f.setReg("qingyun-data.com.cn", func(r *Registration) {
				*r = Registration{Registrar: "新网", RealNameVerified: true, Holder: f.subj().Name, Expires: beian.NewDate(2030, 1, 1)}
			})
		},
	},
	"DOMAIN-REGISTRAR-NOT-APPROVED": {
		fail: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Registrar = "GoDaddy.com, LLC" })
		},
		pass: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Registrar = "Alibaba Cloud Computing (Beijing) Co., Ltd." })
		},
	},
	"DOMAIN-EXPIRED": {
		fail: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 2, 28) })
		},
		pass: ent,
	},
	"DOMAIN-VALIDITY-MONTHS": {
		fail: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 6, 1) })
		},
		pass: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 6, 2) })
		},
	},
	"DOMAIN-EXPIRED-IN-FILED-SITE": {
		fail: func() *fixture {
			f := ent()
			f.site(0).Domains = []string{"qingyun-data.cn", "qingyun-data.net"}
			f.setReg("qingyun-data.net", func(r *Registration) {
				*r = Registration{Registrar: "新网", RealNameVerified: true, Holder: f.subj().Name, Registered: beian.NewDate(2019, 1, 1), Expires: beian.NewDate(2025, 4, 1)}
			})
			return f.onRecord(beian.ChangeService)
		},
		pass: func() *fixture {
			f := ent()
			f.site(0).Domains = []string{"qingyun-data.cn", "qingyun-data.net"}
			f.setReg("qingyun-data.net", func(r *Registration) {
				*r = Registration{Registrar: "新网", RealNameVerified: true, Holder: f.subj().Name, Registered: beian.NewDate(2019, 1, 1), Expires: beian.NewDate(2027, 4, 1)}
			})
			return f.onRecord(beian.ChangeService)
		},
	},
	"DOMAIN-REALNAME-MISSING": {
		fail: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.RealNameVerified = false })
		},
		pass: ent,
	},
	"DOMAIN-REALNAME-MISMATCH": {
		fail: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Holder, r.HolderCertificate = "张小明", "" })
		},
		pass: func() *fixture {
			return ent().setReg("qingyun-data.cn", func(r *Registration) { r.Holder = "北京青云数据科技有限公司" })
		},
	},
	"DOMAIN-HOLDER-PROVINCE": {
		fail: func() *fixture {
			return enterprise("64").setReg("qingyun-data.cn", func(r *Registration) { r.Holder, r.HolderCertificate = "王建国", "" })
		},
		pass: func() *fixture {
			return enterprise("44").setReg("qingyun-data.cn", func(r *Registration) { r.Holder, r.HolderCertificate = "王建国", "" })
		},
	},
	"DOMAIN-REGISTERED-AFTER-FILING": {
		fail: func() *fixture {
			return ent().onRecord(beian.ChangeService).setReg("qingyun-data.cn", func(r *Registration) { r.Registered = beian.NewDate(2024, 5, 1) })
		},
		pass: func() *fixture { return ent().onRecord(beian.ChangeService) },
	},
	"DOMAIN-UNFILED-RESOLVING": {
		fail: func() *fixture {
			f := ent()
			f.facts.SetResolution("qingyun-data.cn", Resolution{Resolves: true, Addrs: []netip.Addr{netip.MustParseAddr("47.92.1.1")}})
			return f
		},
		pass: ent,
	},
	"DOMAIN-GOVERNMENT-SUFFIX": {
		fail: func() *fixture { return organisation("11", beian.NatureGovernment, "bj-data.cn") },
		pass: func() *fixture { return organisation("11", beian.NatureGovernment, "data.beijing.gov.cn") },
	},
	"DOMAIN-PUBLIC-INSTITUTION-SUFFIX": {
		fail: func() *fixture { return organisation("11", beian.NaturePublicInstitution, "bj-datacenter.com") },
		pass: func() *fixture {
			f := organisation("11", beian.NaturePublicInstitution, "bj-datacenter.com")
			f.date = beian.NewDate(2024, 6, 30) // before the regulation took effect
			return f
		},
	},
	"DOMAIN-GOVERNMENT-ZHENGWU-NAME": {
		fail: func() *fixture { return organisation("11", beian.NatureGovernment, "北京市数据资源局.政务") },
		pass: func() *fixture { return organisation("11", beian.NatureGovernment, "data.beijing.gov.cn") },
	},
	"CHANGE-WEBSITE-DOMAINS-REPLACED": {
		fail: func() *fixture {
			f := ent().onRecord(beian.ChangeService)
			f.site(0).Domains = []string{"qingyun-new.cn"}
			return f
		},
		pass: func() *fixture {
			f := ent().onRecord(beian.ChangeService)
			f.site(0).Domains = []string{"qingyun-data.cn", "qingyun-new.cn"}
			return f
		},
	},
	"APP-DOMAIN-WWW": {
		fail: func() *fixture {
			f := ent().withApp()
			f.snap().Apps[0].Domains = []string{"www.qingyun-data.cn"}
			return f
		},
		pass: func() *fixture { return ent().withApp() },
	},
	"DOMAIN-FILED-BY-OTHER-SUBJECT": {
		fail: func() *fixture {
			f := ent()
			f.facts.AddRecord(otherSubjectRecord("qingyun-data.cn", beian.RecordFiled))
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.facts.AddRecord(otherSubjectRecord("other-site.cn", beian.RecordFiled))
			return f
		},
	},
	"BLACKLISTED": {
		fail: func() *fixture { f := ent(); f.facts.AddBlacklisted(BlacklistDomain, "QINGYUN-DATA.CN"); return f },
		pass: func() *fixture { f := ent(); f.facts.AddBlacklisted(BlacklistDomain, "bad-site.cn"); return f },
	},
	"SUBJECT-REQUIRED-FIELDS": {
		fail: func() *fixture { f := ent(); f.subj().MailingAddress.Region = "119999"; return f },
		pass: ent,
	},
	"PERSON-REQUIRED-FIELDS": {
		fail: func() *fixture { f := ent(); f.site(0).Principal.Email = ""; return f },
		pass: ent,
	},
	"SUBJECT-NATURE-CERTIFICATE": {
		fail: func() *fixture { f := ent(); f.subj().CertificateType = beian.CertPublicInstitution; return f },
		pass: ent,
	},
	"SUBJECT-CERT-NUMBER-FORMAT": {
		fail: func() *fixture {
			f := ent()
			n := []byte(f.subj().CertificateNumber)
			n[17] = map[bool]byte{true: '1', false: '0'}[n[17] == '0']
			f.subj().CertificateNumber = string(n)
			return f
		},
		pass: ent,
	},
	"PERSON-CERT-NUMBER-FORMAT": {
		fail: func() *fixture {
			f := ent().otherServicePrincipal()
			f.site(0).Principal.CertificateNumber = "11010119880203045Y"
			return f.with(MaterialServicePrincipalAuthorization, "site-1").with(MaterialServicePrincipalIDFront, "site-1").with(MaterialServicePrincipalIDBack, "site-1")
		},
		pass: ent,
	},
	"SUBJECT-LEGACY-ORG-CODE": {
		fail: func() *fixture {
			f := ent()
			f.subj().CertificateType, f.subj().CertificateNumber = beian.CertOrgCode, "10000001-9"
			return f
		},
		pass: ent,
	},
	"SUBJECT-PROVINCE-CERTIFICATE": {
		fail: func() *fixture { f := ent(); f.subj().CertificateRegion = county("44"); return f },
		pass: ent,
	},
	"SUBJECT-CERT-VALIDITY-3M": {
		fail: func() *fixture {
			f := ent()
			f.subj().LongTerm, f.subj().CertificateValidUntil = false, beian.NewDate(2025, 6, 1)
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.subj().LongTerm, f.subj().CertificateValidUntil = false, beian.NewDate(2025, 6, 2)
			return f
		},
	},
	"PERSON-CERT-VALIDITY-3M": {
		fail: func() *fixture {
			f := ent()
			f.subj().Principal.CertificateValidUntil = beian.NewDate(2025, 4, 30)
			return f
		},
		pass: func() *fixture { f := ent(); f.subj().Principal.LongTerm = true; return f },
	},
	"SUBJECT-LICENCE-LATEST":      {fail: ent, pass: ind},
	"SUBJECT-REGISTRY-MATCH":      {fail: ent, pass: ind},
	"SUBJECT-CERTIFICATE-ADDRESS": {fail: ent, pass: ind},
	"ADDRESS-SAME-CITY": {
		fail: func() *fixture {
			f := enterprise("13")
			f.subj().MailingAddress.Region = otherCityCounty("13")
			return f
		},
		pass: func() *fixture { return enterprise("13") },
	},
	"INDIVIDUAL-CROSS-PROVINCE": {
		fail: func() *fixture {
			f := individual("44")
			id := residentID(county("41"), beian.NewDate(1990, 8, 17), 23)
			f.subj().CertificateNumber, f.subj().Principal.CertificateNumber, f.site(0).Principal.CertificateNumber = id, id, id
			return f
		},
		pass: func() *fixture {
			f := individual("44")
			id := residentID(county("41"), beian.NewDate(1990, 8, 17), 23)
			f.subj().CertificateNumber, f.subj().Principal.CertificateNumber, f.site(0).Principal.CertificateNumber = id, id, id
			f.subj().Principal.ResidencePermitUntil = beian.NewDate(2026, 1, 1)
			return f.with(MaterialResidencePermit, "subject")
		},
	},
	"INDIVIDUAL-CERTIFICATE-TYPE": {
		fail: func() *fixture {
			f := individual("46")
			for _, p := range []*beian.Person{&f.subj().Principal, &f.site(0).Principal} {
				p.CertificateType, p.CertificateNumber = beian.CertPassport, "E12345678"
			}
			f.subj().CertificateType, f.subj().CertificateNumber = beian.CertPassport, "E12345678"
			return f
		},
		pass: func() *fixture { return individual("46") },
	},
	"INDIVIDUAL-PRINCIPAL-SELF": {
		fail: func() *fixture { f := ind(); f.subj().Principal.Name = "李明"; return f },
		pass: ind,
	},
	"INDIVIDUAL-SERVICE-PRINCIPAL-SELF": {
		fail: func() *fixture { return ind().otherServicePrincipal() },
		pass: ind,
	},
	"PRINCIPAL-LEGAL-REP": {
		fail: func() *fixture { return ent().authorized().with(MaterialPrincipalAuthorization, "subject") },
		pass: func() *fixture {
			f := ent().authorized().with(MaterialPrincipalAuthorization, "subject")
			f.subj().LegalRepresentativeCertificateType = beian.CertPassport // a foreign legal rep may authorize
			return f
		},
	},
	"PRINCIPAL-AUTHORIZATION-LETTER": {
		fail: func() *fixture { return enterprise("34").authorized() },
		pass: func() *fixture { return enterprise("34").authorized().with(MaterialPrincipalAuthorization, "subject") },
	},
	"PRINCIPAL-MAINLAND-CERTIFICATE": {
		fail: func() *fixture {
			f := enterprise("14")
			f.subj().Principal.CertificateType, f.subj().Principal.CertificateNumber = beian.CertHKMacauPermit, "H12345678"
			return f
		},
		pass: func() *fixture { return enterprise("14") },
	},
	"PRINCIPAL-AUTHORIZED-SAME-AS-SERVICE": {
		fail: func() *fixture {
			return enterprise("32").authorized().with(MaterialPrincipalAuthorization, "subject").otherServicePrincipal()
		},
		pass: func() *fixture { return enterprise("32").authorized().with(MaterialPrincipalAuthorization, "subject") },
	},
	"SERVICE-PRINCIPAL-AUTHORIZATION": {
		fail: func() *fixture { return ent().otherServicePrincipal() },
		pass: func() *fixture {
			return ent().otherServicePrincipal().with(MaterialServicePrincipalAuthorization, "site-1")
		},
	},
	"PERSON-MIN-AGE": {
		fail: func() *fixture {
			f := ent()
			f.subj().Principal.CertificateNumber = residentID(county("11"), beian.NewDate(2008, 3, 2), 11)
			f.site(0).Principal = f.subj().Principal
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.subj().Principal.CertificateNumber = residentID(county("11"), beian.NewDate(2007, 3, 1), 11)
			f.site(0).Principal = f.subj().Principal
			return f
		},
	},
	"PERSON-AGE-PROOF": {
		fail: func() *fixture {
			f := enterprise("32")
			f.subj().Principal.CertificateNumber = residentID(county("32"), beian.NewDate(2008, 1, 1), 11)
			f.site(0).Principal = f.subj().Principal
			return f
		},
		pass: func() *fixture {
			f := enterprise("32")
			f.subj().Principal.CertificateNumber = residentID(county("32"), beian.NewDate(2008, 1, 1), 11)
			f.site(0).Principal = f.subj().Principal
			return f.with(MaterialAgeProof, "subject")
		},
	},
	"PRINCIPAL-ID-OTHER-SUBJECT": {
		fail: func() *fixture {
			f := enterprise("41")
			f.facts.AddContactUse(ContactCertificate, f.subj().Principal.CertificateNumber, uscc("91", county("41"), 55), "")
			return f
		},
		pass: func() *fixture { return enterprise("41") },
	},
	"SOLE-TRADER-SEAL": {
		fail: func() *fixture { f := ent(); f.subj().CertificateNumber = uscc("92", county("11"), 3); return f },
		pass: ent,
	},
	"SOLE-TRADER-NO-TRADE-NAME": {
		fail: func() *fixture {
			f := enterprise("13")
			f.subj().CertificateNumber = uscc("92", county("13"), 3)
			return f
		},
		pass: func() *fixture { return enterprise("13") },
	},
	"SUBJECT-MEDICAL-CERT": {
		fail: func() *fixture {
			f := ent()
			f.subj().Nature, f.subj().CertificateType = beian.NatureMedical, beian.CertMedicalInstitution
			return f
		},
		pass: func() *fixture { f := ent(); f.subj().Nature = beian.NatureMedical; return f },
	},
	"SUBJECT-EMPTY-SHELL": {
		fail: func() *fixture { return shellSubject("13") },
		pass: func() *fixture { return shellSubject("11") },
	},
	"GOVERNMENT-ESTABLISHMENT-PROOF": {
		fail: func() *fixture {
			return organisation("11", beian.NatureGovernment, "data.beijing.gov.cn").without(MaterialEstablishmentProof)
		},
		pass: func() *fixture { return organisation("11", beian.NatureGovernment, "data.beijing.gov.cn") },
	},
	"HOSPITAL-DOCUMENTS": {
		fail: func() *fixture { f := ent(); f.subj().Name = "北京青云医院有限公司"; return f },
		pass: func() *fixture {
			f := ent()
			f.subj().Name = "北京青云医院有限公司"
			return f.with(MaterialMedicalPracticeLicence, "subject").with(MaterialMedicalAdApproval, "subject")
		},
	},
	"CONTACT-FORMAT": {
		fail: func() *fixture { f := ent(); f.subj().Principal.EmergencyPhone = "8888"; return f },
		pass: func() *fixture { f := ent(); f.subj().Principal.EmergencyPhone = "010-62551234"; return f },
	},
	"CONTACT-REACHABLE": {
		fail: ent,
		pass: func() *fixture { f := ent(); f.order.Type = beian.Transfer; return f },
	},
	"CONTACT-LOCAL-MOBILE": {
		fail: func() *fixture {
			f := individual("43")
			f.facts.SetMobileProvince(f.subj().Principal.Mobile, "44")
			return f
		},
		pass: func() *fixture { return individual("43") },
	},
	"CONTACT-MOBILE-OTHER-SUBJECT": {
		fail: func() *fixture {
			f := ent()
			f.facts.AddContactUse(ContactMobile, "+86 138 0013 8001", uscc("91", county("31"), 9), residentID(county("31"), beian.NewDate(1970, 1, 1), 1))
			return f
		},
		pass: func() *fixture {
			f := ent()
			// The same person, legal rep of another company too, keeps one number.
			f.facts.AddContactUse(ContactMobile, "13800138001", uscc("91", county("31"), 9), f.subj().Principal.CertificateNumber)
			return f
		},
	},
	"CONTACT-EMAIL-OTHER-SUBJECT": {
		fail: func() *fixture {
			f := ent()
			f.facts.AddContactUse(ContactEmail, "WangJG@qingyun-data.cn", uscc("91", county("31"), 9), residentID(county("31"), beian.NewDate(1970, 1, 1), 1))
			return f
		},
		pass: ent,
	},
	"CONTACT-PRINCIPALS-DISTINCT": {
		fail: func() *fixture {
			f := ent().otherServicePrincipal().with(MaterialServicePrincipalAuthorization, "site-1")
			f.site(0).Principal.Mobile = f.subj().Principal.Mobile
			return f
		},
		pass: func() *fixture {
			return ent().otherServicePrincipal().with(MaterialServicePrincipalAuthorization, "site-1")
		},
	},
	"CONTACT-SAME-PERSON-CONSISTENT": {
		fail: func() *fixture { f := ent(); f.site(0).Principal.Email = "wang.jianguo@qingyun-data.cn"; return f },
		pass: ent,
	},
	"CONTACT-EMERGENCY-DISTINCT": {
		fail: func() *fixture { f := ent(); f.subj().Principal.EmergencyPhone = "138-0013-8001"; return f },
		pass: ent,
	},
	"SITE-NAME-TOO-SHORT":           {fail: siteNamed("青云"), pass: siteNamed("青云网")},
	"SITE-NAME-DIGITS-LETTERS-ONLY": {fail: siteNamed("qingyun2024"), pass: ent},
	"SITE-NAME-SPECIAL-SYMBOL":      {fail: siteNamed("青云数据★官网"), pass: siteNamed("青云数据(北京)官网")},
	"SITE-NAME-DOMAIN-LIKE":         {fail: siteNamed("qingyun-data.cn"), pass: ent},
	"SITE-NAME-BANNED-WORD":         {fail: siteNamed("青云数据博彩资讯"), pass: ent},
	"SITE-NAME-STATE-PREFIX":        {fail: siteNamed("中国青云数据官网"), pass: ent},
	"SITE-NAME-ENTERPRISE-RELATED":  {fail: siteNamed("星河万象官网"), pass: ent},
	"SITE-NAME-REFLECTS-SERVICE": {
		fail: func() *fixture { return enterprise("44") },
		pass: ent,
	},
	"SITE-NAME-INDIVIDUAL-WORD": {
		fail: func() *fixture { f := individual("41"); f.site(0).Name = "松风设计随笔"; return f },
		pass: func() *fixture { return individual("41") },
	},
	"SITE-NAME-INDIVIDUAL-CAUTION": {fail: indSiteNamed("松风社区"), pass: ind},
	"SITE-NAME-PERSON-NAME":        {fail: indSiteNamed("李明远"), pass: ind},
	"SITE-NAME-INDIVIDUAL-LENGTH":  {fail: indSiteNamed("松风随笔与山水之间的闲谈杂记"), pass: indSiteNamed("松风随笔与山水闲谈")},
	"SITE-NAME-ENGLISH": {
		fail: func() *fixture { f := enterprise("15"); f.site(0).Name = "青云数据Cloud官网"; return f },
		pass: func() *fixture { return enterprise("15") },
	},
	"SITE-NAME-MATCHES-NATURE": {
		fail: func() *fixture { return enterprise("54") },
		pass: ent,
	},
	"SITE-NAME-DUPLICATE": {
		fail: func() *fixture { return ent().addSite("site-2", "青云数据官网", "qingyun-docs.cn") },
		pass: func() *fixture { return ent().addSite("site-2", "青云数据文档中心", "qingyun-docs.cn") },
	},
	"SITE-NAME-PREAPPROVAL-IMPLIED": {
		fail: siteNamed("青云数据新闻网"),
		pass: func() *fixture {
			f := siteNamed("青云数据新闻网")()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorNews, Number: "京网信备11010000001号", ValidUntil: beian.NewDate(2027, 1, 1), DocumentID: "doc-news"}}
			return f
		},
	},
	"SITE-CONTENT-CATALOGUE": {
		fail: func() *fixture { f := ent(); f.site(0).ServiceContent = []string{"企业展示"}; return f },
		pass: ent,
	},
	"SITE-CONTENT-INDIVIDUAL": {
		fail: func() *fixture { f := ind(); f.site(0).ServiceContent = []string{"网络购物"}; return f },
		pass: ind,
	},
	"SITE-CONTENT-OTHER-REMARK": {
		fail: func() *fixture { f := ind(); f.site(0).ServiceContent = []string{ContentOther}; return f },
		pass: func() *fixture {
			f := ind()
			f.site(0).ServiceContent = []string{ContentOther}
			f.site(0).Remark = "网站仅用于个人读书笔记分享，不涉及企业内容；如发现企业内容，接受注销主体与域名备案并列入黑名单。"
			return f
		},
	},
	"SITE-CONTENT-REVIEW": {
		fail: ent,
		pass: func() *fixture { return ent().onRecord(beian.ChangeSubject) },
	},
	"PREAPPROVAL-REQUIRED": {
		fail: func() *fixture { f := ent(); f.site(0).ServiceContent = []string{"网上新闻"}; return f },
		pass: func() *fixture {
			f := ent()
			f.site(0).ServiceContent = []string{"网上新闻"}
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorNews, Number: "京网信备11010000001号", ValidUntil: beian.NewDate(2027, 1, 1), DocumentID: "doc-news"}}
			return f
		},
	},
	"PREAPPROVAL-DETAILS": {
		fail: func() *fixture {
			f := ent()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorCulture, ValidUntil: beian.NewDate(2027, 1, 1)}}
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorCulture, Number: "京网文〔2024〕0001-001号", ValidUntil: beian.NewDate(2027, 1, 1), DocumentID: "doc-culture"}}
			return f
		},
	},
	"PREAPPROVAL-EXPIRED": {
		fail: func() *fixture {
			f := ent()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorCulture, Number: "京网文〔2021〕0001-001号", ValidUntil: beian.NewDate(2025, 2, 28), DocumentID: "doc-culture"}}
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorCulture, Number: "京网文〔2024〕0001-001号", ValidUntil: beian.NewDate(2025, 3, 1), DocumentID: "doc-culture"}}
			return f
		},
	},
	"PREAPPROVAL-FILE-CLARITY": {
		fail: func() *fixture {
			f := ent()
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorCulture, Number: "京网文〔2024〕0001-001号", ValidUntil: beian.NewDate(2027, 1, 1), DocumentID: "doc-culture"}}
			return f
		},
		pass: ent,
	},
	"PREAPPROVAL-BUSINESS-SCOPE": {fail: ent, pass: ind},
	"PREAPPROVAL-RELIGION": {
		fail: func() *fixture { f := ent(); f.site(0).Remark = "分享佛教文化与寺院建筑"; return f },
		pass: func() *fixture {
			f := ent()
			f.site(0).Remark = "分享佛教文化与寺院建筑"
			f.site(0).PreApprovals = []beian.PreApproval{{Category: SectorReligion, Number: "（京）—20240001", ValidUntil: beian.NewDate(2027, 1, 1), DocumentID: "doc-rel"}}
			return f
		},
	},
	"FILED-SITE-DISPLAYS-NUMBER": {
		fail: func() *fixture {
			f := ent().onRecord(beian.NewWebsite)
			f.facts.SetHomepage("qingyun-data.cn", Homepage{Reachable: true, Title: "青云数据官网", LinksToMIIT: true})
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.NewWebsite) },
	},
	"FILED-SITE-TITLE-MATCH": {
		fail: func() *fixture {
			f := ent().onRecord(beian.NewWebsite)
			f.facts.SetHomepage("qingyun-data.cn", Homepage{Reachable: true, Title: "欢迎光临", NumberShown: "京ICP备2023000123号-1", LinksToMIIT: true})
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.NewWebsite) },
	},
	"SERVICE-EMPTY-SHELL": {
		fail: func() *fixture {
			f := ent()
			f.facts.AddRecord(otherSubjectRecord("qingyun-data.cn", beian.RecordEmptyShell))
			return f
		},
		pass: func() *fixture {
			f := ent()
			f.facts.AddRecord(otherSubjectRecord("qingyun-data.cn", beian.RecordCancelled))
			return f
		},
	},
	"SERVICE-NUMBER-DEREGISTERED": {
		fail: func() *fixture {
			f := ent().onRecord(beian.NewAccess)
			rec, _ := f.facts.RecordByID(context.Background(), recordSubjectID)
			rec.Services[0].Status = beian.RecordCancelled
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.NewAccess) },
	},
	"UPLOAD-FORMAT": {
		fail: func() *fixture { f := ent(); f.snap().Materials[0].MediaType = "application/pdf"; return f },
		pass: ent,
	},
	"UPLOAD-IMAGE-CLARITY": {fail: ent, pass: func() *fixture { f := ent(); f.snap().Materials = nil; return f }},
	"UPLOAD-ORIGINAL":      {fail: ent, pass: func() *fixture { f := ent(); f.snap().Materials = nil; return f }},
	"UPLOAD-LICENCE-SEAL": {
		fail: func() *fixture { return enterprise("46") },
		pass: ent,
	},
	"MATERIALS-REQUIRED": {
		fail: func() *fixture { return ent().without(MaterialPrincipalIDBack) },
		pass: ent,
	},
	"AUTHENTICITY-COMMITMENT": {
		fail: func() *fixture { return ent().without(MaterialCommitmentLetter) },
		pass: ent,
	},
	"AUTHENTICITY-RESPONSIBILITY-NOTICE": {
		fail: func() *fixture { return enterprise("32").without(MaterialResponsibilityNotice) },
		pass: func() *fixture {
			f := enterprise("32").without(MaterialResponsibilityNotice)
			f.date = beian.NewDate(2021, 5, 31) // before the requirement
			return f
		},
	},
	"AUTHENTICITY-COMMITMENT-VIDEO": {
		fail: func() *fixture { return enterprise("32").without(MaterialCommitmentVideo) },
		pass: func() *fixture { return enterprise("32") },
	},
	"BUREAU-COMMITMENT-LETTER": {
		fail: func() *fixture { return enterprise("44").without(MaterialBureauCommitment) },
		pass: func() *fixture { return enterprise("44") },
	},
	"AUTHENTICITY-FACE": {
		fail: ent,
		pass: func() *fixture { return ent().onRecord(beian.ChangeSubject) },
	},
	"AUTHENTICITY-VIDEO-CALL": {
		fail: ent,
		pass: func() *fixture { return ent().onRecord(beian.CancelAccess) },
	},
	"APP-NAME-FORMAT": {
		fail: func() *fixture { f := ent().withApp(); f.snap().Apps[0].Name = "测试"; return f },
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-NAME-REVIEW": {fail: func() *fixture { return ent().withApp() }, pass: ent},
	"APP-ICON": {
		fail: func() *fixture {
			f := ent().withApp()
			for i := range f.snap().Materials {
				if f.snap().Materials[i].DocumentID == "doc-icon" {
					f.snap().Materials[i].Size = 300 << 10
				}
			}
			return f
		},
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-RELEASES-REQUIRED": {
		fail: func() *fixture { f := ent().withApp(); f.snap().Apps[0].Releases = nil; return f },
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-PLATFORM": {
		fail: func() *fixture {
			f := ent().withApp()
			f.snap().Apps[0].Releases[0].Platform = "huawei_appgallery"
			return f
		},
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-PACKAGE-NAME": {
		fail: func() *fixture {
			f := ent().withApp()
			f.snap().Apps[0].Releases[0].PackageName = "1cn.qingyun app"
			return f
		},
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-SIGNATURE": {
		fail: func() *fixture {
			f := ent().withApp()
			f.snap().Apps[0].Releases[1].SignatureMD5 = "3a5f910c7e22b4d8196c0ae544f28b71"
			return f
		},
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-DOMAINS-REQUIRED": {
		fail: func() *fixture { f := ent().withApp(); f.snap().Apps[0].Domains = nil; return f },
		pass: func() *fixture { return ent().withApp() },
	},
	"APP-FILE-BEFORE-LISTING": {
		fail: func() *fixture { return ent().withApp() },
		pass: func() *fixture { f := ent().withApp(); f.date = beian.NewDate(2023, 8, 31); return f },
	},
	"IP-REQUIRED": {
		fail: func() *fixture { f := ent(); f.site(0).IPs = nil; return f },
		pass: ent,
	},
	"IP-RANGE-VALID": {
		fail: func() *fixture { f := ent(); f.site(0).IPs = []beian.IPRange{ip("10.1.2.3")}; return f },
		pass: func() *fixture { f := ent(); f.site(0).IPs = []beian.IPRange{ip("240e:97c::10")}; return f },
	},
	"IP-PROVIDER-MAINLAND": {
		fail: func() *fixture { f := ent(); f.site(0).IPs = []beian.IPRange{ip("159.138.20.1")}; return f },
		pass: ent,
	},
	"DOMAIN-RESOLVES-TO-FILED-IP": {
		fail: func() *fixture {
			f := ent().onRecord(beian.ChangeService)
			f.facts.SetResolution("qingyun-data.cn", Resolution{Resolves: true, Addrs: []netip.Addr{netip.MustParseAddr("47.92.1.1")}})
			return f
		},
		pass: func() *fixture { return ent().onRecord(beian.ChangeService) },
	},
}

func siteNamed(name string) func() *fixture {
	return func() *fixture { f := ent(); f.site(0).Name = name; return f }
}

func indSiteNamed(name string) func() *fixture {
	return func() *fixture { f := ind(); f.site(0).Name = name; return f }
}

// shellSubject is a new website of an empty-shell subject.
func shellSubject(code string) *fixture {
	f := enterprise(code).onRecord(beian.NewWebsite)
	rec, _ := f.facts.RecordByID(context.Background(), recordSubjectID)
	rec.Subject.Status = beian.RecordEmptyShell
	rec.Services[0].Status = beian.RecordCancelled
	return f
}

// TestEveryRuleHasFixtures is done-when 1: every rule has a fixture that
// makes it report a decided finding and one it passes; a rule added to
// the catalogue without fixtures fails here.
func TestEveryRuleHasFixtures(t *testing.T) {
	var ids []string
	for _, r := range Default().Rules() {
		ids = append(ids, r.ID)
		if _, ok := ruleCases[r.ID]; !ok {
			t.Errorf("rule %s has no fixtures in ruleCases", r.ID)
		}
	}
	for id := range ruleCases {
		if _, ok := Default().Rule(id); !ok {
			t.Errorf("ruleCases has fixtures for %s, which is not in the catalogue", id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		tc, ok := ruleCases[id]
		if !ok {
			continue
		}
		t.Run(id, func(t *testing.T) {
			res := tc.fail().run()
			decided := false
			for _, f := range res.Findings {
				if f.Rule == id && !f.Undecided {
					decided = true
				}
			}
			if !decided {
				t.Errorf("failing fixture: no decided %s finding; got %v", id, summary(res))
			}
			res = tc.pass().run()
			for _, f := range res.Findings {
				if f.Rule == id {
					t.Errorf("passing fixture: %s at %s: %s", f.Severity, f.Field, f.Reason.EN)
				}
			}
		})
	}
}

func summary(r Result) []string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.Rule+"@"+f.Field)
	}
	return s
}
