package rules

import "strings"

var inferenceScriptMissing = Meta{
	ID:       "inference-script-missing",
	Severity: Error,
	Summary:  "SAGEMAKER_PROGRAM names a script that is not in the artifact, or the framework needs a script and none is there.",
	Hint:     "put the script at code/inference.py (the SDK does this when you pass entry_point), or fix SAGEMAKER_PROGRAM",
}

var inferenceScriptMissingRule = Rule{Meta: inferenceScriptMissing, Check: func(a *Archive) []Finding {
	if a.ReadErr != nil || a.nestedRoot() != "" || len(a.regularFiles()) == 0 {
		return nil
	}
	submit := a.Env["SAGEMAKER_SUBMIT_DIRECTORY"]
	fromS3 := strings.HasPrefix(submit, "s3://")
	if prog := a.UserEnv["SAGEMAKER_PROGRAM"]; prog != "" && !fromS3 && !a.isTFS() {
		if !a.hasFile("code/" + prog) {
			a.expect("code/"+prog, RoleCode)
			return []Finding{a.Finding(inferenceScriptMissing, "", 0, 0, "SAGEMAKER_PROGRAM is %q but the artifact has no %q", prog, "code/"+prog)}
		}
		return nil
	}
	if a.fw != nil && a.fw.ScriptRequired && !fromS3 {
		if _, ok := codeRel(a.ScriptPath); !ok || a.ScriptPath == "" {
			a.expect("code/inference.py", RoleCode)
			return []Finding{a.Finding(inferenceScriptMissing, "", 0, 0, "the scikit-learn container needs an inference script with model_fn, and there is no code/inference.py nor an S3 SAGEMAKER_SUBMIT_DIRECTORY")}
		}
	}
	return nil
}}
