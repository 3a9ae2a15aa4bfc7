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
	"slices"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
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

// Scan parses one Python file and reports its builder classes. It never runs
// or imports the code. Scan is safe for concurrent use.
//
// A file with a syntax error is not an error: File.SyntaxError is set and
// everything tree-sitter recovered is still reported. An error means the
// file could not be parsed at all, and the File is nil.
func Scan(src []byte) (*File, error) {
	src = pysyntax.TrimBOM(src)
	tree, err := pysyntax.Parse(src)
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

func (s *scanner) text(n *sitter.Node) string { return n.Utf8Text(s.src) }

// walkAll visits every node once, in document order, for the imports and
// the first syntax error.
func (s *scanner) walkAll(root *sitter.Node) {
	cur := root.Walk()
	defer cur.Close()
	for {
		n := cur.Node()
		if s.file.SyntaxError == nil {
			if msg := pysyntax.SyntaxMessage(n, s.src); msg != "" {
				line, col := pysyntax.Pos(n)
				s.file.SyntaxError = &SyntaxError{Line: line, Col: col, Message: msg}
			}
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

// importStatement records the names an import binds and the module (see
// pysyntax.ReadImport):
//
//	import sagemaker.xgboost            -> sagemaker = sagemaker
//	import sagemaker.xgboost as smx     -> smx = sagemaker.xgboost
//	from sagemaker.model import Model   -> Model = sagemaker.model.Model
//	from sagemaker import model as m    -> m = sagemaker.model
//	from sagemaker.model import *       -> star sagemaker.model
//	from .common import Base            -> Base = .common.Base (not SageMaker)
func (s *scanner) importStatement(n *sitter.Node) {
	im, ok := pysyntax.ReadImport(n, s.src)
	if !ok {
		return
	}
	modules := im.Modules
	if im.From != "" && !im.Relative {
		modules = []string{im.From}
	}
	for _, m := range modules {
		s.file.Imports = append(s.file.Imports, Import{Module: m, Line: im.Line})
	}
	if im.Star {
		s.stars = append(s.stars, im.From)
	}
	for _, b := range im.Names {
		s.imports[b.Name] = b.Target
	}
}

// module reads the module body: constants and classes.
func (s *scanner) module(n *sitter.Node) {
	for _, c := range pysyntax.Named(n) {
		switch c.Kind() {
		case "class_definition":
			s.addClass(c)
		case "decorated_definition":
			if d := c.ChildByFieldName("definition"); d != nil && d.Kind() == "class_definition" {
				s.addClass(d)
			}
		case "expression_statement":
			for _, a := range pysyntax.Named(c) {
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
			for _, e := range pysyntax.Named(t) {
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
		for _, b := range pysyntax.Named(sup) {
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
	for _, st := range pysyntax.Named(body) {
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
			for _, a := range pysyntax.Named(st) {
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
	ps := pysyntax.Named(params)
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
	line, col := pysyntax.Pos(c.name)
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
	line, col := pysyntax.Pos(name)
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
