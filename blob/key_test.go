package blob

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbeian/beian"
)

func TestValidateKey(t *testing.T) {
	for _, k := range []string{
		"a", "A-Z_0.9", "orders/0195f3c2-7a1b-7c3e/subject_certificate.jpg", "miit/upload/2025/XZBA_0001.zip",
		"a.", "a..b", "a/b.", "-x", "_", strings.Repeat("s", maxSegmentLen),
	} {
		if err := ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v", k, err)
		}
	}
	for k, msg := range map[string]string{
		"":                                   "blob.key.empty",
		strings.Repeat("a", MaxKeyLen+1):     "blob.key.too_long",
		"../x":                               "blob.key.invalid",
		"/abs":                               "blob.key.invalid",
		"a/":                                 "blob.key.invalid",
		"a//b":                               "blob.key.invalid",
		"a/./b":                              "blob.key.invalid",
		".":                                  "blob.key.invalid",
		"x~meta.json":                        "blob.key.invalid",
		"a\\..\\b":                           "blob.key.invalid",
		"\xff":                               "blob.key.invalid",
		strings.Repeat("s", maxSegmentLen+1): "blob.key.invalid",
	} {
		err := ValidateKey(k)
		e, ok := beian.AsError(err)
		if !ok || e.Code != beian.EINVALID || e.Key != msg || e.Field != "key" {
			t.Errorf("ValidateKey(%q) = %v, want %s", k, err, msg)
		}
	}
}

func TestValidPrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "orders/01", "a.", strings.Repeat("s", maxSegmentLen) + "/"} {
		if !validPrefix(p) {
			t.Errorf("validPrefix(%q) = false", p)
		}
	}
	for _, p := range []string{"/", "/a", "a//", "../", "..", ".", "a/.", "a/.b", "~", strings.Repeat("s", maxSegmentLen+1)} {
		if validPrefix(p) {
			t.Errorf("validPrefix(%q) = true", p)
		}
	}
}

// FuzzKey checks the promises ValidateKey makes to both stores: a valid key
// is a clean, local, relative path the file system and S3 agree on, it
// leaves '~' and leading dots to the disk store, and every prefix of it is a
// valid listing prefix; anything else is EINVALID, never a panic.
func FuzzKey(f *testing.F) {
	for _, s := range []string{
		"a", "orders/o1/id.jpg", "../x", "/abs", "a//b", "a/", ".", "..", "a/../b", "x~meta.json",
		"C:\\x", "a\x00b", "照片.jpg", "\xff", strings.Repeat("a/", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateKey(s)
		if err != nil {
			if beian.ErrorCode(err) != beian.EINVALID {
				t.Fatalf("ValidateKey(%q) = %v, not EINVALID", s, err)
			}
			return
		}
		if len(s) == 0 || len(s) > MaxKeyLen {
			t.Fatalf("accepted length %d", len(s))
		}
		if !filepath.IsLocal(s) || !fs.ValidPath(s) || path.Clean(s) != s || filepath.Clean(s) != filepath.FromSlash(s) {
			t.Fatalf("accepted unclean or non-local path %q", s)
		}
		if strings.Contains(s, "~") || strings.HasPrefix(s, ".") || strings.Contains(s, "/.") || strings.Contains(s, "\\") {
			t.Fatalf("accepted %q, which the disk store reserves", s)
		}
		for seg := range strings.SplitSeq(s, "/") {
			if seg == ".." || seg == "." || seg == "" || len(seg) > maxSegmentLen {
				t.Fatalf("accepted segment %q in %q", seg, s)
			}
		}
		for i := range len(s) + 1 {
			if !validPrefix(s[:i]) {
				t.Fatalf("prefix %q of valid key %q refused", s[:i], s)
			}
		}
		if !validPrefix(s + "/") {
			t.Fatalf("directory prefix %q refused", s+"/")
		}
	})
}
