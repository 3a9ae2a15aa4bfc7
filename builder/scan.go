package builder

// The rules Scan follows are:
//   - Builder classes are module-level classes (inside module-level if/try
//     blocks too). Methods are merged from base classes defined in the same
//     file, the class's own first.
//   - Names are resolved through every import of the file, wherever the
//     import statement is (builders often import inside a method).
//   - Values are followed through assignments in the enclosing method, module
//     constants, self attributes (class-level and assigned in any method) and
//     the return statements of methods called on self. Cycles stop, and a
//     budget bounds the work on hostile input.
//   - Positions are 1-based; columns count bytes. A leading UTF-8 byte order
//     mark is not part of the first line.

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/inference"
)

// classBudget bounds how many expressions are resolved for one class, and
// fileBudget for the whole file, so that a file built to make resolution
// fan out still scans in bounded time. Real builders need a few hundred.
const (
	classBudget = 5000
	fileBudget  = 100000
)

// maxDepth bounds how deep one resolution follows names and calls.
const maxDepth = 12

// utf8BOM is the byte order mark some editors write at the start of a file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Scan parses one Python file and reports its builder classes. It never runs
// or imports the code. Scan is safe for concurrent use.
//
// A file with a syntax error is not an error: File.SyntaxError is set and
// everything tree-sitter recovered is still reported. An error means the
// file could not be parsed at all, and the File is nil.
func Scan(src []byte) (*File, error) {
	src = bytes.TrimPrefix(src, utf8BOM)
	tree, err := inference.ParseTree(src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()

	s := &scanner{
		src:     src,
		imports: map[string]string{},
		consts:  map[string][]binding{},
		byName:  map[string]*class{},
		locals:  map[uint]map[string][]binding{},
		returns: map[uint][]*sitter.Node{},
		total:   fileBudget,
		active:  map[string]bool{},
		file:    &File{},
	}
	root := tree.RootNode()
	s.walkAll(root)
	s.module(root)
	for _, c := range s.classes {
		s.merge(c, map[*class]bool{})
	}
	for _, c := range s.classes {
		s.budget = min(classBudget, s.total)
		s.total -= s.budget
		if b, ok := s.builder(c); ok {
			s.file.Classes = append(s.file.Classes, b)
		}
		s.total += s.budget
	}
	return s.file, nil
}

// binding is one value bound to a name, with the method it is evaluated in
// (nil at module or class level).
type binding struct {
	value  *sitter.Node // nil: a value that cannot be known (a parameter)
	method *sitter.Node
}

// class is one module-level class of the file.
type class struct {
	node  *sitter.Node
	name  *sitter.Node
	bases []*class
	// external says a base is not defined in the file.
	external   bool
	subclassed bool
	merged     bool
	// methods maps names to function definitions, own and inherited.
	methods map[string]*sitter.Node
	// attrs maps attribute names to their class-level values and the values
	// assigned to self.<name> in any method.
	attrs map[string][]binding
}

// scanner holds the state of one Scan.
type scanner struct {
	src []byte
	// imports maps bound names to dotted module paths.
	imports map[string]string
	// stars are the modules of "from m import *".
	stars   []string
	consts  map[string][]binding
	classes []*class
	byName  map[string]*class
	// locals caches the assignments of each method, by its start byte.
	locals map[uint]map[string][]binding
	// returns caches the returned expressions of each method, by its start
	// byte.
	returns map[uint][]*sitter.Node
	// active holds the resolutions in progress, to stop cycles.
	active map[string]bool
	// budget is what is left for the current class, total for the rest
	// of the file.
	budget, total int
	file          *File
}

// pos returns the 1-based line and byte column of a node's start.
func pos(n *sitter.Node) (line, col int) {
	p := n.StartPosition()
	return int(p.Row) + 1, int(p.Column) + 1
}

func (s *scanner) text(n *sitter.Node) string { return n.Utf8Text(s.src) }

// named returns the named children of n, comments left out.
func named(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		if c == nil || c.Kind() == "comment" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// walkAll visits every node once, in document order, for the imports and
// the first syntax error.
func (s *scanner) walkAll(root *sitter.Node) {
	cur := root.Walk()
	defer cur.Close()
	for {
		n := cur.Node()
		if s.file.SyntaxError == nil && (n.IsError() || n.IsMissing()) {
			line, col := pos(n)
			s.file.SyntaxError = &SyntaxError{Line: line, Col: col}
		}
		switch n.Kind() {
		case "import_statement", "import_from_statement":
			s.importStatement(n)
		}
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

// importStatement records the names an import binds and the module:
//
//	import sagemaker.xgboost            -> sagemaker = sagemaker
//	import sagemaker.xgboost as smx     -> smx = sagemaker.xgboost
//	from sagemaker.model import Model   -> Model = sagemaker.model.Model
//	from sagemaker import model as m    -> m = sagemaker.model
//	from sagemaker.model import *       -> star sagemaker.model
//	from .common import Base            -> Base = .common.Base (not SageMaker)
func (s *scanner) importStatement(n *sitter.Node) {
	line, _ := pos(n)
	from := ""
	if n.Kind() == "import_from_statement" {
		m := n.ChildByFieldName("module_name")
		if m == nil {
			return
		}
		from = s.text(m)
		if m.Kind() == "dotted_name" {
			s.file.Imports = append(s.file.Imports, Import{Module: from, Line: line})
		}
		for i := uint(0); i < n.ChildCount(); i++ {
			if n.Child(i).Kind() == "wildcard_import" {
				s.stars = append(s.stars, from)
			}
		}
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		if n.FieldNameForChild(uint32(i)) != "name" {
			continue
		}
		c := n.Child(i)
		name, alias := c, (*sitter.Node)(nil)
		if c.Kind() == "aliased_import" {
			name, alias = c.ChildByFieldName("name"), c.ChildByFieldName("alias")
		}
		if name == nil || name.Kind() != "dotted_name" {
			continue
		}
		dotted := s.text(name)
		switch {
		case from != "":
			full := strings.TrimSuffix(from, ".") + "." + dotted
			if strings.HasSuffix(from, ".") {
				full = from + dotted
			}
			bound := dotted
			if alias != nil {
				bound = s.text(alias)
			}
			s.imports[bound] = full
		case alias != nil:
			s.file.Imports = append(s.file.Imports, Import{Module: dotted, Line: line})
			s.imports[s.text(alias)] = dotted
		default:
			s.file.Imports = append(s.file.Imports, Import{Module: dotted, Line: line})
			root, _, _ := strings.Cut(dotted, ".")
			s.imports[root] = root
		}
	}
}

// module reads the module body: constants and classes.
func (s *scanner) module(n *sitter.Node) {
	for _, c := range named(n) {
		switch c.Kind() {
		case "class_definition":
			s.addClass(c)
		case "decorated_definition":
			if d := c.ChildByFieldName("definition"); d != nil && d.Kind() == "class_definition" {
				s.addClass(d)
			}
		case "expression_statement":
			for _, a := range named(c) {
				s.assignments(a, func(target, value *sitter.Node) {
					if target.Kind() == "identifier" {
						s.consts[s.text(target)] = append(s.consts[s.text(target)], binding{value: value})
					}
				})
			}
		case "if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
			"finally_clause", "with_statement", "block", "ERROR":
			s.module(c)
		}
	}
}

// assignments calls fn for each target and value of an assignment,
// including chains ("a = b = v"). A target bound by unpacking gets a nil
// value. Other nodes are ignored.
func (s *scanner) assignments(n *sitter.Node, fn func(target, value *sitter.Node)) {
	if n.Kind() == "augmented_assignment" {
		if l := n.ChildByFieldName("left"); l != nil {
			fn(l, nil)
		}
		return
	}
	if n.Kind() != "assignment" {
		return
	}
	var targets []*sitter.Node
	value := n
	for value != nil && value.Kind() == "assignment" {
		left := value.ChildByFieldName("left")
		if left == nil {
			return
		}
		targets = append(targets, left)
		value = value.ChildByFieldName("right")
	}
	for _, t := range targets {
		switch t.Kind() {
		case "identifier", "attribute":
			fn(t, value)
		case "pattern_list", "tuple_pattern", "list_pattern":
			for _, e := range named(t) {
				fn(e, nil)
			}
		}
	}
}

// addClass records a module-level class.
func (s *scanner) addClass(n *sitter.Node) {
	name := n.ChildByFieldName("name")
	if name == nil {
		return
	}
	c := &class{node: n, name: name, methods: map[string]*sitter.Node{}, attrs: map[string][]binding{}}
	s.classes = append(s.classes, c)
	s.byName[s.text(name)] = c
}

// ignoredBases are bases that define no builder methods.
var ignoredBases = map[string]bool{
	"object": true, "ABC": true, "abc.ABC": true, "Generic": true, "typing.Generic": true,
}

// merge fills c.methods and c.attrs from the class body and its bases.
func (s *scanner) merge(c *class, seen map[*class]bool) {
	if c.merged || seen[c] {
		return
	}
	seen[c] = true
	if body := c.node.ChildByFieldName("body"); body != nil {
		s.classBody(c, body)
	}
	if sup := c.node.ChildByFieldName("superclasses"); sup != nil {
		for _, b := range named(sup) {
			if b.Kind() == "keyword_argument" {
				continue
			}
			t := s.text(b)
			if bc, ok := s.byName[t]; ok && bc != c {
				bc.subclassed = true
				s.merge(bc, seen)
				c.bases = append(c.bases, bc)
				c.external = c.external || bc.external
				for k, m := range bc.methods {
					if _, own := c.methods[k]; !own {
						c.methods[k] = m
					}
				}
				for k, v := range bc.attrs {
					c.attrs[k] = append(c.attrs[k], v...)
				}
				continue
			}
			if base, _, _ := strings.Cut(t, "["); !ignoredBases[base] {
				c.external = true
			}
		}
	}
	c.merged = true
}

// classBody reads the methods and attributes of one class body.
func (s *scanner) classBody(c *class, body *sitter.Node) {
	for _, st := range named(body) {
		def := st
		if st.Kind() == "decorated_definition" {
			def = st.ChildByFieldName("definition")
		}
		switch {
		case def == nil:
		case def.Kind() == "function_definition":
			if name := def.ChildByFieldName("name"); name != nil {
				c.methods[s.text(name)] = def
				s.selfAssignments(c, def)
			}
		case st.Kind() == "expression_statement":
			for _, a := range named(st) {
				s.assignments(a, func(target, value *sitter.Node) {
					if target.Kind() == "identifier" {
						c.attrs[s.text(target)] = append(c.attrs[s.text(target)], binding{value: value})
					}
				})
			}
		}
	}
}

// selfAssignments records "self.X = value" in method m as attribute X.
func (s *scanner) selfAssignments(c *class, m *sitter.Node) {
	self := selfName(s, m)
	if self == "" {
		return
	}
	s.eachStatement(m, func(n *sitter.Node) {
		s.assignments(n, func(target, value *sitter.Node) {
			if target.Kind() != "attribute" {
				return
			}
			obj, attr := target.ChildByFieldName("object"), target.ChildByFieldName("attribute")
			if obj != nil && attr != nil && obj.Kind() == "identifier" && s.text(obj) == self {
				c.attrs[s.text(attr)] = append(c.attrs[s.text(attr)], binding{value: value, method: m})
			}
		})
	})
}

// selfName is the name of a method's first parameter, "" if it has none.
func selfName(s *scanner, m *sitter.Node) string {
	params := m.ChildByFieldName("parameters")
	if params == nil {
		return ""
	}
	ps := named(params)
	if len(ps) == 0 {
		return ""
	}
	p := ps[0]
	if p.Kind() == "identifier" {
		return s.text(p)
	}
	if p.Kind() == "typed_parameter" {
		if id := p.NamedChild(0); id != nil && id.Kind() == "identifier" {
			return s.text(id)
		}
	}
	return ""
}

// eachStatement calls fn on every node below the body of function m, except
// inside nested functions, classes and lambdas.
func (s *scanner) eachStatement(m *sitter.Node, fn func(n *sitter.Node)) {
	body := m.ChildByFieldName("body")
	if body == nil {
		return
	}
	var visit func(n *sitter.Node)
	visit = func(n *sitter.Node) {
		fn(n)
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			switch c.Kind() {
			case "function_definition", "class_definition", "lambda", "decorated_definition":
				continue
			}
			visit(c)
		}
	}
	visit(body)
}

// returnValues returns the expressions method m returns, in source order.
func (s *scanner) returnValues(m *sitter.Node) []*sitter.Node {
	if r, ok := s.returns[m.StartByte()]; ok {
		return r
	}
	r := []*sitter.Node{}
	s.eachStatement(m, func(n *sitter.Node) {
		if n.Kind() == "return_statement" && n.NamedChild(0) != nil {
			r = append(r, n.NamedChild(0))
		}
	})
	s.returns[m.StartByte()] = r
	return r
}

// builder reports class c if it is a builder.
func (s *scanner) builder(c *class) (Class, bool) {
	line, col := pos(c.name)
	b := Class{Name: s.text(c.name), Line: line, Col: col, ExternalBase: c.external, Base: c.subclassed}
	var cmName string
	for _, name := range CreateModelMethods {
		if m, ok := c.methods[name]; ok {
			cmName = name
			b.CreateModel = s.method(m)
			b.Model = s.returned(c, m, isModel)
			break
		}
	}
	stepMethod, hasStep := c.methods[CreateStepMethod]
	if hasStep {
		b.CreateStep = s.method(stepMethod)
		b.Step = s.returned(c, stepMethod, isStep)
	}
	if b.Model == nil && b.Step == nil {
		return Class{}, false
	}
	b.StepModel = StepModel{Ref: RefNone}
	if b.Step != nil {
		b.StepModel = s.stepModel(c, stepMethod, cmName)
	}
	s.classFacts(c, &b)
	return b, true
}

// method reports a method definition.
func (s *scanner) method(m *sitter.Node) *Method {
	name := m.ChildByFieldName("name")
	line, col := pos(name)
	return &Method{Name: s.text(name), Line: line, Col: col}
}

// isModel reports whether a resolved name is a SageMaker model class.
func isModel(r Resolved) bool {
	return r.Root() == "sagemaker" && slices.Contains(ModelClasses, r.Last())
}

// isStep reports whether a resolved name is a SageMaker step class.
func isStep(r Resolved) bool {
	return r.Root() == "sagemaker" && slices.Contains(StepClasses, r.Last())
}

// returned finds the call that method m returns and that want accepts,
// following names, self attributes and methods called on self.
func (s *scanner) returned(c *class, m *sitter.Node, want func(Resolved) bool) *Call {
	for _, v := range s.returnValues(m) {
		if call, ctx := s.trace(c, v, m, want, 0); call != nil {
			return s.call(c, call, ctx, 0)
		}
	}
	return nil
}

// trace follows expression n (evaluated in method m) to a call that want
// accepts, and returns it with the method it is in.
func (s *scanner) trace(c *class, n, m *sitter.Node, want func(Resolved) bool, depth int) (*sitter.Node, *sitter.Node) {
	if depth > maxDepth || !s.spend() {
		return nil, nil
	}
	switch n.Kind() {
	case "call":
		fn := n.ChildByFieldName("function")
		if fn == nil {
			return nil, nil
		}
		if want(s.resolve(fn)) {
			return n, m
		}
		if meth := s.selfMethod(c, fn, m); meth != nil {
			key := fmt.Sprintf("trace:%d", meth.StartByte())
			if s.active[key] {
				return nil, nil
			}
			s.active[key] = true
			defer delete(s.active, key)
			for _, r := range s.returnValues(meth) {
				if call, ctx := s.trace(c, r, meth, want, depth+1); call != nil {
					return call, ctx
				}
			}
			return nil, nil
		}
	case "identifier", "attribute":
		for _, b := range s.candidates(c, n, m) {
			if b.value == nil {
				continue
			}
			if call, ctx := s.trace(c, b.value, b.method, want, depth+1); call != nil {
				return call, ctx
			}
		}
	case "parenthesized_expression":
		if in := n.NamedChild(0); in != nil {
			return s.trace(c, in, m, want, depth+1)
		}
	}
	return nil, nil
}

// spend takes one unit of the resolution budget, and reports whether there
// was one left.
func (s *scanner) spend() bool {
	if s.budget <= 0 {
		return false
	}
	s.budget--
	return true
}

// selfMethod returns the method of c that fn calls ("self.name"), or nil.
func (s *scanner) selfMethod(c *class, fn, m *sitter.Node) *sitter.Node {
	if c == nil || m == nil || fn.Kind() != "attribute" {
		return nil
	}
	obj, attr := fn.ChildByFieldName("object"), fn.ChildByFieldName("attribute")
	if obj == nil || attr == nil || obj.Kind() != "identifier" || s.text(obj) != selfName(s, m) {
		return nil
	}
	return c.methods[s.text(attr)]
}

// candidates returns the bindings of a name or attribute used in method m:
// local assignments (or parameters), else module constants for a name;
// class attributes and self assignments for "self.X". Nil means unknown.
func (s *scanner) candidates(c *class, n, m *sitter.Node) []binding {
	switch n.Kind() {
	case "identifier":
		id := s.text(n)
		if m != nil {
			if bs, ok := s.methodLocals(m)[id]; ok {
				return bs
			}
		}
		if _, imported := s.imports[id]; imported {
			return nil
		}
		return s.consts[id]
	case "attribute":
		obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if c == nil || m == nil || obj == nil || attr == nil || obj.Kind() != "identifier" || s.text(obj) != selfName(s, m) {
			return nil
		}
		return c.attrs[s.text(attr)]
	}
	return nil
}

// methodLocals returns the names bound in method m: parameters (with an
// unknown value) and assignments.
func (s *scanner) methodLocals(m *sitter.Node) map[string][]binding {
	if l, ok := s.locals[m.StartByte()]; ok {
		return l
	}
	l := map[string][]binding{}
	if params := m.ChildByFieldName("parameters"); params != nil {
		for _, p := range named(params) {
			id := p
			if p.Kind() != "identifier" {
				id = p.ChildByFieldName("name")
				if id == nil {
					id = p.NamedChild(0)
				}
			}
			if id != nil && id.Kind() == "identifier" {
				l[s.text(id)] = append(l[s.text(id)], binding{method: m})
			}
		}
	}
	s.eachStatement(m, func(n *sitter.Node) {
		s.assignments(n, func(target, value *sitter.Node) {
			if target.Kind() == "identifier" {
				l[s.text(target)] = append(l[s.text(target)], binding{value: value, method: m})
			}
		})
		switch n.Kind() {
		case "for_statement", "named_expression", "as_pattern":
			// Loop targets, walrus and "with ... as x" bind values that are
			// not known.
			var t *sitter.Node
			switch n.Kind() {
			case "for_statement":
				t = n.ChildByFieldName("left")
			case "named_expression":
				t = n.ChildByFieldName("name")
			case "as_pattern":
				t = n.ChildByFieldName("alias")
				if t != nil && t.NamedChildCount() == 1 {
					t = t.NamedChild(0)
				}
			}
			if t != nil && t.Kind() == "identifier" {
				l[s.text(t)] = append(l[s.text(t)], binding{method: m})
			}
		}
	})
	s.locals[m.StartByte()] = l
	return l
}

// resolve returns the dotted name n refers to through the file's imports:
//
//	XGB                     (from sagemaker.xgboost import XGBoostModel as XGB) -> sagemaker.xgboost.XGBoostModel
//	smx.XGBoostModel        (import sagemaker.xgboost as smx)                   -> sagemaker.xgboost.XGBoostModel
//	sagemaker.model.Model   (import sagemaker)                                  -> sagemaker.model.Model
//	Model                   (from sagemaker.model import *)                     -> sagemaker.model.Model
//	Model                   (no import)                                          -> Model
//	self._create_model, f() (not a dotted name)                                  -> ""
func (s *scanner) resolve(n *sitter.Node) Resolved {
	var parts []string
	for n.Kind() == "attribute" {
		attr := n.ChildByFieldName("attribute")
		if attr == nil {
			return ""
		}
		parts = append(parts, s.text(attr))
		n = n.ChildByFieldName("object")
		if n == nil {
			return ""
		}
	}
	if n.Kind() != "identifier" {
		return ""
	}
	root := s.text(n)
	if q, ok := s.imports[root]; ok {
		root = q
	} else if len(parts) == 0 {
		for _, st := range s.stars {
			if strings.HasPrefix(st, "sagemaker") {
				root = st + "." + root
				break
			}
		}
	}
	slices.Reverse(parts)
	return Resolved(strings.Join(append([]string{root}, parts...), "."))
}

// call reports a call node evaluated in method m.
func (s *scanner) call(c *class, n, m *sitter.Node, depth int) *Call {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return nil
	}
	line, col := pos(n)
	out := &Call{Name: s.text(fn), Resolved: string(s.resolve(fn)), Line: line, Col: col}
	if out.Resolved == "" {
		out.Resolved = out.Name
	}
	args := n.ChildByFieldName("arguments")
	if args == nil || args.Kind() != "argument_list" {
		return out
	}
	idx := 0
	for _, a := range named(args) {
		switch a.Kind() {
		case "keyword_argument":
			name, value := a.ChildByFieldName("name"), a.ChildByFieldName("value")
			if name == nil || value == nil {
				continue
			}
			out.Args = append(out.Args, Arg{Keyword: s.text(name), Index: -1, Value: s.eval(c, value, m, depth+1)})
		case "list_splat", "dictionary_splat":
			out.Splat = true
		default:
			out.Args = append(out.Args, Arg{Index: idx, Value: s.eval(c, a, m, depth+1)})
			idx++
		}
	}
	return out
}

// uniqueNames are the resolved names whose values differ on every run:
// timestamps, uuids, random numbers, the SDK's unique-name helpers and the
// pipeline execution variables.
//
//	time.time, time.strftime          -> unique
//	datetime.datetime.now             -> unique
//	uuid.uuid4                        -> unique
//	sagemaker.utils.name_from_base    -> unique
//	sagemaker.workflow.execution_variables.ExecutionVariables.PIPELINE_EXECUTION_ID -> unique
var uniqueNames = []string{
	"time", "datetime", "uuid", "random", "secrets",
	"sagemaker.utils.name_from_base", "sagemaker.utils.unique_name_from_base",
	"sagemaker.common_utils.name_from_base", "sagemaker.common_utils.unique_name_from_base",
	"sagemaker.workflow.execution_variables", "sagemaker.workflow.ExecutionVariables",
}

// isUnique reports whether a resolved name is in uniqueNames or below one.
func isUnique(r Resolved) bool {
	for _, u := range uniqueNames {
		if string(r) == u || strings.HasPrefix(string(r), u+".") {
			return true
		}
	}
	return strings.Contains(string(r), "ExecutionVariables")
}

// trainingArtifacts is what a training step's model artifacts are read
// from.
const trainingArtifacts = "ModelArtifacts.S3ModelArtifacts"

// eval resolves expression n, used in method m (nil at module or class
// level).
func (s *scanner) eval(c *class, n, m *sitter.Node, depth int) Value {
	line, col := pos(n)
	v := Value{Text: s.text(n), Line: line, Col: col}
	if depth > maxDepth || !s.spend() {
		return v
	}
	switch n.Kind() {
	case "none":
		v.None = true
	case "integer", "float", "true", "false":
		v.Static, v.Str, v.Known = true, v.Text, true
	case "string":
		s.evalString(c, n, m, depth, &v)
	case "concatenated_string":
		v.Static, v.Known = true, true
		for _, p := range named(n) {
			pv := s.eval(c, p, m, depth+1)
			v.absorb(pv)
			v.Static = v.Static && pv.Static
			v.Known = v.Known && pv.Known
			v.Str += pv.Str
		}
	case "parenthesized_expression":
		if in := n.NamedChild(0); in != nil {
			iv := s.eval(c, in, m, depth+1)
			iv.Text, iv.Line, iv.Col = v.Text, v.Line, v.Col
			return iv
		}
	case "identifier", "attribute":
		if r := s.resolve(n); r != "" && isUnique(r) {
			v.Unique = true
		}
		if strings.Contains(v.Text, trainingArtifacts) {
			v.FromTrainingStep = true
		}
		if bs := s.candidates(c, n, m); len(bs) > 0 {
			s.combine(c, &v, bs, depth)
		} else if n.Kind() == "attribute" {
			if obj := n.ChildByFieldName("object"); obj != nil {
				v.absorb(s.eval(c, obj, m, depth+1))
			}
		}
	case "call":
		s.evalCall(c, n, m, depth, &v)
	case "binary_operator":
		l, r := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if l == nil || r == nil {
			return v
		}
		lv, rv := s.eval(c, l, m, depth+1), s.eval(c, r, m, depth+1)
		v.absorb(lv)
		v.absorb(rv)
		v.Static = lv.Static && rv.Static
		if op := n.ChildByFieldName("operator"); op != nil && s.text(op) == "+" && lv.Known && rv.Known {
			v.Str, v.Known = lv.Str+rv.Str, true
		}
	case "conditional_expression":
		parts := named(n)
		if len(parts) == 3 {
			a, b := s.eval(c, parts[0], m, depth+1), s.eval(c, parts[2], m, depth+1)
			v.merge([]Value{a, b})
		}
	case "dictionary":
		v.Dict = []Item{}
		for _, p := range named(n) {
			if p.Kind() != "pair" {
				continue
			}
			k, val := p.ChildByFieldName("key"), p.ChildByFieldName("value")
			if k == nil || val == nil {
				continue
			}
			kv := s.eval(c, k, m, depth+1)
			if kv.Known {
				v.Dict = append(v.Dict, Item{Key: kv.Str, Value: s.eval(c, val, m, depth+1)})
			}
		}
	default:
		for _, ch := range named(n) {
			v.absorb(s.eval(c, ch, m, depth+1))
		}
	}
	return v
}

// evalString reads a string literal or f-string:
//
//	"xgb-model"                     -> Static, Str "xgb-model"
//	f"xgb-{int(time.time())}"       -> Unique
//	f"{PREFIX}-model" (PREFIX = "a") -> Static
//	f"{self.prefix}-model"          -> as self.prefix is
func (s *scanner) evalString(c *class, n, m *sitter.Node, depth int, v *Value) {
	v.Static, v.Known = true, true
	var b strings.Builder
	for i := uint(0); i < n.NamedChildCount(); i++ {
		p := n.NamedChild(i)
		switch p.Kind() {
		case "string_content":
			b.WriteString(s.text(p))
		case "escape_sequence":
			b.WriteString(unescape(s.text(p)))
		case "interpolation":
			v.Known = false
			if e := p.ChildByFieldName("expression"); e != nil {
				ev := s.eval(c, e, m, depth+1)
				v.absorb(ev)
				v.Static = v.Static && ev.Static
			}
		}
	}
	if v.Known {
		v.Str = b.String()
	}
}

// unescape decodes the common escape sequences and keeps others as written.
func unescape(e string) string {
	switch e {
	case `\n`:
		return "\n"
	case `\t`:
		return "\t"
	case `\\`:
		return `\`
	case `\'`:
		return "'"
	case `\"`:
		return `"`
	}
	return e
}

// evalCall resolves a call: a method of the class evaluates to what it
// returns; "...".format(...) and str(...) of constants are static; dict(...)
// with keywords is a dictionary; a call of a unique-name source is unique.
func (s *scanner) evalCall(c *class, n, m *sitter.Node, depth int, v *Value) {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return
	}
	v.Call = s.call(c, n, m, depth)
	if meth := s.selfMethod(c, fn, m); meth != nil {
		key := fmt.Sprintf("eval:%d", meth.StartByte())
		if s.active[key] {
			return
		}
		s.active[key] = true
		defer delete(s.active, key)
		var rets []Value
		for _, e := range s.returnValues(meth) {
			rets = append(rets, s.eval(c, e, meth, depth+1))
		}
		call := v.Call
		v.merge(rets)
		v.Call = call
		return
	}
	r := s.resolve(fn)
	if r != "" && isUnique(r) {
		v.Unique = true
	}
	if fn.Kind() == "attribute" {
		if obj := fn.ChildByFieldName("object"); obj != nil {
			ov := s.eval(c, obj, m, depth+1)
			v.absorb(ov)
			if attr := fn.ChildByFieldName("attribute"); attr != nil && s.text(attr) == "format" && ov.Static {
				v.Static = v.argsStatic()
			}
		}
	}
	for _, a := range v.Call.Args {
		v.absorb(a.Value)
	}
	switch r {
	case "str":
		v.Static = v.argsStatic()
	case "dict":
		v.Dict = []Item{}
		for _, a := range v.Call.Args {
			if a.Keyword != "" {
				v.Dict = append(v.Dict, Item{Key: a.Keyword, Value: a.Value})
			}
		}
	}
}

// argsStatic reports whether every argument of v.Call is static.
func (v *Value) argsStatic() bool {
	if v.Call == nil || v.Call.Splat {
		return false
	}
	for _, a := range v.Call.Args {
		if !a.Value.Static {
			return false
		}
	}
	return true
}

// absorb takes the flags of a part of v: a unique or training-step part
// makes the whole so.
func (v *Value) absorb(p Value) {
	v.Unique = v.Unique || p.Unique
	v.FromTrainingStep = v.FromTrainingStep || p.FromTrainingStep
}

// merge makes v the combination of the values it may take.
func (v *Value) merge(vals []Value) {
	if len(vals) == 0 {
		return
	}
	v.None, v.Static, v.Known = true, true, true
	v.Str = vals[0].Str
	for _, x := range vals {
		v.absorb(x)
		v.None = v.None && x.None
		v.Static = v.Static && x.Static
		v.Known = v.Known && x.Known && x.Str == v.Str
		if x.Dict != nil {
			v.Dict = x.Dict
		}
		if x.Call != nil {
			v.Call = x.Call
		}
	}
	if !v.Known {
		v.Str = ""
	}
}

// combine resolves the bindings of a name into v. A binding whose value is
// not known makes v neither None nor Static.
func (s *scanner) combine(c *class, v *Value, bs []binding, depth int) {
	key := fmt.Sprintf("name:%d:%s", v.Line, v.Text)
	if len(bs) > 0 && bs[0].method != nil {
		key = fmt.Sprintf("%s:%d", key, bs[0].method.StartByte())
	}
	if s.active[key] {
		return
	}
	s.active[key] = true
	defer delete(s.active, key)
	var vals []Value
	for _, b := range bs {
		if b.value == nil {
			vals = append(vals, Value{})
			continue
		}
		vals = append(vals, s.eval(c, b.value, b.method, depth+1))
	}
	v.merge(vals)
}

// stepModel reports what the step create_step returns passes as its model.
func (s *scanner) stepModel(c *class, stepMethod *sitter.Node, cmName string) StepModel {
	var call, ctx *sitter.Node
	for _, r := range s.returnValues(stepMethod) {
		if call, ctx = s.trace(c, r, stepMethod, isStep, 0); call != nil {
			break
		}
	}
	if call == nil {
		return StepModel{Ref: RefNone}
	}
	args := call.ChildByFieldName("arguments")
	if args == nil {
		return StepModel{Ref: RefNone}
	}
	// CreateModelStep(name, step_args, model, ...); ModelStep(name, step_args, ...).
	var model, stepArgs *sitter.Node
	idx := 0
	for _, a := range named(args) {
		switch a.Kind() {
		case "keyword_argument":
			name, value := a.ChildByFieldName("name"), a.ChildByFieldName("value")
			if name == nil || value == nil {
				continue
			}
			switch s.text(name) {
			case "model":
				model = value
			case "step_args":
				stepArgs = value
			}
		case "list_splat", "dictionary_splat":
			return StepModel{Ref: RefUnknown, Text: s.text(a)}
		default:
			switch idx {
			case 1:
				stepArgs = a
			case 2:
				model = a
			}
			idx++
		}
	}
	kw, arg := "model", model
	if arg == nil || arg.Kind() == "none" {
		kw, arg = "step_args", stepArgs
	}
	if arg == nil || arg.Kind() == "none" {
		return StepModel{Ref: RefNone}
	}
	line, col := pos(arg)
	return StepModel{Ref: s.ref(c, arg, ctx, cmName, 0), Keyword: kw, Text: s.text(arg), Line: line, Col: col}
}

// stepArgsMethods are the model methods whose result a step takes as
// step_args under a PipelineSession.
var stepArgsMethods = []string{"create", "register", "deploy", "transformer"}

// ref says where expression n (in method m) gets its model from.
func (s *scanner) ref(c *class, n, m *sitter.Node, cmName string, depth int) Ref {
	if depth > maxDepth || !s.spend() {
		return RefUnknown
	}
	switch n.Kind() {
	case "parenthesized_expression":
		if in := n.NamedChild(0); in != nil {
			return s.ref(c, in, m, cmName, depth+1)
		}
	case "call":
		fn := n.ChildByFieldName("function")
		if fn == nil {
			return RefUnknown
		}
		if isModel(s.resolve(fn)) {
			return RefOther
		}
		if meth := s.selfMethod(c, fn, m); meth != nil {
			if cmName != "" && s.text(fn.ChildByFieldName("attribute")) == cmName {
				return RefCreateModel
			}
			// Another method: where do its return values come from?
			key := fmt.Sprintf("ref:%d", meth.StartByte())
			if s.active[key] {
				return RefUnknown
			}
			s.active[key] = true
			defer delete(s.active, key)
			var refs []Ref
			for _, r := range s.returnValues(meth) {
				refs = append(refs, s.ref(c, r, meth, cmName, depth+1))
			}
			return joinRefs(refs)
		}
		if fn.Kind() == "attribute" {
			attr, obj := fn.ChildByFieldName("attribute"), fn.ChildByFieldName("object")
			if attr != nil && obj != nil && slices.Contains(stepArgsMethods, s.text(attr)) {
				return s.ref(c, obj, m, cmName, depth+1)
			}
		}
	case "identifier", "attribute":
		bs := s.candidates(c, n, m)
		var refs []Ref
		for _, b := range bs {
			if b.value == nil {
				refs = append(refs, RefUnknown)
				continue
			}
			refs = append(refs, s.ref(c, b.value, b.method, cmName, depth+1))
		}
		return joinRefs(refs)
	}
	return RefUnknown
}

// joinRefs combines the origins of the values a name may take: any value
// from the create-model method makes it so; only other models make it
// other; anything else is unknown.
func joinRefs(refs []Ref) Ref {
	if len(refs) == 0 {
		return RefUnknown
	}
	if slices.Contains(refs, RefCreateModel) {
		return RefCreateModel
	}
	for _, r := range refs {
		if r != RefOther {
			return RefUnknown
		}
	}
	return RefOther
}

// classFacts fills the model data assignments and the dependency of a
// builder, over its own and inherited methods.
func (s *scanner) classFacts(c *class, b *Class) {
	for _, bd := range c.attrs["model_data"] {
		if bd.method == nil && bd.value != nil {
			b.ModelDataSets = append(b.ModelDataSets, s.eval(c, bd.value, nil, 0))
		}
	}
	names := make([]string, 0, len(c.methods))
	for k := range c.methods {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		m := c.methods[k]
		s.eachStatement(m, func(n *sitter.Node) {
			switch n.Kind() {
			case "assignment":
				s.assignments(n, func(target, value *sitter.Node) {
					if target.Kind() != "attribute" || value == nil {
						return
					}
					attr := s.text(target.ChildByFieldName("attribute"))
					switch attr {
					case "model_data":
						b.ModelDataSets = append(b.ModelDataSets, s.eval(c, value, m, 0))
					case "depends_on":
						if !s.eval(c, value, m, 0).None {
							b.DependsOn = true
						}
					}
				})
			case "keyword_argument":
				name, value := n.ChildByFieldName("name"), n.ChildByFieldName("value")
				if name != nil && value != nil && s.text(name) == "depends_on" && !s.eval(c, value, m, 0).None {
					b.DependsOn = true
				}
			case "call":
				if fn := n.ChildByFieldName("function"); fn != nil && fn.Kind() == "attribute" {
					if attr := fn.ChildByFieldName("attribute"); attr != nil && s.text(attr) == "add_depends_on" {
						b.DependsOn = true
					}
				}
			}
		})
	}
	slices.SortStableFunc(b.ModelDataSets, func(x, y Value) int {
		if x.Line != y.Line {
			return x.Line - y.Line
		}
		return x.Col - y.Col
	})
}
