package artifact

// The rules for inflating gzip are:
//   - Two decoders read gzip: ISA-L's isal_inflate, loaded at run time (see
//     isal_dl.go), and klauspost's Go decoder. MATI_INFLATE chooses: "go",
//     "isal" or "auto" (the default, and what any other value means): ISA-L
//     when the library loads, is of a checked version and passes a
//     self-test, Go otherwise. [GzipDecoder] says which one runs and why.
//   - Both give the same bytes and the same errors for the same input. The
//     gzip header is parsed here in Go for ISA-L, with the rules of
//     klauspost's reader (a name or comment of at most 511 bytes, a header
//     CRC, reserved flags zero); ISA-L inflates the deflate data and checks
//     the trailer's CRC-32 and size. Truncation anywhere is
//     io.ErrUnexpectedEOF, a bad header gzip.ErrHeader, a bad trailer
//     gzip.ErrChecksum and damaged deflate data errInvalidDeflate, whose
//     text carries no decoder-specific offset.
//   - Concatenated members are one stream; after the last, no input is
//     io.EOF and anything else is read as a header. A member's trailer and
//     the next header are read only when more output is asked for, as
//     klauspost's reader does.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// errInvalidDeflate is the error for damaged deflate data, whichever
// decoder found it.
var errInvalidDeflate = errors.New("gzip: invalid deflate data")

// errISALNotFound is wrapped by the error of a library that does not load.
var errISALNotFound = errors.New("not found")

// The ISA-L versions whose inflate_state layout isal_dl.go was checked
// against: 2.isalMinMinor to 2.isalMaxMinor.
const (
	isalMinMinor = 24
	isalMaxMinor = 32
)

// Decoder describes the gzip decoder this process uses.
type Decoder struct {
	// Name is "isal" or "go".
	Name string
	// Version is ISA-L's version, e.g. "2.30"; "" for go.
	Version string
	// Library is ISA-L's library name on this platform, e.g. "libisal.so.2".
	Library string
	// Reason says why ISA-L is not used; "" when it is.
	Reason string
}

// String gives e.g. "isal 2.30 (libisal.so.2)" or "go (libisal.so.2 not
// found)".
func (d Decoder) String() string {
	if d.Name == "isal" {
		return fmt.Sprintf("isal %s (%s)", d.Version, d.Library)
	}
	return fmt.Sprintf("go (%s)", d.Reason)
}

// GzipDecoder returns the gzip decoder this process uses, chosen by
// MATI_INFLATE on the first call (or the first gzip walk). It is safe for
// concurrent use.
func GzipDecoder() Decoder { return decoder().Decoder }

// decoderChoice is a chosen decoder and whether it is ISA-L.
type decoderChoice struct {
	Decoder
	isal bool
}

// decoder returns the process's choice; tests replace it.
var decoder = sync.OnceValue(func() decoderChoice { return chooseDecoder(os.Getenv("MATI_INFLATE")) })

// isalOpen loads the library once.
var isalOpen = sync.OnceValues(openISAL)

// isalLoad loads ISA-L once and says which version it is, or why it
// cannot be used at all.
var isalLoad = sync.OnceValues(func() (isalVersion, error) {
	v, err := isalOpen()
	if err != nil {
		return v, err
	}
	if v.major != 2 || v.minor == 0 {
		return v, fmt.Errorf("%s has an unknown version", isalLibName())
	}
	if v.minor < isalMinMinor {
		return v, fmt.Errorf("%s is ISA-L %s, older than 2.%d", isalLibName(), v, isalMinMinor)
	}
	if err := isalSelfTest(); err != nil {
		return v, fmt.Errorf("%s (ISA-L %s) failed its self-test: %v", isalLibName(), v, err)
	}
	return v, nil
})

// chooseDecoder picks the decoder for a MATI_INFLATE value.
func chooseDecoder(mode string) decoderChoice {
	lib := isalLibName()
	goWith := func(reason string) decoderChoice {
		return decoderChoice{Decoder: Decoder{Name: "go", Library: lib, Reason: reason}}
	}
	mode = strings.ToLower(strings.TrimSpace(mode))
	if mode == "go" {
		return goWith("MATI_INFLATE=go")
	}
	v, err := isalLoad()
	switch {
	case errors.Is(err, errISALNotFound):
		if mode == "isal" {
			return goWith("MATI_INFLATE=isal, but " + lib + " not found")
		}
		return goWith(lib + " not found")
	case err != nil:
		return goWith(err.Error())
	case v.minor > isalMaxMinor && mode != "isal":
		return goWith(fmt.Sprintf("%s is ISA-L %s, newer than the 2.%d this build was checked with; MATI_INFLATE=isal uses it", lib, v, isalMaxMinor))
	}
	return decoderChoice{Decoder: Decoder{Name: "isal", Version: v.String(), Library: lib}, isal: true}
}

