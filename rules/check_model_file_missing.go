package rules

import (
	"fmt"
	"path"
	"strings"
)

var modelFileMissing = Meta{
	ID:       "model-file-missing",
	Severity: Error,
	Summary:  "The artifact holds no model file that the framework's container can load.",
	Hint:     "add the model file at the root of the archive, named as the container expects (see the expected files)",
}

var modelFileMissingRule = Rule{Meta: modelFileMissing, Check: func(a *Archive) []Finding {
	if a.ReadErr != nil || a.nestedRoot() != "" || len(a.regularFiles()) == 0 {
		return nil
	}
	msg, expected := a.missingModel()
	if msg == "" {
		return nil
	}
	a.expect(expected, RoleModel)
	return []Finding{a.Finding(modelFileMissing, "", 0, 0, "%s", msg)}
}}

// missingModel says what model file is missing and the expected path, or
// "" when the container has something to load.
func (a *Archive) missingModel() (msg, expected string) {
	outside := 0
	for _, p := range a.regularFiles() {
		if _, inCode := codeRel(p); !inCode && junkRoot(p) == "" {
			outside++
		}
	}
	switch a.fw {
	case nil:
		for _, f := range frameworks {
			for _, p := range a.regularFiles() {
				if isModelFile(f, p) {
					return "", ""
				}
			}
		}
		return "no model file of any known framework (XGBoost, PyTorch, scikit-learn, TensorFlow, Hugging Face)", "model file"
	case &xgboostFramework:
		if a.scriptMode() {
			if outside == 0 {
				return "the archive holds only code; model_fn has no model file to load", "xgboost-model"
			}
			return "", ""
		}
		for _, p := range a.regularFiles() {
			if !strings.Contains(p, "/") && !strings.HasPrefix(p, ".") {
				return "", ""
			}
		}
		return "no top-level model file: XGBoost algorithm mode loads the top-level files as boosters", "xgboost-model"
	case &pytorchFramework:
		if a.hasHandler("model_fn") {
			if outside == 0 {
				return "the archive holds only code; model_fn has no model file to load", "model.pth"
			}
			return "", ""
		}
		cands := a.torchCandidates()
		switch {
		case a.hasFile("model.pt"):
			return "", ""
		case len(cands) == 1:
			return "", ""
		case len(cands) == 0:
			return "no model_fn and no model.pt or *.pt/*.pth at the root for the default loader", "model.pt"
		default:
			return fmt.Sprintf("no model_fn and %d candidate model files (%s); the default loader needs model.pt or exactly one *.pt/*.pth", len(cands), strings.Join(quoteAll(cands), ", ")), "model.pt"
		}
	case &sklearnFramework:
		if outside == 0 {
			return "the archive holds only code; model_fn has no model file to load", "model.joblib"
		}
	case &tensorflowFramework:
		if a.hasSavedModel() {
			return "", ""
		}
		for _, p := range a.regularFiles() {
			if path.Base(p) == "saved_model.pb" {
				return "", "" // tensorflow-version-dir-missing says it
			}
		}
		return "no SavedModel: TensorFlow Serving needs <version>/saved_model.pb (\"no SavedModel bundles found!\")", "1/saved_model.pb"
	case &huggingfaceFramework:
		if a.Env["HF_MODEL_ID"] != "" || a.Env["HF_TASK"] != "" {
			return "", ""
		}
		if !a.hasFile("config.json") && !a.hasFile("model_index.json") {
			return "no config.json (or model_index.json) at the root and neither HF_TASK nor HF_MODEL_ID is set; the pipeline cannot be built", "config.json"
		}
		for _, p := range a.regularFiles() {
			if isModelFile(&huggingfaceFramework, p) && !strings.Contains(p, "/") {
				return "", ""
			}
		}
		if a.hasFile("model_index.json") {
			return "", ""
		}
		return "config.json but no weights (pytorch_model.bin, model.safetensors or shards) at the root", "model.safetensors"
	}
	return "", ""
}

// torchCandidates returns the top-level *.pt and *.pth files the PyTorch
// default loader chooses from (AppleDouble ._ files count, as they do there).
func (a *Archive) torchCandidates() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range a.regularFiles() {
		if strings.Contains(p, "/") || seen[p] {
			continue
		}
		if strings.HasSuffix(p, ".pt") || strings.HasSuffix(p, ".pth") {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// regularFiles returns the safe paths of the regular files, in order
// (duplicates included). The caller must not modify the slice.
func (a *Archive) regularFiles() []string {
	a.indexFiles()
	return a.files
}

// scriptMode reports whether the container imports an inference script:
// SAGEMAKER_PROGRAM is set (by the user or by the SDK's repacking).
func (a *Archive) scriptMode() bool {
	return a.Env["SAGEMAKER_PROGRAM"] != ""
}

// hasHandler reports whether the script binds name at module level.
func (a *Archive) hasHandler(name string) bool {
	if a.Script == nil {
		return false
	}
	for _, h := range a.Script.Handlers {
		if h.Name == name {
			return true
		}
	}
	return false
}

// quoteAll quotes every string with %q.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
