// Package config reads mati's configuration file, .mati.yaml: the defaults
// of the command line (fail-on, format, limits, S3 settings, a baseline),
// per-rule severity overrides and disabled rules, and ignore entries with a
// reason and an optional expiry.
//
// It only reads and checks the shape of the file, reporting the line of
// every mistake; the command line decides what the values mean. It imports
// nothing of mati's.
//
// # Finding the file
//
// [Find] looks for .mati.yaml (or .mati.yml) in the working directory, then
// in each parent up to the repository root (the first folder holding .git)
// or the file system root.
//
// # API stability
//
// The package is importable, not stable.
package config
