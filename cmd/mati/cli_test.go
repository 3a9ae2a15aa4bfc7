package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

// fakeInspect returns, for each source name, the findings listed in
// findings, or the error in errs; it records the configs it was given.
type fakeInspect struct {
	findings map[string][]rules.Finding
	errs     map[string]error
	cfgs     []rules.Config
}

func (f *fakeInspect) inspect(ctx context.Context, src artifact.Source, cfg rules.Config) (rules.Result, error) {
	f.cfgs = append(f.cfgs, cfg)
	name := filepath.Base(src.Name())
	res := rules.Result{Source: src.Name(), Framework: "xgboost", Format: "tar.gz",
		Entries: []rules.EntryView{}, Expected: []rules.ExpectedFile{}, Handlers: []rules.HandlerView{}, Findings: []rules.Finding{}}
	if err := f.errs[name]; err != nil {
		res.Error = err.Error()
		return res, err
	}
	res.Findings = append(res.Findings, f.findings[name]...)
	return res, nil
}

// finding returns a finding of the given severity on the artifact name.
func finding(name string, s rules.Severity) rules.Finding {
	return rules.Finding{RuleID: "test-" + s.String(), Severity: s, Path: name, Message: "a " + s.String()}
}

// runTest runs mati in dir with args and the fake, returning the exit code
// and the streams.
func runTest(t *testing.T, dir string, f *fakeInspect, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:   stdin,
		stdout:  &stdout,
		stderr:  &stderr,
		inspect: f.inspect,
		getenv:  func(string) string { return "" },
		version: "v1.2.3-test",
		colorOK: func(io.Writer) bool { return false },
	}
	code := e.run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// artifactsDir returns a folder with empty files named by names, so that
