package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

func TestRunLocalFolder(t *testing.T) {
	dir := t.TempDir()
	c := newCorpus(t)
	c.writeLocal(t, dir)
	listers := []Lister{Local(dir)}
	ref := func(key string) string { return filepath.Join(dir, filepath.FromSlash(key)) }

	n := &counter{}
	all := runAll(t, listers, Options{Jobs: 8, Inspect: n.inspect})
	checkCorpus(t, c, all, ref)
	if n.calls.Load() != 200 {
		t.Errorf("%d inspections, want 200", n.calls.Load())
	}

	t.Run("shards", func(t *testing.T) {
		for _, count := range []int{2, 3, 5} {
			checkShards(t, listers, count, all)
		}
	})

	t.Run("cache", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scan.cache")
		run := func() (map[string]Outcome, int64) {
			t.Helper()
			cache, warn := LoadCache(path, Fingerprint("v0.0.0-test", rules.Config{}))
			if warn != nil {
				t.Fatal(warn)
			}
			n := &counter{}
			got := runAll(t, listers, Options{Jobs: 8, Cache: cache, Inspect: n.inspect})
			if err := cache.Save(); err != nil {
				t.Fatal(err)
			}
			return got, n.calls.Load()
		}
		if _, calls := run(); calls != 200 {
			t.Fatalf("first run: %d inspections, want 200", calls)
		}
		got, calls := run()
		if calls != 0 {
			t.Errorf("second run: %d inspections of unchanged artifacts, want 0", calls)
		}
		checkCorpus(t, c, got, ref)
		for r, o := range got {
			if !o.Cached {
				t.Errorf("%q not from the cache", r)
			}
		}

		// Replace a broken artifact with a good one.
		var replaced string
		for key, failing := range c.failing {
			if failing && filepath.Ext(key) == ".tgz" {
				replaced = ref(key)
				break
			}
		}
		good, err := os.ReadFile(filepath.Join("..", "fixtures", "testdata", "pytorch_good.tar.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(replaced, good, 0o644); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Minute)
		if err := os.Chtimes(replaced, later, later); err != nil {
			t.Fatal(err)
		}
		got, calls = run()
		if calls != 1 {
			t.Errorf("after replacing one artifact: %d inspections, want 1", calls)
		}
		if o := got[replaced]; o.Cached || len(o.Result.Findings) != 0 {
			t.Errorf("replaced artifact: cached %v, findings %v; want it inspected again and clean", o.Cached, o.Result.Findings)
		}
	})
}

func TestRunGoesOnAfterFailures(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.tar.gz": "not an archive",
		"b.tar.gz": "",
		"c.tar":    "also not",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	named := filepath.Join(dir, "model.bin")
	if err := os.WriteFile(named, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	inspect := func(ctx context.Context, it Item) (rules.Result, error) {
		if filepath.Base(it.Ref) == "b.tar.gz" {
			return rules.Result{}, errors.New("access denied")
		}
		return rules.Result{Source: it.Ref}, nil
	}
	got := runAll(t, []Lister{Local(missing), Local(dir), Local(named)}, Options{Jobs: 2, Inspect: inspect})
	if o := got[missing]; o.Err == nil || !errors.Is(o.Err, artifact.ErrNotFound) || o.Result.Error == "" {
		t.Errorf("missing location: %+v, want a not-found outcome", o)
	}
	if o := got[filepath.Join(dir, "b.tar.gz")]; o.Err == nil || o.Result.Error != "access denied" || o.Result.Source == "" {
		t.Errorf("failing artifact: %+v", o)
	}
	for _, name := range []string{"a.tar.gz", "c.tar"} {
		if o, ok := got[filepath.Join(dir, name)]; !ok || o.Err != nil {
			t.Errorf("%s: %+v, %v: the scan did not go on", name, o, ok)
		}
	}
	if _, ok := got[named]; !ok {
		t.Error("a file named as a location was skipped by the globs")
	}
	if len(got) != 5 {
		t.Errorf("%d outcomes, want 5", len(got))
	}
}

func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	newCorpus(t).writeLocal(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	err := Run(ctx, []Lister{Local(dir)}, Options{
		Jobs: 2,
		Inspect: func(ctx context.Context, it Item) (rules.Result, error) {
			return rules.Result{Source: it.Ref}, nil
		},
		Done: func(Outcome) {
			if seen++; seen == 10 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	if seen >= 200 {
		t.Errorf("%d artifacts done after the interruption", seen)
	}
}

// listerFunc is a Lister of the caller's own.
type listerFunc func(ctx context.Context, fn func(Item) error) error

func (l listerFunc) Name() string { return "models" }

func (l listerFunc) List(ctx context.Context, fn func(Item) error) error { return l(ctx, fn) }

func TestRunHandsDataOn(t *testing.T) {
	listed := listerFunc(func(ctx context.Context, fn func(Item) error) error {
		// One artifact judged for two containers: two refs, one key.
		for _, it := range []Item{
			{Ref: "churn/PrimaryContainer", Key: "s3://b/m.tar.gz", Named: true, Data: "churn"},
			{Ref: "fraud/PrimaryContainer", Key: "s3://b/m.tar.gz", Named: true, Data: "fraud"},
			{Ref: "gone", Err: errors.New("no such model"), Data: "gone"},
		} {
			if err := fn(it); err != nil {
				return err
			}
		}
		return nil
	})
	got := runAll(t, []Lister{listed}, Options{Jobs: 2, Inspect: func(ctx context.Context, it Item) (rules.Result, error) {
		return rules.Result{Source: it.Key, Framework: it.Data.(string)}, nil
	}})
	if len(got) != 3 {
		t.Fatalf("got %d outcomes, want 3", len(got))
	}
	for ref, o := range got {
		switch {
		case o.Item.Data == nil:
			t.Errorf("%q: the outcome lost the item's data", ref)
		case o.Err == nil && o.Result.Framework != o.Item.Data:
			t.Errorf("%q: inspected with data %v, the outcome has %v", ref, o.Result.Framework, o.Item.Data)
		}
	}
	if o := got["gone"]; o.Err == nil || o.Item.Data != "gone" {
		t.Errorf("listing error: got %+v", o)
	}
}
