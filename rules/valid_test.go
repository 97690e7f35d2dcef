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

// TestValidLaterOrdersEveryProvince extends the no-false-blocks guarantee to
// the orders that follow a first filing: a new website, new app, new access,
// changes, cancellations and migration of a filed enterprise, and a new
// website, new app, change and cancellation of a filed individual,
// everywhere.
func TestValidLaterOrdersEveryProvince(t *testing.T) {
	types := []beian.OrderType{beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeSubject, beian.ChangeService,
		beian.ChangeBoth, beian.CancelService, beian.CancelAccess, beian.CancelSubject, beian.Migrate}
	for _, p := range beian.Provinces {
		for i, typ := range append(types, beian.NewWebsite, beian.NewApp, beian.ChangeService, beian.CancelService) {
			f := enterprise(p.Code).onRecord(typ)
			if i >= len(types) {
				f = individual(p.Code).onRecord(typ)
			}
			if p.Code == "63" { // Qinghai: changes carry the five-photo set
				f.with(MaterialVerificationSheet, "").with(MaterialServicePrincipalIDFront, "").with(MaterialServicePrincipalPhoto, "")
			}
			for _, mode := range []Mode{ModeDraft, ModeSubmit} {
				f.mode = mode
				for _, fd := range f.run().Findings {
					if fd.Severity == Blocking || fd.Undecided {
						t.Errorf("%s %s %s: %s %s at %s: %s", p.Name, typ, mode, fd.Severity, fd.Rule, fd.Field, fd.Reason.EN)
					}
				}
			}
		}
	}
}
