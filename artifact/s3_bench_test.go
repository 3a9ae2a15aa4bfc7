//go:build integration

package artifact

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mati-dev/mati/internal/s3test"
)

// BenchmarkS3Read reads one large model.tar.gz (random float32 weights,
// gzipped; MATI_S3_BENCH_MIB sets the weight size in MiB, 256 by default)
// from the local file and from the local S3 server, with one plain GET
// stream and with ranged read-ahead. The "walk" cases decompress and walk
// the archive as a check does; the "raw" cases only move the bytes. The
// ratios to the local walk are logged at the end.
func BenchmarkS3Read(b *testing.B) {
	mib := 256
	if v := os.Getenv("MATI_S3_BENCH_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("MATI_S3_BENCH_MIB=%q is not a positive number", v)
		}
		mib = n
	}
	path := filepath.Join(b.TempDir(), "model.tar.gz")
	size := writeFloatModel(b, path, int64(mib)<<20)

	b.Logf("generated %s: %d bytes compressed, %d MiB of weights", path, size, mib)
	srv := s3test.Start(b)
	srv.SetEnv(b)
	srv.CreateBucket(b, "bench")
	srv.PutFile(b, "bench", "model.tar.gz", path)
	opts := S3Options{EndpointURL: srv.Endpoint()}
	single := opts
	single.SingleStream = true

	sources := []struct {
		name string
		src  Source
	}{
		{"local", &fileSource{name: path}},
		{"s3-single-get", &s3Object{r: s3Ref{ref: "s3://bench/model.tar.gz", bucket: "bench", key: "model.tar.gz"}, opts: single}},
		{"s3-readahead", &s3Object{r: s3Ref{ref: "s3://bench/model.tar.gz", bucket: "bench", key: "model.tar.gz"}, opts: opts}},
	}
	perOp := map[string]time.Duration{}
	for _, mode := range []string{"walk", "raw"} {
		for _, s := range sources {
			name := mode + "/" + s.name
			b.Run(name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					if err := readSource(s.src, mode == "walk"); err != nil {
						b.Fatal(err)
					}
				}
				perOp[name] = b.Elapsed() / time.Duration(b.N)
			})
		}
	}
	for _, mode := range []string{"walk", "raw"} {
		local := perOp[mode+"/local"]
		one, ahead := perOp[mode+"/s3-single-get"], perOp[mode+"/s3-readahead"]
		if local == 0 || one == 0 || ahead == 0 {
			continue
		}
		b.Logf("%s of %d MiB compressed: local %v, single GET %v (%.2fx local), read-ahead %v (%.2fx local); single GET / read-ahead = %.2f",
			mode, size>>20, local.Round(time.Millisecond), one.Round(time.Millisecond), float64(one)/float64(local),
			ahead.Round(time.Millisecond), float64(ahead)/float64(local), float64(one)/float64(ahead))
	}
}

// readSource reads src through the archive walker (walk) or as raw bytes.
func readSource(src Source, walk bool) error {
	ctx := context.Background()
	if walk {
		_, err := WalkSource(ctx, src, Limits{}, func(Entry, OpenFunc) error { return nil })
		return err
	}
	rc, err := src.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// writeFloatModel writes a tar.gz holding code/inference.py and model.bin,
// n bytes of random float32 values, and returns the file's size.
func writeFloatModel(b *testing.B, path string, n int64) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	// The standard library at level 6, as tar czf through gzip(1): it codes
	// the weights as Huffman blocks, where klauspost's writer would store
	// them uncompressed and make inflating a copy.
	zw, err := gzip.NewWriterLevel(bw, 6)
	if err != nil {
		b.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	code := []byte("def model_fn(model_dir):\n    return None\n")
	if err := tw.WriteHeader(&tar.Header{Name: "code/inference.py", Mode: 0o644, Size: int64(len(code))}); err != nil {
		b.Fatal(err)
	}
	tw.Write(code)
	if err := tw.WriteHeader(&tar.Header{Name: "model.bin", Mode: 0o644, Size: n}); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	buf := make([]byte, 1<<20)
	for left := n; left > 0; {
		for i := 0; i+4 <= len(buf); i += 4 {
			binary.LittleEndian.PutUint32(buf[i:], math.Float32bits(float32(r.NormFloat64()*0.02)))
		}
		k := min(left, int64(len(buf)))
		if _, err := tw.Write(buf[:k]); err != nil {
			b.Fatal(err)
		}
		left -= k
	}
	for _, c := range []io.Closer{tw, zw} {
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}
