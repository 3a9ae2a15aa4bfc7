package modelfile

// This file reads TensorFlow graphs (saved_model.pb, frozen GraphDef *.pb)
// for the ops they run. The rules are:
//   - the protobuf is walked on the wire (protostream.go) with the field
//     numbers of TensorFlow's public .proto files:
//     tensorflow/core/protobuf/saved_model.proto
//     SavedModel {int64 saved_model_schema_version = 1; repeated
//     MetaGraphDef meta_graphs = 2},
//     tensorflow/core/protobuf/meta_graph.proto
//     MetaGraphDef {MetaInfoDef meta_info_def = 1; GraphDef graph_def = 2;
//     ...},
//     tensorflow/core/framework/graph.proto
//     GraphDef {repeated NodeDef node = 1; FunctionDefLibrary library = 2},
//     tensorflow/core/framework/node_def.proto
//     NodeDef {string name = 1; string op = 2; ...},
//     tensorflow/core/framework/function.proto
//     FunctionDefLibrary {repeated FunctionDef function = 1},
//     FunctionDef {OpDef signature = 1; repeated NodeDef node_def = 3},
//     tensorflow/core/framework/op_def.proto OpDef {string name = 1};
//   - every op name of the main graphs and of every library function is
//     recorded once (with its first node and a count); judging them is the
//     rules' job (tensorflow-unsafe-op);
//   - node attributes (Const tensors can be hundreds of megabytes) and every
//     other field are discarded unread; only names are held, each at most
//     maxProtoName bytes;
//   - a wire format error, a file over the 2 GiB protobuf limit, or a
//     SavedModel with no MetaGraphDef is CodeSavedModelInvalid: TensorFlow
//     Serving's loader fails on each. Nested messages this reader does not
//     descend into (signatures, the saver, the object graph) are checked
//     only for their framing.

import (
	"bufio"
)

// GraphReport holds the facts of one TensorFlow graph file.
type GraphReport struct {
	// SchemaVersion is the SavedModel's saved_model_schema_version (0 for
	// a GraphDef).
	SchemaVersion int64 `json:"schema_version"`
	// MetaGraphs counts the MetaGraphDefs of a SavedModel.
	MetaGraphs int `json:"meta_graphs"`
	// Nodes counts the NodeDefs read whole, in graphs and functions.
	Nodes int `json:"nodes"`
	// Functions counts the library functions.
	Functions int `json:"functions"`
	// Ops lists each distinct op, in order of first use (at most
	// maxDistinct of them).
	Ops []GraphOp `json:"ops"`
	// MoreOps counts the nodes whose op was not listed (past maxDistinct ops).
	MoreOps int `json:"more_ops,omitempty"`
	index   map[string]int
}

// GraphOp is one op a graph uses.
type GraphOp struct {
	// Op is the op type, e.g. "ReadFile".
	Op string `json:"op"`
	// Node is the name of the first node using it.
	Node string `json:"node"`
	// Function is the library function holding that node, "" for a main
	// graph.
	Function string `json:"function,omitempty"`
	// Count is how many nodes use it.
	Count int `json:"count"`
}

// Field numbers, from the .proto files above.
const (
	smSchemaVersion   = 1
	smMetaGraphs      = 2
	mgGraphDef        = 2
	gdNode            = 1
	gdLibrary         = 2
	ndName            = 1
	ndOp              = 2
	libFunction       = 1
	fnSignature       = 1
	fnNodeDef         = 3
	opDefName         = 1
	tfMaxDistinctName = maxProtoName
)

// scanTFGraph reads a saved_model.pb or a frozen GraphDef.
func scanTFGraph(rep *Report, kind Kind, br *bufio.Reader, size int64) error {
	if rep.Formats == nil {
		rep.Formats = &Formats{}
	}
	g := &GraphReport{Ops: []GraphOp{}, index: map[string]int{}}
	rep.Formats.Graph = g
	what := "saved_model.pb"
	if kind == KindGraphDef {
		what = "the GraphDef"
	}
	if size > protoMaxSize {
		rep.add(CodeSavedModelInvalid, "", -1, "%s is %d bytes, over the 2 GiB limit of a protocol buffer", what, size)
		return nil
	}
	p := newPBStream(br)
	var err error
	if kind == KindGraphDef {
		err = p.root(func(f pbField) error { return g.graphField(p, f, 1) })
	} else {
		err = p.root(func(f pbField) error {
			switch {
			case f.num == smSchemaVersion && f.typ == 0:
				g.SchemaVersion = int64(f.val)
			case f.num == smMetaGraphs:
				if f.typ == 2 {
					g.MetaGraphs++
				}
				return p.messageOf(f, 2, func(m pbField) error {
					if m.num != mgGraphDef {
						return nil
					}
					return p.messageOf(m, 3, func(gf pbField) error { return g.graphField(p, gf, 3) })
				})
			}
			return nil
		})
	}
	if pe, ok := asProtoError(err); ok {
		rep.add(CodeSavedModelInvalid, "", pe.off, "%s does not decode as a protocol buffer: %s", what, pe.msg)
		return nil
	}
	if err != nil {
		return err
	}
	if kind == KindSavedModel && g.MetaGraphs == 0 {
		rep.add(CodeSavedModelInvalid, "", -1, "saved_model.pb holds no MetaGraphDef (%d bytes read)", p.off)
	}
	return nil
}

// graphField handles one field of a GraphDef at nesting depth d.
func (g *GraphReport) graphField(p *pbStream, f pbField, d int) error {
	switch f.num {
	case gdNode:
		return g.node(p, f, d+1, "")
	case gdLibrary:
		return p.messageOf(f, d+1, func(lf pbField) error {
			if lf.num != libFunction {
				return nil
			}
			g.Functions++
			var name string
			return p.messageOf(lf, d+2, func(ff pbField) error {
				switch ff.num {
				case fnSignature:
					return p.messageOf(ff, d+3, func(sf pbField) error {
						if sf.num == opDefName && sf.typ == 2 {
							s, err := p.text(sf, tfMaxDistinctName)
							name = s
							return err
						}
						return nil
					})
				case fnNodeDef:
					return g.node(p, ff, d+3, name)
				}
				return nil
			})
		})
	}
	return nil
}

// node reads a NodeDef's name and op.
func (g *GraphReport) node(p *pbStream, f pbField, d int, function string) error {
	if f.typ != 2 {
		return nil
	}
	var name, op string
	err := p.message(f.end, d, func(nf pbField) error {
		var err error
		switch {
		case nf.num == ndName && nf.typ == 2:
			name, err = p.text(nf, maxProtoName)
		case nf.num == ndOp && nf.typ == 2:
			op, err = p.text(nf, maxProtoName)
		}
		return err
	})
	if err != nil {
		return err
	}
	g.Nodes++
	g.addOp(op, name, function)
	return nil
}

func (g *GraphReport) addOp(op, node, function string) {
	if i, ok := g.index[op]; ok {
		g.Ops[i].Count++
		return
	}
	if len(g.Ops) >= maxDistinct {
		g.MoreOps++
		return
	}
	g.index[op] = len(g.Ops)
	g.Ops = append(g.Ops, GraphOp{Op: op, Node: node, Function: function, Count: 1})
}
