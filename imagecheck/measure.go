package imagecheck

import (
	"cmp"
	"math"
	"slices"
)

// Metrics are the measurements of the working copy that the quality checks
// compare with their thresholds. They are returned so the caller can store
// them with the upload and thresholds can be re-calibrated on real uploads.
type Metrics struct {
	// WorkingWidth and WorkingHeight are the size of the downscaled copy the
	// measurements were taken on.
	WorkingWidth, WorkingHeight int

	// Sharpness is the blur score: over the quarter of the 32×32 tiles with
	// the most contrast, the square root of the summed Laplacian variance
	// over the summed luminance variance, after removing the noise's share
	// of both. Higher is sharper; see thresholdBlurReject.
	// It is 0 with ContentTiles 0 when nothing in the image has contrast.
	Sharpness float64
	// ContentTiles is how many tiles had enough contrast to be scored.
	ContentTiles int
	// Noise is the estimated standard deviation of pixel noise (0–255).
	Noise float64

	// GlareFraction is the share of the working copy covered by blobs that
	// look like specular highlights (see glare).
	GlareFraction float64

	// ColourFraction is the share of pixels whose chroma, after removing the
	// image's overall colour cast, is at least colourChroma. A colour
	// original has its seal, emblem, photo or coloured print; a photocopy
	// has none. MeanChroma is the mean of that chroma, for the record.
	ColourFraction float64
	MeanChroma     float64

	// MeanLuma is the mean luminance (0–255); DarkLuma the 0.1th percentile
	// (the ink), MedianLuma the 50th and WhiteLuma the 95th (the paper).
	MeanLuma, DarkLuma, MedianLuma, WhiteLuma float64
}

// measure takes every measurement of wk.
func measure(wk *working) Metrics {
	m := Metrics{WorkingWidth: wk.w, WorkingHeight: wk.h}
	m.MeanLuma, m.DarkLuma, m.MedianLuma, m.WhiteLuma = exposure(wk)
	m.Sharpness, m.ContentTiles, m.Noise = sharpness(wk)
	m.GlareFraction = glare(wk)
	m.ColourFraction, m.MeanChroma = colourfulness(wk, m.WhiteLuma)
	return m
}

// exposure returns the mean and the 0.1th, 50th and 95th percentiles of the
// luminance.
func exposure(wk *working) (mean, dark, median, white float64) {
	var hist [256]int
	sum := 0.0
	for _, v := range wk.y {
		hist[clampByte(v)]++
		sum += float64(v)
	}
	n := len(wk.y)
	return sum / float64(n), float64(percentile(&hist, n, 0.001)), float64(percentile(&hist, n, 0.5)),
		float64(percentile(&hist, n, 0.95))
}

// percentile returns the smallest bin value at or below which at least q of
// the n samples lie.
func percentile(hist *[256]int, n int, q float64) int {
	need := int(math.Ceil(q * float64(n)))
	acc := 0
	for v, c := range hist {
		acc += c
		if acc >= max(need, 1) {
			return v
		}
	}
	return 255
}

func clampByte(v float32) int {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return int(v + 0.5)
}

// Blur score parameters.
const (
	tileSide = 32
	// contentStd is the least signal standard deviation (0–255) a tile needs
	// to be scored: below it a tile is blank paper or desk, whose Laplacian
	// is noise whatever the focus.
	contentStd = 6
	// sharpShare is the share of content tiles, strongest contrast first,
	// that the score pools; at least minPooled tiles are pooled when there
	// are that many.
	sharpShare = 0.25
	minPooled  = 8
	// maxNoise caps the noise estimate (standard deviation, 0–255).
	maxNoise = 8
)

