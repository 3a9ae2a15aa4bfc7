package rules

var builderSyntaxError = Meta{
	ID:       "builder-syntax-error",
	Severity: Error,
	Summary:  "The builder file is not valid Python 3, so the pipeline definition cannot be imported.",
	Hint:     "fix the syntax at the reported position (python3 -m py_compile <file> shows the same error)",
}

var builderSyntaxErrorRule = Rule{Meta: builderSyntaxError, CheckBuilder: func(f *BuilderFile) []Finding {
	e := f.File.SyntaxError
	if e == nil {
		return nil
	}
	return []Finding{f.Finding(builderSyntaxError, e.Line, e.Col, "syntax error: %s; the builder facts after it may be incomplete", e.Message)}
}}
