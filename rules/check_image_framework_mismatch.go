package rules

import "strings"

var imageFrameworkMismatch = Meta{
	ID:       "image-framework-mismatch",
	Severity: Error,
	Summary:  "The container image serves another framework than the artifact's, so the container cannot load the model.",
	Hint:     "use the serving image of the artifact's framework (sagemaker.image_uris.retrieve(framework, region, version))",
}

var imageFrameworkMismatchRule = Rule{Meta: imageFrameworkMismatch, Check: func(a *Archive) []Finding {
	im, ok := a.deployImage()
	if !ok || !im.Known || a.Framework == "" || a.Framework == "unknown" || im.Serves(a.Framework) {
		return nil
	}
	return []Finding{a.Finding(imageFrameworkMismatch, "", 0, 0,
		"the artifact is a %s model but image repository %q serves %s", a.Framework, im.Repository, strings.Join(im.Frameworks(), " or "))}
}}
