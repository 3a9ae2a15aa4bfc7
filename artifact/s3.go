package artifact

// The rules for S3 sources are:
//   - Settings come the way the AWS CLI takes them: the SDK's default chain
//     (environment, shared config and credentials files, SSO, container and
//     instance roles), then the explicit S3Options on top.
//   - A custom endpoint (EndpointURL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL
//     or endpoint_url in the profile) implies path-style addressing, and
//     us-east-1 when no region is set.
//   - Against AWS with no region set anywhere, the bucket's region is asked
//     for with HeadBucket (x-amz-bucket-region) rather than failing on a
//     redirect; answers are remembered per bucket for the process.
//   - Only GET and HEAD requests are sent (a LIST is a GET): nothing here
//     writes.
//   - Credentials are retrieved before the first request, so a missing
//     credential is reported as ErrNoCredentials rather than as a signing
//     failure deep in the SDK.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/logging"
)

// S3Options are the AWS settings used for s3:// sources. The zero value
// uses the default chain for everything. S3Options is comparable and may be
// copied.
type S3Options struct {
	// Profile is the shared config profile (--profile); "" means AWS_PROFILE
	// or "default".
	Profile string
	// Region is the region requests are sent to (--region); "" means the
	// configured one, or else the bucket's own region, found with HeadBucket.
	Region string
	// EndpointURL replaces the S3 endpoint (--endpoint-url), e.g.
	// "http://127.0.0.1:7070"; "" means AWS_ENDPOINT_URL_S3,
	// AWS_ENDPOINT_URL or the profile's endpoint_url, else AWS.
	EndpointURL string
	// NoSignRequest sends anonymous requests, for public buckets
	// (--no-sign-request).
	NoSignRequest bool
	// RequestPayer confirms that the caller pays for requests to a
	// requester-pays bucket (--request-payer requester).
	RequestPayer bool
	// UsePathStyle addresses buckets as https://host/bucket/key. It is
	// turned on automatically whenever a custom endpoint is in effect.
	UsePathStyle bool
	// SingleStream reads an object with one plain GET instead of ranged GETs
	// fetched ahead (for comparison, or for servers that ignore Range).
	SingleStream bool
	// PartSize is the size of one ranged GET, in bytes; 0 means
	// [DefaultS3PartSize].
	PartSize int64
	// Concurrency is the number of ranged GETs in flight; 0 means
	// [DefaultS3Concurrency]. Memory for read-ahead is at most
	// Concurrency x PartSize per open object.
	Concurrency int
	// MaxAttempts is the SDK retryer's attempt count per request; 0 means
	// the configured one (AWS_MAX_ATTEMPTS), else the standard retryer's 3.
	MaxAttempts int
	// HTTPClient sends the requests; nil means the SDK's default client.
	HTTPClient *http.Client
	// Config, when not nil, is used instead of loading the default chain
	// (Profile is then ignored; the other fields still apply). Callers that
	// open many objects load it once with [LoadS3Config] so credentials are
	// retrieved once. It is not modified.
	Config *aws.Config
}

