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
	// GPUs is the number of NVIDIA GPUs of the instance type; 0 for a CPU
	// instance, and for a GPU size the table does not list (see GPUsKnown).
	GPUs int
	// GPUsKnown says whether GPUs comes from the table: true for every
	// instance without NVIDIA GPUs (0) and for the listed GPU sizes.
	GPUsKnown bool
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
	it := InstanceType{Name: s, Family: fam, Size: size, Accelerator: f.accel, Graviton: f.graviton}
	if spec, ok := instanceSizes[fam+"."+size]; ok {
		it.GPUs, it.GPUsKnown = spec.gpus, true
	} else if f.accel != AcceleratorNVIDIA {
		it.GPUsKnown = true
	}
	return it, nil
}

// instanceSize is what the table knows about one instance type.
type instanceSize struct {
	// gpus is the number of NVIDIA GPUs.
	gpus int
}

// instanceSizes are the SageMaker hosting instance types, by "family.size",
// from the SageMaker pricing page's instance details (accelerated computing).
// It is the one table of per-type facts: more columns go into instanceSize.
var instanceSizes = map[string]instanceSize{
	"p2.xlarge": {gpus: 1}, "p2.8xlarge": {gpus: 8}, "p2.16xlarge": {gpus: 16},
	"p3.2xlarge": {gpus: 1}, "p3.8xlarge": {gpus: 4}, "p3.16xlarge": {gpus: 8},
	"p3dn.24xlarge": {gpus: 8},
	"p4d.24xlarge":  {gpus: 8}, "p4de.24xlarge": {gpus: 8},
	"p5.48xlarge": {gpus: 8}, "p5e.48xlarge": {gpus: 8}, "p5en.48xlarge": {gpus: 8},
	"p6-b200.48xlarge": {gpus: 8},
	"g4dn.xlarge":      {gpus: 1}, "g4dn.2xlarge": {gpus: 1}, "g4dn.4xlarge": {gpus: 1}, "g4dn.8xlarge": {gpus: 1},
	"g4dn.16xlarge": {gpus: 1}, "g4dn.12xlarge": {gpus: 4},
	"g5.xlarge": {gpus: 1}, "g5.2xlarge": {gpus: 1}, "g5.4xlarge": {gpus: 1}, "g5.8xlarge": {gpus: 1},
	"g5.16xlarge": {gpus: 1}, "g5.12xlarge": {gpus: 4}, "g5.24xlarge": {gpus: 4}, "g5.48xlarge": {gpus: 8},
	"g6.xlarge": {gpus: 1}, "g6.2xlarge": {gpus: 1}, "g6.4xlarge": {gpus: 1}, "g6.8xlarge": {gpus: 1},
	"g6.16xlarge": {gpus: 1}, "g6.12xlarge": {gpus: 4}, "g6.24xlarge": {gpus: 4}, "g6.48xlarge": {gpus: 8},
	"g6e.xlarge": {gpus: 1}, "g6e.2xlarge": {gpus: 1}, "g6e.4xlarge": {gpus: 1}, "g6e.8xlarge": {gpus: 1},
	"g6e.16xlarge": {gpus: 1}, "g6e.12xlarge": {gpus: 4}, "g6e.24xlarge": {gpus: 4}, "g6e.48xlarge": {gpus: 8},
	"gr6.4xlarge": {gpus: 1}, "gr6.8xlarge": {gpus: 1},
	"g5g.xlarge": {gpus: 1}, "g5g.2xlarge": {gpus: 1}, "g5g.4xlarge": {gpus: 1}, "g5g.8xlarge": {gpus: 1},
	"g5g.16xlarge": {gpus: 2},
}
