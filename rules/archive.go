package rules

import (
	"path"
	"strings"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/inference"
	"github.com/mati-dev/mati/modelfile"
)

// Archive is everything the checks know about one artifact: the entry index,
// the members that were read, the environment the container will see, and
// the facts about the inference script.
type Archive struct {
	// Name is the artifact's name as the user wrote it.
	Name string
	// Format is "tar.gz", "tar", "folder" or "s3-prefix".
	Format string
	// Entries are all members in archive order, duplicates included.
	Entries []artifact.Entry
	// Files holds the content of the members that were read, by normalised
	// path (the last one wins for duplicates). Each is at most ReadCap bytes.
	Files map[string][]byte
	// OverCap lists members that a check wanted but that exceed ReadCap,
	// with their declared size.
	OverCap map[string]int64
	// Env is the environment the container will see: the user's --env values
	// over the defaults the SageMaker Python SDK sets.
	Env map[string]string
	// Framework is the detected (or forced) framework name, "unknown" if none.
	Framework string
	// FrameworkReason says what the detection was based on.
	FrameworkReason string
	// ScriptPath is the normalised path of the inference script that was
	// analysed, "" if there is none.
	ScriptPath string
	// Script holds the facts about the inference script, nil if there is none.
	Script *inference.Script
	// Image is the container image URI the model runs in ("" unknown).
	Image string
	// InstanceType is the endpoint's instance type ("" unknown).
	InstanceType string
	// Region is the model's AWS region ("" unknown).
	Region string
	// UserEnv holds only the variables the user gave.
	UserEnv map[string]string
	// ScriptErr is the error Scan returned for the script (invalid UTF-8).
	ScriptErr error
	// Expected collects files the container looks for that are missing; the
	// checks add to it.
	Expected []ExpectedFile
	// fw is the framework's table, nil when unknown.
	fw *Framework
	// roles are the roles of Entries, index for index.
	roles []Role
	// files and fileSet list the safe regular files (see indexFiles).
	files   []string
	fileSet map[string]bool
	// Models holds what the model-file scan found in each member that is a
	// model format (by normalised path; the last one wins for duplicates).
	Models map[string]*modelfile.Report
	// TopKinds is the sniffed kind of every top-level regular file.
	TopKinds map[string]modelfile.Kind
	// ModelData is where the CreateModel container that names the artifact
	// takes its model data from, nil when no CreateModel document named it.
	ModelData *deploy.ModelData
	// HiddenAfterEnd says a valid header follows the archive's end (a lone
	// zero block): those entries are never extracted.
	HiddenAfterEnd bool
	// MultiModel says the artifact is judged as one model of a multi-model
	// endpoint (mati scan --multi-model, or a multi-model prefix).
	MultiModel bool
	// ReadErr is the error that stopped the walk early (corrupt gzip or tar,
	// a limit), nil if the whole artifact was read.
	ReadErr error
}

// codeScripts returns the regular Python files under code/, in archive
// order.
func (a *Archive) codeScripts() []string {
	var out []string
	for _, e := range a.Entries {
		if e.Unsafe == "" && e.Type == artifact.TypeFile && strings.HasPrefix(e.Path, "code/") && strings.HasSuffix(e.Path, ".py") {
			out = append(out, e.Path)
		}
	}
	return out
}

// submitDir is where a scikit-learn or XGBoost container takes its code
// from.
type submitDir struct {
	family     string // the image's family: "sklearn" or "xgboost"
	dir        string // SAGEMAKER_SUBMIT_DIRECTORY
	set        bool   // SAGEMAKER_SUBMIT_DIRECTORY is set
	inArtifact bool   // it names the artifact's code/
}

// submitDirectory returns where the container takes its code from, and
// false for images other than scikit-learn's and XGBoost's, or unknown ones.
func (a *Archive) submitDirectory() (submitDir, bool) {
	im, known := a.deployImage()
	if !known || !im.Known || (im.Family != "sklearn" && im.Family != "xgboost") {
		return submitDir{}, false
	}
	dir, set := a.Env["SAGEMAKER_SUBMIT_DIRECTORY"]
	return submitDir{family: im.Family, dir: dir, set: set, inArtifact: set && path.Clean(dir) == deploy.SubmitDirectoryInArtifact}, true
}

