package web

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/letter"
)

// authenticityLetter sends a letter of the order as a PDF prefilled from
// its current data and dated today, to print, sign and upload.
func (s *Server) authenticityLetter(w http.ResponseWriter, r *http.Request) {
	o, err := s.cfg.Workflow.Order(r.Context(), s.currentUser(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	kind := letter.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		s.notFound(w, r)
		return
	}
	pdf, err := letter.Render(kind, o, beian.DateOf(s.cfg.Clock.Now()))
	if err != nil {
		if beian.ErrorCode(err) != beian.EINVALID {
			err = beian.Errorf(beian.EUNAVAILABLE, "auth.letter.unavailable").WithCause(err)
		}
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": string(kind) + "-" + o.ID[len(o.ID)-8:] + ".pdf"}))
	_, _ = w.Write(pdf)
}
