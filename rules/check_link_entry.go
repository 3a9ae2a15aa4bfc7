package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var linkEntry = Meta{
	ID:       "link-entry",
	Severity: Error,
	Summary:  "The artifact holds a symbolic or hard link; SageMaker refuses artifacts with links.",
	Hint:     "replace links with the files they point to (tar --dereference, or copy the Hugging Face snapshot with symlinks resolved)",
}

var linkEntryRule = Rule{Meta: linkEntry, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type != artifact.TypeSymlink && e.Type != artifact.TypeHardlink {
			continue
		}
		kind := "symbolic link"
		target := path.Join(path.Dir(e.Path), e.Link)
		if e.Type == artifact.TypeHardlink {
			kind = "hard link"
			target = path.Clean(e.Link)
		}
		escape := ""
		if path.IsAbs(e.Link) || target == ".." || strings.HasPrefix(target, "../") {
			escape = ", outside the artifact"
		}
		fs = append(fs, a.Finding(linkEntry, e.Path, 0, 0, "%q is a %s to %q%s", e.Path, kind, e.Link, escape))
	}
	return fs
}}
