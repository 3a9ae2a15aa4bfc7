package rules

import (
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var s3PrefixNameInvalid = Meta{
	ID:       "s3-prefix-name-invalid",
	Severity: Error,
	Summary:  "In uncompressed model data (an S3Prefix), an object's name below the prefix is empty, holds NUL, has a part over 255 bytes, or a part that is \".\", \"..\" or empty; SageMaker cannot write it to /opt/ml/model.",
	Hint:     "rename the object so that every part of its key below the prefix is a plain file or folder name",
}

var s3PrefixNameInvalidRule = Rule{Meta: s3PrefixNameInvalid, Check: func(a *Archive) []Finding {
	if a.Format != "s3-prefix" {
		return nil
	}
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type == artifact.TypeDir && e.Name == "" {
			continue // the prefix's own folder marker
		}
		if why := invalidObjectName(strings.TrimSuffix(e.Name, "/")); why != "" {
			fs = append(fs, a.Finding(s3PrefixNameInvalid, e.Name, 0, 0, "the object %q below the prefix %s", e.Name, why))
		}
	}
	return fs
}}

// invalidObjectName says why SageMaker cannot write the object named name
// (the key below the prefix) to the model folder, or "" if it can.
//
//	"model.pth"       -> ""
//	""                -> "has an empty name"
//	"a//b"            -> "has an empty part"
//	"../x"            -> "has a part \"..\""
func invalidObjectName(name string) string {
	if name == "" {
		return "has an empty name"
	}
	if strings.ContainsRune(name, 0) {
		return "holds a NUL byte"
	}
	for _, part := range strings.Split(name, "/") {
		switch {
		case part == "":
			return "has an empty part"
		case part == "." || part == "..":
			return "has a part \"" + part + "\""
		case len(part) > 255:
			return "has a part longer than 255 bytes"
		}
	}
	return ""
}
