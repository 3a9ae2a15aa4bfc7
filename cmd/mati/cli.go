package main

// The rules of this command line are:
//   - stdout carries the report (findings, listings, member bytes) and nothing else;
//   - stderr carries "mati: error: ...", "mati: warning: ..." and "mati: hint: ...",
//     lower case with no final period;
//   - the exit code is decided in one place, exitCode, from sentinel errors;
//   - nothing below run prints to stderr except through printError and
//     printWarning, and nothing calls os.Exit.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

// Exit codes. They are documented in the usage text and in the README.
const (
	// exitOK means no finding at or above --fail-on.
	exitOK = 0
	// exitFindings means findings at or above --fail-on.
	exitFindings = 1
	// exitUsage means the command line was wrong.
	exitUsage = 2
	// exitNotInspected means an artifact could not be inspected (missing, not
	// an archive, unreadable, S3 error). It beats exitFindings.
	exitNotInspected = 3
)

// Sentinel errors that decide the exit code.
var (
	// errUsage is wrapped by every command-line mistake.
	errUsage = errors.New("usage error")
	// errFindings means findings at or above --fail-on; the report already
	// says so, so nothing more is printed.
	errFindings = errors.New("findings at or above the --fail-on severity")
	// errNotInspected means at least one artifact could not be inspected; each
	// was already reported on stderr.
	errNotInspected = errors.New("an artifact could not be inspected")
	// errMemberNotFound is wrapped when `mati cat` finds no such member.
	errMemberNotFound = errors.New("no such member")
	// errNotRegular is wrapped when `mati cat` is asked for a member that is
	// not a regular file.
	errNotRegular = errors.New("not a regular file")
)

// cliError is an error of a given kind (one of the sentinels above) with an
// optional hint for the user.
type cliError struct {
	kind error
	err  error
	hint string
}

func (e *cliError) Error() string   { return e.err.Error() }
func (e *cliError) Unwrap() []error { return []error{e.kind, e.err} }

// Hint returns the hint given to the error, or the one the cause carries.
func (e *cliError) Hint() string {
	if e.hint != "" {
		return e.hint
	}
	return artifact.HintOf(e.err)
}

// usageError returns a usage error for err with hint ("" for none).
func usageError(hint string, format string, args ...any) error {
	return &cliError{kind: errUsage, err: fmt.Errorf(format, args...), hint: hint}
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage), errors.Is(err, rules.ErrUnknownFramework):
		return exitUsage
	case errors.Is(err, errNotInspected),
		errors.Is(err, errMemberNotFound),
		errors.Is(err, errNotRegular),
		errors.Is(err, artifact.ErrNotFound),
		errors.Is(err, artifact.ErrNotArchive),
		errors.Is(err, artifact.ErrCorrupt),
		errors.Is(err, artifact.ErrLimit),
		errors.Is(err, context.Canceled):
		return exitNotInspected
	case errors.Is(err, errFindings):
		return exitFindings
	default:
		// Anything else failed while reading or writing: treat it as an
		// artifact that could not be inspected.
		return exitNotInspected
	}
}

// reported reports whether err was already explained to the user (by the
// report or by per-artifact errors), so that run prints nothing more.
func reported(err error) bool {
	return errors.Is(err, errFindings) || errors.Is(err, errNotInspected)
}

// printError writes "mati: error: ..." and, when the error carries one,
// "mati: hint: ..." to w.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "mati: error: %s\n", oneLine(err.Error()))
	if h := artifact.HintOf(err); h != "" {
		fmt.Fprintf(w, "mati: hint: %s\n", oneLine(h))
	}
}

// printWarning writes "mati: warning: ..." to w.
func printWarning(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "mati: warning: %s\n", oneLine(fmt.Sprintf(format, args...)))
}

// oneLine keeps a message on one printable line, so every stderr line
// starts with "mati: ".
func oneLine(s string) string {
	return printable(strings.Join(strings.Fields(s), " "))
}

// env is what the commands need from the outside world; tests replace parts
// of it.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// inspect judges one artifact (rules.Inspect).
	inspect func(ctx context.Context, src artifact.Source, cfg rules.Config) (rules.Result, error)
	// getenv reads an environment variable (os.Getenv).
	getenv func(string) string
	// version is the version to print; "" means the build's own.
	version string
	// colorOK reports whether w can show colour (a terminal).
	colorOK func(w io.Writer) bool
	// pol is the configuration and suppressions of the run (policy.go).
	pol *policyState
}

