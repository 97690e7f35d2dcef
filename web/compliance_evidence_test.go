package web

import (
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/openbeian/beian"
)

// Probe outcomes and details reach pages in words, in both languages.
func TestEvidenceInWords(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang             beian.Lang
		dns, wantDNS     string
		detail, wantDet  string
		detail2, wantDt2 string
	}{
		{beian.LangZH, "a.cn=nxdomain www.a.cn=unknown(timeout)", "a.cn 域名不存在（NXDOMAIN）; www.a.cn 未得到应答 (超时)",
			"lookup_failed", "注册信息查询失败", "within 30 days", "30 天内到期"},
		{beian.LangEN, "a.cn=resolved", "a.cn resolved", "no_expiry", "the registration gives no expiry date", "filed 2026-01-02", "filed 2026-01-02"},
	} {
		tr := translator{lang: c.lang, loc: i18n.NewLocalizer(b, string(c.lang))}
		if got := dnsOutcomes(tr, c.dns); got != c.wantDNS {
			t.Errorf("%s: dns %q → %q, want %q", c.lang, c.dns, got, c.wantDNS)
		}
		if got := evidenceDetail(tr, c.detail); got != c.wantDet {
			t.Errorf("%s: detail %q → %q, want %q", c.lang, c.detail, got, c.wantDet)
		}
		if got := evidenceDetail(tr, c.detail2); got != c.wantDt2 {
			t.Errorf("%s: detail %q → %q, want %q", c.lang, c.detail2, got, c.wantDt2)
		}
	}
}
