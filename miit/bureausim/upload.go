package bureausim

import (
	"archive/zip"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian/miit"
)

// UploadLog is one accepted (or, under the drop fault, lost) upload.
type UploadLog struct {
	DataSequence int64     `json:"seq"`
	FileName     string    `json:"fileName"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Records      int       `json:"records"`
	// Dropped is true for an upload acknowledged with code 0 and then lost (FaultDropUpload).
	Dropped bool   `json:"dropped,omitempty"`
	Note    string `json:"note,omitempty"`
}

// VerificationAnswer is an answer to a verification task (HSJG upload, 核实结果).
type VerificationAnswer struct {
	DataSequence int64     `json:"seq"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Ztid         int64     `json:"ztid"`
	SubjectName  string    `json:"subjectName"`
	Wzids        []int64   `json:"wzids,omitempty"`
	// Passed is Hsjg 0 (通过); false is 1 (拒绝).
	Passed     bool   `json:"passed"`
	Verifier   string `json:"verifier"`
	VerifiedOn string `json:"verifiedOn"`
	Opinion    string `json:"opinion"`
	Error      string `json:"error,omitempty"`
}

// UnfiledResult is a provider's handling result for an unfiled site (WBACLJG upload).
type UnfiledResult struct {
	DataSequence int64     `json:"seq"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Domain       string    `json:"domain"`
	IP           string    `json:"ip"`
	Result       int64     `json:"result"`
	ResultName   string    `json:"resultName"`
	Opinion      string    `json:"opinion"`
	Deadline     string    `json:"deadline"`
	Reporter     string    `json:"reporter,omitempty"`
	// Problem is what a bureau would object to (5005 not this provider's site, 5006 already
	// reported, 5007 unknown result code); V3.0 has no download that carries it back.
	Problem string `json:"problem,omitempty"`
}

// MaterialUpload records a separate submission of verification material (XZHYD).
type MaterialUpload struct {
	DataSequence int64     `json:"seq"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Attachments  int       `json:"attachments"`
}

// upload answers isp_upload for an authenticated provider. Caller holds mu.
//
// Order of checks: parameters (9, 10, 11), the data sequence (14 for a gap; a repeat is
// answered 0 without reprocessing when it is the same file, 999 when it is not), the
// payload (18 size, 6 decryption, 7 hash, 8 unzip, 17 entry count). Only then is the
// sequence consumed; the file's content is checked afterwards and its problems (5004
// version, 5001 schema, 5003 requesting unit, every 1xxx code) come back in the download
// feed as BAJG results, as spec 3-3-2-5 says: "对于…处理企业上报的备案数据文件所产生的错误
// 信息，均以数据文件下载形式返回给企业".
func (s *Sim) upload(a ISPAccount, r *miit.UploadRequest, now time.Time) *miit.UploadReturn {
	fail := func(code miit.ReturnCode, msg string) *miit.UploadReturn {
		if msg == "" {
			msg = code.Text()
		}
		s.log.Info("upload refused", "isp", a.ISPID, "seq", r.DataSequence, "code", int(code))
		return &miit.UploadReturn{MsgCode: int64(code), Msg: msg}
	}
	switch {
	case r.EncryptAlgorithm != miit.EncryptNone && r.EncryptAlgorithm != miit.EncryptAES:
		return fail(9, "")
	case r.CompressionFormat != miit.CompressionZip:
		return fail(11, "")
	case r.EncryptAlgorithm == miit.EncryptAES && s.keys[a.ISPID] == nil:
		return fail(6, "解密失败：未为本单位分配AES密钥（no AES key issued to this provider）")
	}
	is := s.isp(a.ISPID)
	hash := strings.TrimSpace(r.BeianInfoHash)
	switch seq := r.DataSequence; {
	case seq <= 0:
		return fail(999, "其他错误：数据编号从1开始（dataSequence starts at 1）")
	case seq <= is.LastSeq:
		// V3.0 has no code for a repeated sequence. The same file again is a retry after a
		// lost answer: it was received, so say so and do nothing. A different file under a
		// used number means the provider's numbering forked: refuse it loudly.
		if prev, ok := is.Hashes[seq]; ok && prev != hash {
			return fail(999, fmt.Sprintf("其他错误：数据编号%d已受理其他文件，请使用isp_querypreviousupload同步编号（sequence %d was already used for another file）", seq, seq))
		}
		s.log.Info("upload repeated, not reprocessed", "isp", a.ISPID, "seq", seq)
		return &miit.UploadReturn{MsgCode: 0, Msg: "操作成功（该数据编号已受理，未重复处理）"}
	case seq > is.LastSeq+1:
		return s.gap(a.ISPID, is.LastSeq, seq)
	}
	maxEncoded := s.cfg.MaxUploadBytes*4/3 + 64<<10
	if int64(len(r.BeianInfo)) > maxEncoded {
		return fail(18, "")
	}
	p := &miit.Payload{BeianInfo: r.BeianInfo, BeianInfoHash: r.BeianInfoHash, EncryptAlgorithm: r.EncryptAlgorithm,
		HashAlgorithm: r.HashAlgorithm, CompressionFormat: r.CompressionFormat}
	name, doc, err := miit.DecodePayload(p, s.keys[a.ISPID], miit.Limits{MaxEncoded: maxEncoded, MaxUncompressed: s.cfg.MaxUploadBytes})
	switch {
	case errors.Is(err, miit.ErrTooLarge):
		return fail(18, "")
	case errors.Is(err, miit.ErrHashMismatch):
		return fail(7, "")
	case errors.Is(err, miit.ErrDecrypt):
		return fail(6, "")
	case errors.Is(err, miit.ErrBase64) && r.EncryptAlgorithm == miit.EncryptAES:
		return fail(6, "")
	case errors.Is(err, miit.ErrBase64), errors.Is(err, miit.ErrZip):
		return fail(8, "")
	case err != nil:
		return fail(999, "")
	}
	if n := s.zipEntries(a.ISPID, r); n != 1 {
		return fail(17, "")
	}
	if err := miit.CheckFileName(name); err != nil {
		return fail(999, "其他错误：数据文件名只能使用英文字母或数字，且不超过128字节（file name: ASCII letters and digits, at most 128 bytes）")
	}
	if s.takeFault(miit.MethodUpload, FaultDropUpload) == FaultDropUpload {
		// The realistic failure: the bureau answered before its transaction committed and
		// lost the file. The sequence does not advance, so the provider's next upload gets
		// code 14 naming this one, and isp_querypreviousupload shows the one before.
		is.Uploads = appendLog(is.Uploads, UploadLog{DataSequence: r.DataSequence, FileName: name, ReceivedAt: now, Dropped: true,
			Note: "acknowledged and lost (fault injection)"})
		s.dirty = true
		s.log.Warn("upload acknowledged and dropped (fault)", "isp", a.ISPID, "seq", r.DataSequence)
		return &miit.UploadReturn{MsgCode: 0, Msg: miit.ReturnOK.Text()}
	}
	is.LastSeq = r.DataSequence
	p.FileName = name
	is.LastUpload = p
	is.Hashes[r.DataSequence] = hash
	records := s.process(a, r.DataSequence, doc, now)
	is.Uploads = appendLog(is.Uploads, UploadLog{DataSequence: r.DataSequence, FileName: name, ReceivedAt: now, Records: records})
	s.dirty = true
	s.log.Info("upload accepted", "isp", a.ISPID, "seq", r.DataSequence, "file", name, "records", records)
	return &miit.UploadReturn{MsgCode: 0, Msg: miit.ReturnOK.Text()}
}

