package inference

// Model paths are found by evaluating, inside model_fn, the expressions that
// build a path from the model directory and string literals. The rules are:
//   - The model directory is model_fn's first parameter, the literal
//     "/opt/ml/model", os.environ["SM_MODEL_DIR"] or
//     os.environ.get/os.getenv("SM_MODEL_DIR", ...).
//   - Only literal parts are followed; a path with any other part (a
//     variable that is not known, a call result) is skipped, and so is one
//     holding glob characters or leaving the model directory.
//   - Local names assigned in model_fn, and module-level names assigned a
//     path, carry their value to where they are used.
//   - A module-level function of the same file that model_fn calls is read
//     too, one level deep, with the argument values passed on.
//   - A path that is only the directory of another reported path is dropped.

import (
	"path"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
)

// modelDir is the directory SageMaker extracts model.tar.gz into.
const modelDir = "/opt/ml/model"

// maxEvalDepth bounds how deeply one expression is evaluated, so that a
// pathological expression costs linear time.
const maxEvalDepth = 32

// pathVal is the value of a string expression, as far as it is known.
type pathVal struct {
	// ok is false when the value is not known.
	ok bool
	// inDir says the value is the model directory followed by s.
	inDir bool
	s     string
	// line and col locate the last string literal in the value, or are 0.
	line, col int
}

// normalize moves a plain value under /opt/ml/model into the model directory.
//
//	"/opt/ml/model"           -> dir + ""
//	"/opt/ml/model/model.pth" -> dir + "/model.pth"
//	"/opt/ml/modelx"          -> unchanged
func normalize(v pathVal) pathVal {
	if v.ok && !v.inDir && (v.s == modelDir || strings.HasPrefix(v.s, modelDir+"/")) {
		v.inDir, v.s = true, v.s[len(modelDir):]
	}
	return v
}

// concat is a + b, as Python's str +.
//
//	dir + "/model.pth"         -> dir + "/model.pth"
//	"/opt/ml/" + "model/x.bin" -> dir + "/x.bin"
//	"" + dir                   -> dir
//	"x" + dir                  -> not known
func concat(a, b pathVal) pathVal {
	switch {
	case !a.ok || !b.ok:
		return pathVal{}
	case b.inDir && !a.inDir && a.s == "":
		return b
	case b.inDir:
		return pathVal{}
	}
	v := pathVal{ok: true, inDir: a.inDir, s: a.s + b.s, line: b.line, col: b.col}
	if b.line == 0 {
		v.line, v.col = a.line, a.col
	}
	return normalize(v)
}

// join is os.path.join(a, b) (and pathlib's a / b).
//
//	join(dir, "model.pth")            -> dir + "/model.pth"
//	join(dir + "/sub/", "x.bin")      -> dir + "/sub/x.bin"
//	join("x", "/opt/ml/model/y.bin")  -> dir + "/y.bin"
//	join("", "x")                     -> "x"
func join(a, b pathVal) pathVal {
	switch {
	case !a.ok || !b.ok:
		return pathVal{}
	case b.inDir || strings.HasPrefix(b.s, "/"):
		return b
	case !a.inDir && a.s == "":
		return b
	case strings.HasSuffix(a.s, "/"):
		return concat(a, b)
	}
	return concat(concat(a, pathVal{ok: true, s: "/"}), b)
}

// ref returns the model-relative file a value names, or "".
//
//	dir + "/model.pth"    -> "model.pth"
//	dir + "//sub/./x.bin" -> "sub/x.bin"
//	dir + ""              -> "" (the directory itself)
//	dir + "model.pth"     -> "" ("/opt/ml/modelmodel.pth")
//	dir + "/../x"         -> "" (outside the directory)
//	dir + "/*.pth"        -> "" (a glob pattern)
func (v pathVal) ref() string {
	if !v.ok || !v.inDir || !strings.HasPrefix(v.s, "/") || v.line == 0 {
		return ""
	}
	rel := path.Clean(strings.TrimLeft(v.s, "/"))
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || strings.ContainsAny(rel, "*?[") {
		return ""
	}
	return rel
}

// env maps local names to their path values.
type env map[string]pathVal

// clone returns a copy of e.
func (e env) clone() env {
	c := make(env, len(e))
	for k, v := range e {
		c[k] = v
	}
	return c
}

