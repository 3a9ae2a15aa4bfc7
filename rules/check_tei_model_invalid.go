package rules

import (
	"encoding/json"
	"slices"
	"strings"
)

var teiModelInvalid = Meta{
	ID:       "tei-model-invalid",
	Severity: Error,
	Summary:  "TEI cannot start on the artifact: config.json or tokenizer.json is missing, config.json lacks architectures, model_type or max_position_embeddings, or no pooling can be chosen.",
	Hint:     "package config.json and tokenizer.json (a fast tokenizer) with the weights, and set POOLING (cls, mean, splade, last-token) or add 1_Pooling/config.json",
}

var teiModelInvalidRule = Rule{Meta: teiModelInvalid, Check: func(a *Archive) []Finding {
	if a.fw != &teiFramework || !a.hfLocalModel() || a.ReadErr != nil || len(a.regularFiles()) == 0 || a.nestedRoot() != "" {
		return nil
	}
	var fs []Finding
	if !a.hasFile("tokenizer.json") {
		a.expect("tokenizer.json", RoleMetadata)
		fs = append(fs, a.Finding(teiModelInvalid, "", 0, 0, "no tokenizer.json at the root: TEI \"only supports fast tokenizers\""))
	}
	pooling, poolingSet := a.Env["POOLING"]
	if poolingSet && !slices.Contains(teiPoolings, pooling) {
		fs = append(fs, a.Finding(teiModelInvalid, "", 0, 0, "POOLING is %q, not one of %s", pooling, strings.Join(teiPoolings, ", ")))
	}
	if !a.hasFile("config.json") {
		a.expect("config.json", RoleMetadata)
		return append(fs, a.Finding(teiModelInvalid, "", 0, 0, "no config.json at the root"))
	}
	var cfg struct {
		Architectures []string `json:"architectures"`
		ModelType     *string  `json:"model_type"`
		MaxPos        *int     `json:"max_position_embeddings"`
		NPositions    *int     `json:"n_positions"`
	}
	if err := json.Unmarshal(a.Files["config.json"], &cfg); err != nil {
		return append(fs, a.Finding(teiModelInvalid, "config.json", 0, 0, "config.json is not a JSON object TEI can read: %v", err))
	}
	var missing []string
	if cfg.Architectures == nil {
		missing = append(missing, "architectures")
	}
	if cfg.ModelType == nil {
		missing = append(missing, "model_type")
	}
	if cfg.MaxPos == nil && cfg.NPositions == nil {
		missing = append(missing, "max_position_embeddings (or n_positions)")
	}
	if len(missing) > 0 {
		fs = append(fs, a.Finding(teiModelInvalid, "config.json", 0, 0, "config.json has no %s", strings.Join(missing, ", ")))
	}
	if !poolingSet && !a.hasFile("1_Pooling/config.json") && cfg.ModelType != nil && !strings.Contains(*cfg.ModelType, "bert") {
		fs = append(fs, a.Finding(teiModelInvalid, "config.json", 0, 0,
			"no POOLING and no 1_Pooling/config.json, and model_type %q is not a BERT model (the CLS default): TEI cannot choose a pooling", *cfg.ModelType))
	}
	return fs
}}
