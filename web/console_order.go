package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// consoleField is one line of the order's data: label, value and the path
// a mark on it uses; Marked when the latest review marked it.
type consoleField struct {
	Label, Value, Path string
	Marked             bool
}

// consoleSection is a block of the order's data: the subject, its
// principal, a website or an app.
type consoleSection struct {
	Title  string
	Fields []consoleField
}

type consoleMaterial struct {
	Label, Path, URL, MediaType, Size, Uploaded, SHA string
	Image, Video, Marked                             bool
}

// consoleFindingGroup is one severity of the pre-check: blocking,
// warnings, or the reviewer's checklist.
type consoleFindingGroup struct {
	Title, Class string
	Findings     []consoleFinding
}

type consoleFinding struct {
	Rule, Title, Field, FieldLabel, Reason, Remedy string
	Undecided                                      bool
	// Key names the finding's checkbox in the decision form.
	Key string
}

type consoleMark struct {
	Field, FieldLabel, Rule, Title, Remedy, Note string
	Known                                        bool
}

type consoleHistoryRow struct {
	At, Actor, Action, From, To, Opinion, Detail string
	Marks                                        []consoleMark
}

type consolePhoneRow struct {
	At, By, Label, Person, Masked, Outcome, Note string
	Verified                                     bool
}

type consoleVideoRow struct {
	ID, At, Notes, Status, StatusKey, RequestedBy, Decided, ResultNote string
	Open                                                               bool
}

type consoleRecordView struct {
	ID, Name, Number, Status, Filed string
	Services                        []consoleRecordService
}

type consoleRecordService struct {
	Kind, Name, Number, Status, Domains string
}

// consoleSuggestion is a mark the logs suggest, offered as a ticked-off
// row of the decision form.
type consoleSuggestion struct {
	Key, Field, FieldLabel, Rule, Title, Note string
}

// consoleDecisionForm is what the reviewer typed, kept when a decision is
// refused so that nothing has to be typed twice.
type consoleDecisionForm struct {
	Decision string
	Opinion  string
	Picked   map[string]bool
	Notes    map[string]string
	Rows     []consoleMarkRow
}

type consoleMarkRow struct {
	Key, Field, Rule, Note string
}

// consoleMarkRows is how many free mark rows the decision form offers; a
// decision with more marks ticks findings or submits twice.
const consoleMarkRows = 6

type consoleOrderData struct {
	consoleBase
	ID, Short, Type, State, StateKey, Province, Account, Created, Submitted string
	Due                                                                     consoleDue
	Claim                                                                   workflow.Claim
	CanReview, InReview, CanAct, CanClaim, CanRelease                       bool
	Sections                                                                []consoleSection
	Materials                                                               []consoleMaterial
	Subject                                                                 string
	Findings                                                                []consoleFindingGroup
	Blocking, Warnings, Checklist                                           int
	PrecheckDate                                                            string
	PrecheckEnded                                                           bool
	Record                                                                  *consoleRecordView
	OtherOrders                                                             []consoleOrderRow
	History                                                                 []consoleHistoryRow
	Phone                                                                   []consolePhoneRow
	PhoneTargets, PhoneOutcomes, VideoOutcomes                              []consoleOption
	Videos                                                                  []consoleVideoRow
	OpenVideo                                                               *consoleVideoRow
	Suggestions                                                             []consoleSuggestion
	Latest                                                                  *consoleHistoryRow
	FieldOptions, ReasonOptions                                             []consoleOption
	Form                                                                    consoleDecisionForm
	CancelSubject, Confirmed                                                bool
	CancelReason                                                            string
	Self                                                                    string
}

// consoleOrder shows an order to staff: the data beside the materials,
// the pre-check, the subject's other filings, the logs and the decision.
func (s *Server) consoleOrder(w http.ResponseWriter, r *http.Request) {
	s.renderConsoleOrder(w, r, http.StatusOK, nil, consoleDecisionForm{})
}

