package rules_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

var update = flag.Bool("update", false, "rewrite rules/testdata/*.out and rules/examples.go from the current findings")

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// unitTested are the rules no fixture can show: the names they judge exist
// only as S3 keys, and the S3-compatible test server's file-system backend
// cannot store them (a, a/b; "..", NUL, 256-byte parts). Unit tests build
// the index directly (TestS3PrefixRules).
var unitTested = map[string]bool{"s3-prefix-name-clash": true, "s3-prefix-name-invalid": true}

// catalog indexes the catalog by id.
func catalog(t *testing.T) map[string]rules.Rule {
	t.Helper()
	m := map[string]rules.Rule{}
	for _, r := range rules.Catalog() {
		if _, dup := m[r.ID]; dup {
			t.Errorf("rule id %q is not unique", r.ID)
		}
		m[r.ID] = r
	}
	return m
}

// TestMeta checks every rule of the catalog: a unique kebab-case id, a
// summary, a hint, exactly one check, its place in docs/rules.md, and a
// failing fixture whose Want names it.
func TestMeta(t *testing.T) {
	docs, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatalf("docs/rules.md: %v", err)
	}
	wanted := map[string]bool{}
	for _, fx := range fixtures.All() {
		for _, id := range fx.Want {
			wanted[id] = true
		}
	}
	var builderIDs []string
	for id, r := range catalog(t) {
		if !kebab.MatchString(id) {
			t.Errorf("rule id %q is not kebab-case", id)
		}
		if r.Summary == "" || r.Hint == "" {
			t.Errorf("rule %q needs a summary and a hint", id)
		}
		if (r.Check == nil) == (r.CheckBuilder == nil) {
			t.Errorf("rule %q must have exactly one of Check and CheckBuilder", id)
		}
		if r.Target() == rules.TargetBuilder {
			builderIDs = append(builderIDs, id)
		}
		if (r.Target() == rules.TargetBuilder) != strings.HasPrefix(id, "builder-") {
			t.Errorf("rule %q: builder rules, and only they, have ids starting with builder-", id)
		}
		if !strings.Contains(string(docs), "`"+id+"`") {
			t.Errorf("rule %q is not in docs/rules.md (run make docs)", id)
		}
		if !wanted[id] && !unitTested[id] {
			t.Errorf("rule %q has no failing fixture: no fixture's Want names it", id)
		}
		if r.Example() == "" && !unitTested[id] {
			t.Errorf("rule %q has no example finding (run go test ./rules -run TestExamples -update)", id)
		}
	}
	if len(builderIDs) == 0 {
		t.Error("the catalog holds no builder rule")
	}
	for id := range wanted {
		if _, ok := rules.Lookup(id); !ok {
			t.Errorf("a fixture's Want names %q, which is not in the catalog", id)
		}
	}
}

