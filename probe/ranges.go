package probe

import (
	"container/heap"
	"net/netip"
	"slices"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// Region says where one of the provider's address ranges is served from.
type Region uint8

// The regions a range can be in. Hong Kong, Macau and Taiwan regions are
// overseas for filing purposes: sites there need no ICP filing (spec §9.4 E).
const (
	RegionMainland Region = iota + 1
	RegionOverseas
)

// String returns "mainland" or "overseas".
func (r Region) String() string {
	switch r {
	case RegionMainland:
		return "mainland"
	case RegionOverseas:
		return "overseas"
	}
	return "invalid"
}

// Zone is where a resolved address lies relative to the provider's ranges.
// Addresses cannot be geolocated offline, so "abroad" means "in one of our
// ranges marked overseas"; an address outside every range we own is
// "elsewhere" (another provider, a CDN, a parking page), wherever it is.
type Zone uint8

// The zones of an address.
const (
	ZoneElsewhere Zone = iota // in none of our ranges
	ZoneMainland              // in one of our mainland ranges
	ZoneOverseas              // in one of our overseas ranges
)

// String returns "elsewhere", "mainland" or "overseas".
func (z Zone) String() string {
	switch z {
	case ZoneMainland:
		return "mainland"
	case ZoneOverseas:
		return "overseas"
	}
	return "elsewhere"
}

// Range is one of the provider's address ranges as the admin manages it.
type Range struct {
	IPs    beian.IPRange `json:"ips"`
	Region Region        `json:"region"`
	// Name is the admin's label ("cn-north-4 EIP pool"); it appears in
	// evidence so that staff see which pool an address came from.
	Name string `json:"name,omitempty"`
}

// Ranges is the provider's address ranges indexed for look-up in O(log n).
// Overlapping ranges are allowed; the narrowest range containing an address
// wins, so an overseas /28 carved out of a mainland /16 classifies correctly.
// A Ranges is immutable and safe for concurrent use; build a new one when
// the admin changes the ranges.
type Ranges struct {
	ranges []Range
	v4, v6 []segment // disjoint, sorted by start
}

// segment is a maximal run of addresses whose narrowest covering range is
// ranges[idx].
type segment struct {
	start, end u128
	idx        int
}

// u128 is an address as an unsigned 128-bit number (IPv4 in lo), which
// makes interval arithmetic and comparisons cheap.
type u128 struct{ hi, lo uint64 }

func addrKey(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.As16()
	var k u128
	for i := range 8 {
		k.hi = k.hi<<8 | uint64(b[i])
		k.lo = k.lo<<8 | uint64(b[8+i])
	}
	return k
}

func (a u128) cmp(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a u128) sub(b u128) u128 {
	lo := a.lo - b.lo
	hi := a.hi - b.hi
	if a.lo < b.lo {
		hi--
	}
	return u128{hi, lo}
}

// next returns a+1 and false when a is the largest value of its family.
func (a u128) next(v4 bool) (u128, bool) {
	if v4 {
		if a.lo >= 0xFFFFFFFF {
			return a, false
		}
		return u128{lo: a.lo + 1}, true
	}
	if a.lo == ^uint64(0) {
		if a.hi == ^uint64(0) {
			return a, false
		}
		return u128{a.hi + 1, 0}, true
	}
	return u128{a.hi, a.lo + 1}, true
}

// NewRanges indexes the ranges. It returns EINVALID (key
// probe.range.invalid) when a range is malformed or mixes families, or
// has no region.
func NewRanges(rs []Range) (*Ranges, error) {
	out := &Ranges{ranges: slices.Clone(rs)}
	var v4, v6 []int
	for i, r := range out.ranges {
		r.IPs.Start, r.IPs.End = r.IPs.Start.Unmap().WithZone(""), r.IPs.End.Unmap().WithZone("")
		out.ranges[i] = r
		if !r.IPs.Valid() || (r.Region != RegionMainland && r.Region != RegionOverseas) {
			return nil, beian.Invalid("ranges", "probe.range.invalid", "value", r.IPs.String())
		}
		if r.IPs.Start.Is4() {
			v4 = append(v4, i)
		} else {
			v6 = append(v6, i)
		}
	}
	out.v4 = out.segments(v4, true)
	out.v6 = out.segments(v6, false)
	return out, nil
}

// FromNetworks builds Ranges from the rule engine's network settings, so
// that one admin table feeds both the pre-check and the probes.
func FromNetworks(nets []rules.Network) (*Ranges, error) {
	rs := make([]Range, 0, len(nets))
	for _, n := range nets {
		if !n.Prefix.IsValid() {
			return nil, beian.Invalid("ranges", "probe.range.invalid", "value", n.Prefix.String())
		}
		region := RegionOverseas
		if n.Mainland {
			region = RegionMainland
		}
		rs = append(rs, Range{IPs: PrefixRange(n.Prefix), Region: region, Name: n.Prefix.Masked().String()})
	}
	return NewRanges(rs)
}

// PrefixRange returns the inclusive range of addresses in p.
func PrefixRange(p netip.Prefix) beian.IPRange {
	p = p.Masked()
	start := p.Addr()
	b := start.AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 7; j >= 0; j-- {
			if i*8+(7-j) >= bits {
				b[i] |= 1 << j
			}
		}
	}
	end, _ := netip.AddrFromSlice(b)
	return beian.IPRange{Start: start, End: end}
}

