package modelfile

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// joblib writes a pickle either raw (a KindPickle file whose numpy arrays
// follow their NumpyArrayWrapper as raw bytes, handled by the walker) or
// through a compressor recognised by its magic prefix
// (joblib/compressor.py): zlib (0x78), gzip, bz2, lz4, xz, lzma, or the
// legacy "ZF" + 19-character hex length + zlib stream
// (joblib/numpy_pickle_compat.py write_zfile).

const zfHeaderLen = 2 + 19

// compression names the compressor of a joblib file, or "".
func compression(head []byte) string {
	switch {
	case bytes.HasPrefix(head, magicZF) && len(head) > zfHeaderLen && isZFLength(head[2:zfHeaderLen]) && isZlib(head[zfHeaderLen:]):
		return "zf"
	case isZlib(head):
		return "zlib"
	case bytes.HasPrefix(head, magicGzip):
		return "gzip"
	case bytes.HasPrefix(head, magicBzip2):
		return "bz2"
	case bytes.HasPrefix(head, magicLZ4):
		return "lz4"
	case bytes.HasPrefix(head, magicXZ):
		return "xz"
	case bytes.HasPrefix(head, magicLZMA):
		return "lzma"
	}
	return ""
}

func isZlib(b []byte) bool {
	return len(b) >= 2 && b[0] == 0x78 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

func isZFLength(b []byte) bool {
	s := strings.TrimRight(string(b), " ")
	if !strings.HasPrefix(s, "0x") || len(s) < 3 {
		return false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// decompressor returns a reader of the decompressed stream, or nil when the
// compression is not decoded here (lz4).
func decompressor(comp string, r io.Reader) (io.Reader, error) {
	switch comp {
	case "zf":
		if _, err := io.CopyN(io.Discard, r, zfHeaderLen); err != nil {
			return nil, err
		}
		return zlib.NewReader(r)
	case "zlib":
		return zlib.NewReader(r)
	case "gzip":
		return gzip.NewReader(r)
	case "bz2":
		return bzip2.NewReader(r), nil
	case "xz":
		return xz.NewReader(r)
	case "lzma":
		return lzma.NewReader(r)
	}
	return nil, nil
}

// sniffCompressed returns KindJoblib when head starts a compressed stream
// that decodes (or an lz4 frame, which is not decoded): what it holds is
// sniffed again when it is scanned.
func sniffCompressed(head []byte) Kind {
	comp := compression(head)
	switch comp {
	case "":
		return KindUnknown
	case "lz4", "xz":
		// Magic numbers too long to be chance: an xz stream that does not
		// decode is corrupt, not something else.
		return KindJoblib
	}
	d, err := decompressor(comp, bytes.NewReader(head))
	if err != nil || d == nil {
		return KindUnknown
	}
	out := make([]byte, 16)
	n, err := io.ReadFull(d, out)
	if n == 0 && err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return KindUnknown
	}
	if n == 0 {
		return KindUnknown
	}
	return KindJoblib
}

// decompErr marks an error of the decompressor (corrupt data), as opposed
// to an error of the underlying reader.
type decompErr struct{ err error }

func (e *decompErr) Error() string { return e.err.Error() }

// decReader marks the decompressor's errors and remembers the first.
type decReader struct {
	r   io.Reader
	err error
}

func (d *decReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &decompErr{err}
		if d.err == nil {
			d.err = err
		}
	}
	return n, err
}

// limitedReader fails with errOverLimit once more than n bytes are read.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
}

var errOverLimit = errors.New("over the limit")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
			return 0, errOverLimit
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// scanJoblib decompresses a joblib file (or any compressed member: a
// .tar.gz inside the artifact) and scans what it holds.
func scanJoblib(rep *Report, br *bufio.Reader, lim *Limits, depth int) error {
	head, _ := br.Peek(SniffLen)
	comp := compression(head)
	d, err := decompressor(comp, br)
	if err != nil {
		var ie *ioError
		if errors.As(err, &ie) {
			return err
		}
		rep.add(CodeCompression, "", 0, "corrupt %s stream: %v", comp, err)
		return nil
	}
	if d == nil {
		rep.add(CodeUnscannable, "", 0, "%s compression is not decoded: the pickle inside was not checked", comp)
		return nil
	}
	if depth >= lim.MaxDepth {
		rep.add(CodeUnscannable, "", 0, "%s stream nested %d deep: not opened", comp, depth)
		return nil
	}
	dr := &decReader{r: d}
	var r io.Reader = dr
	var lr *limitedReader
	if lim.MaxDecompressed > 0 {
		lr = &limitedReader{r: r, n: lim.MaxDecompressed}
		r = lr
	}
	inner := getReader(r)
	defer putReader(inner)
	sub := &Report{}
	err = scanInto(sub, KindUnknown, "", inner, -1, lim, depth+1, false)
	if err == nil {
		_, err = io.Copy(io.Discard, inner)
	}
	rep.mergeNested(sub, "")
	rep.TorchScript = sub.TorchScript
	switch sub.Kind {
	case KindPickle, KindUnknown:
		rep.Kind = KindJoblib
	default:
		rep.Kind = sub.Kind
	}
	var de *decompErr
	switch {
	case lr != nil && lr.over:
		rep.add(CodeUnscannable, "", lim.MaxDecompressed, "decompresses to more than %d bytes: the rest was not checked", lim.MaxDecompressed)
		return nil
	case dr.err != nil && errors.As(dr.err, &de):
		rep.add(CodeCompression, "", -1, "corrupt %s stream: %v", comp, de.err)
		return nil
	case errors.As(err, &de):
		return nil
	}
	var ie *ioError
	if errors.As(err, &ie) && (errors.As(ie.err, &de) || errors.Is(ie.err, errOverLimit)) {
		return nil
	}
	if errors.Is(err, errOverLimit) {
		return nil
	}
	return err
}
