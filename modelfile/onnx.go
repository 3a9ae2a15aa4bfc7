package modelfile

// This file reads ONNX models for what makes loading them reach outside
// the file: external tensor data and operator domains. The rules are:
//   - the protobuf is walked on the wire (protostream.go) with the field
//     numbers of onnx/onnx.proto: ModelProto {ir_version = 1; graph = 7;
//     opset_import = 8; training_info = 20; functions = 25},
//     OperatorSetIdProto {domain = 1; version = 2}, GraphProto {node = 1;
//     initializer = 5; sparse_initializer = 15}, NodeProto {name = 3;
//     op_type = 4; attribute = 5; domain = 7}, AttributeProto {t = 5;
//     g = 6; tensors = 10; graphs = 11; sparse_tensor = 22;
//     sparse_tensors = 23}, TensorProto {name = 8; external_data = 13;
//     data_location = 14}, StringStringEntryProto {key = 1; value = 2},
//     SparseTensorProto {values = 1; indices = 2}, TrainingInfoProto
//     {initialization = 1; algorithm = 2}, FunctionProto {name = 1;
//     node = 7; opset_import = 9; domain = 10};
//   - subgraphs (If, Loop, Scan attributes), training graphs and local
//     functions are walked like the main graph, to the protobuf nesting
//     limit;
//   - tensor payloads (raw_data, the typed data fields) are discarded
//     unread: a model with gigabytes of initializers streams through;
//   - a wire format error is a CodeLimit problem: what follows it was not
//     checked (onnxruntime refuses such a file anyway).

import (
	"bufio"
)

// ONNXReport holds the facts of one ONNX model.
type ONNXReport struct {
	// IRVersion is the model's ir_version.
	IRVersion int64 `json:"ir_version"`
	// Opsets are the distinct opset imports of the model and its
	// functions.
	Opsets []ONNXOpset `json:"opsets"`
	// Domains are the distinct operator domains nodes use, other than ""
	// and "ai.onnx", in order of first use.
	Domains []ONNXDomain `json:"domains"`
	// LocalFunctions are the model-local functions, as "domain:name": a
	// node naming one calls it rather than a kernel.
	LocalFunctions []string `json:"local_functions,omitempty"`
	// External are the distinct external data locations, in order of first
	// use.
	External []ONNXExternal `json:"external"`
	// Nodes counts the nodes, in every graph and function.
	Nodes int `json:"nodes"`
	// Initializers counts the initializer tensors.
	Initializers int `json:"initializers"`
	// More counts the domains and locations past maxDistinct, not listed.
	More int `json:"more,omitempty"`
}

// ONNXOpset is one opset import.
type ONNXOpset struct {
	// Domain is the operator set domain ("" is the default ONNX domain).
	Domain string `json:"domain"`
	// Version is the opset version.
	Version int64 `json:"version"`
}

// ONNXDomain is an operator domain nodes use.
type ONNXDomain struct {
	// Domain is the domain, e.g. "com.microsoft".
	Domain string `json:"domain"`
	// OpType and Node are the op type and node name of its first use.
	OpType string `json:"op_type"`
	Node   string `json:"node"`
	// Count is how many nodes use the domain.
	Count int `json:"count"`
}

// ONNXExternal is one external data location.
type ONNXExternal struct {
	// Location is the "location" value, "" when the tensor is marked
	// external but names none.
	Location string `json:"location"`
	// Tensor is the first tensor stored there.
	Tensor string `json:"tensor"`
	// Count is how many tensors are stored there.
	Count int `json:"count"`
}

// Field numbers, from onnx/onnx.proto.
const (
	omIRVersion     = 1
	omGraph         = 7
	omOpsetImport   = 8
	omTrainingInfo  = 20
	omFunctions     = 25
	osDomain        = 1
	osVersion       = 2
	ogNode          = 1
	ogInitializer   = 5
	ogSparseInit    = 15
	onName          = 3
	onOpType        = 4
	onAttribute     = 5
	onDomain        = 7
	oaT             = 5
	oaG             = 6
	oaTensors       = 10
	oaGraphs        = 11
	oaSparseTensor  = 22
	oaSparseTensors = 23
	otName          = 8
	otExternalData  = 13
	otDataLocation  = 14
	ssKey           = 1
	ssValue         = 2
	ospValues       = 1
	ospIndices      = 2
	otiInit         = 1
	otiAlgorithm    = 2
	ofName          = 1
	ofNode          = 7
	ofOpsetImport   = 9
	ofDomain        = 10
)

type onnxReader struct {
	p      *pbStream
	o      *ONNXReport
	opsets map[ONNXOpset]bool
	doms   map[string]int
	locs   map[string]int
}

// scanONNX reads an ONNX ModelProto.
func scanONNX(rep *Report, br *bufio.Reader, size int64) error {
	if rep.Formats == nil {
		rep.Formats = &Formats{}
	}
	o := &ONNXReport{Opsets: []ONNXOpset{}, Domains: []ONNXDomain{}, External: []ONNXExternal{}}
	rep.Formats.ONNX = o
	r := &onnxReader{p: newPBStream(br), o: o, opsets: map[ONNXOpset]bool{}, doms: map[string]int{}, locs: map[string]int{}}
	if size > protoMaxSize {
		rep.add(CodeLimit, "", -1, "the ONNX model is %d bytes, over the 2 GiB limit of a protocol buffer: onnxruntime cannot load it", size)
		return nil
	}
	err := r.p.root(func(f pbField) error {
		switch f.num {
		case omIRVersion:
			if f.typ == 0 {
				o.IRVersion = int64(f.val)
			}
		case omGraph:
			return r.graph(f, 2)
		case omOpsetImport:
			return r.opset(f, 2)
		case omTrainingInfo:
			return r.p.messageOf(f, 2, func(t pbField) error {
				if t.num == otiInit || t.num == otiAlgorithm {
					return r.graph(t, 3)
				}
				return nil
			})
		case omFunctions:
			return r.function(f, 2)
		}
		return nil
	})
	if pe, ok := asProtoError(err); ok {
		rep.add(CodeLimit, "", pe.off, "the ONNX model does not decode as a protocol buffer (%s): what follows was not checked", pe.msg)
		return nil
	}
	return err
}

