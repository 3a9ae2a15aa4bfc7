package artifact

// The rules for reading an archive are:
//   - gzip is recognised by its magic bytes 1f 8b, never by the file name;
//     concatenated gzip members are one stream.
//   - The first 512 bytes of the (decompressed) stream must be a tar header
//     with a valid checksum, or a zero block; anything else is ErrNotArchive.
//     Empty input is an archive with no entries.
//   - The archive ends at the first zero block, as it does for Python's
//     tarfile (which the SageMaker Python SDK extracts with) and GNU tar.
//     Go's archive/tar reports a zero block followed by more data as a bad
//     header instead; we end the walk there and set Stats.HiddenAfterEnd when
//     a valid header follows, so the entries extraction never sees are not in
//     the index but are reported. (A member whose content ends in a zero
//     block, followed by a bad header, reads the same way and also ends the
//     walk without error, as it does for Python.) Data after the end is never
//     read, so damage there, a bad gzip checksum included, goes unnoticed as
//     it does for Python's tarfile.
//   - Any other damage after a valid start, a truncated header included, is
//     a *CorruptError; a failure to read the source is not damage and is
//     returned as "failed to read archive: ...".
//   - PAX global headers are not entries (extraction creates nothing for
//     them).
//   - Bytes are counted as they are produced; header sizes are never trusted.

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
)

const (
	blockSize = 512
	// readBufferSize is the buffer under the gzip reader.
	readBufferSize = 1 << 20
	// asyncChunkSize and asyncDepth bound what the inflating goroutine
	// produces ahead of the walk: asyncDepth+1 buffers of asyncChunkSize.
	asyncChunkSize = 256 << 10
	asyncDepth     = 4
)

// Stats describes a finished or stopped walk.
type Stats struct {
	// Format is "tar.gz", "tar" or "folder"; other sources may report their
	// own (an S3 prefix reports "s3-prefix"). It is "" for empty input.
	Format string
	// Entries is the number of entries passed to the WalkFunc.
	Entries int
	// BytesIn is the number of bytes read from the source, in bytes. For a
	// folder it is the bytes read through opened members.
	BytesIn int64
	// BytesOut is the number of uncompressed tar bytes produced, headers
	// included. For a folder it equals BytesIn.
	BytesOut int64
	// HiddenAfterEnd is true when the archive ended at a single zero block
	// followed by a valid tar header: tools that extract it (Python's
	// tarfile, GNU tar) stop at the zero block, so the members after it were
	// neither extracted nor walked.
	HiddenAfterEnd bool
}

// Walk reads a tar or tar.gz stream from r and calls fn for every entry, in
// archive order, with [DefaultLimits]. See [WalkLimited].
func Walk(r io.Reader, fn WalkFunc) error {
	_, err := WalkLimited(r, Limits{}, fn)
	return err
}

// WalkLimited reads a tar or tar.gz stream from r in one pass and calls fn
// for every entry, in archive order, stopping at lim. fn is called on the
// calling goroutine, one entry at a time. WalkLimited does not close r.
//
// Empty input gives no entries and a nil error. Input that is neither gzip
// nor tar gives an error wrapping [ErrNotArchive]; damage after a valid
// start gives a [*CorruptError]; an exceeded limit gives a [*LimitError];
// a failure to read r is returned wrapped. In all those cases the entries
// before the error were already passed to fn, and Stats counts them. An
// error returned by fn stops the walk and is returned as is.
func WalkLimited(r io.Reader, lim Limits, fn WalkFunc) (Stats, error) {
	return walkStream(context.Background(), r, lim, fn)
}

