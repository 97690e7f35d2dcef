package blob

import (
	"bytes"
	"io"
	"os"
)

// defaultSpoolThreshold is how much of an upload the S3 store keeps in
// memory before it moves the upload to a temporary file: photos stay in
// memory, videos go to disk, and many concurrent uploads cannot exhaust RAM.
const defaultSpoolThreshold = 1 << 20

// spool holds an upload until it has been checked, because S3 needs a
// seekable body of known length to sign a PutObject over plain HTTP, and
// because a wrong size or checksum must be refused before the object becomes
// visible. It is an io.Writer; reader returns its content from the start.
type spool struct {
	dir       string
	threshold int64
	buf       bytes.Buffer
	f         *os.File
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && int64(s.buf.Len()+len(p)) > s.threshold {
		f, err := os.CreateTemp(s.dir, "beian-blob-*")
		if err != nil {
			return 0, err
		}
		s.f = f
		if _, err := s.f.Write(s.buf.Bytes()); err != nil {
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	if s.f != nil {
		return s.f.Write(p)
	}
	return s.buf.Write(p)
}

// reader returns the spooled content, positioned at its start.
func (s *spool) reader() (io.ReadSeeker, error) {
	if s.f == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.f, nil
}

// Close removes the temporary file, if any.
func (s *spool) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	if rerr := os.Remove(s.f.Name()); err == nil {
		err = rerr
	}
	return err
}
