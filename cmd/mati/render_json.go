package main

// The JSON renderers write the one document of every command (check, scan,
// builder): rules.Report, whose artifacts carry their optional container
// and cached fields. They differ only in layout: indented, one line, or
// one line per artifact (JSON Lines). Every list is [], never null, and
// severities are their names.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mati-dev/mati/rules"
)

// renderJSON writes r to w as exactly one JSON document (schema_version,
// artifacts, summary), indented, followed by a newline.
func renderJSON(w io.Writer, r rules.Report) error {
	if err := encodeJSON(w, withEmptyLists(r), "  "); err != nil {
		return fmt.Errorf("failed to write the JSON report: %w", err)
	}
	return nil
}

// renderJSONCompact writes r as renderJSON does, on one line: a bucket's
// report can hold thousands of artifacts, and indenting costs as much as
// encoding (jq . indents it for reading).
func renderJSONCompact(w io.Writer, r rules.Report) error {
	if err := encodeJSON(w, withEmptyLists(r), ""); err != nil {
		return fmt.Errorf("failed to write the JSON report: %w", err)
	}
	return nil
}

// renderJSONLine writes one artifact's result as one line of JSON (JSON
// Lines), in one Write call.
func renderJSONLine(w io.Writer, res rules.Result) error {
	var buf bytes.Buffer
	if err := encodeJSON(&buf, res.WithEmptyLists(), ""); err != nil {
		return fmt.Errorf("failed to encode %q: %w", res.Source, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// encodeJSON writes v and a newline, with indent ("" for one line).
func encodeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	return enc.Encode(v)
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
