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

// TestPrecheckDecodeRatio is done-when 5: the pre-check of the benchmark
// order costs at most three times decoding it from JSON, measured in the
// same run. Skipped with -short and under the race detector.
func TestPrecheckDecodeRatio(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing comparison; run without -short and -race")
	}
	// Up to three tries, so a busy machine does not fail the build.
	best := 1e9
	for try := 0; try < 3 && best > 3; try++ {
		check := testing.Benchmark(BenchmarkPrecheck)
		decode := testing.Benchmark(BenchmarkDecodeJSON)
		if check.N == 0 || decode.N == 0 {
			t.Fatal("benchmark did not run")
		}
		ratio := float64(check.NsPerOp()) / float64(decode.NsPerOp())
		t.Logf("pre-check %d ns/op (%d allocs), decode %d ns/op: ratio %.2f", check.NsPerOp(), check.AllocsPerOp(), decode.NsPerOp(), ratio)
		best = min(best, ratio)
	}
	if best > 3 {
		t.Errorf("pre-check ÷ decode = %.2f, want ≤ 3", best)
	}
}

// TestLargeOrder: a pathological order (hundreds of websites sharing one
// domain, name and mobile) is checked in linear time with one finding per
// item, not per pair.
func TestLargeOrder(t *testing.T) {
	f := ent()
	base := f.site(0)
	var sites []beian.Website
	for i := range 600 {
		w := *base
		w.ID = "site-" + itoa(i)
		w.Principal = person("张"+itoa(i), residentID(county("11"), beian.NewDate(1980, 1, 1), i), "13800138001", "13900139002", "same@qingyun-data.cn")
		sites = append(sites, w)
	}
	f.snap().Websites = sites
	res := f.run()
	if n := len(res.ByRule("DOMAIN-DUPLICATE")); n != 599 {
		t.Errorf("DOMAIN-DUPLICATE: %d findings, want 599", n)
	}
	// Every site person shares the principal's mobile (600) and all but the
	// first share the first one's e-mail (599).
	if n := len(res.ByRule("CONTACT-PRINCIPALS-DISTINCT")); n != 600+599 {
		t.Errorf("CONTACT-PRINCIPALS-DISTINCT: %d findings, want %d", n, 600+599)
	}
}
