package deploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseImage(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name string
		uri  string
		want Image
	}{
		{
			name: "xgboost short tag",
			uri:  "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
			want: Image{Registry: "683313688378.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "683313688378", Region: "us-east-1",
				Repository: "sagemaker-xgboost", Tag: "1.7-1", Known: true, Family: "xgboost", Version: "1.7-1"},
		},
		{
			name: "xgboost long tag",
			uri:  "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3",
			want: Image{Registry: "683313688378.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "683313688378", Region: "us-east-1",
				Repository: "sagemaker-xgboost", Tag: "1.0-1-cpu-py3", Known: true, Family: "xgboost", Version: "1.0-1", PyVersion: "py3", Processor: ProcessorCPU},
		},
		{
			name: "scikit-learn",
			uri:  "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
			want: Image{Registry: "141502667606.dkr.ecr.eu-west-1.amazonaws.com", ECR: true, Account: "141502667606", Region: "eu-west-1",
				Repository: "sagemaker-scikit-learn", Tag: "1.2-1-cpu-py3", Known: true, Family: "sklearn", Version: "1.2-1", PyVersion: "py3", Processor: ProcessorCPU},
		},
		{
			name: "scikit-learn short tag takes the only processor",
			uri:  "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.20.0",
			want: Image{Registry: "141502667606.dkr.ecr.eu-west-1.amazonaws.com", ECR: true, Account: "141502667606", Region: "eu-west-1",
				Repository: "sagemaker-scikit-learn", Tag: "0.20.0", Known: true, Family: "sklearn", Version: "0.20.0", Processor: ProcessorCPU},
		},
		{
			name: "pytorch gpu",
			uri:  "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker",
			want: Image{Registry: "763104351884.dkr.ecr.us-west-2.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-west-2",
				Repository: "pytorch-inference", Tag: "2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker", Known: true, Family: "pytorch",
				Version: "2.0.1", PyVersion: "py310", Processor: ProcessorGPU, CUDA: "cu118"},
		},
		{
			name: "pytorch cpu",
			uri:  "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.1.0-cpu-py310",
			want: Image{Registry: "763104351884.dkr.ecr.us-west-2.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-west-2",
				Repository: "pytorch-inference", Tag: "2.1.0-cpu-py310", Known: true, Family: "pytorch", Version: "2.1.0", PyVersion: "py310", Processor: ProcessorCPU},
		},
		{
			name: "pytorch graviton",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-graviton:2.0.1-cpu-py310-ubuntu20.04-sagemaker",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "pytorch-inference-graviton", Tag: "2.0.1-cpu-py310-ubuntu20.04-sagemaker", Known: true, Family: "pytorch", Version: "2.0.1", PyVersion: "py310", Processor: ProcessorCPU},
		},
		{
			name: "pytorch neuron",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuron:1.13.1-neuron-py38-sdk2.9.1-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "pytorch-inference-neuron", Tag: "1.13.1-neuron-py38-sdk2.9.1-ubuntu20.04", Known: true, Family: "pytorch", Version: "1.13.1", PyVersion: "py38", Processor: ProcessorNeuron,
				Components: map[string]string{"neuron-sdk": "2.9.1"}},
		},
		{
			name: "pytorch neuronx",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:1.13.1-neuronx-py310-sdk2.13.2-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "pytorch-inference-neuronx", Tag: "1.13.1-neuronx-py310-sdk2.13.2-ubuntu20.04", Known: true, Family: "pytorch", Version: "1.13.1", PyVersion: "py310", Processor: ProcessorNeuronX,
				Components: map[string]string{"neuron-sdk": "2.13.2"}},
		},
		{
			name: "tensorflow short tag",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.13-cpu",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "tensorflow-inference", Tag: "2.13-cpu", Known: true, Family: "tensorflow", Version: "2.13", Processor: ProcessorCPU},
		},
		{
			name: "tensorflow gpu",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.12.1-gpu-py310-cu118-ubuntu20.04-sagemaker",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "tensorflow-inference", Tag: "2.12.1-gpu-py310-cu118-ubuntu20.04-sagemaker", Known: true, Family: "tensorflow", Version: "2.12.1", PyVersion: "py310", Processor: ProcessorGPU, CUDA: "cu118"},
		},
		{
			name: "tensorflow neuronx",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference-neuronx:2.10.1-neuronx-py310-sdk2.12.0-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "tensorflow-inference-neuronx", Tag: "2.10.1-neuronx-py310-sdk2.12.0-ubuntu20.04", Known: true, Family: "tensorflow", Version: "2.10.1", PyVersion: "py310", Processor: ProcessorNeuronX,
				Components: map[string]string{"neuron-sdk": "2.12.0"}},
		},
		{
			name: "hugging face pytorch",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "huggingface-pytorch-inference", Tag: "1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04", Known: true, Family: "huggingface",
				Version: "1.13.1", PyVersion: "py39", Processor: ProcessorGPU, CUDA: "cu117", Components: map[string]string{"transformers": "4.26.0"}},
		},
		{
			name: "hugging face tensorflow",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-inference:2.11.0-transformers4.26.0-cpu-py39-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "huggingface-tensorflow-inference", Tag: "2.11.0-transformers4.26.0-cpu-py39-ubuntu20.04", Known: true, Family: "huggingface",
				Version: "2.11.0", PyVersion: "py39", Processor: ProcessorCPU, Components: map[string]string{"transformers": "4.26.0"}},
		},
		{
			name: "hugging face neuronx",
			uri:  "763104351884.dkr.ecr.us-east-2.amazonaws.com/huggingface-pytorch-inference-neuronx:1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-2.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-2",
				Repository: "huggingface-pytorch-inference-neuronx", Tag: "1.13.1-transformers4.34.1-neuronx-py310-sdk2.15.0-ubuntu20.04", Known: true, Family: "huggingface",
				Version: "1.13.1", PyVersion: "py310", Processor: ProcessorNeuronX, Components: map[string]string{"transformers": "4.34.1", "neuron-sdk": "2.15.0"}},
		},
		{
			name: "tgi",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi1.3.1-gpu-py310-cu121-ubuntu20.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "huggingface-pytorch-tgi-inference", Tag: "2.1.1-tgi1.3.1-gpu-py310-cu121-ubuntu20.04", Known: true, Family: "tgi",
				Version: "2.1.1", PyVersion: "py310", Processor: ProcessorGPU, CUDA: "cu121", Components: map[string]string{"tgi": "1.3.1"}},
		},
		{
			name: "tgi neuronx",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.2-optimum0.0.23-neuronx-py310-ubuntu22.04",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "huggingface-pytorch-tgi-inference", Tag: "2.1.2-optimum0.0.23-neuronx-py310-ubuntu22.04", Known: true, Family: "tgi",
				Version: "2.1.2", PyVersion: "py310", Processor: ProcessorNeuronX, Components: map[string]string{"optimum": "0.0.23"}},
		},
		{
			name: "djl lmi",
			uri:  "763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.28.0-lmi10.0.0-cu124",
			want: Image{Registry: "763104351884.dkr.ecr.eu-west-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "eu-west-1",
				Repository: "djl-inference", Tag: "0.28.0-lmi10.0.0-cu124", Known: true, Family: "djl",
				Version: "0.28.0", Processor: ProcessorGPU, CUDA: "cu124", Components: map[string]string{"lmi": "10.0.0"}},
		},
		{
			name: "djl deepspeed",
			uri:  "763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.27.0-deepspeed0.12.6-cu121",
			want: Image{Registry: "763104351884.dkr.ecr.eu-west-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "eu-west-1",
				Repository: "djl-inference", Tag: "0.27.0-deepspeed0.12.6-cu121", Known: true, Family: "djl",
				Version: "0.27.0", Processor: ProcessorGPU, CUDA: "cu121", Components: map[string]string{"deepspeed": "0.12.6"}},
		},
		{
			name: "djl neuronx",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-neuronx-sdk2.19.1",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "djl-inference", Tag: "0.29.0-neuronx-sdk2.19.1", Known: true, Family: "djl",
				Version: "0.29.0", Processor: ProcessorNeuronX, Components: map[string]string{"neuron-sdk": "2.19.1"}},
		},
		{
			name: "china region",
			uri:  "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference:2.0.1-cpu-py310",
			want: Image{Registry: "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn", ECR: true, Account: "727897471807", Region: "cn-north-1",
				Repository: "pytorch-inference", Tag: "2.0.1-cpu-py310", Known: true, Family: "pytorch", Version: "2.0.1", PyVersion: "py310", Processor: ProcessorCPU},
		},
		{
			name: "digest only",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference@" + digest,
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "pytorch-inference", Digest: digest, Known: true, Family: "pytorch"},
		},
		{
			name: "tag and digest",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310@" + digest,
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "pytorch-inference", Tag: "2.0.1-gpu-py310", Digest: digest, Known: true, Family: "pytorch", Version: "2.0.1", PyVersion: "py310", Processor: ProcessorGPU},
		},
		{
			name: "own ecr image is unknown",
			uri:  "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/my-server:v3",
			want: Image{Registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "123456789012", Region: "us-east-1",
				Repository: "team/my-server", Tag: "v3"},
		},
		{
			name: "fips endpoint",
			uri:  "442386744353.dkr.ecr-fips.us-gov-west-1.amazonaws.com/pytorch-inference:2.0.1-cpu-py310",
			want: Image{Registry: "442386744353.dkr.ecr-fips.us-gov-west-1.amazonaws.com", ECR: true, Account: "442386744353", Region: "us-gov-west-1",
				Repository: "pytorch-inference", Tag: "2.0.1-cpu-py310", Known: true, Family: "pytorch", Version: "2.0.1", PyVersion: "py310", Processor: ProcessorCPU},
		},
		{
			name: "private registry is valid but not ecr",
			uri:  "registry.example.com:5000/ml/server:1.0",
			want: Image{Registry: "registry.example.com:5000", Repository: "ml/server", Tag: "1.0"},
		},
		{
			name: "docker hub name is valid but not ecr",
			uri:  "pytorch-inference:2.0.1-cpu-py310",
			want: Image{Repository: "pytorch-inference", Tag: "2.0.1-cpu-py310"},
		},
		{
			name: "no tag",
			uri:  "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference",
			want: Image{Registry: "763104351884.dkr.ecr.us-east-1.amazonaws.com", ECR: true, Account: "763104351884", Region: "us-east-1",
				Repository: "tensorflow-inference", Known: true, Family: "tensorflow"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseImage(tt.uri)
			if err != nil {
				t.Fatalf("ParseImage(%q) error = %v", tt.uri, err)
			}
			tt.want.URI = tt.uri
			if d := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("ParseImage(%q) mismatch (-want +got):\n%s", tt.uri, d)
			}
		})
	}
}

