package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFindingsCarryTheRulesSeverity checks that the engine, not the check,
// decides a finding's id, severity and hint: a check that builds its finding
// from another Meta, or changes the severity afterwards, still reports
// under its rule's.
func TestFindingsCarryTheRulesSeverity(t *testing.T) {
	other := Meta{ID: "other-rule", Severity: Info, Hint: "other hint"}
	r := Rule{
		Meta: Meta{ID: "test-rule", Severity: Error, Summary: "s", Hint: "the hint"},
		Check: func(a *Archive) []Finding {
			f := a.Finding(other, "x.py", 3, 1, "built from %q", "another meta")
			g := a.Finding(other, "", 0, 0, "changed afterwards")
			g.Severity = Warning
			return []Finding{f, g}
		},
	}
	a := &Archive{Name: "model.tar.gz"}
	got := r.findings(r.Check(a))
	want := []Finding{
		{RuleID: "test-rule", Severity: Error, Path: "model.tar.gz!x.py", Line: 3, Column: 1, Message: `built from "another meta"`, Hint: "the hint"},
		{RuleID: "test-rule", Severity: Error, Path: "model.tar.gz", Message: "changed afterwards", Hint: "the hint"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}

// TestCatalogHasEveryRuleOnce checks that Lookup finds every rule of the
// catalog, and that the catalog has one severity per id.
func TestCatalogHasEveryRuleOnce(t *testing.T) {
	seen := map[string]Severity{}
	for _, r := range Catalog() {
		if s, dup := seen[r.ID]; dup {
			t.Errorf("%s is in the catalog twice (severities %s and %s)", r.ID, s, r.Severity)
		}
		seen[r.ID] = r.Severity
		if got, ok := Lookup(r.ID); !ok || got.Severity != r.Severity {
			t.Errorf("Lookup(%q) = %v, %v", r.ID, got.Meta, ok)
		}
	}
	if _, ok := Lookup("no-such-rule"); ok {
		t.Error("Lookup found a rule that is not in the catalog")
	}
}
