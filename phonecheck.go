package beian

import "time"

// PhoneOutcome is how a reviewer's verification call went (spec §4.3:
// reviewers phone the subject and service principals, on their mobiles
// and emergency numbers; unanswered calls lead to rejection R27).
type PhoneOutcome string

// The outcomes of a verification call.
const (
	PhoneAnswered    PhoneOutcome = "answered"     // 已接通，本人确认
	PhoneNoAnswer    PhoneOutcome = "no_answer"    // 无人接听
	PhoneUnreachable PhoneOutcome = "unreachable"  // 关机、停机或空号
	PhoneWrongPerson PhoneOutcome = "wrong_person" // 接听人非本人或不知情
)

// PhoneOutcomes lists the outcomes in the order forms offer them.
var PhoneOutcomes = []PhoneOutcome{PhoneAnswered, PhoneNoAnswer, PhoneUnreachable, PhoneWrongPerson}

var phoneOutcomeText = map[PhoneOutcome]Text{
	PhoneAnswered:    {"已接通，本人确认", "Answered, confirmed in person"},
	PhoneNoAnswer:    {"无人接听", "No answer"},
	PhoneUnreachable: {"关机、停机或空号", "Switched off, suspended or not in service"},
	PhoneWrongPerson: {"接听人非本人或不知情", "Answered by someone else, or the person knew nothing of the filing"},
}

// Text returns the outcome's name in both languages.
func (o PhoneOutcome) Text() Text {
	if t, ok := phoneOutcomeText[o]; ok {
		return t
	}
	return Text{string(o), string(o)}
}

// Valid reports whether o is a known outcome.
func (o PhoneOutcome) Valid() bool { _, ok := phoneOutcomeText[o]; return ok }

// Verified reports whether the call verified the person.
func (o PhoneOutcome) Verified() bool { return o == PhoneAnswered }

// PhoneCheck is one entry of an order's phone-verification log (电话核验):
// who called which of the order's numbers, when, and how it went. Number
// is the number as dialled, kept so that the log stays true when the
// customer later edits the order; it is personal data, so stores encrypt
// it, pages show only [MaskPhone] of it and logs never see it. Note is the
// reviewer's free text and is encrypted too.
type PhoneCheck struct {
	ID      string
	OrderID string
	// Field is the path of the number in the order's snapshot, e.g.
	// "subject.principal.mobile" or "websites[0].principal.emergency_phone".
	Field    string
	Number   string
	Outcome  PhoneOutcome
	Note     string
	CalledBy string // user ID of the reviewer
	CalledAt time.Time
}

// MaskPhone hides every digit of a phone number but the last four, keeping
// separators so that a landline still reads as one: "13800138000" becomes
// "*******8000" and "010-12345678" becomes "***-****5678". Numbers with
// four digits or fewer are hidden entirely.
func MaskPhone(s string) string {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	keep := 4
	if digits <= keep {
		keep = 0
	}
	out := make([]rune, 0, len(s))
	seen := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			seen++
			if seen > digits-keep {
				out = append(out, r)
			} else {
				out = append(out, '*')
			}
		case r == '-' || r == ' ' || r == '+':
			out = append(out, r)
		default:
			out = append(out, '*') // letters or symbols typed by mistake are hidden too
		}
	}
	return string(out)
}

// PhoneTail returns the last four digits of a number, as rejection notes
// quote them ("尾号8000"); "" when it has fewer than five digits.
func PhoneTail(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) <= 4 {
		return ""
	}
	return string(d[len(d)-4:])
}
