package deploy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"HF_TOKEN", true},
		{"hf_api_key", true},
		{"DB_Password", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"GOOGLE_APPLICATION_CREDENTIALS", true},
		{"OAUTH_CLIENT", true},
		{"PRIVATE_REGISTRY", true},
		{"SAGEMAKER_PROGRAM", false},
		{"HF_MODEL_ID", false},
		{"OPTION_ROLLING_BATCH", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsSecretName(tt.name); got != tt.want {
			t.Errorf("IsSecretName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMaskEnv(t *testing.T) {
	in := map[string]string{"HF_TOKEN": "hf_live_0123", "SAGEMAKER_PROGRAM": "inference.py", "api_key": ""}
	want := map[string]string{"HF_TOKEN": "****", "SAGEMAKER_PROGRAM": "inference.py", "api_key": "****"}
	if d := cmp.Diff(want, MaskEnv(in)); d != "" {
		t.Errorf("MaskEnv (-want +got):\n%s", d)
	}
	if in["HF_TOKEN"] != "hf_live_0123" {
		t.Error("MaskEnv changed its input")
	}
	if MaskEnv(nil) == nil {
		t.Error("MaskEnv(nil) is nil")
	}
}

func TestModelDataRef(t *testing.T) {
	url := func(u string, multi bool) *ModelData {
		return &ModelData{Field: "ModelDataUrl", URI: u, MultiModel: multi}
	}
	src := func(u, typ, comp string) *ModelData {
		return &ModelData{Field: "ModelDataSource.S3DataSource", URI: u, S3DataType: typ, CompressionType: comp}
	}
	tests := []struct {
		name     string
		c        Container
		wantRef  string
		wantSkip string // substring
		wantErr  error
	}{
		{name: "model.tar.gz", c: Container{ModelData: url("s3://b/m.tar.gz", false)}, wantRef: "s3://b/m.tar.gz"},
		{name: "gzip object", c: Container{ModelData: src("s3://b/m.tar.gz", "S3Object", "Gzip")}, wantRef: "s3://b/m.tar.gz"},
		{name: "uncompressed prefix", c: Container{ModelData: src("s3://b/llama/", "S3Prefix", "None")}, wantRef: "s3://b/llama/"},
		{name: "prefix without slash read as a folder", c: Container{ModelData: src("s3://b/llama", "S3Prefix", "None")}, wantRef: "s3://b/llama/"},
		{name: "multi-model prefix", c: Container{ModelData: url("s3://b/models/", true)}, wantSkip: "multi-model container"},
		{name: "model package", c: Container{ModelPackageName: "churn/1"}, wantSkip: `model package "churn/1"`},
		{name: "no model data", c: Container{}, wantSkip: "names no model data"},
		{name: "local path never read", c: Container{ModelData: url("/home/me/model.tar.gz", false)}, wantErr: ErrNotS3},
		{name: "https form not fetched", c: Container{ModelData: url("https://b.s3.us-east-1.amazonaws.com/m.tar.gz", false)}, wantErr: ErrNotS3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, skip, err := ModelDataRef(tt.c)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if ref != tt.wantRef {
				t.Errorf("ref %q, want %q", ref, tt.wantRef)
			}
			if (skip == "") != (tt.wantSkip == "") || !strings.Contains(skip, tt.wantSkip) {
				t.Errorf("skip %q, want it to hold %q", skip, tt.wantSkip)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	const torchImage = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310"
	m := Model{
		Name:   "pipe",
		Region: "eu-west-1",
		Containers: []Container{
			{Field: "Containers[0]", Image: "x", Environment: map[string]string{"SAGEMAKER_PROGRAM": "pre.py", "HF_TOKEN": "t"},
				ModelData: &ModelData{Field: "ModelDataUrl", URI: "s3://b/pre.tar.gz"}},
			{Field: "Containers[1]", Environment: nil, ModelData: &ModelData{Field: "ModelDataUrl", URI: "/local/m.tar.gz"}},
		},
	}
	ts := Targets(m, Overrides{Env: map[string]string{"SAGEMAKER_PROGRAM": "serve.py"}, Image: torchImage, InstanceType: "ml.g5.xlarge"})
	if len(ts) != 2 {
		t.Fatalf("got %d targets, want 2", len(ts))
	}
	if ts[0].Ref != "s3://b/pre.tar.gz" || ts[0].Image != torchImage || ts[0].Region != "eu-west-1" || ts[0].Err != nil {
		t.Errorf("first target: %+v", ts[0])
	}
	if d := cmp.Diff(map[string]string{"SAGEMAKER_PROGRAM": "serve.py", "HF_TOKEN": "t"}, ts[0].Env); d != "" {
		t.Errorf("Overrides.Env is not set over Environment (-want +got):\n%s", d)
	}
	if m.Containers[0].Environment["SAGEMAKER_PROGRAM"] != "pre.py" {
		t.Error("Targets changed the model's Environment")
	}
	want := &ContainerView{Model: "pipe", Field: "Containers[0]", Image: torchImage, Framework: "pytorch", Version: "2.0.1", Variant: "gpu",
		InstanceType: "ml.g5.xlarge", ModelData: "s3://b/pre.tar.gz", Environment: map[string]string{"SAGEMAKER_PROGRAM": "serve.py", "HF_TOKEN": MaskedValue}}
	if d := cmp.Diff(want, ts[0].View); d != "" {
		t.Errorf("container view (-want +got):\n%s", d)
	}
	if ts[1].Env == nil || ts[1].Ref != "" || !errors.Is(ts[1].Err, ErrNotS3) {
		t.Errorf("second target: env %v, ref %q, err %v; want an empty env and ErrNotS3", ts[1].Env, ts[1].Ref, ts[1].Err)
	}
	if got := ts[1].Err.Error(); !strings.HasPrefix(got, "failed to inspect Containers[1] of model \"pipe\": ") {
		t.Errorf("error %q does not name the container", got)
	}
	var h interface{ Hint() string }
	if !errors.As(ts[1].Err, &h) || !strings.Contains(h.Hint(), "ARTIFACT") {
		t.Errorf("error %v has no hint", ts[1].Err)
	}
	ts = Targets(m, Overrides{Artifacts: []string{"a", "b"}})
	if got := []string{ts[0].Ref, ts[1].Ref}; !slices.Equal(got, []string{"a", "b"}) || ts[1].Err != nil {
		t.Errorf("artifacts given: refs %q, err %v", got, ts[1].Err)
	}
	if got := (Target{Ref: "m.tar.gz"}).Name(); got != "m.tar.gz" {
		t.Errorf("Name of a target without a container = %q", got)
	}
	if got := (&ContainerView{}).Label(); got != "--image, --env and --instance-type" {
		t.Errorf("Label of the flags' container = %q", got)
	}
}
