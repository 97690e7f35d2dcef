package letter

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/rules"
)

var letterDate = beian.NewDate(2026, 11, 30)

const orderID = "0190c0de-0000-7000-8000-00000000abcd"

// enterprise is a Guangdong enterprise's first filing whose website is run
// by someone other than the legal representative, with two domains.
func enterprise(province string) *beian.Order {
	snap := fixture.Enterprise(province, 1)
	snap.Websites[0].Principal = fixture.Person("李思远", "440305199001011234", "13900139000", "13911112222", "lisi@qingyun-data.cn")
	snap.Websites[0].Domains = []string{"qingyun-data1.cn", "www.qingyun-data1.cn"}
	return &beian.Order{ID: orderID, Type: beian.FirstFiling, Province: province, Snapshot: snap}
}

func TestRequired(t *testing.T) {
	withApp := func(o *beian.Order) *beian.Order {
		o.Snapshot.Apps = []beian.App{{ID: "app-1", Name: "青云助手", Principal: o.Snapshot.Subject.Principal}}
		return o
	}
	authorized := func(o *beian.Order) *beian.Order {
		o.Snapshot.Subject.Principal = fixture.Person("赵敏", "320102198802021234", "13700137000", "13711112222", "zm@example.com")
		return o
	}
	individual := func(province string) *beian.Order {
		return &beian.Order{Type: beian.FirstFiling, Province: province, Snapshot: fixture.Individual(province, 2)}
	}
	retype := func(o *beian.Order, typ beian.OrderType) *beian.Order { o.Type = typ; return o }
	noServices := func(o *beian.Order) *beian.Order { o.Snapshot.Websites = nil; return o }
	for _, c := range []struct {
		name string
		o    *beian.Order
		want []Kind
	}{
		{"Guangdong enterprise, website principal the legal rep", &beian.Order{Type: beian.FirstFiling, Province: "44", Snapshot: fixture.Enterprise("44", 1)}, []Kind{Commitment, BureauCommitment}},
		{"Guangdong enterprise, website principal not the legal rep", enterprise("44"), []Kind{Commitment, BureauCommitment, ServiceAuthorization}},
		{"Guangdong individual", individual("44"), []Kind{Commitment, BureauCommitment}},
		{"Jiangsu enterprise: notice, and the website principal's authorization", enterprise("32"), []Kind{Commitment, ResponsibilityNotice, ServiceAuthorization}},
		{"Jiangsu individual", individual("32"), []Kind{Commitment, ResponsibilityNotice}},
		{"Beijing individual", individual("11"), []Kind{Commitment}},
		{"Beijing enterprise with an app", withApp(enterprise("11")), []Kind{Commitment, ServiceAuthorization}},
		{"principal not the legal rep", authorized(enterprise("11")), []Kind{Commitment, PrincipalAuthorization, ServiceAuthorization}},
		{"Jiangsu, principal not the legal rep", authorized(enterprise("32")), []Kind{Commitment, ResponsibilityNotice, PrincipalAuthorization, ServiceAuthorization}},
		{"new access in Beijing", retype(enterprise("11"), beian.NewAccess), []Kind{Commitment, ServiceAuthorization}},
		{"subject change in Guangdong: no service, still the bureau letter", noServices(retype(enterprise("44"), beian.ChangeSubject)), []Kind{BureauCommitment}},
		{"cancel a service", retype(enterprise("44"), beian.CancelService), nil},
		{"cancel access in Jiangsu", retype(enterprise("32"), beian.CancelAccess), nil},
		{"transfer", retype(enterprise("44"), beian.Transfer), nil},
		{"unknown province falls back to the national pack", func() *beian.Order { o := enterprise("44"); o.Province = "99"; return o }(), []Kind{Commitment, ServiceAuthorization}},
	} {
		if got := Required(c.o); !slices.Equal(got, c.want) {
			t.Errorf("%s: Required = %v, want %v", c.name, got, c.want)
		}
	}
	// A pack (with an administrator's override) that asks no service
	// authorization.
	lenient := *rules.NationalPack()
	lenient.ServiceAuthorizationRequired = false
	if got := RequiredFor(enterprise("11"), &lenient); !slices.Equal(got, []Kind{Commitment}) {
		t.Errorf("RequiredFor(lenient pack) = %v", got)
	}
	// Every province: a first filing needs at least the commitment.
	for _, p := range beian.Provinces {
		if got := Required(enterprise(p.Code)); len(got) == 0 || got[0] != Commitment {
			t.Errorf("%s: Required = %v", p.Name, got)
		}
	}
}

