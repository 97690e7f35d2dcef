package bureausim

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/openbeian/beian/miit"
)

// This file is the download side: what the bureau queues for each provider, as numbered
// files that isp_download hands out one at a time (oldest first) and isp_downloadack
// removes. A file not acknowledged is handed out again on the next download.

// provinceTags are the short ASCII province tags bureaus put in file names
// (20160325145800_zj_3058.xml).
var provinceTags = map[string]string{
	"11": "bj", "12": "tj", "13": "he", "14": "sx", "15": "nm", "21": "ln", "22": "jl", "23": "hl",
	"31": "sh", "32": "js", "33": "zj", "34": "ah", "35": "fj", "36": "jx", "37": "sd", "41": "ha",
	"42": "hb", "43": "hn", "44": "gd", "45": "gx", "46": "hi", "50": "cq", "51": "sc", "52": "gz",
	"53": "yn", "54": "xz", "61": "sn", "62": "gs", "63": "qh", "64": "nx", "65": "xj",
}

// clip shortens s to at most n characters (XSD lengths count characters).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// draft returns the ICP document being assembled for a provider during the current locked
// operation; end() turns it into one file. Caller holds mu.
func (s *Sim) draft(isp int64) *miit.DownloadICP {
	d := s.drafts[isp]
	if d == nil {
		d = &miit.DownloadICP{}
		s.drafts[isp] = d
	}
	return d
}

// emitResult queues a BAJG result (Jg_xx) for a provider. Caller holds mu.
func (s *Sim) emitResult(isp int64, op Operation, bs, bz string, results ...result) {
	d := s.draft(isp)
	if d.BAJG == nil {
		d.BAJG = &miit.BAJG{}
	}
	jg := miit.BAJGJgXx{Czlx: int64(op), Bs: clip(bs, 255), Bz: bz}
	for _, r := range results {
		jg.Jgxx = append(jg.Jgxx, miit.BAJGJgXxJgxx{Jgdm: int64(r.code), Dmms: clip(r.text, 255)})
	}
	d.BAJG.JgXx = append(d.BAJG.JgXx, jg)
	codes := make([]int, len(results))
	for i, r := range results {
		codes[i] = int(r.code)
	}
	s.log.Info("result queued", "isp", isp, "op", op.String(), "codes", codes)
}

// emitReview queues a review's outcome: BAJG 1001 or 1002 and the reviewer's opinion
// (GJSHS/Gjsh). Caller holds mu.
func (s *Sim) emitReview(f *filing, approved bool, at time.Time) {
	code, shjg := ResultApproved, int64(1)
	dmms := ResultText(ResultApproved)
	bz := ""
	if approved && len(f.Numbers) > 0 {
		bz = "备案号：" + strings.Join(f.Numbers, "；")
	}
	if !approved {
		code, shjg = ResultRejected, 0
		dmms = ResultText(ResultRejected) + "：" + f.Opinion
	}
	s.emitResult(f.ISPID, f.Op, f.Bs, bz, result{code, dmms})
	d := s.draft(f.ISPID)
	if d.BAJG.GJSHS == nil {
		d.BAJG.GJSHS = &miit.BAJGGJSHS{}
	}
	czlx := int64(f.Op)
	g := miit.BAJGGJSHSGjsh{Shrxm: s.cfg.ReviewerName, ShrDhhm: s.cfg.ReviewerPhone, Shsj: miit.NewDateTime(at),
		Shyj: clip(f.Opinion, 1024), Shjg: shjg, Czlx: &czlx}
	jlid := f.Ztid
	switch f.Op {
	case OpNewAccess, OpCancelSite:
		jlid = f.Wzid
	case OpCancelAccess:
		jlid = f.Jrid
	}
	if jlid > 0 {
		g.Jlid = &jlid
	}
	d.BAJG.GJSHS.Gjsh = append(d.BAJG.GJSHS.Gjsh, g)
}

// emitRecord queues record data (BASJ) of a subject and some of its sites for a provider.
// Sites without any access cannot be expressed (BASJ requires Jr_xx) and are left out; if
// none remain, nothing is queued. Caller holds mu.
func (s *Sim) emitRecord(isp int64, sr *subjectRec, sites []*siteRec) {
	b := miit.BASJBaxx{ZtXx: s.basjSubject(sr, isp)}
	for _, site := range sites {
		if len(site.Data.Access) > 0 && !site.Cancelled {
			b.WzXx = append(b.WzXx, s.basjSite(site, isp))
		}
	}
	if len(b.WzXx) == 0 {
		return
	}
	d := s.draft(isp)
	if d.BASJ == nil {
		d.BASJ = &miit.BASJ{}
	}
	d.BASJ.Baxx = append(d.BASJ.Baxx, b)
}

