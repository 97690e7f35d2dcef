package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/openbeian/beian"
)

// S3Config says where an [S3] store lives. [ParseS3URL] fills it from the
// --blob URL; tests and embedders may fill it directly.
type S3Config struct {
	// Bucket is the bucket name.
	Bucket string
	// Prefix is prepended to every key, so that several installations or
	// environments can share a bucket. It is empty or ends in '/'.
	Prefix string
	// Endpoint is the base URL of an S3-compatible service (MinIO, Ceph,
	// a Chinese cloud's object storage); empty means AWS itself.
	Endpoint string
	// Region signs requests. Empty means the AWS configuration's region
	// (AWS_REGION, the shared config file) or else "us-east-1", which most
	// S3-compatible services accept.
	Region string
	// PathStyle addresses buckets as endpoint/bucket rather than
	// bucket.endpoint; most self-hosted services need it.
	PathStyle bool
	// AccessKeyID and SecretAccessKey, when both are set, are used instead
	// of the standard AWS credential chain (environment variables, shared
	// files, instance roles). The URL never carries them.
	AccessKeyID     string
	SecretAccessKey string
	// HTTPClient replaces the SDK's HTTP client when set (tests use it to
	// trust a local TLS server). It cannot be combined with AWS_CA_BUNDLE,
	// which the SDK can only add to its own client.
	HTTPClient *http.Client
	// SpoolDir is where uploads larger than SpoolThreshold bytes wait while
	// they are checked; empty means os.TempDir(). SpoolThreshold ≤ 0 means
	// 1 MiB.
	SpoolDir       string
	SpoolThreshold int64
}

// S3 is a [Store] in an S3-compatible bucket. Each object carries its
// SHA-256 as user metadata ("x-amz-meta-sha256") and its media type as
// Content-Type.
//
// An upload is first read into a spool (memory up to the threshold, then a
// temporary file) while its size and checksum are checked; only an accepted
// upload is sent, in one PutObject with a known length. That keeps memory
// bounded, keeps refused uploads from ever becoming visible, and lets the
// request be signed with the content's SHA-256, which S3 verifies on
// arrival. Objects are limited to [MaxSize]; multipart upload is not used.
type S3 struct {
	client    *s3.Client
	bucket    string
	prefix    string
	spoolDir  string
	threshold int64
}

// OpenS3 returns a store for cfg. It does not contact the service; the first
// request does.
func OpenS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, beian.Errorf(beian.EINVALID, "blob.url.invalid").WithCause(errors.New("blob: no bucket"))
	}
	if cfg.Prefix != "" && (!strings.HasSuffix(cfg.Prefix, "/") || !validPath(strings.TrimSuffix(cfg.Prefix, "/"))) {
		return nil, beian.Errorf(beian.EINVALID, "blob.url.invalid").WithCause(fmt.Errorf("blob: bad prefix %q", cfg.Prefix))
	}
	opts := []func(*config.LoadOptions) error{config.WithDefaultRegion("us-east-1")}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" && cfg.SecretAccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The environment or the shared files are wrong, not the URL.
		return nil, internal("open", "s3://"+cfg.Bucket, fmt.Errorf("AWS configuration: %w", err))
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// By default the SDK sends uploads as aws-chunked bodies with a
		// trailing CRC checksum, which several S3-compatible services
		// (and gofakes3) store verbatim, framing and all. The payload is
		// signed with its SHA-256 instead (see Put), so nothing is lost.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	threshold := cfg.SpoolThreshold
	if threshold <= 0 {
		threshold = defaultSpoolThreshold
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix, spoolDir: cfg.SpoolDir, threshold: threshold}, nil
}

// Close implements [Store.Close]; the S3 store holds nothing open.
func (s *S3) Close() error { return nil }

// metaSHA256 is the user-metadata name of the content's SHA-256.
const metaSHA256 = "sha256"

