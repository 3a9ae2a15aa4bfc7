package deploy

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseModel(t *testing.T) {
	tests := []struct {
		file string
		want Model
	}{
		{
			file: "create_model.json",
			want: Model{
				Name:             "churn-xgb",
				ExecutionRoleARN: "arn:aws:iam::123456789012:role/SageMakerRole",
				Containers: []Container{{
					Field: "PrimaryContainer",
					Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
					Mode:  "SingleModel",
					Environment: map[string]string{
						"SAGEMAKER_PROGRAM":          "inference.py",
						"SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
					},
					ModelData: &ModelData{Field: "ModelDataUrl", URI: "s3://my-bucket/churn/model.tar.gz"},
				}},
			},
		},
		{
			file: "describe_model.json",
			want: Model{
				Name:             "llama-lmi",
				Region:           "eu-west-1",
				ExecutionRoleARN: "arn:aws:iam::123456789012:role/SageMakerRole",
				Containers: []Container{{
					Field:       "PrimaryContainer",
					Image:       "763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.28.0-lmi10.0.0-cu124",
					Mode:        "SingleModel",
					Environment: map[string]string{"HF_MODEL_ID": "/opt/ml/model", "OPTION_ROLLING_BATCH": "vllm"},
					ModelData: &ModelData{Field: "ModelDataSource.S3DataSource", URI: "s3://my-bucket/llama/",
						S3DataType: "S3Prefix", CompressionType: "None"},
				}},
			},
		},
		{
			file: "pipeline.json",
			want: Model{
				Name:             "preprocess-then-torch",
				ExecutionRoleARN: "arn:aws:iam::123456789012:role/SageMakerRole",
				Containers: []Container{
					{
						Field:       "Containers[0]",
						Image:       "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
						Environment: map[string]string{"SAGEMAKER_PROGRAM": "preprocess.py"},
						ModelData:   &ModelData{Field: "ModelDataUrl", URI: "s3://my-bucket/preprocess/model.tar.gz"},
					},
					{
						Field:       "Containers[1]",
						Image:       "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker",
						Environment: map[string]string{},
						ModelData:   &ModelData{Field: "ModelDataUrl", URI: "s3://my-bucket/torch/model.tar.gz"},
					},
				},
			},
		},
		{
			file: "multi_model.json",
			want: Model{
				Name:             "many-models",
				ExecutionRoleARN: "arn:aws:iam::123456789012:role/SageMakerRole",
				Containers: []Container{{
					Field:       "PrimaryContainer",
					Image:       "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.1.0-cpu-py310",
					Mode:        "MultiModel",
					Environment: map[string]string{"SAGEMAKER_MULTI_MODEL": "true"},
					ModelData:   &ModelData{Field: "ModelDataUrl", URI: "s3://my-bucket/models/", MultiModel: true},
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ParseModel(f)
			if err != nil {
				t.Fatalf("ParseModel() error = %v", err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseModel() mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseModelErrors(t *testing.T) {
	tests := []struct {
		file    string
		wantErr string
		wantIs  error
	}{
		{file: "both_containers.json", wantErr: "both PrimaryContainer and Containers"},
		{file: "no_container.json", wantErr: "no PrimaryContainer or Containers", wantIs: ErrNoContainer},
		{file: "not_json.json", wantErr: "failed to parse model definition"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = ParseModel(f)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseModel() error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("ParseModel() error = %v, want errors.Is %v", err, tt.wantIs)
			}
		})
	}
}

func TestModelDataShape(t *testing.T) {
	tests := []struct {
		name           string
		md             ModelData
		wantCompressed bool
		wantPrefix     bool
	}{
		{name: "model data url", md: ModelData{Field: "ModelDataUrl"}, wantCompressed: true},
		{name: "multi-model url", md: ModelData{Field: "ModelDataUrl", MultiModel: true}, wantPrefix: true},
		{name: "uncompressed prefix", md: ModelData{Field: "ModelDataSource.S3DataSource", S3DataType: "S3Prefix", CompressionType: "None"}, wantPrefix: true},
		{name: "gzip object", md: ModelData{Field: "ModelDataSource.S3DataSource", S3DataType: "S3Object", CompressionType: "Gzip"}, wantCompressed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.md.Compressed(); got != tt.wantCompressed {
				t.Errorf("Compressed() = %v, want %v", got, tt.wantCompressed)
			}
			if got := tt.md.Prefix(); got != tt.wantPrefix {
				t.Errorf("Prefix() = %v, want %v", got, tt.wantPrefix)
			}
		})
	}
}
