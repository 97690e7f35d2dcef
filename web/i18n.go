package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/openbeian/beian"
)

//go:embed locales/*.json
var localeFiles embed.FS

// loadBundle reads the UI translations. Chinese is the default: a missing
// English string shows the Chinese one rather than a key.
func loadBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	// One file per area and language (portal.zh-CN.json, console.en.json …)
	// so that areas are translated independently; the language comes from
	// the file name.
	files, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(localeFiles, f); err != nil {
			return nil, fmt.Errorf("web: translations %s: %w", f, err)
		}
	}
	return b, nil
}

const langCookie = "beian_lang"

// requestLang picks the page language: an explicit choice (the lang cookie
// set by the switch) wins; otherwise Chinese, whatever the browser says,
// because the portal's users file with a Chinese authority in Chinese.
func requestLang(r *http.Request) beian.Lang {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == string(beian.LangEN) {
		return beian.LangEN
	}
	return beian.LangZH
}

// switchLang stores the language choice and goes back where the user was.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := beian.LangZH
	if r.PathValue("lang") == "en" {
		lang = beian.LangEN
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

// safeNext accepts only local paths as redirect targets, so links cannot
// send users to another site.
func safeNext(next, fallback string) string {
	if len(next) > 0 && next[0] == '/' && (len(next) == 1 || (next[1] != '/' && next[1] != '\\')) {
		return next
	}
	return fallback
}

// translator renders UI strings for one request.
type translator struct {
	lang beian.Lang
	loc  *i18n.Localizer
}

func (s *Server) translator(r *http.Request) translator {
	lang := requestLang(r)
	return translator{lang: lang, loc: i18n.NewLocalizer(s.i18n, string(lang), string(beian.LangZH))}
}

// T translates a UI message ID, with optional name/value pairs for its
// template; a missing ID renders as itself so it shows up in tests.
func (t translator) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 1 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	msg, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return msg
}
