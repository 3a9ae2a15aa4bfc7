package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// Flag categories, as "mati check --help" groups them.
const (
	catOutput     = "Output:"
	catDeployment = "Deployment:"
	catS3         = "S3:"
	catLimits     = "Limits (raise them only for artifacts you trust):"
)

// checkCommand is "mati check [flags] ARTIFACT...".
func (e *env) checkCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "table", Usage: formatUsage(checkFormats), Category: catOutput},
		failOnFlag(),
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list every entry, directories included", Category: catOutput},
		noColorFlag(),
	}
	flags = append(flags, policyFlags()...)
	flags = append(flags, deploymentFlags()...)
	flags = append(flags, modelFlags()...)
	flags = append(flags, s3Flags()...)
	flags = append(flags, limitFlags()...)
	return &cli.Command{
		Name:        "check",
		Usage:       "judge artifacts and print a report",
		UsageText:   "mati check [flags] ARTIFACT...\nmati check [flags] --create-model FILE | --sagemaker-model NAME [ARTIFACT...]",
		Description: checkDescription(),
		Flags:       flags,
		Action:      e.check,
	}
}

// failOnFlag is --fail-on, shared by the commands that judge.
func failOnFlag() cli.Flag {
	return &cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit with 1 on findings at or above `SEVERITY`: error, warning, info or never", Category: catOutput}
}

// noColorFlag is --no-color, shared by the commands that render tables.
func noColorFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)", Category: catOutput}
}

// deploymentFlags are the flags that say how the model will be deployed.
func deploymentFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "framework", Usage: "judge against `FRAMEWORK` instead of detecting it: " + strings.Join(rules.FrameworkNames(), ", "), Category: catDeployment},
		&cli.StringSliceFlag{Name: "env", Usage: "set an environment variable of the model: `KEY=VALUE` (repeatable; overrides --env-file)", Category: catDeployment},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read environment variables from `FILE`: KEY=VALUE lines, # comments, optional export (repeatable)", Category: catDeployment},
		&cli.StringFlag{Name: "image", Usage: "the container `IMAGE` URI the model will run in", Category: catDeployment},
		&cli.StringFlag{Name: "instance-type", Usage: "the endpoint's instance `TYPE`, e.g. ml.m5.large", Category: catDeployment},
		&cli.BoolFlag{Name: "no-model-scan", Usage: "skip the checks on the bytes of model files (pickle imports, zips, safetensors, npy, XGBoost formats)", Category: catDeployment},
	}
}

// s3Flags are the AWS settings for s3:// artifacts, named as the AWS CLI
// names them.
func s3Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "profile", EnvVars: []string{"AWS_PROFILE"}, Usage: "the AWS `PROFILE` to use", Category: catS3},
		&cli.StringFlag{Name: "region", EnvVars: []string{"AWS_REGION", "AWS_DEFAULT_REGION"}, Usage: "the AWS `REGION` (found from the bucket when not given)", Category: catS3},
		&cli.StringFlag{Name: "endpoint-url", EnvVars: []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}, Usage: "a custom S3 endpoint `URL` (path-style addressing)", Category: catS3},
		&cli.BoolFlag{Name: "no-sign-request", Usage: "do not sign requests, for public buckets", Category: catS3},
		&cli.StringFlag{Name: "request-payer", Usage: "`PAYER` of the requests to a requester-pays bucket: requester", Category: catS3},
		&cli.BoolFlag{Name: "no-readahead", Usage: "read each S3 object with one plain GET stream instead of parallel ranged reads", Category: catS3},
	}
}

