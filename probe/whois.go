package probe

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/openbeian/beian"
)

// WHOISRecord is what a port-43 WHOIS answer says about a domain.
type WHOISRecord struct {
	// NotFound is true when the server says it has no such domain.
	NotFound bool
	// Registrar is the sponsoring registrar.
	Registrar string
	// Registrant is the holder as published; "" when absent or redacted.
	// It may name a person: it is never logged.
	Registrant string
	Created    beian.Date
	Expires    beian.Date
	Status     []string
}

// whoisKeys maps the normalised keys of the common WHOIS formats to the
// field they fill: CNNIC (.cn, .中国), Verisign (.com, .net), the ICANN
// gTLD template, and a few ccTLD spellings. Order of preference within a
// field is the index in the slice.
var whoisKeys = map[string][]string{
	"registrar": {"sponsoring registrar", "registrar", "registrar name", "registrar organization", "registrar organisation"},
	"created": {"registration time", "creation date", "created", "created on", "created date", "registered",
		"registered on", "registration date", "domain registration date", "domain create date", "domain name commencement date"},
	"expires": {"expiration time", "registry expiry date", "registrar registration expiration date", "expiry date",
		"expiration date", "expires", "expires on", "expire date", "paid-till", "domain expiration date", "renewal date", "valid until"},
	"registrant": {"registrant organization", "registrant organisation", "registrant", "registrant name", "holder"},
	"status":     {"domain status", "status"},
}

// whoisField returns the field a key fills and its preference (lower is
// better), or "" when the key is not one we read.
func whoisField(key string) (string, int) {
	for field, keys := range whoisKeys {
		for i, k := range keys {
			if k == key {
				return field, i
			}
		}
	}
	return "", 0
}

// whoisNotFound are the phrases registries use for an unknown domain.
var whoisNotFound = []string{
	"no match", "not found", "no matching record", "no entries found", "no data found",
	"the queried object does not exist", "domain not found", "no object found", "status: free", "status: available",
}

// ParseWHOIS reads the key/value lines of a WHOIS answer ("Key: value",
// or a key alone followed by an indented value line). Keys are matched
// case-insensitively; the first value of a key wins; redacted registrant
// values are dropped. Dates in RFC 3339, "YYYY-MM-DD hh:mm:ss" (read as
// Beijing time, which is what CNNIC publishes), "DD-Mon-YYYY" and a few
// others are understood. Input that is not UTF-8 is read as GB18030.
func ParseWHOIS(text string) WHOISRecord {
	if !utf8.ValidString(text) {
		if b, err := simplifiedchinese.GB18030.NewDecoder().String(text); err == nil {
			text = b
		} else {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
	}
	var rec WHOISRecord
	best := map[string]int{}
	lines := strings.Split(strings.ReplaceAll(text, "\r", ""), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || line[0] == '%' || line[0] == '#' || strings.HasPrefix(line, ">>>") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key := normKey(k)
		if key == "" || len(key) > 64 {
			continue
		}
		field, pref := whoisField(key)
		if field == "" {
			continue // a heading ("Relevant dates:") or a key we do not read
		}
		v = strings.TrimSpace(v)
		if v == "" && i+1 < len(lines) && startsIndented(lines[i+1]) {
			v = strings.TrimSpace(lines[i+1])
			i++
		}
		if v == "" {
			continue
		}
		if field == "status" {
			if len(rec.Status) < 16 {
				s, _, _ := strings.Cut(v, " ")
				rec.Status = append(rec.Status, s)
			}
			continue
		}
		if p, seen := best[field]; seen && p <= pref {
			continue
		}
		switch field {
		case "registrar":
			rec.Registrar = truncateBytes(v, 256)
		case "registrant":
			if redacted(v) {
				continue
			}
			rec.Registrant = truncateBytes(v, 256)
		case "created":
			d, ok := parseRegistryDate(v)
			if !ok {
				continue
			}
			rec.Created = d
		case "expires":
			d, ok := parseRegistryDate(v)
			if !ok {
				continue
			}
			rec.Expires = d
		}
		best[field] = pref
	}
	if rec.Expires.IsZero() && rec.Created.IsZero() && rec.Registrar == "" {
		low := strings.ToLower(text)
		for _, p := range whoisNotFound {
			if strings.Contains(low, p) {
				rec.NotFound = true
				break
			}
		}
	}
	return rec
}

func startsIndented(s string) bool {
	return strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\t")
}

// normKey lower-cases a key, collapses inner space and drops the dots some
// registries pad keys with ("Expiry date.......:").
func normKey(k string) string {
	k = strings.ToLower(strings.Trim(strings.TrimSpace(k), ". "))
	return strings.Join(strings.Fields(k), " ")
}

// redacted reports whether a published value stands for "not disclosed".
func redacted(v string) bool {
	l := strings.ToLower(v)
	for _, w := range []string{"redacted", "privacy", "not disclosed", "data protected", "withheld", "non-public", "gdpr"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// registryDateLayouts are tried in order. Layouts without a zone are read
// in Beijing time.
var registryDateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"02-Jan-2006",
	"02-Jan-2006 15:04:05 MST",
	"2006.01.02",
	"2006.01.02 15:04:05",
	"2006/01/02",
	"2006/01/02 15:04:05",
	"02.01.2006",
	"January 2 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"20060102",
}

var isoDate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)

// parseRegistryDate parses a registry date and returns its calendar date
// in China Standard Time, the zone the expiry rules are reckoned in.
func parseRegistryDate(v string) (beian.Date, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 64 {
		return beian.Date{}, false
	}
	for _, layout := range registryDateLayouts {
		if t, err := time.ParseInLocation(layout, v, beian.ChinaTime); err == nil {
			return beian.DateOf(t), true
		}
	}
	if m := isoDate.FindString(v); m != "" {
		if d, err := beian.ParseDate(m); err == nil {
			return d, true
		}
	}
	return beian.Date{}, false
}
