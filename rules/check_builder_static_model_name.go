package rules

var builderStaticModelName = Meta{
	ID:       "builder-static-model-name",
	Severity: Warning,
	Summary:  "The model's name is the same on every pipeline run, so the second run fails: a SageMaker model name must be unique.",
	Hint:     "leave name out (the SDK generates a unique one), or build it from ExecutionVariables.PIPELINE_EXECUTION_ID, a timestamp or a uuid",
}

var builderStaticModelNameRule = Rule{Meta: builderStaticModelName, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		a, st := modelArg(c.Model, "name")
		if st != argGiven || !a.Value.Static || a.Value.Unique {
			continue
		}
		fs = append(fs, f.Finding(builderStaticModelName, a.Value.Line, a.Value.Col, "model name %s of builder %s is the same on every run", shown(a.Value), c.Name))
	}
	return fs
}}
