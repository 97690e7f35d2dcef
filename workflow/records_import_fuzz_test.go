package workflow

import (
	"os"
	"strings"
	"testing"
)

// FuzzRecordImport feeds random bytes through the import's decoder and its
// validation: neither may panic, and a valid item yields records whose
// service numbers extend its subject number.
func FuzzRecordImport(f *testing.F) {
	f.Add([]byte(`[{"account":"acme","subject_number":"京ICP备12345678号","subject":{"province":"11","nature":"enterprise","name":"x","certificate_type":"business_licence","certificate_number":"91110000MA01ABCD1X"},"services":[{"number":"京ICP备12345678号-1","website":{"name":"a","domains":["A.cn."],"ips":[{"start":"1.2.3.4","end":"1.2.3.4"}]}}]}]`))
	f.Add([]byte(`[{"subject_number":"京ICP备1号-1A","services":[{"number":"x","app":{}}]}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := DecodeRecordImports(b, AccountByLogin)
		if err != nil {
			return
		}
		seen := fileKeys{subjects: map[string]int{}, certs: map[string]int{}, services: map[string]int{}, domains: map[string]int{}}
		for i := range items {
			p, errs := prepareImport(&items[i])
			if len(errs) > 0 {
				if p != nil {
					t.Fatal("refused item came back prepared")
				}
				continue
			}
			for _, s := range p.services {
				if s.Number.Subject() != p.number || s.Number.IsSubject() {
					t.Fatalf("service %s under %s", s.Number, p.number)
				}
			}
			seen.claim(i, p)
		}
	})
}

// TestRecordImportDocExample keeps docs/record-import.md's example valid.
func TestRecordImportDocExample(t *testing.T) {
	b, err := os.ReadFile("../docs/record-import.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/record-import.md has no JSON example")
	}
	items, err := DecodeRecordImports([]byte(example), AccountByLogin)
	if err != nil || len(items) == 0 {
		t.Fatalf("example: %v", err)
	}
	for i := range items {
		if items[i].AccountLogin != "acme" {
			t.Errorf("item %d: account %q", i, items[i].AccountLogin)
		}
		if _, errs := prepareImport(&items[i]); len(errs) > 0 {
			t.Errorf("item %d refused: %v", i, errs)
		}
	}
}
