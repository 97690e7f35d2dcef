package web

import (
	"net/http"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"console.bureau.not_configured": {ZH: "尚未配置管局接口连接，暂不能提交管局。", EN: "No bureau connection is configured; orders cannot be submitted yet."},
		"console.bureau.none_selected":  {ZH: "请至少选择一个订单。", EN: "Select at least one order."},
	})
}

// consoleBureauLine is a bureau connection's state as the page shows it.
type consoleBureauLine struct {
	ID, Province                                     string
	Enabled, Resync                                  bool
	Accepted, Next                                   int64
	LastError, LastErrorAt, LastUpload, LastDownload string
}

type consoleBureauGroup struct {
	Province string
	Code     string
	List     consoleList
	Ready    int
	// Line is the province's connection; nil when it has none, and then
	// its orders cannot be submitted.
	Line      *consoleBureauLine
	CanSubmit bool
}

type consoleBureauOp struct {
	Kind, State, StateKey, Opinion string
	FileSeq                        int64
	Result                         int
}

type consoleInFlight struct {
	consoleOrderRow
	Ops []consoleBureauOp
}

type consoleBureauFile struct {
	Conn, Name, State, StateKey, Size, Created, Sent, Accepted, LastError string
	Seq                                                                   int64
	Records, Attempts                                                     int
}

type consoleBureauData struct {
	consoleBase
	Groups []consoleBureauGroup
	Total  int
	// Configured reports whether the bureau exchange is wired into the
	// server and has at least one connection.
	Configured bool
	CanReview  bool
	Lines      []consoleBureauLine
	InFlight   []consoleInFlight
	Files      []consoleBureauFile
}

// consoleBureau lists the orders waiting for submission to the bureau,
// grouped by province (one bureau connection each) with the connection's
// state, then the orders at the bureau with their upload operations, and
// the latest upload files. Subject cancellations still waiting for the
// customer's confirmation are shown but cannot be selected.
func (s *Server) consoleBureau(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	tr := s.translator(r)
	lang := tr.lang
	batches, err := s.cfg.Workflow.BureauQueue(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	desk, err := s.cfg.Workflow.BureauDesk(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := &consoleBureauData{consoleBase: consoleBase{Active: "bureau"}, CanReview: workflow.CanReview(u)}
	d.Configured = s.cfg.Exchange != nil && len(desk.Lines) > 0
	lines := map[string]*consoleBureauLine{}
	for _, l := range desk.Lines {
		cl := consoleBureauLine{ID: l.ID, Province: provinceName(l.Province, lang), Enabled: l.Enabled, Resync: l.NeedsResync,
			Accepted: l.AcceptedSequence, Next: l.NextSequence, LastError: l.LastError, LastErrorAt: cxTime(l.LastErrorAt),
			LastUpload: cxTime(l.LastUploadAt), LastDownload: cxTime(l.LastDownloadAt)}
		d.Lines = append(d.Lines, cl)
		lines[l.Province] = &d.Lines[len(d.Lines)-1]
	}
	for _, b := range batches {
		g := consoleBureauGroup{Code: b.Province, Province: provinceName(b.Province, lang), Line: lines[b.Province]}
		g.CanSubmit = s.cfg.Exchange != nil && d.CanReview && g.Line != nil && g.Line.Enabled
		g.List = consoleList{translator: tr, Empty: "console.bureau.empty", Select: g.CanSubmit}
		for _, o := range b.Orders {
			if workflow.Ready(o) {
				g.Ready++
			}
			g.List.Rows = append(g.List.Rows, newConsoleOrderRow(tr, o))
		}
		d.Total += len(g.List.Rows)
		d.Groups = append(d.Groups, g)
	}
	for _, o := range desk.InFlight {
		f := consoleInFlight{consoleOrderRow: newConsoleOrderRow(tr, o)}
		for _, op := range desk.Operations[o.ID] {
			f.Ops = append(f.Ops, consoleBureauOp{Kind: string(op.Kind), State: tr.T("console.bureau.op." + string(op.State)), StateKey: string(op.State),
				Opinion: op.Opinion, FileSeq: op.FileSeq, Result: op.ResultCode})
		}
		d.InFlight = append(d.InFlight, f)
	}
	for _, f := range desk.Files {
		d.Files = append(d.Files, consoleBureauFile{Conn: f.ConnectionID, Name: f.Name, State: tr.T("console.bureau.file." + string(f.State)),
			StateKey: string(f.State), Size: consoleSize(f.Size), Created: cxTime(f.CreatedAt), Sent: cxTime(f.SentAt), Accepted: cxTime(f.AcceptedAt),
			LastError: f.LastError, Seq: f.Seq, Records: f.Records, Attempts: f.Attempts})
	}
	s.render(w, r, http.StatusOK, "console/bureau", s.consolePage(r, "console.bureau.title", &d.consoleBase, d))
}

func provinceName(code string, lang beian.Lang) string {
	p, ok := beian.ProvinceByCode(code)
	switch {
	case !ok:
		return code
	case lang == beian.LangEN:
		return p.NameEN
	}
	return p.Name
}

// consoleBureauSubmit submits the selected orders to their bureaus as one
// batch; each order goes on or fails on its own, and the flash says which.
func (s *Server) consoleBureauSubmit(w http.ResponseWriter, r *http.Request) {
	if err := consoleForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	ids := r.PostForm["order"]
	switch {
	case len(ids) == 0:
		s.consoleDone(w, r, "/console/bureau", "", beian.Invalid("order", "console.bureau.none_selected"))
		return
	case s.cfg.Exchange == nil:
		s.consoleDone(w, r, "/console/bureau", "", beian.Errorf(beian.ECONFLICT, "console.bureau.not_configured"))
		return
	case len(ids) > 500:
		ids = ids[:500]
	}
	results, err := s.cfg.Exchange.SubmitToBureau(r.Context(), s.currentUser(r), ids)
	if err != nil {
		s.consoleDone(w, r, "/console/bureau", "", err)
		return
	}
	tr := s.translator(r)
	var ok int
	var failed []string
	for _, res := range results {
		if res.Err == nil {
			ok++
			continue
		}
		failed = append(failed, shortID(res.OrderID)+tr.T("punct.colon")+beian.ErrorMessage(tr.lang, res.Err))
	}
	msg := tr.T("console.flash.bureau_submitted", "Count", ok)
	if len(failed) > 0 {
		msg += " " + tr.T("console.flash.bureau_failed", "Count", len(failed)) + " " + strings.Join(failed, "；")
	}
	s.consoleFlash(r, msg, len(failed) > 0)
	http.Redirect(w, r, "/console/bureau", http.StatusSeeOther)
}
