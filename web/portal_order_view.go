package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// noteView is a pre-check finding, a reviewer's mark or an input error as
// a page shows it: next to its field and in the summary, with a link.
type noteView struct {
	// Kind is blocking, warning, reviewer_attention, mark or form.
	Kind     string
	KindText string
	Rule     string
	Reason   string
	Remedy   string
	// Note is the reviewer's own words on a mark.
	Note string
	// Field is the path; Label names it for people; Href links to it;
	// Step is the page it is fixed on (a wizard step, materials, or "" for
	// the order as a whole).
	Step   string
	Field  string
	Anchor string
	Label  string
	Href   string
	// FixLabel and NoteLabel introduce the remedy and the reviewer's note.
	FixLabel, NoteLabel string
}

// Blocking reports whether the note stops submission (marks and input
// errors do too: they must be fixed first).
func (n noteView) Blocking() bool {
	return n.Kind == "blocking" || n.Kind == "mark" || n.Kind == "form"
}

// orderNotes places an order's notes: each at the nearest rendered field
// of its path (anchors), counted per step for the navigation.
type orderNotes struct {
	at      map[string][]noteView
	all     []noteView
	blocked map[string]int // blocking notes per step
	marked  map[string]int // reviewer marks per step
}

// stepNotes returns the notes of a step, blocking first.
func (n *orderNotes) stepNotes(step string) []noteView {
	var out []noteView
	for _, x := range n.all {
		if x.Step == step {
			out = append(out, x)
		}
	}
	return out
}

// otherNotes returns the notes that are not on any of steps.
func (n *orderNotes) otherNotes(steps ...string) []noteView {
	var out []noteView
	for _, x := range n.all {
		s := x.Step
		mine := false
		for _, st := range steps {
			mine = mine || s == st
		}
		if !mine {
			out = append(out, x)
		}
	}
	return out
}

func severityKind(s rules.Severity) string { return s.String() }

func findingKey(rule, field, reason string) string { return rule + "\x00" + field + "\x00" + reason }

// needRowID is the id of a document's row on the materials page.
func needRowID(purpose, owner, category string) string {
	if owner == "" {
		owner = "subject"
	}
	id := "m-" + owner + "-" + purpose
	if category != "" {
		id += "-" + category
	}
	return id
}

// fieldID is the HTML id of a field path.
func fieldID(path string) string {
	r := strings.NewReplacer(".", "-", "[", "-", "]", "")
	return "f-" + r.Replace(path)
}

// anchorsOf returns the paths a page renders an element for: every input
// of the flattened snapshot and every section around them.
func anchorsOf(vals url.Values) map[string]bool {
	m := map[string]bool{}
	for k := range vals {
		for p := k; p != ""; p = parent(p) {
			if m[p] {
				break
			}
			m[p] = true
		}
	}
	return m
}

// anchorFor walks up from path to the nearest rendered element.
func anchorFor(path string, anchors map[string]bool) string {
	for p := path; p != ""; p = parent(p) {
		if anchors[p] {
			return p
		}
	}
	return path
}

// stepHref is the page where a path is edited, with the field's anchor.
func stepHref(o *beian.Order, path, anchor string, fix bool) string {
	base := "/portal/orders/" + o.ID
	q := ""
	if fix {
		q = "?fix=1"
	}
	switch st := stepOf(path); st {
	case "":
		return base + "/submit"
	case "materials":
		return base + "/materials" + q + "#" + fieldID(anchor)
	default:
		for _, s := range wizardSteps(o.Type) {
			if s == st {
				return base + "/edit/" + st + q + "#" + fieldID(anchor)
			}
		}
		return base + "/submit"
	}
}

// reviewShown reports whether the order's last review is a request to fix
// marked fields that the customer still has to act on.
func reviewShown(o *beian.Order) bool {
	if o.Review == nil || len(o.Review.Marks) == 0 || !o.State.Editable() {
		return false
	}
	return o.Review.Event != beian.EventReviewPass && o.Review.Event != beian.EventBureauApprove
}

