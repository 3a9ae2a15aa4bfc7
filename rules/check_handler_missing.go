package rules

import (
	"strconv"

	"github.com/mati-dev/mati/modelfile"
)

var handlerMissing = Meta{
	ID:       "handler-missing",
	Severity: Error,
	Summary:  "A handler the container needs is not defined at module level in the inference script (severity depends on what the container does without it).",
	Hint:     "define the handler at module level in the inference script with the parameters the container passes",
}

// missingHandlerSeverity returns the severity of name's absence, or -1 when
// its absence is fine.
func (a *Archive) missingHandlerSeverity(name string) Severity {
	if a.Script == nil || a.hasHandler(name) {
		return -1
	}
	if a.isTFS() {
		switch name {
		case "handler":
			if !(a.hasHandler("input_handler") && a.hasHandler("output_handler")) {
				return Error
			}
		case "input_handler", "output_handler":
			if !a.hasHandler("handler") {
				return Error
			}
		}
		return -1
	}
	transform := a.hasHandler("transform_fn")
	switch name {
	case "model_fn":
		switch {
		case a.fw == &sklearnFramework, a.fw == &xgboostFramework && a.scriptMode():
			return Error
		case a.fw == &pytorchFramework:
			if _, ok := a.defaultTorchModelNotScript(); ok {
				return Error
			}
			return Warning
		}
	case "predict_fn":
		if a.hasHandler("model_fn") && !transform {
			return Warning
		}
	case "input_fn", "output_fn":
		if !transform {
			return Info
		}
	}
	return -1
}

var handlerMissingRule = Rule{Meta: handlerMissing, Check: func(a *Archive) []Finding {
	if a.Script == nil {
		if p, ok := a.defaultTorchModelNotScript(); ok && a.fw == &pytorchFramework {
			return []Finding{a.Finding(handlerMissing, p, 0, 0, "no inference script with model_fn, and %q is not TorchScript: the PyTorch default loader (torch.jit.load) cannot load it", p)}
		}
		return nil
	}
	var fs []Finding
	names := []string{"model_fn", "predict_fn", "input_fn", "output_fn"}
	if a.isTFS() {
		names = []string{"handler"}
		if a.hasHandler("input_handler") || a.hasHandler("output_handler") {
			names = []string{"input_handler", "output_handler"}
		}
	}
	for _, name := range names {
		sev := a.missingHandlerSeverity(name)
		if sev < 0 {
			continue
		}
		f := a.Finding(handlerMissing, a.ScriptPath, 0, 0, "%s", missingHandlerMessage(a, name))
		f.Severity = sev
		fs = append(fs, f)
	}
	return fs
}}

// missingHandlerMessage says what happens without handler name.
func missingHandlerMessage(a *Archive, name string) string {
	switch {
	case a.isTFS() && name == "handler":
		return "the TensorFlow Serving script defines neither handler(data, context) nor both input_handler and output_handler"
	case a.isTFS():
		return "input_handler and output_handler must both be defined; " + name + " is missing"
	case name == "model_fn" && a.fw == &pytorchFramework && a.missingHandlerSeverity("model_fn") == Error:
		p, _ := a.defaultTorchModelNotScript()
		return "no model_fn, and " + strconv.Quote(p) + " is not TorchScript: the PyTorch default loader (torch.jit.load) cannot load it"
	case name == "model_fn" && a.fw == &pytorchFramework:
		return "no model_fn: the PyTorch default loads only a TorchScript model.pt (or a single *.pt/*.pth) with torch.jit.load"
	case name == "model_fn":
		return "no model_fn: the " + a.fw.Name + " container has no default and raises NotImplementedError at start-up"
	case name == "predict_fn":
		return "custom model_fn without predict_fn: the default predict_fn calls model(data), which may not fit the object model_fn returns"
	}
	return "no " + name + ": the container's default is used"
}

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
