package rules

// TEI (huggingface/text-embeddings-inference sagemaker-entrypoint.sh,
// router lib.rs) as it reads an artifact. The rules are:
//   - HF_MODEL_ID names the model, /opt/ml/model (or unset, as the SDK
//     sets it) for the artifact.
//   - config.json is required, with architectures, model_type and
//     max_position_embeddings (or n_positions); tokenizer.json is required
//     (only fast tokenizers).
//   - Pooling comes from POOLING (cls, mean, splade, last-token), else
//     1_Pooling/config.json, else CLS when model_type contains "bert", else
//     start-up fails.
//   - Weights: model.safetensors, an index with its shards, or
//     pytorch_model.bin.

import "github.com/mati-dev/mati/deploy"

var teiFramework = Framework{
	Name:         "tei",
	Model:        []string{"model.safetensors", "model-*.safetensors", "pytorch_model.bin", "*.onnx"},
	Metadata:     []string{"config.json", "*.index.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "sentence_bert_config.json", "modules.json", "config_sentence_transformers.json", "*.md"},
	DefaultModel: "config.json, tokenizer.json and model.safetensors",
	Env: map[string]deploy.ValueKind{
		"MAX_BATCH_TOKENS":        deploy.KindPositiveInt,
		"MAX_CLIENT_BATCH_SIZE":   deploy.KindPositiveInt,
		"MAX_CONCURRENT_REQUESTS": deploy.KindPositiveInt,
	},
	Checks: withoutToolkit(map[string]func(*Archive) []Finding{
		modelFileMissing.ID: hfLocalModelMissing,
	}),
}

// teiPoolings are the values TEI accepts for POOLING.
var teiPoolings = []string{"cls", "mean", "splade", "last-token"}
