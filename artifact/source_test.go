package artifact

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeFile writes body to dir/name, creating parent folders.
func writeFile(t *testing.T, dir, name, body string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "model.tar.gz")
	writeFile(t, dir, "model.tar.gz", string(gz(t, buildTar(t, member{name: "model.pth", body: "w"}))), 0o644)
	tests := []struct {
		name     string
		ref      string
		wantKind string // "file", "folder", "reader"
		wantErr  error
	}{
		{name: "standard input", ref: "-", wantKind: "reader"},
		{name: "local file", ref: archive, wantKind: "file"},
		{name: "local folder", ref: dir, wantKind: "folder"},
		{name: "missing file", ref: filepath.Join(dir, "nope.tar.gz"), wantErr: ErrNotFound},
		{name: "empty reference", ref: "", wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.ref, Options{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || HintOf(err) == "" {
					t.Fatalf("Parse(%q) error = %v (hint %q), want %v with a hint", tt.ref, err, HintOf(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kind := "file"
			switch src.(type) {
			case *folderSource:
				kind = "folder"
			case *readerSource:
				kind = "reader"
			}
			if kind != tt.wantKind || src.Name() != tt.ref {
				t.Errorf("Parse(%q) = %s %q, want %s", tt.ref, kind, src.Name(), tt.wantKind)
			}
		})
	}
}

func TestParseS3(t *testing.T) {
	// Whatever the S3 source does, an s3:// reference must reach it rather
	// than be reported as a missing local file.
	_, err := Parse("s3://bucket/model.tar.gz", Options{})
	if errors.Is(err, ErrNotFound) && HintOf(err) == HintOf(notFound("x")) {
		t.Errorf("s3 reference treated as a local path: %v", err)
	}
}

func TestFileSource(t *testing.T) {
	dir := t.TempDir()
	b := gz(t, buildTar(t, member{name: "model.pth", body: "w"}))
	writeFile(t, dir, "model.tgz", string(b), 0o644)
	src, err := Parse(filepath.Join(dir, "model.tgz"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	st, err := WalkSource(t.Context(), src, Limits{}, func(e Entry, open OpenFunc) error {
		got = append(got, e.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Format: "tar.gz", Entries: 1, BytesIn: int64(len(b)), BytesOut: 2048}
	if d := cmp.Diff(want, st); d != "" {
		t.Errorf("stats mismatch (-want +got):\n%s", d)
	}
	if err := os.Remove(filepath.Join(dir, "model.tgz")); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Open(t.Context()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open of a removed file = %v, want %v", err, ErrNotFound)
	}
}

func TestReaderSource(t *testing.T) {
	b := buildTar(t, member{name: "a.py", body: "print()"})
	src := NewReaderSource("-", bytes.NewReader(b))
	var got []string
	st, err := WalkSource(t.Context(), src, Limits{}, func(e Entry, open OpenFunc) error {
		got = append(got, e.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a.py"}, got); d != "" {
		t.Errorf("paths mismatch (-want +got):\n%s", d)
	}
	if st.Format != "tar" || st.BytesIn != int64(len(b)) {
		t.Errorf("stats = %+v", st)
	}
	if _, err := src.Open(t.Context()); err == nil {
		t.Error("second Open of a stream succeeded")
	}
}

func TestWalkSourceCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	b := buildTar(t, member{name: "a.py"})
	_, err := WalkSource(ctx, NewReaderSource("-", bytes.NewReader(b)), Limits{}, func(Entry, OpenFunc) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want %v", err, context.Canceled)
	}
}

func TestFolderSource(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "model.pth", "weights", 0o644)
	writeFile(t, dir, "code/inference.py", "def model_fn(d): pass\n", 0o755)
	writeFile(t, dir, "code/requirements.txt", "torch\n", 0o640)
	writeFile(t, dir, "B.txt", "upper case sorts first", 0o644)
	if err := os.Symlink("../../etc/passwd", filepath.Join(dir, "code", "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "code"), 0o755|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := Parse(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Open(t.Context()); err == nil {
		t.Error("Open of a folder succeeded")
	}
	var entries []Entry
	bodies := map[string]string{}
	var openErrs []string
	st, err := WalkSource(t.Context(), src, Limits{}, func(e Entry, open OpenFunc) error {
		e.Link = filepath.ToSlash(e.Link)
		entries = append(entries, e)
		r, err := open()
		if err != nil {
			openErrs = append(openErrs, err.Error())
			return nil
		}
		b, err := io.ReadAll(r)
		bodies[e.Path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Path: "B.txt", Name: "B.txt", Type: TypeFile, Size: 22, Mode: 0o644},
		{Path: "code", Name: "code", Type: TypeDir, Mode: 0o2755},
		{Path: "code/inference.py", Name: "code/inference.py", Type: TypeFile, Size: 22, Mode: 0o755},
		{Path: "code/link", Name: "code/link", Type: TypeSymlink, Mode: 0o777, Link: "../../etc/passwd"},
		{Path: "code/requirements.txt", Name: "code/requirements.txt", Type: TypeFile, Size: 6, Mode: 0o640},
		{Path: "fifo", Name: "fifo", Type: TypeOther, Mode: 0o600},
		{Path: "model.pth", Name: "model.pth", Type: TypeFile, Size: 7, Mode: 0o644},
	}
	if d := cmp.Diff(want, entries); d != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", d)
	}
	wantBodies := map[string]string{"B.txt": "upper case sorts first", "code/inference.py": "def model_fn(d): pass\n", "code/requirements.txt": "torch\n", "model.pth": "weights"}
	if d := cmp.Diff(wantBodies, bodies); d != "" {
		t.Errorf("bodies mismatch (-want +got):\n%s", d)
	}
	if len(openErrs) != 3 {
		t.Errorf("opening non-regular entries: %q, want 3 errors", openErrs)
	}
	wantStats := Stats{Format: "folder", Entries: 7, BytesIn: 57, BytesOut: 57}
	if d := cmp.Diff(wantStats, st); d != "" {
		t.Errorf("stats mismatch (-want +got):\n%s", d)
	}

	_, err = WalkSource(t.Context(), src, Limits{MaxEntries: 2}, func(Entry, OpenFunc) error { return nil })
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "entries" || le.Path != "code/inference.py" {
		t.Errorf("walk with 2 entries = %v, want the entry limit at code/inference.py", err)
	}
}

// prefixSource is a Walker that reports its own format.
type prefixSource struct{}

func (prefixSource) Name() string                                { return "s3://b/p/" }
func (prefixSource) Open(context.Context) (io.ReadCloser, error) { return nil, errors.New("no stream") }
func (prefixSource) ArchiveFormat() string                       { return "s3-prefix" }
func (prefixSource) Walk(ctx context.Context, fn WalkFunc) error {
	return fn(Entry{Path: "model.pth", Name: "model.pth", Type: TypeFile}, func() (io.Reader, error) {
		return bytes.NewReader([]byte("abc")), nil
	})
}

func TestWalkSourceWalkerFormat(t *testing.T) {
	st, err := WalkSource(t.Context(), prefixSource{}, Limits{}, func(e Entry, open OpenFunc) error {
		r, err := open()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Format: "s3-prefix", Entries: 1, BytesIn: 3, BytesOut: 3}
	if d := cmp.Diff(want, st); d != "" {
		t.Errorf("stats mismatch (-want +got):\n%s", d)
	}
}
