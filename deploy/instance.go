package deploy

// The rules for instance types are:
//   - A SageMaker hosting instance type is "ml.<family>.<size>", all lower
//     case, e.g. "ml.g5.2xlarge" or "ml.p6-b200.48xlarge".
//   - The family must be one SageMaker offers; the size must look like an
//     EC2 size (the table does not list which sizes each family has).
//   - The family decides the accelerator: NVIDIA GPUs (p and g families
//     except the AMD g4ad), Inferentia (inf1), Inferentia2 (inf2) or Trainium
//     (trn1, trn1n, trn2); Graviton families run arm64 images.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalidInstanceType is wrapped by the errors of [ParseInstanceType].
var ErrInvalidInstanceType = errors.New("invalid instance type")

// Accelerator is the kind of accelerator an instance family has.
type Accelerator string

// The accelerators an instance can have.
const (
	// AcceleratorNone is a CPU-only instance.
	AcceleratorNone Accelerator = ""
	// AcceleratorNVIDIA is an instance with NVIDIA GPUs.
	AcceleratorNVIDIA Accelerator = "nvidia-gpu"
	// AcceleratorAMD is an instance with AMD GPUs (g4ad), which CUDA images
	// cannot use.
	AcceleratorAMD Accelerator = "amd-gpu"
	// AcceleratorInferentia is an AWS Inferentia (first generation) instance.
	AcceleratorInferentia Accelerator = "inferentia"
	// AcceleratorInferentia2 is an AWS Inferentia2 instance.
	AcceleratorInferentia2 Accelerator = "inferentia2"
	// AcceleratorTrainium is an AWS Trainium instance.
	AcceleratorTrainium Accelerator = "trainium"
)

// Processor returns the image processor that uses the accelerator:
// ProcessorGPU for NVIDIA, ProcessorNeuron for Inferentia, ProcessorNeuronX
// for Inferentia2 and Trainium, and ProcessorCPU for none (or AMD).
func (a Accelerator) Processor() Processor {
	switch a {
	case AcceleratorNVIDIA:
		return ProcessorGPU
	case AcceleratorInferentia:
		return ProcessorNeuron
	case AcceleratorInferentia2, AcceleratorTrainium:
		return ProcessorNeuronX
	}
	return ProcessorCPU
}

// family is what the table knows about an instance family.
type family struct {
	accel    Accelerator
	graviton bool
}

// families are the SageMaker hosting instance families.
var families = map[string]family{
	// Burstable and general purpose.
	"t2": {}, "t3": {}, "m4": {}, "m5": {}, "m5d": {}, "m6i": {}, "m6id": {}, "m7i": {},
	"m6g": {graviton: true}, "m6gd": {graviton: true}, "m7g": {graviton: true}, "m8g": {graviton: true},
	// Compute optimised.
	"c4": {}, "c5": {}, "c5d": {}, "c5n": {}, "c6i": {}, "c6id": {}, "c6in": {}, "c7i": {},
	"c6g": {graviton: true}, "c6gd": {graviton: true}, "c6gn": {graviton: true}, "c7g": {graviton: true}, "c8g": {graviton: true},
	// Memory optimised.
	"r5": {}, "r5d": {}, "r6i": {}, "r6id": {}, "r7i": {}, "x1": {}, "x2iedn": {}, "z1d": {},
	"r6g": {graviton: true}, "r6gd": {graviton: true}, "r7g": {graviton: true}, "r8g": {graviton: true},
	// NVIDIA GPUs.
	"p2": {accel: AcceleratorNVIDIA}, "p3": {accel: AcceleratorNVIDIA}, "p3dn": {accel: AcceleratorNVIDIA},
	"p4d": {accel: AcceleratorNVIDIA}, "p4de": {accel: AcceleratorNVIDIA},
	"p5": {accel: AcceleratorNVIDIA}, "p5e": {accel: AcceleratorNVIDIA}, "p5en": {accel: AcceleratorNVIDIA},
	"p6-b200": {accel: AcceleratorNVIDIA},
	"g4dn":    {accel: AcceleratorNVIDIA}, "g5": {accel: AcceleratorNVIDIA}, "g6": {accel: AcceleratorNVIDIA},
	"g6e": {accel: AcceleratorNVIDIA}, "gr6": {accel: AcceleratorNVIDIA},
	"g5g": {accel: AcceleratorNVIDIA, graviton: true},
	// AMD GPUs.
	"g4ad": {accel: AcceleratorAMD},
	// AWS Neuron.
	"inf1": {accel: AcceleratorInferentia},
	"inf2": {accel: AcceleratorInferentia2},
	"trn1": {accel: AcceleratorTrainium}, "trn1n": {accel: AcceleratorTrainium}, "trn2": {accel: AcceleratorTrainium},
}

// sizeRE matches an instance size: "medium", "large", "xlarge", "2xlarge",
// "48xlarge", "metal", "metal-24xl".
var sizeRE = regexp.MustCompile(`^(?:nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(?:-[0-9]+xl)?)$`)

// InstanceType is a parsed SageMaker instance type.
type InstanceType struct {
	// Name is the instance type as given, e.g. "ml.g5.2xlarge".
	Name string
	// Family is the family, e.g. "g5".
	Family string
	// Size is the size, e.g. "2xlarge".
	Size string
	// Accelerator is the family's accelerator, AcceleratorNone for CPU only.
	Accelerator Accelerator
	// Graviton says whether the instance has an arm64 Graviton CPU.
	Graviton bool
}

// ParseInstanceType parses a SageMaker instance type such as "ml.m5.large".
// It returns an error wrapping [ErrInvalidInstanceType] when s is not
// "ml.<family>.<size>" of a known family; the message suggests the fix when
// one is obvious (a missing "ml." prefix, upper case).
func ParseInstanceType(s string) (InstanceType, error) {
	invalid := func(format string, args ...any) (InstanceType, error) {
		return InstanceType{}, fmt.Errorf("%w %q: %s", ErrInvalidInstanceType, s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return invalid("empty")
	}
	if lower := strings.ToLower(strings.TrimSpace(s)); lower != s {
		if _, err := ParseInstanceType(lower); err == nil {
			return invalid("write it in lower case without blanks: %q", lower)
		}
	}
	rest, ok := strings.CutPrefix(s, "ml.")
	if !ok {
		if _, err := ParseInstanceType("ml." + s); err == nil {
			return invalid("SageMaker instance types start with \"ml.\": %q", "ml."+s)
		}
		return invalid("SageMaker instance types look like \"ml.m5.large\"")
	}
	fam, size, ok := strings.Cut(rest, ".")
	if !ok || fam == "" || size == "" {
		return invalid("SageMaker instance types look like \"ml.m5.large\"")
	}
	f, ok := families[fam]
	if !ok {
		return invalid("unknown instance family %q", fam)
	}
	if !sizeRE.MatchString(size) {
		return invalid("unknown instance size %q", size)
	}
	return InstanceType{Name: s, Family: fam, Size: size, Accelerator: f.accel, Graviton: f.graviton}, nil
}
