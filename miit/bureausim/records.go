package bureausim

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// This file is the bureau's filing database: conversions from upload records, ICP numbers,
// look-ups, what an approval changes, and the BASJ form of a record.

func personFrom(xm, dhhm, sjhm, dzyj, msn, qq string, zjlx *int64, zjhm string) person {
	return person{Name: xm, Office: dhhm, Mobile: sjhm, Email: dzyj, MSN: msn, QQ: qq, IDType: zjlx, IDNumber: zjhm}
}

func subjectFromXZBA(z miit.XZBABaxxZtXx) subjectData {
	return subjectData{
		Name: z.Dwmc, Nature: z.Dwxz, Investor: z.Tzr,
		Province: z.Txdz.Shengid, City: z.Txdz.Shiid, County: z.Txdz.Xianid, Address: z.Txdz.Xxdz,
		CertType: z.Zj.Zjlx, CertNumber: strings.TrimSpace(z.Zj.Zjhm), CertAddress: z.Zj.Zjzs,
		Principal: personFrom(z.Fzr.FzrXm, z.Fzr.FzrDhhm, z.Fzr.FzrSjhm, z.Fzr.FzrDzyj, z.Fzr.MSN, z.Fzr.QQ, z.Fzr.FzrZjlx, z.Fzr.FzrZjhm),
		Mode:      z.Bbfs, Remark: z.Bz,
	}
}

func subjectFromBGBA(z miit.BGBABgxxZtXx, mode int64) subjectData {
	return subjectData{
		Name: z.Dwmc, Nature: z.Dwxz, Investor: z.Tzr,
		Province: z.Txdz.Shengid, City: z.Txdz.Shiid, County: z.Txdz.Xianid, Address: z.Txdz.Xxdz,
		CertType: z.Zj.Zjlx, CertNumber: strings.TrimSpace(z.Zj.Zjhm), CertAddress: z.Zj.Zjzs,
		Principal: personFrom(z.Fzr.FzrXm, z.Fzr.FzrDhhm, z.Fzr.FzrSjhm, z.Fzr.FzrDzyj, z.Fzr.MSN, z.Fzr.QQ, z.Fzr.FzrZjlx, z.Fzr.FzrZjhm),
		Mode:      mode, Remark: z.Bz,
	}
}

func sitePerson(f miit.XZBABaxxWzXxWzFzr) person {
	return personFrom(f.FzrXm, f.FzrDhhm, f.FzrSjhm, f.FzrDzyj, f.MSN, f.QQ, f.FzrZjlx, f.FzrZjhm)
}

func approvalsFrom(n *miit.XZBABaxxWzXxNrlx) []approval {
	if n == nil {
		return nil
	}
	var out []approval
	for _, x := range n.NrlxXx {
		out = append(out, approval{Type: x.NrlxID, Number: x.Qzsph, Files: x.Spwj})
	}
	return out
}

// siteFromUpload builds a site's data from the fields every upload kind shares; the caller
// fills domains and access.
func siteFromUpload(name string, nrlx *miit.XZBABaxxWzXxNrlx, fwnr miit.XZBABaxxWzXxFwnr, yylb miit.XZBABaxxWzXxYylb,
	fzr miit.XZBABaxxWzXxWzFzr, syurl, bz string) siteData {
	return siteData{
		Name: name, Approvals: approvalsFrom(nrlx), Content: fwnr.FwnrID, Languages: yylb.YylbID,
		Principal: sitePerson(fzr), HomeURL: syurl, Remark: bz,
	}
}

// number is the subject's ICP number.
func (sr *subjectRec) number() string { return sr.icp().String() }

func (sr *subjectRec) icp() beian.ICPNumber {
	p, _ := beian.ProvinceByCode(sr.Province)
	return beian.ICPNumber{Province: p, Serial: sr.Serial}
}

// siteNumber is a site's ICP number: the subject number, the ordinal and -A for an APP.
func (s *Sim) siteNumber(site *siteRec) string {
	sr := s.st.Subjects[site.Ztid]
	if sr == nil {
		return ""
	}
	kind := beian.KindWebsite
	if site.App != nil {
		kind = beian.KindApp
	}
	return sr.icp().Service(site.Ordinal, kind).String()
}