// emitCancel queues cancellation data (ZXSJ) for a provider. Caller holds mu.
func (s *Sim) emitCancel(isp int64, zxlb, jlid int64, bz string) {
	d := s.draft(isp)
	if d.ZXSJ == nil {
		d.ZXSJ = &miit.ZXSJ{}
	}
	d.ZXSJ.Zxxx = append(d.ZXSJ.Zxxx, miit.ZXSJZxxx{Zxlb: zxlb, Jlid: jlid, Bz: bz})
}

// icpKinds names the kinds an ICP document holds, for logs and the admin page.
func icpKinds(d *miit.DownloadICP) []string {
	var k []string
	add := func(present bool, name string) {
		if present {
			k = append(k, name)
		}
	}
	add(d.BAJG != nil, "BAJG")
	add(d.BASJ != nil, "BASJ")
	add(d.ZXSJ != nil, "ZXSJ")
	add(d.HSRW != nil, "HSRW")
	add(d.HCJG != nil, "HCJG")
	add(d.XGTZ != nil, "XGTZ")
	add(d.WBAWZLB != nil, "WBAWZLB")
	add(d.HMDLB != nil, "HMDLB")
	add(d.FFJRHMD != nil, "FFJRHMD")
	return k
}

// flushDrafts turns every draft into a file, providers in ID order. Caller holds mu.
func (s *Sim) flushDrafts() {
	ids := make([]int64, 0, len(s.drafts)+len(s.extra))
	for id := range s.drafts {
		ids = append(ids, id)
	}
	for id := range s.extra {
		ids = appendUniqueID(ids, id)
	}
	slices.Sort(ids)
	at := s.st.SimTime
	for _, id := range ids {
		if d := s.drafts[id]; d != nil {
			if kinds := icpKinds(d); len(kinds) > 0 {
				if _, err := s.enqueueDoc(id, &miit.DownloadData{ICP: d}, kinds, at); err != nil && d.BAJG != nil && len(kinds) > 1 {
					// Whatever went wrong with the record data, the results must not be
					// lost: send them on their own.
					s.enqueueDoc(id, &miit.DownloadData{ICP: &miit.DownloadICP{BAJG: d.BAJG}}, []string{"BAJG"}, at)
				}
			}
		}
		for _, doc := range s.extra[id] {
			kinds := []string{"IP"}
			if doc.YM != nil {
				kinds = []string{"YM"}
			}
			s.enqueueDoc(id, doc, kinds, at)
		}
	}
	clear(s.drafts)
	clear(s.extra)
}

// enqueueDoc validates and encodes a download document and queues it as the provider's
// next file. A document the simulator built that fails the XSD is a bug in the simulator:
// it is logged as an error and dropped rather than sent. Caller holds mu.
func (s *Sim) enqueueDoc(isp int64, doc *miit.DownloadData, kinds []string, at time.Time) (string, error) {
	data, err := miit.EncodeDownload(doc)
	if err != nil {
		s.log.Error("bureau simulator built an invalid download file; dropped", "isp", isp, "kinds", kinds, "err", err)
		return "", err
	}
	if doc.ICP != nil && doc.ICP.WBAWZLB != nil {
		is := s.isp(isp)
		for _, w := range doc.ICP.WBAWZLB.WbawzXx {
			is.UnfiledSent = appendLog(is.UnfiledSent, strings.ToLower(strings.TrimSpace(w.WzymMc)))
		}
	}
	return s.enqueueXML(isp, data, kinds, at), nil
}

// enqueueXML queues an encoded, valid download document. Caller holds mu.
func (s *Sim) enqueueXML(isp int64, data []byte, kinds []string, at time.Time) string {
	is := s.isp(isp)
	is.NextFile++
	tag := provinceTags[s.isps[isp].Province]
	if tag == "" {
		tag = "isp"
	}
	name := fmt.Sprintf("%s_%s_%d.xml", at.In(miit.Beijing).Format("20060102150405"), tag, is.NextFile)
	is.Files = append(is.Files, &feedFile{Name: name, XML: data, Kinds: kinds, CreatedAt: at})
	s.dirty = true
	s.log.Info("download file queued", "isp", isp, "file", name, "kinds", kinds)
	return name
}

