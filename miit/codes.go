package miit

import (
	"fmt"
	"strconv"
)

// Kind classifies return and result codes by what the caller should do about them.
type Kind int

// Kinds of codes. The exchange engine decides from the kind whether to retry, stop the
// connection and alert an admin, or pass a per-record outcome to the order workflow.
const (
	KindUnknown     Kind = iota // a code the spec does not list
	KindOK                      // success, or an informative status (no data, more data, approved)
	KindAuth                    // user name, password or auth hash wrong: fix the configuration; retrying cannot help
	KindPermission              // the provider may not do this (other province, right not granted, not its access)
	KindVersion                 // interface version mismatch
	KindSequenceGap             // upload refused: the missing sequence numbers must be uploaded first
	KindSchema                  // document does not match the XSD or holds illegal characters
	KindPayload                 // the bureau could not decrypt, verify, unzip or accept the payload
	KindParameter               // a call parameter is wrong (algorithm code, empty file name)
	KindBusy                    // maintenance or a full queue: retry later
	KindRetryLater              // outside the reporting window, rate-limited, or the object is busy: retry later
	KindRejected                // the bureau reviewed the filing and refused it
	KindConflict                // conflicts with or duplicates existing filing data
	KindInvalid                 // a value in the record is invalid
	KindNotFound                // the record refers to something the bureau does not have
	KindBlacklisted             // a domain or subject is on the blacklist
	KindState                   // the object's state forbids the operation (cancelled, being cancelled, last access)
	KindOther                   // "other error" (x999): no detail given
)

var kindNames = [...]string{"unknown", "ok", "auth", "permission", "version", "sequence-gap", "schema", "payload",
	"parameter", "busy", "retry-later", "rejected", "conflict", "invalid", "not-found", "blacklisted", "state", "other"}

// String returns the kind's short name, e.g. "sequence-gap".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

type codeInfo struct {
	zh, en    string
	kind      Kind
	retryable bool
}

// ReturnCode is a msg_code of a method's <return> document: spec table 3-4 (方法调用类错误),
// plus code 22 from the V3.0 change notes. It says whether the call itself worked; what the
// bureau decided about the records of an upload comes later as ResultCodes in a download.
type ReturnCode int

// Return codes with their own meaning for callers. See ReturnCode.Text for all of them.
const (
	ReturnOK           ReturnCode = 0   // 操作成功
	ReturnDownloadDone ReturnCode = 1   // 操作成功，数据已经下载完毕
	ReturnNoData       ReturnCode = 2   // 目前服务器端没有可以下载的数据
	ReturnMoreData     ReturnCode = 3   // 服务器端数据需要下载，请继续调用本接口进行下载
	ReturnSequenceGap  ReturnCode = 14  // 本次上载没有受理，请首先上载漏报的数据
	ReturnOther        ReturnCode = 999 // 其他错误
)

