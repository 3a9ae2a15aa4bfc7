package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// scanReport is the document of "mati scan --format json": the document of
// "mati check" with a "cached" field on the artifacts taken from the cache,
// and, with --sagemaker-models, the "container" object of "mati check
// --sagemaker-model" (its "model" names the model). Artifacts are sorted by
// source, then by model and container.
type scanReport struct {
	SchemaVersion int            `json:"schema_version"`
	Artifacts     []scanArtifact `json:"artifacts"`
	Summary       rules.Summary  `json:"summary"`
}

// scanArtifact is one artifact's result in a scan.
type scanArtifact struct {
	rules.Result
	// Cached is set when the result was reused from --cache.
	Cached bool `json:"cached,omitempty"`
	// Container is the SageMaker model container the artifact was judged
	// for (--sagemaker-models); nil otherwise. For a model whose
	// DescribeModel call failed, only its Model is known.
	Container *deploy.ContainerView `json:"container,omitempty"`

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

// renderScanJSON writes r as exactly one indented JSON document, lists as
// [] rather than null.
func renderScanJSON(w io.Writer, r scanReport) error {
	r.SchemaVersion = rules.SchemaVersion
	if r.Artifacts == nil {
		r.Artifacts = []scanArtifact{}
	}
	for i := range r.Artifacts {
		r.Artifacts[i].Result = r.Artifacts[i].Result.WithEmptyLists()
	}
	// Compact: a bucket's report can hold thousands of artifacts, and
	// indenting costs as much as encoding (jq . indents it for reading).
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("failed to write the JSON report: %w", err)
	}
	return nil
}

// renderScanLine writes one artifact as one line of JSON (JSON Lines), in
// one Write call.
func renderScanLine(w io.Writer, a scanArtifact) error {
	a.Result = a.Result.WithEmptyLists()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("failed to encode %q: %w", a.Source, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
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
