package rules

import (
	"slices"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var s3PrefixNameClash = Meta{
	ID:       "s3-prefix-name-clash",
	Severity: Error,
	Summary:  "In uncompressed model data (an S3Prefix), an object a sits next to objects a/...; SageMaker cannot make a both a file and a folder, and deployment fails.",
	Hint:     "rename either the object or the folder so that no object name is also a folder name",
}

var s3PrefixNameClashRule = Rule{Meta: s3PrefixNameClash, Check: func(a *Archive) []Finding {
	if a.Format != "s3-prefix" {
		return nil
	}
	files := map[string]bool{}
	var names []string
	for _, e := range a.Entries {
		if e.Type != artifact.TypeDir {
			files[e.Name] = true
		}
		names = append(names, e.Name)
	}
	slices.Sort(names)
	var fs []Finding
	reported := map[string]bool{}
	for _, n := range names {
		for i := strings.IndexByte(n, '/'); i > 0; i = next(n, i) {
			parent := n[:i]
			if files[parent] && !reported[parent] {
				reported[parent] = true
				fs = append(fs, a.Finding(s3PrefixNameClash, parent, 0, 0, "the object %q is also the folder of %q", parent, n))
			}
		}
	}
	return fs
}}

// next returns the index of the next "/" in n after i, or -1.
func next(n string, i int) int {
	j := strings.IndexByte(n[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
