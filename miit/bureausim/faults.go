package bureausim

import (
	"fmt"
	"slices"

	"github.com/openbeian/beian/miit"
)

// FaultKind is a failure the simulator can inject into its SOAP service, to prove that
// the enterprise side survives what real bureaus and networks do.
type FaultKind string

// Fault kinds. Transport faults hit any method unless restricted; the last three act at
// one point of one method.
const (
	// FaultTimeout holds the call without answering until the client gives up (its
	// context or HTTP timeout) or the simulator closes. Nothing is processed.
	FaultTimeout FaultKind = "timeout"
	// FaultLoseResponse processes the call normally, then holds it like FaultTimeout: the
	// client never learns that, say, its upload was accepted, and must resynchronise
	// (isp_querypreviousupload) before sending again.
	FaultLoseResponse FaultKind = "lose_response"
	// FaultHTTP500 answers HTTP 500 with a plain-text body (a proxy or container error).
	FaultHTTP500 FaultKind = "http500"
	// FaultSOAPFault answers HTTP 500 with a SOAP Fault (an exception on the server).
	FaultSOAPFault FaultKind = "soap_fault"
	// FaultBusy answers return code 901 (isp_upload and the queries) or 902 (isp_download
	// and isp_downloadack): the system is under maintenance, retry later.
	FaultBusy FaultKind = "busy"
	// FaultWrongHash serves the next download with a wrong beianInfoHash; the file stays
	// queued and the next download serves it intact.
	FaultWrongHash FaultKind = "wrong_hash"
	// FaultDropUpload answers an upload 0 and loses it: the sequence does not advance, so
	// the next upload gets code 14 naming the lost number, and isp_querypreviousupload
	// shows the one before. (The realistic variant: a bureau that answered before its
	// transaction committed. The other conceivable variant, keeping the sequence and losing
	// only the content, would leave the provider no way to find out.)
	FaultDropUpload FaultKind = "drop_upload"
	// FaultRedeliver answers an acknowledgement 0 but keeps the file, so it is delivered
	// again: the enterprise side must process every file exactly once by name.
	FaultRedeliver FaultKind = "redeliver"
)

// FaultKinds lists every kind, for pages and flags.
var FaultKinds = []FaultKind{FaultTimeout, FaultLoseResponse, FaultHTTP500, FaultSOAPFault, FaultBusy, FaultWrongHash, FaultDropUpload, FaultRedeliver}

// defaultMethods are the methods a fault applies to when none are given.
func (k FaultKind) defaultMethods() []miit.Method {
	switch k {
	case FaultWrongHash:
		return []miit.Method{miit.MethodDownload}
	case FaultDropUpload:
		return []miit.Method{miit.MethodUpload}
	case FaultRedeliver:
		return []miit.Method{miit.MethodDownloadAck}
	}
	return slices.Clone(miit.Methods)
}

func (k FaultKind) valid() bool { return slices.Contains(FaultKinds, k) }

// Fault is an injected fault as Faults lists it.
type Fault struct {
	Kind FaultKind `json:"kind"`
	// Remaining is how many more calls it hits; 0 for a random fault.
	Remaining int `json:"remaining,omitempty"`
	// Probability is the chance that it hits each matching call, for a random fault.
	Probability float64       `json:"probability,omitempty"`
	Methods     []miit.Method `json:"methods"`
	// Hits counts the calls it hit so far.
	Hits int `json:"hits"`
}

type faultRec = Fault

// InjectFault makes the next n matching calls fail with kind. methods restricts the fault
// (default: every method, or the one method the kind concerns). Faults are tried in the
// order injected; a call suffers at most one transport fault and one method fault. A
// method fault is consumed only by a call it can act on: FaultDropUpload by an upload that
// would be accepted, FaultWrongHash by a download that serves a file, FaultRedeliver by the
// acknowledgement of a queued file.
func (s *Sim) InjectFault(kind FaultKind, n int, methods ...miit.Method) error {
	if n <= 0 {
		return fmt.Errorf("bureausim: InjectFault: n must be positive")
	}
	return s.addFault(&Fault{Kind: kind, Remaining: n, Methods: methods})
}

// InjectRandomFault makes every matching call fail with kind with probability p (0 < p ≤
// 1) until ClearFaults, for soak tests such as "30 % transport failures".
func (s *Sim) InjectRandomFault(kind FaultKind, p float64, methods ...miit.Method) error {
	if !(p > 0 && p <= 1) {
		return fmt.Errorf("bureausim: InjectRandomFault: probability %v outside (0, 1]", p)
	}
	return s.addFault(&Fault{Kind: kind, Probability: p, Methods: methods})
}

func (s *Sim) addFault(f *Fault) error {
	if !f.Kind.valid() {
		return fmt.Errorf("bureausim: unknown fault kind %q", f.Kind)
	}
	if len(f.Methods) == 0 {
		f.Methods = f.Kind.defaultMethods()
	}
	for _, m := range f.Methods {
		if m.ParamNames() == nil {
			return fmt.Errorf("bureausim: unknown method %q", m)
		}
	}
	if _, err := s.begin(); err != nil {
		return err
	}
	defer s.end()
	s.st.Faults = append(s.st.Faults, f)
	s.dirty = true
	s.log.Warn("fault injected", "kind", string(f.Kind), "remaining", f.Remaining, "probability", f.Probability)
	return nil
}

// ClearFaults removes every injected fault.
func (s *Sim) ClearFaults() {
	if _, err := s.begin(); err != nil {
		return
	}
	defer s.end()
	s.st.Faults = nil
	s.dirty = true
}

// Faults lists the faults still active.
func (s *Sim) Faults() []Fault {
	if _, err := s.begin(); err != nil {
		return nil
	}
	defer s.end()
	out := make([]Fault, len(s.st.Faults))
	for i, f := range s.st.Faults {
		out[i] = *f
		out[i].Methods = slices.Clone(f.Methods)
	}
	return out
}

// takeFault returns the kind of the first fault among kinds that hits a call of method
// m, consuming one of its hits; "" when none does. Caller holds mu.
func (s *Sim) takeFault(m miit.Method, kinds ...FaultKind) FaultKind {
	for i, f := range s.st.Faults {
		if !slices.Contains(kinds, f.Kind) || !slices.Contains(f.Methods, m) {
			continue
		}
		if f.Probability > 0 {
			if s.faultRand.Float64() >= f.Probability {
				continue
			}
		} else {
			f.Remaining--
			if f.Remaining <= 0 {
				s.st.Faults = slices.Delete(s.st.Faults, i, i+1)
			}
		}
		f.Hits++
		s.dirty = true
		s.log.Warn("fault hits call", "kind", string(f.Kind), "method", string(m))
		return f.Kind
	}
	return ""
}

// transportFaults are the kinds serveSOAP acts on before (or, for FaultLoseResponse, after)
// processing a call.
var transportFaults = []FaultKind{FaultTimeout, FaultLoseResponse, FaultHTTP500, FaultSOAPFault, FaultBusy}
