package rules

var archiveHiddenEntries = Meta{
	ID:       "archive-hidden-entries",
	Severity: Warning,
	Summary:  "Entries follow a lone zero block that ends the tar; extraction stops there and never writes them, while other tools may list them.",
	Hint:     "rebuild the archive in one go (do not concatenate tar files); the entries after the end are lost on SageMaker",
}

var archiveHiddenEntriesRule = Rule{Meta: archiveHiddenEntries, Check: func(a *Archive) []Finding {
	if !a.HiddenAfterEnd {
		return nil
	}
	return []Finding{a.Finding(archiveHiddenEntries, "", 0, 0, "a valid entry follows the end of the archive after %d entries; it will not be extracted", len(a.Entries))}
}}