// artifact.Parse finds them.
func artifactsDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunExitCodes(t *testing.T) {
	fake := func() *fakeInspect {
		return &fakeInspect{
			findings: map[string][]rules.Finding{
				"err.tar.gz":  {finding("err.tar.gz", rules.Error)},
				"warn.tar.gz": {finding("warn.tar.gz", rules.Warning)},
				"info.tar.gz": {finding("info.tar.gz", rules.Info)},
			},
			errs: map[string]error{
				"corrupt.tar.gz": fmt.Errorf("failed to read %q: %w", "corrupt.tar.gz", artifact.ErrNotArchive),
			},
		}
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // a substring; "" means stderr must be empty
		wantStdout string // a substring
	}{
		{"clean artifact", []string{"check", "ok.tar.gz"}, exitOK, "", "1 artifact, 0 errors, 0 warnings, 0 info"},
		{"error finding fails by default", []string{"check", "err.tar.gz"}, exitFindings, "", "1 artifact, 1 error, 0 warnings, 0 info"},
		{"warning passes by default", []string{"check", "warn.tar.gz"}, exitOK, "", "1 warning"},
		{"warning fails with --fail-on warning", []string{"check", "--fail-on", "warning", "warn.tar.gz"}, exitFindings, "", ""},
		{"info passes with --fail-on warning", []string{"check", "--fail-on=warning", "info.tar.gz"}, exitOK, "", ""},
		{"info fails with --fail-on info", []string{"check", "--fail-on", "info", "info.tar.gz"}, exitFindings, "", ""},
		{"--fail-on never", []string{"check", "--fail-on", "never", "err.tar.gz"}, exitOK, "", ""},
		{"flags after the artifact", []string{"check", "warn.tar.gz", "--fail-on", "warning"}, exitFindings, "", ""},
		{"missing artifact", []string{"check", "nope.tar.gz"}, exitNotInspected,
			"mati: error: failed to inspect \"nope.tar.gz\": failed to open \"nope.tar.gz\": not found\nmati: hint: ", "1 not inspected"},
		{"uninspectable beats findings", []string{"check", "err.tar.gz", "corrupt.tar.gz"}, exitNotInspected,
			"mati: error: failed to inspect \"corrupt.tar.gz\"", "2 artifacts, 1 error, 0 warnings, 0 info, 1 not inspected"},
		{"uninspectable beats --fail-on never", []string{"check", "--fail-on", "never", "corrupt.tar.gz"}, exitNotInspected, "not a tar", ""},
		{"no command", nil, exitUsage, "mati: error: no command given\nmati: hint: ", ""},
		{"unknown command", []string{"chek", "x"}, exitUsage, "mati: error: unknown command \"chek\"", ""},
		{"no artifact", []string{"check"}, exitUsage, "mati: error: no artifact given", ""},
		{"unknown flag", []string{"check", "--nope", "ok.tar.gz"}, exitUsage, "mati: error: flag provided but not defined: -nope\nmati: hint: run 'mati check --help' for its flags", ""},
		{"unknown format", []string{"check", "--format", "xml", "ok.tar.gz"}, exitUsage, "unknown format \"xml\"", ""},
		{"unknown --fail-on", []string{"check", "--fail-on", "fatal", "ok.tar.gz"}, exitUsage, "unknown --fail-on value \"fatal\"", ""},
		{"unknown framework", []string{"check", "--framework", "caffe", "ok.tar.gz"}, exitUsage, "unknown framework \"caffe\"", ""},
		{"malformed --env", []string{"check", "--env", "NOVALUE", "ok.tar.gz"}, exitUsage, "mati: error: invalid --env \"NOVALUE\": want KEY=VALUE", ""},
		{"bad --env name", []string{"check", "--env", "1X=2", "ok.tar.gz"}, exitUsage, "invalid name \"1X\"", ""},
		{"missing --env-file", []string{"check", "--env-file", "nope.env", "ok.tar.gz"}, exitUsage, "failed to read env file \"nope.env\"", ""},
		{"bad size", []string{"check", "--max-total-bytes", "lots", "ok.tar.gz"}, exitUsage, "invalid --max-total-bytes: \"lots\" is not a size", ""},
		{"zero limit", []string{"check", "--max-entries", "0", "ok.tar.gz"}, exitUsage, "invalid --max-entries: must not be 0", ""},
		{"stdin twice", []string{"check", "-", "-"}, exitUsage, "- is given 2 times", ""},
		{"help", []string{"--help"}, exitOK, "", "Exit codes:"},
		{"check help", []string{"check", "--help"}, exitOK, "", "--fail-on SEVERITY"},
		{"check help after an artifact", []string{"check", "ok.tar.gz", "-h"}, exitOK, "", "--fail-on SEVERITY"},
		{"help command", []string{"help", "check"}, exitOK, "", "--fail-on SEVERITY"},
		{"help on an unknown topic", []string{"help", "nope"}, exitUsage, "mati: error: no help topic for 'nope'\nmati: hint: ", ""},
		{"version", []string{"--version"}, exitOK, "", "mati v1.2.3-test (go"},
		{"json output", []string{"check", "--format", "json", "warn.tar.gz"}, exitOK, "", `"schema_version": 1`},
		{"rules", []string{"rules"}, exitOK, "", "archive-corrupt"},
		{"rules markdown", []string{"rules", "--format", "markdown"}, exitOK, "", "# Rules"},
		{"rules bad format", []string{"rules", "--format", "pdf"}, exitUsage, "unknown format \"pdf\"", ""},
		{"ls without artifact", []string{"ls"}, exitUsage, "want one artifact, got 0 arguments", ""},
		{"cat without member", []string{"cat", "ok.tar.gz"}, exitUsage, "want an artifact and a member, got 1 arguments", ""},
		{"cat the root", []string{"cat", "ok.tar.gz", "./"}, exitUsage, "is the archive root", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := artifactsDir(t, "ok.tar.gz", "err.tar.gz", "warn.tar.gz", "info.tar.gz", "corrupt.tar.gz")
			code, stdout, stderr := runTest(t, dir, fake(), strings.NewReader(""), tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			if tt.wantStderr == "" && stderr != "" {
				t.Errorf("stderr is not empty:\n%s", stderr)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantStderr, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantStdout, stdout)
			}
			for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
				if line != "" && !strings.HasPrefix(line, "mati: ") {
					t.Errorf("stderr line without the mati: prefix: %q", line)
				}
			}
		})
	}
}

