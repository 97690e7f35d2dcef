package probe

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/openbeian/beian"
)

// Link says where the anchor around an ICP number points.
type Link uint8

// The kinds of link. Spec §9.1 requires the number to link to
// https://beian.miit.gov.cn; the retired www.miitbeian.gov.cn no longer
// serves the look-up, so a link there is a wrong link, not a link.
const (
	LinkNone    Link = iota // the number is not inside a link
	LinkMIIT                // beian.miit.gov.cn, http or https, any path
	LinkOldMIIT             // www.miitbeian.gov.cn or miitbeian.gov.cn
	LinkOther               // anywhere else, or not a web address
)

// String returns the link kind as stored in evidence.
func (l Link) String() string {
	switch l {
	case LinkMIIT:
		return "miit"
	case LinkOldMIIT:
		return "old_miit"
	case LinkOther:
		return "other"
	}
	return "none"
}

// FoundNumber is an ICP filing number found in a page's text.
type FoundNumber struct {
	// Number is the number in canonical form; Canonical its string.
	Number    beian.ICPNumber `json:"-"`
	Canonical string          `json:"number"`
	// Shown is the text as the page shows it (whitespace collapsed).
	Shown string `json:"shown"`
	// Link is where the enclosing anchor points, Href its address.
	Link Link   `json:"link"`
	Href string `json:"href,omitempty"`
	// Snippet is the page text around the number, up to SnippetRadius
	// characters either side: the evidence a customer recognises.
	Snippet string `json:"snippet"`
}

// Page is what a homepage shows that the compliance checks need.
type Page struct {
	Title   string        `json:"title"`
	Numbers []FoundNumber `json:"numbers,omitempty"`
	// Refresh is the target of a <meta http-equiv="refresh">, "" when none;
	// many small Chinese sites send visitors on this way.
	Refresh string `json:"refresh,omitempty"`
	// Charset is the encoding the page was decoded from.
	Charset string `json:"charset,omitempty"`
}

// Extraction limits: they bound the work one hostile page can cause.
const (
	// SnippetRadius is how many characters of page text either side of a
	// number the evidence keeps.
	SnippetRadius = 80
	maxNumbers    = 32
	maxTitle      = 256 // runes
	maxHref       = 512 // bytes
	maxTextRunes  = 1 << 20
)

// ParsePage decodes an HTML body (any charset: the Content-Type header, a
// BOM or a <meta> says which; undeclared non-UTF-8 bytes are read as
// GB18030, a superset of GBK and GB2312, since that is what Chinese pages
// without a declaration use) and extracts the title, the ICP numbers with
// their links, and a meta refresh.
func ParsePage(body []byte, contentType string) Page {
	text, name := decodeBody(body, contentType)
	p := ExtractPage(text)
	p.Charset = name
	return p
}

func decodeBody(body []byte, contentType string) (string, string) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain && !utf8.Valid(body) && name == "windows-1252" {
		enc, name = simplifiedchinese.GB18030, "gb18030"
	}
	if name == "utf-8" || enc == encoding.Nop {
		return strings.ToValidUTF8(string(body), "\uFFFD"), name
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		// A multi-byte character cut by the body limit: decode what is
		// whole and drop the rest.
		return strings.ToValidUTF8(string(out), "\uFFFD"), name
	}
	return string(out), name
}

// pageText is the visible text of a page, one rune per position, with the
// folded form used for matching and the anchor each rune sits in.
type pageText struct {
	shown   []rune  // whitespace collapsed to single spaces
	folded  []rune  // fold(shown[i]), same length
	anchor  []int32 // index into anchors, -1 outside links
	anchors []anchorRef
	space   bool // a space is due before the next rune
}

type anchorRef struct {
	link Link
	href string
}

func (t *pageText) add(b []byte, anchor int32) {
	for len(b) > 0 && len(t.shown) < maxTextRunes {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case unicode.IsSpace(r):
			t.space = true
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad':
			continue // invisible: not even a space
		}
		if t.space && len(t.shown) > 0 {
			t.push(' ', anchor)
		}
		t.space = false
		t.push(r, anchor)
	}
}

func (t *pageText) push(r rune, anchor int32) {
	t.shown = append(t.shown, r)
	t.folded = append(t.folded, fold(r))
	t.anchor = append(t.anchor, anchor)
}

// fold maps a rune to the form the number matcher reads: full-width ASCII
// to ASCII, every dash to '-', traditional 號/備 to 号/备, letters to upper
// case. It maps one rune to one rune so positions carry over to the shown
// text.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58, r == 0xFE63, r == 0x30FC, r == 0x2E3A, r == 0x2E3B:
		return '-'
	case r == '號':
		return '号'
	case r == '備':
		return '备'
	}
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	return r
}

