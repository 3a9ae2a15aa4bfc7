package deploy

import (
	"errors"
	"testing"
)

func TestInstanceGPUs(t *testing.T) {
	tests := []struct {
		name      string
		instance  string
		wantGPUs  int
		wantKnown bool
	}{
		{"one GPU", "ml.g5.2xlarge", 1, true},
		{"four GPUs", "ml.g5.12xlarge", 4, true},
		{"eight GPUs", "ml.p4d.24xlarge", 8, true},
		{"graviton GPUs", "ml.g5g.16xlarge", 2, true},
		{"CPU instance", "ml.m5.large", 0, true},
		{"Inferentia has no NVIDIA GPU", "ml.inf2.xlarge", 0, true},
		{"GPU size not in the table", "ml.g5.metal", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := ParseInstanceType(tt.instance)
			if err != nil {
				t.Fatal(err)
			}
			if it.GPUs != tt.wantGPUs || it.GPUsKnown != tt.wantKnown {
				t.Errorf("%s: GPUs %d (known %v), want %d (known %v)", tt.instance, it.GPUs, it.GPUsKnown, tt.wantGPUs, tt.wantKnown)
			}
		})
	}
}

func TestStackImages(t *testing.T) {
	tests := []struct {
		name        string
		uri         string
		wantFamily  string
		wantServes  string
		wantAccount string
	}{
		{"LMI", "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124", "djl", "lmi", "763104351884"},
		{"TGI", "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04", "tgi", "tgi", "763104351884"},
		{"TEI GPU", "683313688378.dkr.ecr.us-east-1.amazonaws.com/tei:2.0.1-tei1.4.0-gpu-py310-cu122-ubuntu22.04", "tei", "tei", "683313688378"},
		{"TEI CPU", "683313688378.dkr.ecr.us-east-1.amazonaws.com/tei-cpu:2.0.1-tei1.4.0-cpu-py310-ubuntu22.04", "tei", "tei", "683313688378"},
		{"Triton", "763104351884.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3", "triton", "triton", "763104351884"},
		{"MXNet", "763104351884.dkr.ecr.us-east-1.amazonaws.com/mxnet-inference:1.9.0-cpu-py38", "mxnet", "mxnet", "763104351884"},
		{"Linear Learner", "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1", "builtin", "builtin", "382416733822"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ParseImage(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			if !im.Known || im.Family != tt.wantFamily {
				t.Errorf("known %v, family %q, want %q", im.Known, im.Family, tt.wantFamily)
			}
			if !im.Serves(tt.wantServes) {
				t.Errorf("Serves(%q) = false", tt.wantServes)
			}
			if im.Serves("sklearn") {
				t.Errorf("Serves(%q) = true", "sklearn")
			}
			if acct, ok := im.PublishingAccount(); !ok || acct != tt.wantAccount {
				t.Errorf("publishing account %q, %v, want %q", acct, ok, tt.wantAccount)
			}
		})
	}
}

func TestTritonEnv(t *testing.T) {
	tests := []struct {
		name, key, value string
		wantErr          bool
	}{
		{"inference type generate", "SAGEMAKER_TRITON_INFERENCE_TYPE", "generate", false},
		{"inference type unknown", "SAGEMAKER_TRITON_INFERENCE_TYPE", "chat", true},
		{"thread count integer", "SAGEMAKER_TRITON_THREAD_COUNT", "8", false},
		{"thread count word", "SAGEMAKER_TRITON_THREAD_COUNT", "eight", true},
		{"default model name", "SAGEMAKER_TRITON_DEFAULT_MODEL_NAME", "ensemble", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := LookupEnv(tt.key); !ok {
				t.Fatalf("%s is not known", tt.key)
			}
			err := CheckEnvValue(tt.key, tt.value)
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrInvalidEnvValue)) {
				t.Errorf("CheckEnvValue(%q, %q) = %v, want error %v", tt.key, tt.value, err, tt.wantErr)
			}
		})
	}
}
