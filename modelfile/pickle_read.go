package modelfile

// This file reads a pickle stream the way CPython's C unpickler reads a
// file (Modules/_pickle.c, _Unpickler_Read, _Unpickler_ReadFromFile,
// load_frame). The rules are:
//   - FRAME n reads n bytes into the unpickler's buffer and rewinds: it is a
//     prefetch, not a boundary the opcodes must respect, and a frame longer
//     than what is left is not an error for Python's own unpickler, so the
//     walk goes on;
//   - a read that does not fit in what is left of a frame buffer drops the
//     rest of the buffer and is served from the bytes after the frame (the
//     buffer came from read(), so its tail is gone); bytes payloads are
//     copied out of the buffer first (_Unpickler_ReadInto), so they read
//     on. Python's unpickler refuses both ("pickle exhausted before end of
//     frame") and the pickler never writes them: the walk follows the C
//     reading and reports the straddle as unscannable;
//   - a FRAME inside a frame that is not used up is reported the same way
//     (Python refuses it, C keeps the larger buffer).

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
)

// preader reads a pickle stream and counts the offset.
type preader struct {
	r   *bufio.Reader
	off int64
	buf [8]byte
	// frameEnd is the stream offset where the current frame buffer ends,
	// -1 when there is none.
	frameEnd int64
	// straddle is called when a read crosses the end of a frame buffer.
	straddle func(at int64, what string)
	// partial, when not nil, makes line return a line cut by the end of
	// the input (without its last byte, as Python's unpickler takes it)
	// and set *partial, instead of failing.
	partial *bool
}

func (p *preader) fail(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &errMalformed{p.off, "truncated: " + what}
	}
	return &ioError{err}
}

// enter prepares a read of n bytes: it ends a used-up frame, and for a read
// that crosses the frame's end it reports the straddle and, unless
// continuous, drops the frame's tail as the C unpickler does.
func (p *preader) enter(n int64, what string, continuous bool) error {
	if p.frameEnd < 0 {
		return nil
	}
	if p.off >= p.frameEnd {
		p.frameEnd = -1
		return nil
	}
	if p.off+n <= p.frameEnd {
		return nil
	}
	if p.straddle != nil {
		p.straddle(p.off, what)
	}
	end := p.frameEnd
	p.frameEnd = -1
	if continuous {
		return nil
	}
	if err := p.discard(end-p.off, what); err != nil {
		return err
	}
	return nil
}

func (p *preader) discard(n int64, what string) error {
	for n > 0 {
		step := min(n, 1<<30)
		m, err := p.r.Discard(int(step))
		p.off += int64(m)
		n -= int64(m)
		if err != nil {
			return p.fail(err, what)
		}
	}
	return nil
}

// frame handles FRAME's length: the frame buffer is the next n bytes.
func (p *preader) frame(at int64, n uint64) error {
	if n > math.MaxInt64/2 {
		// The C unpickler raises OverflowError; Python's reads what is
		// there. Nothing is buffered either way that matters here.
		p.frameEnd = -1
		return nil
	}
	if p.frameEnd >= 0 && p.off < p.frameEnd {
		if p.straddle != nil {
			p.straddle(at, "FRAME inside an unfinished frame")
		}
		if p.off+int64(n) <= p.frameEnd {
			return nil // the C unpickler keeps its larger buffer
		}
		if err := p.discard(p.frameEnd-p.off, "FRAME"); err != nil {
			return err
		}
	}
	p.frameEnd = p.off + int64(n)
	return nil
}

func (p *preader) byte1(what string) (byte, error) {
	if err := p.enter(1, what, false); err != nil {
		return 0, err
	}
	b, err := p.r.ReadByte()
	if err != nil {
		return 0, p.fail(err, what)
	}
	p.off++
	return b, nil
}

func (p *preader) fixed(n int, what string) ([]byte, error) {
	if err := p.enter(int64(n), what, false); err != nil {
		return nil, err
	}
	m, err := io.ReadFull(p.r, p.buf[:n])
	p.off += int64(m)
	if err != nil {
		return nil, p.fail(err, what)
	}
	return p.buf[:n], nil
}

// payload reads n declared bytes: it returns them when n <= keepLen and
// discards them otherwise (nil, true). continuous is set for bytes
// payloads, which the C unpickler reads on past a frame's end.
func (p *preader) payload(n int64, lim *Limits, what string, continuous bool) ([]byte, bool, error) {
	if n < 0 {
		return nil, false, &errMalformed{p.off, fmt.Sprintf("negative %s length %d", what, n)}
	}
	if lim.MaxDeclaredLength > 0 && n > lim.MaxDeclaredLength {
		return nil, false, &errMalformed{p.off, fmt.Sprintf("%s declares %d bytes, over the limit of %d", what, n, lim.MaxDeclaredLength)}
	}
	if err := p.enter(n, what, continuous); err != nil {
		return nil, false, err
	}
	if n <= keepLen {
		b := make([]byte, n)
		m, err := io.ReadFull(p.r, b)
		p.off += int64(m)
		if err != nil {
			return nil, false, p.fail(err, what)
		}
		return b, false, nil
	}
	if err := p.discard(n, what); err != nil {
		return nil, true, err
	}
	return nil, true, nil
}

// line reads a text argument up to and including '\n' and returns it
// without the '\n' (CPython strips exactly that one byte). A line longer
// than maxLine is consumed and returned cut, with long set. A line that
// crosses the end of a frame buffer is, as the C unpickler reads it, the
// bytes from the frame's end to the next newline.
func (p *preader) line(what string) (s string, long bool, err error) {
	if p.frameEnd >= 0 && p.off >= p.frameEnd {
		p.frameEnd = -1
	}
	start := p.off
	var sb []byte
	for {
		chunk, err := p.r.ReadSlice('\n')
		p.off += int64(len(chunk))
		if len(sb)+len(chunk) <= maxLine {
			sb = append(sb, chunk...)
		} else {
			long = true
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if p.partial != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
			// Python's unpickler takes readline()[:-1] whatever the line
			// ends with.
			*p.partial = true
			if n := len(sb); n > 0 {
				sb = sb[:n-1]
			}
			return string(sb), long, nil
		}
		return "", long, p.fail(err, what)
	}
	if p.frameEnd >= 0 && p.off > p.frameEnd {
		if p.straddle != nil {
			p.straddle(start, what)
		}
		cutAt := p.frameEnd - start
		p.frameEnd = -1
		if !long && cutAt <= int64(len(sb)) {
			sb = sb[cutAt:]
		}
	}
	if n := len(sb); n > 0 && sb[n-1] == '\n' {
		sb = sb[:n-1]
	}
	return string(sb), long, nil
}
