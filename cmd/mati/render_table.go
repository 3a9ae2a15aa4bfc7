package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// maxFileRows is how many entries the files table shows without -v, so that
// a 20,000-entry artifact stays readable. Missing files and findings are
// never cut.
const maxFileRows = 50

// cellWidth is the widest a message or hint cell grows before it wraps.
const cellWidth = 48

// tableOptions tune renderTable.
type tableOptions struct {
	// Color colours the severities with ANSI escapes; the caller decides
	// (a terminal, no --no-color, no NO_COLOR).
	Color bool
	// Verbose lists every entry, directories included. Without it the files
	// table lists regular files, links and special entries, at most
	// maxFileRows of them, followed by a line counting the rest.
	Verbose bool
}

// renderTable writes the human-readable report to w: for each artifact a
// header line, its files, its handlers and its findings; then a one-line
// summary and a tip. The output depends only on r and opts.
func renderTable(w io.Writer, r rules.Report, opts tableOptions) error {
	ew := &errWriter{w: w}
	for i, a := range r.Artifacts {
		if i > 0 {
			fmt.Fprintln(ew)
		}
		if err := renderArtifact(ew, a, opts); err != nil {
			return err
		}
	}
	if len(r.Artifacts) > 0 {
		fmt.Fprintln(ew)
	}
	fmt.Fprintln(ew, summaryLine(r.Summary))
	fmt.Fprintln(ew, "Tip: use --format json for machine-readable output.")
	return ew.err
}

// renderArtifact writes one artifact's section, with the block of the
// container it was judged for, if any.
func renderArtifact(w *errWriter, a rules.Result, opts tableOptions) error {
	fmt.Fprintln(w, printable(headerLine(a)))
	if a.Container != nil {
		renderContainer(w, a.Container)
	}
	if a.Error != "" {
		return w.err
	}
	if err := renderFiles(w, a, opts); err != nil {
		return err
	}
	if len(a.Handlers) > 0 {
		fmt.Fprintln(w)
		if err := renderHandlers(w, a); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	if len(a.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
		return w.err
	}
	return renderFindings(w, a, opts)
}

// headerLine is e.g.
// `model.tar.gz: pytorch (model file "model.pth"), tar.gz, 3 entries, 1.5 MiB`,
// or `x.tar.gz: not inspected: <error>` for an artifact that could not be
// inspected.
func headerLine(a rules.Result) string {
	fw := a.Framework
	if fw == "" {
		fw = "unknown"
	}
	if a.FrameworkReason != "" {
		fw += " (" + a.FrameworkReason + ")"
	}
	if a.Error != "" {
		return fmt.Sprintf("%s: not inspected: %s", a.Source, a.Error)
	}
	format := a.Format
	if format == "" {
		format = "empty"
	}
	return fmt.Sprintf("%s: %s, %s, %s, %s", a.Source, fw, format, plural(len(a.Entries), "entry", "entries"), formatSize(a.TotalSize))
}

// renderContainer writes the container block: the image and what it
// serves, the instance type and the environment, one variable a line with
// secret-looking values already masked. The values come from a model
// definition, so they are escaped.
//
//	Container: PrimaryContainer of model "churn"
//	  Image:          683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
//	  Framework:      xgboost 1.7-1
//	  Variant:        cpu
//	  Instance type:  ml.m5.large
//	  Model data:     s3://my-bucket/churn/model.tar.gz
//	  Environment:    HF_TOKEN=****
//	                  SAGEMAKER_PROGRAM=inference.py
func renderContainer(w *errWriter, c *deploy.ContainerView) {
	row := func(key, value string) {
		if value == "" {
			value = "-"
		}
		fmt.Fprintf(w, "  %-15s %s\n", key, printable(value))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Container: %s\n", printable(c.Label()))
	row("Image:", c.Image)
	fw := strings.TrimSpace(c.Framework + " " + c.Version)
	if fw == "" && c.Image != "" {
		fw = "unknown image: framework checks skipped"
	}
	row("Framework:", fw)
	row("Variant:", c.Variant)
	row("Instance type:", c.InstanceType)
	if c.ModelData != "" {
		row("Model data:", c.ModelData)
	}
	keys := slices.Sorted(maps.Keys(c.Environment))
	if len(keys) == 0 {
		row("Environment:", "")
	}
	for i, k := range keys {
		key := ""
		if i == 0 {
			key = "Environment:"
		}
		row(key, k+"="+c.Environment[k])
	}
}

// renderFiles writes the files table: the entries with their role, size and
// status, then the expected files that are missing.
func renderFiles(w *errWriter, a rules.Result, opts tableOptions) error {
	var rows [][]string
	shown, hidden := 0, 0
	for _, e := range a.Entries {
		if e.Type == "dir" && !opts.Verbose {
			continue
		}
		if !opts.Verbose && shown >= maxFileRows {
			hidden++
			continue
		}
		shown++
		rows = append(rows, []string{printable(entryPath(e)), string(e.Role), entrySize(e), entryStatus(e)})
	}
	for _, x := range a.Expected {
		rows = append(rows, []string{printable(x.Path), string(x.Role), "-", "missing"})
	}
	if len(rows) == 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "No files.")
		return w.err
	}
	fmt.Fprintln(w)
	if err := writeTable(w, []string{"Path", "Role", "Size", "Status"}, rows, false); err != nil {
		return err
	}
	if hidden > 0 {
		word := "entries"
		if hidden == 1 {
			word = "entry"
		}
		fmt.Fprintf(w, "... %d more %s (use -v or mati ls)\n", hidden, word)
	}
	return w.err
}

