package rules

import (
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var unexpectedFile = Meta{
	ID:       "unexpected-file",
	Severity: Info,
	Summary:  "A file that no framework table knows; it is extracted but probably not used.",
	Hint:     "remove it if the model does not need it; smaller artifacts download and start faster",
}

// unexpectedFileRule reports unknown files at the root one by one, and the
// unknown files inside a top-level folder as one finding for the folder, so
// a folder of 20,000 data files is one line, not 20,000.
var unexpectedFileRule = Rule{Meta: unexpectedFile, Check: func(a *Archive) []Finding {
	var fs []Finding
	inDir := map[string]int{}
	var dirs []string
	for i, e := range a.Entries {
		if e.Type != artifact.TypeFile || e.Unsafe != "" || a.roles[i] != RoleUnexpected || a.judgedElsewhere(e.Path) {
			continue
		}
		top, _, nested := strings.Cut(e.Path, "/")
		if !nested {
			fs = append(fs, a.Finding(unexpectedFile, e.Path, 0, 0, "%q is not a file the %s container uses", e.Path, a.frameworkLabel()))
			continue
		}
		if inDir[top] == 0 {
			dirs = append(dirs, top)
		}
		inDir[top]++
	}
	for _, d := range dirs {
		if inDir[d] == 1 {
			fs = append(fs, a.Finding(unexpectedFile, d, 0, 0, "%q holds a file the %s container does not use", d+"/", a.frameworkLabel()))
			continue
		}
		fs = append(fs, a.Finding(unexpectedFile, d, 0, 0, "%q holds %d files the %s container does not use", d+"/", inDir[d], a.frameworkLabel()))
	}
	return fs
}}

// frameworkLabel names the framework in messages.
func (a *Archive) frameworkLabel() string {
	if a.fw == nil {
		return "serving"
	}
	return a.fw.Name
}

// judgedElsewhere reports whether a stronger rule already reports the file
// at p (a nested archive, a stray file in XGBoost algorithm mode), so
// unexpected-file need not.
func (a *Archive) judgedElsewhere(p string) bool {
	if isNestedArchive(p) {
		return true
	}
	return a.algorithmMode() && !strings.Contains(p, "/") && !strings.HasPrefix(p, ".")
}
