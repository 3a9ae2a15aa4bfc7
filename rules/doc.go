// Package rules judges SageMaker model artifacts: it holds the per-framework
// file tables as data and the checks as code, and turns the entry index from
// package artifact and the facts from package inference into findings, each
// with a rule id, a severity, a message and a hint.
//
// # API stability
//
// The package is importable, but its API is not stable.
package rules
