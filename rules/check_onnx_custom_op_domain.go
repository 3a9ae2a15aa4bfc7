package rules

import (
	"fmt"
	"slices"
	"strings"
)

var onnxCustomOpDomain = Meta{
	ID:       "onnx-custom-op-domain",
	Severity: Warning,
	Summary:  "An ONNX model's nodes (NodeProto.domain) or opset imports use an operator domain that neither ONNX nor onnxruntime implements, so serving it needs a custom-op shared library loaded into the server.",
	Hint:     "export with standard ONNX ops, or ship the custom-op library with the serving code and review it like any other native code you load",
}

// standardONNXDomains are the domains ONNX defines (onnx/common/constants.h)
// and the contrib domains onnxruntime implements itself
// (include/onnxruntime/core/graph/constants.h).
var standardONNXDomains = []string{
	"", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview", "ai.onnx.preview.training",
	"com.microsoft", "com.microsoft.experimental", "com.microsoft.nchwc", "com.microsoft.mlfeaturizers",
	"com.microsoft.dml", "com.ms.internal.nhwc", "org.pytorch.aten", "com.intel.ai", "com.xilinx",
}

var onnxCustomOpDomainRule = Rule{Meta: onnxCustomOpDomain, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		f := a.Models[p].Formats
		if f == nil || f.ONNX == nil {
			continue
		}
		o := f.ONNX
		local := map[string]bool{}
		for _, lf := range o.LocalFunctions {
			local[lf] = true
			if d, _, ok := strings.Cut(lf, ":"); ok {
				local[d+":"] = true
			}
		}
		seen := map[string]bool{}
		for _, d := range o.Domains {
			if slices.Contains(standardONNXDomains, d.Domain) || local[d.Domain+":"+d.OpType] {
				continue
			}
			seen[d.Domain] = true
			fs = append(fs, a.Finding(onnxCustomOpDomain, p, 0, 0, "node %q uses op %q of the custom domain %q (%d %s): onnxruntime needs a custom-op library for it", d.Node, d.OpType, d.Domain, d.Count, plural(d.Count, "node", "nodes")))
		}
		for _, os := range o.Opsets {
			if slices.Contains(standardONNXDomains, os.Domain) || seen[os.Domain] || local[os.Domain+":"] {
				continue
			}
			seen[os.Domain] = true
			fs = append(fs, a.Finding(onnxCustomOpDomain, p, 0, 0, "%s", fmt.Sprintf("the model imports the opset of the custom domain %q (version %d): onnxruntime needs a custom-op library for it", os.Domain, os.Version)))
		}
	}
	return fs
}}
