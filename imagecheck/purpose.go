package imagecheck

// Purpose says what an upload is for; it selects the size limit, the minimum
// resolution and which quality checks run ([Rules]). Purposes are stored with
// uploads, so their values never change.
type Purpose string

// The purposes of uploads (spec §5.7).
const (
	// PurposeSubjectCertificate is the subject's certificate (主办单位证件):
	// business licence, public-institution certificate and the like.
	PurposeSubjectCertificate Purpose = "subject_certificate"
	// PurposeIDFront is the portrait side (人像面) of a responsible person's
	// identity document, or its only page (passport, travel permit).
	PurposeIDFront Purpose = "id_front"
	// PurposeIDBack is the other side (国徽面) of a two-sided identity card.
	PurposeIDBack Purpose = "id_back"
	// PurposeFacePhoto is the face verification photo (当面核验照 / 人脸核验照).
	PurposeFacePhoto Purpose = "face_photo"
	// PurposeCommitmentLetter is a signed letter photographed or scanned:
	// the authenticity commitment (真实性承诺书), authorisation letters and
	// province forms.
	PurposeCommitmentLetter Purpose = "commitment_letter"
	// PurposeAppIcon is an APP filing's icon (APP图标, spec §5.4).
	PurposeAppIcon Purpose = "app_icon"
	// PurposeOther is any other attachment (其他附件): domain certificates,
	// real-name screenshots, pre-approval files, residence permits.
	PurposeOther Purpose = "other"
)

// Byte limits. Spec §5.7 and §6.6: images only (JPG/PNG), each ≤ 4 MB;
// §5.4: APP icon ≤ 100 KB. "MB" and "KB" are read as binary units, the
// generous reading, as the portals that state these limits do.
const (
	MaxDocumentBytes int64 = 4 << 20   // every purpose except the icon
	MaxIconBytes     int64 = 100 << 10 // PurposeAppIcon
	// MaxVideoBytes is the portal's limit for the Jiangsu reading video
	// (spec §4.2). Videos are not analysed here; the constant lives here so
	// every upload limit is in one place.
	MaxVideoBytes int64 = 50 << 20
)

// Decode limits, applied to the header before any pixel is decoded, so a
// small file that declares a huge image (a decompression bomb) costs nothing.
const (
	// MaxPixels is the most pixels an upload may have: 40 MP is above the
	// 12–32 MP a phone saves by default and a 600 dpi A4 scan (35 MP); the
	// 48–200 MP full-sensor modes also exceed the 4 MB byte limit anyway.
	MaxPixels = 40_000_000
	// MaxSide is the longest side accepted. It refuses degenerate strips
	// (1×40 000 000) that fit the pixel budget but are never a document.
	MaxSide = 12_000
	// MaxDecodeBytes bounds the memory the standard decoders allocate for one
	// image, estimated from the header: a baseline 4:2:0 JPEG needs 1.5 bytes
	// a pixel, but a progressive 4:4:4 JPEG keeps 12 bytes of coefficients a
	// pixel and a 16-bit PNG decodes to 8. Such files get a lower pixel limit
	// so no upload makes the decoder take more than 256 MiB.
	MaxDecodeBytes = 256 << 20
)

// Rules are the limits and checks for one purpose. A check whose severity is
// SeverityOff does not run; SeverityWarn caps its findings at a warning even
// past the rejection threshold; SeverityReject lets it reject.
type Rules struct {
	Purpose  Purpose
	MaxBytes int64
	// MinShortSide rejects images whose shorter side has fewer pixels.
	MinShortSide int
	// WarnShortSide warns below this many pixels on the shorter side (0: none).
	WarnShortSide int
	// Square requires width and height to be equal within 2 %.
	Square bool

	Blur      Severity
	Glare     Severity
	Grayscale Severity
	Exposure  Severity
}

// rules is the table behind [Purpose.Rules]. Why each value:
//
//   - Subject certificate, 800 px on the short side: a business licence's
//     副本 is A4-sized or larger and its smallest print (经营范围) is about
//     3 mm high; 800 px over 210 mm is ~100 dpi, ~12 px a character, the
//     least at which Chinese stays legible. Phones give 3000 px.
//   - ID sides, 600 px: an ID card is 85.6×54 mm; a 300 dpi scan (what CNNIC
//     recommends for ID images) is 638 px on the short side, and the 3 mm ID
//     number then has ~33 px. 600 px admits such scans.
//   - Face photo, 480 px: above the historical 300×400 floor for the
//     responsible person's photo and below any phone camera. Blur only warns:
//     the blur score was calibrated on documents, and faces have fewer sharp
//     edges. No glare check (the white backdrop R18 demands would be taken
//     for glare).
//   - Commitment letter, 800 px: an A4 page like the licence. No grayscale
//     check: the signed original is black ink on white paper, so its colour
//     scan is grey too.
//   - APP icon: ≤ 100 KB (§5.4), square, at least 216 px — the smallest
//     listing icon of the app stores (Huawei AppGallery 216, Google Play and
//     应用宝/360/百度 512, Apple 1024), so every developer has one that big;
//     512 is recommended. Icons are drawings: no blur, glare or colour checks.
//   - Other attachment, 480 px, checks warn only: the content is unknown
//     (a real-name screenshot, a letter, a certificate), so the reviewer
//     decides.
var rules = map[Purpose]Rules{
	PurposeSubjectCertificate: {MaxBytes: MaxDocumentBytes, MinShortSide: 800,
		Blur: SeverityReject, Glare: SeverityReject, Grayscale: SeverityReject, Exposure: SeverityReject},
	PurposeIDFront: {MaxBytes: MaxDocumentBytes, MinShortSide: 600,
		Blur: SeverityReject, Glare: SeverityReject, Grayscale: SeverityReject, Exposure: SeverityReject},
	PurposeIDBack: {MaxBytes: MaxDocumentBytes, MinShortSide: 600,
		Blur: SeverityReject, Glare: SeverityReject, Grayscale: SeverityReject, Exposure: SeverityReject},
	PurposeFacePhoto: {MaxBytes: MaxDocumentBytes, MinShortSide: 480,
		Blur: SeverityWarn, Grayscale: SeverityReject, Exposure: SeverityReject},
	PurposeCommitmentLetter: {MaxBytes: MaxDocumentBytes, MinShortSide: 800,
		Blur: SeverityReject, Glare: SeverityReject, Exposure: SeverityReject},
	PurposeAppIcon: {MaxBytes: MaxIconBytes, MinShortSide: 216, WarnShortSide: 512, Square: true},
	PurposeOther: {MaxBytes: MaxDocumentBytes, MinShortSide: 480,
		Blur: SeverityWarn, Glare: SeverityWarn, Exposure: SeverityWarn},
}

// Purposes returns every purpose, in the order a form lists them.
func Purposes() []Purpose {
	return []Purpose{PurposeSubjectCertificate, PurposeIDFront, PurposeIDBack, PurposeFacePhoto,
		PurposeCommitmentLetter, PurposeAppIcon, PurposeOther}
}

// Rules returns the limits and checks for p, and false for an unknown
// purpose. Forms use it to state the limits before the upload.
func (p Purpose) Rules() (Rules, bool) {
	r, ok := rules[p]
	r.Purpose = p
	return r, ok
}

// Valid reports whether p is one of the purposes above.
func (p Purpose) Valid() bool { _, ok := rules[p]; return ok }
