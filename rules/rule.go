package rules

import "fmt"

// Rule is one registered rule: its metadata and, for rules that need logic,
// the check. Rules whose findings come from the framework tables or from
// reading the archive have a nil Check.
type Rule struct {
	Meta
	// Check returns the rule's findings on a.
	Check func(a *Archive) []Finding
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
	return Finding{
		RuleID:   m.ID,
		Severity: m.Severity,
		Path:     a.Member(member),
		Line:     line,
		Column:   col,
		Message:  fmt.Sprintf(format, args...),
		Hint:     m.Hint,
	}
}
