package main

// The generators below write the benchmark artifacts. The rules are:
//   - Everything is deterministic: weights come from PCG generators with
//     fixed seeds, tar headers carry a fixed mtime and uid/gid 0, and the
//     gzip header has no name and no time.
//   - Everything streams: at most one tensor (16 MiB) is held in memory, so
//     a 1 GiB artifact needs no more than a 1 GiB one of its parts.
//   - Weights are float32 values drawn from N(0, 0.02²), like trained
//     weights: the mantissa bytes are random, so gzip saves only ~7%.
//   - Compression is the standard library's gzip at level 6, as gzip(1)
//     under `tar czf` does. It codes such weights as Huffman blocks, as
//     gzip(1) does; klauspost's writer stores them uncompressed, which
//     would make inflating them a copy and the benchmark meaningless.

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"strings"
	"time"
)

// genTime is the mtime of every generated tar entry.
var genTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// gzipLevel is the level `tar czf` uses through gzip(1).
const gzipLevel = 6

// tensorBytes is the size of one generated tensor (4096 rows of 1024
// float32 values) when the weights are split into tensors.
const tensorBytes = 16 << 20

// member is one regular file of a generated tar.
type member struct {
	name string
	size int64
	// write writes exactly size bytes.
	write func(w io.Writer) error
}

// bytesMember returns a member holding b.
func bytesMember(name string, b []byte) member {
	return member{name: name, size: int64(len(b)), write: func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}}
}

