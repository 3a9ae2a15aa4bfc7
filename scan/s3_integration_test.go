//go:build integration

package scan

import (
	"context"
	"fmt"
	"testing"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/internal/s3test"
	"github.com/mati-dev/mati/rules"
)

// TestRunS3Prefix scans a prefix of 1,500 keys, 200 of them artifacts, on
// versitygw: the counts, the shards' union, the cache, and a replaced
// object; and proves from the request log that nothing was written.
func TestRunS3Prefix(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.CreateBucket(t, "models")
	c := newCorpus(t)
	for key, b := range c.objects {
		srv.PutObject(t, "models", key, b)
	}
	opts := artifact.S3Options{EndpointURL: srv.Endpoint()}
	cfg, err := artifact.LoadS3Config(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Config = &cfg
	listers := []Lister{S3("s3://models/models/", opts)}
	ref := func(key string) string { return "s3://models/" + key }

	n := &counter{opts: opts}
	all := runAll(t, listers, Options{Jobs: 16, Inspect: n.inspect})
	checkCorpus(t, c, all, ref)
	if n.calls.Load() != 200 {
		t.Errorf("%d inspections, want 200", n.calls.Load())
	}
	for r, o := range all {
		if o.Item.ETag == "" || o.Item.Size == 0 {
			t.Errorf("%q listed without ETag or size: %+v", r, o.Item)
		}
	}

	t.Run("shards", func(t *testing.T) {
		checkShards(t, listers, 4, all)
	})

	t.Run("cache", func(t *testing.T) {
		path := t.TempDir() + "/scan.cache"
		run := func() (map[string]Outcome, int64) {
			t.Helper()
			cache, warn := LoadCache(path, Fingerprint("v0.0.0-test", rules.Config{}))
			if warn != nil {
				t.Fatal(warn)
			}
			n := &counter{opts: opts}
			got := runAll(t, listers, Options{Jobs: 16, Cache: cache, Inspect: n.inspect})
			if err := cache.Save(); err != nil {
				t.Fatal(err)
			}
			return got, n.calls.Load()
		}
		if _, calls := run(); calls != 200 {
			t.Fatalf("first run: %d inspections, want 200", calls)
		}
		srv.ResetRequests()
		got, calls := run()
		if calls != 0 {
			t.Errorf("second run: %d inspections of unchanged objects, want 0", calls)
		}
		checkCorpus(t, c, got, ref)
		for _, r := range srv.Requests() {
			if r.Method != "GET" || r.Query == "" {
				t.Errorf("second run sent %s %s?%s: only listings are needed", r.Method, r.Path, r.Query)
			}
		}

		// Replace a corrupt artifact with a good one of another size.
		var key string
		for k, failing := range c.failing {
			if failing && c.objects[k][0] == 0x1f && len(c.objects[k]) != len(c.objects["models/team-0/000/model.tar.gz"]) {
				key = k
				break
			}
		}
		srv.PutObject(t, "models", key, c.objects["models/team-0/000/model.tar.gz"])
		got, calls = run()
		if calls != 1 {
			t.Errorf("after replacing %q: %d inspections, want 1", key, calls)
		}
		if o := got[ref(key)]; o.Cached || len(o.Result.Findings) != 0 {
			t.Errorf("replaced object: cached %v, findings %v; want it inspected again and clean", o.Cached, o.Result.Findings)
		}
	})

	t.Run("denied object", func(t *testing.T) {
		key := "models/team-0/000/model.tar.gz"
		srv.Deny("models", key)
		got := runAll(t, listers, Options{Jobs: 16, Inspect: (&counter{opts: opts}).inspect})
		if o := got[ref(key)]; o.Err == nil {
			t.Errorf("denied object inspected: %+v", o)
		}
		if len(got) != 200 {
			t.Errorf("%d outcomes, want 200: one denied object must not stop the scan", len(got))
		}
	})

	t.Run("no such bucket", func(t *testing.T) {
		got := runAll(t, []Lister{S3("s3://missing-bucket/x/", opts), listers[0]}, Options{Jobs: 4, Inspect: func(ctx context.Context, it Item) (rules.Result, error) {
			return rules.Result{Source: it.Ref}, nil
		}})
		if o := got["s3://missing-bucket/x/"]; o.Err == nil {
			t.Errorf("a missing bucket listed: %+v", o)
		}
		if len(got) != 201 {
			t.Errorf("%d outcomes, want 201", len(got))
		}
	})

	for _, r := range srv.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("mati sent %s %s", r.Method, r.Path)
		}
	}
}

// TestInventoryS3 reads an inventory report stored on the server.
func TestInventoryS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.CreateBucket(t, "inventory-bucket")
	srv.PutObject(t, "inventory-bucket", "inv/models/daily/data/part-1.csv.gz", gzipBytes(t, []byte(inventoryCSV)))
	srv.PutObject(t, "inventory-bucket", "inv/models/daily/2024-05-03T01-00Z/manifest.json", []byte(fmt.Sprintf(`{
  "sourceBucket": "models", "destinationBucket": "arn:aws:s3:::inventory-bucket",
  "fileFormat": "CSV", "fileSchema": %q,
  "files": [{"key": "inv/models/daily/data/part-1.csv.gz", "size": 1}]}`, inventorySchema)))
	opts := artifact.S3Options{EndpointURL: srv.Endpoint()}
	var got []Item
	err := Inventory("s3://inventory-bucket/inv/models/daily/2024-05-03T01-00Z/manifest.json", opts, nil).List(context.Background(), func(it Item) error {
		got = append(got, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Ref != "s3://models/team/a.tar.gz" || got[1].Key != "team/with spaceü+.tgz" {
		t.Errorf("inventory items: %+v", got)
	}
}
