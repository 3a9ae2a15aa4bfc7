package modelfile_test

import (
	"bytes"
	"testing"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/modelfile"
)

// scanFuzz scans b as name and checks what every report must hold: no
// error on an in-memory reader, every byte read, and only the problem codes
// allowed.
func scanFuzz(t *testing.T, name string, b []byte, allowed ...modelfile.Code) *modelfile.Report {
	t.Helper()
	rep, err := modelfile.Scan(name, bytes.NewReader(b), int64(len(b)), fuzzLimits)
	check(t, b, rep, err)
	for _, p := range rep.Problems {
		ok := false
		for _, c := range allowed {
			ok = ok || p.Code == c
		}
		if !ok && len(allowed) > 0 {
			t.Fatalf("problem %+v, want one of %v", p, allowed)
		}
	}
	return rep
}

// FuzzKeras reads inputs as a .keras zip, an HDF5 file and a
// keras_metadata.pb: no panic, and every callable with bytecode is a Lambda
// layer's, with a place named.
func FuzzKeras(f *testing.F) {
	for _, s := range [][]byte{
		fixtures.KerasZip(true), fixtures.KerasZip(false), fixtures.KerasH5(true), fixtures.KerasH5(false),
		fixtures.KerasMetadata(true), fixtures.KerasMetadata(false),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"model.keras", "model.h5", "keras_metadata.pb"} {
			rep := scanFuzz(t, name, b)
			if rep.Formats == nil || rep.Formats.Keras == nil {
				continue
			}
			for _, c := range rep.Formats.Keras.Callables {
				if c.Bytecode && c.Class != "Lambda" || c.Where == "" {
					t.Fatalf("callable %+v", c)
				}
			}
		}
	})
}

// FuzzTFGraph reads inputs as a saved_model.pb and a frozen GraphDef: no
// panic, only CodeSavedModelInvalid problems, and every node counted once.
func FuzzTFGraph(f *testing.F) {
	for _, s := range [][]byte{fixtures.SavedModelGraph(true), fixtures.SavedModelGraph(false), fixtures.SavedModelGraph(true)[:90]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"saved_model.pb", "frozen.pb"} {
			rep := scanFuzz(t, name, b)
			if rep.Formats == nil || rep.Formats.Graph == nil {
				continue // a frozen.pb may sniff as ONNX by its content
			}
			for _, p := range rep.Problems {
				if p.Code != modelfile.CodeSavedModelInvalid {
					t.Fatalf("problem %+v in a TensorFlow graph", p)
				}
			}
			g := rep.Formats.Graph
			n := g.MoreOps
			for _, op := range g.Ops {
				if op.Count < 1 {
					t.Fatalf("op %+v", op)
				}
				n += op.Count
			}
			if n != g.Nodes {
				t.Fatalf("ops count %d nodes, the report %d", n, g.Nodes)
			}
		}
	})
}

// FuzzONNX reads inputs as an ONNX model: no panic, only CodeLimit
// problems, and domain uses never outnumber the nodes.
func FuzzONNX(f *testing.F) {
	for _, v := range []fixtures.ONNXVariant{fixtures.ONNXBenign, fixtures.ONNXUnsafeExternal, fixtures.ONNXCustomDomain, fixtures.ONNXLocalFunction} {
		f.Add(fixtures.ONNXModel(v))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep := scanFuzz(t, "model.onnx", b, modelfile.CodeLimit)
		if rep.Formats == nil {
			if len(b) > 0 {
				t.Fatalf("%d bytes named model.onnx were not read as ONNX", len(b))
			}
			return
		}
		o := rep.Formats.ONNX
		if o == nil {
			return // bytes of another format (an HDF5 or zip signature) win
		}
		uses := 0
		for _, d := range o.Domains {
			if d.Count < 1 || d.Domain == "" || d.Domain == "ai.onnx" {
				t.Fatalf("domain %+v", d)
			}
			uses += d.Count
		}
		if uses > o.Nodes {
			t.Fatalf("%d domain uses, %d nodes", uses, o.Nodes)
		}
		for _, x := range o.External {
			if x.Count < 1 {
				t.Fatalf("external %+v", x)
			}
		}
	})
}
