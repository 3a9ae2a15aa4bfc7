package artifact

// The rules for S3 errors are:
//   - Every failure to reach an S3 object or prefix is an [*S3Error]: one line,
//     "failed to read "s3://bucket/key": access denied", never the SDK's text.
//     The SDK error stays reachable through errors.As and errors.Unwrap.
//   - Its Kind is one of the sentinels below (or nil for a failure that has
//     none), so callers branch with errors.Is; ErrNoSuchBucket and
//     ErrNoSuchKey also match [ErrNotFound].
//   - Hint says what to do next.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrNoCredentials is wrapped by S3 errors when no AWS credentials were found
// in the environment, the shared files, SSO or a container or instance role.
var ErrNoCredentials = errors.New("no AWS credentials found")

// ErrBadCredentials is wrapped by S3 errors when the server rejected the
// credentials themselves: an unknown access key, a wrong secret or an expired
// session token.
var ErrBadCredentials = errors.New("credentials rejected")

// ErrAccessDenied is wrapped by S3 errors when the credentials are valid but
// not allowed to read the object or list the bucket (HTTP 403).
var ErrAccessDenied = errors.New("access denied")

// ErrNoSuchBucket is wrapped by S3 errors for a bucket that does not exist.
var ErrNoSuchBucket = errors.New("no such bucket")

// ErrNoSuchKey is wrapped by S3 errors for an object that does not exist, or
// a prefix under which no object exists.
var ErrNoSuchKey = errors.New("no such key")

// ErrWrongRegion is wrapped by S3 errors when the bucket is in another region
// than the one the request was sent to.
var ErrWrongRegion = errors.New("the bucket is in another region")

// ErrUnreachable is wrapped by S3 errors when the endpoint could not be
// reached: a refused connection, an unknown host, a timeout.
var ErrUnreachable = errors.New("endpoint unreachable")

// ErrObjectChanged is wrapped by S3 errors when the object was replaced while
// it was being read (HTTP 412 on a request pinned with If-Match): what was
// read so far belongs to another version, so the artifact's result is an
// error rather than a wrong answer.
var ErrObjectChanged = errors.New("the object changed while it was read")

// ErrThrottled is wrapped by S3 errors when the server kept answering 503
// SlowDown after every retry.
var ErrThrottled = errors.New("the server is throttling requests")

// ErrBadReference is wrapped by errors for an s3:// reference that names no
// bucket, or that is otherwise malformed.
var ErrBadReference = errors.New("malformed S3 reference")

// S3Error is a failure to read or list an S3 object or prefix.
type S3Error struct {
	// Op is the verb of the message: "read", "list" or "find the region of".
	Op string
	// Ref is the reference as the user wrote it, e.g. "s3://bucket/key".
	Ref string
	// Kind is the sentinel naming the failure (ErrAccessDenied, ...), or nil
	// when none applies.
	Kind error
	// Region is the bucket's region when the server told it (with
	// ErrWrongRegion), or "".
	Region string
	// Err is the underlying error, from the SDK or the network.
	Err error
}

// Error returns one line, e.g. `failed to read "s3://b/k": access denied`.
func (e *S3Error) Error() string {
	what := ""
	switch {
	case e.Kind != nil:
		what = e.Kind.Error()
		if e.Kind == ErrWrongRegion && e.Region != "" {
			what += " (" + e.Region + ")"
		}
	default:
		what = shortSDKError(e.Err)
	}
	return fmt.Sprintf("failed to %s %q: %s", e.Op, e.Ref, what)
}

