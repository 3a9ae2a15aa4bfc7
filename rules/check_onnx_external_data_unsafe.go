package rules

import (
	"path"
	"strings"
)

var onnxExternalDataUnsafe = Meta{
	ID:       "onnx-external-data-unsafe",
	Severity: Error,
	Summary:  "An ONNX model's tensor (TensorProto.external_data in the graph, subgraphs, training graphs and functions) points at an absolute path, climbs out of the model folder with .., names no location, or names a file missing from the artifact: loading it reads a file of the host or fails.",
	Hint:     "save the model with onnx.save_model(..., save_as_external_data=True, location=\"weights.bin\") so the data sits beside the .onnx file, and ship that file in the artifact",
}

var onnxExternalDataUnsafeRule = Rule{Meta: onnxExternalDataUnsafe, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		f := a.Models[p].Formats
		if f == nil || f.ONNX == nil {
			continue
		}
		for _, x := range f.ONNX.External {
			loc := strings.ReplaceAll(x.Location, `\`, "/")
			n := plural(x.Count, "tensor", "tensors")
			switch {
			case x.Location == "":
				fs = append(fs, a.Finding(onnxExternalDataUnsafe, p, 0, 0, "tensor %q is stored as external data but names no location (%d %s): onnxruntime cannot load it", x.Tensor, x.Count, n))
			case path.IsAbs(loc) || len(loc) >= 2 && loc[1] == ':':
				fs = append(fs, a.Finding(onnxExternalDataUnsafe, p, 0, 0, "the external data of tensor %q is at the absolute path %q (%d %s): loading the model reads that file of the host", x.Tensor, x.Location, x.Count, n))
			case climbs(loc):
				fs = append(fs, a.Finding(onnxExternalDataUnsafe, p, 0, 0, "the external data of tensor %q is at %q, which climbs out of the model folder (%d %s): loading the model reads a file of the host", x.Tensor, x.Location, x.Count, n))
			case !a.hasFile(path.Join(path.Dir(p), loc)):
				fs = append(fs, a.Finding(onnxExternalDataUnsafe, p, 0, 0, "the external data of tensor %q is in %q, which is not in the artifact (%d %s): onnxruntime fails to load the model", x.Tensor, path.Join(path.Dir(p), loc), x.Count, n))
			}
		}
	}
	return fs
}}

// climbs reports whether a relative path has a ".." segment.
//
//	weights.bin        -> false
//	../../etc/passwd   -> true
//	data/../w.bin      -> true
func climbs(p string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == ".." {
			return true
		}
	}
	return false
}
