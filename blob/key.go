package blob

import (
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// MaxKeyLen is the longest key in bytes. It leaves room under S3's 1024-byte
// limit for the store's own prefix.
const MaxKeyLen = 512

// maxSegmentLen bounds one path segment so that the disk store's sidecar
// ("~meta.json") and temporary names (".name~tmp-" + 26 random characters) stay under the
// 255-byte file name limit of Linux file systems.
const maxSegmentLen = 200

// ValidateKey returns nil when key may name an object, and an EINVALID error
// otherwise. A key is one or more segments separated by '/'; a segment is 1 to
// 200 bytes of ASCII letters, digits, '.', '_' and '-' and does not start
// with '.'. The rules are narrow on purpose: such a key is the same relative
// path on every file system and the same object name on every S3-compatible
// store, it cannot be absolute or climb out with "..", and it leaves '~' and
// leading dots free for the disk store's own sidecar and temporary files.
func ValidateKey(key string) error {
	if key == "" {
		return beian.Invalid("key", "blob.key.empty")
	}
	if len(key) > MaxKeyLen {
		return beian.Invalid("key", "blob.key.too_long", "max", strconv.Itoa(MaxKeyLen))
	}
	if !validPath(key) {
		return invalidKey(key)
	}
	return nil
}

// validPrefix reports whether prefix could start a valid key: listing with
// any other prefix is a caller bug, which List reports rather than silently
// returning nothing.
func validPrefix(prefix string) bool {
	if prefix == "" {
		return true
	}
	if len(prefix) > MaxKeyLen {
		return false
	}
	// Whole segments must be valid; the last, partial one may be empty
	// ("docs/") or must itself be a valid segment ("docs/ph").
	i := strings.LastIndexByte(prefix, '/')
	if i >= 0 && !validPath(prefix[:i]) {
		return false
	}
	return i == len(prefix)-1 || validPath(prefix[i+1:])
}

func validPath(key string) bool {
	for seg := range strings.SplitSeq(key, "/") {
		if len(seg) == 0 || len(seg) > maxSegmentLen || seg[0] == '.' {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !keyByte(seg[i]) {
				return false
			}
		}
	}
	return true
}

func keyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

func invalidKey(key string) error {
	return beian.Invalid("key", "blob.key.invalid", "key", clip(strings.ToValidUTF8(key, "?")), "max", strconv.Itoa(maxSegmentLen))
}
