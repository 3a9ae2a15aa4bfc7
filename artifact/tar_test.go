package artifact

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCleanName(t *testing.T) {
	tests := []struct {
		name, path, unsafe string
	}{
		{"model.pth", "model.pth", ""},
		{"code/inference.py", "code/inference.py", ""},
		{"./code/inference.py", "code/inference.py", ""},
		{"code/", "code", ""},
		{"a//b/./c/", "a/b/c", ""},
		{"a/b/../c", "a/c", ""},
		{"/", "", ""},
		{"./", "", ""},
		{".", "", ""},
		{"", "", ""},
		{"//", "", ""},
		{"/.", "", ""},
		{"/etc/passwd", "etc/passwd", "absolute"},
		{"//etc/passwd", "etc/passwd", "absolute"},
		{"../etc/passwd", "../etc/passwd", "escapes"},
		{"./../x", "../x", "escapes"},
		{"a/../../x", "../x", "escapes"},
		{"..", "..", "escapes"},
		{"/../x", "../x", "escapes"},
		{"a/..", "", ""},
		{"..foo/bar", "..foo/bar", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, unsafe := CleanName(tt.name)
			if d := cmp.Diff([2]string{tt.path, tt.unsafe}, [2]string{p, unsafe}); d != "" {
				t.Errorf("CleanName(%q) mismatch (-want +got):\n%s", tt.name, d)
			}
		})
	}
}

func TestWalkEntries(t *testing.T) {
	long := strings.Repeat("d/", 80) + "weights.bin"
	tests := []struct {
		name    string
		members []member
		want    []Entry
	}{
		{
			name: "sdk repack with root entries",
			members: []member{
				{name: "/", typ: tar.TypeDir, mode: 0o755},
				{name: "./", typ: tar.TypeDir, mode: 0o755},
				{name: "./code/", typ: tar.TypeDir, mode: 0o755},
				{name: "./code/inference.py", body: "def model_fn(d): pass\n"},
			},
			want: []Entry{
				{Path: "", Name: "/", Type: TypeDir, Mode: 0o755, Typeflag: tar.TypeDir},
				{Path: "", Name: "./", Type: TypeDir, Mode: 0o755, Typeflag: tar.TypeDir},
				{Path: "code", Name: "./code/", Type: TypeDir, Mode: 0o755, Typeflag: tar.TypeDir},
				{Path: "code/inference.py", Name: "./code/inference.py", Type: TypeFile, Size: 22, Mode: 0o644, Typeflag: tar.TypeReg},
			},
		},
		{
			name: "unsafe names are facts",
			members: []member{
				{name: "/etc/passwd", body: "x"},
				{name: "../evil.py", body: "y"},
				{name: "a/../../b", body: "z"},
			},
			want: []Entry{
				{Path: "etc/passwd", Name: "/etc/passwd", Type: TypeFile, Size: 1, Mode: 0o644, Typeflag: tar.TypeReg, Unsafe: "absolute"},
				{Path: "../evil.py", Name: "../evil.py", Type: TypeFile, Size: 1, Mode: 0o644, Typeflag: tar.TypeReg, Unsafe: "escapes"},
				{Path: "../b", Name: "a/../../b", Type: TypeFile, Size: 1, Mode: 0o644, Typeflag: tar.TypeReg, Unsafe: "escapes"},
			},
		},
		{
			name: "every type",
			members: []member{
				{name: "dir/", typ: tar.TypeDir, mode: 0o755},
				{name: "link", typ: tar.TypeSymlink, link: "../outside", mode: 0o777},
				{name: "hard", typ: tar.TypeLink, link: "dir/f"},
				{name: "chr", typ: tar.TypeChar},
				{name: "blk", typ: tar.TypeBlock},
				{name: "fifo", typ: tar.TypeFifo},
				{name: "cont", typ: tar.TypeCont},
				{name: "setuid", body: "#!", mode: 0o104755},
			},
			want: []Entry{
				{Path: "dir", Name: "dir/", Type: TypeDir, Mode: 0o755, Typeflag: tar.TypeDir},
				{Path: "link", Name: "link", Type: TypeSymlink, Mode: 0o777, Link: "../outside", Typeflag: tar.TypeSymlink},
				{Path: "hard", Name: "hard", Type: TypeHardlink, Mode: 0o644, Link: "dir/f", Typeflag: tar.TypeLink},
				{Path: "chr", Name: "chr", Type: TypeOther, Mode: 0o644, Typeflag: tar.TypeChar},
				{Path: "blk", Name: "blk", Type: TypeOther, Mode: 0o644, Typeflag: tar.TypeBlock},
				{Path: "fifo", Name: "fifo", Type: TypeOther, Mode: 0o644, Typeflag: tar.TypeFifo},
				{Path: "cont", Name: "cont", Type: TypeOther, Mode: 0o644, Typeflag: tar.TypeCont},
				{Path: "setuid", Name: "setuid", Type: TypeFile, Size: 2, Mode: 0o4755, Typeflag: tar.TypeReg},
			},
		},
		{
			name:    "pax long name",
			members: []member{{name: "./" + long, body: "w", format: tar.FormatPAX}},
			want:    []Entry{{Path: long, Name: "./" + long, Type: TypeFile, Size: 1, Mode: 0o644, Typeflag: tar.TypeReg}},
		},
		{
			name:    "gnu long name",
			members: []member{{name: long, body: "w", format: tar.FormatGNU}},
			want:    []Entry{{Path: long, Name: long, Type: TypeFile, Size: 1, Mode: 0o644, Typeflag: tar.TypeReg}},
		},
	}
	for _, tt := range tests {
		for _, compress := range []bool{false, true} {
			name := tt.name + "/tar"
			if compress {
				name = tt.name + "/tar.gz"
			}
			t.Run(name, func(t *testing.T) {
				b := buildTar(t, tt.members...)
				format := "tar"
				if compress {
					b, format = gz(t, b), "tar.gz"
				}
				g, st, err := collect(t, b, Limits{})
				if err != nil {
					t.Fatalf("walk: %v", err)
				}
				if d := cmp.Diff(tt.want, g.Entries); d != "" {
					t.Errorf("entries mismatch (-want +got):\n%s", d)
				}
				if st.Format != format || st.Entries != len(tt.want) || st.BytesIn != int64(len(b)) {
					t.Errorf("stats = %+v, want format %q, %d entries, %d bytes in", st, format, len(tt.want), len(b))
				}
			})
		}
	}
}