// ParseRange parses "a", "a-b" or a CIDR prefix "a/n" into an inclusive
// range. It returns EINVALID (key probe.range.invalid) otherwise.
func ParseRange(s string) (beian.IPRange, error) {
	s = strings.TrimSpace(s)
	bad := beian.Invalid("ranges", "probe.range.invalid", "value", s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return beian.IPRange{}, bad
		}
		return PrefixRange(p), nil
	}
	a, b, isRange := strings.Cut(s, "-")
	start, err := netip.ParseAddr(strings.TrimSpace(a))
	if err != nil {
		return beian.IPRange{}, bad
	}
	end := start
	if isRange {
		if end, err = netip.ParseAddr(strings.TrimSpace(b)); err != nil {
			return beian.IPRange{}, bad
		}
	}
	r := beian.IPRange{Start: start.Unmap(), End: end.Unmap()}
	if !r.Valid() {
		return beian.IPRange{}, bad
	}
	return r, nil
}

// segments turns the ranges with the given indexes, all of one family, into
// disjoint segments labelled with their narrowest covering range. It sweeps
// the boundaries once with a heap of the open ranges ordered by width, so it
// runs in O(n log n) however the ranges nest.
func (rs *Ranges) segments(idx []int, v4 bool) []segment {
	if len(idx) == 0 {
		return nil
	}
	type bound struct {
		start, end, width u128
		idx               int
	}
	bs := make([]bound, len(idx))
	var points []u128
	for i, j := range idx {
		s, e := addrKey(rs.ranges[j].IPs.Start), addrKey(rs.ranges[j].IPs.End)
		bs[i] = bound{s, e, e.sub(s), j}
		points = append(points, s)
		if n, ok := e.next(v4); ok {
			points = append(points, n)
		}
	}
	slices.SortFunc(bs, func(a, b bound) int { return a.start.cmp(b.start) })
	slices.SortFunc(points, func(a, b u128) int { return a.cmp(b) })
	points = slices.Compact(points)

	open := &boundHeap{less: func(a, b int) bool {
		if c := bs[a].width.cmp(bs[b].width); c != 0 {
			return c < 0
		}
		return bs[a].idx < bs[b].idx // equal widths: the admin's first entry wins
	}}
	var segs []segment
	next := 0
	for k, p := range points {
		for next < len(bs) && bs[next].start.cmp(p) <= 0 {
			heap.Push(open, next)
			next++
		}
		for open.Len() > 0 && bs[open.items[0]].end.cmp(p) < 0 {
			heap.Pop(open)
		}
		if open.Len() == 0 {
			continue
		}
		win := bs[open.items[0]]
		end := win.end // the last point may run to the end of the winner
		if k+1 < len(points) {
			end = points[k+1].sub(u128{lo: 1})
		}
		if n := len(segs); n > 0 && segs[n-1].idx == win.idx {
			if prev, ok := segs[n-1].end.next(v4); ok && prev == p {
				segs[n-1].end = end
				continue
			}
		}
		segs = append(segs, segment{start: p, end: end, idx: win.idx})
	}
	return segs
}

// boundHeap is a min-heap of indexes ordered by less.
type boundHeap struct {
	items []int
	less  func(a, b int) bool
}

func (h *boundHeap) Len() int           { return len(h.items) }
func (h *boundHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *boundHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *boundHeap) Push(x any)         { h.items = append(h.items, x.(int)) }
func (h *boundHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// Lookup returns the narrowest range containing a.
func (rs *Ranges) Lookup(a netip.Addr) (Range, bool) {
	if rs == nil || !a.IsValid() {
		return Range{}, false
	}
	a = a.Unmap()
	segs := rs.v6
	if a.Is4() {
		segs = rs.v4
	}
	k := addrKey(a)
	i, _ := slices.BinarySearchFunc(segs, k, func(s segment, k u128) int { return s.end.cmp(k) })
	if i < len(segs) && segs[i].start.cmp(k) <= 0 {
		return rs.ranges[segs[i].idx], true
	}
	return Range{}, false
}

// Zone classifies a.
func (rs *Ranges) Zone(a netip.Addr) Zone {
	r, ok := rs.Lookup(a)
	switch {
	case !ok:
		return ZoneElsewhere
	case r.Region == RegionMainland:
		return ZoneMainland
	}
	return ZoneOverseas
}

// Classify implements rules.NetworkFacts, so the pre-check and the probes
// read the same table.
func (rs *Ranges) Classify(a netip.Addr) (ours, mainland bool) {
	z := rs.Zone(a)
	return z != ZoneElsewhere, z == ZoneMainland
}

// All returns a copy of the ranges as given.
func (rs *Ranges) All() []Range {
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.ranges)
}

var _ rules.NetworkFacts = (*Ranges)(nil)
