package miit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestReturnCodesComplete(t *testing.T) {
	var want []ReturnCode
	for c := ReturnCode(0); c <= 22; c++ {
		want = append(want, c)
	}
	want = append(want, 901, 902, 999)
	for _, c := range want {
		if !c.Known() || c.Text() == "" || c.English() == "" || c.Kind() == KindUnknown {
			t.Errorf("return code %d incomplete: %q %q %v", c, c.Text(), c.English(), c.Kind())
		}
	}
	if len(returnCodes) != len(want) {
		t.Errorf("%d return codes in the table, want %d", len(returnCodes), len(want))
	}
	for c, ok := range map[ReturnCode]bool{0: true, 1: true, 2: true, 3: true, 4: false, 14: false, 999: false} {
		if c.Success() != ok {
			t.Errorf("%d.Success() = %v", c, !ok)
		}
	}
	for c, ok := range map[ReturnCode]bool{15: true, 20: true, 22: true, 901: true, 902: true, 999: true, 5: false, 7: false, 14: false, 18: false} {
		if c.Retryable() != ok {
			t.Errorf("%d.Retryable() = %v", c, !ok)
		}
	}
	if ReturnCode(777).Known() || ReturnCode(777).Kind() != KindUnknown || ReturnCode(777).String() != "777" {
		t.Error("unknown code treated as known")
	}
	if s := ReturnCode(14).String(); !strings.HasPrefix(s, "14 本次上载没有受理") {
		t.Errorf("String = %q", s)
	}
}

func TestResultCodesComplete(t *testing.T) {
	ranges := []struct{ lo, hi ResultCode }{{1001, 1068}, {1999, 1999}, {2001, 2056}, {2998, 2999}, {3001, 3037}, {3998, 3999}, {5001, 5011}, {5999, 5999}}
	n := 0
	for _, r := range ranges {
		for c := r.lo; c <= r.hi; c++ {
			n++
			if !c.Known() || c.Text() == "" || c.English() == "" || c.Kind() == KindUnknown || c.Category() == "" {
				t.Errorf("result code %d incomplete", c)
			}
		}
	}
	if len(resultCodes) != n {
		t.Errorf("%d result codes in the table, want %d", len(resultCodes), n)
	}
	for _, c := range []ResultCode{1001, 1060, 1062, 2998, 3998} {
		if !c.Success() {
			t.Errorf("%d should be a success", c)
		}
	}
	checks := map[ResultCode]Kind{1002: KindRejected, 1005: KindConflict, 1018: KindAuth, 1025: KindState, 1045: KindPermission,
		1064: KindBlacklisted, 1065: KindBlacklisted, 5001: KindSchema, 5004: KindVersion, 1058: KindNotFound}
	for c, k := range checks {
		if c.Kind() != k {
			t.Errorf("%d.Kind() = %v, want %v", c, c.Kind(), k)
		}
	}
	if !ResultCode(1017).Retryable() || ResultCode(1002).Retryable() {
		t.Error("retryable classification")
	}
}

func TestErrorClassification(t *testing.T) {
	re := &ReturnError{Method: MethodUpload, Code: 901, Msg: "系统正在维护中"}
	wrapped := fmt.Errorf("upload batch 7: %w", re)
	if !IsRetryable(wrapped) || ErrorKind(wrapped) != KindBusy {
		t.Error("901 should be retryable and busy")
	}
	if !strings.Contains(re.Error(), "isp_upload returned 901") {
		t.Errorf("Error() = %q", re.Error())
	}
	if IsRetryable(nil) || IsRetryable(errors.New("x")) || ErrorKind(errors.New("x")) != KindUnknown {
		t.Error("plain errors are not retryable")
	}
	for k := KindUnknown; k <= KindOther; k++ {
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
}