func appendLog[T any](list []T, v T) []T {
	list = append(list, v)
	if len(list) > maxLog {
		list = list[len(list)-maxLog:]
	}
	return list
}

// gap answers code 14, listing the missing numbers one per <dataSequence> (a range
// "a-b" for more than 1000 of them, which ParseSequences reads).
func (s *Sim) gap(isp, last, seq int64) *miit.UploadReturn {
	ret := &miit.UploadReturn{MsgCode: int64(miit.ReturnSequenceGap), Msg: miit.ReturnSequenceGap.Text(), DataSequences: &miit.UploadReturnDataSequences{}}
	if seq-last-1 > 1000 {
		ret.DataSequences.DataSequence = []string{fmt.Sprintf("%d-%d", last+1, seq-1)}
	} else {
		for n := last + 1; n < seq; n++ {
			ret.DataSequences.DataSequence = append(ret.DataSequences.DataSequence, strconv.FormatInt(n, 10))
		}
	}
	s.log.Info("upload refused: sequence gap", "isp", isp, "last", last, "seq", seq)
	return ret
}

// zipEntries counts the files in an upload's zip (spec 3-3-1-3: one XML file per upload;
// code 17 otherwise). DecodePayload, built for the lenient download side, picks the .xml
// entry of several; the bureau side is strict. The payload already decoded once, so errors
// here cannot happen and count as one entry.
func (s *Sim) zipEntries(isp int64, r *miit.UploadRequest) int {
	raw, err := base64.StdEncoding.DecodeString(strings.Map(func(c rune) rune {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			return -1
		}
		return c
	}, r.BeianInfo))
	if err != nil {
		return 1
	}
	if r.EncryptAlgorithm == miit.EncryptAES {
		a := s.isps[isp]
		block, err := aes.NewCipher([]byte(a.Key))
		if err != nil || len(raw)%aes.BlockSize != 0 || len(raw) == 0 {
			return 1
		}
		cipher.NewCBCDecrypter(block, []byte(a.IV)).CryptBlocks(raw, raw)
		pad := int(raw[len(raw)-1])
		if pad < 1 || pad > aes.BlockSize {
			return 1
		}
		raw = raw[:len(raw)-pad]
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return 1
	}
	n := 0
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			n++
		}
	}
	return n
}

// recordRef is one record of an upload as BAJG refers to it.
type recordRef struct {
	op Operation
	bs string
}

