package rules

import (
	"cmp"
	"fmt"
	"slices"
)

// Meta describes a rule. Severity is declared here, never decided at report
// time.
type Meta struct {
	// ID is the rule's kebab-case identifier; it is public and never reused.
	ID string
	// Severity is the severity of the rule's findings.
	Severity Severity
	// Summary says in one sentence what the rule detects.
	Summary string
	// Hint says how to fix what the rule found.
	Hint string
}

// Finding is one problem found in an artifact.
type Finding struct {
	RuleID   string   `json:"rule_id"`
	Severity Severity `json:"severity"`         // text: "error" | "warning" | "info"
	Path     string   `json:"path"`             // "model.tar.gz!code/inference.py"
	Line     int      `json:"line,omitempty"`   // 1-based; 0 means the whole file
	Column   int      `json:"column,omitempty"` // 1-based; 0 means the whole line
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// String returns the canonical one-line form "path:line:col: message [rule-id]"
// (line and column omitted when zero).
func (f Finding) String() string {
	loc := f.Path
	if f.Line > 0 {
		loc += fmt.Sprintf(":%d", f.Line)
		if f.Column > 0 {
			loc += fmt.Sprintf(":%d", f.Column)
		}
	}
	return fmt.Sprintf("%s: %s [%s]", loc, f.Message, f.RuleID)
}

// Fingerprint identifies the finding for a baseline or ignore file:
// "rule_id:path:line".
func (f Finding) Fingerprint() string {
	return fmt.Sprintf("%s:%s:%d", f.RuleID, f.Path, f.Line)
}

// compareFindings orders findings by path, line, column, rule and message.
func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Message, b.Message),
	)
}

// SortFindings sorts findings by path, line, column, rule and message and
// drops exact duplicates.
func SortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, compareFindings)
	return slices.CompactFunc(fs, func(a, b Finding) bool { return a == b })
}
