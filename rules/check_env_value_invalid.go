package rules

import (
	"github.com/mati-dev/mati/deploy"
)

var envValueInvalid = Meta{
	ID:       "env-value-invalid",
	Severity: Error,
	Summary:  "An environment variable has a value the container rejects when it starts (an integer setting that is not an integer, a true/false switch with another word).",
	Hint:     "set the variable to a value of the kind the message names",
}

var envValueInvalidRule = Rule{Meta: envValueInvalid, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, k := range sortedEnvNames(a.Env) {
		if err := deploy.CheckEnvValue(k, a.Env[k]); err != nil {
			fs = append(fs, a.Finding(envValueInvalid, "", 0, 0, "%v", err))
		}
		// A serving stack's own variables (Framework.Env).
		if kind, ok := a.fw.stackEnv(k); ok {
			if err := deploy.CheckEnvKind(k, a.Env[k], kind); err != nil {
				fs = append(fs, a.Finding(envValueInvalid, "", 0, 0, "%v", err))
			}
		}
	}
	return fs
}}
