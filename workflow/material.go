package workflow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strconv"

	"github.com/google/uuid"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/imagecheck"
	"github.com/openbeian/beian/rules"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"material.purpose.unknown":     {ZH: "未知的材料类型「{purpose}」。", EN: "Unknown document type {purpose}."},
		"material.owner.unknown":       {ZH: "材料所属的网站或APP不存在，请刷新页面后重新上传。", EN: "The website or app this document belongs to does not exist; reload the page and upload again."},
		"material.preapproval.unknown": {ZH: "请先在网站/APP信息中填写该类前置审批，再上传审批文件。", EN: "Enter the pre-approval in the website or app step first, then upload its file."},
		"material.rejected":            {ZH: "文件未通过检查：{reason}", EN: "The file was not accepted: {reason_en}"},
		"material.not_found":           {ZH: "该材料不存在或已删除。", EN: "This document does not exist or was removed."},
	})
}

// Upload limits per kind of document (spec §5.4, §5.7): images 4 MB, the
// app icon 100 KB, the commitment video 50 MB.
const (
	MaxImageBytes = imagecheck.MaxDocumentBytes
	MaxIconBytes  = imagecheck.MaxIconBytes
	MaxVideoBytes = imagecheck.MaxVideoBytes
)

// MaterialLimit returns the byte limit of an upload of purpose; the web
// layer caps the request body with it before parsing anything.
func MaterialLimit(purpose string) int64 {
	switch {
	case purpose == rules.MaterialAppIcon:
		return MaxIconBytes
	case rules.IsVideoMaterial(purpose):
		return MaxVideoBytes
	}
	return MaxImageBytes
}

// imagePurpose picks the photo checks for a material: ID sides, the unit's
// certificates, signed letters and forms (an A4 page), the face photo, the
// icon, and everything else with lenient checks.
func imagePurpose(purpose string) imagecheck.Purpose {
	switch purpose {
	case rules.MaterialSubjectCertificate, rules.MaterialMedicalPracticeLicence:
		return imagecheck.PurposeSubjectCertificate
	case rules.MaterialPrincipalIDFront, rules.MaterialServicePrincipalIDFront:
		return imagecheck.PurposeIDFront
	case rules.MaterialPrincipalIDBack, rules.MaterialServicePrincipalIDBack:
		return imagecheck.PurposeIDBack
	case rules.MaterialServicePrincipalPhoto:
		return imagecheck.PurposeFacePhoto
	case rules.MaterialAppIcon:
		return imagecheck.PurposeAppIcon
	case rules.MaterialCommitmentLetter, rules.MaterialResponsibilityNotice, rules.MaterialBureauCommitment,
		rules.MaterialPrincipalAuthorization, rules.MaterialServicePrincipalAuthorization, rules.MaterialVerificationSheet,
		rules.MaterialNameChangeLetter, rules.MaterialStateLevelProof, rules.MaterialEstablishmentProof,
		rules.MaterialConstructionPlan, rules.MaterialMedicalAdApproval, rules.MaterialPreApproval:
		return imagecheck.PurposeCommitmentLetter
	}
	return imagecheck.PurposeOther
}

// ErrBodyTooLarge is what an upload's Body fails with (wrapped) when the
// caller's own cap on the request cut it off; UploadMaterial reports it as
// a file over the limit.
var ErrBodyTooLarge = errors.New("workflow: upload larger than its limit")

// UploadFinding is one problem with an uploaded file, with the reason and
// the fix in both languages. Reject findings refused the upload; the
// others are advice shown with an accepted one.
type UploadFinding struct {
	Code   string
	Reject bool
	Reason beian.Text
	Fix    beian.Text
}

// UploadRejectedError is returned when an upload is refused for its
// content or size; nothing was stored. Findings say why and what to do.
type UploadRejectedError struct {
	Err      *beian.Error
	Findings []UploadFinding
}

func (e *UploadRejectedError) Error() string { return e.Err.Error() }

// Unwrap exposes the coded error (EINVALID, material.rejected).
func (e *UploadRejectedError) Unwrap() error { return e.Err }

