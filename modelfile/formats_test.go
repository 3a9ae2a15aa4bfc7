package modelfile_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/modelfile"
)

func scanBytes(t *testing.T, name string, b []byte) *modelfile.Report {
	t.Helper()
	rep, err := modelfile.Scan(name, bytes.NewReader(b), int64(len(b)), modelfile.Limits{})
	if err != nil {
		t.Fatalf("Scan(%q): %v", name, err)
	}
	if rep.BytesRead != int64(len(b)) {
		t.Fatalf("BytesRead = %d, want %d", rep.BytesRead, len(b))
	}
	return rep
}

func problemCodes(rep *modelfile.Report) []modelfile.Code {
	var cs []modelfile.Code
	for _, p := range rep.Problems {
		cs = append(cs, p.Code)
	}
	return cs
}

func TestSniffFormats(t *testing.T) {
	weights := make([]byte, 4096)
	for i := range weights {
		weights[i] = byte(i * 7)
	}
	tests := []struct {
		name string
		file string
		body []byte
		want modelfile.Kind
	}{
		{"keras by name", "model.keras", fixtures.KerasZip(false), modelfile.KindKeras},
		{"keras by its first member", "export.zip", fixtures.KerasZip(true), modelfile.KindKeras},
		{"mar by name", "sentiment.mar", fixtures.MARFile(false), modelfile.KindMAR},
		{"torch zip is not keras", "model.pth", fixtures.BenignTorchZip("model"), modelfile.KindZip},
		{"hdf5 by its signature", "weights.dat", fixtures.KerasH5(false), modelfile.KindHDF5},
		{"saved model by name", "saved_model.pb", []byte("not a protobuf"), modelfile.KindSavedModel},
		{"saved model by content", "graph.bin", fixtures.SavedModelGraph(false), modelfile.KindSavedModel},
		{"onnx by name", "model.onnx", []byte{0xff}, modelfile.KindONNX},
		{"onnx by content", "weights.bin", fixtures.ONNXModel(fixtures.ONNXBenign), modelfile.KindONNX},
		{"keras metadata by name", "keras_metadata.pb", fixtures.KerasMetadata(false), modelfile.KindKerasMetadata},
		{"frozen graph by extension and content", "frozen.pb", graphDef("x", "Placeholder"), modelfile.KindGraphDef},
		{"text is never a protobuf", "notes.txt", []byte("\x08\x01\x12\x04\x0a\x02hi"), modelfile.KindUnknown},
		{"float weights are nothing", "variables.data-00000-of-00001", weights, modelfile.KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.body[:min(len(tt.body), modelfile.SniffLen)]
			if got := modelfile.Sniff(tt.file, head); got != tt.want {
				t.Errorf("Sniff(%q) = %v, want %v", tt.file, got, tt.want)
			}
		})
	}
}

// graphDef returns a GraphDef with one node.
func graphDef(name, op string) []byte {
	node := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), name)
	node = protowire.AppendString(protowire.AppendTag(node, 2, protowire.BytesType), op)
	return protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), node)
}

func TestKeras(t *testing.T) {
	lambda := modelfile.KerasCallable{Layer: "lambda", Class: "Lambda", Field: "function", Bytecode: true, BytecodeLen: 216}
	tests := []struct {
		name   string
		file   string
		body   []byte
		source string
		want   []modelfile.KerasCallable
	}{
		{"keras 3 lambda and os.system", "model.keras", fixtures.KerasZip(true), "config.json", []modelfile.KerasCallable{
			withWhere(lambda, "config.json"),
			{Layer: "out", Class: "function", Field: "activation", Module: "os", Function: "system", Where: "config.json"},
		}},
		{"keras 3 benign", "model.keras", fixtures.KerasZip(false), "config.json", []modelfile.KerasCallable{}},
		{"h5 lambda", "model.h5", fixtures.KerasH5(true), "model_config attribute", []modelfile.KerasCallable{withWhere(lambda, "the model_config attribute")}},
		{"h5 benign", "model.h5", fixtures.KerasH5(false), "model_config attribute", []modelfile.KerasCallable{}},
		{"keras_metadata lambda", "keras_metadata.pb", fixtures.KerasMetadata(true), "keras_metadata.pb", []modelfile.KerasCallable{withWhere(lambda, `node "root.layer_with_weights-0"`)}},
		{"keras_metadata benign", "keras_metadata.pb", fixtures.KerasMetadata(false), "keras_metadata.pb", []modelfile.KerasCallable{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scanBytes(t, tt.file, tt.body)
			if rep.Formats == nil || rep.Formats.Keras == nil {
				t.Fatalf("no Keras report: %+v", rep)
			}
			k := rep.Formats.Keras
			if k.Source != tt.source {
				t.Errorf("Source = %q, want %q", k.Source, tt.source)
			}
			if k.Layers < 3 && tt.source != "keras_metadata.pb" {
				t.Errorf("Layers = %d, want at least 3", k.Layers)
			}
			if d := cmp.Diff(tt.want, k.Callables); d != "" {
				t.Errorf("callables (-want +got):\n%s", d)
			}
			if len(rep.Problems) != 0 {
				t.Errorf("problems: %+v", rep.Problems)
			}
		})
	}
}

