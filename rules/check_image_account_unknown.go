package rules

var imageAccountUnknown = Meta{
	ID:       "image-account-unknown",
	Severity: Warning,
	Summary:  "A SageMaker framework repository name is used under an account that does not publish it in that region.",
	Hint:     "use the publishing account for the region (sagemaker.image_uris.retrieve), or make sure your copy of the image is what you mean to run",
}

var imageAccountUnknownRule = Rule{Meta: imageAccountUnknown, Check: func(a *Archive) []Finding {
	im, ok := a.deployImage()
	if !ok || !im.Known {
		return nil
	}
	want, ok := im.PublishingAccount()
	if !ok || want == im.Account {
		return nil
	}
	return []Finding{a.Finding(imageAccountUnknown, "", 0, 0,
		"repository %q in %s is published by account %q, not %q", im.Repository, im.Region, want, im.Account)}
}}
