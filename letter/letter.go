// Package letter renders the commitment and authorization letters a filing
// needs as prefilled PDFs, for the customer to print, sign and upload
// (spec §4.2(f), §5.7):
//
//   - 《ICP备案信息真实性承诺书》, one page per website or app, signed by its
//     responsible person — every filing that carries services;
//   - 《ICP备案信息真实性责任告知书》, Jiangsu's notice of responsibility;
//   - 《互联网信息服务备案承诺书》, Guangdong's commitment since 2021-06-21,
//     signed by the legal representative (units) or the person
//     (individuals) in black ink and regular script;
//   - 主体负责人授权书 and 互联网信息服务负责人授权书, the legal
//     representative's authorization when a responsible person is someone
//     else.
//
// The texts are Beian's own, in formal Chinese, written from what the
// letters commit to: the truth of the filed data, who answers for it, what
// false data costs, and consent to verification. Each page is prefilled
// from the order (subject, certificate, responsible persons, websites and
// apps with their domains, the date) and carries a footer with the order ID
// and a short code ([Code]) that changes with any prefilled value, so a
// reviewer can tell that an upload belongs to the order as it stands.
//
// Which letters an order needs follows the province's rule pack ([Required]),
// the same data the pre-check uses, and the kinds are the material purposes
// the pre-check looks for among the uploads.
//
// Fonts: Debian's DroidSansFallbackFull.ttf (fonts-droid-fallback) for
// Chinese and DejaVuSans.ttf (fonts-dejavu-core) for everything else, since
// gopdf finds no Latin letters, digits or ¥ in the Droid font.
package letter

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// Kind is a letter. Its value is the material purpose its signed upload
// carries (rules.Material*), so the checklist and the pre-check match
// uploads to letters.
type Kind string

// The letters.
const (
	// Commitment is 《ICP备案信息真实性承诺书》.
	Commitment Kind = rules.MaterialCommitmentLetter
	// ResponsibilityNotice is 《ICP备案信息真实性责任告知书》 (Jiangsu).
	ResponsibilityNotice Kind = rules.MaterialResponsibilityNotice
	// BureauCommitment is 《互联网信息服务备案承诺书》 (Guangdong).
	BureauCommitment Kind = rules.MaterialBureauCommitment
	// PrincipalAuthorization is 主体负责人授权书.
	PrincipalAuthorization Kind = rules.MaterialPrincipalAuthorization
	// ServiceAuthorization is 互联网信息服务负责人授权书 (网站/APP负责人授权书).
	ServiceAuthorization Kind = rules.MaterialServicePrincipalAuthorization
)

// Kinds lists the letters in the order a customer works through them.
var Kinds = []Kind{Commitment, ResponsibilityNotice, BureauCommitment, PrincipalAuthorization, ServiceAuthorization}

var kindTitles = map[Kind]beian.Text{
	Commitment:             {ZH: "ICP备案信息真实性承诺书", EN: "ICP filing authenticity commitment"},
	ResponsibilityNotice:   {ZH: "ICP备案信息真实性责任告知书", EN: "Notice of responsibility for authentic ICP filing data"},
	BureauCommitment:       {ZH: "互联网信息服务备案承诺书", EN: "Internet information service filing commitment"},
	PrincipalAuthorization: {ZH: "主体负责人授权书", EN: "Subject principal's authorization"},
	ServiceAuthorization:   {ZH: "互联网信息服务负责人授权书", EN: "Service principal's authorization"},
}

// Title returns the letter's name in both languages.
func (k Kind) Title() beian.Text {
	if t, ok := kindTitles[k]; ok {
		return t
	}
	return beian.Text{ZH: string(k), EN: string(k)}
}

// Valid reports whether k is a known letter.
func (k Kind) Valid() bool { _, ok := kindTitles[k]; return ok }

// Order types whose data goes to the bureau (typesFiling) and those that
// carry services (typesServices), as the rule catalogue scopes the rules
// that ask for these letters.
var (
	typesFiling = map[beian.OrderType]bool{beian.FirstFiling: true, beian.NewWebsite: true, beian.NewApp: true,
		beian.NewAccess: true, beian.ChangeSubject: true, beian.ChangeService: true, beian.ChangeBoth: true, beian.Migrate: true}
	typesServices = map[beian.OrderType]bool{beian.FirstFiling: true, beian.NewWebsite: true, beian.NewApp: true,
		beian.NewAccess: true, beian.ChangeService: true, beian.ChangeBoth: true, beian.Migrate: true}
)

