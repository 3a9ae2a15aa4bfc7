// Package builder reports facts about SageMaker Pipelines step builders:
// Python classes whose _create_model (or create_model) method returns a
// SageMaker model and whose create_step method returns a CreateModelStep or
// ModelStep. For each builder class it reports the model and step calls with
// their arguments, what those arguments resolve to in the file (constants,
// None, timestamps, training step properties), and whether the step passes
// the model the class builds.
//
// It reads Python through package pysyntax (tree-sitter, and Python's rules
// for literals and imports, shared with package inference) and never runs
// or imports the code. It reports facts only; package rules judges them
// (see rules.CheckBuilder), including a file that does not parse
// (File.SyntaxError).
//
// # Resolution
//
// Names are resolved through the file's imports, aliases included: after
// "from sagemaker.xgboost import XGBoostModel as XGB", a call of XGB is
// reported as "sagemaker.xgboost.XGBoostModel". Values are followed through
// local assignments, module constants, self attributes assigned in any
// method of the class (or of a base class defined in the same file) and the
// return statements of methods called on self.
//
// # API stability
//
// The package is importable, but its API is not stable.
package builder
