package modelfile

// This file classifies pickle imports. The rules are:
//   - Dangerous: a known way to run code or touch the system on load
//     (SAGEMAKER.md §6, the set picklescan, modelscan and fickling flag),
//     plus loaders that unpickle another file or buffer (torch.load,
//     numpy.load with allow_pickle passed positionally, joblib.load), since
//     they chain to an unscanned pickle;
//   - Allowed: what torch, numpy, scikit-learn, scipy.sparse, xgboost,
//     joblib, collections and copyreg legitimately emit. Prefix entries
//     ("sklearn.") admit only class names (an upper-case first letter), so a
//     module-level function of an allowed package is still Unknown;
//   - a module or name that is not a constant string ("?": computed at load
//     time, e.g. by STACK_GLOBAL over a call's result) is Dangerous: it is a
//     known way to hide an import;
//   - plain data containers of pandas and xarray, collections.abc and
//     __future__ are Allowed; their I/O, computation and backend modules
//     (pandas.io, pandas.core.computation, xarray.backends), which can open
//     files or evaluate expressions, are not;
//   - Unknown: everything else. Unknown is suspicious, never safe.

import (
	"strings"
)

// Class is how an import is judged: an ordered enum, the worst is highest.
type Class int

// The import classes, from safe to worst.
const (
	// Allowed is an import on the allowlist of what model libraries need.
	Allowed Class = iota
	// Unknown is an import outside the allowlist (suspicious).
	Unknown
	// Dangerous is an import known to run code or touch the system.
	Dangerous
)

var classNames = []string{"allowed", "unknown", "dangerous"}

// String returns "allowed", "unknown" or "dangerous".
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return "unknown"
	}
	return classNames[c]
}

// MarshalText returns the String form.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// dangerousModules are modules every name of which is dangerous (the module
// itself and its submodules).
var dangerousModules = []string{
	"os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "socket", "shutil", "runpy",
	"pty", "pdb", "bdb", "pickle", "_pickle", "cPickle", "webbrowser", "ctypes", "_ctypes",
	"importlib", "marshal", "code", "codeop", "commands", "multiprocessing", "signal",
	"dill", "cloudpickle",
}

// dangerousNames are single dangerous names, as "module.name".
var dangerousNames = map[string]bool{
	"types.CodeType": true, "types.FunctionType": true, "types.LambdaType": true,
	"operator.attrgetter": true, "operator.methodcaller": true,
	"functools.partial": true, "functools.partialmethod": true,
	"torch.load": true, "torch.serialization.load": true, "torch.jit.load": true,
	"numpy.load": true, "numpy.lib.npyio.load": true, "joblib.load": true,
	"joblib.numpy_pickle.load": true, "asyncio.subprocess": true,
	"asyncio.create_subprocess_exec": true, "asyncio.create_subprocess_shell": true,
}

// dangerousBuiltins are the dangerous names of builtins and __builtin__.
var dangerousBuiltins = map[string]bool{
	"eval": true, "exec": true, "execfile": true, "compile": true, "open": true, "file": true,
	"getattr": true, "setattr": true, "delattr": true, "__import__": true, "breakpoint": true,
	"apply": true, "input": true, "globals": true, "locals": true, "vars": true,
}

// allowedBuiltins are the builtins model pickles use.
var allowedBuiltins = map[string]bool{
	"set": true, "frozenset": true, "slice": true, "complex": true, "bytearray": true,
	"bytes": true, "list": true, "dict": true, "tuple": true, "int": true, "float": true,
	"str": true, "bool": true, "range": true, "object": true, "long": true, "unicode": true,
}

// allowedNames are exact "module.name" entries.
var allowedNames = setOf(
	"collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
	"copyreg._reconstructor", "copy_reg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
	"_codecs.encode",
	"datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
	"decimal.Decimal", "fractions.Fraction", "uuid.UUID",

	"torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
	"torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
	"torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_sparse_csr_tensor",
	"torch._utils._rebuild_qtensor", "torch._utils._rebuild_device_tensor_from_numpy",
	"torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_wrapper_subclass",
	"torch._utils._rebuild_nested_tensor", "torch._tensor._rebuild_from_type_v2",
	"torch._tensor._rebuild_from_type", "torch.serialization._get_layout",
	"torch.Size", "torch.device", "torch.dtype", "torch.Tensor", "torch.nn.parameter.Parameter",
	"torch.nn.parameter.Buffer", "torch.storage.UntypedStorage", "torch.storage.TypedStorage",
	"torch.UntypedStorage", "torch.TypedStorage",
	"torch.per_tensor_affine", "torch.per_channel_affine", "torch.strided", "torch.sparse_coo",
	"torch.sparse_csr", "torch.contiguous_format", "torch.channels_last",

	"numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar",
	"numpy._core.multiarray._reconstruct", "numpy._core.multiarray.scalar",
	"numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
	"numpy.ndarray", "numpy.dtype", "numpy.ma.core._mareconstruct", "numpy.ma.core.MaskedArray",
	"numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__bit_generator_ctor",
	"numpy.random._pickle.__generator_ctor", "numpy.random.__RandomState_ctor",
	"numpy.random._mt19937.MT19937", "numpy.random._pcg64.PCG64", "numpy.random.mtrand.RandomState",

	"joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
	"joblib.numpy_pickle_compat.ZNDArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",

	"xgboost.core.Booster", "xgboost.sklearn.XGBModel", "xgboost.sklearn.XGBClassifier",
	"xgboost.sklearn.XGBRegressor", "xgboost.sklearn.XGBRanker", "xgboost.sklearn.XGBRFClassifier",
	"xgboost.sklearn.XGBRFRegressor",
	"sklearn.neighbors._kd_tree.newObj", "sklearn.neighbors._ball_tree.newObj",

	"pandas.core.internals.blocks.new_block", "pandas.core.internals.blocks._unpickle_block",
	"pandas._libs.internals._unpickle_block", "pandas.core.indexes.base._new_Index",
	"pandas._libs.tslibs.timestamps._unpickle_timestamp", "pandas._libs.tslibs.timedeltas._timedelta_unpickle",
	"pandas._libs.tslibs.nattype.__nat_unpickle", "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked",
	"pandas.core.arrays.categorical._reconstruct",
)

