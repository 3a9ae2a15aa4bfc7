package deploy

// The rules for turning a model definition into the artifacts to check are:
//   - each container is checked with its own artifact: the one its
//     ModelDataUrl or ModelDataSource.S3DataSource.S3Uri points at (an
//     S3Prefix is read as the s3://bucket/prefix/ folder);
//   - Overrides.Artifacts, when given, replace those: exactly one per
//     container, in the order of Containers;
//   - Overrides.Env is set over each container's Environment, and
//     Overrides.Image, when set, replaces the image (a one-container model);
//   - a container with nothing to inspect (a model package, a multi-model
//     prefix, model data only in the image) is skipped (Target.Skip); model
//     data that is not an s3:// URI cannot be fetched (Target.Err);
//   - local paths named inside a model definition are never opened.

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrNotS3 is wrapped when a container's model data is not an s3:// URI.
var ErrNotS3 = errors.New("not an s3:// URI")

// hinted is an error with advice for the user (a Hint method is what the
// CLI looks for), and optionally a sentinel it matches without naming it in
// its message.
type hinted struct {
	err  error
	kind error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }

// Unwrap returns the wrapped error and the sentinel, if any.
func (h *hinted) Unwrap() []error {
	if h.kind == nil {
		return []error{h.err}
	}
	return []error{h.kind, h.err}
}

// Hint returns the advice.
func (h *hinted) Hint() string { return h.hint }

// Overrides are the settings given beside a model definition, applied over
// each of its containers.
type Overrides struct {
	// Env is set over each container's Environment.
	Env map[string]string
	// Image replaces each container's image when not "".
	Image string
	// InstanceType is the endpoint's instance type ("" if not known); a
	// model does not name one.
	InstanceType string
	// Artifacts is nil, or one artifact per container, in order, to
	// inspect instead of the model data; the caller checks the count.
	Artifacts []string
}

// Target is one container of a model and the artifact to check for it.
type Target struct {
	// Ref is the artifact to inspect, as the artifact package parses it;
	// "" when Skip or Err is set.
	Ref string
	// Container is the container as the definition gives it.
	Container Container
	// Env is the environment the container sees: its Environment with
	// Overrides.Env set over it. Never nil.
	Env map[string]string
	// Image is the container's image, or Overrides.Image.
	Image string
	// Region is the region of the model's ARN, "" if it has none.
	Region string
	// View is what reports show about the container.
	View *ContainerView
	// Skip says why the container has no artifact to inspect ("" when it
	// has one).
	Skip string
	// Err is set when the container's artifact cannot be fetched.
	Err error
}

// Name is how messages name the target's container, e.g.
// `PrimaryContainer of model "churn"`.
func (t Target) Name() string {
	if t.View == nil {
		return t.Ref
	}
	return t.View.Label()
}

// Targets returns one target per container of m, with o applied.
func Targets(m Model, o Overrides) []Target {
	ts := make([]Target, 0, len(m.Containers))
	for i, c := range m.Containers {
		env := maps.Clone(c.Environment)
		if env == nil {
			env = map[string]string{}
		}
		maps.Copy(env, o.Env)
		image := o.Image
		if image == "" {
			image = c.Image
		}
		t := Target{Container: c, Env: env, Image: image, Region: m.Region,
			View: NewContainerView(m.Name, c.Field, image, o.InstanceType, env)}
		if c.ModelData != nil {
			t.View.ModelData = c.ModelData.URI
		}
		if o.Artifacts != nil {
			t.Ref = o.Artifacts[i]
		} else {
			t.Ref, t.Skip, t.Err = ModelDataRef(c)
			if t.Err != nil {
				t.Err = fmt.Errorf("failed to inspect %s: %w", t.Name(), t.Err)
			}
		}
		ts = append(ts, t)
	}
	return ts
}