func TestWalkGlobalHeaderIsNotAnEntry(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, PAXRecords: map[string]string{"comment": "git"}, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: "a", Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	g, _, err := collect(t, buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a"}, paths(g.Entries)); d != "" {
		t.Errorf("paths mismatch (-want +got):\n%s", d)
	}
}

func TestWalkSparse(t *testing.T) {
	// An old GNU sparse file: 4096 bytes, with 512 bytes of data at 1024.
	data := bytes.Repeat([]byte{'x'}, 512)
	hdr := rawHeader("sparse.bin", tar.TypeGNUSparse, 512, func(b []byte) {
		copy(b[257:265], "ustar  \x00")
		octal(b[386:398], 1024)
		octal(b[398:410], 512)
		octal(b[483:495], 4096)
	})
	b := append(hdr, data...)
	b = append(b, make([]byte, 2*blockSize)...)
	g, st, err := collect(t, b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{Path: "sparse.bin", Name: "sparse.bin", Type: TypeFile, Size: 4096, Mode: 0o644, Typeflag: tar.TypeGNUSparse}}
	if d := cmp.Diff(want, g.Entries); d != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", d)
	}
	wantBody := string(make([]byte, 1024)) + string(data) + string(make([]byte, 4096-1536))
	if g.Bodies["sparse.bin"] != wantBody {
		t.Errorf("sparse content is %d bytes, not the expected expansion", len(g.Bodies["sparse.bin"]))
	}
	if st.BytesOut != int64(len(b)) {
		t.Errorf("BytesOut = %d, want the %d bytes produced, not the declared size", st.BytesOut, len(b))
	}
}

func TestWalkContent(t *testing.T) {
	b := gz(t, buildTar(t,
		member{name: "code/inference.py", body: "import torch\n"},
		member{name: "model.pth", body: strings.Repeat("w", 5000)},
	))
	g, st, err := collect(t, b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"code/inference.py": "import torch\n", "model.pth": strings.Repeat("w", 5000)}
	if d := cmp.Diff(want, g.Bodies); d != "" {
		t.Errorf("bodies mismatch (-want +got):\n%s", d)
	}
	if st.BytesOut != 512+512+512+10*512+1024 {
		t.Errorf("BytesOut = %d", st.BytesOut)
	}
}

