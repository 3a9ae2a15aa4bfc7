package rules

// The rules for judging step builders are:
//   - Builder rules judge the facts package builder reports about one Python
//     file; they are in the catalog with the artifact rules, with a
//     CheckBuilder instead of a Check, because they never see an archive.
//   - An argument counts as given when it is passed by keyword or at its
//     position in the model class's signature, and is not None. A call that
//     passes *args or **kwargs may give anything, so "missing" rules stay
//     silent on it.
//   - A rule about a method that is missing stays silent when the class
//     derives from a class defined in another file, which may define it.
//   - The framework is taken from the model class, else from the image (a
//     literal URI or image_uris.retrieve), else from the file's imports.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mati-dev/mati/builder"
	"github.com/mati-dev/mati/deploy"
)

// BuilderFile is one Python file with the facts about its builder classes.
type BuilderFile struct {
	// Path is the file as the user named it (or as found in a folder).
	Path string
	// File holds the facts; it is never nil.
	File *builder.File
}

// BuilderFormat is the Result.Format of a builder file.
const BuilderFormat = "python"

// NoBuilderReason is the Result.FrameworkReason of a file without builder
// classes.
const NoBuilderReason = "no builder class"

// CheckBuilder scans the Python file src, named path, for step builders and
// judges them with every builder rule. The Result has the shape of an
// artifact's: the file's size, its findings (sorted) and the framework of
// its first builder class; no entries or handlers. A file without builder
// classes has no findings but a syntax error. An error means the file could not be parsed, and
// the Result carries it in Error.
func CheckBuilder(path string, src []byte) (Result, error) {
	res := Result{
		Source:    path,
		Framework: "unknown",
		Format:    BuilderFormat,
		TotalSize: int64(len(src)),
		Entries:   []EntryView{},
		Expected:  []ExpectedFile{},
		Handlers:  []HandlerView{},
		Findings:  []Finding{},
	}
	f, err := builder.Scan(src)
	if err != nil {
		err = fmt.Errorf("failed to parse %q: %w", path, err)
		res.Error = err.Error()
		return res, err
	}
	bf := &BuilderFile{Path: path, File: f}
	if len(f.Classes) > 0 {
		c := &f.Classes[0]
		res.Framework, res.FrameworkReason = bf.Framework(c)
		if res.FrameworkReason != "" {
			res.FrameworkReason += " in " + c.Name
		}
	} else {
		res.FrameworkReason = NoBuilderReason
	}
	for _, r := range Catalog() {
		if r.CheckBuilder != nil {
			res.Findings = append(res.Findings, r.findings(r.CheckBuilder(bf))...)
		}
	}
	// A method inherited by several classes of the file is judged once per
	// class; report each place once, for the first class.
	seen := map[string]bool{}
	res.Findings = slices.DeleteFunc(res.Findings, func(x Finding) bool {
		key := fmt.Sprintf("%s:%d:%d", x.RuleID, x.Line, x.Column)
		dup := x.Line > 0 && seen[key]
		seen[key] = true
		return dup
	})
	res.Findings = SortFindings(res.Findings)
	return SuppressInline(res, map[string][]byte{path: src}), nil
}

// Finding returns a finding of rule m in the file at the 1-based line and
// column, with the message built from format and args.
func (f *BuilderFile) Finding(m Meta, line, col int, format string, args ...any) Finding {
	return newFinding(m, f.Path, line, col, format, args...)
}

// modelParams gives, per model class, the 0-based position of the
// parameters the builder rules read, as in the SageMaker Python SDK's
// signatures; -1 means keyword only.
var modelParams = map[string]map[string]int{
	"Model":            {"image_uri": 0, "model_data": 1, "role": 2, "env": 4, "name": 5},
	"XGBoostModel":     {"model_data": 0, "role": 1, "entry_point": 2, "framework_version": 3, "image_uri": 4},
	"PyTorchModel":     {"model_data": 0, "role": 1, "entry_point": 2, "framework_version": 3, "py_version": 4, "image_uri": 5},
	"SKLearnModel":     {"model_data": 0, "role": 1, "entry_point": 2, "framework_version": 3, "py_version": 4, "image_uri": 5},
	"TensorFlowModel":  {"model_data": 0, "role": 1, "entry_point": 2, "image_uri": 3, "framework_version": 4},
	"HuggingFaceModel": {"role": 0, "model_data": 1, "entry_point": 2, "transformers_version": 3, "image_uri": 7},
}

