package rules

import (
	"strconv"

	"github.com/mati-dev/mati/inference"
	"github.com/mati-dev/mati/modelfile"
)

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
func (a *Archive) isTFS() bool { return a.fw != nil && a.fw.Serving == ServingTFS }

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
		case a.handlerAbsence(name) != absenceFine:
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

// absenceFindings returns a finding of rule m, saying what happens, for
// each judged handler the script lacks with the given consequence.
func (a *Archive) absenceFindings(m Meta, want absence) []Finding {
	var fs []Finding
	for _, name := range a.judgedHandlers() {
		if a.handlerAbsence(name) == want {
			fs = append(fs, a.Finding(m, a.ScriptPath, 0, 0, "%s", missingHandlerMessage(a, name)))
		}
	}
	return fs
}

// judgedHandlers returns the handlers whose absence handler-missing and
// handler-default-used judge: the toolkit's four, or TensorFlow Serving's
// handler, or its pair when the script defines one of them.
func (a *Archive) judgedHandlers() []string {
	if !a.isTFS() {
		return []string{"model_fn", "predict_fn", "input_fn", "output_fn"}
	}
	if a.hasHandler("input_handler") || a.hasHandler("output_handler") {
		return []string{"input_handler", "output_handler"}
	}
	return []string{"handler"}
}

// absence is what the container does when the script lacks a handler.
type absence int

const (
	absenceFine    absence = iota // nothing calls it, or it is there
	absenceDefault                // the container's default runs (handler-default-used)
	absenceFatal                  // the container fails (handler-missing)
)

// handlerAbsence says what the container does without handler name in the
// script.
func (a *Archive) handlerAbsence(name string) absence {
	if a.Script == nil || a.hasHandler(name) {
		return absenceFine
	}
	if a.isTFS() {
		switch name {
		case "handler":
			if !(a.hasHandler("input_handler") && a.hasHandler("output_handler")) {
				return absenceFatal
			}
		case "input_handler", "output_handler":
			if !a.hasHandler("handler") {
				return absenceFatal
			}
		}
		return absenceFine
	}
	transform := a.hasHandler("transform_fn")
	switch name {
	case "model_fn":
		switch {
		case a.fw == nil:
		case a.fw.ModelFnRequired && (a.scriptMode() || !a.fw.AlgorithmMode):
			return absenceFatal
		case a.fw.TorchScriptDefault:
			if _, ok := a.defaultTorchModelNotScript(); ok {
				return absenceFatal
			}
			return absenceDefault
		}
	case "predict_fn":
		if a.hasHandler("model_fn") && !transform {
			return absenceDefault
		}
	case "input_fn", "output_fn":
		if !transform {
			return absenceDefault
		}
	}
	return absenceFine
}

// missingHandlerMessage says what happens without handler name.
func missingHandlerMessage(a *Archive, name string) string {
	switch {
	case a.isTFS() && name == "handler":
		return "the TensorFlow Serving script defines neither handler(data, context) nor both input_handler and output_handler"
	case a.isTFS():
		return "input_handler and output_handler must both be defined; " + name + " is missing"
	case name == "model_fn" && a.torchScriptDefault() && a.handlerAbsence("model_fn") == absenceFatal:
		p, _ := a.defaultTorchModelNotScript()
		return "no model_fn, and " + strconv.Quote(p) + " is not TorchScript: the PyTorch default loader (torch.jit.load) cannot load it"
	case name == "model_fn" && a.torchScriptDefault():
		return "no model_fn: the PyTorch default loads only a TorchScript model.pt (or a single *.pt/*.pth) with torch.jit.load"
	case name == "model_fn":
		return "no model_fn: the " + a.fw.Name + " container has no default and raises NotImplementedError at start-up"
	case name == "predict_fn":
		return "custom model_fn without predict_fn: the default predict_fn calls model(data), which may not fit the object model_fn returns"
	}
	return "no " + name + ": the container's default is used"
}

// torchScriptDefault reports whether the container's default model_fn is
// the TorchScript loader (PyTorch).
func (a *Archive) torchScriptDefault() bool { return a.fw != nil && a.fw.TorchScriptDefault }

// defaultTorchModelNotScript returns the file the PyTorch default loader
// picks (model.pt, else the only *.pt/*.pth) when its bytes show it is not
// TorchScript (a torch.save state dict or module, or a bare pickle).
func (a *Archive) defaultTorchModelNotScript() (string, bool) {
	pick := ""
	if a.hasFile("model.pt") {
		pick = "model.pt"
	} else if c := a.torchCandidates(); len(c) == 1 {
		pick = c[0]
	}
	rep, ok := a.Models[pick]
	if pick == "" || !ok {
		return "", false
	}
	switch rep.Kind {
	case modelfile.KindTorchZip:
		return pick, !rep.TorchScript
	case modelfile.KindPickle:
		return pick, true
	}
	return "", false
}

// hasHandler reports whether the script binds name at module level.
func (a *Archive) hasHandler(name string) bool {
	if a.Script == nil {
		return false
	}
	for _, h := range a.Script.Handlers {
		if h.Name == name {
			return true
		}
	}
	return false
}
