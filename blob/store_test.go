package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
)

// TestStore runs one behaviour suite against every implementation: the
// callers of Store must not be able to tell them apart.
func TestStore(t *testing.T) {
	impls := []struct {
		name string
		open func(t *testing.T) blob.Store
	}{
		{"disk", openDisk},
		{"s3", openFakeS3},
	}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			for _, c := range suite {
				t.Run(c.name, func(t *testing.T) {
					s := impl.open(t)
					c.run(t, s)
				})
			}
		})
	}
}

func openDisk(t *testing.T) blob.Store {
	t.Helper()
	d, err := blob.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var suite = []struct {
	name string
	run  func(t *testing.T, s blob.Store)
}{
	{"RoundTripBinary", testRoundTripBinary},
	{"RoundTripLarge", testRoundTripLarge},
	{"RoundTripEmpty", testRoundTripEmpty},
	{"Overwrite", testOverwrite},
	{"SHA256Mismatch", testSHA256Mismatch},
	{"SizeMismatch", testSizeMismatch},
	{"BadMeta", testBadMeta},
	{"NotFound", testNotFound},
	{"List", testList},
	{"Delete", testDelete},
	{"DeleteOlderThan", testDeleteOlderThan},
	{"KeyValidation", testKeyValidation},
	{"SizeLimit", testSizeLimit},
	{"Cancelled", testCancelled},
	{"ConcurrentPuts", testConcurrentPuts},
	{"ConcurrentPutsSameKey", testConcurrentPutsSameKey},
}

var ctx = context.Background()

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := beian.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := beian.AsError(err)
	if !ok || e.Key != key {
		t.Fatalf("error %v: want message key %s", err, key)
	}
}

// onlyReader hides every method but Read, so stores cannot seek or learn
// the length: uploads arrive as a stream from an HTTP request.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func put(t *testing.T, s blob.Store, key string, data []byte, contentType string) blob.Meta {
	t.Helper()
	m, err := s.Put(ctx, key, onlyReader{bytes.NewReader(data)}, int64(len(data))+1, blob.Meta{ContentType: contentType})
	if err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
	return m
}

func get(t *testing.T, s blob.Store, key string) ([]byte, blob.Meta) {
	t.Helper()
	rc, m, err := s.Get(ctx, key)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, m
}

func checkMeta(t *testing.T, what string, m blob.Meta, data []byte, contentType string) {
	t.Helper()
	if m.Size != int64(len(data)) || m.SHA256 != sum(data) || m.ContentType != contentType {
		t.Errorf("%s meta = %+v, want size %d, sha256 %s, type %s", what, m, len(data), sum(data), contentType)
	}
	if d := time.Since(m.ModTime); d < -time.Minute || d > time.Minute {
		t.Errorf("%s ModTime %v is not about now", what, m.ModTime)
	}
}

func roundTrip(t *testing.T, s blob.Store, key string, data []byte, contentType string) {
	t.Helper()
	m, err := s.Put(ctx, key, onlyReader{bytes.NewReader(data)}, 16<<20,
		blob.Meta{ContentType: contentType, SHA256: strings.ToUpper(sum(data)), Size: int64(len(data))})
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	checkMeta(t, "Put", m, data, contentType)
	got, gm := get(t, s, key)
	if !bytes.Equal(got, data) {
		t.Fatalf("Get returned %d bytes (sha256 %s), want %d (%s)", len(got), sum(got), len(data), sum(data))
	}
	checkMeta(t, "Get", gm, data, contentType)
	sm, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkMeta(t, "Stat", sm, data, contentType)
}

func testRoundTripBinary(t *testing.T, s blob.Store) {
	data := make([]byte, 0, 4*256)
	for range 4 {
		for b := range 256 {
			data = append(data, byte(b))
		}
	}
	// CR LF, NUL and a fake chunk header: what a broken transfer would mangle.
	data = append(data, "\r\n0\r\n\r\nx-amz-checksum-crc32:AAAAAA==\r\n\x00"...)
	roundTrip(t, s, "orders/0195f3c2-7a1b/subject_certificate.jpg", data, "image/jpeg")
}

func testRoundTripLarge(t *testing.T, s blob.Store) {
	data := make([]byte, 8<<20+123)
	rand.NewChaCha8([32]byte{1}).Read(data)
	roundTrip(t, s, "videos/verification.mp4", data, "video/mp4")
}

