// Package blob stores documents: the photos, commitment letters, videos and
// app icons customers upload, and the MIIT exchange files Beian must keep
// (upload files, kept at least three months, and download files, stored
// before they are processed and acknowledged).
//
// A [Store] has two implementations with the same behaviour: [Disk], a
// directory opened with [os.Root] so that no key can leave it, and [S3], any
// S3-compatible object store. [Open] picks one from a URL, which is how
// cmd/beian wires the --blob flag. The interface lives here, not in the
// domain, because nothing in the domain handles file content; the domain
// only keeps keys (Material.DocumentID). cmd/beian hands a Store to whoever
// needs one.
//
// Every error is a *beian.Error: EINVALID for a bad key, URL, size or
// checksum, ENOTFOUND for a missing object, ECONFLICT when a key clashes with
// a directory on disk, EUNAVAILABLE when the store cannot be reached, and
// EINTERNAL for anything else (the cause is kept for the log).
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"iter"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// DefaultMaxSize is the size limit Put applies when the caller passes a
// maxSize ≤ 0: room for a verification video, and comfortably within what
// the S3 store sends in one request. Callers that know a tighter limit for a
// kind of document (a photo, an icon) pass it.
const DefaultMaxSize = 64 << 20

// MaxSize is the hard ceiling of an object, whatever the caller asks for: S3
// refuses single PUTs above 5 GiB, and both stores must behave alike.
const MaxSize = 5 << 30

// DefaultContentType is recorded when the caller does not know the media
// type, so that Get always returns one.
const DefaultContentType = "application/octet-stream"

// Store keeps objects (documents and exchange files) under keys. Keys are
// checked by [ValidateKey]; objects are written whole or not at all, so a
// reader never sees half a file. Implementations are safe for concurrent use.
type Store interface {
	// Put stores the content of r under key, replacing any object there.
	// It reads at most maxSize bytes (≤ 0 means [DefaultMaxSize]; values
	// above [MaxSize] are capped): a longer body is an EINVALID
	// "blob.too_large" error and leaves nothing behind, not even a changed
	// object under key. meta.ContentType is recorded
	// ([DefaultContentType] when empty); meta.SHA256, when set, must match
	// the SHA-256 of the content and meta.Size, when > 0, its length —
	// otherwise EINVALID and nothing is stored. The SHA-256 is always
	// computed while streaming; meta.ModTime is ignored. Put returns the
	// metadata as stored.
	Put(ctx context.Context, key string, r io.Reader, maxSize int64, meta Meta) (Meta, error)

	// Get opens the object under key for reading; the caller closes it.
	// ENOTFOUND when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, Meta, error)

	// Stat returns the metadata of the object under key; ENOTFOUND when
	// there is none.
	Stat(ctx context.Context, key string) (Meta, error)

	// Delete removes the object under key. Deleting a missing object is not
	// an error, because S3 cannot tell the two apart without a race and a
	// retention sweep must be safe to repeat.
	Delete(ctx context.Context, key string) error

	// List yields the objects whose keys start with prefix, in ascending
	// byte order of key. prefix is a plain string prefix, not a directory:
	// "orders/01" matches "orders/01a/x". It yields a single error and
	// stops when listing fails; EINVALID when prefix could never start a
	// valid key. Objects that are not valid keys (foreign files, temporary
	// files) are skipped.
	List(ctx context.Context, prefix string) iter.Seq2[Entry, error]

	// Close releases the store's resources (the disk store's directory
	// handle); the store must not be used afterwards.
	Close() error
}

// Both stores implement Store; the compiler checks it here.
var (
	_ Store = (*Disk)(nil)
	_ Store = (*S3)(nil)
)

// Meta describes an object's content.
type Meta struct {
	// ContentType is the media type, e.g. "image/jpeg". Callers sniff it
	// from the content; the store records it and never guesses.
	ContentType string
	// SHA256 is the lower-case hex SHA-256 of the content: the integrity
	// value the order's materials and the audit trail carry.
	SHA256 string
	// Size is the content length in bytes.
	Size int64
	// ModTime is when the object was written, in UTC. On S3 Put returns the
	// local clock at completion and Stat the store's own (second precision).
	ModTime time.Time
}

// Entry is one object in a listing. It carries what both stores can report
// without opening the object; call Stat for the rest.
type Entry struct {
	Key     string
	Size    int64
	ModTime time.Time
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"blob.key.empty":    {ZH: "存储键为空。", EN: "The storage key is empty."},
		"blob.key.too_long": {ZH: "存储键超过 {max} 字节。", EN: "The storage key is longer than {max} bytes."},
		"blob.key.invalid": {
			ZH: "存储键「{key}」不合法：只能包含字母、数字和「.」「_」「-」，以「/」分段，每段不能为空、不能以「.」开头、不超过 {max} 字节。",
			EN: "The storage key {key} is invalid: use letters, digits, '.', '_' and '-' in segments separated by '/'; a segment is not empty, does not start with '.', and has at most {max} bytes.",
		},
		"blob.key.conflict": {
			ZH: "存储键「{key}」与已有的文件或目录冲突。",
			EN: "The storage key {key} clashes with an existing file or directory.",
		},
		"blob.too_large": {ZH: "文件超过 {max} 的大小上限。", EN: "The file is larger than the limit of {max}."},
		"blob.size.mismatch": {
			ZH: "文件大小为 {got} 字节，与声明的 {want} 字节不符，可能上传不完整，请重新上传。",
			EN: "The file has {got} bytes, not the {want} declared; the upload may be incomplete, please upload it again.",
		},
		"blob.sha256.mismatch": {
			ZH: "文件内容校验失败（SHA-256 不符），可能在传输中损坏，请重新上传。",
			EN: "The file failed its integrity check (SHA-256 mismatch); it may have been damaged in transit, please upload it again.",
		},
		"blob.sha256.format": {
			ZH: "SHA-256 校验值应为 64 位十六进制数字。",
			EN: "A SHA-256 value must be 64 hexadecimal digits.",
		},
		"blob.content_type.invalid": {
			ZH: "文件类型「{type}」格式不正确。",
			EN: "The media type {type} is malformed.",
		},
		"blob.url.invalid": {
			ZH: "文件存储地址不正确，应为空、file://路径 或 s3://存储桶/前缀?endpoint=…&region=…&path_style=true。",
			EN: "Malformed storage URL; expected empty, file://path or s3://bucket/prefix?endpoint=…&region=…&path_style=true.",
		},
		"blob.url.scheme": {
			ZH: "不支持的文件存储类型「{scheme}」，请使用 file:// 或 s3://。",
			EN: "Unsupported storage scheme {scheme}; use file:// or s3://.",
		},
		"blob.url.param": {
			ZH: "文件存储地址中的参数「{param}」未知或取值不正确。",
			EN: "The storage URL parameter {param} is unknown or has a bad value.",
		},
		"blob.url.credentials": {
			ZH: "文件存储地址中不能包含密钥，请通过 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY 环境变量提供。",
			EN: "Do not put credentials in the storage URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead.",
		},
	})
}

