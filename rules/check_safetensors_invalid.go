package rules

import "github.com/mati-dev/mati/modelfile"

var safetensorsInvalid = Meta{
	ID:       "safetensors-invalid",
	Severity: Error,
	Summary:  "A safetensors file is invalid (header length, JSON header, dtypes, shapes or data offsets), so loading it fails.",
	Hint:     "re-save the weights with safetensors.torch.save_file (or save_pretrained) and check the copy is complete",
}

var safetensorsInvalidRule = Rule{Meta: safetensorsInvalid, Check: func(a *Archive) []Finding {
	return a.problemFindings(safetensorsInvalid, "invalid safetensors", modelfile.CodeSafetensors)
}}