func testRoundTripEmpty(t *testing.T, s blob.Store) {
	m, err := s.Put(ctx, "empty", onlyReader{strings.NewReader("")}, 10, blob.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	checkMeta(t, "Put", m, nil, blob.DefaultContentType)
	got, gm := get(t, s, "empty")
	if len(got) != 0 {
		t.Fatalf("got %d bytes", len(got))
	}
	checkMeta(t, "Get", gm, nil, blob.DefaultContentType)
}

func testOverwrite(t *testing.T, s blob.Store) {
	put(t, s, "miit/upload/0001.zip", []byte("first version"), "application/zip")
	put(t, s, "miit/upload/0001.zip", []byte("second"), "application/x-zip")
	got, m := get(t, s, "miit/upload/0001.zip")
	if string(got) != "second" {
		t.Fatalf("got %q", got)
	}
	checkMeta(t, "Get", m, got, "application/x-zip")
}

func testSHA256Mismatch(t *testing.T, s blob.Store) {
	data := []byte("承诺书 commitment letter")
	_, err := s.Put(ctx, "letters/1.pdf", bytes.NewReader(data), 1<<20, blob.Meta{SHA256: sum([]byte("other"))})
	wantCode(t, err, beian.EINVALID)
	wantKey(t, err, "blob.sha256.mismatch")
	_, err = s.Stat(ctx, "letters/1.pdf")
	wantCode(t, err, beian.ENOTFOUND)

	// A refused overwrite keeps the old object whole.
	put(t, s, "letters/1.pdf", data, "application/pdf")
	_, err = s.Put(ctx, "letters/1.pdf", strings.NewReader("tampered"), 1<<20, blob.Meta{SHA256: sum(data)})
	wantKey(t, err, "blob.sha256.mismatch")
	got, m := get(t, s, "letters/1.pdf")
	if !bytes.Equal(got, data) {
		t.Fatalf("old object changed to %q", got)
	}
	checkMeta(t, "Get", m, data, "application/pdf")
}

func testSizeMismatch(t *testing.T, s blob.Store) {
	_, err := s.Put(ctx, "short", strings.NewReader("12345"), 100, blob.Meta{Size: 6})
	wantCode(t, err, beian.EINVALID)
	wantKey(t, err, "blob.size.mismatch")
	_, err = s.Stat(ctx, "short")
	wantCode(t, err, beian.ENOTFOUND)
}

func testBadMeta(t *testing.T, s blob.Store) {
	for _, m := range []blob.Meta{
		{SHA256: "abc"},
		{SHA256: strings.Repeat("g", 64)},
		{ContentType: "image/"},
		{ContentType: "text/plain; charset"},
	} {
		_, err := s.Put(ctx, "x", strings.NewReader("x"), 10, m)
		wantCode(t, err, beian.EINVALID)
	}
	_, err := s.Stat(ctx, "x")
	wantCode(t, err, beian.ENOTFOUND)
}

func testNotFound(t *testing.T, s blob.Store) {
	put(t, s, "a/present", []byte("x"), "")
	for _, k := range []string{"missing", "a/missing", "b/c/d", "a/present/below"} {
		_, _, err := s.Get(ctx, k)
		wantCode(t, err, beian.ENOTFOUND)
		_, err = s.Stat(ctx, k)
		wantCode(t, err, beian.ENOTFOUND)
		if err := s.Delete(ctx, k); err != nil {
			t.Errorf("Delete %s: %v", k, err)
		}
	}
	// "a" is a directory on disk and a prefix on S3: no object either way.
	_, err := s.Stat(ctx, "a")
	wantCode(t, err, beian.ENOTFOUND)
}

func list(t *testing.T, s blob.Store, prefix string) []string {
	t.Helper()
	keys := []string{}
	for e, err := range s.List(ctx, prefix) {
		if err != nil {
			t.Fatalf("List %q: %v", prefix, err)
		}
		keys = append(keys, e.Key)
	}
	return keys
}

func testList(t *testing.T, s blob.Store) {
	all := []string{
		"miit/download/2025/06/0001.zip",
		"miit/upload/0001.zip",
		"orders-x",
		"orders/01-1/y", // '-' sorts before '/'
		"orders/01/a.jpg",
		"orders/01/b.pdf",
		"orders/01a/x",
		"orders/02/c.png",
		"z",
	}
	shuffled := slices.Clone(all)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for i, k := range shuffled {
		put(t, s, k, bytes.Repeat([]byte{'x'}, i+1), "")
	}
	for prefix, want := range map[string][]string{
		"":           all,
		"orders/01":  {"orders/01-1/y", "orders/01/a.jpg", "orders/01/b.pdf", "orders/01a/x"},
		"orders/01/": {"orders/01/a.jpg", "orders/01/b.pdf"},
		"orders":     all[2:8],
		"orders/":    all[3:8],
		"miit/":      all[:2],
		"z":          {"z"},
		"nope/":      {},
		"orders/03":  {},
	} {
		if got := list(t, s, prefix); !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", prefix, got, want)
		}
	}
	for e, err := range s.List(ctx, "orders/01/b") {
		if err != nil {
			t.Fatal(err)
		}
		if e.Key != "orders/01/b.pdf" || e.Size != int64(slices.Index(shuffled, e.Key)+1) {
			t.Errorf("entry %+v", e)
		}
		if d := time.Since(e.ModTime); d < -time.Minute || d > time.Minute {
			t.Errorf("entry ModTime %v", e.ModTime)
		}
	}
	// Stopping early is allowed.
	n := 0
	for range s.List(ctx, "") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break: %d entries", n)
	}
	for _, bad := range []string{"../", "/orders", "orders//", ".x", "a/.", "a~"} {
		var errs int
		for _, err := range s.List(ctx, bad) {
			wantCode(t, err, beian.EINVALID)
			errs++
		}
		if errs != 1 {
			t.Errorf("List(%q) yielded %d errors, want 1", bad, errs)
		}
	}
}

