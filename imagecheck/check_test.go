package imagecheck

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/iotest"
)

// Fixtures are 1200×850: above the licence's 800 px minimum, and downscaled
// (by 1.17) into the working copy as real photos are.
const fixW, fixH = 1200, 850

// workingPx converts a blur sigma in working-copy pixels to fixture pixels.
func workingPx(sigma float64) float64 { return sigma * fixW / workingSide }

var fixtures = sync.OnceValue(func() map[string]*rgb {
	base := certificate(fixW, fixH, 1, false)
	w, h := float64(fixW), float64(fixH)
	return map[string]*rgb{
		"sharp":      base,
		"scan":       certificate(fixW, fixH, 2, true),
		"soft":       gaussianBlur(base, workingPx(1)),
		"blurred":    gaussianBlur(base, workingPx(2.5)),
		"gray":       grayscale(base, [3]float64{1, 1, 1}),
		"gray tint":  noisy(grayscale(base, [3]float64{1, 0.96, 0.85}), 5),
		"glare":      addGlare(base, w*0.42, h*0.45, 30),
		"glare spot": addGlare(base, w*0.6, h*0.4, 12),
		"dark":       gain(base, 0.18),
		"dim":        gain(base, 0.3),
		"bright":     gain(base, 2.5),
		"washed":     gain(base, 7),
		"small":      shrink(base, 2),
	}
})

// noisy adds independent noise per channel: chroma noise, as a camera's.
func noisy(m *rgb, sigma float64) *rgb {
	out := m.clone()
	out.noise(sigma, rand.New(rand.NewPCG(5, 5)))
	return out
}

var fixtureFiles sync.Map // name+format → []byte

func fixtureJPEG(t testing.TB, name string) []byte {
	t.Helper()
	if b, ok := fixtureFiles.Load(name + ".jpg"); ok {
		return b.([]byte)
	}
	b := encodeJPEG(t, fixtures()[name].image(), 88)
	fixtureFiles.Store(name+".jpg", b)
	return b
}

func fixturePNG(t testing.TB, name string) []byte {
	t.Helper()
	if b, ok := fixtureFiles.Load(name + ".png"); ok {
		return b.([]byte)
	}
	b := encodePNG(t, fixtures()[name].image())
	fixtureFiles.Store(name+".png", b)
	return b
}

func codes(res *Result) []Code {
	var out []Code
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return out
}

func severityOf(res *Result, c Code) Severity {
	for _, f := range res.Findings {
		if f.Code == c {
			return f.Severity
		}
	}
	return SeverityOff
}

type finding struct {
	code Code
	sev  Severity
}