// Unwrap returns Kind (with [ErrNotFound] for a missing bucket or key) and the
// underlying error, so errors.Is and errors.As see all of them.
func (e *S3Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
		if e.Kind == ErrNoSuchBucket || e.Kind == ErrNoSuchKey {
			errs = append(errs, ErrNotFound)
		}
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Hint says what to do next; it is "" when there is nothing useful to say.
func (e *S3Error) Hint() string {
	switch e.Kind {
	case ErrNoCredentials:
		return "configure credentials as for the AWS CLI (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID), or use --no-sign-request for a public bucket"
	case ErrBadCredentials:
		return "the access key, secret or session token is wrong or expired: refresh them (aws sso login) or pick another --profile"
	case ErrAccessDenied:
		return "the credentials need s3:GetObject on the object (and s3:ListBucket on the bucket for a prefix); check --profile, and --request-payer for a requester-pays bucket"
	case ErrNoSuchBucket:
		return "check the bucket name in the s3:// reference, and --endpoint-url if you use one"
	case ErrNoSuchKey:
		if strings.HasSuffix(e.Ref, "/") {
			return "no object key starts with this prefix: keys are case-sensitive; list them with aws s3 ls"
		}
		return "check the key: keys are case-sensitive, and a prefix of uncompressed model data must end in /"
	case ErrWrongRegion:
		if e.Region != "" {
			return fmt.Sprintf("use --region %s", e.Region)
		}
		return "give the bucket's region with --region, or leave it unset so mati finds it"
	case ErrUnreachable:
		return "check the network, --endpoint-url and AWS_ENDPOINT_URL_S3"
	case ErrObjectChanged:
		return "the object was overwritten during the read: run mati again once uploads have finished"
	case ErrThrottled:
		return "the bucket is receiving too many requests: retry later, or read fewer artifacts at once"
	}
	return ""
}

// s3Error classifies err, from an S3 request for ref, as an [*S3Error]. A
// cancelled context is returned as "failed to <op> <ref>: context canceled"
// wrapping ctx's error; nil stays nil.
func s3Error(op, ref string, err error) error {
	if err == nil {
		return nil
	}
	var se *S3Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &S3Error{Op: op, Ref: ref, Err: err}
	}
	e := &S3Error{Op: op, Ref: ref, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		e.Region = re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	var sign *v4.SigningError
	var api smithy.APIError
	switch {
	case errors.As(err, &sign):
		e.Kind = ErrNoCredentials
	case errors.As(err, &api):
		e.Kind = kindOfCode(api.ErrorCode(), statusOf(err), strings.HasSuffix(ref, "/"))
	case statusOf(err) != 0:
		e.Kind = kindOfCode("", statusOf(err), strings.HasSuffix(ref, "/"))
	case isNetError(err):
		e.Kind = ErrUnreachable
	}
	return e
}

// kindOfCode maps an S3 error code, or the HTTP status of a response without
// a body (HEAD), to a sentinel.
func kindOfCode(code string, status int, prefix bool) error {
	switch code {
	case "AccessDenied", "AllAccessDisabled", "AccountProblem":
		return ErrAccessDenied
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired":
		return ErrBadCredentials
	case "NoSuchBucket":
		return ErrNoSuchBucket
	case "NoSuchKey":
		return ErrNoSuchKey
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
		return ErrWrongRegion
	case "PreconditionFailed":
		return ErrObjectChanged
	case "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded":
		return ErrThrottled
	}
	switch status {
	case http.StatusForbidden:
		return ErrAccessDenied
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		return ErrWrongRegion
	case http.StatusPreconditionFailed:
		return ErrObjectChanged
	case http.StatusServiceUnavailable:
		return ErrThrottled
	case http.StatusNotFound:
		if prefix {
			return ErrNoSuchBucket
		}
		return ErrNoSuchKey
	}
	return nil
}

// statusOf returns the HTTP status of the response behind err, or 0.
func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// isNetError reports whether err comes from the network rather than from a
// response.
func isNetError(err error) bool {
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	return errors.As(err, &oe) || errors.As(err, &de) || errors.As(err, &ne)
}

// shortSDKError is a one-line description of an error that has no sentinel:
// the S3 code and message when there is one, else the innermost error.
func shortSDKError(err error) string {
	if err == nil {
		return "unknown error"
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := api.ErrorCode()
		if m := api.ErrorMessage(); m != "" {
			msg += ": " + m
		}
		if s := statusOf(err); s != 0 {
			msg = fmt.Sprintf("%s (HTTP %d)", msg, s)
		}
		return oneLine(msg)
	}
	if s := statusOf(err); s != 0 {
		return fmt.Sprintf("HTTP %d %s", s, http.StatusText(s))
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return oneLine(err.Error())
		}
		err = u
	}
}

// oneLine replaces line breaks so a message stays on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
