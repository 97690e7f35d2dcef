package imagecheck

import (
	"image"
	"image/color"
)

// workingSide is the long side of the working copy every quality check runs
// on. Checking at a fixed size makes the work bounded (at most 1024×1024
// pixels whatever the upload) and normalises the blur score for scale: what
// matters is whether text is sharp relative to the document, and a 12 MP
// photo with a 2-pixel blur is as legible as a sharp 3 MP one. 1024 px puts
// an A4 page at ~3.5 px/mm, so 3 mm characters keep ~10 px: the scale at
// which a reviewer reads the page on screen. Smaller images are used as they
// are, never enlarged.
const workingSide = 1024

// working is the downscaled copy: luminance 0–255 and the two colour
// difference planes centred on 0 (JPEG's full-range BT.601 Y, Cb, Cr). cb
// and cr are nil when the source has no colour at all (a grey JPEG or PNG).
type working struct {
	w, h      int
	y, cb, cr []float32
}

// newWorking area-averages m into a working copy whose long side is at most
// workingSide. Area averaging (each output pixel is the mean of the source
// pixels it covers) is the right filter for measuring: it neither aliases
// noise into false detail nor blurs more than the scale change itself.
// Transparent pixels are composited over white, as a viewer shows them.
func newWorking(m image.Image) *working {
	b := m.Bounds()
	sw, sh := b.Dx(), b.Dy()
	tw, th := sw, sh
	if long := max(sw, sh); long > workingSide {
		tw = max(1, (sw*workingSide+long/2)/long)
		th = max(1, (sh*workingSide+long/2)/long)
	}
	wk := &working{w: tw, h: th}
	switch m := m.(type) {
	case *image.Gray:
		y := newPlane(sw, sh, tw, th)
		for r := 0; r < sh; r++ {
			y.addRow8(r, m.Pix[(r)*m.Stride:][:sw])
		}
		wk.y = y.finish(0)
		return wk
	case *image.YCbCr:
		if m.Rect.Min == (image.Point{}) {
			// Each plane at its own resolution: 4:2:0 chroma has a quarter
			// of the samples, and the planes are bytes already.
			hx, vy := subsampling(m.SubsampleRatio)
			cw, ch := (sw+hx-1)/hx, (sh+vy-1)/vy
			y, cb, cr := newPlane(sw, sh, tw, th), newPlane(cw, ch, tw, th), newPlane(cw, ch, tw, th)
			for r := 0; r < sh; r++ {
				y.addRow8(r, m.Y[r*m.YStride:][:sw])
			}
			for r := 0; r < ch; r++ {
				cb.addRow8(r, m.Cb[r*m.CStride:][:cw])
				cr.addRow8(r, m.Cr[r*m.CStride:][:cw])
			}
			wk.y, wk.cb, wk.cr = y.finish(0), cb.finish(128), cr.finish(128)
			return wk
		}
		return newWorkingRows(genericImage{m}, tw, th)
	}
	return newWorkingRows(m, tw, th)
}

// newWorkingRows converts m row by row to Y, Cb, Cr and resamples the rows.
func newWorkingRows(m image.Image, tw, th int) *working {
	b := m.Bounds()
	sw, sh := b.Dx(), b.Dy()
	colour := true
	if _, ok := m.(*image.Gray16); ok {
		colour = false
	}
	var planes [3]*plane
	var rows [3][]float32
	n := 1
	if colour {
		n = 3
	}
	for i := range rows {
		rows[i] = make([]float32, sw)
		if i < n {
			planes[i] = newPlane(sw, sh, tw, th)
		}
	}
	read := rowReader(m)
	for y := 0; y < sh; y++ {
		read(y, rows[0], rows[1], rows[2])
		for i := 0; i < n; i++ {
			planes[i].addRowF(y, rows[i])
		}
	}
	wk := &working{w: tw, h: th, y: planes[0].finish(0)}
	if colour {
		wk.cb, wk.cr = planes[1].finish(0), planes[2].finish(0)
	}
	return wk
}

// genericImage hides an image's concrete type so rowReader takes the
// general path.
type genericImage struct{ image.Image }

