package rules

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/openbeian/beian"
)

// RegistryFacts is the table of MIIT-approved top-level domains and domain
// registrars (spec §6.2.1–2). Implementations are in memory: the draft
// fast path consults them.
type RegistryFacts interface {
	// Suffix returns the longest public suffix of the normalised domain d
	// that the table knows ("com.cn" for "a.b.com.cn"; the last label when
	// the table knows none) and whether its top-level domain is approved.
	Suffix(d string) (suffix string, approved bool)
	// Registrar reports whether the registrar with the given name (as a
	// registry publishes it, in Chinese or English) is an approved domestic
	// registrar; known is false when the table has no entry for it.
	Registrar(name string) (approved, known bool)
	// AsOf is the date the table was last verified.
	AsOf() beian.Date
}

// TLDEntry is one top-level domain of the table.
type TLDEntry struct {
	// Suffix is the TLD in Unicode form without a dot ("cn", "中国").
	Suffix string `json:"suffix"`
	// Approved is false for an admin entry that withdraws an approval.
	Approved *bool  `json:"approved,omitempty"`
	Note     string `json:"note,omitempty"` // e.g. who may register under it
}

// RegistrarEntry is one registrar of the table.
type RegistrarEntry struct {
	Name     string   `json:"name"`              // the registrar's legal name
	Aliases  []string `json:"aliases,omitempty"` // other names registries publish for it
	Approved bool     `json:"approved"`          // an MIIT-approved domestic registrar
}

// RegistryOverlay is the admin table laid over the embedded one: entries
// with the same suffix or registrar name replace the embedded ones.
type RegistryOverlay struct {
	AsOf        beian.Date       `json:"as_of"`                  // when the admin last verified it; zero keeps the embedded date
	TLDs        []TLDEntry       `json:"tlds,omitempty"`         // added or withdrawn TLDs
	SecondLevel []string         `json:"second_level,omitempty"` // more public suffixes under an approved TLD
	Registrars  []RegistrarEntry `json:"registrars,omitempty"`   // added or corrected registrars
}

// Registry is the in-memory RegistryFacts: the embedded table, optionally
// with an admin overlay. It is safe for concurrent use and never changes
// after construction.
type Registry struct {
	asOf       beian.Date
	source     string
	tlds       map[string]bool // suffix → approved
	second     map[string]bool // known second-level public suffixes
	registrars map[string]bool // folded name or alias → approved
	exact      map[string]bool // name or alias as written → approved
	entries    []TLDEntry      // for docs, sorted
}

//go:embed data/registry.json
var registryJSON []byte

type registryFile struct {
	AsOf        beian.Date       `json:"as_of"`
	Source      string           `json:"source"`
	TLDs        []TLDEntry       `json:"tlds"`
	SecondLevel []string         `json:"second_level"`
	Registrars  []RegistrarEntry `json:"registrars"`
}

var defaultRegistry = sync.OnceValue(func() *Registry {
	r, err := NewRegistry(RegistryOverlay{})
	if err != nil {
		panic("rules: embedded data/registry.json: " + err.Error())
	}
	return r
})

// DefaultRegistry returns the embedded table without overlay.
func DefaultRegistry() *Registry { return defaultRegistry() }

