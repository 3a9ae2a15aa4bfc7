package inference

// HandlerNames are the names the SageMaker serving containers look up on the
// inference module (with getattr), in the order they are reported.
var HandlerNames = []string{
	"model_fn", "input_fn", "predict_fn", "output_fn", "transform_fn",
	"pre_model_fn", "model_warmup_fn",
	"handler", "input_handler", "output_handler",
}

// AnyParams is the Params value of a handler that accepts any number of
// positional arguments (*args), or whose parameters cannot be known (an
// assignment of a non-lambda value, an import).
const AnyParams = -1

// Binding is how a handler name is bound.
type Binding string

// The ways a module binds a handler name.
const (
	BindDef    Binding = "def"    // def or async def
	BindAssign Binding = "assign" // name = value (including a lambda)
	BindImport Binding = "import" // from x import name, ... import y as name
)

// Handler is one binding of a handler name.
type Handler struct {
	// Name is the handler name, one of HandlerNames.
	Name string
	// Line is the 1-based line of the binding.
	Line int
	// Col is the 1-based column (in bytes) of the binding.
	Col int
	// Params is the number of positional parameters (parameters with
	// defaults count), or AnyParams.
	Params int
	// Binding says how the name is bound.
	Binding Binding
}

// Import is one imported top-level package.
type Import struct {
	// Module is the top-level package name ("os" for "import os.path").
	// Relative imports ("from . import x") are not reported.
	Module string
	// Line is the 1-based line of the import statement.
	Line int
}

// SyntaxError is the first position where the parser could not read the
// script.
type SyntaxError struct {
	// Line is the 1-based line.
	Line int
	// Col is the 1-based column in bytes.
	Col int
	// Message says what was found there, e.g. "unexpected token" or
	// "missing ')'".
	Message string
}

// PathRef is a string literal that the code joins to the model directory
// (the model_dir parameter of model_fn, or "/opt/ml/model") to name a file.
type PathRef struct {
	// Value is the file name relative to the model directory, e.g. "model.pth".
	Value string
	// Line is the 1-based line of the literal.
	Line int
	// Col is the 1-based column of the literal.
	Col int
}

// Script is what Scan found in one Python file.
type Script struct {
	// Handlers are the module-level bindings of HandlerNames, in source
	// order; a name bound more than once appears for each binding.
	Handlers []Handler
	// Nested are definitions of HandlerNames inside a class or function
	// (never found by getattr on the module).
	Nested []Handler
	// Imports are the imported top-level packages, in source order, one per
	// package (the first import).
	Imports []Import
	// SyntaxError is the first syntax error, or nil if the script parses.
	SyntaxError *SyntaxError
	// ModelPaths are the files model_fn (or a helper in the same file that
	// it calls) opens relative to the model directory, in source order.
	ModelPaths []PathRef
	// Coding is the encoding named by a PEP 263 declaration on line 1 or 2
	// ("# -*- coding: latin-1 -*-"), lower-cased, or "" if there is none.
	// Python reads the script in that encoding instead of UTF-8.
	Coding string
}
