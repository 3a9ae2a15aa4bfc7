package deploy

// The rules for image URIs are:
//   - An ECR URI is <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>
//     followed by :<tag>, @sha256:<digest>, both, or neither (SageMaker then
//     pulls "latest").
//   - Any other well-formed registry reference (a private registry reached
//     from a VPC, say) is a valid image, just not an ECR one.
//   - A host that claims to be ECR but is malformed, an s3:// URI, blanks,
//     upper-case repository names and malformed tags or digests are invalid.
//   - Tags of the SageMaker framework images are dash-separated tokens; the
//     first is the framework version, and the others name the processor, the
//     Python version, the CUDA version and bundled components.

//go:generate go run ./internal/genimages -in data/images.json -out images_gen.go

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrInvalidImage is wrapped by the errors of [ParseImage] for a string that
// is not an image URI.
var ErrInvalidImage = errors.New("invalid image URI")

// Processor is the hardware a framework image is built for.
type Processor string

// The processors an image can be built for.
const (
	// ProcessorAny means the tag does not say and the repository's images run
	// on more than one kind of hardware.
	ProcessorAny Processor = ""
	// ProcessorCPU is a CPU-only image.
	ProcessorCPU Processor = "cpu"
	// ProcessorGPU is an image for NVIDIA GPUs (CUDA).
	ProcessorGPU Processor = "gpu"
	// ProcessorNeuron is an AWS Neuron image for Inferentia (inf1); tags say
	// "neuron".
	ProcessorNeuron Processor = "neuron"
	// ProcessorNeuronX is an AWS Neuron image for Inferentia2 and Trainium
	// (inf2, trn1, trn2); tags say "neuronx".
	ProcessorNeuronX Processor = "neuronx"
)

// Repository is one SageMaker framework image repository, as the table
// generated from the SageMaker Python SDK's facts describes it.
type Repository struct {
	// Name is the ECR repository name, e.g. "pytorch-inference".
	Name string
	// Family is the kind of serving stack: "xgboost", "sklearn", "pytorch",
	// "tensorflow", "huggingface", "tgi", "djl" (LMI), "tei", "triton",
	// "mxnet", or "builtin" for a SageMaker built-in algorithm.
	Family string
	// Serves lists the artifact frameworks the image can serve ("xgboost",
	// "sklearn", "pytorch", "tensorflow", "huggingface", and the serving
	// stacks "lmi", "tgi", "tei", "triton", "mxnet"; "builtin" for a built-in
	// algorithm, which serves only its own training output).
	Serves []string
	// Registry names the set of publishing accounts: "dlc" (Deep Learning
	// Containers), "first-party" (SageMaker's own XGBoost and scikit-learn,
	// and TEI), "algorithms" (the built-in algorithms) or "legacy-framework".
	Registry string
	// Arch is "arm64" for Graviton images, "" for x86-64.
	Arch string
	// Processors are the processors the repository has images for.
	Processors []Processor
	// PyVersions are Python versions seen in the repository's tags ("py310").
	PyVersions []string
	// Versions are framework versions seen in the SDK's configuration; a
	// version not listed is not an error.
	Versions []string
	// Accounts maps a region to the account that publishes the repository
	// there. It must not be modified.
	Accounts map[string]string
}

// LookupRepository returns the SageMaker framework image repository named
// name, and whether it is one.
func LookupRepository(name string) (Repository, bool) {
	r, ok := repositories[name]
	return r, ok
}

