package bureausim

import (
	"slices"
	"strconv"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/region"
)

// The code tables (基础代码) below are the simulator's data dictionary. V3.0 does not fix the
// values: bureaus push them in JCDM files (spec 4-2-4, market.md §3.4), and so does the
// simulator, as the first file every provider downloads. The IDs follow the values seen in
// providers' code where known (market.md §3.4: natures 1–6, certificate types 1–11) and
// extend them in the order of spec §5.1; the enterprise side must take them from the JCDM
// file, never hard-code them. The same tables drive the simulator's own checks (1008, 1014,
// 1026, 1033–1035, 1056, 1057, 1066, 5007).

// codeEntry is one row of a simple code table.
type codeEntry struct {
	ID   int64
	Name string
}

// Subject natures (单位性质, Dwxz).
var natures = []codeEntry{
	{1, "国防机构"}, {2, "政府机关"}, {3, "事业单位"}, {4, "企业"}, {5, "个人"}, {6, "社会团体"},
	{7, "民办非企业单位"}, {8, "基金会"}, {9, "律师执业机构"}, {10, "外国在华文化中心"},
	{11, "群众性团体组织"}, {12, "司法鉴定机构"}, {13, "宗教团体"}, {14, "境外机构"},
	{15, "医疗机构"}, {16, "公证机构"},
}

// NatureIndividual is the Dwxz of an individual (个人) subject.
const NatureIndividual = 5

// certType is a certificate type (证件类型, Zjlx) and the nature it belongs to; the JCDM
// table links them through Dwflid, which the simulator fills with the nature ID.
type certType struct {
	ID     int64
	Name   string
	Nature int64
}

// Certificate types. IDs 1–11 are also the isp_querybeianstatus condition types 1–11
// (spec 3-3-5-4), which name the same certificates.
var certTypes = []certType{
	{1, "工商营业执照（统一社会信用代码）", 4}, {2, "居民身份证", 5}, {3, "组织机构代码证（事业单位）", 3},
	{4, "事业单位法人证书", 3}, {5, "部队代号", 1}, {6, "社会团体法人登记证书", 6}, {7, "护照", 5},
	{8, "军官证", 5}, {9, "组织机构代码证（政府机关）", 2}, {10, "组织机构代码证（社会团体）", 6},
	{11, "台湾居民来往大陆通行证", 5}, {12, "港澳居民来往内地通行证", 5}, {13, "外国人永久居留身份证", 5},
	{14, "港澳台居民居住证", 5}, {15, "统一社会信用代码证书", 2}, {16, "民办非企业单位登记证书", 7},
	{17, "基金会法人登记证书", 8}, {18, "律师事务所执业许可证", 9}, {19, "外国在华文化中心登记证", 10},
	{20, "司法鉴定许可证", 12}, {21, "宗教活动场所登记证", 13}, {22, "境外机构证件", 14},
	{23, "医疗机构执业许可证", 15}, {24, "公证机构执业证", 16}, {25, "外国企业常驻代表机构登记证", 4},
	{26, "军队单位对外有偿服务许可证", 1},
}

// CertResidentID is the Zjlx of the mainland resident ID card (居民身份证).
const CertResidentID = 2

// Website service content (网站服务内容, Fwnr_id; JCDM 网站服务类型).
var serviceContents = []codeEntry{
	{1, "综合门户"}, {2, "单位门户网站"}, {3, "搜索引擎"}, {4, "即时通信"}, {5, "网络购物"},
	{6, "网上支付"}, {7, "网上新闻"}, {8, "网络游戏"}, {9, "网络音乐"}, {10, "网络视频"},
	{11, "网络文学"}, {12, "网络广告"}, {13, "电子邮箱"}, {14, "博客/个人空间"}, {15, "论坛/社区"},
	{16, "网络存储"}, {17, "网上教育"}, {18, "其他"},
}

// Pre-approval content types (前置或专项审批内容类型, Nrlx_id; JCDM 网站经营类型, all
// requiring pre-approval).
var approvalTypes = []codeEntry{
	{1, "新闻"}, {2, "出版"}, {3, "教育"}, {4, "医疗保健"}, {5, "药品和医疗器械"}, {6, "文化"},
	{7, "广播电影电视节目"}, {8, "宗教"}, {9, "网络预约车"}, {10, "金融"}, {11, "党政机关、事业单位网站开办（编办证明）"},
}

