package miit

import (
	"encoding/xml"
	"reflect"
	"strings"
)

// filler builds values of the generated types from the model alone, so every element of
// every XSD is exercised without hand-written fixtures that could miss one. "full" sets every
// optional element and repeats repeatable ones, with values at the upper facet bounds;
// otherwise only required elements are set, at the lower bounds. alt picks which alternative
// of each xs:choice is used, so running alt = 0, 1, 2 covers all of them.
type filler struct {
	full bool
	alt  int
	n    int // running counter, so repeated values differ
}

// textPool mixes GBK Chinese, ASCII, XML metacharacters, a CJK Extension A character outside
// GBK (U+4DAE) and a non-BMP emoji: the last two must travel as character references.
var textPool = []rune("备案测试网站A1&<>\"'䶮中文😀主体zB")

func (f *filler) fill(v reflect.Value) {
	m := modelOf(v.Type())
	if m == nil {
		panic("no model for " + v.Type().String())
	}
	alts := 0
	for _, fm := range m.fields {
		if fm.kind != kindAttr {
			alts++
		}
	}
	if m.root {
		v.Field(0).Set(reflect.ValueOf(xml.Name{Local: m.path}))
	}
	pick := 0
	if alts > 0 {
		pick = f.alt % alts
	}
	i := -1
	for _, fm := range m.fields {
		fv := v.Field(fm.index)
		if fm.kind == kindAttr {
			fv.SetString(Version)
			continue
		}
		i++
		if m.compositor == compChoice && i != pick {
			continue
		}
		count := fm.min
		if m.compositor == compChoice && count == 0 {
			count = 1
		}
		if f.full {
			count = max(count, 2)
			if fm.max >= 0 {
				count = min(count, fm.max)
			}
		}
		if count == 0 {
			continue
		}
		switch fv.Kind() {
		case reflect.Slice:
			s := reflect.MakeSlice(fv.Type(), count, count)
			for j := 0; j < count; j++ {
				f.value(s.Index(j), fm)
			}
			fv.Set(s)
		case reflect.Pointer:
			p := reflect.New(fv.Type().Elem())
			f.value(p.Elem(), fm)
			fv.Set(p)
		default:
			f.value(fv, fm)
		}
	}
}

func (f *filler) value(v reflect.Value, fm fieldModel) {
	f.n++
	switch fm.kind {
	case kindComplex:
		f.fill(v)
	case kindLong:
		v.SetInt(f.number(fm.facets))
	case kindIPv4:
		v.SetUint(uint64(f.number(fm.facets)))
	case kindDate:
		raw := "2026-03-25"
		if f.full && fm.facets.MaxLength >= 21 {
			raw = "2026-03-25 14:58:00.0"
		} else if fm.facets.MaxLength >= 19 && f.n%2 == 0 {
			raw = "2026-03-25 14:58:00"
		}
		d, err := ParseDate(raw)
		if err != nil {
			panic(err)
		}
		v.Set(reflect.ValueOf(d))
	case kindString:
		if fm.name == "beianInfo" || fm.name == "beianInfoHash" { // xs:base64Binary
			v.SetString("AAECAwQFBgc=")
			return
		}
		v.SetString(f.text(fm.facets))
	}
}

func (f *filler) number(fc Facets) int64 {
	lo, hi := int64(1), int64(0)
	if fc.Has&FacetMinInclusive != 0 {
		lo = fc.MinInclusive
	}
	if fc.Has&FacetMinExclusive != 0 {
		lo = fc.MinExclusive + 1
	}
	hi = lo + 1000
	if fc.Has&FacetMaxInclusive != 0 {
		hi = fc.MaxInclusive
	}
	if fc.Has&FacetMaxExclusive != 0 {
		hi = fc.MaxExclusive - 1
	}
	if f.full {
		return hi
	}
	return lo
}

func (f *filler) text(fc Facets) string {
	lo, hi := 0, 0
	switch {
	case fc.Has&FacetLength != 0:
		lo, hi = fc.Length, fc.Length
	default:
		if fc.Has&FacetMinLength != 0 {
			lo = fc.MinLength
		}
		hi = lo + 24
		if fc.Has&FacetMaxLength != 0 {
			hi = fc.MaxLength
		}
	}
	n := lo
	if f.full {
		n = hi
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(textPool[(f.n+i)%len(textPool)])
	}
	return b.String()
}
