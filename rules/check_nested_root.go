package rules

var nestedRoot = Meta{
	ID:       "nested-root",
	Severity: Error,
	Summary:  "Everything sits under one extra top-level folder, so nothing is where the container looks.",
	Hint:     "package the folder's contents, not the folder: tar -czf model.tar.gz -C mymodel .",
}

var nestedRootRule = Rule{Meta: nestedRoot, Check: func(a *Archive) []Finding {
	top := a.nestedRoot()
	if top == "" {
		return nil
	}
	return []Finding{a.Finding(nestedRoot, top, 0, 0, "every entry is under %q/; SageMaker extracts it to /opt/ml/model/%s/ where no container looks", top, top)}
}}
