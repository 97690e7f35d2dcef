package miit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Version is the interface version every document we write carries in its root "version"
// attribute; bureaus check it (data code 5004 when wrong).
const Version = "V.3.0"

// gbkHeader is the XML declaration of every payload: the spec fixes GBK for all XML files.
const gbkHeader = `<?xml version="1.0" encoding="GBK"?>` + "\n"

// MarshalGBK encodes v as a GBK XML document with the declaration the spec requires.
// A character outside the part of GBK that every implementation maps the same way (rare
// 生僻字 from CJK Extension A and beyond, emoji, private-use characters, and a few punctuation
// marks that Java, iconv and WHATWG decode differently) becomes a numeric character reference
// such as &#19970;. That is the same character to any XML parser and counts as one character
// against the XSD's length facets, so nothing is lost, altered or refused. It does not
// validate; EncodeUpload and EncodeDownload do.
func MarshalGBK(v any) ([]byte, error) {
	utf, err := xml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("miit: marshal: %w", err)
	}
	out := make([]byte, 0, len(gbkHeader)+len(utf))
	out = append(out, gbkHeader...)
	return appendGBK(out, utf), nil
}

// ambiguousGBK are characters whose GBK byte pair decodes differently across the GBK tables
// in use (CP936, Java's GBK, glibc iconv, WHATWG): sent as references they cannot change.
var ambiguousGBK = map[rune]bool{
	0x00B7: true, 0x2014: true, 0x2015: true, 0x2016: true, 0x2225: true, 0x301C: true, 0xFF5E: true, 0x30FB: true,
}

// appendGBK appends the GBK encoding of the UTF-8 XML text utf to dst. Non-ASCII characters
// only occur in character data and attribute values of encoding/xml's output (element names
// are ASCII), where a numeric character reference is always allowed.
func appendGBK(dst, utf []byte) []byte {
	table := gbkTable()
	for len(utf) > 0 {
		if c := utf[0]; c < utf8.RuneSelf {
			dst = append(dst, c)
			utf = utf[1:]
			continue
		}
		r, size := utf8.DecodeRune(utf)
		utf = utf[size:]
		if r <= 0xFFFF {
			if b := table[r]; b[0] != 0 {
				dst = append(dst, b[0], b[1])
				continue
			}
		}
		dst = fmt.Appendf(dst, "&#%d;", r)
	}
	return dst
}

// gbkTable maps every BMP character that may travel as GBK bytes (see gbkSafe) to its two
// bytes, and every other one to zero. Built once: encoding a document then costs a lookup
// per character instead of a call into the GBK encoder.
var gbkTable = sync.OnceValue(func() *[0x10000][2]byte {
	t := new([0x10000][2]byte)
	enc := simplifiedchinese.GBK.NewEncoder()
	var buf [4]byte
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF || !gbkSafe(r) {
			continue // surrogates are not characters
		}
		n := utf8.EncodeRune(buf[:], r)
		b, err := enc.Bytes(buf[:n])
		if err == nil && len(b) == 2 && !(b[0] == 0xFE && b[1] >= 0x50 && b[1] <= 0xA0) {
			t[r] = [2]byte{b[0], b[1]}
		}
	}
	return t
})

// gbkSafe reports whether r may be sent as GBK bytes: not in CJK Extension A (mapped into the
// 0xFE50–0xFEA0 area by some tables only), not private use (user-defined areas), not beyond the
// BMP (GBK cannot carry it) and not one of the ambiguous punctuation marks.
func gbkSafe(r rune) bool {
	switch {
	case r >= 0x3400 && r <= 0x4DBF, r >= 0xE000 && r <= 0xF8FF, r > 0xFFFF, r == utf8.RuneError:
		return false
	}
	return !ambiguousGBK[r]
}

// charsetReader lets encoding/xml read the encodings bureaus declare. GBK, GB2312 and CP936
// documents are all read with the GB18030 decoder: GB18030 is a superset of each, so a
// bureau that mislabels its encoding (or uses a character outside GBK) still decodes.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "gbk", "gb2312", "gb_2312-80", "gb18030", "cp936", "ms936", "windows-936", "x-gbk", "euc-cn", "csgb2312":
		return transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder()), nil
	case "utf-8", "utf8", "us-ascii", "ascii", "iso-646":
		return in, nil
	}
	return nil, fmt.Errorf("miit: unsupported XML encoding %q", label)
}

var encodingDecl = regexp.MustCompile(`^<\?xml[^>]*encoding\s*=`)

// prepareXML strips a byte-order mark and, when a document declares no encoding but is not
// valid UTF-8, transcodes it from GB18030: a GBK file without a declaration is more likely
// from a bureau than a broken UTF-8 one.
func prepareXML(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	head := data
	if len(head) > 200 {
		head = head[:200]
	}
	if !encodingDecl.Match(bytes.TrimLeft(head, " \t\r\n")) && !utf8.Valid(data) {
		if u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil {
			return u
		}
	}
	return data
}

// UnmarshalXML decodes an XML document in any encoding MIIT systems use (GBK, GB2312,
// GB18030, UTF-8; with or without declaration) into v. encoding/xml already trims whitespace
// around numbers and ignores unknown elements and element order, which is the leniency we
// want for what bureaus send.
func UnmarshalXML(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(prepareXML(data)))
	d.CharsetReader = charsetReader
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("miit: decode XML: %w", err)
	}
	return nil
}

// EncodeUpload validates d against upload-data.xsd and encodes it as GBK XML, ready for
// EncodePayload. An empty Version is set to the current Version, and XMLName is set the way
// decoding sets it, so an encoded value compares equal to its decoded copy. It returns a
// *ValidationError if d breaks the schema: we never send what the bureau would refuse with 5001.
func EncodeUpload(d *UploadData) ([]byte, error) {
	if d.Version == "" {
		d.Version = Version
	}
	d.XMLName = xml.Name{Local: "UploadData"}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return MarshalGBK(d)
}

// DecodeUpload decodes an upload document (the bureau simulator's side). It is lenient like
// DecodeDownload; call Validate to check it against the schema, as a bureau would.
func DecodeUpload(data []byte) (*UploadData, error) {
	var d UploadData
	if err := UnmarshalXML(data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// EncodeDownload validates d against download-data.xsd and encodes it as GBK XML; the bureau
// simulator uses it so that what it sends is what a real bureau may send. Version and
// XMLName are set as in EncodeUpload.
func EncodeDownload(d *DownloadData) ([]byte, error) {
	if d.Version == "" {
		d.Version = Version
	}
	d.XMLName = xml.Name{Local: "DownloadData"}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return MarshalGBK(d)
}

// DecodeDownload decodes a downloaded document. It does not validate: real bureaus send
// documents the XSD rejects (values outside documented ranges, see NOTES.md), and refusing a
// file would stall the whole feed. Callers judge the values they use.
func DecodeDownload(data []byte) (*DownloadData, error) {
	var d DownloadData
	if err := UnmarshalXML(data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
