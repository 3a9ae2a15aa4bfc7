package deploy

// The rules for environment variables are:
//   - Names with the prefixes SAGEMAKER_, SM_, HF_ and TS_ belong to the
//     serving containers, SageMaker or the libraries they run; a name with
//     one of these prefixes that none of them reads is a likely typo.
//   - Some families are open-ended (SM_HP_*, SM_CHANNEL_*, HF_HUB_*,
//     HF_DATASETS_*, HF_XET_*): any name under them is known.
//   - A value is checked only for variables whose reader parses it: the
//     toolkits call int() on timeouts, worker counts, the log level and the
//     SAGEMAKER_TS_* settings, the TensorFlow Serving container raises
//     ValueError unless SAGEMAKER_MULTI_MODEL and SAGEMAKER_TFS_ENABLE_BATCHING
//     are "true" or "false" in any case, and the Hugging Face toolkit reads
//     HF_TRUST_REMOTE_CODE with strtobool.

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalidEnvValue is wrapped by the errors of [CheckEnvValue].
var ErrInvalidEnvValue = errors.New("invalid environment value")

// ValueKind says what values an environment variable accepts.
type ValueKind int

// The value kinds.
const (
	// KindAny accepts any value.
	KindAny ValueKind = iota
	// KindInt is a base-10 integer, as Python's int() reads it.
	KindInt
	// KindPositiveInt is a base-10 integer greater than zero.
	KindPositiveInt
	// KindFloat is a decimal number, as Python's float() reads it.
	KindFloat
	// KindTrueFalse is "true" or "false", in any case.
	KindTrueFalse
	// KindStrToBool is one of strtobool's words: y, yes, t, true, on, 1, n,
	// no, f, false, off, 0, in any case.
	KindStrToBool
	// KindModule is the user's module: a Python module name, with or without
	// ".py", never a path.
	KindModule
	// KindSubmitDirectory is a folder in the container (/opt/ml/model/code)
	// or the s3:// URI of a sourcedir.tar.gz.
	KindSubmitDirectory
	// KindPortRange is "<low>-<high>".
	KindPortRange
	// KindTritonInferenceType is "infer", "generate" or "generate_stream"
	// (the Triton image's SAGEMAKER_TRITON_INFERENCE_TYPE).
	KindTritonInferenceType
)

// String returns the kind as the error messages describe it.
func (k ValueKind) String() string {
	switch k {
	case KindInt:
		return "an integer"
	case KindPositiveInt:
		return "a positive integer"
	case KindFloat:
		return "a number"
	case KindTrueFalse:
		return `"true" or "false"`
	case KindStrToBool:
		return "one of y, yes, t, true, on, 1, n, no, f, false, off, 0"
	case KindModule:
		return `a Python module name such as "inference.py"`
	case KindSubmitDirectory:
		return `"/opt/ml/model/code" or an s3:// URI of a sourcedir.tar.gz`
	case KindPortRange:
		return `a port range such as "10000-10999"`
	case KindTritonInferenceType:
		return `"infer", "generate" or "generate_stream"`
	}
	return "any value"
}

// EnvVar is an environment variable a serving container, SageMaker or a
// library in the containers reads.
type EnvVar struct {
	// Name is the variable's name.
	Name string
	// Kind is what values it accepts.
	Kind ValueKind
}

// SubmitDirectoryInArtifact is the SAGEMAKER_SUBMIT_DIRECTORY value that
// makes the scikit-learn and XGBoost containers use the code inside the
// artifact.
const SubmitDirectoryInArtifact = "/opt/ml/model/code"

