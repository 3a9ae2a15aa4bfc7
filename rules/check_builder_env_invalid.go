package rules

import (
	"path"
	"strings"
)

var builderEnvInvalid = Meta{
	ID:       "builder-env-invalid",
	Severity: Warning,
	Summary:  "The model's env sets SAGEMAKER_SUBMIT_DIRECTORY to /opt/ml/code while the code is packed into the model, or SAGEMAKER_PROGRAM to a name that is not a .py file.",
	Hint:     "code packed into the model is under /opt/ml/model/code: set SAGEMAKER_SUBMIT_DIRECTORY to /opt/ml/model/code (or leave it out), and SAGEMAKER_PROGRAM to the script's file name, e.g. inference.py",
}

var builderEnvInvalidRule = Rule{Meta: builderEnvInvalid, CheckBuilder: func(f *BuilderFile) []Finding {
	var fs []Finding
	for _, c := range f.File.Classes {
		if c.Model == nil {
			continue
		}
		env, st := modelArg(c.Model, "env")
		if st != argGiven || env.Value.Dict == nil {
			continue
		}
		_, entry := modelArg(c.Model, "entry_point")
		_, source := modelArg(c.Model, "source_dir")
		packs := entry == argGiven || source == argGiven
		for _, it := range env.Value.Dict {
			v := it.Value
			if !v.Known {
				continue
			}
			switch it.Key {
			case "SAGEMAKER_SUBMIT_DIRECTORY":
				if packs && path.Clean(v.Str) == "/opt/ml/code" {
					fs = append(fs, f.Finding(builderEnvInvalid, v.Line, v.Col, "SAGEMAKER_SUBMIT_DIRECTORY is %q but builder %s packs its code into the model, which the container unpacks under /opt/ml/model/code", v.Str, c.Name))
				}
			case "SAGEMAKER_PROGRAM":
				if !strings.HasSuffix(v.Str, ".py") {
					fs = append(fs, f.Finding(builderEnvInvalid, v.Line, v.Col, "SAGEMAKER_PROGRAM is %q, not the file name of a Python script", v.Str))
				}
			}
		}
	}
	return fs
}}
