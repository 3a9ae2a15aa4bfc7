package rules

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCompileGlob(t *testing.T) {
	tests := []struct {
		glob string
		path string
		want bool
	}{
		{"models/*.tar.gz", "models/a.tar.gz", true},
		{"models/*.tar.gz", "models/x/a.tar.gz", false},
		{"**/legacy/**", "s3://b/legacy/m.tar.gz!code/inference.py", true},
		{"**/legacy/**", "legacy/m.tar.gz", true},
		{"**/*.tar.gz", "m.tar.gz", true},
		{"code/inference.py", "code/inference.py", true},
		{"code/inference.py", "xcode/inference.py", false},
		{"model.tar.gz!code/*.py", "model.tar.gz!code/inference.py", true},
		{"m?del.pth", "model.pth", true},
		{"m?del.pth", "m/del.pth", false},
		{"données/*.pth", "données/a.pth", true},
		{"a+b(c).tar.gz", "a+b(c).tar.gz", true},
		{"**", "anything/at/all", true},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.glob)
		if err != nil {
			t.Fatalf("CompileGlob(%q): %v", tt.glob, err)
		}
		if got := g.Match(tt.path); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
	if _, err := CompileGlob(""); err == nil {
		t.Error("an empty glob compiled")
	}
}

func TestParseDirectives(t *testing.T) {
	src := []byte("import os  # mati: ignore[requirements-missing] in the image\n" +
		"    # mati:ignore[handler-missing, handler-arity]\n" +
		"x = 1  # mati: ignore handler-missing\n" +
		"# mati: ignore[] nothing\n")
	got := parseDirectives(src)
	want := []directive{
		{line: 1, alone: false, rules: []string{"requirements-missing"}, reason: "in the image"},
		{line: 2, alone: true, rules: []string{"handler-missing", "handler-arity"}},
		{line: 4, alone: true, reason: "nothing"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(directive{})); d != "" {
		t.Errorf("directives (-want +got):\n%s", d)
	}
}

func TestSuppressInline(t *testing.T) {
	const p = "m.tar.gz!code/inference.py"
	src := []byte("import x  # mati: ignore[a] same line\n" + // 1
		"# mati: ignore[b] line above\n" + // 2
		"y()\n" + // 3
		"\n" + // 4
		"z()\n" + // 5
		"# mati: ignore[c] whole file\n") // 6
	r := Result{Source: "m.tar.gz", Findings: []Finding{
		{RuleID: "a", Path: p, Line: 1},
		{RuleID: "b", Path: p, Line: 3},
		{RuleID: "b", Path: p, Line: 5},               // two lines below: kept
		{RuleID: "a", Path: p},                        // whole file, but the comment follows code: kept
		{RuleID: "c", Path: p},                        // whole file, comment alone: suppressed
		{RuleID: "a", Path: "m.tar.gz!x.py", Line: 1}, // another file: kept
	}}
	got := SuppressInline(r, map[string][]byte{p: src, "m.tar.gz!requirements.txt": []byte("# mati: ignore[a]")})
	if d := cmp.Diff([]string{"b:5", "a:0", "a:1"}, keys(got.Findings)); d != "" {
		t.Errorf("kept (-want +got):\n%s", d)
	}
	var sup []Finding
	for _, s := range got.Suppressed {
		sup = append(sup, s.Finding)
		if s.Suppressions[0].Kind != InSource {
			t.Errorf("kind %q", s.Suppressions[0].Kind)
		}
	}
	if d := cmp.Diff([]string{"c:0", "a:1", "b:3"}, keys(sup)); d != "" {
		t.Errorf("suppressed (-want +got):\n%s", d)
	}
}

// keys returns "rule:line" for each finding.
func keys(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID+":"+strconv.Itoa(f.Line))
	}
	return out
}

func TestIgnoreExpiry(t *testing.T) {
	i := Ignore{Expires: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC), false},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := i.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if (Ignore{}).Expired(time.Now()) {
		t.Error("an entry without expiry expired")
	}
}

