package probe

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}

type wantNumber struct {
	number string
	link   Link
}

func TestExtractNumbers(t *testing.T) {
	cases := []struct {
		name string
		html string
		want []wantNumber
	}{
		{"plain linked",
			`<footer><a href="https://beian.miit.gov.cn/">京ICP备12345678号-1</a></footer>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkMIIT}}},
		{"http, no slash, path",
			`<a href="http://beian.miit.gov.cn">京ICP备12345678号-1</a> <a href="https://BEIAN.miit.gov.cn./#/Integrated/index">沪ICP备2021012345号</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkMIIT}, {"沪ICP备2021012345号", LinkMIIT}}},
		{"scheme-relative", `<a href="//beian.miit.gov.cn/">京ICP备12345678号-2</a>`,
			[]wantNumber{{"京ICP备12345678号-2", LinkMIIT}}},
		{"full-width digits and letters",
			`<a href="https://beian.miit.gov.cn/">粤ＩＣＰ备２０２１０１２３４５号－３</a>`,
			[]wantNumber{{"粤ICP备2021012345号-3", LinkMIIT}}},
		{"spaces everywhere but in digit runs",
			`<p>京 ICP 备 12345678 号 - 1</p>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"ideographic and no-break spaces", "<p>京ICP备\u300012345678号\u00a0-\u00a01</p>",
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"nested tags inside the link",
			`<a href="https://beian.miit.gov.cn"><span>京ICP备</span><b>1234<i>5678</i></b>号<em>-1</em></a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkMIIT}}},
		{"link around an ancestor",
			`<a href="https://beian.miit.gov.cn/"><div class="f"><p><span>浙ICP备10000001号</span></p></div></a>`,
			[]wantNumber{{"浙ICP备10000001号", LinkMIIT}}},
		{"not linked, link elsewhere nearby",
			`<span>京ICP备12345678号-1</span> <a href="https://beian.miit.gov.cn/">工信部</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"retired link", `<a href="http://www.miitbeian.gov.cn/">京ICP备12345678号-1</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkOldMIIT}}},
		{"link to the site itself", `<a href="/about">京ICP备12345678号-1</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkOther}}},
		{"anchor without href", `<a name="x">京ICP备12345678号-1</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"onclick window.open", `<a href="javascript:;" onclick="window.open('https://beian.miit.gov.cn/')">京ICP备12345678号-1</a>`,
			[]wantNumber{{"京ICP备12345678号-1", LinkMIIT}}},
		{"app, mini-program, quick app suffixes", `京ICP备12345678号-2A 京ICP备12345678号-3X 京ICP备12345678号-4K`,
			[]wantNumber{{"京ICP备12345678号-2A", LinkNone}, {"京ICP备12345678号-3X", LinkNone}, {"京ICP备12345678号-4K", LinkNone}}},
		{"suffix letter only at a word boundary", `京ICP备12345678号-1All rights reserved`,
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"year after the number is not an ordinal", `京ICP备12345678号-1 2023 © 某某公司`,
			[]wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"misplaced 号", `京ICP备12345678-1号`, []wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"missing 号", `京ICP备12345678-1`, []wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"traditional characters", `京ICP備12345678號-1`, []wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"lower-case icp", `京icp备12345678号`, []wantNumber{{"京ICP备12345678号", LinkNone}}},
		{"everyday abbreviation becomes the ICP one", `川ICP备12345678号-1`, []wantNumber{{"蜀ICP备12345678号-1", LinkNone}}},
		{"licence number is not a filing number", `京ICP证030173号 京ICP备05002571号`,
			[]wantNumber{{"京ICP备05002571号", LinkNone}}},
		{"label before the number", `网站ICP备案号：京ICP备12345678号-1`, []wantNumber{{"京ICP备12345678号-1", LinkNone}}},
		{"not a province", `某ICP备12345678号`, nil},
		{"too few digits", `京ICP备123号`, nil},
		{"too many digits", `京ICP备1234567890123号`, nil},
		{"ordinal with a leading zero stays off", `京ICP备12345678号-01`, []wantNumber{{"京ICP备12345678号", LinkNone}}},
		{"a block element breaks the text", `<p>京ICP备</p><p>12345678号</p>`, []wantNumber{{"京ICP备12345678号", LinkNone}}},
		{"scripts, styles and comments are not shown",
			`<script>var n="京ICP备11111111号-1"</script><style>/*京ICP备22222222号*/</style><!-- 京ICP备33333333号 --><noscript>京ICP备44444444号</noscript>`,
			nil},
		{"entities", `京ICP备12345678&#21495;-1`, []wantNumber{{"京ICP备12345678号-1", LinkNone}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ExtractPage(c.html)
			if len(p.Numbers) != len(c.want) {
				t.Fatalf("found %+v, want %v", p.Numbers, c.want)
			}
			for i, w := range c.want {
				n := p.Numbers[i]
				if n.Canonical != w.number || n.Link != w.link || n.Number.String() != w.number {
					t.Errorf("#%d: %s %v, want %s %v", i, n.Canonical, n.Link, w.number, w.link)
				}
				if !strings.Contains(n.Snippet, n.Shown) {
					t.Errorf("snippet %q lacks %q", n.Snippet, n.Shown)
				}
			}
		})
	}
}