// refs lists the records of an ICP upload that BAJG can answer (HSJG, WBACLJG and XZHYD
// have no operation type BAJG's XSD allows).
func refs(icp *miit.UploadICP) []recordRef {
	var out []recordRef
	if icp == nil {
		return nil
	}
	if icp.XZBA != nil {
		for _, b := range icp.XZBA.Baxx {
			out = append(out, recordRef{OpNewFiling, itoa(b.ZtXx.ISPZtid)})
		}
	}
	if icp.XZWZ != nil {
		for _, x := range icp.XZWZ.Xzxx {
			out = append(out, recordRef{OpNewSite, xzwzBs(x)})
		}
	}
	if icp.XZJR != nil {
		for _, x := range icp.XZJR.Xzxx {
			out = append(out, recordRef{OpNewAccess, xzjrBs(x)})
		}
	}
	if icp.BGBA != nil {
		for _, b := range icp.BGBA.Bgxx {
			out = append(out, recordRef{OpChange, itoa(b.ZtXx.Ztid)})
		}
	}
	if icp.ZXBA != nil {
		for _, z := range icp.ZXBA.ZxXx {
			out = append(out, recordRef{cancelOp(z.Zxlb), itoa(z.Jlid)})
		}
	}
	return out
}

func xzwzBs(x miit.XZWZXzxx) string {
	if x.ZtXx.Ztbah != "" {
		return x.ZtXx.Ztbah
	}
	if x.ZtXx.Ztid != nil {
		return itoa(*x.ZtXx.Ztid)
	}
	return ""
}

func xzjrBs(x miit.XZJRXzxx) string {
	if x.WzXx.Wzbah != "" {
		return x.WzXx.Wzbah
	}
	if x.WzXx.Wzid != nil {
		return itoa(*x.WzXx.Wzid)
	}
	return ""
}

func cancelOp(zxlb int64) Operation {
	switch zxlb {
	case 0:
		return OpCancelSubject
	case 1:
		return OpCancelSite
	}
	return OpCancelAccess
}

// refuseAll answers every record of a file with the same result; a file with no record BAJG
// can name gets one result without Bs. It returns the number of records.
func (s *Sim) refuseAll(isp int64, icp *miit.UploadICP, r result) int {
	rs := refs(icp)
	if len(rs) == 0 {
		s.emitResult(isp, OpNewFiling, "", "", r)
		return 0
	}
	for _, ref := range rs {
		s.emitResult(isp, ref.op, ref.bs, "", r)
	}
	return len(rs)
}

// maxRecords is the spec's limit on records per upload file (3-3-1-3).
const maxRecords = 1000

// process handles an accepted file's content and returns its number of records. Caller
// holds mu.
func (s *Sim) process(a ISPAccount, seq int64, data []byte, now time.Time) int {
	doc, err := miit.DecodeUpload(data)
	if err != nil {
		s.refuseAll(a.ISPID, nil, rc(5001, "数据文件不是合法的XML（not well-formed XML）："+clip(err.Error(), 160)))
		return 0
	}
	if strings.TrimSpace(doc.Version) != miit.Version {
		return s.refuseAll(a.ISPID, doc.ICP, rc(5004, fmt.Sprintf("接口版本错误，当前接口版本为“%s”（received %q）", miit.Version, clip(doc.Version, 20))))
	}
	if err := doc.Validate(); err != nil {
		var ve *miit.ValidationError
		detail := err.Error()
		if errors.As(err, &ve) && len(ve.Problems) > 0 {
			p := ve.Problems[0]
			detail = fmt.Sprintf("%s: %s (%d problem(s))", p.Path, p.Message, len(ve.Problems))
		}
		return s.refuseAll(a.ISPID, doc.ICP, rc(5001, "数据文件格式不符合接口XSD规范："+detail))
	}
	switch {
	case doc.IP != nil:
		s.refuseIP(a.ISPID, doc.IP)
		return 0
	case doc.YM != nil:
		s.refuseYM(a.ISPID, doc.YM)
		return 0
	}
	icp := doc.ICP
	if icp.Qqdwid != a.ISPID {
		return s.refuseAll(a.ISPID, icp, rc(5003, fmt.Sprintf("XML中请求单位Id（%d）和报备单位Id（%d）不一致", icp.Qqdwid, a.ISPID)))
	}
	n := len(refs(icp))
	if icp.HSJG != nil {
		n += len(icp.HSJG.Hsjgxx)
	}
	if icp.WBACLJG != nil {
		n += len(icp.WBACLJG.Clxx)
	}
	if icp.XZHYD != nil {
		n += len(icp.XZHYD.Fjxx)
	}
	if n > maxRecords {
		return s.refuseAll(a.ISPID, icp, rc(5001, fmt.Sprintf("单个数据文件内的备案数据不能超过%d条（%d records）", maxRecords, n)))
	}
	if icp.XZBA != nil {
		for _, b := range icp.XZBA.Baxx {
			s.newFilingRecord(a, seq, b, now)
		}
	}
	if icp.XZWZ != nil {
		for _, x := range icp.XZWZ.Xzxx {
			s.newSiteRecord(a, seq, x, now)
		}
	}
	if icp.XZJR != nil {
		for _, x := range icp.XZJR.Xzxx {
			s.newAccessRecord(a, seq, x, now)
		}
	}
	if icp.BGBA != nil {
		for _, b := range icp.BGBA.Bgxx {
			s.changeRecord(a, seq, b, now)
		}
	}
	if icp.ZXBA != nil {
		for _, z := range icp.ZXBA.ZxXx {
			s.cancelRecord(a, seq, z, now)
		}
	}
	is := s.isp(a.ISPID)
	if icp.XZHYD != nil {
		is.Materials = appendLog(is.Materials, MaterialUpload{DataSequence: seq, ReceivedAt: now, Attachments: len(icp.XZHYD.Fjxx)})
	}
	if icp.HSJG != nil {
		for _, h := range icp.HSJG.Hsjgxx {
			ans := VerificationAnswer{DataSequence: seq, ReceivedAt: now, Ztid: h.Baxx.ZtXx.Ztid, SubjectName: h.Baxx.ZtXx.Dwmc,
				Passed: h.Hsjg == 0, Verifier: h.Hsrxm, VerifiedOn: h.Hssj.String(), Opinion: h.Hsyj, Error: h.Cwxx}
			for _, w := range h.Baxx.WzXx {
				ans.Wzids = append(ans.Wzids, w.Wzid)
			}
			is.Answers = appendLog(is.Answers, ans)
		}
	}
	if icp.WBACLJG != nil {
		for _, c := range icp.WBACLJG.Clxx {
			is.Unfiled = appendLog(is.Unfiled, s.unfiledResult(is, seq, c, now))
		}
	}
	return n
}

