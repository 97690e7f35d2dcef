package rules

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// fuzzSource turns fuzz bytes into order data: random strings into every
// field (often drawn from a dictionary of values the rules care about),
// random counts, random dates. It never runs dry: past the end it returns
// zeros, which are valid inputs too.
type fuzzSource struct {
	b []byte
	i int
}

func (s *fuzzSource) byte() byte {
	if s.i >= len(s.b) {
		return 0
	}
	s.i++
	return s.b[s.i-1]
}

func (s *fuzzSource) n(max int) int { return int(s.byte()) % max }
func (s *fuzzSource) bool() bool    { return s.byte()&1 == 1 }

var fuzzWords = []string{
	"", " ", "青云数据官网", "松风随笔", "中国青云", "博客", "赌博", "新闻网", "佛教", "qingyun-data.cn", "www.qingyun-data.cn",
	"例子.中国", "xn--fiqs8s", "XN--", "a..b", "http://x", "其他", "博客/个人空间", "网上新闻", "王建国", "李明远",
	"13800138001", "+86 138 0013 8001", "010-62551234", "a@b.cn", "@", "11010119900817002X", "91110101100000019X",
	"10000001-9", "E12345678", "android", "ios", "harmonyos", "cn.qingyundata.assistant", "3A:5F:91", "image/jpeg",
	"video/mp4", "news", "religion", "subject", "site-1", "阿里云计算有限公司", "GoDaddy.com, LLC", "\xff\xfe", "０１２",
	"😀", "个体工商户", "医院", "李", "(", "（）", "-", ".",
}

func (s *fuzzSource) str() string {
	switch s.n(4) {
	case 0:
		return fuzzWords[s.n(len(fuzzWords))]
	case 1:
		return fuzzWords[s.n(len(fuzzWords))] + fuzzWords[s.n(len(fuzzWords))]
	default:
		n := s.n(24)
		b := make([]byte, n)
		for i := range b {
			b[i] = s.byte()
		}
		return string(b)
	}
}

func (s *fuzzSource) date() beian.Date {
	if s.n(5) == 0 {
		return beian.Date{}
	}
	return beian.NewDate(1900+s.n(250), time.Month(1+s.n(12)), 1+s.n(31))
}

func (s *fuzzSource) pick(xs []string) string {
	if s.n(6) == 0 {
		return s.str()
	}
	return xs[s.n(len(xs))]
}

func (s *fuzzSource) addr() netip.Addr {
	if s.bool() {
		return netip.AddrFrom4([4]byte{s.byte(), s.byte(), s.byte(), s.byte()})
	}
	var b [16]byte
	for i := range b {
		b[i] = s.byte()
	}
	return netip.AddrFrom16(b)
}

func (s *fuzzSource) ranges() []beian.IPRange {
	out := make([]beian.IPRange, s.n(3))
	for i := range out {
		if s.n(4) == 0 {
			continue // the zero range
		}
		out[i] = beian.IPRange{Start: s.addr(), End: s.addr()}
	}
	return out
}

var (
	fuzzProvinces = func() []string {
		var ps []string
		for _, p := range beian.Provinces {
			ps = append(ps, p.Code)
		}
		return append(ps, "", "99", "110000")
	}()
	fuzzTypes = func() []string {
		var ts []string
		for _, t := range beian.OrderTypes {
			ts = append(ts, string(t))
		}
		return ts
	}()
	fuzzNatures = func() []string {
		var ns []string
		for _, n := range beian.Natures {
			ns = append(ns, string(n))
		}
		return ns
	}()
	fuzzCerts = func() []string {
		var cs []string
		for _, n := range beian.Natures {
			for _, c := range beian.NatureCertificates[n] {
				cs = append(cs, string(c))
			}
		}
		return cs
	}()
	fuzzPurposes = []string{MaterialSubjectCertificate, MaterialPrincipalIDFront, MaterialPrincipalIDBack, MaterialCommitmentLetter,
		MaterialCommitmentVideo, MaterialBureauCommitment, MaterialPrincipalAuthorization, MaterialAppIcon, MaterialResidencePermit}
	fuzzSectors = []string{SectorNews, SectorReligion, SectorCulture, SectorEducation, "unknown"}
)

func (s *fuzzSource) person() beian.Person {
	return beian.Person{
		Name: s.str(), CertificateType: beian.CertificateType(s.pick(fuzzCerts)), CertificateNumber: s.str(),
		CertificateValidFrom: s.date(), CertificateValidUntil: s.date(), LongTerm: s.bool(),
		Mobile: s.str(), EmergencyPhone: s.str(), Email: s.str(), OfficePhone: s.str(), ResidencePermitUntil: s.date(),
	}
}

func (s *fuzzSource) preApprovals() []beian.PreApproval {
	out := make([]beian.PreApproval, s.n(3))
	for i := range out {
		out[i] = beian.PreApproval{Category: s.pick(fuzzSectors), Number: s.str(), ValidUntil: s.date(), DocumentID: s.str()}
	}
	return out
}

func (s *fuzzSource) strs(max int) []string {
	out := make([]string, s.n(max))
	for i := range out {
		out[i] = s.str()
	}
	return out
}

