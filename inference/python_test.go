package inference

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scan runs Scan on src and fails the test on an error.
func scan(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Scan([]byte(src))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return s
}

func TestScanHandlers(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		want   []Handler
		nested []Handler
	}{
		{
			name: "def",
			src:  "def model_fn(model_dir):\n    pass\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 5, Params: 1, Binding: BindDef}},
		},
		{
			name: "async def",
			src:  "async def predict_fn(data, model, context):\n    pass\n",
			want: []Handler{{Name: "predict_fn", Line: 1, Col: 11, Params: 3, Binding: BindDef}},
		},
		{
			name: "decorated def",
			src:  "@cache\n@other(1)\ndef model_fn(model_dir):\n    pass\n",
			want: []Handler{{Name: "model_fn", Line: 3, Col: 5, Params: 1, Binding: BindDef}},
		},
		{
			name: "assignment of a module-level def",
			src:  "def _load(d, ctx=None):\n    pass\nmodel_fn = _load\n",
			want: []Handler{{Name: "model_fn", Line: 3, Col: 1, Params: 2, Binding: BindAssign}},
		},
		{
			name: "assignment of an unknown value",
			src:  "model_fn = make_loader()\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 1, Params: AnyParams, Binding: BindAssign}},
		},
		{
			name: "assignment of a name defined later",
			src:  "model_fn = _load\ndef _load(d):\n    pass\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 1, Params: AnyParams, Binding: BindAssign}},
		},
		{
			name: "lambda",
			src:  "input_fn = lambda data, content_type=None: data\n",
			want: []Handler{{Name: "input_fn", Line: 1, Col: 1, Params: 2, Binding: BindAssign}},
		},
		{
			name: "lambda without parameters",
			src:  "model_fn = lambda: None\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 1, Params: 0, Binding: BindAssign}},
		},
		{
			name: "chained assignment",
			src:  "input_fn = output_fn = lambda a, b: a\n",
			want: []Handler{
				{Name: "input_fn", Line: 1, Col: 1, Params: 2, Binding: BindAssign},
				{Name: "output_fn", Line: 1, Col: 12, Params: 2, Binding: BindAssign},
			},
		},
		{
			name: "tuple targets matched element by element",
			src:  "def f(a, b):\n    pass\ninput_fn, (output_fn, x) = f, (lambda p, a, c: p, 1)\n",
			want: []Handler{
				{Name: "input_fn", Line: 3, Col: 1, Params: 2, Binding: BindAssign},
				{Name: "output_fn", Line: 3, Col: 12, Params: 3, Binding: BindAssign},
			},
		},
		{
			name: "tuple targets from an unknown value",
			src:  "model_fn, *predict_fn = load()\n",
			want: []Handler{
				{Name: "model_fn", Line: 1, Col: 1, Params: AnyParams, Binding: BindAssign},
				{Name: "predict_fn", Line: 1, Col: 12, Params: AnyParams, Binding: BindAssign},
			},
		},
		{
			name: "annotated assignment",
			src:  "model_fn: Callable = lambda d: d\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 1, Params: 1, Binding: BindAssign}},
		},
		{
			name: "annotation without a value binds nothing",
			src:  "model_fn: Callable\n",
		},
		{
			name: "from import",
			src:  "from handlers import model_fn, other\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 22, Params: AnyParams, Binding: BindImport}},
		},
		{
			name: "from import as",
			src:  "from .impl import run as predict_fn\n",
			want: []Handler{{Name: "predict_fn", Line: 1, Col: 26, Params: AnyParams, Binding: BindImport}},
		},
		{
			name: "from import in parentheses",
			src:  "from x import (\n    input_fn,\n    output_fn as output_fn,\n)\n",
			want: []Handler{
				{Name: "input_fn", Line: 2, Col: 5, Params: AnyParams, Binding: BindImport},
				{Name: "output_fn", Line: 3, Col: 18, Params: AnyParams, Binding: BindImport},
			},
		},
		{
			name: "import as",
			src:  "import a.b as model_fn\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 15, Params: AnyParams, Binding: BindImport}},
		},
		{
			name: "from dotted name binds nothing by that name",
			src:  "from model_fn import x\nimport x.model_fn\n",
		},
		{
			name: "wildcard import binds nothing known",
			src:  "from handlers import *\n",
		},
		{
			name: "if elif else",
			src: "if a:\n    def model_fn(d):\n        pass\nelif b:\n    model_fn = lambda d, c: d\n" +
				"else:\n    from x import model_fn\n",
			want: []Handler{
				{Name: "model_fn", Line: 2, Col: 9, Params: 1, Binding: BindDef},
				{Name: "model_fn", Line: 5, Col: 5, Params: 2, Binding: BindAssign},
				{Name: "model_fn", Line: 7, Col: 19, Params: AnyParams, Binding: BindImport},
			},
		},
		{
			name: "if TYPE_CHECKING is module level",
			src:  "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import input_fn\n",
			want: []Handler{{Name: "input_fn", Line: 3, Col: 19, Params: AnyParams, Binding: BindImport}},
		},
		{
			name: "try except else finally",
			src: "try:\n    from fast import predict_fn\nexcept ImportError as e:\n    def predict_fn(d, m):\n        pass\n" +
				"else:\n    input_fn = None\nfinally:\n    output_fn = None\n",
			want: []Handler{
				{Name: "predict_fn", Line: 2, Col: 22, Params: AnyParams, Binding: BindImport},
				{Name: "predict_fn", Line: 4, Col: 9, Params: 2, Binding: BindDef},
				{Name: "input_fn", Line: 7, Col: 5, Params: AnyParams, Binding: BindAssign},
				{Name: "output_fn", Line: 9, Col: 5, Params: AnyParams, Binding: BindAssign},
			},
		},
		{
			name: "with for while blocks",
			src: "with open(p) as f:\n    def handler(data, context):\n        pass\nfor i in x:\n    input_handler = i\n" +
				"else:\n    pass\nwhile c:\n    output_handler = c\n",
			want: []Handler{
				{Name: "handler", Line: 2, Col: 9, Params: 2, Binding: BindDef},
				{Name: "input_handler", Line: 5, Col: 5, Params: AnyParams, Binding: BindAssign},
				{Name: "output_handler", Line: 9, Col: 5, Params: AnyParams, Binding: BindAssign},
			},
		},
		{
			name: "comment is not a handler",
			src:  "# def model_fn(model_dir):\n#     pass\n",
		},
		{
			name: "docstring is not a handler",
			src:  "\"\"\"\ndef model_fn(model_dir):\n    pass\n\"\"\"\n",
		},
		{
			name: "string is not a handler",
			src:  "code = 'def model_fn(model_dir): pass'\nexec_me = f\"model_fn = {x}\"\n",
		},
		{
			name: "class method is nested",
			src:  "class H:\n    def model_fn(self, model_dir):\n        pass\n    predict_fn = None\n",
			nested: []Handler{
				{Name: "model_fn", Line: 2, Col: 9, Params: 2, Binding: BindDef},
			},
		},
		{
			name: "nested function is nested",
			src:  "def make():\n    def model_fn(model_dir):\n        pass\n    input_fn = 1\n    return model_fn\n",
			nested: []Handler{
				{Name: "model_fn", Line: 2, Col: 9, Params: 1, Binding: BindDef},
			},
		},
		{
			name: "class inside if is nested",
			src:  "if x:\n    class H:\n        @staticmethod\n        def output_fn(p, a):\n            pass\n",
			nested: []Handler{
				{Name: "output_fn", Line: 4, Col: 13, Params: 2, Binding: BindDef},
			},
		},
		{
			name: "other names are ignored",
			src:  "def model(model_dir):\n    pass\nmodel_fn2 = 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scan(t, tt.src)
			if d := cmp.Diff(tt.want, s.Handlers); d != "" {
				t.Errorf("Handlers (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.nested, s.Nested); d != "" {
				t.Errorf("Nested (-want +got):\n%s", d)
			}
			if s.SyntaxError != nil {
				t.Errorf("unexpected syntax error %+v", *s.SyntaxError)
			}
		})
	}
}

