package beian

// Province is one of the 31 mainland provincial-level divisions, each with
// its own communications administration (管局) and rules. Code is the
// two-digit GB/T 2260 prefix ("11" 北京), which MIIT's Shengid extends to
// six digits ("110000").
type Province struct {
	Code string
	Name string // 北京
	// ICPAbbr is the abbreviation ICP numbers use: 蜀, 黔, 滇 and 陇 where
	// everyday usage says 川, 贵, 云 and 甘.
	ICPAbbr string
	// Abbr is the everyday abbreviation, accepted when parsing.
	Abbr   string
	NameEN string
}

// Provinces lists the 31 provinces in GB/T 2260 order.
var Provinces = []Province{
	{"11", "北京", "京", "京", "Beijing"},
	{"12", "天津", "津", "津", "Tianjin"},
	{"13", "河北", "冀", "冀", "Hebei"},
	{"14", "山西", "晋", "晋", "Shanxi"},
	{"15", "内蒙古", "蒙", "蒙", "Inner Mongolia"},
	{"21", "辽宁", "辽", "辽", "Liaoning"},
	{"22", "吉林", "吉", "吉", "Jilin"},
	{"23", "黑龙江", "黑", "黑", "Heilongjiang"},
	{"31", "上海", "沪", "沪", "Shanghai"},
	{"32", "江苏", "苏", "苏", "Jiangsu"},
	{"33", "浙江", "浙", "浙", "Zhejiang"},
	{"34", "安徽", "皖", "皖", "Anhui"},
	{"35", "福建", "闽", "闽", "Fujian"},
	{"36", "江西", "赣", "赣", "Jiangxi"},
	{"37", "山东", "鲁", "鲁", "Shandong"},
	{"41", "河南", "豫", "豫", "Henan"},
	{"42", "湖北", "鄂", "鄂", "Hubei"},
	{"43", "湖南", "湘", "湘", "Hunan"},
	{"44", "广东", "粤", "粤", "Guangdong"},
	{"45", "广西", "桂", "桂", "Guangxi"},
	{"46", "海南", "琼", "琼", "Hainan"},
	{"50", "重庆", "渝", "渝", "Chongqing"},
	{"51", "四川", "蜀", "川", "Sichuan"},
	{"52", "贵州", "黔", "贵", "Guizhou"},
	{"53", "云南", "滇", "云", "Yunnan"},
	{"54", "西藏", "藏", "藏", "Tibet"},
	{"61", "陕西", "陕", "陕", "Shaanxi"},
	{"62", "甘肃", "陇", "甘", "Gansu"},
	{"63", "青海", "青", "青", "Qinghai"},
	{"64", "宁夏", "宁", "宁", "Ningxia"},
	{"65", "新疆", "新", "新", "Xinjiang"},
}

var (
	provinceByCode = map[string]*Province{}
	provinceByAbbr = map[string]*Province{}
	provinceByName = map[string]*Province{}
)

func init() {
	for i := range Provinces {
		p := &Provinces[i]
		provinceByCode[p.Code] = p
		provinceByAbbr[p.ICPAbbr] = p
		provinceByAbbr[p.Abbr] = p
		provinceByName[p.Name] = p
	}
}

// ProvinceByCode returns the province with the two-digit code, or with a
// six-digit region code it contains ("440305" → 广东).
func ProvinceByCode(code string) (Province, bool) {
	if len(code) > 2 {
		code = code[:2]
	}
	p, ok := provinceByCode[code]
	if !ok {
		return Province{}, false
	}
	return *p, true
}

// ProvinceByAbbr returns the province for an ICP or everyday abbreviation.
func ProvinceByAbbr(abbr string) (Province, bool) {
	p, ok := provinceByAbbr[abbr]
	if !ok {
		return Province{}, false
	}
	return *p, true
}

// ProvinceByName returns the province for its short Chinese name (广东) or
// its full name (广东省, 北京市, 广西壮族自治区 …).
func ProvinceByName(name string) (Province, bool) {
	if p, ok := provinceByName[name]; ok {
		return *p, true
	}
	for _, p := range Provinces {
		if len(name) > len(p.Name) && name[:len(p.Name)] == p.Name {
			return p, true
		}
	}
	return Province{}, false
}

// RegionCode returns the province's six-digit GB/T 2260 code (MIIT Shengid).
func (p Province) RegionCode() string { return p.Code + "0000" }
