package imagecheck

import (
	"fmt"
	"strconv"
)

// Code names what a finding is about. Codes are stable: they are stored with
// uploads, mapped to translations and counted in metrics, so they are never
// renamed or reused; new codes may be added.
type Code string

// The finding codes. The package documentation says when each is raised.
const (
	CodeEmpty              Code = "image.empty"
	CodeUnsupportedType    Code = "image.unsupported_type"
	CodeCorrupt            Code = "image.corrupt"
	CodeTooLargeBytes      Code = "image.too_large_bytes"
	CodeTooManyPixels      Code = "image.too_many_pixels"
	CodeTooLargeDimensions Code = "image.too_large_dimensions"
	CodeTooSmall           Code = "image.too_small"
	CodeLowResolution      Code = "image.low_resolution"
	CodeNotSquare          Code = "image.not_square"
	CodeBlurry             Code = "image.blurry"
	CodeGlare              Code = "image.glare"
	CodeGrayscaleCopy      Code = "image.grayscale_copy"
	CodeTooDark            Code = "image.too_dark"
	CodeOverexposed        Code = "image.overexposed"
)

// Severity says what a finding means for the upload.
type Severity string

// Severities. A check whose severity in [Rules] is SeverityOff does not run.
const (
	// SeverityOff turns a check off for a purpose.
	SeverityOff Severity = ""
	// SeverityWarn lets the upload through; the customer is told and the
	// reviewer sees the finding next to the image.
	SeverityWarn Severity = "warn"
	// SeverityReject refuses the upload: the bureau would reject it (spec
	// §6.9 R1/R2), so the customer must re-shoot or re-scan before submitting.
	SeverityReject Severity = "reject"
)

// Text is one message in Chinese and English. Chinese is the default language.
type Text struct {
	ZH string
	EN string
}

// Finding is one problem found with an upload, in the shape of the bureau's
// rejection notices: Reason is the 驳回原因 and Fix the 修改措施, each in both
// languages with the measured values filled in.
//
// Measured and Threshold are in the unit of the check: bytes, pixels, a
// sharpness score, a fraction of the working copy's pixels or a mean
// luminance (0–255); see the package documentation. Threshold is the limit
// that was crossed: for a warning the warning threshold, for a rejection the
// rejection threshold. Both are zero where nothing is measured (an
// unsupported type). Detail is an English note for logs and reviewers, such
// as the sniffed type of an unsupported file or a decoder's error.
type Finding struct {
	Code      Code
	Severity  Severity
	Measured  float64
	Threshold float64
	Detail    string
	Reason    Text
	Fix       Text
}

// String returns the code, severity and values, for logs.
func (f Finding) String() string {
	s := string(f.Code) + " (" + string(f.Severity) + ")"
	if f.Measured != 0 || f.Threshold != 0 {
		s += " measured " + strconv.FormatFloat(f.Measured, 'g', 6, 64) +
			" threshold " + strconv.FormatFloat(f.Threshold, 'g', 6, 64)
	}
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}

