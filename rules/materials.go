package rules

import (
	"context"
	"strings"

	"github.com/openbeian/beian"
)

// MaterialPreApproval is the purpose of a pre-approval file (前置审批文件);
// the upload also sets the DocumentID of the service's pre-approval of
// the category it answers.
const MaterialPreApproval = "pre_approval"

var materialText = map[string]beian.Text{
	MaterialSubjectCertificate:            t("主办单位证件", "Subject's certificate"),
	MaterialPrincipalIDFront:              t("主体负责人证件（人像面）", "Subject principal's ID (photo side)"),
	MaterialPrincipalIDBack:               t("主体负责人证件（国徽面）", "Subject principal's ID (emblem side)"),
	MaterialServicePrincipalIDFront:       t("网站/APP负责人证件（人像面）", "Service principal's ID (photo side)"),
	MaterialServicePrincipalIDBack:        t("网站/APP负责人证件（国徽面）", "Service principal's ID (emblem side)"),
	MaterialServicePrincipalPhoto:         t("网站/APP负责人照片", "Service principal's photo"),
	MaterialVerificationSheet:             t("真实性核验单", "Verification sheet"),
	MaterialCommitmentLetter:              t("《ICP备案信息真实性承诺书》", "Authenticity commitment letter"),
	MaterialResponsibilityNotice:          t("《ICP备案信息真实性责任告知书》", "Authenticity responsibility notice"),
	MaterialCommitmentVideo:               t("负责人诵读承诺书视频", "Video of the principal reading the commitment"),
	MaterialBureauCommitment:              t("《互联网信息服务备案承诺书》", "Bureau's filing commitment letter"),
	MaterialPrincipalAuthorization:        t("主体负责人授权书", "Subject principal's authorisation letter"),
	MaterialServicePrincipalAuthorization: t("网站/APP负责人授权书", "Service principal's authorisation letter"),
	MaterialDomainHolderProof:             t("域名持有者与主办单位关系证明", "Proof relating the domain holder to the subject"),
	MaterialDomainCertificate:             t("域名证书", "Domain certificate"),
	MaterialResidencePermit:               t("居住证", "Residence permit"),
	MaterialAgeProof:                      t("工作或收入证明", "Proof of employment or income"),
	MaterialEstablishmentProof:            t("编办证明", "Establishment office certificate"),
	MaterialMedicalPracticeLicence:        t("《医疗机构执业许可证》", "Medical institution practice licence"),
	MaterialMedicalAdApproval:             t("《医疗广告审查证明》", "Medical advertising approval"),
	MaterialConstructionPlan:              t("网站建设方案书", "Website construction plan"),
	MaterialNameChangeLetter:              t("工商更名函", "Name-change letter"),
	MaterialStateLevelProof:               t("国家级单位证明函", "Proof of state-level status"),
	MaterialAppIcon:                       t("APP图标", "App icon"),
	MaterialPreApproval:                   t("前置审批文件", "Pre-approval file"),
	MaterialOther:                         t("其他附件", "Other attachment"),
}

// MaterialText returns the name of a material purpose in both languages,
// or the purpose itself for an unknown one.
func MaterialText(purpose string) beian.Text {
	if x, ok := materialText[purpose]; ok {
		return x
	}
	return beian.Text{ZH: purpose, EN: purpose}
}

// KnownMaterial reports whether purpose is one of the Material constants.
func KnownMaterial(purpose string) bool { _, ok := materialText[purpose]; return ok }

// IsVideoMaterial reports whether uploads of purpose are videos rather
// than images.
func IsVideoMaterial(purpose string) bool { return videoMaterials[purpose] }

// alternativeMaterials answer a finding that has another remedy, usually
// the better one: a state-level proof lets a unit keep a 中国… site name,
// which renaming fixes too; a relationship proof lets a unit use a domain
// held by its shareholder or executive, which a holder change fixes too.
var alternativeMaterials = map[string]bool{MaterialStateLevelProof: true, MaterialDomainHolderProof: true}

