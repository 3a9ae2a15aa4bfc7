package rules

import (
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/mati-dev/mati/deploy"
)

// Framework is what one framework's serving container expects of an
// artifact, as data. Patterns without a "/" match a member's base name;
// patterns with one match its whole path (path.Match syntax).
type Framework struct {
	// Name is the framework's id in reports.
	Name string
	// Model are the files the container (or a typical model_fn) loads as the
	// model.
	Model []string
	// Metadata are configuration and tokenizer files read beside the model.
	Metadata []string
	// Preprocessing are files that prepare inputs (scalers, encoders,
	// processor configs).
	Preprocessing []string
	// Detect are the files whose presence names the framework; nil means
	// Model.
	Detect []string
	// Serving is the kind of server the container runs.
	Serving Serving
	// ModelFnRequired says the container has no default model_fn: a script
	// without one fails at start-up.
	ModelFnRequired bool
	// ScriptRequired says the container cannot serve without an inference
	// script in the artifact (or code from an S3 SAGEMAKER_SUBMIT_DIRECTORY).
	ScriptRequired bool
	// AlgorithmMode says that without SAGEMAKER_PROGRAM the container
	// ignores the code and loads every top-level file as the model.
	AlgorithmMode bool
	// TorchScriptDefault says that without model_fn the container loads
	// model.pt, or else the only top-level *.pt/*.pth, with torch.jit.load.
	TorchScriptDefault bool
	// DefaultModel is the path of the model file the container (or a
	// typical model_fn) loads, listed as expected when it is missing.
	DefaultModel string
	// MissingModel says why the container has no model to load in a and
	// which file it expects, or "" when it has one.
	MissingModel func(a *Archive) (msg, expected string)
	// Provided are the top-level Python packages the framework's serving
	// container already has installed.
	Provided []string
	// Env are the variables the serving stack reads that have no prefix
	// mati checks (TGI's MAX_TOTAL_TOKENS, say), with their value formats;
	// env-value-invalid judges them. Nil for the toolkit frameworks.
	Env map[string]deploy.ValueKind
	// Checks replace generic rules for a serving stack, by rule id: the
	// stack's check runs under that id; a nil check turns the rule off
	// (see stacks.go). Nil for the toolkit frameworks.
	Checks map[string]func(*Archive) []Finding
}

// Serving is the kind of model server a framework's container runs.
type Serving int

// The model servers.
const (
	// ServingToolkit is the SageMaker inference toolkit (model_fn,
	// input_fn, predict_fn, output_fn, transform_fn).
	ServingToolkit Serving = iota
	// ServingTFS is TensorFlow Serving: SavedModel bundles in numeric
	// version folders, handler or input_handler/output_handler, no
	// model_fn, SAGEMAKER_PROGRAM ignored.
	ServingTFS
)

// toolkitPackages are installed in every toolkit-based container.
var toolkitPackages = []string{
	"numpy", "pandas", "scipy", "boto3", "botocore", "sagemaker_inference",
	"sagemaker_containers", "sagemaker_training", "six", "requests", "yaml",
	"PIL", "psutil", "retrying",
}

var xgboostFramework = Framework{
	Name:            "xgboost",
	Model:           []string{"xgboost-model", "xgboost-model-*", "xgboost-model.*", "*.ubj", "*.bst", "*.xgb", "*.model"},
	Metadata:        []string{"*.json"},
	ModelFnRequired: true,
	AlgorithmMode:   true,
	DefaultModel:    "xgboost-model",
	MissingModel:    xgboostMissingModel,
	Provided:        append([]string{"xgboost", "sklearn", "joblib"}, toolkitPackages...),
}

var pytorchFramework = Framework{
	Name:               "pytorch",
	Model:              []string{"*.pt", "*.pth", "*.bin", "*.safetensors", "*.ckpt", "*.onnx"},
	Metadata:           []string{"*.json", "*.yaml", "*.yml", "*.txt"},
	TorchScriptDefault: true,
	DefaultModel:       "model.pt",
	MissingModel:       pytorchMissingModel,
	Provided:           append([]string{"torch", "torchvision", "torchaudio", "torchtext", "ts"}, toolkitPackages...),
}

var sklearnFramework = Framework{
	Name:            "sklearn",
	Model:           []string{"*.joblib", "*.pkl", "*.pickle", "*.sav"},
	Metadata:        []string{"*.json", "*.yaml", "*.yml", "*.npy", "*.npz", "*.csv"},
	Preprocessing:   []string{"*scaler*", "*encoder*", "*vectorizer*", "*preprocess*", "*tokenizer*", "*imputer*"},
	ModelFnRequired: true,
	ScriptRequired:  true,
	DefaultModel:    "model.joblib",
	MissingModel:    codeOnly,
	Provided:        append([]string{"sklearn", "joblib"}, toolkitPackages...),
}

