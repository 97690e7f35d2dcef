package probe_test

import (
	"fmt"
	"net/netip"

	"github.com/openbeian/beian/probe"
)

// A homepage's footer, as the probe reads it: the number is found in spite
// of full-width digits and spaces, and its link is classified.
func ExampleParsePage() {
	page := []byte(`<html><head><title>某某科技有限公司</title></head><body>
<footer>© 2026 某某科技 <a href="https://beian.miit.gov.cn/">京ICP备 １２３４５６７８ 号-1</a>
<a href="http://www.miitbeian.gov.cn/">沪ICP备87654321号</a></footer></body></html>`)
	p := probe.ParsePage(page, "text/html; charset=utf-8")
	fmt.Println(p.Title)
	for _, n := range p.Numbers {
		fmt.Println(n.Canonical, n.Link)
	}
	// Output:
	// 某某科技有限公司
	// 京ICP备12345678号-1 miit
	// 沪ICP备87654321号 old_miit
}

// The provider's ranges: an overseas block carved out of a mainland one.
func ExampleRanges_Zone() {
	cn, _ := probe.ParseRange("121.36.0.0/16")
	hk, _ := probe.ParseRange("121.36.200.0-121.36.200.255")
	rs, err := probe.NewRanges([]probe.Range{
		{IPs: cn, Region: probe.RegionMainland, Name: "cn-north-4"},
		{IPs: hk, Region: probe.RegionOverseas, Name: "ap-southeast-1"},
	})
	if err != nil {
		panic(err)
	}
	for _, a := range []string{"121.36.1.1", "121.36.200.9", "8.8.8.8"} {
		fmt.Println(a, rs.Zone(netip.MustParseAddr(a)))
	}
	// Output:
	// 121.36.1.1 mainland
	// 121.36.200.9 overseas
	// 8.8.8.8 elsewhere
}
