package main

// The rules for checking a model definition (--create-model FILE,
// --sagemaker-model NAME) are:
//   - each container of the model is checked with its own artifact: the one
//     its ModelDataUrl or ModelDataSource.S3DataSource.S3Uri points at (an
//     S3Prefix is read as the s3://bucket/prefix/ folder);
//   - ARTIFACT arguments, when given, replace those: exactly one per
//     container, matched in the order of Containers (one for a
//     PrimaryContainer), so that a local copy can be checked without S3;
//   - a container's Image, Environment and model data, and the region of
//     ModelArn, go into rules.Config; --env and --env-file values are set over
//     the container's Environment, --image replaces the image of a
//     one-container model, and --instance-type applies to every container
//     (a model does not name its instance type);
//   - a container with nothing to inspect (a model package, a multi-model
//     prefix, model data only in the image) is skipped with a warning;
//     model data that is not an s3:// URI cannot be fetched, and the
//     container is reported as not inspected;
//   - local paths named inside a model definition are never opened.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// catSageMaker is the flag category of the SageMaker API settings.
const catSageMaker = "SageMaker:"

// modelFlags are the flags of "mati check" that read the deployment from a
// SageMaker model definition.
func modelFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "create-model", Usage: "check the containers of the model in `FILE` (- for standard input): a CreateModel request, as aws sagemaker create-model --cli-input-json takes it, or a describe-model response", Category: catDeployment},
		&cli.StringFlag{Name: "sagemaker-model", Usage: "check the containers of the deployed SageMaker model `NAME`, read with DescribeModel", Category: catSageMaker},
	}, sagemakerFlags()...)
}

// sagemakerFlags are the settings of the SageMaker API beyond the S3 flags
// (--profile and --region are shared).
func sagemakerFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "sagemaker-endpoint-url", EnvVars: []string{"AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL"}, Usage: "a custom SageMaker API endpoint `URL`", Category: catSageMaker},
	}
}

// sagemakerScanFlags are the flags "mati scan" needs to audit the models of
// an account and region.
func sagemakerScanFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "sagemaker-models", Usage: "check every SageMaker model of the account and region (ListModels, then DescribeModel for each)", Category: catSageMaker},
		&cli.StringFlag{Name: "name-contains", Usage: "with --sagemaker-models, only the models whose name contains `TEXT`", Category: catSageMaker},
	}, sagemakerFlags()...)
}

// sagemakerFromFlags reads the SageMaker API settings.
func sagemakerFromFlags(c *cli.Context) sagemakerSettings {
	return sagemakerSettings{
		Profile:     c.String("profile"),
		Region:      c.String("region"),
		EndpointURL: c.String("sagemaker-endpoint-url"),
	}
}

// modelFlagSet reports whether --create-model or --sagemaker-model is given.
func modelFlagSet(c *cli.Context) bool {
	return c.String("create-model") != "" || c.String("sagemaker-model") != ""
}

// target is one artifact to inspect and the container it is checked for.
type target struct {
	// ref is the artifact as artifact.Parse reads it; "" when skip or err is
	// set.
	ref string
	// cfg is the configuration the artifact is judged with.
	cfg rules.Config
	// container is what the report shows about the container; nil for an
	// artifact checked without a container.
	container *containerView
	// skip says why the container has no artifact to inspect ("" when it
	// has one); the container is left out of the report with a warning.
	skip string
	// err is set when the container's artifact cannot be fetched; the
	// container is reported as not inspected.
	err error
}

// name is how messages name the target's container, e.g.
// `PrimaryContainer of model "churn"`.
func (t target) name() string {
	if t.container == nil {
		return t.ref
	}
	return t.container.label()
}

// modelTargets returns one target per container of m. base holds the
// settings from the flags (limits, --framework, --env, --image,
// --instance-type, --region). overrides is nil, or holds one artifact per
// container, in order, to inspect instead of the model data; the caller
// checks the count.
func modelTargets(m deploy.Model, base rules.Config, overrides []string) []target {
	ts := make([]target, 0, len(m.Containers))
	for i, c := range m.Containers {
		cfg := base
		cfg.Env = maps.Clone(c.Environment)
		if cfg.Env == nil {
			cfg.Env = map[string]string{}
		}
		maps.Copy(cfg.Env, base.Env)
		if cfg.Image == "" {
			cfg.Image = c.Image
		}
		if m.Region != "" {
			cfg.Region = m.Region
		}
		cfg.ModelData = c.ModelData
		t := target{cfg: cfg, container: newContainerView(m.Name, c.Field, cfg)}
		if c.ModelData != nil {
			t.container.ModelData = c.ModelData.URI
		}
		switch {
		case overrides != nil:
			t.ref = overrides[i]
		default:
			t.ref, t.skip, t.err = modelDataRef(c)
			if t.err != nil {
				t.err = fmt.Errorf("failed to inspect %s: %w", t.name(), t.err)
			}
		}
		ts = append(ts, t)
	}
	return ts
}

