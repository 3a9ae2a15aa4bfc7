package modelfile

// This file recognises the formats whose loading runs code beyond pickle
// (Keras, TensorFlow graphs, ONNX, TorchServe archives) and sends each to
// its reader. The rules are:
//   - a file is recognised by its bytes first (the HDF5 signature, the
//     first zip member's name, the first protobuf fields) and by its name
//     where the bytes alone are ambiguous (saved_model.pb, keras_metadata.pb,
//     *.onnx, *.keras, *.mar);
//   - recognising looks at the [SniffLen] bytes Sniff already has and
//     nothing else, so a file of another format costs one comparison of its
//     name and first bytes; the readers run only on their own formats;
//   - every reader streams: it holds the small structures it judges
//     (configurations, names, an HDF5 object header) within the bounds
//     below and discards everything else as it passes;
//   - a file a reader cannot fully decode, or that goes over a bound, gets a
//     CodeLimit problem (its code-on-load facts were not all read), except
//     a SavedModel whose protobuf does not decode, which is
//     CodeSavedModelInvalid because TensorFlow Serving refuses it.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"path"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// The kinds of file read by the readers of this file's formats. They follow
// the kinds of scan.go, with a gap so either list can grow.
const (
	// KindKeras is a Keras 3 .keras zip (config.json, metadata.json,
	// model.weights.h5).
	KindKeras Kind = kindFormatBase + iota
	// KindMAR is a TorchServe model archive (.mar): a zip with
	// MAR-INF/MANIFEST.json.
	KindMAR
	// KindHDF5 is an HDF5 file (.h5, .hdf5, a legacy Keras model).
	KindHDF5
	// KindKerasMetadata is a SavedModel's keras_metadata.pb.
	KindKerasMetadata
	// KindSavedModel is a TensorFlow saved_model.pb.
	KindSavedModel
	// KindGraphDef is a frozen TensorFlow GraphDef (*.pb).
	KindGraphDef
	// KindONNX is an ONNX model (ModelProto).
	KindONNX
)

const kindFormatBase Kind = 32

var formatKindNames = []string{"keras", "mar", "hdf5", "keras-metadata", "saved-model", "graph-def", "onnx"}

// formatKindName names the kinds of this file, "unknown" for any other.
func formatKindName(k Kind) string {
	i := int(k - kindFormatBase)
	if i < 0 || i >= len(formatKindNames) {
		return "unknown"
	}
	return formatKindNames[i]
}

// CodeSavedModelInvalid: a saved_model.pb (or frozen GraphDef) is not a
// protocol buffer that decodes, so TensorFlow Serving refuses it.
const CodeSavedModelInvalid Code = "tensorflow-savedmodel-invalid"

// Bounds of the format readers.
const (
	// maxConfigJSON is the largest Keras configuration (config.json, the
	// model_config attribute, one keras_metadata.pb node) decoded.
	maxConfigJSON = 16 << 20
	// maxMetadataJSON bounds all keras_metadata.pb node metadata together.
	maxMetadataJSON = 64 << 20
	// maxProtoName is the longest name (op, node, domain, location) kept.
	maxProtoName = 4 << 10
	// maxDistinct is the most distinct ops, domains or external data
	// locations kept per file; more are counted, not listed.
	maxDistinct = 4096
	// maxManifest is the largest MAR-INF/MANIFEST.json read.
	maxManifest = 1 << 20
	// maxSource is the largest Python file of a .mar kept, and
	// maxSources all of them together.
	maxSource  = 1 << 20
	maxSources = 4 << 20
	// maxHDF5Block is the largest HDF5 object header block held.
	maxHDF5Block = 16 << 20
	// maxJSONDepth is the deepest JSON nesting walked.
	maxJSONDepth = 512
)

// Formats holds what the readers of code-carrying formats found in one
// file. Exactly one field is non-nil.
type Formats struct {
	// Keras is set for .keras, HDF5 and keras_metadata.pb files.
	Keras *KerasReport `json:"keras,omitempty"`
	// Graph is set for saved_model.pb and frozen GraphDef files.
	Graph *GraphReport `json:"tensorflow,omitempty"`
	// ONNX is set for ONNX models.
	ONNX *ONNXReport `json:"onnx,omitempty"`
	// MAR is set for TorchServe archives.
	MAR *MARReport `json:"mar,omitempty"`
}