// blockTags break the text: a number never continues across them.
var blockTags = map[atom.Atom]bool{
	atom.Br: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Td: true, atom.Th: true, atom.Tr: true, atom.Table: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Footer: true, atom.Header: true,
	atom.Section: true, atom.Article: true, atom.Nav: true, atom.Hr: true, atom.Dd: true, atom.Dt: true,
	atom.Dl: true, atom.Form: true, atom.Blockquote: true, atom.Pre: true, atom.Address: true,
	atom.Center: true, atom.Main: true, atom.Aside: true, atom.Img: true, atom.Option: true,
}

// hiddenTags hold text a visitor does not see as page text. They are the
// raw-text elements (and template), which the tokenizer always closes, so
// a missing end tag cannot hide the rest of a page.
var hiddenTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Noframes: true, atom.Textarea: true,
}

// ExtractPage extracts the title, ICP numbers and meta refresh from an
// HTML document already decoded to UTF-8. Text in scripts, styles and
// comments does not count: a number there is not displayed.
func ExtractPage(doc string) Page {
	var (
		p                  Page
		t                  pageText
		stack              []int32 // open anchors
		hidden             int
		title              strings.Builder
		inTitle, titleDone bool
	)
	top := func() int32 {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1]
	}
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			switch {
			case inTitle:
				if !titleDone && title.Len() < 4*maxTitle {
					title.Write(z.Text())
				}
			case hidden > 0:
			default:
				t.add(z.Text(), top())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := readAttrs(z, hasAttr)
			switch {
			case a == atom.A && tt == html.StartTagToken:
				ref := anchorRef{link: LinkNone}
				if href, ok := attrs["href"]; ok {
					ref.href = truncateBytes(strings.TrimSpace(href), maxHref)
					ref.link = ClassifyHref(href)
				}
				if ref.link != LinkMIIT && strings.Contains(strings.ToLower(attrs["onclick"]), "beian.miit.gov.cn") {
					ref.link = LinkMIIT // window.open('https://beian.miit.gov.cn/')
				}
				t.anchors = append(t.anchors, ref)
				stack = append(stack, int32(len(t.anchors)-1))
			case a == atom.Title && tt == html.StartTagToken && hidden == 0:
				inTitle = true
			case a == atom.Meta:
				if strings.EqualFold(strings.TrimSpace(attrs["http-equiv"]), "refresh") && p.Refresh == "" {
					p.Refresh = refreshURL(attrs["content"])
				}
			case hiddenTags[a] && tt == html.StartTagToken:
				hidden++
			case blockTags[a]:
				t.space = true
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.A:
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			case a == atom.Title:
				if inTitle {
					inTitle = false
					titleDone = true
				}
			case hiddenTags[a]:
				if hidden > 0 {
					hidden--
				}
			case blockTags[a]:
				t.space = true
			}
		}
	}
	p.Title = collapseSpace(title.String(), maxTitle)
	p.Numbers = t.numbers()
	return p
}

func readAttrs(z *html.Tokenizer, more bool) map[string]string {
	if !more {
		return nil
	}
	attrs := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		key := string(k)
		if _, dup := attrs[key]; !dup && len(attrs) < 64 {
			attrs[key] = string(v)
		}
	}
	return attrs
}

// ClassifyHref says where an href points: beian.miit.gov.cn (http, https
// or scheme-relative, any path), the retired miitbeian.gov.cn, or elsewhere.
func ClassifyHref(href string) Link {
	h := strings.TrimSpace(href)
	if h == "" {
		return LinkOther
	}
	u, err := url.Parse(h)
	if err != nil {
		return LinkOther
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https":
	default:
		return LinkOther
	}
	switch strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") {
	case "beian.miit.gov.cn":
		return LinkMIIT
	case "www.miitbeian.gov.cn", "miitbeian.gov.cn":
		return LinkOldMIIT
	}
	return LinkOther
}

