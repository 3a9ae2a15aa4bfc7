// Package pysyntax is the one Python syntax layer of mati: it parses Python
// source with tree-sitter and reads the syntax tree the way Python does:
// string literals with Python's escape rules (bytes, raw strings, f-strings,
// implicit concatenation), a leading byte order mark, import statements and
// the node helpers the scanners share.
//
// Package inference (handler scripts) and package builder (pipeline builder
// classes) both read Python through it, so the two cannot disagree on what a
// literal or an import means. It never runs or imports the code.
//
// # Positions
//
// Positions are 1-based; columns count bytes. They are positions in the
// source given to [Parse], which callers pass through [TrimBOM] first.
//
// # API stability
//
// The package is importable, but its API is not stable.
package pysyntax