// MaterialNeed is one document an order needs: its purpose, whose it is,
// and the findings that uploading it answers.
type MaterialNeed struct {
	Purpose string
	// Owner is the service ID for a service's document, "" for the
	// subject's (any owner satisfies it).
	Owner string
	// Category is the pre-approval category, for MaterialPreApproval.
	Category string
	// Severity is the strongest severity among Findings: blocking needs
	// stop submission, warnings are advised.
	Severity Severity
	// Alternative marks documents that are one remedy among others (see
	// the findings' remedies).
	Alternative bool
	// Findings are the pre-check findings the document answers; their
	// reasons say why it is needed.
	Findings []Finding
}

// Satisfied reports whether snap carries the document.
func (n *MaterialNeed) Satisfied(snap *beian.Snapshot) bool {
	switch n.Purpose {
	case MaterialAppIcon:
		for i := range snap.Apps {
			if snap.Apps[i].ID == n.Owner {
				return snap.Apps[i].IconDocumentID != ""
			}
		}
		return false
	case MaterialPreApproval:
		for _, ps := range preApprovalsOf(snap, n.Owner) {
			if ps.Category == n.Category {
				return ps.DocumentID != ""
			}
		}
		return false
	}
	return HasMaterial(snap, n.Purpose, n.Owner)
}

// HasMaterial reports whether snap has a document of purpose for owner,
// with the pre-check's reading: owner "" accepts any owner, and a document
// without an owner counts for everyone.
func HasMaterial(snap *beian.Snapshot, purpose, owner string) bool {
	for i := range snap.Materials {
		m := &snap.Materials[i]
		if m.Purpose == purpose && (owner == "" || m.Owner == "" || m.Owner == owner) {
			return true
		}
	}
	return false
}

func preApprovalsOf(snap *beian.Snapshot, owner string) []beian.PreApproval {
	for i := range snap.Websites {
		if snap.Websites[i].ID == owner {
			return snap.Websites[i].PreApprovals
		}
	}
	for i := range snap.Apps {
		if snap.Apps[i].ID == owner {
			return snap.Apps[i].PreApprovals
		}
	}
	return nil
}

// probePurposes are the purposes RequiredMaterials tries.
var probePurposes = []string{
	MaterialSubjectCertificate, MaterialPrincipalIDFront, MaterialPrincipalIDBack,
	MaterialServicePrincipalIDFront, MaterialServicePrincipalIDBack, MaterialServicePrincipalPhoto,
	MaterialVerificationSheet, MaterialCommitmentLetter, MaterialResponsibilityNotice, MaterialCommitmentVideo,
	MaterialBureauCommitment, MaterialPrincipalAuthorization, MaterialServicePrincipalAuthorization,
	MaterialDomainHolderProof, MaterialDomainCertificate, MaterialResidencePermit, MaterialAgeProof,
	MaterialEstablishmentProof, MaterialMedicalPracticeLicence, MaterialMedicalAdApproval,
	MaterialConstructionPlan, MaterialNameChangeLetter, MaterialStateLevelProof,
}

// RequiredMaterials returns the documents the order needs, whether or not
// they are uploaded yet (use MaterialNeed.Satisfied for the status), in
// the order a checklist shows them: the subject's first, then each
// service's. It derives them from the catalogue itself rather than from a
// second list of province rules: it checks the order without any document,
// then with each document added in turn, and a document is needed when
// adding it answers a finding. So the checklist and the pre-check can
// never disagree. App icons and pre-approval files, which the order links
// directly, are read from their rules' findings. Findings a missing fact
// left undecided do not count. In draft mode the rules that need remote
// facts do not run, so their documents appear only in submit mode.
func (e *Engine) RequiredMaterials(ctx context.Context, in Input) []MaterialNeed {
	if in.Order == nil {
		return nil
	}
	bare := *in.Order
	bare.Snapshot.Materials = nil
	in.Order = &bare
	base := e.Check(ctx, in)
	open := map[string]Finding{}
	for _, f := range base.Findings {
		if !f.Undecided {
			open[findingKey(f)] = f
		}
	}
	var needs []MaterialNeed
	for _, f := range base.Findings {
		if f.Undecided {
			continue
		}
		if n, ok := linkedNeed(&bare.Snapshot, f); ok {
			needs = append(needs, n)
		}
	}
	if len(open) == 0 {
		return needs
	}
	owners := []string{"subject"}
	for i := range bare.Snapshot.Websites {
		owners = append(owners, bare.Snapshot.Websites[i].ID)
	}
	for i := range bare.Snapshot.Apps {
		owners = append(owners, bare.Snapshot.Apps[i].ID)
	}
	for _, purpose := range probePurposes {
		answered := map[string]bool{}
		for _, owner := range owners {
			try := bare
			try.Snapshot.Materials = []beian.Material{{ID: "probe", Purpose: purpose, Owner: owner, DocumentID: "probe",
				MediaType: probeMediaType(purpose), Size: 1 << 10}}
			res := e.Check(ctx, Input{Order: &try, CheckDate: in.CheckDate, Mode: in.Mode, Facts: in.Facts, Overrides: in.Overrides})
			still := map[string]bool{}
			for _, f := range res.Findings {
				still[findingKey(f)] = true
			}
			need := MaterialNeed{Purpose: purpose, Alternative: alternativeMaterials[purpose]}
			if owner != "subject" {
				need.Owner = owner
			}
			for _, f := range base.Findings {
				k := findingKey(f)
				if f.Undecided || still[k] || answered[k] {
					continue
				}
				answered[k] = true
				need.Findings = append(need.Findings, f)
				if need.Severity == 0 || f.Severity < need.Severity {
					need.Severity = f.Severity
				}
			}
			if len(need.Findings) > 0 {
				needs = append(needs, need)
			}
		}
	}
	return needs
}

