package blob

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/openbeian/beian"
)

// Open returns the store rawURL names; it is what the --blob flag means.
//
//   - "" → a [Disk] store in dataDir/documents (the zero-config default).
//   - "file://" + path → a [Disk] store in path: "file:///srv/beian/docs", or
//     "file://docs" relative to the working directory; "file://" alone is
//     the default directory.
//   - "s3://bucket/prefix?endpoint=…&region=…&path_style=true" → an [S3]
//     store; see [ParseS3URL]. Credentials come from the standard AWS
//     environment variables and files, never from the URL.
//
// A malformed URL is EINVALID.
func Open(ctx context.Context, rawURL, dataDir string) (Store, error) {
	switch {
	case rawURL == "" || rawURL == "file://":
		return OpenDisk(filepath.Join(dataDir, "documents"))
	case strings.HasPrefix(rawURL, "file://"):
		// Taken literally rather than through url.Parse, which would read
		// "file://docs" as a host.
		return OpenDisk(filepath.FromSlash(strings.TrimPrefix(rawURL, "file://")))
	case strings.HasPrefix(rawURL, "s3://"):
		cfg, err := ParseS3URL(rawURL)
		if err != nil {
			return nil, err
		}
		return OpenS3(ctx, cfg)
	}
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		scheme = rawURL
	}
	return nil, beian.Errorf(beian.EINVALID, "blob.url.scheme", "scheme", clip(scheme))
}

// ParseS3URL reads "s3://bucket/prefix?endpoint=URL&region=NAME&path_style=BOOL".
// The prefix is optional and made of key segments; every parameter is
// optional. A URL with a user name or password is refused so that secrets
// never land in flags, process lists or logs; unknown parameters are refused
// so that a typo does not silently talk to AWS.
func ParseS3URL(rawURL string) (S3Config, error) {
	bad := func(cause error) (S3Config, error) {
		// The URL itself is not echoed: it may have been given a secret.
		return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.invalid").WithCause(cause)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return bad(fmt.Errorf("blob: parse storage URL: %w", err))
	}
	if u.Scheme != "s3" {
		return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.scheme", "scheme", clip(u.Scheme))
	}
	if u.User != nil {
		return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.credentials")
	}
	if u.Host == "" || u.Port() != "" || u.Fragment != "" || u.Opaque != "" {
		return bad(fmt.Errorf("blob: storage URL needs s3://bucket"))
	}
	cfg := S3Config{Bucket: u.Host}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if !validPath(p) || len(p) > MaxKeyLen/2 {
			return bad(fmt.Errorf("blob: bad prefix %q", p))
		}
		cfg.Prefix = p + "/"
	}
	for name, vals := range u.Query() {
		if len(vals) != 1 {
			return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.param", "param", clip(name))
		}
		v := vals[0]
		switch name {
		case "endpoint":
			e, err := url.Parse(v)
			if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" || e.User != nil {
				return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.param", "param", name)
			}
			cfg.Endpoint = v
		case "region":
			if v == "" {
				return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.param", "param", name)
			}
			cfg.Region = v
		case "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.param", "param", name)
			}
			cfg.PathStyle = b
		default:
			return S3Config{}, beian.Errorf(beian.EINVALID, "blob.url.param", "param", clip(name))
		}
	}
	return cfg, nil
}