// fixtureFindings judges the fixture fx (an artifact, or a builder file for
// Format Python) and returns its findings with the fixture's folder taken
// out of paths and messages, and the error of an artifact that could not be
// inspected.
func fixtureFindings(t *testing.T, fx fixtures.Archive) ([]rules.Finding, error) {
	t.Helper()
	p, err := fixtures.Path(fx)
	if err != nil {
		t.Fatal(err)
	}
	var res rules.Result
	if fx.Format == fixtures.Python {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err = rules.CheckBuilder(filepath.Base(p), src)
		if err != nil {
			return nil, err
		}
	} else {
		src, err := artifact.Parse(p, artifact.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err = rules.Inspect(context.Background(), src, rules.Config{Env: fx.Env, Framework: fx.Framework, Image: fx.Image, InstanceType: fx.InstanceType, Region: fx.Region, ModelData: fx.ModelData, MultiModel: fx.MultiModel})
		if err != nil {
			return nil, errorWithout(err, p)
		}
	}
	fs := res.Findings
	for i := range fs {
		fs[i].Path = strings.Replace(fs[i].Path, p, filepath.Base(p), 1)
		fs[i].Message = strings.ReplaceAll(fs[i].Message, p, filepath.Base(p))
	}
	return fs, nil
}

// pathless is an error whose text has the fixture's folder taken out.
type pathless string

func (e pathless) Error() string { return string(e) }

// errorWithout returns err with p replaced by its base name.
func errorWithout(err error, p string) error {
	return pathless(strings.ReplaceAll(err.Error(), p, filepath.Base(p)))
}

// TestFixtures judges every fixture, artifacts and builder files alike, and
// checks its findings four ways:
//   - one "severity: canonical line" each, against rules/testdata/<name>.out,
//     where a line wrapped in /.../ is a regular expression;
//   - their rule ids, against the fixture's Want, in both directions;
//   - each severity, against the catalog's for its rule;
//   - a fixture whose name ends in _good has none at warning or error.
func TestFixtures(t *testing.T) {
	cat := catalog(t)
	for _, fx := range fixtures.All() {
		t.Run(fx.Name, func(t *testing.T) {
			if fx.Large && testing.Short() {
				t.Skip("a Large fixture takes seconds to inspect; run without -short")
			}
			t.Parallel()
			fs, err := fixtureFindings(t, fx)
			var got []string
			if err != nil {
				got = append(got, "error: "+err.Error())
			}
			ids := map[string]bool{}
			for _, f := range fs {
				got = append(got, f.Severity.String()+": "+f.String())
				ids[f.RuleID] = true
				r, ok := cat[f.RuleID]
				switch {
				case !ok:
					t.Errorf("finding of rule %q, which is not in the catalog: %v", f.RuleID, f)
				case f.Severity != r.Severity:
					t.Errorf("finding at %s, the catalog says %s: %v", f.Severity, r.Severity, f)
				}
				if strings.HasSuffix(fx.Name, "_good") && f.Severity > rules.Info {
					t.Errorf("good fixture has a finding at %s: %v", f.Severity, f)
				}
				if fx.Format == fixtures.Python && (f.Line == 0 || f.Column == 0) {
					t.Errorf("builder finding without a position: %v", f)
				}
			}
			gotIDs := slices.Sorted(func(yield func(string) bool) {
				for id := range ids {
					if !yield(id) {
						return
					}
				}
			})
			if want := slices.Sorted(slices.Values(fx.Want)); !slices.Equal(want, gotIDs) {
				t.Errorf("rule ids %q, the fixture's Want says %q", gotIDs, want)
			}
			checkGolden(t, filepath.Join("testdata", fx.Name+".out"), got)
		})
	}
}

// checkGolden compares got, one line each, with the golden file, or
// rewrites it with -update.
func checkGolden(t *testing.T, golden string, got []string) {
	t.Helper()
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
	for i, w := range want {
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
}

// goldenLine is one line of a rules/testdata golden: severity, canonical
// form, rule id.
var goldenLine = regexp.MustCompile(`^(error|warning|info): (.*\[([a-z0-9-]+)\])$`)

// wantExamples returns, for every rule, the first finding of that rule in
// the golden of the first fixture (in table order) whose Want names it;
// regular-expression lines are passed over.
func wantExamples(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, fx := range fixtures.All() {
		b, err := os.ReadFile("testdata/" + fx.Name + ".out")
		if err != nil {
			t.Fatalf("%v (run go test ./rules -update)", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			m := goldenLine.FindStringSubmatch(line)
			if m == nil || !slices.Contains(fx.Want, m[3]) {
				continue
			}
			if _, ok := out[m[3]]; !ok {
				out[m[3]] = m[2]
			}
		}
	}
	return out
}

// TestExamples (after TestFixtures, whose -update rewrites the goldens it
// reads) checks that rules/examples.go, the example finding of each
// rule that docs/rules.md shows, is what the fixtures' goldens say; -update
// rewrites it.
func TestExamples(t *testing.T) {
	ex := wantExamples(t)
	var b bytes.Buffer
	b.WriteString("// Code generated by \"go test ./rules -run TestExamples -update\"; DO NOT EDIT.\n\npackage rules\n\n")
	b.WriteString("// examples are the canonical findings Rule.Example returns, by rule id.\nvar examples = map[string]string{\n")
	for _, r := range rules.Catalog() {
		if e, ok := ex[r.ID]; ok {
			fmt.Fprintf(&b, "\t%q: %q,\n", r.ID, e)
		}
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("examples.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, r := range rules.Catalog() {
		if got, want := r.Example(), ex[r.ID]; got != want {
			t.Errorf("%s: Example() = %q, the goldens say %q (run go test ./rules -run TestExamples -update)", r.ID, got, want)
		}
	}
}
