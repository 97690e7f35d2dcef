package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// materialUpload receives one document. The request body is capped at the
// purpose's limit (4 MB for images, 100 KB for icons, 50 MB for the video)
// before anything is parsed, the file part is streamed into the workflow,
// which checks it by its content and stores it only if it passes; a
// refused file is answered with the checker's reasons and fixes next to
// its checklist row.
func (s *Server) materialUpload(w http.ResponseWriter, r *http.Request) {
	purpose := r.PathValue("purpose")
	limit := workflow.MaterialLimit(purpose)
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	q := r.URL.Query()
	in := workflow.MaterialUpload{OrderID: r.PathValue("id"), Purpose: purpose, Owner: q.Get("owner"), Category: q.Get("category")}
	var m *beian.Material
	var advice []workflow.UploadFinding
	body, err := filePart(r, limit)
	if err == nil {
		in.Body = body
		_, m, advice, err = s.cfg.Workflow.UploadMaterial(r.Context(), s.currentUser(r), s.cfg.Blobs, in)
	}
	lang := requestLang(r)
	var rej *workflow.UploadRejectedError
	switch {
	case err == nil && len(advice) == 0:
		http.Redirect(w, r, backHref(in.OrderID, q.Get("back"))+"?uploaded="+m.ID+"#"+rowID(in), http.StatusSeeOther)
	case err == nil:
		s.answerUpload(w, r, in, http.StatusOK, &uploadAttempt{Message: beian.Message(lang, "material.accepted_with_advice", nil), Notes: uploadNotes(lang, advice)})
	case errors.As(err, &rej):
		s.answerUpload(w, r, in, http.StatusUnprocessableEntity, &uploadAttempt{Rejected: true, Message: beian.ErrorMessage(lang, err), Notes: uploadNotes(lang, rej.Findings)})
	case beian.ErrorCode(err) == beian.EINVALID:
		s.answerUpload(w, r, in, http.StatusUnprocessableEntity, &uploadAttempt{Rejected: true, Message: beian.ErrorMessage(lang, err)})
	default:
		s.renderError(w, r, err)
	}
}

// answerUpload renders the page the upload came from with its outcome.
func (s *Server) answerUpload(w http.ResponseWriter, r *http.Request, in workflow.MaterialUpload, status int, a *uploadAttempt) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), in.OrderID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a.RowID, a.Name = rowID(in), rules.MaterialText(in.Purpose).In(requestLang(r))
	if r.URL.Query().Get("back") == "authenticity" {
		s.render(w, r, status, "portal/authenticity", s.page(r, "auth.title", s.authenticityData(r, o, a)))
		return
	}
	s.render(w, r, status, "portal/material_list", s.page(r, "material.title", s.materialData(r, o, a)))
}

// rowID is the checklist row of an upload.
func rowID(in workflow.MaterialUpload) string { return needRowID(in.Purpose, in.Owner, in.Category) }

func backHref(orderID, back string) string {
	if back == "authenticity" {
		return "/portal/orders/" + orderID + "/authenticity"
	}
	return "/portal/orders/" + orderID + "/materials"
}

// filePart returns the body of the form's "file" part, streamed: nothing
// is buffered beyond what the multipart reader needs. A body cut off by
// the size cap reads as workflow.ErrBodyTooLarge.
func filePart(r *http.Request, limit int64) (io.Reader, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, beian.Invalid("file", "material.form.invalid")
	}
	for {
		p, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, beian.Invalid("file", "material.form.too_large", "max", sizeLabel(limit))
		case err != nil:
			return nil, beian.Invalid("file", "material.form.no_file")
		case p.FormName() != "file":
			continue
		case strings.TrimSpace(p.FileName()) == "":
			return nil, beian.Invalid("file", "material.form.no_file")
		}
		return capped{p}, nil
	}
}

// capped reports a body cut off by http.MaxBytesReader as too large.
type capped struct{ r io.Reader }

func (c capped) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = fmt.Errorf("%w: %w", workflow.ErrBodyTooLarge, err)
	}
	return n, err
}
