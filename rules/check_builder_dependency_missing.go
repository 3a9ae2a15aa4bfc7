package rules

import "github.com/mati-dev/mati/builder"

var builderDependencyMissing = Meta{
	ID:       "builder-dependency-missing",
	Severity: Warning,
	Summary:  "The model data is not taken from a training step's properties.ModelArtifacts.S3ModelArtifacts and the step has no depends_on, so the pipeline may create the model before (or without) training it.",
	Hint:     "pass training_step.properties.ModelArtifacts.S3ModelArtifacts as model_data, or give the step depends_on=[training_step]",
}

var builderDependencyMissingRule = Rule{Meta: builderDependencyMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil || c.Step == nil || c.DependsOn {
			continue
		}
		a, st := modelArg(c.Model, "model_data")
		vals := c.ModelDataSets
		if st == argGiven {
			vals = append([]builder.Value{a.Value}, vals...)
		}
		given := false
		fromTraining := false
		for _, v := range vals {
			given = given || !v.None
			fromTraining = fromTraining || v.FromTrainingStep
		}
		if !given || fromTraining || st == argUnknown {
			// builder-model-data-missing reports a model without data.
			continue
		}
		line, col := c.Model.Line, c.Model.Col
		what := "the model data"
		if st == argGiven {
			line, col = a.Value.Line, a.Value.Col
			what = "model_data " + shown(a.Value)
		}
		fs = append(fs, f.Finding(builderDependencyMissing, line, col, "%s of builder %s is not read from a training step and its step has no depends_on", what, c.Name))
	}
	return fs
}}