// order builds an order, its facts and the check's mode and date.
func (s *fuzzSource) order() (*beian.Order, *MemoryFacts, Mode, beian.Date) {
	o := &beian.Order{
		ID: s.str(), AccountID: s.str(), Type: beian.OrderType(s.pick(fuzzTypes)), Province: s.pick(fuzzProvinces),
		RecordSubjectID: s.str(),
	}
	sub := &o.Snapshot.Subject
	*sub = beian.Subject{
		Province: s.pick(fuzzProvinces), Nature: beian.Nature(s.pick(fuzzNatures)), Name: s.str(),
		CertificateType: beian.CertificateType(s.pick(fuzzCerts)), CertificateNumber: s.str(), CertificateValidUntil: s.date(),
		LongTerm: s.bool(), CertificateAddress: s.str(), CertificateRegion: s.str(),
		MailingAddress:      beian.Address{Region: s.str(), Detail: s.str()},
		LegalRepresentative: s.str(), LegalRepresentativeCertificateType: beian.CertificateType(s.pick(fuzzCerts)),
		Principal: s.person(), Remark: s.str(),
	}
	for range s.n(7) {
		o.Snapshot.Websites = append(o.Snapshot.Websites, beian.Website{
			ID: s.str(), Name: s.str(), Domains: s.strs(5), HomepageURL: s.str(), IPs: s.ranges(),
			ServiceContent: s.strs(3), Languages: s.strs(2), PreApprovals: s.preApprovals(), Principal: s.person(),
			Remark: s.str(), RecordID: s.str(),
		})
	}
	for range s.n(3) {
		a := beian.App{ID: s.str(), Name: s.str(), IconDocumentID: s.str(), Domains: s.strs(3), IPs: s.ranges(),
			ServiceContent: s.strs(2), PreApprovals: s.preApprovals(), Principal: s.person(), Remark: s.str(), RecordID: s.str()}
		for range s.n(4) {
			a.Releases = append(a.Releases, beian.AppRelease{Platform: beian.AppPlatform(s.str()), PackageName: s.str(),
				PublicKey: s.str(), SignatureMD5: s.str(), Domains: s.strs(3)})
		}
		o.Snapshot.Apps = append(o.Snapshot.Apps, a)
	}
	for range s.n(8) {
		o.Snapshot.Materials = append(o.Snapshot.Materials, beian.Material{
			Purpose: s.pick(fuzzPurposes), Owner: s.str(), DocumentID: s.str(), MediaType: s.str(), Size: int64(s.n(256)) << uint(s.n(24)),
		})
	}
	// Facts that match some of the order, so the deeper rules run.
	m := NewMemoryFacts()
	for _, w := range o.Snapshot.Websites {
		for _, d := range w.Domains {
			if s.bool() {
				m.SetRegistration(d, Registration{Registrar: s.str(), RealNameVerified: s.bool(), Holder: s.pick([]string{sub.Name, sub.LegalRepresentative}),
					HolderCertificate: s.str(), Registered: s.date(), Expires: s.date()})
			}
			if s.bool() {
				m.SetResolution(d, Resolution{Resolves: s.bool(), Addrs: []netip.Addr{s.addr()}})
			}
			m.SetHomepage(d, Homepage{Reachable: s.bool(), Title: s.str(), NumberShown: s.str(), LinksToMIIT: s.bool()})
		}
	}
	if s.bool() {
		site := beian.Website{Name: s.str(), Domains: s.strs(3)}
		m.AddRecord(beian.Record{
			Subject:  beian.RecordSubject{ID: o.RecordSubjectID, Subject: *sub, Status: beian.RecordStatus(s.pick([]string{"filed", "empty_shell", "cancelled"}))},
			Services: []beian.RecordService{{ID: s.str(), SubjectID: o.RecordSubjectID, Kind: beian.KindWebsite, Website: &site, Status: beian.RecordStatus(s.pick([]string{"filed", "empty_shell", "cancelled"}))}},
		})
	}
	if s.bool() {
		m.SetResource(o.ID, Resource{Kind: ResourceKind(s.pick([]string{"ecs", "auth_code", "eip", "enterprise_portal"})), Mainland: s.bool(),
			Prepaid: s.bool(), TermMonths: s.n(30), PublicIP: s.bool(), FilingsUsed: s.n(8),
			AuthCode: &AuthCodeState{Used: s.bool(), GrantedTo: s.str(), IssuedBy: s.str()}})
	}
	m.SetMobileProvince(sub.Principal.Mobile, s.pick(fuzzProvinces))
	mode := ModeDraft
	if s.bool() {
		mode = ModeSubmit
	}
	return o, m, mode, s.date()
}

// FuzzPrecheck feeds random orders to the engine: it must never panic,
// always return sorted findings with complete texts, and never report a
// blocking finding for a check a fact left undecided.
// Run it with: go test -run=^$ -fuzz=FuzzPrecheck -fuzztime=2m ./rules
func FuzzPrecheck(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("青云数据官网 qingyun-data.cn 13800138001"))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 255, 254, 253})
	seed := make([]byte, 512)
	for i := range seed {
		seed[i] = byte(i * 7)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &fuzzSource{b: data}
		o, m, mode, date := s.order()
		in := Input{Order: o, CheckDate: date, Mode: mode, Facts: m.Facts()}
		in.Facts.Networks = providerNets
		res := Check(context.Background(), in)
		for i, fd := range res.Findings {
			if fd.Rule == "" || fd.Field == "" || fd.Reason.ZH == "" || fd.Reason.EN == "" || fd.Remedy.ZH == "" || fd.Remedy.EN == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			if fd.Undecided && fd.Severity != ReviewerAttention {
				t.Fatalf("undecided %s is %s", fd.Rule, fd.Severity)
			}
			if i > 0 && res.Findings[i-1].Severity > fd.Severity {
				t.Fatal("findings not sorted")
			}
		}
	})
}
