// Package bureausim simulates a provincial bureau's filing system (省局系统): the other
// side of MIIT's enterprise interface V3.0, as Beian (the enterprise side, 企业侧系统)
// meets it in production. It is embedded in `beian serve` (zero-config default: the
// simulator runs in-process and the client talks to it on loopback) and runs standalone as
// `beian bureau-sim` (Run). A provider can point its own Beian at it in staging.
//
//	sim, err := bureausim.New(bureausim.Config{Dir: "beian-data/bureau"})
//	http.ListenAndServe("127.0.0.1:8081", sim.Handler())
//	client := miit.NewClient("http://127.0.0.1:8081", bureausim.DefaultISP.Credentials())
//
// It is built on package miit's codec and server helpers, so the simulator and the client
// cannot drift apart, and it produces nothing the official XSD would reject: every
// download file passes miit.Validate before it is queued (the tests also run xmllint).
//
// # SOAP service
//
// Handler serves the six methods on the spec's paths (/ISPWebService/upDownLoad,
// /BeianStatusWebService/queryBeianStatus, /BeianStatusWebService/verifyBamm).
//
// Authentication: a randVal shorter than 20 characters is 16, an unknown ispId 12, a wrong
// userName 4, a hashAlgorithm other than MD5 10, a wrong pwdHash 5, a provider whose
// ISPAccount is Disabled 19.
//
// isp_upload, in this order: encryptAlgorithm not 0/1 is 9, compressionFormat not 0 is 11,
// AES without a key issued is 6; then the data sequence; then the payload: a body or XML
// above Config.MaxUploadBytes (50 MB) is 18, a bad base64 or decryption 6, a hash
// mismatch 7, a broken zip 8, a zip with other than one file 17. Sequence rules:
//
//   - exactly last+1 is accepted;
//   - a gap is refused with 14, listing every missing number in <dataSequences> (one
//     range "a-b" beyond 1000), and the sequence does not move;
//   - a repeat of an accepted number: V3.0 has no code for duplicates. The same file again
//     (same beianInfoHash) is answered 0 without reprocessing: it is the retry of an upload
//     whose answer was lost. A different file under a used number means the provider's
//     numbering forked; it is refused with 999 and a message naming the number, so that the
//     exchange engine resynchronises with isp_querypreviousupload instead of losing data.
//
// Once a file is received intact its number is consumed. Problems with its content come
// back in the download feed, as spec 3-3-2-5 prescribes ("…产生的错误信息，均以数据文件下载
// 形式返回给企业"), one BAJG result per record: a root version other than V.3.0 is 5004, a
// document that is not XML or fails upload-data.xsd (miit.Validate) 5001 naming the first
// problem, a Qqdwid other than the caller's ispId 5003, more than 1000 records 5001. IP
// uploads are answered 5011 (IP reporting not simulated) and YM uploads 5009 (only
// registrars report domains), each in its own IP or YM download.
//
// isp_querypreviousupload returns the last accepted number and file (0 and an empty file
// before the first upload). isp_querybeianstatus answers from the simulator's records: by
// domain (type 0) the site name and both numbers, by certificate number (types 1–11) the
// subject number. isp_verifybamm checks the filing password (备案密码) of the subject a
// subject or service number belongs to, plain or as MD5 hex, and answers 22 after
// BammMaxFailures wrong passwords for one number within BammWindow.
//
// # Records and result codes
//
// Each XZBA Baxx, XZWZ Xzxx, XZJR Xzxx, BGBA Bgxx and ZXBA Zx_xx is checked against the
// records and the code tables; a record with problems is answered at once with BAJG
// listing every code found (Czlx its operation, Bs as spec 4-2-1-6 says: IspZtid for a new
// filing, the subject number or Ztid for a new website, the site number or Wzid for a new
// access, Ztid for a change, Jlid for a cancellation). The codes used: 1003 subject already
// filed or being filed, 1004 invalid domain, 1005 domain filed under another subject or in
// a filing in progress, 1006 IP range, 1008 certificate type (or a changed certificate),
// 1009 e-mail, 1010 office phone, 1011 mobile, 1014 nature, 1015 resident ID checksum, 1016
// record not found, 1017 change while another filing of the subject is in progress, 1018
// filing password (ICPmm), 1019 region codes, 1022/1041 home URL, 1025 (see below),
// 1026 cancellation reason, 1027/1030/1032 cancellation already requested, 1031 office
// phone of an organisation's site principal, 1033–1035 and 1066 code tables, 1038 access
// already filed, 1039 domain already filed under this subject, 1042/1043 subject or site
// being cancelled, 1044 principal's name, 1045 wrong province, 1046 province change, 1047
// another provider's access, 1048 not the caller's filing, 1049 subject cancelled or an
// empty-shell subject, 1050 site cancelled, 1064/1065 blacklisted domain or subject, 1999
// malformed APP remark.
//
// Provinces: each ISPAccount has a province and reports to that province's bureau, which
// holds that province's subjects. A subject whose Shengid lies elsewhere, or an operation
// on a record of another province, gets 1045 (接入商只能到其所在省通信管理局系统进行ICP备案
// 信息的报备). Numbers carry the province's ICP abbreviation (beian.ICPNumber).
//
// Filing password: a new subject gets one, sent by SMS to its principal with the numbers.
// A new website (XZWZ) needs it (ICPmm) unless the caller already has an access on one of
// the subject's sites; a new access (XZJR) always does; changes and cancellations need the
// caller's own access, or the password for a subject left without access.
//
// # After acceptance: domain verification, SMS verification, review
//
// Domain verification (域名核验) runs first: every domain a filing adds must have a
// MIIT-approved TLD (the embedded list, ApprovedTLDs, or Config.ApprovedTLDs), and an APP's
// domains must not be www. host names. Failure returns the filing at once (1104).
//
// SMS verification follows the routing table of spec §4.4 (mandatory since 2020-08-17):
// first filing — the subject principal and every service principal; new website or APP —
// its principal; new access — the site principal on record; change — the subject principal
// if subject data changed, each changed service's principal, nobody for a remark-only
// change; cancel subject or service — that principal; 取消接入 — nobody. One 6-digit code per
// distinct mobile (the first of a Fzr_sjhm list), texted at once to the phone inbox
// (/sim/phone; the real gateway takes about five minutes). The person enters code, mobile
// and the last six characters of their ID number at /sim/verify (or Verify); the window is
// SMSWindow (24 h) on the simulator's clock and does not move with resends; a code may be
// resent SMSMaxResends (2) times, which replaces it; SMSMaxWrong (5) wrong entries in a row
// are tolerated and the sixth returns the filing. APP filings are routed like websites
// (spec §14 item 2 leaves the APP case open).
//
// Bureau review starts when every code is verified (or at once when none was due). The
// Policy decides it (approve or reject, the opinion, the duration in working days on
// Config.Calendar; default Config.ReviewWorkdays = 3, Immediately for none); DefaultPolicy
// rejects sensitive words in site names, company words in an individual's site names and
// blacklisted filings; Rules is a JSON rule format for the standalone command. A filing
// that touches the blacklist when the review ends is rejected whatever the policy said.
// Config.Speedup accelerates the clock for demos (AcceleratedClock); Decide, and the admin
// page, end a review at once.
//
// # Extension result codes
//
// V3.0 (2013–2015) predates SMS verification, so it has no result code for what happens
// between acceptance and review. Beian uses four extension codes in BAJG; Jgdm is an
// xs:long ≥ 1, so they are schema-valid, and they lie outside every range the spec
// assigns:
//
//	1101 ResultSMSVerified        短信核验通过，进入管局审核       every code verified; under bureau review
//	1102 ResultSMSTimeout         短信核验超时，备案已退回         the 24-hour window closed; returned
//	1103 ResultSMSTooManyErrors   短信核验错误次数超限，备案已退回   the sixth wrong entry in a row; returned
//	1104 ResultDomainCheckFailed  域名核验未通过，备案已退回         domain verification failed; returned
//
// 1001 and 1002 keep their meaning (审核通过, 审核拒绝); both come with the reviewer's opinion
// in GJSHS/Gjsh (Shrxm, Shsj, Shyj, Shjg, Czlx, Jlid), and 1002's Dmms repeats it. A real
// bureau reports 1101–1104 only by SMS and on its web site: an enterprise side must treat
// them as an optional early signal, never wait for them.
//
// # Approval: numbers, IDs, record data
//
// A new subject gets the province's next 8-digit serial (京ICP备10000001号, counted per
// province), bureau IDs for the subject, sites, domains, accesses and IPs (Ztid, Wzid, Ymid,
// Jrid, Ipid, from one counter so that an ID names one object) and a filing password.
// Services are numbered -1, -2 … in filing order under the subject, an APP with the suffix
// A (-2A). A new website continues the sequence; a new access keeps the numbers and adds
// an access record; a change updates the records (a domain without Ymid is added, one
// missing is removed; a provider changes only its own access records). Approval sends
// BAJG 1001 with the numbers in Bz, and BASJ: the filed record with bureau IDs, numbers,
// and the provider's own IDs (IspZtid, IspWzid …) only to the provider they belong to.
// Cancelling a subject or service sends ZXSJ (Zxlb 0 or 1, Jlid) to every provider with an
// access on it.
//
// 取消接入 (ZXBA Zxlb 2) removes the caller's access after review, without SMS. Whether the
// only access may go: V3.0 has 1025 (该网站只有一个接入，不能取消该接入), but today's
// practice (spec §3 type 8, §9.5) is that the site then becomes an empty shell (空壳网站)
// that keeps its number until the bureau deregisters it. The simulator follows today's
// practice by default (Record.Services[i].EmptyShell; the compliance side can then inject
// an empty-shell check) and answers 1025 with Config.RefuseCancelOnlyAccess. The
// download XSD caps ZXSJ's Zxlb at 1 (NOTES.md), so a cancelled access is announced by its
// BAJG result (Czlx 5) only.
//
// # Beian's APP convention
//
// The V3.0 XSDs have no APP structure (APP filing began in September 2023). Beian uploads
// an APP as a website entry (Wz_xx) whose Wzmc is the APP's name, whose Ym_xx are the
// domains the APP uses, and whose Wz_Bz starts with AppMarker:
//
//	APP;platform=android;package=cn.example.app;md5=<signature MD5>;platform=ios;package=…;md5=…
//
// one platform= entry (android, ios or harmonyos) per runtime platform, each with package=
// and md5= and optionally pubkey=. The simulator parses it (ParseAppRemark; 1999 when
// malformed), issues an -nA number, keeps the remark in BASJ, and applies the APP rules of
// domain verification.
//
// # Download feed
//
// Each provider has a queue of numbered files (20260302100000_bj_7.xml). isp_download
// returns the oldest unacknowledged file with code 3 when more wait behind it
// (miit.DownloadResult.More) and 0 when it is the last, 2 when there is none;
// isp_downloadack removes it (a repeated acknowledgement succeeds, an unknown name is
// 999, an empty one 21); a file not acknowledged is served again, byte for byte. A file
// holds one root (ICP, JCDM, IP or YM) and each ICP kind at most once (the container is
// xs:all), so the results of one upload, or of everything that fell due at one moment,
// share one file. The first file of every provider is the code tables (JCDM): subject
// natures, certificate types, regions from package region, bureaus, service content,
// pre-approval types, access methods, cancellation reasons, languages, attachment formats
// and purposes, unfiled-site handling codes, verification opinions, domain types,
// industries, administrative levels and the reporting units. The simulator's checks use
// the same tables.
//
// Feeds the bureau originates are injected through the Go API or the admin page
// (/sim/admin, /sim/admin.json, POST /sim/admin/inject with a form or JSON): Inject and
// InjectJCDM take any ICP items or code tables (validated first), and builders make them
// from the records: RectificationNotice (XGTZ), EmptyShellCheck, AccessCheck and
// SubjectCheck (HCJG), VerificationTask (HSRW), UnfiledSite (WBAWZLB), BlacklistSubject and
// BlacklistDomain (HMDLB, which the checks then enforce), IllegalAccess (FFJRHMD).
// Providers' answers are recorded: HSJG uploads (VerificationAnswers), WBACLJG uploads
// (UnfiledResults, flagging what a bureau would object to: 5005, 5006, 5007) and XZHYD
// material (Materials). V3.0's BAJG cannot carry results for these three (Czlx stops at 7;
// operation type 35 for XZHYD exceeds the XSD), so none are sent.
//
// # Fault injection
//
// InjectFault (next n calls) and InjectRandomFault (a probability, for soak tests), also on
// the admin page: FaultTimeout holds the call until the client gives up, FaultLoseResponse
// processes it and then holds it (an upload accepted whose answer never arrives),
// FaultHTTP500, FaultSOAPFault, FaultBusy (901 or 902), FaultWrongHash (a download with a
// wrong beianInfoHash; the file stays queued), FaultDropUpload and FaultRedeliver (an
// acknowledged file delivered again). A dropped upload is answered 0 but lost before the
// sequence moves — the realistic variant, a bureau that answered before its transaction
// committed — so the next upload gets 14 naming it and isp_querypreviousupload shows the
// one before; the provider recovers by resending from its store. Unacknowledged files are
// resent anyway.
//
// # State
//
// Everything lives in memory behind one mutex. Nothing runs in the background: each call
// first processes what fell due on the clock (SMS windows, reviews), each event at its own
// due time, so tests move an injected clock and never sleep. With Config.Dir the state is
// written to StateFile after every change (temporary file, fsync, rename) and loaded by
// New, so the zero-config default survives restarts; one simulator per directory.
// Credentials and keys are not persisted: they come from Config on every start. Logs
// (Config.Logger) mask mobiles and ID numbers; the admin views mask certificate numbers;
// the phone inbox shows mobiles, as a phone would.
//
// Not simulated: IP and domain (YM) reporting, SJTB full synchronisation, the verification
// material collection code of V3.1, the captcha of the real verification page, the bureau's
// deregistration of empty shells, reporting time windows (code 20).
package bureausim
