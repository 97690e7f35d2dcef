package rules

import (
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

func TestFieldLabel(t *testing.T) {
	s := &beian.Snapshot{
		Websites:  []beian.Website{{Name: "松风随笔"}},
		Apps:      []beian.App{{Name: "松风"}},
		Materials: []beian.Material{{Purpose: MaterialSubjectCertificate}},
	}
	for _, c := range []struct{ path, zh, en string }{
		{"materials." + MaterialSubjectCertificate, "资料 › 主办单位证件", "Documents › Subject's certificate"},
		{"materials[0]", "资料 › 主办单位证件", "Documents › Subject's certificate"},
		{"subject.principal.mobile", "主体负责人 › 手机号码", "Subject principal › Mobile"},
		{"subject.name", "主办单位名称", "Subject name"},
		{"websites[0].domains[1]", "网站 1「松风随笔」 › 域名 2", "Website 1 “松风随笔” › Domains 2"},
		{"websites[0].principal.email", "网站 1「松风随笔」 › 负责人 › 电子邮箱", "Website 1 “松风随笔” › Principal › E-mail"},
		{"apps[0].releases[0].platform", "APP 1「松风」 › 运行平台 1 › 平台", "App 1 “松风” › Platforms 1 › Platform"},
		{"websites[0].materials." + MaterialSubjectCertificate, "网站 1「松风随笔」 › 主办单位证件", "Website 1 “松风随笔” › Subject's certificate"},
		{"order", "订单", "Order"},
		{"", "订单", "Order"},
		{"resource", "备案资源", "Filing resource"},
		{"record.websites[a.cn]", "已备案网站「a.cn」", "Filed website a.cn"},
		// An unknown leaf is named by its known parent, never by the path.
		{"subject.mailing_address.nonsense", "通信地址", "Mailing address"},
	} {
		got := FieldLabel(s, c.path)
		if got.ZH != c.zh || got.EN != c.en {
			t.Errorf("FieldLabel(%q) = %q / %q, want %q / %q", c.path, got.ZH, got.EN, c.zh, c.en)
		}
	}
	if got := FieldLabel(nil, "websites[3].name"); got.ZH != "网站 4「」 › 网站名称" {
		t.Errorf("nil snapshot: %q", got.ZH)
	}
}

// TestFieldLabelNoRawPath names the field path of every finding the
// fixtures produce: no label may be, or contain, a raw path.
func TestFieldLabelNoRawPath(t *testing.T) {
	for _, path := range []string{
		"subject.principal.certificate_number", "websites[0].ips[0].start", "apps[1].icon_document_id",
		"websites[0].pre_approvals[0].number", "subject.mailing_address.region", "check_date", "province",
	} {
		l := FieldLabel(nil, path)
		for _, s := range []string{l.ZH, l.EN} {
			if s == "" || strings.ContainsAny(s, "[]_") || strings.Contains(s, "f.") {
				t.Errorf("FieldLabel(%q) = %q", path, s)
			}
		}
	}
}
