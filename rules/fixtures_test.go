package rules

import (
	"context"
	"fmt"
	fx "github.com/openbeian/beian/internal/fixture"
	"net/netip"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/region"
)

// The fixtures build realistic orders: identifiers with valid check
// characters and local region codes, local mobiles, approved domains at
// domestic registrars held by the subject, the province's documents. A
// valid fixture passes every rule; a rule's failing fixture changes one
// thing.

// checkDate is the date every fixture is checked on.
var checkDate = beian.NewDate(2025, 3, 1)

// fixture is an order with its facts.
type fixture struct {
	order *beian.Order
	facts *MemoryFacts
	nets  *Networks
	reg   RegistryFacts
	over  *Overrides
	mode  Mode
	date  beian.Date
	// noFacts leaves every remote fact source out.
	noFacts bool
}

func (f *fixture) input() Input {
	in := Input{Order: f.order, CheckDate: f.date, Mode: f.mode, Overrides: f.over}
	if !f.noFacts {
		in.Facts = f.facts.Facts()
	}
	if f.nets != nil {
		in.Facts.Networks = f.nets
	}
	in.Facts.Registry = f.reg
	return in
}

func (f *fixture) run() Result { return Check(context.Background(), f.input()) }

func (f *fixture) snap() *beian.Snapshot     { return &f.order.Snapshot }
func (f *fixture) subj() *beian.Subject      { return &f.order.Snapshot.Subject }
func (f *fixture) site(i int) *beian.Website { return &f.order.Snapshot.Websites[i] }

// The identifier and material builders are the shared fixtures'.
var (
	residentID        = fx.ResidentID
	uscc              = fx.USCC
	person            = fx.Person
	mat               = fx.Material
	ip                = fx.IP
	county            = fx.County
	provinceMaterials = fx.ProvinceMaterials
)

// providerNets are the provider's ranges in the fixtures.
var providerNets = func() *Networks {
	n, err := NewNetworks([]Network{
		{Prefix: netip.MustParsePrefix("121.36.0.0/16"), Mainland: true},
		{Prefix: netip.MustParsePrefix("240e:97c::/32"), Mainland: true},
		{Prefix: netip.MustParsePrefix("159.138.0.0/16"), Mainland: false},
	})
	if err != nil {
		panic(err)
	}
	return n
}()

// county2 returns a county of another city of the province (or of the
// municipality's county grouping), for same-city tests.
func otherCityCounty(code string) string {
	cities := region.Children(code + "0000")
	for _, city := range cities[1:] {
		if !city.Grouping {
			for _, c := range region.Children(city.Code) {
				return c.Code
			}
		}
	}
	panic("no second city in " + code)
}

// baseFacts are the facts of a fresh first filing: nothing on record, the
// domains registered by the subject at a domestic registrar, resolving
// nowhere, the mobiles local, an ECS prepaid for a year.
func baseFacts(o *beian.Order) *MemoryFacts {
	m := NewMemoryFacts()
	s := &o.Snapshot.Subject
	holder := s.Name
	for _, w := range o.Snapshot.Websites {
		for _, d := range w.Domains {
			m.SetRegistration(d, Registration{Registrar: "阿里云计算有限公司", RealNameVerified: true, Holder: holder,
				HolderCertificateType: s.CertificateType, HolderCertificate: s.CertificateNumber,
				Registered: beian.NewDate(2018, 4, 2), Expires: beian.NewDate(2027, 4, 2)})
			m.SetResolution(d, Resolution{})
		}
	}
	for _, a := range o.Snapshot.Apps {
		for _, d := range a.Domains {
			n, _ := normalizeDomain(d)
			reg := n
			if i := strings.IndexByte(n, '.'); strings.Count(n, ".") > 1 {
				reg = n[i+1:]
			}
			m.SetRegistration(reg, Registration{Registrar: "华为云计算技术有限公司", RealNameVerified: true, Holder: holder,
				HolderCertificate: s.CertificateNumber, Registered: beian.NewDate(2019, 1, 1), Expires: beian.NewDate(2028, 1, 1)})
		}
	}
	for _, p := range []*beian.Person{&s.Principal} {
		m.SetMobileProvince(p.Mobile, o.Province)
	}
	for _, w := range o.Snapshot.Websites {
		m.SetMobileProvince(w.Principal.Mobile, o.Province)
	}
	for _, a := range o.Snapshot.Apps {
		m.SetMobileProvince(a.Principal.Mobile, o.Province)
	}
	m.SetResource(o.ID, Resource{Kind: ResourceECS, Mainland: true, Prepaid: true, TermMonths: 12, PublicIP: true})
	return m
}