// stringValue evaluates a string node (see pysyntax.ReadString): a literal,
// or an f-string whose replacement fields are plain and known values. Byte
// strings, format specs and conversions are not followed.
//
//	"model.pth"              -> "model.pth"
//	r"sub\x.bin"             -> `sub\x.bin`
//	"sub\x41.bin"            -> "subA.bin"
//	f"{model_dir}/model.pth" -> dir + "/model.pth"
//	f"{model_dir!r}/x"       -> not known
//	b"model.pth"             -> not known
func (s *scanner) stringValue(n *sitter.Node, e env, depth int) pathVal {
	lit, err := pysyntax.ReadString(n, s.src)
	if err != nil || lit.Bytes {
		return pathVal{}
	}
	v := pathVal{ok: true}
	for _, p := range lit.Parts {
		switch {
		case p.Field == nil:
			v = concat(v, pathVal{ok: true, s: p.Text})
		case !p.Field.Plain || p.Field.Expr == nil:
			return pathVal{}
		default:
			v = concat(v, s.eval(p.Field.Expr, e, depth+1))
		}
		if !v.ok {
			return v
		}
	}
	v.line, v.col = lit.Line, lit.Col
	return normalize(v)
}

// isModelDirKey reports whether n is the literal "SM_MODEL_DIR", the
// variable the SageMaker containers set to the model directory.
func (s *scanner) isModelDirKey(n *sitter.Node) bool {
	v := s.stringValue(n, nil, maxEvalDepth)
	return n.Kind() == "string" && v.ok && !v.inDir && v.s == "SM_MODEL_DIR"
}

// eval returns the value of expression n, as far as it is a string built
// from the model directory and literals.
//
//	os.path.join(model_dir, "sub", "x.bin")  -> dir + "/sub/x.bin"
//	Path(model_dir) / "model.pt"             -> dir + "/model.pt"
//	Path(model_dir).joinpath("model.pt")     -> dir + "/model.pt"
//	model_dir + "/model.pth"                 -> dir + "/model.pth"
//	"%s/model.pth" % model_dir               -> dir + "/model.pth"
//	"{}/model.pth".format(model_dir)         -> dir + "/model.pth"
//	str(Path(model_dir) / "m.pt")            -> dir + "/m.pt"
//	os.environ["SM_MODEL_DIR"]               -> dir
//	os.path.join(model_dir, name)            -> not known (unless name is)
func (s *scanner) eval(n *sitter.Node, e env, depth int) pathVal {
	if n == nil || depth > maxEvalDepth {
		return pathVal{}
	}
	switch n.Kind() {
	case "string":
		return s.stringValue(n, e, depth)
	case "concatenated_string":
		v := pathVal{ok: true}
		for _, c := range pysyntax.Named(n) {
			v = concat(v, s.eval(c, e, depth+1))
		}
		return v
	case "identifier":
		return e[s.text(n)]
	case "parenthesized_expression":
		if c := pysyntax.Named(n); len(c) == 1 {
			return s.eval(c[0], e, depth+1)
		}
	case "binary_operator":
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		op := n.ChildByFieldName("operator")
		if left == nil || right == nil || op == nil {
			return pathVal{}
		}
		switch s.text(op) {
		case "+":
			return concat(s.eval(left, e, depth+1), s.eval(right, e, depth+1))
		case "/":
			return join(s.eval(left, e, depth+1), s.eval(right, e, depth+1))
		case "%":
			args := []*sitter.Node{right}
			if right.Kind() == "tuple" {
				args = pysyntax.Named(right)
			}
			return s.format(left, "%s", args, e, depth)
		}
	case "subscript":
		// os.environ["SM_MODEL_DIR"]
		if val, sub := n.ChildByFieldName("value"), n.ChildByFieldName("subscript"); val != nil && sub != nil &&
			pysyntax.DottedName(val, s.src) == "os.environ" && s.isModelDirKey(sub) {
			return pathVal{ok: true, inDir: true}
		}
	case "call":
		return s.evalCall(n, e, depth)
	}
	return pathVal{}
}

