package rules

var handlerMissing = Meta{
	ID:       "handler-missing",
	Severity: Error,
	Summary:  "A handler the container needs is not defined at module level in the inference script, and the container has no default for it: it fails at start-up or at the first request.",
	Hint:     "define the handler at module level in the inference script with the parameters the container passes",
}

var handlerMissingRule = Rule{Meta: handlerMissing, Check: func(a *Archive) []Finding {
	if a.Script == nil {
		if p, ok := a.defaultTorchModelNotScript(); ok && a.torchScriptDefault() {
			return []Finding{a.Finding(handlerMissing, p, 0, 0, "no inference script with model_fn, and %q is not TorchScript: the PyTorch default loader (torch.jit.load) cannot load it", p)}
		}
		return nil
	}
	return a.absenceFindings(handlerMissing, absenceFatal)
}}
