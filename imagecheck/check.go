package imagecheck

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
)

// ErrUnknownPurpose is returned (wrapped) by Check and CheckBytes for a
// purpose that is not one of the Purpose constants: a programming error,
// not a problem with the upload.
var ErrUnknownPurpose = errors.New("imagecheck: unknown purpose")

// Result is what Check found out about an upload.
type Result struct {
	Purpose Purpose
	// MediaType is sniffed from the content: image/jpeg or image/png for
	// accepted types; for refused ones the recognised type (application/pdf,
	// image/gif, image/heic …) or application/octet-stream. Store it instead
	// of what the browser claimed.
	MediaType string
	// Width and Height are the stored pixel dimensions from the header
	// (before any EXIF rotation); 0 when the header could not be read.
	Width, Height int
	// Bytes is the size of the upload. When it exceeds the purpose's limit,
	// reading stopped there and Bytes is the limit plus one.
	Bytes int64
	// Findings lists every problem, limits first, then quality checks.
	Findings []Finding
	// Metrics holds the quality measurements; nil when the image was not
	// decoded (a limit refused it) or the purpose runs no quality check.
	Metrics *Metrics
}

// Rejected reports whether any finding rejects the upload.
func (r *Result) Rejected() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityReject {
			return true
		}
	}
	return false
}

// Has reports whether a finding with code is present.
func (r *Result) Has(code Code) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// limits are the decode limits; tests and the fuzz target shrink them.
type limits struct {
	maxPixels, maxSide int
	maxDecodeBytes     float64
}

var defaultLimits = limits{maxPixels: MaxPixels, maxSide: MaxSide, maxDecodeBytes: MaxDecodeBytes}

// Check reads an upload from rd and checks it for purpose p. It reads at
// most the purpose's byte limit plus one byte, so an oversized upload is
// refused without reading it all (the caller drains or closes rd). Every
// problem with the content is a Finding; the error is only for an unknown
// purpose (ErrUnknownPurpose) or a failing reader.
//
// Check is pure and safe for concurrent use. It allocates at most about
// MaxDecodeBytes for the decoder plus 16 MB for the working copy per call;
// callers bound how many run at once.
func Check(rd io.Reader, p Purpose) (*Result, error) {
	r, ok := p.Rules()
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPurpose, p)
	}
	data, err := io.ReadAll(io.LimitReader(rd, r.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("imagecheck: reading upload: %w", err)
	}
	return check(data, r, defaultLimits), nil
}

// CheckBytes checks an upload held in memory; see Check.
func CheckBytes(data []byte, p Purpose) (*Result, error) {
	r, ok := p.Rules()
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPurpose, p)
	}
	return check(data, r, defaultLimits), nil
}

// check runs the pipeline: sniff, header, limits, decode, measure. Each step
// runs only when the previous ones passed, so nothing is decoded that a
// limit refuses.
func check(data []byte, r Rules, lim limits) *Result {
	res := &Result{Purpose: r.Purpose, Bytes: int64(len(data))}
	add := func(f Finding) { res.Findings = append(res.Findings, f) }
	if len(data) == 0 {
		add(newFinding(CodeEmpty, SeverityReject, 0, 0, r))
		return res
	}
	res.MediaType = sniff(data)
	var (
		hdr     header
		hdrOK   bool
		cfg     image.Config
		cfgErr  error
		decoder func(io.Reader) (image.Image, error)
	)
	switch res.MediaType {
	case MediaTypeJPEG:
		hdr, hdrOK = jpegHeader(data)
		cfg, cfgErr = jpeg.DecodeConfig(bytes.NewReader(data))
		decoder = jpeg.Decode
	case MediaTypePNG:
		hdr, hdrOK = pngHeader(data)
		cfg, cfgErr = png.DecodeConfig(bytes.NewReader(data))
		decoder = png.Decode
	default:
		f := newFinding(CodeUnsupportedType, SeverityReject, 0, 0, r)
		f.Detail = "content is " + res.MediaType
		add(f)
		return res
	}
	if cfgErr != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		f := newFinding(CodeCorrupt, SeverityReject, 0, 0, r)
		f.Detail = "header: " + errText(cfgErr)
		add(f)
		return res
	}
	res.Width, res.Height = cfg.Width, cfg.Height
	if !hdrOK || hdr.width != cfg.Width || hdr.height != cfg.Height {
		hdr.bytesPerPixel = 24 // our walk disagrees with the decoder's: assume the worst
	}

	// Limits, all from the header.
	if res.Bytes > r.MaxBytes {
		add(newFinding(CodeTooLargeBytes, SeverityReject, float64(res.Bytes), float64(r.MaxBytes), r))
	}
	w, h := cfg.Width, cfg.Height
	pixels := float64(w) * float64(h)
	switch {
	case pixels > float64(lim.maxPixels):
		add(newFinding(CodeTooManyPixels, SeverityReject, pixels, float64(lim.maxPixels), r))
	case pixels*hdr.bytesPerPixel > lim.maxDecodeBytes:
		f := newFinding(CodeTooManyPixels, SeverityReject, pixels, math.Floor(lim.maxDecodeBytes/hdr.bytesPerPixel), r)
		f.Detail = fmt.Sprintf("this encoding decodes to about %.0f bytes a pixel", hdr.bytesPerPixel)
		add(f)
	}
	if long := max(w, h); long > lim.maxSide {
		add(newFinding(CodeTooLargeDimensions, SeverityReject, float64(long), float64(lim.maxSide), r))
	}
	short := min(w, h)
	switch {
	case short < r.MinShortSide:
		add(newFinding(CodeTooSmall, SeverityReject, float64(short), float64(r.MinShortSide), r))
	case short < r.WarnShortSide:
		add(newFinding(CodeLowResolution, SeverityWarn, float64(short), float64(r.WarnShortSide), r))
	}
	if r.Square {
		if aspect := float64(w) / float64(h); math.Abs(float64(w-h)) > 0.02*float64(max(w, h)) {
			add(newFinding(CodeNotSquare, SeverityReject, aspect, 1, r))
		}
	}
	if res.Rejected() {
		return res
	}

	m, err := decoder(bytes.NewReader(data))
	if err != nil {
		f := newFinding(CodeCorrupt, SeverityReject, 0, 0, r)
		f.Detail = "decode: " + errText(err)
		add(f)
		return res
	}
	if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
		f := newFinding(CodeCorrupt, SeverityReject, 0, 0, r)
		f.Detail = fmt.Sprintf("decoded %dx%d, header says %dx%d", b.Dx(), b.Dy(), w, h)
		add(f)
		return res
	}
	if r.Blur == SeverityOff && r.Glare == SeverityOff && r.Grayscale == SeverityOff && r.Exposure == SeverityOff {
		return res
	}
	mt := measure(newWorking(m))
	res.Metrics = &mt
	for _, f := range judge(mt, r) {
		add(f)
	}
	return res
}

func errText(err error) string {
	if err == nil {
		return "empty dimensions"
	}
	return err.Error()
}