// sharpness computes the blur score. For each tile it takes the variance of
// the 4-neighbour Laplacian and of the luminance. The Laplacian's variance
// alone (the textbook score) grows with contrast and with the amount of
// text, so it is divided by the luminance variance: the ratio measures how
// much of a tile's contrast sits in the finest detail, which is what blur
// removes, and it does not change when a photo is darker or paler. Pixel
// noise adds to both variances and looks like detail, so its share is
// estimated and removed, and tiles that are mostly noise are not scored;
// otherwise a noisy blurred photo would pass for a sharp one.
func sharpness(wk *working) (score float64, tiles int, noise float64) {
	w, h := wk.w, wk.h
	tx, ty := (w-2)/tileSide, (h-2)/tileSide
	if tx < 1 || ty < 1 {
		return 0, 0, 0
	}
	type tile struct{ lap, lum float64 }
	ts := make([]tile, 0, tx*ty)
	y := wk.y
	for j := 0; j < ty; j++ {
		for i := 0; i < tx; i++ {
			var s, s2, l, l2 float64
			for yy := 1 + j*tileSide; yy < 1+(j+1)*tileSide; yy++ {
				row := yy * w
				for xx := 1 + i*tileSide; xx < 1+(i+1)*tileSide; xx++ {
					c := y[row+xx]
					lap := float64(4*c - y[row+xx-1] - y[row+xx+1] - y[row-w+xx] - y[row+w+xx])
					v := float64(c)
					s += v
					s2 += v * v
					l += lap
					l2 += lap * lap
				}
			}
			const n = tileSide * tileSide
			lum := s2/n - (s/n)*(s/n)
			lapv := l2/n - (l/n)*(l/n)
			ts = append(ts, tile{lap: lapv, lum: lum})
		}
	}
	// Noise: the flattest tenth of the tiles is blank paper or desk, whose
	// variance is the noise's: σ² for the luminance and (for white noise
	// 20σ², less after JPEG) for the Laplacian. Both are taken from those
	// tiles and subtracted. The estimate is capped at σ = 8 so a tight crop
	// of dense text, whose flattest tiles still hold text, cannot subtract
	// its own detail away.
	lums := make([]float64, len(ts))
	laps := make([]float64, len(ts))
	for i, t := range ts {
		lums[i], laps[i] = t.lum, t.lap
	}
	slices.Sort(lums)
	slices.Sort(laps)
	k := max(1, len(ts)/10)
	nLum := min(lums[k/2], maxNoise*maxNoise)
	nLap := min(laps[k/2], 20*maxNoise*maxNoise)
	// A tile is scored when its signal stands clear of the noise: at least
	// contentStd, and three noise deviations.
	gate := max(contentStd*contentStd, 9*nLum)
	type scored struct{ lap, lum float64 }
	content := make([]scored, 0, len(ts))
	for _, t := range ts {
		if lum := t.lum - nLum; lum >= gate {
			content = append(content, scored{lap: max(0, t.lap-nLap), lum: lum})
		}
	}
	if len(content) == 0 {
		return 0, 0, math.Sqrt(nLum)
	}
	// Pool the strongest-contrast quarter of the tiles: text, seal, edges.
	// Pooling (a ratio of sums) averages out the noise that is left in any
	// one tile; taking the strongest tiles ignores a blurred background
	// around a sharp document.
	slices.SortFunc(content, func(a, b scored) int { return cmp.Compare(b.lum, a.lum) })
	top := content[:max(min(len(content), minPooled), int(sharpShare*float64(len(content))))]
	var lap, lum float64
	for _, t := range top {
		lap += t.lap
		lum += t.lum
	}
	return math.Sqrt(lap / lum), len(content), math.Sqrt(nLum)
}

// Glare parameters.
const (
	// clipLuma is the luminance from which a working pixel counts as clipped.
	// The working copy is an area average, so a pixel this bright means the
	// sensor was saturated over the whole area it covers.
	clipLuma = 250
	// glareMinArea is the smallest blob counted, as a share of the image
	// (about one character of a licence at working scale); smaller clipped
	// specks are reflections off a stamp or a font serif and hide nothing.
	glareMinArea = 0.0003
	// glareMaxCompactness bounds perimeter²/(4π·area) of the clipped pixels,
	// holes included. A highlight erases what it covers, so only its fringe
	// is bitten by the text still showing through: 1 for a clean disk, 4–16
	// on the synthetic certificate. A clipped white page keeps all its text
	// as holes and scores in the hundreds (~500 on the same fixture).
	glareMaxCompactness = 30
	// glareHaloDrop is how much darker (0–255) than clipping the median of a
	// blob's surroundings must be: a highlight stands out from the card it
	// lies on (paper at ~215 on the fixtures), while a clipped patch of a
	// page merges into equally white paper.
	glareHaloDrop = 20
	// glareMaxBlobs bounds the blobs examined, keeping the work bounded.
	glareMaxBlobs = 64
)

