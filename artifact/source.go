package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// Options configure how [Parse] reaches sources.
type Options struct {
	// S3 holds the AWS settings for s3:// references.
	S3 S3Options
}

// Parse returns the source a reference names, as the user wrote it:
//   - "-" is standard input (see [NewReaderSource]);
//   - an existing local path is a file source, or a folder source (which
//     implements [Walker]) for a directory. Local paths are resolved first,
//     so a local file wins over an S3 reference of the same spelling;
//   - a reference starting with "s3://" is an S3 object or prefix;
//   - anything else is an error wrapping [ErrNotFound], with a hint.
//
// Parse does not open a file source; Open does.
func Parse(ref string, opts Options) (Source, error) {
	if ref == "-" {
		return NewReaderSource("-", os.Stdin), nil
	}
	if ref == "" {
		return nil, withHint(fmt.Errorf("failed to open artifact: %w: the path is empty", ErrNotFound),
			"give a local path, - for standard input, or s3://bucket/key")
	}
	fi, err := os.Stat(ref)
	switch {
	case err == nil && fi.IsDir():
		return &folderSource{name: ref}, nil
	case err == nil:
		return &fileSource{name: ref}, nil
	case strings.HasPrefix(ref, "s3://"):
		return newS3Source(ref, opts.S3)
	case errors.Is(err, fs.ErrNotExist):
		return nil, notFound(ref)
	}
	return nil, fmt.Errorf("failed to open %q: %w", ref, err)
}

// notFound is the error for a local path that does not exist.
func notFound(ref string) error {
	return withHint(fmt.Errorf("failed to open %q: %w", ref, ErrNotFound),
		"check the path; an object in S3 is written s3://bucket/key")
}

// NewReaderSource returns a source that reads r, named name (Parse uses it
// for standard input, named "-"). Open can be called once, since a stream
// cannot be rewound; later calls fail. Closing the returned ReadCloser does
// not close r. The source is safe for concurrent use.
func NewReaderSource(name string, r io.Reader) Source {
	return &readerSource{name: name, r: r}
}

// readerSource is a stream that can be opened once.
type readerSource struct {
	name   string
	r      io.Reader
	mu     sync.Mutex
	opened bool
}

// Name returns the name given to NewReaderSource.
func (s *readerSource) Name() string { return s.name }

// Open returns the stream; only the first call succeeds.
func (s *readerSource) Open(ctx context.Context) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opened {
		return nil, fmt.Errorf("failed to open %q: a stream can be read only once", s.name)
	}
	s.opened = true
	return io.NopCloser(s.r), nil
}
