package rules

import "github.com/mati-dev/mati/modelfile"

var modelScanIncomplete = Meta{
	ID:       "model-scan-incomplete",
	Severity: Warning,
	Summary:  "Part of a model file that is not a pickle could not be checked (a scan limit, a corrupt compressed stream, or a malformed .npy header); pickles that cannot be followed are pickle-unscannable.",
	Hint:     "treat the unchecked part as untrusted; re-save the model uncompressed or in a format that holds no code",
}

var modelScanIncompleteRule = Rule{Meta: modelScanIncomplete, Check: func(a *Archive) []Finding {
	return a.problemFindings(modelScanIncomplete, "not fully checked", modelfile.CodeLimit, modelfile.CodeCompression, modelfile.CodeNpyMalformed)
}}
