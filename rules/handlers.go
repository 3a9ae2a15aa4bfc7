package rules

import "github.com/mati-dev/mati/inference"

// arity is the range of positional parameters a handler may take; the last
// one is the optional context.
type arity struct{ min, max int }

// toolkitArity is the handler table of the SageMaker inference toolkits
// (sagemaker-inference-toolkit transformer.py, the PyTorch and Hugging Face
// toolkits).
var toolkitArity = map[string]arity{
	"model_fn":        {1, 2},
	"input_fn":        {2, 3},
	"predict_fn":      {2, 3},
	"output_fn":       {2, 3},
	"transform_fn":    {4, 5},
	"pre_model_fn":    {1, 1},
	"model_warmup_fn": {2, 2},
}

// tfsArity is the handler table of the TensorFlow Serving container.
var tfsArity = map[string]arity{
	"handler":        {2, 2},
	"input_handler":  {2, 2},
	"output_handler": {2, 2},
}

// isTFS reports whether the archive is served by TensorFlow Serving.
func (a *Archive) isTFS() bool { return a.fw == &tensorflowFramework }

// handlerTable returns the handlers the archive's container calls.
func (a *Archive) handlerTable() map[string]arity {
	if a.isTFS() {
		return tfsArity
	}
	return toolkitArity
}

// moduleHandlers returns the script's module-level bindings of name.
func (a *Archive) moduleHandlers(name string) []inference.Handler {
	if a.Script == nil {
		return nil
	}
	var out []inference.Handler
	for _, h := range a.Script.Handlers {
		if h.Name == name {
			out = append(out, h)
		}
	}
	return out
}

// lastBinding returns the binding getattr finds (the last one), and whether
// there is one.
func (a *Archive) lastBinding(name string) (inference.Handler, bool) {
	hs := a.moduleHandlers(name)
	if len(hs) == 0 {
		return inference.Handler{}, false
	}
	return hs[len(hs)-1], true
}

// arityOK reports whether h's parameter count fits r.
func arityOK(h inference.Handler, r arity) bool {
	return h.Params == inference.AnyParams || (h.Params >= r.min && h.Params <= r.max)
}

// handlerViews lists the handlers for the report: every binding found, the
// ones that are missing where the container needs them, and nested or
// foreign ones as ignored.
func handlerViews(a *Archive) []HandlerView {
	if a.Script == nil {
		return nil
	}
	table := a.handlerTable()
	var out []HandlerView
	for _, name := range inference.HandlerNames {
		h, ok := a.lastBinding(name)
		r, known := table[name]
		switch {
		case ok && !known:
			out = append(out, HandlerView{Name: name, Path: a.ScriptPath, Line: h.Line, Params: h.Params, Status: "ignored"})
		case ok && !arityOK(h, r):
			out = append(out, HandlerView{Name: name, Path: a.ScriptPath, Line: h.Line, Params: h.Params, Status: "wrong arity"})
		case ok:
			out = append(out, HandlerView{Name: name, Path: a.ScriptPath, Line: h.Line, Params: h.Params, Status: "found"})
		case a.nestedOnly(name) != nil:
			n := a.nestedOnly(name)
			out = append(out, HandlerView{Name: name, Path: a.ScriptPath, Line: n.Line, Params: n.Params, Status: "ignored"})
		case a.missingHandlerSeverity(name) >= 0:
			out = append(out, HandlerView{Name: name, Path: a.ScriptPath, Params: 0, Status: "missing"})
		}
	}
	return out
}

// nestedOnly returns the first nested definition of name when the module
// does not bind it, nil otherwise.
func (a *Archive) nestedOnly(name string) *inference.Handler {
	if a.Script == nil || a.hasHandler(name) {
		return nil
	}
	for i := range a.Script.Nested {
		if a.Script.Nested[i].Name == name {
			return &a.Script.Nested[i]
		}
	}
	return nil
}
