package modelfile

// This file decodes the protocol buffer wire format from a stream, for the
// TensorFlow graph, Keras metadata and ONNX readers. The rules are:
//   - tags, varints and lengths are decoded with
//     google.golang.org/protobuf/encoding/protowire from bytes peeked off
//     the stream; no generated code and no descriptors are used, only the
//     field numbers of the public .proto files each reader cites;
//   - a length-delimited field is handed to the caller, who descends into it
//     (a message it knows), reads it (a string, at most a bound) or leaves
//     it, in which case it is discarded unread: tensor payloads are never
//     held in memory;
//   - the wire format itself must be sound, as the C++ parser that
//     TensorFlow Serving and onnxruntime use requires: a tag with field
//     number 0 or wire type 6 or 7, a varint over 10 bytes, a length or a
//     nested message running past its parent, a group left open, nesting
//     deeper than [protoMaxDepth] or a stream over 2 GiB are errors
//     (*protoError). A known field with an unexpected wire type is skipped
//     as an unknown field, as the C++ parser does.

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// Protocol buffer bounds.
const (
	// protoMaxSize is the largest message the protobuf runtime parses
	// (2 GiB - 1, a signed 32-bit size).
	protoMaxSize = 1<<31 - 1
	// protoMaxDepth is the deepest nesting of messages and groups, the C++
	// parser's default recursion limit.
	protoMaxDepth = 100
)

// protoError is a wire format violation at a stream offset.
type protoError struct {
	off int64
	msg string
}

func (e *protoError) Error() string { return fmt.Sprintf("at offset %d: %s", e.off, e.msg) }

// pbField is one decoded tag and, for scalar wire types, its value.
type pbField struct {
	num protowire.Number
	typ protowire.Type
	// val is the value of a varint, fixed32 or fixed64 field.
	val uint64
	// start and end are the stream offsets of a length-delimited field's
	// payload; end is also the offset after any other field.
	start, end int64
}

// pbStream reads the wire format from a buffered stream, counting offsets.
type pbStream struct {
	br  *bufio.Reader
	off int64
	// scratch is reused by str for strings up to its size.
	scratch []byte
}

func newPBStream(br *bufio.Reader) *pbStream { return &pbStream{br: br} }

func (p *pbStream) fail(format string, args ...any) error {
	return &protoError{off: p.off, msg: fmt.Sprintf(format, args...)}
}

// ioErr turns a read error into a truncation error or an *ioError.
func (p *pbStream) ioErr(err error, what string) error {
	if isEOF(err) {
		return p.fail("truncated %s", what)
	}
	return &ioError{err}
}

// varint reads one varint, at most end.
func (p *pbStream) varint(end int64, what string) (uint64, error) {
	b, err := p.br.Peek(min(binaryMaxVarint, int(max(end-p.off, 0))))
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		if err != nil && !isEOF(err) {
			return 0, &ioError{err}
		}
		if len(b) < binaryMaxVarint && (len(b) == 0 || b[len(b)-1]&0x80 != 0) {
			return 0, p.fail("truncated %s", what)
		}
		return 0, p.fail("invalid varint in %s", what)
	}
	p.br.Discard(n)
	p.off += int64(n)
	return v, nil
}

const binaryMaxVarint = 10

// skip discards n bytes.
func (p *pbStream) skip(n int64, what string) error {
	for n > 0 {
		step := min(n, 1<<30)
		m, err := p.br.Discard(int(step))
		p.off += int64(m)
		n -= int64(m)
		if err != nil {
			return p.ioErr(err, what)
		}
	}
	return nil
}