// buildNotes gathers the pre-check findings, the reviewer's marks and the
// input errors of an order and places them.
// explain gives the reason and remedy of the rule or rejection-catalogue
// row a reviewer's mark cites (workflow.Workflow.ExplainMark).
//
// A finding that uploading a document answers (needs) is shown on the
// materials page at the document's checklist row rather than next to the
// service or person it names, since the upload is its fix.
func buildNotes(tr translator, explain func(string) (workflow.MarkReason, bool), o *beian.Order, res rules.Result, needs []rules.MaterialNeed, vals url.Values, errs []formError, fix bool) *orderNotes {
	n := &orderNotes{at: map[string][]noteView{}, blocked: map[string]int{}, marked: map[string]int{}}
	anchors := anchorsOf(vals)
	type row struct{ id, label string }
	rows := map[string]row{}
	for _, nd := range needs {
		if nd.Alternative {
			continue
		}
		label := tr.T("order.label.materials") + " › " + rules.MaterialText(nd.Purpose).In(tr.lang)
		for _, f := range nd.Findings {
			rows[findingKey(f.Rule, f.Field, f.Reason.ZH)] = row{needRowID(nd.Purpose, nd.Owner, nd.Category), label}
		}
	}
	add := func(v noteView, key string) {
		a := anchorFor(v.Field, anchors)
		v.FixLabel, v.NoteLabel = tr.T("order.note.fix"), tr.T("order.note.reviewer")
		if v.Kind == "reviewer_attention" {
			v.FixLabel = tr.T("order.note.reviewer_checks")
		}
		v.Label = fieldLabel(tr, &o.Snapshot, v.Field)
		v.Step = stepOf(v.Field)
		v.Href, v.Anchor = stepHref(o, v.Field, a, fix), a
		if r, ok := rows[key]; ok {
			v.Step, a, v.Label = "materials", r.id, r.label
			v.Href = "/portal/orders/" + o.ID + "/materials#" + r.id
		} else if row, ok := materialMarkRow(&o.Snapshot, v.Field); ok {
			a = row
			v.Href = strings.SplitN(v.Href, "#", 2)[0] + "#" + row
		}
		n.at[a] = append(n.at[a], v)
		n.all = append(n.all, v)
		if v.Blocking() {
			n.blocked[v.Step]++
		}
		if v.Kind == "mark" {
			n.marked[v.Step]++
		}
	}
	for _, e := range errs {
		v := noteView{Kind: "form", KindText: tr.T("order.note.form"), Field: e.Path, Reason: e.Message}
		if e.Key != "" {
			v.Reason, v.Remedy = tr.T(e.Key, "Value", e.Raw), tr.T(e.Key+".fix")
		}
		add(v, "")
	}
	if reviewShown(o) {
		for _, m := range o.Review.Marks {
			v := noteView{Kind: "mark", KindText: tr.T("order.note.mark"), Rule: m.RuleID, Field: m.Field, Note: m.Note}
			if mr, ok := explain(m.RuleID); ok {
				v.Reason, v.Remedy = mr.Reason.In(tr.lang), mr.Remedy.In(tr.lang)
			}
			add(v, "")
		}
	}
	for _, f := range res.Findings {
		add(noteView{Kind: severityKind(f.Severity), KindText: f.Severity.Text().In(tr.lang), Rule: f.Rule, Field: f.Field,
			Reason: f.Reason.In(tr.lang), Remedy: f.Remedy.In(tr.lang)}, findingKey(f.Rule, f.Field, f.Reason.ZH))
	}
	return n
}

func isMaterialMark(path string) bool { _, _, ok := rules.MaterialField(path); return ok }

// materialMarkRow returns the materials checklist row of a document mark.
func materialMarkRow(s *beian.Snapshot, path string) (string, bool) {
	service, purpose, ok := rules.MaterialField(path)
	if !ok {
		return "", false
	}
	owner := "subject"
	if i, _, ok := rules.CutIndex(service, "websites"); ok && i < len(s.Websites) {
		owner = s.Websites[i].ID
	} else if i, _, ok := rules.CutIndex(service, "apps"); ok && i < len(s.Apps) {
		owner = s.Apps[i].ID
	}
	return needRowID(purpose, owner, ""), true
}

// fieldLabel names a field path for people: 网站 1「松风随笔」 › 域名 2.
// The notifications name marked fields the same way (rules.FieldLabel).
func fieldLabel(tr translator, s *beian.Snapshot, path string) string {
	return rules.FieldLabel(s, path).In(tr.lang)
}

