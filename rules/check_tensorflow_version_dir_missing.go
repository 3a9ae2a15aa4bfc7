package rules

import (
	"path"

	"github.com/mati-dev/mati/artifact"
)

var tensorflowVersionDirMissing = Meta{
	ID:       "tensorflow-version-dir-missing",
	Severity: Error,
	Summary:  "A saved_model.pb is not inside a numeric version folder, so TensorFlow Serving finds no SavedModel bundle.",
	Hint:     "put the SavedModel under a version number: model/1/saved_model.pb (or 1/saved_model.pb) with its variables/ beside it",
}

var tensorflowVersionDirMissingRule = Rule{Meta: tensorflowVersionDirMissing, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type != artifact.TypeFile || path.Base(e.Path) != "saved_model.pb" || junkRoot(e.Path) != "" {
			continue
		}
		if !isDigits(path.Base(path.Dir(e.Path))) {
			fs = append(fs, a.Finding(tensorflowVersionDirMissing, e.Path, 0, 0, "%q is not under a numeric version folder; TensorFlow Serving reports \"no SavedModel bundles found!\"", e.Path))
		}
	}
	return fs
}}
