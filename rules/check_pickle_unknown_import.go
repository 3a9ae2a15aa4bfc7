package rules

import "github.com/mati-dev/mati/modelfile"

var pickleUnknownImport = Meta{
	ID:       "pickle-unknown-import",
	Severity: Warning,
	Summary:  "A pickle in a model file imports something outside what torch, numpy, scikit-learn, XGBoost, joblib and collections need; it may run code on load.",
	Hint:     "check where the import comes from; prefer formats that hold no code (safetensors, TorchScript, XGBoost JSON/UBJ)",
}

var pickleUnknownImportRule = Rule{Meta: pickleUnknownImport, Check: func(a *Archive) []Finding {
	return a.importFindings(pickleUnknownImport, modelfile.Unknown, "imports %q%s, which is not on the list of known-safe imports")
}}
