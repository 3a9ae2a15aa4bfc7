package rules

// The rules for serving stacks are:
//   - A serving stack (LMI, TGI, TEI, Triton, MXNet) is a Framework table
//     value like the five toolkit frameworks, listed in stackFrameworks
//     after them; TorchServe archives are judged within pytorch.
//   - The image decides first: a known image of a stack's repository names
//     the stack; a built-in algorithm image or an image that is not a
//     SageMaker framework image is judged only by the archive, code and
//     model-file safety rules (safetyRules), never by a framework table.
//   - Without an image (or with a toolkit framework's image), the layout
//     decides: serving.properties, config.pbtxt in a model folder,
//     MAR-INF/MANIFEST.json or a packed .mar, an MXNet checkpoint.
//   - A stack replaces generic rules by id (Framework.Checks): the stack's
//     check runs under the generic rule's id, and a nil check means the rule
//     does not apply to that stack (no toolkit handlers in TGI, say).

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
)

// stackFrameworks are the serving stacks, after frameworks in the list
// --framework accepts. They are detected by detectStack, not by the
// generic model-file loop.
var stackFrameworks = []*Framework{&lmiFramework, &tgiFramework, &teiFramework, &tritonFramework, &mxnetFramework}

// imageStacks maps an image family (deploy.Repository.Family) to the stack
// whose server the image runs.
var imageStacks = map[string]*Framework{
	"djl":    &lmiFramework,
	"tgi":    &tgiFramework,
	"tei":    &teiFramework,
	"triton": &tritonFramework,
	"mxnet":  &mxnetFramework,
}

// The framework names of artifacts that no framework table judges.
const (
	// frameworkBuiltin is an artifact served by a built-in algorithm image.
	frameworkBuiltin = "builtin"
	// frameworkCustom is an artifact served by an image that is not a
	// SageMaker framework image (bring your own container).
	frameworkCustom = "custom"
)

// allFrameworks returns the toolkit frameworks, then the serving stacks.
func allFrameworks() []*Framework {
	return append(append([]*Framework(nil), frameworks...), stackFrameworks...)
}

// detectStack names the framework when the image or a stack's layout
// decides it, with the evidence; "" when neither does.
func detectStack(a *Archive) (string, string) {
	if im, ok := a.deployImage(); ok {
		switch {
		case !im.Known:
			return frameworkCustom, fmt.Sprintf("image %q is not a SageMaker framework image", a.Image)
		case im.Family == frameworkBuiltin:
			return frameworkBuiltin, fmt.Sprintf("image repository %q is a SageMaker built-in algorithm", im.Repository)
		case imageStacks[im.Family] != nil:
			return imageStacks[im.Family].Name, fmt.Sprintf("image repository %q", im.Repository)
		}
	}
	root := a.modelRoot()
	switch {
	case a.hasFile(path.Join(root, "serving.properties")):
		return lmiFramework.Name, fmt.Sprintf("%q at the model root", path.Join(root, "serving.properties"))
	case a.hasFile("config.pbtxt"):
		return tritonFramework.Name, fmt.Sprintf("%q at the root", "config.pbtxt")
	}
	for _, p := range a.regularFiles() {
		if dir, base := path.Split(p); base == "config.pbtxt" && strings.Count(dir, "/") == 1 {
			return tritonFramework.Name, fmt.Sprintf("model configuration %q", p)
		}
	}
	if m := path.Join(root, torchServeManifest); a.hasFile(m) {
		return pytorchFramework.Name, fmt.Sprintf("TorchServe manifest %q", m)
	}
	for _, p := range a.regularFiles() {
		if !strings.Contains(p, "/") && strings.HasSuffix(p, ".mar") {
			return pytorchFramework.Name, fmt.Sprintf("packed TorchServe archive %q", p)
		}
	}
	for _, p := range a.regularFiles() {
		if !strings.Contains(p, "/") && strings.HasSuffix(p, "-symbol.json") {
			return mxnetFramework.Name, fmt.Sprintf("MXNet checkpoint %q", p)
		}
	}
	return "", ""
}

