package rules

// TorchServe archives in the PyTorch container (aws/sagemaker-pytorch-
// inference-toolkit torchserve.py; pytorch/serve ModelArchive.java,
// ModelManager.java, model_loader.py). The rules are:
//   - The toolkit starts TorchServe on the folder /opt/ml/model: a packed
//     .mar in the tar is never unzipped; a lone sub-folder is the model.
//   - MAR-INF/MANIFEST.json brings its own handler, which wins over the
//     toolkit's: no model_fn and no TorchScript are needed then.
//   - A manifest handler "x.py[:fn]" is imported from the model folder,
//     else from ts.torch_handler.x; neither: ModuleNotFoundError.
//   - Built-in handlers load serializedFile; no weights: "No model weights
//     could be loaded".
//   - A manifest requirementsFile is installed only with
//     install_py_dep_per_model=true (default false).

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
)

// torchServeManifest is the manifest of an exploded .mar, relative to the
// model folder.
const torchServeManifest = "MAR-INF/MANIFEST.json"

// torchServeBuiltinHandlers are the handlers of ts.torch_handler.
var torchServeBuiltinHandlers = []string{"base_handler", "image_classifier", "image_segmenter", "object_detector",
	"text_classifier", "text_handler", "vision_handler", "densenet_handler"}

// marManifest is what mati reads of MAR-INF/MANIFEST.json.
type marManifest struct {
	// root is the model folder ("" or the lone folder), path is the
	// manifest's path.
	root, path string
	// Model holds the manifest's model section.
	Model struct {
		Handler          string `json:"handler"`
		SerializedFile   string `json:"serializedFile"`
		RequirementsFile string `json:"requirementsFile"`
	} `json:"model"`
	// err is set when the manifest is not valid JSON.
	err error
}

// torchServe returns the archive's TorchServe manifest, nil when it has
// none.
func (a *Archive) torchServe() *marManifest {
	root := a.modelRoot()
	p := path.Join(root, torchServeManifest)
	if !a.hasFile(p) {
		return nil
	}
	m := &marManifest{root: root, path: p}
	m.err = json.Unmarshal(a.Files[p], m)
	return m
}

// torchServeChecks replace generic rules for a PyTorch artifact that is an
// exploded .mar: its handler replaces the toolkit's.
var torchServeChecks = map[string]func(*Archive) []Finding{
	modelFileMissing.ID:   nil, // torchserve-archive-invalid: no weights, or a packed .mar
	handlerMissing.ID:     nil,
	handlerDefaultUsed.ID: nil,
	nestedRoot.ID:         nil,
	requirementsMissing.ID: func(a *Archive) []Finding {
		m := a.torchServe()
		if m == nil || m.err != nil || m.Model.RequirementsFile == "" || a.hasFile("code/requirements.txt") {
			return nil
		}
		return []Finding{a.Finding(requirementsMissing, m.path, 0, 0,
			"the manifest's requirementsFile %q is installed only with install_py_dep_per_model=true, which the SageMaker PyTorch container does not set", m.Model.RequirementsFile)}
	},
}

// handlerModule returns the module file a manifest handler names:
// "handler.py:fn" -> "handler.py", "my_handler" -> "my_handler.py".
func handlerModule(h string) string {
	mod, _, _ := strings.Cut(h, ":")
	if !strings.HasSuffix(mod, ".py") {
		mod += ".py"
	}
	return mod
}

// isBuiltinTorchHandler reports whether h names a ts.torch_handler module.
func isBuiltinTorchHandler(h string) bool {
	mod, _, _ := strings.Cut(h, ":")
	return slices.Contains(torchServeBuiltinHandlers, strings.TrimSuffix(mod, ".py"))
}

// packedMar returns a packed .mar at the root, "" if there is none.
func (a *Archive) packedMar() string {
	for _, p := range a.regularFiles() {
		if !strings.Contains(p, "/") && strings.HasSuffix(p, ".mar") {
			return p
		}
	}
	return ""
}
