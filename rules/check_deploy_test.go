package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
)

const (
	xgbImage      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
	sklearnImage  = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
	torchGPUImage = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker"
	torchCPUImage = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-cpu-py310"
	neuronxImage  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:1.13.1-neuronx-py310-sdk2.13.2-ubuntu20.04"
)

// deployArchive returns an archive named model.tar.gz with the given
// regular files (path -> content); the files are also readable.
func deployArchive(framework string, files map[string]string) *Archive {
	a := &Archive{Name: "model.tar.gz", Format: "tar.gz", Framework: framework, Files: map[string][]byte{}, Env: map[string]string{}}
	for _, p := range sortedEnvNames(files) {
		a.Entries = append(a.Entries, artifact.Entry{Path: p, Name: p, Type: artifact.TypeFile, Size: int64(len(files[p]))})
		a.Files[p] = []byte(files[p])
	}
	return a
}

// lines returns the canonical one-line form of each finding, with its
// severity in front.
func lines(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+" "+f.String())
	}
	return out
}

func TestDeployChecks(t *testing.T) {
	tests := []struct {
		name  string
		rule  Rule
		setup func(a *Archive)
		files map[string]string
		fw    string
		want  []string
	}{
		// image-uri-invalid
		{
			name:  "image is an s3 uri",
			rule:  imageURIInvalidRule,
			setup: func(a *Archive) { a.Image = "s3://bucket/image.tar" },
			want:  []string{`error model.tar.gz: invalid image URI "s3://bucket/image.tar": an image URI has no scheme (write <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>) [image-uri-invalid]`},
		},
		{
			name:  "image uri ok",
			rule:  imageURIInvalidRule,
			setup: func(a *Archive) { a.Image = xgbImage },
		},
		// image-framework-mismatch
		{
			name:  "pytorch image for an xgboost model",
			rule:  imageFrameworkMismatchRule,
			fw:    "xgboost",
			setup: func(a *Archive) { a.Image = torchGPUImage },
			want:  []string{`error model.tar.gz: the artifact is a xgboost model but image repository "pytorch-inference" serves pytorch or huggingface [image-framework-mismatch]`},
		},
		{
			name:  "xgboost image for an xgboost model",
			rule:  imageFrameworkMismatchRule,
			fw:    "xgboost",
			setup: func(a *Archive) { a.Image = xgbImage },
		},
		{
			name:  "own image is not judged",
			rule:  imageFrameworkMismatchRule,
			fw:    "xgboost",
			setup: func(a *Archive) { a.Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-server:1" },
		},
		// image-region-mismatch
		{
			name:  "image from another region",
			rule:  imageRegionMismatchRule,
			setup: func(a *Archive) { a.Image, a.Region = torchGPUImage, "eu-west-1" },
			want:  []string{`error model.tar.gz: image "` + torchGPUImage + `" is in region "us-east-1" but the model is in "eu-west-1" [image-region-mismatch]`},
		},
		{
			name:  "image from the model's region",
			rule:  imageRegionMismatchRule,
			setup: func(a *Archive) { a.Image, a.Region = torchGPUImage, "us-east-1" },
		},
		// image-account-unknown
		{
			name: "dlc repository under the xgboost account",
			rule: imageAccountUnknownRule,
			setup: func(a *Archive) {
				a.Image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-cpu-py310"
			},
			want: []string{`warning model.tar.gz: repository "pytorch-inference" in us-east-1 is published by account "763104351884", not "683313688378" [image-account-unknown]`},
		},
		{
			name:  "dlc repository under the dlc account",
			rule:  imageAccountUnknownRule,
			setup: func(a *Archive) { a.Image = torchCPUImage },
		},
		// image-dependency-conflict
		{
			name:  "requirements pin another torch",
			rule:  imageDependencyConflictRule,
			setup: func(a *Archive) { a.Image = torchGPUImage },
			files: map[string]string{"code/requirements.txt": "# deps\ntransformers==4.30.0\ntorch==1.13.1 ; python_version >= \"3.8\"\nnumpy\n"},
			want:  []string{`warning model.tar.gz!code/requirements.txt:3: "torch==1.13.1" pins torch but image "pytorch-inference" has torch 2.0.1 [image-dependency-conflict]`},
		},
		{
			name:  "requirements need a newer scikit-learn",
			rule:  imageDependencyConflictRule,
			setup: func(a *Archive) { a.Image = sklearnImage },
			files: map[string]string{"code/requirements.txt": "Scikit_Learn>=1.3\n"},
			want:  []string{`warning model.tar.gz!code/requirements.txt:1: "Scikit_Learn>=1.3" pins scikit-learn but image "sagemaker-scikit-learn" has scikit-learn 1.2 [image-dependency-conflict]`},
		},
		{
			name:  "requirements agree with the image",
			rule:  imageDependencyConflictRule,
			setup: func(a *Archive) { a.Image = torchGPUImage },
			files: map[string]string{"code/requirements.txt": "torch==2.0.1\ntorch>=2.0,<2.1\ntorch~=2.0.0\ntorch==2.0.*\ntensorflow==2.13\n-r other.txt\ntorch @ https://example.com/torch.whl\n"},
		},
		{
			name:  "image too imprecise to decide",
			rule:  imageDependencyConflictRule,
			setup: func(a *Archive) { a.Image = xgbImage },
			files: map[string]string{"code/requirements.txt": "xgboost==1.7.6\n"},
		},
		// instance-type-invalid
		{
			name:  "instance type without ml prefix",
			rule:  instanceTypeInvalidRule,
			setup: func(a *Archive) { a.InstanceType = "g5.xlarge" },
			want:  []string{`error model.tar.gz: invalid instance type "g5.xlarge": SageMaker instance types start with "ml.": "ml.g5.xlarge" [instance-type-invalid]`},
		},
		{
			name:  "instance type ok",
			rule:  instanceTypeInvalidRule,
			setup: func(a *Archive) { a.InstanceType = "ml.g5.xlarge" },
		},
		// instance-accelerator-mismatch
		{
			name:  "gpu image on a cpu instance",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = torchGPUImage, "ml.m5.large" },
			want:  []string{`error model.tar.gz: image "pytorch-inference:2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker" needs NVIDIA GPU but ml.m5.large has no accelerator [instance-accelerator-mismatch]`},
		},
		{
			name:  "neuronx image on inf1",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = neuronxImage, "ml.inf1.xlarge" },
			want:  []string{`error model.tar.gz: image "pytorch-inference-neuronx:1.13.1-neuronx-py310-sdk2.13.2-ubuntu20.04" needs Inferentia2/Trainium but ml.inf1.xlarge has Inferentia (inf1) [instance-accelerator-mismatch]`},
		},
		{
			name:  "cpu image on a gpu instance",
			rule:  instanceAcceleratorUnusedRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = torchCPUImage, "ml.g5.xlarge" },
			want:  []string{`warning model.tar.gz: image "pytorch-inference:2.0.1-cpu-py310" is a CPU image but ml.g5.xlarge has NVIDIA GPUs it will not use [instance-accelerator-unused]`},
		},
		{
			name:  "cpu image on a gpu instance is no mismatch",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = torchCPUImage, "ml.g5.xlarge" },
		},
		{
			name:  "gpu image on a cpu instance is not unused",
			rule:  instanceAcceleratorUnusedRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = torchGPUImage, "ml.m5.large" },
		},
		{
			name:  "gpu image on a gpu instance",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = torchGPUImage, "ml.g5.xlarge" },
		},
		{
			name:  "neuronx image on inf2",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = neuronxImage, "ml.inf2.xlarge" },
		},
		{
			name:  "xgboost image runs anywhere",
			rule:  instanceAcceleratorMismatchRule,
			setup: func(a *Archive) { a.Image, a.InstanceType = xgbImage, "ml.g5.xlarge" },
		},
		// env-value-invalid
		{
			name: "timeout and multi-model values",
			rule: envValueInvalidRule,
			setup: func(a *Archive) {
				a.Env = map[string]string{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "60s", "SAGEMAKER_MULTI_MODEL": "yes", "SAGEMAKER_PROGRAM": "inference.py"}
			},
			want: []string{
				`error model.tar.gz: invalid environment value: SAGEMAKER_MODEL_SERVER_TIMEOUT="60s": want a positive integer [env-value-invalid]`,
				`error model.tar.gz: invalid environment value: SAGEMAKER_MULTI_MODEL="yes": want "true" or "false" [env-value-invalid]`,
			},
		},
		{
			name: "valid values",
			rule: envValueInvalidRule,
			setup: func(a *Archive) {
				a.Env = map[string]string{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "3600", "HF_TRUST_REMOTE_CODE": "true", "SAGEMAKER_CONTAINER_LOG_LEVEL": "20"}
			},
		},
		// env-unknown-variable
		{
			name: "misspelt program",
			rule: envUnknownVariableRule,
			setup: func(a *Archive) {
				a.Env = map[string]string{"SAGEMAKER_PROGRAMM": "inference.py", "SAGEMAKER_FOO_BAR_BAZ": "1", "MY_OWN": "x"}
			},
			want: []string{
				`warning model.tar.gz: no container reads "SAGEMAKER_FOO_BAR_BAZ" [env-unknown-variable]`,
				`warning model.tar.gz: no container reads "SAGEMAKER_PROGRAMM"; did you mean "SAGEMAKER_PROGRAM"? [env-unknown-variable]`,
			},
		},
		{
			name: "known variables",
			rule: envUnknownVariableRule,
			setup: func(a *Archive) {
				a.Env = map[string]string{"SAGEMAKER_PROGRAM": "inference.py", "HF_HUB_OFFLINE": "1", "OPTION_ROLLING_BATCH": "vllm"}
			},
		},
		// env-submit-directory-ignored and env-submit-directory-unused
		{
			name:  "sklearn code ignored",
			rule:  envSubmitDirectoryUnusedRule,
			fw:    "sklearn",
			files: map[string]string{"model.joblib": "x", "code/inference.py": "def model_fn(d): pass\n"},
			setup: func(a *Archive) {
				a.Image = sklearnImage
				a.Env = map[string]string{"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "s3://bucket/sourcedir.tar.gz"}
			},
			want: []string{`warning model.tar.gz!code/inference.py: the artifact has code/ but SAGEMAKER_SUBMIT_DIRECTORY is "s3://bucket/sourcedir.tar.gz", so the sklearn container uses that code instead [env-submit-directory-unused]`},
		},
		{
			name:  "code from s3 is no missing script",
			rule:  envSubmitDirectoryIgnoredRule,
			fw:    "sklearn",
			files: map[string]string{"model.joblib": "x", "code/inference.py": "def model_fn(d): pass\n"},
			setup: func(a *Archive) {
				a.Image = sklearnImage
				a.Env = map[string]string{"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "s3://bucket/sourcedir.tar.gz"}
			},
		},
		{
			name:  "submit directory points at a missing script",
			rule:  envSubmitDirectoryIgnoredRule,
			fw:    "xgboost",
			files: map[string]string{"xgboost-model": "x", "code/serve.py": "def model_fn(d): pass\n"},
			setup: func(a *Archive) {
				a.Image = xgbImage
				a.Env = map[string]string{"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}
			},
			want: []string{`error model.tar.gz: SAGEMAKER_SUBMIT_DIRECTORY is "/opt/ml/model/code" and SAGEMAKER_PROGRAM is "inference.py" but the artifact has no code/inference.py [env-submit-directory-ignored]`},
		},
		{
			name:  "submit directory uses the artifact's code",
			rule:  envSubmitDirectoryIgnoredRule,
			fw:    "sklearn",
			files: map[string]string{"model.joblib": "x", "code/inference.py": "def model_fn(d): pass\n"},
			setup: func(a *Archive) {
				a.Image = sklearnImage
				a.Env = map[string]string{"SAGEMAKER_PROGRAM": "inference", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code/"}
			},
		},
		{
			name:  "pytorch image is not judged",
			rule:  envSubmitDirectoryIgnoredRule,
			fw:    "pytorch",
			files: map[string]string{"model.pt": "x", "code/inference.py": "def model_fn(d): pass\n"},
			setup: func(a *Archive) { a.Image = torchCPUImage },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := tt.fw
			if fw == "" {
				fw = "unknown"
			}
			a := deployArchive(fw, tt.files)
			if tt.setup != nil {
				tt.setup(a)
			}
			got := lines(SortFindings(tt.rule.findings(tt.rule.Check(a))))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("%s findings mismatch (-want +got):\n%s", tt.rule.ID, d)
			}
		})
	}
}

