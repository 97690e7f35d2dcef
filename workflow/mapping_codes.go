package workflow

import (
	"context"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// This file is the data dictionary of the exchange: which MIIT code (基础代码)
// each of our enumerations is sent as. V3.0 does not fix the code values;
// every bureau pushes its own tables in JCDM files (spec 4-2-4). So our
// values map to the bureau's *names* (单位性质 企业, 证件类型 居民身份证 …),
// and the name is looked up in the connection's synchronised table; a table
// never synchronised falls back to the built-in defaults below, which follow
// the values seen in providers' code (market.md §3.4) and the simulator.

// Code tables, by the names the store keeps them under (the JCDM element
// names, lower case).
const (
	tableUnitClass     = "dwfl"   // 单位分类
	tableNature        = "dwxz"   // 单位性质
	tableRegion        = "qy"     // 省市县 (GB/T 2260)
	tableFeedback      = "yjfk"   // 意见反馈问题分类
	tableBureau        = "gjdm"   // 管局
	tableIndustry      = "hyfl"   // 行业分类
	tableAdminLevel    = "xzjb"   // 行政级别
	tableCertType      = "zjlx"   // 证件类型 (Parent: the nature)
	tablePreApproval   = "wzjylx" // 前置审批内容类型
	tableContent       = "wzfwlx" // 网站服务内容
	tableAccessMethod  = "wzjrfs" // 网站接入方式
	tableCancelReason  = "zxly"   // 注销理由
	tableUnfiled       = "wbacl"  // 未备案网站处理状态
	tableVerifyOpinion = "hsyj"   // 核实意见
	tableDomainType    = "ymlx"   // 域名类型
	tableAttachFormat  = "fjwjgs" // 附件文件格式
	tableAttachPurpose = "fjytlx" // 附件用途 (Parent: 1 subject, 2 site)
	tableLanguage      = "yylb"   // 网站语言类别
	tableUnits         = "bbdw"   // 报备单位
)

func entries(names ...string) []beian.CodeEntry {
	out := make([]beian.CodeEntry, len(names))
	for i, n := range names {
		out[i] = beian.CodeEntry{ID: int64(i + 1), Name: n, Valid: true}
	}
	return out
}

// defaultCodes are the tables used until a JCDM file brings the bureau's.
var defaultCodes = map[string][]beian.CodeEntry{
	tableNature: entries("国防机构", "政府机关", "事业单位", "企业", "个人", "社会团体", "民办非企业单位", "基金会", "律师执业机构",
		"外国在华文化中心", "群众性团体组织", "司法鉴定机构", "宗教团体", "境外机构", "医疗机构", "公证机构"),
	tableCertType: func() []beian.CodeEntry {
		type ct struct {
			name   string
			nature int64
		}
		list := []ct{{"工商营业执照（统一社会信用代码）", 4}, {"居民身份证", 5}, {"组织机构代码证（事业单位）", 3}, {"事业单位法人证书", 3},
			{"部队代号", 1}, {"社会团体法人登记证书", 6}, {"护照", 5}, {"军官证", 5}, {"组织机构代码证（政府机关）", 2},
			{"组织机构代码证（社会团体）", 6}, {"台湾居民来往大陆通行证", 5}, {"港澳居民来往内地通行证", 5}, {"外国人永久居留身份证", 5},
			{"港澳台居民居住证", 5}, {"统一社会信用代码证书", 2}, {"民办非企业单位登记证书", 7}, {"基金会法人登记证书", 8},
			{"律师事务所执业许可证", 9}, {"外国在华文化中心登记证", 10}, {"司法鉴定许可证", 12}, {"宗教活动场所登记证", 13},
			{"境外机构证件", 14}, {"医疗机构执业许可证", 15}, {"公证机构执业证", 16}, {"外国企业常驻代表机构登记证", 4},
			{"军队单位对外有偿服务许可证", 1}}
		out := make([]beian.CodeEntry, len(list))
		for i, c := range list {
			out[i] = beian.CodeEntry{ID: int64(i + 1), Name: c.name, Parent: c.nature, Valid: true}
		}
		return out
	}(),
	tableContent: entries("综合门户", "单位门户网站", "搜索引擎", "即时通信", "网络购物", "网上支付", "网上新闻", "网络游戏", "网络音乐",
		"网络视频", "网络文学", "网络广告", "电子邮箱", "博客/个人空间", "论坛/社区", "网络存储", "网上教育", "其他"),
	tablePreApproval: entries("新闻", "出版", "教育", "医疗保健", "药品和医疗器械", "文化", "广播电影电视节目", "宗教", "网络预约车", "金融",
		"党政机关、事业单位网站开办（编办证明）"),
	tableAccessMethod: entries("专线", "主机托管", "虚拟主机", "云主机", "其他"),
	tableCancelReason: entries("网站关闭", "更换接入商", "主办单位注销", "网站不再使用", "备案信息有误需重新备案", "其他"),
	tableLanguage: entries("中文简体", "中文繁体", "英语", "日语", "韩语", "法语", "德语", "俄语", "西班牙语", "阿拉伯语", "葡萄牙语", "蒙古语",
		"藏语", "维吾尔语", "壮语", "朝鲜语", "哈萨克语", "其他"),
}

// codeSet is the code tables one mapping uses: the connection's
// synchronised tables over the defaults.
type codeSet struct {
	tables map[string][]beian.CodeEntry
	// index maps a table's normalised names to the IDs of its valid
	// entries, built on first use.
	index map[string]map[string]int64
}

// codeTablesUsed are the tables the mapping consults. Regions are not
// among them: Shengid, Shiid and Xianid are the GB/T 2260 codes themselves
// (package region), and the synchronised region table is kept for display.
var codeTablesUsed = []string{tableNature, tableCertType, tableContent, tablePreApproval, tableAccessMethod, tableCancelReason, tableLanguage}

// loadCodes reads the connection's synchronised tables in tx.
func loadCodes(ctx context.Context, tx beian.Tx, connectionID string) (*codeSet, error) {
	cs := &codeSet{tables: map[string][]beian.CodeEntry{}}
	for _, t := range codeTablesUsed {
		e, err := tx.CodeTable(ctx, connectionID, t)
		if err != nil {
			return nil, err
		}
		if len(e) > 0 {
			cs.tables[t] = e
		}
	}
	return cs, nil
}

// defaultCodeSet is the built-in tables alone, for benchmarks and tests.
func defaultCodeSet() *codeSet { return &codeSet{tables: map[string][]beian.CodeEntry{}} }

func (c *codeSet) table(name string) []beian.CodeEntry {
	if t, ok := c.tables[name]; ok {
		return t
	}
	return defaultCodes[name]
}

var nameFolder = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "", "／", "/")

