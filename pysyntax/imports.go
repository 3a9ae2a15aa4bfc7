package pysyntax

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// Import is what one import statement binds:
//
//	import a.b, c          -> Modules a.b, c; a = a, c = c
//	import a.b as m        -> Modules a.b; m = a.b
//	from a.b import c as d -> From a.b; d = a.b.c
//	from . import x        -> From ".", Relative; x = .x
//	from a import *        -> From a, Star
//	from __future__ import annotations -> From __future__; annotations
type Import struct {
	// Line is the 1-based line of the statement.
	Line int
	// Modules are the dotted modules of an "import" statement, in order.
	Modules []string
	// From is the module of a "from" statement as written ("a.b", "..c"),
	// "" for an "import" statement.
	From string
	// Relative says From is a relative module (it starts with a dot).
	Relative bool
	// Star says the statement is "from m import *", which binds names that
	// are not known.
	Star bool
	// Names are the names the statement binds, in order.
	Names []ImportName
}

// ImportName is one name an import statement binds.
type ImportName struct {
	// Name is the bound name.
	Name string
	// Node is where Name is written: the alias, or the first name of the
	// module.
	Node *sitter.Node
	// Target is the dotted path Name refers to: "a" for "import a.b",
	// "a.b" for "import a.b as m", "a.b.c" for "from a.b import c", ".x"
	// for "from . import x".
	Target string
}

// ReadImport reads an import_statement, import_from_statement or
// future_import_statement node, and reports whether n is one.
func ReadImport(n *sitter.Node, src []byte) (Import, bool) {
	line, _ := Pos(n)
	im := Import{Line: line}
	switch n.Kind() {
	case "import_statement":
	case "import_from_statement":
		m := n.ChildByFieldName("module_name")
		if m == nil {
			return im, true
		}
		im.From = Text(m, src)
		im.Relative = m.Kind() != "dotted_name"
		for i := uint(0); i < n.ChildCount(); i++ {
			if n.Child(i).Kind() == "wildcard_import" {
				im.Star = true
			}
		}
	case "future_import_statement":
		im.From = "__future__"
	default:
		return Import{}, false
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
		dotted := Text(name, src)
		if im.From == "" {
			im.Modules = append(im.Modules, dotted)
		}
		switch {
		case alias != nil:
			im.add(alias, src, im.target(dotted))
		case im.From != "":
			// "from a import b.c" is not Python; such a name binds nothing.
			if name.NamedChildCount() == 1 {
				im.add(name.NamedChild(0), src, im.target(dotted))
			}
		default:
			if first := name.NamedChild(0); first != nil {
				root, _, _ := strings.Cut(dotted, ".")
				im.add(first, src, root)
			}
		}
	}
	return im, true
}

// target is the path a name imported as dotted refers to.
func (im *Import) target(dotted string) string {
	switch {
	case im.From == "":
		return dotted
	case strings.HasSuffix(im.From, "."):
		return im.From + dotted
	}
	return im.From + "." + dotted
}

// add records a bound name written at node n.
func (im *Import) add(n *sitter.Node, src []byte, target string) {
	if n == nil || n.Kind() != "identifier" {
		return
	}
	im.Names = append(im.Names, ImportName{Name: Text(n, src), Node: n, Target: target})
}

// TopLevel returns the first component of a dotted module name: "os" for
// "os.path".
func TopLevel(module string) string {
	root, _, _ := strings.Cut(module, ".")
	return root
}
