package main

// The rules for checking a model definition (--create-model FILE,
// --sagemaker-model NAME) are deploy.Targets', with the flags as the
// overrides: --env and --env-file values are set over each container's
// Environment, --image replaces the image of a one-container model,
// --instance-type applies to every container, and ARTIFACT arguments, when
// given, replace the model data (exactly one per container). The region of
// ModelArn, else --region, goes into rules.Config.

import (
	"context"
	"fmt"
	"io"
	"os"

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
func sagemakerFromFlags(c *cli.Context) deploy.SageMakerSettings {
	return deploy.SageMakerSettings{
		Profile:     c.String("profile"),
		Region:      c.String("region"),
		EndpointURL: c.String("sagemaker-endpoint-url"),
	}
}

// modelFlagSet reports whether --create-model or --sagemaker-model is given.
func modelFlagSet(c *cli.Context) bool {
	return c.String("create-model") != "" || c.String("sagemaker-model") != ""
}

// target is one artifact to inspect and the configuration it is judged
// with: a container of a model definition, or (Target.View nil) an
// artifact checked without one.
type target struct {
	deploy.Target
	// cfg is the configuration the artifact is judged with.
	cfg rules.Config
}

// modelTargets returns one target per container of m. base holds the
// settings from the flags (limits, --framework, --env, --image,
// --instance-type, --region). overrides is nil, or holds one artifact per
// container, in order, to inspect instead of the model data; the caller
// checks the count.
func modelTargets(m deploy.Model, base rules.Config, overrides []string) []target {
	dts := deploy.Targets(m, deploy.Overrides{Env: base.Env, Image: base.Image, InstanceType: base.InstanceType, Artifacts: overrides})
	ts := make([]target, len(dts))
	for i, dt := range dts {
		cfg := base
		cfg.Env, cfg.Image, cfg.ModelData = dt.Env, dt.Image, dt.Container.ModelData
		if dt.Region != "" {
			cfg.Region = dt.Region
		}
		ts[i] = target{Target: dt, cfg: cfg}
	}
	return ts
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
func (e *env) describeModel(ctx context.Context, s deploy.SageMakerSettings, name string) (deploy.Model, error) {
	api, err := newSageMakerClient(ctx, s)
	if err != nil {
		return deploy.Model{}, err
	}
	return deploy.DescribeModel(ctx, api, name)
}

// inspectTargets inspects every target in order and returns one report,
// each artifact with its container. Skipped containers are reported on
// stderr and left out.
func (e *env) inspectTargets(ctx context.Context, ts []target, s3 s3Settings) rules.Report {
	report := rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: []rules.Result{}}
	for _, t := range ts {
		res, ok := e.inspectTarget(ctx, t, s3)
		if !ok {
			continue
		}
		res.Container = t.View
		report.Artifacts = append(report.Artifacts, res)
	}
	report.Summary = rules.Summarize(report.Artifacts)
	return report
}

// inspectTarget inspects one target. It returns ok false for a skipped
// container, after a warning on stderr. Errors are printed on stderr and
// kept in the result, as inspectAll does.
func (e *env) inspectTarget(ctx context.Context, t target, s3 s3Settings) (rules.Result, bool) {
	switch {
	case t.Skip != "":
		printWarning(e.stderr, "skipped %s: %s", t.Name(), t.Skip)
		return rules.Result{}, false
	case t.Err != nil:
		printError(e.stderr, t.Err)
		name := t.Name()
		if t.View != nil && t.View.ModelData != "" {
			name = t.View.ModelData
		}
		return emptyResult(name, t.Err), true
	}
	res, err := e.judge(ctx, t.Ref, t.cfg, s3.artifactOptions())
	if err != nil {
		printError(e.stderr, fmt.Errorf("failed to inspect %q for %s: %w", t.Ref, t.Name(), err))
	}
	return res, true
}

// flagContainer returns the container the deployment flags of a plain check
// describe: nil when no flag says anything about it.
func flagContainer(cfg rules.Config) *deploy.ContainerView {
	if cfg.Image == "" && cfg.InstanceType == "" && len(cfg.Env) == 0 {
		return nil
	}
	return deploy.NewContainerView("", "", cfg.Image, cfg.InstanceType, cfg.Env)
}
