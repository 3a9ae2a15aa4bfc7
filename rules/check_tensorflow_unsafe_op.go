package rules

import "fmt"

var tensorflowUnsafeOp = Meta{
	ID:       "tensorflow-unsafe-op",
	Severity: Error,
	Summary:  "A TensorFlow graph (saved_model.pb or a frozen GraphDef, main graph and function library) uses an op that reads or writes files or calls back into Python (ReadFile, WriteFile, MatchingFiles, PyFunc, EagerPyFunc, ...): running the model touches the serving host.",
	Hint:     "re-export the model without file or Python ops: load files in the serving code, and replace tf.py_function/tf.numpy_function with TensorFlow ops",
}

// unsafeTFOps are the ops a served graph has no business running, with
// why. The checkpoint ops every SavedModel has (SaveV2, RestoreV2,
// MergeV2Checkpoints, ShardedFilename) are not here: TensorFlow runs them
// only to restore variables/.
var unsafeTFOps = map[string]string{
	"ReadFile":                "reads any file the serving process can read",
	"WriteFile":               "writes any file the serving process can write",
	"MatchingFiles":           "lists the file system with a glob pattern",
	"PyFunc":                  "calls back into the Python interpreter (tf.numpy_function): in Python it runs whatever function is registered under its token, and TensorFlow Serving, which has no Python, fails to load the graph",
	"PyFuncStateless":         "calls back into the Python interpreter (tf.numpy_function, stateless): in Python it runs whatever function is registered under its token, and TensorFlow Serving fails to load the graph",
	"EagerPyFunc":             "calls back into the Python interpreter (tf.py_function): in Python it runs whatever function is registered under its token, and TensorFlow Serving fails to load the graph",
	"ImmutableConst":          "memory-maps the file its memory_region_name attribute names",
	"WholeFileReader":         "reads whole files whose names come from a queue",
	"WholeFileReaderV2":       "reads whole files whose names come from a queue",
	"SaveDataset":             "writes a dataset to a path on the host",
	"SaveDatasetV2":           "writes a dataset to a path on the host",
	"DatasetToTFRecord":       "writes a TFRecord file",
	"CreateSummaryFileWriter": "writes event files into a log folder",
	"DebugIdentityV2":         "dumps tensors into a debug folder on the host",
}

var tensorflowUnsafeOpRule = Rule{Meta: tensorflowUnsafeOp, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		f := a.Models[p].Formats
		if f == nil || f.Graph == nil {
			continue
		}
		for _, op := range f.Graph.Ops {
			why, ok := unsafeTFOps[op.Op]
			if !ok {
				continue
			}
			where := fmt.Sprintf("node %q", op.Node)
			if op.Function != "" {
				where += fmt.Sprintf(" of function %q", op.Function)
			}
			fs = append(fs, a.Finding(tensorflowUnsafeOp, p, 0, 0, "op %q (%s, %d %s) %s", op.Op, where, op.Count, plural(op.Count, "node", "nodes"), why))
		}
	}
	return fs
}}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
