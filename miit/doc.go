// Package miit is the wire of MIIT's enterprise interface V3.0 (企业系统接口规范 3.0版): the
// SOAP web service through which an access provider's system (企业侧系统) reports ICP filings
// to its provincial bureau (省局系统) and downloads the bureau's results and feeds. It holds
// no domain logic and touches no database: it turns Go values into the bytes the bureau
// expects and back, and says precisely what went wrong when something does. The exchange
// engine (batching, sequence numbers, storage, retries) and the bureau simulator
// (miit/bureausim) are built on it, and share its codec so they cannot drift apart.
//
// # Documents
//
// Every payload is an XML document defined by one of MIIT's XSDs, kept in testdata/xsd
// (gbk/ are the published originals, utf8/ re-encoded copies):
//
//   - upload-data.xsd, root UploadData: exactly one of ICP, IP or YM. The ICP container holds
//     the operations XZBA (new filing), XZWZ (add site), XZJR (add access), BGBA (change),
//     ZXBA (cancel: subject, site or access), XZHYD (verification material), HSJG (result of
//     a verification task) and WBACLJG (handling of an unfiled site), several per file.
//   - download-data.xsd, root DownloadData: one of ICP (BASJ filed data, ZXSJ cancellations,
//     HMDLB blacklist, FFJRHMD illegal-access blacklist, WBAWZLB unfiled sites, BAJG results,
//     HSRW verification tasks, HCJG check results, XGTZ notices; xs:all, so any order), IP, YM,
//     JCDM (code tables) or SJTB (full synchronisation of ICP, IP, YM and JCDM data).
//   - the five *-return.xsd files: the <return> document each method answers with.
//     isp_verifybamm has no XSD; VerifyBammReturn follows the spec's example.
//
// The Go types are generated from the UTF-8 XSDs by internal/xsdgen (go generate; a test
// fails when the committed files are stale). The IP and YM (domain) branches are generated
// and tested like the ICP ones, although Beian, an access provider, reports only ICP data.
// One struct per complex element, fields in schema order with the exact element names in
// their xml tags and the schema's Chinese documentation as comments. Type names follow the
// XSD path below the operation: UploadData/ICP/XZBA/Baxx/Zt_xx is XZBABaxxZtXx; the IP, YM,
// JCDM and SJTB branches carry that prefix (IPXZBA, YMBAJG, SJTBICPBaxx) because they reuse
// element names. Elements of identical structure share one type; every other path gets an
// alias, so BGBABgxxFj and XZBABaxxFj are the same type under both names.
//
// Field representation:
//
//   - required element: a value (int64, string, struct); always written, even when empty,
//     so a forgotten field fails validation here rather than silently disappearing;
//   - optional element: a pointer (*int64, *Date, *struct) or, for strings, a string where
//     "" means absent: every optional string has minLength ≥ 1 or no meaning when empty;
//   - repeated element: a slice; an xs:choice: one pointer per alternative, exactly one set;
//   - xs:long: int64, written without whitespace; IPv4 fields (xs:long up to 4294967295)
//     are IPv4, the address as an unsigned 32-bit number, never a dotted quad;
//   - dates (strings of 10 or 10–22 characters): Date, which keeps the raw text and parses
//     YYYY-MM-DD, YYYY-MM-DD HH:MM:SS and YYYY-MM-DD HH:MM:SS.S in Beijing time.
//
// # Strict in what we send, lenient in what we accept
//
// EncodeUpload (and EncodeDownload, for the simulator) first runs Validate, which checks the
// value against a table generated from the XSD: occurrence counts, xs:choice, length facets
// (counted in characters, as XSD does, not GBK bytes), numeric ranges, date syntax and XML
// character legality. LookupFacets exposes the same table by path for forms and pre-checks.
// The tests prove the table right by running the real xmllint against the GBK originals on
// every upload and download kind, fully populated and minimal: whatever passes Validate, the
// official schema accepts. Documents are written in GBK with
// <?xml version="1.0" encoding="GBK"?>; characters GBK cannot carry unambiguously (CJK
// Extension A and beyond, emoji, private use, a few punctuation marks different GBK tables
// disagree on) are written as numeric character references, which every XML parser reads
// back as the original character.
//
// DecodeDownload does not validate: bureaus send values the XSD forbids (operation type 35,
// cancellation type 2, see NOTES.md), and refusing a file would stall the feed. It reads
// GBK, GB2312 and GB18030 (all through the GB18030 decoder, a superset), UTF-8, a BOM, and
// undeclared GBK; tolerates whitespace around numbers, dotted-quad IPs, empty or nil
// elements, unknown elements and any element order.
//
// # Payload pipeline
//
// EncodePayload follows spec 3-3-1-3: the XML is zipped as a single entry with an ASCII name
// (UploadFileName gives 20260325145800_<isp>_<seq>.xml; at most 128 bytes); the MD5 of the
// zip bytes, base64, is beianInfoHash; the zip is then optionally encrypted with
// AES-128-CBC/PKCS5 using the bureau's 16-character key and IV as ASCII bytes (AESKey); the
// result, base64, is beianInfo. DecodePayload reverses it: whitespace in the base64 is
// ignored (Java wraps at 76 columns), the hash is verified before anything is unzipped
// (*HashMismatchError, errors.Is ErrHashMismatch), and the single entry, or the .xml one of
// several, is read under Limits that cap the encoded size, the uncompressed size and the
// compression ratio so that a zip bomb costs nothing.
//
// # Calls
//
// Client makes the six calls over SOAP 1.1 (EncodeSOAPRequest; parameters in the order of
// the spec's Java prototypes, see Method.ParamNames):
//
//	isp_upload               /ISPWebService/upDownLoad               Client.Upload
//	isp_download             /ISPWebService/upDownLoad               Client.Download
//	isp_downloadack          /ISPWebService/upDownLoad               Client.DownloadAck
//	isp_querypreviousupload  /ISPWebService/upDownLoad               Client.QueryPreviousUpload
//	isp_querybeianstatus     /BeianStatusWebService/queryBeianStatus Client.QueryBeianStatus
//	isp_verifybamm           /BeianStatusWebService/verifyBamm       Client.VerifyBamm
//
// Every call authenticates with ispId, userName, a fresh 20-character alphanumeric randVal
// (NewRandVal, crypto/rand) and pwdHash = base64(MD5(GBK(password + randVal))) (PwdHash).
// The spec does not publish the service namespace: Client.Namespace is empty by default
// (unqualified operation element) and should be set from the bureau's WSDL;
// Client.Positional switches parameter names to arg0, arg1 … for JAX-WS servers generated
// without names. Calls take a context, use a configurable http.Client, cap the response size
// and never retry. The <return> document is read leniently: a short msg (the XSDs demand
// exactly 256 characters, servers send 操作成功) is trimmed, the version attribute is not
// required, and an XML declaration inside the returned string is ignored.
//
// The simulator uses the same codec from the other side: DecodeSOAPRequest gives the method,
// the raw parameters and a typed Request (*UploadRequest …; names or positions, any
// namespace, any order); EncodeReturn renders a return document; EncodeSOAPResponse and
// EncodeSOAPFault wrap it; VerifyPwdHash checks authentication.
//
// # Codes and errors
//
// A <return>'s msg_code is a ReturnCode (spec table 3-4): 0–3 are successes (3: more files
// waiting), 4–22 and 9xx are failures. A per-record outcome in a downloaded BAJG is a
// ResultCode (table 3-5): 1xxx ICP, 2xxx IP, 3xxx domain, 5xxx general, with 1001 approved,
// 1002 rejected. Both carry the spec's Chinese text, an English translation and a Kind:
//
//	KindAuth         4, 5, 12, 16; 1018, 1028       fix the configuration, do not retry
//	KindPermission   13, 19; 1045, 1047, 1048, 5009 the provider may not do this
//	KindSequenceGap  14                             upload the missing sequence numbers first
//	KindPayload      6, 7, 8, 17, 18                our payload was broken or too big
//	KindParameter    9, 10, 11, 21                  a call parameter is wrong
//	KindBusy         15, 901, 902                   retry later
//	KindRetryLater   20, 22; 1017, 1051, 1052       retry later (window, rate limit, object busy)
//	KindSchema       5001, 5002, 5008               the document broke the XSD
//	KindVersion      5004                           interface version
//	KindRejected, KindConflict, KindInvalid, KindNotFound, KindBlacklisted, KindState, KindOther
//
// A failing call returns a *ReturnError (with MissingSequences parsed for code 14, see
// ParseSequences), a *SOAPFault, an *HTTPError or a transport error. IsRetryable and
// ErrorKind classify any of them, so the exchange engine can decide between retrying with
// backoff, resynchronising sequences (QueryPreviousUpload) and alerting an administrator.
package miit
