package main

import (
	"context"
	"testing"

	"github.com/openbeian/beian"
)

// TestDemoResources checks that the zero-config demo customer can try
// product verification: one qualifying prepaid server with two public
// addresses, and one pay-as-you-go server greyed out with its reason.
func TestDemoResources(t *testing.T) {
	for name, dsn := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			m := startMain(t, dsn)
			ctx := context.Background()
			var customer *beian.User
			if err := m.DB.View(ctx, func(tx beian.Tx) error {
				var err error
				customer, err = tx.FindUserByLogin(ctx, "customer")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			opts, err := m.Workflow.Resources(ctx, customer)
			if err != nil || len(opts) != 2 {
				t.Fatalf("demo resources: %d %v", len(opts), err)
			}
			var eligible, greyed int
			for _, o := range opts {
				switch {
				case o.Eligible() && len(o.Resource.PublicIPs) == 2 && o.Resource.Billing == beian.BillingPrepaid:
					eligible++
				case !o.Eligible() && o.Problems[0].Key == "resource.on_demand":
					greyed++
				}
			}
			if eligible != 1 || greyed != 1 {
				t.Errorf("eligible %d, greyed %d", eligible, greyed)
			}
		})
	}
}
