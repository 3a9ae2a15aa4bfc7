//go:build integration

package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/internal/s3test"
	"github.com/mati-dev/mati/rules"
)

// TestS3SameAsLocal inspects every committed fixture archive twice, from the
// local file and from the local S3-compatible server, and every folder
// fixture as uncompressed model data under an S3 prefix: the findings,
// entries and handlers must be the same.
func TestS3SameAsLocal(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.CreateBucket(t, "models")
	opts := artifact.Options{S3: artifact.S3Options{EndpointURL: srv.Endpoint(), Region: s3test.Region}}
	dir := t.TempDir()
	ctx := context.Background()
	for _, fx := range fixtures.All() {
		if fx.Large || fx.Format == fixtures.Python {
			continue // Large: TestFixtures; Python: a builder file, not an artifact
		}
		local, err := fixtures.Write(fx, dir)
		if err != nil {
			t.Fatal(err)
		}
		ref := "s3://models/" + filepath.Base(local)
		if fx.Format == fixtures.Dir {
			ref += "/"
			err := filepath.WalkDir(local, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(local, p)
				srv.PutFile(t, "models", filepath.Base(local)+"/"+filepath.ToSlash(rel), p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		} else {
			srv.PutFile(t, "models", filepath.Base(local), local)
		}
		t.Run(fx.Name, func(t *testing.T) {
			cfg := rules.Config{Env: fx.Env, Framework: fx.Framework, Image: fx.Image, InstanceType: fx.InstanceType, Region: fx.Region, ModelData: fx.ModelData}
			want := inspect(t, ctx, local, artifact.Options{}, cfg)
			got := inspect(t, ctx, ref, opts, cfg)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("S3 differs from local (-local +s3):\n%s", d)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("mati sent %s %s; it must only read", r.Method, r.Path)
		}
	}
}

// inspected is what must not depend on where the bytes came from.
type inspected struct {
	Framework string
	Error     bool
	Entries   []rules.EntryView
	Handlers  []rules.HandlerView
	Findings  []string
}

// inspect inspects ref and returns what must match between sources, with
// the artifact's name taken out of paths and messages.
func inspect(t *testing.T, ctx context.Context, ref string, opts artifact.Options, cfg rules.Config) inspected {
	t.Helper()
	src, err := artifact.Parse(ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Inspect(ctx, src, cfg)
	out := inspected{Framework: res.Framework, Error: err != nil, Handlers: res.Handlers}
	for _, e := range res.Entries {
		if e.Type != "dir" { // S3 has no folders, only keys
			out.Entries = append(out.Entries, e)
		}
	}
	for _, f := range res.Findings {
		f.Path = strings.TrimPrefix(f.Path, ref)
		f.Message = strings.ReplaceAll(f.Message, ref, "ARTIFACT")
		out.Findings = append(out.Findings, f.String())
	}
	for i := range out.Entries {
		out.Entries[i].Mode = 0 // S3 objects have no mode
	}
	return out
}
