package main

// The rules of "mati scan" are:
//   - each artifact is judged exactly as "mati check" judges it, with the
//     same deployment, S3 and limit flags (parsed by checkFlags);
//   - one artifact that cannot be inspected, or a location that cannot be
//     listed, never stops the scan: it is reported on stderr, recorded in
//     the report with its error, and counted;
//   - stdout (or --output) carries the report only; stderr carries errors,
//     warnings and, only on a terminal, the progress bar;
//   - the exit code follows "mati check": 3 if anything could not be
//     inspected, else 1 for findings at or above --fail-on, else 0;
//   - --sagemaker-models replaces the locations: the containers of every
//     model ListModels returns (--name-contains narrows it) are judged, each
//     with its own artifact, image and environment, as "mati check
//     --sagemaker-model" judges them. A container with nothing to inspect
//     is left out with a warning; a model whose DescribeModel call fails is
//     reported as not inspected and the scan goes on; a ListModels failure
//     ends the listing, and is reported the same way. --include, --exclude,
//     --inventory and --image do not apply, and --cache is ignored with a
//     warning (a model's result depends on its definition as well as on the
//     bytes, which the cache key does not cover).

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
	"github.com/mati-dev/mati/scan"
)

// catScan is the flag category of what "mati scan" selects and how.
const catScan = "Scan:"

// maxS3Jobs caps the default --jobs for S3, where workers mostly wait on the
// network.
const maxS3Jobs = 32

// scanCommand is "mati scan [flags] LOCATION...".
func (e *env) scanCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "table", Usage: formatUsage(scanFormats) + " (jsonl: one artifact a line, written as each finishes)", Category: catOutput},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of standard output", Category: catOutput},
		failOnFlag(),
		noColorFlag(),
		&cli.BoolFlag{Name: "no-progress", Usage: "never show the progress bar (it is shown on standard error only when that is a terminal)", Category: catOutput},
		&cli.StringSliceFlag{Name: "include", Usage: "scan the keys matching `GLOB` (repeatable; default *.tar.gz, *.tgz and *.tar; a glob without / matches the file name, ** matches any folders)", Category: catScan},
		&cli.StringSliceFlag{Name: "exclude", Usage: "skip the keys matching `GLOB` (repeatable)", Category: catScan},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "inspect `N` artifacts at once (default: the number of CPUs, or 4 per CPU up to 32 when reading S3)", Category: catScan},
		&cli.StringFlag{Name: "cache", Usage: "reuse the results kept in `FILE` for unchanged artifacts, and update it", Category: catScan},
		&cli.StringFlag{Name: "shard", Usage: "scan only shard `K/N` of the artifacts, K from 0 to N-1", Category: catScan},
		&cli.IntFlag{Name: "shard-count", EnvVars: []string{"MATI_SHARD_COUNT"}, Usage: "the number of shards `N`, the index coming from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)", Category: catScan},
		&cli.BoolFlag{Name: "multi-model", Usage: "judge every archive as one model of a multi-model endpoint (its image's multi-model container) instead of a single-model artifact", Category: catScan},
		&cli.StringFlag{Name: "inventory", Usage: "take the keys from the S3 Inventory report `MANIFEST` (manifest.json, local or s3://) instead of listing", Category: catScan},
	}
	flags = append(flags, deploymentFlags()...)
	flags = append(flags, sagemakerScanFlags()...)
	flags = append(flags, s3Flags()...)
	flags = append(flags, limitFlags()...)
	flags = append(flags, policyFlags()...)
	return &cli.Command{
		Name:        "scan",
		Usage:       "judge every artifact under folders or S3 prefixes",
		UsageText:   "mati scan [flags] LOCATION...\nmati scan [flags] --inventory MANIFEST [s3://bucket/prefix...]\nmati scan [flags] --sagemaker-models [--name-contains TEXT]",
		Description: scanDescription(),
		Flags:       flags,
		Action:      e.scan,
	}
}

