package rules

// Triton (triton-inference-server/server docker/sagemaker/serve, core
// model_lifecycle.cc and model_repository_manager.cc, python_backend) as it
// reads an artifact. The rules are:
//   - /opt/ml/model is the model repository: config.pbtxt at its root
//     stops the serve script ("Incorrect directory structure").
//   - SAGEMAKER_TRITON_DEFAULT_MODEL_NAME must name a top-level folder;
//     without it the top-level folders (hidden ones included, files not)
//     are counted: none fails, one is loaded, several fail.
//   - A model's version folders are integers without leading zeros; at
//     least one is needed. The config's name, when set, equals the folder.
//   - The Python backend needs <model>/<version>/model.py (or
//     default_model_filename).
//   - With SAGEMAKER_MULTI_MODEL=true the serve script's checks are
//     skipped: the archive is one model (config.pbtxt at its root) or holds
//     model folders.

import (
	"regexp"
	"slices"
	"strings"

	"github.com/mati-dev/mati/artifact"
)

var tritonFramework = Framework{
	Name: "triton",
	Model: []string{"*.onnx", "*.plan", "*.pt", "*.savedmodel", "model.graphdef", "model.netdef", "saved_model.pb",
		"variables.index", "variables.data-*", "*.engine", "*.so", "model.py", "*.safetensors", "*.bin"},
	Metadata:     []string{"config.pbtxt", "*.json", "*.txt", "*.yaml", "*.yml", "*.md"},
	DefaultModel: "<model>/config.pbtxt and <model>/1/<model file>",
	Checks: withoutToolkit(map[string]func(*Archive) []Finding{
		modelFileMissing.ID: nil, // triton-repository-invalid says what is missing
		nestedRoot.ID:       nil, // one model folder is the repository's layout
	}),
}

// tritonVersionRE matches the version folder names Triton loads: "1", "10";
// not "01", "v1" or "-1".
var tritonVersionRE = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

// tritonTopDirs returns the top-level folders of the repository, sorted, as
// the serve script counts them (find -type d: hidden ones included).
func (a *Archive) tritonTopDirs() []string {
	var dirs []string
	for _, e := range a.Entries {
		if e.Unsafe != "" || e.Path == "" {
			continue
		}
		first, _, nested := strings.Cut(e.Path, "/")
		if nested || e.Type == artifact.TypeDir {
			dirs = append(dirs, first)
		}
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

// tritonConfig is what mati reads of a config.pbtxt: its top-level scalar
// fields.
type tritonConfig struct {
	// fields maps a top-level field to its value, quotes removed.
	fields map[string]string
}

// parseTritonConfig reads the top-level scalar fields of a model
// configuration in protobuf text format, skipping nested messages, lists
// and comments:
//
//	name: "resnet"\nbackend: "onnxruntime"  -> name=resnet, backend=onnxruntime
//	input [ { name: "x" } ]                 -> nothing (nested)
//	default_model_filename: "m.py"          -> default_model_filename=m.py
func parseTritonConfig(b []byte) tritonConfig {
	cfg := tritonConfig{fields: map[string]string{}}
	s := string(b)
	depth := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i = skipQuoted(s, i)
		case c == '{' || c == '[' || c == '<':
			depth++
			i++
		case c == '}' || c == ']' || c == '>':
			depth = max(depth-1, 0)
			i++
		case depth == 0 && (c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			key := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			if k < len(s) && s[k] == ':' {
				k++
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if k < len(s) && (s[k] == '"' || s[k] == '\'') {
					end := skipQuoted(s, k)
					if _, seen := cfg.fields[key]; !seen {
						cfg.fields[key] = strings.TrimSuffix(s[k+1:end], s[k:k+1])
					}
					i = end
					continue
				}
				v := k
				for v < len(s) && !strings.ContainsRune(" \t\r\n{[<", rune(s[v])) {
					v++
				}
				if _, seen := cfg.fields[key]; !seen && v > k {
					cfg.fields[key] = s[k:v]
				}
				i = max(v, k)
				continue
			}
			i = j
		default:
			i++
		}
	}
	return cfg
}

// skipQuoted returns the index after the quoted string starting at s[i].
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q, '\n':
			return j + 1
		}
	}
	return len(s)
}
