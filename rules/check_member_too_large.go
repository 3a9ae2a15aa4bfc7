package rules

var memberTooLarge = Meta{
	ID:       "member-too-large",
	Severity: Warning,
	Summary:  "A file that a check must read (code, requirements, configuration) is larger than the read cap, so it was not checked.",
	Hint:     "keep inference code and configuration small, or raise the cap with --max-member-read",
}

var memberTooLargeRule = Rule{Meta: memberTooLarge, Check: func(a *Archive) []Finding {
	var fs []Finding
	for p, size := range a.OverCap {
		fs = append(fs, a.Finding(memberTooLarge, p, 0, 0, "%q is %d bytes, over the read cap; it was not checked", p, size))
	}
	return fs
}}
