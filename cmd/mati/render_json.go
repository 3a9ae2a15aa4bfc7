package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// renderJSON writes r to w as exactly one JSON document (schema_version,
// artifacts, summary), indented, followed by a newline. Every list is [],
// never null, and severities are their names. It takes no options.
func renderJSON(w io.Writer, r rules.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(withEmptyLists(r)); err != nil {
		return fmt.Errorf("failed to write the JSON report: %w", err)
	}
	return nil
}

// renderJSONContainers writes r like renderJSON, with each artifact's
// container (index for index; a nil entry adds nothing) as a "container"
// object after the artifact's other fields. Without any container the
// output is exactly renderJSON's.
func renderJSONContainers(w io.Writer, r rules.Report, containers []*deploy.ContainerView) error {
	if !slices.ContainsFunc(containers, func(c *deploy.ContainerView) bool { return c != nil }) {
		return renderJSON(w, r)
	}
	r = withEmptyLists(r)
	doc := jsonReport{SchemaVersion: r.SchemaVersion, Artifacts: make([]jsonArtifact, len(r.Artifacts)), Summary: r.Summary}
	for i, a := range r.Artifacts {
		doc.Artifacts[i].Result = a
		if i < len(containers) {
			doc.Artifacts[i].Container = containers[i]
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("failed to write the JSON report: %w", err)
	}
	return nil
}

// jsonReport is rules.Report with a container on each artifact. It must
// have the same fields as rules.Report (TestJSONReportFields checks it).
type jsonReport struct {
	SchemaVersion int            `json:"schema_version"`
	Artifacts     []jsonArtifact `json:"artifacts"`
	Summary       rules.Summary  `json:"summary"`
}

// jsonArtifact is an artifact's result and the container it was judged for.
type jsonArtifact struct {
	rules.Result
	// Container is nil for an artifact checked without a container.
	Container *deploy.ContainerView `json:"container,omitempty"`
}

// withEmptyLists returns a copy of r whose nil slices are empty, so they
// marshal as [] rather than null.
func withEmptyLists(r rules.Report) rules.Report {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = rules.SchemaVersion
	}
	arts := make([]rules.Result, len(r.Artifacts))
	for i, a := range r.Artifacts {
		arts[i] = a.WithEmptyLists()
	}
	r.Artifacts = arts
	return r
}
