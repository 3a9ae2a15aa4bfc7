package rules

import (
	"strconv"

	"github.com/mati-dev/mati/inference"
)

var handlerArity = Meta{
	ID:       "handler-arity",
	Severity: Error,
	Summary:  "A handler takes a number of positional parameters the container does not pass, so the first request raises TypeError.",
	Hint:     "use the parameters the container passes, each handler with an optional last context: model_fn(model_dir), input_fn(input_data, content_type), predict_fn(data, model), output_fn(prediction, accept), transform_fn(model, input_data, content_type, accept); TensorFlow: handler(data, context)",
}

var handlerArityRule = Rule{Meta: handlerArity, Check: func(a *Archive) []Finding {
	if a.Script == nil {
		return nil
	}
	var fs []Finding
	table := a.handlerTable()
	for _, name := range inference.HandlerNames {
		h, ok := a.lastBinding(name)
		r, known := table[name]
		if !ok || !known || arityOK(h, r) {
			continue
		}
		want := strconv.Itoa(r.min)
		if r.max != r.min {
			want += " or " + strconv.Itoa(r.max)
		}
		fs = append(fs, a.Finding(handlerArity, a.ScriptPath, h.Line, h.Col, "%s takes %d positional parameters; the container passes %s", name, h.Params, want))
	}
	return fs
}}
