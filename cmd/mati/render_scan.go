package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/mati-dev/mati/rules"
)

// scanReport is what the scan table shows: the report's artifacts with
// their sizes and verdicts. Artifacts are sorted by source, then by model
// and container.
type scanReport struct {
	Artifacts []scanArtifact
	Summary   rules.Summary
}

// report returns the JSON document of the scan: the document of "mati
// check", artifacts in order.
func (r scanReport) report() rules.Report {
	arts := make([]rules.Result, len(r.Artifacts))
	for i, a := range r.Artifacts {
		arts[i] = a.Result
	}
	return rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: arts, Summary: r.Summary}
}

// scanArtifact is one artifact's result in a scan, with what the table
// shows beside it. Its Result carries "cached" (reused from --cache) and,
// with --sagemaker-models, the "container" of "mati check
// --sagemaker-model" (for a model whose DescribeModel call failed, only
// its Model is known).
type scanArtifact struct {
	rules.Result

	// size is the artifact's size in bytes, as listed.
	size int64
	// failing is set when a finding is at or above --fail-on.
	failing bool
	// errors and warnings count the findings of those severities; the
	// table keeps them when it drops the findings of passing artifacts.
	errors, warnings int
}

// containerKey orders the artifacts of one source: by model, then by
// container; "" without a container.
func (a scanArtifact) containerKey() string {
	if a.Container == nil {
		return ""
	}
	return a.Container.Model + "\x00" + a.Container.Field
}

// modelCell is the Model column of the scan table: the model's name, with
// the container's field when it is not the PrimaryContainer.
//
//	churn                   (PrimaryContainer)
//	pipeline Containers[1]  (the second container of an inference pipeline)
func (a scanArtifact) modelCell() string {
	c := a.Container
	switch {
	case c == nil:
		return "-"
	case c.Field == "" || c.Field == "PrimaryContainer":
		return c.Model
	}
	return c.Model + " " + c.Field
}

// scanTableOptions tune renderScanTable.
type scanTableOptions struct {
	// Color colours the severities.
	Color bool
	// Cached is how many results came from the cache.
	Cached int
}

// renderScanTable writes the scan as tables: one row per artifact (source,
// framework, errors, warnings, size, status), then the findings of each
// failing artifact and the error of each one not inspected, then the totals
// and a tip. With SageMaker containers, a Model column follows the source
// (models are listed without a size), and each artifact shown in detail
// shows its container block.
//
//	Source            Framework  Errors  Warnings  Size     Status
//	models/a.tar.gz   pytorch    0       1         1.2 MiB  pass
//	models/b.tar.gz   sklearn    2       0         3.0 KiB  fail (cached)
func renderScanTable(w io.Writer, r scanReport, opts scanTableOptions) error {
	ew := &errWriter{w: w}
	models := slices.ContainsFunc(r.Artifacts, func(a scanArtifact) bool { return a.Container != nil })
	if len(r.Artifacts) == 0 {
		fmt.Fprintln(ew, "No artifacts found.")
	} else {
		header := []string{"Source", "Framework", "Errors", "Warnings", "Size", "Status"}
		if models {
			header = []string{"Source", "Model", "Framework", "Errors", "Warnings", "Status"}
		}
		rows := make([][]string, 0, len(r.Artifacts))
		for _, a := range r.Artifacts {
			row := []string{printable(a.Source), a.Framework, fmt.Sprint(a.errors), fmt.Sprint(a.warnings), formatSize(a.size), scanStatus(a)}
			if models {
				row = []string{printable(a.Source), printable(a.modelCell()), a.Framework, fmt.Sprint(a.errors), fmt.Sprint(a.warnings), scanStatus(a)}
			}
			rows = append(rows, row)
		}
		if err := writeTable(ew, header, rows, false); err != nil {
			return err
		}
	}
	for _, a := range r.Artifacts {
		if a.Error == "" && !a.failing {
			continue
		}
		fmt.Fprintln(ew)
		fmt.Fprintln(ew, printable(headerLine(a.Result)))
		if a.Container != nil && a.Container.Field != "" {
			renderContainer(ew, a.Container)
			if a.Error == "" {
				fmt.Fprintln(ew)
			}
		}
		if a.Error != "" {
			continue
		}
		if err := renderFindings(ew, a.Result, tableOptions{Color: opts.Color}); err != nil {
			return err
		}
	}
	fmt.Fprintln(ew)
	line := summaryLine(r.Summary)
	if opts.Cached > 0 {
		line += fmt.Sprintf(", %d from the cache", opts.Cached)
	}
	fmt.Fprintln(ew, line)
	fmt.Fprintln(ew, "Tip: use --format json for machine-readable output.")
	return ew.err
}

// scanStatus is "pass", "fail" (findings at or above --fail-on) or "not
// inspected", with " (cached)" for a result from the cache.
func scanStatus(a scanArtifact) string {
	s := "pass"
	switch {
	case a.Error != "":
		s = "not inspected"
	case a.failing:
		s = "fail"
	}
	if a.Cached {
		s += " (cached)"
	}
	return s
}
