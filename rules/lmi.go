package rules

// LMI (DJL Serving) as deepjavalibrary/djl-serving reads an artifact
// (ModelStore.java, ModelInfo.java, PyModel.java, PyEnv.java,
// service_loader.py). The rules are:
//   - The model root is /opt/ml/model, or its lone folder; serving.properties
//     sits there. OPTION_X variables become option.x (OPTION_ENTRYPOINT is
//     option.entryPoint, OPTION_ENGINE is engine), HF_MODEL_ID is
//     option.model_id, TENSOR_PARALLEL_DEGREE and PIPELINE_PARALLEL_DEGREE the
//     option of that name; the file wins over the environment.
//   - engine= is case-sensitive; without it the engine is inferred from the
//     files (lmiInferEngine).
//   - The Python engine's entry point is option.entryPoint, DJL_ENTRY_POINT,
//     model.py, then djl_python.huggingface when there is option.model_id or
//     config.json; its handler function is handle.
//   - Only the model root's requirements.txt is pip-installed.

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/inference"
)

var lmiFramework = Framework{
	Name:  "lmi",
	Model: []string{"*.safetensors", "*.bin", "*.pt", "*.pth", "*.onnx", "*.gguf", "*.params"},
	Metadata: []string{"serving.properties", "config.json", "generation_config.json", "*.index.json", "tokenizer.json",
		"tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt",
		"tokenizer.model", "*.md", "*.txt"},
	DefaultModel: "serving.properties with option.model_id, or config.json and weights",
	Provided: append([]string{"djl_python", "torch", "transformers", "vllm", "accelerate", "huggingface_hub", "safetensors",
		"tokenizers", "deepspeed", "tensorrt_llm", "lmi_dist", "peft", "sentencepiece"}, toolkitPackages...),
	Env: map[string]deploy.ValueKind{
		"TENSOR_PARALLEL_DEGREE":   deploy.KindAny, // an integer or "max": serving-properties-invalid
		"PIPELINE_PARALLEL_DEGREE": deploy.KindAny,
		"DJL_ENTRY_POINT":          deploy.KindAny,
	},
	Checks: withoutToolkit(map[string]func(*Archive) []Finding{
		modelFileMissing.ID:       lmiModelMissing,
		inferenceScriptMissing.ID: lmiEntryPointMissing,
		handlerMissing.ID:         lmiHandleMissing,
		requirementsMissing.ID:    lmiRequirementsMissing,
		nestedRoot.ID:             nil, // a lone folder is descended into
	}),
}

// lmiEngines are the engine names DJL Serving knows (engine= is compared
// case-sensitively).
var lmiEngines = []string{"Python", "PyTorch", "MXNet", "TensorFlow", "OnnxRuntime", "XGBoost", "LightGBM",
	"TritonServer", "DeepSpeed", "FasterTransformer", "MPI", "TensorRT", "PaddlePaddle", "TFLite", "Rust"}

// property is one setting of serving.properties or of the environment.
type property struct {
	// value is the setting's value.
	value string
	// line is its 1-based line in serving.properties, 0 when it comes from
	// the environment.
	line int
	// env names the variable it comes from, "" for the file.
	env string
}

// lmiModel is what DJL Serving reads of the model root.
type lmiModel struct {
	// root is the model folder in the archive, "" for the archive's root.
	root string
	// file is the path of serving.properties, "" when there is none.
	file string
	// props are the settings, the file's over the environment's.
	props map[string]property
	// errs are the lines Java's Properties.load rejects.
	errs []propertyError
}

// lmi returns what DJL Serving reads of the artifact.
func (a *Archive) lmi() *lmiModel {
	m := &lmiModel{root: a.modelRoot(), props: map[string]property{}}
	if p := path.Join(m.root, "serving.properties"); a.hasFile(p) {
		m.file = p
		props, errs := parseProperties(a.Files[p])
		m.errs = errs
		for k, v := range props {
			m.props[k] = v
		}
	}
	for _, k := range sortedEnvNames(a.Env) {
		key := lmiEnvOption(k)
		if _, set := m.props[key]; key != "" && !set {
			m.props[key] = property{value: a.Env[k], env: k}
		}
	}
	return m
}

