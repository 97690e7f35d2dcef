package miit

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Beijing is the fixed UTC+8 zone MIIT's dates are written in. A fixed zone (rather than the
// tz database's Asia/Shanghai) needs no tzdata on the host and has had the same offset since 1991.
var Beijing = time.FixedZone("CST", 8*60*60)

// Layouts of the dates MIIT documents carry. The schemas declare dates as plain strings of
// 10–22 characters; the spec writes YYYY-MM-DD, bureaus also send YYYY-MM-DD HH:MM:SS and
// Java's Timestamp form YYYY-MM-DD HH:MM:SS.S (Go accepts the fraction after the seconds
// without it being in the layout).
const (
	DateLayout     = "2006-01-02"
	DateTimeLayout = "2006-01-02 15:04:05"
)

var dateLayouts = []string{DateTimeLayout, DateLayout, "2006-01-02T15:04:05"}

// Date is a date or timestamp as a MIIT document writes it. It keeps the raw string so a
// document decodes and re-encodes unchanged and the original text stays available for audit,
// and parses it on a best-effort basis: a bureau that sends an unexpected form does not make
// the whole file undecodable. The zero Date is empty.
type Date struct {
	raw string
	t   time.Time
	ok  bool
}

// NewDate returns the day of t in Beijing time as YYYY-MM-DD, the form uploads must use
// (their date fields are exactly 10 characters).
func NewDate(t time.Time) Date {
	s := t.In(Beijing).Format(DateLayout)
	d, _ := ParseDate(s)
	return d
}

// NewDateTime returns t in Beijing time as YYYY-MM-DD HH:MM:SS, the form bureaus use for
// timestamps in downloads.
func NewDateTime(t time.Time) Date {
	s := t.In(Beijing).Format(DateTimeLayout)
	d, _ := ParseDate(s)
	return d
}

// ParseDate parses s in one of the accepted forms (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS,
// YYYY-MM-DD HH:MM:SS.S…) as Beijing time. Unlike decoding, it fails on anything else.
func ParseDate(s string) (Date, error) {
	d := Date{raw: s}
	d.parse()
	if !d.ok {
		return Date{}, fmt.Errorf("miit: %q is not a date (YYYY-MM-DD[ HH:MM:SS[.S]])", s)
	}
	return d, nil
}

func (d *Date) parse() {
	s := strings.TrimSpace(d.raw)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, Beijing); err == nil {
			d.t, d.ok = t, true
			return
		}
	}
	d.t, d.ok = time.Time{}, false
}

// String returns the raw text.
func (d Date) String() string { return d.raw }

// IsZero reports whether d is empty.
func (d Date) IsZero() bool { return d.raw == "" }

// Time returns the parsed instant (Beijing time) and whether the raw text was a valid date.
func (d Date) Time() (time.Time, bool) { return d.t, d.ok }

// MarshalText writes the raw text unchanged.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.raw), nil }

// UnmarshalText keeps the raw text and parses it if it can. It never fails: a date we cannot
// read must not stop us from processing the rest of a bureau file; Time reports it.
func (d *Date) UnmarshalText(b []byte) error {
	d.raw = string(b)
	d.parse()
	return nil
}

// IPv4 is an IPv4 address as MIIT documents carry it: an xs:long holding the address as an
// unsigned 32-bit number (1.2.3.4 is 16909060). V3.0 has no IPv6 field. fmt prints the dotted
// form; XML carries the number.
type IPv4 uint32

// IPv4From converts an IPv4 (or IPv4-mapped IPv6) address.
func IPv4From(a netip.Addr) (IPv4, error) {
	a = a.Unmap()
	if !a.Is4() {
		return 0, fmt.Errorf("miit: %s is not an IPv4 address", a)
	}
	b := a.As4()
	return IPv4(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])), nil
}

// ParseIPv4 reads a dotted quad ("1.2.3.4") or the decimal number form ("16909060").
func ParseIPv4(s string) (IPv4, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ".") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return 0, fmt.Errorf("miit: %q is not an IPv4 address", s)
		}
		return IPv4From(a)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("miit: %q is not an IPv4 address as a 32-bit number", s)
	}
	return IPv4(n), nil
}

// Addr returns the address as a netip.Addr.
func (ip IPv4) Addr() netip.Addr {
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)})
}

// String returns the dotted quad.
func (ip IPv4) String() string { return ip.Addr().String() }

// MarshalText writes the decimal number, without whitespace, as the XSD's xs:long requires.
func (ip IPv4) MarshalText() ([]byte, error) {
	return strconv.AppendUint(nil, uint64(ip), 10), nil
}

// UnmarshalText accepts the number (surrounding whitespace allowed), a dotted quad (which some
// systems send although the XSD forbids it) and an empty or nil element (as 0).
func (ip *IPv4) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*ip = 0
		return nil
	}
	v, err := ParseIPv4(s)
	if err != nil {
		return err
	}
	*ip = v
	return nil
}
