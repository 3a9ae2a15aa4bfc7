package rules

import "github.com/mati-dev/mati/modelfile"

var modelZipIrregular = Meta{
	ID:       "model-zip-irregular",
	Severity: Warning,
	Summary:  "A zip model file (PyTorch, .npz, .keras) has a bad CRC, unusual flags, or a central directory that disagrees with its entries, so different readers see different files.",
	Hint:     "re-save the model with torch.save / numpy.savez; a lying central directory is a sign of tampering",
}

var modelZipIrregularRule = Rule{Meta: modelZipIrregular, Check: func(a *Archive) []Finding {
	return a.problemFindings(modelZipIrregular, "irregular zip", modelfile.CodeZipMalformed, modelfile.CodeZipCRC, modelfile.CodeZipFlags, modelfile.CodeZipCentralDirectory)
}}
