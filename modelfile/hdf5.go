package modelfile

// This file reads the model_config attribute of an HDF5 file's root group,
// where legacy Keras (tf.keras save_model_to_hdf5) stores the model's
// configuration as JSON. No well-kept pure-Go HDF5 reader exists, so this
// is a bounded, forward-only parse of the few structures on the way, after
// the HDF5 File Format Specification version 3.0:
//   - the superblock (section II.A), versions 0 and 1 (the root group's
//     object header address is in its root symbol table entry) and 2 and 3
//     (the address is a field), with 2-, 4- or 8-byte offsets and lengths;
//   - the root group's object header (section IV.A.1), version 1 (16-byte
//     prefix, 8-byte aligned messages) or version 2 ("OHDR", with optional
//     times, attribute phase change values and creation order fields), and
//     its continuation blocks (message 0x10; "OCHK" in version 2);
//   - attribute messages (0x0C, section IV.A.2.m) versions 1 to 3, whose
//     datatype (IV.A.2.d) is a fixed-length string (class 3) or a
//     variable-length string (class 9), whose value then lives in a global
//     heap collection ("GCOL", section III.E);
//   - the dataspace (IV.A.2.b) versions 1 and 2, for the element count.
//
// The file is a stream: blocks are read in address order, each at most
// maxHDF5Block bytes, and everything between them is discarded. A block
// before the current position (a continuation or heap written after the
// data that follows it) cannot be reached, and attributes in dense storage
// (an attribute info message, 0x15, with a fractal heap) are not read: both
// are CodeLimit problems. Checksums are not verified; nothing here trusts a
// length without checking it against the block it is in.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// hdf5Undefined is the undefined address (all bits set).
const hdf5Undefined = ^uint64(0)

// h5 is the forward-only reader.
type h5 struct {
	br       *bufio.Reader
	off      int64
	sizeO    int
	sizeL    int
	base     uint64
	pending  []h5block
	problems []string
	config   []byte
	found    bool
}

// h5block is a block to read at an address: a header continuation or a
// global heap collection holding the value of a variable-length string.
type h5block struct {
	addr   uint64
	length uint64 // continuation length; 0 for a heap
	v2     bool   // continuation of a version 2 header
	heap   bool
	index  uint32 // heap object index
}

func (h *h5) skipTo(abs int64) error {
	for h.off < abs {
		n, err := h.br.Discard(int(min(abs-h.off, 1<<30)))
		h.off += int64(n)
		if err != nil {
			return err
		}
	}
	return nil
}

