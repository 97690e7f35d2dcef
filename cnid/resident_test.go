package cnid

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		in     string
		want   string // canonical form; "" when an error is expected
		code   string
		region string
		birth  time.Time
		sex    Sex
	}{
		// The example printed in GB 11643-1999 itself.
		{in: "11010519491231002X", want: "11010519491231002X", region: "110105", birth: date(1949, 12, 31), sex: Female},
		{in: "11010519491231002x", want: "11010519491231002X", region: "110105", birth: date(1949, 12, 31), sex: Female},
		{in: " 440305199003071236 ", want: "440305199003071236", region: "440305", birth: date(1990, 3, 7), sex: Male},
		{in: "110108200002294566", want: "110108200002294566", region: "110108", birth: date(2000, 2, 29), sex: Female},
		{in: "310115198511174416", want: "310115198511174416", region: "310115", birth: date(1985, 11, 17), sex: Male},
		{in: "810000199001011231", code: CodeChecksum},
		{in: "440305900307123", code: CodeLegacy},
		{in: "4403051990030712", code: CodeLength},
		{in: "4403051990030712361", code: CodeLength},
		{in: "", code: CodeLength},
		{in: "44030519900307123A", code: CodeCharset},
		{in: "4403051990O3071236", code: CodeCharset},
		{in: "44030519900307123６", code: CodeLength}, // a full-width digit is 3 bytes
		{in: "990305199003071236", code: CodeRegion},
		{in: "710305199003071236", code: CodeRegion},
		{in: "440305199002301236", code: CodeBirthDate},
		{in: "110108200102294566", code: CodeBirthDate}, // 2001 is no leap year
		{in: "440305199013071236", code: CodeBirthDate},
		// The standard's second example is well formed but born in 1880.
		{in: "440524188001010014", code: CodeBirthDate},
		{in: "440305199003071235", code: CodeChecksum},
		{in: "440305199003071263", code: CodeChecksum}, // transposed digits
	}
	for _, tt := range tests {
		id, err := ParseResidentID(tt.in)
		if tt.code != "" {
			if ErrorCode(err) != tt.code {
				t.Errorf("ParseResidentID(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			if !id.IsZero() {
				t.Errorf("ParseResidentID(%q) returned a non-zero ID with an error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseResidentID(%q) error = %v", tt.in, err)
			continue
		}
		if id.String() != tt.want || id.Region() != tt.region || !id.BirthDate().Equal(tt.birth) || id.Sex() != tt.sex {
			t.Errorf("ParseResidentID(%q) = %s %s %s %s, want %s %s %s %s", tt.in,
				id, id.Region(), id.BirthDate().Format(time.DateOnly), id.Sex(),
				tt.want, tt.region, tt.birth.Format(time.DateOnly), tt.sex)
		}
	}
}

func TestResidentIDHongKongPermit(t *testing.T) {
	// 810000 + birth date + sequence, with its computed check digit.
	id, err := ParseResidentID(withCheck("81000019900101123"))
	if err != nil || id.Region() != "810000" {
		t.Fatalf("residence permit: %v %v", id, err)
	}
}

// withCheck appends the MOD 11-2 check character to 17 digits.
func withCheck(s17 string) string {
	sum := 0
	for i, w := range residentWeights {
		sum += int(s17[i]-'0') * w
	}
	return s17 + string(residentCheck[sum%11])
}

func TestParseResidentIDOn(t *testing.T) {
	// Born 2008-08-15.
	const s = "510107200808150025"
	if _, err := ParseResidentIDOn(s, date(2008, 8, 15)); err != nil {
		t.Errorf("born on the day itself: %v", err)
	}
	if _, err := ParseResidentIDOn(s, date(2008, 8, 14)); ErrorCode(err) != CodeBirthDate {
		t.Errorf("born tomorrow: error = %v, want %s", err, CodeBirthDate)
	}
	// The calendar date is taken in the location of the time passed: 23:30
	// on the 14th in UTC is already the 15th in China.
	cst := time.FixedZone("CST", 8*3600)
	if _, err := ParseResidentIDOn(s, time.Date(2008, 8, 14, 23, 30, 0, 0, time.UTC).In(cst)); err != nil {
		t.Errorf("15th in China: %v", err)
	}
	if _, err := ParseResidentIDOn("bad", date(2008, 8, 15)); ErrorCode(err) != CodeLength {
		t.Errorf("bad input: %v", err)
	}
}

func TestAgeOn(t *testing.T) {
	born2008, _ := ParseResidentID("510107200808150025") // 2008-08-15
	leap, _ := ParseResidentID("110108200802290010")     // 2008-02-29
	tests := []struct {
		id   ResidentID
		on   time.Time
		want int
	}{
		{born2008, date(2026, 8, 14), 17},
		{born2008, date(2026, 8, 15), 18},
		{born2008, date(2026, 12, 31), 18},
		{born2008, date(2008, 8, 15), 0},
		{born2008, date(2008, 8, 14), -1},
		// 29 February birthdays: one year older on 1 March in common years,
		// on 29 February in leap years.
		{leap, date(2026, 2, 28), 17},
		{leap, date(2026, 3, 1), 18},
		{leap, date(2028, 2, 28), 19},
		{leap, date(2028, 2, 29), 20},
	}
	for _, tt := range tests {
		if got := tt.id.AgeOn(tt.on); got != tt.want {
			t.Errorf("%s.AgeOn(%s) = %d, want %d", tt.id.BirthDate().Format(time.DateOnly), tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestSexParity(t *testing.T) {
	for seq, want := range map[string]Sex{"000": Female, "001": Male, "998": Female, "999": Male} {
		id, err := ParseResidentID(withCheck("44030519900307" + seq))
		if err != nil {
			t.Fatal(err)
		}
		if id.Sex() != want {
			t.Errorf("sequence %s: sex %s, want %s", seq, id.Sex(), want)
		}
	}
}

func TestZeroValues(t *testing.T) {
	var id ResidentID
	var u USCC
	var o OrgCode
	var m Mobile
	var l Landline
	if id.String() != "" || id.Region() != "" || u.Region() != "" || u.Authority() != 0 || !u.OrgCode().IsZero() ||
		o.String() != "" || m.String() != "" || l.String() != "" {
		t.Error("zero values must print empty and not panic")
	}
}