// DeleteOlderThan deletes the objects under prefix written before cutoff and
// returns how many it deleted. It is the retention sweep: MIIT upload files
// must be kept at least three months, so a job calls it with a cutoff older
// than that. It stops at the first error, after which running it again is
// safe.
func DeleteOlderThan(ctx context.Context, s Store, prefix string, cutoff time.Time) (int, error) {
	var old []string
	for e, err := range s.List(ctx, prefix) {
		if err != nil {
			return 0, err
		}
		if e.ModTime.Before(cutoff) {
			old = append(old, e.Key)
		}
	}
	// Deleting after listing keeps the disk walk from seeing directories
	// that vanish under it.
	for i, k := range old {
		if err := s.Delete(ctx, k); err != nil {
			return i, err
		}
	}
	return len(old), nil
}

// putLimit turns the caller's maxSize into the limit Put enforces.
func putLimit(maxSize int64) int64 {
	if maxSize <= 0 {
		return DefaultMaxSize
	}
	return min(maxSize, MaxSize)
}

// checkPutMeta validates what the caller declares before any byte is read,
// so a bad declaration costs nothing, and returns it normalised.
func checkPutMeta(m Meta) (Meta, error) {
	out := Meta{Size: m.Size}
	if m.ContentType == "" {
		out.ContentType = DefaultContentType
	} else {
		if _, _, err := mime.ParseMediaType(m.ContentType); err != nil || len(m.ContentType) > 255 {
			return Meta{}, beian.Invalid("content_type", "blob.content_type.invalid", "type", clip(m.ContentType)).WithCause(err)
		}
		out.ContentType = m.ContentType
	}
	if m.SHA256 != "" {
		s := strings.ToLower(m.SHA256)
		if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size {
			return Meta{}, beian.Invalid("sha256", "blob.sha256.format")
		}
		out.SHA256 = s
	}
	if m.Size < 0 {
		out.Size = 0
	}
	return out, nil
}

// copyChecked copies r to w, hashing as it goes, and fails when r holds more
// than limit bytes or does not match what want declares. It is shared by both
// stores so that they accept and reject exactly the same uploads; the caller
// discards w on error. The returned Meta has ContentType, SHA256 and Size.
func copyChecked(ctx context.Context, w io.Writer, r io.Reader, limit int64, want Meta) (Meta, error) {
	h := sha256.New()
	// MultiWriter also hides w's ReadFrom, so every byte passes the hash.
	n, err := io.CopyBuffer(io.MultiWriter(w, h), &ctxReader{ctx: ctx, r: io.LimitReader(r, limit+1)}, make([]byte, 64<<10))
	if err != nil {
		if ctx.Err() != nil {
			return Meta{}, unavailable("put", ctx.Err())
		}
		if _, ok := beian.AsError(err); ok {
			return Meta{}, err
		}
		return Meta{}, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("blob: read upload: %w", err))
	}
	if n > limit {
		return Meta{}, beian.Invalid("file", "blob.too_large", "max", formatSize(limit))
	}
	if want.Size > 0 && n != want.Size {
		return Meta{}, beian.Invalid("file", "blob.size.mismatch",
			"got", strconv.FormatInt(n, 10), "want", strconv.FormatInt(want.Size, 10))
	}
	got := hexSum(h)
	if want.SHA256 != "" && got != want.SHA256 {
		return Meta{}, beian.Invalid("sha256", "blob.sha256.mismatch")
	}
	return Meta{ContentType: want.ContentType, SHA256: got, Size: n}, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// ctxReader stops a long upload when its request is cancelled, instead of
// draining a slow client to the end.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// formatSize renders a limit for people: "2 MB" for whole mebibytes (what
// upload forms say), bytes otherwise.
func formatSize(n int64) string {
	const mb = 1 << 20
	if n >= mb && n%mb == 0 {
		return strconv.FormatInt(n/mb, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// clip shortens a value echoed in a message, so a hostile key or type cannot
// fill a page or a log line.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

func notFound(op, key string, cause error) error {
	return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(fmt.Errorf("blob: %s %s: %w", op, key, cause))
}

func unavailable(op string, cause error) error {
	return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(fmt.Errorf("blob: %s: %w", op, cause))
}

func internal(op, key string, cause error) error {
	return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("blob: %s %s: %w", op, key, cause))
}

// isCtxErr reports whether err comes from a cancelled or expired context;
// such errors become EUNAVAILABLE, as in the SQL store.
func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
