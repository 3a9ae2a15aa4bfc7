package main

// The formats section measures the readers of code-carrying formats (Keras,
// TensorFlow graphs, ONNX, TorchServe archives): they must cost nothing on
// artifacts without those formats, and stream through large ones. Each row
// compares mati with and without its model-file checks on the same
// artifact, measured side by side.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mati-dev/mati/fixtures"
)

// formatsSmallFiles is how many small weight files the artifact without
// any of the formats holds: each one is sniffed.
const formatsSmallFiles = 20000

// formats measures the format readers.
func (b *bench) formats() error {
	const sec = "formats"
	noScan := ""
	help := b.help("check")
	for _, f := range []string{"--no-model-scan", "--no-model-checks", "--skip-model-scan"} {
		if hasFlag(help, f) {
			noScan = f
			break
		}
	}
	onnx, err := onnxArtifact(b.cfg.size)
	if err != nil {
		return err
	}
	for _, a := range []struct {
		label, name string
		members     []member
		rss         bool
	}{
		{fmt.Sprintf("%d small weight files, none of these formats", formatsSmallFiles), "formats-none.tar.gz", noFormatsArtifact(formatsSmallFiles), false},
		{humanSize(b.cfg.size) + " SavedModel variables (real saved_model.pb, keras_metadata.pb)", "formats-savedmodel.tar.gz", savedModelArtifact(b.cfg.size), true},
		{humanSize(b.cfg.size) + " ONNX initializer inline", "formats-onnx.tar.gz", onnx, true},
	} {
		file, err := b.generate(a.name, a.members)
		if err != nil {
			return err
		}
		check := b.mati("mati check", "check", "--format", "json", file)
		check.want = []string{lastMember}
		cmds := []*command{check}
		if noScan != "" {
			unchecked := b.mati("mati check "+noScan, "check", "--format", "json", noScan, file)
			unchecked.want = []string{lastMember}
			cmds = append(cmds, unchecked)
		}
		logf("measuring %s", a.label)
		res := measure(b.ctx, b.cfg.runs, cmds...)
		b.rep.wall(sec, a.label+": mati check wall", res[0])
		target, limit := "<= 1.10", 1.10
		if !a.rss {
			target, limit = "<= 1.05", 1.05
		}
		if noScan != "" {
			b.rep.ratio(sec, a.label+": with / without model-file checks", res[0], res[1], target, func(q float64) bool { return q <= limit })
		} else {
			b.rep.na(sec, a.label+": with / without model-file checks", "flag missing", target)
		}
		if a.rss {
			b.rep.rss(sec, a.label+": mati peak RSS", res[0], safetyRSSLimit)
		}
		if err := os.Remove(file); err != nil {
			return err
		}
	}
	return nil
}

// noFormatsArtifact is a PyTorch artifact whose model is n small .bin
// weight files (float32, 1 to 8 KiB): no file is Keras, a TensorFlow
// graph, ONNX or a TorchServe archive, and every one goes through the
// sniffers.
func noFormatsArtifact(n int) []member {
	rng := rand.New(rand.NewPCG(17, 17))
	ms := make([]member, 0, n+3)
	for i := range n {
		ms = append(ms, weightsMember(fmt.Sprintf("shards/%03d/part-%05d.bin", i/1000, i), int64(1+rng.IntN(8))<<10, uint64(200+i)))
	}
	return append(ms,
		bytesMember("code/inference.py", []byte(torchInference)),
		bytesMember("code/model.py", []byte(torchModel)),
		bytesMember("code/requirements.txt", []byte("torch\n")),
	)
}

// savedModelArtifact is a TensorFlow Serving artifact whose saved_model.pb
// and keras_metadata.pb are real (the fixtures' benign ones) and whose
// variables file holds size bytes.
func savedModelArtifact(size int64) []member {
	return []member{
		bytesMember("1/keras_metadata.pb", fixtures.KerasMetadata(false)),
		bytesMember("1/saved_model.pb", fixtures.SavedModelGraph(false)),
		bytesMember("1/variables/variables.index", savedModelPB()[:512]),
		weightsMember("1/variables/variables.data-00000-of-00001", size, 3),
		bytesMember("code/inference.py", []byte(tfInference)),
		bytesMember("code/requirements.txt", []byte("numpy\n")),
	}
}

// onnxArtifact is a PyTorch-layout artifact holding model.onnx, a
// ModelProto (onnx/onnx.proto) whose graph has one initializer of size
// bytes of float32 weights in raw_data: the reader must skip it unread.
func onnxArtifact(size int64) ([]member, error) {
	size &^= 3
	tensor := protowire.AppendTag(nil, 8, protowire.BytesType) // name
	tensor = protowire.AppendString(tensor, "w")
	tensor = protowire.AppendVarint(protowire.AppendTag(tensor, 2, protowire.VarintType), 1) // FLOAT
	tensor = protowire.AppendVarint(protowire.AppendTag(tensor, 9, protowire.BytesType), uint64(size))
	tensorLen := int64(len(tensor)) + size
	graph := protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.BytesType), uint64(tensorLen))
	graphLen := int64(len(graph)) + tensorLen
	head := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 8)
	head = protowire.AppendVarint(protowire.AppendTag(head, 8, protowire.BytesType), 2)
	head = append(head, 0x10, 17) // opset_import {version = 2: 17}
	head = protowire.AppendVarint(protowire.AppendTag(head, 7, protowire.BytesType), uint64(graphLen))
	head = append(append(head, graph...), tensor...)
	weights := weightsMember("", size, 9)
	if weights.size != size {
		return nil, fmt.Errorf("weights of %d bytes, want %d", weights.size, size)
	}
	model := member{name: "model.onnx", size: int64(len(head)) + size, write: func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		return weights.write(w)
	}}
	return []member{
		model,
		bytesMember("code/inference.py", []byte(torchInference)),
		bytesMember("code/model.py", []byte(torchModel)),
		bytesMember("code/requirements.txt", []byte("torch\n")),
	}, nil
}
