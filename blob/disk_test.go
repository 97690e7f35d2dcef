package blob_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
)

// files lists every file and directory under dir, relative and sorted, for
// tests that prove the store left nothing behind and wrote nothing outside.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func openDiskAt(t *testing.T, dir string) *blob.Disk {
	t.Helper()
	d, err := blob.OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestDiskSymlinkEscape plants symbolic links inside the store that point
// outside it, the way an attacker with a foothold or a careless operator
// might: os.Root must refuse to follow any of them, for reading, writing,
// deleting and listing.
func TestDiskSymlinkEscape(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("outside secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, outside)
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"abs":             outside, // absolute link to a directory
		"rel":             rel,     // relative link climbing out
		"leak.txt":        secret,  // absolute link to a file
		"orders/leak.txt": filepath.Join("..", rel, "secret.txt"),
	}
	if err := os.MkdirAll(filepath.Join(root, "orders"), 0o750); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	d := openDiskAt(t, root)

	for _, k := range []string{"abs/secret.txt", "rel/secret.txt", "leak.txt", "orders/leak.txt"} {
		if rc, _, err := d.Get(ctx, k); err == nil {
			rc.Close()
			t.Errorf("Get %s followed a link out of the store", k)
		}
		if _, err := d.Stat(ctx, k); err == nil {
			t.Errorf("Stat %s followed a link out of the store", k)
		}
		d.Delete(ctx, k) // must not delete the target
	}
	for _, k := range []string{"abs/new.txt", "rel/new.txt", "rel/sub/new.txt", "leak.txt"} {
		_, err := d.Put(ctx, k, strings.NewReader("planted"), 100, blob.Meta{})
		if k == "leak.txt" {
			// Replacing the link itself is fine: rename swaps the name,
			// it does not write through the link.
			if err != nil {
				t.Errorf("Put %s: %v", k, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("Put %s wrote through a link out of the store", k)
		}
	}
	if got, want := files(t, outside), []string{"secret.txt"}; !slices.Equal(got, want) {
		t.Errorf("outside directory now holds %q", got)
	}
	if b, _ := os.ReadFile(secret); string(b) != "outside secret" {
		t.Errorf("secret changed to %q", b)
	}
	for _, k := range list(t, d, "") {
		if k != "leak.txt" {
			t.Errorf("List followed a link: %s", k)
		}
	}
}

// TestDiskConflict shows the one difference from S3: a key cannot be both an
// object and a directory of other objects.
func TestDiskConflict(t *testing.T) {
	d := openDiskAt(t, t.TempDir())
	put(t, d, "a", []byte("file"), "")
	_, err := d.Put(ctx, "a/b", strings.NewReader("x"), 10, blob.Meta{})
	wantCode(t, err, beian.ECONFLICT)
	wantKey(t, err, "blob.key.conflict")
	put(t, d, "x/y", []byte("file"), "")
	_, err = d.Put(ctx, "x", strings.NewReader("x"), 10, blob.Meta{})
	wantCode(t, err, beian.ECONFLICT)
	if got := list(t, d, ""); !slices.Equal(got, []string{"a", "x/y"}) {
		t.Fatalf("List = %q", got)
	}
	if b, _ := get(t, d, "a"); string(b) != "file" {
		t.Fatalf("a = %q", b)
	}
}

// TestDiskLayout checks what operators see: plain files at their keys,
// private permissions, one sidecar each, no temporary files after success
// or failure, and no empty directories after deletes.
func TestDiskLayout(t *testing.T) {
	dir := t.TempDir()
	d := openDiskAt(t, dir)
	put(t, d, "orders/o1/id_front.jpg", []byte("jpeg"), "image/jpeg")
	_, err := d.Put(ctx, "orders/o1/too_big.mp4", bytes.NewReader(make([]byte, 2000)), 1000, blob.Meta{})
	wantKey(t, err, "blob.too_large")
	_, err = d.Put(ctx, "orders/o2/bad.pdf", strings.NewReader("pdf"), 1000, blob.Meta{SHA256: sum([]byte("other"))})
	wantKey(t, err, "blob.sha256.mismatch")

	want := []string{"orders", "orders/o1", "orders/o1/id_front.jpg", "orders/o1/id_front.jpg~meta.json"}
	got := files(t, dir)
	// A failed Put may leave the directory it created; it must leave no file.
	got = slices.DeleteFunc(got, func(s string) bool { return s == "orders/o2" })
	if !slices.Equal(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "orders/o1/id_front.jpg"))
	if err != nil || string(b) != "jpeg" {
		t.Fatalf("plain file: %q, %v", b, err)
	}
	st, err := os.Stat(filepath.Join(dir, "orders/o1/id_front.jpg"))
	if err != nil || st.Mode().Perm()&0o007 != 0 {
		t.Fatalf("file mode %v, %v: others may read an ID photo", st.Mode(), err)
	}

	if err := d.Delete(ctx, "orders/o1/id_front.jpg"); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "orders/o1") }) {
		t.Fatalf("after delete: %q", got)
	}
}

