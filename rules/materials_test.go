package rules_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/rules"
)

func needsOf(t *testing.T, o *beian.Order) []string {
	t.Helper()
	needs := rules.RequiredMaterials(context.Background(), rules.Input{Order: o, CheckDate: beian.NewDate(2026, 12, 1), Mode: rules.ModeDraft})
	var out []string
	for _, n := range needs {
		if !n.Satisfied(&o.Snapshot) {
			t.Errorf("%s/%s not satisfied by the valid fixture", n.Purpose, n.Owner)
		}
		if len(n.Findings) == 0 || n.Findings[0].Reason.ZH == "" {
			t.Errorf("%s/%s: no finding says why", n.Purpose, n.Owner)
		}
		out = append(out, n.Purpose+"/"+n.Owner)
	}
	slices.Sort(out)
	return out
}

func TestRequiredMaterialsFollowTheCatalogue(t *testing.T) {
	cases := []struct {
		name string
		snap beian.Snapshot
		prov string
		want []string
	}{
		{"enterprise Beijing", fixture.Enterprise("11", 1), "11", []string{
			"commitment_letter/site-1", "principal_id_back/", "principal_id_front/", "subject_certificate/"}},
		{"individual Beijing", fixture.Individual("11", 1), "11", []string{
			"commitment_letter/site-1", "principal_id_back/", "principal_id_front/"}},
		{"enterprise Jiangsu", fixture.Enterprise("32", 1), "32", []string{
			"commitment_letter/site-1", "commitment_video/site-1", "principal_id_back/", "principal_id_front/",
			"responsibility_notice/site-1", "subject_certificate/"}},
		{"enterprise Guangdong", fixture.Enterprise("44", 1), "44", []string{
			"bureau_commitment_letter/", "commitment_letter/site-1", "principal_id_back/", "principal_id_front/", "subject_certificate/"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &beian.Order{ID: "o1", Type: beian.FirstFiling, State: beian.Draft, Province: c.prov, Snapshot: c.snap}
			if got := needsOf(t, o); !slices.Equal(got, c.want) {
				t.Errorf("needs\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestRequiredMaterialsWithoutUploads(t *testing.T) {
	snap := fixture.Enterprise("11", 2)
	snap.Materials = nil
	snap.Websites[0].Principal = fixture.Person("赵敏", fixture.ResidentID(fixture.County("11"), beian.NewDate(1985, 1, 2), 31),
		"13800000077", "13900000077", "zhaomin@example.com")
	o := &beian.Order{ID: "o1", Type: beian.FirstFiling, State: beian.Draft, Province: "11", Snapshot: snap}
	needs := rules.RequiredMaterials(context.Background(), rules.Input{Order: o, CheckDate: beian.NewDate(2026, 12, 1)})
	got := map[string]rules.MaterialNeed{}
	for _, n := range needs {
		if n.Satisfied(&o.Snapshot) {
			t.Errorf("%s satisfied without uploads", n.Purpose)
		}
		got[n.Purpose+"/"+n.Owner] = n
	}
	for _, k := range []string{"subject_certificate/", "service_principal_id_front/site-2", "service_principal_id_back/site-2", "commitment_letter/site-2"} {
		n, ok := got[k]
		if !ok {
			t.Errorf("missing need %s (have %v)", k, needs)
			continue
		}
		if n.Severity != rules.Blocking {
			t.Errorf("%s: severity %v", k, n.Severity)
		}
	}
}

func TestRequiredMaterialsLinkedDocuments(t *testing.T) {
	snap := fixture.Enterprise("11", 3)
	snap.Websites[0].PreApprovals = []beian.PreApproval{{Category: rules.SectorNews, Number: "京网新备2026001"}}
	snap.Apps = []beian.App{{ID: "app-1", Name: "青云记账"}}
	o := &beian.Order{ID: "o1", Type: beian.FirstFiling, State: beian.Draft, Province: "11", Snapshot: snap}
	needs := rules.RequiredMaterials(context.Background(), rules.Input{Order: o, CheckDate: beian.NewDate(2026, 12, 1)})
	var icon, permit *rules.MaterialNeed
	for i := range needs {
		switch needs[i].Purpose {
		case rules.MaterialAppIcon:
			icon = &needs[i]
		case rules.MaterialPreApproval:
			permit = &needs[i]
		}
	}
	if icon == nil || icon.Owner != "app-1" || icon.Satisfied(&o.Snapshot) {
		t.Fatalf("icon need %+v", icon)
	}
	if permit == nil || permit.Owner != "site-3" || permit.Category != rules.SectorNews {
		t.Fatalf("permit need %+v", permit)
	}
	o.Snapshot.Apps[0].IconDocumentID = "doc"
	o.Snapshot.Websites[0].PreApprovals[0].DocumentID = "doc2"
	if !icon.Satisfied(&o.Snapshot) || !permit.Satisfied(&o.Snapshot) {
		t.Error("linked documents not seen")
	}
}

func TestSectorsAndMaterialTexts(t *testing.T) {
	if len(rules.Sectors()) < 5 {
		t.Fatal("too few sectors")
	}
	for _, s := range rules.Sectors() {
		if s.Key == "" || s.Name.ZH == "" || s.Name.EN == "" {
			t.Errorf("sector %+v incomplete", s)
		}
	}
	for _, p := range []string{rules.MaterialCommitmentVideo, rules.MaterialAppIcon, rules.MaterialPreApproval, rules.MaterialOther} {
		if !rules.KnownMaterial(p) || rules.MaterialText(p).EN == "" {
			t.Errorf("%s has no text", p)
		}
	}
	if !rules.IsVideoMaterial(rules.MaterialCommitmentVideo) || rules.IsVideoMaterial(rules.MaterialCommitmentLetter) {
		t.Error("IsVideoMaterial")
	}
}
