package rules

import (
	"path"
	"slices"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var tritonRepositoryInvalid = Meta{
	ID:       "triton-repository-invalid",
	Severity: Error,
	Summary:  "The Triton model repository cannot start: config.pbtxt at the root, no model folder, several folders without SAGEMAKER_TRITON_DEFAULT_MODEL_NAME, a default name with no folder, a config name that differs from its folder, no numeric version folder, or a Python-backend version without model.py.",
	Hint:     "lay the artifact out as <model>/config.pbtxt and <model>/1/<model file>, one model folder (or set SAGEMAKER_TRITON_DEFAULT_MODEL_NAME), with name: in config.pbtxt equal to the folder",
}

var tritonRepositoryInvalidRule = Rule{Meta: tritonRepositoryInvalid, Check: func(a *Archive) []Finding {
	if a.fw != &tritonFramework || a.ReadErr != nil || len(a.regularFiles()) == 0 {
		return nil
	}
	multi := a.multiModel()
	if multi && a.hasFile("config.pbtxt") {
		// A multi-model archive may be the model itself.
		return a.tritonModel("", "")
	}
	if a.hasFile("config.pbtxt") {
		return []Finding{a.Finding(tritonRepositoryInvalid, "config.pbtxt", 0, 0,
			"config.pbtxt is at the root: the repository needs a model folder (<model>/config.pbtxt): \"ERROR: Incorrect directory structure.\"")}
	}
	dirs := a.tritonTopDirs()
	var load []string
	switch name, set := a.Env["SAGEMAKER_TRITON_DEFAULT_MODEL_NAME"]; {
	case multi:
		load = dirs
	case set:
		if !slices.Contains(dirs, name) {
			a.expect(name+"/config.pbtxt", RoleMetadata)
			return []Finding{a.Finding(tritonRepositoryInvalid, "", 0, 0,
				"SAGEMAKER_TRITON_DEFAULT_MODEL_NAME is %q but the repository has no folder %q", name, name+"/")}
		}
		load = []string{name}
	case len(dirs) == 0:
		a.expect("model/config.pbtxt", RoleMetadata)
		return []Finding{a.Finding(tritonRepositoryInvalid, "", 0, 0, "no model folder at the root: \"No model found in model repository\"")}
	case len(dirs) > 1:
		return []Finding{a.Finding(tritonRepositoryInvalid, "", 0, 0,
			"%d top-level folders (%s) and no SAGEMAKER_TRITON_DEFAULT_MODEL_NAME: \"More than 1 model directory found in model repository\"", len(dirs), strings.Join(quoteAll(dirs), ", "))}
	default:
		load = dirs
	}
	var fs []Finding
	for _, d := range load {
		fs = append(fs, a.tritonModel(d+"/", d)...)
	}
	return fs
}}

// tritonModel judges one model folder: prefix is its path with a trailing
// "/" ("" for a multi-model archive that is the model), name the model's
// name ("" when it comes from the archive).
func (a *Archive) tritonModel(prefix, name string) []Finding {
	cfgPath := prefix + "config.pbtxt"
	cfg := parseTritonConfig(a.Files[cfgPath])
	var fs []Finding
	if n := cfg.fields["name"]; a.hasFile(cfgPath) && n != "" && name != "" && n != name {
		fs = append(fs, a.Finding(tritonRepositoryInvalid, cfgPath, 0, 0, "config.pbtxt names the model %q but its folder is %q; Triton requires them to match", n, name))
	}
	versions := map[string]bool{}
	for _, e := range a.Entries {
		rest, ok := strings.CutPrefix(e.Path, prefix)
		if !ok || e.Unsafe != "" {
			continue
		}
		v, _, _ := strings.Cut(rest, "/")
		if tritonVersionRE.MatchString(v) && (strings.Contains(rest, "/") || e.Type == artifact.TypeDir) {
			versions[v] = true
		}
	}
	if len(versions) == 0 {
		a.expect(prefix+"1/", RoleModel)
		return append(fs, a.Finding(tritonRepositoryInvalid, strings.TrimSuffix(prefix, "/"), 0, 0,
			"model %q has no version folder (an integer without leading zeros, such as 1/): \"at least one version must be available\"", modelLabel(prefix)))
	}
	if cfg.fields["backend"] == "python" {
		file := cfg.fields["default_model_filename"]
		if file == "" {
			file = "model.py"
		}
		vs := make([]string, 0, len(versions))
		for v := range versions {
			vs = append(vs, v)
		}
		slices.Sort(vs)
		for _, v := range vs {
			if p := path.Join(prefix+v, file); !a.hasFile(p) {
				a.expect(p, RoleCode)
				fs = append(fs, a.Finding(tritonRepositoryInvalid, prefix+v, 0, 0, "Python-backend version %q has no %q: \"Python model file not found\"", prefix+v, file))
			}
		}
	}
	return fs
}

// modelLabel names a model folder in messages: its name, or "the archive".
func modelLabel(prefix string) string {
	if prefix == "" {
		return "the archive"
	}
	return strings.TrimSuffix(prefix, "/")
}
