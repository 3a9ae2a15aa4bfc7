package builder

// Name resolution: what a name or attribute used in a method is bound to,
// through the file's imports, the method's locals, module constants and the
// class's attributes, and the call an expression traces back to.

import (
	"fmt"
	"slices"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
)

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
		for _, p := range pysyntax.Named(params) {
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