// scanDescription is the description shown by "mati scan --help".
func scanDescription() string {
	return fmt.Sprintf(`Finds the artifacts under each LOCATION (a local folder, walked recursively,
or s3://bucket/prefix) and judges each one as mati check does, several at
once. An artifact that cannot be inspected is reported and counted, and the
scan goes on. With --sagemaker-models, the artifacts are those of every
SageMaker model of the account and region, each judged for its container.

Exit codes: %d no finding at or above --fail-on, %d findings at or above it,
%d usage error, %d an artifact could not be inspected.

Example:
   mati scan --format jsonl --output audit.jsonl --cache audit.cache s3://my-bucket/models/
   mati scan --shard-count 8 --format jsonl s3://my-bucket/   # in a Kubernetes Indexed Job
   mati scan --sagemaker-models --region us-east-1 --format jsonl --output models.jsonl`,
		exitOK, exitFindings, exitUsage, exitNotInspected)
}

// scanOptions are the parsed flags of "mati scan".
type scanOptions struct {
	checkOptions
	output     string
	progress   bool
	filter     scan.Filter
	jobs       int
	cache      string
	shard      scan.Shard
	inventory  string
	locations  []string
	usesS3     bool
	s3Settings artifact.S3Options
	// sagemaker is --sagemaker-models: the artifacts are those of the
	// account's models, read with sm, whose names contain nameContains.
	sagemaker    bool
	nameContains string
	sm           deploy.SageMakerSettings
}

// scanFlags parses and validates the flags and arguments of "mati scan".
func (e *env) scanFlags(c *cli.Context) (scanOptions, error) {
	var opts scanOptions
	format := c.String("format")
	if !slices.Contains(scanFormats, format) {
		return opts, formatError(scanFormats, format)
	}
	// The other flags are check's, validated as check validates them; its
	// format check knows only table and json, so it is given one of those.
	if err := c.Set("format", "table"); err != nil {
		return opts, err
	}
	co, err := e.checkFlags(c)
	if err != nil {
		return opts, err
	}
	opts.checkOptions = co
	opts.format = format
	opts.output = c.String("output")
	opts.color = opts.color && opts.output == ""
	opts.progress = !c.Bool("no-progress") && e.getenv("TERM") != "dumb" && e.colorOK(e.stderr)
	opts.filter = scan.Filter{Include: c.StringSlice("include"), Exclude: c.StringSlice("exclude")}
	if err := opts.filter.Validate(); err != nil {
		return opts, usageError("write globs such as '*.tar.gz' or 'models/**/model.tar.gz'", "%v", err)
	}
	opts.cfg.MultiModel = c.Bool("multi-model")
	opts.cache = c.String("cache")
	opts.inventory = c.String("inventory")
	opts.locations = c.Args().Slice()
	if err := opts.sagemakerFlags(c); err != nil {
		return opts, err
	}
	switch {
	case opts.sagemaker:
	case len(opts.locations) == 0 && opts.inventory == "":
		return opts, usageError("give a folder or an S3 prefix, e.g. mati scan s3://my-bucket/models/", "no location given")
	case slices.Contains(opts.locations, "-"):
		return opts, usageError("give a folder or an S3 prefix; use mati check - for standard input", "mati scan cannot read standard input")
	}
	opts.usesS3 = opts.sagemaker || strings.HasPrefix(opts.inventory, "s3://")
	for _, l := range opts.locations {
		if strings.HasPrefix(l, "s3://") {
			opts.usesS3 = true
		} else if opts.inventory != "" {
			return opts, usageError("with --inventory, a location narrows the report to an s3://bucket/prefix", "location %q is not an S3 prefix", l)
		}
	}
	shard, err := scan.ResolveShard(c.String("shard"), c.Int("shard-count"), e.getenv)
	if err != nil {
		return opts, usageError("give --shard K/N, or --shard-count N (or MATI_SHARD_COUNT) where JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX is set", "%v", err)
	}
	opts.shard = shard
	opts.jobs = c.Int("jobs")
	if opts.jobs < 0 || (c.IsSet("jobs") && opts.jobs == 0) {
		return opts, usageError("give a positive number, e.g. --jobs 8", "invalid --jobs %d", opts.jobs)
	}
	if opts.jobs == 0 {
		opts.jobs = defaultJobs(opts.usesS3)
	}
	opts.s3Settings = opts.s3.artifactOptions().S3
	// Many objects are read at once: keep read-ahead memory near
	// maxS3Jobs x one part, whatever --jobs is.
	opts.s3Settings.Concurrency = max(1, min(artifact.DefaultS3Concurrency, maxS3Jobs/opts.jobs))
	return opts, nil
}

