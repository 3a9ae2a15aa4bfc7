package rules

import (
	"path"
	"strings"
)

var requirementsMissing = Meta{
	ID:       "requirements-missing",
	Severity: Warning,
	Summary:  "The inference script imports a package that the framework's container does not provide, and the artifact has no requirements.txt to install it.",
	Hint:     "add code/requirements.txt listing the package (or code/lib/ for TensorFlow Serving)",
}

var requirementsMissingRule = Rule{Meta: requirementsMissing, Check: func(a *Archive) []Finding {
	if a.Script == nil || a.fw == nil || a.hasDependencyFile() {
		return nil
	}
	provided := map[string]bool{}
	for _, p := range a.fw.Provided {
		provided[p] = true
	}
	local := a.localModules()
	var fs []Finding
	for _, imp := range a.Script.Imports {
		m := imp.Module
		if stdlibModules[m] || provided[m] || local[m] || strings.HasPrefix(m, "_") {
			continue
		}
		fs = append(fs, a.Finding(requirementsMissing, a.ScriptPath, imp.Line, 0, "%q is imported but the %s container does not provide it and there is no code/requirements.txt", m, a.fw.Name))
	}
	if len(fs) > 0 {
		a.expect("code/requirements.txt", RoleDependencies)
	}
	return fs
}}

// hasDependencyFile reports whether the artifact brings its own
// dependencies: code/requirements.txt, an environment.yml, or code/lib/.
func (a *Archive) hasDependencyFile() bool {
	for _, e := range a.Entries {
		if e.Unsafe != "" {
			continue
		}
		switch {
		case e.Path == "code/requirements.txt", path.Base(e.Path) == "environment.yml", path.Base(e.Path) == "environment.yaml":
			return true
		case e.Path == "code/lib" || strings.HasPrefix(e.Path, "code/lib/"):
			return true
		}
	}
	return false
}

// localModules returns the modules the script can import from beside it:
// Python files and packages in the script's folder.
func (a *Archive) localModules() map[string]bool {
	dir := path.Dir(a.ScriptPath)
	out := map[string]bool{}
	for _, e := range a.Entries {
		rel := e.Path
		if dir != "." {
			var ok bool
			rel, ok = strings.CutPrefix(e.Path, dir+"/")
			if !ok {
				continue
			}
		}
		first, _, _ := strings.Cut(rel, "/")
		out[strings.TrimSuffix(first, ".py")] = true
	}
	return out
}
