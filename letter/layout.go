package letter

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/signintech/gopdf"
)

// Page geometry in points: A4 with margins near the 公文 layout (GB/T 9704)
// but a smaller body size, so that a letter fits one page.
const (
	pageW, pageH = 595.28, 841.89
	marginX      = 68.0
	marginTop    = 56.0
	marginBottom = 62.0
	contentW     = pageW - 2*marginX
	footerY      = pageH - 34 // baseline of the footer text

	sizeTitle = 19.0
	sizeBody  = 11.0
	sizeSmall = 9.5
	sizeFoot  = 8.0
	leading   = 1.75 // line height as a multiple of the font size
)

// face is one of the two fonts.
type face int

const (
	faceCJK face = iota
	faceLatin
)

var faceNames = [...]string{faceCJK: "DroidSansFallback", faceLatin: "DejaVuSans"}

// op is one drawing operation, laid out before any page is drawn so that
// the footer can say how many pages there are.
type op struct {
	line bool
	// text: baseline start; line: from (x, y) to (x2, y2).
	x, y, x2, y2 float64
	face         face
	size         float64
	text         string
	gray         bool
	width        float64 // line width
}

// doc lays out and draws one letter.
type doc struct {
	pdf   *gopdf.GoPdf
	faces map[rune]face
	width map[face]map[rune]float64 // advance at size 1
	pages [][]op
	y     float64 // top of the next line on the current page
}

// newDoc starts a PDF with both fonts loaded.
func newDoc(fonts *fontData) (*doc, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	for f, data := range map[face][]byte{faceCJK: fonts.cjk, faceLatin: fonts.latin} {
		// A missing glyph becomes a visible "?" rather than gopdf's default
		// blank, so a gap in coverage shows in the tests.
		opt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return '?' }}
		if err := pdf.AddTTFFontDataWithOption(faceNames[f], data, opt); err != nil {
			return nil, fmt.Errorf("letter: font %s: %w", faceNames[f], err)
		}
	}
	return &doc{pdf: pdf, faces: map[rune]face{}, width: map[face]map[rune]float64{faceCJK: {}, faceLatin: {}}}, nil
}

func (d *doc) setFont(f face, size float64) error {
	return d.pdf.SetFont(faceNames[f], "", size)
}

// faceOf picks the font for r: the CJK font for Chinese and full-width
// forms it has, the Latin font for everything else it has (Droid Sans
// Fallback lacks Latin letters, digits, ¥ and typographic quotes as gopdf
// sees it), and the CJK font as the last resort.
func (d *doc) faceOf(r rune) face {
	if f, ok := d.faces[r]; ok {
		return f
	}
	has := func(f face) bool {
		if d.setFont(f, sizeBody) != nil {
			return false
		}
		ok, err := d.pdf.IsCurrFontContainGlyph(r)
		return err == nil && ok
	}
	f := faceCJK
	switch {
	case r >= 0x2E80 && has(faceCJK):
	case has(faceLatin):
		f = faceLatin
	}
	d.faces[r] = f
	return f
}

// advance returns r's width at size.
func (d *doc) advance(r rune, size float64) float64 {
	f := d.faceOf(r)
	w, ok := d.width[f][r]
	if !ok {
		if d.setFont(f, 100) == nil {
			if m, err := d.pdf.MeasureTextWidth(string(r)); err == nil {
				w = m / 100
			}
		}
		d.width[f][r] = w
	}
	return w * size
}

func (d *doc) measure(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += d.advance(r, size)
	}
	return w
}

// newPage starts a page of the layout.
func (d *doc) newPage() {
	d.pages = append(d.pages, nil)
	d.y = marginTop
}

func (d *doc) add(o op) {
	if len(d.pages) == 0 {
		d.newPage()
	}
	d.pages[len(d.pages)-1] = append(d.pages[len(d.pages)-1], o)
}

// room makes sure h points fit on the page, starting a new one if not.
func (d *doc) room(h float64) {
	if len(d.pages) == 0 || d.y+h > pageH-marginBottom {
		d.newPage()
	}
}

// text places s with its left end at x and its baseline at y.
func (d *doc) text(x, y float64, s string, size float64, gray bool) {
	d.add(op{x: x, y: y, text: s, size: size, gray: gray})
}

func (d *doc) rule(x, y, x2, y2, width float64, gray bool) {
	d.add(op{line: true, x: x, y: y, x2: x2, y2: y2, width: width, gray: gray})
}

// lineHeight is the distance between baselines at size.
func lineHeight(size float64) float64 { return size * leading }

// baseline is where text sits within a line box of the size: the text's
// ascent centred in the leading.
func baseline(top, size float64) float64 { return top + size*(leading-1)/2 + size*0.88 }

