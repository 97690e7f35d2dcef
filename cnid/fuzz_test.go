package cnid

import (
	"testing"
	"time"
)

// The fuzz targets check that parsers never panic, that every error is a
// coded *Error, and that a parsed value prints a canonical string which
// parses back to an equal value.

func checkErr(t *testing.T, err error) {
	t.Helper()
	if ErrorCode(err) == "" {
		t.Fatalf("error without a code: %v", err)
	}
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "440305199003071236", "440305900307123",
		"110108200002294566", "440524188001010014", "", " 440305199003071236\t", "44030519900307123６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s)
		if err != nil {
			checkErr(t, err)
			return
		}
		again, err := ParseResidentID(id.String())
		if err != nil || again != id {
			t.Fatalf("%q: canonical %q re-parses to %v, %v", s, id.String(), again, err)
		}
		if len(id.String()) != 18 || id.Region() != id.String()[:6] || id.BirthDate().Format("20060102") != id.String()[6:14] {
			t.Fatalf("%q: inconsistent accessors", s)
		}
		if id.AgeOn(id.BirthDate()) != 0 || id.AgeOn(id.BirthDate().AddDate(18, 0, 0)) != 18 {
			t.Fatalf("%q: AgeOn wrong on birthdays", s)
		}
		if _, err := ParseResidentIDOn(s, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
			checkErr(t, err)
		}
	})
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{"91110000802100433B", "91350100M000100Y43", "91440300708461136T", "12100000400000122T",
		"91110000802100433", "911100008021004330", "91110000802100433I", "9111A000802100433B", "80210043-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			checkErr(t, err)
		} else {
			again, err := ParseUSCC(u.String())
			if err != nil || again != u {
				t.Fatalf("%q: canonical %q re-parses to %v, %v", s, u.String(), again, err)
			}
			o, err := ParseOrgCode(u.OrgCode().String())
			if err != nil || o != u.OrgCode() {
				t.Fatalf("%q: embedded organisation code %q does not parse: %v", s, u.OrgCode(), err)
			}
		}
		// The same input as a legacy organisation code.
		o, err := ParseOrgCode(s)
		if err != nil {
			checkErr(t, err)
			return
		}
		again, err := ParseOrgCode(o.String())
		if err != nil || again != o {
			t.Fatalf("%q: canonical %q re-parses to %v, %v", s, o.String(), again, err)
		}
	})
}

func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "12812345678", "",
		"010-62551234", "(0755)12345678", "021-62551234转8021", "021-62551234 ext. 8021", "01062551234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMobile(s)
		if err != nil {
			checkErr(t, err)
		} else {
			again, err := ParseMobile(m.String())
			if err != nil || again != m || len(m.String()) != 11 {
				t.Fatalf("%q: canonical %q re-parses to %v, %v", s, m.String(), again, err)
			}
		}
		// Phone fields take landlines too, so the same input goes there.
		l, err := ParseLandline(s)
		if err != nil {
			checkErr(t, err)
			return
		}
		again, err := ParseLandline(l.String())
		if err != nil || again != l {
			t.Fatalf("%q: canonical %q re-parses to %v, %v", s, l.String(), again, err)
		}
	})
}