// run runs mati with args (without the program name) and returns the exit
// code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{
		stdin:   stdin,
		stdout:  stdout,
		stderr:  stderr,
		inspect: rules.Inspect,
		getenv:  os.Getenv,
		colorOK: isTerminal,
	}
	return e.run(ctx, args)
}

// run runs mati with args and returns the exit code.
func (e *env) run(ctx context.Context, args []string) int {
	app := e.newApp()
	if len(args) > 0 {
		if c := app.Command(args[0]); c != nil {
			args = append([]string{args[0]}, flagsFirst(c.Flags, args[1:])...)
		}
	}
	err := app.RunContext(ctx, append([]string{"mati"}, args...))
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		// urfave/cli returns these only for "mati help TOPIC" with an
		// unknown topic.
		msg := err.Error()
		if msg != "" {
			msg = strings.ToLower(msg[:1]) + msg[1:]
		}
		err = usageError("run 'mati --help' for the commands", "%s", msg)
	}
	if err != nil && !reported(err) {
		printError(e.stderr, err)
	}
	return exitCode(err)
}

// newApp builds the command line, writing to e's streams.
func (e *env) newApp() *cli.App {
	app := &cli.App{
		Name:                      "mati",
		HelpName:                  "mati",
		Usage:                     "inspect SageMaker model artifacts",
		CustomAppHelpTemplate:     appHelp(),
		Reader:                    e.stdin,
		Writer:                    e.stdout,
		ErrWriter:                 e.stderr,
		DisableSliceFlagSeparator: true,
		// Errors are printed and mapped to exit codes by run.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsageError,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "version", Usage: "print the version, the Go version and the platform, then exit"},
		},
		Commands: []*cli.Command{
			e.checkCommand(),
			e.lsCommand(),
			e.catCommand(),
			e.rulesCommand(),
			e.builderCommand(),
			e.scanCommand(),
			e.baselineCommand(),
			e.preCommitCommand(),
			e.versionCommand(),
			e.completionCommand(),
			e.manCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				return e.printVersion(c.App.Writer)
			}
			if c.NArg() == 0 {
				return usageError("run 'mati --help' for the commands, e.g. mati check model.tar.gz", "no command given")
			}
			return usageError("run 'mati --help' for the commands", "unknown command %q", c.Args().First())
		},
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsageError
		addEnvVars(c)
	}
	return app
}

// onUsageError turns a flag parsing error into a usage error.
func onUsageError(c *cli.Context, err error, isSubcommand bool) error {
	hint := "run 'mati --help' for usage"
	if isSubcommand && c.Command != nil {
		hint = fmt.Sprintf("run 'mati %s --help' for its flags", c.Command.Name)
	}
	return &cliError{kind: errUsage, err: err, hint: hint}
}

// flagsFirst moves the flags that follow positional arguments in front of
// them, so that "mati check model.tar.gz --format json" works: the flag
// parser stops at the first positional argument. A "--" ends the flags; a
// lone "-" is an argument (standard input).
//
//	[a.tar.gz --format json b]     -> [--format json -- a.tar.gz b]
//	[--fail-on=never a -v]         -> [--fail-on=never -v -- a]
//	[a -- --odd-name]              -> [-- a --odd-name]
//	[a --format json -h]           -> [--help]
func flagsFirst(flags []cli.Flag, args []string) []string {
	takesValue := map[string]bool{}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var fl, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if a == "-h" || a == "--help" || a == "-help" {
			// Help wins, and takes no arguments.
			return []string{"--help"}
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		fl = append(fl, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(args) {
			i++
			fl = append(fl, args[i])
		}
	}
	if len(pos) == 0 {
		return fl
	}
	return append(append(fl, "--"), pos...)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether output to w is coloured: only on a terminal,
// never with --no-color, NO_COLOR set to anything, or TERM=dumb.
func (e *env) useColor(w io.Writer, noColor bool) bool {
	if noColor || e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
		return false
	}
	return e.colorOK(w)
}
