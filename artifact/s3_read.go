package artifact

// The rules for reading an S3 object are:
//   - The first request is a GET of the first part (Range: bytes=0-N). Its
//     Content-Range gives the object's size and its ETag pins every later
//     request with If-Match, so all bytes come from one version of the
//     object; a 412 becomes ErrObjectChanged. An object that fits in one
//     part is read with that single request.
//   - The other parts are fetched ahead, several at once, each into its own
//     buffer, and handed to the reader strictly in order. The queue holds
//     concurrency-1 parts besides the one being read or waited for, so at
//     most concurrency GETs are in flight and memory stays at concurrency x
//     part size.
//   - A body that ends early (a dropped connection) is resumed with a Range
//     from the last byte received, pinned with If-Match; a request that gets
//     no response is retried by the SDK's standard retryer, which also backs
//     off on 503 SlowDown.
//   - The single-stream mode is one plain GET read as it arrives, resumed
//     the same way.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// Read-ahead defaults.
const (
	// DefaultS3PartSize is the size of one ranged GET, in bytes.
	DefaultS3PartSize int64 = 8 << 20
	// DefaultS3Concurrency is the number of ranged GETs in flight.
	DefaultS3Concurrency = 4
	// maxStalls is the number of resumes in a row that may bring no new byte
	// before a read gives up.
	maxStalls = 3
)

// getObjectAPI is the one S3 call an object reader makes; *s3.Client
// implements it, and unit tests use an in-memory fake.
type getObjectAPI interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// objectReq names the object a reader fetches.
type objectReq struct {
	api          getObjectAPI
	bucket, key  string
	requestPayer bool
	etag         string // If-Match value; "" pins nothing
}

// get sends one GET. rng is a Range header value ("" for the whole object).
func (o *objectReq) get(ctx context.Context, rng string) (*s3.GetObjectOutput, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key)}
	if rng != "" {
		in.Range = aws.String(rng)
	}
	if o.etag != "" {
		in.IfMatch = aws.String(o.etag)
	}
	if o.requestPayer {
		in.RequestPayer = "requester"
	}
	return o.api.GetObject(ctx, in)
}

// openObject sends the first request for an object and returns a reader of
// its whole content. With single set, or when the server ignores Range, the
// reader is one stream; otherwise it reads ahead with ranged GETs. The
// returned error is the SDK's, unclassified.
func openObject(ctx context.Context, o objectReq, partSize int64, concurrency int, single bool) (io.ReadCloser, error) {
	if partSize <= 0 {
		partSize = DefaultS3PartSize
	}
	if concurrency <= 0 {
		concurrency = DefaultS3Concurrency
	}
	if single {
		out, err := o.get(ctx, "")
		if err != nil {
			return nil, err
		}
		o.etag = pinOf(o.etag, out.ETag)
		return &streamReader{ctx: ctx, o: o, body: out.Body, size: lengthOf(out)}, nil
	}
	out, err := o.get(ctx, fmt.Sprintf("bytes=0-%d", partSize-1))
	if isInvalidRange(err) {
		// An empty object has no byte 0: read it with a plain GET.
		return openObject(ctx, o, partSize, concurrency, true)
	}
	if err != nil {
		return nil, err
	}
	o.etag = pinOf(o.etag, out.ETag)
	size, ok := totalOf(aws.ToString(out.ContentRange))
	if !ok {
		// The server sent the whole object: read it as one stream.
		return &streamReader{ctx: ctx, o: o, body: out.Body, size: lengthOf(out)}, nil
	}
	return newRangeReader(ctx, o, out.Body, size, partSize, concurrency), nil
}

// lengthOf returns a response's Content-Length, or -1 when it has none.
func lengthOf(out *s3.GetObjectOutput) int64 {
	if out.ContentLength == nil {
		return -1
	}
	return *out.ContentLength
}

// pinOf returns the ETag to pin later requests to: the one asked for, else
// the one received.
func pinOf(asked string, got *string) string {
	if asked != "" {
		return asked
	}
	return aws.ToString(got)
}

// isInvalidRange reports whether err is S3's 416 for a range past the end.
func isInvalidRange(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "InvalidRange" {
		return true
	}
	return statusOf(err) == 416
}