// allowedClassPrefixes admit class names (upper-case first letter) of
// these module trees.
var allowedClassPrefixes = []string{
	"sklearn.", "torch.nn.modules.", "scipy.sparse.", "numpy.dtypes", "collections.abc", "__future__",
	"pandas.core.frame", "pandas.core.series", "pandas.core.indexes.", "pandas.core.internals.",
	"pandas.core.arrays.", "pandas.core.dtypes.", "pandas._libs.tslibs.", "pandas._libs.internals",
	"pandas._libs.interval", "pandas.core.generic", "pandas.core.flags",
	"xarray.core.dataset", "xarray.core.dataarray", "xarray.core.variable", "xarray.core.indexes",
	"xarray.core.coordinates", "xarray.core.indexing",
}

// numpyScalars are numpy scalar types pickled by name.
var numpyScalars = setOf(
	"bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
	"float16", "float32", "float64", "longdouble", "complex64", "complex128", "clongdouble",
	"str_", "bytes_", "object_", "void", "datetime64", "timedelta64", "intc", "uintc", "intp", "uintp",
)

// torchStorages are the legacy typed storage classes.
var torchStorages = setOf(
	"FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
	"ShortStorage", "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage",
	"ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage",
	"QUInt2x4Storage", "Float8_e4m3fnStorage", "Float8_e5m2Storage",
)

// torchDtypes are torch dtype objects pickled by name.
var torchDtypes = setOf(
	"float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex64",
	"complex128", "uint8", "int8", "int16", "short", "int32", "int", "int64", "long", "bool",
	"qint8", "quint8", "qint32", "float8_e4m3fn", "float8_e5m2",
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// Classify judges one pickle import, given as GLOBAL gives it: module
// "os", name "system". Names with dots ("Foo.bar", protocol 4 qualified
// names) are judged whole.
func Classify(module, name string) Class {
	if module == "?" || name == "?" {
		return Dangerous
	}
	if module == "" || name == "" {
		return Unknown
	}
	for _, m := range dangerousModules {
		if module == m || strings.HasPrefix(module, m+".") {
			return Dangerous
		}
	}
	full := module + "." + name
	if dangerousNames[full] {
		return Dangerous
	}
	if module == "builtins" || module == "__builtin__" || module == "__builtins__" {
		base, _, _ := strings.Cut(name, ".")
		if dangerousBuiltins[base] {
			return Dangerous
		}
		if allowedBuiltins[name] {
			return Allowed
		}
		return Unknown
	}
	if allowedNames[full] {
		return Allowed
	}
	if strings.Contains(name, ".") {
		return Unknown
	}
	switch module {
	case "torch":
		if torchStorages[name] || torchDtypes[name] {
			return Allowed
		}
	case "numpy":
		if numpyScalars[name] {
			return Allowed
		}
	}
	// TorchScript pickles name their classes under __torch__ and are loaded
	// by torch.jit's own unpickler, which imports no Python module.
	if module == "__torch__" || strings.HasPrefix(module, "__torch__.") || module == "torch.jit._pickle" {
		return Allowed
	}
	if strings.HasPrefix(module, "scipy.sparse") && (strings.HasSuffix(name, "_matrix") || strings.HasSuffix(name, "_array")) {
		return Allowed
	}
	if isClassName(name) {
		for _, p := range allowedClassPrefixes {
			if strings.HasPrefix(module+".", p) || strings.HasPrefix(module, p) {
				return Allowed
			}
		}
	}
	return Unknown
}

func isClassName(s string) bool {
	s = strings.TrimLeft(s, "_")
	return s != "" && s[0] >= 'A' && s[0] <= 'Z'
}
