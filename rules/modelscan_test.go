package rules_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

// modelRules are the rules that judge model-file bytes.
var modelRules = []string{"model-scan-incomplete", "model-zip-irregular", "npy-object-array", "pickle-malformed",
	"pickle-unknown-import", "pickle-unsafe-import", "pickle-unscannable", "safetensors-invalid"}

// TestPickleForms inspects every bypass fixture (fixtures.PickleForms, as a
// tar.gz and as a folder): each must be caught at error by a model-file
// rule and produce every rule its Want lists; each benign twin must
// produce nothing at warning or error but the layout facts its Want lists,
// and every rule of that Want.
func TestPickleForms(t *testing.T) {
	dir := t.TempDir()
	n := 0
	for _, fx := range fixtures.All() {
		bypass := strings.HasPrefix(fx.Name, "bypass_")
		if !bypass && !strings.HasPrefix(fx.Name, "twin_") {
			continue
		}
		if fx.Large && testing.Short() {
			continue
		}
		n++
		t.Run(fx.Name, func(t *testing.T) {
			p, err := fixtures.Write(fx, dir)
			if err != nil {
				t.Fatal(err)
			}
			src, err := artifact.Parse(p, artifact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rules.Inspect(context.Background(), src, rules.Config{Framework: fx.Framework})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			caught := false
			for _, f := range res.Findings {
				got[f.RuleID] = true
				if f.Severity == rules.Error && slices.Contains(modelRules, f.RuleID) {
					caught = true
				}
				if !bypass && f.Severity >= rules.Warning && !slices.Contains(fx.Want, f.RuleID) {
					t.Errorf("benign twin: %s %s", f.Severity, f)
				}
			}
			for _, id := range fx.Want {
				if !got[id] {
					t.Errorf("no %s finding; findings: %v", id, res.Findings)
				}
			}
			if bypass && !caught {
				t.Errorf("not caught at error by a model-file rule: %v", res.Findings)
			}
		})
	}
	if n < 2*len(fixtures.PickleForms()) {
		t.Fatalf("only %d bypass and twin fixtures", n)
	}
}
