package deploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInstanceType(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want InstanceType
	}{
		{name: "cpu", in: "ml.m5.large", want: InstanceType{Family: "m5", Size: "large", GPUsKnown: true}},
		{name: "burstable", in: "ml.t2.medium", want: InstanceType{Family: "t2", Size: "medium", GPUsKnown: true}},
		{name: "nvidia", in: "ml.g5.2xlarge", want: InstanceType{Family: "g5", Size: "2xlarge", Accelerator: AcceleratorNVIDIA, GPUs: 1, GPUsKnown: true}},
		{name: "nvidia p4d", in: "ml.p4d.24xlarge", want: InstanceType{Family: "p4d", Size: "24xlarge", Accelerator: AcceleratorNVIDIA, GPUs: 8, GPUsKnown: true}},
		{name: "family with a dash", in: "ml.p6-b200.48xlarge", want: InstanceType{Family: "p6-b200", Size: "48xlarge", Accelerator: AcceleratorNVIDIA, GPUs: 8, GPUsKnown: true}},
		{name: "amd gpu", in: "ml.g4ad.xlarge", want: InstanceType{Family: "g4ad", Size: "xlarge", Accelerator: AcceleratorAMD, GPUsKnown: true}},
		{name: "inferentia", in: "ml.inf1.xlarge", want: InstanceType{Family: "inf1", Size: "xlarge", Accelerator: AcceleratorInferentia, GPUsKnown: true}},
		{name: "inferentia2", in: "ml.inf2.48xlarge", want: InstanceType{Family: "inf2", Size: "48xlarge", Accelerator: AcceleratorInferentia2, GPUsKnown: true}},
		{name: "trainium", in: "ml.trn1.32xlarge", want: InstanceType{Family: "trn1", Size: "32xlarge", Accelerator: AcceleratorTrainium, GPUsKnown: true}},
		{name: "graviton", in: "ml.c7g.xlarge", want: InstanceType{Family: "c7g", Size: "xlarge", Graviton: true, GPUsKnown: true}},
		{name: "graviton nvidia", in: "ml.g5g.xlarge", want: InstanceType{Family: "g5g", Size: "xlarge", Accelerator: AcceleratorNVIDIA, Graviton: true, GPUs: 1, GPUsKnown: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInstanceType(tt.in)
			if err != nil {
				t.Fatalf("ParseInstanceType(%q) error = %v", tt.in, err)
			}
			tt.want.Name = tt.in
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseInstanceType(%q) mismatch (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestParseInstanceTypeInvalid(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "empty", in: "", wantErr: "empty"},
		{name: "missing ml prefix", in: "m5.large", wantErr: `start with "ml.": "ml.m5.large"`},
		{name: "ec2 style garbage", in: "large", wantErr: `look like "ml.m5.large"`},
		{name: "upper case", in: "ML.M5.LARGE", wantErr: `lower case without blanks: "ml.m5.large"`},
		{name: "trailing blank", in: "ml.m5.large ", wantErr: "lower case without blanks"},
		{name: "unknown family", in: "ml.m99.large", wantErr: `unknown instance family "m99"`},
		{name: "misspelt size", in: "ml.m5.xlarg", wantErr: `unknown instance size "xlarg"`},
		{name: "no size", in: "ml.m5", wantErr: `look like "ml.m5.large"`},
		{name: "elastic inference accelerator", in: "ml.eia2.medium", wantErr: `unknown instance family "eia2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseInstanceType(tt.in)
			if !errors.Is(err, ErrInvalidInstanceType) {
				t.Fatalf("ParseInstanceType(%q) error = %v, want ErrInvalidInstanceType", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseInstanceType(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestAcceleratorProcessor(t *testing.T) {
	for a, want := range map[Accelerator]Processor{
		AcceleratorNone: ProcessorCPU, AcceleratorNVIDIA: ProcessorGPU, AcceleratorAMD: ProcessorCPU,
		AcceleratorInferentia: ProcessorNeuron, AcceleratorInferentia2: ProcessorNeuronX, AcceleratorTrainium: ProcessorNeuronX,
	} {
		if got := a.Processor(); got != want {
			t.Errorf("%q.Processor() = %q, want %q", a, got, want)
		}
	}
}