func (s *Sim) unfiledResult(is *ispState, seq int64, c miit.WBACLJGClxx, now time.Time) UnfiledResult {
	u := UnfiledResult{DataSequence: seq, ReceivedAt: now, Domain: c.Ym, IP: c.IP.String(), Result: c.Cljg,
		ResultName: codeName(unfiledResults, c.Cljg), Opinion: c.Clyj, Deadline: c.Clsx.String(), Reporter: c.Sbrxm}
	switch {
	case !knownCode(unfiledResults, c.Cljg):
		u.Problem = "5007 " + miit.ResultCode(5007).Text()
	case slices.ContainsFunc(is.Unfiled, func(x UnfiledResult) bool { return x.Domain == c.Ym && x.Problem == "" }):
		u.Problem = "5006 " + miit.ResultCode(5006).Text()
	case !s.unfiledSent(is.ISPID, c.Ym):
		u.Problem = "5005 " + miit.ResultCode(5005).Text()
	}
	return u
}

// unfiledSent reports whether an unfiled-site entry (WBAWZLB) for the domain was ever
// sent to the provider.
func (s *Sim) unfiledSent(isp int64, domain string) bool {
	return slices.Contains(s.isp(isp).UnfiledSent, strings.ToLower(strings.TrimSpace(domain)))
}

// refuseIP answers an IP upload: the simulator does not simulate IP address reporting
// (5011 该功能目前未开放), one result per operation.
func (s *Sim) refuseIP(isp int64, ip *miit.UploadIP) {
	b := &miit.IPBAJG{}
	r := miit.IPBAJGLyjgJgxx{Jgdm: 5011, Dmms: miit.ResultCode(5011).Text() + "（bureau simulator: IP reporting not simulated）"}
	for czlx, present := range map[int64]bool{1: ip.XZBA != nil, 2: ip.XGBA != nil, 3: ip.SCBA != nil} {
		if present {
			b.Lyjg = append(b.Lyjg, miit.IPBAJGLyjg{Jgxx: []miit.IPBAJGLyjgJgxx{r}, Czlx: czlx})
		}
	}
	slices.SortFunc(b.Lyjg, func(x, y miit.IPBAJGLyjg) int { return int(x.Czlx - y.Czlx) })
	s.extra[isp] = append(s.extra[isp], &miit.DownloadData{IP: &miit.DownloadIP{BAJG: b}})
	s.isp(isp).Unsupported++
}

// refuseYM answers a domain (YM) upload: only registrars report domains (5009
// 报备单位无此业务权限).
func (s *Sim) refuseYM(isp int64, ym *miit.UploadYM) {
	b := &miit.YMBAJG{}
	r := miit.YMBAJGJgXxJgxx{Jgdm: 5009, Dmms: miit.ResultCode(5009).Text() + "（域名报备只针对域名报备单位）"}
	for _, op := range []struct {
		czlx    int64
		present bool
	}{{1, ym.XZBA != nil}, {2, ym.XGBA != nil}, {3, ym.SCBA != nil}} {
		if op.present {
			b.JgXx = append(b.JgXx, miit.YMBAJGJgXx{Jgxx: []miit.YMBAJGJgXxJgxx{r}, Czlx: op.czlx})
		}
	}
	s.extra[isp] = append(s.extra[isp], &miit.DownloadData{YM: &miit.DownloadYM{BAJG: b}})
	s.isp(isp).Unsupported++
}

// refuse answers one record with the checker's results.
func (s *Sim) refuse(isp int64, op Operation, bs string, c *checker) {
	s.emitResult(isp, op, bs, "", c.results...)
}

// --- per-operation processing ---

func accessFromXZBA(j miit.XZBABaxxWzXxJrXx, isp int64) accessRec {
	a := accessRec{ISPID: isp, ISPJrid: j.ISPJrid, Locations: j.Wzfb.Fbdd, Methods: j.Wzjrfs.Jrfs}
	for _, ip := range j.IPXx {
		a.IPs = append(a.IPs, ipRec{ISPIpid: ip.ISPIpid, Start: ip.Qsip, End: ip.Zzip})
	}
	return a
}

