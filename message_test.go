package beian_test

import (
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

func TestEveryMessageHasBothLanguages(t *testing.T) {
	for _, k := range beian.MessageKeys() {
		m, _ := beian.LookupMessage(k)
		if strings.TrimSpace(m.ZH) == "" || strings.TrimSpace(m.EN) == "" {
			t.Errorf("message %s lacks a language: %+v", k, m)
		}
	}
}

func TestEveryEnumHasBothLanguages(t *testing.T) {
	var texts []beian.Text
	for _, s := range beian.OrderStates {
		texts = append(texts, s.Text())
	}
	for _, e := range beian.OrderEvents {
		texts = append(texts, e.Text())
	}
	for _, o := range beian.OrderTypes {
		texts = append(texts, o.Text())
	}
	for _, n := range beian.Natures {
		texts = append(texts, n.Text())
		for _, c := range beian.NatureCertificates[n] {
			if !c.Valid() {
				t.Errorf("nature %s allows unknown certificate %s", n, c)
			}
			texts = append(texts, c.Text())
		}
	}
	for _, x := range texts {
		if x.ZH == "" || x.EN == "" || x.ZH == x.EN {
			t.Errorf("text %+v is not bilingual", x)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	err := beian.Invalid("icp_number", "icp.province", "abbr", "港").WithRule("ICP-FORMAT")
	if got := beian.ErrorMessage(beian.LangZH, err); got != "备案号的省份简称「港」不存在。" {
		t.Errorf("zh = %q", got)
	}
	if got := beian.ErrorMessage(beian.LangEN, err); !strings.Contains(got, "港") {
		t.Errorf("en = %q", got)
	}
	if beian.ErrorCode(err) != beian.EINVALID || beian.ErrorCode(nil) != "" {
		t.Error("ErrorCode")
	}
	plain := errorString("driver: connection refused at 10.0.0.1")
	if got := beian.ErrorMessage(beian.LangEN, plain); strings.Contains(got, "10.0.0.1") {
		t.Errorf("internal detail leaked: %q", got)
	}
	if beian.ErrorCode(plain) != beian.EINTERNAL {
		t.Error("plain errors are internal")
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
