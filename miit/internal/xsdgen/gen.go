package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"
)

// schemaFile describes one XSD and how its types are named in Go.
type schemaFile struct {
	XSD string // file name inside the XSD directory
	// Prefixes maps an XSD path to the Go name of that element's type and the prefix used for
	// the types below it. The longest matching path wins. The prefixes keep the names of the
	// ICP kinds short (XZBA, BASJ …) while the IP, YM, JCDM and SJTB branches, which reuse the
	// same element names (XZBA, BAJG, HCJG …), get their own prefix so nothing collides.
	Prefixes []prefix
}

type prefix struct {
	Path     string // XSD path, e.g. "UploadData/ICP"
	Name     string // Go type name of the element at Path
	Children string // prefix for the Go names of elements below Path
}

// output is one generated Go file, built from one or more schema files.
type output struct {
	File    string
	Model   string // name of the generated []*typeModel variable
	Title   string
	Schemas []schemaFile
}

var outputs = []output{
	{
		File: "types_upload.go", Model: "uploadModel",
		Title: "upload data (企业上报数据格式, upload-data.xsd)",
		Schemas: []schemaFile{{XSD: "upload-data.xsd", Prefixes: []prefix{
			{"UploadData", "UploadData", ""},
			{"UploadData/ICP", "UploadICP", ""},
			{"UploadData/IP", "UploadIP", "IP"},
			{"UploadData/YM", "UploadYM", "YM"},
		}}},
	},
	{
		File: "types_download.go", Model: "downloadModel",
		Title: "download data (企业下载数据格式, download-data.xsd)",
		Schemas: []schemaFile{{XSD: "download-data.xsd", Prefixes: []prefix{
			{"DownloadData", "DownloadData", ""},
			{"DownloadData/ICP", "DownloadICP", ""},
			{"DownloadData/IP", "DownloadIP", "IP"},
			{"DownloadData/YM", "DownloadYM", "YM"},
			{"DownloadData/JCDM", "JCDM", "JCDM"},
			{"DownloadData/SJTB", "SJTB", "SJTB"},
		}}},
	},
	{
		File: "types_return.go", Model: "returnModel",
		Title: "method return documents (the five *-return.xsd files)",
		Schemas: []schemaFile{
			{XSD: "upload-return.xsd", Prefixes: []prefix{{"return", "UploadReturn", "UploadReturn"}}},
			{XSD: "download-return.xsd", Prefixes: []prefix{{"return", "DownloadReturn", "DownloadReturn"}}},
			{XSD: "downloadack-return.xsd", Prefixes: []prefix{{"return", "DownloadAckReturn", "DownloadAckReturn"}}},
			{XSD: "querypreviousupload-return.xsd", Prefixes: []prefix{{"return", "QueryPreviousUploadReturn", "QueryPreviousUploadReturn"}}},
			{XSD: "querybeianstatus-return.xsd", Prefixes: []prefix{{"return", "QueryBeianStatusReturn", "QueryBeianStatusReturn"}}},
		},
	},
}