// glare returns the share of the working copy covered by specular
// highlights. A highlight is a 4-connected region of clipped pixels that
//
//   - does not touch the image border: a scanner's white bed, a tight crop's
//     paper margin and a window behind the document are clipped too, but
//     they reach the edge, while glare lies on the document;
//   - is compact, holes counted (glareMaxCompactness): white paper is not
//     glare, because its text survives clipping and perforates it;
//   - stands out from its surroundings (glareHaloDrop).
//
// Glare reaching the image edge is therefore not counted; reviewers see it.
func glare(wk *working) float64 {
	w, h := wk.w, wk.h
	n := w * h
	labels := make([]int32, n)
	type blob struct {
		area, perim           int
		border                bool
		x0, y0, x1, y1, label int
	}
	var blobs []blob
	stack := make([]int32, 0, 1024)
	next := int32(0)
	for start := 0; start < n; start++ {
		if labels[start] != 0 || wk.y[start] < clipLuma {
			continue
		}
		next++
		b := blob{x0: w, y0: h, x1: -1, y1: -1, label: int(next)}
		labels[start] = next
		stack = append(stack[:0], int32(start))
		for len(stack) > 0 {
			p := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			b.area++
			b.x0, b.x1 = min(b.x0, x), max(b.x1, x)
			b.y0, b.y1 = min(b.y0, y), max(b.y1, y)
			edge := false
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				b.border, edge = true, true
			}
			for k, q := range [4]int{p - 1, p + 1, p - w, p + w} {
				switch {
				case k == 0 && x == 0, k == 1 && x == w-1, q < 0, q >= n:
					continue
				case wk.y[q] < clipLuma:
					edge = true
				case labels[q] == 0:
					labels[q] = next
					stack = append(stack, int32(q))
				}
			}
			if edge {
				b.perim++
			}
		}
		if b.border || float64(b.area) < glareMinArea*float64(n) || b.area < 9 {
			continue
		}
		if c := float64(b.perim) * float64(b.perim) / (4 * math.Pi * float64(b.area)); c > glareMaxCompactness {
			continue
		}
		blobs = append(blobs, b)
	}
	slices.SortFunc(blobs, func(a, b blob) int { return b.area - a.area })
	total := 0
	for _, b := range blobs[:min(len(blobs), glareMaxBlobs)] {
		// Surroundings: the blob's bounding box grown by half its size,
		// minus the blob itself; the median ignores the text in it.
		r := max(3, max(b.x1-b.x0, b.y1-b.y0)/2)
		var hist [256]int
		cnt := 0
		for y := max(0, b.y0-r); y <= min(h-1, b.y1+r); y++ {
			for x := max(0, b.x0-r); x <= min(w-1, b.x1+r); x++ {
				if int(labels[y*w+x]) != b.label {
					hist[clampByte(wk.y[y*w+x])]++
					cnt++
				}
			}
		}
		if cnt > 0 && 255-percentile(&hist, cnt, 0.5) >= glareHaloDrop {
			total += b.area
		}
	}
	return float64(total) / float64(n)
}

// colourChroma is the chroma (distance in the Cb/Cr plane, 0–~180) from which
// a pixel counts as coloured. Seal red has ~90, skin ~35, the pale tint of an
// ID card's background ~15; the colour fringes and JPEG noise of a
// photographed photocopy stay below ~8 after area averaging.
const colourChroma = 20

// colourfulness returns the share of coloured pixels and the mean chroma.
// Two corrections make it measure the document rather than the lighting:
//
//   - the median Cb and Cr are subtracted first: a photocopy photographed
//     under a warm lamp is uniformly tinted, and a uniform tint is not colour;
//   - chroma is scaled as if the paper (the 95th luminance percentile, white)
//     were white: a dim photo has proportionally less chroma but the same
//     colours. The scale is capped at 4× (white ≥ 64) so the noise of a
//     nearly black image is not amplified into colour.
func colourfulness(wk *working, white float64) (fraction, mean float64) {
	if wk.cb == nil {
		return 0, 0
	}
	mcb, mcr := median(wk.cb), median(wk.cr)
	scale := 255 / max(white, 64)
	coloured := 0
	sum := 0.0
	for i := range wk.cb {
		dcb, dcr := float64(wk.cb[i])-mcb, float64(wk.cr[i])-mcr
		c := math.Sqrt(dcb*dcb+dcr*dcr) * scale
		sum += c
		if c >= colourChroma {
			coloured++
		}
	}
	n := float64(len(wk.cb))
	return float64(coloured) / n, sum / n
}

// median of a chroma plane (values within ±128), by histogram at 1/4 unit.
func median(p []float32) float64 {
	var hist [1025]int
	for _, v := range p {
		i := int((v+128)*4 + 0.5)
		hist[min(max(i, 0), 1024)]++
	}
	half := (len(p) + 1) / 2
	acc := 0
	for i, c := range hist {
		acc += c
		if acc >= half {
			return float64(i)/4 - 128
		}
	}
	return 0
}
