package rules

var builderCreateStepMissing = Meta{
	ID:       "builder-create-step-missing",
	Severity: Error,
	Summary:  "A step builder builds a model but has no create_step method, so the pipeline never gets a step that creates it.",
	Hint:     "add a create_step method that returns CreateModelStep(model=self._create_model(), ...) or ModelStep(step_args=model.create(...))",
}

var builderCreateStepMissingRule = Rule{Meta: builderCreateStepMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.CreateStep != nil || c.ExternalBase || c.Base || c.CreateModel == nil {
			continue
		}
		fs = append(fs, f.Finding(builderCreateStepMissing, c.Line, c.Col, "builder %s defines %s but no create_step method", c.Name, c.CreateModel.Name))
	}
	return fs
}}
