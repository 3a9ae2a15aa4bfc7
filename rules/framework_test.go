package rules

import (
	"path"
	"strings"
	"testing"
)

func TestGlobMatchAgreesWithPathMatch(t *testing.T) {
	names := []string{"config.json", "model.pt", "a/model.pt", "xgboost-model", "xgboost-model-0", "model-00001-of-00002.safetensors",
		"std_scaler.joblib", "scaler", "x.pth", ".pt", "variables.data-00000-of-00001", "tokenizer.json", "pt", "model.safetensors.index.json"}
	pats := []string{"config.json", "*.pt", "xgboost-model-*", "model-*.safetensors", "*scaler*", "*.index.json", "variables.data-*", "*", "*.*", "a*b*c"}
	for _, p := range pats {
		for _, n := range names {
			want, _ := path.Match(p, n)
			if got := globMatch(p, n); got != want {
				t.Errorf("globMatch(%q, %q) = %v, path.Match says %v", p, n, got, want)
			}
		}
	}
}

func TestJunkRoot(t *testing.T) {
	tests := map[string]string{
		"model.pth": "", "._model.pth": "._model.pth", "__MACOSX/x/._y": "__MACOSX", "code/__pycache__/a.pyc": "code/__pycache__",
		"a/.DS_Store": "a/.DS_Store", "code/inference.py": "", "": "", ".ipynb_checkpoints": ".ipynb_checkpoints",
	}
	for in, want := range tests {
		if got := junkRoot(in); got != want {
			t.Errorf("junkRoot(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchAnyAgreesWithPathMatch(t *testing.T) {
	names := []string{"config.json", "model.pt", "a/model.pt", "xgboost-model", "xgboost-model-0", "xgboost-model.json", "model-00001-of-00002.safetensors",
		"std_scaler.joblib", "scaler", "x.pth", ".pt", "1/variables/variables.data-00000-of-00001", "tokenizer.json", "pt", "code/x.py"}
	for _, f := range frameworks {
		for _, list := range [][]string{f.Model, f.Metadata, f.Preprocessing} {
			for _, n := range names {
				want := false
				for _, pat := range list {
					target := path.Base(n)
					if strings.Contains(pat, "/") {
						target = n
					}
					if ok, _ := path.Match(pat, target); ok {
						want = true
					}
				}
				if got := matchAny(list, n); got != want {
					t.Errorf("%s: matchAny(%q, %q) = %v, path.Match says %v", f.Name, list, n, got, want)
				}
			}
		}
	}
}
