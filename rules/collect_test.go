package rules

import "testing"

// TestReads checks what the rules and extractors together declare they
// read, for the members the checks judge by content.
func TestReads(t *testing.T) {
	tests := []struct {
		path string
		want Read
	}{
		{"code/inference.py", ReadRequired},
		{"inference.py", ReadRequired},
		{"model/1/code/inference.py", ReadRequired},
		{"code/lib/six.py", ReadNone},
		{"a/b/c/d/x.py", ReadNone},
		{"code/requirements.txt", ReadRequired},
		{"requirements.txt", ReadNone},
		{"model.safetensors.index.json", ReadRequired},
		{"a/model.safetensors.index.json", ReadRequired},
		{"xgboost-model.json", ReadWanted},
		{"tokenizer.json", ReadWanted},
		{"a/b/config.json", ReadNone},
		{"._inference.py", ReadNone},
		{"__MACOSX/code/inference.py", ReadNone},
		{"model.pth", ReadNone},
	}
	for _, tt := range tests {
		if got := reads(tt.path); got != tt.want {
			t.Errorf("reads(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}
