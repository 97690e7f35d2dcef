package rules

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

// TestPacksEveryProvinceEveryKey is done-when 2: all 31 packs exist and
// every province resolves every key, with a source that is either a
// citation or explicitly the national default.
func TestPacksEveryProvinceEveryKey(t *testing.T) {
	if _, err := loadPacks(); err != nil {
		t.Fatalf("embedded packs: %v", err)
	}
	if len(beian.Provinces) != 31 {
		t.Fatalf("%d provinces, want 31", len(beian.Provinces))
	}
	nat := NationalPack()
	for _, prov := range beian.Provinces {
		p, ok := ProvincePack(prov.Code)
		if !ok {
			t.Errorf("no pack for %s %s", prov.Code, prov.Name)
			continue
		}
		if p.Province.Code != prov.Code {
			t.Errorf("pack %s says province %s", prov.Code, p.Province.Code)
		}
		for _, k := range PackKeys {
			src := p.Source(k.Name)
			if src == "" {
				t.Errorf("%s %s: key %s has no source", prov.Code, prov.Name, k.Name)
			}
			v := p.Value(k.Name)
			if v == nil {
				t.Errorf("%s %s: key %s resolves to nothing", prov.Code, prov.Name, k.Name)
			}
			if src == NationalDefault {
				if got, want := valueText(v), valueText(nat.Value(k.Name)); got != want {
					t.Errorf("%s: key %s says national default but is %s, not %s", prov.Code, k.Name, got, want)
				}
			}
		}
	}
	for _, k := range PackKeys {
		if k.Doc.ZH == "" || k.Doc.EN == "" {
			t.Errorf("key %s lacks its description", k.Name)
		}
		if s := nat.Source(k.Name); s == "" || s == NationalDefault {
			t.Errorf("national default of %s has no citation", k.Name)
		}
	}
}

// TestPackValuesFromSpec spot-checks province values against spec §7.
func TestPackValuesFromSpec(t *testing.T) {
	p := func(code string) *Pack { x, _ := ProvincePack(code); return x }
	checks := []struct {
		name string
		ok   bool
	}{
		{"Guangdong minimum age 16", p("44").MinAge == 16},
		{"Jiangsu 16 with proof below 18", p("32").MinAge == 16 && p("32").AgeProofBelow == 18},
		{"Beijing domain > 3 months required", p("11").DomainMinValidityMonths == 3 && p("11").DomainMinValidityLevel == "required"},
		{"Liaoning domain validity national (advised)", p("21").DomainMinValidityLevel == "advised" && p("21").Source("domain.min_validity_level") == NationalDefault},
		{"Shanghai residence permit > 1 month", p("31").ResidencePermitMinMonths == 1},
		{"Hebei same city", p("13").AddressSameCity && p("41").AddressSameCity && p("52").AddressSameCity && !p("11").AddressSameCity},
		{"Henan extra banned words include 工作室", slices.Contains(p("41").IndividualExtraWords, "工作室")},
		{"Hunan individuals need a local mobile", p("43").LocalMobile == "required_individual"},
		{"Shaanxi 30 sites", p("61").MaxServicesEnterprise == 30},
		{"Guangdong commitment since 2021-06-21", p("44").BureauCommitmentSince == beian.NewDate(2021, 6, 21)},
		{"Jiangsu notice and video since 2021-06-01", p("32").ResponsibilityNoticeSince == beian.NewDate(2021, 6, 1) && p("32").CommitmentVideoSince == beian.NewDate(2021, 6, 1)},
		{"Ningxia holder is the unit", p("64").DomainHolder == "unit_only"},
		{"Fujian holder unit or legal rep", p("35").DomainHolder == "unit_or_legal_rep"},
		{"Eleven empty-shell provinces", func() bool {
			n := 0
			for _, prov := range beian.Provinces {
				if p(prov.Code).EmptyShellMayAddServices {
					n++
				}
			}
			return n == 11
		}()},
		{"Hubei one website, one domain", p("42").OneWebsite && p("42").OneDomain == "required"},
		{"Shanxi ≤ 3 new domains", p("14").MaxNewDomains == 3},
		{"Anhui accepts authorization, Beijing not", p("34").AuthorizationAccepted && !p("11").AuthorizationAccepted},
		{"Government suffixes gov.cn and 政务", slices.Equal(p("50").GovernmentSuffixes, []string{"gov.cn", "政务"})},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("pack value wrong: %s", c.name)
		}
	}
}