// str reads the payload of a length-delimited field whose payload is at
// most limit bytes; a longer payload is skipped and truncated is true. The
// returned bytes are valid until the next call.
func (p *pbStream) str(f pbField, limit int) (b []byte, truncated bool, err error) {
	n := f.end - p.off
	if n > int64(limit) {
		return nil, true, p.skip(n, "string")
	}
	if n > 64<<10 {
		// Grow with what arrives, not with what the length declares.
		b, err = io.ReadAll(io.LimitReader(p.br, n))
		p.off += int64(len(b))
		if err == nil && int64(len(b)) < n {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, false, p.ioErr(err, "string")
		}
		return b, false, nil
	}
	if int64(cap(p.scratch)) < n {
		p.scratch = make([]byte, n)
	}
	b = p.scratch[:n]
	m, err := io.ReadFull(p.br, b)
	p.off += int64(m)
	if err != nil {
		return nil, false, p.ioErr(err, "string")
	}
	return b, false, nil
}

// text is str returning a copied string.
func (p *pbStream) text(f pbField, limit int) (string, error) {
	b, trunc, err := p.str(f, limit)
	if trunc {
		return fmt.Sprintf("(%d bytes, not read)", f.end-f.start), err
	}
	return string(b), err
}

// message reads the fields of a message that ends at end, calling fn for
// each. fn may consume a length-delimited field's payload (descending with
// message, or reading it with str) or not; whatever it leaves is skipped.
// depth is the nesting level of this message (1 for the top one).
func (p *pbStream) message(end int64, depth int, fn func(f pbField) error) error {
	if depth > protoMaxDepth {
		return p.fail("messages nested deeper than %d", protoMaxDepth)
	}
	for p.off < end {
		if err := p.step(end, depth, fn); err != nil {
			return err
		}
	}
	if p.off > end {
		return p.fail("message runs %d bytes past its end", p.off-end)
	}
	return nil
}

// root reads the fields of the top-level message, which ends where the
// stream does (at a field boundary), as message does.
func (p *pbStream) root(fn func(f pbField) error) error {
	for {
		if _, err := p.br.Peek(1); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return &ioError{err}
		}
		if p.off >= protoMaxSize {
			return p.fail("message larger than 2 GiB, the protobuf limit")
		}
		if err := p.step(protoMaxSize, 1, fn); err != nil {
			return err
		}
	}
}

// step reads one field of a message ending at end and hands it to fn.
func (p *pbStream) step(end int64, depth int, fn func(f pbField) error) error {
	f, err := p.field(end, depth)
	if err != nil {
		return err
	}
	switch f.typ {
	case protowire.StartGroupType, protowire.EndGroupType:
		return nil
	case protowire.BytesType:
	default:
		return fn(f)
	}
	if err := fn(f); err != nil {
		return err
	}
	switch {
	case p.off < f.end:
		return p.skip(f.end-p.off, "field")
	case p.off > f.end:
		return p.fail("field %d read past its end", f.num)
	}
	return nil
}

// field reads one tag and, for scalar types, its value; a group is skipped
// whole. For a length-delimited field it reads the length and checks it
// against end.
func (p *pbStream) field(end int64, depth int) (pbField, error) {
	tag, err := p.varint(end, "tag")
	if err != nil {
		return pbField{}, err
	}
	num, typ := protowire.DecodeTag(tag)
	if num < protowire.MinValidNumber || num > protowire.MaxValidNumber {
		return pbField{}, p.fail("invalid field number %d", int64(tag>>3))
	}
	f := pbField{num: num, typ: typ}
	switch typ {
	case protowire.VarintType:
		f.val, err = p.varint(end, "varint")
	case protowire.Fixed32Type, protowire.Fixed64Type:
		n := 4
		if typ == protowire.Fixed64Type {
			n = 8
		}
		if p.off+int64(n) > end {
			return f, p.fail("fixed-size field %d runs past its message", num)
		}
		var b []byte
		b, err = p.br.Peek(n)
		if err != nil {
			return f, p.ioErr(err, "fixed-size field")
		}
		if n == 4 {
			v, _ := protowire.ConsumeFixed32(b)
			f.val = uint64(v)
		} else {
			f.val, _ = protowire.ConsumeFixed64(b)
		}
		err = p.skip(int64(n), "fixed-size field")
	case protowire.BytesType:
		var n uint64
		n, err = p.varint(end, "length")
		if err == nil && n > uint64(end-p.off) {
			return f, p.fail("field %d declares %d bytes, %d are left in its message", num, n, end-p.off)
		}
		f.start, f.end = p.off, p.off+int64(n)
		return f, err
	case protowire.StartGroupType:
		err = p.group(num, end, depth+1)
	case protowire.EndGroupType:
		return f, p.fail("end of group %d that was not started", num)
	default:
		return f, p.fail("invalid wire type %d", typ)
	}
	f.end = p.off
	return f, err
}

