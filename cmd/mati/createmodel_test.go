package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

func TestModelTargets(t *testing.T) {
	const (
		sklearnImage = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
		torchImage   = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.0.1-gpu-py310"
	)
	m := deploy.Model{
		Name:   "pipe",
		Region: "eu-west-1",
		Containers: []deploy.Container{
			{Field: "Containers[0]", Image: sklearnImage, Environment: map[string]string{"SAGEMAKER_PROGRAM": "pre.py", "HF_TOKEN": "t"},
				ModelData: &deploy.ModelData{Field: "ModelDataUrl", URI: "s3://b/pre.tar.gz"}},
			{Field: "Containers[1]", Image: torchImage, Environment: map[string]string{},
				ModelData: &deploy.ModelData{Field: "ModelDataUrl", URI: "s3://b/torch.tar.gz"}},
		},
	}
	base := rules.Config{Region: "us-east-1", InstanceType: "ml.g5.xlarge", Env: map[string]string{"SAGEMAKER_PROGRAM": "serve.py"}}

	ts := modelTargets(m, base, nil)
	if len(ts) != 2 {
		t.Fatalf("got %d targets, want 2", len(ts))
	}
	if got := []string{ts[0].Ref, ts[1].Ref}; !slices.Equal(got, []string{"s3://b/pre.tar.gz", "s3://b/torch.tar.gz"}) {
		t.Errorf("refs %q", got)
	}
	c0 := ts[0].cfg
	if c0.Image != sklearnImage || c0.Region != "eu-west-1" || c0.InstanceType != "ml.g5.xlarge" || c0.ModelData != m.Containers[0].ModelData {
		t.Errorf("config of the first container: %+v", c0)
	}
	if d := cmp.Diff(map[string]string{"SAGEMAKER_PROGRAM": "serve.py", "HF_TOKEN": "t"}, c0.Env); d != "" {
		t.Errorf("--env is not set over Environment (-want +got):\n%s", d)
	}
	if m.Containers[0].Environment["SAGEMAKER_PROGRAM"] != "pre.py" {
		t.Error("modelTargets changed the model's Environment")
	}
	want := &deploy.ContainerView{Model: "pipe", Field: "Containers[1]", Image: torchImage, Framework: "pytorch", Version: "2.0.1", Variant: "gpu",
		InstanceType: "ml.g5.xlarge", ModelData: "s3://b/torch.tar.gz", Environment: map[string]string{"SAGEMAKER_PROGRAM": "serve.py"}}
	if d := cmp.Diff(want, ts[1].View); d != "" {
		t.Errorf("container view (-want +got):\n%s", d)
	}
	if ts[0].View.Environment["HF_TOKEN"] != "****" {
		t.Errorf("HF_TOKEN is not masked: %q", ts[0].View.Environment)
	}

	ts = modelTargets(m, base, []string{"pre", "torch"})
	if ts[0].Ref != "pre" || ts[1].Ref != "torch" {
		t.Errorf("overrides: refs %q, %q", ts[0].Ref, ts[1].Ref)
	}
	if ts[1].cfg.ModelData == nil {
		t.Error("an override drops the model data the model-data-invalid check reads")
	}

	noARN := m
	noARN.Region = ""
	if ts := modelTargets(noARN, base, nil); ts[0].cfg.Region != "us-east-1" {
		t.Errorf("without ModelArn the region is %q, want --region's", ts[0].cfg.Region)
	}
}

// containerReport returns the shared renderer input with a container on its
// first artifact, and none on the others.
func containerReport(t *testing.T) rules.Report {
	t.Helper()
	r := loadReport(t)
	r.Artifacts[0].Container = &deploy.ContainerView{
		Model:        "churn",
		Field:        "Containers[1]",
		Image:        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
		Framework:    "xgboost",
		Version:      "1.7-1",
		Variant:      "any",
		InstanceType: "ml.m5.large",
		ModelData:    "s3://my-bucket/churn/model.tar.gz",
		Environment:  deploy.MaskEnv(map[string]string{"SAGEMAKER_PROGRAM": "inference.py", "HF_TOKEN": "hf_live_0123", "NOTE": "a\x1b[2Jb"}),
	}
	return r
}

func TestRenderContainerGolden(t *testing.T) {
	r := containerReport(t)
	var buf bytes.Buffer
	if err := renderTable(&buf, r, tableOptions{}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.container.table", buf.Bytes())
	if strings.Contains(buf.String(), "hf_live_") || strings.Contains(buf.String(), "\x1b") {
		t.Error("the table shows a secret or an escape sequence")
	}

	buf.Reset()
	if err := renderJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.container.json", buf.Bytes())
	var doc struct {
		Artifacts []struct {
			Container *deploy.ContainerView `json:"container"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Artifacts[0].Container == nil || doc.Artifacts[1].Container != nil {
		t.Errorf("containers on the wrong artifacts: %+v", doc.Artifacts)
	}
}

// TestRenderJSONOptionalFields checks that "container" and "cached" appear
// only on the artifacts that have them, and that the three layouts hold the
// same document.
func TestRenderJSONOptionalFields(t *testing.T) {
	r := loadReport(t)
	var plain bytes.Buffer
	if err := renderJSON(&plain, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), `"container"`) || strings.Contains(plain.String(), `"cached"`) {
		t.Errorf("a report without containers or cache has their fields:\n%s", plain.String())
	}
	r = containerReport(t)
	r.Artifacts[1].Cached = true
	var indented, compact, lines bytes.Buffer
	if err := renderJSON(&indented, r); err != nil {
		t.Fatal(err)
	}
	if err := renderJSONCompact(&compact, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(compact.String(), "\n"); n != 1 {
		t.Errorf("compact JSON has %d lines, want 1", n)
	}
	var a, b rules.Report
	if err := json.Unmarshal(indented.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(compact.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("indented and compact documents differ (-indented +compact):\n%s", d)
	}
	if !b.Artifacts[1].Cached || b.Artifacts[0].Cached || b.Artifacts[0].Container == nil {
		t.Errorf("cached and container on the wrong artifacts")
	}
	for _, res := range r.Artifacts {
		if err := renderJSONLine(&lines, res); err != nil {
			t.Fatal(err)
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(lines.String(), "\n"), "\n") {
		var got rules.Result
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if d := cmp.Diff(a.Artifacts[i], got); d != "" {
			t.Errorf("line %d differs from the document's artifact (-document +line):\n%s", i+1, d)
		}
	}
}

// TestJSONArtifactFields checks that an artifact of the JSON document has
// the fields README's "The JSON document" lists, in order, and then the
// optional cached, container and suppressed.
func TestJSONArtifactFields(t *testing.T) {
	var names []string
	typ := reflect.TypeOf(rules.Result{})
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Tag.Get("json"))
	}
	want := []string{"source", "framework", "framework_reason", "format", "total_size", "entries", "expected", "handlers",
		"findings", "error", "cached,omitempty", "container,omitempty", "suppressed,omitempty"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("rules.Result JSON fields (-want +got):\n%s", d)
	}
}
