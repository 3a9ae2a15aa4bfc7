package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/inference"
)

// Config is what the user told mati about the deployment.
type Config struct {
	// Env holds environment variables given with --env and --env-file.
	Env map[string]string
	// Framework forces the framework ("" detects it).
	Framework string
	// Image is the container image URI the model will run in ("" unknown).
	Image string
	// InstanceType is the endpoint's instance type, e.g. "ml.m5.large"
	// ("" unknown).
	InstanceType string
	// Region is the model's AWS region ("" unknown).
	Region string
	// ModelData is where the CreateModel container that names the artifact
	// takes its model data from; nil when no CreateModel document named it.
	ModelData *deploy.ModelData
	// Limits bound the reading of the archive; zero fields take the
	// defaults.
	Limits artifact.Limits
	// MultiModel judges the artifact as one model of a multi-model endpoint
	// (its image's multi-model container).
	MultiModel bool
	// NoModelScan skips the checks on the bytes of model files (pickle
	// imports, zips, safetensors, npy, XGBoost formats).
	NoModelScan bool
}

// ErrUnknownFramework is returned for a --framework value mati does not know.
var ErrUnknownFramework = errors.New("unknown framework")

// Inspect reads the artifact once and judges it. An artifact that cannot be
// inspected at all (missing, not an archive, unreadable) gives a Result with
// Error set and a non-nil error wrapping the cause; a corrupt or over-limit
// archive is judged on what could be read, with a finding saying so.
func Inspect(ctx context.Context, src artifact.Source, cfg Config) (Result, error) {
	res := Result{Source: src.Name(), Framework: "unknown"}.WithEmptyLists()
	if cfg.Framework != "" && lookupFramework(cfg.Framework) == nil {
		err := fmt.Errorf("%w %q (want one of %s)", ErrUnknownFramework, cfg.Framework, strings.Join(FrameworkNames(), ", "))
		res.Error = err.Error()
		return res, err
	}
	a, _, err := collect(ctx, src, cfg.Limits, !cfg.NoModelScan)
	if err != nil {
		res.Error = err.Error()
		return res, err
	}
	a.Image, a.InstanceType, a.Region = cfg.Image, cfg.InstanceType, cfg.Region
	a.ModelData = cfg.ModelData
	a.MultiModel = cfg.MultiModel
	analyse(a, cfg)
	return SuppressInline(judge(a), a.memberFiles()), nil
}

// analyse fills in what the checks need beyond the index: the environment,
// the inference script's facts and the framework.
func analyse(a *Archive, cfg Config) {
	a.UserEnv = map[string]string{}
	for k, v := range cfg.Env {
		a.UserEnv[k] = v
	}
	a.ScriptPath = findScript(a, cfg.Env)
	a.Env = map[string]string{}
	if a.ScriptPath != "" {
		if rel, ok := codeRel(a.ScriptPath); ok {
			a.Env["SAGEMAKER_PROGRAM"] = rel
			a.Env["SAGEMAKER_SUBMIT_DIRECTORY"] = "/opt/ml/model/code"
		}
	}
	for k, v := range cfg.Env {
		a.Env[k] = v
	}
	if b, ok := a.Files[a.ScriptPath]; ok {
		s, err := inference.Scan(b)
		a.Script = s
		a.ScriptErr = err
		if a.Script == nil {
			a.Script = &inference.Script{}
		}
	}
	a.Framework, a.FrameworkReason = detectFramework(a, cfg.Framework)
	a.fw = lookupFramework(a.Framework)
	a.roles = assignRoles(a.Entries, a.fw)
}

// findScript returns the path of the inference script the container will
// import: code/<SAGEMAKER_PROGRAM> (default inference.py), else the only
// Python file at the top of code/, else a misplaced inference.py at the root
// or beside a TensorFlow version folder. It returns "" when there is none.
func findScript(a *Archive, env map[string]string) string {
	program := env["SAGEMAKER_PROGRAM"]
	if program == "" {
		program = "inference.py"
	}
	if a.hasFile("code/" + program) {
		return "code/" + program
	}
	if env["SAGEMAKER_PROGRAM"] != "" {
		return ""
	}
	var top []string
	for _, e := range a.Entries {
		if e.Type == artifact.TypeFile && strings.HasPrefix(e.Path, "code/") && strings.Count(e.Path, "/") == 1 && strings.HasSuffix(e.Path, ".py") && junkRoot(e.Path) == "" {
			top = append(top, e.Path)
		}
	}
	top = slices.Compact(top)
	if len(top) == 1 {
		return top[0]
	}
	if p := misplacedScript(a); p != "" {
		return p
	}
	return ""
}

