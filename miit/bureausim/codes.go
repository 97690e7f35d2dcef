package bureausim

import (
	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// Result codes the simulator writes into BAJG (Jgdm). 1001 and 1002 are the spec's (table
// 3-5). V3.0 dates from 2013–2015 and predates SMS verification (mandatory since 2020-08-17),
// so it has no code for what happens between acceptance and review; Beian uses the
// extension codes 1101–1104 for that. Jgdm is an xs:long ≥ 1, so they are schema-valid, and
// they lie outside every range the spec assigns (1001–1068, 1999). A real bureau reports
// these events by SMS and on its web site only; an enterprise side talking to a real bureau
// never receives them and must not depend on them.
const (
	ResultApproved miit.ResultCode = 1001 // 管局审核通过
	ResultRejected miit.ResultCode = 1002 // 管局审核拒绝 (opinion in GJSHS/Gjsh/Shyj and Dmms)

	// ResultSMSVerified: every code was entered; the filing is under bureau review.
	ResultSMSVerified miit.ResultCode = 1101 // 短信核验通过，进入管局审核
	// ResultSMSTimeout: the 24-hour window closed with codes unverified; returned.
	ResultSMSTimeout miit.ResultCode = 1102 // 短信核验超时，备案已退回
	// ResultSMSTooManyErrors: the sixth wrong entry in a row; returned.
	ResultSMSTooManyErrors miit.ResultCode = 1103 // 短信核验错误次数超限，备案已退回
	// ResultDomainCheckFailed: domain verification (域名核验) failed; returned at once.
	ResultDomainCheckFailed miit.ResultCode = 1104 // 域名核验未通过，备案已退回
)

var extensionTexts = map[miit.ResultCode]beian.Text{
	ResultSMSVerified:       {ZH: "短信核验通过，进入管局审核", EN: "SMS verification passed; under bureau review"},
	ResultSMSTimeout:        {ZH: "短信核验超时，备案已退回", EN: "SMS verification window expired; filing returned"},
	ResultSMSTooManyErrors:  {ZH: "短信核验错误次数超限，备案已退回", EN: "too many wrong SMS verification entries; filing returned"},
	ResultDomainCheckFailed: {ZH: "域名核验未通过，备案已退回", EN: "domain verification failed; filing returned"},
}

// ExtensionText returns the text of one of Beian's extension result codes (1101–1104) and
// false for any other code.
func ExtensionText(c miit.ResultCode) (beian.Text, bool) {
	t, ok := extensionTexts[c]
	return t, ok
}

// ResultText returns the Chinese description of a result code: the extension's for
// 1101–1104, the spec's otherwise.
func ResultText(c miit.ResultCode) string {
	if t, ok := extensionTexts[c]; ok {
		return t.ZH
	}
	return c.Text()
}

// result is one Jgxx (code and description) of a BAJG result.
type result struct {
	code miit.ResultCode
	text string
}

// rc builds a result with the code's standard text, or detail when given.
func rc(c miit.ResultCode, detail string) result {
	if detail == "" {
		detail = ResultText(c)
	}
	return result{c, detail}
}