// normName folds the variants bureaus write the same name in: full-width
// and half-width brackets, spaces.
func normName(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "（） \u3000／") {
		return s // the common case, without the replacer's allocation
	}
	return nameFolder.Replace(s)
}

// nameIndex maps a table's normalised names to the IDs of its valid entries
// (the first entry wins a duplicate name).
func nameIndex(t []beian.CodeEntry) map[string]int64 {
	idx := make(map[string]int64, len(t))
	for _, e := range t {
		n := normName(e.Name)
		if _, dup := idx[n]; e.Valid && !dup {
			idx[n] = e.ID
		}
	}
	return idx
}

// defaultIndex is nameIndex of every default table, built once.
var defaultIndex = func() map[string]map[string]int64 {
	out := make(map[string]map[string]int64, len(defaultCodes))
	for name, t := range defaultCodes {
		out[name] = nameIndex(t)
	}
	return out
}()

// id returns the ID of the first of names the table holds as a valid entry.
func (c *codeSet) id(table string, names ...string) (int64, bool) {
	if c.index == nil {
		c.index = map[string]map[string]int64{}
	}
	idx, ok := c.index[table]
	if !ok {
		if t, synced := c.tables[table]; synced {
			idx = nameIndex(t)
		} else {
			idx = defaultIndex[table]
		}
		c.index[table] = idx
	}
	for _, n := range names {
		if id, ok := idx[normName(n)]; ok {
			return id, true
		}
	}
	return 0, false
}

// name returns the name of the entry with id, valid or not.
func (c *codeSet) name(table string, id int64) (string, bool) {
	for _, e := range c.table(table) {
		if e.ID == id {
			return e.Name, true
		}
	}
	return "", false
}

