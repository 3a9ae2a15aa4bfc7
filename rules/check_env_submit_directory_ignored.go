package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
)

var envSubmitDirectoryIgnored = Meta{
	ID:       "env-submit-directory-ignored",
	Severity: Error,
	Summary:  "For scikit-learn and XGBoost images, SAGEMAKER_SUBMIT_DIRECTORY points at the artifact's code/, but the script it should import is not there, so the container fails at start-up.",
	Hint:     "set SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code to use code/ from the artifact, and make sure SAGEMAKER_PROGRAM names a script in code/",
}

var envSubmitDirectoryIgnoredRule = Rule{Meta: envSubmitDirectoryIgnored, Check: func(a *Archive) []Finding {
	_, dir, inArtifact, ok := a.submitDirectory()
	if !ok || !inArtifact {
		return nil
	}
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

// codeScripts returns the regular Python files under code/, in archive
// order.
func (a *Archive) codeScripts() []string {
	var out []string
	for _, e := range a.Entries {
		if e.Unsafe == "" && e.Type == artifact.TypeFile && strings.HasPrefix(e.Path, "code/") && strings.HasSuffix(e.Path, ".py") {
			out = append(out, e.Path)
		}
	}
	return out
}

// submitDirectory returns, for a scikit-learn or XGBoost image, the image's
// family, SAGEMAKER_SUBMIT_DIRECTORY and whether it names the artifact's
// code/; ok is false for other or unknown images.
func (a *Archive) submitDirectory() (family, dir string, inArtifact, ok bool) {
	im, known := a.deployImage()
	if !known || !im.Known || (im.Family != "sklearn" && im.Family != "xgboost") {
		return "", "", false, false
	}
	dir, set := a.Env["SAGEMAKER_SUBMIT_DIRECTORY"]
	return im.Family, dir, set && path.Clean(dir) == deploy.SubmitDirectoryInArtifact, true
}