// group skips the fields of a group up to its end tag.
func (p *pbStream) group(num protowire.Number, end int64, depth int) error {
	if depth > protoMaxDepth {
		return p.fail("groups nested deeper than %d", protoMaxDepth)
	}
	for p.off < end {
		tag, err := p.varint(end, "tag")
		if err != nil {
			return err
		}
		n, typ := protowire.DecodeTag(tag)
		if typ == protowire.EndGroupType {
			if n != num {
				return p.fail("group %d ended by the end tag of %d", num, n)
			}
			return nil
		}
		// Put the tag back in play: decode the rest of the field.
		if err := p.fieldBody(n, typ, end, depth); err != nil {
			return err
		}
	}
	return p.fail("group %d is not closed", num)
}

// fieldBody skips the value of a field whose tag has been read.
func (p *pbStream) fieldBody(num protowire.Number, typ protowire.Type, end int64, depth int) error {
	switch typ {
	case protowire.VarintType:
		_, err := p.varint(end, "varint")
		return err
	case protowire.Fixed32Type:
		return p.bounded(4, end, num)
	case protowire.Fixed64Type:
		return p.bounded(8, end, num)
	case protowire.BytesType:
		n, err := p.varint(end, "length")
		if err != nil {
			return err
		}
		if n > uint64(end-p.off) {
			return p.fail("field %d declares %d bytes, %d are left in its message", num, n, end-p.off)
		}
		return p.skip(int64(n), "field")
	case protowire.StartGroupType:
		return p.group(num, end, depth+1)
	}
	return p.fail("invalid wire type %d", typ)
}

func (p *pbStream) bounded(n int, end int64, num protowire.Number) error {
	if p.off+int64(n) > end {
		return p.fail("fixed-size field %d runs past its message", num)
	}
	return p.skip(int64(n), "fixed-size field")
}

// messageOf descends into a length-delimited field as a message; a field
// with another wire type is left alone (an unknown field to the parser).
func (p *pbStream) messageOf(f pbField, depth int, fn func(f pbField) error) error {
	if f.typ != protowire.BytesType {
		return nil
	}
	return p.message(f.end, depth, fn)
}

// asProtoError returns the wire format error in err, if any.
func asProtoError(err error) (*protoError, bool) {
	var pe *protoError
	ok := errors.As(err, &pe)
	return pe, ok
}

// looksLikeMessage reports whether head decodes as a run of fields whose
// numbers and wire types are in want (number -> type), with at least min
// fields; the last field may be cut by the end of head.
//
//	08 07 12 04 "onnx" 3a ...   with want{1: varint, 2: bytes, 7: bytes} -> true
//	"import os\n"               -> false
func looksLikeMessage(head []byte, want map[protowire.Number]protowire.Type, minFields int) bool {
	n := 0
	for len(head) > 0 {
		num, typ, m := protowire.ConsumeTag(head)
		if m < 0 {
			return false
		}
		if t, ok := want[num]; !ok || t != typ {
			return false
		}
		head = head[m:]
		m = protowire.ConsumeFieldValue(num, typ, head)
		n++
		if m < 0 {
			// Cut by the end of head: only a length-delimited field's
			// payload may be.
			return typ == protowire.BytesType && n >= minFields
		}
		head = head[m:]
	}
	return n >= minFields
}