// entryPath shows a link with its target, like ls -l.
func entryPath(e rules.EntryView) string {
	p := e.Path
	if e.Type == "dir" {
		p += "/"
	}
	if e.Link != "" {
		p += " -> " + e.Link
	}
	return p
}

// entrySize is the human-readable size of a regular file, "-" otherwise.
func entrySize(e rules.EntryView) string {
	if e.Type != "file" {
		return "-"
	}
	return formatSize(e.Size)
}

// entryStatus is "unexpected" for junk and unknown files, else "present".
func entryStatus(e rules.EntryView) string {
	if e.Role == rules.RoleUnexpected || e.Role == rules.RoleJunk {
		return "unexpected"
	}
	return "present"
}

// renderHandlers writes the handlers table.
func renderHandlers(w *errWriter, a rules.Result) error {
	rows := make([][]string, 0, len(a.Handlers))
	for _, h := range a.Handlers {
		loc, params := "-", "-"
		if h.Path != "" && h.Line > 0 {
			loc = fmt.Sprintf("%s:%d", h.Path, h.Line)
		}
		switch {
		case h.Line == 0 && h.Status == "missing":
		case h.Params < 0:
			params = "any"
		default:
			params = fmt.Sprint(h.Params)
		}
		rows = append(rows, []string{printable(h.Name), printable(loc), params, h.Status})
	}
	return writeTable(w, []string{"Handler", "Location", "Params", "Status"}, rows, false)
}

// renderFindings writes the findings table. Paths are shown relative to the
// artifact named in the header line.
func renderFindings(w *errWriter, a rules.Result, opts tableOptions) error {
	rows := make([][]string, 0, len(a.Findings))
	for _, f := range a.Findings {
		rows = append(rows, []string{severityCell(f.Severity, opts.Color), f.RuleID, printable(findingLocation(a.Source, f)), printable(f.Message), printable(f.Hint)})
	}
	return writeTable(w, []string{"Severity", "Rule", "Location", "Message", "Hint"}, rows, true)
}

// findingLocation is "member:line:col" for a finding, with the artifact's
// own name and "!" removed; "(archive)" for a finding on the whole artifact.
func findingLocation(source string, f rules.Finding) string {
	p := f.Path
	if rest, ok := strings.CutPrefix(p, source+"!"); ok {
		p = rest
	} else if p == source {
		p = "(archive)"
	}
	if f.Line > 0 {
		p += fmt.Sprintf(":%d", f.Line)
		if f.Column > 0 {
			p += fmt.Sprintf(":%d", f.Column)
		}
	}
	return p
}

// ANSI colours of the severities.
var severityColors = map[rules.Severity]string{
	rules.Error:   "\x1b[1;31m",
	rules.Warning: "\x1b[33m",
	rules.Info:    "\x1b[36m",
}

// severityCell is the severity's name, coloured when color is set.
func severityCell(s rules.Severity, color bool) string {
	if c, ok := severityColors[s]; ok && color {
		return c + s.String() + "\x1b[0m"
	}
	return s.String()
}

// writeTable renders one table with the header and rows; wrap wraps long
// cells at cellWidth.
func writeTable(w io.Writer, header []string, rows [][]string, wrap bool) error {
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.On),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	}
	if wrap {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithRowMaxWidth(cellWidth))
	} else {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNone))
	}
	t := tablewriter.NewTable(w, opts...)
	t.Header(header)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return fmt.Errorf("failed to render a table row: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("failed to render a table: %w", err)
	}
	return nil
}

// summaryLine is e.g. "2 artifacts, 2 errors, 1 warning, 0 info, 1 not
// inspected".
func summaryLine(s rules.Summary) string {
	line := fmt.Sprintf("%s, %s, %s, %d info", plural(s.Artifacts, "artifact", "artifacts"),
		plural(s.Errors, "error", "errors"), plural(s.Warnings, "warning", "warnings"), s.Infos)
	if s.Failed > 0 {
		line += fmt.Sprintf(", %d not inspected", s.Failed)
	}
	if s.Suppressed > 0 {
		line += fmt.Sprintf(", suppressed: %d", s.Suppressed)
	}
	return line
}

// plural is "1 entry", "2 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// formatSize is a byte count for humans: "512 B", "1.5 KiB", "12.0 MiB".
func formatSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		if v < 1024 || u == "TiB" {
			return fmt.Sprintf("%.1f %s", v, u)
		}
	}
	return fmt.Sprintf("%d B", n)
}

// errWriter remembers the first write error, so a sequence of writes can be
// checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// printable escapes what a terminal would interpret in text taken from an
// archive (member names, link targets): control characters, other
// non-printable runes and invalid UTF-8 become Go escapes, so a hostile
// member name cannot move the cursor or recolour the screen.
//
//	"code/inference.py" -> code/inference.py
//	"a\x1b[2Jb"         -> a\x1b[2Jb
//	"caf\xe9"           -> caf\xe9
func printable(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unicode.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