// evalCall evaluates the calls that build paths; see eval.
func (s *scanner) evalCall(n *sitter.Node, e env, depth int) pathVal {
	fn, argList := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
	if fn == nil || argList == nil || argList.Kind() != "argument_list" {
		return pathVal{}
	}
	args := pysyntax.Named(argList)
	for _, a := range args {
		if k := a.Kind(); k == "keyword_argument" || k == "list_splat" || k == "dictionary_splat" {
			return pathVal{}
		}
	}
	joinAll := func(v pathVal, args []*sitter.Node) pathVal {
		for _, a := range args {
			v = join(v, s.eval(a, e, depth+1))
		}
		return v
	}
	name := pysyntax.DottedName(fn, s.src)
	switch name {
	case "os.path.join", "path.join", "join", "posixpath.join",
		"Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PosixPath", "pathlib.PosixPath":
		if len(args) == 0 {
			return pathVal{}
		}
		return joinAll(pathVal{ok: true}, args)
	case "str", "os.fspath", "os.path.abspath", "os.path.normpath", "os.path.realpath", "os.path.expanduser":
		if len(args) == 1 {
			return s.eval(args[0], e, depth+1)
		}
		return pathVal{}
	case "os.environ.get", "os.getenv":
		if len(args) >= 1 && s.isModelDirKey(args[0]) {
			return pathVal{ok: true, inDir: true}
		}
		return pathVal{}
	}
	if fn.Kind() != "attribute" {
		return pathVal{}
	}
	obj, attr := fn.ChildByFieldName("object"), fn.ChildByFieldName("attribute")
	if obj == nil || attr == nil {
		return pathVal{}
	}
	switch s.text(attr) {
	case "joinpath":
		return joinAll(s.eval(obj, e, depth+1), args)
	case "resolve", "absolute", "as_posix":
		if len(args) == 0 {
			return s.eval(obj, e, depth+1)
		}
	case "format":
		return s.format(obj, "{}", args, e, depth)
	}
	return pathVal{}
}

// format substitutes args, in order, for each verb ("%s" or "{}") of the
// literal template t. Any other "%" or brace makes the value unknown.
//
//	"%s/model.pth" % model_dir        -> dir + "/model.pth"
//	"{}/{}".format(model_dir, "x.pt") -> dir + "/x.pt"
//	"{0}/model.pth".format(model_dir) -> not known
func (s *scanner) format(t *sitter.Node, verb string, args []*sitter.Node, e env, depth int) pathVal {
	tv := s.eval(t, nil, depth+1)
	if t.Kind() != "string" || !tv.ok || tv.inDir {
		return pathVal{}
	}
	parts := strings.Split(tv.s, verb)
	if len(parts) != len(args)+1 {
		return pathVal{}
	}
	v := pathVal{ok: true}
	for i, p := range parts {
		if strings.ContainsAny(p, "%{}") {
			return pathVal{}
		}
		v = concat(v, pathVal{ok: true, s: p, line: tv.line, col: tv.col})
		if i < len(args) {
			v = concat(v, s.eval(args[i], e, depth+1))
		}
	}
	return v
}

// modelPaths finds the files model_fn names in the model directory.
func (s *scanner) modelPaths() []PathRef {
	fns := s.modelFns
	for _, alias := range s.modelAliases {
		if def, ok := s.defs[alias]; ok {
			fns = append(fns, def)
		}
	}
	var refs []PathRef
	for _, fn := range fns {
		e := s.consts.clone()
		params := paramNodes(fn.ChildByFieldName("parameters"))
		for i, p := range params {
			name := s.paramName(p)
			delete(e, name)
			if i == 0 {
				e[name] = pathVal{ok: true, inDir: true}
			} else if v := s.eval(p.ChildByFieldName("value"), s.consts, 0); v.ok {
				e[name] = v
			}
		}
		if body := fn.ChildByFieldName("body"); body != nil {
			s.walkPaths(body, e, true, &refs)
		}
	}
	refs = sortPathRefs(refs)
	// Drop a path that is only the directory of another one.
	var out []PathRef
	for _, r := range refs {
		dir := false
		for _, o := range refs {
			if strings.HasPrefix(o.Value, r.Value+"/") {
				dir = true
				break
			}
		}
		if !dir {
			out = append(out, r)
		}
	}
	return out
}

// paramNodes returns the positional parameter nodes of a parameters node.
func paramNodes(params *sitter.Node) []*sitter.Node {
	if params == nil {
		return nil
	}
	var out []*sitter.Node
	for _, c := range pysyntax.Named(params) {
		switch c.Kind() {
		case "identifier", "default_parameter", "typed_default_parameter", "typed_parameter":
			if c.Kind() == "typed_parameter" {
				if f := c.NamedChild(0); f == nil || f.Kind() != "identifier" {
					return out
				}
			}
			out = append(out, c)
		case "keyword_separator", "list_splat_pattern", "dictionary_splat_pattern":
			return out
		}
	}
	return out
}