// errNotS3 is wrapped when a container's model data is not an s3:// URI.
var errNotS3 = errors.New("not an s3:// URI")

// modelDataRef returns the artifact a container's model data names, or why
// there is none to inspect (skip), or why it cannot be fetched (err).
//
//	ModelDataUrl s3://b/m.tar.gz                  -> s3://b/m.tar.gz
//	S3DataSource s3://b/llama/ (S3Prefix, None)   -> s3://b/llama/
//	S3DataSource s3://b/llama  (S3Prefix, None)   -> s3://b/llama/
//	ModelDataUrl s3://b/models/ (MultiModel)      -> skip
//	ModelDataUrl /home/me/m.tar.gz                -> err
func modelDataRef(c deploy.Container) (ref, skip string, err error) {
	md := c.ModelData
	switch {
	case md == nil && c.ModelPackageName != "":
		return "", fmt.Sprintf("it runs model package %q, whose artifacts mati does not read; give the artifact as ARTIFACT", c.ModelPackageName), nil
	case md == nil:
		return "", "it names no model data (the model comes with the image or is downloaded at start)", nil
	case md.MultiModel:
		return "", fmt.Sprintf("it is a multi-model container: the archives under %q are loaded on demand; give one as ARTIFACT", md.URI), nil
	case !strings.HasPrefix(md.URI, "s3://"):
		return "", "", &cliError{kind: errNotInspected, err: fmt.Errorf("%s %q: %w", md.Field, md.URI, errNotS3),
			hint: "SageMaker reads model data from S3 only; give a local copy as ARTIFACT to check it"}
	case md.Prefix() && !strings.HasSuffix(md.URI, "/"):
		return md.URI + "/", "", nil
	}
	return md.URI, "", nil
}

// readModelFile reads a CreateModel request or a describe-model response
// from name ("-" is standard input).
func (e *env) readModelFile(name string) (deploy.Model, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return deploy.Model{}, usageError("give the JSON file of aws sagemaker create-model --cli-input-json or of describe-model", "failed to read --create-model %q: %v", name, err)
		}
		defer f.Close()
		r = f
	}
	m, err := deploy.ParseModel(r)
	if err != nil {
		return deploy.Model{}, usageError("give the JSON of a CreateModel request or a describe-model response, with PrimaryContainer or Containers", "failed to read --create-model %q: %v", name, err)
	}
	return m, nil
}

// modelCheckTargets returns the targets of --create-model or
// --sagemaker-model for "mati check", or ok false when neither is given.
// refs are the ARTIFACT arguments.
func (e *env) modelCheckTargets(c *cli.Context, cfg rules.Config, refs []string) (ts []target, ok bool, err error) {
	file, name := c.String("create-model"), c.String("sagemaker-model")
	var m deploy.Model
	switch {
	case file == "" && name == "":
		return nil, false, nil
	case file != "" && name != "":
		return nil, true, usageError("give one of them", "--create-model and --sagemaker-model are both given")
	case file == "-" && countStdin(refs) > 0:
		return nil, true, usageError("standard input can be read only once", "--create-model - and an ARTIFACT - are both given")
	case file != "":
		m, err = e.readModelFile(file)
	default:
		m, err = e.describeModel(c.Context, sagemakerFromFlags(c), name)
	}
	if err != nil {
		return nil, true, err
	}
	n := len(m.Containers)
	if len(refs) > 0 && len(refs) != n {
		return nil, true, usageError(fmt.Sprintf("give one ARTIFACT per container (%d), in the order of Containers, or none to read each container's model data", n),
			"%s given for a model of %s", plural(len(refs), "artifact is", "artifacts are"), plural(n, "container", "containers"))
	}
	if cfg.Image != "" && n > 1 {
		return nil, true, usageError("drop --image: each container names its own image", "--image is given for a model of %d containers", n)
	}
	var overrides []string
	if len(refs) > 0 {
		overrides = refs
	}
	return modelTargets(m, cfg, overrides), true, nil
}