func withWhere(c modelfile.KerasCallable, where string) modelfile.KerasCallable {
	c.Where = where
	return c
}

func TestKerasNotJSON(t *testing.T) {
	b := bytes.ReplaceAll(fixtures.KerasH5(true), []byte(`{"class_name": "Sequential"`), []byte(`{"class_name"= "Sequential"`))
	rep := scanBytes(t, "model.h5", b)
	if d := cmp.Diff([]modelfile.Code{modelfile.CodeLimit}, problemCodes(rep)); d != "" {
		t.Errorf("codes (-want +got):\n%s", d)
	}
}

func TestHDF5Hostile(t *testing.T) {
	h5 := fixtures.KerasH5(true)
	tests := []struct {
		name string
		body []byte
	}{
		{"cut in the superblock", h5[:40]},
		{"cut in the root header", h5[:150]},
		{"offsets of 3 bytes", func() []byte { b := bytes.Clone(h5); b[13] = 3; return b }()},
		{"root header size of 4 GiB", func() []byte { b := bytes.Clone(h5); binary.LittleEndian.PutUint32(b[96+8:], 0xfffffff0); return b }()},
		{"root header before the superblock end", func() []byte { b := bytes.Clone(h5); binary.LittleEndian.PutUint64(b[64:], 8); return b }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scanBytes(t, "model.h5", tt.body)
			if rep.Formats != nil {
				t.Fatalf("Formats = %+v, want nothing read", rep.Formats)
			}
			if d := cmp.Diff([]modelfile.Code{modelfile.CodeLimit}, problemCodes(rep)); d != "" {
				t.Errorf("codes (-want +got):\n%s\n%+v", d, rep.Problems)
			}
		})
	}
}

// TestH5py opens the generated .h5 files with h5py, when a Python with h5py
// is installed (the Makefile's test target installs python3-h5py from the
// Debian archive, which only /usr/bin/python3 sees).
func TestH5py(t *testing.T) {
	py := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import h5py").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 with h5py (apt-get install python3-h5py)")
	}
	t.Logf("using %s", py)
	dir := t.TempDir()
	for name, b := range map[string][]byte{"lambda.h5": fixtures.KerasH5(true), "benign.h5": fixtures.KerasH5(false)} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		script := `import h5py, json, sys
with h5py.File(sys.argv[1], "r") as f:
    c = json.loads(f.attrs["model_config"])
    print(f.attrs["keras_version"].decode(), [l["class_name"] for l in c["config"]["layers"]])`
		out, err := exec.Command(py, "-c", script, p).CombinedOutput()
		if err != nil {
			t.Fatalf("h5py cannot read %s: %v\n%s", name, err, out)
		}
		want := "2.15.0 ['InputLayer', 'Dense', 'Dense']\n"
		if name == "lambda.h5" {
			want = "2.15.0 ['InputLayer', 'Lambda', 'Dense']\n"
		}
		if string(out) != want {
			t.Errorf("%s: h5py read %q, want %q", name, out, want)
		}
	}
}

func TestTFGraph(t *testing.T) {
	rep := scanBytes(t, "saved_model.pb", fixtures.SavedModelGraph(true))
	g := rep.Formats.Graph
	want := &modelfile.GraphReport{SchemaVersion: 1, MetaGraphs: 1, Nodes: 4, Functions: 1, Ops: []modelfile.GraphOp{
		{Op: "Placeholder", Node: "path", Count: 1},
		{Op: "ReadFile", Node: "read", Count: 1},
		{Op: "StatefulPartitionedCall", Node: "call_py", Count: 1},
		{Op: "EagerPyFunc", Node: "EagerPyFunc", Function: "__inference_py_hook_17", Count: 1},
	}}
	if d := cmp.Diff(want, g, cmp.AllowUnexported(modelfile.GraphReport{}), cmpIgnoreIndex); d != "" {
		t.Errorf("graph (-want +got):\n%s", d)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("problems: %+v", rep.Problems)
	}
	if rep.Kind != modelfile.KindSavedModel || rep.Kind.String() != "saved-model" {
		t.Errorf("Kind = %v", rep.Kind)
	}
}

var cmpIgnoreIndex = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".index" }, cmp.Ignore())

