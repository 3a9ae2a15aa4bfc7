package artifact

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLimitsWithDefaults(t *testing.T) {
	if d := cmp.Diff(DefaultLimits, Limits{}.withDefaults()); d != "" {
		t.Errorf("zero Limits mismatch (-want +got):\n%s", d)
	}
	l := Limits{MaxEntries: -1, MaxRatio: 3}.withDefaults()
	if l.MaxEntries != -1 || l.MaxRatio != 3 || l.MaxDepth != DefaultMaxDepth {
		t.Errorf("withDefaults changed set fields: %+v", l)
	}
}

func TestWalkLimits(t *testing.T) {
	five := []member{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}, {name: "e"}}
	zeros := gz(t, buildTar(t, member{name: "zeros.bin", body: string(make([]byte, 8<<20))}))
	tests := []struct {
		name      string
		in        []byte
		lim       Limits
		wantPaths []string
		want      *LimitError // nil: no error
	}{
		{
			name:      "too many entries",
			in:        buildTar(t, five...),
			lim:       Limits{MaxEntries: 3},
			wantPaths: []string{"a", "b", "c"},
			want:      &LimitError{Limit: "entries", Max: 3, Value: 4, Path: "d"},
		},
		{
			name:      "entry limit disabled",
			in:        buildTar(t, five...),
			lim:       Limits{MaxEntries: -1},
			wantPaths: []string{"a", "b", "c", "d", "e"},
		},
		{
			name:      "name too long",
			in:        buildTar(t, member{name: "ok.py"}, member{name: "./" + strings.Repeat("x", 20)}),
			lim:       Limits{MaxPathLen: 10},
			wantPaths: []string{"ok.py"},
			want:      &LimitError{Limit: "path-length", Max: 10, Value: 22, Path: strings.Repeat("x", 20)},
		},
		{
			name:      "too deep",
			in:        buildTar(t, member{name: "a/b"}, member{name: "a/b/c/", typ: tar.TypeDir}),
			lim:       Limits{MaxDepth: 2},
			wantPaths: []string{"a/b"},
			want:      &LimitError{Limit: "depth", Max: 2, Value: 3, Path: "a/b/c"},
		},
		{
			name:      "too many bytes",
			in:        buildTar(t, member{name: "small"}, member{name: "big", body: strings.Repeat("b", 10000)}),
			lim:       Limits{MaxTotalBytes: 4096},
			wantPaths: []string{"small", "big"},
			want:      &LimitError{Limit: "total-bytes", Max: 4096, Path: "big"},
		},
		{
			name:      "compression ratio",
			in:        zeros,
			lim:       Limits{MaxRatio: 10, RatioFloor: 1 << 20},
			wantPaths: []string{"zeros.bin"},
			want:      &LimitError{Limit: "ratio", Max: 10, Path: "zeros.bin"},
		},
		{
			name:      "ratio below the floor",
			in:        zeros,
			lim:       Limits{MaxRatio: 10, RatioFloor: 16 << 20},
			wantPaths: []string{"zeros.bin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, st, err := collect(t, tt.in, tt.lim)
			if d := cmp.Diff(tt.wantPaths, paths(g.Entries)); d != "" {
				t.Errorf("paths mismatch (-want +got):\n%s", d)
			}
			if st.Entries != len(tt.wantPaths) {
				t.Errorf("Stats.Entries = %d, want %d", st.Entries, len(tt.wantPaths))
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("walk: %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
				t.Fatalf("error = %v, want a *LimitError", err)
			}
			got := *le
			if tt.want.Value == 0 {
				got.Value = 0 // bytes and ratios depend on buffering
			}
			if d := cmp.Diff(*tt.want, got); d != "" {
				t.Errorf("LimitError mismatch (-want +got):\n%s", d)
			}
			if HintOf(err) == "" {
				t.Errorf("LimitError has no hint")
			}
		})
	}
}

func TestLimitErrorShortensPath(t *testing.T) {
	name := strings.Repeat("p", 1<<19)
	b := buildTar(t, member{name: name, format: tar.FormatPAX})
	_, _, err := collect(t, b, Limits{})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "path-length" || le.Value != 1<<19 {
		t.Fatalf("error = %v, want a path-length limit", err)
	}
	if len(le.Path) != 256 || len(err.Error()) > 400 {
		t.Errorf("path not shortened: %d bytes in Path, %d in the message", len(le.Path), len(err.Error()))
	}
}

// generate streams what write produces, until the reader side stops.
func generate(t testing.TB, write func(w io.Writer) error) io.ReadCloser {
	t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	return pr
}

func TestWalkDefaultLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a few hundred megabytes")
	}
	// Generated as repeated gzip members, which cost nothing to produce.
	repeat := func(head, member []byte, n int) func(w io.Writer) error {
		return func(w io.Writer) error {
			if _, err := w.Write(head); err != nil {
				return err
			}
			for range n {
				if _, err := w.Write(member); err != nil {
					return err
				}
			}
			return nil
		}
	}
	var names []member
	for i := range 20_000 {
		names = append(names, member{name: fmt.Sprintf("f/%05d", i)})
	}
	thousand := gz(t, bytes.Repeat(rawHeader("f", tar.TypeReg, 0, nil), 1000))
	zeroMiB := gz(t, make([]byte, 1<<20))
	bombHead := gz(t, rawHeader("zeros.bin", tar.TypeReg, 10<<30, nil))
	entries := func(w io.Writer) error {
		_, err := w.Write(gz(t, buildTar(t, names...)))
		return err
	}
	tests := []struct {
		name        string
		write       func(w io.Writer) error
		wantEntries int
		wantLimit   string // "" for no error
	}{
		{name: "20,000 entries pass", write: entries, wantEntries: 20_000},
		{name: "a million entries stop", write: repeat(nil, thousand, 1000), wantEntries: DefaultMaxEntries, wantLimit: "entries"},
		{name: "10 GB of zeros stop at the ratio", write: repeat(bombHead, zeroMiB, 10<<10), wantEntries: 1, wantLimit: "ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := generate(t, tt.write)
			defer r.Close()
			start := time.Now()
			st, err := WalkLimited(r, Limits{}, func(Entry, OpenFunc) error { return nil })
			var le *LimitError
			switch {
			case tt.wantLimit == "" && err != nil:
				t.Fatalf("walk: %v", err)
			case tt.wantLimit != "" && (!errors.As(err, &le) || le.Limit != tt.wantLimit):
				t.Fatalf("error = %v, want the %s limit", err, tt.wantLimit)
			}
			if st.Entries != tt.wantEntries {
				t.Errorf("Stats.Entries = %d, want %d", st.Entries, tt.wantEntries)
			}
			t.Logf("%v, %d bytes in, %d bytes out", time.Since(start), st.BytesIn, st.BytesOut)
		})
	}
}

func TestWalkSourceStreamLimits(t *testing.T) {
	b := buildTar(t, member{name: "a"}, member{name: "b"})
	src := NewReaderSource("x", bytes.NewReader(b))
	st, err := WalkSource(t.Context(), src, Limits{MaxEntries: 1}, func(Entry, OpenFunc) error { return nil })
	if !errors.Is(err, ErrLimit) || st.Entries != 1 {
		t.Errorf("WalkSource = %+v, %v; want 1 entry and a limit", st, err)
	}
}
