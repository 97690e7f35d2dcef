package web

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// TestFieldLabelsMatchPortal holds the labels rules.FieldLabel composes
// (which the notifications use too) equal to the portal's catalogue, so a
// mark is named alike on the order page and in the e-mail.
func TestFieldLabelsMatchPortal(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	snap := &beian.Snapshot{Websites: []beian.Website{{Name: "松风随笔"}}, Apps: []beian.App{{Name: "松风"}}}
	for _, lang := range []beian.Lang{beian.LangZH, beian.LangEN} {
		tr := translator{lang: lang, loc: i18n.NewLocalizer(b, string(lang))}
		for key, x := range rules.FieldLabelTexts() {
			if got := tr.T("order." + key); got != x.In(lang) {
				t.Errorf("%s: order.%s is %q in the portal, %q in rules", lang, key, got, x.In(lang))
			}
		}
		for path, want := range map[string]string{
			"websites[0]":           tr.T("order.label.website", "N", 1, "Name", "松风随笔"),
			"apps[0]":               tr.T("order.label.app", "N", 1, "Name", "松风"),
			"record.websites[a.cn]": tr.T("order.label.filed_website", "Domain", "a.cn"),
		} {
			if got := fieldLabel(tr, snap, path); got != want {
				t.Errorf("%s: %s labelled %q, the catalogue says %q", lang, path, got, want)
			}
		}
	}
}

// TestColonInLanguage: templates take the colon after a label from the
// catalogue, so English pages (the submit page's and the resources page's
// findings lists) read "Label: reason", not "Label：reason".
func TestColonInLanguage(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[beian.Lang]string{beian.LangZH: "：", beian.LangEN: ": "} {
		tr := translator{lang: lang, loc: i18n.NewLocalizer(b, string(lang))}
		if got := tr.T("punct.colon"); got != want {
			t.Errorf("%s: punct.colon = %q, want %q", lang, got, want)
		}
	}
	err = fs.WalkDir(assets, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		src, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, "：") {
				t.Errorf("%s:%d: a full-width colon in the template shows in English pages too; use {{$.T \"punct.colon\"}}", name, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
