package blob

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/openbeian/beian"
)

// Files hold copies of identity documents, so neither they nor their
// directories are readable by other users of the machine.
const (
	filePerm = 0o640
	dirPerm  = 0o750
)

// sidecarSuffix names the JSON file next to each object that holds its
// metadata. Keys cannot contain '~', so no key names a sidecar.
const sidecarSuffix = "~meta.json"

// Disk is a [Store] in a local directory: an object is a plain file at its
// key's path, so operators can back the directory up and open a document
// directly, with its metadata in a "<name>~meta.json" file beside it.
//
// All access goes through an [os.Root], so no key and no symbolic link
// planted in the directory can reach a file outside it. Writes go to a
// temporary file in the target directory, are synced, and are renamed into
// place, so a crash leaves either the old object or the new one. Temporary
// files start with '.' and contain '~'; they are never listed, and any left
// by a crash may be removed by hand.
//
// Unlike S3, a file system cannot hold both "a" and "a/b": a Put that would
// need one where the other exists is an ECONFLICT error.
type Disk struct {
	root *os.Root
}

// OpenDisk opens the store in dir, creating the directory when needed.
func OpenDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, internal("open", dir, err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, internal("open", dir, err)
	}
	return &Disk{root: r}, nil
}

// Close releases the directory handle.
func (d *Disk) Close() error { return d.root.Close() }