var tensorflowFramework = Framework{
	Name:         "tensorflow",
	Model:        []string{"saved_model.pb", "saved_model.pbtxt", "variables.index", "variables.data-*", "*.h5", "*.keras"},
	Detect:       []string{"saved_model.pb", "*.h5", "*.keras"},
	Serving:      ServingTFS,
	Metadata:     []string{"fingerprint.pb", "keras_metadata.pb", "*.json"},
	DefaultModel: "1/saved_model.pb",
	MissingModel: tensorflowMissingModel,
	Provided:     append([]string{"tensorflow", "keras", "tensorflow_serving"}, toolkitPackages...),
}

var huggingfaceFramework = Framework{
	Name: "huggingface",
	Model: []string{"pytorch_model.bin", "pytorch_model-*.bin", "model.safetensors", "model-*.safetensors",
		"diffusion_pytorch_model.bin", "diffusion_pytorch_model.safetensors", "tf_model.h5", "flax_model.msgpack", "*.safetensors"},
	Metadata: []string{"config.json", "model_index.json", "generation_config.json", "*.index.json",
		"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
		"vocab.txt", "vocab.json", "merges.txt", "spiece.model", "sentencepiece.bpe.model", "tokenizer.model", "*.md"},
	Preprocessing: []string{"preprocessor_config.json", "feature_extractor_config.json", "processor_config.json", "scheduler_config.json"},
	Detect:        []string{"pytorch_model*", "diffusion_pytorch_model*", "tf_model.h5", "flax_model.msgpack", "*.safetensors"},
	DefaultModel:  "model.safetensors",
	MissingModel:  huggingfaceMissingModel,
	Provided:      append([]string{"torch", "transformers", "datasets", "tokenizers", "accelerate", "diffusers", "huggingface_hub", "safetensors"}, toolkitPackages...),
}

// frameworks are the known frameworks, in detection order.
var frameworks = []*Framework{&huggingfaceFramework, &tensorflowFramework, &xgboostFramework, &pytorchFramework, &sklearnFramework}

// FrameworkNames returns the names accepted by --framework.
func FrameworkNames() []string {
	all := allFrameworks()
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = f.Name
	}
	return names
}