var returnCodes = map[ReturnCode]codeInfo{
	0:   {"操作成功", "success", KindOK, false},
	1:   {"操作成功，数据已经下载完毕", "success; all data has been downloaded", KindOK, false},
	2:   {"目前服务器端没有可以下载的数据", "no data to download at present", KindOK, false},
	3:   {"服务器端数据需要下载，请继续调用本接口进行下载", "more data waiting: call download again", KindOK, false},
	4:   {"用户名错误", "wrong user name", KindAuth, false},
	5:   {"密码错误", "wrong password", KindAuth, false},
	6:   {"解密失败", "decryption failed", KindPayload, false},
	7:   {"哈希值验证未通过", "hash verification failed", KindPayload, false},
	8:   {"解压缩失败", "decompression failed", KindPayload, false},
	9:   {"加密算法类型错误", "wrong encryption algorithm", KindParameter, false},
	10:  {"Hash算法类型错误", "wrong hash algorithm", KindParameter, false},
	11:  {"压缩格式错误", "wrong compression format", KindParameter, false},
	12:  {"认证信息错误，服务器拒绝响应", "authentication data wrong; request refused", KindAuth, false},
	13:  {"非本省ISP，服务器拒绝响应", "ISP not of this province; request refused", KindPermission, false},
	14:  {"本次上载没有受理，请首先上载漏报的数据，然后再上载本次数据", "upload not accepted: upload the missing sequence numbers first, then this one", KindSequenceGap, false},
	15:  {"本次上载没有受理，已上报的数据文件已超过最大受理数量，请稍后再提交", "upload not accepted: too many files pending; submit later", KindBusy, true},
	16:  {"认证错误，随机数小于20个字符，服务器拒绝响应", "authentication error: random string shorter than 20 characters", KindAuth, false},
	17:  {"您上报的备案数据文件数量不符合要求（每次必须上报1个文件），服务器拒绝受理，请调整后重新上报", "wrong number of files: exactly one file per upload", KindPayload, false},
	18:  {"上报的备案数据文件过大，服务器拒绝响应，请将上报的备案数据文件调整为50MB内并重新上报", "file too large: keep uploads within 50 MB", KindPayload, false},
	19:  {"您的报备权限未开放，请联系所在省通信管理局", "reporting right not granted: contact the provincial bureau", KindPermission, false},
	20:  {"请您在规定的时间段内进行报备，报备时间为：", "outside the reporting time window (the message gives the window)", KindRetryLater, true},
	21:  {"回调响应文件名称不能为空，请核实后继续调用", "acknowledged file name must not be empty", KindParameter, false},
	22:  {"备案密码校验超过X次，请仔细核对备案密码", "filing password checked too many times; check it carefully", KindRetryLater, true},
	901: {"系统正在维护中，您的报备请求未被受理，请稍后重新报备", "system under maintenance: upload not accepted, retry later", KindBusy, true},
	902: {"系统正在维护中，您的下载请求未被受理，请稍后重新下载", "system under maintenance: download not accepted, retry later", KindBusy, true},
	999: {"其他错误", "other error", KindOther, true},
}

// Text is the code's Chinese description from the spec ("" for unknown codes).
func (c ReturnCode) Text() string { return returnCodes[c].zh }

// English is an English translation of Text.
func (c ReturnCode) English() string { return returnCodes[c].en }

// Known reports whether the spec lists the code.
func (c ReturnCode) Known() bool { _, ok := returnCodes[c]; return ok }

// Kind classifies the code; unknown codes are KindUnknown.
func (c ReturnCode) Kind() Kind {
	if i, ok := returnCodes[c]; ok {
		return i.kind
	}
	return KindUnknown
}

// Retryable reports whether the same call, made again later without any change on our side,
// may succeed: maintenance (901, 902), a full queue (15), the reporting window (20), the
// password-check rate limit (22) and the unexplained 999. Everything else needs a fix first.
// A 999 on an upload may mean the file was accepted anyway: resynchronise with
// isp_querypreviousupload before resending.
func (c ReturnCode) Retryable() bool { return returnCodes[c].retryable }

// Success reports whether the call worked (codes 0–3).
func (c ReturnCode) Success() bool { return c.Kind() == KindOK }

// String returns the number and the Chinese text, e.g. "14 本次上载没有受理…".
func (c ReturnCode) String() string {
	if t := c.Text(); t != "" {
		return strconv.Itoa(int(c)) + " " + t
	}
	return strconv.Itoa(int(c))
}

// ResultCode is a data-processing result code (Jgdm) that a bureau reports per record in a
// download (BAJG): spec table 3-5 with the V3.0 additions. 1xxx are ICP, 2xxx IP, 3xxx domain
// and 5xxx general codes. A few are successes: 1001 approved, 1060 verification sheet stored,
// 1062 access matches the IP database, 2998 and 3998 done.
type ResultCode int

// Result codes with their own meaning for callers. See ResultCode.Text for all of them.
const (
	ResultApproved      ResultCode = 1001 // 管局审核通过
	ResultRejected      ResultCode = 1002 // 管局审核拒绝
	ResultSheetStored   ResultCode = 1060 // 核验单信息成功入库
	ResultIPMatch       ResultCode = 1062 // ICP接入信息比对IP库信息成功
	ResultSchemaInvalid ResultCode = 5001 // 数据文件格式不符合接口XSD规范
	ResultWrongVersion  ResultCode = 5004 // 接口版本错误
)

