package workflow

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	_ "image/png" // pre-approval scans may be PNG
)

// fitImage returns a document V3.0 can carry inline: the data itself when
// it fits in limit bytes, otherwise the image re-encoded as JPEG, halved in
// size until it fits. V3.0 caps a pre-approval scan (Spwj) at 100 KB, while
// customers upload photos of up to 4 MB.
func fitImage(data []byte, limit int) ([]byte, error) {
	if len(data) <= limit {
		return data, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	for i := 0; i < 8; i++ {
		for _, q := range []int{80, 60, 40} {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, err
			}
			if b.Len() <= limit {
				return b.Bytes(), nil
			}
		}
		img = halve(img)
	}
	return nil, errors.New("workflow: image does not fit the size limit")
}

// halve scales an image to half its width and height by averaging 2×2
// blocks, which is enough for a scan that must stay legible.
func halve(src image.Image) image.Image {
	b := src.Bounds()
	w, h := max(b.Dx()/2, 1), max(b.Dy()/2, 1)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bl, a uint32
			n := uint32(0)
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					px, py := b.Min.X+2*x+dx, b.Min.Y+2*y+dy
					if px >= b.Max.X || py >= b.Max.Y {
						continue
					}
					cr, cg, cb, ca := src.At(px, py).RGBA()
					r, g, bl, a, n = r+cr, g+cg, bl+cb, a+ca, n+1
				}
			}
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(bl/n>>8), uint8(a/n>>8)
		}
	}
	return dst
}
