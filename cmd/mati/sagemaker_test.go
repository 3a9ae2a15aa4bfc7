package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// fakeSageMaker is a small local HTTP server that speaks the SageMaker JSON
// protocol (awsJson1_1: POST / with X-Amz-Target: SageMaker.<Operation>) for
// DescribeModel and ListModels. No real AWS account is reachable from the
// tests, so the SDK's wiring is tested against it; it serves the
// describe-model responses in testdata/sagemaker.
type fakeSageMaker struct {
	// models are the DescribeModel responses by model name.
	models map[string][]byte
	// listed are the names ListModels returns, in order; a name without a
	// response was deleted after it was listed.
	listed []string
	// denied are the names whose DescribeModel is refused.
	denied map[string]bool
	// pageSize is how many models a ListModels page holds.
	pageSize int

	mu    sync.Mutex
	calls []string // "Operation" or "Operation name"
}

// startSageMaker starts the fake with the responses in testdata/sagemaker
// and returns its URL.
func startSageMaker(t *testing.T, f *fakeSageMaker) string {
	t.Helper()
	if f.models == nil {
		f.models = map[string][]byte{}
		files, err := filepath.Glob(filepath.Join("testdata", "sagemaker", "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f.models[strings.TrimSuffix(filepath.Base(p), ".json")] = b
		}
	}
	if f.pageSize == 0 {
		f.pageSize = 2
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return srv.URL
}

// serve answers one awsJson1_1 request.
func (f *fakeSageMaker) serve(w http.ResponseWriter, r *http.Request) {
	var in struct{ ModelName, NameContains, NextToken string }
	body, _ := io.ReadAll(r.Body)
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "SageMaker.")
	switch {
	case r.Method != http.MethodPost || !ok:
		apiFail(w, http.StatusBadRequest, "UnknownOperationException", "")
		return
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "):
		apiFail(w, http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	case json.Unmarshal(body, &in) != nil:
		apiFail(w, http.StatusBadRequest, "SerializationException", "")
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, strings.TrimSpace(op+" "+in.ModelName))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "DescribeModel":
		if f.denied[in.ModelName] {
			apiFail(w, http.StatusBadRequest, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sagemaker:DescribeModel")
			return
		}
		b, ok := f.models[in.ModelName]
		if !ok {
			apiFail(w, http.StatusBadRequest, "ValidationException", fmt.Sprintf("Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/%s\".", in.ModelName))
			return
		}
		w.Write(b)
	case "ListModels":
		var names []string
		for _, n := range f.listed {
			if strings.Contains(n, in.NameContains) {
				names = append(names, n)
			}
		}
		start := 0
		fmt.Sscan(in.NextToken, &start)
		end := min(start+f.pageSize, len(names))
		out := struct {
			Models    []map[string]any
			NextToken string `json:",omitempty"`
		}{Models: []map[string]any{}}
		for _, n := range names[start:end] {
			out.Models = append(out.Models, map[string]any{"ModelName": n, "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/" + n, "CreationTime": 1714557600.0})
		}
		if end < len(names) {
			out.NextToken = fmt.Sprint(end)
		}
		json.NewEncoder(w).Encode(out)
	default:
		apiFail(w, http.StatusBadRequest, "UnknownOperationException", op)
	}
}

// apiFail writes an awsJson1_1 error.
func apiFail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// fakeAWS sets fake credentials and keeps the SDK away from the real
// configuration files and the instance metadata service.
func fakeAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDFAKEFAKEFAKE",
		"AWS_SECRET_ACCESS_KEY":       "fake-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_SAGEMAKER":  "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
}

func TestListSageMakerModels(t *testing.T) {
	fakeAWS(t)
	tests := []struct {
		name         string
		listed       []string
		nameContains string
		want         []string
		wantCalls    int
	}{
		{
			name:      "every model over three pages",
			listed:    []string{"churn-sklearn", "fraud-sklearn", "llama-package"},
			want:      []string{"churn-sklearn", "fraud-sklearn", "llama-package"},
			wantCalls: 2 + 3,
		},
		{
			name:         "name filter",
			listed:       []string{"churn-sklearn", "fraud-sklearn", "llama-package"},
			nameContains: "sklearn",
			want:         []string{"churn-sklearn", "fraud-sklearn"},
			wantCalls:    1 + 2,
		},
		{
			name:      "model deleted after it was listed",
			listed:    []string{"churn-sklearn", "gone"},
			want:      []string{"churn-sklearn"},
			wantCalls: 1 + 2,
		},
		{
			name:      "no models",
			want:      nil,
			wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSageMaker{listed: tt.listed}
			url := startSageMaker(t, f)
			api, err := newSageMakerClient(context.Background(), sagemakerSettings{Region: "us-east-1", EndpointURL: url})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = listSageMakerModels(context.Background(), api, tt.nameContains, func(m deploy.Model) error {
				got = append(got, m.Name)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("models (-want +got):\n%s", d)
			}
			if len(f.calls) != tt.wantCalls {
				t.Errorf("got %d calls %q, want %d", len(f.calls), f.calls, tt.wantCalls)
			}
		})
	}
}

func TestListSageMakerModelsStops(t *testing.T) {
	fakeAWS(t)
	f := &fakeSageMaker{listed: []string{"churn-sklearn", "fraud-sklearn", "llama-package"}, denied: map[string]bool{"fraud-sklearn": true}}
	api, err := newSageMakerClient(context.Background(), sagemakerSettings{Region: "us-east-1", EndpointURL: startSageMaker(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = listSageMakerModels(context.Background(), api, "", func(m deploy.Model) error {
		got = append(got, m.Name)
		return nil
	})
	if !errors.Is(err, errAccessDenied) {
		t.Fatalf("got error %v, want one wrapping errAccessDenied", err)
	}
	if d := cmp.Diff([]string{"churn-sklearn"}, got); d != "" {
		t.Errorf("models before the error (-want +got):\n%s", d)
	}

	stop := errors.New("stop")
	err = listSageMakerModels(context.Background(), api, "", func(deploy.Model) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("got error %v, want the callback's", err)
	}
}

func TestDescribeSageMakerModel(t *testing.T) {
	fakeAWS(t)
	f := &fakeSageMaker{}
	api, err := newSageMakerClient(context.Background(), sagemakerSettings{Region: "us-east-1", EndpointURL: startSageMaker(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := describeSageMakerModel(context.Background(), api, "fraud-sklearn")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "sagemaker", "fraud-sklearn.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := deploy.ParseModel(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("DescribeModel reads differently from the describe-model file (-file +api):\n%s", d)
	}
	if want.Region != "us-east-1" || want.Containers[0].ModelData.S3DataType != deploy.S3DataTypePrefix {
		t.Errorf("unexpected model %+v", want)
	}
}

func TestNewSageMakerClientNoRegion(t *testing.T) {
	fakeAWS(t)
	_, err := newSageMakerClient(context.Background(), sagemakerSettings{EndpointURL: "http://127.0.0.1:1"})
	if !errors.Is(err, errUsage) {
		t.Errorf("got %v, want a usage error", err)
	}
}

// writeSklearnModel writes a scikit-learn model folder that gives no
// finding and returns its path.
func writeSklearnModel(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	files := map[string]string{
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
	for name, body := range files {
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
	fakeAWS(t)
	f := &fakeSageMaker{denied: map[string]bool{"secret-model": true}}
	url := startSageMaker(t, f)
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
	if !slices.Contains(f.calls, "DescribeModel churn-sklearn") {
		t.Errorf("DescribeModel was not called: %q", f.calls)
	}
}

func TestSageMakerEndpointFromEnv(t *testing.T) {
	fakeAWS(t)
	f := &fakeSageMaker{}
	t.Setenv("AWS_ENDPOINT_URL_SAGEMAKER", startSageMaker(t, f))
	t.Setenv("AWS_REGION", "us-east-1")
	code, stdout, stderr := runReal(t, "check", "--sagemaker-model", "churn-sklearn", writeSklearnModel(t))
	if code != exitOK {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if d := cmp.Diff([]string{"DescribeModel churn-sklearn"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestSageMakerModelTargets(t *testing.T) {
	fakeAWS(t)
	f := &fakeSageMaker{listed: []string{"churn-sklearn", "fraud-sklearn", "llama-package"}}
	s := sagemakerSettings{Region: "us-east-1", EndpointURL: startSageMaker(t, f)}
	var got []string
	err := sagemakerModelTargets(context.Background(), s, "", rules.Config{InstanceType: "ml.m5.large"}, func(tg target) error {
		got = append(got, fmt.Sprintf("%s %s ref=%q skip=%t %s", tg.container.Model, tg.container.Field, tg.ref, tg.skip != "", tg.cfg.InstanceType))
		return nil
	})
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