func rejected(fs []UploadFinding) *UploadRejectedError {
	reason := beian.Text{}
	for _, f := range fs {
		if f.Reject {
			reason = f.Reason
			break
		}
	}
	e := beian.Errorf(beian.EINVALID, "material.rejected", "reason", reason.ZH)
	// The English message names its own parameter.
	e.Params["reason_en"] = reason.EN
	return &UploadRejectedError{Err: e, Findings: fs}
}

// MaterialUpload is one file a customer uploads for an order.
type MaterialUpload struct {
	OrderID string
	// Purpose is one of the rules.Material constants.
	Purpose string
	// Owner is "subject" or the ID of the website or app the document
	// belongs to (icons, pre-approval files and service principals'
	// documents need one).
	Owner string
	// Category names the pre-approval a rules.MaterialPreApproval file is for.
	Category string
	// Body is the file's content; UploadMaterial reads at most the
	// purpose's limit plus one byte of it.
	Body io.Reader
}

// imageSlots bounds the photo checks that run at once: each may take up
// to imagecheck.MaxDecodeBytes while decoding.
var imageSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// UploadMaterial checks an uploaded document by its content and attaches
// it to an editable order: images with imagecheck (type sniffed from the
// bytes, decode limits before decoding, resolution and photo quality for
// the purpose), videos by their container header; then the file goes to
// docs and the order's materials and audit trail are written in one
// transaction. A refused file is never stored; if the transaction fails
// after the file was stored, the file is deleted. A new upload of the same
// purpose and owner replaces the old one in the order (the old file is
// kept as evidence); "other" attachments accumulate. It returns the order,
// the new material and the advisory findings of an accepted image.
// Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT (not editable),
// EINVALID (unknown purpose or owner; *UploadRejectedError for the content).
func (w *Workflow) UploadMaterial(ctx context.Context, u *beian.User, docs blob.Store, in MaterialUpload) (*beian.Order, *beian.Material, []UploadFinding, error) {
	if !rules.KnownMaterial(in.Purpose) {
		return nil, nil, nil, beian.Invalid("purpose", "material.purpose.unknown", "purpose", in.Purpose)
	}
	if in.Owner == "" {
		in.Owner = "subject"
	}
	// Check who may upload and where before reading a byte.
	err := w.store.View(ctx, func(tx beian.Tx) error {
		o, err := w.loadForCustomer(ctx, tx, u, in.OrderID)
		if err != nil {
			return err
		}
		if !o.State.Editable() {
			return notEditable(o)
		}
		return attachable(o, in)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	m := &beian.Material{ID: uuid.Must(uuid.NewV7()).String(), Purpose: in.Purpose, Owner: in.Owner}
	m.DocumentID = "orders/" + in.OrderID + "/materials/" + m.ID
	var advice []UploadFinding
	var meta blob.Meta
	if rules.IsVideoMaterial(in.Purpose) {
		meta, err = storeVideo(ctx, docs, m.DocumentID, in.Body)
	} else {
		meta, advice, err = storeImage(ctx, docs, m.DocumentID, in.Purpose, in.Body)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	m.MediaType, m.Size, m.SHA256 = meta.ContentType, meta.Size, meta.SHA256
	var o *beian.Order
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = w.loadForCustomer(ctx, tx, u, in.OrderID); err != nil {
			return err
		}
		if !o.State.Editable() {
			return notEditable(o)
		}
		if err := attachable(o, in); err != nil {
			return err
		}
		m.UploadedAt = tx.Now()
		replaced := attach(o, m, in.Category)
		o.UpdatedAt = tx.Now()
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.material_upload", "order", o.ID, map[string]any{
			"material_id": m.ID, "purpose": m.Purpose, "owner": m.Owner, "category": in.Category,
			"media_type": m.MediaType, "size": m.Size, "sha256": m.SHA256, "replaced": replaced})
	})
	if err != nil {
		if derr := docs.Delete(context.WithoutCancel(ctx), m.DocumentID); derr != nil {
			w.log.ErrorContext(ctx, "upload: cannot delete the document of a failed attach", "key", m.DocumentID, "err", derr)
		}
		return nil, nil, nil, err
	}
	return o, m, advice, nil
}

