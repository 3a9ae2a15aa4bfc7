package modelfile

// This file reads a zip (PyTorch .pt/.pth/.bin, .npz, .keras) as a stream.
//
// The rules are:
//   - local file headers are parsed as they stream past and every member is
//     scanned by its content, whatever its name (a pickle in data.txt, an
//     .npz key without .npy, a zip or tar inside), as it streams;
//   - a deflated member with a data descriptor is inflated to find its end;
//     a stored member with a data descriptor cannot be delimited from the
//     stream, so the rest of the zip is spooled (memory up to
//     Limits.SpoolThreshold, then a temporary file removed before return)
//     and read through archive/zip from its central directory;
//   - the central directory and end record are compared with the local
//     headers seen: any disagreement (names, offsets, sizes, CRCs, counts,
//     a second directory) is CodeZipCentralDirectory, because PyTorch
//     (miniz), numpy and zipfile read the central directory, not the local
//     headers. Findings carry the central directory's name of a member;
//   - a zip of at most maxKeptZip bytes is kept in memory as it
//     streams, so that a central directory entry no local header matched
//     (data outside every local header, an overlapping entry) is read and
//     scanned too; in a larger zip such an entry is CodeUnscannable;
//   - bad CRCs are reported, never fatal; a corrupt member is skipped by
//     its declared size and the next one is read; encryption and methods
//     other than store and deflate are CodeUnscannable.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/flate"
)

// maxKeptZip is the largest zip kept in memory to read its central
// directory again.
const maxKeptZip = 4 << 20

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigEnd        = 0x06054b50
	sigEnd64      = 0x06064b50
	sigEnd64Loc   = 0x07064b50
	sigDescriptor = 0x08074b50

	flagEncrypted  = 0x1
	flagDescriptor = 0x8
)

// zentry is one local header and what followed it.
type zentry struct {
	name         string
	off          int64
	flags        uint16
	method       uint16
	crc          uint32
	csize, usize uint64
	// data is the stream offset of the member's data.
	data int64
}

// zreader tracks the stream offset of a zip and, while it is small
// enough, keeps a copy of every byte read.
type zreader struct {
	br  *bufio.Reader
	off int64
	// kept is the zip so far while keeping is set; keeping stops (and kept
	// is dropped) past keepMax bytes.
	kept    []byte
	keeping bool
	keepMax int64
}

func (z *zreader) keep(b []byte) {
	if !z.keeping {
		return
	}
	if int64(len(z.kept)+len(b)) > z.keepMax {
		z.keeping, z.kept = false, nil
		return
	}
	z.kept = append(z.kept, b...)
}

func (z *zreader) ReadByte() (byte, error) {
	b, err := z.br.ReadByte()
	if err == nil {
		z.off++
		if z.keeping {
			if int64(len(z.kept)) >= z.keepMax {
				z.keeping, z.kept = false, nil
			} else {
				z.kept = append(z.kept, b)
			}
		}
	}
	return b, err
}

func (z *zreader) Read(p []byte) (int, error) {
	n, err := z.br.Read(p)
	z.off += int64(n)
	z.keep(p[:n])
	return n, err
}

func (z *zreader) full(n int) ([]byte, error) {
	b := make([]byte, n)
	m, err := io.ReadFull(z.br, b)
	z.off += int64(m)
	z.keep(b[:m])
	return b, err
}

