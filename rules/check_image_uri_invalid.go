package rules

import (
	"github.com/mati-dev/mati/deploy"
)

var imageURIInvalid = Meta{
	ID:       "image-uri-invalid",
	Severity: Error,
	Summary:  "The container image is not an image URI, so SageMaker cannot pull it.",
	Hint:     "use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (sagemaker.image_uris.retrieve prints the one for your framework)",
}

var imageURIInvalidRule = Rule{Meta: imageURIInvalid, Check: func(a *Archive) []Finding {
	if a.Image == "" {
		return nil
	}
	if _, err := deploy.ParseImage(a.Image); err != nil {
		return []Finding{a.Finding(imageURIInvalid, "", 0, 0, "%v", err)}
	}
	return nil
}}
