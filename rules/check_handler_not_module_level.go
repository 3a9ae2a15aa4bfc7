package rules

import "github.com/mati-dev/mati/inference"

var handlerNotModuleLevel = Meta{
	ID:       "handler-not-module-level",
	Severity: Warning,
	Summary:  "A handler name is defined only inside a class or function, where the container's getattr on the module never finds it.",
	Hint:     "move the definition to module level (not indented inside a class or def)",
}

var handlerNotModuleLevelRule = Rule{Meta: handlerNotModuleLevel, Check: func(a *Archive) []Finding {
	if a.Script == nil {
		return nil
	}
	var fs []Finding
	for _, name := range inference.HandlerNames {
		if n := a.nestedOnly(name); n != nil {
			fs = append(fs, a.Finding(handlerNotModuleLevel, a.ScriptPath, n.Line, n.Col, "%s is defined inside a class or function; the container looks it up on the module and will not find it", name))
		}
	}
	return fs
}}
