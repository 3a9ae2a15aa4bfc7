package main

import (
	"fmt"
	"io"

	"github.com/mati-dev/mati/rules"
)

// renderCI writes r in one of the formats for CI and editors: sarif,
// github, text, or the baseline document of "mati baseline".
func (e *env) renderCI(w io.Writer, format string, r rules.Report) error {
	switch format {
	case "sarif":
		v := e.version
		if v == "" {
			v = buildVersion()
		}
		return renderSARIF(w, r, v)
	case "github":
		return renderGitHub(w, display(r, e.pol.showSuppressed()))
	case "text":
		return renderText(w, display(r, e.pol.showSuppressed()))
	case "baseline":
		return rules.NewBaseline(r.Artifacts).Write(w)
	}
	return fmt.Errorf("failed to render: unknown format %q", format)
}

// renderText writes each finding of r in the canonical one-line form
// "path:line:col: message [rule-id]", one a line, in the report's order
// (artifacts as given, findings sorted). Artifacts that could not be
// inspected were reported on stderr and add nothing.
func renderText(w io.Writer, r rules.Report) error {
	ew := &errWriter{w: w}
	for _, a := range r.Artifacts {
		for _, f := range a.Findings {
			fmt.Fprintln(ew, printable(f.String()))
		}
	}
	return ew.err
}