// LoadS3Config loads the AWS configuration for opts from the default chain:
// environment, shared files (with opts.Profile), SSO, container and instance
// roles. It does not contact S3; credentials are resolved lazily.
// opts.HTTPClient is not part of it: it is applied to each S3 client (a
// custom CA bundle from AWS_CA_BUNDLE then does not apply to it).
func LoadS3Config(ctx context.Context, opts S3Options) (aws.Config, error) {
	if opts.Config != nil {
		return opts.Config.Copy(), nil
	}
	var lo []func(*config.LoadOptions) error
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	if opts.NoSignRequest {
		lo = append(lo, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	}
	lo = append(lo, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("failed to load the AWS configuration: %s", shortSDKError(err))
	}
	return cfg, nil
}

// s3Ref is a parsed s3://bucket/key reference.
type s3Ref struct {
	ref, bucket, key string
}

// parseS3Ref splits "s3://bucket/key". The key may be empty (the whole
// bucket) and is kept byte for byte.
func parseS3Ref(ref string) (s3Ref, error) {
	rest, ok := strings.CutPrefix(ref, "s3://")
	if !ok {
		return s3Ref{}, fmt.Errorf("failed to parse %q: %w: it does not start with s3://", ref, ErrBadReference)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return s3Ref{}, withHint(fmt.Errorf("failed to parse %q: %w: no bucket", ref, ErrBadReference),
			"write s3://bucket/key for an object or s3://bucket/prefix/ for uncompressed model data")
	}
	return s3Ref{ref: ref, bucket: bucket, key: key}, nil
}

// newS3Source returns the source for an s3:// reference: an object source
// for s3://bucket/key, a prefix source (a [Walker]) for a reference ending
// in "/". Nothing is sent until the source is opened or walked.
func newS3Source(ref string, opts S3Options) (Source, error) {
	r, err := parseS3Ref(ref)
	if err != nil {
		return nil, err
	}
	if r.key == "" || strings.HasSuffix(r.key, "/") {
		return &s3Prefix{r: r, opts: opts}, nil
	}
	return &s3Object{r: r, opts: opts}, nil
}

// regions remembers the region of AWS buckets found with HeadBucket.
var regions sync.Map // bucket name -> region

// s3Client builds the client for bucket: it loads the configuration,
// retrieves the credentials, applies the endpoint and path style, and finds
// the bucket's region when none is set. Errors are *S3Error for ref.
func s3Client(ctx context.Context, opts S3Options, bucket, op, ref string) (*s3.Client, error) {
	cfg, err := LoadS3Config(ctx, opts)
	if err != nil {
		return nil, &S3Error{Op: op, Ref: ref, Err: err}
	}
	if opts.Region != "" {
		cfg.Region = opts.Region
	}
	if opts.HTTPClient != nil {
		cfg.HTTPClient = opts.HTTPClient
	}
	if opts.NoSignRequest {
		cfg.Credentials = aws.AnonymousCredentials{}
	}
	if cfg.Credentials == nil {
		return nil, &S3Error{Op: op, Ref: ref, Kind: ErrNoCredentials}
	}
	if _, anon := cfg.Credentials.(aws.AnonymousCredentials); !anon {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, &S3Error{Op: op, Ref: ref, Err: ctx.Err()}
			}
			return nil, &S3Error{Op: op, Ref: ref, Kind: ErrNoCredentials, Err: err}
		}
	}
	custom := false
	build := func(region string) *s3.Client {
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			if opts.EndpointURL != "" {
				o.BaseEndpoint = aws.String(opts.EndpointURL)
			}
			custom = o.BaseEndpoint != nil
			o.UsePathStyle = opts.UsePathStyle || custom
			if region != "" {
				o.Region = region
			}
			if custom && o.Region == "" {
				o.Region = "us-east-1"
			}
			if opts.MaxAttempts > 0 {
				o.RetryMaxAttempts = opts.MaxAttempts
			}
			// Checksum-mode headers confuse some S3-compatible servers on
			// ranged reads; TLS already protects the bytes in transit.
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			o.DisableLogOutputChecksumValidationSkipped = true
		})
	}
	c := build("")
	if custom || c.Options().Region != "" {
		return c, nil
	}
	region, err := bucketRegion(ctx, build("us-east-1"), bucket)
	if err != nil {
		return nil, s3Error("find the region of", ref, err)
	}
	return build(region), nil
}

// bucketRegion asks for the region of an AWS bucket with HeadBucket: S3
// names it in x-amz-bucket-region on success and on a redirect or 403 alike.
func bucketRegion(ctx context.Context, c *s3.Client, bucket string) (string, error) {
	if r, ok := regions.Load(bucket); ok {
		return r.(string), nil
	}
	out, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	region := ""
	if err == nil {
		region = aws.ToString(out.BucketRegion)
	} else if e, ok := s3Error("", "", err).(*S3Error); ok {
		region = e.Region
		if region == "" {
			return "", err
		}
	}
	if region == "" {
		return "us-east-1", nil
	}
	regions.Store(bucket, region)
	return region, nil
}