func (z *zreader) discard(n int64) (int64, error) {
	var done int64
	for n > 0 {
		if z.keeping {
			m, err := io.CopyN(io.Discard, z, n)
			return done + m, err
		}
		step := min(n, 1<<30)
		m, err := z.br.Discard(int(step))
		done += int64(m)
		z.off += int64(m)
		n -= int64(m)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

func scanZip(rep *Report, br *bufio.Reader, lim *Limits, depth int) error {
	z := &zreader{br: br, keeping: true, keepMax: maxKeptZip}
	var locals []zentry
	var centrals []zentry
	cdStart, cdCount, ends := int64(-1), 0, 0
	broke := false
	truncated := func(what string) {
		rep.add(CodeZipMalformed, "", z.off, "truncated %s", what)
	}
loop:
	for {
		sigAt := z.off
		b, err := z.full(4)
		if err != nil {
			if isEOF(err) && len(b) == 0 || errors.Is(err, io.EOF) {
				break
			}
			if isEOF(err) {
				truncated("signature")
				break
			}
			return &ioError{err}
		}
		switch binary.LittleEndian.Uint32(b) {
		case sigLocal:
			if len(centrals) > 0 || ends > 0 {
				rep.add(CodeZipCentralDirectory, "", sigAt, "local header after the central directory")
			}
			e, raw, err := readLocal(z, sigAt)
			if err != nil {
				if isEOF(err) {
					truncated("local header")
					break loop
				}
				return &ioError{err}
			}
			if lim.MaxMembers > 0 && len(locals) >= lim.MaxMembers {
				rep.add(CodeUnscannable, "", sigAt, "more than %d zip members: the rest were not checked", lim.MaxMembers)
				return nil
			}
			if e.flags&flagDescriptor != 0 && (e.method != zip.Deflate || e.flags&flagEncrypted != 0) {
				locals = append(locals, e)
				rep.Members = append(rep.Members, e.name)
				z.keeping, z.kept = false, nil
				return scanSpooled(rep, z, raw, e.off, locals, lim, depth)
			}
			e, err = readMember(rep, z, e, lim, depth)
			if err != nil {
				if isEOF(err) {
					truncated(fmt.Sprintf("member %q", e.name))
					locals = append(locals, e)
					rep.Members = append(rep.Members, e.name)
					break loop
				}
				if errors.Is(err, errZipStop) {
					break loop
				}
				return err
			}
			locals = append(locals, e)
			rep.Members = append(rep.Members, e.name)
		case sigCentral:
			if cdCount == 0 {
				if cdStart >= 0 {
					rep.add(CodeZipCentralDirectory, "", sigAt, "a second central directory")
				}
				cdStart = sigAt
				centrals = centrals[:0]
			}
			e, err := readCentral(z)
			if err != nil {
				if isEOF(err) {
					truncated("central directory")
					break loop
				}
				return &ioError{err}
			}
			if lim.MaxMembers > 0 && len(centrals) >= lim.MaxMembers {
				rep.add(CodeLimit, "", sigAt, "more than %d central directory entries", lim.MaxMembers)
				return nil
			}
			centrals = append(centrals, e)
			cdCount++
		case sigEnd64:
			b, err := z.full(8)
			if err != nil {
				truncated("zip64 end record")
				break loop
			}
			n := binary.LittleEndian.Uint64(b)
			if n > 1<<20 {
				rep.add(CodeZipMalformed, "", sigAt, "zip64 end record declares %d bytes", n)
				break loop
			}
			if _, err := z.discard(int64(n)); err != nil {
				truncated("zip64 end record")
				break loop
			}
		case sigEnd64Loc:
			if _, err := z.discard(16); err != nil {
				truncated("zip64 end locator")
				break loop
			}
		case sigEnd:
			b, err := z.full(18)
			if err != nil {
				truncated("end record")
				break loop
			}
			ends++
			if ends > 1 {
				rep.add(CodeZipCentralDirectory, "", sigAt, "a second end record")
			}
			entries := binary.LittleEndian.Uint16(b[6:])
			off := binary.LittleEndian.Uint32(b[12:])
			if entries != 0xffff && int(entries) != cdCount%0x10000 {
				rep.add(CodeZipCentralDirectory, "", sigAt, "end record counts %d entries, the central directory has %d", entries, cdCount)
			}
			if off != 0xffffffff && cdCount > 0 && int64(off) != cdStart {
				rep.add(CodeZipCentralDirectory, "", sigAt, "end record puts the central directory at %d, it is at %d", off, cdStart)
			}
			if _, err := z.discard(int64(binary.LittleEndian.Uint16(b[16:]))); err != nil {
				truncated("end record comment")
				break loop
			}
			cdCount = 0
		default:
			rep.add(CodeZipMalformed, "", sigAt, "unexpected bytes % x where a zip header should be", b)
			if z.keeping {
				// Loaders read the central directory at the end: keep the
				// rest so that scanUnmatched reads it from there.
				if _, err := z.discard(z.keepMax); err != nil && !isEOF(err) {
					return &ioError{err}
				}
			}
			broke = true
			break loop
		}
	}
	if ends == 0 && !broke {
		rep.add(CodeZipMalformed, "", z.off, "no end of central directory record")
	}
	compareDirectory(rep, locals, centrals)
	if err := scanUnmatched(rep, z, locals, centrals, lim, depth); err != nil {
		return err
	}
	decideTorch(rep)
	return nil
}

// scanUnmatched scans the central directory entries no local header
// matched, from the copy of a small zip; in a large one they are
// unscannable.
func scanUnmatched(rep *Report, z *zreader, locals, centrals []zentry, lim *Limits, depth int) error {
	if z.keeping && len(z.kept) > 0 {
		zr, err := zip.NewReader(bytes.NewReader(z.kept), int64(len(z.kept)))
		if err != nil {
			return nil // loaders cannot open it either
		}
		byData := make(map[int64]zentry, len(locals))
		for _, l := range locals {
			byData[l.data] = l
		}
		for _, f := range zr.File {
			off, err := f.DataOffset()
			if err != nil {
				continue
			}
			if l, ok := byData[off]; ok && l.csize == f.CompressedSize64 && l.method == f.Method {
				continue
			}
			if err := scanCentral(rep, f, lim, depth); err != nil {
				return err
			}
		}
		return nil
	}
	seen := make(map[int64]zentry, len(locals))
	for _, l := range locals {
		seen[l.off] = l
	}
	for _, c := range centrals {
		if l, ok := seen[c.off]; !ok || l.csize != c.csize || l.method != c.method {
			rep.add(CodeUnscannable, c.name, c.off, "central directory entry %q is not where a local header was read, and the zip is too large to read again: its data was not checked", c.name)
		}
	}
	return nil
}

// scanCentral scans a member as the central directory names it.
func scanCentral(rep *Report, f *zip.File, lim *Limits, depth int) error {
	rc, err := f.Open()
	if err != nil {
		rep.add(CodeUnscannable, f.Name, -1, "member named by the central directory cannot be opened (%v): it was not checked", err)
		return nil
	}
	defer rc.Close()
	// The zip is in memory: any error is the member's.
	if err := scanMember(rep, f.Name, &crcTolerant{r: rc}, int64(f.UncompressedSize64), lim, depth); err != nil {
		rep.add(CodeZipMalformed, f.Name, -1, "member named by the central directory is corrupt: %v", err)
	}
	return nil
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// readLocal reads a local header after its signature; raw is the header as
// read, signature included.
func readLocal(z *zreader, at int64) (zentry, []byte, error) {
	h, err := z.full(26)
	if err != nil {
		return zentry{}, nil, err
	}
	e := zentry{
		off:    at,
		flags:  binary.LittleEndian.Uint16(h[2:]),
		method: binary.LittleEndian.Uint16(h[4:]),
		crc:    binary.LittleEndian.Uint32(h[10:]),
		csize:  uint64(binary.LittleEndian.Uint32(h[14:])),
		usize:  uint64(binary.LittleEndian.Uint32(h[18:])),
	}
	nameLen := int(binary.LittleEndian.Uint16(h[22:]))
	extraLen := int(binary.LittleEndian.Uint16(h[24:]))
	ne, err := z.full(nameLen + extraLen)
	if err != nil {
		return e, nil, err
	}
	e.name = string(ne[:nameLen])
	e.usize, e.csize, _ = zip64Extra(ne[nameLen:], e.usize, e.csize, 0)
	raw := make([]byte, 0, 30+len(ne))
	raw = binary.LittleEndian.AppendUint32(raw, sigLocal)
	raw = append(raw, h...)
	raw = append(raw, ne...)
	return e, raw, nil
}

// zip64Extra applies a zip64 extended information field to the sizes and
// offset that are 0xffffffff.
func zip64Extra(extra []byte, usize, csize uint64, off uint64) (uint64, uint64, uint64) {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+n > len(extra) {
			break
		}
		body := extra[4 : 4+n]
		extra = extra[4+n:]
		if id != 0x0001 {
			continue
		}
		next := func(v *uint64) {
			if *v == 0xffffffff && len(body) >= 8 {
				*v = binary.LittleEndian.Uint64(body)
				body = body[8:]
			}
		}
		next(&usize)
		next(&csize)
		next(&off)
	}
	return usize, csize, off
}

func readCentral(z *zreader) (zentry, error) {
	h, err := z.full(42)
	if err != nil {
		return zentry{}, err
	}
	e := zentry{
		flags:  binary.LittleEndian.Uint16(h[4:]),
		method: binary.LittleEndian.Uint16(h[6:]),
		crc:    binary.LittleEndian.Uint32(h[12:]),
		csize:  uint64(binary.LittleEndian.Uint32(h[16:])),
		usize:  uint64(binary.LittleEndian.Uint32(h[20:])),
	}
	nameLen := int(binary.LittleEndian.Uint16(h[24:]))
	extraLen := int(binary.LittleEndian.Uint16(h[26:]))
	commentLen := int(binary.LittleEndian.Uint16(h[28:]))
	off := uint64(binary.LittleEndian.Uint32(h[38:]))
	rest, err := z.full(nameLen + extraLen + commentLen)
	if err != nil {
		return e, err
	}
	e.name = string(rest[:nameLen])
	var o uint64
	e.usize, e.csize, o = zip64Extra(rest[nameLen:nameLen+extraLen], e.usize, e.csize, off)
	e.off = int64(o)
	return e, nil
}

// readMember reads a member's data (and data descriptor) after its local
// header, scanning it when it is a pickle or an .npy array. It returns the
// entry with the sizes and CRC actually found.
func readMember(rep *Report, z *zreader, e zentry, lim *Limits, depth int) (zentry, error) {
	if e.flags&flagEncrypted != 0 {
		rep.add(CodeZipFlags, e.name, e.off, "member is encrypted")
		rep.add(CodeUnscannable, e.name, e.off, "member is encrypted: its content was not checked")
	}
	if e.method != zip.Store && e.method != zip.Deflate {
		rep.add(CodeZipFlags, e.name, e.off, "member uses compression method %d", e.method)
		rep.add(CodeUnscannable, e.name, e.off, "member uses compression method %d, which is not decoded: its content was not checked", e.method)
	}
	if lim.MaxDeclaredLength > 0 && (e.csize > uint64(lim.MaxDeclaredLength) || e.usize > uint64(lim.MaxDeclaredLength)) {
		rep.add(CodeZipMalformed, e.name, e.off, "member declares %d bytes, over the limit of %d", max(e.csize, e.usize), lim.MaxDeclaredLength)
		return e, errStop(rep)
	}
	descriptor := e.flags&flagDescriptor != 0
	start := z.off
	e.data = start
	var raw io.Reader
	if descriptor {
		raw = z // deflate finds its own end; z is an io.ByteReader, so flate reads no further
	} else {
		raw = io.LimitReader(z, int64(e.csize))
	}
	readable := e.flags&flagEncrypted == 0 && (e.method == zip.Store || e.method == zip.Deflate)
	var data io.Reader = raw
	var fr io.ReadCloser
	if readable && e.method == zip.Deflate {
		if descriptor {
			fr = flate.NewReader(z)
		} else {
			fr = flate.NewReader(bufio.NewReaderSize(raw, 32<<10))
		}
		data = fr
	}
	var h hash.Hash32
	scan := readable
	if readable {
		h = crc32.NewIEEE()
		data = io.TeeReader(data, h)
	}
	var corrupt error
	if scan {
		mr := &countingReader{r: data}
		if err := scanMember(rep, e.name, mr, int64(e.usize), lim, depth); err != nil {
			var ie *ioError
			if !errors.As(err, &ie) {
				return e, err
			}
			corrupt = ie.err
		} else if _, err := io.Copy(io.Discard, mr); err != nil {
			corrupt = err
		}
	} else if h != nil || fr != nil {
		if _, err := io.Copy(io.Discard, data); err != nil {
			corrupt = err
		}
	} else if !descriptor {
		if _, err := z.discard(int64(e.csize)); err != nil {
			return e, err
		}
	}
	if fr != nil {
		fr.Close()
	}
	if corrupt != nil {
		if isEOF(corrupt) {
			return e, corrupt
		}
		var ce flate.CorruptInputError
		if errors.As(corrupt, &ce) {
			rep.add(CodeZipMalformed, e.name, e.off, "corrupt deflate data: %v", corrupt)
			if descriptor {
				return e, errStop(rep)
			}
			// Skip to the member's declared end and read the next one.
			if got := z.off - start; got < int64(e.csize) {
				if _, err := z.discard(int64(e.csize) - got); err != nil {
					return e, err
				}
			}
			return e, nil
		}
		return e, &ioError{corrupt}
	}
	if !descriptor {
		// A deflate stream may end before csize: skip the rest.
		if got := z.off - start; got < int64(e.csize) {
			if _, err := z.discard(int64(e.csize) - got); err != nil {
				return e, err
			}
		}
	} else {
		e.csize = uint64(z.off - start)
		if err := readDescriptor(rep, z, &e); err != nil {
			return e, err
		}
	}
	if h != nil && h.Sum32() != e.crc {
		rep.add(CodeZipCRC, e.name, e.off, "CRC-32 is %08x, the header says %08x", h.Sum32(), e.crc)
	}
	return e, nil
}

// errStop ends the zip scan after a problem that makes the rest
// unreadable; the problem is already in the report.
func errStop(*Report) error { return errZipStop }

var errZipStop = errors.New("zip scan stopped")

// readDescriptor reads a data descriptor: an optional signature, the CRC,
// and 4- or 8-byte sizes (8 when the compressed size matches that reading).
func readDescriptor(rep *Report, z *zreader, e *zentry) error {
	b, err := z.br.Peek(24)
	if len(b) < 12 {
		if err != nil && !isEOF(err) {
			return &ioError{err}
		}
		return io.ErrUnexpectedEOF
	}
	n := 0
	if binary.LittleEndian.Uint32(b) == sigDescriptor {
		n = 4
	}
	crc := binary.LittleEndian.Uint32(b[n:])
	n += 4
	size := 4
	switch {
	case len(b) >= n+8 && uint64(binary.LittleEndian.Uint32(b[n:])) == e.csize && looksSig(b[n+8:]):
	case len(b) >= n+16 && binary.LittleEndian.Uint64(b[n:]) == e.csize:
		size = 8
	default:
		rep.add(CodeZipMalformed, e.name, e.off, "data descriptor does not match the %d bytes of data", e.csize)
	}
	if len(b) < n+2*size {
		return io.ErrUnexpectedEOF
	}
	if size == 8 {
		e.usize = binary.LittleEndian.Uint64(b[n+8:])
	} else {
		e.usize = uint64(binary.LittleEndian.Uint32(b[n+4:]))
	}
	e.crc = crc
	_, err = z.discard(int64(n + 2*size))
	return err
}

func looksSig(b []byte) bool {
	if len(b) < 4 {
		return len(b) == 0
	}
	s := binary.LittleEndian.Uint32(b)
	return s == sigLocal || s == sigCentral || s == sigEnd || s == sigEnd64
}

// compareDirectory reports where the central directory disagrees with the
// local headers.
func compareDirectory(rep *Report, locals, centrals []zentry) {
	if len(centrals) == 0 {
		return
	}
	if len(centrals) != len(locals) {
		rep.add(CodeZipCentralDirectory, "", -1, "central directory lists %d members, the local headers %d", len(centrals), len(locals))
	}
	byOff := make(map[int64]zentry, len(locals))
	for _, l := range locals {
		byOff[l.off] = l
	}
	for _, c := range centrals {
		l, ok := byOff[c.off]
		switch {
		case !ok:
			rep.add(CodeZipCentralDirectory, c.name, c.off, "central directory entry %q points at offset %d, where no local header starts", c.name, c.off)
		case l.name != c.name:
			rep.add(CodeZipCentralDirectory, c.name, c.off, "central directory names %q the local header named %q", c.name, l.name)
			renameMember(rep, l.name, c.name)
		case l.csize != c.csize || l.usize != c.usize:
			rep.add(CodeZipCentralDirectory, c.name, c.off, "central directory sizes %d/%d differ from the local header's %d/%d", c.csize, c.usize, l.csize, l.usize)
		case l.crc != c.crc:
			rep.add(CodeZipCentralDirectory, c.name, c.off, "central directory CRC %08x differs from the local header's %08x", c.crc, l.crc)
		case l.method != c.method:
			rep.add(CodeZipCentralDirectory, c.name, c.off, "central directory method %d differs from the local header's %d", c.method, l.method)
		}
	}
}

// decideTorch sets Kind and TorchScript from the member names: torch.save
// writes <archive>/data.pkl, torch.jit.save adds <archive>/code/ and
// <archive>/constants.pkl.
func decideTorch(rep *Report) {
	var data, constants, code bool
	for _, m := range rep.Members {
		base := path.Base(m)
		dir := path.Dir(m)
		switch {
		case base == "data.pkl" && !strings.Contains(dir, "/"):
			data = true
		case base == "constants.pkl" && !strings.Contains(dir, "/"):
			constants = true
		}
		if i := strings.Index(m, "/code/"); i >= 0 && !strings.Contains(m[:i], "/") || strings.HasPrefix(m, "code/") {
			code = true
		}
	}
	if data || constants {
		rep.Kind = KindTorchZip
	} else if rep.Kind == KindTorchZip {
		rep.Kind = KindZip
	}
	rep.TorchScript = code && constants
}

// spool holds the rest of a stream: in memory up to a threshold, then in a
// temporary file.
type spool struct {
	mem  bytes.Buffer
	f    *os.File
	size int64
}

func (s *spool) ReadAt(p []byte, off int64) (int, error) {
	if s.f != nil {
		return s.f.ReadAt(p, off)
	}
	return bytes.NewReader(s.mem.Bytes()).ReadAt(p, off)
}

func (s *spool) close() {
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
	}
}

// fill copies r into the spool; it returns false when MaxSpool stopped it.
func (s *spool) fill(r io.Reader, threshold, maxSize int64) (bool, error) {
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if maxSize > 0 && s.size+int64(n) > maxSize {
				return false, nil
			}
			if s.f == nil && s.size+int64(n) > threshold {
				f, cerr := os.CreateTemp("", "mati-zip-*")
				if cerr != nil {
					return false, fmt.Errorf("failed to create spool file: %w", cerr)
				}
				s.f = f
				if _, werr := f.Write(s.mem.Bytes()); werr != nil {
					return false, fmt.Errorf("failed to write spool file: %w", werr)
				}
				s.mem = bytes.Buffer{}
			}
			if s.f != nil {
				if _, werr := s.f.Write(buf[:n]); werr != nil {
					return false, fmt.Errorf("failed to write spool file: %w", werr)
				}
			} else {
				s.mem.Write(buf[:n])
			}
			s.size += int64(n)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return true, nil
			}
			return false, &ioError{err}
		}
	}
}