// TestPackFilesNameEveryKey proves the explicitness rule: a province file
// that leaves a key out, or gives a national default a value, does not
// load.
func TestPackFilesNameEveryKey(t *testing.T) {
	for _, e := range mustReadDir(t) {
		b, err := packFS.ReadFile("provinces/" + e)
		if err != nil {
			t.Fatal(err)
		}
		var pf packFile
		if err := json.Unmarshal(b, &pf); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if len(pf.Values) != len(PackKeys) {
			t.Errorf("%s names %d keys, want %d", e, len(pf.Values), len(PackKeys))
		}
		for k, v := range pf.Values {
			if pf.Province != "" && v.Source == NationalDefault && len(v.Value) != 0 {
				t.Errorf("%s: %s has a value yet says national default", e, k)
			}
		}
	}
}

func mustReadDir(t *testing.T) []string {
	t.Helper()
	es, err := packFS.ReadDir("provinces")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if len(names) != 32 {
		t.Fatalf("%d pack files, want 32 (national + 31)", len(names))
	}
	return names
}

func TestOverrides(t *testing.T) {
	o, err := ParseOverrides([]byte(`{
		"*":  {"person.min_age": 20},
		"44": {"person.min_age": 17, "site_name.individual_extra_banned_words": ["工作室"], "commitment.bureau_letter_since": ""},
		"11": {"domain.min_validity_months": 6}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	gd, _ := o.Pack("44")
	if gd.MinAge != 17 || gd.Source("person.min_age") != AdminOverride {
		t.Errorf("Guangdong override: min age %d from %q", gd.MinAge, gd.Source("person.min_age"))
	}
	if !gd.BureauCommitmentSince.IsZero() {
		t.Error("Guangdong letter date not cleared")
	}
	if js, _ := o.Pack("32"); js.MinAge != 20 {
		t.Errorf("all-provinces override: Jiangsu min age %d", js.MinAge)
	}
	if base, _ := ProvincePack("44"); base.MinAge != 16 {
		t.Error("override leaked into the embedded pack")
	}
	// The override changes what the engine says, without a rebuild.
	f := individual("44")
	f.site(0).Name = "松风工作室"
	f.over = o
	if len(f.run().ByRule("SITE-NAME-INDIVIDUAL-WORD")) == 0 {
		t.Error("overridden banned word not applied")
	}
	f = enterprise("11").setReg("qingyun-data.cn", func(r *Registration) { r.Expires = beian.NewDate(2025, 8, 1) })
	f.over = o
	fs := f.run().ByRule("DOMAIN-VALIDITY-MONTHS")
	if len(fs) != 1 || !strings.Contains(fs[0].Reason.EN, "more than 6 months in Beijing") {
		t.Errorf("overridden validity: %v", fs)
	}

	bad := []string{
		`{"99": {"person.min_age": 18}}`,
		`{"44": {"person.min_aeg": 18}}`,
		`{"44": {"person.min_age": "18"}}`,
		`{"44": {"person.min_age": -1}}`,
		`{"44": {"person.min_age": 1.5}}`,
		`{"44": {"person.min_age": null}}`,
		`{"44": {"address.same_city": 1}}`,
		`{"44": {"individual.cross_province": "sometimes"}}`,
		`{"44": {"commitment.bureau_letter_since": "21-06-2021"}}`,
		`{"44": {"individual.certificate_types": ["resident_id", "library_card"]}}`,
		`{"44": {"site_name.sensitive_words": ["赌博", " "]}}`,
		`{"44": {"site_name.sensitive_words": "赌博"}}`,
		`not json`,
	}
	for _, b := range bad {
		_, err := ParseOverrides([]byte(b))
		if err == nil {
			t.Errorf("override %s accepted", b)
			continue
		}
		if beian.ErrorCode(err) != beian.EINVALID {
			t.Errorf("override %s: code %s", b, beian.ErrorCode(err))
		}
		if msg := beian.ErrorMessage(beian.LangZH, err); msg == "" || strings.Contains(msg, "rules.override") {
			t.Errorf("override %s: message %q", b, msg)
		}
	}
}
