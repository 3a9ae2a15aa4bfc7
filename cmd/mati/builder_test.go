package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

// builderFixtures is the folder of the builder fixtures.
var builderFixtures = fixtures.BuildersDir()

func TestBuilderExitCodes(t *testing.T) {
	abs, err := filepath.Abs(builderFixtures)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{name: "correct builders", args: []string{"builder_xgboost_good.py", "builder_pytorch_good.py", "builder_sklearn_good.py"}, wantCode: exitOK, wantOut: "3 files, 0 errors, 0 warnings, 0 info"},
		{name: "error finding", args: []string{"builder_role_missing.py"}, wantCode: exitFindings, wantOut: "builder-role-missing"},
		{name: "file that does not parse", args: []string{"builder_syntax_error.py", "builder_modern_syntax_good.py"}, wantCode: exitFindings, wantOut: "builder-syntax-error"},
		{name: "warning under the default fail-on", args: []string{"builder_static_model_name.py"}, wantCode: exitOK, wantOut: "builder-static-model-name"},
		{name: "warning with fail-on warning", args: []string{"--fail-on", "warning", "builder_static_model_name.py"}, wantCode: exitFindings},
		{name: "fail-on never", args: []string{"builder_role_missing.py", "--fail-on", "never"}, wantCode: exitOK},
		{name: "missing file beats findings", args: []string{"builder_role_missing.py", "nope.py"}, wantCode: exitNotInspected, wantErr: `mati: error: failed to read "nope.py"`},
		{name: "no path", args: nil, wantCode: exitUsage, wantErr: "no path given"},
		{name: "bad format", args: []string{"--format", "xml", "builder_xgboost_good.py"}, wantCode: exitUsage, wantErr: `unknown format "xml"`},
		{name: "bad fail-on", args: []string{"--fail-on", "fatal", "builder_xgboost_good.py"}, wantCode: exitUsage, wantErr: `unknown --fail-on value "fatal"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runTest(t, abs, &fakeInspect{}, nil, append([]string{"builder"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantOut, out)
			}
			if !strings.Contains(errOut, tt.wantErr) || (tt.wantErr == "" && errOut != "") {
				t.Errorf("stderr %q, want %q", errOut, tt.wantErr)
			}
		})
	}
}

// TestBuilderJSON checks that "mati builder --format json" writes the check
// document, with the findings CheckBuilder reports for each file.
func TestBuilderJSON(t *testing.T) {
	abs, err := filepath.Abs(builderFixtures)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runTest(t, abs, &fakeInspect{}, nil, "builder", "--format", "json", "builder_env_invalid.py", "builder_sklearn_good.py")
	if code != exitOK {
		t.Fatalf("exit code %d, want %d (env findings are warnings)", code, exitOK)
	}
	var got rules.Report
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	var want rules.Report
	want.SchemaVersion = rules.SchemaVersion
	for _, name := range []string{"builder_env_invalid.py", "builder_sklearn_good.py"} {
		src, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := rules.CheckBuilder(name, src)
		if err != nil {
			t.Fatal(err)
		}
		want.Artifacts = append(want.Artifacts, res)
	}
	want.Summary = rules.Summarize(want.Artifacts)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON report (-want +got):\n%s", d)
	}
	if want.Artifacts[0].Framework != "pytorch" || want.Artifacts[1].Framework != "sklearn" {
		t.Errorf("frameworks %q and %q, want pytorch and sklearn", want.Artifacts[0].Framework, want.Artifacts[1].Framework)
	}
}

func TestBuilderPythonFiles(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.py", "a/z.py", "a/notes.txt", ".venv/x.py", "__pycache__/c.py", "venv/lib.py", "a/.hidden/y.py"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pythonFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = filepath.ToSlash(strings.TrimPrefix(got[i], dir+string(filepath.Separator)))
	}
	if d := cmp.Diff([]string{"a/z.py", "b.py"}, got); d != "" {
		t.Errorf("pythonFiles (-want +got):\n%s", d)
	}
}

func TestBuilderTableColor(t *testing.T) {
	r := rules.Report{Artifacts: []rules.Result{{
		Source: "step.py", Framework: "xgboost", FrameworkReason: "model class",
		Findings: []rules.Finding{{RuleID: "builder-role-missing", Severity: rules.Error, Path: "step.py", Line: 3, Column: 5, Message: "no role"}},
	}}}
	r.Summary = rules.Summarize(r.Artifacts)
	var plain, color bytes.Buffer
	if err := renderBuilderTable(&plain, r, tableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := renderBuilderTable(&color, r, tableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[") {
		t.Errorf("colour only with Color:\n%s\n%s", plain.String(), color.String())
	}
	for _, want := range []string{"step.py: xgboost (model class), 0 B", "3:5", "1 file, 1 error, 0 warnings, 0 info"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("table does not contain %q:\n%s", want, plain.String())
		}
	}
}