// certNames are the names a certificate type goes by in bureau tables, most
// specific first. The organisation code certificate has one entry per kind
// of unit in MIIT's table, so it depends on the subject's nature.
func certNames(c beian.CertificateType, n beian.Nature) []string {
	switch c {
	case beian.CertBusinessLicence:
		return []string{"工商营业执照（统一社会信用代码）", "营业执照（统一社会信用代码）", "工商营业执照", "营业执照"}
	case beian.CertOrgCode:
		switch n {
		case beian.NaturePublicInstitution:
			return []string{"组织机构代码证（事业单位）", "组织机构代码证"}
		case beian.NatureGovernment:
			return []string{"组织机构代码证（政府机关）", "组织机构代码证"}
		case beian.NatureSocialOrg:
			return []string{"组织机构代码证（社会团体）", "组织机构代码证"}
		}
		return []string{"组织机构代码证（企业）", "组织机构代码证"}
	case beian.CertSocialServiceOrg, beian.CertPrivateSchool:
		return []string{c.Text().ZH, "民办非企业单位登记证书"}
	case beian.CertForeignTourismOffice:
		return []string{c.Text().ZH, "境外机构证件"}
	}
	return []string{c.Text().ZH}
}

// languageNames maps a language tag of ours (BCP 47: zh-CN, en …) to the
// names of MIIT's language table.
func languageNames(tag string) []string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "zh-tw" || t == "zh-hk" || t == "zh-mo" || strings.HasPrefix(t, "zh-hant"):
		return []string{"中文繁体"}
	case t == "zh" || strings.HasPrefix(t, "zh-"):
		return []string{"中文简体"}
	}
	base, _, _ := strings.Cut(t, "-")
	if n, ok := map[string]string{"en": "英语", "ja": "日语", "ko": "韩语", "fr": "法语", "de": "德语", "ru": "俄语", "es": "西班牙语",
		"ar": "阿拉伯语", "pt": "葡萄牙语", "mn": "蒙古语", "bo": "藏语", "ug": "维吾尔语", "za": "壮语", "kk": "哈萨克语"}[base]; ok {
		return []string{n}
	}
	return []string{"其他"}
}

// languageTag is the reverse of languageNames, for records the bureau sends.
func languageTag(name string) string {
	for tag, n := range map[string]string{"zh-CN": "中文简体", "zh-TW": "中文繁体", "en": "英语", "ja": "日语", "ko": "韩语", "fr": "法语",
		"de": "德语", "ru": "俄语", "es": "西班牙语", "ar": "阿拉伯语", "pt": "葡萄牙语", "mn": "蒙古语", "bo": "藏语", "ug": "维吾尔语",
		"za": "壮语", "kk": "哈萨克语"} {
		if normName(n) == normName(name) {
			return tag
		}
	}
	return name
}

// sectorNames maps a pre-approval category (rules.Sector*) to MIIT's name.
var sectorNames = map[string]string{
	"news": "新闻", "publishing": "出版", "education": "教育", "medical": "医疗保健", "drugs": "药品和医疗器械", "culture": "文化",
	"av": "广播电影电视节目", "religion": "宗教", "ride_hailing": "网络预约车", "finance": "金融",
	"establishment_proof": "党政机关、事业单位网站开办（编办证明）",
}

// cancelReasonNames maps the reason keys a cancellation order may carry to
// MIIT's names; any other text is sent as 其他 with the text as the note.
var cancelReasonNames = map[string]string{
	"closed": "网站关闭", "change_provider": "更换接入商", "subject_cancelled": "主办单位注销", "unused": "网站不再使用",
	"wrong_data": "备案信息有误需重新备案", "other": "其他",
}

