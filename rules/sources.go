package rules

import (
	"slices"
	"strings"
)

// A rule's Sources cite the specification (doc shared/domain/spec.md) by
// section ("§6.2.3", "§7 江苏"), the rejection catalogue by row ("R6") and
// the seed text by sentence ("S45"). The tables below list every rule of
// spec §6.1–§6.8, every row of §6.9 and every seed sentence, so that
// docs/rules.md can show which rules implement each and a test can prove
// none is left out.

// specItem is one rule of spec §6 or one row of the rejection catalogue.
type specItem struct {
	Ref   string
	Title string
}

// specRules are the numbered rules of spec §6.1–§6.8.
var specRules = []specItem{
	{"§6.1.1", "One provider account ↔ one subject"},
	{"§6.1.2", "One in-progress order per subject"},
	{"§6.1.3", "Subject being first-filed at another provider blocks new domains here"},
	{"§6.1.4", "Resource: mainland, prepaid ≥ 3 months (dedicated cloud ≥ 1 year); no on-demand, standalone EIP or intranet-only IP"},
	{"§6.1.5", "Quotas: 5 services per server, authorization codes single-use, enterprise portal 3 domains"},
	{"§6.1.6", "Individual subject ≤ 5 services; enterprise limits per province (Shaanxi 30)"},
	{"§6.1.7", "Type-verification data immutable"},
	{"§6.2.1", "TLD must be MIIT-approved"},
	{"§6.2.2", "Registrar must be an MIIT-approved domestic registrar"},
	{"§6.2.3", "Domain within validity; > 3 months remaining in many provinces"},
	{"§6.2.4", "Domain real-name verified; holder equals the subject (exceptions; province holder rules)"},
	{"§6.2.5", "Domain registered after the filing date"},
	{"§6.2.6", "Unfiled domain must not resolve during filing"},
	{"§6.2.7", "Government .gov.cn/.政务; public institutions .cn/.公益"},
	{"§6.2.8", "Domains change only through 变更; remove expiring unused domains"},
	{"§6.2.9", "Sub-domains are not filed separately"},
	{"§6.2.10", "APP domains not written as www host names"},
	{"§6.3.1", "Subject principal = legal representative (most provinces)"},
	{"§6.3.2", "Non-mainland legal rep authorizes a mainland-ID holder"},
	{"§6.3.3", "Age ≥ 18 (Guangdong 16; Jiangsu 16–18 with proof)"},
	{"§6.3.4", "Certificate validity > 3 months; newest licence; originals only"},
	{"§6.3.5", "Subject data matches the national credit registry; normal status"},
	{"§6.3.6", "Legacy organisation codes replaced by the USCC"},
	{"§6.3.7", "Mailing address in the certificate's city (Hebei, Henan, Guizhou)"},
	{"§6.3.8", "Individuals: local ID or residence permit"},
	{"§6.3.9", "Authorization letters; Jiangsu/Anhui: authorized principal runs the services"},
	{"§6.4.1", "Phones real, reachable, the person's own"},
	{"§6.4.2", "Numbers of the filing province preferred (Hunan individuals: mandatory)"},
	{"§6.4.3", "Mobile used by another subject cannot be reused"},
	{"§6.4.4", "Subjects do not share contacts; one person keeps identical contacts"},
	{"§6.4.5", "Subject and service principals' phones and e-mails differ"},
	{"§6.4.6", "Mobile ≠ emergency phone"},
	{"§6.4.7", "Hebei checks phone and e-mail duplicates"},
	{"§6.5.1", "Site names: no pure digits/letters, symbols, sensitive words, URLs; ≥ 3 characters"},
	{"§6.5.2", "No 中国/中华/中央/国家/人大/人民 prefix for non-state units"},
	{"§6.5.3", "Enterprise names relate to the subject; Guangdong: reflect the service"},
	{"§6.5.4", "Individual names: no company, industry, 博客, place or person names; provincial lists"},
	{"§6.5.5", "Names implying a pre-approval sector need the permit"},
	{"§6.5.6", "Filed site's live title equals its filed name (Hainan)"},
	{"§6.5.7", "Content lawful and within scope"},
	{"§6.5.8", "Filed sites open and show the number linked to MIIT"},
	{"§6.5.9", "On new access the site name equals the filed name"},
	{"§6.5.10", "Same-named sites of a subject have different content"},
	{"§6.6.1", "Originals photographed or colour-scanned; clear, complete, no glare"},
	{"§6.6.2", "jpg/png, ≤ 4 MB"},
	{"§6.6.3", "Hebei: high clarity"},
	{"§6.6.4", "Hainan: licence seal"},
	{"§6.7", "APP rules: holder, runtime platform, package name, key and MD5, filed before listing"},
	{"§6.8.1", "Filed IP is the provider's mainland public IP and the domain resolves there"},
	{"§6.8.2", "Changed server IP ⇒ change recommended"},
}

