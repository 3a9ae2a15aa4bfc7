package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

// isJunkPart reports whether one element of a path is something operating
// systems and tools leave behind: the folders __MACOSX, __pycache__ and
// .ipynb_checkpoints, the files .DS_Store, Thumbs.db and desktop.ini, and
// macOS AppleDouble files ._*. It runs for every element of every entry, so
// it switches on the first byte before comparing.
func isJunkPart(part string) bool {
	if part == "" {
		return false
	}
	switch part[0] {
	case '_':
		return part == "__MACOSX" || part == "__pycache__"
	case '.':
		return part == ".DS_Store" || part == ".ipynb_checkpoints" || strings.HasPrefix(part, "._")
	case 'T':
		return part == "Thumbs.db"
	case 'd':
		return part == "desktop.ini"
	}
	return false
}

// dependencyNames are files the containers install dependencies from.
var dependencyNames = map[string]bool{"requirements.txt": true, "environment.yml": true, "environment.yaml": true, "setup.py": true, "pyproject.toml": true}

// junkRoot returns the top-most junk element of p ("__MACOSX" for
// "__MACOSX/x/._y"), or "" if p is not junk.
func junkRoot(p string) string {
	start := 0
	for start <= len(p) {
		end := strings.IndexByte(p[start:], '/')
		if end < 0 {
			end = len(p)
		} else {
			end += start
		}
		part := p[start:end]
		if isJunkPart(part) {
			return p[:end]
		}
		start = end + 1
	}
	return ""
}

// codeRel returns p relative to the code folder the containers read
// ("code/"), and whether p is inside it.
func codeRel(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "code/")
	return rest, ok
}

// roleOf returns the role of a non-directory member at p under framework fw
// (nil: any framework).
func roleOf(p string, fw *Framework) Role {
	if junkRoot(p) != "" {
		return RoleJunk
	}
	base := path.Base(p)
	if rel, ok := codeRel(p); ok {
		if strings.HasPrefix(rel, "lib/") || dependencyNames[rel] {
			return RoleDependencies
		}
		return RoleCode
	}
	if !strings.Contains(p, "/") {
		if dependencyNames[base] {
			return RoleDependencies
		}
		if strings.HasSuffix(base, ".py") {
			return RoleCode
		}
	}
	fws := frameworks
	if fw != nil {
		fws = []*Framework{fw}
	}
	for _, f := range fws {
		if isModelFile(f, p) {
			return RoleModel
		}
	}
	for _, f := range fws {
		if matchAny(f.Preprocessing, p) {
			return RolePreprocessing
		}
	}
	for _, f := range fws {
		if matchAny(f.Metadata, p) {
			return RoleMetadata
		}
	}
	if strings.HasSuffix(base, ".py") {
		return RoleCode
	}
	return RoleUnexpected
}

// isModelFile reports whether p is a model file of f. TensorFlow model files
// only count inside a SavedModel folder.
func isModelFile(f *Framework, p string) bool {
	if junkRoot(p) != "" {
		return false
	}
	if _, ok := codeRel(p); ok {
		return false
	}
	if f.Serving == ServingTFS {
		base := path.Base(p)
		if base == "saved_model.pb" || base == "saved_model.pbtxt" || strings.HasPrefix(p, "variables/") || strings.Contains(p, "/variables/") || strings.Contains(p, "/assets/") {
			return true
		}
		return strings.HasSuffix(base, ".h5") || strings.HasSuffix(base, ".keras")
	}
	return matchAny(f.Model, p)
}

// assignRoles returns the role of every entry: files by roleOf, folders by
// the most important role of what they hold.
func assignRoles(entries []artifact.Entry, fw *Framework) []Role {
	roles := make([]Role, len(entries))
	best := map[string]Role{}
	for i, e := range entries {
		if e.Type == artifact.TypeDir {
			continue
		}
		r := roleOf(e.Path, fw)
		roles[i] = r
		for d := path.Dir(e.Path); d != "." && d != "/"; d = path.Dir(d) {
			if rolePriority(r) > rolePriority(best[d]) {
				best[d] = r
			}
		}
	}
	for i, e := range entries {
		if e.Type != artifact.TypeDir {
			continue
		}
		switch {
		case junkRoot(e.Path) != "":
			roles[i] = RoleJunk
		case e.Path == "" || e.Path == "code":
			roles[i] = RoleCode
			if e.Path == "" {
				roles[i] = RoleMetadata
			}
		case best[e.Path] != "":
			roles[i] = best[e.Path]
		default:
			roles[i] = RoleUnexpected
		}
	}
	return roles
}

// rolePriority orders roles for folders: a folder holding a model is a model
// folder.
func rolePriority(r Role) int {
	switch r {
	case RoleModel:
		return 7
	case RoleCode:
		return 6
	case RoleDependencies:
		return 5
	case RolePreprocessing:
		return 4
	case RoleMetadata:
		return 3
	case RoleUnexpected:
		return 2
	case RoleJunk:
		return 1
	}
	return 0
}
