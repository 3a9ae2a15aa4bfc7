package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
)

// envSubmitDirectoryIgnored is declared at its highest severity: pointing
// SAGEMAKER_SUBMIT_DIRECTORY at the artifact's code/ when the script is not
// there fails at start-up. Code in the artifact that the setting makes the
// container ignore is reported with envSubmitDirectoryUnused, the same rule
// at warning severity.
var envSubmitDirectoryIgnored = Meta{
	ID:       "env-submit-directory-ignored",
	Severity: Error,
	Summary:  "For scikit-learn and XGBoost images, SAGEMAKER_SUBMIT_DIRECTORY decides whether the code inside the artifact is used, and it disagrees with the artifact.",
	Hint:     "set SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code to use code/ from the artifact, and make sure SAGEMAKER_PROGRAM names a script in code/",
}

// envSubmitDirectoryUnused is envSubmitDirectoryIgnored at warning severity,
// for code in the artifact that the container never uses.
var envSubmitDirectoryUnused = func() Meta {
	m := envSubmitDirectoryIgnored
	m.Severity = Warning
	return m
}()

var envSubmitDirectoryIgnoredRule = Rule{Meta: envSubmitDirectoryIgnored, Check: func(a *Archive) []Finding {
	im, ok := a.deployImage()
	if !ok || !im.Known || (im.Family != "sklearn" && im.Family != "xgboost") {
		return nil
	}
	dir, set := a.Env["SAGEMAKER_SUBMIT_DIRECTORY"]
	inArtifact := set && path.Clean(dir) == deploy.SubmitDirectoryInArtifact
	code := a.codeScripts()
	if !inArtifact {
		if len(code) == 0 {
			return nil
		}
		if !set {
			return []Finding{a.Finding(envSubmitDirectoryUnused, code[0], 0, 0,
				"the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY is not set, so the %s container never uses it", im.Family)}
		}
		return []Finding{a.Finding(envSubmitDirectoryUnused, code[0], 0, 0,
			"the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY is %q, so the %s container uses that code instead", dir, im.Family)}
	}
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