// WalkSource walks src with lim: through its [Walker] if it has one (a
// folder, an S3 prefix), otherwise by opening it and reading the stream with
// [WalkLimited]; the stream is closed before WalkSource returns. The error
// from Open is returned as is. For a Walker, only the entry, path-length and
// depth limits apply. Cancelling ctx stops the walk with ctx's error.
func WalkSource(ctx context.Context, src Source, lim Limits, fn WalkFunc) (Stats, error) {
	if w, ok := src.(Walker); ok {
		return walkTree(ctx, src, w, lim, fn)
	}
	rc, err := src.Open(ctx)
	if err != nil {
		return Stats{}, err
	}
	defer rc.Close()
	return walkStream(ctx, rc, lim, fn)
}

// ArchiveFormatter is implemented by [Walker] sources whose format is not
// "folder"; WalkSource copies ArchiveFormat into [Stats.Format].
type ArchiveFormatter interface {
	ArchiveFormat() string
}

// walkTree walks a source that visits its own entries.
func walkTree(ctx context.Context, src Source, w Walker, lim Limits, fn WalkFunc) (Stats, error) {
	lim = lim.withDefaults()
	st := Stats{Format: "folder"}
	if f, ok := src.(ArchiveFormatter); ok {
		st.Format = f.ArchiveFormat()
	}
	err := w.Walk(ctx, func(e Entry, open OpenFunc) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := lim.checkEntry(e, st.Entries+1); err != nil {
			return err
		}
		st.Entries++
		return fn(e, func() (io.Reader, error) {
			r, err := open()
			if err != nil {
				return nil, err
			}
			return &countingReader{r: r, n: &st.BytesIn}, nil
		})
	})
	st.BytesOut = st.BytesIn
	return st, err
}

// countingReader adds the bytes read to *n.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// walkStream is WalkLimited with a context that stops the reading.
func walkStream(ctx context.Context, r io.Reader, lim Limits, fn WalkFunc) (Stats, error) {
	w := &walker{lim: lim.withDefaults(), size: knownSize(r)}
	w.in = &sourceReader{r: r, ctx: ctx}
	err := w.walk(fn)
	for _, f := range w.release {
		f()
	}
	w.stats.BytesIn = w.in.n.Load()
	if w.out != nil {
		w.stats.BytesOut = w.out.n
	}
	return w.stats, err
}

// walker holds the state of one stream walk.
type walker struct {
	lim   Limits
	in    *sourceReader
	out   *tarReader
	stats Stats
	last  string // normalised path of the last entry delivered
	seq   int    // number of the entry being visited; readers check it
	size  int64  // the source's size in bytes, -1 if unknown
	// release gives pooled readers back when the walk ends.
	release []func()
}

// smallSource is the size under which a stream is read with a small buffer
// and inflated in line: its whole walk takes milliseconds, and a batch scan
// of thousands of small artifacts should not allocate megabytes for each.
const smallSource = 4 << 20

// knownSize returns the size of a source that can tell it (a local file, a
// reader that has a Size method such as an S3 object), or -1.
func knownSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size()
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}

// small reports whether the source is known to be smaller than smallSource.
func (w *walker) small() bool { return w.size >= 0 && w.size < smallSource }

// smallBufs and the ISA-L streams are reused by the walks of small
// sources, which run in line and are done with them when they return (a
// large source's inflating goroutine may outlive its walk, so its streams
// are not reused). klauspost's readers are not reused: their Reset keeps
// Huffman tables from the stream before, and damaged data inflates
// differently after one stream than after another.
var (
	smallBufs   = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	isalStreams sync.Pool
)

// gzipStream returns a gzip stream over br from the process's decoder; for
// a small source, an ISA-L stream comes from the pool and goes back when
// the walk ends. The error is the first header's.
func (w *walker) gzipStream(br *bufio.Reader) (gzipStream, error) {
	var z gzipStream = &goStream{}
	if decoder().isal {
		s, _ := isalStreams.Get().(*isalStream)
		if !w.small() || s == nil {
			s, _ = newISALStream()
		}
		if s != nil { // else ISA-L could not allocate its state
			z = s
			s.replayLimit = largeReplayLimit
			if w.small() {
				s.replayLimit = int(w.size) + 1
				w.release = append(w.release, func() { isalStreams.Put(s) })
			}
		}
	}
	return z, z.Reset(br)
}