// deployImage returns the parsed container image, and false when no image
// was given or it is not an image URI (image-uri-invalid reports that).
func (a *Archive) deployImage() (deploy.Image, bool) {
	if a.Image == "" {
		return deploy.Image{}, false
	}
	im, err := deploy.ParseImage(a.Image)
	return im, err == nil
}

// imageOnInstance returns the parsed image and instance type, and false when
// either is unknown or the image runs on any processor.
func (a *Archive) imageOnInstance() (deploy.Image, deploy.InstanceType, bool) {
	im, ok := a.deployImage()
	if !ok || !im.Known || im.Processor == deploy.ProcessorAny || a.InstanceType == "" {
		return deploy.Image{}, deploy.InstanceType{}, false
	}
	it, err := deploy.ParseInstanceType(a.InstanceType)
	if err != nil {
		return deploy.Image{}, deploy.InstanceType{}, false
	}
	return im, it, true
}

// torchCandidates returns the top-level *.pt and *.pth files the PyTorch
// default loader chooses from (AppleDouble ._ files count, as they do there).
func (a *Archive) torchCandidates() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range a.regularFiles() {
		if strings.Contains(p, "/") || seen[p] {
			continue
		}
		if strings.HasSuffix(p, ".pt") || strings.HasSuffix(p, ".pth") {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// regularFiles returns the safe paths of the regular files, in order
// (duplicates included). The caller must not modify the slice.
func (a *Archive) regularFiles() []string {
	a.indexFiles()
	return a.files
}

// algorithmMode reports whether the container ignores the code and loads
// every top-level file as the model (XGBoost without SAGEMAKER_PROGRAM).
func (a *Archive) algorithmMode() bool {
	return a.fw != nil && a.fw.AlgorithmMode && !a.scriptMode()
}

// scriptMode reports whether the container imports an inference script:
// SAGEMAKER_PROGRAM is set (by the user or by the SDK's repacking).
func (a *Archive) scriptMode() bool {
	return a.Env["SAGEMAKER_PROGRAM"] != ""
}

// isNestedArchive reports whether p is named like an archive that is not a
// model format.
func isNestedArchive(p string) bool {
	base := strings.ToLower(path.Base(p))
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// nestedRoot returns the one top-level folder that holds every entry (junk
// aside), or "" if the layout is flat. A TensorFlow "<name>/<version>/"
// layout and the code/ folder are not nested roots.
func (a *Archive) nestedRoot() string {
	top := ""
	files := 0
	for _, e := range a.Entries {
		if e.Path == "" || e.Unsafe != "" || junkRoot(e.Path) != "" {
			continue
		}
		first, _, found := strings.Cut(e.Path, "/")
		if !found && e.Type != artifact.TypeDir {
			return ""
		}
		if top != "" && first != top {
			return ""
		}
		top = first
		if e.Type != artifact.TypeDir {
			files++
		}
	}
	if top == "" || top == "code" || files == 0 {
		return ""
	}
	for _, e := range a.Entries {
		if path.Base(e.Path) == "saved_model.pb" {
			parts := strings.Split(e.Path, "/")
			// <name>/<version>/saved_model.pb is TensorFlow Serving's
			// layout; <name>/saved_model.pb lacks the version folder,
			// which tensorflow-version-dir-missing reports.
			if len(parts) == 3 && isDigits(parts[1]) || len(parts) == 2 {
				return ""
			}
		}
	}
	if isDigits(top) {
		return ""
	}
	return top
}

// hasSavedModel reports whether the archive holds a SavedModel that
// TensorFlow Serving loads: **/<digits>/saved_model.pb.
func (a *Archive) hasSavedModel() bool {
	for _, e := range a.Entries {
		if e.Type == artifact.TypeFile && path.Base(e.Path) == "saved_model.pb" && isDigits(path.Base(path.Dir(e.Path))) && junkRoot(e.Path) == "" {
			return true
		}
	}
	return false
}