// s3Object is one object, read as a stream: s3://bucket/key.
type s3Object struct {
	r    s3Ref
	opts S3Options
}

// Name returns the reference as the user wrote it.
func (s *s3Object) Name() string { return s.r.ref }

// Open sends the first GET and returns the object's content, fetched ahead
// with ranged GETs (or one plain GET with SingleStream). Errors, from Open
// or from Read, are *S3Error. The caller must call Close, which stops the
// fetches; the reader must not be used from several goroutines at once.
func (s *s3Object) Open(ctx context.Context) (io.ReadCloser, error) {
	c, err := s3Client(ctx, s.opts, s.r.bucket, "read", s.r.ref)
	if err != nil {
		return nil, err
	}
	o := objectReq{api: c, bucket: s.r.bucket, key: s.r.key, requestPayer: s.opts.RequestPayer}
	rc, err := openObject(ctx, o, s.opts.PartSize, s.opts.Concurrency, s.opts.SingleStream)
	if err != nil {
		return nil, s3Error("read", s.r.ref, err)
	}
	return &s3Body{rc: rc, ref: s.r.ref}, nil
}

// s3Body classifies the errors of an object reader.
type s3Body struct {
	rc  io.ReadCloser
	ref string
}

func (b *s3Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = s3Error("read", b.ref, err)
	}
	return n, err
}

func (b *s3Body) Close() error { return b.rc.Close() }

// s3Prefix is uncompressed model data: every object under s3://bucket/prefix/
// is one entry. It implements [Walker] and [ArchiveFormatter].
type s3Prefix struct {
	r    s3Ref
	opts S3Options
}

// Name returns the reference as the user wrote it.
func (s *s3Prefix) Name() string { return s.r.ref }

// ArchiveFormat returns "s3-prefix".
func (s *s3Prefix) ArchiveFormat() string { return "s3-prefix" }

// Open fails: a prefix is not one stream. Use Walk, or WalkSource.
func (s *s3Prefix) Open(ctx context.Context) (io.ReadCloser, error) {
	return nil, fmt.Errorf("failed to open %q: it is an S3 prefix, not an archive", s.r.ref)
}

// Walk lists the objects under the prefix, in the listing's order (UTF-8
// binary order of keys), and calls fn for each one:
//   - Name is the key minus the prefix, exactly, even when it is empty, holds
//     NUL, is longer than 255 bytes, or is "." or "..": names are reported,
//     not judged;
//   - Path and Unsafe are Name normalised by [CleanName];
//   - Type is TypeDir for a key ending in "/" (a folder marker), else
//     TypeFile, with Size from the listing; Mode is 0.
//
// The opener sends a GET for that object only, pinned with If-Match to the
// listing's ETag, so an object replaced since the listing gives
// ErrObjectChanged; the body is closed when fn returns. A prefix with no
// object is an error wrapping [ErrNoSuchKey]. Errors are *S3Error, except
// those returned by fn, which stop the walk and are returned as they are.
func (s *s3Prefix) Walk(ctx context.Context, fn WalkFunc) error {
	c, err := s3Client(ctx, s.opts, s.r.bucket, "list", s.r.ref)
	if err != nil {
		return err
	}
	seen := false
	err = listObjects(ctx, c, s.r, s.opts.RequestPayer, func(o Object) error {
		seen = true
		return s.visit(ctx, c, o, fn)
	})
	if err != nil {
		return err
	}
	if !seen {
		return &S3Error{Op: "list", Ref: s.r.ref, Kind: ErrNoSuchKey}
	}
	return nil
}