// Repositories returns the names of all known SageMaker framework image
// repositories, sorted.
func Repositories() []string {
	names := make([]string, 0, len(repositories))
	for n := range repositories {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Image is what an image URI says. The zero value is not a valid image.
type Image struct {
	// URI is the image URI as given.
	URI string
	// Registry is the host part ("763104351884.dkr.ecr.us-east-1.amazonaws.com"),
	// "" for a bare Docker Hub style name.
	Registry string
	// ECR says whether Registry is an Amazon ECR registry.
	ECR bool
	// Account is the ECR registry's 12-digit account id ("" if not ECR).
	Account string
	// Region is the ECR registry's region ("" if not ECR).
	Region string
	// Repository is the repository path, e.g. "pytorch-inference".
	Repository string
	// Tag is the tag without the colon, "" if none.
	Tag string
	// Digest is "sha256:<hex>" without the at sign, "" if none.
	Digest string

	// Known says whether Repository is a SageMaker framework image (in ECR);
	// the fields below are set only when it is. Checks about frameworks are
	// skipped for unknown images.
	Known bool
	// Family is the repository's serving stack (see [Repository.Family]).
	Family string
	// Version is the framework version from the tag: "2.0.1" for PyTorch,
	// "1.7-1" for XGBoost, the DJL version for djl-inference; "" when the tag
	// does not say (a digest, "latest").
	Version string
	// PyVersion is the Python version from the tag ("py310"), "" if none.
	PyVersion string
	// Processor is the processor from the tag, or the repository's only
	// processor; ProcessorAny when neither says.
	Processor Processor
	// CUDA is the CUDA version from the tag ("cu118"), "" if none.
	CUDA string
	// Components holds the versions of bundled components named in the tag:
	// "transformers", "tgi", "lmi", "deepspeed", "tensorrtllm",
	// "fastertransformer", "optimum", "neuron-sdk".
	Components map[string]string
}

var (
	// ecrHostRE matches an ECR registry host and captures the account, the
	// region and the China suffix:
	//   "763104351884.dkr.ecr.us-east-1.amazonaws.com"        -> 763104351884, us-east-1, ""
	//   "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn"    -> 727897471807, cn-north-1, ".cn"
	//   "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com" -> 123456789012, us-gov-west-1, ""
	ecrHostRE = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.amazonaws\.com(\.cn)?$`)
	// hostRE matches a registry host with an optional port:
	//   "registry.example.com:5000", "localhost", "10.0.0.1:443".
	hostRE = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$`)
	// pathComponentRE matches one repository path component:
	//   "pytorch-inference", "my_team", "a.b__c"; not "Foo" or "-x".
	pathComponentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	// tagRE matches a tag: "2.0.1-gpu-py310", "latest"; not ".x" or "-x".
	tagRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// digestRE matches a sha256 digest: "sha256:" and 64 lower-case hex digits.
	digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	// versionRE matches a dotted version: "2.0.1", "2.13", "0.90".
	versionRE = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*$`)
	// buildRE matches the build number after a version: "1" in "1.7-1".
	buildRE = regexp.MustCompile(`^[0-9]+$`)
	// componentRE matches a component token and captures name and version:
	//   "transformers4.26.0" -> transformers, 4.26.0
	//   "tgi1.3.1" -> tgi, 1.3.1; "sdk2.15.0" -> sdk, 2.15.0; "lmi10.0.0" -> lmi, 10.0.0
	componentRE = regexp.MustCompile(`^([a-z]+)([0-9]+(?:\.[0-9]+)+)$`)
	// pyRE matches a Python version token: "py3", "py310".
	pyRE = regexp.MustCompile(`^py[0-9]+$`)
	// cudaRE matches a CUDA token: "cu118", "cu121".
	cudaRE = regexp.MustCompile(`^cu[0-9]+$`)
)

// ParseImage parses an image URI. It returns an error wrapping
// [ErrInvalidImage] when uri is not an image URI. A valid URI of a registry
// other than ECR, or of an ECR repository that is not a SageMaker framework
// image, gives an Image with Known false.
func ParseImage(uri string) (Image, error) {
	im := Image{URI: uri}
	invalid := func(format string, args ...any) (Image, error) {
		return Image{}, fmt.Errorf("%w %q: %s", ErrInvalidImage, uri, fmt.Sprintf(format, args...))
	}
	if uri == "" {
		return invalid("empty")
	}
	if strings.ContainsAny(uri, " \t\r\n") {
		return invalid("contains blanks")
	}
	if strings.Contains(uri, "://") {
		return invalid("an image URI has no scheme (write <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)")
	}

	rest := uri
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		im.Digest = rest[i+1:]
		rest = rest[:i]
		if !digestRE.MatchString(im.Digest) {
			return invalid("digest %q is not sha256: followed by 64 hex digits", im.Digest)
		}
	}
	// The registry is the first path element when it looks like a host: it
	// has a dot or a port, or is "localhost".
	if i := strings.Index(rest, "/"); i >= 0 {
		first := rest[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			im.Registry = first
			rest = rest[i+1:]
		}
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		im.Tag = rest[i+1:]
		rest = rest[:i]
		if !tagRE.MatchString(im.Tag) {
			return invalid("tag %q is not a valid tag", im.Tag)
		}
	}
	im.Repository = rest
	if im.Repository == "" {
		return invalid("no repository")
	}
	for _, c := range strings.Split(im.Repository, "/") {
		if !pathComponentRE.MatchString(c) {
			return invalid("repository %q is not a valid repository name (lower case letters, digits and separators)", im.Repository)
		}
	}

	if im.Registry != "" {
		if m := ecrHostRE.FindStringSubmatch(im.Registry); m != nil {
			im.ECR = true
			im.Account, im.Region = m[1], m[2]
			if (m[3] == ".cn") != strings.HasPrefix(im.Region, "cn-") {
				return invalid("region %q does not belong to domain %q", im.Region, "amazonaws.com"+m[3])
			}
		} else if strings.Contains(im.Registry, ".dkr.ecr") || strings.HasSuffix(im.Registry, ".amazonaws.com") {
			return invalid("registry %q is not <12-digit account>.dkr.ecr.<region>.amazonaws.com", im.Registry)
		} else if !hostRE.MatchString(im.Registry) {
			return invalid("registry %q is not a host name", im.Registry)
		}
	}

	if !im.ECR {
		return im, nil
	}
	repo, ok := repositories[im.Repository]
	if !ok {
		return im, nil
	}
	im.Known = true
	im.Family = repo.Family
	parseTag(&im, repo)
	return im, nil
}

// parseTag fills the tag-derived fields of im, an image of repo.
//
// Tags look like:
//
//	"2.0.1-gpu-py310-cu118-ubuntu20.04-sagemaker"          (pytorch-inference)
//	"2.13-cpu"                                              (tensorflow-inference)
//	"1.7-1", "1.2-1-cpu-py3"                                (xgboost, scikit-learn)
//	"1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04"  (huggingface)
//	"2.1.1-tgi1.3.1-gpu-py310-cu121-ubuntu20.04"            (TGI)
//	"0.28.0-lmi10.0.0-cu124", "0.29.0-neuronx-sdk2.19.1"    (djl-inference)
//	"1.13.1-neuronx-py310-sdk2.13.2-ubuntu20.04"            (neuronx)
func parseTag(im *Image, repo Repository) {
	if len(repo.Processors) == 1 {
		im.Processor = repo.Processors[0]
	}
	if im.Tag == "" {
		return
	}
	toks := strings.Split(im.Tag, "-")
	if versionRE.MatchString(toks[0]) {
		im.Version = toks[0]
		toks = toks[1:]
		// XGBoost and scikit-learn versions carry a build number: "1.7-1".
		if (repo.Family == "xgboost" || repo.Family == "sklearn") && len(toks) > 0 && buildRE.MatchString(toks[0]) {
			im.Version += "-" + toks[0]
			toks = toks[1:]
		}
	}
	for _, t := range toks {
		switch {
		case t == "cpu":
			im.Processor = ProcessorCPU
		case t == "gpu":
			im.Processor = ProcessorGPU
		case t == "neuron" || t == "inf":
			im.Processor = ProcessorNeuron
		case t == "neuronx" || t == "trn":
			im.Processor = ProcessorNeuronX
		case pyRE.MatchString(t):
			im.PyVersion = t
		case cudaRE.MatchString(t):
			im.CUDA = t
			if im.Processor == ProcessorAny || im.Processor == ProcessorCPU {
				im.Processor = ProcessorGPU
			}
		default:
			m := componentRE.FindStringSubmatch(t)
			if m == nil || strings.HasPrefix(t, "ubuntu") {
				continue
			}
			name := m[1]
			if name == "sdk" {
				name = "neuron-sdk"
			}
			if im.Components == nil {
				im.Components = map[string]string{}
			}
			im.Components[name] = m[2]
		}
	}
}

// Serves reports whether the image can serve an artifact of framework
// ("xgboost", "sklearn", "pytorch", "tensorflow", "huggingface"). It is true
// for unknown images, which may serve anything.
func (im Image) Serves(framework string) bool {
	if !im.Known {
		return true
	}
	return slices.Contains(repositories[im.Repository].Serves, framework)
}

// Frameworks returns the artifact frameworks a known image serves, nil for an
// unknown image.
func (im Image) Frameworks() []string {
	if !im.Known {
		return nil
	}
	return slices.Clone(repositories[im.Repository].Serves)
}

// Arch returns "arm64" for a Graviton image, "" otherwise.
func (im Image) Arch() string {
	return repositories[im.Repository].Arch
}

// PublishingAccount returns the account that publishes the image's
// repository in the image's region, and whether the table knows one. It is
// false for unknown images and for regions the table does not list.
func (im Image) PublishingAccount() (string, bool) {
	if !im.Known {
		return "", false
	}
	acct, ok := repositories[im.Repository].Accounts[im.Region]
	return acct, ok
}

// PackageVersion returns the version of the pip package pkg ("torch",
// "tensorflow", "xgboost", "scikit-learn", "transformers") installed in the
// image, as precise as the tag says ("2.0.1", or "1.7" for XGBoost image
// "1.7-1"), and whether the tag says. pkg is compared as pip compares names
// (case-insensitive, with "-", "_" and "." equal).
func (im Image) PackageVersion(pkg string) (string, bool) {
	if !im.Known || im.Version == "" {
		return "", false
	}
	family := im.Family
	switch NormalizePackage(pkg) {
	case "torch":
		if family == "pytorch" || family == "tgi" || (family == "huggingface" && strings.Contains(im.Repository, "pytorch")) {
			return im.Version, true
		}
	case "tensorflow":
		if family == "tensorflow" || (family == "huggingface" && strings.Contains(im.Repository, "tensorflow")) {
			return im.Version, true
		}
	case "xgboost":
		if family == "xgboost" {
			return buildBase(im.Version), true
		}
	case "scikit-learn":
		if family == "sklearn" {
			return buildBase(im.Version), true
		}
	case "transformers":
		v, ok := im.Components["transformers"]
		return v, ok
	}
	return "", false
}

// buildBase strips a container build number: "1.7-1" -> "1.7"; "0.20.0"
// stays.
func buildBase(v string) string {
	if i := strings.Index(v, "-"); i >= 0 {
		return v[:i]
	}
	return v
}

// NormalizePackage returns a pip package name in canonical form: lower case,
// runs of "-", "_" and "." replaced by one "-" ("Scikit_Learn" ->
// "scikit-learn").
func NormalizePackage(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(strings.TrimSpace(name)) {
		if c == '-' || c == '_' || c == '.' {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(c)
	}
	return b.String()
}
