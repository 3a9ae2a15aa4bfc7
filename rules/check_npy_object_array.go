package rules

import "github.com/mati-dev/mati/modelfile"

var npyObjectArray = Meta{
	ID:       "npy-object-array",
	Severity: Info,
	Summary:  "A .npy array (also inside an .npz) has object dtype: its payload is a pickle, which numpy.load reads only with allow_pickle=True; its imports are checked like any pickle's (pickle-unsafe-import, pickle-unknown-import).",
	Hint:     "save numeric arrays with a numeric dtype so that loading needs no allow_pickle=True",
}

var npyObjectArrayRule = Rule{Meta: npyObjectArray, Check: func(a *Archive) []Finding {
	return a.problemFindings(npyObjectArray, "object array", modelfile.CodeNpyObject)
}}
