package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/rules"
)

var (
	// sarifSchemaPath is absolute: tests change the working directory.
	sarifSchemaPath, _ = filepath.Abs(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	sarifSchemaOnce    sync.Once
	sarifSchema        *jsonschema.Schema
	sarifSchemaErr     error
)

// validateSARIF fails t unless out is a SARIF log the official 2.1.0
// schema (testdata/sarif-schema-2.1.0.json) accepts, formats asserted.
func validateSARIF(t *testing.T, out string) {
	t.Helper()
	sarifSchemaOnce.Do(func() {
		f, err := os.Open(sarifSchemaPath)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
		if sarifSchemaErr = c.AddResource(url, doc); sarifSchemaErr != nil {
			return
		}
		sarifSchema, sarifSchemaErr = c.Compile(url)
	})
	if sarifSchemaErr != nil {
		t.Fatalf("failed to load the SARIF schema: %v", sarifSchemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, out)
	}
	if err := sarifSchema.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate against the 2.1.0 schema: %v", err)
	}
}

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string                 `json:"id"`
					HelpURI              string                 `json:"helpUri"`
					Help                 struct{ Text string }  `json:"help"`
					ShortDescription     struct{ Text string }  `json:"shortDescription"`
					DefaultConfiguration struct{ Level string } `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Artifacts []struct {
			Location    struct{ URI string } `json:"location"`
			ParentIndex int                  `json:"parentIndex"`
		} `json:"artifacts"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