// labelKey is the translation key of a field's label: the path without
// indices, persons' fields shared, e.g. order.f.person.mobile.
func labelKey(path string) string { return "order." + rules.FieldLabelKey(path) }

// option is one choice of a select or a box of a group.
type option struct {
	Value, Label string
}

// optGroup is a labelled group of options.
type optGroup struct {
	Label   string
	Options []option
}

// fieldView is one input as a template renders it.
type fieldView struct {
	Path, ID, Name, Label, Hint, Value, Type string
	// ROText explains why a read-only field cannot be changed.
	ROText  string
	Values  []string
	RO      bool
	Notes   []noteView
	Options []option
	Groups  []optGroup
}

// With returns the field with options for a select or a box group.
func (f fieldView) With(opts []option) fieldView { f.Options = opts; return f }

// Grouped returns the field with grouped options.
func (f fieldView) Grouped(gs []optGroup) fieldView { f.Groups = gs; return f }

// As sets the input type (text by default).
func (f fieldView) As(t string) fieldView { f.Type = t; return f }

// Described lists the ids of the hint and the notes that describe the
// input, for aria-describedby.
func (f fieldView) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if len(f.Notes) > 0 {
		ids = append(ids, f.ID+"-notes")
	}
	return strings.Join(ids, " ")
}

// Invalid reports whether a note on the field must be fixed.
func (f fieldView) Invalid() bool {
	for _, n := range f.Notes {
		if n.Blocking() {
			return true
		}
	}
	return false
}

// Selected reports whether v is chosen.
func (f fieldView) Selected(v string) bool {
	if f.Values != nil {
		for _, x := range f.Values {
			if x == v {
				return true
			}
		}
		return false
	}
	return f.Value == v
}

// SelectedLabel is the label of the chosen option, for read-only fields.
func (f fieldView) SelectedLabel() string {
	for _, o := range f.Options {
		if o.Value == f.Value {
			return o.Label
		}
	}
	for _, g := range f.Groups {
		for _, o := range g.Options {
			if o.Value == f.Value {
				return g.Label + " " + o.Label
			}
		}
	}
	return f.Value
}

// orderForm renders a step's inputs from the flattened snapshot, with the
// notes of each field and what may not be changed.
type orderForm struct {
	// Opt holds the choices of the selects.
	Opt *orderOptions
	// MaterialsHref is the order's materials page, where icons and
	// pre-approval files are uploaded; UploadPermitText links to it.
	MaterialsHref, UploadPermitText string
	// ShowPrincipalText opens a service principal copied from the subject's.
	ShowPrincipalText string
	tr                translator
	vals              url.Values
	raw               map[string]string
	notes             *orderNotes
	ro                func(string) bool
	prefix            string
}

func (f *orderForm) path(name string) string {
	switch {
	case f.prefix == "":
		return name
	case name == "":
		return f.prefix
	case strings.HasPrefix(name, "["):
		return f.prefix + name
	}
	return f.prefix + "." + name
}

// Sub returns the form scoped under a path, e.g. websites[0].
func (f *orderForm) Sub(prefix string) *orderForm {
	g := *f
	g.prefix = f.path(prefix)
	return &g
}

// Field returns the input view of a field under the scope.
func (f *orderForm) Field(name string) fieldView {
	p := f.path(name)
	v := fieldView{Path: p, ID: fieldID(p), Name: p, Type: "text", Value: f.vals.Get(p), RO: f.ro(p), Notes: f.notes.at[p]}
	if vs, ok := f.vals[p]; ok && (strings.HasSuffix(p, ".service_content") || strings.HasSuffix(p, ".languages")) {
		v.Values = append([]string{}, vs...)
	}
	if raw, ok := f.raw[p]; ok {
		v.Value = raw
	}
	if v.RO {
		v.ROText = f.tr.T("order.form.read_only")
	}
	key := labelKey(p)
	v.Label = f.tr.T(key)
	if h := f.tr.T(strings.Replace(key, "order.f.", "order.h.", 1)); !strings.HasPrefix(h, "order.h.") {
		v.Hint = h
	}
	return v
}

