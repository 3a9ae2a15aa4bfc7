package artifact

import "io"

// asyncReader reads an io.Reader in its own goroutine, up to depth chunks
// ahead of its consumer, so that producing the bytes (inflating gzip) and
// using them (parsing tar, running checks) overlap on two cores.
//
// The rules are:
//   - Only the goroutine reads r, from newAsyncReader on.
//   - Read is for one consumer goroutine; it returns the bytes in order and
//     then the error that ended r (io.EOF at the end).
//   - Close stops the goroutine at its next chunk; it does not wait for a
//     Read of r in progress (closing the source ends that one).
type asyncReader struct {
	chunks chan asyncChunk
	free   chan []byte
	stop   chan struct{}
	cur    []byte // unread part of the current chunk
	buf    []byte // the buffer cur came from, to give back
	err    error
}

// asyncChunk is one piece of r's output, or the error that ended it.
type asyncChunk struct {
	b   []byte
	err error
}

// newAsyncReader starts reading r in a goroutine, with depth+1 buffers of
// size bytes.
func newAsyncReader(r io.Reader, size, depth int) *asyncReader {
	a := &asyncReader{
		chunks: make(chan asyncChunk, depth),
		free:   make(chan []byte, depth+1),
		stop:   make(chan struct{}),
	}
	for range depth + 1 {
		a.free <- make([]byte, size)
	}
	go a.fill(r)
	return a
}

// fill reads r into free buffers and sends them, until r fails or ends or
// Close is called.
func (a *asyncReader) fill(r io.Reader) {
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		n, err := readSome(r, b)
		select {
		case a.chunks <- asyncChunk{b: b[:n], err: err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// readSome reads into b until it is full or r returns an error.
func readSome(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Read implements io.Reader.
func (a *asyncReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)] // never blocks: there are depth+1 places
			a.buf = nil
		}
		c := <-a.chunks
		a.cur, a.buf, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the reading goroutine. It is safe to call once.
func (a *asyncReader) Close() {
	close(a.stop)
}
