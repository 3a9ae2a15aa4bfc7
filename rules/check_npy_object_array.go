package rules

import "github.com/mati-dev/mati/modelfile"

var npyObjectArray = Meta{
	ID:       "npy-object-array",
	Severity: Warning,
	Summary:  "A .npy array has object dtype: its payload is a pickle, loaded only with allow_pickle=True, and can run code.",
	Hint:     "save numeric arrays with a numeric dtype, or store the data in another format",
}

var npyObjectArrayRule = Rule{Meta: npyObjectArray, Check: func(a *Archive) []Finding {
	return a.problemFindings(npyObjectArray, "object array", modelfile.CodeNpyObject)
}}