// NewRegistry returns the embedded table with the overlay applied. It fails
// when an overlay entry is malformed.
func NewRegistry(o RegistryOverlay) (*Registry, error) {
	var f registryFile
	if err := json.Unmarshal(registryJSON, &f); err != nil {
		return nil, err
	}
	r := &Registry{
		asOf:       f.AsOf,
		source:     f.Source,
		tlds:       map[string]bool{},
		second:     map[string]bool{},
		registrars: map[string]bool{},
		exact:      map[string]bool{},
	}
	notes := map[string]string{}
	add := func(e TLDEntry, admin bool) error {
		s, ok := normalizeDomain(e.Suffix)
		if !ok || s == "" || strings.Contains(s, ".") {
			return fmt.Errorf("bad TLD %q", e.Suffix)
		}
		approved := true
		if e.Approved != nil {
			approved = *e.Approved
		}
		r.tlds[s] = approved
		if e.Note != "" || admin {
			notes[s] = e.Note
		}
		return nil
	}
	for _, e := range f.TLDs {
		if err := add(e, false); err != nil {
			return nil, err
		}
	}
	for _, e := range o.TLDs {
		if err := add(e, true); err != nil {
			return nil, beian.Invalid("registry.tlds", "rules.registry.entry", "value", e.Suffix)
		}
	}
	for _, s := range append(f.SecondLevel, o.SecondLevel...) {
		n, ok := normalizeDomain(s)
		if !ok || strings.Count(n, ".") != 1 {
			return nil, beian.Invalid("registry.second_level", "rules.registry.entry", "value", s)
		}
		r.second[n] = true
	}
	for _, e := range append(f.Registrars, o.Registrars...) {
		if registrarKey(e.Name) == "" {
			return nil, beian.Invalid("registry.registrars", "rules.registry.entry", "value", e.Name)
		}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			r.registrars[registrarKey(n)] = e.Approved
			r.exact[n] = e.Approved
		}
	}
	if !o.AsOf.IsZero() {
		r.asOf = o.AsOf
	}
	for s, ok := range r.tlds {
		a := ok
		r.entries = append(r.entries, TLDEntry{Suffix: s, Approved: &a, Note: notes[s]})
	}
	sort.Slice(r.entries, func(i, j int) bool { return r.entries[i].Suffix < r.entries[j].Suffix })
	return r, nil
}

// registrarKey folds a registrar name for matching: case, spaces and
// punctuation (full- or half-width) do not count. Matching is exact on the
// folded form — never by substring, since "Alibaba.com Singapore" is a
// foreign registrar while "Alibaba Cloud Computing (Beijing)" is domestic.
func registrarKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Suffix implements RegistryFacts.
func (r *Registry) Suffix(d string) (string, bool) {
	i := strings.LastIndexByte(d, '.')
	tld := d[i+1:]
	approved := r.tlds[tld]
	if i > 0 {
		j := strings.LastIndexByte(d[:i], '.')
		if two := d[j+1:]; r.second[two] {
			return two, approved
		}
	}
	return tld, approved
}

// Registrar implements RegistryFacts.
func (r *Registry) Registrar(name string) (approved, known bool) {
	if approved, known = r.exact[name]; known {
		return approved, known
	}
	approved, known = r.registrars[registrarKey(name)]
	return approved, known
}

// AsOf implements RegistryFacts.
func (r *Registry) AsOf() beian.Date { return r.asOf }

// Source says where the table comes from.
func (r *Registry) Source() string { return r.source }

// TLDs returns the table's top-level domains, sorted.
func (r *Registry) TLDs() []TLDEntry { return append([]TLDEntry(nil), r.entries...) }

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"rules.registry.entry":      {ZH: "域名后缀/注册商表的条目「{value}」格式不正确。", EN: "Malformed suffix or registrar table entry {value}."},
		"rules.override.province":   {ZH: "省份规则覆盖中的省份「{province}」不存在。", EN: "Unknown province {province} in the rule-pack overrides."},
		"rules.override.key":        {ZH: "省份规则覆盖中的键「{key}」不存在。", EN: "Unknown pack key {key} in the rule-pack overrides."},
		"rules.override.value":      {ZH: "省份规则覆盖「{province}.{key}」的值不正确：{problem}", EN: "Bad value for {province}.{key} in the rule-pack overrides: {problem_en}"},
		"rules.network.prefix":      {ZH: "IP地址段「{value}」格式不正确。", EN: "Malformed address range {value}."},
		"rules.precheck.blocking":   {ZH: "预检发现 {count} 项阻断问题，请先修改。", EN: "The pre-check found {count} blocking problems; fix them first."},
		"rules.precheck.incomplete": {ZH: "订单数据缺失，无法预检。", EN: "The order is missing; nothing to check."},
	})
}