// sagemakerFlags reads --sagemaker-models and --name-contains, and rejects
// the arguments and flags that do not go with them.
func (opts *scanOptions) sagemakerFlags(c *cli.Context) error {
	opts.sagemaker = c.Bool("sagemaker-models")
	opts.nameContains = c.String("name-contains")
	opts.sm = sagemakerFromFlags(c)
	switch {
	case !opts.sagemaker && c.IsSet("name-contains"):
		return usageError("add --sagemaker-models to check the models whose name contains it", "--name-contains is given without --sagemaker-models")
	case !opts.sagemaker:
		return nil
	case len(opts.locations) > 0:
		return usageError("give either locations or --sagemaker-models; to check one model against a local copy, use mati check --sagemaker-model NAME ARTIFACT",
			"--sagemaker-models is given with %s", plural(len(opts.locations), "location", "locations"))
	case opts.inventory != "":
		return usageError("give either --inventory or --sagemaker-models", "--inventory and --sagemaker-models are both given")
	case len(opts.filter.Include) > 0 || len(opts.filter.Exclude) > 0:
		return usageError("choose the models with --name-contains", "--include and --exclude select object keys, not SageMaker models")
	case opts.cfg.Image != "":
		return usageError("drop --image: each container names its own image", "--image is given with --sagemaker-models")
	}
	return nil
}

// defaultJobs is the default --jobs: the number of CPUs locally; for S3,
// where time is spent waiting on the network, 4 per CPU up to maxS3Jobs.
func defaultJobs(usesS3 bool) int {
	n := runtime.NumCPU()
	if usesS3 {
		return max(n, min(4*n, maxS3Jobs))
	}
	return n
}

// scan is the action of "mati scan".
func (e *env) scan(c *cli.Context) error {
	if err := e.loadPolicy(c, scanFormats); err != nil {
		return err
	}
	opts, err := e.scanFlags(c)
	if err != nil {
		return err
	}
	ctx := c.Context
	var api deploy.SageMakerAPI
	if opts.sagemaker {
		// Before anything is written: no region is a usage error.
		if api, err = newSageMakerClient(ctx, opts.sm); err != nil {
			return err
		}
		if opts.cache != "" {
			printWarning(e.stderr, "--cache %q is ignored with --sagemaker-models: every model is inspected", opts.cache)
			opts.cache = ""
		}
	}
	if opts.usesS3 {
		// Load the AWS configuration once, so credentials are retrieved
		// once; on failure each S3 access reports its own error.
		if cfg, err := artifact.LoadS3Config(ctx, opts.s3Settings); err == nil {
			opts.s3Settings.Config = &cfg
		}
	}
	var cache *scan.Cache
	if opts.cache != "" {
		v := e.version
		if v == "" {
			v = buildVersion()
		}
		var warn error
		cache, warn = scan.LoadCache(opts.cache, scan.Fingerprint(v, opts.cfg))
		if warn != nil {
			printWarning(e.stderr, "%v", warn)
		}
	}
	out := e.stdout
	if opts.output != "" {
		f, err := os.Create(opts.output)
		if err != nil {
			return fmt.Errorf("failed to create the output file %q: %w", opts.output, err)
		}
		defer f.Close()
		out = f
	}

	st := &scanState{opts: opts, out: out, stderr: e.stderr, pol: e.pol, ci: e.renderCI}
	if opts.progress {
		st.bar = newScanBar(e.stderr)
	}
	listers := e.scanListers(opts)
	if opts.sagemaker {
		listers = []scan.Lister{sagemakerLister{api: api, nameContains: opts.nameContains, base: opts.cfg, warn: st.warn}}
	}
	runErr := scan.Run(ctx, listers, scan.Options{
		Jobs:    opts.jobs,
		Filter:  opts.filter,
		Shard:   opts.shard,
		Cache:   cache,
		Inspect: e.scanInspect(opts),
		Listed:  st.listed,
		Done:    st.done,
	})
	st.finishBar()

	err = st.writeErr
	if err == nil {
		err = st.render()
	}
	if err == nil && opts.output != "" {
		if f, ok := out.(*os.File); ok {
			err = f.Close()
		}
	}
	if runErr != nil {
		cache.KeepUnseen()
	}
	if cerr := cache.Save(); cerr != nil {
		printWarning(e.stderr, "%v", cerr)
	}
	if err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	if runErr != nil {
		return runErr
	}
	return st.outcome
}

