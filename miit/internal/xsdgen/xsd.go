package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// xsNS is the XML Schema namespace; every element the MIIT schemas use lives in it.
const xsNS = "http://www.w3.org/2001/XMLSchema"

// node is a generic parse of one XSD element. The MIIT schemas use only anonymous, inline types
// (no named types, no refs, no imports), so a plain tree is all the generator needs.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) kids(local string) []*node {
	var out []*node
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Space == xsNS && c.XMLName.Local == local {
			out = append(out, c)
		}
	}
	return out
}

func (n *node) kid(local string) *node {
	k := n.kids(local)
	if len(k) == 0 {
		return nil
	}
	return k[0]
}

// Element is one xs:element of the schema, with its occurrence and its type.
type Element struct {
	Name     string
	Min, Max int // Max is -1 for unbounded
	Nillable bool
	Doc      string
	Simple   *Simple  // nil for complex elements
	Complex  *Complex // nil for simple elements
	Path     string   // slash-separated XSD path from the root element
}

// Simple is the value type of a simple element: its XSD base type and facets.
// Base is "" for an element declared without any type (xs:anyType in XSD terms).
type Simple struct {
	Base   string
	Facets []Facet
}

// Facet is one constraining facet, e.g. {"maxLength", "255"}.
type Facet struct {
	Kind  string
	Value string
}

// Complex is an anonymous complex type: one compositor over child elements, plus attributes.
type Complex struct {
	Compositor string // sequence, all or choice
	Elements   []*Element
	Attrs      []Attr
}

// Attr is an attribute declaration; the schemas only use the required "version" attribute.
type Attr struct {
	Name     string
	Required bool
}

// parseSchema reads one UTF-8 XSD file and returns its single root element.
func parseSchema(data []byte) (*Element, error) {
	var root node
	d := xml.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&root); err != nil {
		return nil, err
	}
	if root.XMLName.Space != xsNS || root.XMLName.Local != "schema" {
		return nil, fmt.Errorf("root is %v, want xs:schema", root.XMLName)
	}
	els := root.kids("element")
	if len(els) != 1 {
		return nil, fmt.Errorf("schema has %d top-level elements, want 1", len(els))
	}
	for _, c := range root.Children {
		if c.XMLName.Space == xsNS && c.XMLName.Local != "element" {
			return nil, fmt.Errorf("unsupported top-level xs:%s", c.XMLName.Local)
		}
	}
	return parseElement(els[0], "")
}

func parseElement(n *node, parent string) (*Element, error) {
	name, ok := n.attr("name")
	if !ok {
		return nil, fmt.Errorf("%s: element without name (refs are not supported)", parent)
	}
	e := &Element{Name: name, Min: 1, Max: 1}
	if parent == "" {
		e.Path = name
	} else {
		e.Path = parent + "/" + name
	}
	var err error
	if v, ok := n.attr("minOccurs"); ok {
		if e.Min, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("%s: minOccurs: %w", e.Path, err)
		}
	}
	if v, ok := n.attr("maxOccurs"); ok {
		if v == "unbounded" {
			e.Max = -1
		} else if e.Max, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("%s: maxOccurs: %w", e.Path, err)
		}
	}
	if v, ok := n.attr("nillable"); ok && v == "true" {
		e.Nillable = true
	}
	if a := n.kid("annotation"); a != nil {
		var docs []string
		for _, d := range a.kids("documentation") {
			docs = append(docs, strings.TrimSpace(d.Text))
		}
		e.Doc = strings.Join(docs, "\n")
	}
	typ, hasType := n.attr("type")
	st, ct := n.kid("simpleType"), n.kid("complexType")
	switch {
	case hasType:
		if !strings.HasPrefix(typ, "xs:") {
			return nil, fmt.Errorf("%s: named type %q not supported", e.Path, typ)
		}
		e.Simple = &Simple{Base: typ}
	case st != nil:
		r := st.kid("restriction")
		if r == nil {
			return nil, fmt.Errorf("%s: simpleType without restriction", e.Path)
		}
		base, _ := r.attr("base")
		e.Simple = &Simple{Base: base}
		for i := range r.Children {
			f := &r.Children[i]
			if f.XMLName.Space != xsNS {
				continue
			}
			v, _ := f.attr("value")
			switch f.XMLName.Local {
			case "length", "minLength", "maxLength", "minInclusive", "maxInclusive", "maxExclusive", "minExclusive":
				e.Simple.Facets = append(e.Simple.Facets, Facet{f.XMLName.Local, v})
			case "annotation":
			default:
				return nil, fmt.Errorf("%s: unsupported facet xs:%s", e.Path, f.XMLName.Local)
			}
		}
	case ct != nil:
		c := &Complex{}
		for i := range ct.Children {
			k := &ct.Children[i]
			if k.XMLName.Space != xsNS {
				continue
			}
			switch k.XMLName.Local {
			case "sequence", "all", "choice":
				if c.Compositor != "" {
					return nil, fmt.Errorf("%s: two compositors", e.Path)
				}
				if _, ok := k.attr("minOccurs"); ok {
					return nil, fmt.Errorf("%s: occurrence on a compositor is not supported", e.Path)
				}
				if _, ok := k.attr("maxOccurs"); ok {
					return nil, fmt.Errorf("%s: occurrence on a compositor is not supported", e.Path)
				}
				c.Compositor = k.XMLName.Local
				for j := range k.Children {
					m := &k.Children[j]
					if m.XMLName.Space != xsNS || m.XMLName.Local == "annotation" {
						continue
					}
					if m.XMLName.Local != "element" {
						return nil, fmt.Errorf("%s: nested xs:%s inside a compositor is not supported", e.Path, m.XMLName.Local)
					}
					child, err := parseElement(m, e.Path)
					if err != nil {
						return nil, err
					}
					c.Elements = append(c.Elements, child)
				}
			case "attribute":
				an, _ := k.attr("name")
				use, _ := k.attr("use")
				c.Attrs = append(c.Attrs, Attr{Name: an, Required: use == "required"})
			case "annotation":
			default:
				return nil, fmt.Errorf("%s: unsupported xs:%s in complexType", e.Path, k.XMLName.Local)
			}
		}
		if c.Compositor == "" {
			return nil, fmt.Errorf("%s: complexType without compositor", e.Path)
		}
		e.Complex = c
	default:
		// No type at all: xs:anyType. The return XSDs do this for a few text fields.
		e.Simple = &Simple{}
	}
	return e, nil
}

// facet returns the value of the named facet and whether it is present.
func (s *Simple) facet(kind string) (string, bool) {
	for _, f := range s.Facets {
		if f.Kind == kind {
			return f.Value, true
		}
	}
	return "", false
}