// limitFlags raise or lower the archive limits (artifact.Limits). A negative
// value disables a limit.
func limitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "max-entries", Value: artifact.DefaultMaxEntries, Usage: "read at most `N` entries from an archive", Category: catLimits},
		&cli.StringFlag{Name: "max-total-bytes", Value: artifact.FormatSize(artifact.DefaultMaxTotalBytes), Usage: "read at most `SIZE` uncompressed bytes from an archive (units: KiB, MiB, GiB, TiB)", Category: catLimits},
		&cli.StringFlag{Name: "max-member-read", Value: artifact.FormatSize(artifact.DefaultMaxMemberRead), Usage: "read at most `SIZE` bytes of a member a check needs (code, requirements, JSON)", Category: catLimits},
		&cli.IntFlag{Name: "max-depth", Value: artifact.DefaultMaxDepth, Usage: "allow at most `N` elements in a member path", Category: catLimits},
		&cli.IntFlag{Name: "max-path-len", Value: artifact.DefaultMaxPathLen, Usage: "allow member names of at most `N` bytes", Category: catLimits},
		&cli.Float64Flag{Name: "max-ratio", Value: artifact.DefaultMaxRatio, Usage: "allow a compression `RATIO` up to this, checked after the first GiB", Category: catLimits},
	}
}

// checkOptions are the parsed flags of "mati check".
type checkOptions struct {
	format  string
	failOn  rules.FailOn
	verbose bool
	color   bool
	cfg     rules.Config
	s3      s3Settings
}

// s3Settings are the S3 flags. They mirror artifact.S3Options field by field.
type s3Settings struct {
	Profile       string
	Region        string
	EndpointURL   string
	NoSignRequest bool
	RequestPayer  string
	NoReadahead   bool
}

// check is the action of "mati check".
func (e *env) check(c *cli.Context) error {
	if err := e.loadPolicy(c, checkFormats); err != nil {
		return err
	}
	opts, err := e.checkFlags(c)
	if err != nil {
		return err
	}
	refs := c.Args().Slice()
	if len(refs) == 0 && !modelFlagSet(c) {
		return usageError("give one or more artifacts, e.g. mati check model.tar.gz", "no artifact given")
	}
	if n := countStdin(refs); n > 1 {
		return usageError("standard input can be read only once", "- is given %d times", n)
	}
	// --create-model and --sagemaker-model check each container's artifact
	// (createmodel.go).
	targets, fromModel, err := e.modelCheckTargets(c, opts.cfg, refs)
	if err != nil {
		return err
	}
	if opts.verbose {
		e.noteDecoder()
	}
	var report rules.Report
	if fromModel {
		report = e.inspectTargets(c.Context, targets, opts.s3)
	} else {
		report = e.inspectAll(c.Context, refs, opts.cfg, opts.s3)
		if v := flagContainer(opts.cfg); v != nil {
			for i := range report.Artifacts {
				report.Artifacts[i].Container = v
			}
		}
	}
	switch opts.format {
	case "json":
		err = renderJSON(e.stdout, report)
	case "sarif", "github", "text", "baseline":
		err = e.renderCI(e.stdout, opts.format, report)
	default:
		err = renderTable(e.stdout, display(report, e.pol.showSuppressed()), tableOptions{Color: opts.color, Verbose: opts.verbose})
	}
	if err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	return outcomeError(rules.Judge(report.Artifacts, opts.failOn))
}

// failOnFromFlags reads --fail-on, shared by the commands that judge.
func failOnFromFlags(c *cli.Context) (rules.FailOn, error) {
	f, err := rules.ParseFailOn(c.String("fail-on"))
	if err != nil {
		return f, usageError("use --fail-on error, warning, info or never", "unknown --fail-on value %q", c.String("fail-on"))
	}
	return f, nil
}

// outcomeError returns the error that decides the exit code of a finished
// run: errNotInspected, errFindings or nil.
func outcomeError(o rules.Outcome) error {
	switch o {
	case rules.OutcomeNotInspected:
		return errNotInspected
	case rules.OutcomeFindings:
		return errFindings
	}
	return nil
}

