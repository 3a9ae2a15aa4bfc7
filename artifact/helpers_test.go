package artifact

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// member is one entry written by buildTar.
type member struct {
	name   string
	typ    byte // 0 means tar.TypeReg
	body   string
	mode   int64
	link   string
	format tar.Format
}

// tarBytes writes the members as a tar; end adds the two end blocks.
func tarBytes(t testing.TB, end bool, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		typ := m.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		mode := m.mode
		if mode == 0 {
			mode = 0o644
		}
		h := &tar.Header{Name: m.name, Typeflag: typ, Mode: mode, Linkname: m.link, Format: m.format}
		if typ == tar.TypeReg {
			h.Size = int64(len(m.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("failed to write header %q: %v", m.name, err)
		}
		if typ == tar.TypeReg {
			if _, err := io.WriteString(tw, m.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if end {
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// buildTar writes a complete tar of the members.
func buildTar(t testing.TB, ms ...member) []byte {
	t.Helper()
	return tarBytes(t, true, ms...)
}

// gz compresses b as one gzip member.
func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawHeader builds a 512-byte tar header by hand (for what tar.Writer
// refuses to write); fill sets extra fields before the checksum is computed.
func rawHeader(name string, typ byte, size int64, fill func(b []byte)) []byte {
	b := make([]byte, blockSize)
	copy(b[0:100], name)
	octal(b[100:108], 0o644)
	octal(b[108:116], 0)
	octal(b[116:124], 0)
	octal(b[124:136], size)
	octal(b[136:148], 0)
	b[156] = typ
	copy(b[257:265], "ustar\x0000")
	if fill != nil {
		fill(b)
	}
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// octal writes v as a NUL-terminated octal field.
func octal(f []byte, v int64) {
	copy(f, fmt.Sprintf("%0*o\x00", len(f)-1, v))
}

// got is what a walk saw.
type got struct {
	Entries []Entry
	Bodies  map[string]string
}

// collect walks b and records every entry and the content of every file.
func collect(t testing.TB, b []byte, lim Limits) (got, Stats, error) {
	t.Helper()
	g := got{Bodies: map[string]string{}}
	st, err := WalkLimited(bytes.NewReader(b), lim, func(e Entry, open OpenFunc) error {
		g.Entries = append(g.Entries, e)
		if e.Type != TypeFile {
			return nil
		}
		r, err := open()
		if err != nil {
			return err
		}
		body, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		g.Bodies[e.Path] = string(body)
		return nil
	})
	return g, st, err
}

// paths lists the entries' paths.
func paths(es []Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}
