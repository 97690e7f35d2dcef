package web

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

// TestTranslationsComplete checks that every UI message exists in both
// languages, so no page shows a bare ID in one of them.
func TestTranslationsComplete(t *testing.T) {
	files, _ := fs.Glob(localeFiles, "locales/*.json")
	byArea := map[string]map[string]map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "locales/"), ".json")
		area, lang, ok := strings.Cut(name, ".")
		if !ok {
			t.Errorf("%s: name it <area>.<lang>.json", f)
			continue
		}
		b, _ := fs.ReadFile(localeFiles, f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if byArea[area] == nil {
			byArea[area] = map[string]map[string]string{}
		}
		byArea[area][lang] = m
	}
	for area, langs := range byArea {
		zh, en := langs["zh-CN"], langs["en"]
		for id, v := range zh {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s empty in zh-CN", area, id)
			}
			if strings.TrimSpace(en[id]) == "" {
				t.Errorf("%s: %s missing in en", area, id)
			}
		}
		for id := range en {
			if _, ok := zh[id]; !ok {
				t.Errorf("%s: %s missing in zh-CN", area, id)
			}
		}
	}
}
