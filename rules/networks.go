package rules

import (
	"net/netip"
	"sort"

	"github.com/openbeian/beian"
)

// Network is one of the provider's address ranges (admin settings): the
// public addresses its servers, load balancers and WAFs use, and whether
// the range is in a mainland-China region.
type Network struct {
	Prefix   netip.Prefix `json:"prefix"`   // e.g. 121.36.0.0/16
	Mainland bool         `json:"mainland"` // false for overseas and Hong Kong regions
}

// Networks is the in-memory NetworkFacts. It is immutable and safe for
// concurrent use; the admin settings build a new one when ranges change.
type Networks struct {
	nets []Network // most specific first
}

// NewNetworks returns the networks, or EINVALID when a prefix is invalid.
func NewNetworks(nets []Network) (*Networks, error) {
	n := &Networks{nets: make([]Network, 0, len(nets))}
	for _, x := range nets {
		if !x.Prefix.IsValid() {
			return nil, beian.Invalid("networks", "rules.network.prefix", "value", x.Prefix.String())
		}
		x.Prefix = x.Prefix.Masked()
		n.nets = append(n.nets, x)
	}
	// A more specific range (an overseas /28 inside a mainland /16) wins.
	sort.SliceStable(n.nets, func(i, j int) bool { return n.nets[i].Prefix.Bits() > n.nets[j].Prefix.Bits() })
	return n, nil
}

// Classify implements NetworkFacts.
func (n *Networks) Classify(addr netip.Addr) (ours, mainland bool) {
	addr = addr.Unmap()
	for _, x := range n.nets {
		if x.Prefix.Contains(addr) {
			return true, x.Mainland
		}
	}
	return false, false
}
