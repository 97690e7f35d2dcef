package imagecheck

import (
	"bytes"
	"encoding/binary"
)

// Media types that Check accepts.
const (
	MediaTypeJPEG = "image/jpeg"
	MediaTypePNG  = "image/png"
)

// sniff returns the media type of data from its leading bytes, never from a
// file name. Only JPEG and PNG are accepted; the rest are named so the
// finding's Detail and the stored upload say what the customer sent. Unknown
// content is application/octet-stream.
func sniff(data []byte) string {
	has := func(off int, magic string) bool {
		return len(data) >= off+len(magic) && string(data[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "\xFF\xD8\xFF"):
		return MediaTypeJPEG
	case has(0, "\x89PNG\r\n\x1A\n"):
		return MediaTypePNG
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "image/gif"
	case has(0, "RIFF") && has(8, "WEBP"):
		// The bureau takes JPG and PNG only (spec §6.6), so WebP is refused
		// rather than decoded.
		return "image/webp"
	case has(0, "%PDF-"):
		return "application/pdf"
	case has(4, "ftyp"):
		return sniffISOBMFF(data)
	case has(0, "BM"):
		return "image/bmp"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "image/tiff"
	case has(0, "\x00\x00\x01\x00"):
		return "image/x-icon"
	case has(0, "PK\x03\x04"):
		return "application/zip" // also docx, xlsx, apk
	case has(0, "MZ"):
		return "application/vnd.microsoft.portable-executable"
	case has(0, "\x7FELF"):
		return "application/x-elf"
	case has(0, "\xFE\xED\xFA\xCE"), has(0, "\xFE\xED\xFA\xCF"), has(0, "\xCE\xFA\xED\xFE"),
		has(0, "\xCF\xFA\xED\xFE"), has(0, "\xCA\xFE\xBA\xBE"):
		return "application/x-mach-binary"
	}
	head := data[:min(len(data), 1024)]
	head = bytes.TrimLeft(head, "\xEF\xBB\xBF \t\r\n")
	if bytes.HasPrefix(head, []byte("<")) {
		if bytes.Contains(bytes.ToLower(head), []byte("<svg")) {
			return "image/svg+xml"
		}
		return "text/xml"
	}
	return "application/octet-stream"
}

// sniffISOBMFF names the ISO base media files phones produce: HEIC/HEIF
// (the iPhone default), AVIF, and MP4/QuickTime video.
func sniffISOBMFF(data []byte) string {
	if len(data) < 12 {
		return "application/octet-stream"
	}
	switch string(data[8:12]) {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
		return "image/heic"
	case "avif", "avis":
		return "image/avif"
	case "qt  ":
		return "video/quicktime"
	}
	return "video/mp4"
}

// header is what the limits need from an image's header, read without
// decoding pixels.
type header struct {
	width, height int
	// bytesPerPixel estimates the memory the standard decoder allocates per
	// pixel, including a progressive JPEG's coefficient buffers and an
	// interlaced PNG's pass images.
	bytesPerPixel float64
}

// pngHeader reads the IHDR chunk. The decoder itself checks the CRC and the
// legal combinations later; here only the numbers matter.
func pngHeader(data []byte) (header, bool) {
	// signature (8) + length (4) + "IHDR" (4) + width, height (8) + depth,
	// colour type, compression, filter, interlace (5).
	if len(data) < 29 || string(data[12:16]) != "IHDR" {
		return header{}, false
	}
	w := binary.BigEndian.Uint32(data[16:20])
	h := binary.BigEndian.Uint32(data[20:24])
	if w > 1<<30 || h > 1<<30 {
		return header{width: 1 << 30, height: 1 << 30, bytesPerPixel: 8}, true
	}
	depth, colour, interlace := data[24], data[25], data[28]
	// The Go image type each PNG colour type decodes to.
	var bpp float64
	switch colour {
	case 0: // grey: Gray or Gray16
		bpp = 1
	case 3: // palette: Paletted
		bpp = 1
	case 2, 4, 6: // RGB, grey+alpha, RGBA: RGBA/NRGBA, or their 64-bit forms
		bpp = 4
	default:
		bpp = 8
	}
	if depth == 16 {
		bpp *= 2
	}
	if interlace == 1 {
		bpp *= 2 // each Adam7 pass is decoded into its own image, then merged
	}
	return header{width: int(w), height: int(h), bytesPerPixel: bpp}, true
}

// jpegHeader walks the markers up to the frame header (SOFn) and reads the
// size, the components' sampling factors and whether the frame is
// progressive. It assumes the worst (progressive 4:4:4 with four components)
// for what it cannot read; the decoder reports real damage later.
func jpegHeader(data []byte) (header, bool) {
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return header{}, false
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0x01 || marker >= 0xD0 && marker <= 0xD8 { // no length
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if n < 2 {
			return header{}, false
		}
		switch marker {
		case 0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
			seg := data[i+4 : min(len(data), i+2+n)]
			if len(seg) < 6 {
				return header{}, false
			}
			h := int(binary.BigEndian.Uint16(seg[1:3]))
			w := int(binary.BigEndian.Uint16(seg[3:5]))
			return header{width: w, height: h, bytesPerPixel: jpegBytesPerPixel(marker, seg)}, true
		case 0xDA: // start of scan before a frame header: malformed
			return header{}, false
		}
		i += 2 + n
	}
	return header{}, false
}

// jpegBytesPerPixel estimates what Go's image/jpeg allocates: one byte per
// sample of each component plane, plus for progressive frames a 64-entry
// int32 block per 8×8 samples (4 bytes a sample), plus a 4-byte CMYK image
// for four-component frames.
func jpegBytesPerPixel(marker byte, seg []byte) float64 {
	progressive := marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
	ncomp := int(seg[5])
	perSample := 1.0
	if progressive {
		perSample = 5
	}
	if ncomp < 1 || ncomp > 4 || len(seg) < 6+3*ncomp {
		return 4*5 + 4 // unreadable: the worst case
	}
	hmax, vmax := 1, 1
	for c := 0; c < ncomp; c++ {
		hv := seg[6+3*c+1]
		hmax = max(hmax, int(hv>>4))
		vmax = max(vmax, int(hv&0x0F))
	}
	samples := 0.0
	for c := 0; c < ncomp; c++ {
		hv := seg[6+3*c+1]
		hs, vs := max(1, int(hv>>4)), max(1, int(hv&0x0F))
		samples += float64(hs*vs) / float64(hmax*vmax)
	}
	bpp := samples * perSample
	if ncomp == 4 {
		bpp += 4
	}
	return bpp
}