// enterprise returns a valid first filing of an enterprise in the province
// with one website.
func enterprise(code string) *fixture {
	prov, _ := beian.ProvinceByCode(code)
	cty := county(code)
	principal := person("王建国", residentID(cty, beian.NewDate(1980, 5, 6), 11), "13800138001", "13900139002", "wangjg@qingyun-data.cn")
	o := &beian.Order{
		ID: "order-1", AccountID: "account-1", CreatedBy: "user-1", Type: beian.FirstFiling, State: beian.Draft, Province: code,
		Snapshot: beian.Snapshot{
			Version: beian.SnapshotVersion,
			Subject: beian.Subject{
				Province: code, Nature: beian.NatureEnterprise, Name: prov.Name + "青云数据科技有限公司",
				CertificateType: beian.CertBusinessLicence, CertificateNumber: uscc("91", cty, 1), LongTerm: true,
				CertificateAddress: region.FullName(cty) + "青云路1号", CertificateRegion: cty,
				MailingAddress:      beian.Address{Region: cty, Detail: "青云路1号青云大厦5层"},
				LegalRepresentative: "王建国", Principal: principal,
			},
			Websites: []beian.Website{{
				ID: "site-1", Name: "青云数据官网", Domains: []string{"qingyun-data.cn"}, IPs: []beian.IPRange{ip("121.36.10.20")},
				ServiceContent: []string{"单位门户网站"}, Languages: []string{"zh-CN"}, Principal: principal,
			}},
			Materials: append([]beian.Material{
				mat(MaterialSubjectCertificate, "subject"), mat(MaterialPrincipalIDFront, "subject"), mat(MaterialPrincipalIDBack, "subject"),
				mat(MaterialCommitmentLetter, "site-1"),
			}, provinceMaterials(code, "site-1")...),
		},
	}
	return &fixture{order: o, facts: baseFacts(o), nets: providerNets, mode: ModeSubmit, date: checkDate}
}

// individual returns a valid first filing of an individual with a local ID
// and one personal website.
func individual(code string) *fixture {
	cty := county(code)
	id := residentID(cty, beian.NewDate(1990, 8, 17), 23)
	p := person("李明远", id, "13700137003", "13600136004", "limingyuan@example.com")
	o := &beian.Order{
		ID: "order-2", AccountID: "account-2", CreatedBy: "user-2", Type: beian.FirstFiling, State: beian.Draft, Province: code,
		Snapshot: beian.Snapshot{
			Version: beian.SnapshotVersion,
			Subject: beian.Subject{
				Province: code, Nature: beian.NatureIndividual, Name: "李明远",
				CertificateType: beian.CertResidentID, CertificateNumber: id, CertificateValidUntil: beian.NewDate(2040, 6, 1),
				CertificateAddress: region.FullName(cty) + "松风巷8号", CertificateRegion: cty,
				MailingAddress: beian.Address{Region: cty, Detail: "松风巷8号2单元301"},
				Principal:      p,
			},
			Websites: []beian.Website{{
				ID: "site-1", Name: "松风随笔", Domains: []string{"songfeng-notes.cn"}, IPs: []beian.IPRange{ip("121.36.10.21")},
				ServiceContent: []string{ContentPersonal}, Languages: []string{"zh-CN"}, Principal: p,
			}},
			Materials: append([]beian.Material{
				mat(MaterialPrincipalIDFront, "subject"), mat(MaterialPrincipalIDBack, "subject"), mat(MaterialCommitmentLetter, "site-1"),
			}, provinceMaterials(code, "site-1")...),
		},
	}
	return &fixture{order: o, facts: baseFacts(o), nets: providerNets, mode: ModeSubmit, date: checkDate}
}

