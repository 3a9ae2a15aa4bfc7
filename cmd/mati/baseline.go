package main

// The rules of "mati baseline" are:
//   - it judges its targets as "mati check" does, with the same flags and
//     the configuration file, and writes the baseline document of the
//     findings that are reported (not those already suppressed) to stdout;
//   - --from-report reads the findings from a report of mati check or
//     mati scan (--format json or jsonl) instead, so a bucket audited once
//     need not be read again;
//   - it exits 0 whatever the findings, and 3 when an artifact could not be
//     inspected (its findings would be missing from the baseline).

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/rules"
)

// baselineCommand is "mati baseline [flags] TARGET...".
func (e *env) baselineCommand() *cli.Command {
	c := e.checkCommand()
	drop := []string{"format", "fail-on", "verbose", "no-color", "baseline", "show-suppressed"}
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "baseline", Hidden: true},
		&cli.StringFlag{Name: "fail-on", Value: "never", Hidden: true},
		&cli.StringSliceFlag{Name: "from-report", Usage: "read the findings from `REPORT`, the output of mati check or mati scan with --format json or jsonl (repeatable; - for standard input), instead of judging targets", Category: catOutput},
	}
	for _, f := range c.Flags {
		if !slices.Contains(drop, f.Names()[0]) {
			flags = append(flags, f)
		}
	}
	return &cli.Command{
		Name:      "baseline",
		Usage:     "record the current findings, so that --baseline reports only new ones",
		UsageText: "mati baseline [flags] TARGET... > .mati-baseline.json\nmati baseline --from-report REPORT... > .mati-baseline.json",
		Description: fmt.Sprintf(`Judges the targets as mati check does and writes a baseline of the findings
to standard output. mati check --baseline FILE and mati scan --baseline FILE
then report (and fail on) only the findings that are not in it; the others
count as suppressed. A finding is recorded by its artifact, rule, path in
the artifact, line and a hash of its message that does not change when its
code moves to another line.

Exit codes: %d the baseline was written, %d usage error, %d an artifact could
not be inspected.

Example:
   mati baseline models/*.tar.gz > .mati-baseline.json
   mati scan --format jsonl s3://my-bucket/models/ > audit.jsonl
   mati baseline --from-report audit.jsonl > .mati-baseline.json`, exitOK, exitUsage, exitNotInspected),
		Flags:  flags,
		Action: e.baseline,
	}
}

// baseline is the action of "mati baseline".
func (e *env) baseline(c *cli.Context) error {
	reports := c.StringSlice("from-report")
	if len(reports) == 0 {
		return e.check(c)
	}
	if c.NArg() > 0 {
		return usageError("give either targets or --from-report", "unexpected argument %q with --from-report", c.Args().First())
	}
	if err := e.loadPolicy(c, nil); err != nil {
		return err
	}
	var results []rules.Result
	failed := 0
	for _, name := range reports {
		rs, err := e.readReport(name)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Error != "" {
				failed++
			}
			results = append(results, e.pol.apply(r))
		}
	}
	if err := rules.NewBaseline(results).Write(e.stdout); err != nil {
		return err
	}
	if failed > 0 {
		printWarning(e.stderr, "%d artifacts of the reports were not inspected: their findings are not in the baseline", failed)
		return errNotInspected
	}
	return nil
}

// reportValue is one JSON value of a report: a whole document (check or
// scan --format json) or one artifact (scan --format jsonl).
type reportValue struct {
	rules.Result
	Artifacts []rules.Result `json:"artifacts"`
}

// readReport reads the artifacts of a JSON or JSON Lines report; "-" reads
// standard input.
func (e *env) readReport(name string) ([]rules.Result, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageError("give a report written by mati check or mati scan with --format json or jsonl", "failed to read the report %q: %v", name, unwrapPathError(err))
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(bufio.NewReader(r))
	var out []rules.Result
	for n := 1; ; n++ {
		var v reportValue
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageError("give a report written by mati check or mati scan with --format json or jsonl", "failed to read the report %q: value %d: %v", name, n, err)
		}
		switch {
		case v.Artifacts != nil:
			out = append(out, v.Artifacts...)
		case v.Source != "":
			out = append(out, v.Result)
		default:
			return nil, usageError("give a report written by mati check or mati scan with --format json or jsonl", "failed to read the report %q: value %d is neither a report nor an artifact", name, n)
		}
	}
	return out, nil
}
