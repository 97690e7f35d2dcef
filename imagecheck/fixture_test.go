package imagecheck

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// The fixtures are drawn in code: a synthetic certificate (a light card with
// black text-like strokes, a red-brown border, a red seal and sensor noise,
// lying on a darker desk) and variants derived from it the way real uploads
// go wrong.

// rgb is a float image used while drawing and deriving fixtures.
type rgb struct {
	w, h int
	p    []float64 // r, g, b interleaved, 0–255
}

func newRGB(w, h int, c [3]float64) *rgb {
	m := &rgb{w: w, h: h, p: make([]float64, 3*w*h)}
	for i := 0; i < w*h; i++ {
		copy(m.p[3*i:], c[:])
	}
	return m
}

func (m *rgb) clone() *rgb { return &rgb{w: m.w, h: m.h, p: append([]float64(nil), m.p...)} }

// blend paints c with opacity a at (x, y).
func (m *rgb) blend(x, y int, c [3]float64, a float64) {
	if x < 0 || y < 0 || x >= m.w || y >= m.h || a <= 0 {
		return
	}
	i := 3 * (y*m.w + x)
	for k := 0; k < 3; k++ {
		m.p[i+k] = m.p[i+k]*(1-a) + c[k]*a
	}
}

// rect fills a rectangle.
func (m *rgb) rect(x0, y0, x1, y1 int, c [3]float64) {
	for y := max(0, y0); y < min(m.h, y1); y++ {
		for x := max(0, x0); x < min(m.w, x1); x++ {
			copy(m.p[3*(y*m.w+x):], c[:])
		}
	}
}

// line draws an anti-aliased segment of the given width.
func (m *rgb) line(x0, y0, x1, y1, width float64, c [3]float64) {
	r := width / 2
	minX, maxX := int(math.Min(x0, x1)-r-1), int(math.Max(x0, x1)+r+1)
	minY, maxY := int(math.Min(y0, y1)-r-1), int(math.Max(y0, y1)+r+1)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			d := math.Sqrt(ex*ex + ey*ey)
			m.blend(x, y, c, math.Max(0, math.Min(1, r-d+0.5)))
		}
	}
}

// ring draws a circle outline of the given thickness.
func (m *rgb) ring(cx, cy, radius, thick float64, c [3]float64, alpha float64) {
	for y := int(cy - radius - thick); y <= int(cy+radius+thick); y++ {
		for x := int(cx - radius - thick); x <= int(cx+radius+thick); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			a := math.Max(0, math.Min(1, thick/2-math.Abs(d-radius)+0.5))
			m.blend(x, y, c, a*alpha)
		}
	}
}

func (m *rgb) noise(sigma float64, rng *rand.Rand) {
	for i := range m.p {
		m.p[i] += rng.NormFloat64() * sigma
	}
}

var (
	ink      = [3]float64{28, 28, 34}
	paper    = [3]float64{218, 214, 205} // a white card as a phone exposes it
	desk     = [3]float64{96, 78, 62}
	sealRed  = [3]float64{205, 38, 42}
	frameRed = [3]float64{168, 72, 52}
)