// rowReader returns a function that fills one source row (relative to the
// image's bounds) of Y, Cb and Cr. What image/png decodes to has fast
// paths; anything else (CMYK JPEG aside) goes through At.
func rowReader(m image.Image) func(y int, Y, Cb, Cr []float32) {
	b := m.Bounds()
	switch m := m.(type) {
	case *image.Gray16:
		return func(y int, Y, Cb, Cr []float32) {
			row := m.Pix[y*m.Stride:]
			for x := range Y {
				Y[x] = float32(row[2*x]) + float32(row[2*x+1])/256
			}
		}
	case *image.NRGBA:
		return func(y int, Y, Cb, Cr []float32) {
			row := m.Pix[y*m.Stride:]
			for x := range Y {
				p := row[4*x : 4*x+4 : 4*x+4]
				a := float32(p[3]) / 255
				toYCC(float32(p[0])*a+255*(1-a), float32(p[1])*a+255*(1-a), float32(p[2])*a+255*(1-a),
					&Y[x], &Cb[x], &Cr[x])
			}
		}
	case *image.RGBA:
		return func(y int, Y, Cb, Cr []float32) {
			row := m.Pix[y*m.Stride:]
			for x := range Y {
				p := row[4*x : 4*x+4 : 4*x+4]
				w := 255 - float32(p[3]) // premultiplied: add white behind
				toYCC(float32(p[0])+w, float32(p[1])+w, float32(p[2])+w, &Y[x], &Cb[x], &Cr[x])
			}
		}
	case *image.Paletted:
		var lut [256][3]float32
		for i, c := range m.Palette {
			r, g, bl := overWhite(c)
			toYCC(r, g, bl, &lut[i][0], &lut[i][1], &lut[i][2])
		}
		for i := len(m.Palette); i < 256; i++ {
			lut[i] = [3]float32{0, 0, 0} // out-of-palette index: black, as image/png would fail anyway
		}
		return func(y int, Y, Cb, Cr []float32) {
			row := m.Pix[y*m.Stride:]
			for x := range Y {
				e := &lut[row[x]]
				Y[x], Cb[x], Cr[x] = e[0], e[1], e[2]
			}
		}
	case *image.CMYK:
		return func(y int, Y, Cb, Cr []float32) {
			row := m.Pix[y*m.Stride:]
			for x := range Y {
				p := row[4*x : 4*x+4 : 4*x+4]
				r, g, bl := color.CMYKToRGB(p[0], p[1], p[2], p[3])
				toYCC(float32(r), float32(g), float32(bl), &Y[x], &Cb[x], &Cr[x])
			}
		}
	}
	return func(y int, Y, Cb, Cr []float32) {
		for x := range Y {
			r, g, bl := overWhite(m.At(b.Min.X+x, b.Min.Y+y))
			toYCC(r, g, bl, &Y[x], &Cb[x], &Cr[x])
		}
	}
}

