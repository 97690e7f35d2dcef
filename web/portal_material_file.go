package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// materialFile shows an uploaded document to whoever may see its order,
// with the media type sniffed at upload (the browser's claim was never
// kept), so a customer can check what the reviewer will see.
func (s *Server) materialFile(w http.ResponseWriter, r *http.Request) {
	rc, m, err := s.cfg.Workflow.OpenMaterial(r.Context(), s.currentUser(r), s.cfg.Blobs, r.PathValue("id"), r.PathValue("mid"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer rc.Close()
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm", "video/3gpp": ".3gp"}[m.MediaType]
	h := w.Header()
	h.Set("Content-Type", m.MediaType)
	h.Set("Content-Length", strconv.FormatInt(m.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": m.Purpose + ext}))
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	_, _ = io.Copy(w, rc)
}