var resultCodes = map[ResultCode]codeInfo{
	// ICP (ICP数据处理类错误)
	1001: {"管局审核通过", "approved by the bureau", KindOK, false},
	1002: {"管局审核拒绝", "rejected by the bureau", KindRejected, false},
	1003: {"网站主办者冲突，请核实后再次报备", "website owner (subject) conflict", KindConflict, false},
	1004: {"无效域名，请核实后再次报备", "invalid domain", KindInvalid, false},
	1005: {"域名冲突，该域名在备案信息库中已存在，请核实后再次报备", "domain conflict: already in the filing database", KindConflict, false},
	1006: {"无效IP，请核实后再次报备", "invalid IP", KindInvalid, false},
	1007: {"无效联系方式，请核实后再次报备", "invalid contact details", KindInvalid, false},
	1008: {"无效证件，请核实后再次报备", "invalid certificate", KindInvalid, false},
	1009: {"无效邮箱，请核实后再次报备", "invalid e-mail", KindInvalid, false},
	1010: {"无效办公电话，请核实后再次报备", "invalid office phone", KindInvalid, false},
	1011: {"无效手机号码，请核实后再次报备", "invalid mobile number", KindInvalid, false},
	1012: {"无效MSN，请核实后再次报备", "invalid MSN", KindInvalid, false},
	1013: {"无效QQ，请核实后再次报备", "invalid QQ", KindInvalid, false},
	1014: {"无效主办单位性质，请核实后再次报备", "invalid subject nature", KindInvalid, false},
	1015: {"无效身份证号码，请核实后再次报备", "invalid resident ID number", KindInvalid, false},
	1016: {"备案申请中的数据在备案信息库中不存在，请核实后再次报备", "data in the application does not exist in the filing database", KindNotFound, false},
	1017: {"备案变更中，审核通过后可再次申请变更", "a change is in progress; apply again after it is approved", KindRetryLater, true},
	1018: {"ICP备案密码错误，请核实后再次报备", "wrong ICP filing password", KindAuth, false},
	1019: {"省市县代码错误，请核实后再次报备", "wrong province/city/county code", KindInvalid, false},
	1020: {"网站名称冲突，请核实后再次报备", "website name conflict", KindConflict, false},
	1021: {"网站首页地址冲突，在备案信息库中已存在该首页地址，请核实后再次报备", "home URL conflict: already in the filing database", KindConflict, false},
	1022: {"网站首页地址格式错误，请核实后再次报备", "home URL format wrong", KindInvalid, false},
	1023: {"备案申请中的IP数据在备案信息库中不存在，请核实后再次报备", "IP data in the application does not exist in the filing database", KindNotFound, false},
	1024: {"备案信息中的IP地址冲突，请核实后再次报备", "IP address conflict in the filing data", KindConflict, false},
	1025: {"该网站只有一个接入，不能取消该接入", "the website has only one access; it cannot be cancelled", KindState, false},
	1026: {"注销理由代码错误，请核实后再次报备", "wrong cancellation reason code", KindInvalid, false},
	1027: {"注销主体冲突，无需重复提交该主体的注销申请", "subject cancellation already submitted", KindConflict, false},
	1028: {"ICP用户名错误，请核实后再次报备", "wrong ICP user name", KindAuth, false},
	1029: {"同一个网站不允许有相同的接入，请核实后再次报备", "the same access twice on one website", KindConflict, false},
	1030: {"注销网站冲突，无需重复提交该网站的注销申请", "website cancellation already submitted", KindConflict, false},
	1031: {"网站负责人办公电话不能为空，请核实后再次报备", "website principal's office phone must not be empty", KindInvalid, false},
	1032: {"接入商已经对该网站提出取消接入请求，无需重复提交", "access cancellation already requested", KindConflict, false},
	1033: {"无效的前置或专项审批内容类型，请核实后再次报备", "invalid pre-approval content type", KindInvalid, false},
	1034: {"无效网站服务内容，请核实后再次报备", "invalid website service content", KindInvalid, false},
	1035: {"无效网站接入方式，请核实后再次报备", "invalid access method", KindInvalid, false},
	1036: {"无效服务器放置地点，请核实后再次报备", "invalid server location", KindInvalid, false},
	1037: {"该网站已经报备，无需重复报备", "website already filed", KindConflict, false},
	1038: {"该接入已经报备，无需重复报备", "access already filed", KindConflict, false},
	1039: {"该备案信息中的网站域名已经报备，无需重复报备", "website domain already filed", KindConflict, false},
	1040: {"该备案接入信息中的IP信息已经报备，无需重复报备", "IP data of the access already filed", KindConflict, false},
	1041: {"网站首页URL中必须包含域名中的其中一项，请核实后再次报备", "home URL must contain one of the website's domains", KindInvalid, false},
	1042: {"主体正在注销中，不允许注销网站", "subject is being cancelled: website cannot be cancelled", KindState, false},
	1043: {"网站正在注销中，不允许注销主体", "website is being cancelled: subject cannot be cancelled", KindState, false},
	1044: {"主体负责人姓名不能为空", "subject principal's name must not be empty", KindInvalid, false},
	1045: {"接入商只能到其所在省通信管理局系统进行ICP备案信息的报备", "providers may only report to their own province's bureau", KindPermission, false},
	1046: {"变更备案时不能改变主体所在省，如果需要修改，请先申请注销主体，然后重新报备", "a change cannot move the subject to another province: cancel and file again", KindInvalid, false},
	1047: {"只能取消本接入商的接入信息，请核实后再次报备", "only this provider's own access can be cancelled", KindPermission, false},
	1048: {"您试图操作的不是您接入的备案，这种操作是非法的，请核实后再次报备", "the filing is not accessed through you: operation not allowed", KindPermission, false},
	1049: {"主体已注销，您的请求被拒绝", "subject already cancelled: request refused", KindState, false},
	1050: {"网站已注销，您的请求被拒绝", "website already cancelled: request refused", KindState, false},
	1051: {"同一个接入商对同一个主体变更备案申请超过最大数，请稍后再试", "too many change requests for this subject: try later", KindRetryLater, true},
	1052: {"您所提交的请求在原系统中正在受理，请稍后提交", "the request is being processed in the old system: submit later", KindRetryLater, true},
	1053: {"您所提交的请求的单位已经被删除  请确认", "the organisation of the request has been deleted", KindNotFound, false},
	1054: {"报备单位无效", "invalid reporting organisation", KindPermission, false},
	1055: {"核验单提交信息不是该备案核验单，请确认", "verification sheet does not belong to this filing", KindInvalid, false},
	1056: {"附件格式类型代码错误，请核实后再次报备", "wrong attachment format code", KindInvalid, false},
	1057: {"附件用途类型代码错误，请核实后再次报备", "wrong attachment purpose code", KindInvalid, false},
	1058: {"主体信息不存在", "subject does not exist", KindNotFound, false},
	1059: {"网站信息不存在", "website does not exist", KindNotFound, false},
	1060: {"核验单信息成功入库", "verification sheet stored", KindOK, false},
	1061: {"核验单用途类型与报备标识不匹配", "verification sheet purpose does not match the reporting identifier", KindInvalid, false},
	1062: {"ICP接入信息比对IP库信息成功", "ICP access data matches the IP database", KindOK, false},
	1063: {"ICP备案接入信息中所使用的IP地址与你单位IP地址备案中报备的IP信息不一致，请核实后再次提交", "access IP addresses do not match your IP address filing", KindInvalid, false},
	1064: {"“XX”网站的“XX域名”在黑名单中，请核实后再次报备", "a domain of the website is blacklisted", KindBlacklisted, false},
	1065: {"主体在黑名单中，请核实后再次报备", "subject is blacklisted", KindBlacklisted, false},
	1066: {"网站语言类别错误，请核实后再次报备", "wrong website language code", KindInvalid, false},
	1067: {"网站备案号或主键对应多个网站，请核实后再报备", "website number or key matches several websites", KindInvalid, false},
	1068: {"网站备案号或主键对应多个缩略信息，请核实后再报备", "website number or key matches several summary records", KindInvalid, false},
	1999: {"其他错误", "other ICP error", KindOther, false},

	// IP (IP数据处理类错误)
	2001: {"没有此报备单位，请核实后再次报备", "no such reporting organisation", KindPermission, false},
	2002: {"报备信息中的起始IP大于终止IP，请核实后再次报备", "start IP greater than end IP", KindInvalid, false},
	2003: {"此IP段已报备，请核实后再次报备", "IP range already filed", KindConflict, false},
	2004: {"此IP广播已经报备，请核查后再次报备", "IP broadcast already filed", KindConflict, false},
	2005: {"此IP段未报备来源信息，请首先报备来源信息", "no source filed for this IP range: file the source first", KindNotFound, false},
	2006: {"报备信息中的起始IP不是合法IP地址，请核实后再次报备", "start IP is not a valid address", KindInvalid, false},
	2007: {"报备信息中的终止IP不是合法IP地址", "end IP is not a valid address", KindInvalid, false},
	2008: {"报备信息中的网关地址不是合法IP地址，请核实后再次报备", "gateway is not a valid IP address", KindInvalid, false},
	2009: {"报备信息中的单位分类不正确，请核实后再次报备", "wrong organisation classification", KindInvalid, false},
	2010: {"报备信息中的分配使用方式不能为空，请核实后再次报备", "allocation/use mode must not be empty", KindInvalid, false},
	2011: {"报备信息中的省市县信息错误，请核实后再次报备", "wrong province/city/county", KindInvalid, false},
	2012: {"报备信息中的电话号码不是合法的电话号码，请核实后再次报备", "invalid phone number", KindInvalid, false},
	2013: {"报备信息中的Email不是有效的电子邮箱，请核实后再次报备", "invalid e-mail", KindInvalid, false},
	2014: {"报备信息中的起始IP不能为空，请核实后再次报备", "start IP must not be empty", KindInvalid, false},
	2015: {"报备信息中的终止IP不能为空，请核实后再次报备", "end IP must not be empty", KindInvalid, false},
	2016: {"报备信息中的广播单位不能为空，请核实后再次报备", "broadcasting organisation must not be empty", KindInvalid, false},
	2017: {"报备信息中的广播单位不存在，请核实后再次报备", "broadcasting organisation does not exist", KindNotFound, false},
	2018: {"报备信息中的申请广播单位不存在，请核实后再次报备", "applying organisation does not exist", KindNotFound, false},
	2019: {"报备信息中的单位性质无效，请核实后再次报备", "invalid organisation nature", KindInvalid, false},
	2020: {"报备信息中的单位行业分类无效，请核实后再次报备", "invalid industry classification", KindInvalid, false},
	2021: {"报备信息中的IP使用方式无效，请核实后再次报备", "invalid IP use mode", KindInvalid, false},
	2022: {"报备信息中的经营许可证不能为空，请核实后再次报备", "operating licence must not be empty", KindInvalid, false},
	2023: {"报备信息中的单位行政级别无效，请核实后再次报备", "invalid administrative level", KindInvalid, false},
	2024: {"报备信息中的省信息无效，请核实后再次报备", "invalid province", KindInvalid, false},
	2025: {"报备信息中的市信息无效，请核实后再次报备", "invalid city", KindInvalid, false},
	2026: {"报备信息中的县信息无效，请核实后再次报备", "invalid county", KindInvalid, false},
	2027: {"报备信息中的报备单位不能为空，请核实后再次报备", "reporting organisation must not be empty", KindInvalid, false},
	2028: {"报备信息中的来源单位不能为空，请核实后再次报备", "source organisation must not be empty", KindInvalid, false},
	2029: {"报备信息中的来源单位不正确，请核实后再次报备", "wrong source organisation", KindInvalid, false},
	2030: {"报备信息中的使用时间不能为空，请核实后再次报备", "use date must not be empty", KindInvalid, false},
	2031: {"报备信息中的单位名称不能为空，请核实后再次报备", "organisation name must not be empty", KindInvalid, false},
	2032: {"报备信息中的IP使用方式不能为空，请核实后再次报备", "IP use mode must not be empty", KindInvalid, false},
	2033: {"报备信息中的域名跳转不能为空，请核实后再次报备", "domain redirect must not be empty", KindInvalid, false},
	2034: {"报备信息中的单位性质不能为空，请核实后再次报备", "organisation nature must not be empty", KindInvalid, false},
	2035: {"报备信息中的单位分类不能为空，请核实后再次报备", "organisation classification must not be empty", KindInvalid, false},
	2036: {"报备信息中的单位详细地址不能为空，请核实后再次报备", "organisation address must not be empty", KindInvalid, false},
	2037: {"报备信息中的省信息不能为空，请核实后再次报备", "province must not be empty", KindInvalid, false},
	2038: {"报备信息中的市信息不能为空，请核实后再次报备", "city must not be empty", KindInvalid, false},
	2039: {"报备信息中的联系人电话不能为空，请核实后再次报备", "contact phone must not be empty", KindInvalid, false},
	2040: {"报备信息中的联系人姓名不能为空，请核实后再次报备", "contact name must not be empty", KindInvalid, false},
	2041: {"报备信息中的分配使用方式无效，请核实后再次报备", "invalid allocation/use mode", KindInvalid, false},
	2042: {"报备信息中的联系人邮件不能为空，请核实后再次报备", "contact e-mail must not be empty", KindInvalid, false},
	2043: {"报备信息中的网关IP地址不能为空，请核实后再次报备", "gateway IP must not be empty", KindInvalid, false},
	2044: {"报备信息中的网关物理地址不能为空，请核实后再次报备", "gateway physical address must not be empty", KindInvalid, false},
	2045: {"报备信息中的来源单位名称不能为空，请核实后再次报备", "source organisation name must not be empty", KindInvalid, false},
	2046: {"报备信息中的来源单位类型不能为空，请核实后再次报备", "source organisation type must not be empty", KindInvalid, false},
	2047: {"报备信息中的分配对象不能为空，请核实后再次报备", "allocation target must not be empty", KindInvalid, false},
	2048: {"报备信息中的分配单位不存在，请核实后再次报备", "allocating organisation does not exist", KindNotFound, false},
	2049: {"此信息已经报备，请核实后再次报备", "already filed", KindConflict, false},
	2050: {"分配和使用单位不能相同，请核实后再次报备", "allocating and using organisation must differ", KindInvalid, false},
	2051: {"无效的广播报备单位", "invalid broadcast reporting organisation", KindInvalid, false},
	2052: {"报备信息中的来源单位和请求单位不能相同，请核实后再次报备", "source and requesting organisation must differ", KindInvalid, false},
	2053: {"报备信息中的申请广播单位与广播单位不能相同，请核实后再次报备", "applying and broadcasting organisation must differ", KindInvalid, false},
	2054: {"接入商只能操作属于本接入商的IP备案信息，请核实后再次报备", "providers may only change their own IP filings", KindPermission, false},
	2055: {"备案申请中的IP数据在备案信息库中不存在，请核实后再次报备", "IP data does not exist in the filing database", KindNotFound, false},
	2056: {"备案信息中的IP地址冲突，请核实后再次报备", "IP address conflict", KindConflict, false},
	2998: {"IP备案操作成功", "IP filing operation succeeded", KindOK, false},
	2999: {"其他错误", "other IP error", KindOther, false},

	// Domains (域名数据处理类错误)
	3001: {"报备信息中的域名类型错误 ，请核实后再次报备", "wrong domain type", KindInvalid, false},
	3002: {"报备信息中的域名注册时间不能为空，请核实后再次报备", "registration date must not be empty", KindInvalid, false},
	3003: {"报备信息中的域名有效日期不能为空，请核实后再次报备", "expiry date must not be empty", KindInvalid, false},
	3004: {"报备信息中的域名有效日期不能早于当前日期，请核实后再次报备", "expiry date must not be in the past", KindInvalid, false},
	3005: {"报备信息中的域名服务器不能为空，请核实后再次报备", "name servers must not be empty", KindInvalid, false},
	3006: {"报备信息中的域名所属注册商不能为空，请核实后再次报备", "registrar must not be empty", KindInvalid, false},
	3007: {"报备信息中的域名所属注册商名称中包含特殊字符、格式不正确或为空，请核实后再次报备", "registrar name has special characters, a wrong format or is empty", KindInvalid, false},
	3008: {"报备信息中的域名注册人名称不能为空，请核实后再次报备", "registrant name must not be empty", KindInvalid, false},
	3009: {"报备信息中的域名注册人所在组织不能为空，请核实后再次报备", "registrant organisation must not be empty", KindInvalid, false},
	3010: {"报备信息中的域名注册人所在省不能为空，请核实后再次报备", "registrant province must not be empty", KindInvalid, false},
	3011: {"报备信息中的域名注册人所在城市不能为空，请核实后再次报备", "registrant city must not be empty", KindInvalid, false},
	3012: {"报备信息中的域名注册人电子邮件不能为空，请核实后再次报备", "registrant e-mail must not be empty", KindInvalid, false},
	3013: {"报备信息中的域名注册人电子邮件格式错误，请核实后再次报备", "registrant e-mail format wrong", KindInvalid, false},
	3014: {"报备信息中的域名注册人电话号码不能为空，请核实后再次报备", "registrant phone must not be empty", KindInvalid, false},
	3015: {"报备信息中的域名注册人电话号码格式错误，请核实后再次报备", "registrant phone format wrong", KindInvalid, false},
	3016: {"报备信息中的域名注册人通信地址不能为空，请核实后再次报备", "registrant address must not be empty", KindInvalid, false},
	3017: {"报备信息中的域名管理员名称不能为空，请核实后再次报备", "admin contact name must not be empty", KindInvalid, false},
	3018: {"报备信息中的域名管理员所在组织不能为空，请核实后再次报备", "admin contact organisation must not be empty", KindInvalid, false},
	3019: {"报备信息中的域名管理员所在省不能为空，请核实后再次报备", "admin contact province must not be empty", KindInvalid, false},
	3020: {"报备信息中的域名管理员所在城市不能为空，请核实后再次报备", "admin contact city must not be empty", KindInvalid, false},
	3021: {"报备信息中的域名管理员电子邮件不能为空，请核实后再次报备", "admin contact e-mail must not be empty", KindInvalid, false},
	3022: {"报备信息中的域名管理员电子邮件格式错误，请核实后再次报备", "admin contact e-mail format wrong", KindInvalid, false},
	3023: {"报备信息中的域名管理员电话号码不能为空，请核实后再次报备", "admin contact phone must not be empty", KindInvalid, false},
	3024: {"报备信息中的域名管理员电话号码格式错误，请核实后再次报备", "admin contact phone format wrong", KindInvalid, false},
	3025: {"报备信息中的域名管理员通信地址不能为空，请核实后再次报备", "admin contact address must not be empty", KindInvalid, false},
	3026: {"报备信息中的接入方式无效，请核实后再次报备", "invalid access method", KindInvalid, false},
	3027: {"报备信息中的服务器放置地无效，请核实后再次报备", "invalid server location", KindInvalid, false},
	3028: {"报备信息中的注册人省市错误，请核实后再次报备", "wrong registrant province/city", KindInvalid, false},
	3029: {"报备信息中的管理员省市错误，请核实后再次报备", "wrong admin contact province/city", KindInvalid, false},
	3030: {"报备信息中的缴费人省市错误，请核实后再次报备", "wrong billing contact province/city", KindInvalid, false},
	3031: {"报备信息中的注册时间格式错误，请核实后再次报备", "registration date format wrong", KindInvalid, false},
	3032: {"报备信息中的有效日期格式错误，请核实后再次报备", "expiry date format wrong", KindInvalid, false},
	3033: {"报备信息中的缴费人电话号码格式错误，请核实后再次报备", "billing contact phone format wrong", KindInvalid, false},
	3034: {"报备信息中的缴费人电子邮件格式错误，请核实后再次报备", "billing contact e-mail format wrong", KindInvalid, false},
	3035: {"报备信息中的域名注册时间超过当前时间，请核实后再次报备", "registration date is in the future", KindInvalid, false},
	3036: {"域名报备单位只能到工信部备案系统进行域名报备，请核实后再次报备", "domain reporters may only report to the MIIT system", KindPermission, false},
	3037: {"接入商只能操作属于本接入商的域名备案信息，请核实后再次报备", "providers may only change their own domain filings", KindPermission, false},
	3998: {"域名备案操作成功", "domain filing operation succeeded", KindOK, false},
	3999: {"其他错误", "other domain error", KindOther, false},

	// General (通用类错误)
	5001: {"数据文件格式不符合接口XSD规范，请核实后再次报备", "data file does not match the interface XSD", KindSchema, false},
	5002: {"该属性不存在，请核实后再次报备", "the attribute does not exist", KindSchema, false},
	5003: {"XML中请求单位Id和报备单位Id不一致，请核实后再次报备", "requesting organisation ID in the XML differs from the reporting organisation ID", KindInvalid, false},
	5004: {"接口版本错误，当前接口版本为“当前版本信息”", "wrong interface version (the message gives the current one)", KindVersion, false},
	5005: {"企业上报的未备案网站处理结果中的网站不属于该企业，请核实后再次报备", "the unfiled website in the handling result does not belong to this provider", KindPermission, false},
	5006: {"该未备案网站的处理结果已经上报，无需重复上报", "handling result for this unfiled website already reported", KindConflict, false},
	5007: {"处理结果代码错误，请核实后再次报备", "wrong handling result code", KindInvalid, false},
	5008: {"上报信息中存在非法字符，请核实后再次报备", "the report contains illegal characters", KindSchema, false},
	5009: {"报备单位无此业务权限", "the reporting organisation lacks this business right", KindPermission, false},
	5010: {"您提交的附件格式不符合规范", "attachment format does not conform", KindInvalid, false},
	5011: {"该功能目前未开放", "this function is not open yet", KindPermission, false},
	5999: {"其他错误", "other error", KindOther, false},
}

