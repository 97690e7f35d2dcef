package probe

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

func mustRange(t testing.TB, s string) beian.IPRange {
	t.Helper()
	r, err := ParseRange(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRanges(t *testing.T) {
	rs, err := NewRanges([]Range{
		{IPs: mustRange(t, "121.36.0.0/16"), Region: RegionMainland, Name: "cn-north-4"},
		{IPs: mustRange(t, "121.36.200.0/28"), Region: RegionOverseas, Name: "hk carve-out"},
		{IPs: mustRange(t, "121.36.200.8"), Region: RegionMainland, Name: "single inside the carve-out"},
		{IPs: mustRange(t, "159.138.0.0-159.138.127.255"), Region: RegionOverseas, Name: "ap-southeast-1"},
		{IPs: mustRange(t, "255.255.255.0/24"), Region: RegionMainland, Name: "top"},
		{IPs: mustRange(t, "0.0.0.0/32"), Region: RegionOverseas, Name: "bottom"},
		{IPs: mustRange(t, "2407:c080::/32"), Region: RegionMainland, Name: "v6 cn"},
		{IPs: mustRange(t, "2407:c080:8000::/33"), Region: RegionOverseas, Name: "v6 hk"},
		{IPs: mustRange(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:0/112"), Region: RegionMainland, Name: "v6 top"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		addr string
		zone Zone
		name string
	}{
		{"121.36.0.0", ZoneMainland, "cn-north-4"},
		{"121.36.255.255", ZoneMainland, "cn-north-4"},
		{"121.36.199.255", ZoneMainland, "cn-north-4"},
		{"121.36.200.0", ZoneOverseas, "hk carve-out"},
		{"121.36.200.7", ZoneOverseas, "hk carve-out"},
		{"121.36.200.8", ZoneMainland, "single inside the carve-out"},
		{"121.36.200.9", ZoneOverseas, "hk carve-out"},
		{"121.36.200.15", ZoneOverseas, "hk carve-out"},
		{"121.36.200.16", ZoneMainland, "cn-north-4"},
		{"121.37.0.0", ZoneElsewhere, ""},
		{"121.35.255.255", ZoneElsewhere, ""},
		{"159.138.64.1", ZoneOverseas, "ap-southeast-1"},
		{"159.138.128.0", ZoneElsewhere, ""},
		{"255.255.255.255", ZoneMainland, "top"},
		{"0.0.0.0", ZoneOverseas, "bottom"},
		{"0.0.0.1", ZoneElsewhere, ""},
		{"::ffff:121.36.1.1", ZoneMainland, "cn-north-4"},
		{"2407:c080::1", ZoneMainland, "v6 cn"},
		{"2407:c080:7fff:ffff:ffff:ffff:ffff:ffff", ZoneMainland, "v6 cn"},
		{"2407:c080:8000::", ZoneOverseas, "v6 hk"},
		{"2407:c080:ffff:ffff:ffff:ffff:ffff:ffff", ZoneOverseas, "v6 hk"},
		{"2407:c081::", ZoneElsewhere, ""},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ZoneMainland, "v6 top"},
		{"fe80::1%eth0", ZoneElsewhere, ""},
	}
	for _, c := range cases {
		a := netip.MustParseAddr(c.addr)
		r, ok := rs.Lookup(a)
		if z := rs.Zone(a); z != c.zone || r.Name != c.name || ok != (c.name != "") {
			t.Errorf("%s: zone %v range %q, want %v %q", c.addr, z, r.Name, c.zone, c.name)
		}
		ours, mainland := rs.Classify(a)
		if ours != (c.zone != ZoneElsewhere) || mainland != (c.zone == ZoneMainland) {
			t.Errorf("%s: Classify %v %v", c.addr, ours, mainland)
		}
	}
	var none *Ranges
	if none.Zone(netip.MustParseAddr("1.1.1.1")) != ZoneElsewhere {
		t.Error("nil ranges")
	}
}

// TestRangesAgreeWithNetworks: built from the pre-check's networks, the
// index classifies exactly as rules.Networks does.
func TestRangesAgreeWithNetworks(t *testing.T) {
	nets := []rules.Network{
		{Prefix: netip.MustParsePrefix("10.0.0.0/8"), Mainland: true},
		{Prefix: netip.MustParsePrefix("10.1.0.0/16"), Mainland: false},
		{Prefix: netip.MustParsePrefix("10.1.2.0/24"), Mainland: true},
		{Prefix: netip.MustParsePrefix("2001:db8::/32"), Mainland: false},
		{Prefix: netip.MustParsePrefix("2001:db8:1::/48"), Mainland: true},
	}
	want, err := rules.NewNetworks(nets)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromNetworks(nets)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"10.0.0.1", "10.1.0.1", "10.1.2.3", "10.1.3.0", "10.255.255.255", "11.0.0.0", "9.255.255.255",
		"2001:db8::1", "2001:db8:1::1", "2001:db8:2::", "2001:db9::"} {
		a := netip.MustParseAddr(s)
		o1, m1 := want.Classify(a)
		o2, m2 := got.Classify(a)
		if o1 != o2 || m1 != m2 {
			t.Errorf("%s: rules %v/%v, probe %v/%v", s, o1, m1, o2, m2)
		}
	}
}

func TestParseRange(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":                "192.0.2.1",
		" 192.0.2.1 - 192.0.2.9 ":  "192.0.2.1-192.0.2.9",
		"192.0.2.77/24":            "192.0.2.0-192.0.2.255",
		"10.0.0.0/0":               "0.0.0.0-255.255.255.255",
		"2001:db8::/126":           "2001:db8::-2001:db8::3",
		"::ffff:192.0.2.1":         "192.0.2.1",
		"2001:db8::1-2001:db8::ff": "2001:db8::1-2001:db8::ff",
		"192.0.2.1/32":             "192.0.2.1",
	} {
		r, err := ParseRange(in)
		if err != nil || r.String() != want {
			t.Errorf("ParseRange(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, in := range []string{"", "x", "192.0.2.9-192.0.2.1", "192.0.2.1-2001:db8::1", "192.0.2.0/33", "1.2.3.4-"} {
		if r, err := ParseRange(in); err == nil {
			t.Errorf("ParseRange(%q) = %v, want error", in, r)
		}
	}
	if _, err := NewRanges([]Range{{IPs: mustRange(t, "192.0.2.1")}}); err == nil {
		t.Error("range without region accepted")
	}
}

// TestMessageKeys: the errors the package returns have messages in both
// languages.
func TestMessageKeys(t *testing.T) {
	for _, k := range []string{"probe.dns.servers", "probe.range.invalid", "probe.domain.invalid"} {
		m, ok := beian.LookupMessage(k)
		if !ok || m.ZH == "" || m.EN == "" {
			t.Errorf("%s: %+v", k, m)
		}
	}
	_, err := ParseRange("x")
	if msg := beian.ErrorMessage(beian.LangEN, err); !strings.Contains(msg, "Address range x is invalid") {
		t.Errorf("message %q", msg)
	}
}
