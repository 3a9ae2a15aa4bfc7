package rules

var handlerWrongFramework = Meta{
	ID:       "handler-wrong-framework",
	Severity: Warning,
	Summary:  "The script defines handlers of another container (model_fn in a TensorFlow Serving script, input_handler in a toolkit script); they are never called.",
	Hint:     "TensorFlow Serving calls handler or input_handler/output_handler; the PyTorch, scikit-learn, XGBoost and Hugging Face toolkits call model_fn, input_fn, predict_fn and output_fn",
}

var handlerWrongFrameworkRule = Rule{Meta: handlerWrongFramework, Check: func(a *Archive) []Finding {
	if a.Script == nil || a.fw == nil {
		return nil
	}
	foreign := []string{"input_handler", "output_handler"}
	if a.isTFS() {
		foreign = []string{"model_fn", "input_fn", "predict_fn", "output_fn", "transform_fn"}
	}
	var fs []Finding
	for _, name := range foreign {
		if h, ok := a.lastBinding(name); ok {
			fs = append(fs, a.Finding(handlerWrongFramework, a.ScriptPath, h.Line, h.Col, "%s is never called by the %s container", name, a.fw.Name))
		}
	}
	return fs
}}