func TestWalkOpen(t *testing.T) {
	b := buildTar(t, member{name: "dir/", typ: tar.TypeDir}, member{name: "a.py", body: "abc"}, member{name: "b.py", body: "def"})
	var kept io.Reader
	var errs []string
	err := Walk(bytes.NewReader(b), func(e Entry, open OpenFunc) error {
		switch e.Path {
		case "dir":
			if _, err := open(); err != nil {
				errs = append(errs, err.Error())
			}
		case "a.py":
			r, err := open()
			if err != nil {
				return err
			}
			kept = r
			if _, err := open(); err != nil {
				errs = append(errs, err.Error())
			}
		case "b.py":
			if _, err := kept.Read(make([]byte, 1)); err != nil {
				errs = append(errs, err.Error())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`failed to open "dir": it is a dir, not a regular file`,
		`failed to open "a.py": already opened`,
		`failed to read member: the walk has moved past it`,
	}
	if d := cmp.Diff(want, errs); d != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", d)
	}
}

func TestWalkFuncErrorIsReturnedAsIs(t *testing.T) {
	stop := errors.New("stop")
	b := buildTar(t, member{name: "a"}, member{name: "b"})
	n := 0
	err := Walk(bytes.NewReader(b), func(e Entry, open OpenFunc) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("Walk = %v after %d entries, want %v after 1", err, n, stop)
	}
}

// randomBody returns n bytes that do not compress.
func randomBody(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

func TestWalkEdgeCases(t *testing.T) {
	three := []member{{name: "a.py", body: "a"}, {name: "b.bin", body: randomBody(40000)}, {name: "c.py", body: "c"}}
	full := buildTar(t, three...)
	head := tarBytes(t, false, three[0])
	tail := buildTar(t, three[1:]...)
	zero := make([]byte, blockSize)
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	lying := cat(rawHeader("model.pth", tar.TypeReg, 1<<40, nil), []byte("short body"))
	corruptGz := gz(t, buildTar(t, member{name: "a.py", body: "a"}, member{name: "text.txt", body: strings.Repeat("hello world, ", 20000)}))
	for i := len(corruptGz) / 3; i < len(corruptGz)/3+64; i++ {
		corruptGz[i] = 0xff
	}
	tests := []struct {
		name       string
		in         []byte
		wantPaths  []string
		wantHidden bool
		wantFormat string
		wantErr    error  // matched with errors.Is
		wantMsg    string // a substring of the error
	}{
		{name: "zero bytes", in: nil, wantPaths: []string{}},
		{name: "gzip of nothing", in: gz(t, nil), wantPaths: []string{}, wantFormat: "tar.gz"},
		{name: "end blocks only", in: buildTar(t), wantPaths: []string{}, wantFormat: "tar"},
		{name: "text file", in: []byte(strings.Repeat("def model_fn(d):\n", 100)), wantPaths: []string{}, wantFormat: "tar", wantErr: ErrNotArchive, wantMsg: "neither gzip nor tar"},
		{name: "short text", in: []byte("hello\n"), wantPaths: []string{}, wantFormat: "tar", wantErr: ErrNotArchive, wantMsg: "too short"},
		{name: "gzip of text", in: gz(t, []byte(strings.Repeat("not a tar ", 100))), wantPaths: []string{}, wantFormat: "tar.gz", wantErr: ErrNotArchive, wantMsg: "gzip data that is not a tar"},
		{name: "gzip of gzip", in: gz(t, gz(t, full)), wantPaths: []string{}, wantFormat: "tar.gz", wantErr: ErrNotArchive},
		{name: "gzip magic only", in: []byte{0x1f, 0x8b}, wantPaths: []string{}, wantFormat: "tar.gz", wantErr: ErrCorrupt},
		{name: "truncated gzip", in: gz(t, full)[:len(gz(t, full))/2], wantPaths: []string{"a.py", "b.bin"}, wantFormat: "tar.gz", wantErr: io.ErrUnexpectedEOF, wantMsg: `corrupt archive after 2 entries (in "b.bin"`},
		{name: "corrupt gzip", in: corruptGz, wantPaths: []string{"a.py", "text.txt"}, wantFormat: "tar.gz", wantErr: ErrCorrupt},
		{name: "truncated tar", in: full[:3000], wantPaths: []string{"a.py", "b.bin"}, wantFormat: "tar", wantErr: io.ErrUnexpectedEOF},
		{name: "truncated header", in: cat(head, zero[:100]), wantPaths: []string{"a.py"}, wantFormat: "tar", wantErr: ErrCorrupt},
		{name: "huge declared size", in: lying, wantPaths: []string{"model.pth"}, wantFormat: "tar", wantErr: ErrCorrupt, wantMsg: `in "model.pth"`},
		{name: "huge declared size gzipped", in: gz(t, lying), wantPaths: []string{"model.pth"}, wantFormat: "tar.gz", wantErr: ErrCorrupt},
		{name: "concatenated gzip members", in: cat(gz(t, full[:700]), gz(t, full[700:20000]), gz(t, full[20000:])), wantPaths: []string{"a.py", "b.bin", "c.py"}, wantFormat: "tar.gz"},
		{name: "trailing garbage after end blocks", in: cat(full, []byte(strings.Repeat("garbage", 1000))), wantPaths: []string{"a.py", "b.bin", "c.py"}, wantFormat: "tar"},
		{name: "trailing garbage inside gzip", in: gz(t, cat(full, []byte(strings.Repeat("garbage", 1000)))), wantPaths: []string{"a.py", "b.bin", "c.py"}, wantFormat: "tar.gz"},
		{name: "trailing garbage after gzip", in: cat(gz(t, full), []byte("garbage")), wantPaths: []string{"a.py", "b.bin", "c.py"}, wantFormat: "tar.gz"},
		{name: "no end blocks", in: tarBytes(t, false, three...), wantPaths: []string{"a.py", "b.bin", "c.py"}, wantFormat: "tar"},
		{name: "lone zero block then entries", in: cat(head, zero, tail), wantPaths: []string{"a.py"}, wantHidden: true, wantFormat: "tar"},
		{name: "lone zero block then entries gzipped", in: gz(t, cat(head, zero, tail)), wantPaths: []string{"a.py"}, wantHidden: true, wantFormat: "tar.gz"},
		{name: "zero block first then entries", in: cat(zero, full), wantPaths: []string{}, wantHidden: true, wantFormat: "tar"},
		{name: "lone zero block then garbage", in: cat(head, zero, bytes.Repeat([]byte("g"), 512)), wantPaths: []string{"a.py"}, wantFormat: "tar"},
		{name: "lone zero block then end of input", in: cat(head, zero), wantPaths: []string{"a.py"}, wantFormat: "tar"},
		{name: "garbage header after entries", in: cat(head, bytes.Repeat([]byte("g"), 512)), wantPaths: []string{"a.py"}, wantFormat: "tar", wantErr: ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, st, err := collect(t, tt.in, Limits{})
			if tt.wantErr == nil && err != nil {
				t.Fatalf("walk: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("walk error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("walk error = %q, want it to contain %q", err, tt.wantMsg)
			}
			if err != nil && HintOf(err) == "" {
				t.Errorf("walk error %q has no hint", err)
			}
			if d := cmp.Diff(tt.wantPaths, paths(g.Entries)); d != "" {
				t.Errorf("paths mismatch (-want +got):\n%s", d)
			}
			if st.HiddenAfterEnd != tt.wantHidden || st.Format != tt.wantFormat || st.Entries != len(g.Entries) {
				t.Errorf("stats = %+v, want format %q, hidden %v, %d entries", st, tt.wantFormat, tt.wantHidden, len(g.Entries))
			}
		})
	}
}

func TestWalkCorruptError(t *testing.T) {
	full := buildTar(t, member{name: "a.py", body: "a"}, member{name: "b.bin", body: randomBody(4000)})
	_, _, err := collect(t, full[:2000], Limits{})
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want a *CorruptError", err)
	}
	want := CorruptError{Err: io.ErrUnexpectedEOF, Entries: 2, Offset: 2000, Path: "b.bin"}
	if d := cmp.Diff(want, *ce, cmpopts.EquateErrors()); d != "" {
		t.Errorf("CorruptError mismatch (-want +got):\n%s", d)
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestWalkReadErrorIsNotCorruption(t *testing.T) {
	boom := errors.New("connection reset")
	full := buildTar(t, member{name: "a.py", body: "a"}, member{name: "b.bin", body: randomBody(4000)})
	for _, in := range [][]byte{full[:2000], gz(t, full)[:1000], nil} {
		_, err := WalkLimited(&failingReader{data: in, err: boom}, Limits{}, func(Entry, OpenFunc) error { return nil })
		if !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
			t.Errorf("error = %v, want a read error wrapping %v", err, boom)
		}
	}
}
