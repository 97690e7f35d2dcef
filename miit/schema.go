package miit

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run ./internal/xsdgen -xsd testdata/xsd/utf8 -out .

// Facet flags say which fields of a Facets value the XSD sets.
const (
	FacetLength uint8 = 1 << iota
	FacetMinLength
	FacetMaxLength
	FacetMinInclusive
	FacetMaxInclusive
	FacetMinExclusive
	FacetMaxExclusive
)

// Facets are the constraining facets of one simple XSD element. Only the fields whose flag is
// set in Has apply. Lengths count characters (runes), not GBK bytes, as XSD defines them.
type Facets struct {
	Has                        uint8
	Length                     int
	MinLength                  int
	MaxLength                  int
	MinInclusive, MaxInclusive int64
	MinExclusive, MaxExclusive int64
}

// String renders the facets the way the XSD writes them, e.g. "minLength=1 maxLength=255".
func (f Facets) String() string {
	var parts []string
	add := func(flag uint8, name string, v int64) {
		if f.Has&flag != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", name, v))
		}
	}
	add(FacetLength, "length", int64(f.Length))
	add(FacetMinLength, "minLength", int64(f.MinLength))
	add(FacetMaxLength, "maxLength", int64(f.MaxLength))
	add(FacetMinInclusive, "minInclusive", f.MinInclusive)
	add(FacetMinExclusive, "minExclusive", f.MinExclusive)
	add(FacetMaxInclusive, "maxInclusive", f.MaxInclusive)
	add(FacetMaxExclusive, "maxExclusive", f.MaxExclusive)
	return strings.Join(parts, " ")
}

type compositor uint8

const (
	compSequence compositor = iota
	compAll
	compChoice
)

type valueKind uint8

const (
	kindLong valueKind = iota
	kindString
	kindIPv4
	kindDate
	kindComplex
	kindAttr
)

// fieldModel is one element (or attribute) of a generated struct, as the XSD declares it.
type fieldModel struct {
	name     string // XML name
	index    int    // struct field index
	min, max int    // occurrence; max -1 is unbounded
	kind     valueKind
	nillable bool
	facets   Facets
}

// typeModel is one generated struct: which XSD element it is and how its fields are constrained.
type typeModel struct {
	typ        reflect.Type
	path       string
	compositor compositor
	root       bool
	fields     []fieldModel
}

var (
	modelsOnce sync.Once
	models     map[reflect.Type]*typeModel
	facetIndex map[string]Facets
)

func loadModels() {
	models = map[reflect.Type]*typeModel{}
	for _, set := range [][]*typeModel{uploadModel, downloadModel, returnModel} {
		for _, m := range set {
			models[m.typ] = m
		}
	}
	facetIndex = map[string]Facets{}
	var walk func(m *typeModel, path string)
	walk = func(m *typeModel, path string) {
		for _, f := range m.fields {
			p := path + "/" + f.name
			if f.kind == kindComplex {
				walk(models[elemType(m.typ.Field(f.index).Type)], p)
				continue
			}
			facetIndex[p] = f.facets
		}
	}
	for _, m := range models {
		if m.root {
			walk(m, m.path)
		}
	}
}

func modelOf(t reflect.Type) *typeModel {
	modelsOnce.Do(loadModels)
	return models[t]
}

// elemType strips pointer and slice layers: the struct type a field holds.
func elemType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

// LookupFacets returns the facets of the simple element at an XSD path such as
// "UploadData/ICP/XZBA/Baxx/Zt_xx/Dwmc" (no indexes). The rule catalogue and forms use it to
// show and check the same limits the bureau's schema enforces. ok is false for unknown paths
// and for complex elements.
func LookupFacets(path string) (f Facets, ok bool) {
	modelsOnce.Do(loadModels)
	f, ok = facetIndex[path]
	return f, ok
}

// Problem is one way a value breaks the XSD.
type Problem struct {
	Path    string // XSD path with indexes, e.g. UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Dwmc
	Message string // English, for logs and staff; not shown to customers as is
}

// ValidationError lists every problem Validate found. Callers that map problems back to form
// fields read Problems; its Error text shows the first few.
type ValidationError struct {
	Problems []Problem
}

// Error counts the problems and shows the first five.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "miit: %d XSD problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; …")
			break
		}
		fmt.Fprintf(&b, "; %s: %s", p.Path, p.Message)
	}
	return b.String()
}

// Validate checks a value of any generated type (UploadData, DownloadData, a return document
// or any part of them) against the XSD: occurrence counts, exactly one alternative of each
// xs:choice, the length and range facets, that dates parse and that strings hold only
// characters XML can carry. It returns nil or a *ValidationError. Element order and names are
// right by construction (the struct tags come from the XSD), so a value that passes Validate
// encodes to a document the official schema accepts.
func Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return &ValidationError{Problems: []Problem{{Path: "", Message: "nil value"}}}
		}
		rv = rv.Elem()
	}
	m := modelOf(rv.Type())
	if m == nil {
		return fmt.Errorf("miit: Validate: %s is not a generated XSD type", rv.Type())
	}
	var w validator
	w.push(m.path, -1)
	w.complex(rv, m)
	if len(w.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: w.problems}
}

// Validate checks d against upload-data.xsd; see the package-level Validate.
func (d *UploadData) Validate() error { return Validate(d) }