// scanListers returns the listers of the locations, or the inventory's.
func (e *env) scanListers(opts scanOptions) []scan.Lister {
	if opts.inventory != "" {
		return []scan.Lister{scan.Inventory(opts.inventory, opts.s3Settings, opts.locations)}
	}
	ls := make([]scan.Lister, 0, len(opts.locations))
	for _, l := range opts.locations {
		if strings.HasPrefix(l, "s3://") {
			ls = append(ls, scan.S3(l, opts.s3Settings))
			continue
		}
		ls = append(ls, scan.Local(l))
	}
	return ls
}

// scanInspect returns the function that judges one listed artifact, as
// "mati check" judges it: a SageMaker model's container (an item whose Data
// is a target) as "mati check --sagemaker-model" does.
func (e *env) scanInspect(opts scanOptions) scan.InspectFunc {
	return func(ctx context.Context, it scan.Item) (rules.Result, error) {
		if t, ok := it.Data.(target); ok {
			return e.scanTarget(ctx, t, opts.s3Settings)
		}
		return e.judge(ctx, it.Ref, opts.cfg, artifact.Options{S3: opts.s3Settings})
	}
}

// scanTarget judges a container's artifact as inspectTarget does for "mati
// check", with the scan's S3 settings, and prints nothing: the error it
// returns is worded for stderr (scanState.done prints it). The lister has
// already left out the containers to skip.
func (e *env) scanTarget(ctx context.Context, t target, s3 artifact.S3Options) (rules.Result, error) {
	if t.Err != nil {
		name := t.Name()
		if t.View != nil && t.View.ModelData != "" {
			name = t.View.ModelData
		}
		return emptyResult(name, t.Err), t.Err
	}
	res, err := e.judge(ctx, t.Ref, t.cfg, artifact.Options{S3: s3})
	if err != nil {
		err = fmt.Errorf("failed to inspect %q for %s: %w", t.Ref, t.Name(), err)
	}
	return res, err
}

// sagemakerLister lists the containers of the SageMaker models as scan
// items, one per container, each carrying its target as Item.Data.
type sagemakerLister struct {
	api          deploy.SageMakerAPI
	nameContains string
	// base holds the settings from the flags (see modelTargets).
	base rules.Config
	// warn prints a warning on stderr; it is called from the listing
	// goroutine.
	warn func(format string, args ...any)
}

// Name is how reports name the listing when ListModels fails.
func (l sagemakerLister) Name() string {
	if l.nameContains != "" {
		return fmt.Sprintf("SageMaker models whose name contains %q", l.nameContains)
	}
	return "SageMaker models"
}

// List yields one item per container to inspect: its Ref is
// "<model>/<field>" (unique, so two models pointing at the same artifact
// are both judged), and it bypasses the globs. A container with nothing to
// inspect is left out with a warning. A model whose DescribeModel call
// fails is an item with Err set, named by its ARN.
func (l sagemakerLister) List(ctx context.Context, fn func(scan.Item) error) error {
	return sagemakerModelTargets(ctx, l.api, l.nameContains, l.base, func(t target) error {
		if t.Skip != "" {
			l.warn("skipped %s: %s", t.Name(), t.Skip)
			return nil
		}
		ref := t.View.Model + "/" + t.View.Field
		return fn(scan.Item{Ref: ref, Key: ref, Named: true, Data: t})
	}, func(s types.ModelSummary, err error) error {
		name := aws.ToString(s.ModelName)
		ref := aws.ToString(s.ModelArn)
		if ref == "" {
			ref = name
		}
		t := target{Target: deploy.Target{View: &deploy.ContainerView{Model: name, Environment: map[string]string{}}, Err: err}}
		return fn(scan.Item{Ref: ref, Key: ref, Named: true, Err: err, Data: t})
	})
}

// scanState gathers the outcomes of a scan: it streams JSONL, keeps what
// the table and JSON reports need, counts, and drives the progress bar.
// listed and done may be called from different goroutines.
type scanState struct {
	opts   scanOptions
	out    io.Writer
	stderr io.Writer

	mu       sync.Mutex
	bar      *progressbar.ProgressBar // nil: no progress bar
	total    int
	finished int
	bytes    int64

	// pol is applied to each outcome; ci renders the sarif, github and
	// text formats.
	pol *policyState
	ci  func(w io.Writer, format string, r rules.Report) error

	artifacts []scanArtifact
	summary   rules.Summary
	cached    int
	outcome   error // errNotInspected, errFindings or nil so far
	writeErr  error
}

