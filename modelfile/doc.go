// Package modelfile reports facts about the bytes of model files: the imports
// a pickle would perform, whether a PyTorch zip is TorchScript or a pickled
// state dict, whether a safetensors, .npy or XGBoost file is well formed.
// It never unpickles, imports or executes anything.
//
// It sits between the artifact walker and the rules: [Sniff] decides from the
// first bytes of a member what it is (never from its name), [Scan] reads
// the member once, as a stream, and returns a [Report]. The rules package
// judges the report (pickle-unsafe-import, pickle-unknown-import,
// pickle-unscannable, pickle-malformed, model-zip-irregular,
// model-scan-incomplete, safetensors-invalid, npy-object-array,
// xgboost-model-invalid).
//
// # What is walked as a pickle
//
// Anything pickle.load could start on: a member whose first byte is a
// pickle opcode, whatever its name; the members of zips (PyTorch, .npz,
// .keras, .mar) and of nested tars, by content; the decompressed stream of
// a joblib (zlib, gzip, bz2, xz, lzma) file; an object .npy's payload; an
// XGBoost binary model (the container tries pickle.load first); and the
// first bytes of every other format, since a loader may unpickle any file.
// The walk follows CPython's unpickler opcode by opcode (see pickle.go,
// pickle_read.go and pickle_text.go for the rules).
//
// Formats whose loading runs code beyond pickle are read the same way, into
// [Report.Formats]: Keras configurations (.keras, the model_config
// attribute of .h5 files, keras_metadata.pb), TensorFlow graphs
// (saved_model.pb, frozen GraphDefs), ONNX models and TorchServe .mar
// archives, each recognised by its bytes as well as its name.
//
// # Bounds
//
// Every length a file declares is checked against [Limits] before anything
// is read or allocated; the stack, the memo and the bytes decompressed are
// capped, and going over a cap on a pickle is [CodeUnscannable], never a
// silent skip. There is no opcode budget. Tensor payloads are skipped
// (discarded through a buffer), never held in memory. A zip of at most
// 4 MiB is kept in memory so that its central directory can be read
// again; a zip that cannot be read from its local
// headers alone is spooled to a temporary file above that threshold; the
// file is removed before Scan returns.
//
// # Classification
//
// Each pickle import is [Dangerous] (a known way to run code: os.system,
// builtins.eval, ..., and any module or name computed at load time),
// [Allowed] (what torch, numpy, scikit-learn, xgboost, joblib, pandas and
// xarray containers and collections legitimately need) or [Unknown]
// (everything else, which is suspicious: a denylist alone always leaks).
//
// # API stability
//
// The package is importable, but its API is not stable.
package modelfile
