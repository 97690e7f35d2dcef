package region

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		code, name       string
		level            Level
		province, city   string
		provName, cityNm string
		full             string
	}{
		{"110108", "海淀区", LevelCounty, "110000", "110100", "北京市", "市辖区", "北京市海淀区"},
		{"440305", "南山区", LevelCounty, "440000", "440300", "广东省", "深圳市", "广东省深圳市南山区"},
		{"440300", "深圳市", LevelCity, "440000", "440300", "广东省", "深圳市", "广东省深圳市"},
		{"440000", "广东省", LevelProvince, "440000", "", "广东省", "", "广东省"},
		{"500229", "城口县", LevelCounty, "500000", "500200", "重庆市", "县", "重庆市城口县"},
		{"500103", "渝中区", LevelCounty, "500000", "500100", "重庆市", "市辖区", "重庆市渝中区"},
		{"429004", "仙桃市", LevelCounty, "420000", "429000", "湖北省", "省直辖县级行政区划", "湖北省仙桃市"},
		{"441900", "东莞市", LevelCity, "440000", "441900", "广东省", "东莞市", "广东省东莞市"},
		{"652901", "阿克苏市", LevelCounty, "650000", "652900", "新疆维吾尔自治区", "阿克苏地区", "新疆维吾尔自治区阿克苏地区阿克苏市"},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if !ok || d.Name != tt.name || d.Level != tt.level || d.ProvinceCode() != tt.province || d.CityCode() != tt.city {
			t.Errorf("Lookup(%s) = %+v, %v (province %s city %s)", tt.code, d, ok, d.ProvinceCode(), d.CityCode())
			continue
		}
		if p, ok := ProvinceOf(tt.code); !ok || p.Name != tt.provName {
			t.Errorf("ProvinceOf(%s) = %+v, %v; want %s", tt.code, p, ok, tt.provName)
		}
		c, ok := City(tt.code)
		if tt.cityNm == "" {
			if ok {
				t.Errorf("City(%s) = %+v for a province", tt.code, c)
			}
		} else if !ok || c.Name != tt.cityNm {
			t.Errorf("City(%s) = %+v, %v; want %s", tt.code, c, ok, tt.cityNm)
		}
		if got := FullName(tt.code); got != tt.full {
			t.Errorf("FullName(%s) = %s, want %s", tt.code, got, tt.full)
		}
	}
}

func TestLookupMisses(t *testing.T) {
	for _, code := range []string{"", "11", "1101", "110199", "810000", "710000", "820000", "130171", "abcdef", "000000", "1101080"} {
		if d, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want none", code, d)
		}
		if _, ok := ProvinceOf(code); ok {
			t.Errorf("ProvinceOf(%q) found one", code)
		}
		if FullName(code) != "" {
			t.Errorf("FullName(%q) not empty", code)
		}
	}
}