// pdfText extracts the text of a PDF with pdftotext (poppler-utils), or
// skips the calling (sub)test when it is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils): text assertions skipped")
	}
	in := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// checkPDF asserts the file's structure: header, trailer and both fonts
// embedded as TrueType programs.
func checkPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		t.Fatalf("no PDF header: %q", b[:min(len(b), 16)])
	}
	tail := string(b[max(0, len(b)-64):])
	if !strings.Contains(tail, "startxref") || !strings.HasSuffix(strings.TrimSpace(tail), "%%EOF") {
		t.Errorf("no trailer: %q", tail)
	}
	if !bytes.Contains(b, []byte("/trailer")) && !bytes.Contains(b, []byte("trailer")) {
		t.Error("no trailer dictionary")
	}
	if n := bytes.Count(b, []byte("/FontFile2")); n != 2 {
		t.Errorf("%d embedded TrueType font programs, want 2 (Droid Sans Fallback and DejaVu Sans)", n)
	}
	for _, name := range faceNames {
		if !bytes.Contains(b, []byte("/"+name)) {
			t.Errorf("font %s not referenced", name)
		}
	}
	if bin, err := exec.LookPath("pdffonts"); err == nil {
		in := filepath.Join(t.TempDir(), "fonts.pdf")
		_ = os.WriteFile(in, b, 0o600)
		out, err := exec.Command(bin, in).Output()
		if err != nil {
			t.Fatalf("pdffonts: %v", err)
		}
		for _, name := range faceNames {
			line := regexp.MustCompile(`(?m)^` + name + `\s.*$`).FindString(string(out))
			if f := strings.Fields(line); len(f) < 6 || f[len(f)-5] != "yes" {
				t.Errorf("pdffonts says %s is not embedded:\n%s", name, out)
			}
		}
	}
}

