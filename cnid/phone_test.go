package cnid

import "testing"

func TestParseMobile(t *testing.T) {
	tests := []struct{ in, want, code string }{
		{in: "13812345678", want: "13812345678"},
		{in: "+86 138 1234 5678", want: "13812345678"},
		{in: "+8613812345678", want: "13812345678"},
		{in: "0086-138-1234-5678", want: "13812345678"},
		{in: "199 0000 1111", want: "19900001111"},
		{in: "16612345678", want: "16612345678"},
		{in: "14712345678", want: "14712345678"},
		{in: "1381234567", code: CodeLength},
		{in: "138123456789", code: CodeLength},
		{in: "", code: CodeLength},
		{in: "8613812345678", code: CodeLength}, // only +86 and 0086 are country codes here
		{in: "1381234567a", code: CodeCharset},
		{in: "(138)12345678", code: CodeCharset},
		{in: "12812345678", code: CodePrefix},
		{in: "15412345678", code: CodePrefix},
		{in: "17412345678", code: CodePrefix},
		{in: "14012345678", code: CodePrefix},
		{in: "23812345678", code: CodePrefix},
	}
	for _, tt := range tests {
		m, err := ParseMobile(tt.in)
		if tt.code != "" {
			if ErrorCode(err) != tt.code {
				t.Errorf("ParseMobile(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || m.String() != tt.want {
			t.Errorf("ParseMobile(%q) = %s, %v; want %s", tt.in, m, err, tt.want)
		}
	}
}

func TestParseLandline(t *testing.T) {
	tests := []struct{ in, want, area, number, ext, code string }{
		{in: "010-62551234", want: "010-62551234", area: "010", number: "62551234"},
		{in: "0755-12345678", want: "0755-12345678", area: "0755", number: "12345678"},
		{in: "(0755)12345678", want: "0755-12345678", area: "0755", number: "12345678"},
		{in: "(010) 6255 1234", want: "010-62551234", area: "010", number: "62551234"},
		{in: "01062551234", want: "010-62551234", area: "010", number: "62551234"},
		{in: "075512345678", want: "0755-12345678", area: "0755", number: "12345678"},
		{in: "0898-6512345", want: "0898-6512345", area: "0898", number: "6512345"},
		{in: "021-62551234-8021", want: "021-62551234-8021", area: "021", number: "62551234", ext: "8021"},
		{in: "021-62551234转8021", want: "021-62551234-8021", area: "021", number: "62551234", ext: "8021"},
		{in: "021-62551234 ext. 8021", want: "021-62551234-8021", area: "021", number: "62551234", ext: "8021"},
		{in: "021-62551234 X 8", want: "021-62551234-8", area: "021", number: "62551234", ext: "8"},
		{in: "021-62551234#8021", want: "021-62551234-8021", area: "021", number: "62551234", ext: "8021"},
		{in: "62551234", code: CodeFormat},
		{in: "010-6255123", want: "010-6255123", area: "010", number: "6255123"},
		{in: "010-625512", code: CodeFormat},
		{in: "010-625512345", code: CodeFormat},
		{in: "010-02551234", code: CodeFormat},
		{in: "011-62551234", code: CodeFormat},
		{in: "0155-62551234", code: CodeFormat},
		{in: "10-62551234", code: CodeFormat},
		{in: "021-62551234-", code: CodeFormat},
		{in: "021-62551234转", code: CodeFormat},
		{in: "021-62551234-1234567", code: CodeFormat},
		{in: "021-62551234-1-2", code: CodeFormat},
		{in: "021-62551234-12转3", code: CodeFormat},
		{in: "021-6255123a", code: CodeCharset},
		{in: "13812345678", code: CodeFormat},
	}
	for _, tt := range tests {
		l, err := ParseLandline(tt.in)
		if tt.code != "" {
			if ErrorCode(err) != tt.code {
				t.Errorf("ParseLandline(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || l.String() != tt.want || l.AreaCode() != tt.area || l.Number() != tt.number || l.Extension() != tt.ext {
			t.Errorf("ParseLandline(%q) = %s (%s|%s|%s), %v; want %s", tt.in, l, l.AreaCode(), l.Number(), l.Extension(), err, tt.want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	if ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
	_, err := ParseMobile("1")
	if err.Error() != "cnid.length: mobile number must have 11 digits" {
		t.Errorf("Error() = %q", err.Error())
	}
}