// download answers isp_download: the oldest unacknowledged file, with code 3 when more
// wait behind it (miit.DownloadResult.More), 0 when it is the last, 2 when there is none.
// wrongHash sends the file with a wrong beianInfoHash (a fault). Caller holds mu.
func (s *Sim) download(isp int64, wrongHash bool) *miit.DownloadReturn {
	is := s.isp(isp)
	if len(is.Files) == 0 {
		return &miit.DownloadReturn{MsgCode: int64(miit.ReturnNoData), Msg: miit.ReturnNoData.Text()}
	}
	f := is.Files[0]
	f.Deliveries++
	p, err := miit.EncodePayload(f.Name, f.XML, miit.EncodeOptions{Key: s.keys[isp], Modified: f.CreatedAt})
	if err != nil {
		s.log.Error("bureau simulator: encoding a download failed", "isp", isp, "file", f.Name, "err", err)
		return &miit.DownloadReturn{MsgCode: int64(miit.ReturnOther), Msg: miit.ReturnOther.Text()}
	}
	if wrongHash {
		sum := md5.Sum([]byte("not the file: " + f.Name))
		p.BeianInfoHash = base64.StdEncoding.EncodeToString(sum[:])
	}
	code := miit.ReturnOK
	if len(is.Files) > 1 {
		code = miit.ReturnMoreData
	}
	s.log.Info("download served", "isp", isp, "file", f.Name, "delivery", f.Deliveries, "wrongHash", wrongHash)
	return &miit.DownloadReturn{MsgCode: int64(code), Msg: code.Text(), FileInfos: &miit.DownloadReturnFileInfos{
		HashAlgorithm: int64(p.HashAlgorithm), CompressionFormat: int64(p.CompressionFormat), EncryptAlgorithm: int64(p.EncryptAlgorithm),
		ReturnFileName: p.FileName, BeianInfo: p.BeianInfo, BeianInfoHash: p.BeianInfoHash,
	}}
}

// ack answers isp_downloadack. A name acknowledged before succeeds again (an
// acknowledgement whose answer was lost is retried); a name never issued is an error.
// keep leaves the file queued although the answer is success (the resend fault). Caller
// holds mu.
func (s *Sim) ack(isp int64, name string, keep bool) *miit.DownloadAckReturn {
	name = strings.TrimSpace(name)
	if name == "" {
		return &miit.DownloadAckReturn{MsgCode: 21, Msg: miit.ReturnCode(21).Text()}
	}
	is := s.isp(isp)
	i := slices.IndexFunc(is.Files, func(f *feedFile) bool { return f.Name == name })
	switch {
	case i < 0 && slices.Contains(is.Acked, name):
		return &miit.DownloadAckReturn{MsgCode: 0, Msg: miit.ReturnOK.Text()}
	case i < 0:
		return &miit.DownloadAckReturn{MsgCode: int64(miit.ReturnOther), Msg: "其他错误：文件" + name + "不存在或不属于本单位"}
	}
	if keep {
		s.log.Info("download acknowledged, kept for redelivery (fault)", "isp", isp, "file", name)
		return &miit.DownloadAckReturn{MsgCode: 0, Msg: miit.ReturnOK.Text()}
	}
	is.Files = slices.Delete(is.Files, i, i+1)
	is.Acked = append(is.Acked, name)
	if len(is.Acked) > maxLog {
		is.Acked = is.Acked[len(is.Acked)-maxLog:]
	}
	s.dirty = true
	s.log.Info("download acknowledged", "isp", isp, "file", name)
	return &miit.DownloadAckReturn{MsgCode: 0, Msg: miit.ReturnOK.Text()}
}

// FileInfo describes a queued download file.
type FileInfo struct {
	Name       string
	Kinds      []string
	CreatedAt  time.Time
	Deliveries int
	// XML is the GBK document as it is sent (before zip and encryption).
	XML []byte
}

// PendingFiles returns the files queued for a provider and not yet acknowledged, oldest
// first.
func (s *Sim) PendingFiles(isp int64) []FileInfo {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	var out []FileInfo
	for _, f := range s.isp(isp).Files {
		out = append(out, FileInfo{Name: f.Name, Kinds: slices.Clone(f.Kinds), CreatedAt: f.CreatedAt, Deliveries: f.Deliveries, XML: slices.Clone(f.XML)})
	}
	return out
}

