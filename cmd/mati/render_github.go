package main

// The rules of the github format are:
//   - one workflow command a finding: ::error, ::warning or ::notice (for
//     info), with file, line, col and title (the rule id) properties;
//   - file is a path GitHub can show: a builder file or a member of a model
//     folder is the file itself; a member of an archive or of an S3 prefix
//     is the archive, with the member and its position at the start of the
//     message, and no line (a line of an archive means nothing);
//   - the message ends with the hint on its own line; values are escaped as
//     the runner's toolkit escapes them (%, CR, LF; and : , in properties).

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/mati-dev/mati/rules"
)

// renderGitHub writes each finding of r as a GitHub Actions workflow
// command, which the runner shows as an annotation.
func renderGitHub(w io.Writer, r rules.Report) error {
	ew := &errWriter{w: w}
	for _, a := range r.Artifacts {
		for _, f := range a.Findings {
			fmt.Fprintln(ew, githubCommand(a, f))
		}
	}
	return ew.err
}

// githubLevels are the workflow commands of the severities.
var githubLevels = map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Info: "notice"}

// githubCommand returns the workflow command of finding f of artifact a.
func githubCommand(a rules.Result, f rules.Finding) string {
	file, member := findingFile(a, f)
	props := []string{"file=" + escapeProperty(file)}
	msg := printable(f.Message)
	if member == "" && f.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", f.Line))
		if f.Column > 0 {
			props = append(props, fmt.Sprintf("col=%d", f.Column))
		}
	} else if member != "" {
		msg = printable(position(member, f.Line, f.Column)) + ": " + msg
	}
	props = append(props, "title="+escapeProperty(f.RuleID))
	if f.Hint != "" {
		msg += "\nhint: " + printable(f.Hint)
	}
	return fmt.Sprintf("::%s %s::%s", githubLevels[f.Severity], strings.Join(props, ","), escapeData(msg))
}

// findingFile splits the location of finding f of artifact a into the file
// a user can open and the member inside it ("" when the file is the
// finding's own): a model folder's member and a builder file are files; an
// archive's or an S3 prefix's member is inside the artifact.
func findingFile(a rules.Result, f rules.Finding) (file, member string) {
	m := rules.MemberPath(a.Source, f.Path)
	switch {
	case a.Format == rules.BuilderFormat || m == "" || f.Path == m:
		return f.Path, ""
	case a.Format == "folder":
		return path.Join(a.Source, m), ""
	}
	return a.Source, m
}

// position is "path", "path:line" or "path:line:col".
func position(p string, line, col int) string {
	switch {
	case line > 0 && col > 0:
		return fmt.Sprintf("%s:%d:%d", p, line, col)
	case line > 0:
		return fmt.Sprintf("%s:%d", p, line)
	}
	return p
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
