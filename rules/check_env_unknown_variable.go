package rules

import "github.com/mati-dev/mati/deploy"

var envUnknownVariable = Meta{
	ID:       "env-unknown-variable",
	Severity: Warning,
	Summary:  "An environment variable named like a SageMaker, Hugging Face or TorchServe setting is one no container reads, most likely a typo.",
	Hint:     "fix the name (the message suggests the nearest known one) or remove the variable",
}

var envUnknownVariableRule = Rule{Meta: envUnknownVariable, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, k := range sortedEnvNames(a.Env) {
		if !deploy.IsCheckedEnvName(k) {
			continue
		}
		if _, ok := deploy.LookupEnv(k); ok {
			continue
		}
		if s, ok := deploy.SuggestEnv(k); ok {
			fs = append(fs, a.Finding(envUnknownVariable, "", 0, 0, "no container reads %q; did you mean %q?", k, s))
		} else {
			fs = append(fs, a.Finding(envUnknownVariable, "", 0, 0, "no container reads %q", k))
		}
	}
	return fs
}}