// sidecar is the JSON stored beside an object. Size and ModTime are those of
// the data file it was written with: Get compares them with the file it
// opened to tell a sidecar that belongs to a racing overwrite.
type sidecar struct {
	ContentType string    `json:"content_type"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ModTime     time.Time `json:"mod_time"`
}

// Put implements [Store.Put]. The sidecar is renamed into place before the
// data file, so a new key never appears without its metadata.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader, maxSize int64, meta Meta) (Meta, error) {
	if err := ValidateKey(key); err != nil {
		return Meta{}, err
	}
	want, err := checkPutMeta(meta)
	if err != nil {
		return Meta{}, err
	}
	dir, name := path.Split(key)
	dir = strings.TrimSuffix(dir, "/")
	tmp, tmpName, err := d.createTemp(dir, name, "tmp")
	if err != nil {
		return Meta{}, d.writeError("put", key, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			d.root.Remove(tmpName)
		}
	}()

	m, err := copyChecked(ctx, tmp, r, putLimit(maxSize), want)
	if err != nil {
		return Meta{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Meta{}, internal("put", key, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		return Meta{}, internal("put", key, err)
	}
	if err := tmp.Close(); err != nil {
		return Meta{}, internal("put", key, err)
	}
	m.ModTime = st.ModTime().UTC()

	sc, err := json.Marshal(sidecar{ContentType: m.ContentType, SHA256: m.SHA256, Size: m.Size, ModTime: m.ModTime})
	if err != nil {
		return Meta{}, internal("put", key, err)
	}
	if err := d.writeSidecar(dir, name, sc); err != nil {
		return Meta{}, d.writeError("put", key, err)
	}
	if err := d.root.Rename(tmpName, key); err != nil {
		// The new sidecar describes data that never arrived. Usually a
		// directory stood at key, which has no sidecar of its own; in any
		// case, without a sidecar Get rebuilds the metadata from the file.
		d.root.Remove(key + sidecarSuffix)
		return Meta{}, d.writeError("put", key, err)
	}
	done = true
	if err := d.syncDir(dir); err != nil {
		return Meta{}, internal("put", key, err)
	}
	return m, nil
}

// createTemp creates an exclusive temporary file beside name in dir, making
// the directory first. A concurrent Delete may remove an empty directory
// between the two steps, so ENOENT is retried a few times.
func (d *Disk) createTemp(dir, name, kind string) (*os.File, string, error) {
	for attempt := 0; ; attempt++ {
		if dir != "" {
			if err := d.root.MkdirAll(dir, dirPerm); err != nil {
				return nil, "", err
			}
		}
		tmpName := path.Join(dir, "."+name+"~"+kind+"-"+rand.Text())
		f, err := d.root.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
		if err == nil {
			return f, tmpName, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return nil, "", err
		}
	}
}

// writeSidecar replaces the sidecar of dir/name atomically.
func (d *Disk) writeSidecar(dir, name string, data []byte) error {
	f, tmpName, err := d.createTemp(dir, name, "meta")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.root.Rename(tmpName, path.Join(dir, name+sidecarSuffix))
	}
	if err != nil {
		d.root.Remove(tmpName)
	}
	return err
}

// syncDir makes renames in dir durable.
func (d *Disk) syncDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	f, err := d.root.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Get implements [Store.Get]; the reader is the open file.
func (d *Disk) Get(ctx context.Context, key string) (io.ReadCloser, Meta, error) {
	f, m, err := d.open(ctx, "get", key)
	if err != nil {
		return nil, Meta{}, err
	}
	return f, m, nil
}

// Stat implements [Store.Stat].
func (d *Disk) Stat(ctx context.Context, key string) (Meta, error) {
	f, m, err := d.open(ctx, "stat", key)
	if err != nil {
		return Meta{}, err
	}
	f.Close()
	return m, nil
}

// open opens key's data file and reads the sidecar that belongs to it. If
// the sidecar describes another write (an overwrite raced us), it tries
// again. If they still disagree — a crash between the two renames of an
// overwrite, a file edited by hand, or a restore that did not keep
// modification times — the content is hashed: when the hash matches the
// sidecar's, the sidecar still holds for this content and its media type is
// kept; otherwise the metadata is rebuilt from the file alone, which is the
// truth about the content.
func (d *Disk) open(ctx context.Context, op, key string) (*os.File, Meta, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Meta{}, err
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, Meta{}, unavailable(op, err)
		}
		f, err := d.root.Open(key)
		if err != nil {
			return nil, Meta{}, d.readError(op, key, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, Meta{}, internal(op, key, err)
		}
		if !st.Mode().IsRegular() {
			f.Close()
			return nil, Meta{}, notFound(op, key, errors.New("not a regular file"))
		}
		m := Meta{Size: st.Size(), ModTime: st.ModTime().UTC()}
		var sc sidecar
		b, err := d.root.ReadFile(key + sidecarSuffix)
		if err != nil || json.Unmarshal(b, &sc) != nil {
			sc = sidecar{}
		}
		if sc.SHA256 != "" && sc.Size == m.Size && sc.ModTime.Equal(m.ModTime) {
			m.ContentType, m.SHA256 = sc.ContentType, sc.SHA256
			return f, m, nil
		}
		if attempt < 2 {
			f.Close()
			time.Sleep(time.Duration(attempt+1) * time.Millisecond)
			continue
		}
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, m.Size)); err != nil {
			f.Close()
			return nil, Meta{}, internal(op, key, err)
		}
		m.ContentType, m.SHA256 = DefaultContentType, hexSum(h)
		if sc.SHA256 == m.SHA256 && sc.ContentType != "" {
			m.ContentType = sc.ContentType
		}
		return f, m, nil
	}
}

// Delete implements [Store.Delete]. It also removes directories the delete
// leaves empty, so retention sweeps over dated prefixes do not leave a trail
// of empty folders; a concurrent Put into such a directory recreates it.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return unavailable("delete", err)
	}
	st, err := d.root.Lstat(key)
	switch {
	case err != nil && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)):
		// Already gone; the sidecar may still be there after a crash.
	case err != nil:
		return internal("delete", key, err)
	case st.IsDir():
		return nil // a directory is not an object
	default:
		if err := d.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return internal("delete", key, err)
		}
	}
	if err := d.root.Remove(key + sidecarSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return internal("delete", key, err)
	}
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if st, err := d.root.Lstat(dir); err != nil || !st.IsDir() {
			break
		}
		if d.root.Remove(dir) != nil {
			break // not empty: some other object lives here
		}
	}
	return nil
}

// List implements [Store.List]. It walks only the directories that can hold
// matching keys, reading one directory at a time, and does not follow
// symbolic links.
func (d *Disk) List(ctx context.Context, prefix string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if !validPrefix(prefix) {
			yield(Entry{}, invalidKey(prefix))
			return
		}
		dir := "."
		if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
			dir = prefix[:i]
		}
		d.walk(ctx, dir, prefix, yield)
	}
}

// walk yields the matching objects under dir in key order and reports
// whether to go on. Sorting a directory's entries by name, with "/" appended
// to directory names, gives exactly the byte order of the keys beneath them,
// since every key under directory "a" starts with "a/".
func (d *Disk) walk(ctx context.Context, dir, prefix string, yield func(Entry, error) bool) bool {
	if err := ctx.Err(); err != nil {
		return yield(Entry{}, unavailable("list", err))
	}
	f, err := d.root.Open(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return true
		}
		return yield(Entry{}, internal("list", dir, err))
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return true
		}
		return yield(Entry{}, internal("list", dir, err))
	}
	sortName := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return cmp.Compare(sortName(a), sortName(b)) })
	for _, e := range entries {
		name := e.Name()
		if !validPath(name) {
			continue // sidecars, temporary files, lost+found and the like
		}
		k := name
		if dir != "." {
			k = dir + "/" + name
		}
		if e.IsDir() {
			if strings.HasPrefix(k+"/", prefix) || strings.HasPrefix(prefix, k+"/") {
				if !d.walk(ctx, k, prefix, yield) {
					return false
				}
			}
			continue
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(k, prefix) || len(k) > MaxKeyLen {
			continue
		}
		// Through the root, not e.Info(), which looks the name up by path.
		info, err := d.root.Lstat(k)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted while we listed
		}
		if err != nil {
			return yield(Entry{}, internal("list", k, err))
		}
		if !yield(Entry{Key: k, Size: info.Size(), ModTime: info.ModTime().UTC()}, nil) {
			return false
		}
	}
	return true
}

// readError maps a file system error of Get or Stat: a missing file, or a
// file where a directory of the key should be, means no such object.
func (d *Disk) readError(op, key string, err error) error {
	switch {
	case isCtxErr(err):
		return unavailable(op, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return notFound(op, key, err)
	}
	// Among the rest: a symbolic link that points out of the directory,
	// which os.Root refuses. That is an attack or a broken installation,
	// so it goes to the log as an internal error.
	return internal(op, key, err)
}

// writeError maps a file system error of Put: a file where the key needs a
// directory, or a directory where it needs a file, is a conflict.
func (d *Disk) writeError(op, key string, err error) error {
	switch {
	case isCtxErr(err):
		return unavailable(op, err)
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.ENOTEMPTY), errors.Is(err, fs.ErrExist):
		e := beian.Errorf(beian.ECONFLICT, "blob.key.conflict", "key", clip(key))
		e.Field = "key"
		return e.WithCause(fmt.Errorf("blob: %s %s: %w", op, key, err))
	}
	return internal(op, key, err)
}