// lookupFramework returns the framework called name, nil if none.
func lookupFramework(name string) *Framework {
	for _, f := range allFrameworks() {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// matchAny reports whether p (a normalised member path) matches one of the
// patterns. The patterns are compiled once per slice: the tables are package
// variables, and this runs for every entry of the archive.
func matchAny(patterns []string, p string) bool {
	if len(patterns) == 0 {
		return false
	}
	return compiledPatterns(patterns).match(p)
}

// patternSet is a list of patterns sorted by shape, so that the common ones
// cost a map lookup or a suffix test.
type patternSet struct {
	exact    map[string]bool // "config.json"
	suffixes []string        // "*.pt" -> ".pt"
	prefixes []string        // "xgboost-model-*" -> "xgboost-model-"
	globs    []string        // everything else, matched on the base name
	paths    []string        // patterns with a "/", matched on the whole path
}

// patternSets caches compiled pattern lists by the address of their first
// element.
var patternSets sync.Map

// compiledPatterns returns the compiled form of patterns.
func compiledPatterns(patterns []string) *patternSet {
	key := &patterns[0]
	if ps, ok := patternSets.Load(key); ok {
		return ps.(*patternSet)
	}
	ps := &patternSet{exact: map[string]bool{}}
	for _, pat := range patterns {
		star := strings.IndexByte(pat, '*')
		switch {
		case strings.Contains(pat, "/"):
			ps.paths = append(ps.paths, pat)
		case strings.ContainsAny(pat, "?[\\"):
			ps.globs = append(ps.globs, pat)
		case star < 0:
			ps.exact[pat] = true
		case star == 0 && strings.Count(pat, "*") == 1:
			ps.suffixes = append(ps.suffixes, pat[1:])
		case star == len(pat)-1 && strings.Count(pat, "*") == 1:
			ps.prefixes = append(ps.prefixes, pat[:star])
		default:
			ps.globs = append(ps.globs, pat)
		}
	}
	actual, _ := patternSets.LoadOrStore(key, ps)
	return actual.(*patternSet)
}

// match reports whether the member path p matches the set.
func (ps *patternSet) match(p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	if ps.exact[base] {
		return true
	}
	for _, s := range ps.suffixes {
		if len(base) >= len(s) && strings.HasSuffix(base, s) {
			return true
		}
	}
	for _, s := range ps.prefixes {
		if strings.HasPrefix(base, s) {
			return true
		}
	}
	for _, g := range ps.globs {
		if globMatch(g, base) {
			return true
		}
	}
	for _, g := range ps.paths {
		if globMatch(g, p) {
			return true
		}
	}
	return false
}

// globMatch is path.Match for the pattern shapes the tables use, without
// its cost on every entry of a 20,000-entry archive; other shapes fall back
// to path.Match.
//
//	"config.json"    matches "config.json"
//	"*.pt"           matches "model.pt"
//	"xgboost-model-*" matches "xgboost-model-0"
//	"model-*.safetensors" matches "model-00001-of-00002.safetensors"
//	"*scaler*"       matches "std_scaler.joblib"
func globMatch(pat, s string) bool {
	if strings.ContainsAny(pat, "?[\\") {
		ok, _ := path.Match(pat, s)
		return ok
	}
	star := strings.IndexByte(pat, '*')
	if star < 0 {
		return pat == s
	}
	if strings.Contains(s, "/") && !strings.Contains(pat, "/") {
		return false
	}
	prefix, rest := pat[:star], pat[star+1:]
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	s = s[len(prefix):]
	if next := strings.IndexByte(rest, '*'); next >= 0 {
		// "*mid*suffix": find mid, then match the remainder.
		mid := rest[:next]
		for i := 0; i+len(mid) <= len(s); i++ {
			if strings.HasPrefix(s[i:], mid) && globMatch("*"+rest[next+1:], s[i+len(mid):]) {
				return true
			}
		}
		return false
	}
	return strings.HasSuffix(s, rest)
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// codeOnly is the MissingModel of a framework whose model_fn picks the
// model: it needs only some file outside code/.
func codeOnly(a *Archive) (string, string) {
	for _, p := range a.regularFiles() {
		if _, inCode := codeRel(p); !inCode && junkRoot(p) == "" {
			return "", ""
		}
	}
	return "the archive holds only code; model_fn has no model file to load", a.fw.DefaultModel
}

// xgboostMissingModel is XGBoost's MissingModel: in script mode model_fn
// picks the model; in algorithm mode every top-level file is a booster.
func xgboostMissingModel(a *Archive) (string, string) {
	if a.scriptMode() {
		return codeOnly(a)
	}
	for _, p := range a.regularFiles() {
		if !strings.Contains(p, "/") && !strings.HasPrefix(p, ".") {
			return "", ""
		}
	}
	return "no top-level model file: XGBoost algorithm mode loads the top-level files as boosters", a.fw.DefaultModel
}

// pytorchMissingModel is PyTorch's MissingModel: a model_fn picks the
// model; the default loader needs model.pt or exactly one *.pt/*.pth.
func pytorchMissingModel(a *Archive) (string, string) {
	if a.hasHandler("model_fn") {
		if msg, _ := codeOnly(a); msg != "" {
			return msg, "model.pth"
		}
		return "", ""
	}
	cands := a.torchCandidates()
	switch {
	case a.hasFile("model.pt"), len(cands) == 1:
		return "", ""
	case len(cands) == 0:
		return "no model_fn and no model.pt or *.pt/*.pth at the root for the default loader", a.fw.DefaultModel
	}
	return fmt.Sprintf("no model_fn and %d candidate model files (%s); the default loader needs model.pt or exactly one *.pt/*.pth", len(cands), strings.Join(quoteAll(cands), ", ")), a.fw.DefaultModel
}

// tensorflowMissingModel is TensorFlow Serving's MissingModel: it needs a
// saved_model.pb in a numeric version folder.
func tensorflowMissingModel(a *Archive) (string, string) {
	if a.hasSavedModel() {
		return "", ""
	}
	for _, p := range a.regularFiles() {
		if path.Base(p) == "saved_model.pb" {
			return "", "" // tensorflow-version-dir-missing says it
		}
	}
	return "no SavedModel: TensorFlow Serving needs <version>/saved_model.pb (\"no SavedModel bundles found!\")", a.fw.DefaultModel
}

// huggingfaceMissingModel is Hugging Face's MissingModel: without HF_TASK
// or HF_MODEL_ID the pipeline is built from config.json (or
// model_index.json) and the weights beside it.
func huggingfaceMissingModel(a *Archive) (string, string) {
	if a.Env["HF_MODEL_ID"] != "" || a.Env["HF_TASK"] != "" {
		return "", ""
	}
	if !a.hasFile("config.json") && !a.hasFile("model_index.json") {
		return "no config.json (or model_index.json) at the root and neither HF_TASK nor HF_MODEL_ID is set; the pipeline cannot be built", "config.json"
	}
	for _, p := range a.regularFiles() {
		if isModelFile(a.fw, p) && !strings.Contains(p, "/") {
			return "", ""
		}
	}
	if a.hasFile("model_index.json") {
		return "", ""
	}
	return "config.json but no weights (pytorch_model.bin, model.safetensors or shards) at the root", a.fw.DefaultModel
}
