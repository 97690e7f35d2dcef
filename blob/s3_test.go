package blob_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
)

// fakeS3 is gofakes3 on 127.0.0.1 behind a check of what real S3 verifies
// and gofakes3 does not: the signed payload hash must be the body's SHA-256,
// and the body must not be aws-chunked (design §8).
type fakeS3 struct {
	url     string
	backend *s3mem.Backend
	puts    atomic.Int64 // PUTs whose payload hash was checked
	client  *http.Client // trusts the TLS fake's certificate
}

func newFakeS3(t *testing.T) *fakeS3 { return startFakeS3(t, false) }

func startFakeS3(t *testing.T, tls bool) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	if err := f.backend.CreateBucket("beian"); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(f.backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(f.verify(t, faker.Server()))
		f.client = srv.Client()
	} else {
		srv = httptest.NewServer(f.verify(t, faker.Server()))
	}
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *fakeS3) verify(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") || r.Header.Get("X-Amz-Trailer") != "" {
				t.Errorf("PUT %s sent an aws-chunked body with a trailer", r.URL.Path)
			}
			body, err := io.ReadAll(r.Body)
			if err != nil {
				t.Errorf("read PUT body: %v", err)
			}
			h := sha256.Sum256(body)
			if got, want := r.Header.Get("X-Amz-Content-Sha256"), hex.EncodeToString(h[:]); got != want {
				t.Errorf("PUT %s: x-amz-content-sha256 %q, body hashes to %s", r.URL.Path, got, want)
				http.Error(w, "XAmzContentSHA256Mismatch", http.StatusBadRequest)
				return
			}
			f.puts.Add(1)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

func (f *fakeS3) config(t *testing.T) blob.S3Config {
	return blob.S3Config{
		Bucket:          "beian",
		Prefix:          "test/",
		Endpoint:        f.url,
		Region:          "cn-north-1",
		PathStyle:       true,
		AccessKeyID:     "AKIDBEIANTEST",
		SecretAccessKey: "beian-test-secret",
		SpoolDir:        t.TempDir(),
		SpoolThreshold:  256 << 10,
		HTTPClient:      f.client,
	}
}

// openFakeS3 opens an S3 store on a fresh fake, spooling above 256 KiB so
// that the suite exercises both the memory and the file spool, and checks at
// the end that no spool file was left behind.
func openFakeS3(t *testing.T) blob.Store {
	t.Helper()
	f := newFakeS3(t)
	cfg := f.config(t)
	s, err := blob.OpenS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if left, _ := os.ReadDir(cfg.SpoolDir); len(left) != 0 {
			t.Errorf("spool files left behind: %v", left)
		}
	})
	return s
}