func accessFromXZWZ(j miit.XZWZXzxxWzXxJrXx, isp int64) accessRec {
	a := accessRec{ISPID: isp, ISPJrid: j.ISPJrid, Locations: j.Wzfb.Fbdd, Methods: j.Wzjrfs.Jrfs}
	for _, ip := range j.IPXx {
		a.IPs = append(a.IPs, ipRec{ISPIpid: ip.ISPIpid, Start: ip.Qsip, End: ip.Zzip})
	}
	return a
}

func domainsOf(d siteData) []string {
	var out []string
	for _, x := range d.Domains {
		out = append(out, x.Name)
	}
	return out
}

// newFilingRecord handles one XZBA Baxx (新增备案).
func (s *Sim) newFilingRecord(a ISPAccount, seq int64, b miit.XZBABaxx, now time.Time) {
	c := &checker{}
	bs := itoa(b.ZtXx.ISPZtid)
	subj := subjectFromXZBA(b.ZtXx)
	s.checkSubject(c, &subj, a)
	if sr := s.subjectByCert(subj.CertNumber); sr != nil {
		if len(s.activeSites(sr)) == 0 {
			c.fail(1049, "主体已注销或为空壳主体，请先注销主体后重新备案（empty-shell subject）")
		} else {
			c.fail(1003, fmt.Sprintf("主体已备案（%s），请办理新增网站或新增接入", sr.number()))
		}
	}
	if f := s.pendingWith(func(f *filing) bool {
		return f.Subject != nil && strings.EqualFold(f.Subject.CertNumber, subj.CertNumber) || s.subjectCertOf(f) == subj.CertNumber
	}); f != nil {
		c.fail(1003, "该主体有正在办理的备案申请（a filing of this subject is in progress）")
	}
	f := &filing{ISPID: a.ISPID, Op: OpNewFiling, Bs: bs, Seq: seq, ISPZtid: b.ZtXx.ISPZtid, Subject: &subj,
		Province: strconv.FormatInt(subj.Province, 10)[:2]}
	for _, w := range b.WzXx {
		d := siteFromUpload(w.Wzmc, w.Nrlx, w.Fwnr, w.Yylb, w.WzFzr, w.Syurl, w.WzBz)
		for _, y := range w.YmXx {
			d.Domains = append(d.Domains, domainRec{ISPYmid: y.ISPYmid, Name: y.Ym})
		}
		for _, j := range w.JrXx {
			d.Access = append(d.Access, accessFromXZBA(j, a.ISPID))
		}
		app := s.checkSite(c, &d, !isIndividual(&subj))
		s.checkDomainsFree(c, d.Name, domainsOf(d), 0)
		f.Sites = append(f.Sites, siteProposal{ISPWzid: w.ISPWzid, Data: d, App: app})
	}
	s.checkNewDomainsDistinct(c, f)
	if !c.ok() {
		s.refuse(a.ISPID, OpNewFiling, bs, c)
		return
	}
	s.submit(s.newFiling(f, now), now)
}

// subjectCertOf is the certificate number of the filed subject a filing concerns.
func (s *Sim) subjectCertOf(f *filing) string {
	if sr := s.st.Subjects[f.subjectID(s)]; sr != nil {
		return sr.Data.CertNumber
	}
	return ""
}

// checkNewDomainsDistinct is 1005 for a domain that two sites of one record both claim.
func (s *Sim) checkNewDomainsDistinct(c *checker, f *filing) {
	seen := map[string]bool{}
	for _, p := range f.Sites {
		for _, d := range p.Data.Domains {
			if p.Wzid != 0 && !slices.Contains(p.NewDomains, d.Name) {
				continue
			}
			if seen[d.Name] {
				c.fail(1005, fmt.Sprintf("域名“%s”在同一申请中重复（duplicate domain）", d.Name))
			}
			seen[d.Name] = true
		}
	}
}