func TestCheckModelData(t *testing.T) {
	url := func(u string) *deploy.ModelData { return &deploy.ModelData{Field: "ModelDataUrl", URI: u} }
	src := func(u, typ, comp string) *deploy.ModelData {
		return &deploy.ModelData{Field: "ModelDataSource.S3DataSource", URI: u, S3DataType: typ, CompressionType: comp}
	}
	tests := []struct {
		name   string
		md     *deploy.ModelData
		format string
		want   []string
	}{
		{name: "no create-model document", md: nil, format: "tar.gz"},
		{name: "model data url ok", md: url("s3://my-bucket/churn/model.tar.gz"), format: "tar.gz"},
		{name: "https model data url ok", md: url("https://my-bucket.s3.us-east-1.amazonaws.com/churn/model.tar.gz"), format: "tar.gz"},
		{name: "uncompressed prefix ok", md: src("s3://my-bucket/llama/", "S3Prefix", "None"), format: "s3-prefix"},
		{name: "gzip object ok", md: src("s3://my-bucket/m/model.tar.gz", "S3Object", "Gzip"), format: "tar.gz"},
		{name: "multi-model prefix ok", md: &deploy.ModelData{Field: "ModelDataUrl", URI: "s3://my-bucket/models/", MultiModel: true}, format: "s3-prefix"},
		{
			name: "local path", md: url("/home/me/model.tar.gz"), format: "tar.gz",
			want: []string{`error model.tar.gz: ModelDataUrl "/home/me/model.tar.gz" is not an s3:// URI [model-data-invalid]`},
		},
		{
			name: "bad bucket", md: url("s3://My_Bucket/model.tar.gz"), format: "tar.gz",
			want: []string{`error model.tar.gz: ModelDataUrl "s3://My_Bucket/model.tar.gz" names an invalid bucket "My_Bucket" [model-data-invalid]`},
		},
		{
			name: "prefix without slash", md: src("s3://my-bucket/llama", "S3Prefix", "None"), format: "s3-prefix",
			want: []string{`error model.tar.gz: S3Uri "s3://my-bucket/llama" is an S3Prefix but does not end in "/" [model-data-invalid]`},
		},
		{
			name: "gzip on a prefix", md: src("s3://my-bucket/llama/", "S3Prefix", "Gzip"), format: "s3-prefix",
			want: []string{`error model.tar.gz: CompressionType "Gzip" with S3DataType "S3Prefix": a prefix of files cannot be one gzip archive [model-data-invalid]`},
		},
		{
			name: "no compression on a gzip object", md: src("s3://my-bucket/m/model.tar.gz", "S3Object", "None"), format: "tar.gz",
			want: []string{`error model.tar.gz: CompressionType is "None" but "s3://my-bucket/m/model.tar.gz" is a tar.gz archive: SageMaker would copy it to /opt/ml/model without extracting it [model-data-invalid]`},
		},
		{
			name: "model data url on a prefix", md: url("s3://my-bucket/llama/"), format: "s3-prefix",
			want: []string{`error model.tar.gz: ModelDataUrl "s3://my-bucket/llama/" is read as a gzip-compressed tar, but it is a prefix of files [model-data-invalid]`},
		},
		{
			name: "unknown data type", md: src("s3://my-bucket/m/", "Prefix", "None"), format: "s3-prefix",
			want: []string{`error model.tar.gz: S3DataType is "Prefix"; want "S3Object" or "S3Prefix" [model-data-invalid]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := deployArchive("unknown", nil)
			a.Format = tt.format
			got := lines(checkModelData(a, tt.md))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestDeployMeta(t *testing.T) {
	for _, m := range []Meta{
		imageURIInvalid, imageFrameworkMismatch, imageRegionMismatch, imageAccountUnknown, imageDependencyConflict,
		instanceTypeInvalid, instanceAcceleratorMismatch, envValueInvalid, envUnknownVariable, envSubmitDirectoryIgnored, modelDataInvalid,
	} {
		if m.ID == "" || m.Summary == "" || m.Hint == "" {
			t.Errorf("rule %q has an empty ID, Summary or Hint", m.ID)
		}
	}
}
