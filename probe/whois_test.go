package probe

import (
	"slices"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const cnnicSample = `Domain Name: example.cn
ROID: 20030312s10001s00033735-cn
Domain Status: ok
Registrant: 北京某某科技有限公司
Registrant Contact Email: hostmaster@example.cn
Sponsoring Registrar: 阿里云计算有限公司（万网）
Name Server: ns1.example.cn
Name Server: ns2.example.cn
Registration Time: 2003-03-17 12:20:05
Expiration Time: 2027-03-17 12:48:36
DNSSEC: unsigned
`

const verisignSample = `   Domain Name: EXAMPLE.COM
   Registry Domain ID: 2336799_DOMAIN_COM-VRSN
   Registrar WHOIS Server: whois.example-registrar.com
   Registrar URL: http://www.example-registrar.com
   Updated Date: 2024-08-14T07:01:34Z
   Creation Date: 1995-08-14T04:00:00Z
   Registry Expiry Date: 2025-08-13T04:00:00Z
   Registrar: Example Registrar, Inc.
   Registrar IANA ID: 376
   Domain Status: clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited
   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
   Name Server: A.IANA-SERVERS.NET
>>> Last update of whois database: 2024-09-01T00:00:00Z <<<

NOTICE: The expiration date displayed in this record is the date the
registrar's sponsorship of the domain name registration in the registry is
currently set to expire.
`

const gtldThickSample = `Domain Name: example.top
Registrar: 阿里云计算有限公司
Creation Date: 2019-12-31T16:30:00.0Z
Registrar Registration Expiration Date: 2026-01-01T00:00:00.0Z
Registrant Name: REDACTED FOR PRIVACY
Registrant Organization: 
Domain Status: serverHold https://icann.org/epp#serverHold
`

const indentedSample = `Domain name:
        example.uk

    Registrar:
        Example Registrar Ltd [Tag = EXAMPLE]

    Relevant dates:
        Registered on: 26-Aug-2015
        Expiry date:  26-Aug-2026
`

func TestParseWHOIS(t *testing.T) {
	cases := []struct {
		name                  string
		text                  string
		registrar, registrant string
		created, expires      string
		status                []string
		notFound              bool
	}{
		{"cnnic", cnnicSample, "阿里云计算有限公司（万网）", "北京某某科技有限公司", "2003-03-17", "2027-03-17", []string{"ok"}, false},
		{"verisign", verisignSample, "Example Registrar, Inc.", "", "1995-08-14", "2025-08-13",
			[]string{"clientDeleteProhibited", "clientTransferProhibited"}, false},
		{"gtld thick, redacted", gtldThickSample, "阿里云计算有限公司", "", "2020-01-01", "2026-01-01", []string{"serverHold"}, false},
		{"indented values", indentedSample, "Example Registrar Ltd [Tag = EXAMPLE]", "", "2015-08-26", "2026-08-26", nil, false},
		{"cnnic no match", "No matching record.\r\n", "", "", "", "", nil, true},
		{"verisign no match", "No match for \"NOPE.COM\".\r\n>>> Last update of whois database: 2024-09-01T00:00:00Z <<<\r\n", "", "", "", "", nil, true},
		{"CRLF and comments", "% comment\r\n# another\r\nRegistrar: R\r\nExpiration Time: 2030-01-02 00:00:00\r\n", "R", "", "", "2030-01-02", nil, false},
		{"first value wins, preferred key wins",
			"Registrar: second\nSponsoring Registrar: first\nRegistrar: third\nExpiry Date: 2031-01-01\nExpiration Time: 2030-01-01 10:00:00\n",
			"first", "", "", "2030-01-01", nil, false},
		{"dotted keys", "Expiry date.......: 2029.05.06\nCreated..........: 06-May-2019\n", "", "", "2019-05-06", "2029-05-06", nil, false},
		{"UTC evening is the next China day", "Registry Expiry Date: 2028-09-13T20:00:00Z\n", "", "", "", "2028-09-14", nil, false},
		{"unparsable date is skipped", "Expiration Time: soon\nExpiry Date: 2030-02-03\n", "", "", "", "2030-02-03", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ParseWHOIS(c.text)
			if r.Registrar != c.registrar || r.Registrant != c.registrant || r.Created.String() != c.created ||
				r.Expires.String() != c.expires || r.NotFound != c.notFound || !slices.Equal(r.Status, c.status) {
				t.Errorf("got %+v (created %s, expires %s)", r, r.Created, r.Expires)
			}
		})
	}
}

func TestParseWHOISGBK(t *testing.T) {
	b, err := simplifiedchinese.GBK.NewEncoder().String(cnnicSample)
	if err != nil {
		t.Fatal(err)
	}
	r := ParseWHOIS(b)
	if r.Registrant != "北京某某科技有限公司" || r.Expires.String() != "2027-03-17" {
		t.Errorf("%+v", r)
	}
}

func TestParseRegistryDate(t *testing.T) {
	for in, want := range map[string]string{
		"2027-03-17 12:48:36":       "2027-03-17",
		"2027-03-17T12:48:36Z":      "2027-03-17",
		"2027-03-17T23:48:36+08:00": "2027-03-17",
		"2027-03-17T16:00:00Z":      "2027-03-18",
		"2027-03-17T12:48:36.123Z":  "2027-03-17",
		"2027-03-17":                "2027-03-17",
		"17-mar-2027":               "2027-03-17",
		"2027/03/17":                "2027-03-17",
		"20270317":                  "2027-03-17",
		"2027-03-17 (something)":    "2027-03-17",
		"before 2027-03-17 really":  "2027-03-17",
	} {
		d, ok := parseRegistryDate(in)
		if !ok || d.String() != want {
			t.Errorf("%q: %s %v, want %s", in, d, ok, want)
		}
	}
	for _, in := range []string{"", "never", "2027-13-45"} {
		if d, ok := parseRegistryDate(in); ok {
			t.Errorf("%q parsed as %s", in, d)
		}
	}
}
