package rules

import (
	"path"
	"strings"
)

var multiModelLayoutInvalid = Meta{
	ID:       "multi-model-layout-invalid",
	Severity: Error,
	Summary:  "A model archive of a multi-model endpoint has a layout the endpoint's multi-model container cannot load (TensorFlow version folders below a model folder).",
	Hint:     "for a TensorFlow multi-model endpoint, put the version folders at the archive's root: 1/saved_model.pb, not model/1/saved_model.pb",
}

var multiModelLayoutInvalidRule = Rule{Meta: multiModelLayoutInvalid, Check: func(a *Archive) []Finding {
	if !a.multiModel() || a.fw != &tensorflowFramework {
		return nil
	}
	for _, p := range a.regularFiles() {
		if path.Base(p) != "saved_model.pb" || junkRoot(p) != "" {
			continue
		}
		parts := strings.Split(p, "/")
		if len(parts) == 2 && isDigits(parts[0]) {
			return nil
		}
	}
	for _, p := range a.regularFiles() {
		if path.Base(p) == "saved_model.pb" && strings.Count(p, "/") > 1 && junkRoot(p) == "" {
			a.expect("1/saved_model.pb", RoleModel)
			return []Finding{a.Finding(multiModelLayoutInvalid, p, 0, 0,
				"%q is not in a version folder at the archive's root: the TensorFlow multi-model container never loads it (invocations time out with 408)", p)}
		}
	}
	return nil
}}

// multiModel reports whether the artifact is one model of a multi-model
// endpoint: scanned as such, a CreateModel container in MultiModel mode, or
// SAGEMAKER_MULTI_MODEL=true.
func (a *Archive) multiModel() bool {
	return a.MultiModel || (a.ModelData != nil && a.ModelData.MultiModel) || strings.EqualFold(a.Env["SAGEMAKER_MULTI_MODEL"], "true")
}

// multiModelRequirements is requirements-missing on a multi-model endpoint
// of a toolkit container: a model's own code/requirements.txt is never
// installed.
func multiModelRequirements(a *Archive) []Finding {
	if !a.hasFile("code/requirements.txt") {
		return nil
	}
	return []Finding{a.Finding(requirementsMissing, "code/requirements.txt", 0, 0,
		"on a multi-model endpoint only /opt/ml/models/code/requirements.txt is installed at start; a model's own %q never is", "code/requirements.txt")}
}