func (r *onnxReader) opset(f pbField, d int) error {
	var os ONNXOpset
	err := r.p.messageOf(f, d, func(g pbField) error {
		var err error
		switch {
		case g.num == osDomain && g.typ == 2:
			os.Domain, err = r.p.text(g, maxProtoName)
		case g.num == osVersion && g.typ == 0:
			os.Version = int64(g.val)
		}
		return err
	})
	if err == nil && f.typ == 2 && !r.opsets[os] && len(r.o.Opsets) < maxDistinct {
		r.opsets[os] = true
		r.o.Opsets = append(r.o.Opsets, os)
	}
	return err
}

func (r *onnxReader) graph(f pbField, d int) error {
	return r.p.messageOf(f, d, func(g pbField) error {
		switch g.num {
		case ogNode:
			return r.node(g, d+1)
		case ogInitializer:
			r.o.Initializers++
			return r.tensor(g, d+1)
		case ogSparseInit:
			r.o.Initializers++
			return r.sparse(g, d+1)
		}
		return nil
	})
}

func (r *onnxReader) function(f pbField, d int) error {
	var name, domain string
	err := r.p.messageOf(f, d, func(g pbField) error {
		var err error
		switch g.num {
		case ofName:
			if g.typ == 2 {
				name, err = r.p.text(g, maxProtoName)
			}
		case ofDomain:
			if g.typ == 2 {
				domain, err = r.p.text(g, maxProtoName)
			}
		case ofNode:
			return r.node(g, d+1)
		case ofOpsetImport:
			return r.opset(g, d+1)
		}
		return err
	})
	if err == nil && f.typ == 2 && len(r.o.LocalFunctions) < maxDistinct {
		r.o.LocalFunctions = append(r.o.LocalFunctions, domain+":"+name)
	}
	return err
}

func (r *onnxReader) node(f pbField, d int) error {
	if f.typ != 2 {
		return nil
	}
	r.o.Nodes++
	var name, op, domain string
	err := r.p.message(f.end, d, func(g pbField) error {
		var err error
		switch {
		case g.num == onName && g.typ == 2:
			name, err = r.p.text(g, maxProtoName)
		case g.num == onOpType && g.typ == 2:
			op, err = r.p.text(g, maxProtoName)
		case g.num == onDomain && g.typ == 2:
			domain, err = r.p.text(g, maxProtoName)
		case g.num == onAttribute:
			return r.attribute(g, d+1)
		}
		return err
	})
	if err != nil {
		return err
	}
	if domain == "" || domain == "ai.onnx" {
		return nil
	}
	if i, ok := r.doms[domain]; ok {
		r.o.Domains[i].Count++
		return nil
	}
	if len(r.o.Domains) >= maxDistinct {
		r.o.More++
		return nil
	}
	r.doms[domain] = len(r.o.Domains)
	r.o.Domains = append(r.o.Domains, ONNXDomain{Domain: domain, OpType: op, Node: name, Count: 1})
	return nil
}

func (r *onnxReader) attribute(f pbField, d int) error {
	return r.p.messageOf(f, d, func(g pbField) error {
		switch g.num {
		case oaT, oaTensors:
			return r.tensor(g, d+1)
		case oaG, oaGraphs:
			return r.graph(g, d+1)
		case oaSparseTensor, oaSparseTensors:
			return r.sparse(g, d+1)
		}
		return nil
	})
}

func (r *onnxReader) sparse(f pbField, d int) error {
	return r.p.messageOf(f, d, func(g pbField) error {
		if g.num == ospValues || g.num == ospIndices {
			return r.tensor(g, d+1)
		}
		return nil
	})
}

func (r *onnxReader) tensor(f pbField, d int) error {
	if f.typ != 2 {
		return nil
	}
	var name, location string
	var external, hasLocation bool
	err := r.p.message(f.end, d, func(g pbField) error {
		var err error
		switch {
		case g.num == otName && g.typ == 2:
			name, err = r.p.text(g, maxProtoName)
		case g.num == otDataLocation && g.typ == 0:
			external = external || g.val == 1
		case g.num == otExternalData && g.typ == 2:
			external = true
			var key, value string
			err = r.p.message(g.end, d+1, func(e pbField) error {
				var err error
				switch {
				case e.num == ssKey && e.typ == 2:
					key, err = r.p.text(e, maxProtoName)
				case e.num == ssValue && e.typ == 2:
					value, err = r.p.text(e, maxProtoName)
				}
				return err
			})
			if key == "location" {
				location, hasLocation = value, true
			}
		}
		return err
	})
	if err != nil || !external {
		return err
	}
	if !hasLocation {
		location = ""
	}
	if i, ok := r.locs[location]; ok {
		r.o.External[i].Count++
		return nil
	}
	if len(r.o.External) >= maxDistinct {
		r.o.More++
		return nil
	}
	r.locs[location] = len(r.o.External)
	r.o.External = append(r.o.External, ONNXExternal{Location: location, Tensor: name, Count: 1})
	return nil
}
