package deploy

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/internal/smtest"
)

func TestListModels(t *testing.T) {
	smtest.FakeAWS(t)
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
			f := &smtest.Fake{Listed: tt.listed}
			url := smtest.Start(t, f)
			api, err := NewSageMakerClient(context.Background(), SageMakerSettings{Region: "us-east-1", EndpointURL: url})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = ListModels(context.Background(), api, tt.nameContains, func(m Model) error {
				got = append(got, m.Name)
				return nil
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("models (-want +got):\n%s", d)
			}
			if len(f.Calls()) != tt.wantCalls {
				t.Errorf("got %d calls %q, want %d", len(f.Calls()), f.Calls(), tt.wantCalls)
			}
		})
	}
}

func TestListModelsStops(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{Listed: []string{"churn-sklearn", "fraud-sklearn", "llama-package"}, Denied: map[string]bool{"fraud-sklearn": true}}
	api, err := NewSageMakerClient(context.Background(), SageMakerSettings{Region: "us-east-1", EndpointURL: smtest.Start(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = ListModels(context.Background(), api, "", func(m Model) error {
		got = append(got, m.Name)
		return nil
	}, nil)
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("got error %v, want one wrapping ErrAccessDenied", err)
	}
	if d := cmp.Diff([]string{"churn-sklearn"}, got); d != "" {
		t.Errorf("models before the error (-want +got):\n%s", d)
	}

	stop := errors.New("stop")
	err = ListModels(context.Background(), api, "", func(Model) error { return stop }, nil)
	if !errors.Is(err, stop) {
		t.Errorf("got error %v, want the callback's", err)
	}
}

func TestDescribeModel(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{}
	api, err := NewSageMakerClient(context.Background(), SageMakerSettings{Region: "us-east-1", EndpointURL: smtest.Start(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := DescribeModel(context.Background(), api, "fraud-sklearn")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseModel(bytes.NewReader(smtest.Response(t, "fraud-sklearn")))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("DescribeModel reads differently from the describe-model file (-file +api):\n%s", d)
	}
	if want.Region != "us-east-1" || want.Containers[0].ModelData.S3DataType != S3DataTypePrefix {
		t.Errorf("unexpected model %+v", want)
	}
}

func TestListModelsGoesOn(t *testing.T) {
	smtest.FakeAWS(t)
	f := &smtest.Fake{Listed: []string{"churn-sklearn", "fraud-sklearn", "llama-package"}, Denied: map[string]bool{"fraud-sklearn": true}}
	api, err := NewSageMakerClient(context.Background(), SageMakerSettings{Region: "us-east-1", EndpointURL: smtest.Start(t, f)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = ListModels(context.Background(), api, "", func(m Model) error {
		got = append(got, m.Name)
		return nil
	}, func(s types.ModelSummary, err error) error {
		if !errors.Is(err, ErrAccessDenied) {
			t.Errorf("%s: got %v, want an error wrapping ErrAccessDenied", aws.ToString(s.ModelName), err)
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

func TestNewSageMakerClientNoRegion(t *testing.T) {
	smtest.FakeAWS(t)
	_, err := NewSageMakerClient(context.Background(), SageMakerSettings{EndpointURL: "http://127.0.0.1:1"})
	if !errors.Is(err, ErrNoRegion) {
		t.Errorf("got %v, want ErrNoRegion", err)
	}
}