// Num is the 1-based position of the scope's last index (websites[2] → 3).
func (f *orderForm) Num() int {
	if i := strings.LastIndexByte(f.prefix, '['); i >= 0 {
		n, _ := strconv.Atoi(strings.TrimSuffix(f.prefix[i+1:], "]"))
		return n + 1
	}
	return 0
}

// At returns the notes placed on a section (not an input) under the scope.
func (f *orderForm) At(name string) []noteView { return f.notes.at[f.path(name)] }

// ID returns the HTML id of a path under the scope.
func (f *orderForm) ID(name string) string { return fieldID(f.path(name)) }

// Path returns the full path of a name under the scope.
func (f *orderForm) Path(name string) string { return f.path(name) }

// Value returns a field's value.
func (f *orderForm) Value(name string) string { return f.vals.Get(f.path(name)) }

// RO reports whether a field may not be changed.
func (f *orderForm) RO(name string) bool { return f.ro(f.path(name)) }

// Rows returns the indices of a list's rows, the empty last one included.
func (f *orderForm) Rows(name string) []int {
	p := f.path(name)
	var out []int
	for j := 0; ; j++ {
		q := idx(p, j)
		if !f.vals.Has(q) && !f.vals.Has(q+".start") && !f.vals.Has(q+".category") && !f.vals.Has(q+".platform") && !f.vals.Has(q+".id") {
			return out
		}
		out = append(out, j)
	}
}

// readOnly decides which fields an order lets the customer change:
// nothing outside an editable state or in a cancellation (only its
// reason); never the province; what the order was started from at
// 验证备案类型 (its basis: the certificate always, and for new filings
// the nature, subject name and the checked domain or APP name — a wrong
// one means abandoning the order and verifying again, spec §3, §6.1.7);
// an individual's principal identity (the subject's); and the domains of
// services already filed (spec §3 row 5). Orders without a basis keep the
// nature and certificate fixed once entered.
func readOnly(o *beian.Order, b *beian.OrderBasis) func(string) bool {
	s := &o.Snapshot
	reasonOnly := wizardSteps(o.Type)[0] == stepCancel
	ro := map[string]bool{"subject.province": true}
	switch {
	case b == nil:
		ro["subject.nature"] = s.Subject.Nature != ""
		ro["subject.certificate_type"] = s.Subject.CertificateType != ""
		ro["subject.certificate_number"] = s.Subject.CertificateNumber != ""
	default:
		ro["subject.certificate_type"] = b.CertificateType != ""
		ro["subject.certificate_number"] = b.CertificateNumber != ""
		if o.Type.IsChange() || o.Type == beian.Transfer || o.Type == beian.Migrate || o.Type.IsCancellation() {
			break
		}
		ro["subject.nature"] = b.Nature != ""
		ro["subject.name"] = b.SubjectName != ""
		for i := range s.Websites {
			for j, d := range s.Websites[i].Domains {
				ro[idx(idx("websites", i)+".domains", j)] = b.ServiceKind == beian.KindWebsite && beian.NormalizeDomain(d) == b.ServiceName
			}
		}
		for i := range s.Apps {
			ro[idx("apps", i)+".name"] = b.ServiceKind == beian.KindApp && foldSpaces(s.Apps[i].Name) == foldSpaces(b.ServiceName)
		}
	}
	if s.Subject.Nature.IsIndividual() {
		for _, f := range []string{"name", "certificate_type", "certificate_number"} {
			ro["subject.principal."+f] = true
		}
	}
	for i := range s.Websites {
		if s.Websites[i].RecordID != "" {
			ro[idx("websites", i)+".domains"] = true
		}
	}
	for i := range s.Apps {
		if s.Apps[i].RecordID != "" {
			ro[idx("apps", i)+".name"] = true
		}
	}
	editable := o.State.Editable()
	return func(path string) bool {
		if !editable || reasonOnly && path != "cancel_reason" {
			return true
		}
		for p := path; p != ""; p = parent(p) {
			if ro[p] {
				return true
			}
		}
		return false
	}
}

// foldSpaces drops spaces and makes full-width brackets half-width, as
// names are compared.
func foldSpaces(s string) string {
	return strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "").Replace(s)
}