// sarifResult is one result of a SARIF log.
type sarifResult struct {
	RuleID    string                `json:"ruleId"`
	RuleIndex int                   `json:"ruleIndex"`
	Level     string                `json:"level"`
	Message   struct{ Text string } `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI   string `json:"uri"`
				Index int    `json:"index"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine   int `json:"startLine"`
				StartColumn int `json:"startColumn"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
}

// decodeSARIF decodes out.
func decodeSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("failed to decode the SARIF log: %v", err)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("want one run, got %d", len(l.Runs))
	}
	return l
}

// TestSARIFEveryFixtureValidates renders every committed fixture as SARIF,
// validates it against the official schema, and checks that its results
// are the findings of the JSON report, rule for rule.
func TestSARIFEveryFixtureValidates(t *testing.T) {
	dir := fixtures.TestdataDir()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ent := range ents {
		p := filepath.Join(dir, ent.Name())
		t.Run(ent.Name(), func(t *testing.T) {
			_, out, _ := runReal(t, "check", "--no-config", "--format", "sarif", "--fail-on", "never", p)
			validateSARIF(t, out)
			l := decodeSARIF(t, out)
			_, js, _ := runReal(t, "check", "--no-config", "--format", "json", "--fail-on", "never", p)
			var doc struct {
				Artifacts []struct {
					Error    string `json:"error"`
					Findings []struct {
						RuleID   string `json:"rule_id"`
						Severity string `json:"severity"`
					} `json:"findings"`
					Suppressed []struct {
						RuleID       string `json:"rule_id"`
						Severity     string `json:"severity"`
						Suppressions []struct {
							Kind string `json:"kind"`
						} `json:"suppressions"`
					} `json:"suppressed"`
				} `json:"artifacts"`
			}
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatal(err)
			}
			var want, got []string
			levels := map[string]string{"error": "error", "warning": "warning", "info": "note"}
			for _, f := range doc.Artifacts[0].Findings {
				want = append(want, f.RuleID+" "+levels[f.Severity])
			}
			for _, f := range doc.Artifacts[0].Suppressed {
				want = append(want, f.RuleID+" "+levels[f.Severity]+" suppressed "+f.Suppressions[0].Kind)
			}
			run := l.Runs[0]
			for _, r := range run.Results {
				if len(r.Suppressions) > 0 {
					got = append(got, r.RuleID+" "+r.Level+" suppressed "+r.Suppressions[0].Kind)
				} else {
					got = append(got, r.RuleID+" "+r.Level)
				}
				if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
					t.Errorf("result %s has ruleIndex %d, which is %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
				}
				if r.PartialFingerprints[fingerprintKey] == "" {
					t.Errorf("result %s has no partial fingerprint", r.RuleID)
				}
				loc := r.Locations[0].PhysicalLocation.ArtifactLocation
				if loc.Index < 0 || loc.Index >= len(run.Artifacts) {
					t.Errorf("result %s points at artifact %d of %d", r.RuleID, loc.Index, len(run.Artifacts))
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("SARIF results differ from the JSON findings (-json +sarif):\n%s", d)
			}
			if failed := doc.Artifacts[0].Error != ""; failed == run.Invocations[0].ExecutionSuccessful {
				t.Errorf("executionSuccessful = %v with artifact error %q", run.Invocations[0].ExecutionSuccessful, doc.Artifacts[0].Error)
			}
		})
		n++
	}
	if n < 100 {
		t.Errorf("only %d fixtures found in %s", n, dir)
	}
}

func TestSARIFContent(t *testing.T) {
	p := filepath.Join(fixtures.TestdataDir(), "demo_broken.tar.gz")
	code, out, _ := runReal(t, "check", "--no-config", "--format", "sarif", p)
	if code != exitFindings {
		t.Errorf("exit code %d, want %d", code, exitFindings)
	}
	l := decodeSARIF(t, out)
	run := l.Runs[0]
	if l.Version != "2.1.0" || run.Tool.Driver.Name != "mati" {
		t.Errorf("version %q, driver %q", l.Version, run.Tool.Driver.Name)
	}
	if got, want := len(run.Tool.Driver.Rules), len(catalog()); got != want {
		t.Errorf("%d rules in the driver, want the %d of the catalog", got, want)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "handler-arity" {
			if r.HelpURI != "https://github.com/mati-dev/mati/blob/main/docs/rules.md#handler-arity" {
				t.Errorf("helpUri %q", r.HelpURI)
			}
			if r.DefaultConfiguration.Level != "error" || r.Help.Text == "" || r.ShortDescription.Text == "" {
				t.Errorf("handler-arity rule: %+v", r)
			}
		}
	}
	var arity *sarifResult
	for i := range run.Results {
		if run.Results[i].RuleID == "handler-arity" {
			arity = &run.Results[i]
		}
	}
	if arity == nil {
		t.Fatal("no handler-arity result")
	}
	loc := arity.Locations[0].PhysicalLocation
	if want := pathURI(p) + "!code/inference.py"; loc.ArtifactLocation.URI != want {
		t.Errorf("uri %q, want %q", loc.ArtifactLocation.URI, want)
	}
	art := run.Artifacts[loc.ArtifactLocation.Index]
	if art.Location.URI != "code/inference.py" || art.ParentIndex < 0 || run.Artifacts[art.ParentIndex].Location.URI != pathURI(p) {
		t.Errorf("artifact of the result: %+v (parent %d)", art, art.ParentIndex)
	}
	if loc.Region == nil || loc.Region.StartLine != 13 || loc.Region.StartColumn != 5 {
		t.Errorf("region %+v, want line 13 column 5", loc.Region)
	}
	if arity.Level != "error" || !strings.Contains(arity.Message.Text, "predict_fn takes 4 positional parameters") {
		t.Errorf("result %+v", arity)
	}
}

func TestSARIFReleaseDocs(t *testing.T) {
	tests := []struct{ version, want string }{
		{"v1.2.3", "https://github.com/mati-dev/mati/blob/v1.2.3/docs/rules.md"},
		{"v1.2.3-rc.1", "https://github.com/mati-dev/mati/blob/v1.2.3-rc.1/docs/rules.md"},
		{"dev-0123456789ab-dirty", "https://github.com/mati-dev/mati/blob/main/docs/rules.md"},
		{"v1.2.3-test", "https://github.com/mati-dev/mati/blob/main/docs/rules.md"},
	}
	for _, tt := range tests {
		if got := rulesDocURL(tt.version); got != tt.want {
			t.Errorf("rulesDocURL(%q) = %q, want %q", tt.version, got, tt.want)
		}
	}
}

func TestSARIFNotInspected(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.tar.gz")
	code, out, _ := runReal(t, "check", "--no-config", "--format", "sarif", missing)
	if code != exitNotInspected {
		t.Errorf("exit code %d, want %d", code, exitNotInspected)
	}
	validateSARIF(t, out)
	run := decodeSARIF(t, out).Runs[0]
	if run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].ToolExecutionNotifications) != 1 ||
		!strings.Contains(run.Invocations[0].ToolExecutionNotifications[0].Message.Text, "missing.tar.gz") {
		t.Errorf("invocation %+v", run.Invocations)
	}
}

func TestPathURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"models/model.tar.gz", "models/model.tar.gz"},
		{"/tmp/a b/m.tar.gz", "/tmp/a%20b/m.tar.gz"},
		{"a:b.tar.gz", "a%3Ab.tar.gz"},
		{"100%.tar.gz", "100%25.tar.gz"},
	}
	for _, tt := range tests {
		if got := pathURI(tt.in); got != tt.want {
			t.Errorf("pathURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := sourceURI("s3://bucket/my models/m.tar.gz"); got != "s3://bucket/my%20models/m.tar.gz" {
		t.Errorf("sourceURI = %q", got)
	}
}

func TestGitHubCommand(t *testing.T) {
	archive := rules.Result{Source: "models/m.tar.gz", Format: "tar.gz"}
	folder := rules.Result{Source: "models/m", Format: "folder"}
	builder := rules.Result{Source: "steps/b.py", Format: rules.BuilderFormat}
	tests := []struct {
		name string
		a    rules.Result
		f    rules.Finding
		want string
	}{
		{"archive member", archive, rules.Finding{RuleID: "handler-arity", Severity: rules.Error, Path: "models/m.tar.gz!code/inference.py", Line: 13, Column: 5, Message: "predict_fn takes 4", Hint: "fix it"},
			"::error file=models/m.tar.gz,title=handler-arity::code/inference.py:13:5: predict_fn takes 4%0Ahint: fix it"},
		{"folder member", folder, rules.Finding{RuleID: "requirements-missing", Severity: rules.Warning, Path: "models/m!code/inference.py", Line: 3, Message: "x"},
			"::warning file=models/m/code/inference.py,line=3,title=requirements-missing::x"},
		{"builder file", builder, rules.Finding{RuleID: "builder-role-missing", Severity: rules.Info, Path: "steps/b.py", Line: 2, Column: 7, Message: "100% broken\nreally"},
			"::notice file=steps/b.py,line=2,col=7,title=builder-role-missing::100%25 broken\\nreally"},
		{"property escaping", rules.Result{Source: "a,b:c.tar.gz", Format: "tar.gz"}, rules.Finding{RuleID: "os-junk", Severity: rules.Warning, Path: "a,b:c.tar.gz", Message: "m"},
			"::warning file=a%2Cb%3Ac.tar.gz,title=os-junk::m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := githubCommand(tt.a, tt.f); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