// writeTarGz writes members to a new gzip-compressed tar at file. A
// directory entry precedes the first member under each directory, as
// `tar czf` writes them. It stops with ctx's error when ctx is done.
func writeTarGz(ctx context.Context, file string, members []member) (err error) {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(ctxWriter{ctx, f}, 1<<20)
	zw, err := gzip.NewWriterLevel(bw, gzipLevel)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	for _, m := range members {
		if err := writeDirs(tw, dirs, path.Dir(m.name)); err != nil {
			return err
		}
		hdr := &tar.Header{Name: m.name, Mode: 0o644, Size: m.size, ModTime: genTime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if err := m.write(tw); err != nil {
			return fmt.Errorf("failed to write %q: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeDirs writes the entries of dir and its parents not yet in seen.
func writeDirs(tw *tar.Writer, seen map[string]bool, dir string) error {
	if dir == "." || dir == "/" || seen[dir] {
		return nil
	}
	if err := writeDirs(tw, seen, path.Dir(dir)); err != nil {
		return err
	}
	seen[dir] = true
	return tw.WriteHeader(&tar.Header{Name: dir + "/", Mode: 0o755, ModTime: genTime, Typeflag: tar.TypeDir})
}

// fillWeights fills b (a multiple of 4 bytes) with little-endian float32
// weights drawn from rng.
func fillWeights(b []byte, rng *rand.Rand) {
	for i := 0; i+4 <= len(b); i += 4 {
		binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(rng.NormFloat64()*0.02)))
	}
}

// weightsMember returns a member of size bytes (rounded down to a multiple
// of 4) of weights from the stream seeded with seed. A second goroutine
// generates the next chunk while the current one is being compressed.
func weightsMember(name string, size int64, seed uint64) member {
	size &^= 3
	return member{name: name, size: size, write: func(w io.Writer) error {
		const chunk = 1 << 20
		bufs := make(chan []byte, 2)
		free := make(chan []byte, 3)
		for range 3 {
			free <- make([]byte, chunk)
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			defer close(bufs)
			rng := rand.New(rand.NewPCG(seed, 0))
			for left := size; left > 0; {
				var b []byte
				select {
				case b = <-free:
				case <-done:
					return
				}
				b = b[:min(int64(chunk), left)]
				fillWeights(b, rng)
				left -= int64(len(b))
				select {
				case bufs <- b:
				case <-done:
					return
				}
			}
		}()
		for b := range bufs {
			if _, err := w.Write(b); err != nil {
				return err
			}
			free <- b[:cap(b)]
		}
		return nil
	}}
}

// tensor is one tensor of a generated state dict.
type tensor struct {
	name string
	rows int // of 1024 float32 values each
	seed uint64
}

// bytes is the tensor's size in bytes.
func (t tensor) bytes() int64 { return int64(t.rows) * 4096 }

// data returns the tensor's weights.
func (t tensor) data(buf []byte) []byte {
	buf = buf[:t.bytes()]
	fillWeights(buf, rand.New(rand.NewPCG(t.seed, 1)))
	return buf
}

// splitTensors splits size bytes of weights into tensors of at most
// tensorBytes, each a whole number of 4 KiB rows; seed picks the values.
func splitTensors(size int64, seed uint64) []tensor {
	rows := max(1, size/4096)
	var ts []tensor
	for i := 0; rows > 0; i++ {
		n := min(rows, tensorBytes/4096)
		ts = append(ts, tensor{name: fmt.Sprintf("layers.%d.weight", i), rows: int(n), seed: seed + uint64(i)})
		rows -= n
	}
	return ts
}

// torchZip writes a PyTorch state-dict zip, as torch.save does: stored
// members under top/ (data.pkl, byteorder, data/<i>, version), each member's
// data aligned to 64 bytes by padding in the extra field, sizes and CRC in
// the local headers and no data descriptors.
type torchZip struct {
	top     string
	tensors []tensor
}

// size returns the zip's size in bytes, by a dry run that writes no weights.
func (z torchZip) size() (int64, error) {
	cw := &countWriter{w: io.Discard}
	err := z.write(cw, true)
	return cw.n, err
}

// member returns the zip as a tar member named name.
func (z torchZip) member(name string) (member, error) {
	n, err := z.size()
	if err != nil {
		return member{}, err
	}
	return member{name: name, size: n, write: func(w io.Writer) error { return z.write(w, false) }}, nil
}

// write writes the zip to w. A dry run writes zeros in place of the
// weights and leaves the CRCs at 0: the layout is the same.
func (z torchZip) write(w io.Writer, dry bool) error {
	cw := &countWriter{w: w}
	zw := zip.NewWriter(cw)
	var buf []byte
	put := func(name string, body []byte) error {
		if err := zw.Flush(); err != nil {
			return err
		}
		fh := &zip.FileHeader{
			Name:               z.top + "/" + name,
			Method:             zip.Store,
			CompressedSize64:   uint64(len(body)),
			UncompressedSize64: uint64(len(body)),
			Modified:           time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		}
		if !dry {
			fh.CRC32 = crc32.ChecksumIEEE(body)
		}
		// Local header: 30 bytes, the name, then the extra field; padding
		// record "FB" has a 4-byte header.
		off := cw.n + 30 + int64(len(fh.Name)) + 4
		pad := (64 - off%64) % 64
		fh.Extra = make([]byte, 4+pad)
		binary.LittleEndian.PutUint16(fh.Extra, 0x4246)
		binary.LittleEndian.PutUint16(fh.Extra[2:], uint16(pad))
		fw, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		_, err = fw.Write(body)
		return err
	}
	if err := put("data.pkl", statePickle(z.tensors)); err != nil {
		return err
	}
	if err := put("byteorder", []byte("little")); err != nil {
		return err
	}
	for i, t := range z.tensors {
		if cap(buf) < int(t.bytes()) {
			buf = make([]byte, t.bytes())
		}
		body := buf[:t.bytes()]
		if dry {
			clear(body)
		} else {
			body = t.data(buf)
		}
		if err := put(fmt.Sprintf("data/%d", i), body); err != nil {
			return err
		}
	}
	if err := put("version", []byte("3\n")); err != nil {
		return err
	}
	if err := put(".data/serialization_id", []byte("1024920485131278491200055174393722497417")); err != nil {
		return err
	}
	return zw.Close()
}

// statePickle returns the protocol 2 pickle torch.save writes for a state
// dict of float tensors: an OrderedDict of _rebuild_tensor_v2 calls whose
// storages are persistent ids ("storage", FloatStorage, key, "cpu", numel).
// It imports only collections.OrderedDict, torch._utils._rebuild_tensor_v2
// and torch.FloatStorage.
func statePickle(ts []tensor) []byte {
	var p pickler
	p.raw(0x80, 2) // PROTO 2
	p.global("collections", "OrderedDict")
	p.raw(')', 'R') // EMPTY_TUPLE, REDUCE
	p.raw('(')      // MARK
	for i, t := range ts {
		numel := t.rows * 1024
		p.unicode(t.name)
		p.global("torch._utils", "_rebuild_tensor_v2")
		p.raw('(') // MARK: arguments
		p.raw('(') // MARK: persistent id
		p.unicode("storage")
		p.global("torch", "FloatStorage")
		p.unicode(fmt.Sprint(i))
		p.unicode("cpu")
		p.int(numel)
		p.raw('t', 'Q') // TUPLE, BINPERSID
		p.int(0)        // storage offset
		p.int(t.rows)
		p.int(1024)
		p.raw(0x86) // TUPLE2: size
		p.int(1024)
		p.int(1)
		p.raw(0x86) // TUPLE2: stride
		p.raw(0x89) // NEWFALSE: requires_grad
		p.global("collections", "OrderedDict")
		p.raw(')', 'R') // backward hooks
		p.raw('t', 'R') // TUPLE, REDUCE
	}
	p.raw('u', '.') // SETITEMS, STOP
	return p.b
}

// pickler appends pickle opcodes.
type pickler struct{ b []byte }

func (p *pickler) raw(b ...byte) { p.b = append(p.b, b...) }

// global appends GLOBAL module\nname\n.
func (p *pickler) global(module, name string) {
	p.b = append(p.b, 'c')
	p.b = append(p.b, module+"\n"+name+"\n"...)
}

// unicode appends BINUNICODE s.
func (p *pickler) unicode(s string) {
	p.b = append(p.b, 'X')
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(s)))
	p.b = append(p.b, s...)
}

// int appends BININT n.
func (p *pickler) int(n int) {
	p.b = append(p.b, 'J')
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(int32(n)))
}