// newSiteRecord handles one XZWZ Xzxx (新增网站).
func (s *Sim) newSiteRecord(a ISPAccount, seq int64, x miit.XZWZXzxx, now time.Time) {
	c := &checker{}
	bs := xzwzBs(x)
	var sr *subjectRec
	switch {
	case x.ZtXx.Ztbah != "":
		sr = s.subjectByNumber(x.ZtXx.Ztbah)
	case x.ZtXx.Ztid != nil:
		sr = s.st.Subjects[*x.ZtXx.Ztid]
	}
	switch {
	case sr == nil:
		c.fail(1016, "主体备案号或主体ID在备案信息库中不存在")
	case sr.Cancelled || len(s.activeSites(sr)) == 0:
		c.fail(1049, "")
	default:
		if sr.Province != a.Province {
			c.fail(1045, "")
		}
		if s.certBlacklisted(sr.Data.CertNumber) {
			c.fail(1065, "")
		}
		if !s.subjectAccess(sr, a.ISPID) && !checkPassword(sr, x.ICPmm) {
			c.fail(1018, "")
		}
		if s.pendingWith(func(f *filing) bool {
			return f.subjectID(s) == sr.Ztid && f.Op != OpNewAccess && f.Op != OpCancelAccess
		}) != nil {
			c.fail(1003, "该主体有正在办理的备案申请（a filing of this subject is in progress）")
		}
	}
	f := &filing{ISPID: a.ISPID, Op: OpNewSite, Bs: bs, Seq: seq, Province: a.Province}
	if sr != nil {
		f.Ztid, f.Province = sr.Ztid, sr.Province
	}
	organisation := sr != nil && !isIndividual(&sr.Data)
	var ztid int64
	if sr != nil {
		ztid = sr.Ztid
	}
	for _, w := range x.WzXx {
		d := siteFromUpload(w.Wzmc, w.Nrlx, w.Fwnr, w.Yylb, w.WzFzr, w.Syurl, w.WzBz)
		for _, y := range w.YmXx {
			d.Domains = append(d.Domains, domainRec{ISPYmid: y.ISPYmid, Name: y.Ym})
		}
		for _, j := range w.JrXx {
			d.Access = append(d.Access, accessFromXZWZ(j, a.ISPID))
		}
		app := s.checkSite(c, &d, organisation)
		s.checkDomainsFree(c, d.Name, domainsOf(d), ztid)
		f.Sites = append(f.Sites, siteProposal{ISPWzid: w.ISPWzid, Data: d, App: app})
	}
	s.checkNewDomainsDistinct(c, f)
	if !c.ok() {
		s.refuse(a.ISPID, OpNewSite, bs, c)
		return
	}
	s.submit(s.newFiling(f, now), now)
}

// newAccessRecord handles one XZJR Xzxx (新增接入).
func (s *Sim) newAccessRecord(a ISPAccount, seq int64, x miit.XZJRXzxx, now time.Time) {
	c := &checker{}
	bs := xzjrBs(x)
	var site *siteRec
	switch {
	case x.WzXx.Wzbah != "":
		site = s.siteByNumber(x.WzXx.Wzbah)
		if site == nil {
			// The number may be a cancelled site's: look among all sites.
			if sr := s.subjectByNumber(x.WzXx.Wzbah); sr != nil {
				for _, id := range sr.Sites {
					if st := s.st.Sites[id]; st != nil && s.siteNumber(st) == strings.TrimSpace(x.WzXx.Wzbah) {
						site = st
					}
				}
			}
		}
	case x.WzXx.Wzid != nil:
		site = s.st.Sites[*x.WzXx.Wzid]
	}
	var sr *subjectRec
	if site != nil {
		sr = s.st.Subjects[site.Ztid]
	}
	acc := accessRec{ISPID: a.ISPID, ISPJrid: x.ISPJrid, Locations: x.Wzfb.Fbdd, Methods: x.Wzjrfs.Jrfs}
	for _, ip := range x.IPXx {
		acc.IPs = append(acc.IPs, ipRec{ISPIpid: ip.ISPIpid, Start: ip.Qsip, End: ip.Zzip})
	}
	switch {
	case site == nil || sr == nil:
		c.fail(1016, "网站备案号或网站ID在备案信息库中不存在")
	case sr.Cancelled:
		c.fail(1049, "")
	case site.Cancelled:
		c.fail(1050, "")
	default:
		if sr.Province != a.Province {
			c.fail(1045, "")
		}
		if hasAccess(site, a.ISPID) || s.pendingWith(func(f *filing) bool {
			return f.Op == OpNewAccess && f.Wzid == site.Wzid && f.ISPID == a.ISPID
		}) != nil {
			c.fail(1038, "")
		}
		if !checkPassword(sr, x.ICPmm) {
			c.fail(1018, "")
		}
		for _, d := range site.Data.Domains {
			if s.domainBlacklisted(d.Name) {
				c.fail(1064, fmt.Sprintf("“%s”网站的“%s”域名在黑名单中，请核实后再次报备", clip(site.Data.Name, 40), d.Name))
			}
		}
		if s.certBlacklisted(sr.Data.CertNumber) {
			c.fail(1065, "")
		}
	}
	checkAccess(c, acc)
	if !c.ok() {
		s.refuse(a.ISPID, OpNewAccess, bs, c)
		return
	}
	f := &filing{ISPID: a.ISPID, Op: OpNewAccess, Bs: bs, Seq: seq, Province: sr.Province, Ztid: sr.Ztid, Wzid: site.Wzid, Access: &acc}
	if f.Bs == "" {
		f.Bs = s.siteNumber(site)
	}
	s.submit(s.newFiling(f, now), now)
}

