package letter

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// A missing font is named with the package that installs it, both when a
// letter is set and when serve checks at start.
func TestMissingFontNamesItsPackage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.ttf")
	_, err := Fonts{CJK: missing, Latin: DebianFonts.Latin}.load()
	if err == nil || !strings.Contains(err.Error(), missing+" not found") {
		t.Fatalf("load: %v", err)
	}
	if err := fontError(DebianFonts.CJK, fs.ErrNotExist); !strings.Contains(err.Error(), "install the Debian package fonts-droid-fallback") {
		t.Fatalf("fontError: %v", err)
	}
	if err := CheckFonts(); err != nil {
		t.Fatalf("the test machine has the fonts (scripts/test installs them): %v", err)
	}
}
