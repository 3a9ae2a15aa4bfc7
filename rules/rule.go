package rules

import (
	"fmt"
	"slices"
)

// The rules for findings are:
//   - a rule's severity and hint are declared once, in its Meta in the
//     catalog;
//   - a check says where and what (path, position, message); the engine
//     stamps every finding a rule's check returns with that rule's id,
//     severity and hint (Rule.findings), so no check can report at another
//     severity or under another id;
//   - where one situation deserves two severities, it is two rules.

// Rule is one entry of the catalog: its metadata and its check. An artifact
// rule has Check, a builder rule has CheckBuilder; exactly one is set.
type Rule struct {
	Meta
	// Check returns the rule's findings on an artifact; nil for a builder
	// rule.
	Check func(a *Archive) []Finding
	// CheckBuilder returns the rule's findings on a builder file; nil for
	// an artifact rule.
	CheckBuilder func(f *BuilderFile) []Finding
	// Reads declares the members whose content Check reads from
	// Archive.Files (see Read); nil when it reads none.
	Reads func(p string) Read
}

// The targets a rule judges, as Rule.Target names them.
const (
	TargetArtifact = "artifact"
	TargetBuilder  = "builder"
)

// Target says what the rule judges: TargetArtifact or TargetBuilder.
func (r Rule) Target() string {
	if r.CheckBuilder != nil {
		return TargetBuilder
	}
	return TargetArtifact
}

// findings stamps fs, what r's check returned, with r's id, severity and
// hint, and returns it.
func (r Rule) findings(fs []Finding) []Finding {
	for i := range fs {
		fs[i].RuleID, fs[i].Severity, fs[i].Hint = r.ID, r.Severity, r.Hint
	}
	return fs
}

// Member returns the path shown to users for a member of the archive:
// "model.tar.gz!code/inference.py", or the archive's name alone when member
// is "".
func (a *Archive) Member(member string) string {
	if member == "" {
		return a.Name
	}
	return a.Name + "!" + member
}

// Finding returns a finding of rule m on member (a normalised path, "" for
// the whole artifact) at the 1-based line and column (0 for none), with the
// message built from format and args.
func (a *Archive) Finding(m Meta, member string, line, col int, format string, args ...any) Finding {
	return newFinding(m, a.Member(member), line, col, format, args...)
}

// newFinding returns a finding of rule m at path, line and column (1-based,
// 0 for none), with the message built from format and args.
func newFinding(m Meta, path string, line, col int, format string, args ...any) Finding {
	return Finding{
		RuleID:   m.ID,
		Severity: m.Severity,
		Path:     path,
		Line:     line,
		Column:   col,
		Message:  fmt.Sprintf(format, args...),
		Hint:     m.Hint,
	}
}

// quoteAll quotes every string with %q.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// sortedEnvNames returns the names of env in increasing order.
func sortedEnvNames(env map[string]string) []string {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
