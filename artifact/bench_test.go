package artifact

import (
	"archive/tar"
	"bytes"
	stdgzip "compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// benchArchive is a ~64 MiB tar.gz of random float32 weights (which, like
// real weights, barely compress) plus a few small files, built once. It is
// written with the standard library's gzip, as tar -czf would (zlib): the
// klauspost writer stores incompressible data, which inflates faster than
// real artifacts do.
var benchArchive = sync.OnceValues(func() ([]byte, int64) {
	r := rand.New(rand.NewPCG(7, 11))
	var buf bytes.Buffer
	zw := stdgzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	var raw int64
	add := func(name string, body []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			panic(err)
		}
		if _, err := tw.Write(body); err != nil {
			panic(err)
		}
		raw += int64(len(body))
	}
	add("code/inference.py", []byte("def model_fn(model_dir):\n    pass\n"))
	add("code/requirements.txt", []byte("torch\n"))
	weights := make([]byte, 16<<20)
	for i := range 4 {
		for j := 0; j < len(weights); j += 4 {
			binary.LittleEndian.PutUint32(weights[j:], math.Float32bits(float32(r.NormFloat64()*0.02)))
		}
		add(fmt.Sprintf("model-%05d-of-00004.bin", i+1), weights)
	}
	if err := tw.Close(); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes(), raw
})

// benchFile writes the bench archive to a temporary file.
func benchFile(b *testing.B) (string, int64) {
	b.Helper()
	data, raw := benchArchive()
	name := filepath.Join(b.TempDir(), "model.tar.gz")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return name, raw
}

// BenchmarkWalk walks the archive, reading the code and skipping the weights.
// Compare its time with BenchmarkInflate's.
func BenchmarkWalk(b *testing.B) {
	name, raw := benchFile(b)
	b.SetBytes(raw)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		err = Walk(f, func(e Entry, open OpenFunc) error {
			if e.Size > 1<<20 {
				return nil
			}
			r, err := open()
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, r)
			return err
		})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInflate only inflates the same archive with the same gzip
// library: the floor for BenchmarkWalk.
func BenchmarkInflate(b *testing.B) {
	name, raw := benchFile(b)
	b.SetBytes(raw)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
		zr.Close()
		f.Close()
	}
}