// certificate draws a w×h photo of a certificate. The card fills all but a
// desk-coloured margin; scan=true draws a flatbed scan instead: pure white
// paper to the edges, no desk, little noise.
func certificate(w, h int, seed uint64, scan bool) *rgb {
	rng := rand.New(rand.NewPCG(seed, 7))
	bg, card := desk, paper
	mx, my := w/20, h/20
	if scan {
		bg, card = [3]float64{255, 255, 255}, [3]float64{255, 255, 255}
		mx, my = 0, 0
	}
	m := newRGB(w, h, bg)
	m.rect(mx, my, w-mx, h-my, card)
	s := float64(h) / 1100 // stroke scale: drawn for 1100 px high
	// Decorative frame.
	for k := 0.0; k < 3; k++ {
		in := float64(mx) + (18+k*7)*s
		iy := float64(my) + (18+k*7)*s
		m.line(in, iy, float64(w)-in, iy, 2*s, frameRed)
		m.line(in, float64(h)-iy, float64(w)-in, float64(h)-iy, 2*s, frameRed)
		m.line(in, iy, in, float64(h)-iy, 2*s, frameRed)
		m.line(float64(w)-in, iy, float64(w)-in, float64(h)-iy, 2*s, frameRed)
	}
	// Title: large characters.
	drawText(m, rng, float64(w)*0.35, float64(my)+90*s, 6, 64*s, 6*s)
	// Body text: lines of small characters in two columns.
	ch := 26 * s
	for row := 0; row < 22; row++ {
		y := float64(my) + 200*s + float64(row)*ch*1.6
		if y > float64(h-my)-120*s {
			break
		}
		n := 18 + rng.IntN(12)
		drawText(m, rng, float64(mx)+80*s, y, n, ch, 2.4*s)
	}
	// Seal: red ring with a star, partly over the text, slightly transparent.
	cx, cy, r := float64(w-mx)-260*s, float64(h-my)-240*s, 120*s
	m.ring(cx, cy, r, 10*s, sealRed, 0.85)
	m.ring(cx, cy, r-22*s, 3*s, sealRed, 0.85)
	for k := 0; k < 5; k++ {
		a0 := -math.Pi/2 + float64(k)*4*math.Pi/5
		a1 := a0 + 4*math.Pi/5
		m.line(cx+40*s*math.Cos(a0), cy+40*s*math.Sin(a0), cx+40*s*math.Cos(a1), cy+40*s*math.Sin(a1), 5*s, sealRed)
	}
	if scan {
		m.noise(1.5, rng)
	} else {
		m.noise(4, rng)
	}
	return m
}

// drawText draws n pseudo-characters of height size from (x, y): each is a
// few horizontal, vertical and slanted strokes in a square box.
func drawText(m *rgb, rng *rand.Rand, x, y float64, n int, size, stroke float64) {
	for i := 0; i < n; i++ {
		bx := x + float64(i)*size*1.15
		if bx+size > float64(m.w)*0.93 {
			return
		}
		for k := 0; k < 3+rng.IntN(4); k++ {
			a, b := rng.Float64()*size, rng.Float64()*size
			switch rng.IntN(3) {
			case 0:
				m.line(bx+a*0.2, y+b, bx+size*(0.6+0.4*rng.Float64()), y+b, stroke, ink)
			case 1:
				m.line(bx+a, y+b*0.2, bx+a, y+size*(0.6+0.4*rng.Float64()), stroke, ink)
			default:
				m.line(bx+a, y+b*0.3, bx+b, y+size*0.9, stroke, ink)
			}
		}
	}
}

