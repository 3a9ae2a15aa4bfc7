package artifact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// fakeS3 is an in-memory object behind getObjectAPI. It honours Range
// ("bytes=a-b" and "bytes=a-") and If-Match, and can drop a body after some
// bytes, replace the object after some calls and delay answers.
type fakeS3 struct {
	mu       sync.Mutex
	data     []byte
	etag     string
	noRange  bool // ignore Range, as some servers do
	cutAfter int  // >0: the next body with more bytes is cut after this many
	replace  int  // >0: replace the object once this many calls were made
	delay    func() time.Duration
	calls    []fakeCall
	inFlight int
	maxIn    int
}

// fakeCall records one GetObject call.
type fakeCall struct {
	Range, IfMatch string
}

func newFakeS3(data []byte) *fakeS3 { return &fakeS3{data: data, etag: `"v1"`} }

func (f *fakeS3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	f.calls = append(f.calls, fakeCall{Range: aws.ToString(in.Range), IfMatch: aws.ToString(in.IfMatch)})
	if f.replace > 0 && len(f.calls) == f.replace {
		f.data = append([]byte("replaced "), f.data...)
		f.etag = `"v2"`
	}
	delay := time.Duration(0)
	if f.delay != nil {
		delay = f.delay()
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := aws.ToString(in.IfMatch); m != "" && m != f.etag {
		return nil, &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "At least one of the pre-conditions you specified did not hold"}
	}
	size := int64(len(f.data))
	out := &s3.GetObjectOutput{ETag: aws.String(f.etag)}
	start, end := int64(0), size-1
	if r := aws.ToString(in.Range); r != "" && !f.noRange {
		a, b, _ := strings.Cut(strings.TrimPrefix(r, "bytes="), "-")
		start, _ = strconv.ParseInt(a, 10, 64)
		if b != "" {
			end, _ = strconv.ParseInt(b, 10, 64)
		}
		if start >= size {
			return nil, &smithy.GenericAPIError{Code: "InvalidRange", Message: "The requested range is not satisfiable"}
		}
		end = min(end, size-1)
		out.ContentRange = aws.String(fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	}
	body := append([]byte(nil), f.data[start:end+1]...)
	out.ContentLength = aws.Int64(int64(len(body)))
	var r io.Reader = bytes.NewReader(body)
	if f.cutAfter > 0 && len(body) > f.cutAfter {
		r = io.MultiReader(bytes.NewReader(body[:f.cutAfter]), errReader{io.ErrUnexpectedEOF})
		f.cutAfter = 0
	}
	out.Body = io.NopCloser(r)
	return out, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func readObject(t *testing.T, f *fakeS3, partSize int64, conc int, single bool) ([]byte, error) {
	t.Helper()
	o := objectReq{api: f, bucket: "b", key: "k"}
	rc, err := openObject(context.Background(), o, partSize, conc, single)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestS3ReadAheadDeliversPartsInOrder(t *testing.T) {
	data := randomBytes(10*1024 + 517)
	f := newFakeS3(data)
	r := rand.New(rand.NewPCG(3, 4))
	var rmu sync.Mutex
	f.delay = func() time.Duration {
		rmu.Lock()
		defer rmu.Unlock()
		return time.Duration(r.IntN(3000)) * time.Microsecond
	}
	got, err := readObject(t, f, 1024, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, not the object's %d bytes in order", len(got), len(data))
	}
	if len(f.calls) != 11 {
		t.Errorf("made %d GETs, want 11 (one per part)", len(f.calls))
	}
	if f.maxIn > 3 {
		t.Errorf("%d GETs were in flight at once, want at most 3", f.maxIn)
	}
	for i, c := range f.calls[1:] {
		if c.IfMatch != `"v1"` {
			t.Errorf("GET %d has If-Match %q, want the first response's ETag", i+1, c.IfMatch)
		}
	}
}

func TestS3ReadSmallObjectIsOneGet(t *testing.T) {
	data := []byte("small")
	f := newFakeS3(data)
	got, err := readObject(t, f, 1024, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(data, got); d != "" {
		t.Errorf("content (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]fakeCall{{Range: "bytes=0-1023"}}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestS3ReadEmptyObjectFallsBackToPlainGet(t *testing.T) {
	f := newFakeS3(nil)
	got, err := readObject(t, f, 1024, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("read %d bytes from an empty object", len(got))
	}
	if d := cmp.Diff([]fakeCall{{Range: "bytes=0-1023"}, {}}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestS3ReadResumesAfterADroppedConnection(t *testing.T) {
	tests := []struct {
		name      string
		single    bool
		cutAfter  int
		wantCalls []fakeCall
	}{
		{
			name: "read-ahead part cut after 300 bytes", cutAfter: 300,
			wantCalls: []fakeCall{{Range: "bytes=0-1023"}, {Range: "bytes=300-1023", IfMatch: `"v1"`}, {Range: "bytes=1024-2047", IfMatch: `"v1"`}, {Range: "bytes=2048-2999", IfMatch: `"v1"`}},
		},
		{
			name: "single stream cut after 1500 bytes", single: true, cutAfter: 1500,
			wantCalls: []fakeCall{{}, {Range: "bytes=1500-", IfMatch: `"v1"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := randomBytes(3000)
			f := newFakeS3(data)
			f.cutAfter = tt.cutAfter
			got, err := readObject(t, f, 1024, 1, tt.single)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("the resumed read differs from the object")
			}
			if d := cmp.Diff(tt.wantCalls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestS3ReadObjectChangedIsAnError(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single=%v", single), func(t *testing.T) {
			f := newFakeS3(randomBytes(5000))
			f.replace = 2
			if single {
				f.cutAfter = 100 // forces a second, pinned GET
			}
			_, err := readObject(t, f, 1024, 2, single)
			err = s3Error("read", "s3://b/k", err)
			if !errors.Is(err, ErrObjectChanged) {
				t.Fatalf("got %v, want ErrObjectChanged", err)
			}
			if want := `failed to read "s3://b/k": the object changed while it was read`; err.Error() != want {
				t.Errorf("message %q, want %q", err.Error(), want)
			}
			if HintOf(err) == "" {
				t.Error("no hint")
			}
		})
	}
}

func TestS3ReadServerIgnoringRangeIsOneStream(t *testing.T) {
	data := randomBytes(5000)
	f := newFakeS3(data)
	f.noRange = true
	got, err := readObject(t, f, 1024, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) || len(f.calls) != 1 {
		t.Errorf("read %d bytes with %d GETs, want %d bytes with 1", len(got), len(f.calls), len(data))
	}
}

func TestS3ReadCloseEarlyStopsFetches(t *testing.T) {
	f := newFakeS3(randomBytes(64 * 1024))
	f.delay = func() time.Duration { return time.Millisecond }
	rc, err := openObject(context.Background(), objectReq{api: f, bucket: "b", key: "k"}, 1024, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(rc, make([]byte, 1500)); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inFlight != 0 {
		t.Errorf("%d GETs still in flight after Close", f.inFlight)
	}
	if len(f.calls) > 8 {
		t.Errorf("made %d GETs for 1500 bytes, want read-ahead bounded by the window", len(f.calls))
	}
	if _, err := rc.Read(make([]byte, 1)); err == nil {
		t.Error("Read after Close succeeded")
	}
}

func TestS3ErrorClassification(t *testing.T) {
	tests := []struct {
		name     string
		ref      string
		err      error
		wantKind error
		wantMsg  string
	}{
		{"access denied", "s3://b/k", &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}, ErrAccessDenied, `failed to read "s3://b/k": access denied`},
		{"no such key", "s3://b/k", &smithy.GenericAPIError{Code: "NoSuchKey"}, ErrNoSuchKey, `failed to read "s3://b/k": no such key`},
		{"no such bucket", "s3://b/k", &smithy.GenericAPIError{Code: "NoSuchBucket"}, ErrNoSuchBucket, `failed to read "s3://b/k": no such bucket`},
		{"wrong region", "s3://b/k", &smithy.GenericAPIError{Code: "PermanentRedirect"}, ErrWrongRegion, `failed to read "s3://b/k": the bucket is in another region`},
		{"bad key id", "s3://b/k", &smithy.GenericAPIError{Code: "InvalidAccessKeyId"}, ErrBadCredentials, `failed to read "s3://b/k": credentials rejected`},
		{"throttled", "s3://b/k", &smithy.GenericAPIError{Code: "SlowDown"}, ErrThrottled, `failed to read "s3://b/k": the server is throttling requests`},
		{"other code", "s3://b/k", &smithy.GenericAPIError{Code: "InternalError", Message: "We encountered\nan internal error"}, nil, `failed to read "s3://b/k": InternalError: We encountered an internal error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s3Error("read", tt.ref, fmt.Errorf("operation error S3: GetObject, https response error: %w", tt.err))
			if tt.wantKind != nil && !errors.Is(err, tt.wantKind) {
				t.Errorf("got %v, want it to wrap %v", err, tt.wantKind)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("message %q, want %q", err.Error(), tt.wantMsg)
			}
			if tt.wantKind != nil && HintOf(err) == "" {
				t.Error("no hint")
			}
		})
	}
	if err := s3Error("read", "s3://b/k", &smithy.GenericAPIError{Code: "NoSuchKey"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing key does not match ErrNotFound")
	}
}

func TestNewS3Source(t *testing.T) {
	tests := []struct {
		ref        string
		wantPrefix bool
		wantErr    string
	}{
		{ref: "s3://bucket/model.tar.gz"},
		{ref: "s3://bucket/models/a b/model.tar.gz"},
		{ref: "s3://bucket/prefix/", wantPrefix: true},
		{ref: "s3://bucket", wantPrefix: true},
		{ref: "s3:///key", wantErr: `failed to parse "s3:///key": malformed S3 reference: no bucket`},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			src, err := newS3Source(tt.ref, S3Options{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Name() != tt.ref {
				t.Errorf("Name() = %q, want %q", src.Name(), tt.ref)
			}
			if _, ok := src.(Walker); ok != tt.wantPrefix {
				t.Errorf("is a Walker: %v, want %v", ok, tt.wantPrefix)
			}
		})
	}
}

func TestS3PrefixEntryKeepsNamesExactly(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name string
		key  string
		want Entry
	}{
		{"plain file", "p/model.pth", Entry{Path: "model.pth", Name: "model.pth", Type: TypeFile, Size: 7}},
		{"the prefix itself", "p/", Entry{Path: "", Name: "", Type: TypeDir}},
		{"folder marker", "p/code/", Entry{Path: "code", Name: "code/", Type: TypeDir}},
		{"NUL", "p/a\x00b", Entry{Path: "a\x00b", Name: "a\x00b", Type: TypeFile, Size: 7}},
		{"over 255 bytes", "p/" + long, Entry{Path: long, Name: long, Type: TypeFile, Size: 7}},
		{"dot", "p/.", Entry{Path: "", Name: ".", Type: TypeFile, Size: 7}},
		{"dot dot", "p/..", Entry{Path: "..", Name: "..", Type: TypeFile, Size: 7, Unsafe: "escapes"}},
		{"empty element", "p//a", Entry{Path: "a", Name: "/a", Type: TypeFile, Size: 7, Unsafe: "absolute"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := prefixEntry(Object{Bucket: "b", Key: tt.key, Size: 7}, "p/")
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("entry (-want +got):\n%s", d)
			}
		})
	}
}