// Validate checks d against download-data.xsd; see the package-level Validate.
func (d *DownloadData) Validate() error { return Validate(d) }

type validator struct {
	problems []Problem
	// stack is the path to the value being checked. It is written out only
	// for a problem: building a path string for every value (most pass)
	// cost more than the checks themselves.
	stack []pathStep
}

type pathStep struct {
	name  string
	index int // -1 when the element is not one of a repeated list
}

func (w *validator) push(name string, index int) { w.stack = append(w.stack, pathStep{name, index}) }
func (w *validator) pop()                        { w.stack = w.stack[:len(w.stack)-1] }

// path writes out the current path, e.g. UploadData/ICP/XZBA/Baxx[0]/Zt_xx/Dwmc.
func (w *validator) path() string {
	var b strings.Builder
	for i, e := range w.stack {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(e.name)
		if e.index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.index)
		}
	}
	return b.String()
}

func (w *validator) add(format string, args ...any) {
	w.problems = append(w.problems, Problem{Path: w.path(), Message: fmt.Sprintf(format, args...)})
}

// complex checks a struct value; the stack ends with its element.
func (w *validator) complex(rv reflect.Value, m *typeModel) {
	chosen := 0
	for i := range m.fields {
		f := &m.fields[i]
		fv := rv.Field(f.index)
		if f.kind == kindAttr {
			if f.min > 0 && fv.String() == "" {
				w.push(f.name, -1)
				w.add("required attribute is missing")
				w.pop()
			}
			continue
		}
		if fv.Kind() == reflect.Slice {
			n := fv.Len()
			if n > 0 {
				chosen++
			}
			w.push(f.name, -1)
			if m.compositor != compChoice && n < f.min {
				w.add("occurs %d times, XSD requires at least %d", n, f.min)
			}
			if f.max >= 0 && n > f.max {
				w.add("occurs %d times, XSD allows at most %d", n, f.max)
			}
			for j := 0; j < n; j++ {
				w.stack[len(w.stack)-1].index = j
				w.value(fv.Index(j), f)
			}
			w.pop()
			continue
		}
		present := true
		switch {
		case fv.Kind() == reflect.Pointer:
			present = !fv.IsNil()
		case fv.Kind() == reflect.String && (f.min == 0 || m.compositor == compChoice):
			present = fv.Len() > 0 // optional strings: empty means absent
		}
		if !present {
			continue
		}
		chosen++
		w.push(f.name, -1)
		w.value(fv, f)
		w.pop()
	}
	if m.compositor == compChoice && chosen != 1 {
		w.add("xs:choice needs exactly one of %s, found %d", choiceNames(m), chosen)
	}
}

func choiceNames(m *typeModel) string {
	var names []string
	for _, f := range m.fields {
		if f.kind != kindAttr {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ", ")
}

func (w *validator) value(v reflect.Value, f *fieldModel) {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch f.kind {
	case kindComplex:
		w.complex(v, modelOf(v.Type()))
	case kindLong:
		w.number(v.Int(), &f.facets)
	case kindIPv4:
		w.number(int64(v.Uint()), &f.facets)
	case kindString:
		w.text(v.String(), &f.facets)
	case kindDate:
		d := v.Interface().(Date)
		w.text(d.raw, &f.facets)
		if _, ok := d.Time(); !ok && d.raw != "" {
			w.add("%q is not a date (YYYY-MM-DD[ HH:MM:SS[.S]])", d.raw)
		}
	}
}

func (w *validator) number(n int64, f *Facets) {
	if f.Has&FacetMinInclusive != 0 && n < f.MinInclusive {
		w.add("%d is below minInclusive %d", n, f.MinInclusive)
	}
	if f.Has&FacetMinExclusive != 0 && n <= f.MinExclusive {
		w.add("%d is not above minExclusive %d", n, f.MinExclusive)
	}
	if f.Has&FacetMaxInclusive != 0 && n > f.MaxInclusive {
		w.add("%d is above maxInclusive %d", n, f.MaxInclusive)
	}
	if f.Has&FacetMaxExclusive != 0 && n >= f.MaxExclusive {
		w.add("%d is not below maxExclusive %d", n, f.MaxExclusive)
	}
}

func (w *validator) text(s string, f *Facets) {
	// One pass: validity, character count and XML legality.
	n, bad := 0, rune(-1)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				w.add("not valid UTF-8")
				return
			}
		}
		if bad < 0 && !isXMLChar(r) {
			bad = r
		}
		n++
		i += size
	}
	if f.Has&FacetLength != 0 && n != f.Length {
		w.add("has %d characters, XSD requires exactly %d", n, f.Length)
	}
	if f.Has&FacetMinLength != 0 && n < f.MinLength {
		w.add("has %d characters, XSD requires at least %d", n, f.MinLength)
	}
	if f.Has&FacetMaxLength != 0 && n > f.MaxLength {
		w.add("has %d characters, XSD allows at most %d", n, f.MaxLength)
	}
	if bad >= 0 {
		w.add("contains %U, which XML 1.0 cannot carry", bad)
	}
}

// isXMLChar reports whether r is allowed in XML 1.0 character data. encoding/xml would
// silently replace the others with U+FFFD; we refuse them instead of sending altered data.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
