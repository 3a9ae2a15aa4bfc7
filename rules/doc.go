// Package rules judges SageMaker model artifacts: it holds the per-framework
// file tables as data and the checks as code, and turns the entry index from
// package artifact and the facts from package inference into findings, each
// with a rule id, a severity, a message and a hint.
//
// # The catalog
//
// [Catalog] is the one ordered list of every rule, artifact and builder
// rules alike; the engine ([Inspect], [CheckBuilder]), "mati rules",
// docs/rules.md and the tests read it. A rule's severity and hint are
// declared once, in its [Meta]; the engine stamps them on every finding its
// check returns, so a finding never carries another. [Rule.Example] is the
// finding a rule reports on its first failing fixture.
//
// # API stability
//
// The package is importable, but its API is not stable.
package rules