// attachable checks that the upload's owner (and pre-approval) exist:
// icons belong to an app, pre-approval files to a service with a
// pre-approval of that category.
func attachable(o *beian.Order, in MaterialUpload) error {
	s := &o.Snapshot
	if in.Owner == "subject" {
		if in.Purpose == rules.MaterialAppIcon || in.Purpose == rules.MaterialPreApproval {
			return beian.Invalid("owner", "material.owner.unknown")
		}
		return nil
	}
	var ps []beian.PreApproval
	site, app := false, false
	for i := range s.Websites {
		if s.Websites[i].ID == in.Owner {
			site, ps = true, s.Websites[i].PreApprovals
		}
	}
	for i := range s.Apps {
		if s.Apps[i].ID == in.Owner {
			app, ps = true, s.Apps[i].PreApprovals
		}
	}
	switch {
	case !site && !app, in.Purpose == rules.MaterialAppIcon && !app:
		return beian.Invalid("owner", "material.owner.unknown")
	case in.Purpose == rules.MaterialPreApproval:
		for _, p := range ps {
			if in.Category != "" && p.Category == in.Category {
				return nil
			}
		}
		return beian.Invalid("category", "material.preapproval.unknown")
	}
	return nil
}

// attach puts m into the order, replacing the material it supersedes, and
// links icons and pre-approval files. It returns the replaced material's
// ID, if any.
func attach(o *beian.Order, m *beian.Material, category string) string {
	s := &o.Snapshot
	var old string
	switch m.Purpose {
	case rules.MaterialAppIcon:
		for i := range s.Apps {
			if s.Apps[i].ID == m.Owner {
				old, s.Apps[i].IconDocumentID = s.Apps[i].IconDocumentID, m.DocumentID
			}
		}
	case rules.MaterialPreApproval:
		for _, list := range preApprovalLists(s, m.Owner) {
			for j := range list {
				if list[j].Category == category {
					old, list[j].DocumentID = list[j].DocumentID, m.DocumentID
				}
			}
		}
	}
	out := s.Materials[:0:0]
	replaced := ""
	for _, x := range s.Materials {
		same := x.Purpose == m.Purpose && x.Owner == m.Owner && m.Purpose != rules.MaterialOther
		if (m.Purpose == rules.MaterialAppIcon || m.Purpose == rules.MaterialPreApproval) && x.Purpose == m.Purpose {
			same = old != "" && x.DocumentID == old
		}
		if same {
			replaced = x.ID
			continue
		}
		out = append(out, x)
	}
	s.Materials = append(out, *m)
	return replaced
}

func preApprovalLists(s *beian.Snapshot, owner string) [][]beian.PreApproval {
	var out [][]beian.PreApproval
	for i := range s.Websites {
		if s.Websites[i].ID == owner {
			out = append(out, s.Websites[i].PreApprovals)
		}
	}
	for i := range s.Apps {
		if s.Apps[i].ID == owner {
			out = append(out, s.Apps[i].PreApprovals)
		}
	}
	return out
}

// storeImage reads at most the purpose's limit plus one byte, checks the
// bytes with imagecheck and stores them only if nothing rejects them.
func storeImage(ctx context.Context, docs blob.Store, key, purpose string, body io.Reader) (blob.Meta, []UploadFinding, error) {
	limit := MaterialLimit(purpose)
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return blob.Meta{}, nil, uploadReadError(err, limit)
	}
	select {
	case imageSlots <- struct{}{}:
	case <-ctx.Done():
		return blob.Meta{}, nil, beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(ctx.Err())
	}
	res, err := imagecheck.CheckBytes(data, imagePurpose(purpose))
	<-imageSlots
	if err != nil {
		return blob.Meta{}, nil, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(err)
	}
	fs := make([]UploadFinding, 0, len(res.Findings))
	for _, f := range res.Findings {
		fs = append(fs, UploadFinding{Code: string(f.Code), Reject: f.Severity == imagecheck.SeverityReject,
			Reason: beian.Text{ZH: f.Reason.ZH, EN: f.Reason.EN}, Fix: beian.Text{ZH: f.Fix.ZH, EN: f.Fix.EN}})
	}
	if res.Rejected() {
		return blob.Meta{}, nil, rejected(fs)
	}
	meta, err := docs.Put(ctx, key, bytes.NewReader(data), limit, blob.Meta{ContentType: res.MediaType, Size: int64(len(data))})
	return meta, fs, err
}