// activeSites are the subject's sites that are not cancelled, in filing order.
func (s *Sim) activeSites(sr *subjectRec) []*siteRec {
	var out []*siteRec
	for _, id := range sr.Sites {
		if site := s.st.Sites[id]; site != nil && !site.Cancelled {
			out = append(out, site)
		}
	}
	return out
}

// subjectByNumber finds a subject by its number, or by a service number under it.
func (s *Sim) subjectByNumber(num string) *subjectRec {
	n, err := beian.ParseICPNumber(num)
	if err != nil {
		return nil
	}
	for _, sr := range s.st.Subjects {
		if sr.Serial == n.Serial && sr.Province == n.Province.Code {
			return sr
		}
	}
	return nil
}

// siteByNumber finds a site by its service number.
func (s *Sim) siteByNumber(num string) *siteRec {
	sr := s.subjectByNumber(num)
	if sr == nil {
		return nil
	}
	for _, id := range sr.Sites {
		if site := s.st.Sites[id]; site != nil && s.siteNumber(site) == strings.TrimSpace(num) {
			return site
		}
	}
	return nil
}

// subjectByCert finds the active subject with a certificate number.
func (s *Sim) subjectByCert(cert string) *subjectRec {
	cert = strings.ToUpper(strings.TrimSpace(cert))
	for _, sr := range s.st.Subjects {
		if !sr.Cancelled && strings.ToUpper(sr.Data.CertNumber) == cert {
			return sr
		}
	}
	return nil
}

// siteByDomain finds the active site a domain is filed under.
func (s *Sim) siteByDomain(domain string) *siteRec {
	for _, site := range s.st.Sites {
		if site.Cancelled {
			continue
		}
		for _, d := range site.Data.Domains {
			if d.Name == domain {
				return site
			}
		}
	}
	return nil
}

// findAccess finds an access record by Jrid.
func (s *Sim) findAccess(jrid int64) (*siteRec, int) {
	for _, site := range s.st.Sites {
		if site.Cancelled {
			continue
		}
		for i, a := range site.Data.Access {
			if a.Jrid == jrid {
				return site, i
			}
		}
	}
	return nil, -1
}

// hasAccess reports whether the provider has an access on the site.
func hasAccess(site *siteRec, isp int64) bool {
	return slices.ContainsFunc(site.Data.Access, func(a accessRec) bool { return a.ISPID == isp })
}

// subjectAccess reports whether the provider has an access on any active site of the
// subject: the relationship that lets it change or cancel the subject without the filing
// password.
func (s *Sim) subjectAccess(sr *subjectRec, isp int64) bool {
	return slices.ContainsFunc(s.activeSites(sr), func(site *siteRec) bool { return hasAccess(site, isp) })
}

// accessISPs lists the providers with an access on any of the sites, plus extra, without
// duplicates, in order.
func accessISPs(sites []*siteRec, extra ...int64) []int64 {
	var out []int64
	for _, id := range extra {
		out = appendUniqueID(out, id)
	}
	for _, site := range sites {
		for _, a := range site.Data.Access {
			out = appendUniqueID(out, a.ISPID)
		}
	}
	return out
}

