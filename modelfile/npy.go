package modelfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// .npy (numpy/lib/format.py): "\x93NUMPY", major, minor, a little-endian
// header length (2 bytes in version 1, 4 in versions 2 and 3), then a
// Python dict literal such as
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//
// An object dtype ('O', also inside a structured descr) means the payload
// is a pickle (numpy writes it with pickle.dump): it is reported and
// walked. Otherwise the payload must be exactly shape product times item
// size bytes.

// maxNpyHeader is the longest .npy header read; numpy itself refuses
// headers over 10000 bytes by default.
const maxNpyHeader = 1 << 16

// Examples:
//
//	'descr': '<f4'            -> "<f4"
//	"descr": "|O"             -> "|O"
//	'descr': [('a', '<i4')]   -> no match (structured: searched for 'O' instead)
var (
	npyDescr = regexp.MustCompile(`['"]descr['"]\s*:\s*['"]([^'"]*)['"]`)
	// 'shape': (3, 4) -> "3, 4"; 'shape': () -> ""
	npyShape = regexp.MustCompile(`['"]shape['"]\s*:\s*\(([^)]*)\)`)
	// ('f', 'O') or ('f', '|O', (2,)) inside a structured descr
	npyObjectField = regexp.MustCompile(`['"][|<>=]?O['"]`)
)

func scanNpy(rep *Report, member string, br *bufio.Reader, lim *Limits) error {
	bad := func(off int64, format string, args ...any) { rep.add(CodeNpyMalformed, member, off, format, args...) }
	pre := make([]byte, 8)
	if _, err := io.ReadFull(br, pre); err != nil {
		if isEOF(err) {
			bad(0, "truncated .npy preamble")
			return nil
		}
		return &ioError{err}
	}
	major := pre[6]
	var hlen int64
	off := int64(10)
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return npyEOF(bad, err)
		}
		hlen = int64(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return npyEOF(bad, err)
		}
		hlen = int64(binary.LittleEndian.Uint32(b[:]))
		off = 12
	default:
		bad(6, "unknown .npy version %d.%d", major, pre[7])
		return nil
	}
	if hlen > maxNpyHeader {
		bad(8, ".npy header declares %d bytes, over the limit of %d", hlen, maxNpyHeader)
		return nil
	}
	h := make([]byte, hlen)
	if _, err := io.ReadFull(br, h); err != nil {
		return npyEOF(bad, err)
	}
	header := string(h)
	descr := ""
	if m := npyDescr.FindStringSubmatch(header); m != nil {
		descr = m[1]
	}
	structured := descr == "" && strings.Contains(header, "[")
	object := strings.TrimLeft(descr, "<>|=") == "O" || structured && npyObjectField.MatchString(header)
	if !strings.Contains(header, "descr") || !strings.Contains(header, "shape") {
		bad(off, ".npy header lacks descr or shape")
		return nil
	}
	if object {
		rep.add(CodeNpyObject, member, off, "object array: the payload is a pickle, loaded only with allow_pickle=True")
		pr, _, err := walkPickles(br, member, lim, true)
		if pr != nil {
			for i := range pr.problems {
				pr.problems[i].Offset += off + hlen
			}
			for i := range pr.imports {
				pr.imports[i].Offset += off + hlen
			}
			rep.merge(pr)
		}
		return err
	}
	if structured {
		return nil // item size of a structured dtype is not computed
	}
	itemsize, ok := dtypeSize(descr, nil)
	if !ok {
		bad(off, ".npy descr %q is not a known dtype", cut(descr))
		return nil
	}
	m := npyShape.FindStringSubmatch(header)
	if m == nil {
		bad(off, ".npy shape is not a tuple")
		return nil
	}
	count := int64(1)
	for _, f := range strings.Split(m[1], ",") {
		f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "L"))
		if f == "" {
			continue
		}
		d, err := strconv.ParseInt(f, 10, 64)
		if err != nil || d < 0 || d != 0 && count > math.MaxInt64/d {
			bad(off, ".npy shape %q is invalid", cut(m[1]))
			return nil
		}
		count *= d
	}
	if itemsize != 0 && count > math.MaxInt64/itemsize {
		bad(off, ".npy size overflows")
		return nil
	}
	want := count * itemsize
	got, err := io.Copy(io.Discard, br)
	if err != nil {
		return &ioError{err}
	}
	if got != want {
		bad(off+hlen, ".npy payload is %d bytes, shape and dtype need %d", got, want)
	}
	return nil
}

func npyEOF(bad func(int64, string, ...any), err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		bad(0, "truncated .npy header")
		return nil
	}
	return &ioError{err}
}