// totalOf returns the total size from a Content-Range value such as
// "bytes 0-99/1234".
func totalOf(contentRange string) (int64, bool) {
	_, total, ok := strings.Cut(contentRange, "/")
	if !ok || !strings.HasPrefix(contentRange, "bytes ") {
		return 0, false
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// streamReader reads one GET as it arrives and resumes it from the last byte
// received when the body ends early.
type streamReader struct {
	ctx    context.Context
	o      objectReq
	body   io.ReadCloser
	size   int64 // expected total, -1 if unknown
	off    int64
	stalls int
	err    error
}

func (s *streamReader) Read(p []byte) (int, error) {
	for s.err == nil {
		if s.body == nil {
			out, err := s.o.get(s.ctx, fmt.Sprintf("bytes=%d-", s.off))
			if err != nil {
				s.err = err
				break
			}
			s.body = out.Body
		}
		n, err := s.body.Read(p)
		s.off += int64(n)
		if n > 0 {
			s.stalls = 0
		}
		if (s.size >= 0 && s.off >= s.size) || (err == io.EOF && s.size < 0) {
			if err != nil {
				s.err = io.EOF
			}
			if n == 0 && err != nil {
				return 0, io.EOF
			}
			return n, nil
		}
		if err == nil {
			return n, nil
		}
		// The body ended before the object did: resume.
		s.body.Close()
		s.body = nil
		if s.stalls++; s.stalls > maxStalls {
			s.err = fmt.Errorf("connection dropped %d times at byte %d: %w", s.stalls, s.off, unexpected(err))
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, s.err
}

// Close closes the body being read.
func (s *streamReader) Close() error {
	if s.body != nil {
		s.body.Close()
		s.body = nil
	}
	if s.err == nil {
		s.err = errors.New("read after close")
	}
	return nil
}

// unexpected turns a clean EOF in the middle of an object into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// part is one fetched range, delivered in order.
type part struct {
	buf []byte
	err error
}

// rangeReader reads an object with ranged GETs fetched ahead. Read and Close
// are called from one goroutine; the fetches run on their own.
type rangeReader struct {
	o        objectReq
	size     int64
	partSize int64
	cancel   context.CancelFunc
	queue    chan chan part // parts in object order, concurrency-1 of them
	pool     sync.Pool
	wg       sync.WaitGroup

	cur  []byte // the part being read
	pos  int    // read position in cur
	next int64  // index of the next part to take from the queue
	err  error
}

// newRangeReader starts fetching: part 0 from first, the body of the GET
// that asked for it, and the others with new requests.
func newRangeReader(ctx context.Context, o objectReq, first io.ReadCloser, size, partSize int64, concurrency int) *rangeReader {
	ctx, cancel := context.WithCancel(ctx)
	r := &rangeReader{
		o:        o,
		size:     size,
		partSize: partSize,
		cancel:   cancel,
		queue:    make(chan chan part, concurrency-1),
	}
	r.pool.New = func() any { b := make([]byte, partSize); return &b }
	r.wg.Add(1)
	go r.dispatch(ctx, first)
	return r
}

// dispatch queues every part in order and starts its fetch once there is
// room in the queue, so no more than the queue's capacity is fetched ahead.
func (r *rangeReader) dispatch(ctx context.Context, first io.ReadCloser) {
	defer r.wg.Done()
	defer close(r.queue)
	nparts := (r.size + r.partSize - 1) / r.partSize
	if nparts == 0 {
		first.Close()
		return
	}
	for i := int64(0); i < nparts; i++ {
		ch := make(chan part, 1)
		select {
		case r.queue <- ch:
		case <-ctx.Done():
			if i == 0 {
				first.Close()
			}
			return
		}
		var body io.ReadCloser
		if i == 0 {
			body = first
		}
		r.wg.Add(1)
		go func(i int64) {
			defer r.wg.Done()
			buf, err := r.fetch(ctx, i, body)
			ch <- part{buf: buf, err: err}
		}(i)
	}
}

// fetch reads part i into a buffer from body, or from a new ranged GET when
// body is nil, resuming from the last byte received when a body ends early.
func (r *rangeReader) fetch(ctx context.Context, i int64, body io.ReadCloser) ([]byte, error) {
	start := i * r.partSize
	end := min(start+r.partSize, r.size) // exclusive
	bp := r.pool.Get().(*[]byte)
	buf := (*bp)[:end-start]
	got, stalls := 0, 0
	for {
		if body == nil {
			out, err := r.o.get(ctx, fmt.Sprintf("bytes=%d-%d", start+int64(got), end-1))
			if err != nil {
				r.pool.Put(bp)
				return nil, err
			}
			body = out.Body
		}
		n, err := io.ReadFull(body, buf[got:])
		body.Close()
		body = nil
		got += n
		if got == len(buf) {
			return buf, nil
		}
		if ctx.Err() != nil {
			r.pool.Put(bp)
			return nil, ctx.Err()
		}
		if n > 0 {
			stalls = 0
		}
		if stalls++; stalls > maxStalls {
			r.pool.Put(bp)
			return nil, fmt.Errorf("connection dropped %d times at byte %d: %w", stalls, start+int64(got), unexpected(err))
		}
	}
}

func (r *rangeReader) Read(p []byte) (int, error) {
	for r.pos == len(r.cur) {
		if r.err != nil {
			return 0, r.err
		}
		r.release()
		ch, ok := <-r.queue
		if !ok {
			r.err = io.EOF
			return 0, io.EOF
		}
		pt := <-ch
		if pt.err != nil {
			r.err = pt.err
			r.cancel()
			return 0, r.err
		}
		r.cur, r.pos = pt.buf, 0
		r.next++
	}
	n := copy(p, r.cur[r.pos:])
	r.pos += n
	return n, nil
}

// release returns the part just read to the pool.
func (r *rangeReader) release() {
	if r.cur != nil {
		b := r.cur[:cap(r.cur)]
		r.pool.Put(&b)
		r.cur, r.pos = nil, 0
	}
}

// Close stops the fetches and waits for them to end.
func (r *rangeReader) Close() error {
	r.cancel()
	// Drain the queue so the dispatcher and every fetch can finish.
	for ch := range r.queue {
		<-ch
	}
	r.wg.Wait()
	r.release()
	if r.err == nil {
		r.err = errors.New("read after close")
	}
	return nil
}
