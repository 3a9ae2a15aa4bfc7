package rules

var archiveEmpty = Meta{
	ID:       "archive-empty",
	Severity: Error,
	Summary:  "The artifact has no entries, so the container finds no model.",
	Hint:     "package the model folder's contents: tar -czf model.tar.gz -C model_dir .",
}

var archiveEmptyRule = Rule{Meta: archiveEmpty, Check: func(a *Archive) []Finding {
	if a.ReadErr != nil {
		return nil
	}
	for _, e := range a.Entries {
		if e.Path != "" || e.Unsafe != "" {
			return nil
		}
	}
	return []Finding{a.Finding(archiveEmpty, "", 0, 0, "the artifact has no entries")}
}}