func TestCheck(t *testing.T) {
	cert, id, face, letter, other := PurposeSubjectCertificate, PurposeIDFront, PurposeFacePhoto, PurposeCommitmentLetter, PurposeOther
	tests := []struct {
		name    string
		purpose Purpose
		data    func(testing.TB) []byte
		media   string
		want    []finding
	}{
		{"sharp colour original passes", cert, jpg("sharp"), MediaTypeJPEG, nil},
		{"sharp colour original as PNG passes", id, png_("sharp"), MediaTypePNG, nil},
		{"flatbed scan: white paper to the edges is not glare", cert, png_("scan"), MediaTypePNG, nil},
		{"soft but legible passes", cert, jpg("soft"), MediaTypeJPEG, nil},
		{"2.5× too bright but legible passes", cert, jpg("bright"), MediaTypeJPEG, nil},
		{"blurred", cert, jpg("blurred"), MediaTypeJPEG, []finding{{CodeBlurry, SeverityReject}}},
		{"blurred face photo only warns", face, jpg("blurred"), MediaTypeJPEG, []finding{{CodeBlurry, SeverityWarn}}},
		{"blurred other attachment only warns", other, jpg("blurred"), MediaTypeJPEG, []finding{{CodeBlurry, SeverityWarn}}},
		{"grayscale copy", cert, jpg("gray"), MediaTypeJPEG, []finding{{CodeGrayscaleCopy, SeverityReject}}},
		{"grayscale copy under a warm lamp with chroma noise", id, jpg("gray tint"), MediaTypeJPEG, []finding{{CodeGrayscaleCopy, SeverityReject}}},
		{"grey commitment letter is normal", letter, jpg("gray"), MediaTypeJPEG, nil},
		{"glare", cert, jpg("glare"), MediaTypeJPEG, []finding{{CodeGlare, SeverityReject}}},
		{"small glare spot warns", cert, jpg("glare spot"), MediaTypeJPEG, []finding{{CodeGlare, SeverityWarn}}},
		{"glare on a face photo is not checked", face, jpg("glare"), MediaTypeJPEG, nil},
		{"dark", cert, jpg("dark"), MediaTypeJPEG, []finding{{CodeTooDark, SeverityReject}}},
		{"dim warns", cert, jpg("dim"), MediaTypeJPEG, []finding{{CodeTooDark, SeverityWarn}}},
		{"washed out", cert, jpg("washed"), MediaTypeJPEG, []finding{{CodeOverexposed, SeverityReject}}},
		{"too small for a licence", cert, jpg("small"), MediaTypeJPEG, []finding{{CodeTooSmall, SeverityReject}}},
		{"too small for an ID card", id, jpg("small"), MediaTypeJPEG, []finding{{CodeTooSmall, SeverityReject}}},
		{"too small for a face photo", face, jpg("small"), MediaTypeJPEG, []finding{{CodeTooSmall, SeverityReject}}},
		{"grey PNG (image.Gray)", cert, grayPNG, MediaTypePNG, []finding{{CodeGrayscaleCopy, SeverityReject}}},
		{"paletted PNG keeps its colours", cert, palettedPNG, MediaTypePNG, nil},
		{"16-bit PNG", cert, png16, MediaTypePNG, nil},
		{"uniform grey has nothing to read", cert, uniformPNG, MediaTypePNG, []finding{{CodeBlurry, SeverityReject}, {CodeGrayscaleCopy, SeverityReject}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := tt.data(t)
			res, err := Check(bytes.NewReader(data), tt.purpose)
			if err != nil {
				t.Fatal(err)
			}
			var got []finding
			for _, f := range res.Findings {
				got = append(got, finding{f.Code, f.Severity})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %v, want %v; metrics %+v", res.Findings, tt.want, res.Metrics)
			}
			if res.MediaType != tt.media {
				t.Errorf("media type = %q, want %q", res.MediaType, tt.media)
			}
			if res.Width == 0 || res.Height == 0 || res.Bytes != int64(len(data)) {
				t.Errorf("dimensions %dx%d, bytes %d of %d", res.Width, res.Height, res.Bytes, len(data))
			}
			wantRejected := slices.ContainsFunc(tt.want, func(f finding) bool { return f.sev == SeverityReject })
			if res.Rejected() != wantRejected {
				t.Errorf("Rejected() = %v, want %v", res.Rejected(), wantRejected)
			}
		})
	}
}

func jpg(name string) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return fixtureJPEG(t, name) }
}

func png_(name string) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return fixturePNG(t, name) }
}

func grayPNG(t testing.TB) []byte {
	src := fixtures()["sharp"].image()
	g := image.NewGray(src.Bounds())
	draw.Draw(g, g.Bounds(), src, image.Point{}, draw.Src)
	return encodePNG(t, g)
}