func TestParseImageInvalid(t *testing.T) {
	tests := []struct {
		name    string
		uri     string
		wantErr string
	}{
		{name: "empty", uri: "", wantErr: "empty"},
		{name: "s3 uri", uri: "s3://bucket/model.tar.gz", wantErr: "no scheme"},
		{name: "https scheme", uri: "https://763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1", wantErr: "no scheme"},
		{name: "blank inside", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch inference:2.0.1", wantErr: "blanks"},
		{name: "trailing newline", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1\n", wantErr: "blanks"},
		{name: "short account", uri: "76310435188.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1", wantErr: "12-digit account"},
		{name: "bad region", uri: "763104351884.dkr.ecr.useast1.amazonaws.com/pytorch-inference:2.0.1", wantErr: "12-digit account"},
		{name: "china region outside china domain", uri: "727897471807.dkr.ecr.cn-north-1.amazonaws.com/pytorch-inference:2.0.1", wantErr: "does not belong"},
		{name: "upper case repository", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/PyTorch-Inference:2.0.1", wantErr: "not a valid repository"},
		{name: "no repository", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/:2.0.1", wantErr: "no repository"},
		{name: "empty tag", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:", wantErr: "not a valid tag"},
		{name: "tag starting with a dot", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:.1", wantErr: "not a valid tag"},
		{name: "short digest", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference@sha256:abc", wantErr: "digest"},
		{name: "double slash", uri: "763104351884.dkr.ecr.us-east-1.amazonaws.com//pytorch-inference:2.0.1", wantErr: "not a valid repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseImage(tt.uri)
			if !errors.Is(err, ErrInvalidImage) {
				t.Fatalf("ParseImage(%q) error = %v, want ErrInvalidImage", tt.uri, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseImage(%q) error = %q, want it to contain %q", tt.uri, err, tt.wantErr)
			}
		})
	}
}

func TestImageFacts(t *testing.T) {
	must := func(uri string) Image {
		t.Helper()
		im, err := ParseImage(uri)
		if err != nil {
			t.Fatal(err)
		}
		return im
	}
	torch := must("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310")
	xgb := must("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")
	sk := must("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.20.0")
	hf := must("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04")
	tf := must("763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.13-cpu")
	mine := must("123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1")
	copied := must("123456789012.dkr.ecr.ap-southeast-5.amazonaws.com/pytorch-inference:2.0.1-cpu-py310")

	t.Run("serves", func(t *testing.T) {
		for _, c := range []struct {
			im        Image
			framework string
			want      bool
		}{
			{torch, "pytorch", true}, {torch, "huggingface", true}, {torch, "xgboost", false},
			{xgb, "xgboost", true}, {xgb, "pytorch", false},
			{tf, "tensorflow", true}, {tf, "pytorch", false},
			{mine, "xgboost", true},
		} {
			if got := c.im.Serves(c.framework); got != c.want {
				t.Errorf("%s Serves(%q) = %v, want %v", c.im.Repository, c.framework, got, c.want)
			}
		}
	})
	t.Run("publishing account", func(t *testing.T) {
		for _, c := range []struct {
			im     Image
			want   string
			wantOK bool
		}{
			{torch, "763104351884", true},
			{xgb, "683313688378", true},
			{mine, "", false},
			{copied, "", false},
		} {
			got, ok := c.im.PublishingAccount()
			if got != c.want || ok != c.wantOK {
				t.Errorf("%s PublishingAccount() = %q, %v, want %q, %v", c.im.URI, got, ok, c.want, c.wantOK)
			}
		}
	})
	t.Run("package versions", func(t *testing.T) {
		for _, c := range []struct {
			im     Image
			pkg    string
			want   string
			wantOK bool
		}{
			{torch, "torch", "2.0.1", true},
			{torch, "tensorflow", "", false},
			{xgb, "xgboost", "1.7", true},
			{sk, "Scikit_Learn", "0.20.0", true},
			{hf, "torch", "1.13.1", true},
			{hf, "transformers", "4.26.0", true},
			{tf, "tensorflow", "2.13", true},
			{tf, "torch", "", false},
			{mine, "torch", "", false},
		} {
			got, ok := c.im.PackageVersion(c.pkg)
			if got != c.want || ok != c.wantOK {
				t.Errorf("%s PackageVersion(%q) = %q, %v, want %q, %v", c.im.Repository, c.pkg, got, ok, c.want, c.wantOK)
			}
		}
	})
}

func TestRepositoryTable(t *testing.T) {
	names := Repositories()
	if len(names) == 0 {
		t.Fatal("no repositories")
	}
	for _, n := range []string{"sagemaker-xgboost", "sagemaker-scikit-learn", "pytorch-inference", "tensorflow-inference",
		"huggingface-pytorch-inference", "huggingface-tensorflow-inference", "huggingface-pytorch-tgi-inference", "djl-inference",
		"pytorch-inference-neuronx", "huggingface-pytorch-inference-neuronx"} {
		r, ok := LookupRepository(n)
		if !ok {
			t.Errorf("LookupRepository(%q) not found", n)
			continue
		}
		if r.Accounts["us-east-1"] == "" {
			t.Errorf("%s has no us-east-1 account", n)
		}
	}
	if _, ok := LookupRepository("my-own-server"); ok {
		t.Error("LookupRepository(\"my-own-server\") found")
	}
}

func TestNormalizePackage(t *testing.T) {
	for in, want := range map[string]string{
		"torch": "torch", "Scikit_Learn": "scikit-learn", "scikit-learn": "scikit-learn",
		"ruamel.yaml": "ruamel-yaml", "a__b": "a-b", " TensorFlow ": "tensorflow",
	} {
		if got := NormalizePackage(in); got != want {
			t.Errorf("NormalizePackage(%q) = %q, want %q", in, got, want)
		}
	}
}
