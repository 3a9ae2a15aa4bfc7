package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	src := `fail-on: warning
format: sarif
baseline: .mati-baseline.json
rules:
  os-junk:
    severity: info
  handler-missing:
    disabled: true
ignore:
  - rule: pickle-unsafe-import
    path: "models/legacy/**"
    reason: reviewed
    expires: 2026-12-31
limits:
  max-entries: 1000
  max-total-bytes: 2TiB
s3:
  no-sign-request: true
  region: eu-west-1
`
	f, err := Parse(".mati.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Path: ".mati.yaml", FailOn: "warning", Format: "sarif", Baseline: ".mati-baseline.json",
		Rules: map[string]RuleSettings{"os-junk": {Severity: "info", Line: 6}, "handler-missing": {Disabled: true, Line: 8}},
		Ignore: []Ignore{{Rule: "pickle-unsafe-import", Path: "models/legacy/**", Reason: "reviewed",
			Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Line: 10}},
		Limits: Limits{MaxEntries: "1000", MaxTotalBytes: "2TiB"},
		S3:     S3{NoSignRequest: "true", Region: "eu-west-1"},
	}
	if d := cmp.Diff(want, f); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"max-entries": "1000", "max-total-bytes": "2TiB"}, f.Limits.Flags()); d != "" {
		t.Errorf("limit flags (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"no-sign-request": "true", "region": "eu-west-1"}, f.S3.Flags()); d != "" {
		t.Errorf("s3 flags (-want +got):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, wantErr string }{
		{"unknown key", "fail-on: never\nfromat: text\n", `line 2: unknown key "fromat"`},
		{"unknown ignore key", "ignore:\n  - rule: x\n    path: a\n    reson: r\n", `line 4: unknown key "reson"`},
		{"unknown rule key", "rules:\n  x:\n    severty: info\n", `line 3: unknown key "severty"`},
		{"no reason", "ignore:\n  - rule: x\n    path: a\n", "line 2: an ignore entry needs a reason"},
		{"no rule", "ignore:\n  - path: a\n    reason: r\n", "line 2: an ignore entry needs a rule"},
		{"no path", "ignore:\n  - rule: x\n    reason: r\n", "line 2: an ignore entry needs a path glob"},
		{"bad date", "ignore:\n  - rule: x\n    path: a\n    reason: r\n    expires: tomorrow\n", `line 2: expires "tomorrow" is not a date YYYY-MM-DD`},
		{"a list for a limit", "limits:\n  max-entries: [1]\n", "line 2: want a single value"},
		{"not a map", "- a\n- b\n", ""},
		{"duplicate key", "fail-on: never\nfail-on: error\n", "line 2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(".mati.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q lacks %q", err, tt.wantErr)
			}
		})
	}
	if f, err := Parse("empty", []byte("\n# nothing\n")); err != nil || f.FailOn != "" {
		t.Errorf("an empty file: %+v, %v", f, err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "repo", ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "repo", "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// Above the repository root: not found.
	if err := os.WriteFile(filepath.Join(root, ".mati.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(sub); err != nil || got != "" {
		t.Errorf("Find = %q, %v; want none", got, err)
	}
	// At the root, and nearer.
	for _, p := range []string{filepath.Join(root, "repo", ".mati.yml"), filepath.Join(root, "repo", "a", ".mati.yaml")} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := Find(sub); err != nil || got != p {
			t.Errorf("Find = %q, %v; want %q", got, err, p)
		}
	}
}

func TestExpired(t *testing.T) {
	i := Ignore{Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	if i.Expired(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)) || !i.Expired(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("an entry applies through its last day only")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("fail-on: warning\nignore:\n  - rule: x\n    path: '**'\n    reason: r\n"))
	f.Add([]byte("rules: {a: {severity: info}}\nlimits: {max-entries: 3}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse("fuzz", b)
	})
}
