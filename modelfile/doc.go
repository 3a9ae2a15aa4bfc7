// Package modelfile reports facts about the bytes of model files: the imports
// a pickle would perform, whether a PyTorch zip is TorchScript or a pickled
// state dict, whether a safetensors, .npy or XGBoost file is well formed.
// It never unpickles, imports or executes anything.
//
// It sits between the artifact walker and the rules: [Sniff] decides from the
// first bytes of a member what it is, [Scan] reads the member once, as a
// stream, and returns a [Report]. The rules package judges the report
// (pickle-unsafe-import, pickle-unknown-import, pickle-malformed,
// safetensors-invalid, npy-object-array, xgboost-model-invalid).
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
// is read or allocated, and the opcodes walked per file, the memo entries
// kept and the bytes decompressed are capped. Tensor payloads are skipped
// (discarded through a buffer), never held in memory. A zip that cannot be
// read from its local headers alone is spooled to a temporary file above
// [Limits.SpoolThreshold]; the file is removed before Scan returns.
//
// # Classification
//
// Each pickle import is [Dangerous] (a known way to run code: os.system,
// builtins.eval, ...), [Allowed] (what torch, numpy, scikit-learn, xgboost,
// joblib and collections legitimately need) or [Unknown] (everything else,
// which is suspicious: a denylist alone always leaks).
//
// # API stability
//
// The package is importable, but its API is not stable.
package modelfile
