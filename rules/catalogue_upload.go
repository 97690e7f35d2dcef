package rules

import (
	"strings"

	"github.com/openbeian/beian"
)

// maxUploadBytes is the upload limit for images (spec §6.6.2).
const maxUploadBytes = 4 << 20

// uploadRules are the upload and authenticity rules (spec §4.2(f), §5.7,
// §6.6).
func uploadRules() []*Rule {
	return []*Rule{
		{
			ID:       "UPLOAD-FORMAT",
			Title:    t("上传文件格式与大小", "Upload format and size"),
			Severity: Blocking,
			Reason:   t("证件和材料只能上传 jpg/png 图片，每张不超过4MB（承诺视频除外）。", "Certificates and documents are jpg or png images of at most 4 MB each (the commitment video excepted)."),
			Remedy:   t("请将材料拍照或彩色扫描为 jpg/png 图片，压缩到4MB以内后重新上传。", "Photograph or colour-scan the document as jpg or png under 4 MB and upload it again."),
			Sources:  []string{"§5.7", "§6.6.2"},
			check:    checkUploadFormat,
		},
		{
			ID:       "UPLOAD-IMAGE-CLARITY",
			Title:    t("证件图片清晰完整", "Certificate images clear and complete"),
			Severity: ReviewerAttention,
			Reason:   t("备案证件图片不清晰或不完整将被驳回。", "Unclear or incomplete certificate images are rejected."),
			Remedy:   t("审核员请核对：所有证件不可以隔屏拍摄，需边框完整内容清晰，色调背景一致，无反光；国徽不得遮挡，水印不得遮盖关键信息。", "Reviewer: no certificate may be photographed off a screen; borders complete, content clear, even colour and background, no glare; the national emblem uncovered, watermarks off the key text."),
			Fix:      t("请对证件原件重新拍照或彩色扫描后上传：四边完整，文字清晰可辨，光线均匀无反光，不要翻拍屏幕；国徽不要遮挡，水印不要盖住关键信息。", "Photograph or colour-scan the original again and upload it: all four edges in the picture, every word legible, even light without glare, not a photo of a screen; keep the national emblem uncovered and watermarks off the key text."),
			Sources:  []string{"§6.6.1", "§6.6.3", "R1", "S41", "S42", "§7 河北"},
			PackKeys: []string{"materials.high_clarity"},
			check: func(c *checker) {
				if !c.anyImage() {
					return
				}
				reason := c.rule.Reason
				if c.pack.HighClarity {
					reason = t(reason.ZH+c.prov.Name+"管局对证件清晰度要求更高。", reason.EN+" The "+c.prov.NameEN+" bureau demands especially clear images.")
				}
				c.fail("materials", reason, c.rule.Remedy)
			},
		},
		{
			ID:       "UPLOAD-ORIGINAL",
			Title:    t("证件须为原件拍摄或彩色扫描", "Certificates are originals"),
			Severity: ReviewerAttention,
			Reason:   t("备案所上传证件为复印件或电子证件将被驳回。", "Photocopies and electronic certificates are rejected."),
			Remedy:   t("审核员请核对：所有证件需原件拍摄或彩色扫描件上传（上海不接受电子营业执照）。", "Reviewer: every certificate must be a photo or colour scan of the original (Shanghai refuses electronic business licences)."),
			Fix:      t("请对证件原件拍照或彩色扫描后上传，不要上传复印件或电子证照。", "Upload a photo or colour scan of the original certificate, not a photocopy or an electronic licence."),
			Sources:  []string{"§6.3.4", "§6.6.1", "R2", "S43", "S44", "§7 上海"},
			check: func(c *checker) {
				if c.anyImage() {
					c.fail("materials", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "UPLOAD-LICENCE-SEAL",
			Title:    t("营业执照的登记机关印章", "Registration seal on the licence"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling, Natures: naturesUnits},
			Reason:   t("海南管局要求营业执照带有「海南省市场监督管理局商事登记专用章」并有琼字号码。", "The Hainan bureau wants the licence to carry the 海南省市场监督管理局商事登记专用章 seal and a 琼 number."),
			Remedy:   t("审核员请核对营业执照上的登记机关印章。", "Reviewer: check the registration seal on the licence."),
			Fix:      t("请上传营业执照原件的照片或彩色扫描件，登记机关印章须完整清晰；执照须带有备案省份管局要求的印章。", "Upload a photo or colour scan of the original licence with the registration seal whole and legible; the licence must carry the seal the filing province's bureau requires."),
			Sources:  []string{"§6.6.4", "§7 海南"},
			PackKeys: []string{"materials.licence_seal"},
			check: func(c *checker) {
				if c.pack.LicenceSeal != "" && (c.subj.CertificateType == beian.CertBusinessLicence || c.subj.CertificateType == beian.CertUSCC) {
					c.fail("materials", t(c.prov.Name+"管局要求营业执照带有「"+c.pack.LicenceSeal+"」。", "The "+c.prov.NameEN+" bureau wants the licence to carry the seal "+quote(c.pack.LicenceSeal)+"."), c.rule.Remedy)
				}
			},
		},
		{
			ID:       "MATERIALS-REQUIRED",
			Title:    t("必传材料", "Required documents"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("缺少必传材料：单位证件、主体负责人证件正反面、网站/APP负责人证件正反面。", "Required documents are missing: the unit's certificate, the principal's ID (both sides), each service principal's ID (both sides)."),
			Remedy:   t("请上传证件原件的照片或彩色扫描件；营业执照须为最新版本。", "Upload photos or colour scans of the originals; the licence must be the newest."),
			Sources:  []string{"§5.7"},
			check:    checkMaterialsRequired,
		},
		{
			ID:       "AUTHENTICITY-COMMITMENT",
			Title:    t("ICP备案信息真实性承诺书", "Authenticity commitment"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("须由互联网信息服务负责人签署《ICP备案信息真实性承诺书》并上传。", "Each service principal signs the 《ICP备案信息真实性承诺书》, which is uploaded."),
			Remedy:   t("请下载承诺书模板，由网站/APP负责人签字后拍照或扫描上传（不超过4MB）。", "Download the template, have the service principal sign it and upload a photo or scan (at most 4 MB)."),
			Sources:  []string{"§4.2", "§5.7"},
			check: func(c *checker) {
				c.eachService(func(field, id, name string, kind beian.ServiceKind) {
					if !c.hasMaterial(MaterialCommitmentLetter, id) {
						l := serviceLabel(kind, name)
						c.fail(field, t(l.ZH+"缺少负责人签署的《ICP备案信息真实性承诺书》。", "The signed authenticity commitment is missing for "+l.EN+"."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "AUTHENTICITY-RESPONSIBILITY-NOTICE",
			Title:    t("ICP备案信息真实性责任告知书", "Authenticity responsibility notice"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("江苏省ICP备案真实性核验工作新要求：签署《ICP备案信息真实性责任告知书》及《ICP备案信息真实性承诺书》，并上传至备案系统。", "Jiangsu's authenticity rules: sign the 《ICP备案信息真实性责任告知书》 and the 《ICP备案信息真实性承诺书》 and upload them."),
			Remedy:   t("请下载责任告知书模板，由负责人签署后上传。", "Download the notice, have the principal sign it and upload it."),
			Sources:  []string{"§4.2", "§5.7", "S67", "§7 江苏"},
			PackKeys: []string{"authenticity.responsibility_notice_since"},
			check: func(c *checker) {
				since := c.pack.ResponsibilityNoticeSince
				if since.IsZero() || c.date.Before(since) {
					return
				}
				c.eachService(func(field, id, name string, kind beian.ServiceKind) {
					if !c.hasMaterial(MaterialResponsibilityNotice, id) {
						l := serviceLabel(kind, name)
						c.fail(field, t(c.prov.Name+"管局自"+since.String()+"起要求签署《ICP备案信息真实性责任告知书》，"+l.ZH+"缺少该材料。", "Since "+since.String()+" the "+c.prov.NameEN+" bureau wants the signed responsibility notice; it is missing for "+l.EN+"."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "AUTHENTICITY-COMMITMENT-VIDEO",
			Title:    t("诵读承诺书视频", "Video of reading the commitment"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("江苏管局要求录制网站负责人诵读《ICP备案信息真实性承诺书》的视频，并上传至备案系统。", "Jiangsu wants a video of the service principal reading the authenticity commitment, uploaded to the system."),
			Remedy:   t("请由网站/APP负责人本人出镜诵读承诺书并录制视频上传。", "Have the service principal record themselves reading the commitment and upload it."),
			Sources:  []string{"§4.2", "S68", "§7 江苏"},
			PackKeys: []string{"authenticity.commitment_video_since"},
			check: func(c *checker) {
				since := c.pack.CommitmentVideoSince
				if since.IsZero() || c.date.Before(since) {
					return
				}
				c.eachService(func(field, id, name string, kind beian.ServiceKind) {
					if !c.hasMaterial(MaterialCommitmentVideo, id) {
						l := serviceLabel(kind, name)
						c.fail(field, t(l.ZH+"缺少负责人诵读承诺书的视频（"+c.prov.Name+"自"+since.String()+"起要求）。", "The video of reading the commitment is missing for "+l.EN+" (required in "+c.prov.NameEN+" since "+since.String()+")."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "BUREAU-COMMITMENT-LETTER",
			Title:    t("互联网信息服务备案承诺书", "Bureau's filing commitment letter"),
			Severity: Blocking,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("广东管局自2021年6月21日起要求所有备案上传《互联网信息服务备案承诺书》（单位由法定代表人签署，个人由本人签署，黑色签字笔正楷书写）。", "Since 2021-06-21 the Guangdong bureau wants every filing to carry its 《互联网信息服务备案承诺书》 (signed by the legal rep for units, the person for individuals, in black ink and regular script)."),
			Remedy:   t("请下载备案省份管局的承诺书模板，按要求签署后上传。", "Download the filing province's bureau template, sign it as required and upload it."),
			Sources:  []string{"§5.7", "§7 广东"},
			PackKeys: []string{"commitment.bureau_letter_since"},
			check: func(c *checker) {
				since := c.pack.BureauCommitmentSince
				if since.IsZero() || c.date.Before(since) || c.hasMaterial(MaterialBureauCommitment, "") {
					return
				}
				c.fail("materials", t(c.prov.Name+"管局自"+since.String()+"起要求上传《互联网信息服务备案承诺书》。", "Since "+since.String()+" the "+c.prov.NameEN+" bureau wants its filing commitment letter."),
					t("请下载"+c.prov.Name+"管局承诺书模板，按要求签署后上传。", "Download the "+c.prov.NameEN+" bureau's template, sign it as required and upload it."))
			},
		},
		{
			ID:       "AUTHENTICITY-FACE",
			Title:    t("真实性核验（人脸核验）", "Authenticity (face) verification"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesServices},
			Reason:   t("真实性核验须由互联网信息服务负责人本人完成，每次提交使用新的核验照；背景不是纯白、光线角度不对、动作不规范（转头与歪头混淆）或信息与证件不一致都会失败。", "Face verification is done by the service principal in person with a fresh photo each time; a non-white background, light or angle, wrong movement (turning versus tilting) or data differing from the ID make it fail."),
			Remedy:   t("审核员请核对核验照为负责人本人、白色背景、五官清晰，且姓名证件与订单一致；不符的请客户重新核验。", "Reviewer: check the photo shows the principal in person against white, face clear, name and ID as in the order; otherwise the customer verifies again."),
			Fix:      t("请由网站/APP负责人本人重新完成真实性核验：白色背景、光线充足、五官清晰，按提示完成动作，并确认姓名和证件与订单一致。", "Have the service principal redo the face verification in person: white background, good light, face clearly visible, following the prompts, with the name and ID as in the order."),
			Sources:  []string{"§4.2", "R18"},
			check: func(c *checker) {
				for i := range c.persons {
					if p := &c.persons[i]; p.role == roleService {
						c.fail(p.field, c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "AUTHENTICITY-VIDEO-CALL",
			Title:    t("视频核验", "Video verification"),
			Severity: ReviewerAttention,
			Applies:  Scope{Types: typesFiling},
			Reason:   t("依据《网络安全法》和工信部关于真实性核验的要求，接入商可要求负责人参加视频核验。", "Under the Cybersecurity Law and MIIT's authenticity rules the provider may require a video verification."),
			Remedy:   t("审核员请判断是否需要视频核验；需要时电话通知客户，负责人本人携身份证和单位证件参加，不得有人提示。", "Reviewer: decide whether a video check is needed; if so, phone the customer; the principal attends with ID and the unit's certificate, unprompted."),
			Fix:      t("需要视频核验时我们会电话通知您：请负责人本人按约定时间参加，携带身份证原件和单位证件原件，核验过程中不得有他人提示。", "If a video check is needed we phone you: the principal attends in person at the agreed time with the original ID card and the unit's original certificate, with nobody prompting."),
			Sources:  []string{"§4.2", "R19"},
			check: func(c *checker) {
				c.fail("order", c.rule.Reason, c.rule.Remedy)
			},
		},
	}
}

// anyImage reports whether the order has image uploads.
func (c *checker) anyImage() bool {
	for i := range c.snap.Materials {
		if !videoMaterials[c.snap.Materials[i].Purpose] {
			return true
		}
	}
	return false
}

// eachService calls fn for every website and app of the order.
func (c *checker) eachService(fn func(field, id, name string, kind beian.ServiceKind)) {
	for i := range c.snap.Websites {
		fn(index("websites", i), c.snap.Websites[i].ID, c.snap.Websites[i].Name, beian.KindWebsite)
	}
	for i := range c.snap.Apps {
		fn(index("apps", i), c.snap.Apps[i].ID, c.snap.Apps[i].Name, beian.KindApp)
	}
}

func checkUploadFormat(c *checker) {
	for i := range c.snap.Materials {
		m := &c.snap.Materials[i]
		field := index("materials", i)
		mt := strings.ToLower(strings.TrimSpace(m.MediaType))
		if videoMaterials[m.Purpose] {
			if !strings.HasPrefix(mt, "video/") {
				c.fail(field, t("材料「"+m.Purpose+"」应为视频文件，实际为「"+m.MediaType+"」。", "Document "+quote(m.Purpose)+" should be a video, not "+quote(m.MediaType)+"."), t("请上传 mp4 等格式的视频。", "Upload a video such as mp4."))
			}
			continue
		}
		if mt != "image/jpeg" && mt != "image/png" {
			c.fail(field, t("材料「"+m.Purpose+"」的格式为「"+m.MediaType+"」，只能上传 jpg 或 png 图片。", "Document "+quote(m.Purpose)+" is "+quote(m.MediaType)+"; only jpg and png images are accepted."), c.rule.Remedy)
		}
		if m.Size <= 0 || m.Size > maxUploadBytes {
			c.fail(field, t("材料「"+m.Purpose+"」大小为"+itoa(int(m.Size/1024))+"KB，须大于0且不超过4MB。", "Document "+quote(m.Purpose)+" has "+itoa(int(m.Size/1024))+" KB; it must be non-empty and at most 4 MB."), c.rule.Remedy)
		}
	}
}

func checkMaterialsRequired(c *checker) {
	need := func(purpose, owner string, name beian.Text, field string) {
		if !c.hasMaterial(purpose, owner) {
			c.fail(field, t("请上传"+name.ZH+"。", name.EN+" is missing."), c.rule.Remedy)
		}
	}
	if c.isUnit() {
		need(MaterialSubjectCertificate, "", t("主办单位证件", "The subject's certificate"), "materials")
	}
	need(MaterialPrincipalIDFront, "", t("主体负责人证件正面", "The front of the principal's ID"), "materials")
	need(MaterialPrincipalIDBack, "", t("主体负责人证件反面", "The back of the principal's ID"), "materials")
	for i := range c.persons {
		p := &c.persons[i]
		if p.role != roleService || samePerson(p.p, &c.subj.Principal) {
			continue // the principal's ID covers them
		}
		need(MaterialServicePrincipalIDFront, p.owner, t("网站/APP负责人证件正面", "The front of the service principal's ID"), p.field)
		need(MaterialServicePrincipalIDBack, p.owner, t("网站/APP负责人证件反面", "The back of the service principal's ID"), p.field)
	}
}