// ModelDataRef returns the artifact a container's model data names, or why
// there is none to inspect (skip), or why it cannot be fetched (err, which
// wraps ErrNotS3 and carries a hint).
//
//	ModelDataUrl s3://b/m.tar.gz                  -> s3://b/m.tar.gz
//	S3DataSource s3://b/llama/ (S3Prefix, None)   -> s3://b/llama/
//	S3DataSource s3://b/llama  (S3Prefix, None)   -> s3://b/llama/
//	ModelDataUrl s3://b/models/ (MultiModel)      -> skip
//	ModelDataUrl /home/me/m.tar.gz                -> err
func ModelDataRef(c Container) (ref, skip string, err error) {
	md := c.ModelData
	switch {
	case md == nil && c.ModelPackageName != "":
		return "", fmt.Sprintf("it runs model package %q, whose artifacts mati does not read; give the artifact as ARTIFACT", c.ModelPackageName), nil
	case md == nil:
		return "", "it names no model data (the model comes with the image or is downloaded at start)", nil
	case md.MultiModel:
		return "", fmt.Sprintf("it is a multi-model container: the archives under %q are loaded on demand; give one as ARTIFACT", md.URI), nil
	case !strings.HasPrefix(md.URI, "s3://"):
		return "", "", &hinted{err: fmt.Errorf("%s %q: %w", md.Field, md.URI, ErrNotS3),
			hint: "SageMaker reads model data from S3 only; give a local copy as ARTIFACT to check it"}
	case md.Prefix() && !strings.HasSuffix(md.URI, "/"):
		return md.URI + "/", "", nil
	}
	return md.URI, "", nil
}

// ContainerView is the container an artifact was judged for, as reports
// show it. Values of environment variables that look secret are masked.
type ContainerView struct {
	// Model is the model's name, "" if the definition names none.
	Model string `json:"model"`
	// Field is the container's place in the definition: "PrimaryContainer"
	// or "Containers[1]" (0-based); "" for settings given without a model
	// definition.
	Field string `json:"field"`
	// Image is the image URI, "" if unknown.
	Image string `json:"image"`
	// Framework is the serving stack of a SageMaker framework image
	// ("xgboost", "pytorch", "djl", ...); "" for other images.
	Framework string `json:"framework"`
	// Version is the framework version in the image tag, "" if none.
	Version string `json:"version"`
	// Variant is the processor the image is built for: "cpu", "gpu",
	// "neuron", "neuronx", or "any" when the tag does not say; "" for other
	// images.
	Variant string `json:"variant"`
	// InstanceType is the endpoint's instance type, "" if not known.
	InstanceType string `json:"instance_type"`
	// ModelData is the container's model data URI, "" if none.
	ModelData string `json:"model_data"`
	// Environment is the environment the container sees, secrets masked.
	Environment map[string]string `json:"environment"`
}

// NewContainerView describes the container at field of model, running
// image on instanceType with env (copied, secrets masked).
func NewContainerView(model, field, image, instanceType string, env map[string]string) *ContainerView {
	v := &ContainerView{
		Model:        model,
		Field:        field,
		Image:        image,
		InstanceType: instanceType,
		Environment:  MaskEnv(env),
	}
	if im, err := ParseImage(image); err == nil && im.Known {
		v.Framework, v.Version, v.Variant = im.Family, im.Version, string(im.Processor)
		if im.Processor == ProcessorAny {
			v.Variant = "any"
		}
	}
	return v
}

// Label is e.g. `PrimaryContainer of model "churn"`, or names the flags
// for settings given without a model definition.
func (v *ContainerView) Label() string {
	switch {
	case v.Field == "":
		return "--image, --env and --instance-type"
	case v.Model == "":
		return v.Field
	}
	return fmt.Sprintf("%s of model %q", v.Field, v.Model)
}

// secretWords are the parts of a variable name that make its value secret,
// matched case-insensitively anywhere in the name.
var secretWords = []string{"KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL", "AUTH", "PRIVATE"}

// MaskedValue replaces the value of a secret-looking variable.
const MaskedValue = "****"

// IsSecretName reports whether the value of the variable name looks secret.
//
//	HF_TOKEN, hf_api_key, DB_PASSWORD, OAUTH_CLIENT -> true
//	SAGEMAKER_PROGRAM, HF_MODEL_ID                  -> false
func IsSecretName(name string) bool {
	up := strings.ToUpper(name)
	return slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(up, w) })
}

// MaskEnv returns a copy of env whose secret-looking values are MaskedValue;
// never nil.
func MaskEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		if IsSecretName(k) {
			v = MaskedValue
		}
		out[k] = v
	}
	return out
}
