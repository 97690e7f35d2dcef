package miit

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDate(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want time.Time
	}{
		{"2026-03-25", time.Date(2026, 3, 25, 0, 0, 0, 0, Beijing)},
		{"2026-03-25 14:58:00", time.Date(2026, 3, 25, 14, 58, 0, 0, Beijing)},
		{"2026-03-25 14:58:00.0", time.Date(2026, 3, 25, 14, 58, 0, 0, Beijing)},
		{"2026-03-25 14:58:00.123", time.Date(2026, 3, 25, 14, 58, 0, 123e6, Beijing)},
	} {
		d, err := ParseDate(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := d.Time()
		if !ok || !got.Equal(c.want) || d.String() != c.raw {
			t.Errorf("ParseDate(%q) = %v %v %q", c.raw, got, ok, d)
		}
	}
	if _, err := ParseDate("2026/03/25"); err == nil {
		t.Error("accepted a slash date")
	}
	// Decoding keeps what it cannot parse instead of failing the file.
	var d Date
	if err := d.UnmarshalText([]byte("25.03.2026")); err != nil || d.String() != "25.03.2026" {
		t.Errorf("lenient decode: %v %q", err, d)
	}
	if _, ok := d.Time(); ok {
		t.Error("unparseable date reported as valid")
	}
	utc := time.Date(2026, 3, 24, 17, 30, 0, 0, time.UTC) // 01:30 next day in Beijing
	if NewDate(utc).String() != "2026-03-25" || NewDateTime(utc).String() != "2026-03-25 01:30:00" {
		t.Errorf("NewDate = %s, NewDateTime = %s", NewDate(utc), NewDateTime(utc))
	}
}

func TestIPv4(t *testing.T) {
	ip, err := ParseIPv4("1.2.3.4")
	if err != nil || ip != 16909060 || ip.String() != "1.2.3.4" {
		t.Fatalf("ParseIPv4 = %d %v", ip, err)
	}
	top, _ := IPv4From(netip.MustParseAddr("255.255.255.255"))
	if b, _ := top.MarshalText(); string(b) != "4294967295" {
		t.Errorf("MarshalText = %s (must not overflow int32)", b)
	}
	var got IPv4
	if err := got.UnmarshalText([]byte(" 16909060\n")); err != nil || got != ip {
		t.Errorf("UnmarshalText with spaces = %d %v", got, err)
	}
	for _, bad := range []string{"4294967296", "-1", "1.2.3", "::1", "x"} {
		if err := got.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := IPv4From(netip.MustParseAddr("2001:db8::1")); err == nil {
		t.Error("accepted IPv6")
	}
}

// TestDecodeLenient feeds the forms real bureaus send: other GB encodings, UTF-8 declared,
// no declaration, whitespace around numbers, dotted IPs, unknown elements.
func TestDecodeLenient(t *testing.T) {
	body := `<DownloadData version="V.3.0"><ICP><FFJRHMD><Ffjrxx><Id> 12 </Id><Ym>例子.cn</Ym><Ip>1.2.3.4</Ip>` +
		`<Zjjrz>3</Zjjrz><Szs>110000</Szs><Dqjcsj>2026-03-25 14:58:00.0</Dqjcsj><Unknown>x</Unknown></Ffjrxx></FFJRHMD></ICP></DownloadData>`
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(body)
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String(body)
	for name, doc := range map[string]string{
		"gbk":          `<?xml version="1.0" encoding="GBK"?>` + gbk,
		"gb2312 label": `<?xml version="1.0" encoding="gb2312"?>` + gbk,
		"gb18030":      `<?xml version="1.0" encoding="GB18030"?>` + gb18030,
		"utf-8":        `<?xml version="1.0" encoding="UTF-8"?>` + body,
		"bom":          "\xef\xbb\xbf" + `<?xml version="1.0" encoding="UTF-8"?>` + body,
		"undeclared":   gbk,
	} {
		d, err := DecodeDownload([]byte(doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		x := d.ICP.FFJRHMD.Ffjrxx[0]
		if x.ID != 12 || x.Ym != "例子.cn" || x.IP.String() != "1.2.3.4" || x.Dqjcsj.String() != "2026-03-25 14:58:00.0" {
			t.Errorf("%s: got %+v", name, x)
		}
	}
	if _, err := DecodeDownload([]byte(`<?xml version="1.0" encoding="EBCDIC"?><DownloadData/>`)); err == nil {
		t.Error("accepted an unknown encoding")
	}
	if _, err := DecodeDownload([]byte(`<UploadData version="V.3.0"/>`)); err == nil {
		t.Error("accepted the wrong root element")
	}
}

// TestMarshalGBK checks the bytes we send: a GBK declaration, GBK-encoded Chinese, and
// character references for what GBK cannot carry unambiguously.
func TestMarshalGBK(t *testing.T) {
	type doc struct {
		XMLName struct{} `xml:"x"`
		S       string   `xml:"s"`
	}
	out, err := MarshalGBK(&doc{S: "备案 䶮 😀 — &"})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="GBK"?>` + "\n<x><s>\xb1\xb8\xb0\xb8 &#19886; &#128512; &#8212; &amp;</s></x>"
	if string(out) != want {
		t.Errorf("MarshalGBK = %q\nwant        %q", out, want)
	}
	var back doc
	if err := UnmarshalXML(out, &back); err != nil || back.S != "备案 䶮 😀 — &" {
		t.Errorf("back = %q, %v", back.S, err)
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="GBK"?>`)) {
		t.Error("declaration")
	}
}

func TestNumbersHaveNoWhitespace(t *testing.T) {
	f := filler{full: true}
	data, err := EncodeUpload(uploadKinds()[0].build(&f).(*UploadData))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "> ") && strings.Contains(string(data), "<Qqdwid> ") {
		t.Error("whitespace inside a number element")
	}
	if !strings.Contains(string(data), "<Qsip>4294967295</Qsip>") {
		t.Error("IPv4 upper bound not written as a plain unsigned number")
	}
}
