package rules

import (
	"path"
	"strings"
)

var modelPathMismatch = Meta{
	ID:       "model-path-mismatch",
	Severity: Warning,
	Summary:  "model_fn opens a file under the model directory that the artifact does not contain.",
	Hint:     "make model_fn open the file that is in the archive, or add that file at the path model_fn expects",
}

var modelPathMismatchRule = Rule{Meta: modelPathMismatch, Check: func(a *Archive) []Finding {
	if a.Script == nil || a.ReadErr != nil {
		return nil
	}
	present := map[string]bool{}
	for _, e := range a.Entries {
		if e.Unsafe == "" {
			present[e.Path] = true
		}
	}
	var fs []Finding
	for _, ref := range a.Script.ModelPaths {
		want := strings.TrimSuffix(path.Clean(ref.Value), "/")
		if want == "." || want == "" || present[want] {
			continue
		}
		ext := path.Ext(want)
		var same, models []string
		for _, p := range a.regularFiles() {
			switch {
			case junkRoot(p) != "":
			case ext != "" && path.Ext(p) == ext:
				same = append(same, p)
			case roleOf(p, a.fw) == RoleModel:
				models = append(models, p)
			}
		}
		msg := "model_fn opens %q, which is not in the artifact"
		args := []any{want}
		switch {
		case len(same) > 0:
			msg += "; %s files there: %s"
			args = append(args, ext, strings.Join(quoteAll(same), ", "))
		case len(models) > 0:
			msg += "; model files there: %s"
			args = append(args, strings.Join(quoteAll(models), ", "))
		}
		fs = append(fs, a.Finding(modelPathMismatch, a.ScriptPath, ref.Line, ref.Col, msg, args...))
	}
	return fs
}}
