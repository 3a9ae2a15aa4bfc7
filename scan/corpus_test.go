package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

// The kinds of artifacts in a corpus, and the committed fixture each one is.
var corpusKinds = []struct {
	kind, fixture, ext string
	failing            bool // an error finding
}{
	{kind: "good", fixture: "pytorch_good.tar.gz", ext: ".tar.gz"},
	{kind: "broken", fixture: "model_file_missing_pytorch.tar.gz", ext: ".tgz", failing: true},
	{kind: "corrupt", fixture: "archive_corrupt_truncated_gzip.tar.gz", ext: ".tar.gz", failing: true},
	{kind: "plain", fixture: "plain_tar_good.tar", ext: ".tar"},
}

// corpus is a bucket's worth of keys: 1,500 objects of which 200 are small
// artifacts (good, broken and corrupt ones, some with odd characters in
// their keys), the rest other files the default globs skip.
type corpus struct {
	// objects maps each key to its content.
	objects map[string][]byte
	// failing maps each artifact's key to whether it has an error finding.
	failing map[string]bool
}

// newCorpus builds the corpus from the committed fixtures.
func newCorpus(t *testing.T) corpus {
	t.Helper()
	c := corpus{objects: map[string][]byte{}, failing: map[string]bool{}}
	bodies := make([][]byte, len(corpusKinds))
	for i, k := range corpusKinds {
		b, err := os.ReadFile(filepath.Join("..", "fixtures", "testdata", k.fixture))
		if err != nil {
			t.Fatalf("fixture missing (run go generate ./fixtures): %v", err)
		}
		bodies[i] = b
	}
	for i := range 200 {
		k := corpusKinds[i%len(corpusKinds)]
		key := fmt.Sprintf("models/team-%d/%03d/model%s", i%7, i, k.ext)
		if i%10 == 9 {
			key = fmt.Sprintf("models/odd dir/ü+%03d #&=%s", i, k.ext)
		}
		c.objects[key] = bodies[i%len(corpusKinds)]
		c.failing[key] = k.failing
	}
	for i := 0; len(c.objects) < 1500; i++ {
		var key string
		switch i % 3 {
		case 0:
			key = fmt.Sprintf("models/team-%d/%03d/notes-%d.txt", i%7, i%200, i)
		case 1:
			key = fmt.Sprintf("models/team-%d/%03d/model.tar.gz.md5-%d", i%7, i%200, i)
		default:
			key = fmt.Sprintf("data/%04d.csv", i)
		}
		c.objects[key] = []byte(fmt.Sprintf("object %d\n", i))
	}
	return c
}

// writeLocal writes the corpus under dir.
func (c corpus) writeLocal(t *testing.T, dir string) {
	t.Helper()
	for key, b := range c.objects {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// counter is an InspectFunc with the real rules that counts its calls.
type counter struct {
	opts  artifact.S3Options
	calls atomic.Int64
}

func (c *counter) inspect(ctx context.Context, it Item) (rules.Result, error) {
	c.calls.Add(1)
	src, err := artifact.Parse(it.Ref, artifact.Options{S3: c.opts})
	if err != nil {
		return rules.Result{Source: it.Ref, Error: err.Error()}, err
	}
	return rules.Inspect(ctx, src, rules.Config{})
}

// runAll runs a scan and returns its outcomes by ref, failing t on an
// artifact seen twice.
func runAll(t *testing.T, listers []Lister, opts Options) map[string]Outcome {
	t.Helper()
	got := map[string]Outcome{}
	opts.Done = func(o Outcome) {
		if _, dup := got[o.Item.Ref]; dup {
			t.Errorf("%q reported twice", o.Item.Ref)
		}
		got[o.Item.Ref] = o
	}
	if err := Run(context.Background(), listers, opts); err != nil {
		t.Fatal(err)
	}
	return got
}

// checkCorpus checks that got holds exactly the corpus's artifacts (refs
// made by ref from keys), each judged as its kind is.
func checkCorpus(t *testing.T, c corpus, got map[string]Outcome, ref func(key string) string) {
	t.Helper()
	if len(got) != len(c.failing) {
		t.Errorf("%d artifacts reported, want %d", len(got), len(c.failing))
	}
	failing := 0
	for key, wantFail := range c.failing {
		o, ok := got[ref(key)]
		if !ok {
			t.Errorf("%q not reported", ref(key))
			continue
		}
		if o.Err != nil {
			t.Errorf("%q not inspected: %v", o.Item.Ref, o.Err)
			continue
		}
		hasError := slices.ContainsFunc(o.Result.Findings, func(f rules.Finding) bool { return f.Severity == rules.Error })
		if hasError != wantFail {
			t.Errorf("%q: error finding %v, want %v: %v", o.Item.Ref, hasError, wantFail, o.Result.Findings)
		}
		if hasError {
			failing++
		}
	}
	if failing != 100 {
		t.Errorf("%d artifacts with errors, want 100", failing)
	}
}

// checkShards runs the scan as n shards and checks that their union is
// the unsharded scan, with no artifact in two shards.
func checkShards(t *testing.T, listers []Lister, n int, want map[string]Outcome) {
	t.Helper()
	union := map[string]int{}
	for k := range n {
		got := runAll(t, listers, Options{Jobs: 4, Shard: Shard{Index: k, Count: n}, Inspect: (&counter{}).inspect})
		if len(got) == 0 || len(got) == len(want) {
			t.Errorf("shard %d/%d has %d of %d artifacts", k, n, len(got), len(want))
		}
		for ref := range got {
			union[ref]++
		}
	}
	for ref := range want {
		if union[ref] != 1 {
			t.Errorf("%q is in %d shards, want 1", ref, union[ref])
		}
	}
	if len(union) != len(want) {
		t.Errorf("the shards hold %d artifacts, the whole scan %d", len(union), len(want))
	}
}