// refreshURL returns the URL of a meta refresh's content ("5; url=/x").
func refreshURL(content string) string {
	_, rest, ok := strings.Cut(content, ";")
	if !ok {
		_, rest, ok = strings.Cut(content, ",")
	}
	if !ok {
		return ""
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 4 && strings.EqualFold(rest[:4], "url=") {
		rest = strings.TrimSpace(rest[4:])
	}
	rest = strings.Trim(rest, `'"`)
	return truncateBytes(rest, maxHref)
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func collapseSpace(s string, maxRunes int) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if n >= maxRunes {
			break
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// numbers finds the ICP numbers in the text. The grammar, after folding:
//
//	<province>ICP备<4–12 digits>[号][-<1–4 digits>[A|X|K]][号]
//
// with spaces allowed between the parts (not inside a digit run). The
// province must be an abbreviation ParseICPNumber accepts; "ICP证" (the
// commercial licence) is not a filing number. A misplaced 号 ("…-1号") or
// a missing one is tolerated and the number reported in canonical form.
func (t *pageText) numbers() []FoundNumber {
	f := t.folded
	var out []FoundNumber
	at := func(i int) rune {
		if i < 0 || i >= len(f) {
			return 0
		}
		return f[i]
	}
	skip := func(i int) int {
		for at(i) == ' ' {
			i++
		}
		return i
	}
	digits := func(i int) int {
		j := i
		for at(j) >= '0' && at(j) <= '9' {
			j++
		}
		return j - i
	}
	for i := 0; i+3 < len(f) && len(out) < maxNumbers; i++ {
		if f[i] != 'I' || at(i+1) != 'C' || at(i+2) != 'P' {
			continue
		}
		j := skip(i + 3)
		if at(j) != '备' {
			continue
		}
		start := i - 1
		if at(start) == ' ' {
			start--
		}
		if start < 0 || !unicode.Is(unicode.Han, f[start]) {
			continue
		}
		j = skip(j + 1)
		nd := digits(j)
		if nd < 4 || nd > 12 {
			continue
		}
		serial := string(f[j : j+nd])
		end := j + nd
		k := skip(end)
		hao := at(k) == '号'
		if hao {
			end = k + 1
			k = skip(end)
		}
		suffix := ""
		if at(k) == '-' {
			m := skip(k + 1)
			if nd := digits(m); nd >= 1 && nd <= 4 && at(m) != '0' {
				e := m + nd
				suffix = "-" + string(f[m:e])
				if l := at(e); (l == 'A' || l == 'X' || l == 'K') && !isLetter(at(e+1)) {
					suffix += string(l)
					e++
				}
				end = e
				if !hao {
					if kk := skip(end); at(kk) == '号' {
						end = kk + 1
					}
				}
			}
		}
		n, err := beian.ParseICPNumber(string(f[start]) + "ICP备" + serial + "号" + suffix)
		if err != nil {
			continue
		}
		link, href := t.linkOf(start, end)
		out = append(out, FoundNumber{
			Number:    n,
			Canonical: n.String(),
			Shown:     string(t.shown[start:end]),
			Link:      link,
			Href:      href,
			Snippet:   t.snippet(start, end),
		})
		i = end - 1
	}
	return out
}

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' }

// linkOf returns the best link any rune of [start, end) sits in: a
// MIIT link anywhere on the number counts, so a number split across
// elements inside one anchor is linked.
func (t *pageText) linkOf(start, end int) (Link, string) {
	best, href := LinkNone, ""
	for i := start; i < end; i++ {
		a := t.anchor[i]
		if a < 0 {
			continue
		}
		ref := t.anchors[a]
		l := ref.link
		if l == LinkNone {
			continue // <a> without href: not a link
		}
		if linkRank(l) > linkRank(best) {
			best, href = l, ref.href
		}
	}
	return best, href
}

func (t *pageText) snippet(start, end int) string {
	from := max(0, start-SnippetRadius)
	to := min(len(t.shown), end+SnippetRadius)
	return strings.TrimSpace(string(t.shown[from:to]))
}

// TitleMatch says how a page title is compared with the filed site name.
// Both sides are first folded by FoldTitle.
type TitleMatch uint8

// The comparisons.
const (
	// TitleContains: the folded title contains the folded name. Titles
	// usually add a slogan or the page name ("首页 - 某某公司官网"); this is
	// the default and what the pre-check's title rule does.
	TitleContains TitleMatch = iota
	// TitleEqual: the folded title equals the folded name (Hainan: the
	// browser tab title must be the filed name, spec §6.5.6).
	TitleEqual
)

// String returns "contains" or "equal".
func (m TitleMatch) String() string {
	if m == TitleEqual {
		return "equal"
	}
	return "contains"
}

// Matches reports whether title matches the filed name. An empty name
// matches anything: there is nothing to compare.
func (m TitleMatch) Matches(title, name string) bool {
	n := FoldTitle(name)
	if n == "" {
		return true
	}
	t := FoldTitle(title)
	if m == TitleEqual {
		return t == n
	}
	return strings.Contains(t, n)
}

// FoldTitle normalises a title or site name for comparison: Unicode NFKC
// (full-width letters, digits and punctuation become half-width, the
// ideographic space a space, 全角括号 plain brackets), lower case, and every
// whitespace and invisible character removed.
func FoldTitle(s string) string {
	s = norm.NFKC.String(s)
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\u200b', r == '\u200c', r == '\u200d', r == '\ufeff', r == '\u00ad':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
