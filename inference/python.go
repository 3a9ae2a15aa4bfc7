package inference

// The rules Scan follows are:
//   - A handler is a binding that getattr(module, name) finds after the module
//     is imported: a statement of the module body, or of a block of a
//     module-level if/elif/else, try/except/else/finally, with, for/else,
//     while/else or match statement. Bindings inside a class or a function
//     are never module attributes; definitions there go to Script.Nested.
//   - Comments and string literals are tokens of the syntax tree, never
//     statements, so a "def model_fn" inside them is never seen.
//   - Positions are 1-based; columns count bytes. A leading UTF-8 byte order
//     mark is not part of the first line (Python and editors skip it).

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
)

// ErrInvalidUTF8 is matched (with errors.Is) by the error Scan returns when
// the script is not valid UTF-8. The error itself is an *EncodingError.
var ErrInvalidUTF8 = errors.New("invalid UTF-8")

// EncodingError reports the first byte of a script that is not valid UTF-8.
// It wraps ErrInvalidUTF8.
type EncodingError struct {
	// Line is the 1-based line of the first invalid byte.
	Line int
	// Col is the 1-based column, in bytes, of the first invalid byte.
	Col int
}

// Error implements error.
func (e *EncodingError) Error() string {
	return fmt.Sprintf("invalid UTF-8 at line %d, column %d", e.Line, e.Col)
}

// Unwrap returns ErrInvalidUTF8.
func (e *EncodingError) Unwrap() error { return ErrInvalidUTF8 }

// Scan parses one Python script and reports its handlers, nested handler
// definitions, imports, first syntax error and model file paths. It never
// runs or imports the code. Scan is safe for concurrent use.
//
// A script with a syntax error is not an error: Script.SyntaxError is set and
// everything tree-sitter recovered is still reported.
//
// If src is not valid UTF-8, Scan still parses it (each invalid byte reads as
// one unknown character) and returns the Script together with an
// *EncodingError, which matches ErrInvalidUTF8. Any other error means the
// script could not be parsed at all, and the Script is nil.
//
// A leading UTF-8 byte order mark is skipped: columns on the first line do not
// count it.
func Scan(src []byte) (*Script, error) {
	return ScanNames(src, HandlerNames)
}

