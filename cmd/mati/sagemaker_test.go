package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/internal/smtest"
	"github.com/mati-dev/mati/rules"
)

// sklearnFiles is a scikit-learn model that gives no finding.
var sklearnFiles = map[string]string{
	"model.joblib":          "x\n",
	"code/requirements.txt": "scikit-learn==1.2.1\n",
	"code/inference.py": `import joblib

def model_fn(model_dir):
    return joblib.load(model_dir + "/model.joblib")

def input_fn(data, content_type):
    return data

def predict_fn(data, model):
    return model.predict(data)

def output_fn(prediction, accept):
    return prediction
`,
}

// writeSklearnModel writes a scikit-learn model folder that gives no
// finding and returns its path.
func writeSklearnModel(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	for name, body := range sklearnFiles {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckSageMakerModel(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{Denied: map[string]bool{"secret-model": true}}
	url := smtest.Start(t, f)
	model := writeSklearnModel(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string // substrings
		wantStderr []string // substrings
		notStdout  []string
	}{
		{
			name:       "deployed model checked against a local copy",
			args:       []string{"check", "--format", "json", "--fail-on", "info", "--region", "us-east-1", "--sagemaker-endpoint-url", url, "--sagemaker-model", "churn-sklearn", model},
			wantCode:   exitOK,
			wantStdout: []string{`"field": "PrimaryContainer"`, `"model": "churn-sklearn"`, `"HF_TOKEN": "****"`, `"model_data": "s3://my-bucket/churn/model.tar.gz"`},
			notStdout:  []string{"hf_live_"},
		},
		{
			name:       "the rules see the deployed environment",
			args:       []string{"check", "--region", "us-east-1", "--sagemaker-endpoint-url", url, "--sagemaker-model", "fraud-sklearn", model},
			wantCode:   exitFindings,
			wantStdout: []string{"env-unknown-variable", "SAGEMAKER_PROGRAMM", "model-data-invalid", `S3Uri "s3://my-bucket/fraud" is an S3Prefix`, `Container: PrimaryContainer of model "fraud-sklearn"`},
		},
		{
			name:       "no such model",
			args:       []string{"check", "--region", "us-east-1", "--sagemaker-endpoint-url", url, "--sagemaker-model", "missing", model},
			wantCode:   exitNotInspected,
			wantStderr: []string{`mati: error: failed to describe SageMaker model "missing": no such SageMaker model`, "mati: hint: check the model name and the region"},
		},
		{
			name:       "access denied",
			args:       []string{"check", "--region", "us-east-1", "--sagemaker-endpoint-url", url, "--sagemaker-model", "secret-model", model},
			wantCode:   exitNotInspected,
			wantStderr: []string{`mati: error: failed to describe SageMaker model "secret-model": access denied: User: arn:aws:iam::123456789012:user/ci is not authorized`, "mati: hint: the credentials (--profile) need sagemaker:DescribeModel"},
		},
		{
			name:       "model package skipped",
			args:       []string{"check", "--region", "us-east-1", "--sagemaker-endpoint-url", url, "--sagemaker-model", "llama-package"},
			wantCode:   exitOK,
			wantStderr: []string{`mati: warning: skipped PrimaryContainer of model "llama-package": it runs model package`},
			wantStdout: []string{"0 artifacts"},
		},
		{
			name:       "no region",
			args:       []string{"check", "--sagemaker-endpoint-url", url, "--sagemaker-model", "churn-sklearn", model},
			wantCode:   exitUsage,
			wantStderr: []string{"mati: error: no AWS region for the SageMaker API", "mati: hint: give --region or set AWS_REGION"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runReal(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, s := range tt.wantStdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.notStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout holds %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
	if !slices.Contains(f.Calls(), "DescribeModel churn-sklearn") {
		t.Errorf("DescribeModel was not called: %q", f.Calls())
	}
}

func TestSageMakerEndpointFromEnv(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{}
	t.Setenv("AWS_ENDPOINT_URL_SAGEMAKER", smtest.Start(t, f))
	t.Setenv("AWS_REGION", "us-east-1")
	code, stdout, stderr := runReal(t, "check", "--sagemaker-model", "churn-sklearn", writeSklearnModel(t))
	if code != exitOK {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if d := cmp.Diff([]string{"DescribeModel churn-sklearn"}, f.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestSageMakerModelTargets(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{Listed: []string{"churn-sklearn", "fraud-sklearn", "llama-package"}}
	api, err := newSageMakerClient(context.Background(), deploy.SageMakerSettings{Region: "us-east-1", EndpointURL: smtest.Start(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = sagemakerModelTargets(context.Background(), api, "", rules.Config{InstanceType: "ml.m5.large"}, func(tg target) error {
		got = append(got, fmt.Sprintf("%s %s ref=%q skip=%t %s", tg.View.Model, tg.View.Field, tg.Ref, tg.Skip != "", tg.cfg.InstanceType))
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`churn-sklearn PrimaryContainer ref="s3://my-bucket/churn/model.tar.gz" skip=false ml.m5.large`,
		`fraud-sklearn PrimaryContainer ref="s3://my-bucket/fraud/" skip=false ml.m5.large`,
		`llama-package PrimaryContainer ref="" skip=true ml.m5.large`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("targets (-want +got):\n%s", d)
	}
}

// startFakeS3 starts a local HTTP server that answers path-style S3 GETs of
// objects ("bucket/key" -> bytes), ranges included, lists every prefix as
// empty, and says NoSuchKey for anything else. Like fakeSageMaker, it
// stands in for an AWS account the tests cannot reach; the real S3 wiring
// is tested against internal/s3test (build tag integration).
func startFakeS3(t *testing.T, objects map[string][]byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if b, ok := objects[name]; ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("ETag", `"0123456789abcdef"`)
			http.ServeContent(w, r, "", time.Unix(1714557600, 0), bytes.NewReader(b))
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		if r.URL.Query().Get("list-type") == "2" {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>%s</Name><Prefix>%s</Prefix><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`,
				name, r.URL.Query().Get("prefix"))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>%s</Key></Error>`, name)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// scanLine is one line of mati scan --format jsonl with a container.
type scanLine struct {
	rules.Result
	Cached    bool                  `json:"cached"`
	Container *deploy.ContainerView `json:"container"`
}

func TestScanSageMakerModels(t *testing.T) {
	smtest.FakeAWS(t)
	good, err := os.ReadFile(filepath.Join(fixturesDir(t), "sklearn_good.tar.gz"))
	if err != nil {
		t.Skipf("fixture missing (run go generate ./fixtures): %v", err)
	}
	s3URL := startFakeS3(t, map[string][]byte{"my-bucket/churn/model.tar.gz": good})
	f := &smtest.Fake{
		// llama-package is left out by --name-contains sklearn; the four
		// others fill two ListModels pages.
		Listed: []string{"churn-sklearn", "llama-package", "fraud-sklearn", "local-sklearn", "secret-sklearn"},
		Denied: map[string]bool{"secret-sklearn": true},
	}
	smURL := smtest.Start(t, f)
	awsArgs := []string{"--region", "us-east-1", "--sagemaker-endpoint-url", smURL, "--endpoint-url", s3URL}
	scanArgs := func(args ...string) []string {
		return append(append([]string{"scan", "--sagemaker-models"}, awsArgs...), args...)
	}

	code, stdout, stderr := runScan(t, nil, scanArgs("--name-contains", "sklearn", "--format", "jsonl", "--jobs", "4")...)
	if code != exitNotInspected {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitNotInspected, stdout, stderr)
	}
	checkStderr(t, stderr)
	// model -> source, error
	got := map[string][2]string{}
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var a scanLine
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil || dec.More() {
			t.Fatalf("line is not one artifact object (%v): %s", err, line)
		}
		if a.Container == nil {
			t.Fatalf("line without a container: %s", line)
		}
		got[a.Container.Model] = [2]string{a.Source, a.Error}
	}
	want := map[string][2]string{
		"churn-sklearn":  {"s3://my-bucket/churn/model.tar.gz", ""},
		"fraud-sklearn":  {"s3://my-bucket/fraud/", `failed to read "s3://my-bucket/fraud/": failed to list "s3://my-bucket/fraud/": no such key`},
		"local-sklearn":  {"/home/me/model.tar.gz", `failed to inspect PrimaryContainer of model "local-sklearn": ModelDataUrl "/home/me/model.tar.gz": not an s3:// URI`},
		"secret-sklearn": {"arn:aws:sagemaker:us-east-1:123456789012:model/secret-sklearn", `failed to describe SageMaker model "secret-sklearn": access denied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sagemaker:DescribeModel`},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("artifacts by model: source, error (-want +got):\n%s", d)
	}
	for _, s := range []string{
		`mati: error: failed to inspect PrimaryContainer of model "local-sklearn": ModelDataUrl "/home/me/model.tar.gz": not an s3:// URI`,
		"mati: hint: SageMaker reads model data from S3 only",
		`mati: error: failed to inspect "s3://my-bucket/fraud/" for PrimaryContainer of model "fraud-sklearn"`,
		`mati: error: failed to describe SageMaker model "secret-sklearn": access denied`,
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if strings.Contains(stdout, "hf_live_") {
		t.Errorf("a secret-looking value is not masked:\n%s", stdout)
	}
	wantCalls := []string{"DescribeModel churn-sklearn", "DescribeModel fraud-sklearn", "DescribeModel local-sklearn", "DescribeModel secret-sklearn", "ListModels", "ListModels"}
	calls := slices.Sorted(slices.Values(f.Calls()))
	if d := cmp.Diff(wantCalls, calls); d != "" {
		t.Errorf("SageMaker calls (-want +got):\n%s", d)
	}

	t.Run("json counts", func(t *testing.T) {
		code, stdout, stderr := runScan(t, nil, scanArgs("--name-contains", "sklearn", "--format", "json")...)
		if code != exitNotInspected {
			t.Errorf("exit code %d, want %d\nstderr:\n%s", code, exitNotInspected, stderr)
		}
		var doc struct {
			Artifacts []scanLine    `json:"artifacts"`
			Summary   rules.Summary `json:"summary"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, stdout)
		}
		if d := cmp.Diff(rules.Summary{Artifacts: 4, Failed: 3}, doc.Summary); d != "" {
			t.Errorf("summary (-want +got):\n%s", d)
		}
		var models []string
		for _, a := range doc.Artifacts {
			models = append(models, a.Container.Model)
		}
		// Sorted by source.
		if d := cmp.Diff([]string{"local-sklearn", "secret-sklearn", "churn-sklearn", "fraud-sklearn"}, models); d != "" {
			t.Errorf("order (-want +got):\n%s", d)
		}
	})

	t.Run("only the good model", func(t *testing.T) {
		code, stdout, stderr := runScan(t, nil, scanArgs("--name-contains", "churn")...)
		if code != exitOK {
			t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitOK, stdout, stderr)
		}
		for _, s := range []string{"MODEL", "churn-sklearn", "pass", "1 artifact"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, stdout)
			}
		}
	})

	t.Run("table", func(t *testing.T) {
		f.Listed = []string{"churn-sklearn", "llama-package", "local-sklearn"}
		code, stdout, stderr := runScan(t, nil, scanArgs("--cache", filepath.Join(t.TempDir(), "c"))...)
		if code != exitNotInspected {
			t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitNotInspected, stdout, stderr)
		}
		for _, s := range []string{
			`mati: warning: skipped PrimaryContainer of model "llama-package": it runs model package`,
			"mati: warning: --cache",
		} {
			if !strings.Contains(stderr, s) {
				t.Errorf("stderr lacks %q:\n%s", s, stderr)
			}
		}
		for _, s := range []string{"local-sklearn", "not inspected", `Container: PrimaryContainer of model "local-sklearn"`, "Model data:     /home/me/model.tar.gz", "2 artifacts"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, stdout)
			}
		}
	})
}

func TestScanSageMakerUsage(t *testing.T) {
	smtest.FakeAWS(t)
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"name filter alone", []string{"scan", "--name-contains", "churn", "models/"}, "mati: error: --name-contains is given without --sagemaker-models"},
		{"a location too", []string{"scan", "--sagemaker-models", "--region", "us-east-1", "s3://my-bucket/models/"}, "mati: error: --sagemaker-models is given with 1 location"},
		{"an inventory too", []string{"scan", "--sagemaker-models", "--region", "us-east-1", "--inventory", "manifest.json"}, "mati: error: --inventory and --sagemaker-models are both given"},
		{"globs", []string{"scan", "--sagemaker-models", "--region", "us-east-1", "--include", "*.tar.gz"}, "mati: error: --include and --exclude select object keys"},
		{"one image for every model", []string{"scan", "--sagemaker-models", "--region", "us-east-1", "--image", "x"}, "mati: error: --image is given with --sagemaker-models"},
		{"no region", []string{"scan", "--sagemaker-models", "--sagemaker-endpoint-url", "http://127.0.0.1:1"}, "mati: error: no AWS region for the SageMaker API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runScan(t, nil, tt.args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty:\n%s", stdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr)
			}
		})
	}
}
