package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var nestedRoot = Meta{
	ID:       "nested-root",
	Severity: Error,
	Summary:  "Everything sits under one extra top-level folder, so nothing is where the container looks.",
	Hint:     "package the folder's contents, not the folder: tar -czf model.tar.gz -C mymodel .",
}

var nestedRootRule = Rule{Meta: nestedRoot, Check: func(a *Archive) []Finding {
	top := a.nestedRoot()
	if top == "" {
		return nil
	}
	return []Finding{a.Finding(nestedRoot, top, 0, 0, "every entry is under %q/; SageMaker extracts it to /opt/ml/model/%s/ where no container looks", top, top)}
}}

// nestedRoot returns the one top-level folder that holds every entry (junk
// aside), or "" if the layout is flat. A TensorFlow "<name>/<version>/"
// layout and the code/ folder are not nested roots.
func (a *Archive) nestedRoot() string {
	top := ""
	files := 0
	for _, e := range a.Entries {
		if e.Path == "" || e.Unsafe != "" || junkRoot(e.Path) != "" {
			continue
		}
		first, _, found := strings.Cut(e.Path, "/")
		if !found && e.Type != artifact.TypeDir {
			return ""
		}
		if top != "" && first != top {
			return ""
		}
		top = first
		if e.Type != artifact.TypeDir {
			files++
		}
	}
	if top == "" || top == "code" || files == 0 {
		return ""
	}
	for _, e := range a.Entries {
		if path.Base(e.Path) == "saved_model.pb" {
			parts := strings.Split(e.Path, "/")
			// <name>/<version>/saved_model.pb is TensorFlow Serving's
			// layout; <name>/saved_model.pb lacks the version folder,
			// which tensorflow-version-dir-missing reports.
			if len(parts) == 3 && isDigits(parts[1]) || len(parts) == 2 {
				return ""
			}
		}
	}
	if isDigits(top) {
		return ""
	}
	return top
}
