package rules

import "github.com/mati-dev/mati/modelfile"

var tensorflowSavedModelInvalid = Meta{
	ID:       "tensorflow-savedmodel-invalid",
	Severity: Error,
	Summary:  "A saved_model.pb (or frozen GraphDef) is not a protocol buffer that decodes (bad wire format, over 2 GiB, or no MetaGraphDef), so TensorFlow Serving refuses to load it.",
	Hint:     "re-export the model with tf.saved_model.save and copy saved_model.pb in binary mode (no text conversion, no truncated upload)",
}

var tensorflowSavedModelInvalidRule = Rule{Meta: tensorflowSavedModelInvalid, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		for _, pr := range a.Models[p].Problems {
			if pr.Code == modelfile.CodeSavedModelInvalid {
				fs = append(fs, a.Finding(tensorflowSavedModelInvalid, p, 0, 0, "%s%s; TensorFlow Serving refuses to load it", pr.Detail, inMember(pr.Member, pr.Offset)))
			}
		}
	}
	return fs
}}