func testDelete(t *testing.T, s blob.Store) {
	put(t, s, "d/1/a", []byte("a"), "")
	put(t, s, "d/1/b", []byte("b"), "")
	put(t, s, "d/2/c", []byte("c"), "")
	if err := s.Delete(ctx, "d/1/a"); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(ctx, "d/1/a")
	wantCode(t, err, beian.ENOTFOUND)
	if got := list(t, s, "d/"); !slices.Equal(got, []string{"d/1/b", "d/2/c"}) {
		t.Fatalf("after delete: %q", got)
	}
	if err := s.Delete(ctx, "d/1/a"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.Delete(ctx, "d/2/c"); err != nil {
		t.Fatal(err)
	}
	// The key's directory is free again, for an object named like it.
	put(t, s, "d/2", []byte("now a file"), "")
	if got := list(t, s, "d/"); !slices.Equal(got, []string{"d/1/b", "d/2"}) {
		t.Fatalf("after delete: %q", got)
	}
}

func testDeleteOlderThan(t *testing.T, s blob.Store) {
	put(t, s, "miit/upload/1.zip", []byte("1"), "")
	put(t, s, "miit/upload/2.zip", []byte("2"), "")
	put(t, s, "orders/keep", []byte("k"), "")
	n, err := blob.DeleteOlderThan(ctx, s, "miit/upload/", time.Now().Add(-time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("past cutoff: %d, %v", n, err)
	}
	n, err = blob.DeleteOlderThan(ctx, s, "miit/upload/", time.Now().Add(time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("future cutoff: %d, %v", n, err)
	}
	if got := list(t, s, ""); !slices.Equal(got, []string{"orders/keep"}) {
		t.Fatalf("left: %q", got)
	}
}

var badKeys = []string{
	"",
	"../x",
	"..",
	".",
	"/abs",
	"/etc/passwd",
	"a/../b",
	"a/./b",
	"a//b",
	"a/",
	".hidden",
	"a/.b",
	"a~b",
	"a\\b",
	"C:x",
	"a b",
	"a\x00b",
	"照片.jpg",
	strings.Repeat("a", blob.MaxKeyLen+1),
	strings.Repeat("a/", blob.MaxKeyLen/2) + "a",
	strings.Repeat("a", 201),
}

func testKeyValidation(t *testing.T, s blob.Store) {
	for _, k := range badKeys {
		_, err := s.Put(ctx, k, strings.NewReader("x"), 10, blob.Meta{})
		wantCode(t, err, beian.EINVALID)
		_, _, err = s.Get(ctx, k)
		wantCode(t, err, beian.EINVALID)
		_, err = s.Stat(ctx, k)
		wantCode(t, err, beian.EINVALID)
		wantCode(t, s.Delete(ctx, k), beian.EINVALID)
	}
	if got := list(t, s, ""); len(got) != 0 {
		t.Fatalf("bad keys stored: %q", got)
	}
	// The longest keys are fine.
	long := strings.Repeat(strings.Repeat("b", 127)+"/", 4)
	long = long[:blob.MaxKeyLen-1] + "c"
	put(t, s, long, []byte("long"), "")
	seg := strings.Repeat("s", 200)
	put(t, s, seg, []byte("seg"), "")
	if got := list(t, s, ""); !slices.Equal(got, []string{long, seg}) {
		t.Fatalf("List = %q", got)
	}
}

func testSizeLimit(t *testing.T, s blob.Store) {
	data := bytes.Repeat([]byte("0123456789"), 100)
	_, err := s.Put(ctx, "big/file", onlyReader{bytes.NewReader(data)}, 999, blob.Meta{})
	wantCode(t, err, beian.EINVALID)
	wantKey(t, err, "blob.too_large")
	_, err = s.Stat(ctx, "big/file")
	wantCode(t, err, beian.ENOTFOUND)
	if got := list(t, s, ""); len(got) != 0 {
		t.Fatalf("left behind: %q", got)
	}

	// Exactly the limit is fine; over it keeps the old object.
	if _, err := s.Put(ctx, "big/file", bytes.NewReader(data), 1000, blob.Meta{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(ctx, "big/file", bytes.NewReader(append(data, '!')), 1000, blob.Meta{})
	wantKey(t, err, "blob.too_large")
	if got, _ := get(t, s, "big/file"); !bytes.Equal(got, data) {
		t.Fatalf("old object changed")
	}

	// A large stream over the limit stops early rather than reading it all.
	var read int64
	src := io.TeeReader(io.LimitReader(zeros{}, 1<<30), countWriter{&read})
	_, err = s.Put(ctx, "big/huge", src, 1<<20, blob.Meta{})
	wantKey(t, err, "blob.too_large")
	if read > 2<<20 {
		t.Errorf("read %d bytes for a 1 MiB limit", read)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

func testCancelled(t *testing.T, s blob.Store) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Put(c, "cancelled", strings.NewReader("x"), 10, blob.Meta{})
	wantCode(t, err, beian.EUNAVAILABLE)
	_, err = s.Stat(ctx, "cancelled")
	wantCode(t, err, beian.ENOTFOUND)
}

func testConcurrentPuts(t *testing.T, s blob.Store) {
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte(i)}, 64<<10+i)
			_, errs[i] = s.Put(ctx, fmt.Sprintf("c/%02d/doc", i), onlyReader{bytes.NewReader(data)}, 1<<20, blob.Meta{SHA256: sum(data)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
		got, m := get(t, s, fmt.Sprintf("c/%02d/doc", i))
		if want := bytes.Repeat([]byte{byte(i)}, 64<<10+i); !bytes.Equal(got, want) {
			t.Fatalf("object %d differs", i)
		}
		checkMeta(t, "Get", m, got, blob.DefaultContentType)
	}
	if got := list(t, s, "c/"); len(got) != n {
		t.Fatalf("List: %d keys", len(got))
	}
}

// testConcurrentPutsSameKey proves writes are atomic: whichever wins, a
// reader sees one whole version with its own metadata.
func testConcurrentPutsSameKey(t *testing.T, s blob.Store) {
	const n = 8
	var wg sync.WaitGroup
	versions := map[string]bool{}
	for i := range n {
		data := bytes.Repeat([]byte{byte('a' + i)}, 32<<10*(i+1))
		versions[sum(data)] = true
		wg.Go(func() {
			if _, err := s.Put(ctx, "same/key", bytes.NewReader(data), 1<<20, blob.Meta{ContentType: "text/plain"}); err != nil {
				t.Errorf("put %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got, m := get(t, s, "same/key")
	if !versions[sum(got)] || m.SHA256 != sum(got) || m.Size != int64(len(got)) {
		t.Fatalf("got %d bytes (%s) with meta %+v", len(got), sum(got), m)
	}
}