// knownEnv are the variables the containers read, with their value kinds.
var knownEnv = map[string]ValueKind{
	// sagemaker-inference-toolkit, sagemaker-containers and the SDK.
	"SAGEMAKER_BASE_DIR":                        KindAny,
	"SAGEMAKER_PROGRAM":                         KindModule,
	"SAGEMAKER_SUBMIT_DIRECTORY":                KindSubmitDirectory,
	"SAGEMAKER_CONTAINER_LOG_LEVEL":             KindInt,
	"SAGEMAKER_REGION":                          KindAny,
	"SAGEMAKER_ENABLE_CLOUDWATCH_METRICS":       KindAny,
	"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT":      KindAny,
	"SAGEMAKER_MODEL_SERVER_WORKERS":            KindPositiveInt,
	"SAGEMAKER_MODEL_SERVER_TIMEOUT":            KindPositiveInt,
	"SAGEMAKER_MODEL_SERVER_VMARGS":             KindAny,
	"SAGEMAKER_ADDITIONAL_MODEL_SERVER_OPTIONS": KindAny,
	"SAGEMAKER_BIND_TO_PORT":                    KindPositiveInt,
	"SAGEMAKER_SAFE_PORT_RANGE":                 KindPortRange,
	"SAGEMAKER_MULTI_MODEL":                     KindTrueFalse,
	"SAGEMAKER_MULTI_MODEL_UNIVERSAL_BUCKET":    KindAny,
	"SAGEMAKER_MULTI_MODEL_UNIVERSAL_PREFIX":    KindAny,
	"SAGEMAKER_HANDLER":                         KindAny,
	"SAGEMAKER_MAX_PAYLOAD_IN_MB":               KindPositiveInt,
	"SAGEMAKER_MAX_REQUEST_SIZE":                KindPositiveInt,
	"SAGEMAKER_BATCH":                           KindAny,
	"SAGEMAKER_INFERENCE_ACCELERATOR_PRESENT":   KindAny,
	// sagemaker-pytorch-inference-toolkit (TorchServe).
	"SAGEMAKER_TS_BATCH_SIZE":       KindPositiveInt,
	"SAGEMAKER_TS_MAX_BATCH_DELAY":  KindInt,
	"SAGEMAKER_TS_MIN_WORKERS":      KindInt,
	"SAGEMAKER_TS_MAX_WORKERS":      KindPositiveInt,
	"SAGEMAKER_TS_RESPONSE_TIMEOUT": KindPositiveInt,
	// sagemaker-tensorflow-serving-container.
	"SAGEMAKER_TFS_VERSION":                   KindAny,
	"SAGEMAKER_TFS_DEFAULT_MODEL_NAME":        KindAny,
	"SAGEMAKER_TFS_NGINX_LOGLEVEL":            KindAny,
	"SAGEMAKER_TFS_ENABLE_BATCHING":           KindTrueFalse,
	"SAGEMAKER_TFS_MAX_BATCH_SIZE":            KindPositiveInt,
	"SAGEMAKER_TFS_BATCH_TIMEOUT_MICROS":      KindInt,
	"SAGEMAKER_TFS_NUM_BATCH_THREADS":         KindPositiveInt,
	"SAGEMAKER_TFS_MAX_ENQUEUED_BATCHES":      KindPositiveInt,
	"SAGEMAKER_TFS_INSTANCE_COUNT":            KindPositiveInt,
	"SAGEMAKER_TFS_FRACTIONAL_GPU_MEM_MARGIN": KindFloat,
	"SAGEMAKER_TFS_INTER_OP_PARALLELISM":      KindInt,
	"SAGEMAKER_TFS_INTRA_OP_PARALLELISM":      KindInt,
	"SAGEMAKER_GUNICORN_WORKERS":              KindPositiveInt,
	"SAGEMAKER_GUNICORN_THREADS":              KindPositiveInt,
	"SAGEMAKER_GUNICORN_WORKER_CLASS":         KindAny,
	"SAGEMAKER_GUNICORN_LOGLEVEL":             KindAny,
	// LMI (DJL Serving): ModelInfo.java, PyEnv.java.
	"SAGEMAKER_NUM_MODEL_WORKERS":            KindPositiveInt,
	"SAGEMAKER_STARTUP_TIMEOUT":              KindInt,
	"SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS": KindInt,
	// Triton (triton-inference-server/server docker/sagemaker/serve).
	"SAGEMAKER_TRITON_DEFAULT_MODEL_NAME":          KindAny,
	"SAGEMAKER_TRITON_INFERENCE_TYPE":              KindTritonInferenceType,
	"SAGEMAKER_TRITON_OVERRIDE_PING_MODE":          KindAny,
	"SAGEMAKER_TRITON_DISABLE_MODEL_NAMESPACING":   KindAny,
	"SAGEMAKER_TRITON_ALLOW_GRPC":                  KindAny,
	"SAGEMAKER_TRITON_ALLOW_METRICS":               KindAny,
	"SAGEMAKER_TRITON_METRICS_PORT":                KindPositiveInt,
	"SAGEMAKER_TRITON_GRPC_PORT":                   KindPositiveInt,
	"SAGEMAKER_TRITON_BUFFER_MANAGER_THREAD_COUNT": KindInt,
	"SAGEMAKER_TRITON_THREAD_COUNT":                KindInt,
	"SAGEMAKER_TRITON_LOG_VERBOSE":                 KindAny,
	"SAGEMAKER_TRITON_LOG_INFO":                    KindAny,
	"SAGEMAKER_TRITON_LOG_WARNING":                 KindAny,
	"SAGEMAKER_TRITON_LOG_ERROR":                   KindAny,
	"SAGEMAKER_TRITON_SHM_DEFAULT_BYTE_SIZE":       KindInt,
	"SAGEMAKER_TRITON_SHM_GROWTH_BYTE_SIZE":        KindInt,
	"SAGEMAKER_TRITON_TENSORFLOW_VERSION":          KindAny,
	"SAGEMAKER_TRITON_MODEL_LOAD_GPU_LIMIT":        KindAny,
	"SAGEMAKER_TRITON_ADDITIONAL_ARGS":             KindAny,
	// SageMaker and the large-model containers.
	"SM_NUM_GPUS":        KindInt,
	"SM_NUM_CPUS":        KindInt,
	"SM_NUM_NEURONS":     KindInt,
	"SM_MODEL_DIR":       KindAny,
	"SM_LOG_LEVEL":       KindAny,
	"SM_HOSTS":           KindAny,
	"SM_CURRENT_HOST":    KindAny,
	"SM_OUTPUT_DATA_DIR": KindAny,
	// sagemaker-huggingface-inference-toolkit, TGI, TEI and huggingface_hub.
	"HF_TASK":                    KindAny,
	"HF_MODEL_ID":                KindAny,
	"HF_MODEL_REVISION":          KindAny,
	"HF_MODEL_DIR":               KindAny,
	"HF_API_TOKEN":               KindAny,
	"HF_TOKEN":                   KindAny,
	"HF_TOKEN_PATH":              KindAny,
	"HF_TRUST_REMOTE_CODE":       KindStrToBool,
	"HF_DEFAULT_PIPELINE_NAME":   KindAny,
	"HF_MODEL_QUANTIZE":          KindAny,
	"HF_MODEL_TRUST_REMOTE_CODE": KindAny,
	"HF_NUM_CORES":               KindPositiveInt,
	"HF_BATCH_SIZE":              KindPositiveInt,
	"HF_SEQUENCE_LENGTH":         KindPositiveInt,
	"HF_AUTO_CAST_TYPE":          KindAny,
	"HF_OPTIMUM_BATCH_SIZE":      KindPositiveInt,
	"HF_OPTIMUM_SEQUENCE_LENGTH": KindPositiveInt,
	"HF_HOME":                    KindAny,
	"HF_ENDPOINT":                KindAny,
	"HF_ASSETS_CACHE":            KindAny,
	// TorchServe configuration through TS_* (enable_envvars_config).
	"TS_INFERENCE_ADDRESS":           KindAny,
	"TS_MANAGEMENT_ADDRESS":          KindAny,
	"TS_METRICS_ADDRESS":             KindAny,
	"TS_MODEL_STORE":                 KindAny,
	"TS_LOAD_MODELS":                 KindAny,
	"TS_DEFAULT_WORKERS_PER_MODEL":   KindPositiveInt,
	"TS_DEFAULT_RESPONSE_TIMEOUT":    KindPositiveInt,
	"TS_UNREGISTER_MODEL_TIMEOUT":    KindPositiveInt,
	"TS_MAX_REQUEST_SIZE":            KindPositiveInt,
	"TS_MAX_RESPONSE_SIZE":           KindPositiveInt,
	"TS_JOB_QUEUE_SIZE":              KindPositiveInt,
	"TS_NUMBER_OF_NETTY_THREADS":     KindPositiveInt,
	"TS_NETTY_CLIENT_THREADS":        KindPositiveInt,
	"TS_NUMBER_OF_GPU":               KindInt,
	"TS_ENABLE_ENVVARS_CONFIG":       KindAny,
	"TS_INSTALL_PY_DEP_PER_MODEL":    KindAny,
	"TS_ASYNC_LOGGING":               KindAny,
	"TS_DISABLE_TOKEN_AUTHORIZATION": KindAny,
	"TS_ENABLE_MODEL_API":            KindAny,
	"TS_DISABLE_SYSTEM_METRICS":      KindAny,
	"TS_METRICS_MODE":                KindAny,
	"TS_METRICS_CONFIG":              KindAny,
	"TS_CONFIG_FILE":                 KindAny,
	"TS_WORKFLOW_STORE":              KindAny,
	"TS_PREFER_DIRECT_BUFFER":        KindAny,
	"TS_ALLOWED_URLS":                KindAny,
	"TS_CORS_ALLOWED_ORIGIN":         KindAny,
	"TS_CORS_ALLOWED_METHODS":        KindAny,
	"TS_CORS_ALLOWED_HEADERS":        KindAny,
	"TS_SERVICE_ENVELOPE":            KindAny,
	"TS_CPU_LAUNCHER_ENABLE":         KindAny,
	"TS_CPU_LAUNCHER_ARGS":           KindAny,
	"TS_IPEX_ENABLE":                 KindAny,
	"TS_MODEL_SERVER_HOME":           KindAny,
}

