package rules

import (
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