// modelRoot returns the folder that the servers which descend into a lone
// top-level folder (LMI, TorchServe >= 0.8.1) take as the model: that
// folder when every entry (junk aside) is under it, else "" for the root.
func (a *Archive) modelRoot() string {
	top := ""
	for _, e := range a.Entries {
		if e.Path == "" || e.Unsafe != "" || junkRoot(e.Path) != "" {
			continue
		}
		first, _, nested := strings.Cut(e.Path, "/")
		if !nested && e.Type != artifact.TypeDir {
			return ""
		}
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	return top
}

// safetyRules are the rules that judge an artifact whatever serves it: the
// archive, the code's syntax and the model files' bytes. They are all that
// runs for built-in algorithm and custom images.
var safetyRules = map[string]bool{
	archiveCorrupt.ID: true, archiveEmpty.ID: true, archiveHiddenEntries.ID: true, archiveLimitExceeded.ID: true,
	duplicateEntry.ID: true, linkEntry.ID: true, memberTooLarge.ID: true, nestedArchive.ID: true, osJunk.ID: true,
	pathUnsafe.ID: true, s3PrefixNameClash.ID: true, s3PrefixNameInvalid.ID: true, setuidEntry.ID: true,
	specialEntry.ID: true, inferenceSyntaxError.ID: true,
	modelScanIncomplete.ID: true, modelZipIrregular.ID: true, npyObjectArray.ID: true, pickleMalformed.ID: true,
	pickleUnknownImport.ID: true, pickleUnsafeImport.ID: true, safetensorsInvalid.ID: true,
	imageURIInvalid.ID: true, instanceTypeInvalid.ID: true, modelDataInvalid.ID: true,
}

// toolkitRules are the rules about the SageMaker inference toolkit's script
// (code/inference.py and its handlers, SAGEMAKER_PROGRAM and
// SAGEMAKER_SUBMIT_DIRECTORY); stacks without the toolkit turn them off in
// their Checks.
var toolkitRules = []string{
	codeOutsideCodeDir.ID, inferenceScriptMissing.ID, handlerArity.ID, handlerConflict.ID, handlerDefaultUsed.ID,
	handlerMissing.ID, handlerNotModuleLevel.ID, handlerWrongFramework.ID, modelPathMismatch.ID,
	requirementsMissing.ID, envSubmitDirectoryIgnored.ID, envSubmitDirectoryUnused.ID,
}

// withoutToolkit returns checks with every toolkit rule that checks does
// not set turned off.
func withoutToolkit(checks map[string]func(*Archive) []Finding) map[string]func(*Archive) []Finding {
	for _, id := range toolkitRules {
		if _, ok := checks[id]; !ok {
			checks[id] = nil
		}
	}
	return checks
}

// ruleCheck returns the check that judges rule r on a: r's own, the
// framework's replacement for r's id, or nil when r does not apply.
func (a *Archive) ruleCheck(r Rule) func(*Archive) []Finding {
	if a.Framework == frameworkBuiltin || a.Framework == frameworkCustom {
		if !safetyRules[r.ID] {
			return nil
		}
		return r.Check
	}
	if r.ID == requirementsMissing.ID && a.multiModel() && slices.Contains(frameworks, a.fw) {
		return func(a *Archive) []Finding { return append(r.Check(a), multiModelRequirements(a)...) }
	}
	if a.fw == &pytorchFramework && (a.torchServe() != nil || a.packedMar() != "") {
		if c, ok := torchServeChecks[r.ID]; ok {
			return c
		}
	}
	if a.fw != nil && a.fw.Checks != nil {
		if c, ok := a.fw.Checks[r.ID]; ok {
			return c
		}
	}
	return r.Check
}

// stackEnv returns the value format of a variable the stack f reads outside
// the known prefixes, and whether f reads it; f may be nil.
func (f *Framework) stackEnv(name string) (deploy.ValueKind, bool) {
	if f == nil {
		return deploy.KindAny, false
	}
	k, ok := f.Env[name]
	return k, ok
}
