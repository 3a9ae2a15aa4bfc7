package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/rules"
	"github.com/mati-dev/mati/scan"
)

// runScan runs mati with the real engine, the environment variables in
// vars (for e.getenv), and returns the exit code and the streams.
func runScan(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:   strings.NewReader(""),
		stdout:  &stdout,
		stderr:  &stderr,
		inspect: rules.Inspect,
		getenv:  func(k string) string { return vars[k] },
		version: "v0.0.0-test",
		colorOK: func(io.Writer) bool { return false },
	}
	code := e.run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// scanFolder copies fixtures into a new folder: name in the folder ->
// fixture file name. It also adds files the default globs skip.
func scanFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, fixture := range files {
		b, err := os.ReadFile(filepath.Join(fixturesDir(t), fixture))
		if err != nil {
			t.Skipf("fixture missing (run go generate ./fixtures): %v", err)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"README.md", "team-a/notes.txt", "team-b/model.tar.gz.sha256"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("not an artifact\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goodAndBad are artifacts that can all be inspected: two good, one broken,
// one corrupt.
var goodAndBad = map[string]string{
	"team-a/good.tar.gz":        "pytorch_good.tar.gz",
	"team-a/plain.tar":          "plain_tar_good.tar",
	"team-b/broken.tgz":         "model_file_missing_pytorch.tar.gz",
	"team-b/odd name ü+.tar.gz": "archive_corrupt_truncated_gzip.tar.gz",
}

// scanDoc is the JSON document of mati scan.
type scanDoc struct {
	SchemaVersion int `json:"schema_version"`
	Artifacts     []struct {
		rules.Result
		Cached bool `json:"cached"`
	} `json:"artifacts"`
	Summary rules.Summary `json:"summary"`
}

// jsonLines decodes JSONL output, failing t on a line that is not one JSON
// object, and returns the artifacts by source.
func jsonLines(t *testing.T, out string) map[string]scanDoc {
	t.Helper()
	got := map[string]scanDoc{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var one struct {
			rules.Result
			Cached bool `json:"cached"`
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&one); err != nil {
			t.Fatalf("line is not an artifact object: %v\n%s", err, sc.Text())
		}
		if dec.More() {
			t.Fatalf("line holds more than one value: %s", sc.Text())
		}
		if _, dup := got[one.Source]; dup {
			t.Errorf("%q written twice", one.Source)
		}
		d := scanDoc{}
		d.Artifacts = append(d.Artifacts, one)
		got[one.Source] = d
	}
	return got
}

func TestScanJSON(t *testing.T) {
	dir := scanFolder(t, goodAndBad)
	code, stdout, stderr := runScan(t, nil, "scan", "--format", "json", dir)
	if code != exitFindings {
		t.Errorf("exit code %d, want %d\nstderr:\n%s", code, exitFindings, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr not empty:\n%s", stderr)
	}
	var doc scanDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, stdout)
	}
	var sources []string
	for _, a := range doc.Artifacts {
		sources = append(sources, a.Source)
	}
	want := []string{
		filepath.Join(dir, "team-a", "good.tar.gz"),
		filepath.Join(dir, "team-a", "plain.tar"),
		filepath.Join(dir, "team-b", "broken.tgz"),
		filepath.Join(dir, "team-b", "odd name ü+.tar.gz"),
	}
	if d := cmp.Diff(want, sources); d != "" {
		t.Errorf("artifacts not sorted by source (-want +got):\n%s", d)
	}
	if doc.SchemaVersion != rules.SchemaVersion || doc.Summary.Artifacts != 4 || doc.Summary.Failed != 0 || doc.Summary.Errors < 2 {
		t.Errorf("document header or summary wrong: version %d, %+v", doc.SchemaVersion, doc.Summary)
	}
	if !strings.Contains(stdout, `"entries":[`) || strings.Contains(stdout, "null") {
		t.Errorf("lists must be [] and never null:\n%s", stdout)
	}

	if code, _, _ := runScan(t, nil, "scan", "--format", "json", "--fail-on", "never", dir); code != exitOK {
		t.Errorf("--fail-on never: exit code %d, want 0", code)
	}
}

func TestScanNotInspected(t *testing.T) {
	files := map[string]string{"bad/notes.tar.gz": "hostile_not_an_archive"}
	for k, v := range goodAndBad {
		files[k] = v
	}
	dir := scanFolder(t, files)
	code, stdout, stderr := runScan(t, nil, "scan", "--format", "jsonl", dir, filepath.Join(dir, "missing"))
	if code != exitNotInspected {
		t.Errorf("exit code %d, want %d", code, exitNotInspected)
	}
	checkStderr(t, stderr)
	for _, want := range []string{`failed to inspect "` + filepath.Join(dir, "bad", "notes.tar.gz") + `"`, "not a tar or tar.gz archive", `failed to list "` + filepath.Join(dir, "missing") + `"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	got := jsonLines(t, stdout)
	if len(got) != 6 {
		t.Errorf("%d lines, want 6 (4 judged, 1 not an archive, 1 missing location)", len(got))
	}
	if a := got[filepath.Join(dir, "bad", "notes.tar.gz")].Artifacts; len(a) != 1 || a[0].Error == "" {
		t.Errorf("the artifact that could not be inspected has no error: %+v", a)
	}
}

func TestScanShards(t *testing.T) {
	files := map[string]string{}
	for i := range 30 {
		files["m/"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".tar.gz"] = "pytorch_good.tar.gz"
	}
	dir := scanFolder(t, files)
	_, stdout, _ := runScan(t, nil, "scan", "--format", "jsonl", dir)
	all := jsonLines(t, stdout)
	if len(all) != 30 {
		t.Fatalf("%d artifacts, want 30", len(all))
	}
	union := map[string]int{}
	for k := range 3 {
		shard := string(rune('0'+k)) + "/3"
		_, out, _ := runScan(t, nil, "scan", "--format", "jsonl", "--shard", shard, dir)
		// The same shard from a Kubernetes Indexed Job's environment.
		_, outEnv, _ := runScan(t, map[string]string{"JOB_COMPLETION_INDEX": string(rune('0' + k))}, "scan", "--format", "jsonl", "--shard-count", "3", dir)
		if out != outEnv && !sameLines(out, outEnv) {
			t.Errorf("shard %s from --shard and from JOB_COMPLETION_INDEX differ", shard)
		}
		for src := range jsonLines(t, out) {
			union[src]++
		}
	}
	for src := range all {
		if union[src] != 1 {
			t.Errorf("%q is in %d shards, want 1", src, union[src])
		}
	}
	if len(union) != len(all) {
		t.Errorf("the shards hold %d artifacts, the whole scan %d", len(union), len(all))
	}
}

// sameLines reports whether a and b hold the same lines in any order.
func sameLines(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	slices.Sort(la)
	slices.Sort(lb)
	return slices.Equal(la, lb)
}

func TestScanCache(t *testing.T) {
	dir := scanFolder(t, goodAndBad)
	cache := filepath.Join(t.TempDir(), "scan.cache")
	out := filepath.Join(t.TempDir(), "report.jsonl")
	code, stdout, _ := runScan(t, nil, "scan", "--format", "jsonl", "--cache", cache, "--output", out, dir)
	if code != exitFindings || stdout != "" {
		t.Fatalf("first run: exit code %d, stdout %q", code, stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	first := jsonLines(t, string(b))
	for src, d := range first {
		if d.Artifacts[0].Cached {
			t.Errorf("%q cached in the first run", src)
		}
	}

	code, stdout, stderr := runScan(t, nil, "scan", "--format", "json", "--cache", cache, dir)
	if code != exitFindings || stderr != "" {
		t.Fatalf("second run: exit code %d, stderr %q", code, stderr)
	}
	var doc scanDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc.Artifacts {
		if !a.Cached {
			t.Errorf("%q not from the cache in the second run", a.Source)
		}
		if d := cmp.Diff(first[a.Source].Artifacts[0].Result, a.Result); d != "" {
			t.Errorf("%q: cached result differs (-first +cached):\n%s", a.Source, d)
		}
	}
	if n := strings.Count(stdout, `"cached":true`); n != 4 {
		t.Errorf(`%d "cached": true, want 4`, n)
	}

	// Another configuration does not reuse the results.
	_, stdout, _ = runScan(t, nil, "scan", "--format", "jsonl", "--cache", cache, "--framework", "sklearn", dir)
	if strings.Contains(stdout, `"cached":true`) {
		t.Error("results reused with another --framework")
	}

	// A corrupt cache is ignored with a warning.
	if err := os.WriteFile(cache, []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runScan(t, nil, "scan", "--format", "jsonl", "--cache", cache, dir)
	if code != exitFindings || !strings.HasPrefix(stderr, "mati: warning: the cache ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("corrupt cache: exit code %d, stderr %q", code, stderr)
	}
	if strings.Contains(stdout, `"cached":true`) {
		t.Error("a corrupt cache was trusted")
	}
}

func TestScanTable(t *testing.T) {
	dir := scanFolder(t, goodAndBad)
	code, stdout, _ := runScan(t, nil, "scan", dir)
	if code != exitFindings {
		t.Errorf("exit code %d, want %d", code, exitFindings)
	}
	for _, want := range []string{"SOURCE", "FRAMEWORK", "ERRORS", "WARNINGS", "SIZE", "STATUS", "pass", "fail", "model-file-missing", "archive-corrupt",
		"4 artifacts, ", "Tip: use --format json for machine-readable output."} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "pytorch_good") {
		t.Error("the fixture's name leaked into the table")
	}
}

func TestScanUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{name: "no location", args: []string{"scan"}, want: "no location given"},
		{name: "unknown format", args: []string{"scan", "--format", "xml", dir}, want: `unknown format "xml"`},
		{name: "bad glob", args: []string{"scan", "--include", "[a-", dir}, want: "invalid glob"},
		{name: "bad shard", args: []string{"scan", "--shard", "3/3", dir}, want: "invalid shard"},
		{name: "index without count", vars: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "2"}, args: []string{"scan", dir}, want: "shard count is not"},
		{name: "count without index", args: []string{"scan", "--shard-count", "4", dir}, want: "no shard index"},
		{name: "zero jobs", args: []string{"scan", "--jobs", "0", dir}, want: "invalid --jobs"},
		{name: "standard input", args: []string{"scan", "-"}, want: "cannot read standard input"},
		{name: "inventory with a local location", args: []string{"scan", "--inventory", "m.json", dir}, want: "is not an S3 prefix"},
		{name: "check's flags are checked", args: []string{"scan", "--fail-on", "sometimes", dir}, want: "--fail-on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runScan(t, tt.vars, tt.args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if stdout != "" || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "mati: hint: ") {
				t.Errorf("stdout %q, stderr %q; want an error with %q and a hint", stdout, stderr, tt.want)
			}
		})
	}
}

func TestDefaultJobs(t *testing.T) {
	local, remote := defaultJobs(false), defaultJobs(true)
	if local < 1 || remote < local || remote > max(local, maxS3Jobs) {
		t.Errorf("defaultJobs: local %d, S3 %d", local, remote)
	}
}

func TestScanProgressBar(t *testing.T) {
	var buf bytes.Buffer
	var stderr bytes.Buffer
	st := &scanState{opts: scanOptions{checkOptions: checkOptions{format: "jsonl"}}, out: &buf, stderr: &stderr, bar: newScanBar(&stderr)}
	items := []scan.Item{{Ref: "a.tar.gz", Size: 1000}, {Ref: "b.tar.gz", Size: 3000}}
	for _, it := range items {
		st.listed(it)
	}
	st.done(scan.Outcome{Item: items[0], Result: rules.Result{Source: "a.tar.gz", Framework: "pytorch"}})
	st.done(scan.Outcome{Item: items[1], Result: rules.Result{Source: "b.tar.gz", Error: "access denied"}, Err: errors.New("access denied")})
	st.finishBar()
	if !strings.Contains(stderr.String(), "artifacts") {
		t.Errorf("no progress drawn: %q", stderr.String())
	}
	if !strings.Contains(stderr.String(), `mati: error: failed to inspect "b.tar.gz": access denied`) {
		t.Errorf("error not printed: %q", stderr.String())
	}
	if st.finished != 2 || st.total != 2 || st.outcome != errNotInspected {
		t.Errorf("finished %d of %d, outcome %v", st.finished, st.total, st.outcome)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("%d JSONL lines, want 2", n)
	}
}