func TestExtractSnippetAndTitle(t *testing.T) {
	long := strings.Repeat("甲", 200)
	html := "<html><head><title>\n  某某科技有限公司 &amp; 首页\n</title></head><body>" + long +
		`<div>版权所有 <a href="https://beian.miit.gov.cn/">京ICP备12345678号-1</a> 联系我们</div>` + long + "</body></html>"
	p := ExtractPage(html)
	if p.Title != "某某科技有限公司 & 首页" {
		t.Errorf("title %q", p.Title)
	}
	if len(p.Numbers) != 1 {
		t.Fatalf("numbers %+v", p.Numbers)
	}
	s := []rune(p.Numbers[0].Snippet)
	// 80 before, the number (16), 80 after; the space before the div is
	// collapsed into the text.
	if len(s) != 80+16+80 || !strings.Contains(p.Numbers[0].Snippet, "版权所有 京ICP备12345678号-1 联系我们") {
		t.Errorf("snippet (%d runes) %q", len(s), p.Numbers[0].Snippet)
	}
	if p.Numbers[0].Href != "https://beian.miit.gov.cn/" {
		t.Errorf("href %q", p.Numbers[0].Href)
	}
	if p := ExtractPage("<title>a</title><title>b</title>"); p.Title != "a" {
		t.Errorf("second title used: %q", p.Title)
	}
}

func TestParsePageCharsets(t *testing.T) {
	page := `<html><head><meta charset="gbk"><title>测试网站</title></head><body><a href="https://beian.miit.gov.cn/">粤ICP备2021012345号</a></body></html>`
	cases := []struct {
		name, contentType string
		body              []byte
		charset           string
	}{
		{"meta gbk", "text/html", gbk(t, page), "gbk"},
		{"header gb2312 wins over meta", "text/html; charset=gb2312", gbk(t, page), "gbk"},
		{"header gb18030", "text/html; charset=GB18030", gbk(t, page), "gb18030"},
		{"undeclared GBK is read as GB18030", "text/html", gbk(t, strings.Replace(page, `<meta charset="gbk">`, "", 1)), "gb18030"},
		{"utf-8", "text/html; charset=utf-8", []byte(strings.Replace(page, "gbk", "utf-8", 1)), "utf-8"},
		{"utf-8 BOM", "", append([]byte("\xef\xbb\xbf"), strings.Replace(page, `<meta charset="gbk">`, "", 1)...), "utf-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ParsePage(c.body, c.contentType)
			if p.Title != "测试网站" || len(p.Numbers) != 1 || p.Numbers[0].Canonical != "粤ICP备2021012345号" || p.Numbers[0].Link != LinkMIIT {
				t.Errorf("%+v", p)
			}
			if p.Charset != c.charset {
				t.Errorf("charset %q, want %q", p.Charset, c.charset)
			}
		})
	}
	// A GBK body cut in the middle of a character still decodes.
	b := gbk(t, page)
	b = append(b, 0xB2) // a lead byte without its trail
	if p := ParsePage(b, "text/html; charset=gbk"); len(p.Numbers) != 1 {
		t.Errorf("cut body: %+v", p)
	}
}

func TestMetaRefresh(t *testing.T) {
	for in, want := range map[string]string{
		`<meta http-equiv="refresh" content="0; url=/index.html">`:    "/index.html",
		`<meta http-equiv="Refresh" content="3;URL='http://x.cn/a'">`: "http://x.cn/a",
		`<meta http-equiv="refresh" content="5">`:                     "",
		`<meta name="refresh" content="0; url=/x">`:                   "",
		`<meta http-equiv="refresh" content="0, url=https://y.cn/">`:  "https://y.cn/",
	} {
		if got := ExtractPage(in).Refresh; got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func TestClassifyHref(t *testing.T) {
	for in, want := range map[string]Link{
		"https://beian.miit.gov.cn":             LinkMIIT,
		"https://beian.miit.gov.cn/":            LinkMIIT,
		"http://beian.miit.gov.cn/#/Integrated": LinkMIIT,
		" HTTPS://Beian.MIIT.gov.cn ":           LinkMIIT,
		"//beian.miit.gov.cn":                   LinkMIIT,
		"https://beian.miit.gov.cn:443/":        LinkMIIT,
		"http://www.miitbeian.gov.cn/":          LinkOldMIIT,
		"http://miitbeian.gov.cn":               LinkOldMIIT,
		"beian.miit.gov.cn":                     LinkOther, // a relative path
		"https://beian.miit.gov.cn.evil.com/":   LinkOther,
		"https://evil.com/beian.miit.gov.cn":    LinkOther,
		"javascript:void(0)":                    LinkOther,
		"ftp://beian.miit.gov.cn/":              LinkOther,
		"":                                      LinkOther,
		"http://[::1":                           LinkOther,
	} {
		if got := ClassifyHref(in); got != want {
			t.Errorf("ClassifyHref(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTitleMatch(t *testing.T) {
	cases := []struct {
		title, name string
		m           TitleMatch
		want        bool
	}{
		{"首页 - 某某科技有限公司官网", "某某科技有限公司官网", TitleContains, true},
		{"某某科技（北京）有限公司", "某某科技(北京)有限公司", TitleEqual, true},
		{"ＡＢＣ 商城", "abc商城", TitleEqual, true},
		{"abc\u3000商城", "ABC 商城", TitleEqual, true},
		{"站点００１２３ — 首页", "站点00123", TitleContains, true},
		{"首页 - 某某科技有限公司官网", "某某科技有限公司官网", TitleEqual, false},
		{"欢迎访问", "某某科技有限公司官网", TitleContains, false},
		{"", "某某", TitleContains, false},
		{"anything", "", TitleEqual, true},
		{"某某科\u200b技", "某某科技", TitleEqual, true},
	}
	for _, c := range cases {
		if got := c.m.Matches(c.title, c.name); got != c.want {
			t.Errorf("%v.Matches(%q, %q) = %v", c.m, c.title, c.name, got)
		}
	}
}
