package artifact

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds returns the hand-made seeds of the fuzz targets, by name.
func fuzzSeeds(t testing.TB) map[string][]byte {
	t.Helper()
	seeds := map[string][]byte{
		"empty":          nil,
		"text":           []byte("not an archive"),
		"tar":            buildTar(t, member{name: "./", typ: tar.TypeDir}, member{name: "./code/inference.py", body: "def model_fn(d): pass\n"}),
		"hostile tar":    buildTar(t, member{name: "../x", body: "x"}, member{name: "/abs", typ: tar.TypeSymlink, link: "/etc"}, member{name: "f", typ: tar.TypeFifo}),
		"pax":            buildTar(t, member{name: strings.Repeat("long/", 40) + "name", body: "p", format: tar.FormatPAX}),
		"hidden members": bytes.Join([][]byte{tarBytes(t, false, member{name: "a", body: "a"}), make([]byte, blockSize), buildTar(t, member{name: "b"})}, nil),
	}
	seeds["tar.gz"] = gz(t, seeds["tar"])
	seeds["truncated tar.gz"] = gz(t, seeds["hostile tar"])[:40]
	return seeds
}

func FuzzWalk(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "testdata", "*"))
	for _, name := range files {
		fi, err := os.Stat(name)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	lim := Limits{MaxEntries: 1000, MaxTotalBytes: 16 << 20, MaxRatio: 50, RatioFloor: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		st, err := WalkLimited(bytes.NewReader(b), lim, func(e Entry, open OpenFunc) error {
			n++
			if strings.HasPrefix(e.Path, "/") || strings.HasPrefix(e.Path, "./") || strings.HasSuffix(e.Path, "/") {
				t.Errorf("path %q is not normalised", e.Path)
			}
			if (e.Unsafe == "escapes") != (e.Path == ".." || strings.HasPrefix(e.Path, "../")) {
				t.Errorf("path %q has Unsafe %q", e.Path, e.Unsafe)
			}
			r, err := open()
			if (err == nil) != (e.Type == TypeFile) {
				t.Errorf("open of a %s: %v", e.Type, err)
			}
			if err == nil {
				_, err = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
				if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrLimit) {
					t.Errorf("reading %q: unexpected error %v", e.Path, err)
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, ErrNotArchive) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrLimit) {
			t.Errorf("unexpected error %v", err)
		}
		if st.Entries != n || st.BytesIn > int64(len(b)) {
			t.Errorf("stats %+v after %d entries of %d bytes", st, n, len(b))
		}
	})
}
