package rules

var pathUnsafe = Meta{
	ID:       "path-unsafe",
	Severity: Error,
	Summary:  "An entry has an absolute name or climbs out of the extraction folder with \"..\".",
	Hint:     "rebuild the archive from inside the model folder with relative names (tar -czf model.tar.gz -C model_dir .)",
}

var pathUnsafeRule = Rule{Meta: pathUnsafe, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		switch e.Unsafe {
		case "absolute":
			fs = append(fs, a.Finding(pathUnsafe, e.Name, 0, 0, "entry %q has an absolute name", e.Name))
		case "":
		default:
			fs = append(fs, a.Finding(pathUnsafe, e.Name, 0, 0, "entry %q escapes the extraction folder", e.Name))
		}
	}
	return fs
}}