// checkFlags parses and validates the flags of "mati check".
func (e *env) checkFlags(c *cli.Context) (checkOptions, error) {
	opts := checkOptions{
		format:  c.String("format"),
		verbose: c.Bool("verbose"),
	}
	if !slices.Contains(checkFormats, opts.format) && !(opts.format == "baseline" && c.Command.Name == "baseline") {
		return opts, formatError(checkFormats, opts.format)
	}
	failOn, err := failOnFromFlags(c)
	if err != nil {
		return opts, err
	}
	opts.failOn = failOn
	opts.color = e.useColor(e.stdout, c.Bool("no-color"))
	cfg, err := deploymentConfig(c)
	if err != nil {
		return opts, err
	}
	opts.cfg = cfg
	opts.s3 = s3FromFlags(c)
	if p := opts.s3.RequestPayer; p != "" && p != "requester" {
		return opts, usageError("the only payer S3 accepts is requester", "invalid --request-payer %q", p)
	}
	opts.cfg.Region = opts.s3.Region
	lim, err := limitsFromFlags(c)
	if err != nil {
		return opts, err
	}
	opts.cfg.Limits = lim
	return opts, nil
}

// deploymentConfig builds the rules configuration from --framework, --env,
// --env-file, --image and --instance-type.
func deploymentConfig(c *cli.Context) (rules.Config, error) {
	cfg := rules.Config{
		Framework:    c.String("framework"),
		Image:        c.String("image"),
		InstanceType: c.String("instance-type"),
		NoModelScan:  c.Bool("no-model-scan"),
		Env:          map[string]string{},
	}
	if cfg.Framework != "" && !slices.Contains(rules.FrameworkNames(), cfg.Framework) {
		return cfg, usageError("use one of "+strings.Join(rules.FrameworkNames(), ", "), "unknown framework %q", cfg.Framework)
	}
	for _, name := range c.StringSlice("env-file") {
		b, err := os.ReadFile(name)
		if err != nil {
			return cfg, usageError("", "failed to read env file %q: %v", name, err)
		}
		vars, err := deploy.ParseEnvFile(b)
		if err != nil {
			return cfg, usageError("write one KEY=VALUE per line; # starts a comment", "failed to read env file %q: %v", name, err)
		}
		for k, v := range vars {
			cfg.Env[k] = v
		}
	}
	for _, kv := range c.StringSlice("env") {
		k, v, err := deploy.ParseEnvVar(kv)
		if err != nil {
			return cfg, usageError("write --env KEY=VALUE, e.g. --env SAGEMAKER_PROGRAM=inference.py", "invalid --env %q: %v", kv, err)
		}
		cfg.Env[k] = v
	}
	return cfg, nil
}

// s3FromFlags reads the S3 flags.
func s3FromFlags(c *cli.Context) s3Settings {
	return s3Settings{
		Profile:       c.String("profile"),
		Region:        c.String("region"),
		EndpointURL:   c.String("endpoint-url"),
		NoSignRequest: c.Bool("no-sign-request"),
		RequestPayer:  c.String("request-payer"),
		NoReadahead:   c.Bool("no-readahead"),
	}
}

// artifactOptions converts the S3 flags for artifact.Parse.
func (s s3Settings) artifactOptions() artifact.Options {
	return artifact.Options{S3: artifact.S3Options{
		Profile:       s.Profile,
		Region:        s.Region,
		EndpointURL:   s.EndpointURL,
		NoSignRequest: s.NoSignRequest,
		RequestPayer:  s.RequestPayer != "",
		SingleStream:  s.NoReadahead,
	}}
}