// ErrUnknownISP is returned for a provider ID that is not configured.
var ErrUnknownISP = errors.New("bureausim: unknown ISP")

// ErrNotFound is returned when a number or domain names no filed record.
var ErrNotFound = errors.New("bureausim: no such filed record")

// targets resolves isp for injection: one configured provider, or every provider for 0.
func (s *Sim) targets(isp int64) ([]int64, error) {
	if isp == 0 {
		var all []int64
		for _, a := range s.cfg.ISPs {
			all = append(all, a.ISPID)
		}
		return all, nil
	}
	if _, ok := s.isps[isp]; !ok {
		return nil, fmt.Errorf("%w %d", ErrUnknownISP, isp)
	}
	return []int64{isp}, nil
}

// Inject queues one download file holding the given ICP items (HCJG, XGTZ, WBAWZLB, HSRW,
// HMDLB, FFJRHMD, BASJ …) for a provider, or for every provider when isp is 0, and returns
// the file names. The document is validated against download-data.xsd first; an invalid
// one is refused with the *miit.ValidationError. Blacklist entries (HMDLB Czlx 0 or 1 add,
// 2 removes) also change what the simulator refuses (1064, 1065).
func (s *Sim) Inject(isp int64, icp *miit.DownloadICP) ([]string, error) {
	if icp == nil || len(icpKinds(icp)) == 0 {
		return nil, errors.New("bureausim: Inject: empty ICP document")
	}
	return s.injectDoc(isp, &miit.DownloadData{ICP: icp}, icpKinds(icp))
}

// InjectJCDM queues a code-table file (JCDM) for a provider, or every provider for 0.
func (s *Sim) InjectJCDM(isp int64, j *miit.JCDM) ([]string, error) {
	if j == nil {
		return nil, errors.New("bureausim: InjectJCDM: nil code tables")
	}
	return s.injectDoc(isp, &miit.DownloadData{JCDM: j}, []string{"JCDM"})
}

