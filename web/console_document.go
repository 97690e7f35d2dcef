package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// inlineTypes are the media types a document may be shown as inside the
// page; anything else is offered as a download, so that an upload can
// never run as a page of this site.
var inlineTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"application/pdf": true, "video/mp4": true, "video/webm": true, "video/quicktime": true,
}

// orderDocument streams an order's uploaded document from the document
// store with the content type recorded at upload. Staff and the order's
// customer may open it; everyone else, including other customers, gets
// the same 404 as for a document that does not exist. Documents are
// personal data: they are never cached by shared caches, and the response
// is sandboxed so that even a mislabelled file cannot act as a page.
func (s *Server) orderDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := s.cfg.Workflow.OrderDocument(r.Context(), s.currentUser(r), r.PathValue("order"), r.PathValue("ref"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if s.cfg.Blobs == nil {
		s.renderError(w, r, beian.Errorf(beian.EUNAVAILABLE, "error.unavailable"))
		return
	}
	body, meta, err := s.cfg.Blobs.Get(r.Context(), doc.Key)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer body.Close()
	ct := meta.ContentType
	base, _, perr := mime.ParseMediaType(ct)
	h := w.Header()
	h.Set("Content-Type", ct)
	if perr != nil || !inlineTypes[strings.ToLower(base)] {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", "attachment")
	} else {
		h.Set("Content-Disposition", "inline")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	if meta.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(meta.Size, 10))
	}
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, body); err != nil {
		// The headers are gone; the log is all that can know.
		s.log.WarnContext(r.Context(), "document stream interrupted", "err", err)
	}
}