// renderConsoleOrder renders the order page, with an error and the
// reviewer's input when an action on it was refused.
func (s *Server) renderConsoleOrder(w http.ResponseWriter, r *http.Request, status int, fail error, form consoleDecisionForm) {
	u := s.currentUser(r)
	f, err := s.cfg.Workflow.OpenReview(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tr := s.translator(r)
	d := s.consoleOrderData(tr, u, f, form)
	p := s.consolePage(r, "console.order.title", &d.consoleBase, d)
	p.Title = d.Type + " · " + d.Short
	if fail != nil {
		view := &ErrorView{Status: status, Code: beian.ErrorCode(fail), Message: beian.ErrorMessage(tr.lang, fail)}
		if e, ok := beian.AsError(fail); ok {
			view.Field, view.Rule = e.Field, e.Rule
		}
		p.Error = view
	}
	s.render(w, r, status, "console/order", p)
}

func (s *Server) consoleOrderData(tr translator, u *beian.User, f *workflow.ReviewFile, form consoleDecisionForm) *consoleOrderData {
	o, lang := f.Order, tr.lang
	snap := &o.Snapshot
	row := newConsoleOrderRow(tr, o)
	d := &consoleOrderData{consoleBase: consoleBase{Active: "queue"}, ID: o.ID, Short: row.Short, Type: row.Type, State: row.State,
		StateKey: row.StateKey, Province: row.Province, Created: cxTime(o.CreatedAt), Submitted: cxTime(o.StateChangedAt),
		Due: newConsoleDue(tr, f.Due), Claim: f.Claim, CanReview: f.CanReview, InReview: f.InReview,
		CancelSubject: o.Type == beian.CancelSubject, Confirmed: o.CancellationConfirmed, CancelReason: snap.CancelReason,
		Self: "/console/orders/" + o.ID, Form: form, PrecheckDate: f.Precheck.CheckDate.String(), PrecheckEnded: f.PrecheckEnded, Subject: o.SubjectName()}
	if f.Account != nil {
		d.Account = f.Account.Name
	}
	d.CanAct = d.CanReview && d.InReview && (!f.Claim.HeldByOther() || u.Role == beian.RoleAdmin)
	d.CanClaim = d.CanAct && !f.Claim.Mine
	d.CanRelease = d.CanReview && d.InReview && f.Claim.By != "" && (f.Claim.Mine || u.Role == beian.RoleAdmin)
	marked := func(path string) bool { return o.Review.Marked(path) }
	label := func(path string) string { l, _ := workflow.FieldLabel(snap, path); return l.In(lang) }

	// The data, in the order of the picker's paths.
	var cur *consoleSection
	for _, fp := range f.Fields {
		if fp.Group {
			continue
		}
		group, name, _ := strings.Cut(fp.Label.In(lang), " · ")
		if strings.Contains(name, " · ") { // a service principal: "网站1 · 负责人 · 手机号码"
			g2, n2, _ := strings.Cut(name, " · ")
			group, name = group+" · "+g2, n2
		}
		if cur == nil || cur.Title != group {
			d.Sections = append(d.Sections, consoleSection{Title: group})
			cur = &d.Sections[len(d.Sections)-1]
		}
		cur.Fields = append(cur.Fields, consoleField{Label: name, Value: consoleValue(snap, fp, lang), Path: fp.Path, Marked: marked(fp.Path)})
	}
	for _, m := range f.Materials {
		cm := consoleMaterial{Label: m.Label.In(lang), Path: m.Field, MediaType: m.Material.MediaType, Image: m.Image, Video: m.Video,
			Size: consoleSize(m.Material.Size), Uploaded: cxTime(m.Material.UploadedAt), Marked: marked(m.Field) || marked(workflow.FieldMaterials)}
		if len(m.Material.SHA256) >= 12 {
			cm.SHA = m.Material.SHA256[:12]
		}
		if m.Material.DocumentID != "" {
			cm.URL = "/documents/" + o.ID + "/" + m.Material.ID
		}
		d.Materials = append(d.Materials, cm)
	}

	// The pre-check, grouped as the reviewer works through it.
	groups := map[rules.Severity]*consoleFindingGroup{
		rules.Blocking:          {Title: tr.T("console.precheck.blocking"), Class: "blocking"},
		rules.Warning:           {Title: tr.T("console.precheck.warning"), Class: "warning"},
		rules.ReviewerAttention: {Title: tr.T("console.precheck.checklist"), Class: "attention"},
	}
	for i, fd := range f.Precheck.Findings {
		cf := consoleFinding{Rule: fd.Rule, Field: fd.Field, FieldLabel: label(fd.Field), Reason: fd.Reason.In(lang), Remedy: fd.Remedy.In(lang),
			Undecided: fd.Undecided, Key: "f" + strconv.Itoa(i)}
		if r, ok := s.cfg.Workflow.ExplainMark(fd.Rule); ok {
			cf.Title = r.Title.In(lang)
		}
		g, ok := groups[fd.Severity]
		if !ok {
			g = groups[rules.ReviewerAttention]
		}
		g.Findings = append(g.Findings, cf)
	}
	d.Blocking, d.Warnings, d.Checklist = len(groups[rules.Blocking].Findings), len(groups[rules.Warning].Findings), len(groups[rules.ReviewerAttention].Findings)
	for _, sev := range []rules.Severity{rules.Blocking, rules.Warning, rules.ReviewerAttention} {
		if g := groups[sev]; len(g.Findings) > 0 {
			d.Findings = append(d.Findings, *g)
		}
	}

	if rec := f.Record; rec != nil {
		rv := &consoleRecordView{ID: rec.Subject.ID, Name: rec.Subject.Subject.Name, Number: rec.Subject.Number.String(), Status: rec.Subject.Status.Text().In(lang),
			Filed: cxDate(rec.Subject.FiledAt)}
		for _, sv := range rec.Services {
			rv.Services = append(rv.Services, consoleRecordService{Kind: string(sv.Kind), Name: sv.Name(), Number: sv.Number.String(),
				Status: sv.Status.Text().In(lang), Domains: strings.Join(sv.Domains(), ", ")})
		}
		d.Record = rv
	}
	for _, x := range f.OtherOrders {
		d.OtherOrders = append(d.OtherOrders, newConsoleOrderRow(tr, x))
	}

	for _, h := range f.History {
		d.History = append(d.History, s.consoleHistory(tr, snap, h))
	}
	if o.Review != nil {
		h := s.consoleHistory(tr, snap, workflow.HistoryEntry{At: o.Review.At, Actor: o.Review.By, ActorName: f.Names[o.Review.By],
			Event: o.Review.Event, Opinion: o.Review.Opinion, Marks: o.Review.Marks})
		d.Latest = &h
	}

	for _, p := range f.Phone {
		d.Phone = append(d.Phone, consolePhoneRow{At: cxTime(p.At), By: p.ByName, Label: p.Label.In(lang), Person: p.Person, Masked: p.Masked,
			Outcome: p.Outcome.Text().In(lang), Note: p.Note, Verified: p.Outcome.Verified()})
	}
	for _, t := range f.PhoneTargets {
		d.PhoneTargets = append(d.PhoneTargets, consoleOption{Value: t.Field, Label: t.Label.In(lang) + " · " + t.Person + " · " + t.Masked})
	}
	for _, oc := range beian.PhoneOutcomes {
		d.PhoneOutcomes = append(d.PhoneOutcomes, consoleOption{Value: string(oc), Label: oc.Text().In(lang)})
	}
	for _, v := range f.Videos {
		vr := consoleVideoRow{ID: v.ID, At: cxTime(v.ScheduledAt), Notes: v.Notes, Status: v.Status.Text().In(lang), StatusKey: string(v.Status),
			RequestedBy: nameOr(f.Names, v.RequestedBy), ResultNote: v.ResultNote, Open: v.Open()}
		if !v.DecidedAt.IsZero() {
			vr.Decided = cxTime(v.DecidedAt) + " " + nameOr(f.Names, v.DecidedBy)
		}
		d.Videos = append(d.Videos, vr)
		if vr.Open {
			open := vr
			d.OpenVideo = &open
		}
	}
	for _, st := range beian.VideoOutcomes {
		d.VideoOutcomes = append(d.VideoOutcomes, consoleOption{Value: string(st), Label: st.Text().In(lang)})
	}

	// The decision form: suggestions, the pickers' options, the reviewer's
	// earlier input.
	for i, m := range f.Suggested {
		sg := consoleSuggestion{Key: "s" + strconv.Itoa(i), Field: m.Field, FieldLabel: label(m.Field), Rule: m.RuleID}
		switch {
		case m.PhoneTail != "":
			sg.Note = tr.T("console.suggest.phone", "Tail", m.PhoneTail)
		case m.Video != "":
			sg.Note = tr.T("console.suggest.video", "Status", m.Video.Text().In(lang), "At", cxTime(m.VideoAt))
		}
		if r, ok := s.cfg.Workflow.ExplainMark(m.RuleID); ok {
			sg.Title = r.Title.In(lang)
		}
		d.Suggestions = append(d.Suggestions, sg)
	}
	for _, fp := range f.Fields {
		l := fp.Label.In(lang)
		if fp.Value != "" {
			l += tr.T("punct.colon") + fp.Value
		}
		d.FieldOptions = append(d.FieldOptions, consoleOption{Value: fp.Path, Label: l})
	}
	for _, r := range s.cfg.Workflow.MarkReasons() {
		d.ReasonOptions = append(d.ReasonOptions, consoleOption{Value: r.ID, Label: r.Title.In(lang)})
	}
	if d.Form.Picked == nil {
		d.Form.Picked = map[string]bool{}
		for _, sg := range d.Suggestions {
			d.Form.Picked[sg.Key] = true // the logs speak for themselves; the reviewer unticks
		}
	}
	for len(d.Form.Rows) < consoleMarkRows {
		d.Form.Rows = append(d.Form.Rows, consoleMarkRow{})
	}
	for i := range d.Form.Rows {
		d.Form.Rows[i].Key = "m" + strconv.Itoa(i)
	}
	return d
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// consoleHistory turns an audit step into a table row.
func (s *Server) consoleHistory(tr translator, snap *beian.Snapshot, h workflow.HistoryEntry) consoleHistoryRow {
	lang := tr.lang
	row := consoleHistoryRow{At: cxTime(h.At), Actor: h.ActorName, Opinion: h.Opinion}
	switch {
	case h.Field != "":
		// A logged call: which number (by its place in the order), how it went.
		l, _ := workflow.FieldLabel(snap, h.Field)
		row.Detail = l.In(lang) + " · " + h.Outcome.Text().In(lang)
	case h.VideoStatus == beian.VideoScheduled && !h.VideoAt.IsZero():
		row.Detail = h.VideoStatus.Text().In(lang) + " " + cxTime(h.VideoAt)
	case h.VideoStatus != "":
		row.Detail = h.VideoStatus.Text().In(lang)
	}
	switch {
	case h.Actor == workflow.ActorBureau || h.Actor == "bureau":
		row.Actor = tr.T("console.history.bureau")
	case strings.HasPrefix(h.Actor, "system:"):
		row.Actor = tr.T("console.history.system")
	case row.Actor == "" || row.Actor == h.Actor:
		// Not a staff member: the customer or one of its sub-users.
		row.Actor = tr.T("console.history.customer")
	}
	if h.Event != "" {
		row.Action = h.Event.Text().In(lang)
	} else if key := "console.action." + h.Action; tr.T(key) != key {
		row.Action = tr.T(key)
	} else {
		row.Action = h.Action // an action of a later feature, shown as recorded
	}
	if h.From != "" {
		row.From = h.From.Text().In(lang)
	}
	if h.To != "" {
		row.To = h.To.Text().In(lang)
	}
	for _, m := range h.Marks {
		cm := consoleMark{Field: m.Field, Rule: m.RuleID, Note: m.Note}
		l, _ := workflow.FieldLabel(snap, m.Field)
		cm.FieldLabel = l.In(lang)
		if r, ok := s.cfg.Workflow.ExplainMark(m.RuleID); ok {
			cm.Title, cm.Remedy, cm.Known = r.Title.In(lang), r.Remedy.In(lang), true
		}
		row.Marks = append(row.Marks, cm)
	}
	return row
}

// consoleValue shows a field's value. Reviewers see personal data in full
// here — they must compare it with the documents and dial the numbers —
// but nowhere else (lists, logs, history).
func consoleValue(s *beian.Snapshot, fp workflow.FieldPath, lang beian.Lang) string {
	if fp.Path == "subject.nature" {
		return s.Subject.Nature.Text().In(lang)
	}
	if fp.Value != "" {
		return fp.Value
	}
	p := personAt(s, fp.Path)
	leaf := fp.Path[strings.LastIndex(fp.Path, ".")+1:]
	if p != nil {
		switch leaf {
		case "certificate_type":
			return p.CertificateType.Text().In(lang)
		case "certificate_number":
			return p.CertificateNumber
		case "certificate_valid_until":
			if p.LongTerm {
				return longTerm.In(lang)
			}
			return p.CertificateValidFrom.String() + " – " + p.CertificateValidUntil.String()
		case "mobile":
			return p.Mobile
		case "emergency_phone":
			return p.EmergencyPhone
		case "email":
			return p.Email
		}
		return ""
	}
	sub := &s.Subject
	switch fp.Path {
	case "subject.certificate_type":
		return sub.CertificateType.Text().In(lang)
	case "subject.certificate_number":
		return sub.CertificateNumber
	case "subject.certificate_valid_until":
		if sub.LongTerm {
			return longTerm.In(lang)
		}
		return sub.CertificateValidUntil.String()
	case "subject.certificate_address":
		return sub.CertificateAddress
	case "subject.mailing_address":
		return sub.MailingAddress.Region + " " + sub.MailingAddress.Detail
	case "subject.investor":
		return sub.Investor
	case "subject.legal_representative":
		return sub.LegalRepresentative
	case "subject.remark":
		return sub.Remark
	case "cancel_reason":
		return s.CancelReason
	}
	if strings.HasSuffix(fp.Path, ".remark") {
		if i, ok := indexIn(fp.Path, "websites["); ok && i < len(s.Websites) {
			return s.Websites[i].Remark
		}
		if i, ok := indexIn(fp.Path, "apps["); ok && i < len(s.Apps) {
			return s.Apps[i].Remark
		}
	}
	return ""
}

var longTerm = beian.Text{ZH: "长期", EN: "long-term"}

// personAt returns the person a path's fields belong to.
func personAt(s *beian.Snapshot, path string) *beian.Person {
	switch {
	case strings.HasPrefix(path, "subject.principal."):
		return &s.Subject.Principal
	case strings.Contains(path, ".principal."):
		if i, ok := indexIn(path, "websites["); ok && i < len(s.Websites) {
			return &s.Websites[i].Principal
		}
		if i, ok := indexIn(path, "apps["); ok && i < len(s.Apps) {
			return &s.Apps[i].Principal
		}
	}
	return nil
}

// indexIn reads the index after prefix at the start of path ("websites[2]…").
func indexIn(path, prefix string) (int, bool) {
	if !strings.HasPrefix(path, prefix) {
		return 0, false
	}
	rest := path[len(prefix):]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:end])
	return n, err == nil
}

func consoleSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
