package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The end-to-end tests upload photos drawn in code, as imagecheck's own
// fixtures are: a light document with a red frame, lines of black strokes
// and a red seal, lying on a darker desk, with sensor noise. blur is the
// sigma of a Gaussian blur in pixels of the 1200×850 photo (0: sharp).

const photoW, photoH = 1200, 850

// plane is one colour channel of the photo while it is drawn.
type plane []float32

// documentPhoto draws the photo and encodes it as JPEG. It runs under the
// race detector in CI, so it works on flat channel planes and blurs with
// running sums (cost independent of the blur's size).
func documentPhoto(seed uint64, blur float64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	w, h := photoW, photoH
	var ch [3]plane
	for c := range ch {
		ch[c] = make(plane, w*h)
	}
	fill := func(x0, y0, x1, y1 int, col [3]float32) {
		for y := max(0, y0); y < min(h, y1); y++ {
			for c := range ch {
				row := ch[c][y*w : (y+1)*w]
				for x := max(0, x0); x < min(w, x1); x++ {
					row[x] = col[c]
				}
			}
		}
	}
	desk, card := [3]float32{96, 78, 62}, [3]float32{226, 220, 206}
	ink, red := [3]float32{28, 28, 34}, [3]float32{196, 40, 44}
	mx, my := w/16, h/16
	fill(0, 0, w, h, desk)
	fill(mx, my, w-mx, h-my, card)
	// A red-brown frame inside the card's edge, as on a licence.
	fill(mx+20, my+20, w-mx-20, my+26, red)
	fill(mx+20, h-my-26, w-mx-20, h-my-20, red)
	fill(mx+20, my+20, mx+26, h-my-20, red)
	fill(w-mx-26, my+20, w-mx-20, h-my-20, red)
	// Lines of text-like strokes.
	for ly := my + 70; ly < h-my-60; ly += 34 {
		for x := mx + 50; x < w-mx-60; x += 16 + rng.IntN(6) {
			hgt := 14 + rng.IntN(8)
			fill(x, ly, x+3, ly+hgt, ink)
			y := ly + rng.IntN(hgt)
			fill(x, y, x+10, y+1, ink)
		}
	}
	// The seal: a red ring.
	cx, cy := float64(w-mx-170), float64(h-my-170)
	for y := int(cy) - 92; y <= int(cy)+92; y++ {
		for x := int(cx) - 92; x <= int(cx)+92; x++ {
			if d := math.Hypot(float64(x)-cx, float64(y)-cy); d >= 84 && d <= 90 {
				fill(x, y, x+1, y+1, red)
			}
		}
	}
	if blur > 0 {
		for c := range ch {
			ch[c] = gaussianBlur(ch[c], w, h, blur)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		n := float32(rng.IntN(7) - 3) // sensor noise, after the blur as in a camera
		for c := range ch {
			img.Pix[4*i+c] = uint8(max(0, min(255, ch[c][i]+n)))
		}
		img.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// gaussianBlur approximates a Gaussian blur of sigma pixels with three box
// blurs (W. Jarosz, "Fast image convolutions"), each a running sum along
// the rows and then the columns.
func gaussianBlur(p plane, w, h int, sigma float64) plane {
	const passes = 3
	ideal := math.Sqrt(12*sigma*sigma/passes + 1)
	lo := int(ideal)
	if lo%2 == 0 {
		lo--
	}
	m := int(math.Round((12*sigma*sigma - passes*float64(lo*lo) - 4*passes*float64(lo) - 3*passes) / (-4*float64(lo) - 4)))
	tmp := make(plane, len(p))
	for i := 0; i < passes; i++ {
		size := lo
		if i >= m {
			size = lo + 2
		}
		r := size / 2
		boxBlur(p, tmp, w, h, 1, w, r) // along rows
		boxBlur(tmp, p, h, w, w, 1, r) // along columns
	}
	return p
}

// boxBlur averages 2r+1 neighbours along n lines of length l; step is the
// distance between neighbours, stride between lines; edges are clamped.
func boxBlur(src, dst plane, l, n, step, stride, r int) {
	scale := 1 / float32(2*r+1)
	for line := 0; line < n; line++ {
		base := line * stride
		first, last := src[base], src[base+(l-1)*step]
		sum := float32(r+1) * first
		for i := 1; i <= r; i++ {
			sum += src[base+min(i, l-1)*step]
		}
		for i, o := 0, base; i < l; i, o = i+1, o+step {
			dst[o] = sum * scale
			in, out := last, first
			if i+r+1 < l {
				in = src[o+(r+1)*step]
			}
			if i-r >= 0 {
				out = src[o-r*step]
			}
			sum += in - out
		}
	}
}

// e2ePhotos are the photos a flow uploads, written once into a directory
// the browser reads them from.
type e2ePhotos struct {
	Sharp   string // a sharp colour document: passes every check
	Soft    string // soft: imagecheck accepts it with a warning; the reviewer finds it unclear
	Blurred string // badly blurred: imagecheck refuses it as a licence
	Other   string // another sharp document (ID cards, signed letters)
}

// writePhotos draws the photos into dir, concurrently. The flows check
// how the upload check judges each (accepted, warned, refused).
func writePhotos(t *testing.T, dir string) e2ePhotos {
	t.Helper()
	p := e2ePhotos{Sharp: filepath.Join(dir, "licence.jpg"), Soft: filepath.Join(dir, "licence-soft.jpg"),
		Blurred: filepath.Join(dir, "licence-blurred.jpg"), Other: filepath.Join(dir, "document.jpg")}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, f := range []struct {
		path string
		seed uint64
		blur float64
	}{{p.Sharp, 1, 0}, {p.Soft, 1, 1.4}, {p.Blurred, 1, 2.5}, {p.Other, 2, 0}} {
		wg.Go(func() { errs <- os.WriteFile(f.path, documentPhoto(f.seed, f.blur), 0o644) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}
