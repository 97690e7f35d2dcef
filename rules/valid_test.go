package rules

import (
	"testing"

	"github.com/openbeian/beian"
)

// TestValidOrdersEveryProvince is done-when 4: a valid enterprise order (with
// an app) and a valid individual order in each of the 31 provinces produce
// no blocking finding, in draft and in submit mode.
func TestValidOrdersEveryProvince(t *testing.T) {
	for _, p := range beian.Provinces {
		for _, kind := range []string{"enterprise", "enterprise+app", "individual"} {
			for _, mode := range []Mode{ModeDraft, ModeSubmit} {
				var f *fixture
				switch kind {
				case "enterprise":
					f = enterprise(p.Code)
				case "enterprise+app":
					f = enterprise(p.Code).withApp()
				default:
					f = individual(p.Code)
				}
				f.mode = mode
				res := f.run()
				for _, fd := range res.Findings {
					if fd.Severity == Blocking {
						t.Errorf("%s %s %s: blocking %s at %s: %s", p.Name, kind, mode, fd.Rule, fd.Field, fd.Reason.EN)
					}
					if fd.Undecided {
						t.Errorf("%s %s %s: undecided %s at %s: %s", p.Name, kind, mode, fd.Rule, fd.Field, fd.Reason.EN)
					}
				}
			}
		}
	}
}
