package rules

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openbeian/beian"
)

// The benchmarks measure the pre-check of an enterprise order with five
// websites and one app (submit mode, every fact from memory) against
// decoding the same order from JSON, so the ratio is comparable across
// machines: `go test -run=^$ -bench='Precheck|DecodeJSON' -benchmem ./rules`.

func BenchmarkPrecheck(b *testing.B) {
	f := benchOrder()
	in := f.input()
	e := Default()
	ctx := context.Background()
	if res := e.Check(ctx, in); res.Blocking() {
		b.Fatalf("benchmark order is blocked: %v", summary(res))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Check(ctx, in)
	}
}

func BenchmarkDecodeJSON(b *testing.B) {
	data, err := json.Marshal(benchOrder().order)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		var o beian.Order
		if err := json.Unmarshal(data, &o); err != nil {
			b.Fatal(err)
		}
	}
}