// newFinding fills in the bilingual reason and fix for code. It is the only
// place the messages are written, so the wording stays in one voice.
func newFinding(code Code, sev Severity, measured, threshold float64, r Rules) Finding {
	f := Finding{Code: code, Severity: sev, Measured: measured, Threshold: threshold}
	switch code {
	case CodeEmpty:
		f.Reason = Text{"上传的文件为空。", "The uploaded file is empty."}
		f.Fix = Text{"请重新选择图片文件上传。", "Choose the image file again and upload it."}
	case CodeUnsupportedType:
		f.Reason = Text{"文件不是 JPG 或 PNG 图片（系统按文件内容识别，与文件扩展名无关）。",
			"The file is not a JPG or PNG image (the type is read from the content, not the file name)."}
		f.Fix = Text{"请上传原件的彩色照片或彩色扫描件，保存为 JPG 或 PNG 格式；不要上传 PDF、HEIC、GIF 等文件或仅修改扩展名。",
			"Upload a colour photo or colour scan of the original saved as JPG or PNG; PDF, HEIC, GIF and renamed files are not accepted."}
	case CodeCorrupt:
		f.Reason = Text{"图片文件已损坏或不完整，无法读取。", "The image file is damaged or incomplete and cannot be read."}
		f.Fix = Text{"请重新拍摄或重新导出图片后上传，并确认上传过程没有中断。",
			"Re-shoot or re-export the image and upload it again, making sure the upload completes."}
	case CodeTooLargeBytes:
		f.Reason = Text{"图片文件超过 " + sizeText(int64(threshold)) + "。",
			"The file is larger than " + sizeText(int64(threshold)) + "."}
		f.Fix = Text{"请压缩图片或降低分辨率后重新上传，文件大小不超过 " + sizeText(int64(threshold)) + "。",
			"Compress the image or reduce its resolution to " + sizeText(int64(threshold)) + " or less, then upload it again."}
	case CodeTooManyPixels, CodeTooLargeDimensions:
		f.Reason = Text{"图片像素尺寸过大，系统无法处理。", "The image has too many pixels to be processed."}
		f.Fix = Text{"请将图片缩小（例如长边不超过 4000 像素）后重新上传。",
			"Reduce the image (for example to at most 4000 pixels on the long side) and upload it again."}
	case CodeTooSmall:
		n := strconv.Itoa(int(threshold))
		if r.Square {
			f.Reason = Text{"图标分辨率过低（" + strconv.Itoa(int(measured)) + " 像素，要求至少 " + n + "×" + n + " 像素）。",
				"The icon is too small (" + strconv.Itoa(int(measured)) + " pixels; at least " + n + "×" + n + " required)."}
			f.Fix = Text{"请上传应用商店使用的高清图标（建议 512×512 或 1024×1024 像素）。",
				"Upload the high-resolution icon used in the app stores (512×512 or 1024×1024 pixels recommended)."}
			break
		}
		f.Reason = Text{"图片分辨率过低（短边 " + strconv.Itoa(int(measured)) + " 像素，要求至少 " + n + " 像素），文字可能无法辨认。",
			"The image resolution is too low (" + strconv.Itoa(int(measured)) + " pixels on the short side; at least " + n + " required), so text may be illegible."}
		f.Fix = Text{"请使用手机相机或扫描仪对原件重新拍摄或扫描，不要使用截图或压缩后的缩略图。",
			"Re-shoot or re-scan the original with a phone camera or scanner; do not upload screenshots or compressed thumbnails."}
	case CodeLowResolution:
		n := strconv.Itoa(int(threshold))
		f.Reason = Text{"图标分辨率偏低（" + strconv.Itoa(int(measured)) + " 像素，建议至少 " + n + "×" + n + " 像素）。",
			"The icon resolution is low (" + strconv.Itoa(int(measured)) + " pixels; at least " + n + "×" + n + " recommended)."}
		f.Fix = Text{"建议上传应用商店使用的高清图标，并确保文件不超过 " + sizeText(r.MaxBytes) + "。",
			"Prefer the high-resolution icon used in the app stores, keeping the file within " + sizeText(r.MaxBytes) + "."}
	case CodeNotSquare:
		f.Reason = Text{"图标不是正方形（宽高比 " + strconv.FormatFloat(measured, 'f', 2, 64) + "）。",
			"The icon is not square (aspect ratio " + strconv.FormatFloat(measured, 'f', 2, 64) + ")."}
		f.Fix = Text{"请上传与应用商店一致的正方形 APP 图标，不要上传截图。",
			"Upload the square app icon used in the app stores, not a screenshot."}
	case CodeBlurry:
		f.Reason = Text{"图片模糊，文字可能无法辨认。", "The photo is blurry; text may be illegible."}
		f.Fix = Text{"请在光线充足处对准原件重新拍摄，对焦清晰、手持稳定，保证文字清晰可辨。",
			"Re-shoot the original in good light, focused and held steady, so every character is legible."}
	case CodeGlare:
		f.Reason = Text{"图片存在反光或强光斑，部分内容可能被遮挡。", "The photo has glare or a bright spot that may hide part of the document."}
		f.Fix = Text{"请关闭闪光灯，避开灯光直射，调整角度后重新拍摄原件，保证无反光、边框完整。",
			"Turn the flash off, avoid direct light and change the angle, then re-shoot the original with no glare and full borders."}
	case CodeGrayscaleCopy:
		f.Reason = Text{"图片为黑白图片，疑似复印件或黑白扫描件。", "The image is black and white; it looks like a photocopy or a monochrome scan."}
		f.Fix = Text{"请上传原件的彩色照片或彩色扫描件，不要上传复印件或黑白扫描件。",
			"Upload a colour photo or colour scan of the original, not a photocopy or a black-and-white scan."}
	case CodeTooDark:
		f.Reason = Text{"图片过暗，内容难以辨认。", "The photo is too dark to read."}
		f.Fix = Text{"请在光线充足、均匀的环境中重新拍摄原件。", "Re-shoot the original in bright, even light."}
	case CodeOverexposed:
		f.Reason = Text{"图片过亮（曝光过度），文字发白难以辨认。", "The photo is overexposed; the text is washed out."}
		f.Fix = Text{"请避开强光、关闭闪光灯，在光线均匀处重新拍摄原件。",
			"Avoid strong light and turn the flash off, then re-shoot the original in even light."}
	default:
		panic(fmt.Sprintf("imagecheck: no message for %q", code))
	}
	return f
}

// sizeText prints a byte limit the way the portal states it: 4 MB, 100 KB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
