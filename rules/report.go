package rules

import "github.com/mati-dev/mati/deploy"

// SchemaVersion is the version of the JSON document. Changing the document's
// shape bumps it.
const SchemaVersion = 1

// Report is the result of inspecting one or more artifacts: the JSON
// document of mati check, scan and builder.
type Report struct {
	SchemaVersion int      `json:"schema_version"`
	Artifacts     []Result `json:"artifacts"`
	Summary       Summary  `json:"summary"`
}

// Result is what was found in one artifact.
type Result struct {
	// Source is the artifact as the user named it.
	Source string `json:"source"`
	// Framework is "xgboost", "pytorch", "sklearn", "tensorflow",
	// "huggingface" or "unknown".
	Framework string `json:"framework"`
	// FrameworkReason says what the framework detection was based on.
	FrameworkReason string `json:"framework_reason"`
	// Format is "tar.gz", "tar", "folder" or "s3-prefix"; "" when the
	// artifact could not be read.
	Format string `json:"format"`
	// TotalSize is the sum of the declared sizes of the regular files.
	TotalSize int64 `json:"total_size"`
	// Entries are the artifact's members in archive order.
	Entries []EntryView `json:"entries"`
	// Expected are files the framework's container looks for that are
	// missing from the artifact.
	Expected []ExpectedFile `json:"expected"`
	// Handlers are the handlers found in the inference script.
	Handlers []HandlerView `json:"handlers"`
	// Findings are sorted by path, line, column, rule and message.
	Findings []Finding `json:"findings"`
	// Error is set when the artifact could not be inspected at all.
	Error string `json:"error"`
	// Cached is set when the result was reused from a scan cache
	// (mati scan --cache) rather than inspected again.
	Cached bool `json:"cached,omitempty"`
	// Container is the container the artifact was judged for (a container
	// of a model definition, or the --image, --env and --instance-type
	// flags); nil for an artifact judged without one.
	Container *deploy.ContainerView `json:"container,omitempty"`
	// Suppressed are the findings an ignore comment, an ignore entry of the
	// configuration or the baseline suppressed, sorted like Findings; they
	// count for neither --fail-on nor the severity totals. Absent when
	// there are none.
	Suppressed []SuppressedFinding `json:"suppressed,omitempty"`
}

// WithEmptyLists returns r with its nil lists made empty, so that the JSON
// document has [] and never null, however the result was built or decoded.
func (r Result) WithEmptyLists() Result {
	r.Entries = orEmpty(r.Entries)
	r.Expected = orEmpty(r.Expected)
	r.Handlers = orEmpty(r.Handlers)
	r.Findings = orEmpty(r.Findings)
	return r
}

// orEmpty returns s, or an empty slice when s is nil.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// EntryView is one member as reported.
type EntryView struct {
	Path string `json:"path"`
	Type string `json:"type"` // "file" | "dir" | "symlink" | "hardlink" | "other"
	Size int64  `json:"size"`
	Mode int64  `json:"mode"`
	Link string `json:"link,omitempty"`
	Role Role   `json:"role"`
}

// ExpectedFile is a file the container looks for that is not in the artifact.
type ExpectedFile struct {
	Path string `json:"path"` // a path or a pattern such as "*.pt"
	Role Role   `json:"role"`
}

// HandlerView is one handler as reported.
type HandlerView struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Line   int    `json:"line"`   // 1-based; 0 when missing
	Params int    `json:"params"` // positional parameters; -1 means any
	Status string `json:"status"` // "found" | "missing" | "wrong arity" | "ignored"
}

// Summary counts artifacts and findings over a report.
type Summary struct {
	Artifacts int `json:"artifacts"`
	Failed    int `json:"failed"` // artifacts that could not be inspected
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
	// Suppressed counts the suppressed findings; absent when there are none.
	Suppressed int `json:"suppressed,omitempty"`
}

// Role is what an entry is for.
type Role string

// The roles of entries.
const (
	RoleModel         Role = "model"
	RoleCode          Role = "code"
	RoleDependencies  Role = "dependencies"
	RoleMetadata      Role = "metadata"
	RolePreprocessing Role = "preprocessing"
	RoleJunk          Role = "junk"
	RoleUnexpected    Role = "unexpected"
)
