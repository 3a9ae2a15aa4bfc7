package rules

var duplicateEntry = Meta{
	ID:       "duplicate-entry",
	Severity: Warning,
	Summary:  "The same path appears more than once; on extraction the last one silently wins.",
	Hint:     "rebuild the archive so every path appears once (do not append to an existing tar)",
}

var duplicateEntryRule = Rule{Meta: duplicateEntry, Check: func(a *Archive) []Finding {
	seen := map[string]int{}
	for _, e := range a.Entries {
		if e.Path != "" && e.Unsafe == "" {
			seen[e.Path]++
		}
	}
	var fs []Finding
	for p, n := range seen {
		if n > 1 {
			fs = append(fs, a.Finding(duplicateEntry, p, 0, 0, "%q appears %d times; the last one wins", p, n))
		}
	}
	return fs
}}
