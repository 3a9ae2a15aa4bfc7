package main

import (
	"encoding/json"
	"fmt"
	"io"

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

// withEmptyLists returns a copy of r whose nil slices are empty, so they
// marshal as [] rather than null.
func withEmptyLists(r rules.Report) rules.Report {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = rules.SchemaVersion
	}
	arts := make([]rules.Result, len(r.Artifacts))
	for i, a := range r.Artifacts {
		a.Entries = orEmpty(a.Entries)
		a.Expected = orEmpty(a.Expected)
		a.Handlers = orEmpty(a.Handlers)
		a.Findings = orEmpty(a.Findings)
		arts[i] = a
	}
	r.Artifacts = arts
	return r
}

// orEmpty returns s, or an empty slice when s is nil.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
