package rules

// MXNet (aws/sagemaker-mxnet-inference-toolkit handler_service.py,
// default_inference_handler.py) as it reads an artifact. The rules are:
//   - The script (SAGEMAKER_PROGRAM, default inference.py, in code/) is
//     always imported; without it: ValueError('import_module exception').
//   - Without model_fn the default loads model-symbol.json,
//     model-0000.params and model-shapes.json ("missing file X").

import "strings"

var mxnetFramework = Framework{
	Name:         "mxnet",
	Model:        []string{"*-symbol.json", "*.params", "*-shapes.json"},
	Metadata:     []string{"*.json", "*.txt", "*.yaml", "*.yml"},
	DefaultModel: "model-symbol.json, model-0000.params and model-shapes.json",
	Provided:     append([]string{"mxnet", "gluoncv", "gluonnlp", "sagemaker_mxnet_serving_container", "mms"}, toolkitPackages...),
	Checks: map[string]func(*Archive) []Finding{
		modelFileMissing.ID:       mxnetModelMissing,
		inferenceScriptMissing.ID: mxnetScriptMissing,
	},
}

// mxnetDefaultFiles are the files the default model_fn loads.
var mxnetDefaultFiles = []string{"model-symbol.json", "model-0000.params", "model-shapes.json"}

// mxnetScriptMissing is inference-script-missing for MXNet: the script is
// always imported.
func mxnetScriptMissing(a *Archive) []Finding {
	if a.ReadErr != nil || a.nestedRoot() != "" || len(a.regularFiles()) == 0 || strings.HasPrefix(a.Env["SAGEMAKER_SUBMIT_DIRECTORY"], "s3://") {
		return nil
	}
	prog := a.Env["SAGEMAKER_PROGRAM"]
	if prog == "" {
		prog = "inference.py"
	}
	if a.hasFile("code/" + prog) {
		return nil
	}
	a.expect("code/"+prog, RoleCode)
	return []Finding{a.Finding(inferenceScriptMissing, "", 0, 0, "the MXNet container always imports %q and the artifact has none: ValueError('import_module exception')", "code/"+prog)}
}

// mxnetModelMissing is model-file-missing for MXNet: no model_fn and a
// checkpoint file of the default loader missing.
func mxnetModelMissing(a *Archive) []Finding {
	if a.ReadErr != nil || a.nestedRoot() != "" || len(a.regularFiles()) == 0 || a.hasHandler("model_fn") {
		return nil
	}
	var fs []Finding
	for _, f := range mxnetDefaultFiles {
		if !a.hasFile(f) {
			a.expect(f, RoleModel)
			fs = append(fs, a.Finding(modelFileMissing, "", 0, 0, "no model_fn and no %q for the default MXNet loader: \"missing file %s\"", f, f))
		}
	}
	return fs
}
