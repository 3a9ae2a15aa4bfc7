package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mati-dev/mati/fixtures"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mati": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scripts in testdata/script: usage errors, help,
// --version, rules, and errors that need no judging.
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

// TestScriptEngine runs the scripts in testdata/script-engine, which assert
// what the rules engine finds in artifacts: they change when rules change.
func TestScriptEngine(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script-engine"))
}

// scriptParams are the settings shared by the script tests. Scripts see
// $FIXTURES (the generated fixture artifacts), run without colour, and can
// assert an exact exit code with "exits CODE command [args...]".
func scriptParams(t *testing.T, dir string) testscript.Params {
	t.Helper()
	fixtures := fixturesDir(t)
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixtures)
			e.Setenv("NO_COLOR", "1")
			for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"} {
				e.Setenv(k, "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
	}
}

// cmdExits runs a command, like exec, and fails unless it exits with the
// given code: "exits 3 mati check missing.tar.gz".
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: invalid code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// fixturesDir returns the absolute path of the generated fixtures.
func fixturesDir(t *testing.T) string {
	t.Helper()
	return fixtures.TestdataDir()
}
