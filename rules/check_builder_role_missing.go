package rules

var builderRoleMissing = Meta{
	ID:       "builder-role-missing",
	Severity: Error,
	Summary:  "The model has no execution role, so SageMaker cannot create it.",
	Hint:     "pass role= the ARN of the SageMaker execution role (e.g. the pipeline's role parameter)",
}

var builderRoleMissingRule = Rule{Meta: builderRoleMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		a, st := modelArg(c.Model, "role")
		switch {
		case st != argMissing:
		case a.Value.Text != "":
			fs = append(fs, f.Finding(builderRoleMissing, a.Value.Line, a.Value.Col, "role of builder %s is %s, which is never set to a value other than None", c.Name, a.Value.Text))
		default:
			fs = append(fs, f.Finding(builderRoleMissing, c.Model.Line, c.Model.Col, "%s of builder %s has no role", c.Model.Name, c.Name))
		}
	}
	return fs
}}
