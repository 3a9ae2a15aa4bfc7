package rules

import (
	"fmt"
	"slices"

	"github.com/mati-dev/mati/modelfile"
)

// modelPaths returns the paths of the scanned model files, sorted.
func (a *Archive) modelPaths() []string {
	ps := make([]string, 0, len(a.Models))
	for p := range a.Models {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// problemFindings returns one finding of rule m for every problem whose code
// is in codes, in every scanned model file.
func (a *Archive) problemFindings(m Meta, what string, codes ...modelfile.Code) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		for _, pr := range a.Models[p].Problems {
			if !slices.Contains(codes, pr.Code) {
				continue
			}
			fs = append(fs, a.Finding(m, p, 0, 0, "%s%s: %s", what, inMember(pr.Member, pr.Offset), pr.Detail))
		}
	}
	return fs
}

// inMember says where in a model file something was found: " (in
// archive/data.pkl at offset 12)".
func inMember(member string, offset int64) string {
	switch {
	case member != "" && offset >= 0:
		return fmt.Sprintf(" (in %q at offset %d)", member, offset)
	case member != "":
		return fmt.Sprintf(" (in %q)", member)
	case offset >= 0:
		return fmt.Sprintf(" (at offset %d)", offset)
	}
	return ""
}

// importFindings returns one finding of rule m for each distinct import of
// class c in every scanned model file.
func (a *Archive) importFindings(m Meta, c modelfile.Class, format string) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		seen := map[string]bool{}
		for _, im := range a.Models[p].Imports {
			if im.Class != c || seen[im.Member+"\x00"+im.String()] {
				continue
			}
			seen[im.Member+"\x00"+im.String()] = true
			if im.Module == "?" || im.Name == "?" {
				fs = append(fs, a.Finding(m, p, 0, 0, "imports %q%s, whose module or name is computed at load time, not a constant: loading the model may run anything", im.String(), inMember(im.Member, im.Offset)))
				continue
			}
			fs = append(fs, a.Finding(m, p, 0, 0, format, im.String(), inMember(im.Member, im.Offset)))
		}
	}
	return fs
}