func TestTFGraphInvalid(t *testing.T) {
	good := fixtures.SavedModelGraph(false)
	tests := []struct {
		name   string
		body   []byte
		detail string
	}{
		{"truncated", good[:100], "truncated"},
		{"wire type 7", append(bytes.Clone(good), 0x0f), "invalid wire type 7"},
		{"field number 0", append(bytes.Clone(good), 0x02, 0x00), "invalid field number 0"},
		{"length past the end", append(bytes.Clone(good), 0x1a, 0x7f, 0x01), "truncated"},
		{"nested length past its parent", []byte{0x08, 0x01, 0x12, 0x04, 0x12, 0x10, 0x0a, 0x00}, "declares 16 bytes, 2 are left"},
		{"group left open", append(bytes.Clone(good), 0x1b), "truncated tag"},
		{"no meta graph", []byte{0x08, 0x01}, "no MetaGraphDef"},
		{"empty", nil, ""},
		{"varint of 11 bytes", append(bytes.Clone(good), 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), "invalid varint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scanBytes(t, "saved_model.pb", tt.body)
			if tt.name == "empty" {
				// An empty file sniffs as nothing: a missing SavedModel is the
				// layout rules' business.
				if rep.Kind != modelfile.KindUnknown {
					t.Fatalf("Kind = %v", rep.Kind)
				}
				return
			}
			if len(rep.Problems) != 1 || rep.Problems[0].Code != modelfile.CodeSavedModelInvalid || !strings.Contains(rep.Problems[0].Detail, tt.detail) {
				t.Errorf("problems = %+v, want one %s containing %q", rep.Problems, modelfile.CodeSavedModelInvalid, tt.detail)
			}
		})
	}
}

func TestTFGraphGroupsAndDepth(t *testing.T) {
	// A closed group of unknown field 9 holding a varint is skipped.
	withGroup := append(bytes.Clone(fixtures.SavedModelGraph(false)), 0x4b, 0x08, 0x01, 0x4c)
	if rep := scanBytes(t, "saved_model.pb", withGroup); len(rep.Problems) != 0 {
		t.Errorf("closed group: %+v", rep.Problems)
	}
	// Groups nested 200 deep stop at the recursion limit.
	deep := []byte{0x08, 0x01, 0x12, 0x00}
	for range 200 {
		deep = append(deep, 0x4b)
	}
	rep := scanBytes(t, "saved_model.pb", deep)
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Detail, "nested deeper than 100") {
		t.Errorf("deep groups: %+v", rep.Problems)
	}
}

func TestONNX(t *testing.T) {
	tests := []struct {
		name string
		kind fixtures.ONNXVariant
		want *modelfile.ONNXReport
	}{
		{"external data beside the model", fixtures.ONNXBenign, &modelfile.ONNXReport{
			IRVersion: 8, Opsets: []modelfile.ONNXOpset{{"", 17}, {"com.microsoft", 1}},
			Domains:  []modelfile.ONNXDomain{{Domain: "com.microsoft", OpType: "FastGelu", Node: "gelu", Count: 1}},
			External: []modelfile.ONNXExternal{{Location: "weights.bin", Tensor: "w", Count: 1}},
			Nodes:    2, Initializers: 1,
		}},
		{"unsafe external data", fixtures.ONNXUnsafeExternal, &modelfile.ONNXReport{
			IRVersion: 8, Opsets: []modelfile.ONNXOpset{{"", 17}}, Domains: []modelfile.ONNXDomain{},
			External: []modelfile.ONNXExternal{
				{Location: "../../etc/passwd", Tensor: "w", Count: 1}, {Location: "/etc/shadow", Tensor: "b", Count: 1},
				{Location: "scale.bin", Tensor: "scale", Count: 1}, {Location: "", Tensor: "bias", Count: 1},
			},
			Nodes: 2, Initializers: 4,
		}},
		{"local function", fixtures.ONNXLocalFunction, &modelfile.ONNXReport{
			IRVersion: 8, Opsets: []modelfile.ONNXOpset{{"", 17}, {"local.funcs", 1}},
			Domains:        []modelfile.ONNXDomain{{Domain: "local.funcs", OpType: "Swish", Node: "act", Count: 1}},
			LocalFunctions: []string{"local.funcs:Swish"}, External: []modelfile.ONNXExternal{},
			Nodes: 4, Initializers: 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scanBytes(t, "model.onnx", fixtures.ONNXModel(tt.kind))
			if d := cmp.Diff(tt.want, rep.Formats.ONNX); d != "" {
				t.Errorf("ONNX (-want +got):\n%s", d)
			}
			if len(rep.Problems) != 0 {
				t.Errorf("problems: %+v", rep.Problems)
			}
		})
	}
	rep := scanBytes(t, "model.onnx", fixtures.ONNXModel(fixtures.ONNXBenign)[:60])
	if d := cmp.Diff([]modelfile.Code{modelfile.CodeLimit}, problemCodes(rep)); d != "" {
		t.Errorf("truncated ONNX codes (-want +got):\n%s", d)
	}
}