// Put implements [Store.Put].
func (s *S3) Put(ctx context.Context, key string, r io.Reader, maxSize int64, meta Meta) (Meta, error) {
	if err := ValidateKey(key); err != nil {
		return Meta{}, err
	}
	want, err := checkPutMeta(meta)
	if err != nil {
		return Meta{}, err
	}
	sp := &spool{dir: s.spoolDir, threshold: s.threshold}
	defer sp.Close()
	m, err := copyChecked(ctx, sp, r, putLimit(maxSize), want)
	if err != nil {
		return Meta{}, err
	}
	body, err := sp.reader()
	if err != nil {
		return Meta{}, internal("put", key, err)
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          body,
		ContentLength: aws.Int64(m.Size),
		ContentType:   aws.String(m.ContentType),
		Metadata:      map[string]string{metaSHA256: m.SHA256},
	}, withPayloadHash(m.SHA256))
	if err != nil {
		return Meta{}, s.fail("put", key, err)
	}
	m.ModTime = time.Now().UTC()
	return m, nil
}

// withPayloadHash gives the signer the SHA-256 Put already computed, so the
// SDK neither reads the spooled body a second time nor, over HTTPS, falls
// back to an unsigned payload: S3 then rejects a body that changed on the
// way.
func withPayloadHash(sum string) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("BeianPayloadHash",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return next.HandleFinalize(v4.SetPayloadHash(ctx, sum), in)
				}), (*v4.ComputePayloadSHA256)(nil).ID(), middleware.Before)
		})
	}
}

// Get implements [Store.Get]; the reader is the response body.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Meta, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Meta{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, Meta{}, s.fail("get", key, err)
	}
	return out.Body, s3Meta(out.ContentType, out.ContentLength, out.LastModified, out.Metadata), nil
}

// Stat implements [Store.Stat].
func (s *S3) Stat(ctx context.Context, key string) (Meta, error) {
	if err := ValidateKey(key); err != nil {
		return Meta{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return Meta{}, s.fail("stat", key, err)
	}
	return s3Meta(out.ContentType, out.ContentLength, out.LastModified, out.Metadata), nil
}

// s3Meta builds Meta from a response. Objects written by other tools may
// lack the SHA-256; their Meta.SHA256 is empty.
func s3Meta(contentType *string, size *int64, mod *time.Time, user map[string]string) Meta {
	m := Meta{
		ContentType: aws.ToString(contentType),
		Size:        aws.ToInt64(size),
		ModTime:     aws.ToTime(mod).UTC(),
		SHA256:      user[metaSHA256],
	}
	if m.ContentType == "" {
		m.ContentType = DefaultContentType
	}
	return m
}

// Delete implements [Store.Delete].
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		if e := s.fail("delete", key, err); beian.ErrorCode(e) != beian.ENOTFOUND {
			return e
		}
	}
	return nil
}

// List implements [Store.List] with ListObjectsV2, one page of up to 1000
// keys at a time.
func (s *S3) List(ctx context.Context, prefix string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if !validPrefix(prefix) {
			yield(Entry{}, invalidKey(prefix))
			return
		}
		p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
			Bucket: aws.String(s.bucket),
			Prefix: aws.String(s.prefix + prefix),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				yield(Entry{}, s.fail("list", prefix, err))
				return
			}
			for _, o := range page.Contents {
				k := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
				if ValidateKey(k) != nil {
					continue // put there by another tool
				}
				if !yield(Entry{Key: k, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified).UTC()}, nil) {
					return
				}
			}
		}
	}
}

// fail maps an SDK error. A missing key is ENOTFOUND; a missing bucket is a
// configuration mistake (EINTERNAL, so it is logged) and not a missing
// document; network failures, throttling and 5xx are EUNAVAILABLE.
func (s *S3) fail(op, key string, err error) error {
	cause := fmt.Errorf("blob: s3 %s %s: %w", op, key, err)
	if isCtxErr(err) {
		return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchBucket":
			return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(cause)
		case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout":
			return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
		}
	}
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(cause)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch code := re.HTTPStatusCode(); {
		case code == http.StatusNotFound && (api == nil || api.ErrorCode() != "NoSuchBucket"):
			return beian.Errorf(beian.ENOTFOUND, "error.not_found").WithCause(cause)
		case code >= 500 || code == http.StatusTooManyRequests:
			return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
		}
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return beian.Errorf(beian.EUNAVAILABLE, "error.unavailable").WithCause(cause)
	}
	return beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(cause)
}
