package web

import (
	"context"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
)

// An ended order is not pre-checked again when staff open it: a filed
// order would be told its own record makes it a duplicate.
func TestConsoleEndedOrderIsNotPrechecked(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		cw := newConsoleWorld(t, dialect)
		ctx := context.Background()
		o := cw.submit(1)
		alice := cw.client(cw.alice)
		_, body := cw.get(alice, "/console/orders/"+o.ID)
		if p := section(body, "precheck"); !strings.Contains(p, "UPLOAD-IMAGE-CLARITY") || strings.Contains(p, "订单已结束") {
			t.Fatalf("an order in review is pre-checked:\n%s", p)
		}
		if _, err := cw.Workflow.Withdraw(ctx, cw.customer, o.ID); err != nil {
			t.Fatal(err)
		}
		got, err := cw.Workflow.Abandon(ctx, cw.customer, o.ID)
		if err != nil || got.State != beian.Abandoned {
			t.Fatalf("abandon: %v %v", got, err)
		}
		code, body := cw.get(alice, "/console/orders/"+o.ID)
		p := section(body, "precheck")
		if code != 200 || !strings.Contains(p, "订单已结束") || strings.Contains(p, "UPLOAD-IMAGE-CLARITY") || strings.Contains(p, "<table") {
			t.Fatalf("ended order's pre-check section (%d):\n%s", code, p)
		}
	})
}