// uploadReadError turns a failed read of the body into the rejection a
// customer understands: a body cut off by the request limit is too large.
func uploadReadError(err error, limit int64) error {
	if errors.Is(err, ErrBodyTooLarge) {
		return rejected([]UploadFinding{tooLarge(limit)})
	}
	return beian.Errorf(beian.EINVALID, "material.rejected", "reason", "上传中断，请重新上传。", "reason_en", "the upload was interrupted; please upload again.").WithCause(err)
}

func tooLarge(limit int64) UploadFinding {
	s := sizeText(limit)
	return UploadFinding{Code: "upload.too_large", Reject: true,
		Reason: beian.Text{ZH: "文件超过 " + s + " 的大小上限。", EN: "The file is larger than the limit of " + s + "."},
		Fix:    beian.Text{ZH: "请压缩或降低分辨率后重新上传（不超过 " + s + "）。", EN: "Compress it or lower its resolution and upload it again (at most " + s + ")."}}
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}

// RequiredMaterials returns the order's materials checklist: every
// document the catalogue asks of it (see rules.Engine.RequiredMaterials),
// with the facts the pre-check uses. Draft mode is cheap and fits every
// page view; submit mode adds the documents that depend on remote facts.
func (w *Workflow) RequiredMaterials(ctx context.Context, o *beian.Order, mode rules.Mode) []rules.MaterialNeed {
	facts := w.checkFacts(ctx)
	return w.rules.RequiredMaterials(ctx, rules.Input{Order: o, CheckDate: beian.DateOf(w.clock.Now()), Mode: mode, Facts: facts, Overrides: w.over})
}

// RemoveMaterial takes a document off an editable order (a wrong upload);
// the file stays in storage as evidence, and the audit trail records the
// removal. Errors: ENOTFOUND (also for an unknown material), EFORBIDDEN,
// ECONFLICT (not editable).
func (w *Workflow) RemoveMaterial(ctx context.Context, u *beian.User, id, materialID string) (*beian.Order, error) {
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, err = w.loadForCustomer(ctx, tx, u, id); err != nil {
			return err
		}
		if !o.State.Editable() {
			return notEditable(o)
		}
		s := &o.Snapshot
		i := materialIndex(s, materialID)
		if i < 0 {
			return beian.Errorf(beian.ENOTFOUND, "material.not_found")
		}
		m := s.Materials[i]
		s.Materials = append(s.Materials[:i:i], s.Materials[i+1:]...)
		for j := range s.Apps {
			if s.Apps[j].IconDocumentID == m.DocumentID {
				s.Apps[j].IconDocumentID = ""
			}
		}
		for j := range s.Websites {
			unlinkPermit(s.Websites[j].PreApprovals, m.DocumentID)
		}
		for j := range s.Apps {
			unlinkPermit(s.Apps[j].PreApprovals, m.DocumentID)
		}
		o.UpdatedAt = tx.Now()
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.material_remove", "order", o.ID, map[string]any{"material_id": m.ID, "purpose": m.Purpose, "owner": m.Owner})
	})
	return o, err
}

func unlinkPermit(ps []beian.PreApproval, doc string) {
	for k := range ps {
		if ps[k].DocumentID == doc {
			ps[k].DocumentID = ""
		}
	}
}

func materialIndex(s *beian.Snapshot, id string) int {
	for i := range s.Materials {
		if s.Materials[i].ID == id {
			return i
		}
	}
	return -1
}

// OpenMaterial opens an uploaded document of an order u may see, for
// viewing; the caller closes it. Errors: ENOTFOUND.
func (w *Workflow) OpenMaterial(ctx context.Context, u *beian.User, docs blob.Store, id, materialID string) (io.ReadCloser, *beian.Material, error) {
	o, err := w.Order(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	i := materialIndex(&o.Snapshot, materialID)
	if i < 0 {
		return nil, nil, beian.Errorf(beian.ENOTFOUND, "material.not_found")
	}
	m := o.Snapshot.Materials[i]
	rc, _, err := docs.Get(ctx, m.DocumentID)
	if err != nil {
		return nil, nil, err
	}
	return rc, &m, nil
}