func TestPolicyApply(t *testing.T) {
	g, _ := CompileGlob("code/*.py")
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p := &Policy{
		Severity: map[string]Severity{"os-junk": Info},
		Disabled: map[string]bool{"handler-missing": true},
		Ignores: []Ignore{
			{Rule: "handler-arity", Path: g, Reason: "wrapper", Location: ".mati.yaml:3"},
			{Rule: "requirements-missing", Path: g, Reason: "old", Expires: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		},
		Now: now,
	}
	r := Result{Source: "m.tar.gz", Findings: []Finding{
		{RuleID: "os-junk", Severity: Warning, Path: "m.tar.gz!.DS_Store"},
		{RuleID: "handler-missing", Severity: Info, Path: "m.tar.gz!code/inference.py"},
		{RuleID: "handler-arity", Severity: Error, Path: "m.tar.gz!code/inference.py", Line: 9},
		{RuleID: "requirements-missing", Severity: Warning, Path: "m.tar.gz!code/inference.py", Line: 2},
	}, Suppressed: []SuppressedFinding{{Finding: Finding{RuleID: "handler-missing", Path: "m.tar.gz!code/inference.py"}}}}
	got := p.Apply(r)
	want := []Finding{
		{RuleID: "os-junk", Severity: Info, Path: "m.tar.gz!.DS_Store"},
		{RuleID: "requirements-missing", Severity: Warning, Path: "m.tar.gz!code/inference.py", Line: 2},
	}
	if d := cmp.Diff(want, got.Findings); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	wantSup := []SuppressedFinding{{
		Finding:      Finding{RuleID: "handler-arity", Severity: Error, Path: "m.tar.gz!code/inference.py", Line: 9},
		Suppressions: []Suppression{{Kind: External, Justification: "wrapper", Location: ".mati.yaml:3"}},
	}}
	if d := cmp.Diff(wantSup, got.Suppressed); d != "" {
		t.Errorf("suppressed (-want +got):\n%s", d)
	}
	if r.Findings[0].Severity != Warning {
		t.Error("Apply changed its argument")
	}
	if got := (*Policy)(nil).Apply(r); len(got.Findings) != 4 {
		t.Error("a nil policy changed the result")
	}
}

func TestBaselineMatching(t *testing.T) {
	f := func(rule string, line int, msg string) Finding {
		return Finding{RuleID: rule, Path: "m.tar.gz!code/inference.py", Line: line, Message: msg}
	}
	old := Result{Source: "m.tar.gz", Findings: []Finding{
		f("requirements-missing", 3, `"lightgbm" is imported`),
		f("requirements-missing", 9, `"lightgbm" is imported`),
		f("handler-arity", 13, "predict_fn takes 4 positional parameters"),
	}}
	var buf bytes.Buffer
	if err := NewBaseline([]Result{old}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	read := func() *Baseline {
		t.Helper()
		b, err := ReadBaseline(".mati-baseline.json", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name     string
		r        Result
		wantKept []string
	}{
		{"unchanged", old, nil},
		{"moved down", Result{Source: "m.tar.gz", Findings: []Finding{
			f("requirements-missing", 5, `"lightgbm" is imported`),
			f("requirements-missing", 11, `"lightgbm" is imported`),
			f("handler-arity", 15, "predict_fn takes 4 positional parameters"),
		}}, nil},
		{"a third copy is new", Result{Source: "m.tar.gz", Findings: []Finding{
			f("requirements-missing", 3, `"lightgbm" is imported`),
			f("requirements-missing", 9, `"lightgbm" is imported`),
			f("requirements-missing", 20, `"lightgbm" is imported`),
		}}, []string{"requirements-missing:20"}},
		{"another message is new", Result{Source: "m.tar.gz", Findings: []Finding{
			f("handler-arity", 13, "predict_fn takes 5 positional parameters"),
		}}, []string{"handler-arity:13"}},
		{"another artifact is new", Result{Source: "n.tar.gz", Findings: []Finding{
			{RuleID: "handler-arity", Path: "n.tar.gz!code/inference.py", Line: 13, Message: "predict_fn takes 4 positional parameters"},
		}}, []string{"handler-arity:13"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Policy{Baseline: read()}
			got := p.Apply(tt.r)
			if d := cmp.Diff(tt.wantKept, keysOrNil(got.Findings)); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if len(got.Findings)+len(got.Suppressed) != len(tt.r.Findings) {
				t.Errorf("%d kept + %d suppressed of %d", len(got.Findings), len(got.Suppressed), len(tt.r.Findings))
			}
		})
	}
	// A moved copy does not take the entry of one that stayed: the one at
	// line 9 stays, the one at 3 moved to 4; both match.
	p := &Policy{Baseline: read()}
	got := p.Apply(Result{Source: "m.tar.gz", Findings: []Finding{
		f("requirements-missing", 4, `"lightgbm" is imported`),
		f("requirements-missing", 9, `"lightgbm" is imported`),
	}})
	if len(got.Findings) != 0 {
		t.Errorf("kept %v", keys(got.Findings))
	}
	if _, err := ReadBaseline("b.json", []byte(`{"version":1,"findings":[{"source":"m"}]}`)); err == nil {
		t.Error("an entry without rule and evidence was read")
	}
	if _, err := ReadBaseline("b.json", []byte(`{"version":1,"findings":[],"extra":1}`)); err == nil {
		t.Error("an unknown field was read")
	}
}

func TestEvidenceIgnoresLineNumbers(t *testing.T) {
	a := Finding{RuleID: "r", Path: "m.tar.gz!code/x.py", Line: 3, Message: `import "os" in code/x.py line 3, see code/y.py:12:5 in m.tar.gz`}
	b := Finding{RuleID: "r", Path: "other.tar.gz!code/x.py", Line: 9, Message: `import "os" in code/x.py line 9, see code/y.py:40:1 in other.tar.gz`}
	if Evidence("m.tar.gz", a) != Evidence("other.tar.gz", b) {
		t.Error("line numbers or the artifact's name change the evidence")
	}
	c := a
	c.Message = `import "sys" in code/x.py line 3`
	if Evidence("m.tar.gz", a) == Evidence("m.tar.gz", c) {
		t.Error("another message has the same evidence")
	}
}

// keysOrNil is keys, nil for no findings.
func keysOrNil(fs []Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	return keys(fs)
}
