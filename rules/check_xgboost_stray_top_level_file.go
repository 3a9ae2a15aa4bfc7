package rules

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

var xgboostStrayTopLevelFile = Meta{
	ID:       "xgboost-stray-top-level-file",
	Severity: Error,
	Summary:  "In algorithm mode the XGBoost container loads every top-level file as a booster; one that is not a model breaks serving.",
	Hint:     "remove the file from the top level (sub-folders are ignored), or use script mode with an inference script and model_fn",
}

var xgboostStrayTopLevelFileRule = Rule{Meta: xgboostStrayTopLevelFile, Check: func(a *Archive) []Finding {
	if !a.algorithmMode() {
		return nil
	}
	var fs []Finding
	seen := map[string]bool{}
	for _, p := range a.regularFiles() {
		if strings.Contains(p, "/") || strings.HasPrefix(p, ".") || seen[p] {
			continue
		}
		seen[p] = true
		if !a.mayBeBooster(p) {
			fs = append(fs, a.Finding(xgboostStrayTopLevelFile, p, 0, 0, "%q is not an XGBoost model, but algorithm mode loads every top-level file as one", p))
		}
	}
	return fs
}, Reads: readsTopLevelJSON}

// picklePatterns are the names of pickled models.
var picklePatterns = []string{"*.pkl", "*.pickle", "*.joblib"}

// mayBeBooster reports whether the top-level file p can be an XGBoost model:
// a known model name or extension, a file without extension (the legacy
// binary format), a pickle, or JSON with a "learner" key.
func (a *Archive) mayBeBooster(p string) bool {
	if matchAny(a.fw.Model, p) || matchAny(picklePatterns, p) {
		return true
	}
	ext := path.Ext(p)
	if ext == "" {
		return true
	}
	if ext == ".json" {
		b, ok := a.Files[p]
		if !ok {
			return true // over the read cap: cannot tell
		}
		var doc map[string]json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
			return false
		}
		_, ok = doc["learner"]
		return ok
	}
	return false
}

// readsTopLevelJSON declares the top-level JSON files, which algorithm mode
// loads as boosters when they have a "learner" key.
func readsTopLevelJSON(p string) Read {
	if strings.HasSuffix(p, ".json") && !strings.Contains(p, "/") {
		return ReadWanted
	}
	return ReadNone
}