// misplacedScript returns an inference.py that sits where no container looks
// for it: at the root, or in a code/ folder below the root.
func misplacedScript(a *Archive) string {
	if a.hasFile("inference.py") {
		return "inference.py"
	}
	for _, e := range a.Entries {
		if e.Type == artifact.TypeFile && strings.HasSuffix(e.Path, "/code/inference.py") {
			return e.Path
		}
	}
	return ""
}

// detectFramework names the framework and what the detection was based on.
func detectFramework(a *Archive, forced string) (string, string) {
	if forced != "" {
		return forced, "--framework"
	}
	// Serving stacks, built-in and custom images (stacks.go).
	if name, why := detectStack(a); name != "" {
		return name, why
	}
	for _, f := range frameworks {
		for _, e := range a.Entries {
			if e.Type != artifact.TypeFile || !isModelFile(f, e.Path) {
				continue
			}
			if f.Detect != nil && !matchAny(f.Detect, e.Path) {
				continue
			}
			return f.Name, fmt.Sprintf("model file %q", e.Path)
		}
	}
	if a.hasFile("config.json") || a.hasFile("model_index.json") {
		return huggingfaceFramework.Name, "config.json at the root"
	}
	if a.Script != nil {
		for _, imp := range a.Script.Imports {
			if name := frameworkOfImport(imp.Module); name != "" {
				return name, fmt.Sprintf("import %q in %s line %d", imp.Module, a.ScriptPath, imp.Line)
			}
		}
	}
	return "unknown", "no model file or import names a framework"
}

// frameworkOfImport maps an imported package to the framework it implies.
func frameworkOfImport(module string) string {
	switch module {
	case "xgboost":
		return xgboostFramework.Name
	case "transformers", "diffusers":
		return huggingfaceFramework.Name
	case "torch", "torchvision":
		return pytorchFramework.Name
	case "tensorflow", "keras":
		return tensorflowFramework.Name
	case "sklearn", "joblib":
		return sklearnFramework.Name
	}
	return ""
}

// judge runs every rule on the archive and builds its result.
func judge(a *Archive) Result {
	res := Result{
		Source:          a.Name,
		Framework:       a.Framework,
		FrameworkReason: a.FrameworkReason,
		Format:          a.Format,
	}.WithEmptyLists()
	for _, r := range Catalog() {
		// A serving stack may replace or turn off a rule (stacks.go).
		if check := a.ruleCheck(r); check != nil {
			res.Findings = append(res.Findings, r.findings(check(a))...)
		}
	}
	res.Findings = SortFindings(res.Findings)
	roles := a.roles
	for i, e := range a.Entries {
		if e.Type == artifact.TypeFile {
			res.TotalSize += e.Size
		}
		if e.Path == "" && e.Type == artifact.TypeDir {
			continue
		}
		p, role := e.Path, roles[i]
		if e.Unsafe != "" {
			p, role = e.Name, RoleUnexpected
		}
		res.Entries = append(res.Entries, EntryView{Path: p, Type: string(e.Type), Size: e.Size, Mode: e.Mode, Link: e.Link, Role: role})
	}
	sort.SliceStable(a.Expected, func(i, j int) bool { return a.Expected[i].Path < a.Expected[j].Path })
	res.Expected = append(res.Expected, slices.CompactFunc(a.Expected, func(x, y ExpectedFile) bool { return x == y })...)
	res.Handlers = append(res.Handlers, handlerViews(a)...)
	return res
}

// memberFiles returns the content of the members that were read, by the
// path their findings carry.
func (a *Archive) memberFiles() map[string][]byte {
	out := make(map[string][]byte, len(a.Files))
	for p, b := range a.Files {
		out[a.Member(p)] = b
	}
	return out
}

// hasFile reports whether the archive holds a regular file at p.
func (a *Archive) hasFile(p string) bool {
	a.indexFiles()
	return a.fileSet[p]
}

// indexFiles lists the safe regular files once, for hasFile and
// regularFiles, which the checks call many times. Entries must not change
// after the first call.
func (a *Archive) indexFiles() {
	if a.fileSet != nil {
		return
	}
	a.fileSet = map[string]bool{}
	for _, e := range a.Entries {
		if e.Type == artifact.TypeFile && e.Unsafe == "" && e.Path != "" {
			a.files = append(a.files, e.Path)
			a.fileSet[e.Path] = true
		}
	}
}

// expect records a file the container looks for that is missing.
func (a *Archive) expect(p string, role Role) {
	a.Expected = append(a.Expected, ExpectedFile{Path: p, Role: role})
}