// TestS3Exact reads the stored object straight from the fake's backend: the
// bytes S3 holds are exactly the upload, with no checksum framing.
func TestS3Exact(t *testing.T) {
	f := newFakeS3(t)
	s, err := blob.OpenS3(t.Context(), f.config(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{100, 300 << 10} { // below and above the spool threshold
		data := bytes.Repeat([]byte("\x00\r\nchunk-signature=;"), size/20)
		if _, err := s.Put(t.Context(), "exact", bytes.NewReader(data), 1<<20, blob.Meta{ContentType: "image/png"}); err != nil {
			t.Fatal(err)
		}
		obj, err := f.backend.GetObject("beian", "test/exact", nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		if !bytes.Equal(raw, data) {
			t.Fatalf("stored %d bytes, uploaded %d", len(raw), len(data))
		}
		if obj.Metadata["Content-Type"] != "image/png" || obj.Metadata["X-Amz-Meta-Sha256"] != sum(data) {
			t.Fatalf("stored metadata %v", obj.Metadata)
		}
	}
	if f.puts.Load() != 2 {
		t.Fatalf("%d PUTs checked, want 2", f.puts.Load())
	}
}

// TestS3TLS proves uploads stay signed with their SHA-256 over HTTPS, where
// the SDK would otherwise send UNSIGNED-PAYLOAD and S3 could not tell a
// body damaged on the way.
func TestS3TLS(t *testing.T) {
	// A CA bundle from the environment cannot be added to a plain
	// *http.Client; this test brings its own trust.
	t.Setenv("AWS_CA_BUNDLE", "")
	f := startFakeS3(t, true)
	s, err := blob.OpenS3(t.Context(), f.config(t))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, "tls/doc.pdf", bytes.Repeat([]byte("%PDF-1.7\n"), 40<<10), "application/pdf")
	if f.puts.Load() != 1 {
		t.Fatalf("%d PUTs checked, want 1", f.puts.Load())
	}
}

// TestS3ForeignObjects proves listing skips objects other tools put in the
// bucket under names that are not keys, and that objects without our
// metadata still read.
func TestS3ForeignObjects(t *testing.T) {
	f := newFakeS3(t)
	s, err := blob.OpenS3(t.Context(), f.config(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"test/bad key", "test/.hidden", "test/ok", "other/x"} {
		if _, err := f.backend.PutObject("beian", k, map[string]string{}, strings.NewReader("foreign"), 7, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := list(t, s, ""); len(got) != 1 || got[0] != "ok" {
		t.Fatalf("List = %q", got)
	}
	got, m := get(t, s, "ok")
	if string(got) != "foreign" || m.SHA256 != "" || m.Size != 7 {
		t.Fatalf("Get = %q, %+v", got, m)
	}
}

func TestS3Errors(t *testing.T) {
	f := newFakeS3(t)
	cfg := f.config(t)
	cfg.Bucket = "no-such-bucket"
	s, err := blob.OpenS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(t.Context(), "x", strings.NewReader("x"), 10, blob.Meta{})
	wantCode(t, err, beian.EINTERNAL)
	_, _, err = s.Get(t.Context(), "x")
	wantCode(t, err, beian.EINTERNAL)

	// Nobody listens on a closed server's port.
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	cfg = f.config(t)
	cfg.Endpoint = srv.URL
	s, err = blob.OpenS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Stat(t.Context(), "x")
	wantCode(t, err, beian.EUNAVAILABLE)
}

// TestOpenS3URL goes through Open with the URL form and the standard AWS
// environment variables, as `beian serve --blob s3://…` does.
func TestOpenS3URL(t *testing.T) {
	f := newFakeS3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	s, err := blob.Open(t.Context(), "s3://beian/env/docs?endpoint="+f.url+"&region=cn-north-1&path_style=true", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put(t, s, "a.txt", []byte("via env"), "text/plain")
	if _, err := f.backend.HeadObject("beian", "env/docs/a.txt"); err != nil {
		t.Fatalf("object not under the URL's prefix: %v", err)
	}
	if got, _ := get(t, s, "a.txt"); string(got) != "via env" {
		t.Fatalf("got %q", got)
	}
}

func TestParseS3URL(t *testing.T) {
	good := map[string]blob.S3Config{
		"s3://bucket":  {Bucket: "bucket"},
		"s3://bucket/": {Bucket: "bucket"},
		"s3://bucket/beian/prod?region=cn-north-1": {Bucket: "bucket", Prefix: "beian/prod/", Region: "cn-north-1"},
		"s3://b/p?endpoint=http://127.0.0.1:9000&region=cn-north-1&path_style=true": {
			Bucket: "b", Prefix: "p/", Endpoint: "http://127.0.0.1:9000", Region: "cn-north-1", PathStyle: true},
		"s3://b?endpoint=https://cos.ap-beijing.myqcloud.com&path_style=false": {
			Bucket: "b", Endpoint: "https://cos.ap-beijing.myqcloud.com"},
	}
	for raw, want := range good {
		got, err := blob.ParseS3URL(raw)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if got != want {
			t.Errorf("%s = %+v, want %+v", raw, got, want)
		}
	}
	bad := map[string]string{
		"s3://":                          "blob.url.invalid",
		"s3:///prefix":                   "blob.url.invalid",
		"s3://b:9000":                    "blob.url.invalid",
		"s3://key:secret@bucket":         "blob.url.credentials",
		"s3://b/../x":                    "blob.url.invalid",
		"s3://b/a//b":                    "blob.url.invalid",
		"s3://b?endpoint=127.0.0.1:9000": "blob.url.param",
		"s3://b?endpoint=ftp://h":        "blob.url.param",
		"s3://b?path_style=maybe":        "blob.url.param",
		"s3://b?region=":                 "blob.url.param",
		"s3://b?regoin=cn-north-1":       "blob.url.param",
		"s3://b?region=a&region=b":       "blob.url.param",
		"gs://bucket":                    "blob.url.scheme",
		"s3://b/%zz":                     "blob.url.invalid",
	}
	for raw, key := range bad {
		_, err := blob.ParseS3URL(raw)
		wantCode(t, err, beian.EINVALID)
		wantKey(t, err, key)
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error repeats the secret: %v", raw, err)
		}
	}
}
