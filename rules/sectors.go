package rules

import "github.com/openbeian/beian"

// Sector is a pre-approval category (前置审批类别) as forms offer it: the
// key stored in beian.PreApproval.Category, its name and the permit it
// stands for.
type Sector struct {
	Key    string
	Name   beian.Text
	Permit beian.Text
}

// Sectors returns the pre-approval categories the rules know, in the order
// a form lists them (spec §5.6).
func Sectors() []Sector {
	out := make([]Sector, len(sectors))
	for i, s := range sectors {
		out[i] = Sector{Key: s.key, Name: s.name, Permit: s.permit}
	}
	return out
}
