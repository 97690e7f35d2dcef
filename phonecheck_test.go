package beian

import "testing"

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":     "*******8000",
		"010-12345678":    "***-****5678",
		"+86 13800138000": "+** *******8000",
		"1234":            "****",
		"":                "",
		"0755-8888x999":   "****-***8*999",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	if got := PhoneTail("010-12345678"); got != "5678" {
		t.Errorf("PhoneTail = %q", got)
	}
	if got := PhoneTail("123"); got != "" {
		t.Errorf("PhoneTail of a short number = %q", got)
	}
}

func TestPhoneOutcomes(t *testing.T) {
	for _, o := range PhoneOutcomes {
		if !o.Valid() || o.Text().ZH == "" || o.Text().EN == "" {
			t.Errorf("%s lacks texts", o)
		}
	}
	if !PhoneAnswered.Verified() || PhoneNoAnswer.Verified() || PhoneOutcome("x").Valid() {
		t.Error("Verified or Valid wrong")
	}
}