// lmiEnvOption returns the serving.properties key that the variable name
// sets, "" for none:
//
//	OPTION_ENTRYPOINT        -> option.entryPoint
//	OPTION_ENGINE            -> engine
//	OPTION_ROLLING_BATCH     -> option.rolling_batch
//	HF_MODEL_ID              -> option.model_id
//	TENSOR_PARALLEL_DEGREE   -> option.tensor_parallel_degree
func lmiEnvOption(name string) string {
	switch name {
	case "OPTION_ENGINE":
		return "engine"
	case "OPTION_ENTRYPOINT":
		return "option.entryPoint"
	case "HF_MODEL_ID":
		return "option.model_id"
	case "TENSOR_PARALLEL_DEGREE", "PIPELINE_PARALLEL_DEGREE":
		return "option." + strings.ToLower(name)
	}
	if rest, ok := strings.CutPrefix(name, "OPTION_"); ok && rest != "" {
		return "option." + strings.ToLower(rest)
	}
	return ""
}

// at returns the path of a file of the model root.
func (m *lmiModel) at(name string) string { return path.Join(m.root, name) }

// where says where a setting comes from: "serving.properties line 3" or
// "OPTION_ENGINE".
func (m *lmiModel) where(key string) (member string, line int, from string) {
	p := m.props[key]
	if p.env != "" {
		return "", 0, "environment variable " + p.env
	}
	return m.file, p.line, m.file
}

// engine returns the engine DJL Serving uses and why, "" when it cannot
// tell ("Failed to detect engine of the model").
func (m *lmiModel) engine(a *Archive) (string, string) {
	if p, ok := m.props["engine"]; ok {
		return p.value, "engine=" + p.value
	}
	return lmiInferEngine(a, m)
}

// lmiInferEngine infers the engine from the files of the model root, in
// DJL's order.
func lmiInferEngine(a *Archive, m *lmiModel) (string, string) {
	has := func(name string) bool { return a.hasFile(m.at(name)) }
	top := func(suffixes ...string) string {
		for _, p := range a.regularFiles() {
			rel, ok := strings.CutPrefix(p, m.root+"/")
			if m.root == "" {
				rel, ok = p, true
			}
			if !ok || strings.Contains(rel, "/") {
				continue
			}
			for _, s := range suffixes {
				if strings.HasSuffix(rel, s) {
					return p
				}
			}
		}
		return ""
	}
	_, modelID := m.props["option.model_id"]
	switch {
	case has("MAR-INF/MANIFEST.json"):
		return "Python", "MAR-INF/MANIFEST.json"
	case top(".pkl", ".joblib") != "":
		return "Python", "a scikit-learn pickle"
	case has("model.py"):
		return "Python", "model.py"
	case modelID:
		return "Python", "option.model_id"
	case has("config.json"):
		return "Python", "config.json"
	case has("model.pt"):
		return "PyTorch", "model.pt"
	case has("config.pbtxt"):
		return "TritonServer", "config.pbtxt"
	case has("saved_model.pb"):
		return "TensorFlow", "saved_model.pb"
	case top(".onnx") != "":
		return "OnnxRuntime", "an .onnx file"
	case top(".json", ".xgb", ".bst") != "":
		return "XGBoost", "a .json, .xgb or .bst file"
	}
	return "", ""
}

// entryPoint returns the Python engine's entry point and where it comes
// from, "" when there is none (".py file not found").
func (m *lmiModel) entryPoint(a *Archive) (string, string) {
	if p, ok := m.props["option.entryPoint"]; ok && p.value != "" {
		_, _, from := m.where("option.entryPoint")
		return p.value, from
	}
	if v := a.Env["DJL_ENTRY_POINT"]; v != "" {
		return v, "DJL_ENTRY_POINT"
	}
	if a.hasFile(m.at("model.py")) {
		return "model.py", m.at("model.py")
	}
	if _, ok := m.props["option.model_id"]; ok || a.hasFile(m.at("config.json")) {
		return "djl_python.huggingface", "the default for option.model_id or config.json"
	}
	return "", ""
}

// isPythonEntry reports whether an entry point names a .py file of the
// model folder rather than a module of the container (djl_python.x).
func isPythonEntry(ep string) bool { return strings.HasSuffix(ep, ".py") }

