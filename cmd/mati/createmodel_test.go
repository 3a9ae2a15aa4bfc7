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
func containerReport(t *testing.T) (rules.Report, []*deploy.ContainerView) {
	t.Helper()
	r := loadReport(t)
	views := make([]*deploy.ContainerView, len(r.Artifacts))
	views[0] = &deploy.ContainerView{
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
	return r, views
}

func TestRenderContainerGolden(t *testing.T) {
	r, views := containerReport(t)
	var buf bytes.Buffer
	if err := renderTable(&buf, r, tableOptions{Containers: views}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.container.table", buf.Bytes())
	if strings.Contains(buf.String(), "hf_live_") || strings.Contains(buf.String(), "\x1b") {
		t.Error("the table shows a secret or an escape sequence")
	}

	buf.Reset()
	if err := renderJSONContainers(&buf, r, views); err != nil {
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

func TestRenderJSONContainersWithoutContainers(t *testing.T) {
	r := loadReport(t)
	var want, got bytes.Buffer
	if err := renderJSON(&want, r); err != nil {
		t.Fatal(err)
	}
	if err := renderJSONContainers(&got, r, make([]*deploy.ContainerView, len(r.Artifacts))); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want.String(), got.String()); d != "" {
		t.Errorf("no container changes the JSON (-renderJSON +renderJSONContainers):\n%s", d)
	}
}

// TestJSONReportFields checks that jsonReport has the JSON fields of
// rules.Report, in order, so that a field added there is not lost when
// containers are rendered.
func TestJSONReportFields(t *testing.T) {
	fields := func(v any) []string {
		var names []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			names = append(names, typ.Field(i).Tag.Get("json"))
		}
		return names
	}
	if d := cmp.Diff(fields(rules.Report{}), fields(jsonReport{})); d != "" {
		t.Errorf("jsonReport differs from rules.Report (-Report +jsonReport):\n%s", d)
	}
}