// sniffFormat returns the kind of a file of one of this file's formats, or
// KindUnknown.
func sniffFormat(name string, head []byte) Kind {
	base := path.Base(name)
	ext := strings.ToLower(path.Ext(base))
	switch {
	case bytes.HasPrefix(head, magicHDF5):
		return KindHDF5
	case bytes.HasPrefix(head, magicZip):
		first := firstZipName(head)
		switch {
		case ext == ".mar" || strings.HasPrefix(first, "MAR-INF/"):
			return KindMAR
		case ext == ".keras" || first == "metadata.json" || first == "config.json":
			return KindKeras
		}
		return KindUnknown
	case base == "saved_model.pb":
		return KindSavedModel
	case base == "keras_metadata.pb":
		return KindKerasMetadata
	case ext == ".onnx":
		return KindONNX
	case len(head) < 2 || textExt(ext):
		return KindUnknown
	case head[0] == 0x08 && looksLikeSavedModel(head):
		return KindSavedModel
	case head[0] == 0x08 && looksLikeMessage(head, onnxModelFields, 3):
		return KindONNX
	case ext == ".pb" && head[0] == 0x0a && looksLikeMessage(head, graphDefFields, 1):
		return KindGraphDef
	}
	return KindUnknown
}

// magicHDF5 is the HDF5 format signature.
var magicHDF5 = []byte("\x89HDF\r\n\x1a\n")

func textExt(ext string) bool {
	switch ext {
	case ".py", ".txt", ".md", ".json", ".yaml", ".yml", ".cfg", ".ini", ".toml", ".sh", ".csv", ".pbtxt":
		return true
	}
	return false
}

// firstZipName returns the name in the zip local header at the start of
// head, "" if head is too short.
func firstZipName(head []byte) string {
	if len(head) < 30 {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(head[26:]))
	if 30+n > len(head) {
		return ""
	}
	return string(head[30 : 30+n])
}

// onnxModelFields are the fields of ModelProto (onnx/onnx.proto): ir_version
// 1, producer_name 2, producer_version 3, domain 4, model_version 5,
// doc_string 6, graph 7, opset_import 8, metadata_props 14, training_info
// 20, functions 25.
var onnxModelFields = map[protowire.Number]protowire.Type{
	1: protowire.VarintType, 2: protowire.BytesType, 3: protowire.BytesType, 4: protowire.BytesType,
	5: protowire.VarintType, 6: protowire.BytesType, 7: protowire.BytesType, 8: protowire.BytesType,
	14: protowire.BytesType, 20: protowire.BytesType, 25: protowire.BytesType,
}

// graphDefFields are the fields of GraphDef (tensorflow/core/framework/
// graph.proto): node 1, library 2, version 3, versions 4, debug_info 5.
var graphDefFields = map[protowire.Number]protowire.Type{
	1: protowire.BytesType, 2: protowire.BytesType, 3: protowire.VarintType, 4: protowire.BytesType, 5: protowire.BytesType,
}

// looksLikeSavedModel: saved_model_schema_version 1 (a small varint) then
// meta_graphs 2, whose first field is a MetaGraphDef field (1 to 7).
//
//	08 01 12 c4 02 0a ...  -> true
func looksLikeSavedModel(head []byte) bool {
	num, typ, n := protowire.ConsumeTag(head)
	if n < 0 || num != 1 || typ != protowire.VarintType {
		return false
	}
	v, m := protowire.ConsumeVarint(head[n:])
	if m < 0 || v == 0 || v > 16 {
		return false
	}
	head = head[n+m:]
	num, typ, n = protowire.ConsumeTag(head)
	if n < 0 || num != 2 || typ != protowire.BytesType {
		return false
	}
	_, m = protowire.ConsumeVarint(head[n:])
	if m < 0 || len(head) <= n+m {
		return false
	}
	inner, ityp, k := protowire.ConsumeTag(head[n+m:])
	return k > 0 && inner >= 1 && inner <= 7 && ityp == protowire.BytesType
}

// scanFormat reads a file of one of this file's kinds; other kinds are left
// to the caller.
func scanFormat(rep *Report, kind Kind, name string, br *bufio.Reader, size int64, lim *Limits) error {
	switch kind {
	case KindKeras, KindMAR:
		return scanArchiveFormat(rep, kind, name, br, lim)
	case KindHDF5:
		return scanHDF5(rep, br)
	case KindKerasMetadata:
		return scanKerasMetadata(rep, br)
	case KindSavedModel, KindGraphDef:
		return scanTFGraph(rep, kind, br, size)
	case KindONNX:
		return scanONNX(rep, br, size)
	}
	return nil
}

// keras returns the file's Keras report, creating it.
func (r *Report) keras(source string) *KerasReport {
	if r.Formats == nil {
		r.Formats = &Formats{}
	}
	if r.Formats.Keras == nil {
		r.Formats.Keras = &KerasReport{Source: source, Callables: []KerasCallable{}}
	}
	return r.Formats.Keras
}