func (s *Sim) injectDoc(isp int64, doc *miit.DownloadData, kinds []string) ([]string, error) {
	if doc.Version == "" {
		doc.Version = miit.Version
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	now, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer s.end()
	ids, err := s.targets(isp)
	if err != nil {
		return nil, err
	}
	if doc.ICP != nil && doc.ICP.HMDLB != nil {
		s.applyBlacklist(doc.ICP.HMDLB)
	}
	var names []string
	for _, id := range ids {
		name, err := s.enqueueDoc(id, doc, kinds, now)
		if err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

func (s *Sim) applyBlacklist(h *miit.HMDLB) {
	bl := &s.st.Blacklist
	for _, z := range h.Zthmdxxs {
		if z.ZtXx == nil {
			continue
		}
		cert := strings.TrimSpace(z.ZtXx.Zj.Zjhm)
		bl.Certs = slices.DeleteFunc(bl.Certs, func(c string) bool { return strings.EqualFold(c, cert) })
		if z.Czlx != 2 {
			bl.Certs = append(bl.Certs, cert)
		}
	}
	for _, w := range h.Wzhmdxxs {
		for _, y := range w.WzXx.YmXx {
			d, ok := normalizeDomain(y.Ym)
			if !ok {
				continue
			}
			bl.Domains = slices.DeleteFunc(bl.Domains, func(x string) bool { return x == d })
			if w.Czlx != 2 {
				bl.Domains = append(bl.Domains, d)
			}
		}
	}
	s.dirty = true
}

// The builders below make the common feed items from the simulator's own records, so a
// test or the admin page names a filing by its number instead of assembling XML. Each
// queues one file per provider concerned and returns the file names.

// withRecord runs fn on the subject and (for a service number) the site a number names,
// under the lock.
func (s *Sim) withRecord(number string, fn func(now time.Time, sr *subjectRec, site *siteRec) ([]string, error)) ([]string, error) {
	now, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer s.end()
	sr := s.subjectByNumber(number)
	if sr == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, number)
	}
	site := s.siteByNumber(number)
	return fn(now, sr, site)
}

// recipients are the providers a notice about a subject (and site) goes to: those with an
// access on the site, or on any site of the subject; failing that, the one that filed it.
func (s *Sim) recipients(sr *subjectRec, site *siteRec) []int64 {
	var sites []*siteRec
	if site != nil {
		sites = []*siteRec{site}
	} else {
		sites = s.activeSites(sr)
	}
	ids := accessISPs(sites)
	if len(ids) == 0 {
		ids = []int64{sr.FiledBy}
		if site != nil {
			ids = []int64{site.FiledBy}
		}
	}
	return ids
}

func (s *Sim) enqueueAll(ids []int64, doc *miit.DownloadData, kinds []string, now time.Time) ([]string, error) {
	var names []string
	for _, id := range ids {
		name, err := s.enqueueDoc(id, doc, kinds, now)
		if err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

// RectificationNotice queues a rectification notice (XGTZ, 整改通知) about a filed subject
// (Tzlb 0, for a subject number) or service (Tzlb 1, for a service number) to the providers
// with access to it. text is the notice (通知内容, at most 255 characters).
func (s *Sim) RectificationNotice(number, text string) ([]string, error) {
	return s.withRecord(number, func(now time.Time, sr *subjectRec, site *siteRec) ([]string, error) {
		t := miit.XGTZTzxx{Tzlb: 0, Baxh: sr.number(), Tznr: clip(text, 255)}
		jlid := sr.Ztid
		if site != nil {
			t.Tzlb, t.Baxh, jlid = 1, s.siteNumber(site), site.Wzid
		}
		t.Jlid = &jlid
		doc := &miit.DownloadData{ICP: &miit.DownloadICP{XGTZ: &miit.XGTZ{Tzxx: []miit.XGTZTzxx{t}}}}
		return s.enqueueAll(s.recipients(sr, site), doc, []string{"XGTZ"}, now)
	})
}

// EmptyShellCheck queues an empty-shell site check result (HCJG/Kkwzhc, 空壳网站核查) for a
// service number: alive false reports the site dead (死亡), the usual prelude to
// rectification and cancellation (spec §9.5).
func (s *Sim) EmptyShellCheck(number string, alive bool, note string) ([]string, error) {
	return s.withRecord(number, func(now time.Time, sr *subjectRec, site *siteRec) ([]string, error) {
		if site == nil {
			return nil, fmt.Errorf("%w: %s is not a service number", ErrNotFound, number)
		}
		k := miit.HCJGJgxxKkwzhc{Wzid: site.Wzid, WzBaxh: s.siteNumber(site), Hcjg: 1, Hcsj: miit.NewDateTime(now), Bz: note}
		if alive {
			k.Hcjg = 0
		}
		if u := site.Data.HomeURL; len([]rune(u)) >= 7 {
			k.Syurl = u
		} else if u != "" {
			k.Syurl = "http://" + u
		}
		doc := &miit.DownloadData{ICP: &miit.DownloadICP{HCJG: &miit.HCJG{Jgxx: miit.HCJGJgxx{Kkwzhc: []miit.HCJGJgxxKkwzhc{k}}}}}
		return s.enqueueAll(s.recipients(sr, site), doc, []string{"HCJG"}, now)
	})
}

// AccessCheck queues an access check result (HCJG/Jrhc, 接入核查) about a service for one
// provider: under true means under-reported (少报: the domain resolves to ip, which the
// provider did not report), false over-reported (多报: a reported access that serves
// nothing).
func (s *Sim) AccessCheck(isp int64, number string, under bool, domain string, ip netip.Addr) ([]string, error) {
	return s.withRecord(number, func(now time.Time, sr *subjectRec, site *siteRec) ([]string, error) {
		if site == nil {
			return nil, fmt.Errorf("%w: %s is not a service number", ErrNotFound, number)
		}
		if _, err := s.targets(isp); err != nil || isp == 0 {
			return nil, fmt.Errorf("%w %d", ErrUnknownISP, isp)
		}
		j := miit.HCJGJgxxJrhc{Wzid: site.Wzid, WzBaxh: s.siteNumber(site), Hcjg: 1, Hcsj: miit.NewDateTime(now), Bbisp: &isp}
		if under {
			j.Hcjg = 2
			j.Ym = domain
			v, err := miit.IPv4From(ip)
			if err != nil {
				return nil, err
			}
			j.Jxip = &v
		}
		for _, a := range site.Data.Access {
			if a.ISPID == isp {
				jrid := a.Jrid
				j.Jrid = &jrid
			}
		}
		doc := &miit.DownloadData{ICP: &miit.DownloadICP{HCJG: &miit.HCJG{Jgxx: miit.HCJGJgxx{Jrhc: []miit.HCJGJgxxJrhc{j}}}}}
		return s.enqueueAll([]int64{isp}, doc, []string{"HCJG"}, now)
	})
}

// SubjectCheck queues a subject check result (HCJG/Zthc, 主体核查) with the error the
// bureau found (错误原因, e.g. 主办单位经营异常).
func (s *Sim) SubjectCheck(number, reason string) ([]string, error) {
	return s.withRecord(number, func(now time.Time, sr *subjectRec, _ *siteRec) ([]string, error) {
		z := miit.HCJGJgxxZthc{Ztid: sr.Ztid, Dwmc: sr.Data.Name, Zjlx: sr.Data.CertType, Zjhm: sr.Data.CertNumber, Cwyy: clip(reason, 512)}
		doc := &miit.DownloadData{ICP: &miit.DownloadICP{HCJG: &miit.HCJG{Jgxx: miit.HCJGJgxx{Zthc: []miit.HCJGJgxxZthc{z}}}}}
		return s.enqueueAll(s.recipients(sr, nil), doc, []string{"HCJG"}, now)
	})
}

// VerificationTask queues a verification task (HSRW, 核实任务) about a filed subject and its
// services (or one service, for a service number) to the providers with access; they
// answer with HSJG uploads (VerificationAnswers).
func (s *Sim) VerificationTask(number, note string) ([]string, error) {
	return s.withRecord(number, func(now time.Time, sr *subjectRec, site *siteRec) ([]string, error) {
		var names []string
		for _, isp := range s.recipients(sr, site) {
			b := s.hsrw(sr, site, isp)
			if len(b.WzXx) == 0 {
				continue
			}
			b.Bz = note
			doc := &miit.DownloadData{ICP: &miit.DownloadICP{HSRW: &miit.HSRW{Baxx: []miit.HSRWBaxx{b}}}}
			n, err := s.enqueueAll([]int64{isp}, doc, []string{"HSRW"}, now)
			names = append(names, n...)
			if err != nil {
				return names, err
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%w: %s has no service with an access", ErrNotFound, number)
		}
		return names, nil
	})
}

// hsrw builds a verification task from the records: the subject and its services that
// have the provider's access (all of them when site is nil).
func (s *Sim) hsrw(sr *subjectRec, only *siteRec, isp int64) miit.HSRWBaxx {
	z := s.basjSubject(sr, isp)
	b := miit.HSRWBaxx{ZtXx: miit.HSRWBaxxZtXx{Ztid: z.Ztid, Dwmc: z.Dwmc, Dwxz: z.Dwxz, Txdz: z.Txdz,
		Zj:  miit.HSRWBaxxZtXxZj(z.Zj),
		Fzr: miit.HSRWBaxxZtXxFzr{FzrXm: z.Fzr.FzrXm, FzrDhhm: z.Fzr.FzrDhhm, FzrSjhm: z.Fzr.FzrSjhm, FzrDzyj: z.Fzr.FzrDzyj, MSN: z.Fzr.MSN, QQ: z.Fzr.QQ, FzrZjlx: z.Fzr.FzrZjlx, FzrZjhm: z.Fzr.FzrZjhm},
		Tzr: z.Tzr, Bbyhlx: 1, Scbbsj: z.Scbbsj}}
	zj := z.Zjxgsj
	b.ZtXx.Zjxgsj = &zj
	for _, site := range s.activeSites(sr) {
		if only != nil && site.Wzid != only.Wzid || !hasAccess(site, isp) {
			continue
		}
		w := s.basjSite(site, isp)
		h := miit.HSRWBaxxWzXx{Wzid: w.Wzid, Wzmc: w.Wzmc, Nrlx: w.Nrlx, Fwnr: w.Fwnr, Yylb: &w.Yylb, WzFzr: w.WzFzr,
			Syurl: w.Syurl, WzBz: w.WzBz, Scbbsj: w.Scbbsj, Zjxgsj: w.Zjxgsj}
		for _, y := range w.YmXx {
			h.YmXx = append(h.YmXx, miit.HSRWBaxxWzXxYmXx{Ymid: y.Ymid, Ym: y.Ym})
		}
		for _, j := range w.JrXx {
			hj := miit.HSRWBaxxWzXxJrXx{Jrid: j.Jrid, Wzfb: j.Wzfb, Wzjrfs: j.Wzjrfs, Bbyhid: j.Ispid, Bbyhlx: 1}
			for _, ip := range j.IPXx {
				hj.IPXx = append(hj.IPXx, miit.HSRWBaxxWzXxJrXxIPXx{Ipid: ip.Ipid, Qsip: ip.Qsip, Zzip: ip.Zzip})
			}
			h.JrXx = append(h.JrXx, hj)
		}
		b.WzXx = append(b.WzXx, h)
	}
	return b
}

// UnfiledSite queues an unfiled-site entry (WBAWZLB, 未备案网站) for a provider: a domain the
// bureau detected on the provider's IP without a filing. The provider answers with a
// WBACLJG upload (UnfiledResults).
func (s *Sim) UnfiledSite(isp int64, domain string, ip netip.Addr) ([]string, error) {
	now, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer s.end()
	if _, err := s.targets(isp); err != nil || isp == 0 {
		return nil, fmt.Errorf("%w %d", ErrUnknownISP, isp)
	}
	v, err := miit.IPv4From(ip)
	if err != nil {
		return nil, err
	}
	prov := int64(110000)
	fmt.Sscan(s.isps[isp].Province+"0000", &prov)
	first := miit.NewDate(now.AddDate(0, 0, -7))
	last := miit.NewDate(now)
	count := int64(3)
	isp2 := isp
	w := miit.WBAWZLBWbawzXx{ID: s.st.newID(), WzymMc: domain, IP: v, Dqjcsj: &last, Jccs: &count, Sssh: &prov,
		Scjcsj: &first, Jrs: &isp2, Yys: isp}
	doc := &miit.DownloadData{ICP: &miit.DownloadICP{WBAWZLB: &miit.WBAWZLB{WbawzXx: []miit.WBAWZLBWbawzXx{w}}}}
	return s.enqueueAll([]int64{isp}, doc, []string{"WBAWZLB"}, now)
}

// BlacklistSubject puts a subject on the blacklist (HMDLB, 黑名单) and tells every
// provider: later filings of that certificate get 1065, filings under review are rejected.
func (s *Sim) BlacklistSubject(name string, certType int64, cert string) ([]string, error) {
	z := miit.HMDLBZthmdxxs{ZtXx: &miit.HMDLBZthmdxxsZtXx{Dwmc: name, Zj: miit.HMDLBZthmdxxsZtXxZj{Zjlx: certType, Zjhm: cert}}, Czlx: 0}
	return s.Inject(0, &miit.DownloadICP{HMDLB: &miit.HMDLB{Zthmdxxs: []miit.HMDLBZthmdxxs{z}}})
}

// BlacklistDomain puts a website's domain on the blacklist and tells every provider: later
// filings with it get 1064.
func (s *Sim) BlacklistDomain(siteName, domain string) ([]string, error) {
	if siteName == "" {
		siteName = domain
	}
	w := miit.HMDLBWzhmdxxs{WzXx: miit.HMDLBWzhmdxxsWzXx{Wzmc: siteName, YmXx: []miit.HMDLBWzhmdxxsWzXxYmXx{{Ym: domain}}}, Czlx: 0}
	return s.Inject(0, &miit.DownloadICP{HMDLB: &miit.HMDLB{Wzhmdxxs: []miit.HMDLBWzhmdxxs{w}}})
}

// IllegalAccess queues an illegal-access blacklist entry (FFJRHMD, 非法接入黑名单) for a
// provider: a blacklisted site found on its IP.
func (s *Sim) IllegalAccess(isp int64, domain string, ip netip.Addr) ([]string, error) {
	v, err := miit.IPv4From(ip)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	id := s.st.newID()
	prov := int64(110000)
	fmt.Sscan(s.isps[isp].Province+"0000", &prov)
	now := s.now()
	s.mu.Unlock()
	f := miit.FFJRHMDFfjrxx{ID: id, Ym: domain, IP: v, Zjjrz: isp, Szs: prov, Dqjcsj: miit.NewDate(now)}
	return s.Inject(isp, &miit.DownloadICP{FFJRHMD: &miit.FFJRHMD{Ffjrxx: []miit.FFJRHMDFfjrxx{f}}})
}
