package builder

// Value evaluation: what an expression resolves to (a literal, a unique
// name, a dictionary, a call) as far as the file says.

import (
	"fmt"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
)

// call reports a call node evaluated in method m.
func (s *scanner) call(c *class, n, m *sitter.Node, depth int) *Call {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return nil
	}
	line, col := pysyntax.Pos(n)
	out := &Call{Name: s.text(fn), Resolved: string(s.resolve(fn)), Line: line, Col: col}
	if out.Resolved == "" {
		out.Resolved = out.Name
	}
	args := n.ChildByFieldName("arguments")
	if args == nil || args.Kind() != "argument_list" {
		return out
	}
	idx := 0
	for _, a := range pysyntax.Named(args) {
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
	line, col := pysyntax.Pos(n)
	v := Value{Text: s.text(n), Line: line, Col: col}
	if depth > maxDepth || !s.spend() {
		return v
	}
	switch n.Kind() {
	case "none":
		v.None = true
	case "integer", "float", "true", "false":
		v.Static, v.Str, v.Known = true, v.Text, true
	case "string", "concatenated_string":
		s.evalString(c, n, m, depth, &v)
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
		parts := pysyntax.Named(n)
		if len(parts) == 3 {
			a, b := s.eval(c, parts[0], m, depth+1), s.eval(c, parts[2], m, depth+1)
			v.merge([]Value{a, b})
		}
	case "dictionary":
		v.Dict = []Item{}
		for _, p := range pysyntax.Named(n) {
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
		for _, ch := range pysyntax.Named(n) {
			v.absorb(s.eval(c, ch, m, depth+1))
		}
	}
	return v
}

// evalString reads a string literal, f-string or concatenation of them
// (see pysyntax.ReadString):
//
//	"xgb-model"                     -> Static, Str "xgb-model"
//	"xgb\x2dmodel"                  -> Static, Str "xgb-model"
//	f"xgb-{int(time.time())}"       -> Unique
//	f"{PREFIX}-model" (PREFIX = "a") -> Static
//	f"{self.prefix}-model"          -> as self.prefix is
//	b"xgb", "\N{NO SUCH NAME}"      -> Static, Str not known
func (s *scanner) evalString(c *class, n, m *sitter.Node, depth int, v *Value) {
	v.Static = true
	lit, err := pysyntax.ReadString(n, s.src)
	if err != nil || lit.Bytes {
		return
	}
	v.Known = true
	var b strings.Builder
	for _, p := range lit.Parts {
		if p.Field == nil {
			b.WriteString(p.Text)
			continue
		}
		v.Known = false
		if p.Field.Expr != nil {
			ev := s.eval(c, p.Field.Expr, m, depth+1)
			v.absorb(ev)
			v.Static = v.Static && ev.Static
		}
	}
	if v.Known {
		v.Str = b.String()
	}
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
