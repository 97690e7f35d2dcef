package web

import (
	"errors"
	"net/http"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// orderSubmit submits the order to the provider's review with the
// page's idempotency key: a second post of the same key (a double click,
// a resent form) finds the submission done and lands on the status page.
// Blocking findings of the full pre-check stop it; the page comes back
// listing each with a link to its field.
func (s *Server) orderSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, beian.Errorf(beian.EINVALID, "order.form.too_large"))
		return
	}
	u, id, key := s.currentUser(r), r.PathValue("id"), r.PostForm.Get("key")
	_, _, err := s.cfg.Workflow.Submit(r.Context(), u, id, key)
	if isStale(err) && key != "" {
		// The same click delivered twice at once: the other request
		// submitted the order while this one waited for it.
		if o, oerr := s.cfg.Workflow.Order(r.Context(), u, id); oerr == nil && o.SubmissionKey == key && !o.State.Editable() {
			err = nil
		}
	}
	var blocked *workflow.PrecheckBlockedError
	switch {
	case errors.As(err, &blocked):
		o, oerr := s.cfg.Workflow.Order(r.Context(), u, id)
		if oerr != nil {
			s.renderError(w, r, oerr)
			return
		}
		p := s.page(r, "order.submit.title", s.submitData(r, o, blocked.Result))
		p.Error = &ErrorView{Status: http.StatusUnprocessableEntity, Code: beian.EINVALID, Message: beian.ErrorMessage(p.lang, err)}
		s.render(w, r, http.StatusUnprocessableEntity, "portal/order_submit", p)
	case err != nil:
		s.renderError(w, r, err)
	default:
		http.Redirect(w, r, "/portal/orders/"+id+"?done=submitted", http.StatusSeeOther)
	}
}
