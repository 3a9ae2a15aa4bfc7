package builder

// Step model references: what a step that create_step returns passes as its
// model, and whether that is the model the create-model method builds.

import (
	"fmt"
	"slices"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/mati-dev/mati/pysyntax"
)

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
	for _, a := range pysyntax.Named(args) {
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
	line, col := pysyntax.Pos(arg)
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
