package rules

import "github.com/mati-dev/mati/deploy"

var builderImageURIInvalid = Meta{
	ID:       "builder-image-uri-invalid",
	Severity: Error,
	Summary:  "The model's image_uri is a literal that is not an image URI, so SageMaker cannot pull it.",
	Hint:     "use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>, or sagemaker.image_uris.retrieve(framework, region, version)",
}

var builderImageURIInvalidRule = Rule{Meta: builderImageURIInvalid, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		a, st := modelArg(c.Model, "image_uri")
		if st != argGiven || !a.Value.Known {
			continue
		}
		if _, err := deploy.ParseImage(a.Value.Str); err != nil {
			fs = append(fs, f.Finding(builderImageURIInvalid, a.Value.Line, a.Value.Col, "image_uri of builder %s: %v", c.Name, err))
		}
	}
	return fs
}}