// subsampling returns the horizontal and vertical chroma subsampling factors.
func subsampling(r image.YCbCrSubsampleRatio) (hx, vy int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// overWhite returns c composited over white as 0–255 RGB.
func overWhite(c color.Color) (r, g, b float32) {
	r16, g16, b16, a16 := c.RGBA() // premultiplied
	w := float32(0xFFFF-a16) / 257
	return float32(r16)/257 + w, float32(g16)/257 + w, float32(b16)/257 + w
}

// toYCC converts 0–255 RGB to JPEG's Y, Cb, Cr with the chroma centred on 0.
func toYCC(r, g, b float32, y, cb, cr *float32) {
	*y = 0.299*r + 0.587*g + 0.114*b
	*cb = -0.168736*r - 0.331264*g + 0.5*b
	*cr = 0.5*r - 0.418688*g - 0.081312*b
}

// plane area-averages rows streamed from one source plane into a working
// plane. Each output pixel is the mean of the source area it covers, which
// also works when a plane is smaller than the working copy (4:2:0 chroma of
// a small image): then it covers parts of one or two source pixels.
// Horizontally each output pixel gathers a run of whole source pixels plus
// the partial ones at both ends (a tight sum over bytes); vertically each
// source row, shrunk, is added into the output rows it overlaps.
type plane struct {
	tw   int
	cols []span  // per output column
	rows []share // the output rows each source row overlaps, in row order
	row0 []int32 // source row s has rows[row0[s]:row0[s+1]]
	hrow []float32
	out  []float32
	norm float32
}

// span says which source pixels make up one output pixel: [a, b) whole,
// plus a share of pixel a-1 (wl) and of pixel b (wr).
type span struct {
	a, b   int32
	wl, wr float32
}

// share is the part of a source row that falls in output row o.
type share struct {
	o int32
	w float32
}

func newPlane(sw, sh, tw, th int) *plane {
	p := &plane{tw: tw, cols: spans(sw, tw), hrow: make([]float32, tw), out: make([]float32, tw*th)}
	p.rows, p.row0 = shares(sh, th)
	p.norm = float32(float64(tw) * float64(th) / (float64(sw) * float64(sh)))
	return p
}

// spans divides src pixels into dst cells of src/dst pixels each. In units
// of 1/dst pixel, cell o is [o·src, (o+1)·src) and pixel p is
// [p·dst, (p+1)·dst), so integer arithmetic keeps every boundary exact.
func spans(src, dst int) []span {
	out := make([]span, dst)
	for o := range out {
		l, r := o*src, (o+1)*src
		a, b := (l+dst-1)/dst, r/dst
		if a > b { // the cell lies inside pixel b (enlarging)
			out[o] = span{a: int32(a), b: int32(a), wl: float32(r-l) / float32(dst)}
			continue
		}
		sp := span{a: int32(a), b: int32(b)}
		if a*dst > l { // pixel a-1 straddles the left boundary
			sp.wl = float32(a*dst-l) / float32(dst)
		}
		if r > b*dst && b < src { // pixel b straddles the right boundary
			sp.wr = float32(r-b*dst) / float32(dst)
		}
		out[o] = sp
	}
	return out
}

// shares lists for each source row the output rows it overlaps and by how
// much (in source pixels); source row s has out[start[s]:start[s+1]]. In
// units of 1/dst source pixel, source row s is [s·dst, (s+1)·dst) and
// output row o is [o·src, (o+1)·src).
func shares(src, dst int) (out []share, start []int32) {
	out = make([]share, 0, src+dst)
	start = make([]int32, src+1)
	for s := 0; s < src; s++ {
		start[s] = int32(len(out))
		lo, hi := s*dst, (s+1)*dst
		for o := lo / src; o < dst && o*src < hi; o++ {
			if ov := min(hi, (o+1)*src) - max(lo, o*src); ov > 0 {
				out = append(out, share{o: int32(o), w: float32(ov) / float32(dst)})
			}
		}
	}
	start[src] = int32(len(out))
	return out, start
}

func (p *plane) addRow8(y int, src []uint8) {
	for o, sp := range p.cols {
		sum := uint32(0)
		for _, v := range src[sp.a:sp.b] {
			sum += uint32(v)
		}
		f := float32(sum)
		if sp.wl > 0 {
			f += sp.wl * float32(src[sp.a-1])
		}
		if sp.wr > 0 {
			f += sp.wr * float32(src[sp.b])
		}
		p.hrow[o] = f
	}
	p.addShrunk(y)
}

func (p *plane) addRowF(y int, src []float32) {
	for o, sp := range p.cols {
		f := float32(0)
		for _, v := range src[sp.a:sp.b] {
			f += v
		}
		if sp.wl > 0 {
			f += sp.wl * src[sp.a-1]
		}
		if sp.wr > 0 {
			f += sp.wr * src[sp.b]
		}
		p.hrow[o] = f
	}
	p.addShrunk(y)
}

func (p *plane) addShrunk(y int) {
	for _, sh := range p.rows[p.row0[y]:p.row0[y+1]] {
		out := p.out[int(sh.o)*p.tw : (int(sh.o)+1)*p.tw]
		if sh.w == 1 {
			for x, v := range p.hrow {
				out[x] += v
			}
			continue
		}
		for x, v := range p.hrow {
			out[x] += sh.w * v
		}
	}
}

// finish normalises the sums to means and subtracts offset (128 centres a
// JPEG chroma plane on 0).
func (p *plane) finish(offset float32) []float32 {
	for i, v := range p.out {
		p.out[i] = v*p.norm - offset
	}
	return p.out
}
