package rules_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

var update = flag.Bool("update", false, "rewrite rules/testdata/*.out from the current findings")

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// unitTested are the rules no fixture can show: the names they judge exist
// only as S3 keys, and the S3-compatible test server's file-system backend
// cannot store them (a, a/b; "..", NUL, 256-byte parts). Unit tests build
// the index directly (TestS3PrefixRules).
var unitTested = map[string]bool{"s3-prefix-name-clash": true, "s3-prefix-name-invalid": true}

func TestMeta(t *testing.T) {
	docs, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatalf("docs/rules.md: %v", err)
	}
	goldens, _ := filepath.Glob("testdata/*.out")
	var all strings.Builder
	for _, g := range goldens {
		b, _ := os.ReadFile(g)
		all.Write(b)
	}
	seen := map[string]bool{}
	for _, r := range rules.All() {
		if seen[r.ID] {
			t.Errorf("rule id %q is not unique", r.ID)
		}
		seen[r.ID] = true
		if !kebab.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if r.Summary == "" || r.Hint == "" {
			t.Errorf("rule %q needs a summary and a hint", r.ID)
		}
		if !strings.Contains(string(docs), "`"+r.ID+"`") {
			t.Errorf("rule %q is not in docs/rules.md (run make docs)", r.ID)
		}
		if !strings.Contains(all.String(), "["+r.ID+"]") && !unitTested[r.ID] {
			t.Errorf("rule %q fires on no fixture (rules/testdata/*.out)", r.ID)
		}
	}
}

// TestFixtures inspects every fixture and compares its findings, one
// canonical line each, with rules/testdata/<fixture>.out. A line wrapped in
// /.../ is a regular expression. Fixtures whose name ends in _good must
// produce nothing.
func TestFixtures(t *testing.T) {
	dir := t.TempDir()
	for _, fx := range fixtures.All() {
		if fx.Large && testing.Short() {
			continue
		}
		t.Run(fx.Name, func(t *testing.T) {
			p, err := fixtures.Write(fx, dir)
			if err != nil {
				t.Fatal(err)
			}
			src, err := artifact.Parse(p, artifact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rules.Inspect(context.Background(), src, rules.Config{Env: fx.Env, Framework: fx.Framework, Image: fx.Image, InstanceType: fx.InstanceType, Region: fx.Region, ModelData: fx.ModelData})
			var got []string
			if err != nil {
				got = append(got, "error: "+strings.ReplaceAll(err.Error(), p, filepath.Base(p)))
			}
			for _, f := range res.Findings {
				f.Path = strings.Replace(f.Path, p, filepath.Base(p), 1)
				f.Message = strings.ReplaceAll(f.Message, p, filepath.Base(p))
				got = append(got, f.Severity.String()+": "+f.String())
			}
			golden := filepath.Join("testdata", fx.Name+".out")
			if *update {
				body := strings.Join(got, "\n")
				if body != "" {
					body += "\n"
				}
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if strings.HasSuffix(fx.Name, "_good") && len(got) > 0 {
				t.Errorf("good fixture %s produced findings:\n%s", fx.Name, strings.Join(got, "\n"))
			}
			b, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./rules -update)", err)
			}
			want := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if len(b) == 0 {
				want = nil
			}
			if len(want) != len(got) {
				t.Fatalf("%d findings, want %d:\ngot:\n%s\nwant:\n%s", len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for i := range want {
				w := want[i]
				if strings.HasPrefix(w, "/") && strings.HasSuffix(w, "/") && len(w) > 1 {
					if !regexp.MustCompile(w[1 : len(w)-1]).MatchString(got[i]) {
						t.Errorf("finding %d: %q does not match %s", i, got[i], w)
					}
					continue
				}
				if w != got[i] {
					t.Errorf("finding %d:\ngot  %s\nwant %s", i, got[i], w)
				}
			}
		})
	}
}
