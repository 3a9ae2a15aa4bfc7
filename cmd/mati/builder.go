package main

// The rules of "mati builder" are:
//   - a PATH is a Python file, a folder (searched for *.py, hidden folders,
//     __pycache__ and virtual environments left out) or - for standard input;
//   - a file named on the command line is always reported; a file found in a
//     folder is reported only when it holds a builder class, and a folder
//     without any gives a warning;
//   - the report, --format, --fail-on and the exit codes are those of
//     "mati check": each file is an artifact of the document, with format
//     "python" and the framework of its first builder class.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/rules"
)

// maxBuilderBytes is the largest Python file "mati builder" reads.
const maxBuilderBytes = 16 << 20

// builderCommand is "mati builder [flags] PATH...".
func (e *env) builderCommand() *cli.Command {
	return &cli.Command{
		Name:      "builder",
		Usage:     "judge SageMaker Pipelines step builders (Python files or folders)",
		UsageText: "mati builder [flags] PATH...",
		Description: fmt.Sprintf(`Finds the step builder classes in Python files (a class whose _create_model
returns a SageMaker model, or whose create_step returns a CreateModelStep or
ModelStep) and reports what would break the model they create. The code is
parsed, never run. A folder is searched for *.py files.

Exit codes: %d no finding at or above --fail-on, %d findings at or above it,
%d usage error, %d a file could not be read.

Example:
   mati builder pipelines/steps/
   mati builder --format json --fail-on warning model_step.py`,
			exitOK, exitFindings, exitUsage, exitNotInspected),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "table", Usage: formatUsage(builderFormats), Category: catOutput},
			failOnFlag(),
			noColorFlag(),
			policyFlags()[0], policyFlags()[1], policyFlags()[3],
		},
		Action: e.builder,
	}
}

// builderOptions are the parsed flags of "mati builder".
type builderOptions struct {
	format string
	failOn rules.FailOn
	color  bool
}

// builder is the action of "mati builder".
func (e *env) builder(c *cli.Context) error {
	if err := e.loadPolicy(c, builderFormats); err != nil {
		return err
	}
	opts := builderOptions{format: c.String("format"), color: e.useColor(e.stdout, c.Bool("no-color"))}
	if !slices.Contains(builderFormats, opts.format) {
		return formatError(builderFormats, opts.format)
	}
	failOn, err := failOnFromFlags(c)
	if err != nil {
		return err
	}
	opts.failOn = failOn
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return usageError("give one or more Python files or folders, e.g. mati builder pipelines/", "no path given")
	}
	if n := countStdin(paths); n > 1 {
		return usageError("standard input can be read only once", "- is given %d times", n)
	}
	report := rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: []rules.Result{}}
	for _, p := range paths {
		report.Artifacts = append(report.Artifacts, e.checkBuilderPath(p)...)
	}
	for i, a := range report.Artifacts {
		report.Artifacts[i] = e.pol.apply(a)
	}
	report.Summary = rules.Summarize(report.Artifacts)
	switch opts.format {
	case "json":
		err = renderJSON(e.stdout, report)
	case "sarif", "github", "text":
		err = e.renderCI(e.stdout, opts.format, report)
	default:
		err = renderBuilderTable(e.stdout, display(report, e.pol.showSuppressed()), tableOptions{Color: opts.color})
	}
	if err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	return outcomeError(rules.Judge(report.Artifacts, opts.failOn))
}

// checkBuilderPath judges the file at p, or the Python files below folder
// p. A path that cannot be read gives a result with its Error set, and is
// reported on stderr.
func (e *env) checkBuilderPath(p string) []rules.Result {
	if p == "-" {
		return []rules.Result{e.checkBuilderFile(p, e.stdin)}
	}
	fi, err := os.Stat(p)
	if err != nil {
		return []rules.Result{e.builderError(p, err)}
	}
	if !fi.IsDir() {
		return []rules.Result{e.checkBuilderFile(p, nil)}
	}
	files, err := pythonFiles(p)
	if err != nil {
		return []rules.Result{e.builderError(p, err)}
	}
	var out []rules.Result
	for _, f := range files {
		res := e.checkBuilderFile(f, nil)
		if res.Error != "" || res.FrameworkReason != rules.NoBuilderReason {
			out = append(out, res)
		}
	}
	if len(out) == 0 {
		printWarning(e.stderr, "no builder class found in %q (%d Python files)", p, len(files))
	}
	return out
}

// checkBuilderFile reads and judges one file; r is nil to open the file
// named p.
func (e *env) checkBuilderFile(p string, r io.Reader) rules.Result {
	if r == nil {
		f, err := os.Open(p)
		if err != nil {
			return e.builderError(p, err)
		}
		defer f.Close()
		r = f
	}
	src, err := io.ReadAll(io.LimitReader(r, maxBuilderBytes+1))
	if err != nil {
		return e.builderError(p, err)
	}
	if len(src) > maxBuilderBytes {
		return e.builderError(p, fmt.Errorf("larger than %s", formatSize(maxBuilderBytes)))
	}
	res, err := rules.CheckBuilder(p, src)
	if err != nil {
		printError(e.stderr, fmt.Errorf("failed to inspect %q: %w", p, err))
	}
	return res
}

// builderError reports a path that could not be read and returns its
// result.
func (e *env) builderError(p string, err error) rules.Result {
	err = fmt.Errorf("failed to read %q: %w", p, unwrapPathError(err))
	printError(e.stderr, err)
	res := emptyResult(p, err)
	res.Format = rules.BuilderFormat
	return res
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// skippedDirs are folders never searched for builders.
var skippedDirs = []string{"__pycache__", "node_modules", "venv", "site-packages"}

// pythonFiles returns the *.py files below dir, sorted, leaving out hidden
// folders and those in skippedDirs.
func pythonFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(d.Name(), ".") || slices.Contains(skippedDirs, d.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".py") {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// renderBuilderTable writes the human-readable builder report to w: for each
// file a header line and its findings, then a one-line summary and a tip.
func renderBuilderTable(w io.Writer, r rules.Report, opts tableOptions) error {
	ew := &errWriter{w: w}
	for i, a := range r.Artifacts {
		if i > 0 {
			fmt.Fprintln(ew)
		}
		fw := a.Framework
		if a.FrameworkReason != "" {
			fw += " (" + a.FrameworkReason + ")"
		}
		if a.Error != "" {
			fmt.Fprintln(ew, printable(fmt.Sprintf("%s: not inspected: %s", a.Source, a.Error)))
			continue
		}
		fmt.Fprintln(ew, printable(fmt.Sprintf("%s: %s, %s", a.Source, fw, formatSize(a.TotalSize))))
		fmt.Fprintln(ew)
		if len(a.Findings) == 0 {
			fmt.Fprintln(ew, "No findings.")
			continue
		}
		rows := make([][]string, 0, len(a.Findings))
		for _, f := range a.Findings {
			loc := fmt.Sprintf("%d:%d", f.Line, f.Column)
			rows = append(rows, []string{severityCell(f.Severity, opts.Color), f.RuleID, loc, printable(f.Message), printable(f.Hint)})
		}
		if ew.err != nil {
			return ew.err
		}
		if err := writeTable(ew, []string{"Severity", "Rule", "Location", "Message", "Hint"}, rows, true); err != nil {
			return err
		}
	}
	if len(r.Artifacts) > 0 {
		fmt.Fprintln(ew)
	}
	fmt.Fprintln(ew, strings.Replace(summaryLine(r.Summary), "artifact", "file", 1))
	fmt.Fprintln(ew, "Tip: use --format json for machine-readable output.")
	return ew.err
}
