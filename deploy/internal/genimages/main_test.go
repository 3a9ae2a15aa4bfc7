package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTableIsFresh regenerates the table from the committed data file and
// compares it with the committed images_gen.go, so the two cannot drift.
func TestTableIsFresh(t *testing.T) {
	data, err := os.ReadFile("../../data/images.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(data, "data/images.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../images_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("images_gen.go is stale; run go generate ./deploy (-want +got):\n%s", d)
	}
}

func TestGenerateRejectsBadData(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{
			name:    "not json",
			data:    "{",
			wantErr: "failed to parse data file",
		},
		{
			name:    "unknown field",
			data:    `{"registries": {}, "repositories": [], "extra": 1}`,
			wantErr: "unknown field",
		},
		{
			name:    "empty",
			data:    `{"registries": {}, "repositories": []}`,
			wantErr: "no registries or no repositories",
		},
		{
			name:    "bad account",
			data:    `{"registries": {"dlc": {"us-east-1": "7631"}}, "repositories": [{"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "dlc", "processors": ["cpu"]}]}`,
			wantErr: `invalid account "7631"`,
		},
		{
			name:    "bad region",
			data:    `{"registries": {"dlc": {"useast1": "763104351884"}}, "repositories": [{"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "dlc", "processors": ["cpu"]}]}`,
			wantErr: `invalid region "useast1"`,
		},
		{
			name:    "unknown registry",
			data:    `{"registries": {"dlc": {"us-east-1": "763104351884"}}, "repositories": [{"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "other", "processors": ["cpu"]}]}`,
			wantErr: `unknown registry "other"`,
		},
		{
			name:    "unknown processor",
			data:    `{"registries": {"dlc": {"us-east-1": "763104351884"}}, "repositories": [{"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "dlc", "processors": ["tpu"]}]}`,
			wantErr: `unknown processor "tpu"`,
		},
		{
			name:    "unknown framework",
			data:    `{"registries": {"dlc": {"us-east-1": "763104351884"}}, "repositories": [{"name": "x", "family": "caffe", "serves": ["caffe"], "registry": "dlc", "processors": ["cpu"]}]}`,
			wantErr: `unknown framework "caffe"`,
		},
		{
			name:    "duplicate repository",
			data:    `{"registries": {"dlc": {"us-east-1": "763104351884"}}, "repositories": [{"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "dlc", "processors": ["cpu"]}, {"name": "x", "family": "pytorch", "serves": ["pytorch"], "registry": "dlc", "processors": ["cpu"]}]}`,
			wantErr: `repository "x" listed twice`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := generate([]byte(tt.data), "in.json")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("generate() error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