// isalVersion is a loaded ISA-L's version and the file it came from.
type isalVersion struct {
	major, minor, patch int
	file                string
}

// String gives "2.30", or "2.32.1" with a patch level.
func (v isalVersion) String() string {
	if v.patch > 0 {
		return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch)
	}
	return fmt.Sprintf("%d.%d", v.major, v.minor)
}

// versionFromFile reads the version from a libtool file name:
// "libisal.so.2.0.30" is ISA-L 2.30. It returns 0, 0 for any other name.
func versionFromFile(file string) (major, minor int) {
	base := filepath.Base(file)
	rest, ok := strings.CutPrefix(base, "libisal.so.")
	if !ok {
		return 0, 0
	}
	f := strings.Split(rest, ".")
	if len(f) != 3 || f[1] != "0" {
		return 0, 0
	}
	ma, err1 := strconv.Atoi(f[0])
	mi, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return ma, mi
}

// isalSelfTest inflates a small stream built here, read in pieces and at
// once, and a copy with a wrong CRC-32: proof that the library and the
// layout of its state agree with this build before anything relies on them.
func isalSelfTest() error {
	var text strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&text, "line %d of the self-test, %x\n", i%701, i*7919)
	}
	want := []byte(text.String())
	var stream strings.Builder
	zw, err := gzip.NewWriterLevel(&stream, 6)
	if err != nil {
		return err
	}
	if _, err := zw.Write(want); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	good := []byte(stream.String())
	two := append(append([]byte{}, good...), good...)
	for _, step := range []int{len(want) * 2, 1000} {
		z, err := newISALStream()
		if err != nil {
			return err
		}
		if err := z.Reset(bufio.NewReaderSize(strings.NewReader(string(two)), 4096)); err != nil {
			return err
		}
		got, err := readAllIn(z, step)
		if err != nil {
			return err
		}
		if string(got) != string(want)+string(want) {
			return fmt.Errorf("inflated %d bytes unlike the %d written", len(got), 2*len(want))
		}
	}
	bad := append([]byte{}, good...)
	bad[len(bad)-8] ^= 1
	z, err := newISALStream()
	if err != nil {
		return err
	}
	if err := z.Reset(bufio.NewReader(strings.NewReader(string(bad)))); err != nil {
		return err
	}
	if _, err := readAllIn(z, len(want)); !errors.Is(err, gzip.ErrChecksum) {
		return fmt.Errorf("a wrong CRC-32 gave %v", err)
	}
	return nil
}

// readAllIn reads r to its end with reads of at most step bytes.
func readAllIn(r io.Reader, step int) ([]byte, error) {
	var out []byte
	buf := make([]byte, step)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// gzipStream is a gzip reader over a bufio.Reader that can be reused.
type gzipStream interface {
	io.Reader
	// Reset starts reading a new stream from br: it reads the first
	// member's header and returns its error.
	Reset(br *bufio.Reader) error
}

// goStream is klauspost's reader, with damaged deflate data reported as
// errInvalidDeflate.
type goStream struct {
	zr gzip.Reader
}

func (g *goStream) Reset(br *bufio.Reader) error { return g.zr.Reset(br) }

func (g *goStream) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	var ce flate.CorruptInputError
	if err != nil && errors.As(err, &ce) {
		err = errInvalidDeflate
	}
	return n, err
}

// isalOutSize is the least room an isalStream inflates into. It is more
// than inflate_state's tmp_out_buffer, so that ISA-L always hands over
// everything it inflated before an error.
const isalOutSize = 128 << 10

// A member's first replayLimit compressed bytes are kept, and its last
// holdBack inflated bytes held back, while the member is no longer than
// that. When ISA-L then finds the deflate data damaged or cut short, the
// member is inflated again with klauspost's decoder from its start, and
// that decoder's bytes and error are what the reader gives from there on:
// the two decoders stop at slightly different points inside a damaged
// stream (klauspost's reads a few bits ahead), and this makes them agree.
// Past replayLimit (largeReplayLimit for a source not known to be small),
// ISA-L's own stopping point stands. The buffer is allocated once, at its
// limit.
const (
	replayLimit      = smallSource
	largeReplayLimit = 1 << 20
	holdBack         = 4 << 10
)