func palettedPNG(t testing.TB) []byte {
	src := fixtures()["sharp"].image()
	// WebSafe is the 6×6×6 colour cube in r, g, b order, so each pixel's
	// index is computed directly: draw.Draw's nearest-colour search is
	// slow enough to dominate the package's tests under -race.
	p := image.NewPaletted(src.Bounds(), palette.WebSafe)
	q := func(v uint8) uint8 { return uint8((int(v) + 25) / 51) }
	for i := range p.Pix { // both images start at (0, 0); src is opaque
		p.Pix[i] = 36*q(src.Pix[4*i]) + 6*q(src.Pix[4*i+1]) + q(src.Pix[4*i+2])
	}
	return encodePNG(t, p)
}

func png16(t testing.TB) []byte {
	src := fixtures()["sharp"].image()
	m := image.NewNRGBA64(src.Bounds())
	draw.Draw(m, m.Bounds(), src, image.Point{}, draw.Src)
	return encodePNG(t, m)
}

func uniformPNG(t testing.TB) []byte {
	m := image.NewNRGBA(image.Rect(0, 0, 1000, 900))
	draw.Draw(m, m.Bounds(), image.NewUniform(color.NRGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	return encodePNG(t, m)
}

// TestRefused covers the uploads refused before any pixel is decoded, and
// the damaged ones the decoder refuses.
func TestRefused(t *testing.T) {
	sharp := fixtureJPEG(t, "sharp")
	sharpPNG := fixturePNG(t, "sharp")
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, fixtures()["small"].image(), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string // a file name as the customer had it: never consulted
		purpose Purpose
		data    []byte
		want    []Code
		media   string
		detail  string
	}{
		{"empty.jpg", PurposeIDBack, nil, []Code{CodeEmpty}, "", ""},
		{"licence.jpg (a PDF)", PurposeSubjectCertificate, []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), []Code{CodeUnsupportedType}, "application/pdf", "content is application/pdf"},
		{"licence.jpg (a GIF)", PurposeSubjectCertificate, gifData.Bytes(), []Code{CodeUnsupportedType}, "image/gif", "content is image/gif"},
		{"IMG_0001.jpg (HEIC)", PurposeIDFront, []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), []Code{CodeUnsupportedType}, "image/heic", ""},
		{"photo.jpg (WebP)", PurposeFacePhoto, []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), []Code{CodeUnsupportedType}, "image/webp", ""},
		{"setup.jpg (an executable)", PurposeOther, []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF"), []Code{CodeUnsupportedType}, "application/vnd.microsoft.portable-executable", ""},
		{"logo.png (SVG)", PurposeAppIcon, []byte("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), []Code{CodeUnsupportedType}, "image/svg+xml", ""},
		{"random.jpg", PurposeOther, []byte("just some text"), []Code{CodeUnsupportedType}, "application/octet-stream", ""},
		{"half.jpg", PurposeSubjectCertificate, sharp[:len(sharp)/2], []Code{CodeCorrupt}, MediaTypeJPEG, ""},
		{"half.png", PurposeSubjectCertificate, sharpPNG[:len(sharpPNG)/2], []Code{CodeCorrupt}, MediaTypePNG, ""},
		{"header-cut.jpg", PurposeSubjectCertificate, sharp[:20], []Code{CodeCorrupt}, MediaTypeJPEG, ""},
		{"header-cut.png", PurposeSubjectCertificate, sharpPNG[:20], []Code{CodeCorrupt}, MediaTypePNG, ""},
		{"bomb.png 30000×30000", PurposeSubjectCertificate, bombPNG(30000, 30000, 8, 6, 0), []Code{CodeTooManyPixels, CodeTooLargeDimensions}, MediaTypePNG, ""},
		{"bomb.jpg 65000×65000", PurposeSubjectCertificate, jpegHeaderOnly(65000, 65000, 0xC0, 3, 0x22), []Code{CodeTooManyPixels, CodeTooLargeDimensions}, MediaTypeJPEG, ""},
		{"tall strip 100×12001", PurposeOther, bombPNG(480, 12001, 8, 2, 0), []Code{CodeTooLargeDimensions}, MediaTypePNG, ""},
		// 7000×5500 is 38.5 MP, under MaxPixels, but progressive 4:4:4
		// decodes to ~15 bytes a pixel: 577 MB.
		{"progressive 4:4:4 within MaxPixels", PurposeOther, jpegHeaderOnly(7000, 5500, 0xC2, 3, 0x11), []Code{CodeTooManyPixels}, MediaTypeJPEG, "this encoding decodes to about 15 bytes a pixel"},
		{"16-bit interlaced PNG within MaxPixels", PurposeOther, bombPNG(6000, 6000, 16, 6, 1), []Code{CodeTooManyPixels}, MediaTypePNG, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := CheckBytes(tt.data, tt.purpose)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(res); !slices.Equal(got, tt.want) {
				t.Errorf("codes = %v, want %v (%v)", got, tt.want, res.Findings)
			}
			if !res.Rejected() {
				t.Error("not rejected")
			}
			if res.MediaType != tt.media {
				t.Errorf("media type = %q, want %q", res.MediaType, tt.media)
			}
			if tt.detail != "" && res.Findings[0].Detail != tt.detail {
				t.Errorf("detail = %q, want %q", res.Findings[0].Detail, tt.detail)
			}
			if res.Metrics != nil {
				t.Error("a refused upload was measured")
			}
		})
	}
}