// argState is whether a model call gives a parameter.
type argState int

const (
	argMissing argState = iota // not passed, or None
	argGiven                   // passed with a value other than None
	argUnknown                 // not listed, but *args or **kwargs may pass it
)

// modelArg returns the argument for param of model call c and whether it is
// given.
func modelArg(c *builder.Call, param string) (builder.Arg, argState) {
	idx, ok := modelParams[c.Class()][param]
	if !ok {
		idx = -1
	}
	a, found := c.Arg(param, idx)
	switch {
	case found && !a.Value.None:
		return a, argGiven
	case !found && c.Splat:
		return a, argUnknown
	}
	return a, argMissing
}

// frameworkModels maps the framework model classes to their framework.
var frameworkModels = map[string]string{
	"XGBoostModel":     "xgboost",
	"PyTorchModel":     "pytorch",
	"SKLearnModel":     "sklearn",
	"TensorFlowModel":  "tensorflow",
	"HuggingFaceModel": "huggingface",
}

// imageFamilies maps deploy.Image families to frameworks.
var imageFamilies = map[string]string{
	"xgboost": "xgboost", "sklearn": "sklearn", "pytorch": "pytorch",
	"tensorflow": "tensorflow", "huggingface": "huggingface", "tgi": "huggingface", "djl": "huggingface",
}

// importFrameworks maps the module names that reveal a framework, as a
// module or as a component of one ("sagemaker.xgboost"), to the framework.
var importFrameworks = []struct{ module, framework string }{
	{"xgboost", "xgboost"},
	{"torch", "pytorch"},
	{"pytorch", "pytorch"},
	{"sklearn", "sklearn"},
	{"tensorflow", "tensorflow"},
	{"transformers", "huggingface"},
	{"huggingface", "huggingface"},
}

// Framework returns the framework of builder class c and what it was
// detected from; "unknown" and "" when nothing says.
func (f *BuilderFile) Framework(c *builder.Class) (name, reason string) {
	if c.Model != nil {
		if fw, ok := frameworkModels[c.Model.Class()]; ok {
			return fw, fmt.Sprintf("model class %q", c.Model.Resolved)
		}
		if a, st := modelArg(c.Model, "image_uri"); st == argGiven {
			if fw, why := imageFramework(a.Value); fw != "" {
				return fw, why
			}
		}
	}
	for _, im := range f.File.Imports {
		for _, part := range strings.Split(im.Module, ".") {
			for _, m := range importFrameworks {
				if part == m.module {
					return m.framework, fmt.Sprintf("import %q on line %d", im.Module, im.Line)
				}
			}
		}
	}
	return "unknown", ""
}

// imageFramework returns the framework an image value names: a literal
// SageMaker framework image URI, or image_uris.retrieve with a literal
// framework.
func imageFramework(v builder.Value) (string, string) {
	if v.Known {
		if im, err := deploy.ParseImage(v.Str); err == nil && im.Known {
			if fw, ok := imageFamilies[im.Family]; ok {
				return fw, fmt.Sprintf("image %q", v.Str)
			}
		}
	}
	if v.Call != nil && builder.Resolved(v.Call.Resolved).Last() == "retrieve" {
		if a, ok := v.Call.Arg("framework", 0); ok && a.Value.Known {
			fw := a.Value.Str
			if f, ok := imageFamilies[fw]; ok {
				fw = f
			}
			if slices.Contains(FrameworkNames(), fw) {
				return fw, fmt.Sprintf("image_uris.retrieve framework %q", a.Value.Str)
			}
		}
	}
	return "", ""
}

// shown is how a value appears in a message: its constant string, quoted,
// or the expression as written, shortened.
func shown(v builder.Value) string {
	if v.Known {
		return fmt.Sprintf("%q", v.Str)
	}
	t := strings.Join(strings.Fields(v.Text), " ")
	if len(t) > 60 {
		t = t[:57] + "..."
	}
	return t
}