// isalStream reads gzip with ISA-L. It reads its input from the bufio
// buffer in place (Peek and Discard), so the source is read in the same
// pieces as with the Go decoder.
type isalStream struct {
	br *bufio.Reader
	st *isalState
	// buf[lo:rel] is inflated and not yet read; buf[rel:hi] is held back.
	buf         []byte
	lo, rel, hi int
	end         bool  // the member's trailer was read and correct
	err         error // returned once buf is read
	// replay holds the member's compressed bytes, header included, while
	// replaying is on; given counts the member's bytes read from buf.
	replay      []byte
	replaying   bool
	given       int64
	replayLimit int // 0 means replayLimit
	// fallback is klauspost's reader, once a replay took over.
	fallback *goStream
}

// newISALStream returns a stream with its own state, freed when the stream
// is collected.
func newISALStream() (*isalStream, error) {
	st, err := newISALState()
	if err != nil {
		return nil, err
	}
	z := &isalStream{st: st, buf: make([]byte, isalOutSize+holdBack)}
	runtime.AddCleanup(z, func(s *isalState) { s.free() }, st)
	return z, nil
}

func (z *isalStream) Reset(br *bufio.Reader) error {
	z.br, z.lo, z.rel, z.hi, z.end, z.err, z.fallback = br, 0, 0, 0, false, nil, nil
	if err := z.member(); err != nil {
		z.err = err
		return err
	}
	return nil
}

// member reads the next member's header and starts inflating its data.
func (z *isalStream) member() error {
	limit := z.replayLimit
	if limit <= 0 {
		limit = replayLimit
	}
	if cap(z.replay) < limit {
		z.replay = make([]byte, 0, limit)
	}
	z.replay, z.replaying, z.given = z.replay[:0], true, 0
	if err := readGzipHeader(z.br, &z.replay); err != nil {
		return err
	}
	z.st.reset()
	return nil
}

// Read gives the inflated bytes. As with klauspost's reader, the read that
// gives a member's last byte also checks its trailer and reads the next
// member's header, and returns their error (io.EOF after the last member)
// with the bytes; so does the read that gives the last bytes before damage.
func (z *isalStream) Read(p []byte) (int, error) {
	for {
		if z.lo < z.rel {
			n := copy(p, z.buf[z.lo:z.rel])
			z.lo += n
			z.given += int64(n)
			if z.lo == z.hi {
				return n, z.settle()
			}
			return n, nil
		}
		if z.err != nil {
			return 0, z.err
		}
		if z.fallback != nil {
			return z.fallback.Read(p)
		}
		if len(p) == 0 {
			return 0, nil
		}
		if err := z.settle(); err != nil {
			return 0, err
		}
		// Move the held-back bytes to the front.
		z.hi = copy(z.buf, z.buf[z.rel:z.hi])
		z.lo, z.rel = 0, 0
		if n, done := z.inflate(p); done {
			return n, z.settle()
		}
	}
}

// settle is called when every inflated byte has been read. After the end
// of a member, it reads the next header. It returns z.err, which it sets
// to the header's error (io.EOF when there is no other member).
func (z *isalStream) settle() error {
	if z.err == nil && z.end {
		z.end = false
		z.err = z.member()
	}
	return z.err
}

// inflate runs ISA-L once. Straight into p (done, with n bytes) when p is
// large and nothing is held back; otherwise into buf, making bytes
// readable or setting z.err.
func (z *isalStream) inflate(p []byte) (n int, done bool) {
	dst, direct := z.buf[z.hi:], z.hi == 0 && !z.replaying && len(p) >= isalOutSize
	if direct {
		dst = p
	}
	in, _ := z.br.Peek(z.br.Buffered())
	consumed, produced, finished, ret := z.st.step(in, dst)
	if z.replaying {
		if len(z.replay)+consumed > cap(z.replay) {
			z.replay, z.replaying = nil, false
		} else {
			z.replay = append(z.replay, in[:consumed]...)
		}
	}
	consumed = min(consumed, len(in))
	z.br.Discard(consumed) // never fails: the bytes are buffered
	var damaged error
	switch {
	case ret == isalIncorrectChecksum:
		z.err = gzip.ErrChecksum
	case ret < 0:
		damaged = errInvalidDeflate
	case finished:
		z.end = true
	case consumed == 0 && produced == 0 && len(in) > 0:
		z.err = errors.New("ISA-L inflate made no progress")
	case consumed == 0 && produced == 0:
		// ISA-L has used all its input: read more.
		if _, err := z.br.Peek(1); err != nil {
			damaged = noEOF(err)
		}
	}
	if damaged != nil && z.replaying && z.replayWithGo() {
		return 0, false
	}
	if damaged != nil {
		z.err = damaged
	}
	if direct {
		z.given += int64(produced)
		return produced, produced > 0
	}
	z.hi += produced
	z.rel = z.hi
	if z.replaying && !z.end && z.err == nil {
		z.rel = max(0, z.hi-holdBack)
	}
	return 0, false
}