// gaussianBlur blurs each channel with a separable Gaussian of sigma pixels.
func gaussianBlur(src *rgb, sigma float64) *rgb {
	if sigma <= 0 {
		return src.clone()
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	pass := func(in *rgb, horizontal bool) *rgb {
		out := newRGB(in.w, in.h, [3]float64{})
		for y := 0; y < in.h; y++ {
			for x := 0; x < in.w; x++ {
				var acc [3]float64
				for i, kv := range k {
					xx, yy := x, y
					if horizontal {
						xx = min(max(x+i-rad, 0), in.w-1)
					} else {
						yy = min(max(y+i-rad, 0), in.h-1)
					}
					j := 3 * (yy*in.w + xx)
					acc[0] += kv * in.p[j]
					acc[1] += kv * in.p[j+1]
					acc[2] += kv * in.p[j+2]
				}
				copy(out.p[3*(y*in.w+x):], acc[:])
			}
		}
		return out
	}
	return pass(pass(src, true), false)
}

// grayscale turns m into a black-and-white copy: the luminance in every
// channel, then a tint (a warm lamp or yellowed paper) multiplied in.
func grayscale(m *rgb, tint [3]float64) *rgb {
	out := m.clone()
	for i := 0; i < m.w*m.h; i++ {
		p := out.p[3*i : 3*i+3]
		l := 0.299*p[0] + 0.587*p[1] + 0.114*p[2]
		p[0], p[1], p[2] = l*tint[0], l*tint[1], l*tint[2]
	}
	return out
}

// gain multiplies every channel by g (a dark or an overexposed shot).
func gain(m *rgb, g float64) *rgb {
	out := m.clone()
	for i := range out.p {
		out.p[i] *= g
	}
	return out
}

// addGlare adds a specular highlight: a Gaussian bump of light, clipped by
// the sensor, of the given radius (the bump's sigma) at (cx, cy).
func addGlare(m *rgb, cx, cy, radius float64) *rgb {
	out := m.clone()
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			d2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
			a := 600 * math.Exp(-d2/(2*radius*radius))
			if a < 0.5 {
				continue
			}
			i := 3 * (y*m.w + x)
			for k := 0; k < 3; k++ {
				out.p[i+k] += a
			}
		}
	}
	return out
}

// shrink box-averages m to w×h (integer factors are enough for tests).
func shrink(m *rgb, f int) *rgb {
	out := newRGB(m.w/f, m.h/f, [3]float64{})
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			var acc [3]float64
			for yy := 0; yy < f; yy++ {
				for xx := 0; xx < f; xx++ {
					j := 3 * ((y*f+yy)*m.w + x*f + xx)
					acc[0] += m.p[j]
					acc[1] += m.p[j+1]
					acc[2] += m.p[j+2]
				}
			}
			for k := range acc {
				out.p[3*(y*out.w+x)+k] = acc[k] / float64(f*f)
			}
		}
	}
	return out
}

func (m *rgb) image() *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, m.w, m.h))
	for i := 0; i < m.w*m.h; i++ {
		for k := 0; k < 3; k++ {
			out.Pix[4*i+k] = uint8(math.Max(0, math.Min(255, math.Round(m.p[3*i+k]))))
		}
		out.Pix[4*i+3] = 255
	}
	return out
}

func encodeJPEG(t testing.TB, m image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk frames a PNG chunk with its length and CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// bombPNG is a decompression bomb: a valid header declaring w×h pixels of
// 8-bit RGBA followed by a few bytes of compressed data. A decoder that
// trusts the header allocates 4·w·h bytes before it finds the data short.
func bombPNG(w, h uint32, depth, colour, interlace byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1A\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colour, interlace
	b.Write(pngChunk("IHDR", ihdr))
	// zlib stream of a few zero rows: 78 9C, then a stored-nothing deflate.
	b.Write(pngChunk("IDAT", []byte{0x78, 0x9C, 0x63, 0x60, 0x18, 0x05, 0x00, 0x00}))
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// jpegHeaderOnly is a JPEG that declares w×h with the given frame marker
// (0xC0 baseline, 0xC2 progressive) and luma sampling, then ends right
// after the start of the scan: a bomb in a few dozen bytes.
func jpegHeaderOnly(w, h uint16, marker byte, ncomp int, hv byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	// A minimal quantisation table so the decoder's header check passes.
	b.Write([]byte{0xFF, 0xDB, 0x00, 0x43, 0x00})
	for i := 0; i < 64; i++ {
		b.WriteByte(1)
	}
	seg := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(ncomp)}
	for c := 0; c < ncomp; c++ {
		s := byte(0x11)
		if c == 0 {
			s = hv
		}
		seg = append(seg, byte(c+1), s, 0)
	}
	b.Write([]byte{0xFF, marker, 0, byte(len(seg) + 2)})
	b.Write(seg)
	// Start of scan for the first component, then the image ends at once.
	b.Write([]byte{0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00})
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 11)) }
