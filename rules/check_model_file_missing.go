package rules

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
	if a.fw != nil {
		return a.fw.MissingModel(a)
	}
	for _, f := range frameworks {
		for _, p := range a.regularFiles() {
			if isModelFile(f, p) {
				return "", ""
			}
		}
	}
	return "no model file of any known framework (XGBoost, PyTorch, scikit-learn, TensorFlow, Hugging Face)", "model file"
}
