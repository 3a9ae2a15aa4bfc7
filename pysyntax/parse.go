package pysyntax

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"
	python "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// BOM is the UTF-8 byte order mark some editors write at the start of a
// file.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// TrimBOM returns src without a leading UTF-8 byte order mark. Python and
// editors skip it, so it is not part of the first line.
func TrimBOM(src []byte) []byte {
	return bytes.TrimPrefix(src, BOM)
}

// Parse parses Python source with tree-sitter and returns the syntax tree,
// error-tolerant: a syntax error becomes ERROR or MISSING nodes. The caller
// must call Close on the tree. An error means the grammar could not be loaded
// or the parser gave up. Parse is safe for concurrent use.
func Parse(src []byte) (*sitter.Tree, error) {
	parser := sitter.NewParser()
	defer parser.Close()
	if err := parser.SetLanguage(sitter.NewLanguage(python.Language())); err != nil {
		return nil, fmt.Errorf("failed to load the python grammar: %w", err)
	}
	tree := parser.Parse(src, nil)
	if tree == nil {
		return nil, errors.New("failed to parse the source")
	}
	return tree, nil
}

// Pos returns the 1-based line and byte column of a node's start.
func Pos(n *sitter.Node) (line, col int) {
	p := n.StartPosition()
	return int(p.Row) + 1, int(p.Column) + 1
}

// Text returns the source text of n.
func Text(n *sitter.Node, src []byte) string {
	return n.Utf8Text(src)
}

// Named returns the named children of n in order, comments left out.
func Named(n *sitter.Node) []*sitter.Node {
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

// DottedName returns the text of a name or attribute chain, or "" for any
// other expression:
//
//	os.path.join   -> "os.path.join"
//	model_dir      -> "model_dir"
//	f().x, a[0].b  -> ""
func DottedName(n *sitter.Node, src []byte) string {
	switch n.Kind() {
	case "identifier":
		return Text(n, src)
	case "attribute":
		obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if obj == nil || attr == nil {
			return ""
		}
		if o := DottedName(obj, src); o != "" {
			return o + "." + Text(attr, src)
		}
	}
	return ""
}

// SyntaxMessage returns a message if n is a syntax error, or "". Besides the
// parser's ERROR and MISSING nodes, it reports Python 2 statements that
// tree-sitter-python accepts but Python 3 rejects:
//
//	print "x"              -> `Python 2 print statement`
//	print >>f, "x"         -> "" (valid Python 3 expression)
//	exec "code"            -> `Python 2 exec statement`
//	except ValueError, e:  -> `Python 2 "except X, name"`
func SyntaxMessage(n *sitter.Node, src []byte) string {
	switch {
	case n.IsMissing():
		return fmt.Sprintf("missing %q", n.Kind())
	case n.IsError():
		leaf := n
		for leaf.ChildCount() > 0 {
			leaf = leaf.Child(0)
		}
		t := leaf.Utf8Text(src)
		if t == "" || len(t) > 20 || !utf8.ValidString(t) {
			return "invalid syntax"
		}
		return fmt.Sprintf("unexpected %q", t)
	}
	switch n.Kind() {
	case "print_statement":
		for _, c := range Named(n) {
			if c.Kind() == "chevron" {
				return ""
			}
		}
		return "Python 2 print statement"
	case "exec_statement":
		return "Python 2 exec statement"
	case "except_clause":
		for i := uint(0); i < n.ChildCount(); i++ {
			if c := n.Child(i); c.Kind() == "," && !c.IsNamed() {
				return `Python 2 "except X, name"`
			}
		}
	}
	return ""
}