// Text is the code's Chinese description from the spec ("" for unknown codes).
func (c ResultCode) Text() string { return resultCodes[c].zh }

// English is an English translation of Text.
func (c ResultCode) English() string { return resultCodes[c].en }

// Known reports whether the spec lists the code.
func (c ResultCode) Known() bool { _, ok := resultCodes[c]; return ok }

// Kind classifies the code; unknown codes are KindUnknown.
func (c ResultCode) Kind() Kind {
	if i, ok := resultCodes[c]; ok {
		return i.kind
	}
	return KindUnknown
}

// Retryable reports whether submitting the same record again later, unchanged, may succeed:
// only while another change is in progress (1017), after too many changes (1051) or while
// the old system still handles the request (1052).
func (c ResultCode) Retryable() bool { return resultCodes[c].retryable }

// Success reports whether the code is a positive outcome (1001, 1060, 1062, 2998, 3998).
func (c ResultCode) Success() bool { return c.Kind() == KindOK }

// Category is "ICP", "IP", "YM" (domains) or "general" from the code's thousand, "" when
// the code is outside the spec's ranges.
func (c ResultCode) Category() string {
	switch c / 1000 {
	case 1:
		return "ICP"
	case 2:
		return "IP"
	case 3:
		return "YM"
	case 5:
		return "general"
	}
	return ""
}

// String returns the number and the Chinese text, e.g. "1002 管局审核拒绝".
func (c ResultCode) String() string {
	if t := c.Text(); t != "" {
		return fmt.Sprintf("%d %s", int(c), t)
	}
	return strconv.Itoa(int(c))
}
