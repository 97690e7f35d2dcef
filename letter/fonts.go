package letter

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// Fonts names the TrueType files letters are set in. Two are needed:
// gopdf finds no Latin letters, digits or ¥ in Droid Sans Fallback (they
// silently become blanks), so every run of text goes to the font that has
// its glyphs — Chinese to CJK, the rest to Latin.
type Fonts struct {
	CJK   string
	Latin string
}

// DebianFonts are the fonts of the Debian packages fonts-droid-fallback and
// fonts-dejavu-core, which scripts/test installs.
var DebianFonts = Fonts{
	CJK:   "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	Latin: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}

// fontPackages names the Debian package of each default font, for the
// error that tells the operator what to install.
var fontPackages = map[string]string{
	DebianFonts.CJK:   "fonts-droid-fallback",
	DebianFonts.Latin: "fonts-dejavu-core",
}

// fontData is a loaded pair of fonts.
type fontData struct {
	cjk, latin []byte
}

// load reads both files. A missing file is an error that names the path and
// the package to install.
func (f Fonts) load() (*fontData, error) {
	var d fontData
	for _, x := range []struct {
		path string
		dst  *[]byte
	}{{f.CJK, &d.cjk}, {f.Latin, &d.latin}} {
		b, err := os.ReadFile(x.path)
		if err != nil {
			return nil, fontError(x.path, err)
		}
		*x.dst = b
	}
	return &d, nil
}

// fontCache keeps the Debian fonts once read: the CJK file is several
// megabytes, read once per process rather than once per letter. A failure
// is not kept, so installing the package fixes a running server.
var fontCache struct {
	mu   sync.Mutex
	data *fontData
}

func defaultFonts() (*fontData, error) {
	fontCache.mu.Lock()
	defer fontCache.mu.Unlock()
	if fontCache.data != nil {
		return fontCache.data, nil
	}
	d, err := DebianFonts.load()
	if err != nil {
		return nil, err
	}
	fontCache.data = d
	return d, nil
}

// CheckFonts reports whether letters can be set: nil when both default
// fonts are present, else an error naming the missing file and its
// package. serve prints it at start, so that an operator learns before a
// customer does; it only looks for the files, which load reads later.
func CheckFonts() error {
	for _, p := range []string{DebianFonts.CJK, DebianFonts.Latin} {
		if _, err := os.Stat(p); err != nil {
			return fontError(p, err)
		}
	}
	return nil
}

// fontError names the font that cannot be read and, when it is missing,
// the package that installs it.
func fontError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		hint := ""
		if pkg := fontPackages[path]; pkg != "" {
			hint = " (install the Debian package " + pkg + ")"
		}
		return fmt.Errorf("letter: font %s not found%s", path, hint)
	}
	return fmt.Errorf("letter: font %s: %w", path, err)
}