// checkedPrefixes are the name prefixes whose variables [LookupEnv] judges;
// names without one of them are the user's own.
var checkedPrefixes = []string{"SAGEMAKER_", "SM_", "HF_", "TS_"}

// openPrefixes are families of names that are all known: training
// hyperparameters and channels, and the huggingface_hub, datasets and Xet
// settings.
var openPrefixes = []string{"SM_HP_", "SM_CHANNEL_", "SM_USER_", "HF_HUB_", "HF_DATASETS_", "HF_XET_"}

// IsCheckedEnvName reports whether name has a prefix (SAGEMAKER_, SM_, HF_,
// TS_) under which every variable should be one the containers know.
func IsCheckedEnvName(name string) bool {
	for _, p := range checkedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// LookupEnv returns what is known about the environment variable name, and
// whether it is known. Names in open families such as SM_HP_* are known with
// KindAny.
func LookupEnv(name string) (EnvVar, bool) {
	if k, ok := knownEnv[name]; ok {
		return EnvVar{Name: name, Kind: k}, true
	}
	for _, p := range openPrefixes {
		if strings.HasPrefix(name, p) {
			return EnvVar{Name: name, Kind: KindAny}, true
		}
	}
	return EnvVar{}, false
}

// KnownEnvNames returns the names of the known variables, sorted.
func KnownEnvNames() []string {
	names := make([]string, 0, len(knownEnv))
	for n := range knownEnv {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// CheckEnvValue returns an error wrapping [ErrInvalidEnvValue] when the
// container reading name would reject value (or, for SAGEMAKER_PROGRAM,
// fail to import it). Unknown names and values of kind KindAny are never
// rejected.
func CheckEnvValue(name, value string) error {
	v, ok := LookupEnv(name)
	if !ok || v.Kind.accepts(value) {
		return nil
	}
	return fmt.Errorf("%w: %s=%q: want %s", ErrInvalidEnvValue, name, value, v.Kind)
}

// CheckEnvKind returns an error wrapping [ErrInvalidEnvValue] when value is
// not of kind, for a variable name that a serving stack reads outside the
// known prefixes (TGI's MAX_TOTAL_TOKENS, say).
func CheckEnvKind(name, value string, kind ValueKind) error {
	if kind.accepts(value) {
		return nil
	}
	return fmt.Errorf("%w: %s=%q: want %s", ErrInvalidEnvValue, name, value, kind)
}

// strToBoolWords are the words Python's strtobool accepts.
var strToBoolWords = []string{"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}

// notModuleExts are file extensions that a SAGEMAKER_PROGRAM value cannot
// end with: the toolkit imports the value as a module after removing ".py".
var notModuleExts = []string{".ipynb", ".pyc", ".sh", ".txt", ".json", ".pkl", ".zip", ".gz", ".tar"}

// accepts reports whether the container accepts value for a variable of
// kind k.
func (k ValueKind) accepts(value string) bool {
	switch k {
	case KindInt:
		_, err := pyInt(value)
		return err == nil
	case KindPositiveInt:
		n, err := pyInt(value)
		return err == nil && n > 0
	case KindFloat:
		_, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		return err == nil
	case KindTrueFalse:
		l := strings.ToLower(value)
		return l == "true" || l == "false"
	case KindStrToBool:
		return slices.Contains(strToBoolWords, strings.ToLower(value))
	case KindModule:
		// "inference.py" and "inference" work; "code/inference.py",
		// "inference.ipynb" and "" do not.
		if strings.TrimSpace(value) == "" || strings.ContainsAny(value, `/\`) {
			return false
		}
		lower := strings.ToLower(value)
		for _, ext := range notModuleExts {
			if strings.HasSuffix(lower, ext) {
				return false
			}
		}
		return true
	case KindSubmitDirectory:
		if strings.HasPrefix(value, "s3://") {
			return len(value) > len("s3://")
		}
		return path.IsAbs(value)
	case KindPortRange:
		lo, hi, ok := strings.Cut(value, "-")
		if !ok {
			return false
		}
		l, err1 := pyInt(lo)
		h, err2 := pyInt(hi)
		return err1 == nil && err2 == nil && l > 0 && l <= h && h < 65536
	case KindTritonInferenceType:
		return value == "infer" || value == "generate" || value == "generate_stream"
	}
	return true
}

// pyInt parses s as Python's int() does for the values the containers see:
// surrounding blanks allowed, an optional sign, decimal digits, and
// underscores between digits.
func pyInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
}

// SuggestEnv returns the known variable nearest to name by edit distance
// ("SAGEMAKER_PROGRAMM" -> "SAGEMAKER_PROGRAM"), and false when none is close
// enough to be a likely typo. Ties go to the alphabetically first name.
func SuggestEnv(name string) (string, bool) {
	best, bestD := "", -1
	for _, n := range KnownEnvNames() {
		d := editDistance(strings.ToUpper(name), n)
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= 0 || bestD > 3 || bestD*4 > len(name) {
		return "", false
	}
	return best, true
}

// editDistance returns the Levenshtein distance between a and b, counting
// bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