// read reads n bytes, growing the buffer with what arrives rather than
// with what a header declares.
func (h *h5) read(n int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(h.br, int64(n)))
	h.off += int64(len(b))
	if err == nil && len(b) < n {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

// h5uint decodes an n-byte little-endian value (n is 1, 2, 4 or 8).
func h5uint(b []byte, n int) (uint64, bool) {
	if len(b) < n {
		return 0, false
	}
	switch n {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(binary.LittleEndian.Uint16(b)), true
	case 4:
		v := uint64(binary.LittleEndian.Uint32(b))
		if v == 0xffffffff {
			return hdf5Undefined, true
		}
		return v, true
	case 8:
		return binary.LittleEndian.Uint64(b), true
	}
	return 0, false
}

// scanHDF5 reads the root group's model_config attribute, if any, and
// walks it as a Keras configuration.
func scanHDF5(rep *Report, br *bufio.Reader) error {
	h := &h5{br: br}
	root, err := h.superblock()
	if err != nil {
		return h.done(rep, err)
	}
	h.pending = append(h.pending, h5block{addr: root, length: 0})
	first := true
	for len(h.pending) > 0 && !h.found {
		slices.SortFunc(h.pending, func(a, b h5block) int { return compareU64(a.addr, b.addr) })
		blk := h.pending[0]
		h.pending = h.pending[1:]
		if blk.addr == hdf5Undefined || blk.addr > uint64(1<<62) {
			continue
		}
		abs := int64(h.base + blk.addr)
		if abs < h.off {
			h.problems = append(h.problems, fmt.Sprintf("a block at offset %d comes before data already passed", abs))
			continue
		}
		if err := h.skipTo(abs); err != nil {
			return h.done(rep, err)
		}
		switch {
		case first:
			first = false
			err = h.objectHeader()
		case blk.heap:
			err = h.globalHeap(blk.index)
		default:
			err = h.continuation(blk)
		}
		if err != nil {
			return h.done(rep, err)
		}
	}
	return h.done(rep, nil)
}

func compareU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// done reports what was found. A truncated or malformed structure is a
// CodeLimit problem, since the model_config attribute was not reached.
func (h *h5) done(rep *Report, err error) error {
	if err != nil {
		if _, ok := err.(*ioError); ok {
			return err
		}
		if !isEOF(err) {
			if _, ok := err.(h5Error); !ok {
				return &ioError{err}
			}
		}
		h.problems = append(h.problems, "the HDF5 structure could not be read: "+err.Error())
	}
	if h.found {
		scanKerasConfig(rep, rep.keras("model_config attribute"), h.config, "the model_config attribute")
		return nil
	}
	for _, p := range h.problems {
		rep.add(CodeLimit, "", -1, "%s; a model_config attribute there was not checked", p)
	}
	return nil
}

// h5Error is a structure that does not parse.
type h5Error string

func (e h5Error) Error() string { return string(e) }

func h5err(format string, args ...any) error { return h5Error(fmt.Sprintf(format, args...)) }

// superblock reads the superblock and returns the root group's object
// header address.
func (h *h5) superblock() (uint64, error) {
	b, err := h.read(12)
	if err != nil {
		return 0, err
	}
	version := b[8]
	switch version {
	case 0, 1:
		// Bytes 12 to 23: shared header version, offset and length sizes,
		// a reserved byte, the group K values and the consistency flags.
		r, err := h.read(12)
		if err != nil {
			return 0, err
		}
		h.sizeO, h.sizeL = int(r[1]), int(r[2])
		if !validSize(h.sizeO) || !validSize(h.sizeL) {
			return 0, h5err("superblock declares %d-byte offsets and %d-byte lengths", h.sizeO, h.sizeL)
		}
		if version == 1 {
			if _, err := h.read(4); err != nil {
				return 0, err
			}
		}
		// Base, free-space, end-of-file and driver addresses, then the
		// root symbol table entry: link name offset, object header
		// address, cache type, reserved, scratch pad.
		a, err := h.read(6*h.sizeO + 24)
		if err != nil {
			return 0, err
		}
		h.base, _ = h5uint(a, h.sizeO)
		root, _ := h5uint(a[5*h.sizeO:], h.sizeO)
		return root, nil
	case 2, 3:
		h.sizeO, h.sizeL = int(b[9]), int(b[10])
		if !validSize(h.sizeO) || !validSize(h.sizeL) {
			return 0, h5err("superblock declares %d-byte offsets and %d-byte lengths", h.sizeO, h.sizeL)
		}
		r, err := h.read(4*h.sizeO + 4)
		if err != nil {
			return 0, err
		}
		h.base, _ = h5uint(r, h.sizeO)
		root, _ := h5uint(r[3*h.sizeO:], h.sizeO)
		return root, nil
	}
	return 0, h5err("superblock version %d is not one this reader knows", version)
}

func validSize(n int) bool { return n == 2 || n == 4 || n == 8 }

// objectHeader reads the root group's object header's first block.
func (h *h5) objectHeader() error {
	sig, err := h.br.Peek(4)
	if err != nil {
		return err
	}
	if string(sig) == "OHDR" {
		b, err := h.read(6)
		if err != nil {
			return err
		}
		flags := b[5]
		if b[4] != 2 {
			return h5err("object header version %d", b[4])
		}
		skip := 0
		if flags&0x20 != 0 {
			skip += 16
		}
		if flags&0x10 != 0 {
			skip += 4
		}
		if _, err := h.read(skip); err != nil {
			return err
		}
		sb, err := h.read(1 << (flags & 3))
		if err != nil {
			return err
		}
		size, _ := h5uint(sb, len(sb))
		if size == hdf5Undefined && len(sb) == 4 {
			size = 0xffffffff
		}
		if size > maxHDF5Block {
			return h5err("object header chunk of %d bytes is over the limit of %d", size, maxHDF5Block)
		}
		blk, err := h.read(int(size))
		if err != nil {
			return err
		}
		return h.messagesV2(blk, flags)
	}
	b, err := h.read(16)
	if err != nil {
		return err
	}
	if b[0] != 1 {
		return h5err("object header version %d", b[0])
	}
	size := binary.LittleEndian.Uint32(b[8:])
	if size > maxHDF5Block {
		return h5err("object header of %d bytes is over the limit of %d", size, maxHDF5Block)
	}
	blk, err := h.read(int(size))
	if err != nil {
		return err
	}
	return h.messagesV1(blk)
}

// continuation reads a continuation block.
func (h *h5) continuation(blk h5block) error {
	if blk.length > maxHDF5Block {
		return h5err("object header continuation of %d bytes is over the limit of %d", blk.length, maxHDF5Block)
	}
	b, err := h.read(int(blk.length))
	if err != nil {
		return err
	}
	if blk.v2 {
		if len(b) < 8 || string(b[:4]) != "OCHK" {
			return h5err("continuation block without its OCHK signature")
		}
		return h.messagesV2(b[4:len(b)-4], byte(blk.index))
	}
	return h.messagesV1(b)
}

// messagesV1 walks version 1 messages: type(2) size(2) flags(1) reserved(3).
func (h *h5) messagesV1(b []byte) error {
	for len(b) >= 8 {
		typ := binary.LittleEndian.Uint16(b)
		size := int(binary.LittleEndian.Uint16(b[2:]))
		flags := b[4]
		b = b[8:]
		if size > len(b) {
			return h5err("object header message of %d bytes runs past its block", size)
		}
		if err := h.message(typ, flags, b[:size], false, 0); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}

// messagesV2 walks version 2 messages: type(1) size(2) flags(1) [creation
// order(2)]; the last 4 bytes of a chunk are its checksum.
func (h *h5) messagesV2(b []byte, hflags byte) error {
	hdr := 4
	if hflags&0x04 != 0 {
		hdr += 2
	}
	for len(b) >= hdr {
		typ := uint16(b[0])
		size := int(binary.LittleEndian.Uint16(b[1:]))
		flags := b[3]
		b = b[hdr:]
		if size > len(b) {
			// The checksum and gap at the end of a chunk.
			return nil
		}
		if err := h.message(typ, flags, b[:size], true, hflags); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}

// message handles one header message.
func (h *h5) message(typ uint16, flags byte, b []byte, v2 bool, hflags byte) error {
	if flags&0x02 != 0 {
		return nil // a shared message: stored elsewhere, never an attribute Keras writes
	}
	switch typ {
	case 0x10: // continuation
		addr, ok1 := h5uint(b, h.sizeO)
		length, ok2 := h5uint(b[min(len(b), h.sizeO):], h.sizeL)
		if !ok1 || !ok2 {
			return h5err("short continuation message")
		}
		h.pending = append(h.pending, h5block{addr: addr, length: length, v2: v2, index: uint32(hflags)})
	case 0x15: // attribute info: dense storage when the fractal heap address is set
		off := 2
		if len(b) > 1 && b[1]&0x01 != 0 {
			off += 2
		}
		if heap, ok := h5uint(b[min(len(b), off):], h.sizeO); ok && heap != hdf5Undefined {
			h.problems = append(h.problems, "the root group keeps attributes in dense storage, which this reader does not read")
		}
	case 0x0C:
		return h.attribute(b)
	}
	return nil
}

// attribute reads an attribute message and keeps model_config's value.
func (h *h5) attribute(b []byte) error {
	if len(b) < 8 {
		return h5err("short attribute message")
	}
	version := b[0]
	flags := b[1]
	nameSize := int(binary.LittleEndian.Uint16(b[2:]))
	dtSize := int(binary.LittleEndian.Uint16(b[4:]))
	dsSize := int(binary.LittleEndian.Uint16(b[6:]))
	p := 8
	pad := func(n int) int { return n }
	switch version {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
	case 3:
		p++
	default:
		return nil
	}
	if version > 1 && flags&0x03 != 0 {
		return nil // shared datatype or dataspace
	}
	if p+pad(nameSize) > len(b) {
		return h5err("attribute name runs past its message")
	}
	name := b[p : p+nameSize]
	name = bytes.TrimRight(name, "\x00")
	p += pad(nameSize)
	if string(name) != "model_config" {
		return nil
	}
	if p+pad(dtSize)+pad(dsSize) > len(b) || dtSize < 8 {
		return h5err("attribute model_config's datatype runs past its message")
	}
	dt := b[p : p+dtSize]
	p += pad(dtSize)
	ds := b[p : p+dsSize]
	p += pad(dsSize)
	data := b[p:]
	n, err := h.elements(ds)
	if err != nil {
		return err
	}
	if n != 1 {
		return h5err("attribute model_config holds %d strings, not one", n)
	}
	class := dt[0] & 0x0f
	size := int(binary.LittleEndian.Uint32(dt[4:]))
	switch {
	case class == 3: // fixed-length string
		if size > len(data) {
			return h5err("attribute model_config's %d-byte value runs past its message", size)
		}
		h.config = bytes.TrimRight(data[:size], "\x00 ")
		h.found = true
	case class == 9 && dt[1]&0x0f == 1: // variable-length string
		if len(data) < 4+h.sizeO+4 {
			return h5err("short variable-length string reference")
		}
		addr, _ := h5uint(data[4:], h.sizeO)
		idx := binary.LittleEndian.Uint32(data[4+h.sizeO:])
		h.pending = append(h.pending, h5block{addr: addr, heap: true, index: idx})
	default:
		return h5err("attribute model_config has datatype class %d, not a string", class)
	}
	return nil
}

// elements returns the element count of a dataspace message.
func (h *h5) elements(ds []byte) (uint64, error) {
	if len(ds) < 4 {
		return 0, h5err("short dataspace")
	}
	rank := int(ds[1])
	p := 8
	switch ds[0] {
	case 1:
	case 2:
		p = 4
		if ds[3] == 2 { // null dataspace
			return 0, nil
		}
	default:
		return 0, h5err("dataspace version %d", ds[0])
	}
	n := uint64(1)
	for i := 0; i < rank; i++ {
		d, ok := h5uint(ds[min(len(ds), p+i*h.sizeL):], h.sizeL)
		if !ok {
			return 0, h5err("short dataspace")
		}
		if d != 0 && n > (1<<40)/d {
			return 0, h5err("dataspace too large")
		}
		n *= d
	}
	return n, nil
}

// globalHeap reads a global heap collection and keeps object index's data.
func (h *h5) globalHeap(index uint32) error {
	b, err := h.read(8 + h.sizeL)
	if err != nil {
		return err
	}
	if string(b[:4]) != "GCOL" {
		return h5err("global heap collection without its GCOL signature")
	}
	size, _ := h5uint(b[8:], h.sizeL)
	if size > maxHDF5Block || size < uint64(len(b)) {
		return h5err("global heap collection of %d bytes is over the limit of %d", size, maxHDF5Block)
	}
	c, err := h.read(int(size) - len(b))
	if err != nil {
		return err
	}
	for len(c) >= 8+h.sizeL {
		idx := binary.LittleEndian.Uint16(c)
		osize, _ := h5uint(c[8:], h.sizeL)
		c = c[8+h.sizeL:]
		if idx == 0 {
			break // free space
		}
		if osize > uint64(len(c)) {
			return h5err("global heap object of %d bytes runs past its collection", osize)
		}
		if uint32(idx) == index {
			h.config = bytes.TrimRight(c[:osize], "\x00")
			h.found = true
			return nil
		}
		c = c[min(len(c), int((osize+7)&^7)):]
	}
	return h5err("global heap object %d not found", index)
}
