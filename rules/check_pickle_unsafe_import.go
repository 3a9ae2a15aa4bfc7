package rules

import "github.com/mati-dev/mati/modelfile"

var pickleUnsafeImport = Meta{
	ID:       "pickle-unsafe-import",
	Severity: Error,
	Summary:  "A pickle in a model file imports a function that runs code on load (os.system, subprocess, eval, ...), or a module or name computed at load time rather than written as a constant: loading the model compromises the endpoint.",
	Hint:     "do not deploy this artifact; re-export the model from trusted code, preferably as safetensors or TorchScript",
}

var pickleUnsafeImportRule = Rule{Meta: pickleUnsafeImport, Check: func(a *Archive) []Finding {
	return a.importFindings(pickleUnsafeImport, modelfile.Dangerous, "imports %q%s: loading the model runs it")
}}

// importFindings returns one finding of rule m for each distinct import of
// class c in every scanned model file.
func (a *Archive) importFindings(m Meta, c modelfile.Class, format string) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		seen := map[string]bool{}
		for _, im := range a.Models[p].Imports {
			if im.Class != c || seen[im.Member+"\x00"+im.String()] {
				continue
			}
			seen[im.Member+"\x00"+im.String()] = true
			if im.Module == "?" || im.Name == "?" {
				fs = append(fs, a.Finding(m, p, 0, 0, "imports %q%s, whose module or name is computed at load time, not a constant: loading the model may run anything", im.String(), inMember(im.Member, im.Offset)))
				continue
			}
			fs = append(fs, a.Finding(m, p, 0, 0, format, im.String(), inMember(im.Member, im.Offset)))
		}
	}
	return fs
}
