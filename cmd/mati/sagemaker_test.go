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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
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
			}, nil)
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
	}, nil)
	if !errors.Is(err, errAccessDenied) {
		t.Fatalf("got error %v, want one wrapping errAccessDenied", err)
	}
	if d := cmp.Diff([]string{"churn-sklearn"}, got); d != "" {
		t.Errorf("models before the error (-want +got):\n%s", d)
	}

	stop := errors.New("stop")
	err = listSageMakerModels(context.Background(), api, "", func(deploy.Model) error { return stop }, nil)
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
	api, err := newSageMakerClient(context.Background(), sagemakerSettings{Region: "us-east-1", EndpointURL: startSageMaker(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = sagemakerModelTargets(context.Background(), api, "", rules.Config{InstanceType: "ml.m5.large"}, func(tg target) error {
		got = append(got, fmt.Sprintf("%s %s ref=%q skip=%t %s", tg.container.Model, tg.container.Field, tg.ref, tg.skip != "", tg.cfg.InstanceType))
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
	Cached    bool           `json:"cached"`
	Container *containerView `json:"container"`
}

func TestScanSageMakerModels(t *testing.T) {
	fakeAWS(t)
	good, err := os.ReadFile(filepath.Join(fixturesDir(t), "sklearn_good.tar.gz"))
	if err != nil {
		t.Skipf("fixture missing (run go generate ./fixtures): %v", err)
	}
	s3URL := startFakeS3(t, map[string][]byte{"my-bucket/churn/model.tar.gz": good})
	f := &fakeSageMaker{
		// llama-package is left out by --name-contains sklearn; the four
		// others fill two ListModels pages.
		listed: []string{"churn-sklearn", "llama-package", "fraud-sklearn", "local-sklearn", "secret-sklearn"},
		denied: map[string]bool{"secret-sklearn": true},
	}
	smURL := startSageMaker(t, f)
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
	calls := slices.Sorted(slices.Values(f.calls))
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
		f.listed = []string{"churn-sklearn", "llama-package", "local-sklearn"}
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
	fakeAWS(t)
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

func TestListSageMakerModelsGoesOn(t *testing.T) {
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
	}, func(s types.ModelSummary, err error) error {
		if !errors.Is(err, errAccessDenied) {
			t.Errorf("%s: got %v, want an error wrapping errAccessDenied", aws.ToString(s.ModelName), err)
		}
		got = append(got, "failed "+aws.ToString(s.ModelName))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"churn-sklearn", "failed fraud-sklearn", "llama-package"}, got); d != "" {
		t.Errorf("models (-want +got):\n%s", d)
	}
}
