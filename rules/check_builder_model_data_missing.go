package rules

var builderModelDataMissing = Meta{
	ID:       "builder-model-data-missing",
	Severity: Error,
	Summary:  "The model has no model_data and the builder never assigns it, so the endpoint has no model artifact to load.",
	Hint:     "pass model_data=training_step.properties.ModelArtifacts.S3ModelArtifacts (or assign self.model_data in integrate_with_training_step)",
}

var builderModelDataMissingRule = Rule{Meta: builderModelDataMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		a, st := modelArg(c.Model, "model_data")
		if st == argGiven || st == argUnknown {
			continue
		}
		assigned := false
		for _, v := range c.ModelDataSets {
			assigned = assigned || !v.None
		}
		if assigned {
			continue
		}
		if a.Value.Text != "" {
			fs = append(fs, f.Finding(builderModelDataMissing, a.Value.Line, a.Value.Col, "model_data of builder %s is %s, which is never set to a value other than None", c.Name, a.Value.Text))
			continue
		}
		fs = append(fs, f.Finding(builderModelDataMissing, c.Model.Line, c.Model.Col, "%s of builder %s has no model_data, and the builder never assigns one", c.Model.Name, c.Name))
	}
	return fs
}}
