package rules

import "github.com/mati-dev/mati/modelfile"

var pickleMalformed = Meta{
	ID:       "pickle-malformed",
	Severity: Warning,
	Summary:  "A pickle in a model file is truncated or invalid; loading fails, and imports found before the damage are still reported.",
	Hint:     "re-save the model; check that the file was copied completely",
}

var pickleMalformedRule = Rule{Meta: pickleMalformed, Check: func(a *Archive) []Finding {
	return a.problemFindings(pickleMalformed, "the pickle is malformed", modelfile.CodePickleMalformed)
}}