// withApp adds a valid app to an enterprise fixture.
func (f *fixture) withApp() *fixture {
	s := f.snap()
	a := beian.App{
		ID: "app-1", Name: "青云数据助手", IconDocumentID: "doc-icon",
		Releases: []beian.AppRelease{
			{Platform: beian.PlatformAndroid, PackageName: "cn.qingyundata.assistant", PublicKey: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsq3f0a1", SignatureMD5: "3A:5F:91:0C:7E:22:B4:D8:19:6C:0A:E5:44:F2:8B:71"},
			{Platform: beian.PlatformIOS, PackageName: "cn.qingyundata.assistant", PublicKey: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtq9e1b2", SignatureMD5: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"},
		},
		Domains: []string{"api.qingyun-data.cn"}, IPs: []beian.IPRange{ip("121.36.10.30")},
		ServiceContent: []string{"工具"}, Languages: []string{"zh-CN"}, Principal: s.Subject.Principal,
	}
	s.Apps = append(s.Apps, a)
	icon := mat(MaterialAppIcon, "app-1")
	icon.DocumentID, icon.Size, icon.MediaType = "doc-icon", 60<<10, "image/png"
	s.Materials = append(s.Materials, icon, mat(MaterialCommitmentLetter, "app-1"))
	s.Materials = append(s.Materials, provinceMaterials2(f.order.Province, "app-1")...)
	f.facts = baseFacts(f.order)
	return f
}

// provinceMaterials2 is provinceMaterials without the subject-wide
// documents, for an added service.
func provinceMaterials2(code, owner string) []beian.Material {
	if code != "32" {
		return nil
	}
	return provinceMaterials(code, owner)
}

// benchOrder is the benchmark's order: an enterprise in Beijing with five
// websites and one app.
func benchOrder() *fixture {
	f := enterprise("11")
	s := f.snap()
	base := s.Websites[0]
	names := []string{"青云数据官网", "青云数据文档中心", "青云数据开发者平台", "青云数据客户支持", "青云数据招聘站"}
	domains := []string{"qingyun-data.cn", "qingyun-docs.cn", "qingyun-dev.com", "qingyun-support.com.cn", "qingyun-jobs.net"}
	s.Websites = nil
	for i := range names {
		w := base
		w.ID = fmt.Sprintf("site-%d", i+1)
		w.Name = names[i]
		w.Domains = []string{domains[i]}
		w.IPs = []beian.IPRange{ip(fmt.Sprintf("121.36.10.%d", 40+i))}
		s.Websites = append(s.Websites, w)
		if i > 0 {
			s.Materials = append(s.Materials, mat(MaterialCommitmentLetter, w.ID))
		}
	}
	f.withApp()
	f.facts.SetResource(f.order.ID, Resource{Kind: ResourceDedicatedCloud, Mainland: true, Prepaid: true, TermMonths: 24, PublicIP: true})
	return f
}

// recordSubjectID and recordServiceID name the filed subject and website
// onRecord creates.
const (
	recordSubjectID = "subject-1"
	recordServiceID = "service-1"
)

// onRecord files the fixture's subject and first website (as if its first
// filing succeeded in 2023, with our access and a compliant homepage) and
// turns the order into one of type typ acting on them: a new website gets
// a second site, a new app an app, the other types the filed site.
func (f *fixture) onRecord(typ beian.OrderType) *fixture {
	o := f.order
	prov, _ := beian.ProvinceByCode(o.Province)
	num := beian.ICPNumber{Province: prov, Serial: "2023000123"}
	site := o.Snapshot.Websites[0]
	filedSite := site
	filedAt := time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC)
	svc := beian.RecordService{
		ID: recordServiceID, SubjectID: recordSubjectID, Kind: beian.KindWebsite, Website: &filedSite,
		Number: num.Service(1, beian.KindWebsite), Status: beian.RecordFiled, FiledAt: filedAt,
		Access: []beian.AccessRecord{{ID: "access-1", Provider: "ours", Ours: true, IPs: site.IPs, Status: beian.AccessActive, CreatedAt: filedAt}},
	}
	f.facts.AddRecord(beian.Record{
		Subject:  beian.RecordSubject{ID: recordSubjectID, AccountID: o.AccountID, Subject: o.Snapshot.Subject, Number: num, Status: beian.RecordFiled, FiledAt: filedAt},
		Services: []beian.RecordService{svc},
	})
	f.facts.BindAccount(o.AccountID, "qingyun", o.Snapshot.Subject.CertificateNumber)
	f.facts.SetHomepage(site.Domains[0], Homepage{Reachable: true, Title: site.Name + " - 首页", NumberShown: svc.Number.DisplayNumber().String(), LinksToMIIT: true})
	f.facts.SetResolution(site.Domains[0], Resolution{Resolves: true, Addrs: []netip.Addr{site.IPs[0].Start}})
	o.Type, o.RecordSubjectID = typ, recordSubjectID
	switch typ {
	case beian.NewWebsite:
		o.Snapshot.Websites = nil
		o.Snapshot.Materials = slicesDeleteFunc(o.Snapshot.Materials, func(m beian.Material) bool { return m.Owner == "site-1" })
		f.addSite("site-2", "青云数据文档中心", "qingyun-docs.cn")
		if o.Snapshot.Subject.Nature.IsIndividual() {
			f.site(0).Name, f.site(0).ServiceContent = "松风读书笔记", []string{ContentPersonal}
		}
	case beian.NewApp:
		o.Snapshot.Websites = nil
		f.withAppKeepFacts()
	default:
		o.Snapshot.Websites[0].RecordID = recordServiceID
	}
	return f
}

