package scan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

// result is a small judged result for ref.
func result(ref string) rules.Result {
	return rules.Result{
		Source: ref, Framework: "pytorch", Format: "tar.gz",
		Entries:  []rules.EntryView{{Path: "model.pth", Type: "file", Size: 3, Mode: 0o644, Role: rules.RoleModel}},
		Expected: []rules.ExpectedFile{}, Handlers: []rules.HandlerView{},
		Findings: []rules.Finding{{RuleID: "os-junk", Severity: rules.Warning, Path: ref + "!.DS_Store", Message: "junk", Hint: "remove it"}},
	}
}

func TestCacheReusesUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.cache")
	mtime := time.Unix(1700000000, 123456789)
	local := Item{Ref: "models/a.tar.gz", Size: 10, ModTime: mtime}
	object := Item{Ref: "s3://b/a.tar.gz", Size: 10, ETag: "abc", ModTime: mtime}
	notArchive := Item{Ref: "models/notes.tar", Size: 5, ModTime: mtime}
	denied := Item{Ref: "s3://b/denied.tar.gz", Size: 5, ETag: "def"}

	c, warn := LoadCache(path, "fp1")
	if warn != nil {
		t.Fatalf("a missing cache gives a warning: %v", warn)
	}
	c.Put(local, result(local.Ref), nil)
	c.Put(object, result(object.Ref), nil)
	c.Put(notArchive, rules.Result{Source: notArchive.Ref, Error: "not a tar"}, fmt.Errorf("x: %w", artifact.ErrNotArchive))
	c.Put(denied, rules.Result{Source: denied.Ref, Error: "access denied"}, errors.New("access denied"))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	c, warn = LoadCache(path, "fp1")
	if warn != nil {
		t.Fatal(warn)
	}
	if c.Len() != 3 {
		t.Errorf("Len() = %d, want 3 (a failure to reach an artifact is not cached)", c.Len())
	}
	got, ok := c.Get(local)
	if !ok {
		t.Fatal("unchanged local artifact not reused")
	}
	if d := cmp.Diff(result(local.Ref), got); d != "" {
		t.Errorf("cached result differs (-want +got):\n%s", d)
	}
	if _, ok := c.Get(notArchive); !ok {
		t.Error("a result that depends on the bytes alone is not reused")
	}
	if _, ok := c.Get(denied); ok {
		t.Error("a failure to reach an artifact was reused")
	}

	changed := []struct {
		name string
		it   Item
	}{
		{"size", Item{Ref: object.Ref, Size: 11, ETag: object.ETag, ModTime: mtime}},
		{"etag", Item{Ref: object.Ref, Size: 10, ETag: "xyz", ModTime: mtime}},
		{"mtime", Item{Ref: local.Ref, Size: 10, ModTime: mtime.Add(time.Nanosecond)}},
		{"ref", Item{Ref: "models/b.tar.gz", Size: 10, ModTime: mtime}},
	}
	for _, tt := range changed {
		if _, ok := c.Get(tt.it); ok {
			t.Errorf("reused after a change of %s", tt.name)
		}
	}
	other, _ := LoadCache(path, "fp2")
	if _, ok := other.Get(local); ok {
		t.Error("reused with another fingerprint (version, rules or configuration)")
	}

	// The next file holds what this run reused or stored, only.
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ = LoadCache(path, "fp1")
	if c.Len() != 2 {
		t.Errorf("after a run that saw 2 artifacts, Len() = %d, want 2", c.Len())
	}

	// After an interrupted run, the entries it did not reach are kept.
	c.Get(local)
	c.KeepUnseen()
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if c, _ := LoadCache(path, "fp1"); c.Len() != 2 {
		t.Errorf("after KeepUnseen, Len() = %d, want 2", c.Len())
	}
}

func TestCacheCorrupt(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{name: "not JSON", content: "\x00\x01garbage"},
		{name: "truncated", content: `{"format":1,"entries":[{"ref":"a","size":1,`},
		{name: "other format", content: `{"format":99,"entries":[]}`},
		{name: "entry about another artifact", content: `{"format":1,"entries":[{"ref":"a.tar.gz","size":1,"fingerprint":"fp","result":{"source":"b.tar.gz"}}]}`},
		{name: "wrong types", content: `{"format":"1","entries":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scan.cache")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			c, warn := LoadCache(path, "fp")
			if warn == nil {
				t.Error("no warning for a corrupt cache")
			}
			if c == nil || c.Len() != 0 {
				t.Fatal("a corrupt cache is not an empty, usable cache")
			}
			if _, ok := c.Get(Item{Ref: "a.tar.gz", Size: 1}); ok {
				t.Error("an entry of a corrupt cache was trusted")
			}
			c.Put(Item{Ref: "a.tar.gz", Size: 1}, result("a.tar.gz"), nil)
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			if c, warn := LoadCache(path, "fp"); warn != nil || c.Len() != 1 {
				t.Errorf("the rewritten cache: Len() = %d, warning %v", c.Len(), warn)
			}
		})
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	c.Put(Item{Ref: "a"}, rules.Result{}, nil)
	if _, ok := c.Get(Item{Ref: "a"}); ok {
		t.Error("a nil cache returned a result")
	}
	if err := c.Save(); err != nil {
		t.Error(err)
	}
}

func TestFingerprint(t *testing.T) {
	base := Fingerprint("v1.0.0", rules.Config{Framework: "pytorch", Env: map[string]string{"A": "1"}})
	if base != Fingerprint("v1.0.0", rules.Config{Framework: "pytorch", Env: map[string]string{"A": "1"}}) {
		t.Error("the fingerprint is not deterministic")
	}
	for name, fp := range map[string]string{
		"version":   Fingerprint("v1.0.1", rules.Config{Framework: "pytorch", Env: map[string]string{"A": "1"}}),
		"framework": Fingerprint("v1.0.0", rules.Config{Framework: "sklearn", Env: map[string]string{"A": "1"}}),
		"env":       Fingerprint("v1.0.0", rules.Config{Framework: "pytorch", Env: map[string]string{"A": "2"}}),
		"limits":    Fingerprint("v1.0.0", rules.Config{Framework: "pytorch", Env: map[string]string{"A": "1"}, Limits: artifact.Limits{MaxEntries: 5}}),
	} {
		if fp == base {
			t.Errorf("changing the %s keeps the fingerprint", name)
		}
	}
}

func TestCacheUnchangedRunDoesNotRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.cache")
	a := Item{Ref: "models/a.tar.gz", Size: 10, ModTime: time.Unix(1700000000, 0)}
	c, _ := LoadCache(path, "fp1")
	c.Put(a, result(a.Ref), nil)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// A rerun that reuses every entry leaves the file alone.
	c, _ = LoadCache(path, "fp1")
	if _, ok := c.Get(a); !ok {
		t.Fatal("unchanged artifact not reused")
	}
	if err := os.WriteFile(path, append(before, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); len(after) != len(before)+1 {
		t.Errorf("an unchanged run rewrote the cache")
	}

	// A run that stores a new result writes it.
	c, _ = LoadCache(path, "fp1")
	b := Item{Ref: "models/b.tar.gz", Size: 11, ModTime: time.Unix(1700000000, 0)}
	c.Get(a)
	c.Put(b, result(b.Ref), nil)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if c, _ = LoadCache(path, "fp1"); c.Len() != 2 {
		t.Errorf("Len() = %d after a run with a new artifact, want 2", c.Len())
	}
}
