package imagecheck

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

// fuzzLimits shrink the pixel budget so that each input decodes in
// milliseconds; the code path is the same as with the defaults.
var fuzzLimits = limits{maxPixels: 1 << 20, maxSide: 4096, maxDecodeBytes: 8 << 20}

// FuzzCheck feeds arbitrary bytes to the whole pipeline under every purpose,
// with the purpose's minimum resolution lowered so small inputs reach the
// decoder and the measurements. Check must never panic, every finding must
// be complete, and the measurements finite.
func FuzzCheck(f *testing.F) {
	small := image.NewNRGBA(image.Rect(0, 0, 40, 36))
	for i := range small.Pix {
		small.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, small, nil)
	f.Add(bytes.Clone(b.Bytes()))
	b.Reset()
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 33, 70)), nil)
	f.Add(bytes.Clone(b.Bytes()))
	b.Reset()
	png.Encode(&b, small)
	f.Add(bytes.Clone(b.Bytes()))
	b.Reset()
	png.Encode(&b, image.NewPaletted(image.Rect(0, 0, 50, 50), color.Palette{color.Black, color.White}))
	f.Add(bytes.Clone(b.Bytes()))
	b.Reset()
	gif.Encode(&b, small, nil)
	f.Add(bytes.Clone(b.Bytes()))
	f.Add(bombPNG(30000, 30000, 8, 6, 0))
	f.Add(bombPNG(900, 900, 16, 6, 1))
	f.Add(jpegHeaderOnly(65000, 65000, 0xC0, 3, 0x22))
	f.Add(jpegHeaderOnly(800, 600, 0xC2, 3, 0x11))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte{})
	purposes := Purposes()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := purposes[len(data)%len(purposes)]
		r, _ := p.Rules()
		r.MinShortSide, r.WarnShortSide = 1, 0
		res := check(data, r, fuzzLimits)
		if res == nil || res.Purpose != p {
			t.Fatal("no result")
		}
		if len(data) == 0 != res.Has(CodeEmpty) {
			t.Fatal("empty input not reported")
		}
		if res.MediaType != MediaTypeJPEG && res.MediaType != MediaTypePNG && len(data) > 0 && !res.Has(CodeUnsupportedType) {
			t.Fatalf("%s accepted", res.MediaType)
		}
		for _, f := range res.Findings {
			if f.Code == "" || f.Severity != SeverityReject && f.Severity != SeverityWarn ||
				f.Reason.ZH == "" || f.Reason.EN == "" || f.Fix.ZH == "" || f.Fix.EN == "" {
				t.Fatalf("incomplete finding %+v", f)
			}
		}
		if m := res.Metrics; m != nil {
			for _, v := range []float64{m.Sharpness, m.Noise, m.GlareFraction, m.ColourFraction, m.MeanChroma,
				m.MeanLuma, m.DarkLuma, m.MedianLuma, m.WhiteLuma} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("bad metric in %+v", m)
				}
			}
			if res.Width*res.Height > fuzzLimits.maxPixels || max(res.Width, res.Height) > fuzzLimits.maxSide {
				t.Fatalf("decoded %dx%d past the limits", res.Width, res.Height)
			}
		}
	})
}
