package rules

var envSubmitDirectoryUnused = Meta{
	ID:       "env-submit-directory-unused",
	Severity: Warning,
	Summary:  "For scikit-learn and XGBoost images, the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY does not point at it, so the container never uses that code.",
	Hint:     "set SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code to use code/ from the artifact, or leave code/ out of the artifact",
}

var envSubmitDirectoryUnusedRule = Rule{Meta: envSubmitDirectoryUnused, Check: func(a *Archive) []Finding {
	code := a.codeScripts()
	sd, ok := a.submitDirectory()
	switch {
	case len(code) == 0 || !ok || sd.inArtifact:
		return nil
	case !sd.set:
		return []Finding{a.Finding(envSubmitDirectoryUnused, code[0], 0, 0,
			"the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY is not set, so the %s container never uses it", sd.family)}
	}
	return []Finding{a.Finding(envSubmitDirectoryUnused, code[0], 0, 0,
		"the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY is %q, so the %s container uses that code instead", sd.dir, sd.family)}
}}
