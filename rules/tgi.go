package rules

// TGI (huggingface/text-generation-inference sagemaker-entrypoint.sh,
// launcher main.rs, server hub.py) as it reads an artifact. The rules are:
//   - HF_MODEL_ID names the model; the SageMaker SDK sets it to
//     /opt/ml/model for model data, so an unset HF_MODEL_ID is judged as
//     that. A hub id downloads the model: the artifact's files do not matter.
//   - With /opt/ml/model: config.json is required, and the weights are the
//     top-level *.safetensors (names with "args", "arguments" or "training"
//     skipped), else .bin/.pt files converted at start; none: "No local
//     weights found".
//   - SM_NUM_GPUS becomes NUM_SHARD; the token limits are integers with
//     MAX_INPUT_TOKENS xor MAX_INPUT_LENGTH, input < MAX_TOTAL_TOKENS <=
//     MAX_BATCH_TOTAL_TOKENS.

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/deploy"
)

var tgiFramework = Framework{
	Name:  "tgi",
	Model: []string{"*.safetensors", "*.bin", "*.pt"},
	Metadata: []string{"config.json", "generation_config.json", "*.index.json", "tokenizer.json", "tokenizer_config.json",
		"special_tokens_map.json", "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt", "tokenizer.model", "*.md"},
	DefaultModel: "config.json and *.safetensors",
	Env: map[string]deploy.ValueKind{
		"MAX_INPUT_TOKENS":         deploy.KindPositiveInt,
		"MAX_INPUT_LENGTH":         deploy.KindPositiveInt,
		"MAX_TOTAL_TOKENS":         deploy.KindPositiveInt,
		"MAX_BATCH_TOTAL_TOKENS":   deploy.KindPositiveInt,
		"MAX_BATCH_PREFILL_TOKENS": deploy.KindPositiveInt,
		"NUM_SHARD":                deploy.KindPositiveInt,
		"MAX_CONCURRENT_REQUESTS":  deploy.KindPositiveInt,
	},
	Checks: withoutToolkit(map[string]func(*Archive) []Finding{
		modelFileMissing.ID: hfLocalModelMissing,
	}),
}

// hfLocalModel reports whether HF_MODEL_ID points at the artifact
// (/opt/ml/model, or unset as the SDK then sets it).
func (a *Archive) hfLocalModel() bool {
	id, set := a.Env["HF_MODEL_ID"]
	return !set || strings.TrimSuffix(id, "/") == "/opt/ml/model"
}

// tgiWeights returns the top-level files TGI loads as weights: the
// *.safetensors, else the .bin and .pt files it converts.
func (a *Archive) tgiWeights() []string {
	var st, other []string
	for _, p := range a.regularFiles() {
		if strings.Contains(p, "/") {
			continue
		}
		switch path.Ext(p) {
		case ".safetensors":
			if !strings.Contains(p, "args") && !strings.Contains(p, "arguments") && !strings.Contains(p, "training") {
				st = append(st, p)
			}
		case ".bin", ".pt":
			if !strings.Contains(p, "args") && !strings.Contains(p, "arguments") && !strings.Contains(p, "training") {
				other = append(other, p)
			}
		}
	}
	if len(st) > 0 {
		return st
	}
	return other
}

// hfLocalModelMissing is model-file-missing for TGI and TEI with the model
// in the artifact: no config.json (TGI) or no weights.
func hfLocalModelMissing(a *Archive) []Finding {
	if a.ReadErr != nil || len(a.regularFiles()) == 0 || !a.hfLocalModel() || a.nestedRoot() != "" {
		return nil
	}
	var fs []Finding
	tei := a.fw.Name == "tei"
	if !tei && !a.hasFile("config.json") {
		a.expect("config.json", RoleMetadata)
		fs = append(fs, a.Finding(modelFileMissing, "", 0, 0, "HF_MODEL_ID is /opt/ml/model but the artifact has no config.json at the root"))
	}
	switch {
	case tei && !a.hasFile("model.safetensors") && !a.hasFile("pytorch_model.bin") && !a.hasFile("model.safetensors.index.json"):
		a.expect("model.safetensors", RoleModel)
		fs = append(fs, a.Finding(modelFileMissing, "", 0, 0, "no model.safetensors, model.safetensors.index.json or pytorch_model.bin at the root for TEI to load"))
	case !tei && len(a.tgiWeights()) == 0:
		a.expect("model.safetensors", RoleModel)
		fs = append(fs, a.Finding(modelFileMissing, "", 0, 0, "no top-level *.safetensors, *.bin or *.pt weights: \"No local weights found\""))
	}
	return fs
}
