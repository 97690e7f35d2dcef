package beian

import (
	"strconv"
	"testing"
)

// TestRejectionReasons checks that the catalogue has every row of spec
// §6.9, in order, with both languages.
func TestRejectionReasons(t *testing.T) {
	if len(RejectionReasons) != 28 {
		t.Fatalf("%d rows, want 28", len(RejectionReasons))
	}
	for i, r := range RejectionReasons {
		if r.ID != "R"+strconv.Itoa(i+1) {
			t.Errorf("row %d has ID %s", i+1, r.ID)
		}
		if r.Title.ZH == "" || r.Title.EN == "" || r.Remedy.ZH == "" || r.Remedy.EN == "" {
			t.Errorf("%s lacks a text", r.ID)
		}
		if got, ok := RejectionReasonByID(r.ID); !ok || got.ID != r.ID {
			t.Errorf("RejectionReasonByID(%s) = %v, %v", r.ID, got, ok)
		}
	}
	if _, ok := RejectionReasonByID("R29"); ok {
		t.Error("R29 exists")
	}
}

func TestVideoStatuses(t *testing.T) {
	for _, s := range append([]VideoCheckStatus{VideoScheduled}, VideoOutcomes...) {
		if !s.Valid() || s.Text().EN == "" {
			t.Errorf("%s lacks texts", s)
		}
	}
	if !(&VideoCheck{Status: VideoScheduled}).Open() || (&VideoCheck{Status: VideoPassed}).Open() {
		t.Error("Open wrong")
	}
}
