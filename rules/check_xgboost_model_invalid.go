package rules

import (
	"strings"

	"github.com/mati-dev/mati/modelfile"
)

var xgboostModelInvalid = Meta{
	ID:       "xgboost-model-invalid",
	Severity: Error,
	Summary:  "An XGBoost model file is in no format XGBoost loads (JSON without a learner key, a .ubj that is not UBJSON, or an unrecognised xgboost-model).",
	Hint:     "save the booster with booster.save_model(\"xgboost-model\") (or .json / .ubj) and package that file",
}

var xgboostModelInvalidRule = Rule{Meta: xgboostModelInvalid, Check: func(a *Archive) []Finding {
	fs := a.problemFindings(xgboostModelInvalid, "invalid XGBoost model", modelfile.CodeXGBoost)
	if a.fw == nil {
		return fs
	}
	for p, kind := range a.TopKinds {
		// An xgboost-model* file that the framework loads as its model.
		if kind != modelfile.KindUnknown || !strings.HasPrefix(p, "xgboost-model") || !isModelFile(a.fw, p) {
			continue
		}
		if strings.HasSuffix(p, ".json") {
			fs = append(fs, a.Finding(xgboostModelInvalid, p, 0, 0, "%q is JSON without a \"learner\" key; XGBoost cannot load it", p))
			continue
		}
		fs = append(fs, a.Finding(xgboostModelInvalid, p, 0, 0, "%q is not an XGBoost model (neither JSON, UBJSON, the binary format nor a pickle)", p))
	}
	return fs
}}