// Required returns the letters the order needs, by its province's embedded
// rule pack, nature and filing type. Cancellations, transfers and claims
// need none.
func Required(o *beian.Order) []Kind {
	p, ok := rules.ProvincePack(o.Province)
	if !ok {
		p = rules.NationalPack()
	}
	return RequiredFor(o, p)
}

// RequiredFor is Required with the rule pack the caller resolved, e.g. with
// an administrator's overrides (rules.Overrides.Pack). A requirement with a
// start date counts whatever the date: every such date in the packs is in
// the past, and Guangdong's applies to orders pending on its start date too.
func RequiredFor(o *beian.Order, p *rules.Pack) []Kind {
	s := &o.Snapshot.Subject
	services := typesServices[o.Type] && len(o.Snapshot.Websites)+len(o.Snapshot.Apps) > 0
	filing := typesFiling[o.Type]
	unit := !s.Nature.IsIndividual()
	var out []Kind
	if services {
		out = append(out, Commitment)
		if !p.ResponsibilityNoticeSince.IsZero() {
			out = append(out, ResponsibilityNotice)
		}
	}
	if filing && !p.BureauCommitmentSince.IsZero() {
		out = append(out, BureauCommitment)
	}
	if filing && unit && s.LegalRepresentative != "" && !isLegalRep(s, &s.Principal) {
		out = append(out, PrincipalAuthorization)
	}
	if services && unit && p.ServiceAuthorizationRequired && len(authorizedServices(o)) > 0 {
		out = append(out, ServiceAuthorization)
	}
	return out
}

// isLegalRep reports whether p is the subject's legal representative, by
// name as the bureau compares them (spaces and case aside).
func isLegalRep(s *beian.Subject, p *beian.Person) bool {
	lr := foldName(s.LegalRepresentative)
	return lr != "" && foldName(p.Name) == lr
}

func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// Render returns the letter of kind for the order as a PDF dated date,
// prefilled from the order's snapshot, in the Debian fonts. Errors: an
// unknown kind or an order the letter does not apply to (no services for
// a per-service letter, no legal representative to authorize) is
// EINVALID; a missing font is a plain error naming the file and the
// package to install.
func Render(kind Kind, o *beian.Order, date beian.Date) ([]byte, error) {
	fonts, err := defaultFonts()
	if err != nil {
		return nil, err
	}
	return render(fonts, kind, o, date)
}

// RenderWithFonts is Render with other font files, for systems that keep
// them elsewhere. It reads the files on every call.
func RenderWithFonts(f Fonts, kind Kind, o *beian.Order, date beian.Date) ([]byte, error) {
	fonts, err := f.load()
	if err != nil {
		return nil, err
	}
	return render(fonts, kind, o, date)
}

func render(fonts *fontData, kind Kind, o *beian.Order, date beian.Date) ([]byte, error) {
	sections, err := compose(kind, o, date)
	if err != nil {
		return nil, err
	}
	d, err := newDoc(fonts)
	if err != nil {
		return nil, err
	}
	for i := range sections {
		d.layout(&sections[i])
	}
	code := code(kind, o, sections)
	title := kind.Title().ZH
	d.pdf.SetInfo(pdfInfo(title, o.ID))
	return d.draw(func(page, pages int) (string, string) {
		return "订单号 " + o.ID + " · " + title, fmt.Sprintf("校验码 %s · 第 %d/%d 页", code, page, pages)
	})
}

// Code returns the short code printed in the letter's footer: a digest of
// the letter kind, the order ID and every prefilled value, so that a
// reviewer comparing it with the order's current letter sees at once
// whether the upload was printed from the order as it stands. Errors are
// Render's.
func Code(kind Kind, o *beian.Order, date beian.Date) (string, error) {
	sections, err := compose(kind, o, date)
	if err != nil {
		return "", err
	}
	return code(kind, o, sections), nil
}

func code(kind Kind, o *beian.Order, sections []section) string {
	h := sha256.New()
	b, _ := json.Marshal(sections) // plain strings and slices: cannot fail
	fmt.Fprintf(h, "%s\x00%s\x00", kind, o.ID)
	h.Write(b)
	s := strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:8])
	return s[:4] + "-" + s[4:]
}