// Access methods (网站接入方式, Jrfs).
var accessMethods = []codeEntry{{1, "专线"}, {2, "主机托管"}, {3, "虚拟主机"}, {4, "云主机"}, {5, "其他"}}

// Cancellation reasons (注销理由, Zxly).
var cancelReasons = []codeEntry{
	{1, "网站关闭"}, {2, "更换接入商"}, {3, "主办单位注销"}, {4, "网站不再使用"}, {5, "备案信息有误需重新备案"}, {6, "其他"},
}

// Website languages (网站语言类别, Yylb_id).
var languages = []codeEntry{
	{1, "中文简体"}, {2, "中文繁体"}, {3, "英语"}, {4, "日语"}, {5, "韩语"}, {6, "法语"}, {7, "德语"},
	{8, "俄语"}, {9, "西班牙语"}, {10, "阿拉伯语"}, {11, "葡萄牙语"}, {12, "蒙古语"}, {13, "藏语"},
	{14, "维吾尔语"}, {15, "壮语"}, {16, "朝鲜语"}, {17, "哈萨克语"}, {18, "其他"},
}

// Attachment file formats (附件文件格式, Fjwjgs).
var attachmentFormats = []codeEntry{{1, "JPG"}, {2, "PNG"}, {3, "PDF"}}

// attachmentPurpose is an attachment purpose (附件用途, Fjyt) and the object it belongs to.
// The spec text says Ssdxlx 0 subject, 1 site, but the download XSD's minimum is 1, so the
// simulator numbers them as uploads do (Fjssdx/Ssdxlx): 1 subject, 2 site (NOTES.md).
type attachmentPurpose struct {
	ID     int64
	Name   string
	Object int64
}

var attachmentPurposes = []attachmentPurpose{
	{1, "真实性核验单", 2}, {2, "主办单位有效证件", 1}, {3, "主体负责人有效证件", 1}, {4, "网站负责人有效证件", 2},
	{5, "当面核验拍摄照片", 2}, {6, "域名证书", 2}, {7, "前置审批文件", 2}, {8, "法人授权书", 1}, {9, "其他", 1},
}

// Unfiled-site handling results (未备案网站处理状态, WBACLJG Cljg).
var unfiledResults = []codeEntry{{1, "已关停"}, {2, "已备案"}, {3, "已取消接入"}, {4, "非本单位接入"}, {5, "整改中"}, {6, "其他"}}

// Verification opinions (核实意见).
var verifyOpinions = []codeEntry{{1, "信息属实"}, {2, "信息不属实"}, {3, "无法联系"}, {4, "其他"}}

// Domain types (域名类型).
var domainTypes = []codeEntry{{1, "英文域名"}, {2, "中文域名"}}

// Unit classifications (单位分类).
var unitClasses = []codeEntry{{1, "基础电信业务经营者"}, {2, "互联网接入服务提供者"}, {3, "互联网数据中心业务经营者"}, {4, "域名注册服务机构"}, {5, "其他"}}

// Administrative levels (行政级别).
var adminLevels = []codeEntry{{1, "部级"}, {2, "省级"}, {3, "地市级"}, {4, "区县级"}, {5, "其他"}}

// Industry classification (行业分类): the sections of GB/T 4754-2017.
var industries = []struct {
	Code, Name string
}{
	{"A", "农、林、牧、渔业"}, {"B", "采矿业"}, {"C", "制造业"}, {"D", "电力、热力、燃气及水生产和供应业"},
	{"E", "建筑业"}, {"F", "批发和零售业"}, {"G", "交通运输、仓储和邮政业"}, {"H", "住宿和餐饮业"},
	{"I", "信息传输、软件和信息技术服务业"}, {"J", "金融业"}, {"K", "房地产业"}, {"L", "租赁和商务服务业"},
	{"M", "科学研究和技术服务业"}, {"N", "水利、环境和公共设施管理业"}, {"O", "居民服务、修理和其他服务业"},
	{"P", "教育"}, {"Q", "卫生和社会工作"}, {"R", "文化、体育和娱乐业"}, {"S", "公共管理、社会保障和社会组织"},
	{"T", "国际组织"},
}