func TestScanParams(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want int
	}{
		{name: "none", def: "()", want: 0},
		{name: "plain", def: "(a, b)", want: 2},
		{name: "defaults count", def: "(a, b=1, c=None)", want: 3},
		{name: "typed", def: "(a: str, b: int = 1)", want: 2},
		{name: "positional only", def: "(a, b, /, c)", want: 3},
		{name: "keyword only after star", def: "(a, *, b, c=1)", want: 1},
		{name: "keyword only after star args is any", def: "(a, *args, b)", want: AnyParams},
		{name: "star args", def: "(*args)", want: AnyParams},
		{name: "typed star args", def: "(a, *args: int)", want: AnyParams},
		{name: "kwargs only", def: "(**kwargs)", want: 0},
		{name: "typed kwargs", def: "(a, **kw: int)", want: 1},
		{name: "comments between", def: "(\n    a,  # data\n    b,  # model\n)", want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scan(t, "def predict_fn"+tt.def+":\n    pass\n")
			if len(s.Handlers) != 1 {
				t.Fatalf("got %d handlers, want 1", len(s.Handlers))
			}
			if got := s.Handlers[0].Params; got != tt.want {
				t.Errorf("Params = %d, want %d", got, tt.want)
			}
			lam := strings.TrimSuffix(strings.TrimPrefix(tt.def, "("), ")")
			if strings.ContainsAny(lam, ":\n") {
				return // annotations and comments are not lambda syntax
			}
			s = scan(t, "predict_fn = lambda "+lam+": None\n")
			if got := s.Handlers[0].Params; got != tt.want {
				t.Errorf("lambda Params = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestScanImports(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Import
	}{
		{
			name: "import forms",
			src:  "import os.path\nimport numpy as np, json\nfrom torch.nn import functional\n",
			want: []Import{{Module: "os", Line: 1}, {Module: "numpy", Line: 2}, {Module: "json", Line: 2}, {Module: "torch", Line: 3}},
		},
		{
			name: "first occurrence only",
			src:  "import os\nimport os.path\nfrom os import sep\n",
			want: []Import{{Module: "os", Line: 1}},
		},
		{
			name: "relative imports are skipped",
			src:  "from . import a\nfrom .b import c\nfrom ..d.e import f\n",
		},
		{
			name: "inside functions and try blocks",
			src:  "def model_fn(d):\n    import torch\ntry:\n    import ujson\nexcept ImportError:\n    import json\n",
			want: []Import{{Module: "torch", Line: 2}, {Module: "ujson", Line: 4}, {Module: "json", Line: 6}},
		},
		{
			name: "future",
			src:  "from __future__ import annotations\n",
			want: []Import{{Module: "__future__", Line: 1}},
		},
		{
			name: "not in strings or comments",
			src:  "# import torch\ns = 'import sklearn'\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, scan(t, tt.src).Imports); d != "" {
				t.Errorf("Imports (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanSyntaxError(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     *SyntaxError
		handlers []string
	}{
		{
			name:     "valid",
			src:      "def model_fn(d):\n    return d\n",
			handlers: []string{"model_fn"},
		},
		{
			name:     "unclosed parenthesis, later handler still found",
			src:      "def model_fn(d):\n    return open(d\n\n\ndef predict_fn(data, model):\n    return model(data)\n",
			want:     &SyntaxError{Line: 2, Col: 5, Message: `unexpected "return"`},
			handlers: []string{"model_fn", "predict_fn"},
		},
		{
			name:     "missing colon",
			src:      "def model_fn(d)\n    return d\n\ndef input_fn(a, b):\n    pass\n",
			want:     &SyntaxError{Line: 1, Col: 1, Message: `unexpected "def"`},
			handlers: []string{"model_fn", "input_fn"},
		},
		{
			name:     "stray token",
			src:      "def predict_fn(data, model):\n    return model(data)\n}\n",
			want:     &SyntaxError{Line: 3, Col: 1, Message: `unexpected "}"`},
			handlers: []string{"predict_fn"},
		},
		{
			name:     "python 2 print",
			src:      "def model_fn(d):\n    print \"loading\", d\n",
			want:     &SyntaxError{Line: 2, Col: 5, Message: "Python 2 print statement"},
			handlers: []string{"model_fn"},
		},
		{
			name: "python 3 print with chevron is valid",
			src:  "print >>f, 'x'\n",
		},
		{
			name: "python 2 except",
			src:  "try:\n    pass\nexcept ValueError, e:\n    pass\n",
			want: &SyntaxError{Line: 3, Col: 1, Message: `Python 2 "except X, name"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scan(t, tt.src)
			if d := cmp.Diff(tt.want, s.SyntaxError); d != "" {
				t.Errorf("SyntaxError (-want +got):\n%s", d)
			}
			var names []string
			for _, h := range s.Handlers {
				names = append(names, h.Name)
			}
			if d := cmp.Diff(tt.handlers, names); d != "" {
				t.Errorf("handler names (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanModelPaths(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []PathRef
	}{
		{
			name: "os.path.join",
			src:  "def model_fn(model_dir):\n    return torch.load(os.path.join(model_dir, \"model.pth\"))\n",
			want: []PathRef{{Value: "model.pth", Line: 2, Col: 47}},
		},
		{
			name: "escapes decoded as Python does",
			src:  "def model_fn(d):\n    return load(os.path.join(d, 'm\\x6fdel.p\\N{LATIN SMALL LETTER T}h'))\n",
			want: []PathRef{{Value: "model.pth", Line: 2, Col: 33}},
		},
		{
			name: "bytes literal not followed",
			src:  "def model_fn(d):\n    return load(os.path.join(d, b'model.pth'))\n",
		},
		{
			name: "join with several parts",
			src:  "def model_fn(d):\n    return load(os.path.join(d, 'sub', 'x.bin'))\n",
			want: []PathRef{{Value: "sub/x.bin", Line: 2, Col: 40}},
		},
		{
			name: "literal model directory",
			src:  "def model_fn(d):\n    return load(os.path.join(\"/opt/ml/model\", \"x.pt\"))\n",
			want: []PathRef{{Value: "x.pt", Line: 2, Col: 47}},
		},
		{
			name: "pathlib",
			src:  "def model_fn(model_dir):\n    p = Path(model_dir) / \"model.pt\"\n    return torch.load(p)\n",
			want: []PathRef{{Value: "model.pt", Line: 2, Col: 27}},
		},
		{
			name: "f-string",
			src:  "def model_fn(model_dir):\n    return load(f\"{model_dir}/model.pth\")\n",
			want: []PathRef{{Value: "model.pth", Line: 2, Col: 17}},
		},
		{
			name: "concatenation",
			src:  "def model_fn(model_dir):\n    return load(model_dir + \"/model.pth\")\n",
			want: []PathRef{{Value: "model.pth", Line: 2, Col: 29}},
		},
		{
			name: "concatenation without separator is not in the directory",
			src:  "def model_fn(model_dir):\n    return load(model_dir + \"model.pth\")\n",
		},
		{
			name: "literal anywhere in model_fn",
			src:  "def model_fn(d):\n    return joblib.load(\"/opt/ml/model/model.joblib\")\n",
			want: []PathRef{{Value: "model.joblib", Line: 2, Col: 24}},
		},
		{
			name: "format and percent",
			src:  "def model_fn(d):\n    a = load('{}/a.bin'.format(d))\n    b = load('%s/b.bin' % d)\n",
			want: []PathRef{{Value: "a.bin", Line: 2, Col: 14}, {Value: "b.bin", Line: 3, Col: 14}},
		},
		{
			name: "module constant and SM_MODEL_DIR",
			src: "import os\nMODEL = 'model.pth'\nROOT = os.environ.get('SM_MODEL_DIR', '/opt/ml/model')\n" +
				"def model_fn(d):\n    return load(os.path.join(ROOT, MODEL))\n",
			want: []PathRef{{Value: "model.pth", Line: 2, Col: 9}},
		},
		{
			name: "helper function with the directory passed on",
			src: "def _load(path, name='weights.bin'):\n    return torch.load(os.path.join(path, name))\n\n" +
				"def model_fn(model_dir):\n    return _load(os.path.join(model_dir, 'ckpt'))\n",
			want: []PathRef{{Value: "ckpt/weights.bin", Line: 1, Col: 22}},
		},
		{
			name: "model_fn bound to a def",
			src:  "def _load(model_dir):\n    return load(model_dir + '/m.pt')\nmodel_fn = _load\n",
			want: []PathRef{{Value: "m.pt", Line: 2, Col: 29}},
		},
		{
			name: "non-literal parts are skipped",
			src:  "def model_fn(model_dir):\n    name = pick()\n    return load(os.path.join(model_dir, name))\n",
		},
		{
			name: "glob patterns and escapes are skipped",
			src:  "def model_fn(d):\n    a = glob(os.path.join(d, '*.pth'))\n    b = os.path.join(d, '../x')\n",
		},
		{
			name: "other functions are not read",
			src:  "def predict_fn(data, model):\n    return open('/opt/ml/model/x.bin')\n",
		},
		{
			name: "directory of a reported file is dropped",
			src:  "def model_fn(d):\n    sub = os.path.join(d, 'tok')\n    t = load(sub)\n    m = load(os.path.join(sub, 'm.bin'))\n",
			want: []PathRef{{Value: "tok/m.bin", Line: 4, Col: 32}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, scan(t, tt.src).ModelPaths); d != "" {
				t.Errorf("ModelPaths (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanEncodings(t *testing.T) {
	want := []Handler{
		{Name: "model_fn", Line: 2, Col: 5, Params: 1, Binding: BindDef},
		{Name: "predict_fn", Line: 5, Col: 1, Params: 2, Binding: BindAssign},
	}
	lf := "import os\ndef model_fn(d):\n\treturn d\n\npredict_fn = lambda a, b: a\n"
	tests := []struct {
		name string
		src  string
		want []Handler
	}{
		{name: "tabs", src: lf, want: want},
		{name: "CRLF", src: strings.ReplaceAll(lf, "\n", "\r\n"), want: want},
		{name: "BOM", src: "\uFEFF" + lf, want: want},
		{
			name: "BOM is not counted in the first line's columns",
			src:  "\uFEFFmodel_fn = None\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 1, Params: AnyParams, Binding: BindAssign}},
		},
		{
			name: "multi-byte characters count in bytes",
			src:  "é = 1; model_fn = None\n",
			want: []Handler{{Name: "model_fn", Line: 1, Col: 9, Params: AnyParams, Binding: BindAssign}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scan(t, tt.src)
			if d := cmp.Diff(tt.want, s.Handlers); d != "" {
				t.Errorf("Handlers (-want +got):\n%s", d)
			}
			if s.SyntaxError != nil {
				t.Errorf("unexpected syntax error %+v", *s.SyntaxError)
			}
		})
	}
}

func TestScanInvalidUTF8(t *testing.T) {
	src := []byte("# -*- coding: latin-1 -*-\nname = 'caf\xe9'\ndef model_fn(d):\n    pass\n")
	s, err := Scan(src)
	if !errors.Is(err, ErrInvalidUTF8) {
		t.Fatalf("err = %v, want ErrInvalidUTF8", err)
	}
	var encErr *EncodingError
	if !errors.As(err, &encErr) {
		t.Fatalf("err = %T, want *EncodingError", err)
	}
	if d := cmp.Diff(&EncodingError{Line: 2, Col: 12}, encErr); d != "" {
		t.Errorf("EncodingError (-want +got):\n%s", d)
	}
	if s == nil {
		t.Fatal("Script is nil")
	}
	if d := cmp.Diff([]Handler{{Name: "model_fn", Line: 3, Col: 5, Params: 1, Binding: BindDef}}, s.Handlers); d != "" {
		t.Errorf("Handlers (-want +got):\n%s", d)
	}
	if s.Coding != "latin-1" {
		t.Errorf("Coding = %q, want %q", s.Coding, "latin-1")
	}
}

func TestCoding(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{name: "emacs", src: "# -*- coding: Latin-1 -*-\n", want: "latin-1"},
		{name: "vim on line 2", src: "#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n", want: "utf-8"},
		{name: "line 2 after code", src: "x = 1\n# coding: latin-1\n"},
		{name: "line 3", src: "#\n#\n# coding: latin-1\n"},
		{name: "none", src: "import os\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scan(t, tt.src).Coding; got != tt.want {
				t.Errorf("Coding = %q, want %q", got, tt.want)
			}
		})
	}
}

// testdataScripts returns the paths of the sample scripts.
func testdataScripts(t testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.py"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata scripts: %v", err)
	}
	return paths
}

// astHandlers computes, with Python's ast module, the module-level handler
// bindings of each script as [name, line, params]. It only parses the
// scripts; it never imports or runs them. Scripts that do not parse map to
// null.
const astHandlers = `
import ast, json, sys

NAMES = set(json.loads(sys.argv[1]))
ANY = -1

def count(args):
    if args.vararg is not None:
        return ANY
    return len(args.posonlyargs) + len(args.args)

def run(path):
    with open(path, "rb") as f:
        try:
            tree = ast.parse(f.read(), path)
        except SyntaxError:
            return None
    arity, out = {}, []

    def value_arity(v):
        if isinstance(v, ast.Lambda):
            return count(v.args)
        if isinstance(v, ast.Name):
            return arity.get(v.id)
        return None

    def bind(name, line, params):
        if name in NAMES:
            out.append([name, line, ANY if params is None else params])

    def target(t, v):
        if isinstance(t, ast.Name):
            params = value_arity(v) if v is not None else None
            bind(t.id, t.lineno, params)
            arity.pop(t.id, None)
            if params is not None:
                arity[t.id] = params
        elif isinstance(t, (ast.Tuple, ast.List)):
            vals = None
            if isinstance(v, (ast.Tuple, ast.List)) and len(v.elts) == len(t.elts) \
                    and not any(isinstance(e, ast.Starred) for e in v.elts):
                vals = v.elts
            for i, e in enumerate(t.elts):
                target(e, vals[i] if vals else None)
        elif isinstance(t, ast.Starred):
            target(t.value, None)

    def body(stmts):
        for s in stmts:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                bind(s.name, s.lineno, count(s.args))
                arity[s.name] = count(s.args)
            elif isinstance(s, ast.ClassDef):
                arity.pop(s.name, None)
            elif isinstance(s, ast.Assign):
                for t in s.targets:
                    target(t, s.value)
            elif isinstance(s, ast.AnnAssign) and s.value is not None:
                target(s.target, s.value)
            elif isinstance(s, (ast.Import, ast.ImportFrom)):
                for a in s.names:
                    if a.name == "*":
                        continue
                    name = a.asname or a.name
                    if isinstance(s, ast.Import) and not a.asname:
                        name = a.name.split(".")[0]
                    elif "." in name:
                        continue
                    bind(name, a.lineno, None)
                    arity.pop(name, None)
            elif isinstance(s, ast.If):
                body(s.body); body(s.orelse)
            elif isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
                body(s.body); body(s.orelse)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                body(s.body)
            elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                body(s.body)
                for h in s.handlers:
                    body(h.body)
                body(s.orelse); body(s.finalbody)
            elif type(s).__name__ == "Match":
                for c in s.cases:
                    body(c.body)
    body(tree.body)
    return out

print(json.dumps({p: run(p) for p in sys.argv[2:]}))
`

func TestScanMatchesPythonAST(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	paths := testdataScripts(t)
	names, err := json.Marshal(HandlerNames)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{"-I", "-c", astHandlers, string(names)}, paths...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	var want map[string]*[][3]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("python3 output: %v", err)
	}
	compared := 0
	for _, p := range paths {
		w := want[p]
		if w == nil {
			continue // Python cannot parse it either
		}
		compared++
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Scan(src)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var got [][3]any
		for _, h := range s.Handlers {
			got = append(got, [3]any{h.Name, float64(h.Line), float64(h.Params)})
		}
		if d := cmp.Diff(*w, got); d != "" {
			t.Errorf("%s: handlers differ from Python's ast (-python +scan):\n%s", p, d)
		}
		if s.SyntaxError != nil {
			t.Errorf("%s: syntax error %+v, but Python parses it", p, *s.SyntaxError)
		}
	}
	if compared == 0 {
		t.Fatal("no script compared")
	}
}

func FuzzScan(f *testing.F) {
	for _, p := range testdataScripts(f) {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("\uFEFFdef model_fn(d):\r\n\treturn d\r\n"))
	f.Add([]byte("def model_fn(d):\n    return open(f'{d}/\xff')\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Scan(src)
		if err != nil && !errors.Is(err, ErrInvalidUTF8) {
			t.Fatalf("Scan: %v", err)
		}
		if s == nil {
			t.Fatal("Scan returned a nil Script")
		}
		lines := bytes.Split(src, []byte{'\n'})
		check := func(what string, line, col int) {
			t.Helper()
			if line < 1 || line > len(lines) {
				t.Fatalf("%s: line %d outside 1..%d", what, line, len(lines))
			}
			if max := len(lines[line-1]) + 1; col < 1 || col > max {
				t.Fatalf("%s: line %d col %d outside 1..%d", what, line, col, max)
			}
		}
		for _, h := range append(s.Handlers, s.Nested...) {
			check("handler "+h.Name, h.Line, h.Col)
			if h.Params < AnyParams {
				t.Fatalf("handler %s: Params %d", h.Name, h.Params)
			}
		}
		for _, im := range s.Imports {
			check("import "+im.Module, im.Line, 1)
		}
		for _, r := range s.ModelPaths {
			check("model path "+r.Value, r.Line, r.Col)
		}
		if e := s.SyntaxError; e != nil {
			check("syntax error", e.Line, e.Col)
		}
		var encErr *EncodingError
		if errors.As(err, &encErr) {
			check("encoding error", encErr.Line, encErr.Col)
		}
	})
}

// TestScanNames checks that ScanNames looks up the names it is given, as
// getattr on the module finds them, and not HandlerNames.
func TestScanNames(t *testing.T) {
	src := []byte("import os\nif os.environ.get('X'):\n    def handle(inputs):\n        return inputs\nclass M:\n    def handle(self, x):\n        return x\ndef model_fn(d):\n    return d\n")
	s, err := ScanNames(src, []string{"handle"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Handlers) != 1 || s.Handlers[0].Name != "handle" || s.Handlers[0].Line != 3 {
		t.Errorf("Handlers = %+v, want the module-level handle at line 3 only", s.Handlers)
	}
	if len(s.Nested) != 1 || s.Nested[0].Line != 6 {
		t.Errorf("Nested = %+v, want the method at line 6", s.Nested)
	}
}