// changeRecord handles one BGBA Bgxx (变更备案).
func (s *Sim) changeRecord(a ISPAccount, seq int64, b miit.BGBABgxx, now time.Time) {
	c := &checker{}
	bs := itoa(b.ZtXx.Ztid)
	sr := s.st.Subjects[b.ZtXx.Ztid]
	switch {
	case sr == nil:
		c.fail(1016, "主体ID在备案信息库中不存在")
		s.refuse(a.ISPID, OpChange, bs, c)
		return
	case sr.Cancelled:
		c.fail(1049, "")
		s.refuse(a.ISPID, OpChange, bs, c)
		return
	}
	if strings.TrimSpace(b.ZtXx.Baxh) != sr.number() {
		c.fail(1016, "主体备案号与主体ID不一致")
	}
	if sr.Province != a.Province {
		c.fail(1045, "")
	}
	if !s.subjectAccess(sr, a.ISPID) && !checkPassword(sr, b.ICPmm) {
		c.fail(1048, "")
	}
	if s.pendingWith(func(f *filing) bool {
		return f.subjectID(s) == sr.Ztid && f.Op != OpNewAccess && f.Op != OpCancelAccess
	}) != nil {
		c.fail(1017, "")
	}
	subj := subjectFromBGBA(b.ZtXx, sr.Data.Mode)
	if p := strconv.FormatInt(subj.Province, 10); len(p) < 2 || p[:2] != sr.Province {
		c.fail(1046, "")
	}
	if !strings.EqualFold(strings.TrimSpace(subj.CertNumber), sr.Data.CertNumber) || subj.CertType != sr.Data.CertType {
		c.fail(1008, "变更备案不能修改主办单位证件类型和证件号码（the certificate cannot be changed）")
	}
	sub := &checker{}
	s.checkSubject(sub, &subj, ISPAccount{Province: sr.Province})
	for _, r := range sub.results {
		if r.code != 1045 { // a changed province is 1046, reported above
			c.fail(r.code, r.text)
		}
	}
	f := &filing{ISPID: a.ISPID, Op: OpChange, Bs: bs, Seq: seq, Province: sr.Province, Ztid: sr.Ztid, Subject: &subj}
	f.SubjectChanged = subjectChanged(&sr.Data, &subj)
	organisation := !isIndividual(&subj)
	for _, w := range b.WzXx {
		site := s.st.Sites[w.Wzid]
		if site == nil || site.Ztid != sr.Ztid || site.Cancelled {
			c.fail(1016, fmt.Sprintf("网站ID%d在本主体下不存在", w.Wzid))
			continue
		}
		if !hasAccess(site, a.ISPID) {
			c.fail(1048, fmt.Sprintf("网站%s不是您接入的网站", s.siteNumber(site)))
		}
		if strings.TrimSpace(w.Baxh) != s.siteNumber(site) {
			c.fail(1016, fmt.Sprintf("网站备案号%s与网站ID%d不一致", clip(w.Baxh, 40), w.Wzid))
		}
		d := siteFromUpload(w.Wzmc, w.Nrlx, w.Fwnr, w.Yylb, w.WzFzr, w.Syurl, w.WzBz)
		var added []string
		for _, y := range w.YmXx {
			dr := domainRec{ISPYmid: y.ISPYmid, Name: y.Ym}
			if y.Ymid != nil {
				old := slices.IndexFunc(site.Data.Domains, func(x domainRec) bool { return x.Ymid == *y.Ymid })
				if old < 0 {
					c.fail(1016, fmt.Sprintf("域名ID%d不属于该网站", *y.Ymid))
					continue
				}
				dr.Ymid = *y.Ymid
				if n, ok := normalizeDomain(y.Ym); ok && n != site.Data.Domains[old].Name {
					c.fail(1004, fmt.Sprintf("已备案域名“%s”不能修改，请删除后新增（a filed domain cannot be renamed）", site.Data.Domains[old].Name))
				}
			}
			d.Domains = append(d.Domains, dr)
		}
		for _, j := range w.JrXx {
			i := slices.IndexFunc(site.Data.Access, func(x accessRec) bool { return x.Jrid == j.Jrid })
			switch {
			case i < 0:
				c.fail(1016, fmt.Sprintf("接入ID%d不属于该网站", j.Jrid))
				continue
			case site.Data.Access[i].ISPID != a.ISPID:
				c.fail(1047, "")
				continue
			}
			acc := accessRec{Jrid: j.Jrid, ISPID: a.ISPID, ISPJrid: site.Data.Access[i].ISPJrid, Locations: j.Wzfb.Fbdd, Methods: j.Wzjrfs.Jrfs}
			for _, ip := range j.IPXx {
				r := ipRec{ISPIpid: ip.ISPIpid, Start: ip.Qsip, End: ip.Zzip}
				if ip.Ipid != nil {
					r.Ipid = *ip.Ipid
				}
				acc.IPs = append(acc.IPs, r)
			}
			d.Access = append(d.Access, acc)
		}
		app := s.checkSite(c, &d, organisation)
		for _, dr := range d.Domains {
			if dr.Ymid == 0 {
				added = append(added, dr.Name)
			}
		}
		s.checkDomainsFree(c, d.Name, added, sr.Ztid)
		f.Sites = append(f.Sites, siteProposal{Wzid: site.Wzid, ISPWzid: site.ISPWzid, Data: d, App: app,
			Changed: siteChanged(&site.Data, &d, a.ISPID), NewDomains: added})
	}
	s.checkNewDomainsDistinct(c, f)
	if !c.ok() {
		s.refuse(a.ISPID, OpChange, bs, c)
		return
	}
	if !f.SubjectChanged {
		f.Subject = nil // nothing to verify or apply at subject level, except the remark
		if subj.Remark != sr.Data.Remark {
			f.Subject = &subj
		}
	}
	s.submit(s.newFiling(f, now), now)
}

