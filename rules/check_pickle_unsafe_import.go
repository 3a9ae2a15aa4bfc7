package rules

import (
	"github.com/mati-dev/mati/modelfile"
)

var pickleUnsafeImport = Meta{
	ID:       "pickle-unsafe-import",
	Severity: Error,
	Summary:  "A pickle in a model file imports a function that runs code on load (os.system, subprocess, eval, ...), or a module or name computed at load time rather than written as a constant: loading the model compromises the endpoint.",
	Hint:     "do not deploy this artifact; re-export the model from trusted code, preferably as safetensors or TorchScript",
}

var pickleUnsafeImportRule = Rule{Meta: pickleUnsafeImport, Check: func(a *Archive) []Finding {
	return a.importFindings(pickleUnsafeImport, modelfile.Dangerous, "imports %q%s: loading the model runs it")
}}
