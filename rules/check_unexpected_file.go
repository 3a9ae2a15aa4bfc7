package rules

import "github.com/mati-dev/mati/artifact"

var unexpectedFile = Meta{
	ID:       "unexpected-file",
	Severity: Info,
	Summary:  "A file that no framework table knows; it is extracted but probably not used.",
	Hint:     "remove it if the model does not need it; smaller artifacts download and start faster",
}

var unexpectedFileRule = Rule{Meta: unexpectedFile, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type != artifact.TypeFile || e.Unsafe != "" {
			continue
		}
		if roleOf(e.Path, a.fw) == RoleUnexpected {
			fs = append(fs, a.Finding(unexpectedFile, e.Path, 0, 0, "%q is not a file the %s container uses", e.Path, a.frameworkLabel()))
		}
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
