//go:build integration

package artifact

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"

	"github.com/mati-dev/mati/internal/s3test"
)

// seen is what a walk reports for one entry: the entry and, for files, a
// digest of the bytes read through its opener.
type seen struct {
	Entry  Entry
	Digest string
}

// walkAll walks src, opening every regular file.
func walkAll(t *testing.T, src Source) ([]seen, Stats, error) {
	t.Helper()
	var got []seen
	st, err := WalkSource(context.Background(), src, Limits{}, func(e Entry, open OpenFunc) error {
		s := seen{Entry: e}
		if e.Type == TypeFile {
			r, err := open()
			if err != nil {
				return err
			}
			h := sha256.New()
			if _, err := io.Copy(h, r); err != nil {
				return err
			}
			s.Digest = fmt.Sprintf("%x", h.Sum(nil))
		}
		got = append(got, s)
		return nil
	})
	return got, st, err
}

// modelTarGz builds a tar.gz with code, config and a weight file of
// weightSize random bytes.
func modelTarGz(t *testing.T, weightSize int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	add := func(name string, typ byte, body []byte) {
		h := &tar.Header{Name: name, Typeflag: typ, Mode: 0o644, Size: int64(len(body))}
		if typ == tar.TypeDir {
			h.Mode, h.Size = 0o755, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	add("./", tar.TypeDir, nil)
	add("code/", tar.TypeDir, nil)
	add("code/inference.py", tar.TypeReg, []byte("def model_fn(model_dir):\n    return None\n"))
	add("code/requirements.txt", tar.TypeReg, []byte("torch\n"))
	add("model.pth", tar.TypeReg, randomBytes(weightSize))
	add("config.json", tar.TypeReg, []byte(`{"a": 1}`))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// startS3 starts the server with the test's environment pointed at it.
func startS3(t *testing.T) (*s3test.Server, S3Options) {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.CreateBucket(t, "models")
	return srv, S3Options{EndpointURL: srv.Endpoint(), PartSize: 1 << 20, Concurrency: 4}
}

// checkReadOnly fails t if mati sent anything but GET and HEAD.
func checkReadOnly(t *testing.T, srv *s3test.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("mati sent %s %s?%s: only GET and HEAD are allowed", r.Method, r.Path, r.Query)
		}
	}
}

func TestS3ObjectWalksLikeLocal(t *testing.T) {
	srv, opts := startS3(t)
	data := modelTarGz(t, 5<<20+123)
	srv.PutObject(t, "models", "team/model.tar.gz", data)
	want, wantSt, err := walkAll(t, NewReaderSource("local", bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		opts func(S3Options) S3Options
		env  map[string]string
	}{
		{name: "ranged read-ahead", opts: func(o S3Options) S3Options { return o }},
		{name: "one plain GET", opts: func(o S3Options) S3Options { o.SingleStream = true; return o }},
		{name: "one part in flight", opts: func(o S3Options) S3Options { o.Concurrency = 1; return o }},
		{name: "default part size", opts: func(o S3Options) S3Options { o.PartSize = 0; return o }},
		{
			name: "endpoint from AWS_ENDPOINT_URL_S3",
			opts: func(o S3Options) S3Options { o.EndpointURL = ""; return o },
			env:  map[string]string{"AWS_ENDPOINT_URL_S3": srv.Endpoint()},
		},
		{
			name: "endpoint from AWS_ENDPOINT_URL and no region",
			opts: func(o S3Options) S3Options { o.EndpointURL = ""; return o },
			env:  map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint(), "AWS_REGION": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			srv.ResetRequests()
			src, err := Parse("s3://models/team/model.tar.gz", Options{S3: tt.opts(opts)})
			if err != nil {
				t.Fatal(err)
			}
			got, st, err := walkAll(t, src)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("entries differ from the local walk (-local +s3):\n%s", d)
			}
			if d := cmp.Diff(wantSt, st); d != "" {
				t.Errorf("stats differ from the local walk (-local +s3):\n%s", d)
			}
			checkReadOnly(t, srv)
		})
	}
}

