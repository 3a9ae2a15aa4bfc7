package rules

import "github.com/mati-dev/mati/modelfile"

var modelScanIncomplete = Meta{
	ID:       "model-scan-incomplete",
	Severity: Warning,
	Summary:  "Part of a model file could not be checked (a scan limit, a compression mati does not decode, or a malformed .npy header).",
	Hint:     "treat the unchecked part as untrusted; re-save the model uncompressed or in a format that holds no code",
}

var modelScanIncompleteRule = Rule{Meta: modelScanIncomplete, Check: func(a *Archive) []Finding {
	return a.problemFindings(modelScanIncomplete, "not fully checked", modelfile.CodeLimit, modelfile.CodeCompression, modelfile.CodeNpyMalformed)
}}