func slicesDeleteFunc(ms []beian.Material, del func(beian.Material) bool) []beian.Material {
	var out []beian.Material
	for _, m := range ms {
		if !del(m) {
			out = append(out, m)
		}
	}
	return out
}

// addSite adds a website like the first one (or the fixture's own first
// website before it was removed) with its documents and facts.
func (f *fixture) addSite(id, name, domain string) *fixture {
	s := f.snap()
	p := s.Subject.Principal
	content := []string{"单位门户网站"}
	if s.Subject.Nature.IsIndividual() {
		content = []string{ContentPersonal}
	}
	s.Websites = append(s.Websites, beian.Website{
		ID: id, Name: name, Domains: []string{domain}, IPs: []beian.IPRange{ip("121.36.10.21")},
		ServiceContent: content, Languages: []string{"zh-CN"}, Principal: p,
	})
	s.Materials = append(s.Materials, mat(MaterialCommitmentLetter, id))
	s.Materials = append(s.Materials, provinceMaterials2(f.order.Province, id)...)
	f.facts.SetRegistration(domain, Registration{Registrar: "新网", RealNameVerified: true, Holder: s.Subject.Name,
		HolderCertificate: s.Subject.CertificateNumber, Registered: beian.NewDate(2024, 1, 5), Expires: beian.NewDate(2026, 1, 5)})
	f.facts.SetResolution(domain, Resolution{})
	return f
}

// withAppKeepFacts adds the app without rebuilding the facts.
func (f *fixture) withAppKeepFacts() *fixture {
	facts := f.facts
	f.withApp()
	for _, a := range f.snap().Apps {
		for _, d := range a.Domains {
			n, _ := normalizeDomain(d)
			reg := n[strings.IndexByte(n, '.')+1:]
			r, _ := f.facts.Registration(context.Background(), reg)
			facts.SetRegistration(reg, *r)
		}
	}
	f.facts = facts
	return f
}

// setReg changes the registration of a domain.
func (f *fixture) setReg(domain string, change func(*Registration)) *fixture {
	r, _ := f.facts.Registration(context.Background(), domain)
	if r == nil {
		r = &Registration{}
	}
	change(r)
	f.facts.SetRegistration(domain, *r)
	return f
}

// setResource changes the order's resource.
func (f *fixture) setResource(change func(*Resource)) *fixture {
	r, _ := f.facts.OrderResource(context.Background(), f.order)
	change(r)
	f.facts.SetResource(f.order.ID, *r)
	return f
}

// without removes the documents of a purpose.
func (f *fixture) without(purpose string) *fixture {
	f.snap().Materials = slicesDeleteFunc(f.snap().Materials, func(m beian.Material) bool { return m.Purpose == purpose })
	return f
}

// with adds a document.
func (f *fixture) with(purpose, owner string) *fixture {
	f.snap().Materials = append(f.snap().Materials, mat(purpose, owner))
	return f
}

// organisation turns an enterprise fixture into a government body or public
// institution with a suitable domain and the establishment office's
// approval.
func organisation(code string, nature beian.Nature, domain string) *fixture {
	f := enterprise(code)
	prov, _ := beian.ProvinceByCode(code)
	s := f.subj()
	s.Nature = nature
	s.CertificateType = beian.CertUSCC
	s.CertificateNumber = uscc("12", county(code), 7)
	s.Name = prov.Name + "市数据管理中心"
	if nature == beian.NatureGovernment {
		s.CertificateNumber = uscc("11", county(code), 8)
		s.Name = prov.Name + "市数据资源局"
	}
	w := f.site(0)
	w.Name = s.Name + "网站"
	w.Domains = []string{domain}
	f.with(MaterialEstablishmentProof, "subject")
	f.facts = baseFacts(f.order)
	return f
}

// otherSubjectRecord is a filed record of another subject with one website
// on the domain, in the given status.
func otherSubjectRecord(domain string, status beian.RecordStatus) beian.Record {
	prov, _ := beian.ProvinceByCode("31")
	num := beian.ICPNumber{Province: prov, Serial: "19000777"}
	site := beian.Website{ID: "x", Name: "他人网站", Domains: []string{domain}}
	return beian.Record{
		Subject: beian.RecordSubject{ID: "subject-other", AccountID: "account-other", Number: num, Status: beian.RecordFiled,
			Subject: beian.Subject{Name: "上海他人有限公司", CertificateNumber: uscc("91", county("31"), 99)}},
		Services: []beian.RecordService{{ID: "service-other", SubjectID: "subject-other", Kind: beian.KindWebsite, Website: &site,
			Number: num.Service(1, beian.KindWebsite), Status: status}},
	}
}
