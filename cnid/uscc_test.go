package cnid

import "testing"

func TestParseUSCC(t *testing.T) {
	tests := []struct {
		in        string
		want      string
		code      string
		authority byte
		category  byte
		region    string
		org       string
	}{
		// Published codes of well-known companies: 北京百度网讯科技有限公司,
		// 深圳市腾讯计算机系统有限公司, 阿里巴巴（中国）有限公司.
		{in: "91110000802100433B", want: "91110000802100433B", authority: '9', category: '1', region: "110000", org: "80210043-3"},
		{in: "91440300708461136T", want: "91440300708461136T", authority: '9', category: '1', region: "440300", org: "70846113-6"},
		{in: "91330100716105852F", want: "91330100716105852F", authority: '9', category: '1', region: "330100", org: "71610585-2"},
		// The example from the brief: a newer "M" segment organisation code.
		{in: "91350100M000100Y43", want: "91350100M000100Y43", authority: '9', category: '1', region: "350100", org: "M000100Y-4"},
		{in: " 91350100m000100y43 ", want: "91350100M000100Y43", authority: '9', category: '1', region: "350100", org: "M000100Y-4"},
		// Constructed: an individual business, a social group, a central
		// public institution (region 100000).
		{in: "92440300L12345674D", want: "92440300L12345674D", authority: '9', category: '2', region: "440300", org: "L1234567-4"},
		{in: "524400005123456784", want: "524400005123456784", authority: '5', category: '2', region: "440000", org: "51234567-8"},
		{in: "12100000400000122T", want: "12100000400000122T", authority: '1', category: '2', region: "100000", org: "40000012-2"},

		{in: "91110000802100433", code: CodeLength},
		{in: "91110000802100433BB", code: CodeLength},
		{in: "91110000802100433I", code: CodeCharset}, // I is not in the alphabet
		{in: "9111000080210O433B", code: CodeCharset},
		{in: "91110000802100433Z", code: CodeCharset},
		{in: "911100008021004330", code: CodeChecksum},
		{in: "91110000802100434B", code: CodeChecksum}, // organisation code check
		{in: "9111A000802100433B", code: CodeRegion},
		{in: "91990000802100433B", code: CodeRegion},
	}
	for _, tt := range tests {
		u, err := ParseUSCC(tt.in)
		if tt.code != "" {
			if ErrorCode(err) != tt.code {
				t.Errorf("ParseUSCC(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseUSCC(%q) error = %v", tt.in, err)
			continue
		}
		if u.String() != tt.want || u.Authority() != tt.authority || u.Category() != tt.category ||
			u.Region() != tt.region || u.OrgCode().String() != tt.org {
			t.Errorf("ParseUSCC(%q) = %s %c %c %s %s", tt.in, u, u.Authority(), u.Category(), u.Region(), u.OrgCode())
		}
	}
}

func TestUSCCAuthorityName(t *testing.T) {
	u, _ := ParseUSCC("91110000802100433B")
	if u.AuthorityName() != "工商" {
		t.Errorf("AuthorityName = %q", u.AuthorityName())
	}
}

func TestParseOrgCode(t *testing.T) {
	tests := []struct{ in, want, code string }{
		{in: "80210043-3", want: "80210043-3"},
		{in: "802100433", want: "80210043-3"},
		{in: "ma5flqj0-6", want: "MA5FLQJ0-6"},
		{in: "08000000-X", want: "08000000-X"},
		{in: "00000000-0", want: "00000000-0"}, // check value 11 is written 0
		{in: "80210043-4", code: CodeChecksum},
		{in: "08000000-0", code: CodeChecksum},
		{in: "80210043-Y", code: CodeCharset},
		{in: "8021004_-3", code: CodeCharset},
		{in: "80210043--3", code: CodeLength},
		{in: "8021004-3", code: CodeCharset},
	}
	for _, tt := range tests {
		o, err := ParseOrgCode(tt.in)
		if tt.code != "" {
			if ErrorCode(err) != tt.code {
				t.Errorf("ParseOrgCode(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || o.String() != tt.want {
			t.Errorf("ParseOrgCode(%q) = %s, %v; want %s", tt.in, o, err, tt.want)
		}
	}
}