func (w *walker) walk(fn WalkFunc) error {
	var br *bufio.Reader
	if w.small() {
		// Read in line: the buffers go back to their pools when the walk
		// returns, so a scan of thousands of small artifacts reuses them.
		br = smallBufs.Get().(*bufio.Reader)
		br.Reset(w.in)
		defer func() { br.Reset(nil); smallBufs.Put(br) }()
	} else {
		br = bufio.NewReaderSize(w.in, readBufferSize)
	}
	magic, _ := br.Peek(2)
	if len(magic) == 0 {
		if w.in.failure() != nil {
			return w.readErr()
		}
		return nil // empty input: an archive with no entries
	}
	var src io.Reader = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		w.stats.Format = "tar.gz"
		zr, err := w.gzipStream(br)
		if err != nil {
			if w.in.failure() != nil {
				return w.readErr()
			}
			return &CorruptError{Err: err}
		}
		// Inflate on another core while this one parses headers and runs
		// the checks, as tar -z does with its gzip process. The inflating
		// goroutine owns zr from here on.
		src = zr
		if !w.small() {
			ar := newAsyncReader(zr, asyncChunkSize, asyncDepth)
			defer ar.Close()
			src = ar
		}
	} else {
		w.stats.Format = "tar"
	}
	w.out = &tarReader{r: src, w: w}

	var first [blockSize]byte
	n, err := io.ReadFull(w.out, first[:])
	switch {
	case n == 0 && err == io.EOF:
		return nil // gzip of nothing: an archive with no entries
	case err != nil && (err != io.ErrUnexpectedEOF || w.out.srcErr != nil || w.out.limit != nil):
		return w.fail(err, false)
	case n < blockSize:
		return notArchive("too short for a tar header")
	case isZeroBlock(first[:]):
		// An archive that ends at once. Look for hidden members anyway.
		var next [blockSize]byte
		if _, err := io.ReadFull(w.out, next[:]); err == nil && validHeader(next[:]) {
			w.stats.HiddenAfterEnd = true
		}
		return nil
	case !validHeader(first[:]):
		if w.stats.Format == "tar.gz" {
			return notArchive("gzip data that is not a tar")
		}
		return notArchive("neither gzip nor tar")
	}

	tr := tar.NewReader(io.MultiReader(bytes.NewReader(first[:]), w.out))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			w.stats.HiddenAfterEnd = w.headerPastEnd()
			return nil
		}
		if err != nil {
			return w.fail(err, true)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		e := entryOf(hdr)
		if err := w.lim.checkEntry(e, w.stats.Entries+1); err != nil {
			return err
		}
		w.stats.Entries++
		w.last = e.Path
		w.seq++
		if err := fn(e, w.opener(e, tr)); err != nil {
			return err
		}
	}
}

// maxPastEnd bounds how far headerPastEnd looks beyond the end blocks: the
// padding to tar's default record size (20 blocks) and then some.
const maxPastEnd = 64 * blockSize

// headerPastEnd reports whether a valid tar header follows the end of the
// archive within maxPastEnd bytes, zero padding skipped: a second tar
// appended to the first (cat a.tar.gz b.tar.gz), whose members Python's
// tarfile and GNU tar never extract. Garbage and read errors there are not
// the archive's problem and count as no header.
func (w *walker) headerPastEnd() bool {
	var b [blockSize]byte
	for read := 0; read < maxPastEnd; read += blockSize {
		if _, err := io.ReadFull(w.out, b[:]); err != nil {
			w.out.srcErr = nil
			return false
		}
		if !isZeroBlock(b[:]) {
			return validHeader(b[:])
		}
	}
	return false
}