func TestMAR(t *testing.T) {
	rep := scanBytes(t, "sentiment.mar", fixtures.MARFile(true))
	m := rep.Formats.MAR
	if !m.Manifest || m.Handler != "handler.py" || m.HandlerFile != "handler.py" || m.SerializedFile != "model.pt" || m.ModelName != "sentiment" || m.HandlerMissing {
		t.Errorf("MAR = %+v", m)
	}
	if !bytes.HasPrefix(m.HandlerSource, []byte(`"""TorchServe handler`)) {
		t.Errorf("HandlerSource = %q", m.HandlerSource)
	}
	var got []string
	for _, im := range rep.Imports {
		if im.Class == modelfile.Dangerous {
			got = append(got, im.Member+" "+im.String())
		}
	}
	if d := cmp.Diff([]string{"model.pt!model/data.pkl os.system"}, got); d != "" {
		t.Errorf("dangerous imports (-want +got):\n%s", d)
	}
	if rep.Kind != modelfile.KindMAR || len(rep.Members) != 3 {
		t.Errorf("Kind %v, members %v", rep.Kind, rep.Members)
	}

	good := scanBytes(t, "sentiment.mar", fixtures.MARFile(false))
	if len(good.Imports) != 0 && anyNotAllowed(good.Imports) || len(good.Problems) != 0 {
		t.Errorf("benign .mar: imports %+v, problems %+v", good.Imports, good.Problems)
	}
}

// zeros yields n zero bytes without holding them.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	m := int(min(int64(len(p)), z.n))
	clear(p[:m])
	z.n -= int64(m)
	return m, nil
}

// TestStreaming reads a SavedModel whose Const node holds 256 MiB and an
// ONNX model with a 256 MiB initializer: the payloads pass through without
// being held.
func TestStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("256 MiB streams")
	}
	const big = 256 << 20
	prefixed := func(num protowire.Number, n int64, head []byte) []byte {
		b := protowire.AppendTag(nil, num, protowire.BytesType)
		return append(protowire.AppendVarint(b, uint64(n)), head...)
	}
	// SavedModel > meta_graphs > graph_def > node {name "c", op "Const",
	// attr {key "value", value {tensor {tensor_content}}}} of big bytes.
	attrBody := int64(big)
	tensor := prefixed(4, attrBody, nil)                      // TensorProto.tensor_content
	value := prefixed(8, int64(len(tensor))+attrBody, tensor) // AttrValue.tensor
	key := []byte{0x0a, 0x05, 'v', 'a', 'l', 'u', 'e'}
	entry := prefixed(5, int64(len(key)+len(value))+attrBody, append(key, value...))
	nodeHead := append([]byte{0x0a, 0x01, 'c', 0x12, 0x05, 'C', 'o', 'n', 's', 't'}, entry...)
	node := prefixed(1, int64(len(nodeHead))+attrBody, nodeHead)
	graph := prefixed(2, int64(len(node))+attrBody, node)
	saved := append([]byte{0x08, 0x01}, prefixed(2, int64(len(graph))+attrBody, graph)...)

	onnxTensor := append([]byte{0x42, 0x01, 'w'}, prefixed(9, big, nil)...) // name, raw_data
	onnxGraph := prefixed(5, int64(len(onnxTensor))+big, onnxTensor)
	onnxModel := append([]byte{0x08, 0x08}, prefixed(7, int64(len(onnxGraph))+big, onnxGraph)...)

	for _, tt := range []struct {
		name string
		head []byte
	}{{"saved_model.pb", saved}, {"model.onnx", onnxModel}} {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r := io.MultiReader(bytes.NewReader(tt.head), &zeros{n: big})
			rep, err := modelfile.Scan(tt.name, r, int64(len(tt.head))+big, modelfile.Limits{})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != 0 {
				t.Fatalf("problems: %+v", rep.Problems)
			}
			if rep.BytesRead != int64(len(tt.head))+big {
				t.Errorf("BytesRead = %d, want %d", rep.BytesRead, int64(len(tt.head))+big)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", alloc, rep.BytesRead)
			}
			if rep.Formats.Graph != nil && (len(rep.Formats.Graph.Ops) != 1 || rep.Formats.Graph.Ops[0].Op != "Const") {
				t.Errorf("ops = %+v", rep.Formats.Graph.Ops)
			}
			if rep.Formats.ONNX != nil && rep.Formats.ONNX.Initializers != 1 {
				t.Errorf("ONNX = %+v", rep.Formats.ONNX)
			}
		})
	}
}

// anyNotAllowed reports whether any import is not on the allowlist.
func anyNotAllowed(ims []modelfile.Import) bool {
	for _, im := range ims {
		if im.Class != modelfile.Allowed {
			return true
		}
	}
	return false
}
