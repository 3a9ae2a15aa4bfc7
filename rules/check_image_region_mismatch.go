package rules

var imageRegionMismatch = Meta{
	ID:       "image-region-mismatch",
	Severity: Error,
	Summary:  "The SageMaker image is published in another region than the model's, and SageMaker only pulls images from the model's region.",
	Hint:     "use the same image from the model's region: the registry host names the region (and the account may differ per region)",
}

var imageRegionMismatchRule = Rule{Meta: imageRegionMismatch, Check: func(a *Archive) []Finding {
	im, ok := a.deployImage()
	if !ok || !im.Known || a.Region == "" || im.Region == a.Region {
		return nil
	}
	return []Finding{a.Finding(imageRegionMismatch, "", 0, 0,
		"image %q is in region %q but the model is in %q", a.Image, im.Region, a.Region)}
}}
