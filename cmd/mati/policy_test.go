package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

// repoWith returns a new repository root (it holds .git) with the fixtures
// named copied in and a .mati.yaml holding config ("" for none).
func repoWith(t *testing.T, config string, fixtureNames ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range fixtureNames {
		b, err := os.ReadFile(filepath.Join(fixtures.TestdataDir(), n))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, n), string(b))
	}
	if config != "" {
		writeFile(t, filepath.Join(dir, ".mati.yaml"), config)
	}
	return dir
}

// writeFile writes s to p, creating its folder.
func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runIn runs mati with the real engine in dir.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	return runReal(t, args...)
}

// jsonDoc is the part of the JSON report the policy tests read.
type jsonDoc struct {
	Artifacts []struct {
		Source     string                    `json:"source"`
		Findings   []rules.Finding           `json:"findings"`
		Suppressed []rules.SuppressedFinding `json:"suppressed"`
	} `json:"artifacts"`
	Summary rules.Summary `json:"summary"`
}

// decodeJSON decodes a JSON report.
func decodeJSON(t *testing.T, out string) jsonDoc {
	t.Helper()
	var d jsonDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("failed to decode the JSON report: %v\n%s", err, out)
	}
	return d
}

func TestConfigKeys(t *testing.T) {
	const demo = "demo_broken.tar.gz"
	tests := []struct {
		name       string
		config     string
		args       []string
		wantCode   int
		wantOut    []string // substrings of stdout
		notOut     []string // substrings stdout must not have
		wantErr    string   // substring of stderr ("" for an empty stderr)
		wantSum    *rules.Summary
		suppressed []string // rule ids of the suppressed findings (JSON)
	}{
		{name: "no config", args: []string{"check", demo}, wantCode: exitFindings, wantOut: []string{"2 errors, 4 warnings, 2 info"}},
		{name: "fail-on", config: "fail-on: never\n", args: []string{"check", demo}, wantCode: exitOK},
		{name: "a flag beats the file", config: "fail-on: never\n", args: []string{"check", "--fail-on", "error", demo}, wantCode: exitFindings},
		{name: "--no-config", config: "fail-on: never\n", args: []string{"check", "--no-config", demo}, wantCode: exitFindings},
		{name: "format", config: "format: text\n", args: []string{"check", demo}, wantCode: exitFindings,
			wantOut: []string{demo + "!code/inference.py:13:5: predict_fn takes 4 positional parameters; the container passes 2 or 3 [handler-arity]\n"}, notOut: []string{"Tip:"}},
		{name: "a format the command lacks is left to its default", config: "format: jsonl\n", args: []string{"check", demo}, wantCode: exitFindings, wantOut: []string{"Tip: use --format json"}},
		{name: "severity", config: "rules:\n  pickle-unsafe-import:\n    severity: info\n  handler-arity:\n    severity: warning\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitOK,
			wantSum: &rules.Summary{Artifacts: 1, Errors: 0, Warnings: 5, Infos: 3}},
		{name: "disabled", config: "rules:\n  os-junk:\n    disabled: true\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitFindings, notOut: []string{"os-junk"},
			wantSum: &rules.Summary{Artifacts: 1, Errors: 2, Warnings: 2, Infos: 2}},
		{name: "ignore by artifact glob", config: "ignore:\n  - rule: pickle-unsafe-import\n    path: \"**/demo_*.tar.gz\"\n    reason: the fixture is hostile on purpose\n",
			args: []string{"check", "--format", "json", "--fail-on", "error", "./" + demo}, wantCode: exitFindings,
			wantSum: &rules.Summary{Artifacts: 1, Errors: 1, Warnings: 4, Infos: 2, Suppressed: 1}, suppressed: []string{"pickle-unsafe-import"},
			wantOut: []string{`"kind": "external"`, `"justification": "the fixture is hostile on purpose"`, `"location": ".mati.yaml:2"`}},
		{name: "ignore by member glob", config: "ignore:\n  - rule: os-junk\n    path: \"._*\"\n    reason: macOS tar\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitFindings,
			wantSum: &rules.Summary{Artifacts: 1, Errors: 2, Warnings: 3, Infos: 2, Suppressed: 1}, suppressed: []string{"os-junk"}},
		{name: "ignore of another rule", config: "ignore:\n  - rule: os-junk\n    path: \"model.pth\"\n    reason: wrong place\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitFindings,
			wantSum: &rules.Summary{Artifacts: 1, Errors: 2, Warnings: 4, Infos: 2}},
		{name: "ignore before its expiry", config: "ignore:\n  - rule: handler-arity\n    path: \"**\"\n    reason: wrapper\n    expires: 2999-12-31\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitFindings,
			wantSum: &rules.Summary{Artifacts: 1, Errors: 1, Warnings: 4, Infos: 2, Suppressed: 1}, suppressed: []string{"handler-arity"}},
		{name: "ignore after its expiry", config: "ignore:\n  - rule: handler-arity\n    path: \"**\"\n    reason: wrapper\n    expires: 2000-01-31\n",
			args: []string{"check", "--format", "json", demo}, wantCode: exitFindings,
			wantErr: "mati: warning: the ignore entry for handler-arity at .mati.yaml:2 expired on 2000-01-31: its findings are reported again",
			wantSum: &rules.Summary{Artifacts: 1, Errors: 2, Warnings: 4, Infos: 2}},
		{name: "limits", config: "limits:\n  max-entries: 2\n", args: []string{"check", "--format", "text", demo}, wantCode: exitFindings, wantOut: []string{"[archive-limit-exceeded]"}},
		{name: "limits, a bad value", config: "limits:\n  max-total-bytes: lots\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `invalid --max-total-bytes: "lots" is not a size`},
		{name: "s3", config: "s3:\n  request-payer: nobody\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `invalid --request-payer "nobody"`},
		{name: "unknown key", config: "fail-on: never\nfial-on: error\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `mati: error: invalid configuration ".mati.yaml": line 2: unknown key "fial-on"`},
		{name: "unknown nested key", config: "rules:\n  os-junk:\n    severty: info\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `line 3: unknown key "severty"`},
		{name: "unknown rule", config: "rules:\n  os-junks:\n    disabled: true\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `line 3: unknown rule "os-junks"`},
		{name: "unknown severity", config: "rules:\n  os-junk:\n    severity: fatal\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `line 3: unknown severity "fatal"`},
		{name: "ignore without reason", config: "ignore:\n  - rule: os-junk\n    path: \"**\"\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: "line 2: an ignore entry needs a reason"},
		{name: "ignore with a bad date", config: "ignore:\n  - rule: os-junk\n    path: \"**\"\n    reason: r\n    expires: 31/12/2026\n", args: []string{"check", demo}, wantCode: exitUsage, wantErr: `line 2: expires "31/12/2026" is not a date YYYY-MM-DD`},
		{name: "--config", args: []string{"check", "--config", "other.yaml", demo}, wantCode: exitOK},
		{name: "--config missing", args: []string{"check", "--config", "missing.yaml", demo}, wantCode: exitUsage, wantErr: "failed to read config file"},
		{name: "builder", config: "format: text\nrules:\n  builder-role-missing:\n    severity: warning\n", args: []string{"builder", "bad_role_missing.py"}, wantCode: exitOK,
			wantOut: []string{"bad_role_missing.py:12:16: smxgb.XGBoostModel of builder ChurnBuilder has no role [builder-role-missing]\n"}},
		{name: "scan", config: "format: jsonl\nrules:\n  handler-arity:\n    disabled: true\n  pickle-unsafe-import:\n    disabled: true\n", args: []string{"scan", "."}, wantCode: exitOK,
			wantOut: []string{`"source":"demo_broken.tar.gz"`}, notOut: []string{"handler-arity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repoWith(t, tt.config, demo)
			writeFile(t, filepath.Join(dir, "other.yaml"), "fail-on: never\n")
			b, err := os.ReadFile(filepath.Join(fixtures.BuildersDir(), "builder_role_missing.py"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "bad_role_missing.py"), string(b))
			code, out, errOut := runIn(t, dir, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			if tt.wantErr == "" && errOut != "" {
				t.Errorf("stderr: %s", errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			checkStderr(t, errOut)
			if tt.wantSum != nil {
				d := decodeJSON(t, out)
				if d := cmp.Diff(*tt.wantSum, d.Summary); d != "" {
					t.Errorf("summary (-want +got):\n%s", d)
				}
				var got []string
				for _, s := range d.Artifacts[0].Suppressed {
					got = append(got, s.RuleID)
				}
				if d := cmp.Diff(tt.suppressed, got); d != "" {
					t.Errorf("suppressed rules (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestConfigFoundUpToTheRepositoryRoot(t *testing.T) {
	dir := repoWith(t, "fail-on: never\n", "demo_broken.tar.gz")
	sub := filepath.Join(dir, "models", "churn")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join(dir, "demo_broken.tar.gz")
	if code, _, errOut := runIn(t, sub, "check", demo); code != exitOK {
		t.Errorf("from a subfolder: exit code %d, want %d (the root's .mati.yaml); stderr %s", code, exitOK, errOut)
	}
	// A .mati.yaml above the repository root is not read.
	outer := t.TempDir()
	writeFile(t, filepath.Join(outer, ".mati.yaml"), "fail-on: never\n")
	repo := filepath.Join(outer, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runIn(t, repo, "check", demo); code != exitFindings {
		t.Errorf("above the root: exit code %d, want %d", code, exitFindings)
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	dir := repoWith(t, "fail-on: never\n", "demo_broken.tar.gz")
	writeFile(t, filepath.Join(dir, "strict.yaml"), "fail-on: info\nrules:\n  handler-arity:\n    disabled: true\n  pickle-unsafe-import:\n    disabled: true\n")
	// MATI_CONFIG names another file.
	t.Setenv("MATI_CONFIG", "strict.yaml")
	code, out, _ := runIn(t, dir, "check", "--format", "json", "demo_broken.tar.gz")
	if code != exitFindings || strings.Contains(out, "handler-arity") {
		t.Errorf("MATI_CONFIG: exit code %d, want %d, and no handler-arity:\n%s", code, exitFindings, out)
	}
	// MATI_FAIL_ON beats the file.
	t.Setenv("MATI_FAIL_ON", "never")
	if code, _, _ := runIn(t, dir, "check", "demo_broken.tar.gz"); code != exitOK {
		t.Errorf("MATI_FAIL_ON: exit code %d, want %d", code, exitOK)
	}
	// Every flag has its variable: MATI_FORMAT.
	t.Setenv("MATI_FORMAT", "text")
	_, out, _ = runIn(t, dir, "check", "demo_broken.tar.gz")
	if !strings.HasSuffix(strings.Split(out, "\n")[0], "[os-junk]") {
		t.Errorf("MATI_FORMAT=text: stdout %q", out)
	}
}

func TestInlineSuppressions(t *testing.T) {
	dir := repoWith(t, "", "suppress_inline.tar.gz", "suppress_inline_misplaced.tar.gz")
	code, out, errOut := runIn(t, dir, "check", "--format", "json", "--fail-on", "error", "suppress_inline.tar.gz")
	if code != exitOK || errOut != "" {
		t.Errorf("exit code %d, want %d; stderr %s", code, exitOK, errOut)
	}
	d := decodeJSON(t, out)
	if d := cmp.Diff(rules.Summary{Artifacts: 1, Warnings: 1, Suppressed: 4}, d.Summary); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
	script := "suppress_inline.tar.gz!code/inference.py"
	want := []rules.SuppressedFinding{
		{Finding: rules.Finding{RuleID: "handler-default-used", Severity: rules.Info, Path: script}, Suppressions: []rules.Suppression{{Kind: "inSource", Justification: "the container's default input_fn and output_fn are wanted", Location: script + ":7"}}},
		{Finding: rules.Finding{RuleID: "handler-default-used", Severity: rules.Info, Path: script}, Suppressions: []rules.Suppression{{Kind: "inSource", Justification: "the container's default input_fn and output_fn are wanted", Location: script + ":7"}}},
		{Finding: rules.Finding{RuleID: "requirements-missing", Severity: rules.Warning, Path: script, Line: 3}, Suppressions: []rules.Suppression{{Kind: "inSource", Justification: "installed by the image's own layer", Location: script + ":3"}}},
		{Finding: rules.Finding{RuleID: "handler-arity", Severity: rules.Error, Path: script, Line: 14, Column: 5}, Suppressions: []rules.Suppression{{Kind: "inSource", Justification: "our wrapper passes extra", Location: script + ":14"}}},
	}
	got := d.Artifacts[0].Suppressed
	for i := range got {
		got[i].Message, got[i].Hint = "", ""
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("suppressed (-want +got):\n%s", d)
	}
	if ids := findingIDs(d.Artifacts[0].Findings); !cmp.Equal(ids, []string{"model-path-mismatch"}) {
		t.Errorf("findings %v, want only model-path-mismatch", ids)
	}
	// The misplaced comments suppress nothing.
	code, out, _ = runIn(t, dir, "check", "--format", "json", "suppress_inline_misplaced.tar.gz")
	if d := decodeJSON(t, out); code != exitFindings || d.Summary.Suppressed != 0 || len(d.Artifacts[0].Suppressed) != 0 {
		t.Errorf("misplaced: exit code %d, summary %+v", code, d.Summary)
	}

	// The table counts them; --show-suppressed shows them with their reason.
	_, out, _ = runIn(t, dir, "check", "suppress_inline.tar.gz")
	if !strings.Contains(out, "1 artifact, 0 errors, 1 warning, 0 info, suppressed: 4\n") || strings.Contains(out, "handler-arity") {
		t.Errorf("table:\n%s", out)
	}
	_, out, _ = runIn(t, dir, "check", "--show-suppressed", "suppress_inline.tar.gz")
	if !strings.Contains(out, "handler-arity") || !strings.Contains(out, "suppressed: 4") {
		t.Errorf("table with --show-suppressed:\n%s", out)
	}
	_, out, _ = runIn(t, dir, "check", "--format", "text", "--show-suppressed", "suppress_inline.tar.gz")
	if w := script + ":14:5: predict_fn takes 4 positional parameters; the container passes 2 or 3 (suppressed: our wrapper passes extra) [handler-arity]\n"; !strings.Contains(out, w) {
		t.Errorf("text with --show-suppressed lacks %q:\n%s", w, out)
	}
	_, out, _ = runIn(t, dir, "check", "--format", "text", "suppress_inline.tar.gz")
	if strings.Count(out, "\n") != 1 {
		t.Errorf("text without --show-suppressed: want the one finding:\n%s", out)
	}
	// SARIF: suppressions of kind inSource, and a valid log.
	_, out, _ = runIn(t, dir, "check", "--format", "sarif", "suppress_inline.tar.gz")
	validateSARIF(t, out)
	n := 0
	for _, r := range decodeSARIF(t, out).Runs[0].Results {
		if len(r.Suppressions) > 0 {
			n++
			if r.Suppressions[0].Kind != "inSource" || r.Suppressions[0].Justification == "" {
				t.Errorf("suppression %+v", r.Suppressions)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d suppressed SARIF results, want 4", n)
	}
}

// findingIDs returns the rule ids of fs.
func findingIDs(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func TestInlineSuppressionsInBuilders(t *testing.T) {
	dir := repoWith(t, "")
	src, err := os.ReadFile(filepath.Join(fixtures.BuildersDir(), "builder_role_missing.py"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "bad.py"), string(src))
	if code, _, _ := runIn(t, dir, "builder", "bad.py"); code != exitFindings {
		t.Fatalf("exit code %d, want %d", code, exitFindings)
	}
	// The comment on the line above the finding (line 12).
	lines := strings.Split(string(src), "\n")
	lines = append(lines[:11], append([]string{"        # mati: ignore[builder-role-missing] the role comes from the pipeline's session"}, lines[11:]...)...)
	writeFile(t, filepath.Join(dir, "bad.py"), strings.Join(lines, "\n"))
	code, out, _ := runIn(t, dir, "builder", "--format", "json", "bad.py")
	d := decodeJSON(t, out)
	if code != exitOK || len(d.Artifacts[0].Findings) != 0 || len(d.Artifacts[0].Suppressed) != 1 || d.Summary.Suppressed != 1 {
		t.Fatalf("exit code %d, want %d, with the finding suppressed:\n%s", code, exitOK, out)
	}
	if s := d.Artifacts[0].Suppressed[0]; s.Line != 13 || s.Suppressions[0].Location != "bad.py:12" || s.Suppressions[0].Kind != "inSource" {
		t.Errorf("suppressed %+v", s)
	}
	_, out, _ = runIn(t, dir, "builder", "--format", "github", "--show-suppressed", "bad.py")
	if w := "::error file=bad.py,line=13,col=16,title=builder-role-missing::smxgb.XGBoostModel of builder ChurnBuilder has no role (suppressed: the role comes from the pipeline's session)%0Ahint: "; !strings.HasPrefix(out, w) {
		t.Errorf("github: %q, want the prefix %q", out, w)
	}
}

// torchFolder writes a PyTorch model folder at dir with script as its
// inference script.
func torchFolder(t *testing.T, dir, script string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "model.pth"), string(fixtures.BenignTorchZip("model")))
	writeFile(t, filepath.Join(dir, "code", "inference.py"), script)
}

const baselineScript = `import torch
import lightgbm


def model_fn(model_dir):
    return torch.jit.load(model_dir + "/model.pth")


def predict_fn(data, model, context, extra):
    return model(data)
`

func TestBaselineRoundTrip(t *testing.T) {
	dir := repoWith(t, "")
	torchFolder(t, filepath.Join(dir, "model"), baselineScript)
	code, base, errOut := runIn(t, dir, "baseline", "model")
	if code != exitOK || errOut != "" {
		t.Fatalf("mati baseline: exit code %d, stderr %s", code, errOut)
	}
	var doc rules.Baseline
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range doc.Findings {
		ids = append(ids, e.RuleID)
		if e.Source != "model" || e.Path != "code/inference.py" || len(e.Evidence) != 32 {
			t.Errorf("entry %+v", e)
		}
	}
	if d := cmp.Diff([]string{"handler-default-used", "handler-default-used", "requirements-missing", "handler-arity"}, ids); d != "" {
		t.Fatalf("baseline rules (-want +got):\n%s", d)
	}
	writeFile(t, filepath.Join(dir, ".mati-baseline.json"), base)

	// Everything known: nothing reported, exit 0, all counted as suppressed.
	code, out, _ := runIn(t, dir, "check", "--baseline", ".mati-baseline.json", "--fail-on", "info", "--format", "json", "model")
	d := decodeJSON(t, out)
	if code != exitOK || len(d.Artifacts[0].Findings) != 0 || d.Summary.Suppressed != 4 {
		t.Fatalf("with the baseline: exit code %d, want %d:\n%s", code, exitOK, out)
	}
	if s := d.Artifacts[0].Suppressed[0].Suppressions[0]; s.Kind != "external" || s.Location != ".mati-baseline.json" {
		t.Errorf("suppression %+v", s)
	}

	// The code moves down three lines: still known.
	torchFolder(t, filepath.Join(dir, "model"), "\"\"\"Handlers.\"\"\"\n\n\n"+baselineScript)
	code, out, _ = runIn(t, dir, "check", "--baseline", ".mati-baseline.json", "--fail-on", "info", "--format", "json", "model")
	if d := decodeJSON(t, out); code != exitOK || d.Summary.Suppressed != 4 {
		t.Fatalf("after moving the code: exit code %d, want %d:\n%s", code, exitOK, out)
	}

	// A new finding is reported, alone; the known ones stay suppressed.
	torchFolder(t, filepath.Join(dir, "model"), "import catboost\n"+baselineScript)
	code, out, _ = runIn(t, dir, "check", "--baseline", ".mati-baseline.json", "--fail-on", "warning", "--format", "text", "model")
	if code != exitFindings || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"catboost" is imported`) {
		t.Fatalf("a new finding: exit code %d, want %d, only catboost:\n%s", code, exitFindings, out)
	}
	// The same through the baseline key of the configuration file, and in
	// SARIF as external suppressions.
	writeFile(t, filepath.Join(dir, ".mati.yaml"), "baseline: .mati-baseline.json\n")
	_, out, _ = runIn(t, dir, "check", "--format", "sarif", "model")
	validateSARIF(t, out)
	kinds := map[string]int{}
	for _, r := range decodeSARIF(t, out).Runs[0].Results {
		for _, s := range r.Suppressions {
			kinds[s.Kind]++
		}
	}
	if d := cmp.Diff(map[string]int{"external": 4}, kinds); d != "" {
		t.Errorf("SARIF suppressions (-want +got):\n%s", d)
	}
}

func TestBaselineErrors(t *testing.T) {
	dir := repoWith(t, "", "demo_broken.tar.gz")
	writeFile(t, filepath.Join(dir, "bad.json"), `{"version": 7, "findings": []}`)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"missing file", []string{"check", "--baseline", "none.json", "demo_broken.tar.gz"}, `failed to read the baseline "none.json"`},
		{"other version", []string{"check", "--baseline", "bad.json", "demo_broken.tar.gz"}, `invalid baseline "bad.json": version 7, want 1`},
		{"targets and a report", []string{"baseline", "--from-report", "r.json", "demo_broken.tar.gz"}, "unexpected argument"},
		{"missing report", []string{"baseline", "--from-report", "r.json"}, `failed to read the report "r.json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runIn(t, dir, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit code %d, want %d; stderr %q lacks %q", code, exitUsage, errOut, tt.wantErr)
			}
		})
	}
	// An artifact that cannot be inspected: exit 3.
	if code, _, _ := runIn(t, dir, "baseline", "missing.tar.gz"); code != exitNotInspected {
		t.Errorf("missing artifact: exit code %d, want %d", code, exitNotInspected)
	}
}

func TestBaselineFromScanReport(t *testing.T) {
	dir := repoWith(t, "", "demo_broken.tar.gz", "suppress_inline.tar.gz")
	code, report, _ := runIn(t, dir, "scan", "--format", "jsonl", "--fail-on", "never", ".")
	if code != exitOK {
		t.Fatalf("scan: exit code %d", code)
	}
	writeFile(t, filepath.Join(dir, "audit.jsonl"), report)
	code, base, errOut := runIn(t, dir, "baseline", "--from-report", "audit.jsonl")
	if code != exitOK {
		t.Fatalf("baseline: exit code %d, stderr %s", code, errOut)
	}
	writeFile(t, filepath.Join(dir, "base.json"), base)
	code, out, _ := runIn(t, dir, "scan", "--baseline", "base.json", "--fail-on", "info", "--format", "json", ".")
	d := decodeJSON(t, out)
	if code != exitOK || d.Summary.Errors+d.Summary.Warnings+d.Summary.Infos != 0 || d.Summary.Suppressed != 8+1+4 {
		t.Errorf("scan with the baseline: exit code %d, summary %+v", code, d.Summary)
	}
	// The JSON document of check is a report too.
	_, doc, _ := runIn(t, dir, "check", "--format", "json", "demo_broken.tar.gz")
	writeFile(t, filepath.Join(dir, "check.json"), doc)
	_, base2, _ := runIn(t, dir, "baseline", "--from-report", "check.json")
	var b rules.Baseline
	if err := json.Unmarshal([]byte(base2), &b); err != nil || len(b.Findings) != 8 {
		t.Errorf("baseline from a check report: %d entries (%v)", len(b.Findings), err)
	}
}

func TestVersionCompletionMan(t *testing.T) {
	_, v1, _ := runReal(t, "version")
	_, v2, _ := runReal(t, "--version")
	if v1 != v2 || !strings.HasPrefix(v1, "mati v0.0.0-test (go") {
		t.Errorf("mati version %q, mati --version %q", v1, v2)
	}
	tests := []struct {
		args     []string
		wantCode int
		want     []string
	}{
		{[]string{"completion", "bash"}, exitOK, []string{"complete -o filenames -o bashdefault -F _mati mati", `check:--format) COMPREPLY=($(compgen -W "table json sarif github text"`, "--show-suppressed"}},
		{[]string{"completion", "zsh"}, exitOK, []string{"#compdef mati", "'baseline:record the current findings", ":value:(table json jsonl sarif github text)"}},
		{[]string{"completion", "fish"}, exitOK, []string{"complete -c mati -f -n __fish_use_subcommand -a baseline", "-l format -d 'output FORMAT: table, json, jsonl, sarif, github or text (jsonl: one artifact a line, written as each finishes)' -r -f -a 'table json jsonl sarif github text'"}},
		{[]string{"completion", "tcsh"}, exitUsage, nil},
		{[]string{"completion"}, exitUsage, nil},
		{[]string{"man"}, exitOK, []string{".TH mati 1", "baseline"}},
	}
	for _, tt := range tests {
		code, out, _ := runReal(t, tt.args...)
		if code != tt.wantCode {
			t.Errorf("%v: exit code %d, want %d", tt.args, code, tt.wantCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stdout lacks %q", tt.args, w)
			}
		}
	}
}

func TestPreCommitTargets(t *testing.T) {
	check, builders := preCommitTargets([]string{
		"models/churn/code/inference.py", "models/churn/code/requirements.txt", "code/inference.py",
		"models/churn.tar.gz", "pipelines/steps/train.py", "README.md", "models/m.tar",
	})
	if d := cmp.Diff([]string{".", "models/churn", "models/churn.tar.gz", "models/m.tar"}, check); d != "" {
		t.Errorf("check (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"pipelines/steps/train.py"}, builders); d != "" {
		t.Errorf("builders (-want +got):\n%s", d)
	}
}

func TestPreCommit(t *testing.T) {
	dir := repoWith(t, "")
	torchFolder(t, filepath.Join(dir, "models", "churn"), baselineScript)
	src, err := os.ReadFile(filepath.Join(fixtures.BuildersDir(), "builder_role_missing.py"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "steps", "churn.py"), string(src))
	writeFile(t, filepath.Join(dir, "steps", "util.py"), "def f():\n    return 1\n")
	code, out, errOut := runIn(t, dir, "pre-commit", "models/churn/code/inference.py", "steps/churn.py", "steps/util.py", "README.md")
	if code != exitFindings {
		t.Errorf("exit code %d, want %d; stderr %s", code, exitFindings, errOut)
	}
	for _, w := range []string{
		"models/churn!code/inference.py:9:5: predict_fn takes 4 positional parameters; the container passes 2 or 3 [handler-arity]\n",
		"steps/churn.py:12:16: smxgb.XGBoostModel of builder ChurnBuilder has no role [builder-role-missing]\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
	if code, _, _ := runIn(t, dir, "pre-commit", "--fail-on", "never", "models/churn/code/inference.py"); code != exitOK {
		t.Errorf("--fail-on never: exit code %d", code)
	}
	if code, _, _ := runIn(t, dir, "pre-commit", "missing.tar.gz", "steps/churn.py"); code != exitNotInspected {
		t.Errorf("a missing archive: exit code %d, want %d", code, exitNotInspected)
	}
}