// listed counts an artifact about to be inspected.
func (s *scanState) listed(it scan.Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.bytes += it.Size
	if s.bar != nil {
		s.bar.ChangeMax64(max(s.bytes, 1))
		s.describe()
	}
}

// done records one outcome: an error on stderr, a JSONL line, the
// counts, the exit code so far and the progress.
func (s *scanState) done(o scan.Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Err != nil {
		if s.bar != nil {
			s.bar.Clear()
		}
		if _, ok := o.Item.Data.(target); ok || o.Item.Err != nil {
			printError(s.stderr, o.Err)
		} else {
			printError(s.stderr, fmt.Errorf("failed to inspect %q: %w", o.Item.Ref, o.Err))
		}
	}
	o.Result = s.pol.apply(o.Result)
	a := scanArtifact{Result: o.Result, size: o.Item.Size}
	a.Cached = o.Cached
	if t, ok := o.Item.Data.(target); ok {
		a.Container = t.View
	}
	one := []rules.Result{o.Result}
	sum := rules.Summarize(one)
	a.errors, a.warnings = sum.Errors, sum.Warnings
	a.failing = o.Result.Outcome(s.opts.failOn) == rules.OutcomeFindings
	s.summary = s.summary.Add(sum)
	if o.Cached {
		s.cached++
	}
	switch {
	case sum.Failed > 0:
		s.outcome = errNotInspected
	case a.failing && s.outcome == nil:
		s.outcome = errFindings
	}
	switch s.opts.format {
	case "jsonl":
		if s.writeErr == nil {
			s.writeErr = renderJSONLine(s.out, a.Result)
		}
	case "table":
		if !a.failing && a.Error == "" {
			// Only the row is shown: drop what the table never prints.
			a.Entries, a.Expected, a.Handlers, a.Findings = nil, nil, nil, nil
		}
		s.artifacts = append(s.artifacts, a)
	default:
		s.artifacts = append(s.artifacts, a)
	}
	s.finished++
	if s.bar != nil {
		s.bar.Add64(o.Item.Size)
		s.describe()
	}
}

// warn prints a warning on stderr, clearing the progress bar first. It may
// be called from any goroutine.
func (s *scanState) warn(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bar != nil {
		s.bar.Clear()
	}
	printWarning(s.stderr, format, args...)
}

// render writes the table or JSON report once every outcome is in; JSONL
// was written as they came. Artifacts are sorted by source, then by model
// and container.
func (s *scanState) render() error {
	slices.SortStableFunc(s.artifacts, func(a, b scanArtifact) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.containerKey(), b.containerKey()))
	})
	r := scanReport{Artifacts: s.artifacts, Summary: s.summary}
	switch s.opts.format {
	case "json":
		return renderJSONCompact(s.out, r.report())
	case "table":
		if s.pol.showSuppressed() {
			for i, a := range r.Artifacts {
				r.Artifacts[i].Result = display(rules.Report{Artifacts: []rules.Result{a.Result}}, true).Artifacts[0]
			}
		}
		return renderScanTable(s.out, r, scanTableOptions{Color: s.opts.color, Cached: s.cached})
	case "sarif", "github", "text":
		rep := rules.Report{SchemaVersion: rules.SchemaVersion, Artifacts: make([]rules.Result, len(r.Artifacts)), Summary: r.Summary}
		for i, a := range r.Artifacts {
			rep.Artifacts[i] = a.Result
		}
		return s.ci(s.out, s.opts.format, rep)
	}
	return nil
}

// newScanBar returns the progress bar written to w: artifacts done and
// listed, bytes, rate and time left.
func newScanBar(w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions64(1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription("scanning"),
	)
}

// describe shows the artifact counts in front of the bar. The caller holds
// s.mu.
func (s *scanState) describe() {
	s.bar.Describe(fmt.Sprintf("%d/%d artifacts", s.finished, s.total))
}

// finishBar removes the progress bar.
func (s *scanState) finishBar() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bar != nil {
		s.bar.Finish()
		s.bar.Clear()
		s.bar = nil
	}
}