// visit calls fn for one listed object.
func (s *s3Prefix) visit(ctx context.Context, c *s3.Client, o Object, fn WalkFunc) error {
	e := prefixEntry(o, s.r.key)
	ref := o.Ref()
	var body io.ReadCloser
	defer func() {
		if body != nil {
			body.Close()
		}
	}()
	return fn(e, func() (io.Reader, error) {
		if e.Type != TypeFile {
			return nil, fmt.Errorf("failed to open %q: it is a folder marker, not an object with content", ref)
		}
		if body != nil {
			return nil, fmt.Errorf("failed to open %q: already opened", ref)
		}
		req := objectReq{api: c, bucket: o.Bucket, key: o.Key, requestPayer: s.opts.RequestPayer, etag: o.ETag}
		rc, err := openObject(ctx, req, s.opts.PartSize, s.opts.Concurrency, true)
		if err != nil {
			return nil, s3Error("read", ref, err)
		}
		body = &s3Body{rc: rc, ref: ref}
		return body, nil
	})
}

// prefixEntry is the entry for an object listed under prefix: the name is
// the rest of the key, kept exactly; a key ending in "/" is a folder.
func prefixEntry(o Object, prefix string) Entry {
	name := o.Key[len(prefix):]
	p, unsafe := CleanName(name)
	e := Entry{Path: p, Name: name, Type: TypeFile, Size: o.Size, Unsafe: unsafe}
	if strings.HasSuffix(o.Key, "/") {
		e.Type, e.Size = TypeDir, 0
	}
	return e
}

// Object is one object found by [ListS3].
type Object struct {
	// Bucket is the bucket holding the object.
	Bucket string
	// Key is the object's full key, exactly as stored.
	Key string
	// Size is the object's size in bytes.
	Size int64
	// ETag is the object's entity tag as S3 sends it, quotes included
	// (e.g. `"9b2cf535f27731c974343645a3985328"`); it changes when the
	// object is replaced.
	ETag string
	// LastModified is when the object was last written.
	LastModified time.Time
}

// Ref returns the object's reference, "s3://bucket/key".
func (o Object) Ref() string { return "s3://" + o.Bucket + "/" + o.Key }

// ListS3 lists every object whose key starts with the reference's key
// ("s3://bucket/prefix", or "s3://bucket" for the whole bucket), page by
// page with ListObjectsV2, in UTF-8 binary order of keys, and calls fn for
// each one on the calling goroutine. Folder markers (keys ending in "/") are
// listed too. An error from fn stops the listing and is returned as is;
// other errors are *S3Error. An empty listing is not an error.
func ListS3(ctx context.Context, ref string, opts S3Options, fn func(Object) error) error {
	r, err := parseS3Ref(ref)
	if err != nil {
		return err
	}
	c, err := s3Client(ctx, opts, r.bucket, "list", ref)
	if err != nil {
		return err
	}
	return listObjects(ctx, c, r, opts.RequestPayer, fn)
}

// listObjects pages through the objects under r.key.
func listObjects(ctx context.Context, c *s3.Client, r s3Ref, payer bool, fn func(Object) error) error {
	// Keys come URL-encoded: XML cannot carry every character a key may hold.
	in := &s3.ListObjectsV2Input{Bucket: aws.String(r.bucket), EncodingType: types.EncodingTypeUrl}
	if r.key != "" {
		in.Prefix = aws.String(r.key)
	}
	if payer {
		in.RequestPayer = "requester"
	}
	pages := s3.NewListObjectsV2Paginator(c, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return s3Error("list", r.ref, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if page.EncodingType == types.EncodingTypeUrl {
				if key, err = url.QueryUnescape(key); err != nil {
					return &S3Error{Op: "list", Ref: r.ref, Err: fmt.Errorf("bad key %q in the listing: %w", aws.ToString(o.Key), err)}
				}
			}
			obj := Object{
				Bucket:       r.bucket,
				Key:          key,
				Size:         aws.ToInt64(o.Size),
				ETag:         aws.ToString(o.ETag),
				LastModified: aws.ToTime(o.LastModified),
			}
			if !strings.HasPrefix(obj.Key, r.key) {
				continue // never expected from S3; keeps the name slicing safe
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
	}
	return nil
}
