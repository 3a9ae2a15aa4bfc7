package rules

var handlerConflict = Meta{
	ID:       "handler-conflict",
	Severity: Error,
	Summary:  "transform_fn is defined together with input_fn, predict_fn or output_fn; the toolkit raises ValueError.",
	Hint:     "use either transform_fn alone, or input_fn/predict_fn/output_fn without transform_fn",
}

var handlerConflictRule = Rule{Meta: handlerConflict, Check: func(a *Archive) []Finding {
	t, ok := a.lastBinding("transform_fn")
	if !ok || a.isTFS() {
		return nil
	}
	var fs []Finding
	for _, name := range []string{"input_fn", "predict_fn", "output_fn"} {
		if h, ok := a.lastBinding(name); ok {
			fs = append(fs, a.Finding(handlerConflict, a.ScriptPath, h.Line, h.Col, "%s is defined together with transform_fn (line %d); the container refuses the combination", name, t.Line))
		}
	}
	return fs
}}
