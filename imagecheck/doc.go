// Package imagecheck checks uploaded photos and scans before they reach a
// reviewer: the type, the size and decode limits, the resolution for the
// upload's purpose, and the quality problems the bureau rejects filings for
// (spec §6.6 and §6.9 R1/R2): blur, glare, black-and-white photocopies, and
// photos too dark or washed out.
//
// The package is pure: it reads only the io.Reader or bytes it is given, no
// clock, no files, no network. [Check] returns a [Result] with the sniffed
// media type, the dimensions, the byte count, the measurements ([Metrics])
// and a list of [Finding]s. Each finding has a stable [Code], a [Severity]
// (reject or warn), the measured value and the threshold it crossed, and a
// reason and fix in Chinese and English in the shape of the bureau's
// 驳回原因 / 修改措施.
//
// # Pipeline
//
// Each step runs only if the previous ones passed, so nothing is decoded that
// a limit would refuse:
//
//  1. Sniff the content's magic bytes (never the file name): JPEG and PNG
//     are accepted; PDF, GIF, WebP, HEIC/AVIF, BMP, TIFF, SVG, ZIP and
//     executables are named in the finding's Detail and refused.
//  2. Read the header only (image.DecodeConfig plus a walk to the JPEG frame
//     header or the PNG IHDR): byte limit of the purpose, pixel budget
//     ([MaxPixels]), longest side ([MaxSide]) and the decoder's memory
//     estimated from the encoding ([MaxDecodeBytes]), then the purpose's
//     minimum resolution and, for icons, squareness. A decompression bomb
//     (a few bytes declaring 30000×30000) is refused here without allocating.
//  3. Decode with image/jpeg or image/png.
//  4. Downscale into a working copy of at most 1024 px on the long side
//     (area averaging, luminance and chroma) and measure it. The work after
//     decoding is bounded by the working size plus one pass over the pixels.
//
// # Codes
//
//	image.empty                 nothing was uploaded
//	image.unsupported_type      not JPEG or PNG by content (Detail: what it is)
//	image.corrupt               the header or the data cannot be decoded
//	                            (truncated upload, damaged file, a JPEG
//	                            variant the standard decoder lacks)
//	image.too_large_bytes       over the purpose's byte limit (4 MB, icon 100 KB)
//	image.too_many_pixels       over MaxPixels, or over what MaxDecodeBytes
//	                            allows for this encoding
//	image.too_large_dimensions  a side longer than MaxSide
//	image.too_small             shorter side below the purpose's minimum
//	image.low_resolution        (warn) icon below the recommended 512 px
//	image.not_square            icon whose sides differ by more than 2 %
//	image.blurry                the blur score is below the threshold
//	image.glare                 specular highlights cover part of the image
//	image.grayscale_copy        no colour: a photocopy or monochrome scan
//	image.too_dark              mean luminance too low
//	image.overexposed           no dark ink left and a white median
//
// Codes are never renamed or reused; new codes may be added.
//
// # Purposes and limits
//
//	purpose              bytes   min short side  blur    glare   grey    exposure
//	subject_certificate  4 MB    800             reject  reject  reject  reject
//	id_front, id_back    4 MB    600             reject  reject  reject  reject
//	face_photo           4 MB    480             warn    —       reject  reject
//	commitment_letter    4 MB    800             reject  reject  —       reject
//	app_icon             100 KB  216 (512 warn), square; no quality checks
//	other                4 MB    480             warn    warn    —       warn
//
// Why each value is what it is is written next to the table in purpose.go;
// the quality thresholds and their calibration are in judge.go.
//
// # What is left to reviewers
//
// A screen re-shot (翻拍) often shows moiré from the display's pixel grid,
// but periodic texture is also printed on certificates (guilloche borders,
// the ID card's background pattern), so a detector of periodic
// high-frequency energy would flag genuine originals, and it cannot be
// validated without real re-shot photos. None is shipped: reviewers judge
// re-shots.
// Likewise incomplete borders, covered emblems, watermarks over key text,
// wrong documents and EXIF-rotated images (dimensions are reported as
// stored) are for the reviewer. Glare that reaches the edge of the image is
// not measured (see the glare heuristic in measure.go).
//
// The thresholds were calibrated on synthetic fixtures drawn in the tests.
// Metrics are returned so that they can be stored with each upload and the
// thresholds re-calibrated against reviewers' decisions on real ones.
package imagecheck