// wrap breaks s into lines no wider than width: anywhere between Chinese
// characters, at spaces between Latin words, never before a closing
// punctuation mark or after an opening one (避头尾), and inside a Latin
// word only when the word alone is wider than a line.
func (d *doc) wrap(s string, size, width, firstIndent float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, d.wrapPara(para, size, width, firstIndent)...)
		firstIndent = 0
	}
	return lines
}

func (d *doc) wrapPara(s string, size, width, indent float64) []string {
	toks := tokens(s)
	var lines []string
	var cur strings.Builder
	w := indent
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		w = 0
	}
	for _, t := range toks {
		tw := d.measure(t, size)
		if cur.Len() == 0 && t == " " {
			continue
		}
		if w+tw > width && cur.Len() > 0 {
			flush()
			if t == " " {
				continue
			}
		}
		if tw > width {
			// A word wider than the line (a long domain): break it
			// between characters.
			for _, r := range t {
				rw := d.advance(r, size)
				if w+rw > width && cur.Len() > 0 {
					flush()
				}
				cur.WriteRune(r)
				w += rw
			}
			continue
		}
		cur.WriteString(t)
		w += tw
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// Punctuation that may not start a line, and that may not end one.
const (
	noStart = "，。、；：？！）》」』】〕”’…—·%,.;:?!)]}"
	noEnd   = "（《「『【〔“‘([{"
)

// tokens splits text into the units lines break between: a Latin word
// (letters, digits and the characters of addresses and domains), a space,
// or one Chinese character, with closing punctuation glued to what comes
// before and opening punctuation to what comes after.
func tokens(s string) []string {
	var raw []string
	var word strings.Builder
	flushWord := func() {
		if word.Len() > 0 {
			raw = append(raw, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
			flushWord()
			raw = append(raw, " ")
		case r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@/:#&+=~", r)):
			word.WriteRune(r)
		default:
			flushWord()
			raw = append(raw, string(r))
		}
	}
	flushWord()
	var out []string
	glueNext := false
	for _, t := range raw {
		first, _ := firstRune(t)
		switch {
		case glueNext && len(out) > 0:
			out[len(out)-1] += t
		case strings.ContainsRune(noStart, first) && len(out) > 0 && out[len(out)-1] != " ":
			out[len(out)-1] += t
		default:
			out = append(out, t)
		}
		last := []rune(t)
		glueNext = len(last) > 0 && strings.ContainsRune(noEnd, last[len(last)-1])
	}
	return out
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// draw renders the laid-out pages, with footer(i, n) on each.
func (d *doc) draw(footer func(page, pages int) (left, right string)) ([]byte, error) {
	n := len(d.pages)
	for i, ops := range d.pages {
		d.pdf.AddPage()
		l, r := footer(i+1, n)
		ops = append(ops,
			op{line: true, x: marginX, y: footerY - 12, x2: pageW - marginX, y2: footerY - 12, width: 0.4, gray: true},
			op{x: marginX, y: footerY, text: l, size: sizeFoot, gray: true},
			op{x: pageW - marginX - d.measure(r, sizeFoot), y: footerY, text: r, size: sizeFoot, gray: true},
		)
		for _, o := range ops {
			if err := d.drawOp(o); err != nil {
				return nil, err
			}
		}
	}
	return d.pdf.GetBytesPdfReturnErr()
}

func (d *doc) drawOp(o op) error {
	if o.line {
		d.pdf.SetLineWidth(o.width)
		if o.gray {
			d.pdf.SetStrokeColor(150, 150, 150)
		} else {
			d.pdf.SetStrokeColor(0, 0, 0)
		}
		d.pdf.Line(o.x, o.y, o.x2, o.y2)
		return nil
	}
	if o.gray {
		d.pdf.SetTextColor(110, 110, 110)
	} else {
		d.pdf.SetTextColor(0, 0, 0)
	}
	// One Text call per run of the same font, all on the same baseline so
	// Chinese and Latin line up.
	x := o.x
	for _, run := range d.runs(o.text) {
		if err := d.setFont(run.face, o.size); err != nil {
			return err
		}
		d.pdf.SetXY(x, o.y)
		if err := d.pdf.Text(run.text); err != nil {
			return fmt.Errorf("letter: draw text: %w", err)
		}
		x += d.measure(run.text, o.size)
	}
	return nil
}

type run struct {
	face face
	text string
}

// runs splits s where the font changes.
func (d *doc) runs(s string) []run {
	var out []run
	for _, r := range s {
		f := d.faceOf(r)
		if len(out) > 0 && out[len(out)-1].face == f {
			out[len(out)-1].text += string(r)
			continue
		}
		out = append(out, run{face: f, text: string(r)})
	}
	return out
}
