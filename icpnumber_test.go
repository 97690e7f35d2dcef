package beian_test

import (
	"testing"

	"github.com/openbeian/beian"
)

func TestParseICPNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    string // canonical form; "" means an error
		ordinal int
		kind    beian.ServiceKind
		key     string
	}{
		{in: "京ICP备04000001号", want: "京ICP备04000001号"},
		{in: "京ICP备04000001号-1", want: "京ICP备04000001号-1", ordinal: 1, kind: beian.KindWebsite},
		{in: "京ICP备04000001号-2A", want: "京ICP备04000001号-2A", ordinal: 2, kind: beian.KindApp},
		{in: "京ICP备04000001号-3X", want: "京ICP备04000001号-3X", ordinal: 3, kind: beian.KindMiniProgram},
		{in: "京ICP备04000001号-4K", want: "京ICP备04000001号-4K", ordinal: 4, kind: beian.KindQuickApp},
		{in: "粤ICP备2021012345号-12", want: "粤ICP备2021012345号-12", ordinal: 12, kind: beian.KindWebsite},
		{in: " 沪ICP备05071019号 ", want: "沪ICP备05071019号"},
		{in: "川ICP备12345678号-1", want: "蜀ICP备12345678号-1", ordinal: 1, kind: beian.KindWebsite},
		{in: "贵ICP备12345678号", want: "黔ICP备12345678号"},
		{in: "云ICP备12345678号", want: "滇ICP备12345678号"},
		{in: "甘ICP备12345678号", want: "陇ICP备12345678号"},
		{in: "京ICP证000001号", key: "icp.format"},
		{in: "港ICP备12345678号", key: "icp.province"},
		{in: "京ICP备号", key: "icp.format"},
		{in: "京ICP备123号", key: "icp.format"},
		{in: "京ICP备12345678", key: "icp.format"},
		{in: "京ICP备12345678号-", key: "icp.suffix"},
		{in: "京ICP备12345678号-0", key: "icp.suffix"},
		{in: "京ICP备12345678号-1B", key: "icp.suffix"},
		{in: "京ICP备12345678号1", key: "icp.suffix"},
		{in: "京ICP备12345678号-12345", key: "icp.suffix"},
		{in: "", key: "icp.province"},
	}
	for _, tt := range tests {
		n, err := beian.ParseICPNumber(tt.in)
		if tt.want == "" {
			e, ok := beian.AsError(err)
			if !ok || e.Code != beian.EINVALID || e.Key != tt.key {
				t.Errorf("ParseICPNumber(%q) = %v, %v; want key %s", tt.in, n, err, tt.key)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseICPNumber(%q): %v", tt.in, err)
			continue
		}
		if n.String() != tt.want || n.Ordinal != tt.ordinal || (tt.ordinal > 0 && n.Kind != tt.kind) {
			t.Errorf("ParseICPNumber(%q) = %s (ordinal %d kind %s), want %s", tt.in, n, n.Ordinal, n.Kind, tt.want)
		}
	}
}

func TestICPNumberAllProvinces(t *testing.T) {
	if len(beian.Provinces) != 31 {
		t.Fatalf("%d provinces, want 31", len(beian.Provinces))
	}
	for _, p := range beian.Provinces {
		subject := beian.ICPNumber{Province: p, Serial: "20260001"}
		for i, k := range beian.ServiceKinds {
			n := subject.Service(i+1, k)
			got, err := beian.ParseICPNumber(n.String())
			if err != nil || got != n {
				t.Errorf("%s: round trip %s → %v, %v", p.Name, n, got, err)
			}
			if got.Subject() != subject || !got.Subject().IsSubject() {
				t.Errorf("%s: subject of %s = %s", p.Name, n, got.Subject())
			}
		}
	}
}

func TestDisplayNumber(t *testing.T) {
	gd, _ := beian.ParseICPNumber("粤ICP备12345678号-3")
	if got := gd.DisplayNumber().String(); got != "粤ICP备12345678号" {
		t.Errorf("Guangdong display = %s", got)
	}
	bj, _ := beian.ParseICPNumber("京ICP备12345678号-3")
	if got := bj.DisplayNumber().String(); got != "京ICP备12345678号-3" {
		t.Errorf("Beijing display = %s", got)
	}
}

func FuzzParseICPNumber(f *testing.F) {
	for _, s := range []string{"京ICP备04000001号", "京ICP备04000001号-2A", "蜀ICP备12345678号-4K", "川ICP备1234号-1", "京ICP备号-", "粤ICP备2021012345号-9999X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := beian.ParseICPNumber(s)
		if err != nil {
			if _, ok := beian.AsError(err); !ok {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		// A parsed number formats canonically and parses back to itself.
		again, err := beian.ParseICPNumber(n.String())
		if err != nil || again != n {
			t.Fatalf("%q → %s → %v, %v", s, n, again, err)
		}
		if n.Ordinal < 0 || (n.Ordinal > 0 && !n.Kind.Valid()) {
			t.Fatalf("%q: ordinal %d kind %q", s, n.Ordinal, n.Kind)
		}
	})
}
