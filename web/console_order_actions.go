package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"console.video.time": {ZH: "请填写视频核验的日期和时间（北京时间）。", EN: "Enter the date and time of the video call (Beijing time)."},
	})
}

// consoleFormFail re-renders the order page with the refusal and the
// reviewer's input, or sends JSON clients the error.
func (s *Server) consoleFormFail(w http.ResponseWriter, r *http.Request, err error, form consoleDecisionForm) {
	if wantsJSON(r) || beian.ErrorCode(err) == beian.EINTERNAL || beian.ErrorCode(err) == beian.EUNAVAILABLE || beian.ErrorCode(err) == beian.ENOTFOUND {
		s.renderError(w, r, err)
		return
	}
	status := codeStatus[beian.ErrorCode(err)]
	s.renderConsoleOrder(w, r, status, err, form)
}

// consoleDecision records the reviewer's decision: pass, needs
// modification or reject, with the marked fields and the opinion. Marks
// come from three places in the form: suggestions from the logs and
// pre-check findings the reviewer ticked (each with a hidden field and
// reason and an editable note), and free rows with a field, a reason and a
// note.
func (s *Server) consoleDecision(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	form, marks := parseDecisionForm(r)
	id := r.PathValue("id")
	o, err := s.cfg.Workflow.Decide(r.Context(), s.currentUser(r), id, workflow.ReviewInput{
		Decision: workflow.Decision(form.Decision), Opinion: form.Opinion, Marks: marks})
	if err != nil {
		s.consoleFormFail(w, r, err, form)
		return
	}
	key := "console.flash.decided." + form.Decision
	s.consoleFlash(r, s.translator(r).T(key, "State", o.State.Text().In(requestLang(r))), false)
	// Back to the queue: the order is done, the next one waits.
	http.Redirect(w, r, safeNext(r.PostForm.Get("next"), "/console/queue"), http.StatusSeeOther)
}

// parseDecisionForm reads the decision form into what the page shows
// again on failure and the marks it carries.
func parseDecisionForm(r *http.Request) (consoleDecisionForm, []beian.FieldMark) {
	pf := r.PostForm
	form := consoleDecisionForm{Decision: pf.Get("decision"), Opinion: pf.Get("opinion"), Picked: map[string]bool{}, Notes: map[string]string{}}
	var marks []beian.FieldMark
	for _, key := range pf["pick"] {
		if !validMarkKey(key) {
			continue
		}
		form.Picked[key] = true
		marks = append(marks, beian.FieldMark{Field: pf.Get(key + "_field"), RuleID: pf.Get(key + "_rule"), Note: pf.Get(key + "_note")})
	}
	for k, v := range pf {
		if strings.HasSuffix(k, "_note") && validMarkKey(strings.TrimSuffix(k, "_note")) && len(v) > 0 {
			form.Notes[strings.TrimSuffix(k, "_note")] = v[0]
		}
	}
	for i := 0; i < consoleMarkRows; i++ {
		k := "m" + strconv.Itoa(i)
		row := consoleMarkRow{Field: strings.TrimSpace(pf.Get(k + "_field")), Rule: strings.TrimSpace(pf.Get(k + "_rule")), Note: pf.Get(k + "_note")}
		form.Rows = append(form.Rows, row)
		if row.Field != "" || row.Rule != "" {
			marks = append(marks, beian.FieldMark{Field: row.Field, RuleID: consoleReasonID(row.Rule), Note: row.Note})
		}
	}
	return form, marks
}

// consoleReasonID accepts a reason as the picker offers it ("R15") and as
// a hurried reviewer types it ("r15 ", "R15 联系电话…").
func consoleReasonID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t　"); i > 0 {
		s = s[:i]
	}
	if len(s) > 1 && (s[0] == 'r') && s[1] >= '0' && s[1] <= '9' {
		s = "R" + s[1:]
	}
	return s
}

// validMarkKey accepts the form's row keys: s0…, f0… (suggestions and
// findings).
func validMarkKey(k string) bool {
	if len(k) < 2 || len(k) > 6 || (k[0] != 's' && k[0] != 'f') {
		return false
	}
	_, err := strconv.Atoi(k[1:])
	return err == nil
}

// consolePhone logs a verification call.
func (s *Server) consolePhone(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err := s.cfg.Workflow.LogPhoneCheck(r.Context(), s.currentUser(r), id, workflow.PhoneCheckInput{
		Field: r.PostForm.Get("field"), Outcome: beian.PhoneOutcome(r.PostForm.Get("outcome")), Note: r.PostForm.Get("note")})
	if err != nil {
		s.consoleFormFail(w, r, err, consoleDecisionForm{})
		return
	}
	s.consoleDone(w, r, "/console/orders/"+id+"#phone", "console.flash.phone_logged", nil)
}

// consoleVideo schedules (or reschedules) a video verification. The time
// is typed in Beijing time, whatever the reviewer's machine says.
func (s *Server) consoleVideo(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	at, perr := time.ParseInLocation("2006-01-02T15:04", r.PostForm.Get("at"), beian.ChinaTime)
	var err error
	if perr != nil {
		err = beian.Invalid("at", "console.video.time")
	} else {
		_, err = s.cfg.Workflow.RequireVideoCheck(r.Context(), s.currentUser(r), id, workflow.VideoCheckInput{At: at, Notes: r.PostForm.Get("notes")})
	}
	if err != nil {
		s.consoleFormFail(w, r, err, consoleDecisionForm{})
		return
	}
	s.consoleDone(w, r, "/console/orders/"+id+"#video", "console.flash.video_scheduled", nil)
}

// consoleVideoResult records how a video call went.
func (s *Server) consoleVideoResult(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err := s.cfg.Workflow.RecordVideoCheck(r.Context(), s.currentUser(r), id, r.PathValue("check"),
		beian.VideoCheckStatus(r.PostForm.Get("status")), r.PostForm.Get("note"))
	if err != nil {
		s.consoleFormFail(w, r, err, consoleDecisionForm{})
		return
	}
	s.consoleDone(w, r, "/console/orders/"+id+"#video", "console.flash.video_recorded", nil)
}