// describeModel reads a model with DescribeModel.
func (e *env) describeModel(ctx context.Context, s sagemakerSettings, name string) (deploy.Model, error) {
	api, err := newSageMakerClient(ctx, s)
	if err != nil {
		return deploy.Model{}, err
	}
	return describeSageMakerModel(ctx, api, name)
}

// inspectTargets inspects every target in order and returns one report and
// the containers of its artifacts, index for index. Skipped containers are
// reported on stderr and left out.
func (e *env) inspectTargets(ctx context.Context, ts []target, s3 s3Settings) (rules.Report, []*containerView) {
	report := rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: []rules.Result{}}
	var views []*containerView
	for _, t := range ts {
		res, ok := e.inspectTarget(ctx, t, s3)
		if !ok {
			continue
		}
		report.Artifacts = append(report.Artifacts, res)
		views = append(views, t.container)
	}
	report.Summary = rules.Summarize(report.Artifacts)
	return report, views
}

// inspectTarget inspects one target. It returns ok false for a skipped
// container, after a warning on stderr. Errors are printed on stderr and
// kept in the result, as inspectAll does.
func (e *env) inspectTarget(ctx context.Context, t target, s3 s3Settings) (rules.Result, bool) {
	switch {
	case t.skip != "":
		printWarning(e.stderr, "skipped %s: %s", t.name(), t.skip)
		return rules.Result{}, false
	case t.err != nil:
		printError(e.stderr, t.err)
		name := t.name()
		if t.container != nil && t.container.ModelData != "" {
			name = t.container.ModelData
		}
		return emptyResult(name, t.err), true
	}
	res, err := e.inspectOne(ctx, t.ref, t.cfg, s3)
	if err != nil {
		printError(e.stderr, fmt.Errorf("failed to inspect %q for %s: %w", t.ref, t.name(), err))
		if res.Error == "" {
			res.Error = oneLine(err.Error())
		}
	}
	res.Findings = rules.SortFindings(res.Findings)
	return res, true
}

// containerView is the container an artifact was judged for, as the report
// shows it. Values of environment variables that look secret are masked.
type containerView struct {
	// Model is the model's name, "" if the definition names none.
	Model string `json:"model"`
	// Field is the container's place in the definition: "PrimaryContainer"
	// or "Containers[1]" (0-based); "" for the --image, --env and
	// --instance-type flags of a plain check.
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
	// InstanceType is --instance-type, "" if not given.
	InstanceType string `json:"instance_type"`
	// ModelData is the container's model data URI, "" if none.
	ModelData string `json:"model_data"`
	// Environment is the environment the container sees, secrets masked.
	Environment map[string]string `json:"environment"`
}

// newContainerView describes the container at field of model for cfg.
func newContainerView(model, field string, cfg rules.Config) *containerView {
	v := &containerView{
		Model:        model,
		Field:        field,
		Image:        cfg.Image,
		InstanceType: cfg.InstanceType,
		Environment:  maskEnv(cfg.Env),
	}
	if im, err := deploy.ParseImage(cfg.Image); err == nil && im.Known {
		v.Framework, v.Version, v.Variant = im.Family, im.Version, string(im.Processor)
		if im.Processor == deploy.ProcessorAny {
			v.Variant = "any"
		}
	}
	return v
}

// flagContainers returns, for n artifacts of a plain check, the container
// the deployment flags describe: nil when no flag says anything about it.
func flagContainers(cfg rules.Config, n int) []*containerView {
	if cfg.Image == "" && cfg.InstanceType == "" && len(cfg.Env) == 0 {
		return nil
	}
	v := newContainerView("", "", cfg)
	views := make([]*containerView, n)
	for i := range views {
		views[i] = v
	}
	return views
}

// label is e.g. `PrimaryContainer of model "churn"`, or names the flags for
// a plain check.
func (v *containerView) label() string {
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

// maskedValue replaces the value of a secret-looking variable.
const maskedValue = "****"

// isSecretName reports whether the value of the variable name looks secret.
//
//	HF_TOKEN, hf_api_key, DB_PASSWORD, OAUTH_CLIENT -> true
//	SAGEMAKER_PROGRAM, HF_MODEL_ID                  -> false
func isSecretName(name string) bool {
	up := strings.ToUpper(name)
	return slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(up, w) })
}

// maskEnv returns a copy of env whose secret-looking values are masked;
// never nil.
func maskEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		if isSecretName(k) {
			v = maskedValue
		}
		out[k] = v
	}
	return out
}