// TestDiskSidecarRepair simulates a crash between the two renames of an
// overwrite (new sidecar, old data) and a data file changed by hand: Get
// must describe the bytes it returns, not the stale sidecar.
func TestDiskSidecarRepair(t *testing.T) {
	dir := t.TempDir()
	d := openDiskAt(t, dir)
	put(t, d, "doc", []byte("original"), "text/plain")
	changed := []byte("changed by hand")
	if err := os.WriteFile(filepath.Join(dir, "doc"), changed, 0o640); err != nil {
		t.Fatal(err)
	}
	got, m := get(t, d, "doc")
	if !bytes.Equal(got, changed) || m.SHA256 != sum(changed) || m.Size != int64(len(changed)) || m.ContentType != blob.DefaultContentType {
		t.Fatalf("Get = %q, %+v", got, m)
	}

	// A missing sidecar is repaired the same way.
	os.Remove(filepath.Join(dir, "doc~meta.json"))
	m, err := d.Stat(ctx, "doc")
	if err != nil || m.SHA256 != sum(changed) {
		t.Fatalf("Stat = %+v, %v", m, err)
	}
}

// TestDiskCrashLeftovers shows that files a crash can leave (temporary
// files, an orphan sidecar) are invisible to readers and listings.
func TestDiskCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	d := openDiskAt(t, dir)
	put(t, d, "keep", []byte("k"), "")
	for _, name := range []string{".new~tmp-ABC", ".new~meta-DEF", "new~meta.json", "lost+found"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("junk"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if got := list(t, d, ""); !slices.Equal(got, []string{"keep"}) {
		t.Fatalf("List = %q", got)
	}
	_, err := d.Stat(ctx, "new")
	wantCode(t, err, beian.ENOTFOUND)
}

func TestOpen(t *testing.T) {
	data := t.TempDir()
	s, err := blob.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "x", []byte("default"), "")
	s.Close()
	if b, err := os.ReadFile(filepath.Join(data, "documents", "x")); err != nil || string(b) != "default" {
		t.Fatalf("default store: %q, %v", b, err)
	}

	other := filepath.Join(t.TempDir(), "docs")
	s, err = blob.Open(ctx, "file://"+other, data)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "y", []byte("file URL"), "")
	s.Close()
	if b, err := os.ReadFile(filepath.Join(other, "y")); err != nil || string(b) != "file URL" {
		t.Fatalf("file:// store: %q, %v", b, err)
	}

	for _, raw := range []string{"ftp://host/x", "/srv/docs", "s3:bucket", "s3://a:b@bucket"} {
		_, err := blob.Open(ctx, raw, data)
		wantCode(t, err, beian.EINVALID)
	}
}

// TestDiskModTime checks that ModTime is what retention sweeps think it is.
func TestDiskModTime(t *testing.T) {
	dir := t.TempDir()
	d := openDiskAt(t, dir)
	put(t, d, "miit/upload/old.zip", []byte("old"), "application/zip")
	put(t, d, "miit/upload/new.zip", []byte("new"), "")
	old := time.Now().Add(-100 * 24 * time.Hour)
	// An operator restoring a backup keeps the times; mimic that.
	if err := os.Chtimes(filepath.Join(dir, "miit/upload/old.zip"), old, old); err != nil {
		t.Fatal(err)
	}
	// The sidecar no longer matches the file's time; the content still
	// matches the sidecar's hash, so its media type survives.
	m, err := d.Stat(ctx, "miit/upload/old.zip")
	if err != nil || m.ContentType != "application/zip" || m.SHA256 != sum([]byte("old")) || !m.ModTime.Equal(old.UTC().Truncate(0)) {
		t.Fatalf("Stat after restore = %+v, %v", m, err)
	}
	n, err := blob.DeleteOlderThan(ctx, d, "miit/", time.Now().Add(-90*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteOlderThan = %d, %v", n, err)
	}
	if got := list(t, d, ""); !slices.Equal(got, []string{"miit/upload/new.zip"}) {
		t.Fatalf("List = %q", got)
	}
}