// rejectionRows are the rows of the rejection catalogue, spec §6.9.
var rejectionRows = []specItem{
	{"R1", "Certificate images unclear or incomplete"},
	{"R2", "Photocopy or electronic certificate"},
	{"R3", "Certificate validity under three months"},
	{"R4", "Domain real-name info not found"},
	{"R5", "Domain real-name holder differs from the subject"},
	{"R6", "Domain fails MIIT verification"},
	{"R7", "Foreign-registered domain"},
	{"R8", "Unfiled domain still resolving"},
	{"R9", "Website name non-compliant"},
	{"R10", "Website content non-compliant"},
	{"R11", "Pre-approval missing"},
	{"R12", "Pre-approval expired, unclear or incomplete"},
	{"R13", "Filed site without number, link, access or matching title"},
	{"R14", "Subject principal is not the legal representative"},
	{"R15", "Phone not local, unreachable or unanswered"},
	{"R16", "Mobile already used by another subject"},
	{"R17", "Responsible persons share contacts"},
	{"R18", "Face verification failed"},
	{"R19", "Video verification required"},
	{"R20", "Record already exists at MIIT (wrong type)"},
	{"R21", "Filing type mis-detected (typo)"},
	{"R22", "Certificate has an in-progress order"},
	{"R23", "Host conflict with another provider"},
	{"R24", "Subject cancelled or empty shell"},
	{"R25", "Empty-shell website deregistered"},
	{"R26", "Data differs from the previous provider's record"},
	{"R27", "Phone verification calls unanswered"},
	{"R28", "Shell website cannot be filed"},
}

// seedSentence is one sentence of the seed text.
type seedSentence struct {
	ID   string
	Text string
	// Note says why the sentence states no pre-check rule; empty for
	// rule-bearing sentences.
	Note string
}

// seedCaveats qualify how a rule-bearing seed sentence maps to rules where
// the mapping needs words: the sentence comes from an unnamed province's
// page, contradicts another, or is cut off.
var seedCaveats = map[string]string{
	"S03": "From an unnamed province's page: blocking where the pack lists the accepted certificates (subject.medical_certificate_types), a warning elsewhere.",
	"S04": "The seed's figure (more than two months) is the national default; Shanghai's pack says one month.",
	"S05": "Contradicts S57, S61 and S65 (spec §14 item 7). The page's province is not named, so the national default follows the majority (letter required); a province pack sets service_principal.authorization_letter_required to false where this sentence holds.",
	"S06": "A foreign legal representative may authorize even where the pack refuses authorization (Subject.LegalRepresentativeCertificateType).",
	"S07": ".政务 is accepted too (spec §6.2.7, 《互联网政务应用安全管理规定》).",
	"S08": "The deadline is app.existing_listing_deadline (2024-03-31 by default).",
	"S59": "Applies to subjects whose name contains 医院 (preapproval.hospital_documents_required).",
	"S60": "A permission; Zhejiang and Hunan require a seal, Heilongjiang a fingerprint (reviewer checklist).",
	"S62": "\"No home-location requirement\" is contact.local_mobile = not_required (Tibet, Qinghai); elsewhere local numbers are advised.",
	"S64": "From an unnamed province's page: blocking where website.one_domain is required (Hubei, Hunan, Xinjiang), a warning elsewhere.",
	"S66": "Cut off in the seed; spec §6.4.5 gives the rule (distinct phones and e-mails).",
	"S75": "Blocking where principal.mainland_certificate_required is set (Shanxi, Hebei); the page's province is not named.",
	"S76": "Needs the licence's business scope, which the order does not carry: reviewer checklist.",
}

// citing returns the IDs of the rules whose Sources include ref, in
// catalogue order.
func citing(rules []*Rule, ref string) []string {
	var ids []string
	for _, r := range rules {
		if slices.Contains(r.Sources, ref) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// knownRef reports whether a Sources entry names something the tables or
// the spec's sections know.
func knownRef(ref string) bool {
	switch {
	case strings.HasPrefix(ref, "§"):
		return true
	case strings.HasPrefix(ref, "R"):
		for _, r := range rejectionRows {
			if r.Ref == ref {
				return true
			}
		}
	case strings.HasPrefix(ref, "S"):
		for _, s := range seedSentences {
			if s.ID == ref {
				return true
			}
		}
	}
	return false
}