func TestS3PrefixListsAndOpens(t *testing.T) {
	srv, opts := startS3(t)
	// versitygw's posix backend stores keys as files, so "." and ".."
	// elements, NUL and names over 255 bytes cannot be stored there; the
	// unit tests cover how such names are reported.
	keys := []string{
		"data/config.json",
		"data/a b+c%d&e=f?g#h.bin",
		"data/ünïcödé/日本.txt",
		"data/sub/",
		"data/sub/x",
		"data/" + strings.Repeat("n", 200) + "/" + strings.Repeat("m", 200),
	}
	for i := range 1005 {
		keys = append(keys, fmt.Sprintf("data/many/%04d", i))
	}
	for _, k := range keys {
		body := []byte("content of " + k)
		if strings.HasSuffix(k, "/") {
			body = nil
		}
		srv.PutObject(t, "models", k, body)
	}
	srv.PutObject(t, "models", "other/not-listed", []byte("x"))
	srv.ResetRequests()

	src, err := Parse("s3://models/data/", Options{S3: opts})
	if err != nil {
		t.Fatal(err)
	}
	got, st, err := walkAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var want []seen
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	for _, k := range sorted {
		name := strings.TrimPrefix(k, "data/")
		p, unsafe := CleanName(name)
		s := seen{Entry: Entry{Path: p, Name: name, Type: TypeFile, Size: int64(len("content of " + k)), Unsafe: unsafe}}
		if strings.HasSuffix(k, "/") {
			s.Entry.Type, s.Entry.Size = TypeDir, 0
		} else {
			s.Digest = fmt.Sprintf("%x", sha256.Sum256([]byte("content of "+k)))
		}
		want = append(want, s)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	if st.Format != "s3-prefix" || st.Entries != len(keys) {
		t.Errorf("stats %+v, want format s3-prefix and %d entries", st, len(keys))
	}
	lists, gets := 0, 0
	for _, r := range srv.Requests() {
		switch {
		case strings.Contains(r.Query, "list-type=2"):
			lists++
		case r.Method == "GET":
			gets++
		}
	}
	if lists < 2 {
		t.Errorf("%d list requests for %d keys, want the listing paginated", lists, len(keys))
	}
	if gets != len(keys)-1 {
		t.Errorf("%d object GETs, want one per opened file (%d)", gets, len(keys)-1)
	}
	checkReadOnly(t, srv)

	t.Run("only the objects a check opens are read", func(t *testing.T) {
		srv.ResetRequests()
		_, err := WalkSource(context.Background(), src, Limits{}, func(e Entry, open OpenFunc) error {
			if e.Name == "config.json" {
				r, err := open()
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, r)
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var objGets []string
		for _, r := range srv.Requests() {
			if r.Method == "GET" && !strings.Contains(r.Query, "list-type=2") {
				objGets = append(objGets, r.Path)
			}
		}
		if d := cmp.Diff([]string{"/models/data/config.json"}, objGets); d != "" {
			t.Errorf("object GETs (-want +got):\n%s", d)
		}
	})

	t.Run("ListS3 lists every key", func(t *testing.T) {
		var listed []string
		err := ListS3(context.Background(), "s3://models/data/many/", opts, func(o Object) error {
			if o.ETag == "" || o.LastModified.IsZero() || o.Bucket != "models" {
				t.Errorf("incomplete object %+v", o)
			}
			listed = append(listed, o.Key)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(listed) != 1005 || !slices.IsSorted(listed) {
			t.Errorf("listed %d keys (sorted: %v), want 1005 in order", len(listed), slices.IsSorted(listed))
		}
	})

	t.Run("an empty prefix is no such key", func(t *testing.T) {
		src, err := Parse("s3://models/nothing-here/", Options{S3: opts})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = walkAll(t, src)
		if !errors.Is(err, ErrNoSuchKey) || HintOf(err) == "" {
			t.Errorf("got %v, want ErrNoSuchKey with a hint", err)
		}
	})
}

func TestS3Faults(t *testing.T) {
	srv, opts := startS3(t)
	data := modelTarGz(t, 6<<20)
	srv.PutObject(t, "models", "model.tar.gz", data)
	want, _, err := walkAll(t, NewReaderSource("local", bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	walkS3 := func(t *testing.T, ref string, o S3Options) ([]seen, error) {
		t.Helper()
		src, err := Parse(ref, Options{S3: o})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := walkAll(t, src)
		return got, err
	}

	t.Run("503 SlowDown backs off and succeeds", func(t *testing.T) {
		srv.ResetRequests()
		srv.SlowDown(2)
		got, err := walkS3(t, "s3://models/model.tar.gz", opts)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("entries (-want +got):\n%s", d)
		}
		if n := countStatus(srv, 503); n != 2 {
			t.Errorf("%d 503 answers, want 2", n)
		}
	})

	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("a cut connection resumes (single stream %v)", single), func(t *testing.T) {
			srv.ResetRequests()
			srv.CutAfter("models", "model.tar.gz", 300_000)
			o := opts
			o.SingleStream = single
			got, err := walkS3(t, "s3://models/model.tar.gz", o)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("entries (-want +got):\n%s", d)
			}
			resumed := false
			for _, r := range srv.Requests() {
				if r.Status == 0 {
					continue
				}
				if strings.HasPrefix(r.Range, "bytes=300000-") && r.IfMatch != "" {
					resumed = true
				}
			}
			if !resumed {
				t.Errorf("no pinned request resumed from byte 300000: %+v", srv.Requests())
			}
		})
	}

	t.Run("403 is access denied", func(t *testing.T) {
		srv.PutObject(t, "models", "secret.tar.gz", data)
		srv.Deny("models", "secret.tar.gz")
		_, err := walkS3(t, "s3://models/secret.tar.gz", opts)
		if !errors.Is(err, ErrAccessDenied) {
			t.Fatalf("got %v, want ErrAccessDenied", err)
		}
		if want := `failed to read "s3://models/secret.tar.gz": access denied`; err.Error() != want {
			t.Errorf("message %q, want %q", err.Error(), want)
		}
		if HintOf(err) == "" {
			t.Error("no hint")
		}
	})

	t.Run("an object replaced between two ranged reads", func(t *testing.T) {
		srv.PutObject(t, "models", "moving.tar.gz", data)
		srv.ReplaceBetweenReads("models", "moving.tar.gz", modelTarGz(t, 6<<20+1))
		_, err := walkS3(t, "s3://models/moving.tar.gz", opts)
		if !errors.Is(err, ErrObjectChanged) {
			t.Fatalf("got %v, want ErrObjectChanged", err)
		}
		if HintOf(err) == "" {
			t.Error("no hint")
		}
	})

	errorTests := []struct {
		name     string
		ref      string
		opts     func(S3Options) S3Options
		env      map[string]string
		wantKind error
		wantMsg  string
	}{
		{
			name: "missing key", ref: "s3://models/nope.tar.gz",
			wantKind: ErrNoSuchKey, wantMsg: `failed to read "s3://models/nope.tar.gz": no such key`,
		},
		{
			name: "missing bucket", ref: "s3://no-bucket/model.tar.gz",
			wantKind: ErrNoSuchBucket, wantMsg: `failed to read "s3://no-bucket/model.tar.gz": no such bucket`,
		},
		{
			name: "missing bucket for a prefix", ref: "s3://no-bucket/data/",
			wantKind: ErrNoSuchBucket, wantMsg: `failed to list "s3://no-bucket/data/": no such bucket`,
		},
		{
			name: "no credentials", ref: "s3://models/model.tar.gz",
			env:      map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
			wantKind: ErrNoCredentials, wantMsg: `failed to read "s3://models/model.tar.gz": no AWS credentials found`,
		},
		{
			name: "wrong credentials", ref: "s3://models/model.tar.gz",
			env:      map[string]string{"AWS_SECRET_ACCESS_KEY": "wrongsecret"},
			wantKind: ErrBadCredentials, wantMsg: `failed to read "s3://models/model.tar.gz": credentials rejected`,
		},
		{
			name: "anonymous request to a private bucket", ref: "s3://models/model.tar.gz",
			opts:     func(o S3Options) S3Options { o.NoSignRequest = true; return o },
			wantKind: ErrAccessDenied, wantMsg: `failed to read "s3://models/model.tar.gz": access denied`,
		},
		{
			name: "endpoint unreachable", ref: "s3://models/model.tar.gz",
			opts:     func(o S3Options) S3Options { o.EndpointURL = "http://127.0.0.1:1"; o.MaxAttempts = 1; return o },
			wantKind: ErrUnreachable, wantMsg: `failed to read "s3://models/model.tar.gz": endpoint unreachable`,
		},
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			o := opts
			if tt.opts != nil {
				o = tt.opts(o)
			}
			_, err := walkS3(t, tt.ref, o)
			if !errors.Is(err, tt.wantKind) {
				t.Fatalf("got %v, want %v", err, tt.wantKind)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("message %q, want %q", err.Error(), tt.wantMsg)
			}
			if HintOf(err) == "" {
				t.Error("no hint")
			}
		})
	}
	checkReadOnly(t, srv)
}

// countStatus counts the logged answers with the given status.
func countStatus(srv *s3test.Server, status int) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == status {
			n++
		}
	}
	return n
}
