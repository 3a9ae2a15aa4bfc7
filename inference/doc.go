// Package inference reports facts about a SageMaker inference script: which
// handler functions the serving container will find on the module, with their
// positions and parameter counts, which packages it imports, which files its
// model_fn opens, and where it fails to parse.
//
// It reads Python through package pysyntax (tree-sitter, and Python's rules for
// literals and imports) and never runs or imports the code. It
// reports facts only; package rules judges them.
//
// # API stability
//
// The package is importable, but its API is not stable.
package inference
