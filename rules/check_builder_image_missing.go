package rules

var builderImageMissing = Meta{
	ID:       "builder-image-missing",
	Severity: Error,
	Summary:  "The model has no image_uri and is not a framework model that derives one from its framework_version, so SageMaker has no container to run.",
	Hint:     "pass image_uri=sagemaker.image_uris.retrieve(...) (or a literal ECR URI), or use the framework model class with framework_version",
}

// derivedImageParams are the parameters from which a framework model class
// derives its image.
var derivedImageParams = map[string]string{
	"XGBoostModel":     "framework_version",
	"PyTorchModel":     "framework_version",
	"SKLearnModel":     "framework_version",
	"TensorFlowModel":  "framework_version",
	"HuggingFaceModel": "transformers_version",
}

var builderImageMissingRule = Rule{Meta: builderImageMissing, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		if _, st := modelArg(c.Model, "image_uri"); st != argMissing {
			continue
		}
		param, framework := derivedImageParams[c.Model.Class()]
		if !framework {
			fs = append(fs, f.Finding(builderImageMissing, c.Model.Line, c.Model.Col, "%s of builder %s has no image_uri", c.Model.Name, c.Name))
			continue
		}
		if _, st := modelArg(c.Model, param); st == argMissing {
			fs = append(fs, f.Finding(builderImageMissing, c.Model.Line, c.Model.Col, "%s of builder %s has neither image_uri nor %s to derive the image from", c.Model.Name, c.Name, param))
		}
	}
	return fs
}}
