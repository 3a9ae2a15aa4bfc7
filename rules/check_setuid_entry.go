package rules

import "github.com/mati-dev/mati/artifact"

var setuidEntry = Meta{
	ID:       "setuid-entry",
	Severity: Warning,
	Summary:  "An entry has the setuid, setgid or sticky bit, or is world-writable.",
	Hint:     "rebuild the archive with plain permissions (e.g. tar --mode='u=rwX,go=rX')",
}

var setuidEntryRule = Rule{Meta: setuidEntry, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type == artifact.TypeSymlink || e.Type == artifact.TypeOther || e.Path == "" {
			continue
		}
		switch {
		case e.Mode&0o7000 != 0:
			fs = append(fs, a.Finding(setuidEntry, e.Path, 0, 0, "%q has mode %04o (setuid, setgid or sticky bit)", e.Path, e.Mode))
		case e.Mode&0o002 != 0:
			fs = append(fs, a.Finding(setuidEntry, e.Path, 0, 0, "%q has mode %04o (world-writable)", e.Path, e.Mode))
		}
	}
	return fs
}}
