package rules

import (
	"strings"
)

var envSubmitDirectoryIgnored = Meta{
	ID:       "env-submit-directory-ignored",
	Severity: Error,
	Summary:  "For scikit-learn and XGBoost images, SAGEMAKER_SUBMIT_DIRECTORY points at the artifact's code/, but the script it should import is not there, so the container fails at start-up.",
	Hint:     "set SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code to use code/ from the artifact, and make sure SAGEMAKER_PROGRAM names a script in code/",
}

var envSubmitDirectoryIgnoredRule = Rule{Meta: envSubmitDirectoryIgnored, Check: func(a *Archive) []Finding {
	sd, ok := a.submitDirectory()
	if !ok || !sd.inArtifact {
		return nil
	}
	dir := sd.dir
	code := a.codeScripts()
	program := a.Env["SAGEMAKER_PROGRAM"]
	if program == "" {
		if len(code) == 0 {
			return []Finding{a.Finding(envSubmitDirectoryIgnored, "", 0, 0,
				"SAGEMAKER_SUBMIT_DIRECTORY is %q but the artifact has no Python script in code/", dir)}
		}
		return nil
	}
	script := "code/" + program
	if !strings.HasSuffix(script, ".py") {
		script += ".py"
	}
	if a.hasFile(script) {
		return nil
	}
	return []Finding{a.Finding(envSubmitDirectoryIgnored, "", 0, 0,
		"SAGEMAKER_SUBMIT_DIRECTORY is %q and SAGEMAKER_PROGRAM is %q but the artifact has no %s", dir, program, script)}
}}
