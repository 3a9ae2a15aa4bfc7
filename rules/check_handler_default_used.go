package rules

var handlerDefaultUsed = Meta{
	ID:       "handler-default-used",
	Severity: Info,
	Summary:  "An optional handler is not defined in the inference script, so the container's default runs in its place.",
	Hint:     "define the handler at module level if the default (JSON/CSV/NPY decoding, model(data), TorchScript loading) does not fit your model",
}

var handlerDefaultUsedRule = Rule{Meta: handlerDefaultUsed, Check: func(a *Archive) []Finding {
	return a.absenceFindings(handlerDefaultUsed, absenceDefault)
}}
