package modelfile_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/modelfile"
)

const benchSize = 64 << 20

// BenchmarkScanTorchZip scans a ~64 MiB stored torch zip. Compare it with
// BenchmarkCopyTorchZip (reading the same bytes into io.Discard) and with
// BenchmarkInflateTarGz (what the walk pays anyway to get the bytes out of
// model.tar.gz): the checks' overhead is Scan minus Copy over Inflate.
func BenchmarkScanTorchZip(b *testing.B) {
	z := fixtures.TorchZipLarge("m", benchSize)
	b.SetBytes(int64(len(z)))
	for b.Loop() {
		rep, err := modelfile.Scan("m.pth", bytes.NewReader(z), int64(len(z)), modelfile.Limits{})
		if err != nil || rep.Kind != modelfile.KindTorchZip {
			b.Fatal(err, rep.Kind)
		}
	}
}

// BenchmarkCopyTorchZip reads the same zip into io.Discard.
func BenchmarkCopyTorchZip(b *testing.B) {
	z := fixtures.TorchZipLarge("m", benchSize)
	b.SetBytes(int64(len(z)))
	for b.Loop() {
		if _, err := io.Copy(io.Discard, struct{ io.Reader }{bytes.NewReader(z)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInflateTarGz inflates a tar.gz holding the zip and reads the
// member, as the artifact walk does.
func BenchmarkInflateTarGz(b *testing.B) {
	z := fixtures.TorchZipLarge("m", benchSize)
	// Weights that compress like real ones do not: vary the bytes.
	for i := 4096; i < len(z)-4096; i++ {
		z[i] = byte(i*7919>>3) ^ byte(i>>11)
	}
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "model.pth", Mode: 0o644, Size: int64(len(z))})
	tw.Write(z)
	tw.Close()
	gz.Close()
	b.SetBytes(int64(len(z)))
	for b.Loop() {
		zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		tr := tar.NewReader(zr)
		if _, err := tr.Next(); err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			b.Fatal(err)
		}
	}
}