// opener returns the OpenFunc for the entry being visited.
func (w *walker) opener(e Entry, tr *tar.Reader) OpenFunc {
	seq := w.seq
	opened := false
	return func() (io.Reader, error) {
		switch {
		case w.seq != seq:
			return nil, fmt.Errorf("failed to open %q: the walk has moved past it", e.Path)
		case e.Type != TypeFile:
			return nil, fmt.Errorf("failed to open %q: it is a %s, not a regular file", e.Path, e.Type)
		case opened:
			return nil, fmt.Errorf("failed to open %q: already opened", e.Path)
		}
		opened = true
		return &memberReader{w: w, tr: tr, seq: seq}, nil
	}
}

// memberReader reads the content of the entry being visited.
type memberReader struct {
	w   *walker
	tr  *tar.Reader
	seq int
}

func (m *memberReader) Read(p []byte) (int, error) {
	if m.w.seq != m.seq {
		return 0, errors.New("failed to read member: the walk has moved past it")
	}
	n, err := m.tr.Read(p)
	if err != nil && err != io.EOF {
		err = m.w.fail(err, false)
	}
	return n, err
}

// fail turns an error from the tar reader into the error Walk returns: the
// limit that stopped reading, a failure to read the source, or a
// *CorruptError. At a header (atHeader), a zero block followed by anything
// ends the archive instead, and fail returns nil.
func (w *walker) fail(err error, atHeader bool) error {
	if w.out != nil && w.out.limit != nil {
		return w.out.limit
	}
	if w.in.failure() != nil {
		return w.readErr()
	}
	if w.out != nil && w.out.srcErr != nil {
		err = w.out.srcErr
	} else if atHeader && errors.Is(err, tar.ErrHeader) && w.out.n%blockSize == 0 && w.out.n >= 2*blockSize {
		// archive/tar read a zero block and then a non-zero one: the end of
		// the archive for every extractor.
		t := w.out.tail()
		if isZeroBlock(t[:blockSize]) {
			w.stats.HiddenAfterEnd = validHeader(t[blockSize:])
			return nil
		}
	}
	off := int64(0)
	if w.out != nil {
		off = w.out.n
	}
	return &CorruptError{Err: err, Entries: w.stats.Entries, Offset: off, Path: w.last}
}

// readErr is the error for a failure to read the source.
func (w *walker) readErr() error {
	err := w.in.failure()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var s3err *S3Error
	if errors.As(err, &s3err) {
		return err // already says what failed to read
	}
	return fmt.Errorf("failed to read archive: %w", err)
}

func notArchive(what string) error {
	return withHint(fmt.Errorf("%w: the input is %s", ErrNotArchive, what),
		"give a model.tar.gz, a .tar or a model folder; check the file with tar -tvf")
}

// sourceReader reads the source, counts the bytes read and keeps the first
// error other than io.EOF. With a gzip stream it is read by the inflating
// goroutine while the walk looks at n and err, so both are synchronised.
type sourceReader struct {
	r   io.Reader
	ctx context.Context // nil for none
	n   atomic.Int64
	mu  sync.Mutex
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if err := s.failure(); err != nil {
		return 0, err
	}
	if s.ctx != nil {
		if err := s.ctx.Err(); err != nil {
			s.setFailure(err)
			return 0, err
		}
	}
	n, err := s.r.Read(p)
	s.n.Add(int64(n))
	if err != nil && err != io.EOF {
		s.setFailure(err)
	}
	return n, err
}