func appendUniqueID(list []int64, v int64) []int64 {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// checkPassword compares an ICPmm (MD5 hex of the filing password, spec 4-1-1-2) with the
// subject's password. The plain password is accepted too: the spec says MD5, but providers
// differ.
func checkPassword(sr *subjectRec, icpmm string) bool {
	icpmm = strings.TrimSpace(icpmm)
	if icpmm == "" || sr.Password == "" {
		return false
	}
	sum := md5.Sum([]byte(sr.Password))
	return strings.EqualFold(icpmm, hex.EncodeToString(sum[:])) || icpmm == sr.Password
}

// PasswordHash returns the ICPmm form of a filing password: MD5, 32 lower-case hex digits.
func PasswordHash(password string) string {
	sum := md5.Sum([]byte(password))
	return hex.EncodeToString(sum[:])
}

// blacklistHits lists the blacklist entries a filing touches: its subject's certificate
// number and the domains it adds. Cancellations touch nothing. Caller holds mu.
func (s *Sim) blacklistHits(f *filing) []string {
	switch f.Op {
	case OpCancelAccess, OpCancelSite, OpCancelSubject:
		return nil
	}
	var hits []string
	cert := ""
	if f.Subject != nil {
		cert = f.Subject.CertNumber
	} else if sr := s.st.Subjects[f.subjectID(s)]; sr != nil {
		cert = sr.Data.CertNumber
	}
	if cert != "" && s.certBlacklisted(cert) {
		hits = append(hits, cert)
	}
	for _, p := range f.Sites {
		for _, d := range p.Data.Domains {
			if s.domainBlacklisted(d.Name) {
				hits = append(hits, d.Name)
			}
		}
	}
	if f.Op == OpNewAccess && f.Wzid != 0 {
		if site := s.st.Sites[f.Wzid]; site != nil {
			for _, d := range site.Data.Domains {
				if s.domainBlacklisted(d.Name) {
					hits = append(hits, d.Name)
				}
			}
		}
	}
	return hits
}

func (s *Sim) certBlacklisted(cert string) bool {
	return slices.ContainsFunc(s.st.Blacklist.Certs, func(c string) bool { return strings.EqualFold(c, strings.TrimSpace(cert)) })
}

func (s *Sim) domainBlacklisted(d string) bool {
	return slices.Contains(s.st.Blacklist.Domains, d)
}

// newPassword draws an 8-character filing password (备案密码) without look-alike characters,
// by rejection sampling so every character is equally likely.
func (s *Sim) newPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	const limit = 256 - 256%len(alphabet)
	out := make([]byte, 0, 8)
	var buf [16]byte
	for len(out) < 8 {
		if _, err := io.ReadFull(s.randReader(), buf[:]); err != nil {
			s.log.Error("bureau simulator: random source failed", "err", err)
			return "Passw0rd"
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < 8 {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// newSerial issues the next subject serial of a province: 8 digits, counted per province.
func (s *Sim) newSerial(province string) string {
	n := s.st.Serials[province]
	if n == 0 {
		n = 10000000
	}
	n++
	s.st.Serials[province] = n
	return fmt.Sprintf("%08d", n)
}

// newSite turns a proposal into a filed site under the subject, issuing its bureau IDs and
// ordinal. Caller holds mu.
func (s *Sim) newSite(sr *subjectRec, p *siteProposal, isp int64, at time.Time) *siteRec {
	sr.LastOrdinal++
	site := &siteRec{Wzid: s.st.newID(), Ztid: sr.Ztid, ISPWzid: p.ISPWzid, FiledBy: isp, Ordinal: sr.LastOrdinal,
		App: p.App, Data: p.Data, FiledAt: at, ChangedAt: at}
	site.Data.Domains = slices.Clone(p.Data.Domains)
	for i := range site.Data.Domains {
		site.Data.Domains[i].Ymid = s.st.newID()
	}
	site.Data.Access = nil
	for _, a := range p.Data.Access {
		site.Data.Access = append(site.Data.Access, s.newAccess(a))
	}
	s.st.Sites[site.Wzid] = site
	sr.Sites = append(sr.Sites, site.Wzid)
	p.Wzid = site.Wzid
	p.Number = s.siteNumber(site)
	return site
}

func (s *Sim) newAccess(a accessRec) accessRec {
	a.Jrid = s.st.newID()
	a.IPs = slices.Clone(a.IPs)
	for i := range a.IPs {
		a.IPs[i].Ipid = s.st.newID()
	}
	return a
}

// errGone is returned by apply when the records changed during the review.
var errGone = errors.New("备案信息不存在或已注销")

// apply makes an approved filing effective and queues its record data (BASJ) or
// cancellation data (ZXSJ) for the providers concerned. It fails, changing nothing, when
// the records no longer allow the operation (a domain filed meanwhile, a subject cancelled
// meanwhile). Caller holds mu.
func (s *Sim) apply(f *filing, at time.Time) error {
	switch f.Op {
	case OpNewFiling:
		return s.applyNewFiling(f, at)
	case OpNewSite:
		sr := s.st.Subjects[f.Ztid]
		if sr == nil || sr.Cancelled {
			return errGone
		}
		if err := s.domainsStillFree(f); err != nil {
			return err
		}
		var sites []*siteRec
		for i := range f.Sites {
			sites = append(sites, s.newSite(sr, &f.Sites[i], f.ISPID, at))
			f.Numbers = append(f.Numbers, f.Sites[i].Number)
		}
		sr.ChangedAt = at
		s.emitRecord(f.ISPID, sr, sites)
		s.notify(f, at, fmt.Sprintf("【工业和信息化部ICP备案】您的新增网站申请已审核通过，备案号：%s。", strings.Join(f.Numbers, "、")))
	case OpNewAccess:
		site := s.st.Sites[f.Wzid]
		if site == nil || site.Cancelled || f.Access == nil {
			return errGone
		}
		if hasAccess(site, f.ISPID) {
			return errors.New("该接入已经报备")
		}
		site.Data.Access = append(site.Data.Access, s.newAccess(*f.Access))
		site.ChangedAt = at
		f.Numbers = []string{s.siteNumber(site)}
		s.emitRecord(f.ISPID, s.st.Subjects[site.Ztid], []*siteRec{site})
	case OpChange:
		return s.applyChange(f, at)
	case OpCancelSubject:
		sr := s.st.Subjects[f.Ztid]
		if sr == nil || sr.Cancelled {
			return errGone
		}
		sites := s.activeSites(sr)
		for _, site := range sites {
			site.Cancelled, site.CancelledAt = true, at
		}
		sr.Cancelled, sr.CancelledAt = true, at
		f.Numbers = []string{sr.number()}
		for _, isp := range accessISPs(sites, f.ISPID) {
			s.emitCancel(isp, 0, sr.Ztid, "主体注销："+sr.number())
		}
	case OpCancelSite:
		site := s.st.Sites[f.Wzid]
		if site == nil || site.Cancelled {
			return errGone
		}
		site.Cancelled, site.CancelledAt = true, at
		f.Numbers = []string{s.siteNumber(site)}
		for _, isp := range accessISPs([]*siteRec{site}, f.ISPID) {
			s.emitCancel(isp, 1, site.Wzid, "网站注销："+f.Numbers[0])
		}
	case OpCancelAccess:
		site, i := s.findAccess(f.Jrid)
		if site == nil {
			return errGone
		}
		site.Data.Access = slices.Delete(site.Data.Access, i, i+1)
		site.ChangedAt = at
		f.Numbers = []string{s.siteNumber(site)}
		if len(site.Data.Access) == 0 {
			// No provider left: an empty-shell site (空壳网站, spec §9.5). The bureau keeps
			// the number until it deregisters the shell.
			s.log.Info("site became an empty shell", "wzid", site.Wzid)
		}
		// ZXSJ cannot carry Zxlb 2 (the XSD caps it at 1, NOTES.md): the BAJG result is the
		// only notice of a cancelled access.
	}
	return nil
}

func (s *Sim) applyNewFiling(f *filing, at time.Time) error {
	if sr := s.subjectByCert(f.Subject.CertNumber); sr != nil {
		return fmt.Errorf("主体已备案（%s）", sr.number())
	}
	if err := s.domainsStillFree(f); err != nil {
		return err
	}
	sr := &subjectRec{Ztid: s.st.newID(), ISPZtid: f.ISPZtid, FiledBy: f.ISPID, Data: *f.Subject, Province: f.Province,
		Password: s.newPassword(), FiledAt: at, ChangedAt: at}
	sr.Serial = s.newSerial(f.Province)
	s.st.Subjects[sr.Ztid] = sr
	f.Ztid = sr.Ztid
	f.Numbers = []string{sr.number()}
	var sites []*siteRec
	for i := range f.Sites {
		sites = append(sites, s.newSite(sr, &f.Sites[i], f.ISPID, at))
		f.Numbers = append(f.Numbers, f.Sites[i].Number)
	}
	s.emitRecord(f.ISPID, sr, sites)
	if m := firstMobile(sr.Data.Principal.Mobile); m != "" {
		s.sms(m, SMSPassword, "", f.ID, fmt.Sprintf("【工业和信息化部ICP备案】您的ICP备案已审核通过。主体备案号：%s；网站/APP备案号：%s。ICP备案密码：%s，办理新增网站、新增接入、注销等业务时需要使用，请妥善保管。",
			sr.number(), strings.Join(f.Numbers[1:], "、"), sr.Password), at)
	}
	return nil
}

// domainsStillFree re-checks at approval that no domain the filing adds was filed by
// someone else while it was in review.
func (s *Sim) domainsStillFree(f *filing) error {
	for _, p := range f.Sites {
		for _, d := range p.Data.Domains {
			if site := s.siteByDomain(d.Name); site != nil && site.Wzid != p.Wzid {
				return fmt.Errorf("域名“%s”已备案", d.Name)
			}
		}
	}
	return nil
}

func (s *Sim) applyChange(f *filing, at time.Time) error {
	sr := s.st.Subjects[f.Ztid]
	if sr == nil || sr.Cancelled {
		return errGone
	}
	for _, p := range f.Sites {
		if site := s.st.Sites[p.Wzid]; site == nil || site.Cancelled || site.Ztid != sr.Ztid {
			return errGone
		}
	}
	if err := s.domainsStillFree(f); err != nil {
		return err
	}
	if f.Subject != nil {
		mode := sr.Data.Mode
		sr.Data = *f.Subject
		sr.Data.Mode = mode
	}
	sr.ChangedAt = at
	for i := range f.Sites {
		p := &f.Sites[i]
		site := s.st.Sites[p.Wzid]
		old := site.Data
		site.Data = p.Data
		// Domains: the change lists the site's complete set; kept ones carry their Ymid,
		// new ones get one now, missing ones are removed.
		site.Data.Domains = nil
		for _, d := range p.Data.Domains {
			if d.Ymid == 0 {
				d.Ymid = s.st.newID()
			}
			site.Data.Domains = append(site.Data.Domains, d)
		}
		// Access: a provider may change only its own access records; the others stay.
		site.Data.Access = nil
		for _, a := range old.Access {
			if a.ISPID != f.ISPID {
				site.Data.Access = append(site.Data.Access, a)
				continue
			}
			for _, na := range p.Data.Access {
				if na.Jrid == a.Jrid {
					for j := range na.IPs {
						if na.IPs[j].Ipid == 0 {
							na.IPs[j].Ipid = s.st.newID()
						}
					}
					a.Locations, a.Methods, a.IPs = na.Locations, na.Methods, na.IPs
				}
			}
			site.Data.Access = append(site.Data.Access, a)
		}
		if app, err := ParseAppRemark(site.Data.Remark); err == nil && app != nil {
			site.App = app
		}
		site.ChangedAt = at
		p.Number = s.siteNumber(site)
	}
	f.Numbers = []string{sr.number()}
	sites := s.activeSites(sr)
	for _, isp := range accessISPs(sites, f.ISPID) {
		var theirs []*siteRec
		for _, site := range sites {
			if hasAccess(site, isp) {
				theirs = append(theirs, site)
			}
		}
		if isp == f.ISPID || len(theirs) > 0 {
			s.emitRecord(isp, sr, theirs)
		}
	}
	return nil
}

// basjSubject is a subject as BASJ carries it to a provider; IspZtid only goes to the
// provider that filed it, since it is that provider's own ID.
func (s *Sim) basjSubject(sr *subjectRec, isp int64) miit.BASJBaxxZtXx {
	d := sr.Data
	shi := d.City
	z := miit.BASJBaxxZtXx{
		Ztid: sr.Ztid, Dwmc: d.Name, Dwxz: d.Nature,
		Txdz: miit.BASJBaxxZtXxTxdz{Shengid: d.Province, Shiid: &shi, Xianid: d.County, Xxdz: d.Address},
		Zj:   miit.BASJBaxxZtXxZj{Zjlx: d.CertType, Zjhm: d.CertNumber, Zjzs: d.CertAddress},
		Fzr: miit.BASJBaxxZtXxFzr{FzrXm: d.Principal.Name, FzrDhhm: d.Principal.Office, FzrSjhm: d.Principal.Mobile,
			FzrDzyj: d.Principal.Email, MSN: d.Principal.MSN, QQ: d.Principal.QQ, FzrZjhm: d.Principal.IDNumber, FzrZjlx: d.Principal.IDType},
		Baxh: sr.number(), Bbyhlx: 1, Tzr: d.Investor,
		Scbbsj: miit.NewDate(sr.FiledAt), Zjxgsj: miit.NewDate(sr.ChangedAt),
		Shrxm: s.cfg.ReviewerName, Bz: d.Remark,
	}
	shsj := miit.NewDate(sr.ChangedAt)
	z.Shsj = &shsj
	if isp == sr.FiledBy && sr.ISPZtid > 0 {
		id := sr.ISPZtid
		z.ISPZtid = &id
	}
	return z
}

// basjSite is a site as BASJ carries it; the provider's own IDs (IspWzid, IspYmid,
// IspJrid, IspIpid) only go to that provider.
func (s *Sim) basjSite(site *siteRec, isp int64) miit.BASJBaxxWzXx {
	d := site.Data
	w := miit.BASJBaxxWzXx{
		Wzid: site.Wzid, Wzmc: d.Name,
		Yylb: miit.BASJBaxxWzXxYylb{YylbID: d.Languages},
		WzFzr: miit.BASJBaxxWzXxWzFzr{FzrXm: d.Principal.Name, FzrDhhm: d.Principal.Office, FzrSjhm: d.Principal.Mobile,
			FzrDzyj: d.Principal.Email, MSN: d.Principal.MSN, QQ: d.Principal.QQ, FzrZjlx: d.Principal.IDType, FzrZjhm: d.Principal.IDNumber},
		Syurl: d.HomeURL, WzBz: d.Remark, Baxh: s.siteNumber(site),
	}
	scbbsj, zjxgsj := miit.NewDate(site.FiledAt), miit.NewDate(site.ChangedAt)
	w.Scbbsj, w.Zjxgsj = &scbbsj, &zjxgsj
	if isp == site.FiledBy && site.ISPWzid > 0 {
		id := site.ISPWzid
		w.ISPWzid = &id
	}
	if len(d.Approvals) > 0 {
		w.Nrlx = &miit.BASJBaxxWzXxNrlx{}
		for _, a := range d.Approvals {
			w.Nrlx.NrlxXx = append(w.Nrlx.NrlxXx, miit.BASJBaxxWzXxNrlxNrlxXx{NrlxID: a.Type, Qzsph: a.Number, Spwj: a.Files})
		}
	}
	if len(d.Content) > 0 {
		w.Fwnr = &miit.BASJBaxxWzXxFwnr{FwnrID: d.Content}
	}
	for _, dm := range d.Domains {
		y := miit.BASJBaxxWzXxYmXx{Ymid: dm.Ymid, Ym: dm.Name}
		if isp == site.FiledBy && dm.ISPYmid > 0 {
			id := dm.ISPYmid
			y.ISPYmid = &id
		}
		w.YmXx = append(w.YmXx, y)
	}
	for _, a := range d.Access {
		j := miit.BASJBaxxWzXxJrXx{Jrid: a.Jrid, Ispid: a.ISPID,
			Wzfb: miit.BASJBaxxWzXxJrXxWzfb{Fbdd: a.Locations}, Wzjrfs: miit.BASJBaxxWzXxJrXxWzjrfs{Jrfs: a.Methods}}
		own := a.ISPID == isp
		if own && a.ISPJrid > 0 {
			id := a.ISPJrid
			j.ISPJrid = &id
		}
		for _, ip := range a.IPs {
			x := miit.BASJBaxxWzXxJrXxIPXx{Ipid: ip.Ipid, Qsip: ip.Start, Zzip: ip.End}
			if own && ip.ISPIpid > 0 {
				id := ip.ISPIpid
				x.ISPIpid = &id
			}
			j.IPXx = append(j.IPXx, x)
		}
		w.JrXx = append(w.JrXx, j)
	}
	return w
}

// Record is a filed subject with its services, as the Go API and the admin page show it.
// CertNumber and the principals' data are personal data: do not log them.
type Record struct {
	Ztid        int64
	Number      string
	Province    beian.Province
	Name        string
	CertType    int64
	CertNumber  string
	FiledBy     int64
	FiledAt     time.Time
	Cancelled   bool
	EmptyShell  bool // no active services left (空壳主体)
	Password    string
	Services    []ServiceRecord
	LastOrdinal int
}

// ServiceRecord is a filed website or APP.
type ServiceRecord struct {
	Wzid      int64
	Number    string
	Name      string
	Domains   []string
	App       *App
	Access    []AccessRecord
	Cancelled bool
	// EmptyShell is true for an active service without any access (空壳网站).
	EmptyShell bool
}

// AccessRecord is one provider's access to a service.
type AccessRecord struct {
	Jrid  int64
	ISPID int64
	IPs   []string
}

func (s *Sim) record(sr *subjectRec) Record {
	r := Record{Ztid: sr.Ztid, Number: sr.number(), Name: sr.Data.Name, CertType: sr.Data.CertType, CertNumber: sr.Data.CertNumber,
		FiledBy: sr.FiledBy, FiledAt: sr.FiledAt, Cancelled: sr.Cancelled, Password: sr.Password, LastOrdinal: sr.LastOrdinal}
	r.Province, _ = beian.ProvinceByCode(sr.Province)
	for _, id := range sr.Sites {
		site := s.st.Sites[id]
		if site == nil {
			continue
		}
		sv := ServiceRecord{Wzid: site.Wzid, Number: s.siteNumber(site), Name: site.Data.Name, App: site.App, Cancelled: site.Cancelled}
		for _, d := range site.Data.Domains {
			sv.Domains = append(sv.Domains, d.Name)
		}
		for _, a := range site.Data.Access {
			ar := AccessRecord{Jrid: a.Jrid, ISPID: a.ISPID}
			for _, ip := range a.IPs {
				if ip.Start == ip.End {
					ar.IPs = append(ar.IPs, ip.Start.String())
				} else {
					ar.IPs = append(ar.IPs, ip.Start.String()+"-"+ip.End.String())
				}
			}
			sv.Access = append(sv.Access, ar)
		}
		sv.EmptyShell = !site.Cancelled && len(site.Data.Access) == 0
		r.Services = append(r.Services, sv)
	}
	r.EmptyShell = !sr.Cancelled && len(s.activeSites(sr)) == 0
	return r
}

// Records returns every subject the bureau filed, by Ztid.
func (s *Sim) Records() []Record {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	ids := make([]int64, 0, len(s.st.Subjects))
	for id := range s.st.Subjects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]Record, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.record(s.st.Subjects[id]))
	}
	return out
}

// Lookup finds a filed subject by its ICP number (subject or service number), a domain of
// one of its services, or its certificate number; cancelled subjects are found by number
// only.
func (s *Sim) Lookup(key string) (Record, bool) {
	if _, err := s.begin(); err != nil {
		return Record{}, false
	}
	defer s.end()
	key = strings.TrimSpace(key)
	if sr := s.subjectByNumber(key); sr != nil {
		return s.record(sr), true
	}
	if d, ok := normalizeDomain(key); ok {
		if site := s.siteByDomain(d); site != nil {
			return s.record(s.st.Subjects[site.Ztid]), true
		}
	}
	if sr := s.subjectByCert(key); sr != nil {
		return s.record(sr), true
	}
	return Record{}, false
}

// itoa formats an ID for Bs and messages.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