// ScanNames is Scan looking up names instead of HandlerNames: a serving
// stack whose entry point is another function (DJL Serving's handle) asks
// for it. Script.Handlers and Script.Nested then hold bindings of names.
func ScanNames(src []byte, names []string) (*Script, error) {
	src = pysyntax.TrimBOM(src)

	var encErr error
	if off := firstInvalidUTF8(src); off >= 0 {
		line, col := offsetPosition(src, off)
		encErr = &EncodingError{Line: line, Col: col}
	}

	tree, err := pysyntax.Parse(src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()

	s := &scanner{
		src:     src,
		arity:   map[string]int{},
		defs:    map[string]*sitter.Node{},
		consts:  env{},
		handler: map[string]bool{},
		script:  &Script{Coding: coding(src)},
	}
	for _, name := range names {
		s.handler[name] = true
	}
	root := tree.RootNode()
	s.module(root)
	s.scanTree(root)
	s.script.ModelPaths = s.modelPaths()
	// Definitions recovered from a syntax error are found out of order.
	slices.SortStableFunc(s.script.Handlers, func(a, b Handler) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	return s.script, encErr
}

// firstInvalidUTF8 returns the offset of the first byte of b that is not part
// of a valid UTF-8 sequence, or -1.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// offsetPosition converts a byte offset into a 1-based line and byte column.
// Lines end at '\n', as in tree-sitter.
func offsetPosition(b []byte, off int) (line, col int) {
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	return line, off - (bytes.LastIndexByte(b[:off], '\n') + 1) + 1
}

// codingRE finds a PEP 263 encoding declaration in a comment line.
//
//	"# -*- coding: latin-1 -*-"       -> "latin-1"
//	"# vim: set fileencoding=utf-8 :" -> "utf-8"
//	"#!/usr/bin/env python"           -> no match
//	"x = 1  # coding: latin-1"        -> no match (not a comment line)
var codingRE = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// coding returns the encoding declared on line 1 or 2 of src, or "".
func coding(src []byte) string {
	lines := bytes.SplitN(src, []byte{'\n'}, 3)
	for i, line := range lines {
		if i == 2 {
			break
		}
		if m := codingRE.FindSubmatch(line); m != nil {
			return string(bytes.ToLower(m[1]))
		}
		// PEP 263: the declaration is on line 2 only if line 1 is a comment
		// or blank.
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			break
		}
	}
	return ""
}

// scanner holds the state of one Scan.
type scanner struct {
	src     []byte
	handler map[string]bool
	script  *Script

	// arity maps module-level names to the positional parameter count of
	// the function they are bound to, when known (def, lambda, alias).
	arity map[string]int
	// defs maps module-level names to their latest def statement.
	defs map[string]*sitter.Node
	// consts maps module-level names to the path values they hold.
	consts env
	// modelFns are the functions bound to model_fn at module level.
	modelFns []*sitter.Node
	// modelAliases are names assigned to model_fn ("model_fn = _load").
	modelAliases []string
}

// text returns the source text of n.
func (s *scanner) text(n *sitter.Node) string {
	return n.Utf8Text(s.src)
}

// module reads the module body in source order.
func (s *scanner) module(root *sitter.Node) {
	for _, c := range pysyntax.Named(root) {
		s.statement(c)
	}
}

// statement reads one module-level statement.
func (s *scanner) statement(n *sitter.Node) {
	switch n.Kind() {
	case "function_definition":
		name := n.ChildByFieldName("name")
		if name == nil {
			return
		}
		id := s.text(name)
		params := countParams(n.ChildByFieldName("parameters"))
		if s.handler[id] {
			s.addHandler(name, params, BindDef)
		}
		s.arity[id] = params
		s.defs[id] = n
		delete(s.consts, id)
		if id == "model_fn" {
			s.modelFns = append(s.modelFns, n)
		}
		// The body, and anything tree-sitter recovered beside it.
		for _, c := range pysyntax.Named(n) {
			if c.Kind() != "identifier" && c.Kind() != "parameters" {
				s.nested(c)
			}
		}
	case "decorated_definition":
		if def := n.ChildByFieldName("definition"); def != nil {
			s.statement(def)
		}
	case "class_definition":
		if name := n.ChildByFieldName("name"); name != nil {
			s.unbind(s.text(name))
		}
		if body := n.ChildByFieldName("body"); body != nil {
			s.nested(body)
		}
	case "expression_statement":
		for _, c := range pysyntax.Named(n) {
			if c.Kind() == "assignment" {
				s.assignment(c)
			}
		}
	case "import_statement", "import_from_statement", "future_import_statement":
		s.importBindings(n)
	case "ERROR":
		s.recoverDefs(n)
		for _, c := range pysyntax.Named(n) {
			s.statement(c)
		}
	case "if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
		"except_group_clause", "finally_clause", "with_statement", "for_statement",
		"while_statement", "match_statement", "case_clause", "block":
		// Compound statements: read the statements of their blocks (and of
		// whatever tree-sitter recovered inside an ERROR). Conditions and
		// other expressions are not statements and are skipped.
		for _, c := range pysyntax.Named(n) {
			s.statement(c)
		}
	}
}

// recoverDefs reports the handler definitions that tree-sitter could not
// build while recovering from a syntax error: a "def" keyword in column 1
// directly inside an ERROR node, followed by a handler name. Their
// parameters are counted only when they are plain names (see
// recoveredParams).
//
//	(ERROR ... "def" (identifier "predict_fn") ...) -> predict_fn
func (s *scanner) recoverDefs(n *sitter.Node) {
	for i := uint(0); i+1 < n.ChildCount(); i++ {
		kw, name := n.Child(i), n.Child(i+1)
		if s.text(kw) != "def" || kw.StartPosition().Column != 0 || name.Kind() != "identifier" {
			continue
		}
		id := s.text(name)
		if s.handler[id] {
			next := name.NextSibling()
			if next == nil {
				next = n.NextSibling()
			}
			s.addHandler(name, recoveredParams(next), BindDef)
		}
		s.unbind(id)
	}
}

// recoveredParams counts the parameters of a definition that tree-sitter
// could not build, when they are plain names:
//
//	(parameters a b)          -> 2
//	(argument_list data model) -> 2
//	(argument_list x (keyword_argument y 1)) -> AnyParams
//	nil                       -> AnyParams
func recoveredParams(n *sitter.Node) int {
	if n == nil {
		return AnyParams
	}
	switch n.Kind() {
	case "parameters":
		return countParams(n)
	case "argument_list":
		c := pysyntax.Named(n)
		for _, a := range c {
			if a.Kind() != "identifier" {
				return AnyParams
			}
		}
		return len(c)
	}
	return AnyParams
}

// unbind forgets what is known about a module-level name.
func (s *scanner) unbind(id string) {
	delete(s.arity, id)
	delete(s.defs, id)
	delete(s.consts, id)
}

// addHandler records a module-level handler binding at the name node.
func (s *scanner) addHandler(name *sitter.Node, params int, b Binding) {
	line, col := pysyntax.Pos(name)
	s.script.Handlers = append(s.script.Handlers, Handler{
		Name: s.text(name), Line: line, Col: col, Params: params, Binding: b,
	})
}

// assignment reads a module-level assignment, including chains
// ("a = b = value"), tuple targets and annotated assignments. An annotation
// without a value binds nothing.
func (s *scanner) assignment(n *sitter.Node) {
	var targets []*sitter.Node
	value := n
	for value != nil && value.Kind() == "assignment" {
		left := value.ChildByFieldName("left")
		right := value.ChildByFieldName("right")
		if left == nil || right == nil {
			return
		}
		targets = append(targets, left)
		value = right
	}
	if value == nil {
		return
	}
	for _, t := range targets {
		s.bindTarget(t, value)
	}
}

// bindTarget binds one assignment target to value.
func (s *scanner) bindTarget(t, value *sitter.Node) {
	switch t.Kind() {
	case "identifier":
		id := s.text(t)
		params, known := s.valueArity(value)
		if s.handler[id] {
			s.addHandler(t, params, BindAssign)
			if id == "model_fn" && value.Kind() == "identifier" {
				s.modelAliases = append(s.modelAliases, s.text(value))
			}
		}
		s.unbind(id)
		if known {
			s.arity[id] = params
		}
		if v := s.eval(value, s.consts, 0); v.ok {
			s.consts[id] = v
		}
	case "pattern_list", "tuple_pattern", "list_pattern":
		elems := pysyntax.Named(t)
		var values []*sitter.Node
		if k := value.Kind(); k == "expression_list" || k == "tuple" || k == "list" {
			values = pysyntax.Named(value)
		}
		elementwise := len(values) == len(elems)
		for _, v := range values {
			if v.Kind() == "list_splat" {
				elementwise = false
			}
		}
		for i, e := range elems {
			if elementwise {
				s.bindTarget(e, values[i])
			} else {
				s.bindUnknown(e)
			}
		}
	case "list_splat_pattern", "parenthesized_expression":
		for _, c := range pysyntax.Named(t) {
			s.bindUnknown(c)
		}
	}
}

// bindUnknown binds every name in target t to a value that is not known.
func (s *scanner) bindUnknown(t *sitter.Node) {
	if t.Kind() == "identifier" {
		id := s.text(t)
		if s.handler[id] {
			s.addHandler(t, AnyParams, BindAssign)
		}
		s.unbind(id)
		return
	}
	if t.Kind() == "pattern_list" || t.Kind() == "tuple_pattern" || t.Kind() == "list_pattern" ||
		t.Kind() == "list_splat_pattern" || t.Kind() == "parenthesized_expression" {
		for _, c := range pysyntax.Named(t) {
			s.bindUnknown(c)
		}
	}
}

// valueArity returns the positional parameter count of an assigned value: a
// lambda, or a name bound to a module-level function (or lambda) earlier in
// the module.
func (s *scanner) valueArity(value *sitter.Node) (int, bool) {
	switch value.Kind() {
	case "lambda":
		return countParams(value.ChildByFieldName("parameters")), true
	case "identifier":
		if n, ok := s.arity[s.text(value)]; ok {
			return n, true
		}
	case "parenthesized_expression":
		if c := pysyntax.Named(value); len(c) == 1 {
			return s.valueArity(c[0])
		}
	}
	return AnyParams, false
}

// importBindings records the names an import statement binds at module
// level (see pysyntax.ReadImport): "import a.b" binds a, "import a.b as c"
// binds c, "from a import b" binds b, "from a import b as c" binds c. A
// wildcard binds nothing known.
func (s *scanner) importBindings(n *sitter.Node) {
	im, _ := pysyntax.ReadImport(n, s.src)
	for _, b := range im.Names {
		if s.handler[b.Name] {
			s.addHandler(b.Node, AnyParams, BindImport)
		}
		s.unbind(b.Name)
	}
}

// nested records definitions of handler names anywhere below n, which is
// the body of a class or a function.
//
// A definition that starts in column 1 is a module-level statement that
// tree-sitter placed inside an earlier, broken definition while recovering
// from a syntax error; Python never nests a statement there.
func (s *scanner) nested(n *sitter.Node) {
	if k := n.Kind(); (k == "function_definition" || k == "decorated_definition") && n.StartPosition().Column == 0 {
		s.statement(n)
		return
	}
	if n.Kind() == "ERROR" {
		s.recoverDefs(n)
	}
	if n.Kind() == "function_definition" {
		if name := n.ChildByFieldName("name"); name != nil && s.handler[s.text(name)] {
			line, col := pysyntax.Pos(name)
			s.script.Nested = append(s.script.Nested, Handler{
				Name: s.text(name), Line: line, Col: col,
				Params:  countParams(n.ChildByFieldName("parameters")),
				Binding: BindDef,
			})
		}
	}
	for _, c := range pysyntax.Named(n) {
		s.nested(c)
	}
}

// countParams counts the positional parameters of a parameters or
// lambda_parameters node:
//
//	(a, b=1)          -> 2
//	(a, /, b)         -> 2
//	(a, *, b)         -> 1 (b is keyword-only)
//	(a, *args, b)     -> AnyParams
//	(a, *args: int)   -> AnyParams
//	(a, **kw)         -> 1
//	nil (lambda: 0)   -> 0
func countParams(params *sitter.Node) int {
	if params == nil {
		return 0
	}
	n := 0
	for _, c := range pysyntax.Named(params) {
		switch c.Kind() {
		case "identifier", "default_parameter", "typed_default_parameter", "tuple_pattern":
			n++
		case "typed_parameter":
			first := c.NamedChild(0)
			switch {
			case first != nil && first.Kind() == "list_splat_pattern":
				return AnyParams
			case first != nil && first.Kind() == "dictionary_splat_pattern":
				return n
			}
			n++
		case "list_splat_pattern":
			return AnyParams
		case "keyword_separator", "dictionary_splat_pattern":
			return n
		}
	}
	return n
}

// scanTree walks the whole tree once, in document order, for the imports
// and the first syntax error.
func (s *scanner) scanTree(root *sitter.Node) {
	seen := map[string]bool{}
	cur := root.Walk()
	defer cur.Close()
	for {
		n := cur.Node()
		s.visit(n, seen)
		if cur.GotoFirstChild() {
			continue
		}
		for !cur.GotoNextSibling() {
			if !cur.GotoParent() {
				return
			}
		}
	}
}

// visit looks at one node of the document-order walk.
func (s *scanner) visit(n *sitter.Node, seen map[string]bool) {
	if s.script.SyntaxError == nil {
		if msg := pysyntax.SyntaxMessage(n, s.src); msg != "" {
			line, col := pysyntax.Pos(n)
			s.script.SyntaxError = &SyntaxError{Line: line, Col: col, Message: msg}
		}
	}
	// A relative import ("from . import x") is not reported.
	if im, ok := pysyntax.ReadImport(n, s.src); ok {
		modules := im.Modules
		if im.From != "" && !im.Relative {
			modules = []string{im.From}
		}
		for _, m := range modules {
			s.addImport(pysyntax.TopLevel(m), im.Line, seen)
		}
	}
}

// addImport records the first import of a top-level package.
func (s *scanner) addImport(module string, line int, seen map[string]bool) {
	if seen[module] {
		return
	}
	seen[module] = true
	s.script.Imports = append(s.script.Imports, Import{Module: module, Line: line})
}

// sortPathRefs orders refs by position and value and drops duplicates.
func sortPathRefs(refs []PathRef) []PathRef {
	slices.SortFunc(refs, func(a, b PathRef) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		switch {
		case a.Value < b.Value:
			return -1
		case a.Value > b.Value:
			return 1
		}
		return 0
	})
	return slices.Compact(refs)
}
