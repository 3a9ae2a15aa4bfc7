package modelfile

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
)

// joblib writes a pickle either raw (a KindPickle file whose numpy arrays
// follow their NumpyArrayWrapper as raw bytes, handled by the walker) or
// through a compressor recognised by its magic prefix
// (joblib/compressor.py): zlib (0x78), gzip, bz2, lz4, xz, lzma, or the
// legacy "ZF" + 19-character hex length + zlib stream
// (joblib/numpy_pickle_compat.py write_zfile).

const zfHeaderLen = 2 + 19

// joblibExts are extensions that make an undecodable compressed stream
// count as a joblib file.
var joblibExts = map[string]bool{
	".joblib": true, ".pkl": true, ".pickle": true, ".jbl": true, ".z": true, ".gz": true,
	".bz2": true, ".lz4": true, ".xz": true, ".lzma": true,
}

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
// compression is not decoded here.
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
	}
	return nil, nil
}

// sniffCompressed returns KindJoblib when head is a compressed stream
// whose first decompressed bytes look like a pickle, or an undecodable
// compressed stream with a joblib-like extension (checked by the caller
// through Sniff's name; here head alone decides what can be decoded).
func sniffCompressed(head []byte) Kind {
	comp := compression(head)
	if comp == "" {
		return KindUnknown
	}
	d, err := decompressor(comp, bytes.NewReader(head))
	if err != nil || d == nil {
		return KindUnknown
	}
	out := make([]byte, SniffLen)
	n, _ := io.ReadFull(d, out)
	out = out[:n]
	if len(out) >= 2 && out[0] == opProto && out[1] >= 2 && out[1] <= HighestProtocol {
		return KindJoblib
	}
	if len(out) > 0 && looksLikePickle(out, "") {
		return KindJoblib
	}
	return KindUnknown
}

// sniffJoblibByName returns KindJoblib for a stream compressed in a way not
// decoded here (lz4, xz, lzma) when the name says joblib or pickle.
func sniffJoblibByName(name string, head []byte) Kind {
	switch compression(head) {
	case "lz4", "xz", "lzma":
		if joblibExts[strings.ToLower(path.Ext(name))] {
			return KindJoblib
		}
	}
	return KindUnknown
}

// decompErr marks an error of the decompressor (corrupt data), as opposed
// to an error of the underlying reader.
type decompErr struct{ err error }

func (e *decompErr) Error() string { return e.err.Error() }

type decReader struct{ r io.Reader }

func (d decReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &decompErr{err}
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

func scanJoblib(rep *Report, br *bufio.Reader, lim *Limits) error {
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
		rep.add(CodeCompression, "", 0, "%s compression is not decoded: the pickle inside was not scanned", comp)
		return nil
	}
	var r io.Reader = decReader{d}
	var lr *limitedReader
	if lim.MaxDecompressed > 0 {
		lr = &limitedReader{r: r, n: lim.MaxDecompressed}
		r = lr
	}
	pr, _, err := walkPickles(r, "", lim, true)
	if pr != nil {
		rep.merge(pr)
	}
	var ie *ioError
	if errors.As(err, &ie) {
		var de *decompErr
		switch {
		case errors.As(ie.err, &de):
			rep.add(CodeCompression, "", -1, "corrupt %s stream: %v", comp, de.err)
			return nil
		case errors.Is(ie.err, errOverLimit):
			rep.add(CodeLimit, "", lim.MaxDecompressed, "decompresses to more than %d bytes", lim.MaxDecompressed)
			return nil
		}
	}
	return err
}
