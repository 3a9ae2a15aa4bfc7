package pysyntax

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadImport(t *testing.T) {
	type name struct{ Name, Target string }
	tests := []struct {
		name     string
		src      string
		modules  []string
		from     string
		relative bool
		star     bool
		names    []name
	}{
		{name: "import", src: "import a.b, c", modules: []string{"a.b", "c"}, names: []name{{"a", "a"}, {"c", "c"}}},
		{name: "import as", src: "import a.b as m", modules: []string{"a.b"}, names: []name{{"m", "a.b"}}},
		{name: "from", src: "from a.b import c as d, e", from: "a.b", names: []name{{"d", "a.b.c"}, {"e", "a.b.e"}}},
		{name: "relative", src: "from . import x", from: ".", relative: true, names: []name{{"x", ".x"}}},
		{name: "relative module", src: "from ..m import x", from: "..m", relative: true, names: []name{{"x", "..m.x"}}},
		{name: "star", src: "from a import *", from: "a", star: true},
		{name: "future", src: "from __future__ import annotations", from: "__future__",
			names: []name{{"annotations", "__future__.annotations"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src + "\n")
			tree, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			im, ok := ReadImport(tree.RootNode().NamedChild(0), src)
			if !ok {
				t.Fatalf("ReadImport(%q) is not an import", tt.src)
			}
			var names []name
			for _, n := range im.Names {
				names = append(names, name{n.Name, n.Target})
				if Text(n.Node, src) != n.Name {
					t.Errorf("name %q written as %q", n.Name, Text(n.Node, src))
				}
			}
			got := []any{im.Modules, im.From, im.Relative, im.Star, names, im.Line}
			want := []any{tt.modules, tt.from, tt.relative, tt.star, tt.names, 1}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("ReadImport(%q) (-want +got):\n%s", tt.src, d)
			}
		})
	}
}

func TestTrimBOMAndDottedName(t *testing.T) {
	src := TrimBOM([]byte("\uFEFFos.path.join(f().x)\n"))
	tree, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	call := tree.RootNode().NamedChild(0).NamedChild(0)
	if got := DottedName(call.ChildByFieldName("function"), src); got != "os.path.join" {
		t.Errorf("DottedName = %q, want os.path.join", got)
	}
	arg := call.ChildByFieldName("arguments").NamedChild(0)
	if got := DottedName(arg, src); got != "" {
		t.Errorf("DottedName(f().x) = %q, want \"\"", got)
	}
	if line, col := Pos(arg); line != 1 || col != 14 {
		t.Errorf("Pos = %d:%d, want 1:14 (the BOM is not counted)", line, col)
	}
}