// paramName returns the name of a parameter node.
func (s *scanner) paramName(p *sitter.Node) string {
	switch p.Kind() {
	case "identifier":
		return s.text(p)
	case "typed_parameter":
		if f := p.NamedChild(0); f != nil {
			return s.text(f)
		}
	}
	if name := p.ChildByFieldName("name"); name != nil {
		return s.text(name)
	}
	return ""
}

// walkPaths reports the maximal path expressions below n in document order,
// tracking local assignments in e. When follow is true, calls of
// module-level functions are read with their arguments bound.
func (s *scanner) walkPaths(n *sitter.Node, e env, follow bool, refs *[]PathRef) {
	switch n.Kind() {
	case "assignment", "augmented_assignment":
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if right != nil {
			s.walkPaths(right, e, follow, refs)
		}
		if left == nil {
			return
		}
		if left.Kind() == "identifier" {
			id := s.text(left)
			v := pathVal{}
			if n.Kind() == "assignment" && right != nil {
				v = s.eval(right, e, 0)
			}
			if v.ok {
				e[id] = v
			} else {
				delete(e, id)
			}
			return
		}
		s.forget(left, e)
		return
	case "for_statement", "with_clause", "as_pattern", "named_expression":
		// Names bound here get values that are not known.
		for _, f := range []string{"left", "alias", "name"} {
			if t := n.ChildByFieldName(f); t != nil {
				s.forget(t, e)
			}
		}
	case "attribute":
		if obj := n.ChildByFieldName("object"); obj != nil {
			s.walkPaths(obj, e, follow, refs)
		}
		return
	case "keyword_argument":
		if v := n.ChildByFieldName("value"); v != nil {
			s.walkPaths(v, e, follow, refs)
		}
		return
	case "call":
		if follow {
			s.followCall(n, e, refs)
		}
	}
	if v := s.eval(n, e, 0); v.ok {
		if r := v.ref(); r != "" {
			*refs = append(*refs, PathRef{Value: r, Line: v.line, Col: v.col})
			return
		}
	}
	for _, c := range pysyntax.Named(n) {
		s.walkPaths(c, e, follow, refs)
	}
}

// forget unbinds every name in an assignment target.
func (s *scanner) forget(t *sitter.Node, e env) {
	if t.Kind() == "identifier" {
		delete(e, s.text(t))
		return
	}
	for _, c := range pysyntax.Named(t) {
		s.forget(c, e)
	}
}

// followCall reads the body of a module-level function that n calls, with
// the known argument values bound to its parameters and the module-level
// values, and parameter defaults, visible.
//
//	def _load(d, name="model.pth"): torch.load(os.path.join(d, name))
//	def model_fn(model_dir): return _load(model_dir)   -> "model.pth"
func (s *scanner) followCall(n *sitter.Node, e env, refs *[]PathRef) {
	fn, argList := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
	if fn == nil || fn.Kind() != "identifier" || argList == nil || argList.Kind() != "argument_list" {
		return
	}
	def, ok := s.defs[s.text(fn)]
	if !ok {
		return
	}
	params := paramNodes(def.ChildByFieldName("parameters"))
	inner := s.consts.clone()
	for _, p := range params {
		delete(inner, s.paramName(p))
		if val := p.ChildByFieldName("value"); val != nil {
			if v := s.eval(val, s.consts, 0); v.ok {
				inner[s.paramName(p)] = v
			}
		}
	}
	i := 0
	for _, a := range pysyntax.Named(argList) {
		switch a.Kind() {
		case "keyword_argument":
			name, val := a.ChildByFieldName("name"), a.ChildByFieldName("value")
			if name == nil || val == nil {
				continue
			}
			if v := s.eval(val, e, 0); v.ok {
				inner[s.text(name)] = v
			} else {
				delete(inner, s.text(name))
			}
		case "list_splat", "dictionary_splat":
			return
		default:
			if i < len(params) {
				name := s.paramName(params[i])
				if v := s.eval(a, e, 0); v.ok {
					inner[name] = v
				} else {
					delete(inner, name)
				}
			}
			i++
		}
	}
	if body := def.ChildByFieldName("body"); body != nil {
		s.walkPaths(body, inner, false, refs)
	}
}
