package beian

import (
	"context"
	"time"
)

// LivenessVerifier checks that the person responsible for a service is a
// live human being and the person the order names: the face part of
// authenticity verification (真实性核验, spec §4.2(f)). The provider picks
// one implementation:
//
//   - a face-verification vendor (an adapter package outside the domain):
//     Start returns the vendor's page for the person to open on a phone,
//     or to scan as a QR code, valid for a few minutes (10 at the anchor
//     providers, spec §4.7); Check asks the vendor for the latest outcome
//     for that person and order;
//   - staff review, the default (workflow.StaffReview): no vendor, the
//     person records a short video of themselves holding their ID and
//     reading the commitment, which is uploaded with the order's materials
//     and watched by the reviewer during preliminary review. Start returns
//     no URL and Check reports the video as awaiting review once uploaded.
//
// Implementations must not log the person's certificate number or face
// data, and must be safe for concurrent use. Errors: EUNAVAILABLE when the
// vendor cannot be reached, EINVALID when the request lacks what the
// vendor needs (the error names the field), EINTERNAL otherwise.
type LivenessVerifier interface {
	// Method says how verification works, so pages can explain it.
	Method() LivenessMethod
	// Start begins a verification for the person in req.
	Start(ctx context.Context, req LivenessRequest) (LivenessSession, error)
	// Check returns where the verification for req stands.
	Check(ctx context.Context, req LivenessRequest) (LivenessResult, error)
}

// LivenessMethod is how a LivenessVerifier verifies.
type LivenessMethod string

// The methods.
const (
	// LivenessStaffReview: a reviewer watches an uploaded video.
	LivenessStaffReview LivenessMethod = "staff_review"
	// LivenessVendor: a face-verification service compares a live capture
	// with the certificate's photo.
	LivenessVendor LivenessMethod = "vendor"
)

// LivenessRequest names whom to verify for which order.
type LivenessRequest struct {
	OrderID string
	// Owner is the service ID the person is responsible for.
	Owner string
	// Person is the responsible person as the order names them; vendors
	// match the face against this certificate.
	Person Person
	// VideoDocumentID is the uploaded video, if any (staff review).
	VideoDocumentID string
}

// LivenessSession is a started verification.
type LivenessSession struct {
	ID string
	// URL is where the person verifies; empty for staff review.
	URL string
	// ExpiresAt is when URL stops working; zero when it does not expire.
	ExpiresAt time.Time
}

// LivenessStatus is where a verification stands.
type LivenessStatus string

// The statuses.
const (
	LivenessAwaitingPerson LivenessStatus = "awaiting_person" // 待核验: nothing done yet
	LivenessAwaitingReview LivenessStatus = "awaiting_review" // 待审核员审看: video uploaded
	LivenessPassed         LivenessStatus = "passed"          // 核验通过
	LivenessFailed         LivenessStatus = "failed"          // 核验未通过: see Reason
)

var livenessText = map[LivenessStatus]Text{
	LivenessAwaitingPerson: {"待核验", "Not yet verified"},
	LivenessAwaitingReview: {"待审核员审看", "Awaiting the reviewer"},
	LivenessPassed:         {"核验通过", "Verified"},
	LivenessFailed:         {"核验未通过", "Verification failed"},
}

// Text returns the status's name in both languages.
func (s LivenessStatus) Text() Text {
	if t, ok := livenessText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// LivenessResult is the outcome of a verification.
type LivenessResult struct {
	Status LivenessStatus
	// Reason says why a verification failed and what to do, in the shape
	// of the rejection catalogue's R18 (white background, turn versus
	// tilt, the right person).
	Reason Text
	// PhotoDocumentID is the vendor's capture, when it returns one, for
	// the reviewer.
	PhotoDocumentID string
	At              time.Time
}