func TestProvinces(t *testing.T) {
	ps := Provinces()
	if len(ps) != 31 {
		t.Fatalf("%d provinces, want 31", len(ps))
	}
	if ps[0].Code != "110000" || ps[0].Name != "北京市" || ps[30].Code != "650000" || ps[30].Name != "新疆维吾尔自治区" {
		t.Errorf("first %+v, last %+v", ps[0], ps[30])
	}
	want := "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
	var got []string
	for _, p := range ps {
		got = append(got, p.Code[:2])
		if p.Level != LevelProvince || len(Children(p.Code)) == 0 {
			t.Errorf("%+v: level or children wrong", p)
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("prefixes %v", got)
	}
	for _, code := range []string{"44", "440000"} {
		if p, ok := Province(code); !ok || p.Name != "广东省" {
			t.Errorf("Province(%s) = %+v, %v", code, p, ok)
		}
	}
	for _, code := range []string{"440300", "81", "4", ""} {
		if _, ok := Province(code); ok {
			t.Errorf("Province(%q) found one", code)
		}
	}
}

func TestChildren(t *testing.T) {
	bj := Children("110000")
	if len(bj) != 1 || bj[0].Code != "110100" || !bj[0].Grouping {
		t.Errorf("Children(北京市) = %+v", bj)
	}
	if n := len(Children("110100")); n != 16 {
		t.Errorf("北京 has %d districts, want 16", n)
	}
	cq := Children("500000")
	if len(cq) != 2 || cq[0].Name != "市辖区" || cq[1].Name != "县" {
		t.Errorf("Children(重庆市) = %+v", cq)
	}
	gd := Children("440000")
	if len(gd) != 21 {
		t.Errorf("广东 has %d cities, want 21", len(gd))
	}
	sz := Children("440300")
	names := map[string]bool{}
	for _, d := range sz {
		names[d.Name] = true
		if d.Level != LevelCounty || d.CityCode() != "440300" {
			t.Errorf("child of 深圳: %+v", d)
		}
	}
	if !names["南山区"] || !names["福田区"] || len(sz) != 9 {
		t.Errorf("Children(深圳市) = %+v", sz)
	}
	if Children("441900") != nil || Children("440305") != nil || Children("999999") != nil {
		t.Error("东莞, a county or an unknown code has children")
	}
	// Children must not run into the next city or province.
	for _, d := range Children("653100") {
		if d.Code[:4] != "6531" {
			t.Errorf("Children(喀什地区) includes %+v", d)
		}
	}
}

func TestSameCity(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"440305", "440304", true},  // 南山, 福田
		{"440305", "440300", true},  // 南山, 深圳
		{"440305", "440106", false}, // 南山, 广州天河
		{"110108", "110105", true},  // 海淀, 朝阳
		{"110108", "110000", true},  // a municipality is one city
		{"110108", "110100", true},
		{"500103", "500229", true},  // 渝中区 (市辖区) and 城口县 (县): both 重庆
		{"110108", "120101", false}, // 北京, 天津
		{"429004", "429005", false}, // 仙桃, 潜江: each its own city
		{"429004", "429004", true},
		{"429004", "429000", false}, // a grouping names no city
		{"441900", "441900", true},  // 东莞
		{"440000", "440000", false}, // a province is no city
		{"440305", "999999", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := SameCity(tt.a, tt.b); got != tt.want {
			t.Errorf("SameCity(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameCity(tt.b, tt.a); got != tt.want {
			t.Errorf("SameCity(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	got := Find("南山区") // in 深圳 and in 鹤岗
	if len(got) != 2 || got[0].Code != "230404" || got[1].Code != "440305" {
		t.Errorf("Find(南山区) = %+v", got)
	}
	got = Find(" 深圳 ")
	if len(got) != 1 || got[0].Code != "440300" {
		t.Errorf("Find(深圳) = %+v", got)
	}
	got = Find("吉林")
	if len(got) < 2 || got[0].Code != "220000" || got[1].Code != "220200" {
		t.Errorf("Find(吉林) = %+v", got)
	}
	got = Find("朝阳")
	var exact, prefix bool
	for _, d := range got {
		exact = exact || d.Name == "朝阳区"
		prefix = prefix || d.Code == "211300" // 朝阳市
	}
	if !exact || !prefix {
		t.Errorf("Find(朝阳) = %+v", got)
	}
	for _, d := range Find("市辖区") {
		t.Errorf("Find returned a grouping %+v", d)
	}
	if Find("") != nil || Find("  ") != nil || len(Find("香港")) != 0 {
		t.Error("Find of empty or Hong Kong found something")
	}
	// Provinces come before counties in the same tier: 海南省 before
	// 乌海市海南区, although 150303 < 460000.
	got = Find("海南")
	if got[0].Name != "海南省" {
		t.Errorf("Find(海南)[0] = %+v", got[0])
	}
	// Exact matches come before prefix matches.
	got = Find("吉林市")
	if got[0].Code != "220200" {
		t.Errorf("Find(吉林市)[0] = %+v", got[0])
	}
}

func TestEmbeddedData(t *testing.T) {
	d := data()
	if n := len(d.all); n < 3000 {
		t.Errorf("%d divisions", n)
	}
	for _, c := range d.all {
		if c.Level == LevelCounty && c.Code[4:] >= "71" && c.Code[4:] <= "80" {
			t.Errorf("statistical zone %+v included", c)
		}
		if c.Grouping && c.Level != LevelCity {
			t.Errorf("grouping at the wrong level: %+v", c)
		}
	}
	groupings := 0
	for _, c := range d.all {
		if c.Grouping {
			groupings++
		}
	}
	if groupings != 9 { // 4 市辖区, 重庆县, 4 直辖县级
		t.Errorf("%d groupings, want 9", groupings)
	}
}

func TestParseRejectsMalformedData(t *testing.T) {
	for _, s := range []string{
		"110000",
		"110000\t",
		"11000a\tx",
		"110100\t市辖区",              // no province
		"110000\t北京市\n110108\t海淀区", // no city
		"120000\t天津市\n110000\t北京市", // out of order
	} {
		if _, err := parse(s); err == nil {
			t.Errorf("parse(%q) accepted", s)
		}
	}
}

func TestLevelString(t *testing.T) {
	if LevelProvince.String() != "province" || LevelCity.String() != "city" || LevelCounty.String() != "county" || Level(9).String() != "unknown" {
		t.Error("Level.String")
	}
}
