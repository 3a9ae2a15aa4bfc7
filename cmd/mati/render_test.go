package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// loadReport reads the shared renderer input, testdata/golden/in-report.json.
func loadReport(t *testing.T) rules.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", "in-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r rules.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("failed to decode in-report.json: %v", err)
	}
	return r
}

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/mati -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; run go test ./cmd/mati -update and read the diff):\n%s", name, d)
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		render func(w *bytes.Buffer, r rules.Report) error
	}{
		{"table", "report.table", func(w *bytes.Buffer, r rules.Report) error { return renderTable(w, r, tableOptions{}) }},
		{"table verbose", "report.verbose.table", func(w *bytes.Buffer, r rules.Report) error {
			return renderTable(w, r, tableOptions{Verbose: true})
		}},
		{"table in colour", "report.color.table", func(w *bytes.Buffer, r rules.Report) error {
			return renderTable(w, r, tableOptions{Color: true})
		}},
		{"json", "report.json", func(w *bytes.Buffer, r rules.Report) error { return renderJSON(w, r) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.render(&buf, loadReport(t)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, buf.Bytes())
		})
	}
}

// goldenRules is a fixed rule list, so the Markdown golden does not change
// when rules are added.
var goldenRules = []rules.Rule{
	{Meta: rules.Meta{ID: "archive-empty", Severity: rules.Error, Summary: "The artifact has no entries, so the container finds no model.", Hint: "package the model folder's content: tar -czf model.tar.gz -C model_dir ."}},
	{Meta: rules.Meta{ID: "os-junk", Severity: rules.Warning, Summary: "Files left by macOS or Python (._*, __MACOSX/, a|b, <x>).", Hint: "rebuild without them: tar --exclude='._*'"}},
	{Meta: rules.Meta{ID: "unexpected-file", Severity: rules.Info, Summary: "A file that no framework table knows."}},
}

func TestRenderRulesMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := renderRulesMarkdown(&buf, goldenRules); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "rules.md", buf.Bytes())
}

func TestRenderJSONIsOneDocumentWithoutNull(t *testing.T) {
	var buf bytes.Buffer
	r := rules.Report{Artifacts: []rules.Result{{Source: "x"}}}
	if err := renderJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Error("more than one JSON document")
	}
	if strings.Contains(fmt.Sprint(doc), "<nil>") {
		t.Errorf("a list is null: %v", doc)
	}
	if got := doc["schema_version"]; got != float64(rules.SchemaVersion) {
		t.Errorf("schema_version = %v, want %d", got, rules.SchemaVersion)
	}
}

func TestRenderTableTruncatesFilesButNotFindings(t *testing.T) {
	res := rules.Result{Source: "big.tar.gz", Framework: "xgboost", Format: "tar.gz"}
	for i := range 20000 {
		res.Entries = append(res.Entries, rules.EntryView{Path: fmt.Sprintf("data/f%05d.csv", i), Type: "file", Size: 10, Role: rules.RoleUnexpected})
	}
	for i := range 300 {
		res.Findings = append(res.Findings, rules.Finding{RuleID: "unexpected-file", Severity: rules.Info, Path: fmt.Sprintf("big.tar.gz!data/f%05d.csv", i), Message: "unexpected"})
	}
	res.Expected = []rules.ExpectedFile{{Path: "xgboost-model", Role: rules.RoleModel}}
	r := rules.Report{Artifacts: []rules.Result{res}, Summary: rules.Summarize([]rules.Result{res})}

	tests := []struct {
		name      string
		verbose   bool
		wantFiles int
		wantMore  string
	}{
		{"default shows the first rows", false, maxFileRows, fmt.Sprintf("... %d more entries (use -v or mati ls)", 20000-maxFileRows)},
		{"verbose shows every row", true, 20000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := renderTable(&buf, r, tableOptions{Verbose: tt.verbose}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			// Each file appears once in the files table; the first 300 also
			// appear in the findings table.
			files := strings.Count(out, ".csv ") - 300
			if files != tt.wantFiles {
				t.Errorf("files table has %d rows, want %d", files, tt.wantFiles)
			}
			if tt.wantMore != "" && !strings.Contains(out, tt.wantMore+"\n") {
				t.Errorf("missing %q", tt.wantMore)
			}
			if tt.wantMore == "" && strings.Contains(out, "more entries") {
				t.Error("verbose output says entries were left out")
			}
			if !strings.Contains(out, "xgboost-model") || !strings.Contains(out, "missing") {
				t.Error("the missing model file is not shown")
			}
			if got := strings.Count(out, "unexpected-file"); got != 300 {
				t.Errorf("%d findings shown, want all 300", got)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1572864, "1.5 MiB"},
		{1 << 40, "1.0 TiB"},
		{3 << 50, "3072.0 TiB"},
	}
	for _, tt := range tests {
		if got := formatSize(tt.n); got != tt.want {
			t.Errorf("formatSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestModeString(t *testing.T) {
	tests := []struct {
		e    rules.EntryView
		want string
	}{
		{rules.EntryView{Type: "file", Mode: 0o644}, "-rw-r--r--"},
		{rules.EntryView{Type: "dir", Mode: 0o755}, "drwxr-xr-x"},
		{rules.EntryView{Type: "symlink", Mode: 0o777}, "lrwxrwxrwx"},
		{rules.EntryView{Type: "hardlink", Mode: 0o644}, "hrw-r--r--"},
		{rules.EntryView{Type: "other", Mode: 0o600}, "?rw-------"},
		{rules.EntryView{Type: "file", Mode: 0o4755}, "-rwsr-xr-x"},
		{rules.EntryView{Type: "file", Mode: 0o2644}, "-rw-r-Sr--"},
		{rules.EntryView{Type: "dir", Mode: 0o1777}, "drwxrwxrwt"},
	}
	for _, tt := range tests {
		if got := modeString(tt.e); got != tt.want {
			t.Errorf("modeString(%s %o) = %q, want %q", tt.e.Type, tt.e.Mode, got, tt.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"code/inference.py", "code/inference.py"},
		{"modèle.pth", "modèle.pth"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"a\nb\tc", `a\nb\tc`},
		{"caf\xe9", `caf\xe9`},
		{"\u202egnp.exe", `\u202egnp.exe`},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