// lmiModelMissing is model-file-missing for LMI: no engine can be detected,
// or option.model_id points at the artifact and config.json is missing.
func lmiModelMissing(a *Archive) []Finding {
	if a.ReadErr != nil || len(a.regularFiles()) == 0 {
		return nil
	}
	m := a.lmi()
	engine, _ := m.engine(a)
	if engine == "" {
		a.expect(m.at("serving.properties"), RoleMetadata)
		return []Finding{a.Finding(modelFileMissing, m.file, 0, 0,
			"no engine= and nothing DJL Serving can infer one from (model.py, option.model_id, config.json, model.pt, config.pbtxt, saved_model.pb, .onnx): \"Failed to detect engine of the model\"")}
	}
	if id, ok := m.props["option.model_id"]; ok && strings.TrimSuffix(id.value, "/") == "/opt/ml/model" && !a.hasFile(m.at("config.json")) {
		member, line, from := m.where("option.model_id")
		a.expect(m.at("config.json"), RoleMetadata)
		return []Finding{a.Finding(modelFileMissing, member, line, 0,
			"option.model_id (%s) is %q but the artifact has no %q: AutoConfig.from_pretrained fails", from, id.value, m.at("config.json"))}
	}
	return nil
}

// lmiEntryPointMissing is inference-script-missing for LMI: the Python
// engine without any entry point.
func lmiEntryPointMissing(a *Archive) []Finding {
	if a.ReadErr != nil || len(a.regularFiles()) == 0 {
		return nil
	}
	m := a.lmi()
	if engine, _ := m.engine(a); engine != "Python" {
		return nil
	}
	if ep, _ := m.entryPoint(a); ep == "" {
		a.expect(m.at("model.py"), RoleCode)
		return []Finding{a.Finding(inferenceScriptMissing, m.file, 0, 0,
			"the Python engine has no entry point: no option.entryPoint, DJL_ENTRY_POINT, model.py, option.model_id or config.json (\".py file not found\")")}
	}
	return nil
}

// lmiScript returns the path and facts of the Python entry point's file in
// the artifact, "" when the entry point is not a file of the artifact.
func (a *Archive) lmiScript(m *lmiModel) (string, *inference.Script) {
	engine, _ := m.engine(a)
	ep, _ := m.entryPoint(a)
	if engine != "Python" || !isPythonEntry(ep) {
		return "", nil
	}
	p := m.at(ep)
	b, ok := a.Files[p]
	if !ok {
		return "", nil
	}
	s, _ := inference.ScanNames(b, []string{"handle"})
	if s == nil {
		s = &inference.Script{}
	}
	return p, s
}

// lmiHandleMissing is handler-missing for LMI: the entry point's file binds
// no handle at module level.
func lmiHandleMissing(a *Archive) []Finding {
	m := a.lmi()
	p, s := a.lmiScript(m)
	if s == nil {
		return nil
	}
	if len(s.Handlers) > 0 {
		return nil // handle is bound at module level, as getattr finds it
	}
	return []Finding{a.Finding(handlerMissing, p, 0, 0, "%q defines no module-level handle(inputs): DJL Serving calls the entry point's handle function", p)}
}

// lmiRequirementsMissing is requirements-missing for LMI: only the model
// root's requirements.txt is installed.
func lmiRequirementsMissing(a *Archive) []Finding {
	m := a.lmi()
	if a.hasFile(m.at("requirements.txt")) {
		return nil
	}
	var fs []Finding
	if p := m.at("code/requirements.txt"); a.hasFile(p) {
		fs = append(fs, a.Finding(requirementsMissing, p, 0, 0, "%q is never installed: DJL Serving installs only %q", p, m.at("requirements.txt")))
	}
	p, s := a.lmiScript(m)
	if s == nil {
		return fs
	}
	provided := map[string]bool{}
	for _, pkg := range a.fw.Provided {
		provided[pkg] = true
	}
	for _, imp := range s.Imports {
		mod := imp.Module
		if stdlibModules[mod] || provided[mod] || strings.HasPrefix(mod, "_") || a.hasFile(m.at(mod+".py")) || a.hasDir(m.at(mod)) {
			continue
		}
		fs = append(fs, a.Finding(requirementsMissing, p, imp.Line, 0, "%q is imported but the LMI container does not provide it and there is no %q", mod, m.at("requirements.txt")))
	}
	if len(fs) > 0 {
		a.expect(m.at("requirements.txt"), RoleDependencies)
	}
	return fs
}

// hasDir reports whether the archive holds anything under the folder p.
func (a *Archive) hasDir(p string) bool {
	for _, f := range a.regularFiles() {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

// parallelDegree returns the value of an LMI parallel degree setting: n > 0,
// -1 for "max", and false when the setting is absent.
func (m *lmiModel) parallelDegree(key string) (int, bool, error) {
	p, ok := m.props[key]
	if !ok {
		return 0, false, nil
	}
	if p.value == "max" {
		return -1, true, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(p.value))
	if err != nil || n < 1 {
		return 0, true, fmt.Errorf("%s is %q, not a positive integer or \"max\"", key, p.value)
	}
	return n, true, nil
}
