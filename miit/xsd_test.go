package miit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// xsdDir holds MIIT's published schemas, copied into the repository so CI on a clean clone
// has them: gbk/ are the originals, utf8/ the re-encoded copies the generator reads.
const xsdDir = "testdata/xsd"

// sharedReference is where the project keeps the reference copy; when present, the test
// checks that ours has not drifted from it.
const sharedReference = "../../shared/reference/miit-interface"

func TestXSDCopiesMatchReference(t *testing.T) {
	if _, err := os.Stat(sharedReference); err != nil {
		t.Skipf("reference directory %s not present", sharedReference)
	}
	for _, enc := range []string{"gbk", "utf8"} {
		files, _ := filepath.Glob(filepath.Join(sharedReference, "xsd-"+enc, "*.xsd"))
		if len(files) == 0 {
			t.Fatalf("no XSDs in reference xsd-%s", enc)
		}
		for _, ref := range files {
			want, _ := os.ReadFile(ref)
			got, err := os.ReadFile(filepath.Join(xsdDir, enc, filepath.Base(ref)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from the reference copy", enc, filepath.Base(ref))
			}
		}
	}
}

// xmllint validates every document against the GBK original of the schema in one run of
// the real xmllint and fails the test for each document it rejects. A missing xmllint fails
// the test: the official schema is our oracle and a silent skip would hide regressions.
// BEIAN_SKIP_XMLLINT=1 skips only the schema check, on purpose.
func xmllint(t *testing.T, schema string, docs map[string][]byte) {
	t.Helper()
	if os.Getenv("BEIAN_SKIP_XMLLINT") == "1" {
		t.Logf("BEIAN_SKIP_XMLLINT=1: %d documents not checked against %s", len(docs), schema)
		return // the rest of the test (encode, decode, compare) still runs
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install Debian package libxml2-utils (apt-get install -y libxml2-utils), " +
			"or set BEIAN_SKIP_XMLLINT=1 to skip schema validation")
	}
	dir := t.TempDir()
	var names []string
	for name, data := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	args := []string{"--noout", "--nonet", "--schema", filepath.Join(xsdDir, "gbk", schema)}
	for _, n := range names {
		args = append(args, filepath.Join(dir, n))
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	text := string(out)
	for _, n := range names {
		if !strings.Contains(text, filepath.Join(dir, n)+" validates") {
			t.Errorf("xmllint rejects %s", n)
		}
	}
	if err != nil || t.Failed() {
		t.Fatalf("xmllint %s: %v\n%s", schema, err, text)
	}
}

// kindDoc wraps one kind (a field of a container such as UploadICP) into a root document.
type kindCase struct {
	name  string
	build func(f *filler) any // returns *UploadData or *DownloadData
}

// containerKinds lists one case per optional complex field of container type C: a document
// holding only that kind, built by the filler. wrap puts the container into its root.
func containerKinds[C any](prefix string, wrap func(*C) any) []kindCase {
	var cases []kindCase
	ct := reflect.TypeFor[C]()
	m := modelOf(ct)
	for _, fm := range m.fields {
		if fm.kind != kindComplex {
			continue
		}
		fm := fm
		cases = append(cases, kindCase{name: prefix + fm.name, build: func(f *filler) any {
			var c C
			cv := reflect.ValueOf(&c).Elem()
			// Required simple fields of the container (Qqdwid) are filled, other kinds left out.
			for _, other := range m.fields {
				if other.kind != kindComplex && other.kind != kindAttr {
					f.value(cv.Field(other.index), other)
				}
			}
			fv := cv.Field(fm.index)
			p := reflect.New(fv.Type().Elem())
			f.fill(p.Elem())
			fv.Set(p)
			return wrap(&c)
		}})
	}
	return cases
}

func uploadKinds() []kindCase {
	var cases []kindCase
	cases = append(cases, containerKinds("ICP/", func(c *UploadICP) any { return &UploadData{Version: Version, ICP: c} })...)
	cases = append(cases, containerKinds("IP/", func(c *UploadIP) any { return &UploadData{Version: Version, IP: c} })...)
	cases = append(cases, containerKinds("YM/", func(c *UploadYM) any { return &UploadData{Version: Version, YM: c} })...)
	return cases
}

func downloadKinds() []kindCase {
	var cases []kindCase
	cases = append(cases, containerKinds("ICP/", func(c *DownloadICP) any { return &DownloadData{Version: Version, ICP: c} })...)
	cases = append(cases, containerKinds("IP/", func(c *DownloadIP) any { return &DownloadData{Version: Version, IP: c} })...)
	cases = append(cases, containerKinds("YM/", func(c *DownloadYM) any { return &DownloadData{Version: Version, YM: c} })...)
	cases = append(cases, containerKinds("JCDM/", func(c *JCDM) any { return &DownloadData{Version: Version, JCDM: c} })...)
	cases = append(cases, containerKinds("SJTB/", func(c *SJTB) any { return &DownloadData{Version: Version, SJTB: c} })...)
	return cases
}

// variants are the fillings each kind is tried with: all optional elements present (with
// every xs:choice alternative in turn) and only the required ones.
var variants = []struct {
	name string
	f    filler
}{
	{"full", filler{full: true}},
	{"full-alt1", filler{full: true, alt: 1}},
	{"full-alt2", filler{full: true, alt: 2}},
	{"minimal", filler{}},
	{"minimal-alt1", filler{alt: 1}},
}

func TestUploadKindsRoundTripThroughXSD(t *testing.T) {
	docs := map[string][]byte{}
	want := map[string]*UploadData{}
	kinds := uploadKinds()
	if len(kinds) != 8+3+3 {
		t.Fatalf("found %d upload kinds, want 14 (8 ICP, 3 IP, 3 YM)", len(kinds))
	}
	for _, k := range kinds {
		for _, v := range variants {
			f := v.f
			d := k.build(&f).(*UploadData)
			name := strings.ReplaceAll(k.name, "/", "_") + "-" + v.name + ".xml"
			data, err := EncodeUpload(d)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="GBK"?>`)) {
				t.Fatalf("%s: missing GBK declaration", name)
			}
			docs[name], want[name] = data, d
		}
	}
	xmllint(t, "upload-data.xsd", docs)
	for name, data := range docs {
		got, err := DecodeUpload(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s: decoded value differs from the original at %s", name, firstDiff(reflect.ValueOf(got), reflect.ValueOf(want[name]), ""))
		}
	}
}

func TestDownloadKindsRoundTripThroughXSD(t *testing.T) {
	docs := map[string][]byte{}
	want := map[string]*DownloadData{}
	kinds := downloadKinds()
	if len(kinds) != 9+2+1+2+4 {
		t.Fatalf("found %d download kinds, want 18 (9 ICP, 2 IP, 1 YM, 2 JCDM, 4 SJTB)", len(kinds))
	}
	for _, k := range kinds {
		for _, v := range variants {
			f := v.f
			d := k.build(&f).(*DownloadData)
			name := strings.ReplaceAll(k.name, "/", "_") + "-" + v.name + ".xml"
			data, err := EncodeDownload(d)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			docs[name], want[name] = data, d
		}
	}
	xmllint(t, "download-data.xsd", docs)
	for name, data := range docs {
		got, err := DecodeDownload(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s: decoded value differs from the original at %s", name, firstDiff(reflect.ValueOf(got), reflect.ValueOf(want[name]), ""))
		}
	}
}

// TestReturnDocumentsThroughXSD checks the structure of the generated return types against
// the five return XSDs. The XSDs fix <msg> at exactly 256 characters, which the filler
// honours here; real servers send short messages, which the client accepts (see NOTES.md).
func TestReturnDocumentsThroughXSD(t *testing.T) {
	cases := []struct {
		xsd string
		v   any
	}{
		{"upload-return.xsd", &UploadReturn{}},
		{"download-return.xsd", &DownloadReturn{}},
		{"downloadack-return.xsd", &DownloadAckReturn{}},
		{"querypreviousupload-return.xsd", &QueryPreviousUploadReturn{}},
		{"querybeianstatus-return.xsd", &QueryBeianStatusReturn{}},
	}
	for _, c := range cases {
		docs := map[string][]byte{}
		for _, v := range variants {
			f := v.f
			val := reflect.New(reflect.TypeOf(c.v).Elem())
			f.fill(val.Elem())
			if err := Validate(val.Interface()); err != nil {
				t.Fatalf("%s %s: %v", c.xsd, v.name, err)
			}
			data, err := MarshalGBK(val.Interface())
			if err != nil {
				t.Fatal(err)
			}
			docs[v.name+".xml"] = data
			back := reflect.New(val.Elem().Type())
			if err := UnmarshalXML(data, back.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Interface(), val.Interface()) {
				t.Errorf("%s %s: round trip differs", c.xsd, v.name)
			}
		}
		xmllint(t, c.xsd, docs)
	}
}

// TestValidateCatchesWhatXmllintRejects makes sure Validate is the strict gate in front of
// the bureau: documents broken in each way the facets allow are refused before encoding.
func TestValidateCatchesWhatXmllintRejects(t *testing.T) {
	base := func() *UploadData {
		f := filler{}
		return uploadKinds()[0].build(&f).(*UploadData) // ICP/XZBA, minimal
	}
	cases := []struct {
		name   string
		mutate func(d *UploadData)
		path   string
	}{
		{"too long", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].ZtXx.Dwmc = strings.Repeat("备", 256)
		}, "UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Dwmc"},
		{"empty required string", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].ZtXx.Dwmc = ""
		}, "UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Dwmc"},
		{"below range", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].ZtXx.Bbfs = 2
		}, "UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Bbfs"},
		{"missing repeated element", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].WzXx = nil
		}, "UploadData/ICP/XZBA/Baxx[0]/Wz_xx"},
		{"too many", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].WzXx[0].Fwnr.FwnrID = make([]int64, 65)
		}, "UploadData/ICP/XZBA/Baxx[0]/Wz_xx[0]/Fwnr/Fwnr_id"},
		{"control character", func(d *UploadData) {
			d.ICP.XZBA.Baxx[0].ZtXx.Dwmc = "a\x01b"
		}, "UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Dwmc"},
		{"no root choice", func(d *UploadData) {
			d.ICP = nil
		}, "UploadData"},
		{"two root choices", func(d *UploadData) {
			d.YM = &UploadYM{Qqdwid: 1}
		}, "UploadData"},
		{"bad date", func(d *UploadData) {
			d.ICP.HSJG = &HSJG{Hsjgxx: []HSJGHsjgxx{{Hssj: Date{raw: "2026/03/25"}}}}
		}, "UploadData/ICP/HSJG/Hsjgxx[0]/Hssj"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := base()
			if err := d.Validate(); err != nil {
				t.Fatalf("base document invalid: %v", err)
			}
			c.mutate(d)
			_, err := EncodeUpload(d)
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("EncodeUpload error = %v, want *ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Path == c.path {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem at %s; got %v", c.path, ve)
			}
		})
	}
}

func TestLookupFacets(t *testing.T) {
	f, ok := LookupFacets("UploadData/ICP/XZBA/Baxx/Zt_xx/Dwmc")
	if !ok || f.String() != "minLength=1 maxLength=255" {
		t.Errorf("Dwmc facets = %v, %v", f, ok)
	}
	f, ok = LookupFacets("UploadData/ICP/BGBA/Bgxx/Zt_xx/Zj/Zjlx")
	if !ok || f.MaxInclusive != 11 {
		t.Errorf("BGBA Zjlx facets = %v, %v (the XSD caps it at 11 there, 999 elsewhere)", f, ok)
	}
	if _, ok := LookupFacets("UploadData/ICP/XZBA"); ok {
		t.Error("complex element has facets")
	}
	if _, ok := LookupFacets("DownloadData/ICP/BAJG/Jg_xx/Czlx"); !ok {
		t.Error("download facets missing")
	}
}

// TestEveryModelTypeIsReachable guards the generator: each type in the model tables is used
// by some root, so none is silently left out of the round-trip tests.
func TestEveryModelTypeIsReachable(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(rt reflect.Type)
	walk = func(rt reflect.Type) {
		if seen[rt] {
			return
		}
		seen[rt] = true
		for _, f := range modelOf(rt).fields {
			if f.kind == kindComplex {
				walk(elemType(rt.Field(f.index).Type))
			}
		}
	}
	for _, set := range [][]*typeModel{uploadModel, downloadModel, returnModel} {
		for _, m := range set {
			if m.root {
				walk(m.typ)
			}
		}
	}
	for _, set := range [][]*typeModel{uploadModel, downloadModel, returnModel} {
		for _, m := range set {
			if !seen[m.typ] {
				t.Errorf("%s (%s) is not reachable from a root", m.typ, m.path)
			}
		}
	}
	if n := len(seen); n < 200 {
		t.Errorf("only %d types reachable", n)
	}
}
