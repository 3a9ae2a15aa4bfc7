package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mati-dev/mati/rules"
)

// TestFixtures runs "mati check --format json" and "mati ls" over every
// generated fixture with the real engine: whatever the input, mati exits
// with 0, 1 or 3, prints exactly one JSON document, prefixes every stderr
// line with "mati: ", and exits with 3 exactly when an artifact could not be
// inspected.
func TestFixtures(t *testing.T) {
	dir := fixturesDir(t)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run go generate ./fixtures)", err)
	}
	if len(ents) < 100 {
		t.Fatalf("only %d fixtures in %s (run go generate ./fixtures)", len(ents), dir)
	}
	for _, de := range ents {
		name := de.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".go") {
			continue
		}
		path := filepath.Join(dir, name)
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runReal(t, "check", "--format", "json", "--fail-on", "never", path)
			checkStderr(t, stderr)
			var r rules.Report
			dec := json.NewDecoder(strings.NewReader(stdout))
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
			}
			if dec.More() {
				t.Error("stdout holds more than one JSON document")
			}
			switch {
			case r.Summary.Failed > 0 && code != exitNotInspected:
				t.Errorf("not inspected but exit code %d", code)
			case r.Summary.Failed == 0 && code != exitOK:
				t.Errorf("exit code %d with --fail-on never\nstderr:\n%s", code, stderr)
			}

			code, _, stderr = runReal(t, "ls", path)
			checkStderr(t, stderr)
			if code != exitOK && code != exitNotInspected {
				t.Errorf("mati ls exit code %d", code)
			}
		})
	}
}

// runReal runs mati with the real engine and returns the exit code and the
// streams.
func runReal(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:   strings.NewReader(""),
		stdout:  &stdout,
		stderr:  &stderr,
		inspect: rules.Inspect,
		getenv:  func(string) string { return "" },
		version: "v0.0.0-test",
		colorOK: func(io.Writer) bool { return false },
	}
	code := e.run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// checkStderr fails for a stderr line that does not start with "mati: ".
func checkStderr(t *testing.T, stderr string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, "mati: ") {
			t.Errorf("stderr line without the mati: prefix: %q", line)
		}
	}
}