// RequiredMaterials runs Engine.RequiredMaterials on the default engine.
func RequiredMaterials(ctx context.Context, in Input) []MaterialNeed {
	return Default().RequiredMaterials(ctx, in)
}

func probeMediaType(purpose string) string {
	if videoMaterials[purpose] {
		return "video/mp4"
	}
	return "image/jpeg"
}

func findingKey(f Finding) string { return f.Rule + "\x00" + f.Field + "\x00" + f.Reason.ZH }

// linkedNeed turns the findings of documents the order links directly — an
// app's icon, a pre-approval's file — into needs.
func linkedNeed(snap *beian.Snapshot, f Finding) (MaterialNeed, bool) {
	switch {
	case f.Rule == "APP-ICON" && strings.HasSuffix(f.Field, ".icon_document_id"):
		if a := appAt(snap, f.Field); a != nil && a.IconDocumentID == "" {
			return MaterialNeed{Purpose: MaterialAppIcon, Owner: a.ID, Severity: f.Severity, Findings: []Finding{f}}, true
		}
	case f.Rule == "PREAPPROVAL-DETAILS" && strings.HasSuffix(f.Field, ".document_id"):
		owner, cat, ok := preApprovalAt(snap, f.Field)
		if ok {
			return MaterialNeed{Purpose: MaterialPreApproval, Owner: owner, Category: cat, Severity: f.Severity, Findings: []Finding{f}}, true
		}
	}
	return MaterialNeed{}, false
}

// listIndex reads "list[i]" at the start of field.
func listIndex(field, list string) (int, string, bool) {
	rest, ok := strings.CutPrefix(field, list+"[")
	if !ok {
		return 0, "", false
	}
	end := strings.IndexByte(rest, ']')
	if end <= 0 {
		return 0, "", false
	}
	n := 0
	for _, r := range rest[:end] {
		if r < '0' || r > '9' || n > 1<<20 {
			return 0, "", false
		}
		n = n*10 + int(r-'0')
	}
	return n, rest[end+1:], true
}

func appAt(snap *beian.Snapshot, field string) *beian.App {
	i, _, ok := listIndex(field, "apps")
	if !ok || i >= len(snap.Apps) {
		return nil
	}
	return &snap.Apps[i]
}

func preApprovalAt(snap *beian.Snapshot, field string) (owner, category string, ok bool) {
	var ps []beian.PreApproval
	var rest string
	if i, r, ok := listIndex(field, "websites"); ok && i < len(snap.Websites) {
		owner, ps, rest = snap.Websites[i].ID, snap.Websites[i].PreApprovals, r
	} else if i, r, ok := listIndex(field, "apps"); ok && i < len(snap.Apps) {
		owner, ps, rest = snap.Apps[i].ID, snap.Apps[i].PreApprovals, r
	} else {
		return "", "", false
	}
	j, _, ok := listIndex(strings.TrimPrefix(rest, "."), "pre_approvals")
	if !ok || j >= len(ps) || ps[j].Category == "" {
		return "", "", false
	}
	return owner, ps[j].Category, true
}