// shifted presents a spool that starts at stream offset base.
type shifted struct {
	s    *spool
	base int64
}

func (r shifted) ReadAt(p []byte, off int64) (int, error) {
	if off < r.base {
		return 0, errors.New("read before the spooled part of the zip")
	}
	return r.s.ReadAt(p, off-r.base)
}

// scanSpooled spools the zip from the local header at base (raw is that
// header, already read) to its end and reads the remaining members through
// the central directory.
func scanSpooled(rep *Report, z *zreader, raw []byte, base int64, locals []zentry, lim *Limits, depth int) error {
	s := &spool{}
	defer s.close()
	ok, err := s.fill(io.MultiReader(bytes.NewReader(raw), z), lim.SpoolThreshold, lim.MaxSpool)
	if err != nil {
		return err
	}
	if !ok {
		rep.add(CodeUnscannable, "", base, "zip needs more than %d bytes spooled: its members from here on were not checked", lim.MaxSpool)
		return nil
	}
	zr, err := zip.NewReader(shifted{s, base}, base+s.size)
	if err != nil {
		rep.add(CodeZipMalformed, "", base, "cannot read the central directory: %v", err)
		decideTorch(rep)
		return nil
	}
	known := len(locals) - 1 // the spooled member is already listed
	if len(zr.File) != len(locals) && len(zr.File) < len(locals) {
		rep.add(CodeZipCentralDirectory, "", -1, "central directory lists %d members, the local headers at least %d", len(zr.File), len(locals))
	}
	for i, f := range zr.File {
		if i < len(locals) && locals[i].name != f.Name {
			rep.add(CodeZipCentralDirectory, f.Name, -1, "central directory entry %d is %q, the local header %q", i, f.Name, locals[i].name)
		}
		off, err := f.DataOffset()
		if err != nil || off < base {
			continue
		}
		if i >= known+1 {
			rep.Members = append(rep.Members, f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			rep.add(CodeZipFlags, f.Name, off, "cannot open member: %v", err)
			continue
		}
		mr := &crcTolerant{r: rc}
		if err := scanMember(rep, f.Name, mr, int64(f.UncompressedSize64), lim, depth); err != nil {
			rc.Close()
			var ie *ioError
			if errors.As(err, &ie) && !errors.Is(err, io.ErrUnexpectedEOF) {
				rep.add(CodeZipMalformed, f.Name, off, "corrupt member: %v", ie.err)
				continue
			}
			return err
		}
		io.Copy(io.Discard, mr)
		rc.Close()
		if mr.crcErr {
			rep.add(CodeZipCRC, f.Name, off, "CRC-32 does not match the header")
		}
	}
	decideTorch(rep)
	return nil
}

// crcTolerant turns archive/zip's checksum error into EOF and remembers
// it.
type crcTolerant struct {
	r      io.Reader
	crcErr bool
}

func (c *crcTolerant) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if errors.Is(err, zip.ErrChecksum) {
		c.crcErr = true
		err = io.EOF
	}
	return n, err
}

// renameMember gives the findings in the member a local header named from
// the name the central directory gives it, which is what loaders open.
func renameMember(rep *Report, from, to string) {
	fix := func(m string) string {
		if m == from {
			return to
		}
		if strings.HasPrefix(m, from+"!") {
			return to + m[len(from):]
		}
		return m
	}
	for i := range rep.Imports {
		rep.Imports[i].Member = fix(rep.Imports[i].Member)
	}
	for i := range rep.Problems {
		if rep.Problems[i].Code != CodeZipCentralDirectory {
			rep.Problems[i].Member = fix(rep.Problems[i].Member)
		}
	}
}