// limitsFromFlags reads the limit flags.
func limitsFromFlags(c *cli.Context) (artifact.Limits, error) {
	lim := artifact.Limits{
		MaxEntries:    c.Int("max-entries"),
		MaxDepth:      c.Int("max-depth"),
		MaxPathLen:    c.Int("max-path-len"),
		MaxRatio:      c.Float64("max-ratio"),
		RatioFloor:    artifact.DefaultRatioFloor,
		MaxMemberRead: artifact.DefaultMaxMemberRead,
		MaxTotalBytes: artifact.DefaultMaxTotalBytes,
	}
	var err error
	if lim.MaxTotalBytes, err = artifact.ParseSize(c.String("max-total-bytes")); err != nil {
		return lim, usageError("write a size such as 500GiB or 2TiB; a negative value disables the limit", "invalid --max-total-bytes: %v", err)
	}
	if lim.MaxMemberRead, err = artifact.ParseSize(c.String("max-member-read")); err != nil {
		return lim, usageError("write a size such as 16MiB", "invalid --max-member-read: %v", err)
	}
	if lim.MaxMemberRead == 0 {
		return lim, usageError("write a size such as 16MiB", "invalid --max-member-read: must not be 0")
	}
	if math.IsNaN(lim.MaxRatio) {
		return lim, usageError("", "invalid --max-ratio: not a number")
	}
	// A zero value means the default in artifact.Limits; 0 from the user
	// means "none allowed", which makes no sense for these limits.
	for _, l := range []struct {
		name string
		v    float64
	}{
		{"max-entries", float64(lim.MaxEntries)},
		{"max-total-bytes", float64(lim.MaxTotalBytes)},
		{"max-depth", float64(lim.MaxDepth)},
		{"max-path-len", float64(lim.MaxPathLen)},
		{"max-ratio", lim.MaxRatio},
	} {
		if l.v == 0 {
			return lim, usageError("give a positive value, or a negative one to disable the limit", "invalid --%s: must not be 0", l.name)
		}
	}
	return lim, nil
}

// countStdin counts the "-" arguments.
func countStdin(refs []string) int {
	n := 0
	for _, r := range refs {
		if r == "-" {
			n++
		}
	}
	return n
}

// inspectAll inspects every artifact in order and returns one report.
// An artifact that cannot be inspected is reported on stderr and kept in the
// report with its Error set; the others go on.
func (e *env) inspectAll(ctx context.Context, refs []string, cfg rules.Config, s3 s3Settings) rules.Report {
	report := rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: []rules.Result{}}
	for _, ref := range refs {
		res, err := e.judge(ctx, ref, cfg, s3.artifactOptions())
		if err != nil {
			printError(e.stderr, fmt.Errorf("failed to inspect %q: %w", ref, err))
		}
		report.Artifacts = append(report.Artifacts, res)
	}
	report.Summary = rules.Summarize(report.Artifacts)
	return report
}

// judge opens and judges one artifact, as check, scan and ls do ("-" reads
// standard input). On error the result still names the artifact and says
// why in Error. Findings are sorted.
func (e *env) judge(ctx context.Context, ref string, cfg rules.Config, opts artifact.Options) (rules.Result, error) {
	src, err := e.source(ref, opts)
	if err != nil {
		return emptyResult(ref, err), err
	}
	res, err := e.inspect(ctx, src, cfg)
	if res.Source == "" {
		res.Source = ref
	}
	if res.Framework == "" {
		res.Framework = "unknown"
	}
	if err != nil && res.Error == "" {
		res.Error = oneLine(err.Error())
	}
	res.Findings = rules.SortFindings(res.Findings)
	return res, err
}

// source returns the source ref names; "-" reads e.stdin.
func (e *env) source(ref string, opts artifact.Options) (artifact.Source, error) {
	if ref == "-" {
		return artifact.NewReaderSource("-", e.stdin), nil
	}
	return artifact.Parse(ref, opts)
}

// emptyResult is the result for an artifact that could not even be opened.
func emptyResult(ref string, err error) rules.Result {
	return rules.Result{
		Source:    ref,
		Framework: "unknown",
		Entries:   []rules.EntryView{},
		Expected:  []rules.ExpectedFile{},
		Handlers:  []rules.HandlerView{},
		Findings:  []rules.Finding{},
		Error:     oneLine(err.Error()),
	}
}