// failure returns the first error reading the source, nil if none.
func (s *sourceReader) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// setFailure records err unless an error was recorded before.
func (s *sourceReader) setFailure(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// tarReader reads the uncompressed tar stream: it counts the bytes
// produced, keeps the last 1024 of them, enforces the total and ratio limits
// and keeps the first error from below other than io.EOF.
type tarReader struct {
	r      io.Reader
	w      *walker
	n      int64
	ring   [2 * blockSize]byte // ring[i%len] holds the byte at offset i
	limit  *LimitError
	srcErr error
}

func (t *tarReader) Read(p []byte) (int, error) {
	if t.limit != nil {
		return 0, t.limit
	}
	n, err := t.r.Read(p)
	if n > 0 {
		t.record(p[:n])
		t.n += int64(n)
		if t.limit = t.check(); t.limit != nil {
			return n, t.limit
		}
	}
	if err != nil && err != io.EOF && t.srcErr == nil {
		t.srcErr = err
	}
	return n, err
}

// record copies the tail of b, which starts at offset t.n, into the ring.
func (t *tarReader) record(b []byte) {
	off := t.n
	if len(b) > len(t.ring) {
		off += int64(len(b) - len(t.ring))
		b = b[len(b)-len(t.ring):]
	}
	i := int(off % int64(len(t.ring)))
	c := copy(t.ring[i:], b)
	copy(t.ring[:], b[c:])
}

// tail returns the last 1024 bytes produced; t.n must be at least 1024.
func (t *tarReader) tail() []byte {
	out := make([]byte, len(t.ring))
	i := int(t.n % int64(len(t.ring)))
	c := copy(out, t.ring[i:])
	copy(out[c:], t.ring[:i])
	return out
}

// check returns the total-bytes or ratio limit that t.n goes over, if any.
func (t *tarReader) check() *LimitError {
	lim := t.w.lim
	if lim.MaxTotalBytes > 0 && t.n > lim.MaxTotalBytes {
		return &LimitError{Limit: "total-bytes", Max: lim.MaxTotalBytes, Value: t.n, Path: shorten(t.w.last, 256)}
	}
	if lim.MaxRatio > 0 && t.n > lim.RatioFloor {
		in := max(t.w.in.n.Load(), 1)
		if ratio := float64(t.n) / float64(in); ratio > lim.MaxRatio {
			return &LimitError{Limit: "ratio", Max: int64(lim.MaxRatio), Value: int64(ratio), Path: shorten(t.w.last, 256)}
		}
	}
	return nil
}

// entryOf builds the Entry for a tar header.
func entryOf(h *tar.Header) Entry {
	p, unsafe := CleanName(h.Name)
	e := Entry{
		Path:     p,
		Name:     h.Name,
		Mode:     h.Mode & 0o7777,
		Link:     h.Linkname,
		Typeflag: h.Typeflag,
		Unsafe:   unsafe,
	}
	switch h.Typeflag {
	case tar.TypeReg, '\x00', tar.TypeGNUSparse:
		e.Type = TypeFile
		e.Size = h.Size
	case tar.TypeDir:
		e.Type = TypeDir
	case tar.TypeSymlink:
		e.Type = TypeSymlink
	case tar.TypeLink:
		e.Type = TypeHardlink
	default:
		e.Type = TypeOther
	}
	return e
}

// CleanName normalises a member name as stored in an archive and says
// whether extracting it would leave the destination.
//
// Leading slashes are removed and path.Clean is applied, so "./a/", "/a" and
// "a//b/.." all become "a". The root ("/", "./", "." or "") becomes "".
// unsafe is "absolute" for a name other than the root that starts with "/",
// "escapes" for one whose ".." elements climb above the root (path then
// keeps the leading ".." elements, e.g. "../etc/passwd"), and "" otherwise.
func CleanName(name string) (p, unsafe string) {
	trimmed := strings.TrimLeft(name, "/")
	abs := len(trimmed) != len(name)
	p = path.Clean(trimmed)
	switch {
	case p == ".":
		return "", ""
	case p == ".." || strings.HasPrefix(p, "../"):
		return p, "escapes"
	case abs:
		return p, "absolute"
	}
	return p, ""
}

// isZeroBlock reports whether b is all zero bytes.
func isZeroBlock(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// validHeader reports whether the 512-byte block b has a valid tar header
// checksum (unsigned or signed, as archive/tar accepts).
func validHeader(b []byte) bool {
	field := strings.Trim(string(b[148:156]), " \x00")
	if field == "" {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var unsigned, signed int64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}