func TestRunPassesTheDeploymentConfig(t *testing.T) {
	dir := artifactsDir(t, "ok.tar.gz")
	envFile := filepath.Join(dir, "model.env")
	if err := os.WriteFile(envFile, []byte("# settings\nexport SAGEMAKER_PROGRAM=serve.py\n\nHF_TASK='text-generation'\nA=from-file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fakeInspect{}
	code, _, stderr := runTest(t, dir, f, nil, "check", "--framework", "pytorch", "--env-file", envFile,
		"--env", "A=from-flag", "--env", "B=x=y,z", "--image", "img:1", "--instance-type", "ml.m5.large",
		"--region", "eu-west-1", "--max-entries", "7", "--max-member-read", "16MiB", "--max-total-bytes", "-1", "ok.tar.gz")
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	want := rules.Config{
		Framework:    "pytorch",
		Env:          map[string]string{"SAGEMAKER_PROGRAM": "serve.py", "HF_TASK": "text-generation", "A": "from-flag", "B": "x=y,z"},
		Image:        "img:1",
		InstanceType: "ml.m5.large",
		Region:       "eu-west-1",
		Limits: artifact.Limits{
			MaxEntries:    7,
			MaxPathLen:    artifact.DefaultMaxPathLen,
			MaxDepth:      artifact.DefaultMaxDepth,
			MaxTotalBytes: -1,
			MaxRatio:      artifact.DefaultMaxRatio,
			RatioFloor:    artifact.DefaultRatioFloor,
			MaxMemberRead: 16 << 20,
		},
	}
	if len(f.cfgs) != 1 {
		t.Fatalf("inspect called %d times, want 1", len(f.cfgs))
	}
	if d := cmp.Diff(want, f.cfgs[0]); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
}

func TestRunReadsStdin(t *testing.T) {
	dir := artifactsDir(t)
	var got string
	f := &fakeInspect{}
	e := &env{stdin: strings.NewReader("bytes"), stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" }, colorOK: func(io.Writer) bool { return false },
		inspect: func(ctx context.Context, src artifact.Source, cfg rules.Config) (rules.Result, error) {
			rc, err := src.Open(ctx)
			if err != nil {
				return rules.Result{}, err
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			got = src.Name() + ":" + string(b)
			return f.inspect(ctx, src, cfg)
		}}
	t.Chdir(dir)
	if code := e.run(context.Background(), []string{"check", "-"}); code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	if got != "-:bytes" {
		t.Errorf("inspected %q, want %q", got, "-:bytes")
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"findings", errFindings, exitFindings},
		{"usage", usageError("", "bad"), exitUsage},
		{"unknown framework", fmt.Errorf("x: %w", rules.ErrUnknownFramework), exitUsage},
		{"not inspected", errNotInspected, exitNotInspected},
		{"not found", fmt.Errorf("x: %w", artifact.ErrNotFound), exitNotInspected},
		{"not an archive", fmt.Errorf("x: %w", artifact.ErrNotArchive), exitNotInspected},
		{"corrupt", &artifact.CorruptError{Err: io.ErrUnexpectedEOF}, exitNotInspected},
		{"limit", &artifact.LimitError{Limit: "entries"}, exitNotInspected},
		{"no such member", errMemberNotFound, exitNotInspected},
		{"interrupted", context.Canceled, exitNotInspected},
		{"anything else", errors.New("disk on fire"), exitNotInspected},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestColor(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		noColor bool
		tty     bool
		want    bool
	}{
		{"terminal", nil, false, true, true},
		{"not a terminal", nil, false, false, false},
		{"--no-color", nil, true, true, false},
		{"NO_COLOR", map[string]string{"NO_COLOR": "1"}, false, true, false},
		{"empty NO_COLOR", map[string]string{"NO_COLOR": ""}, false, true, true},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, false, true, false},
	}
	for _, tt := range tests {
		e := &env{getenv: func(k string) string { return tt.env[k] }, colorOK: func(io.Writer) bool { return tt.tty }}
		if got := e.useColor(io.Discard, tt.noColor); got != tt.want {
			t.Errorf("%s: useColor = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFlagsFirst(t *testing.T) {
	flags := e0().checkCommand().Flags
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"flags already first", []string{"--format", "json", "a"}, []string{"--format", "json", "--", "a"}},
		{"flag after artifact", []string{"a", "--format", "json", "b"}, []string{"--format", "json", "--", "a", "b"}},
		{"bool flag does not take the next argument", []string{"a", "-v", "b"}, []string{"-v", "--", "a", "b"}},
		{"flag=value", []string{"a", "--fail-on=never"}, []string{"--fail-on=never", "--", "a"}},
		{"repeated slice flag", []string{"a", "--env", "A=1", "--env", "B=2"}, []string{"--env", "A=1", "--env", "B=2", "--", "a"}},
		{"negative value", []string{"a", "--max-entries", "-1"}, []string{"--max-entries", "-1", "--", "a"}},
		{"stdin", []string{"-", "--format", "json"}, []string{"--format", "json", "--", "-"}},
		{"double dash ends flags", []string{"a", "--", "--odd"}, []string{"--", "a", "--odd"}},
		{"no arguments", []string{"--help"}, []string{"--help"}},
		{"help after an artifact", []string{"a", "--format", "json", "-h"}, []string{"--help"}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, flagsFirst(flags, tt.in)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

// e0 is an env for building commands only.
func e0() *env { return &env{} }
