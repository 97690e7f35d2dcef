package workflow

import (
	"context"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// StaffReview is the default beian.LivenessVerifier: no face-verification
// vendor; the service principal records a video of themselves holding
// their ID and reading the commitment, uploads it with the order's
// materials (rules.MaterialCommitmentVideo), and the reviewer watches it
// during preliminary review — passing the review passes the verification,
// rejecting it with R18 fails it. A vendor adapter replaces it where the
// provider has a contract with one.
type StaffReview struct{}

var _ beian.LivenessVerifier = StaffReview{}

// Method returns beian.LivenessStaffReview.
func (StaffReview) Method() beian.LivenessMethod { return beian.LivenessStaffReview }

// Start returns a session without URL: there is nothing to open, the
// person records the video with their own phone.
func (StaffReview) Start(_ context.Context, req beian.LivenessRequest) (beian.LivenessSession, error) {
	return beian.LivenessSession{ID: "staff:" + req.OrderID + ":" + req.Owner}, nil
}

// Check reports the video as awaiting the reviewer once it is uploaded.
func (StaffReview) Check(_ context.Context, req beian.LivenessRequest) (beian.LivenessResult, error) {
	if req.VideoDocumentID == "" {
		return beian.LivenessResult{Status: beian.LivenessAwaitingPerson}, nil
	}
	return beian.LivenessResult{Status: beian.LivenessAwaitingReview}, nil
}

// PersonCheck is the authenticity verification of one service principal.
type PersonCheck struct {
	// Owner is the service's ID; Service its name.
	Owner   string
	Service string
	Kind    beian.ServiceKind
	Person  beian.Person
	// Video is the uploaded video of the person, if any.
	Video *beian.Material
	// Liveness is the verifier's answer.
	Liveness beian.LivenessResult
}

// Authenticity returns the order and where the authenticity verification
// of each service principal stands, asking v (StaffReview when nil). The
// video and letter requirements come from the order's materials checklist.
// Errors: ENOTFOUND, and v's errors.
func (w *Workflow) Authenticity(ctx context.Context, u *beian.User, id string, v beian.LivenessVerifier) (*beian.Order, []PersonCheck, error) {
	o, err := w.Order(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	if v == nil {
		v = StaffReview{}
	}
	var out []PersonCheck
	add := func(owner, name string, kind beian.ServiceKind, p beian.Person) error {
		pc := PersonCheck{Owner: owner, Service: name, Kind: kind, Person: p}
		for i := range o.Snapshot.Materials {
			if m := &o.Snapshot.Materials[i]; m.Purpose == rules.MaterialCommitmentVideo && m.Owner == owner {
				pc.Video = m
			}
		}
		req := beian.LivenessRequest{OrderID: o.ID, Owner: owner, Person: p}
		if pc.Video != nil {
			req.VideoDocumentID = pc.Video.DocumentID
		}
		var err error
		if pc.Liveness, err = v.Check(ctx, req); err != nil {
			return err
		}
		out = append(out, pc)
		return nil
	}
	for _, s := range o.Snapshot.Websites {
		if err := add(s.ID, s.Name, beian.KindWebsite, s.Principal); err != nil {
			return nil, nil, err
		}
	}
	for _, a := range o.Snapshot.Apps {
		if err := add(a.ID, a.Name, beian.KindApp, a.Principal); err != nil {
			return nil, nil, err
		}
	}
	return o, out, nil
}

// StartLiveness begins a vendor verification for the principal of the
// service owner and records it in the audit trail. Errors: ENOTFOUND,
// EFORBIDDEN, ECONFLICT (not editable), EINVALID (unknown service), and
// v's errors.
func (w *Workflow) StartLiveness(ctx context.Context, u *beian.User, id, owner string, v beian.LivenessVerifier) (beian.LivenessSession, error) {
	if v == nil {
		v = StaffReview{}
	}
	var sess beian.LivenessSession
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		o, err := w.loadForCustomer(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !o.State.Editable() {
			return notEditable(o)
		}
		var p *beian.Person
		for i := range o.Snapshot.Websites {
			if o.Snapshot.Websites[i].ID == owner {
				p = &o.Snapshot.Websites[i].Principal
			}
		}
		for i := range o.Snapshot.Apps {
			if o.Snapshot.Apps[i].ID == owner {
				p = &o.Snapshot.Apps[i].Principal
			}
		}
		if p == nil || owner == "" {
			return beian.Invalid("owner", "material.owner.unknown")
		}
		if sess, err = v.Start(ctx, beian.LivenessRequest{OrderID: o.ID, Owner: owner, Person: *p}); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.liveness_start", "order", o.ID, map[string]any{"owner": owner, "method": v.Method(), "session": sess.ID})
	})
	return sess, err
}
