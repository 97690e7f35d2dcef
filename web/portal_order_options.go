package web

import (
	"github.com/openbeian/beian"
	"github.com/openbeian/beian/region"
	"github.com/openbeian/beian/rules"
)

// languages are the site languages offered (MIIT's code table lists more;
// the adapter maps these codes).
var languages = []struct {
	Code string
	Text beian.Text
}{
	{"zh-CN", beian.Text{ZH: "中文简体", EN: "Simplified Chinese"}},
	{"zh-TW", beian.Text{ZH: "中文繁体", EN: "Traditional Chinese"}},
	{"en", beian.Text{ZH: "英语", EN: "English"}},
	{"ja", beian.Text{ZH: "日语", EN: "Japanese"}},
	{"ko", beian.Text{ZH: "韩语", EN: "Korean"}},
	{"ru", beian.Text{ZH: "俄语", EN: "Russian"}},
	{"fr", beian.Text{ZH: "法语", EN: "French"}},
	{"de", beian.Text{ZH: "德语", EN: "German"}},
	{"es", beian.Text{ZH: "西班牙语", EN: "Spanish"}},
	{"ar", beian.Text{ZH: "阿拉伯语", EN: "Arabic"}},
	{"mn", beian.Text{ZH: "蒙古语", EN: "Mongolian"}},
	{"bo", beian.Text{ZH: "藏语", EN: "Tibetan"}},
	{"ug", beian.Text{ZH: "维吾尔语", EN: "Uyghur"}},
	{"other", beian.Text{ZH: "其他语言", EN: "Other"}},
}

var contentEN = map[string]string{
	"综合门户": "General portal", "单位门户网站": "Organisation's website", "搜索引擎": "Search engine", "即时通信": "Instant messaging",
	"网络购物": "Online shopping", "网上支付": "Online payment", "网上新闻": "Online news", "网络游戏": "Online games",
	"网络音乐": "Online music", "网络视频": "Online video", "网络文学": "Online literature", "网络广告": "Online advertising",
	"电子邮箱": "E-mail", rules.ContentPersonal: "Blog / personal space", "论坛/社区": "Forum / community",
	"网络存储": "Online storage", "网上教育": "Online education", rules.ContentOther: "Other (describe in the remark)",
}

// orderOptions are the choices of the wizard's selects, in the page
// language.
type orderOptions struct {
	Natures, SubjectCerts, PersonCerts, Provinces []option
	Languages, Contents, Sectors, Platforms       []option
	lang                                          beian.Lang
}

func newOrderOptions(lang beian.Lang, s *beian.Subject) orderOptions {
	o := orderOptions{lang: lang}
	for _, n := range beian.Natures {
		o.Natures = append(o.Natures, option{string(n), n.Text().In(lang)})
	}
	certs := beian.NatureCertificates[s.Nature]
	if certs == nil {
		seen := map[beian.CertificateType]bool{}
		for _, n := range beian.Natures {
			for _, c := range beian.NatureCertificates[n] {
				if !seen[c] {
					seen[c] = true
					certs = append(certs, c)
				}
			}
		}
	}
	for _, c := range certs {
		o.SubjectCerts = append(o.SubjectCerts, option{string(c), c.Text().In(lang)})
	}
	for _, c := range beian.PersonalCertificates {
		o.PersonCerts = append(o.PersonCerts, option{string(c), c.Text().In(lang)})
	}
	for _, p := range beian.Provinces {
		name := p.Name
		if lang == beian.LangEN {
			name = p.NameEN
		}
		o.Provinces = append(o.Provinces, option{p.Code, name})
	}
	for _, l := range languages {
		o.Languages = append(o.Languages, option{l.Code, l.Text.In(lang)})
	}
	for _, c := range rules.WebsiteContents {
		if s.Nature.IsIndividual() && c != rules.ContentPersonal && c != rules.ContentOther {
			continue // individuals may file only these two (spec §5.5)
		}
		label := c
		if lang == beian.LangEN {
			label = contentEN[c]
		}
		o.Contents = append(o.Contents, option{c, label})
	}
	for _, x := range rules.Sectors() {
		o.Sectors = append(o.Sectors, option{x.Key, x.Name.In(lang)})
	}
	o.Platforms = []option{{string(beian.PlatformAndroid), "Android"}, {string(beian.PlatformIOS), "iOS"}, {string(beian.PlatformHarmonyOS), map[beian.Lang]string{beian.LangZH: "鸿蒙 HarmonyOS", beian.LangEN: "HarmonyOS"}[lang]}}
	return o
}

// ContentsWith returns the service-content boxes plus any already chosen
// that the list would hide (an individual's old choice), so nothing
// chosen is silently dropped.
func (o orderOptions) ContentsWith(chosen []string) []option {
	out := o.Contents
	for _, c := range chosen {
		found := false
		for _, x := range out {
			found = found || x.Value == c
		}
		if !found {
			out = append(append([]option{}, out...), option{c, c})
		}
	}
	return out
}

// Counties returns the county-level divisions of a province grouped by
// city, for a single select: no script is needed to cascade.
func (o orderOptions) Counties(province string) []optGroup {
	if len(province) < 2 {
		return nil
	}
	prov, ok := region.Lookup(province[:2] + "0000")
	if !ok {
		return nil
	}
	var out []optGroup
	for _, city := range region.Children(prov.Code) {
		label := city.Name
		if city.Grouping {
			label = prov.Name
		}
		g := optGroup{Label: label}
		for _, c := range region.Children(city.Code) {
			g.Options = append(g.Options, option{c.Code, c.Name})
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// regionProvince returns the province code of a county code, or def.
func regionProvince(code, def string) string {
	if d, ok := region.Lookup(code); ok {
		return d.Code[:2]
	}
	return def
}