// TestBombAllocatesNothing proves the limits act on the header: refusing a
// 30000×30000 PNG (3.6 GB as RGBA) or a 65000×65000 JPEG allocates almost
// nothing. image.Decode on the same bytes would allocate the whole image
// before finding the data short.
func TestBombAllocatesNothing(t *testing.T) {
	for name, data := range map[string][]byte{
		"png":              bombPNG(30000, 30000, 8, 6, 0),
		"jpeg":             jpegHeaderOnly(65000, 65000, 0xC0, 3, 0x22),
		"progressive jpeg": jpegHeaderOnly(7000, 5500, 0xC2, 3, 0x11),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := CheckBytes(data, PurposeSubjectCertificate)
		runtime.ReadMemStats(&after)
		if err != nil || !res.Has(CodeTooManyPixels) {
			t.Fatalf("%s: %v %v", name, res.Findings, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s: allocated %d bytes refusing a bomb", name, got)
		}
	}
}

func TestIcon(t *testing.T) {
	flat := func(w, h int) []byte {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(m, m.Bounds(), image.NewUniform(color.NRGBA{20, 120, 220, 255}), image.Point{}, draw.Src)
		draw.Draw(m, image.Rect(w/4, h/4, 3*w/4, 3*h/4), image.NewUniform(color.NRGBA{255, 255, 255, 255}), image.Point{}, draw.Src)
		return encodePNG(t, m)
	}
	noise := func(w, h int) []byte {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range m.Pix {
			m.Pix[i] = uint8(rng.IntN(256))
		}
		return encodePNG(t, m)
	}
	tests := []struct {
		name string
		data []byte
		want []finding
	}{
		{"512×512 flat icon", flat(512, 512), nil},
		{"1024×1024 flat icon", flat(1024, 1024), nil},
		{"300×300 warns", flat(300, 300), []finding{{CodeLowResolution, SeverityWarn}}},
		{"128×128 too small", flat(128, 128), []finding{{CodeTooSmall, SeverityReject}}},
		{"screenshot, not square", flat(1024, 600), []finding{{CodeNotSquare, SeverityReject}}},
		{"1024×1010 is square enough", flat(1024, 1010), nil},
		{"over 100 KB", noise(512, 512), []finding{{CodeTooLargeBytes, SeverityReject}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := CheckBytes(tt.data, PurposeAppIcon)
			if err != nil {
				t.Fatal(err)
			}
			var got []finding
			for _, f := range res.Findings {
				got = append(got, finding{f.Code, f.Severity})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %v, want %v", res.Findings, tt.want)
			}
			if res.Width == 0 || res.MediaType != MediaTypePNG {
				t.Errorf("type and size not reported: %q %dx%d", res.MediaType, res.Width, res.Height)
			}
			if res.Metrics != nil {
				t.Error("icons get no quality measurements")
			}
		})
	}
}

// TestTooLargeBytesStopsReading checks that Check reads one byte past the
// limit and no more, and still reports the type and size from the header.
func TestTooLargeBytesStopsReading(t *testing.T) {
	big := make([]byte, 6<<20)
	copy(big, fixtureJPEG(t, "sharp"))
	rd := &countingReader{r: bytes.NewReader(big)}
	res, err := Check(rd, PurposeIDBack)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(res); !slices.Equal(got, []Code{CodeTooLargeBytes}) {
		t.Fatalf("codes = %v", got)
	}
	if rd.n != MaxDocumentBytes+1 || res.Bytes != MaxDocumentBytes+1 {
		t.Errorf("read %d bytes, reported %d", rd.n, res.Bytes)
	}
	f := res.Findings[0]
	if f.Threshold != float64(MaxDocumentBytes) || f.Reason.ZH != "图片文件超过 4 MB。" {
		t.Errorf("finding = %+v", f)
	}
	if res.MediaType != MediaTypeJPEG || res.Width != fixW || res.Height != fixH {
		t.Errorf("type and size = %q %dx%d", res.MediaType, res.Width, res.Height)
	}
}

type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestErrors(t *testing.T) {
	if _, err := CheckBytes([]byte("x"), Purpose("passport")); !errors.Is(err, ErrUnknownPurpose) {
		t.Errorf("unknown purpose: %v", err)
	}
	if _, err := Check(bytes.NewReader(nil), ""); !errors.Is(err, ErrUnknownPurpose) {
		t.Errorf("empty purpose: %v", err)
	}
	boom := errors.New("connection reset")
	if _, err := Check(iotest.ErrReader(boom), PurposeOther); !errors.Is(err, boom) {
		t.Errorf("reader error: %v", err)
	}
}

// TestMessages checks that every code renders a reason and a fix in both
// languages, Chinese first in the same voice as the bureau's notices.
func TestMessages(t *testing.T) {
	all := []Code{CodeEmpty, CodeUnsupportedType, CodeCorrupt, CodeTooLargeBytes, CodeTooManyPixels,
		CodeTooLargeDimensions, CodeTooSmall, CodeLowResolution, CodeNotSquare, CodeBlurry, CodeGlare,
		CodeGrayscaleCopy, CodeTooDark, CodeOverexposed}
	for _, p := range Purposes() {
		r, ok := p.Rules()
		if !ok || !p.Valid() || r.MaxBytes <= 0 || r.MinShortSide <= 0 || r.Purpose != p {
			t.Errorf("%s: rules %+v", p, r)
		}
		for _, c := range all {
			f := newFinding(c, SeverityReject, 600, 800, r)
			for _, s := range []string{f.Reason.ZH, f.Reason.EN, f.Fix.ZH, f.Fix.EN} {
				if s == "" {
					t.Errorf("%s/%s: empty message", p, c)
				}
			}
			if f.String() == "" {
				t.Error("empty String")
			}
		}
	}
	if Purpose("x").Valid() {
		t.Error("unknown purpose valid")
	}
	r, _ := PurposeSubjectCertificate.Rules()
	f := newFinding(CodeTooSmall, SeverityReject, 600, 800, r)
	if f.Reason.ZH != "图片分辨率过低（短边 600 像素，要求至少 800 像素），文字可能无法辨认。" {
		t.Errorf("too small: %q", f.Reason.ZH)
	}
	if got := sizeText(100 << 10); got != "100 KB" {
		t.Errorf("sizeText = %q", got)
	}
}

// TestWorkingCopy checks the area-averaging downscale: it keeps the mean of
// the image, maps a constant to the same constant and respects the
// working-size bound.
func TestWorkingCopy(t *testing.T) {
	m := fixtures()["sharp"].image()
	wk := newWorking(m)
	if max(wk.w, wk.h) != workingSide || wk.h != 725 {
		t.Fatalf("working size %dx%d", wk.w, wk.h)
	}
	var src, dst float64
	for i := 0; i < len(m.Pix); i += 4 {
		src += 0.299*float64(m.Pix[i]) + 0.587*float64(m.Pix[i+1]) + 0.114*float64(m.Pix[i+2])
	}
	src /= float64(len(m.Pix) / 4)
	for _, v := range wk.y {
		dst += float64(v)
	}
	dst /= float64(len(wk.y))
	if d := src - dst; d > 0.05 || d < -0.05 {
		t.Errorf("mean luminance %.3f became %.3f", src, dst)
	}
	u := image.NewGray(image.Rect(0, 0, 3001, 77))
	for i := range u.Pix {
		u.Pix[i] = 99
	}
	wk = newWorking(u)
	if wk.cb != nil || wk.w != workingSide || wk.h != 26 {
		t.Fatalf("grey working copy %dx%d colour %v", wk.w, wk.h, wk.cb != nil)
	}
	for _, v := range wk.y {
		if v < 98.99 || v > 99.01 {
			t.Fatalf("constant 99 became %v", v)
		}
	}
}

func TestSniff(t *testing.T) {
	for data, want := range map[string]string{
		"\xFF\xD8\xFF\xE0":           MediaTypeJPEG,
		"\x89PNG\r\n\x1A\n":          MediaTypePNG,
		"GIF89a":                     "image/gif",
		"BM\x00\x00":                 "image/bmp",
		"II*\x00":                    "image/tiff",
		"\x00\x00\x00\x1CftypavifX":  "image/avif",
		"\x00\x00\x00\x14ftypqt  ":   "video/quicktime",
		"\x00\x00\x00\x18ftypisom":   "video/mp4",
		"PK\x03\x04":                 "application/zip",
		"\x7FELF\x02":                "application/x-elf",
		"\xCF\xFA\xED\xFE":           "application/x-mach-binary",
		"\xEF\xBB\xBF  <svg width=1": "image/svg+xml",
		"<html><body>":               "text/xml",
		"\xFF\xD8":                   "application/octet-stream", // too short for a JPEG
	} {
		if got := sniff([]byte(data)); got != want {
			t.Errorf("sniff(%q) = %q, want %q", data, got, want)
		}
	}
}

// TestResampleWeights checks that every source pixel's weight is spread in
// full over the output, shrinking and enlarging, so the mean is kept.
func TestResampleWeights(t *testing.T) {
	for _, c := range [][2]int{{1200, 1024}, {600, 1024}, {425, 725}, {4000, 1024}, {7, 3}, {3, 7}, {1, 1}, {1, 5}, {5, 1}} {
		src, dst := c[0], c[1]
		got := make([]float64, src)
		for _, sp := range spans(src, dst) {
			for p := sp.a; p < sp.b; p++ {
				got[p]++
			}
			if sp.wl > 0 {
				got[sp.a-1] += float64(sp.wl)
			}
			if sp.wr > 0 {
				got[sp.b] += float64(sp.wr)
			}
		}
		rows := make([]float64, src)
		shs, start := shares(src, dst)
		for s := 0; s < src; s++ {
			for _, sh := range shs[start[s]:start[s+1]] {
				rows[s] += float64(sh.w)
			}
		}
		for p := range got {
			if d := got[p] - 1; d > 1e-5 || d < -1e-5 {
				t.Errorf("spans(%d, %d): pixel %d has weight %v", src, dst, p, got[p])
			}
			if d := rows[p] - 1; d > 1e-5 || d < -1e-5 {
				t.Errorf("shares(%d, %d): row %d has weight %v", src, dst, p, rows[p])
			}
		}
	}
}
