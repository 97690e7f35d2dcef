package beian

// RejectionReason is one row of the provider's rejection catalogue
// (备案审核驳回FAQ, spec §6.9): a reason reviewers give when they send an
// order back, with the correction the customer should make. Reviewers mark
// an order's fields with these IDs ("R1" … "R28") or with the ID of a
// pre-check rule; the customer sees the reason and the remedy next to the
// marked field. The texts are provider-neutral: they name no vendor's
// hotline or meeting product.
type RejectionReason struct {
	// ID is "R" and the row number; stable, since reviews keep it.
	ID string
	// Title is the reason (驳回原因).
	Title Text
	// Remedy is the correction (修改措施).
	Remedy Text
}

// RejectionReasons is the catalogue in row order.
var RejectionReasons = []RejectionReason{
	{"R1", Text{"证件图片不清晰或不完整", "Certificate images unclear or incomplete"},
		Text{"请拍摄证件原件重新上传：不得隔屏拍摄，边框完整、文字清晰、背景一致、无反光。", "Photograph the original again: no photos of a screen, full borders, clear text, an even background, no glare."}},
	{"R2", Text{"上传了复印件或电子证件", "A photocopy or an electronic certificate was uploaded"},
		Text{"请上传证件原件的照片或彩色扫描件。", "Upload a photo or colour scan of the original."}},
	{"R3", Text{"证件有效期不足三个月", "Certificate valid for less than three months"},
		Text{"请先换发证件，使剩余有效期超过三个月；营业执照须为最新核准日期的版本。", "Renew the certificate so that more than three months remain; the business licence must carry the newest approval date."}},
	{"R4", Text{"未查询到域名实名信息", "No real-name information found for the domain"},
		Text{"请在域名注册商完成实名认证，等待 2–3 天（同步至管局需 3–5 个工作日）后重新提交。", "Complete real-name verification at the registrar, wait 2–3 days (3–5 working days to reach the bureau), then resubmit."}},
	{"R5", Text{"域名实名持有者与备案主体不一致", "The domain's real-name holder is not the subject"},
		Text{"请通过注册商将域名持有者变更（过户）为备案主体；单位可提供与持有者的股东或高管关系证明。", "Have the registrar change (transfer) the holder to the subject; a unit may prove a shareholder or executive relationship with the holder."}},
	{"R6", Text{"域名未通过工信部核验（后缀或注册商未获批、已过期或实名信息未同步）", "The domain failed MIIT verification (suffix or registrar not approved, expired, real name not synced)"},
		Text{"请使用工信部批复的域名后缀和注册商，及时续费，并等待实名信息同步。", "Use an approved suffix and registrar, renew the domain and wait for the real-name data to sync."}},
	{"R7", Text{"域名在境外注册商注册", "The domain is registered with a foreign registrar"},
		Text{"请将域名转入工信部批复的境内注册商，或使用获批后缀重新注册。", "Transfer the domain to an MIIT-approved domestic registrar, or register one with an approved suffix."}},
	{"R8", Text{"未备案域名仍在解析", "The unfiled domain still resolves"},
		Text{"请在管局审核通过前关闭该域名的解析。", "Turn off the domain's DNS resolution until the bureau approves the filing."}},
	{"R9", Text{"网站名称不符合要求", "The website name is not acceptable"},
		Text{"请按所在省份的网站名称规则修改名称：单位网站与主体相关，个人网站不得使用企业、行业、地名、人名等词语。", "Rename the site by the province's naming rules: a unit's site relates to the subject; personal sites avoid enterprise, industry, place and person names."}},
	{"R10", Text{"网站内容不合规、需要前置审批或与主体性质不符", "The content is not compliant, needs a pre-approval or does not suit the subject"},
		Text{"请删除或关闭相关内容、办理前置审批，或以相符的主体备案；个人网站请在备注中声明内容。", "Remove or close the content, obtain the pre-approval, or file under a suitable subject; personal sites declare their content in the remark."}},
	{"R11", Text{"缺少前置审批", "The pre-approval is missing"},
		Text{"请向主管部门办理前置审批，填写审批号并上传审批文件。", "Obtain the permit from the competent authority, enter its number and upload the document."}},
	{"R12", Text{"前置审批文件已过期或不清晰、不完整", "The pre-approval document is expired, unclear or incomplete"},
		Text{"请换发审批文件，并上传清晰完整的图片。", "Renew the permit and upload clear, complete images."}},
	{"R13", Text{"已备案网站无法访问、底部未悬挂备案号或未链接、标题与备案名称不符", "A filed site does not open, lacks the linked number at its foot, or its title differs from the filed name"},
		Text{"请开通网站，在首页底部居中悬挂备案号并链接至 beian.miit.gov.cn，使网页标题与备案名称一致；或关闭该网站。", "Open the site, show the number centred at the foot of the home page linked to beian.miit.gov.cn and match the title to the filed name; or close the site."}},
	{"R14", Text{"主体负责人不是法定代表人", "The subject principal is not the legal representative"},
		Text{"请将主体负责人改为法定代表人；所在省份允许时可上传法人授权书。", "Make the legal representative the principal, or upload the legal representative's authorization where the province allows it."}},
	{"R15", Text{"联系电话非备案省份号段、无法接通或无人接听", "The phone is not of the filing province, unreachable or unanswered"},
		Text{"请使用备案省份的号码并保持电话畅通；错过核验电话请回拨服务商客服完成核验。", "Use a number of the filing province and keep the phone on; if you missed the call, call the provider back to complete verification."}},
	{"R16", Text{"手机号码已被其他主体使用", "The mobile is already used by another subject"},
		Text{"请使用从未在其他主体备案中使用过的手机号码。", "Use a mobile number never used in another subject's filing."}},
	{"R17", Text{"不同负责人共用联系方式，或主体与网站负责人的电话、邮箱相同", "Different principals share contacts, or the subject and service principals share a phone or e-mail"},
		Text{"请为不同负责人填写各自的联系方式；同一负责人在各主体中的联系方式须一致。", "Give each principal their own contacts; one person keeps the same contacts across subjects."}},
	{"R18", Text{"真实性核验（人脸核验）未通过", "Authenticity (face) verification failed"},
		Text{"请由网站/APP负责人本人在白色背景、光线充足处按提示重新核验，并确认填写信息与证件一致。", "Have the service principal redo the check in person, against a white background in good light, following the prompts, with data matching the ID."}},
	{"R19", Text{"需要视频核验", "Video verification required"},
		Text{"请负责人本人按约定时间参加视频核验，携带身份证原件和单位证件原件；单位须在主要办公场所参加，不得有人提示。", "The principal attends the video call at the agreed time in person with the original ID and unit certificate; units attend at their main office, with nobody prompting."}},
	{"R20", Text{"工信部已有备案记录，备案类型选择错误", "MIIT already has a record: wrong filing type"},
		Text{"请改用新增接入、新增网站或变更备案；证件已变更时请先变更主体。", "Use new access, new website or a change instead; if the certificate changed, change the subject first."}},
	{"R21", Text{"备案类型识别有误（名称或证件号码填写错误）", "The filing type was mis-detected (a typo in the name or certificate number)"},
		Text{"请放弃本订单，使用正确信息重新验证备案类型。", "Abandon this order and verify the filing type again with the correct data."}},
	{"R22", Text{"该证件存在进行中的订单", "This certificate has an order in progress"},
		Text{"请在「我的订单」中完成另一个订单，或打开它在「其他操作」中选择「放弃备案」。", "Finish the other order, or open it under My orders and choose Abandon under Other actions."}},
	{"R23", Text{"网站主办者冲突：同一主体已在其他接入商提交", "Host conflict: the subject is submitted at another provider too"},
		Text{"请在其中一家接入商放弃订单；同一主体只能有一个订单在管局审核。", "Abandon the order at one of the providers; only one order per subject may be at the bureau."}},
	{"R24", Text{"主体已注销或为空壳主体", "The subject is cancelled or an empty shell"},
		Text{"请放弃本订单，注销该主体后以首次备案重新提交。", "Abandon this order, deregister the subject, then file it as a first filing."}},
	{"R25", Text{"空壳网站未整改，接入已取消，备案号已被注销", "Empty-shell site not rectified: access cancelled, number deregistered"},
		Text{"请放弃本订单，重新办理首次备案。", "Abandon this order and make a first filing again."}},
	{"R26", Text{"与原接入商处的备案信息不一致", "The data differs from the record at the previous provider"},
		Text{"请按原备案信息填写，接入完成后再办理变更；证件已变更且无法恢复的，请按管局要求处理。", "Keep the data identical to the existing record and change it after access; if the certificate changed and cannot be restored, follow the bureau's instructions."}},
	{"R27", Text{"电话核验未通过：致电负责人手机和应急电话均未接通", "Phone verification failed: calls to the principal's mobile and emergency number went unanswered"},
		Text{"请保持电话畅通，并回拨服务商客服完成电话核验。", "Keep the phones reachable and call the provider back to complete phone verification."}},
	{"R28", Text{"空壳网站不能备案（管局驳回）", "An empty-shell site cannot be filed (bureau rejection)"},
		Text{"请联系现接入商办理接入备案，或注销空壳网站后重新备案。", "Ask the current provider to file the access, or deregister the shell site and file again."}},
}

var rejectionByID = func() map[string]RejectionReason {
	m := make(map[string]RejectionReason, len(RejectionReasons))
	for _, r := range RejectionReasons {
		m[r.ID] = r
	}
	return m
}()

// RejectionReasonByID returns the catalogue row with id ("R15").
func RejectionReasonByID(id string) (RejectionReason, bool) {
	r, ok := rejectionByID[id]
	return r, ok
}
