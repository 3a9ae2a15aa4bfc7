package rules

var builderCreateModelMissing = Meta{
	ID:       "builder-create-model-missing",
	Severity: Error,
	Summary:  "A step builder's create_step has no _create_model (or create_model) method building the model it deploys.",
	Hint:     "add a _create_model method that returns the sagemaker.model.Model (or framework model) and pass its result to the step",
}

var builderCreateModelMissingRule = Rule{Meta: builderCreateModelMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.CreateModel != nil || c.ExternalBase || c.Base || c.CreateStep == nil {
			continue
		}
		fs = append(fs, f.Finding(builderCreateModelMissing, c.Line, c.Col, "builder %s defines create_step but no _create_model or create_model method", c.Name))
	}
	return fs
}}
