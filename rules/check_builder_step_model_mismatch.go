package rules

import "github.com/mati-dev/mati/builder"

var builderStepModelMismatch = Meta{
	ID:       "builder-step-model-mismatch",
	Severity: Error,
	Summary:  "create_step does not pass the model that _create_model builds, so the step creates another model, or none.",
	Hint:     "pass model=self._create_model() to CreateModelStep, or step_args=self._create_model().create(...) to ModelStep",
}

var builderStepModelMismatchRule = Rule{Meta: builderStepModelMismatch, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Step == nil || c.CreateModel == nil {
			continue
		}
		switch c.StepModel.Ref {
		case builder.RefNone:
			if !c.Step.Splat {
				fs = append(fs, f.Finding(builderStepModelMismatch, c.Step.Line, c.Step.Col, "%s of builder %s is given no model (model= or step_args=); %s is never used", c.Step.Name, c.Name, c.CreateModel.Name))
			}
		case builder.RefOther:
			fs = append(fs, f.Finding(builderStepModelMismatch, c.StepModel.Line, c.StepModel.Col, "%s of builder %s is given %s=%s, not the model %s builds", c.Step.Name, c.Name, c.StepModel.Keyword, shown(builder.Value{Text: c.StepModel.Text}), c.CreateModel.Name))
		}
	}
	return fs
}}