// replayWithGo inflates the member again from its start with klauspost's
// decoder, skips the bytes already read and makes that decoder the source
// of the rest. It reports whether z.err or z.fallback is now set.
func (z *isalStream) replayWithGo() bool {
	g := &goStream{}
	src := io.MultiReader(bytes.NewReader(z.replay), z.br)
	z.replay, z.replaying = nil, false
	z.lo, z.rel, z.hi = 0, 0, 0
	if err := g.Reset(bufio.NewReader(src)); err != nil {
		z.err = err
		return true
	}
	if _, err := io.CopyN(io.Discard, g, z.given); err != nil {
		// klauspost's decoder stops before the bytes ISA-L gave: keep
		// its error, after them.
		z.err = err
		return true
	}
	z.fallback = g
	return true
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the input ended inside a
// member.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// gzip header flags (RFC 1952, section 2.3.1).
const (
	gzipFlagHCRC    = 1 << 1
	gzipFlagExtra   = 1 << 2
	gzipFlagName    = 1 << 3
	gzipFlagComment = 1 << 4
	// gzipMaxString is the longest name or comment, its NUL included, that
	// klauspost's reader accepts.
	gzipMaxString = 512
)

// readGzipHeader reads one member's header from br with the rules of
// klauspost's reader: io.EOF when br is empty, io.ErrUnexpectedEOF when
// it ends inside the header, gzip.ErrHeader for a header that is not
// gzip with deflate, a name or comment over 511 bytes, a wrong header CRC
// or a reserved flag.
// The bytes read are appended to *rec.
func readGzipHeader(br *bufio.Reader, rec *[]byte) error {
	var b [10]byte
	n, err := io.ReadFull(br, b[:])
	*rec = append(*rec, b[:n]...)
	if err != nil {
		return err
	}
	if b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 {
		return gzip.ErrHeader
	}
	flg := b[3]
	digest := crc32.ChecksumIEEE(b[:])
	if flg&gzipFlagExtra != 0 {
		n, err := io.ReadFull(br, b[:2])
		*rec = append(*rec, b[:n]...)
		if err != nil {
			return noEOF(err)
		}
		digest = crc32.Update(digest, crc32.IEEETable, b[:2])
		for n := int(b[0]) | int(b[1])<<8; n > 0; {
			chunk, err := br.Peek(min(n, br.Size()))
			digest = crc32.Update(digest, crc32.IEEETable, chunk)
			*rec = append(*rec, chunk...)
			br.Discard(len(chunk))
			n -= len(chunk)
			if err != nil && n > 0 {
				return noEOF(err)
			}
		}
	}
	for _, f := range []byte{gzipFlagName, gzipFlagComment} {
		if flg&f == 0 {
			continue
		}
		for i := 0; ; i++ {
			if i >= gzipMaxString {
				return gzip.ErrHeader
			}
			c, err := br.ReadByte()
			if err != nil {
				return noEOF(err)
			}
			*rec = append(*rec, c)
			b[0] = c
			digest = crc32.Update(digest, crc32.IEEETable, b[:1])
			if c == 0 {
				break
			}
		}
	}
	if flg&gzipFlagHCRC != 0 {
		n, err := io.ReadFull(br, b[:2])
		*rec = append(*rec, b[:n]...)
		if err != nil {
			return noEOF(err)
		}
		if uint16(b[0])|uint16(b[1])<<8 != uint16(digest) {
			return gzip.ErrHeader
		}
	}
	if flg>>5 != 0 {
		return gzip.ErrHeader
	}
	return nil
}