// squash drops the spaces and line breaks pdftotext puts between glyphs
// and lines, so that prefilled values are found whatever the wrapping.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestRender(t *testing.T) {
	gd := enterprise("44")
	js := enterprise("32")
	js.Snapshot.Subject.Principal = fixture.Person("赵敏", "320102198802021234", "13700137000", "13711112222", "zm@example.com")
	ind := &beian.Order{ID: orderID, Type: beian.FirstFiling, Province: "44", Snapshot: fixture.Individual("44", 3)}
	for _, c := range []struct {
		kind  Kind
		o     *beian.Order
		pages int
		want  []string
	}{
		{Commitment, gd, 1, []string{"ICP备案信息真实性承诺书", "广东省通信管理局", "王建国", "李思远", "440305199001011234", "qingyun-data1.cn、www.qingyun-data1.cn",
			"互联网信息服务负责人（签字）", "主办单位（盖章）"}},
		{ResponsibilityNotice, js, 1, []string{"ICP备案信息真实性责任告知书", "江苏省通信管理局", "赵敏", "李思远", "诵读", "qingyun-data1.cn"}},
		{BureauCommitment, gd, 1, []string{"互联网信息服务备案承诺书", "法定代表人（签字）", "王建国", "黑色签字笔", "正楷", "https://beian.miit.gov.cn"}},
		{BureauCommitment, ind, 1, []string{"承诺人（签字）", "李明远", "本人李明远"}},
		{PrincipalAuthorization, js, 1, []string{"主体负责人授权书", "赵敏", "320102198802021234", "13700137000", "王建国"}},
		{ServiceAuthorization, js, 1, []string{"互联网信息服务负责人授权书", "李思远", "13900139000", "青云数据官网"}},
	} {
		t.Run(string(c.kind)+"/"+c.o.Province+"/"+string(c.o.Snapshot.Subject.Nature), func(t *testing.T) {
			b, err := Render(c.kind, c.o, letterDate)
			if err != nil {
				t.Fatal(err)
			}
			checkPDF(t, b)
			code, err := Code(c.kind, c.o, letterDate)
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[0-9A-F]{4}-[0-9A-F]{4}$`).MatchString(code) {
				t.Errorf("code %q", code)
			}
			t.Run("text", func(t *testing.T) {
				text := pdfText(t, b)
				flat := squash(text)
				s := &c.o.Snapshot.Subject
				want := append([]string{s.Name, s.CertificateNumber, "2026年11月30日", orderID, "校验码" + code,
					"第1/" + string(rune('0'+c.pages)) + "页"}, c.want...)
				for _, w := range want {
					if !strings.Contains(flat, squash(w)) {
						t.Errorf("text lacks %q:\n%s", w, text)
					}
				}
				// The Droid caveat: Latin letters, digits and the domain
				// must be there, set in DejaVu Sans; a glyph neither font
				// has would show as "?".
				latin := []string{"2026", "0190c0de"}
				if strings.Contains(c.kind.Title().ZH, "ICP") {
					latin = append(latin, "ICP")
				}
				for _, w := range latin {
					if !strings.Contains(text, w) {
						t.Errorf("Latin text %q missing: the Latin font is not used", w)
					}
				}
				if strings.Contains(text, "?") {
					t.Errorf("a glyph is missing from both fonts:\n%s", text)
				}
				if got := strings.Count(text, "\f"); got != c.pages {
					t.Errorf("%d pages, want %d", got, c.pages)
				}
			})
		})
	}
}

// TestRenderPerService prints one commitment per website and app, each on
// its own page(s) with its own responsible person.
func TestRenderPerService(t *testing.T) {
	o := enterprise("11")
	o.Snapshot.Apps = []beian.App{{ID: "app-1", Name: "青云助手", Domains: []string{"api.qingyun-data1.cn"},
		Releases:  []beian.AppRelease{{Platform: beian.PlatformAndroid, PackageName: "cn.qingyun.assistant"}, {Platform: beian.PlatformIOS, PackageName: "cn.qingyun.ios"}},
		Principal: fixture.Person("周立", "110101198505051234", "13600136000", "13611112222", "zl@example.com")}}
	b, err := Render(Commitment, o, letterDate)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b)
	text := pdfText(t, b)
	pages := strings.Split(text, "\f")
	if len(pages) < 3 { // two pages and what follows the last form feed
		t.Fatalf("%d pages, want one per service:\n%s", len(pages)-1, text)
	}
	first, second := squash(pages[0]), squash(pages[1])
	if !strings.Contains(first, "李思远") || !strings.Contains(first, "网站「青云数据官网」") || strings.Contains(first, "周立") {
		t.Errorf("page 1 is not the website's:\n%s", pages[0])
	}
	for _, w := range []string{"周立", "APP「青云助手」", "Androidcn.qingyun.assistant", "iOScn.qingyun.ios", "api.qingyun-data1.cn", "第2/2页"} {
		if !strings.Contains(second, w) {
			t.Errorf("page 2 lacks %q:\n%s", w, pages[1])
		}
	}
}

func TestCode(t *testing.T) {
	o := enterprise("44")
	a, _ := Code(Commitment, o, letterDate)
	b, _ := Code(Commitment, o, letterDate)
	if a != b {
		t.Fatalf("code not stable: %s, %s", a, b)
	}
	other := func(change func(o *beian.Order)) string {
		x := enterprise("44")
		change(x)
		c, err := Code(Commitment, x, letterDate)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for name, c := range map[string]string{
		"domain":  other(func(o *beian.Order) { o.Snapshot.Websites[0].Domains[1] = "m.qingyun-data1.cn" }),
		"order":   other(func(o *beian.Order) { o.ID = "another" }),
		"subject": other(func(o *beian.Order) { o.Snapshot.Subject.Name += "分公司" }),
	} {
		if c == a {
			t.Errorf("changing the %s keeps the code %s", name, a)
		}
	}
	if c, _ := Code(BureauCommitment, o, letterDate); c == a {
		t.Error("two letters of one order share a code")
	}
	if c, _ := Code(Commitment, o, beian.NewDate(2026, 12, 1)); c == a {
		t.Error("another date keeps the code")
	}
}

func TestRenderErrors(t *testing.T) {
	ind := &beian.Order{ID: orderID, Type: beian.FirstFiling, Province: "11", Snapshot: fixture.Individual("11", 1)}
	noSites := enterprise("11")
	noSites.Snapshot.Websites = nil
	for name, c := range map[string]struct {
		kind Kind
		o    *beian.Order
	}{
		"unknown kind":                        {"receipt", enterprise("11")},
		"commitment without services":         {Commitment, noSites},
		"principal authorization, individual": {PrincipalAuthorization, ind},
		"principal authorization, legal rep":  {PrincipalAuthorization, noSites},
		"service authorization, individual":   {ServiceAuthorization, ind},
	} {
		_, err := Render(c.kind, c.o, letterDate)
		if beian.ErrorCode(err) != beian.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	_, err := RenderWithFonts(Fonts{CJK: "/nonexistent/DroidSansFallbackFull.ttf", Latin: DebianFonts.Latin}, Commitment, enterprise("11"), letterDate)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/DroidSansFallbackFull.ttf") {
		t.Errorf("missing font: %v", err)
	}
	if _, err := (Fonts{CJK: "/nonexistent/x.ttf", Latin: "/nonexistent/y.ttf"}).load(); err == nil {
		t.Error("missing fonts loaded")
	}
	missing := DebianFonts
	missing.Latin = filepath.Join(t.TempDir(), "DejaVuSans.ttf")
	fontPackages[missing.Latin] = "fonts-dejavu-core"
	defer delete(fontPackages, missing.Latin)
	if _, err := missing.load(); err == nil || !strings.Contains(err.Error(), "fonts-dejavu-core") {
		t.Errorf("the error must name the package to install: %v", err)
	}
}

// TestPageImage renders page 1 with pdftoppm, as a reviewer's viewer
// would, to prove poppler draws the page without errors. The picture is
// for looking at by hand (BEIAN_LETTER_PNG=dir keeps it); it is never
// committed.
func TestPageImage(t *testing.T) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm not installed (apt-get install poppler-utils)")
	}
	b, err := Render(Commitment, enterprise("44"), letterDate)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("BEIAN_LETTER_PNG")
	if dir == "" {
		dir = t.TempDir()
	}
	in := filepath.Join(dir, "commitment.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", in, filepath.Join(dir, "commitment")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "commitment.png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10<<10 {
		t.Fatalf("page image: %d bytes, %v", len(png), err)
	}
}

func TestWrap(t *testing.T) {
	fonts, err := defaultFonts()
	if err != nil {
		t.Skip(err)
	}
	d, err := newDoc(fonts)
	if err != nil {
		t.Fatal(err)
	}
	width := d.measure("中中中中中中中中中中", sizeBody)
	lines := d.wrap("一二三四五六七八九，十一二三四五六七八九十", sizeBody, width, 0)
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "，") {
			t.Errorf("a line starts with closing punctuation: %q", lines)
		}
	}
	lines = d.wrap("域名 www.a-very-long-domain-name-for-tests.example.com 结束", sizeBody, width, 0)
	for _, l := range lines {
		if d.measure(l, sizeBody) > width+0.01 {
			t.Errorf("line %q wider than %v", l, width)
		}
	}
	if got := strings.Join(lines, ""); squash(got) != squash("域名 www.a-very-long-domain-name-for-tests.example.com 结束") {
		t.Errorf("wrapping lost text: %q", lines)
	}
	toks := tokens("见（附件）：example.com，完")
	if !slices.Contains(toks, "（附") || !slices.Contains(toks, "件）：") || !slices.Contains(toks, "example.com，") {
		t.Errorf("tokens = %q", toks)
	}
}
