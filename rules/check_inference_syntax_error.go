package rules

import (
	"errors"

	"github.com/mati-dev/mati/inference"
)

var inferenceSyntaxError = Meta{
	ID:       "inference-syntax-error",
	Severity: Error,
	Summary:  "The inference script does not parse (or is not valid UTF-8), so importing it fails when the container starts.",
	Hint:     "run python -m py_compile on the script and fix the reported line",
}

var inferenceSyntaxErrorRule = Rule{Meta: inferenceSyntaxError, Check: func(a *Archive) []Finding {
	if a.Script == nil {
		return nil
	}
	var enc *inference.EncodingError
	if errors.As(a.ScriptErr, &enc) {
		return []Finding{a.Finding(inferenceSyntaxError, a.ScriptPath, enc.Line, enc.Col, "the script is not valid UTF-8; Python refuses to import it without a coding declaration")}
	}
	if a.ScriptErr != nil {
		return []Finding{a.Finding(inferenceSyntaxError, a.ScriptPath, 0, 0, "the script cannot be read as Python source: %v", a.ScriptErr)}
	}
	if e := a.Script.SyntaxError; e != nil {
		return []Finding{a.Finding(inferenceSyntaxError, a.ScriptPath, e.Line, e.Col, "syntax error: %s", e.Message)}
	}
	return nil
}}