// goName turns an XSD element name into an exported Go identifier. The name is split at "_"
// and at lower-to-upper case changes, each part is capitalised, and parts that are common
// initialisms are written in capitals ("Zt_xx" → "ZtXx", "msg_code" → "MsgCode",
// "IspId" → "ISPID", "Fwnr_id" → "FwnrID"); the XML tag keeps the original name.
func goName(xsdName string) string {
	var parts []string
	for _, p := range strings.Split(xsdName, "_") {
		start := 0
		for i := 1; i < len(p); i++ {
			if isLower(p[i-1]) && isUpper(p[i]) {
				parts = append(parts, p[start:i])
				start = i
			}
		}
		if start < len(p) {
			parts = append(parts, p[start:])
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if up, ok := initialisms[strings.ToLower(p)]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

var initialisms = map[string]string{"id": "ID", "ip": "IP", "isp": "ISP", "icp": "ICP", "url": "URL", "msn": "MSN", "qq": "QQ"}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// typeName is the Go name for the complex element at path.
func typeName(sf schemaFile, path string) string {
	best := -1
	for i, p := range sf.Prefixes {
		if path == p.Path || strings.HasPrefix(path, p.Path+"/") {
			if best < 0 || len(p.Path) > len(sf.Prefixes[best].Path) {
				best = i
			}
		}
	}
	if best < 0 {
		panic("no prefix for " + path)
	}
	p := sf.Prefixes[best]
	if path == p.Path {
		return p.Name
	}
	name := p.Children
	for _, seg := range strings.Split(strings.TrimPrefix(path, p.Path+"/"), "/") {
		name += goName(seg)
	}
	return name
}

type fieldKind int

const (
	kLong fieldKind = iota
	kString
	kIPv4
	kDate
	kComplex
)

var kindNames = map[fieldKind]string{kLong: "kindLong", kString: "kindString", kIPv4: "kindIPv4", kDate: "kindDate", kComplex: "kindComplex"}

// kindOf decides the Go representation of an element. IPv4 addresses are the xs:long fields
// capped at 4294967295 (NOTES.md); dates are the strings of exactly 10 characters (uploads)
// or 10–22 characters (downloads): the only string fields with those bounds are dates.
func kindOf(e *Element) fieldKind {
	if e.Complex != nil {
		return kComplex
	}
	s := e.Simple
	switch s.Base {
	case "xs:long":
		if v, ok := s.facet("maxInclusive"); ok && v == "4294967295" {
			return kIPv4
		}
		return kLong
	case "xs:string":
		minL, _ := s.facet("minLength")
		maxL, _ := s.facet("maxLength")
		if minL == "10" && (maxL == "10" || maxL == "22") {
			return kDate
		}
		return kString
	case "xs:base64Binary", "":
		return kString
	}
	panic("unsupported base type " + s.Base + " at " + e.Path)
}

// key is a structural identity of a complex type: two elements with the same key are
// interchangeable in Go (same element names, order, occurrence, compositor, value types and
// facets), so they share one Go type. Documentation is not part of the key.
func key(c *Complex) string {
	var b strings.Builder
	b.WriteString(c.Compositor + "{")
	for _, a := range c.Attrs {
		fmt.Fprintf(&b, "@%s:%v;", a.Name, a.Required)
	}
	for _, e := range c.Elements {
		fmt.Fprintf(&b, "%s[%d,%d,%v]", e.Name, e.Min, e.Max, e.Nillable)
		if e.Complex != nil {
			b.WriteString(key(e.Complex))
		} else {
			fmt.Fprintf(&b, "%s%v", e.Simple.Base, e.Simple.Facets)
		}
		b.WriteString(";")
	}
	b.WriteString("}")
	return b.String()
}

type goType struct {
	Name    string
	Elem    *Element // first occurrence
	Root    bool
	Aliases []*alias
}

type alias struct {
	Name string
	Elem *Element
}

type generator struct {
	out    output
	byKey  map[string]*goType
	byName map[string]*goType
	types  []*goType
	names  map[string]string // every emitted identifier → its path, to catch collisions
}

// generate produces the formatted Go source of one output file from the XSDs read by read.
func generate(out output, read func(name string) ([]byte, error)) ([]byte, error) {
	g := &generator{out: out, byKey: map[string]*goType{}, byName: map[string]*goType{}, names: map[string]string{}}
	for _, sf := range out.Schemas {
		data, err := read(sf.XSD)
		if err != nil {
			return nil, err
		}
		root, err := parseSchema(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sf.XSD, err)
		}
		if root.Complex == nil {
			return nil, fmt.Errorf("%s: root is not complex", sf.XSD)
		}
		if err := g.collect(sf, root, true); err != nil {
			return nil, fmt.Errorf("%s: %w", sf.XSD, err)
		}
	}
	src := g.emit()
	formatted, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("format %s: %w\n%s", out.File, err, src)
	}
	return formatted, nil
}

func (g *generator) claim(name, path string) error {
	if prev, ok := g.names[name]; ok {
		return fmt.Errorf("Go name %s used for both %s and %s", name, prev, path)
	}
	g.names[name] = path
	return nil
}

// collect walks the element tree in document order and assigns every complex element a Go
// type: the first element with a given structure defines the type, later ones become aliases.
func (g *generator) collect(sf schemaFile, e *Element, root bool) error {
	name := typeName(sf, e.Path)
	k := key(e.Complex)
	if root {
		k = "root:" + e.Path + ":" + name + k // roots carry XMLName; never share them
	}
	if t, ok := g.byKey[k]; ok {
		if err := g.claim(name, e.Path); err != nil {
			return err
		}
		t.Aliases = append(t.Aliases, &alias{Name: name, Elem: e})
	} else {
		if err := g.claim(name, e.Path); err != nil {
			return err
		}
		t := &goType{Name: name, Elem: e, Root: root}
		g.byKey[k] = t
		g.byName[name] = t
		g.types = append(g.types, t)
	}
	seen := map[string]bool{}
	for _, c := range e.Complex.Elements {
		fn := goName(c.Name)
		if seen[fn] || fn == "XMLName" || fn == "Version" {
			return fmt.Errorf("%s: Go field name %s collides", e.Path, fn)
		}
		seen[fn] = true
		if c.Complex != nil {
			if err := g.collect(sf, c, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// goTypeOf is the Go type name that holds element e.
func (g *generator) goTypeOf(e *Element) string {
	switch kindOf(e) {
	case kLong:
		return "int64"
	case kString:
		return "string"
	case kIPv4:
		return "IPv4"
	case kDate:
		return "Date"
	}
	for _, t := range g.types {
		if t.Elem == e {
			return t.Name
		}
		for _, a := range t.Aliases {
			if a.Elem == e {
				return t.Name // refer to the defining type, not the alias
			}
		}
	}
	panic("no type for " + e.Path)
}

func occurs(min, max int) string {
	switch {
	case max == -1:
		return fmt.Sprintf("%d..unbounded", min)
	default:
		return fmt.Sprintf("%d..%d", min, max)
	}
}

func describeValue(e *Element) string {
	if e.Complex != nil {
		return "xs:" + e.Complex.Compositor
	}
	base := e.Simple.Base
	if base == "" {
		base = "untyped (xs:anyType)"
	}
	parts := []string{base}
	for _, f := range e.Simple.Facets {
		parts = append(parts, f.Kind+"="+f.Value)
	}
	if e.Nillable {
		parts = append(parts, "nillable")
	}
	return strings.Join(parts, " ")
}

func comment(b *bytes.Buffer, indent, text string) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			fmt.Fprintf(b, "%s//\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s// %s\n", indent, line)
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func (g *generator) emit() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by miit/internal/xsdgen from MIIT's XSDs; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package miit\n\n")
	b.WriteString("import (\n\t\"encoding/xml\"\n\t\"reflect\"\n)\n\n")
	fmt.Fprintf(&b, "// This file holds the Go types of the %s.\n", g.out.Title)
	b.WriteString("// Every complex element of the schema has a type; elements of identical structure share\n")
	b.WriteString("// one type and the other paths get an alias, so each XSD path still has its own name.\n\n")

	for _, t := range g.types {
		e := t.Elem
		doc := strings.TrimSpace(e.Doc)
		if doc == "" {
			fmt.Fprintf(&b, "// %s is the content of the <%s> element.\n", t.Name, e.Name)
		} else {
			fmt.Fprintf(&b, "// %s is the content of the <%s> element: %s\n", t.Name, e.Name, firstLine(doc))
			if rest := strings.TrimSpace(strings.TrimPrefix(doc, firstLine(doc))); rest != "" {
				comment(&b, "", rest)
			}
		}
		b.WriteString("//\n")
		fmt.Fprintf(&b, "// XSD path %s (xs:%s).\n", e.Path, e.Complex.Compositor)
		if e.Complex.Compositor == "choice" {
			b.WriteString("// Exactly one field must be set; Validate enforces it.\n")
		}
		if len(t.Aliases) > 0 {
			b.WriteString("// The same structure is used at:\n")
			for _, a := range t.Aliases {
				fmt.Fprintf(&b, "//   - %s (%s)\n", a.Elem.Path, a.Name)
			}
		}
		fmt.Fprintf(&b, "type %s struct {\n", t.Name)
		if t.Root {
			fmt.Fprintf(&b, "\tXMLName xml.Name `xml:\"%s\"`\n", e.Name)
		}
		for _, a := range e.Complex.Attrs {
			fmt.Fprintf(&b, "\t// Version is the interface version attribute (%q); required by the XSD.\n", "V.3.0")
			fmt.Fprintf(&b, "\tVersion string `xml:\"%s,attr\"`\n", a.Name)
		}
		choice := e.Complex.Compositor == "choice"
		for _, c := range e.Complex.Elements {
			if c.Doc != "" {
				comment(&b, "\t", c.Doc)
				b.WriteString("\t//\n")
			}
			occ := occurs(c.Min, c.Max)
			if choice {
				occ = "choice alternative, " + occ
			}
			typ := g.goTypeOf(c)
			tag := c.Name
			multi := c.Max != 1
			optional := !multi && (c.Min == 0 || choice)
			note := ""
			if optional && typ == "string" {
				note = " Empty means absent."
			}
			fmt.Fprintf(&b, "\t// XSD <%s> %s; %s.%s\n", c.Name, occ, describeValue(c), note)
			switch {
			case multi:
				typ = "[]" + typ
			case optional && typ != "string":
				typ = "*" + typ
				tag += ",omitempty"
			case optional:
				tag += ",omitempty"
			}
			fmt.Fprintf(&b, "\t%s %s `xml:\"%s\"`\n", goName(c.Name), typ, tag)
		}
		b.WriteString("}\n\n")
	}

	var aliases []*alias
	target := map[*alias]string{}
	for _, t := range g.types {
		for _, a := range t.Aliases {
			aliases = append(aliases, a)
			target[a] = t.Name
		}
	}
	if len(aliases) > 0 {
		b.WriteString("type (\n")
		for _, a := range aliases {
			fmt.Fprintf(&b, "\t// %s is the content of <%s> at %s; its structure is identical to %s.\n",
				a.Name, a.Elem.Name, a.Elem.Path, target[a])
			if d := firstLine(a.Elem.Doc); d != "" {
				comment(&b, "\t", d)
			}
			fmt.Fprintf(&b, "\t%s = %s\n", a.Name, target[a])
		}
		b.WriteString(")\n\n")
	}

	// The model: per Go type, its compositor and, per field, the XML name, struct field index,
	// occurrence, value kind and facets. Validate, the facet look-up and the tests read it.
	fmt.Fprintf(&b, "// %s describes every type of this file for Validate and LookupFacets.\n", g.out.Model)
	fmt.Fprintf(&b, "var %s = []*typeModel{\n", g.out.Model)
	for _, t := range g.types {
		e := t.Elem
		fmt.Fprintf(&b, "\t{typ: reflect.TypeFor[%s](), path: %q, compositor: comp%s, root: %v, fields: []fieldModel{\n",
			t.Name, e.Path, strings.ToUpper(e.Complex.Compositor[:1])+e.Complex.Compositor[1:], t.Root)
		idx := 0
		if t.Root {
			idx++ // XMLName
		}
		for _, a := range e.Complex.Attrs {
			fmt.Fprintf(&b, "\t\t{name: %q, index: %d, min: %d, max: 1, kind: kindAttr},\n", a.Name, idx, boolInt(a.Required))
			idx++
		}
		for _, c := range e.Complex.Elements {
			fmt.Fprintf(&b, "\t\t{name: %q, index: %d, min: %d, max: %d, kind: %s", c.Name, idx, c.Min, c.Max, kindNames[kindOf(c)])
			if c.Nillable {
				b.WriteString(", nillable: true")
			}
			if c.Simple != nil && len(c.Simple.Facets) > 0 {
				b.WriteString(", facets: " + facetLiteral(c.Simple.Facets))
			}
			b.WriteString("},\n")
			idx++
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

var facetField = map[string]struct{ flag, field string }{
	"length":       {"FacetLength", "Length"},
	"minLength":    {"FacetMinLength", "MinLength"},
	"maxLength":    {"FacetMaxLength", "MaxLength"},
	"minInclusive": {"FacetMinInclusive", "MinInclusive"},
	"maxInclusive": {"FacetMaxInclusive", "MaxInclusive"},
	"minExclusive": {"FacetMinExclusive", "MinExclusive"},
	"maxExclusive": {"FacetMaxExclusive", "MaxExclusive"},
}

func facetLiteral(fs []Facet) string {
	sorted := append([]Facet(nil), fs...)
	order := []string{"length", "minLength", "maxLength", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive"}
	rank := map[string]int{}
	for i, o := range order {
		rank[o] = i
	}
	sort.SliceStable(sorted, func(i, j int) bool { return rank[sorted[i].Kind] < rank[sorted[j].Kind] })
	var flags, vals []string
	for _, f := range sorted {
		ff := facetField[f.Kind]
		flags = append(flags, ff.flag)
		if _, err := strconv.ParseInt(f.Value, 10, 64); err != nil {
			panic("non-integer facet value " + f.Value)
		}
		vals = append(vals, ff.field+": "+f.Value)
	}
	return "Facets{Has: " + strings.Join(flags, " | ") + ", " + strings.Join(vals, ", ") + "}"
}
