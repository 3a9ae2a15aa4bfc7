package rules

import "github.com/mati-dev/mati/modelfile"

var pickleUnscannable = Meta{
	ID:       "pickle-unscannable",
	Severity: Error,
	Summary:  "A pickle (or a file that may hold one) would be read by its loader, but mati could not follow it to its end: a stack or memo bound, a FRAME the C and Python unpicklers read differently, encryption, a compression or archive (lz4, 7z) mati does not open, or zip data no local header covers in a large zip; what mati could not follow may run code.",
	Hint:     "do not deploy a model whose pickles cannot be checked; re-save it plainly (torch.save, joblib.dump without lz4, no encryption) or as safetensors",
}

var pickleUnscannableRule = Rule{Meta: pickleUnscannable, Check: func(a *Archive) []Finding {
	return a.problemFindings(pickleUnscannable, "not checked", modelfile.CodeUnscannable)
}}