// navItem is one entry of an order's step navigation.
type navItem struct {
	Key, Label, Href string
	Current          bool
	// Blocking counts what must be fixed on the step; Marked the
	// reviewer's marks on it.
	Blocking, Marked int
}

// orderNav lists the wizard's steps, materials, authenticity, submission
// and status. In fix mode only the steps with marked fields are listed.
func orderNav(tr translator, o *beian.Order, notes *orderNotes, current string, fix bool) []navItem {
	base := "/portal/orders/" + o.ID
	q := ""
	if fix {
		q = "?fix=1"
	}
	var out []navItem
	add := func(key, label, href string) {
		it := navItem{Key: key, Label: label, Href: href, Current: key == current}
		if notes != nil {
			it.Blocking, it.Marked = notes.blocked[key], notes.marked[key]
		}
		if fix && it.Marked == 0 && key != "submit" && key != "status" && !it.Current {
			return
		}
		out = append(out, it)
	}
	for _, st := range wizardSteps(o.Type) {
		add(st, tr.T("order.step."+st), base+"/edit/"+st+q)
	}
	add("materials", tr.T("order.step.materials"), base+"/materials"+q)
	if len(o.Snapshot.Websites)+len(o.Snapshot.Apps) > 0 && o.Type.GoesToBureau() && !o.Type.IsCancellation() {
		add("authenticity", tr.T("order.step.authenticity"), base+"/authenticity")
	}
	add("submit", tr.T("order.step.submit"), base+"/submit")
	add("status", tr.T("order.step.status"), base)
	return out
}

// orderHeader is what every order page shows at the top.
type orderHeader struct {
	Order    *beian.Order
	Updated  string
	Type     string
	State    string
	Province string
	Subject  string
}

func newOrderHeader(tr translator, o *beian.Order) orderHeader {
	h := orderHeader{Order: o, Type: o.Type.Text().In(tr.lang), State: o.State.Text().In(tr.lang), Subject: o.SubjectName(),
		Updated: o.UpdatedAt.In(beian.ChinaTime).Format("2006-01-02 15:04")}
	if p, ok := beian.ProvinceByCode(o.Province); ok {
		h.Province = p.Name
		if tr.lang == beian.LangEN {
			h.Province = p.NameEN
		}
	}
	return h
}

// listView is a list of single values (domains) with an empty row to add one.
type listView struct {
	ID, Label, Hint string
	Notes           []noteView
	Rows            []fieldView
}

// List returns a list field's rows: websites' domains are 主域名 then
// 其他域名; apps' domains are numbered.
func (f *orderForm) List(name string) listView {
	p := f.path(name)
	key := labelKey(p)
	lv := listView{ID: fieldID(p), Label: f.tr.T(key), Notes: f.notes.at[p]}
	if h := f.tr.T(strings.Replace(key, "order.f.", "order.h.", 1)); !strings.HasPrefix(h, "order.h.") {
		lv.Hint = h
	}
	site := strings.HasPrefix(p, "websites")
	rows := f.Rows(name)
	for _, j := range rows {
		v := f.Field(idx(name, j))
		v.Hint = "" // the list states it once
		switch {
		case j == len(rows)-1:
			v.Label = f.tr.T("order.f.add_domain")
		case site && j == 0:
			v.Label = f.tr.T("order.f.main_domain")
		case site:
			v.Label = f.tr.T("order.f.other_domain", "N", j)
		default:
			v.Label = f.tr.T("order.f.domain_n", "N", j+1)
		}
		lv.Rows = append(lv.Rows, v)
	}
	return lv
}

// regionView is a county select with its province picker.
type regionView struct {
	Field                                    fieldView
	Province                                 string
	Provinces                                []option
	ProvinceLabel, RefreshLabel, ChooseLabel string
}

// Region returns a region field: the county select of the province of its
// current value (or of the order's province).
func (f *orderForm) Region(name, defProvince string) regionView {
	v := f.Field(name)
	prov := regionProvince(v.Value, defProvince)
	v.Groups = f.Opt.Counties(prov)
	return regionView{Field: v, Province: prov, Provinces: f.Opt.Provinces,
		ProvinceLabel: f.tr.T("order.f.province"), RefreshLabel: f.tr.T("order.form.refresh_region"), ChooseLabel: f.tr.T("order.form.choose_county")}
}
