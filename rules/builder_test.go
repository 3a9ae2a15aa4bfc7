package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/rules"
)

// TestBuilders judges every builder in testdata/builders and compares the
// findings, "severity: path:line:col: message [rule-id]" one per line, with
// testdata/builders/<case>.out. A line wrapped in /.../ is a regular
// expression. ok_* builders must produce nothing.
func TestBuilders(t *testing.T) {
	files, err := filepath.Glob("testdata/builders/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no builder fixtures: %v", err)
	}
	for _, p := range files {
		name := strings.TrimSuffix(filepath.Base(p), ".py")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := rules.CheckBuilder(filepath.Base(p), src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Severity.String()+": "+f.String())
			}
			if strings.HasPrefix(name, "ok_") {
				if len(got) > 0 {
					t.Errorf("want no findings, got:\n%s", strings.Join(got, "\n"))
				}
				return
			}
			golden := strings.TrimSuffix(p, ".py") + ".out"
			if *update {
				if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./rules -run Builders -update)", err)
			}
			want := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if len(want) != len(got) {
				t.Fatalf("got %d findings, want %d\n%s", len(got), len(want), cmp.Diff(want, got))
			}
			for i := range want {
				if w := want[i]; len(w) > 1 && w[0] == '/' && w[len(w)-1] == '/' {
					if !regexp.MustCompile(w[1 : len(w)-1]).MatchString(got[i]) {
						t.Errorf("finding %d: %q does not match %s", i, got[i], w)
					}
				} else if w != got[i] {
					t.Errorf("finding %d:\n got %s\nwant %s", i, got[i], w)
				}
			}
		})
	}
}

// TestBuilderRules checks the builder rules' metadata and that each fires,
// with its severity, on its own bad_<id> fixture.
func TestBuilderRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All() {
		seen[r.ID] = true
	}
	var ids []string
	for _, r := range rules.BuilderRules() {
		ids = append(ids, r.ID)
		if seen[r.ID] {
			t.Errorf("rule id %q is not unique", r.ID)
		}
		seen[r.ID] = true
		if !kebab.MatchString(r.ID) || !strings.HasPrefix(r.ID, "builder-") {
			t.Errorf("rule id %q is not kebab-case with the builder- prefix", r.ID)
		}
		if r.Summary == "" || r.Hint == "" || r.Check == nil {
			t.Errorf("rule %q needs a summary, a hint and a check", r.ID)
		}
		fixture := "testdata/builders/bad_" + strings.ReplaceAll(strings.TrimPrefix(r.ID, "builder-"), "-", "_") + ".py"
		src, err := os.ReadFile(fixture)
		if err != nil {
			t.Errorf("rule %q has no failing fixture: %v", r.ID, err)
			continue
		}
		res, err := rules.CheckBuilder(fixture, src)
		if err != nil {
			t.Fatal(err)
		}
		fired := false
		for _, f := range res.Findings {
			if f.RuleID == r.ID {
				fired = true
				if f.Severity != r.Severity || f.Line == 0 || f.Column == 0 {
					t.Errorf("%s: finding %v has the wrong severity or no position", r.ID, f)
				}
			}
		}
		if !fired {
			t.Errorf("rule %q does not fire on %s", r.ID, fixture)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("BuilderRules is not sorted by id: %v", ids)
	}
}