// subjectChanged reports whether a change touches anything but the remark: remark-only
// changes need no SMS verification (spec §4.4).
func subjectChanged(old, new *subjectData) bool {
	a, b := *old, *new
	a.Remark, b.Remark = "", ""
	a.Mode, b.Mode = 0, 0
	return !jsonEqual(a, b)
}

// siteChanged reports whether a change touches a site beyond its remark: name, content,
// domains, the provider's access, the responsible person.
func siteChanged(old, new *siteData, isp int64) bool {
	a, b := *old, *new
	a.Remark, b.Remark = "", ""
	var own []accessRec
	for _, x := range a.Access {
		if x.ISPID == isp {
			own = append(own, x)
		}
	}
	a.Access = own
	strip := func(d *siteData) {
		d.Domains = slices.Clone(d.Domains)
		for i := range d.Domains {
			d.Domains[i].ISPYmid = 0
		}
		d.Access = slices.Clone(d.Access)
		for i := range d.Access {
			d.Access[i].ISPJrid = 0
			d.Access[i].IPs = slices.Clone(d.Access[i].IPs)
			for j := range d.Access[i].IPs {
				d.Access[i].IPs[j].ISPIpid = 0
				d.Access[i].IPs[j].Ipid = 0
			}
		}
	}
	strip(&a)
	strip(&b)
	return !jsonEqual(a, b)
}

// cancelRecord handles one ZXBA Zx_xx (注销主体, 注销网站, 取消接入).
func (s *Sim) cancelRecord(a ISPAccount, seq int64, z miit.ZXBAZxXx, now time.Time) {
	c := &checker{}
	op := cancelOp(z.Zxlb)
	bs := itoa(z.Jlid)
	if !knownCode(cancelReasons, z.Zxly) {
		c.fail(1026, "")
	}
	f := &filing{ISPID: a.ISPID, Op: op, Bs: bs, Seq: seq, Province: a.Province, CancelReason: z.Zxly, CancelNote: z.Zxlybz}
	switch op {
	case OpCancelSubject:
		sr := s.st.Subjects[z.Jlid]
		switch {
		case sr == nil:
			c.fail(1016, "主体ID在备案信息库中不存在")
		case sr.Cancelled:
			c.fail(1049, "")
		default:
			f.Ztid, f.Province = sr.Ztid, sr.Province
			if sr.Province != a.Province {
				c.fail(1045, "")
			}
			if !s.subjectAccess(sr, a.ISPID) {
				// Without an access of its own (an empty-shell subject), the provider needs
				// the filing password.
				if z.ICPmm == "" {
					c.fail(1048, "")
				} else if !checkPassword(sr, z.ICPmm) {
					c.fail(1018, "")
				}
			} else if z.ICPmm != "" && !checkPassword(sr, z.ICPmm) {
				c.fail(1018, "")
			}
			if s.pendingWith(func(f *filing) bool { return f.Op == OpCancelSubject && f.Ztid == sr.Ztid }) != nil {
				c.fail(1027, "")
			}
			if s.pendingWith(func(f *filing) bool { return f.Op == OpCancelSite && f.subjectID(s) == sr.Ztid }) != nil {
				c.fail(1043, "")
			}
		}
	case OpCancelSite:
		site := s.st.Sites[z.Jlid]
		switch {
		case site == nil:
			c.fail(1016, "网站ID在备案信息库中不存在")
		case site.Cancelled:
			c.fail(1050, "")
		default:
			f.Wzid, f.Ztid = site.Wzid, site.Ztid
			f.Province = s.st.Subjects[site.Ztid].Province
			if f.Province != a.Province {
				c.fail(1045, "")
			}
			if !hasAccess(site, a.ISPID) {
				c.fail(1048, "")
			}
			if s.pendingWith(func(f *filing) bool { return f.Op == OpCancelSite && f.Wzid == site.Wzid }) != nil {
				c.fail(1030, "")
			}
			if s.pendingWith(func(f *filing) bool { return f.Op == OpCancelSubject && f.Ztid == site.Ztid }) != nil {
				c.fail(1042, "")
			}
		}
	case OpCancelAccess:
		site, i := s.findAccess(z.Jlid)
		switch {
		case site == nil:
			c.fail(1016, "接入ID在备案信息库中不存在")
		case site.Data.Access[i].ISPID != a.ISPID:
			c.fail(1047, "")
		default:
			f.Jrid, f.Wzid, f.Ztid = z.Jlid, site.Wzid, site.Ztid
			f.Province = s.st.Subjects[site.Ztid].Province
			if s.pendingWith(func(f *filing) bool { return f.Op == OpCancelAccess && f.Jrid == z.Jlid }) != nil {
				c.fail(1032, "")
			}
			if len(site.Data.Access) == 1 && s.cfg.RefuseCancelOnlyAccess {
				c.fail(1025, "")
			}
		}
	}
	if !c.ok() {
		s.refuse(a.ISPID, op, bs, c)
		return
	}
	s.submit(s.newFiling(f, now), now)
}

// jsonEqual compares two values by their JSON form, which covers every field of the
// record types (all exported, no maps).
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
