package rules

import (
	"github.com/mati-dev/mati/artifact"
)

var nestedArchive = Meta{
	ID:       "nested-archive",
	Severity: Warning,
	Summary:  "An archive (tar, tar.gz, tgz, zip) sits inside the artifact; SageMaker extracts only the outer one.",
	Hint:     "extract the inner archive's contents into the model folder before packaging",
}

// archiveSuffixes are the names of archives that are not a model format.
var archiveSuffixes = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".zip", ".7z", ".rar"}

var nestedArchiveRule = Rule{Meta: nestedArchive, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type != artifact.TypeFile || junkRoot(e.Path) != "" {
			continue
		}
		if isNestedArchive(e.Path) {
			fs = append(fs, a.Finding(nestedArchive, e.Path, 0, 0, "%q is an archive inside the artifact; it will not be extracted", e.Path))
		}
	}
	return fs
}}