// safetensorsMember returns a safetensors file of the tensors: the 8-byte
// little-endian header length, the JSON header (padded with spaces to a
// multiple of 8, as the safetensors library does) and the data.
func safetensorsMember(name string, ts []tensor) (member, error) {
	hdr := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var off int64
	for _, t := range ts {
		hdr[t.name] = map[string]any{
			"dtype":        "F32",
			"shape":        []int{t.rows, 1024},
			"data_offsets": []int64{off, off + t.bytes()},
		}
		off += t.bytes()
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return member{}, err
	}
	if r := len(js) % 8; r != 0 {
		js = append(js, strings.Repeat(" ", 8-r)...)
	}
	head := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	head = append(head, js...)
	return member{name: name, size: int64(len(head)) + off, write: func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		var buf []byte
		if len(ts) > 0 {
			buf = make([]byte, ts[0].bytes())
		}
		for _, t := range ts {
			if cap(buf) < int(t.bytes()) {
				buf = make([]byte, t.bytes())
			}
			if _, err := w.Write(t.data(buf)); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// ctxWriter fails its writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(b)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// textMember returns a member of size bytes of deterministic printable
// text (token lists, as a tokenizer's vocabulary files hold).
func textMember(name string, size int, rng *rand.Rand) member {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 0, size)
	for len(b) < size {
		n := 2 + rng.IntN(10)
		for range n {
			b = append(b, letters[rng.IntN(len(letters))])
		}
		b = append(b, '\n')
	}
	return bytesMember(name, b[:size])
}
