package web

import (
	"net/url"
	"strconv"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// materialRow is one line of the materials checklist: a document the
// order needs (or an extra one uploaded), whether it is in, why it is
// needed and where to upload it.
type materialRow struct {
	ID       string
	Purpose  string
	Owner    string
	Category string
	Name     string
	// Why are the reasons the pre-check gives for needing it.
	Why []string
	// Kind is blocking (required), warning (advised) or extra.
	Kind        string
	Alternative bool
	Uploaded    *beian.Material
	Size        string
	Video       bool
	Accept      string
	Limit       string
	Action      string
	// Findings are the problems of the last upload attempt (rejected or
	// accepted with advice).
	Findings []uploadNote
}

// uploadNote is an upload check's finding in the page language.
type uploadNote struct {
	Reject      bool
	Reason, Fix string
}

// materialGroup is the checklist of one owner: the subject or a service.
type materialGroup struct {
	ID, Title string
	Rows      []materialRow
}

// checklist is an order's materials checklist.
type checklist struct {
	Groups []materialGroup
	// Missing counts the required documents not uploaded yet; Total all
	// required ones.
	Missing, Total int
}

// acceptOf is the file picker's filter for a purpose.
func acceptOf(purpose string) string {
	if rules.IsVideoMaterial(purpose) {
		return "video/mp4,video/quicktime,video/webm,video/3gpp,.mp4,.mov,.webm,.3gp"
	}
	return "image/jpeg,image/png,.jpg,.jpeg,.png"
}

func uploadAction(o *beian.Order, purpose, owner, category, back string) string {
	q := url.Values{}
	q.Set("owner", owner)
	if category != "" {
		q.Set("category", category)
	}
	if back != "" {
		q.Set("back", back)
	}
	return "/portal/orders/" + o.ID + "/materials/" + purpose + "?" + q.Encode()
}

// buildChecklist groups the order's needs by owner and matches the
// uploads; back names the page uploads return to.
func buildChecklist(tr translator, o *beian.Order, needs []rules.MaterialNeed, back string) checklist {
	s := &o.Snapshot
	var cl checklist
	groups := []materialGroup{{ID: "m-subject", Title: tr.T("material.group.subject")}}
	owners := map[string]int{"subject": 0, "": 0}
	for _, w := range s.Websites {
		owners[w.ID] = len(groups)
		groups = append(groups, materialGroup{ID: "m-" + w.ID, Title: tr.T("order.label.website", "N", len(groups), "Name", w.Name)})
	}
	for i, a := range s.Apps {
		owners[a.ID] = len(groups)
		groups = append(groups, materialGroup{ID: "m-" + a.ID, Title: tr.T("order.label.app", "N", i+1, "Name", a.Name)})
	}
	used := map[string]bool{}
	for i := range needs {
		n := &needs[i]
		g, ok := owners[n.Owner]
		if !ok {
			continue
		}
		owner := n.Owner
		if owner == "" {
			owner = "subject"
		}
		row := materialRow{Purpose: n.Purpose, Owner: owner, Category: n.Category, Name: rules.MaterialText(n.Purpose).In(tr.lang),
			Kind: n.Severity.String(), Alternative: n.Alternative, Video: rules.IsVideoMaterial(n.Purpose), Accept: acceptOf(n.Purpose),
			Limit: sizeLabel(workflow.MaterialLimit(n.Purpose)), Action: uploadAction(o, n.Purpose, owner, n.Category, back)}
		row.ID = needRowID(n.Purpose, owner, n.Category)
		if n.Category != "" {
			row.Name += "（" + sectorName(tr.lang, n.Category) + "）"
		}
		if n.Satisfied(s) {
			row.Uploaded = uploadedFor(s, n)
		} else {
			for _, f := range n.Findings {
				row.Why = append(row.Why, f.Reason.In(tr.lang))
			}
		}
		if row.Uploaded != nil {
			used[row.Uploaded.ID] = true
		}
		if n.Severity == rules.Blocking && !n.Alternative {
			cl.Total++
			if !n.Satisfied(s) {
				cl.Missing++
			}
		}
		groups[g].Rows = append(groups[g].Rows, row)
	}
	// Uploads no need asks for: extra attachments, or documents the order
	// no longer needs; they stay visible so they can be removed.
	for i := range s.Materials {
		m := &s.Materials[i]
		if used[m.ID] {
			continue
		}
		g, ok := owners[m.Owner]
		if !ok {
			g = 0
		}
		groups[g].Rows = append(groups[g].Rows, materialRow{ID: "m-" + m.ID, Purpose: m.Purpose, Owner: m.Owner,
			Name: rules.MaterialText(m.Purpose).In(tr.lang), Kind: "extra", Uploaded: m, Video: rules.IsVideoMaterial(m.Purpose)})
	}
	for _, g := range groups {
		for i := range g.Rows {
			if m := g.Rows[i].Uploaded; m != nil {
				g.Rows[i].Size = humanSize(m.Size)
			}
		}
		if len(g.Rows) > 0 || g.ID == "m-subject" {
			cl.Groups = append(cl.Groups, g)
		}
	}
	return cl
}

// uploadedFor returns the upload that satisfies a need: the linked file
// of an icon or a pre-approval, else the latest upload of the purpose for
// the owner.
func uploadedFor(s *beian.Snapshot, n *rules.MaterialNeed) *beian.Material {
	doc := ""
	switch n.Purpose {
	case rules.MaterialAppIcon:
		for _, a := range s.Apps {
			if a.ID == n.Owner {
				doc = a.IconDocumentID
			}
		}
	case rules.MaterialPreApproval:
		for _, p := range permitsOf(s, n.Owner) {
			if p.Category == n.Category {
				doc = p.DocumentID
			}
		}
	}
	var found *beian.Material
	for i := range s.Materials {
		m := &s.Materials[i]
		switch {
		case doc != "":
			if m.DocumentID == doc {
				return m
			}
		case m.Purpose == n.Purpose && (n.Owner == "" || m.Owner == "" || m.Owner == n.Owner):
			found = m
		}
	}
	return found
}

func permitsOf(s *beian.Snapshot, owner string) []beian.PreApproval {
	for _, w := range s.Websites {
		if w.ID == owner {
			return w.PreApprovals
		}
	}
	for _, a := range s.Apps {
		if a.ID == owner {
			return a.PreApprovals
		}
	}
	return nil
}

func sectorName(lang beian.Lang, key string) string {
	for _, x := range rules.Sectors() {
		if x.Key == key {
			return x.Name.In(lang)
		}
	}
	return key
}

// sizeLabel prints a byte limit as the forms state it: 4 MB, 100 KB.
func sizeLabel(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}

// humanSize prints a file size: 812 KB, 3.4 MB.
func humanSize(n int64) string {
	if n < 1<<20 {
		return strconv.FormatInt((n+1023)>>10, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// uploadNotes turns an upload's findings into the page language.
func uploadNotes(lang beian.Lang, fs []workflow.UploadFinding) []uploadNote {
	out := make([]uploadNote, 0, len(fs))
	for _, f := range fs {
		out = append(out, uploadNote{Reject: f.Reject, Reason: f.Reason.In(lang), Fix: f.Fix.In(lang)})
	}
	return out
}