// Feedback categories (意见反馈问题分类).
var feedbackCategories = []struct{ L1, L2 string }{
	{"备案信息", "信息不准确"}, {"备案信息", "信息缺失"}, {"接口", "接口故障"}, {"其他", "其他"},
}

func knownCode(table []codeEntry, id int64) bool {
	return slices.ContainsFunc(table, func(c codeEntry) bool { return c.ID == id })
}

func codeName(table []codeEntry, id int64) string {
	for _, c := range table {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

func knownCertType(id int64) bool {
	return slices.ContainsFunc(certTypes, func(c certType) bool { return c.ID == id })
}

func knownPurpose(id int64) bool {
	return slices.ContainsFunc(attachmentPurposes, func(c attachmentPurpose) bool { return c.ID == id })
}

// codeTables builds the JCDM file: every code table of spec 4-2-4 plus the reporting units
// (the configured providers).
func codeTables(isps []ISPAccount) *miit.JCDM {
	plain := func(t []codeEntry) []miit.JCDMJcdmXxDwflDmsDwflXx {
		out := make([]miit.JCDMJcdmXxDwflDmsDwflXx, len(t))
		for i, c := range t {
			out[i] = miit.JCDMJcdmXxDwflDmsDwflXx{ID: c.ID, Mc: c.Name, Sfyx: 1}
		}
		return out
	}
	x := &miit.JCDMJcdmXx{
		DwflDms: &miit.JCDMJcdmXxDwflDms{DwflXx: plain(unitClasses)},
		DwxzDms: &miit.JCDMJcdmXxDwxzDms{DwxzXx: plain(natures)},
		XzjbDms: &miit.JCDMJcdmXxXzjbDms{XzjbXx: plain(adminLevels)},
	}
	x.QyDms = &miit.JCDMJcdmXxQyDms{}
	for _, p := range region.Provinces() {
		x.QyDms.QyXx = append(x.QyDms.QyXx, qy(p))
		for _, c := range region.Children(p.Code) {
			x.QyDms.QyXx = append(x.QyDms.QyXx, qy(c))
			for _, d := range region.Children(c.Code) {
				x.QyDms.QyXx = append(x.QyDms.QyXx, qy(d))
			}
		}
	}
	x.YjfkWtfls = &miit.JCDMJcdmXxYjfkWtfls{}
	for i, f := range feedbackCategories {
		x.YjfkWtfls.YjfkWtflXx = append(x.YjfkWtfls.YjfkWtflXx, miit.JCDMJcdmXxYjfkWtflsYjfkWtflXx{ID: int64(i + 1), Fl1: f.L1, Fl2: f.L2, Sfyx: 1})
	}
	x.GjDms = &miit.JCDMJcdmXxGjDms{}
	for i, p := range beian.Provinces {
		code, _ := strconv.ParseInt(p.RegionCode(), 10, 64)
		x.GjDms.GjDmXx = append(x.GjDms.GjDmXx, miit.JCDMJcdmXxGjDmsGjDmXx{
			ID: int64(i + 1), Ysid: int64(i + 1), Bm: p.Code, Mc: p.Name + "通信管理局",
			Shengid: &code, Shengjc: p.ICPAbbr, Sfyx: 1,
		})
	}
	x.HyflDms = &miit.JCDMJcdmXxHyflDms{}
	for i, h := range industries {
		x.HyflDms.HyflXx = append(x.HyflDms.HyflXx, miit.JCDMJcdmXxHyflDmsHyflXx{ID: int64(i + 1), Bm: h.Code, Mc: h.Name, Sfyx: 1})
	}
	x.ZjlxDms = &miit.JCDMJcdmXxZjlxDms{}
	for _, c := range certTypes {
		x.ZjlxDms.ZjlxXx = append(x.ZjlxDms.ZjlxXx, miit.JCDMJcdmXxZjlxDmsZjlxXx{ID: c.ID, Mc: c.Name, Dwflid: c.Nature, Bz: "Dwflid为单位性质代码", Sfyx: 1})
	}
	x.WzjylxDms = &miit.JCDMJcdmXxWzjylxDms{}
	for _, c := range approvalTypes {
		x.WzjylxDms.WzjylxXx = append(x.WzjylxDms.WzjylxXx, miit.JCDMJcdmXxWzjylxDmsWzjylxXx{ID: c.ID, Ysid: c.ID, Mc: c.Name, Sfqzsp: 1, Sfyx: 1})
	}
	x.WzfwlxDms = &miit.JCDMJcdmXxWzfwlxDms{}
	for _, c := range serviceContents {
		x.WzfwlxDms.WzfwlxXx = append(x.WzfwlxDms.WzfwlxXx, miit.JCDMJcdmXxWzfwlxDmsWzfwlxXx{ID: c.ID, Ysid: c.ID, Mc: c.Name, Sfyx: 1})
	}
	x.WzjrfsDms = &miit.JCDMJcdmXxWzjrfsDms{}
	for _, c := range accessMethods {
		x.WzjrfsDms.WzjrfsXx = append(x.WzjrfsDms.WzjrfsXx, miit.JCDMJcdmXxWzfwlxDmsWzfwlxXx{ID: c.ID, Ysid: c.ID, Mc: c.Name, Sfyx: 1})
	}
	x.ZxlyDms = &miit.JCDMJcdmXxZxlyDms{}
	for _, c := range cancelReasons {
		x.ZxlyDms.ZxlyXx = append(x.ZxlyDms.ZxlyXx, miit.JCDMJcdmXxZxlyDmsZxlyXx{ID: c.ID, Nr: c.Name, Sfyx: 1})
	}
	x.WbaclDms = &miit.JCDMJcdmXxWbaclDms{}
	for _, c := range unfiledResults {
		x.WbaclDms.WbaclXx = append(x.WbaclDms.WbaclXx, miit.JCDMJcdmXxWbaclDmsWbaclXx{ID: c.ID, Ztmc: c.Name})
	}
	x.HsyjDms = &miit.JCDMJcdmXxHsyjDms{}
	for _, c := range verifyOpinions {
		x.HsyjDms.Hsyj = append(x.HsyjDms.Hsyj, miit.JCDMJcdmXxHsyjDmsHsyj{ID: c.ID, Mc: c.Name, Sfyx: 1})
	}
	x.YmlxDms = &miit.JCDMJcdmXxYmlxDms{}
	for _, c := range domainTypes {
		x.YmlxDms.Ymlx = append(x.YmlxDms.Ymlx, miit.JCDMJcdmXxHsyjDmsHsyj{ID: c.ID, Mc: c.Name, Sfyx: 1})
	}
	x.FjwjgsDms = &miit.JCDMJcdmXxFjwjgsDms{}
	for _, c := range attachmentFormats {
		x.FjwjgsDms.Fjwjgs = append(x.FjwjgsDms.Fjwjgs, miit.JCDMJcdmXxFjwjgsDmsFjwjgs{ID: c.ID, Mc: c.Name, Sfyx: 1})
	}
	x.FjytlxDms = &miit.JCDMJcdmXxFjytlxDms{}
	for _, c := range attachmentPurposes {
		x.FjytlxDms.Fjzjlx = append(x.FjytlxDms.Fjzjlx, miit.JCDMJcdmXxFjytlxDmsFjzjlx{ID: c.ID, Mc: c.Name, Ssdxlx: c.Object, Sfyx: 1})
	}
	x.YylbDms = &miit.JCDMJcdmXxYylbDms{}
	for _, c := range languages {
		x.YylbDms.Yylb = append(x.YylbDms.Yylb, miit.JCDMJcdmXxFjwjgsDmsFjwjgs{ID: c.ID, Mc: c.Name, Sfyx: 1})
	}
	units := &miit.JCDMBbdwlb{}
	for _, a := range isps {
		prov, _ := strconv.ParseInt(a.Province+"0000", 10, 64)
		class := int64(2)
		valid := int64(1)
		if a.Disabled {
			valid = 0
		}
		units.Bbdw = append(units.Bbdw, miit.JCDMBbdwlbBbdw{ID: a.ISPID, Dwmc: a.Name, Dwfl: &class, Shengid: &prov, Sfyx: valid})
	}
	return &miit.JCDM{Bbdwlb: units, JcdmXx: x}
}

func qy(d region.Division) miit.JCDMJcdmXxQyDmsQyXx {
	id, _ := strconv.ParseInt(d.Code, 10, 64)
	lx := int64(d.Level)
	return miit.JCDMJcdmXxQyDmsQyXx{ID: id, Mc: d.Name, Lx: &lx, Sfyx: 1}
}