// jcdmTables turns a JCDM document into the code tables the store keeps.
// Tables the document leaves out are not in the map, so a partial JCDM file
// replaces only what it carries.
func jcdmTables(j *miit.JCDM) map[string][]beian.CodeEntry {
	out := map[string][]beian.CodeEntry{}
	if j == nil {
		return out
	}
	if j.Bbdwlb != nil {
		var t []beian.CodeEntry
		for _, b := range j.Bbdwlb.Bbdw {
			var p int64
			if b.Shengid != nil {
				p = *b.Shengid
			}
			t = append(t, beian.CodeEntry{ID: b.ID, Name: b.Dwmc, Parent: p, Valid: b.Sfyx == 1})
		}
		out[tableUnits] = t
	}
	x := j.JcdmXx
	if x == nil {
		return out
	}
	simple := func(name string, rows []miit.JCDMJcdmXxDwflDmsDwflXx) {
		t := make([]beian.CodeEntry, 0, len(rows))
		for _, r := range rows {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Valid: r.Sfyx == 1})
		}
		out[name] = t
	}
	if x.DwflDms != nil {
		simple(tableUnitClass, x.DwflDms.DwflXx)
	}
	if x.DwxzDms != nil {
		simple(tableNature, x.DwxzDms.DwxzXx)
	}
	if x.XzjbDms != nil {
		simple(tableAdminLevel, x.XzjbDms.XzjbXx)
	}
	if x.QyDms != nil {
		t := make([]beian.CodeEntry, 0, len(x.QyDms.QyXx))
		for _, r := range x.QyDms.QyXx {
			var lx int64
			if r.Lx != nil {
				lx = *r.Lx
			}
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Parent: lx, Valid: r.Sfyx == 1})
		}
		out[tableRegion] = t
	}
	if x.YjfkWtfls != nil {
		var t []beian.CodeEntry
		for _, r := range x.YjfkWtfls.YjfkWtflXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Fl1 + "/" + r.Fl2, Valid: r.Sfyx == 1})
		}
		out[tableFeedback] = t
	}
	if x.GjDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.GjDms.GjDmXx {
			var p int64
			if r.Shengid != nil {
				p = *r.Shengid
			}
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Parent: p, Valid: r.Sfyx == 1})
		}
		out[tableBureau] = t
	}
	if x.HyflDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.HyflDms.HyflXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Valid: r.Sfyx == 1})
		}
		out[tableIndustry] = t
	}
	if x.ZjlxDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.ZjlxDms.ZjlxXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Parent: r.Dwflid, Valid: r.Sfyx == 1})
		}
		out[tableCertType] = t
	}
	if x.WzjylxDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.WzjylxDms.WzjylxXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Parent: r.Sfqzsp, Valid: r.Sfyx == 1})
		}
		out[tablePreApproval] = t
	}
	fw := func(name string, rows []miit.JCDMJcdmXxWzfwlxDmsWzfwlxXx) {
		t := make([]beian.CodeEntry, 0, len(rows))
		for _, r := range rows {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Valid: r.Sfyx == 1})
		}
		out[name] = t
	}
	if x.WzfwlxDms != nil {
		fw(tableContent, x.WzfwlxDms.WzfwlxXx)
	}
	if x.WzjrfsDms != nil {
		fw(tableAccessMethod, x.WzjrfsDms.WzjrfsXx)
	}
	if x.ZxlyDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.ZxlyDms.ZxlyXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Nr, Valid: r.Sfyx == 1})
		}
		out[tableCancelReason] = t
	}
	if x.WbaclDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.WbaclDms.WbaclXx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Ztmc, Valid: true})
		}
		out[tableUnfiled] = t
	}
	hs := func(name string, rows []miit.JCDMJcdmXxHsyjDmsHsyj) {
		t := make([]beian.CodeEntry, 0, len(rows))
		for _, r := range rows {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Valid: r.Sfyx == 1})
		}
		out[name] = t
	}
	if x.HsyjDms != nil {
		hs(tableVerifyOpinion, x.HsyjDms.Hsyj)
	}
	if x.YmlxDms != nil {
		hs(tableDomainType, x.YmlxDms.Ymlx)
	}
	fj := func(name string, rows []miit.JCDMJcdmXxFjwjgsDmsFjwjgs) {
		t := make([]beian.CodeEntry, 0, len(rows))
		for _, r := range rows {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Valid: r.Sfyx == 1})
		}
		out[name] = t
	}
	if x.FjwjgsDms != nil {
		fj(tableAttachFormat, x.FjwjgsDms.Fjwjgs)
	}
	if x.YylbDms != nil {
		fj(tableLanguage, x.YylbDms.Yylb)
	}
	if x.FjytlxDms != nil {
		var t []beian.CodeEntry
		for _, r := range x.FjytlxDms.Fjzjlx {
			t = append(t, beian.CodeEntry{ID: r.ID, Name: r.Mc, Parent: r.Ssdxlx, Valid: r.Sfyx == 1})
		}
		out[tableAttachPurpose] = t
	}
	return out
}
