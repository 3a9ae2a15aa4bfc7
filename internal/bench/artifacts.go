package main

import (
	"fmt"
	"math/rand/v2"
)

// The benchmark artifacts. Each is a deployable model: the weights sit where
// the framework's container loads them and code/inference.py defines the
// handlers, so mati reads the code and skips (or, with the model-file
// checks, scans) the weights.

const tfInference = `import json

import numpy as np


def input_handler(data, context):
    if context.request_content_type == "application/json":
        body = json.loads(data.read().decode("utf-8"))
        return json.dumps({"instances": np.asarray(body["inputs"]).tolist()})
    raise ValueError(f"unsupported content type {context.request_content_type!r}")


def output_handler(response, context):
    if response.status_code != 200:
        raise ValueError(response.content.decode("utf-8"))
    return response.content, context.accept_header
`

const torchInference = `import json
import os

import torch

from model import Net


def model_fn(model_dir):
    model = Net()
    state = torch.load(os.path.join(model_dir, "model.pth"), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


def input_fn(request_body, content_type):
    if content_type != "application/json":
        raise ValueError(f"unsupported content type {content_type!r}")
    return torch.tensor(json.loads(request_body)["inputs"])


def predict_fn(data, model):
    with torch.no_grad():
        return model(data)


def output_fn(prediction, accept):
    return json.dumps({"outputs": prediction.tolist()})
`

const torchModel = `import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
`

const hfInference = `import json

from transformers import AutoModel, AutoTokenizer


def model_fn(model_dir):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, use_safetensors=True)
    return model, tokenizer


def predict_fn(data, model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    inputs = tokenizer(data["inputs"], return_tensors="pt")
    return model(**inputs).last_hidden_state.mean(dim=1).tolist()
`

const hfConfig = `{
  "architectures": ["BertModel"],
  "hidden_size": 1024,
  "model_type": "bert",
  "num_attention_heads": 16,
  "num_hidden_layers": 24,
  "torch_dtype": "float32",
  "vocab_size": 30522
}
`

// lastMember is the last member of every artifact: mati's JSON lists it
// only if it read the whole archive.
const lastMember = "code/requirements.txt"

// savedModelPB stands in for a SavedModel graph: a few KiB that no check
// parses.
func savedModelPB() []byte {
	b := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// weightsArtifact is a TensorFlow Serving artifact with one large variables
// file of size bytes of float32 weights, plus code/inference.py.
func weightsArtifact(size int64) []member {
	return []member{
		bytesMember("1/saved_model.pb", savedModelPB()),
		bytesMember("1/variables/variables.index", savedModelPB()[:512]),
		weightsMember("1/variables/variables.data-00000-of-00001", size, 1),
		bytesMember("code/inference.py", []byte(tfInference)),
		bytesMember("code/requirements.txt", []byte("numpy\n")),
	}
}

// manyFilesArtifact is a TensorFlow Serving artifact with n small asset
// files (512 B to 4 KiB of token lists) beside a small model.
func manyFilesArtifact(n int) []member {
	ms := []member{
		bytesMember("1/saved_model.pb", savedModelPB()),
		bytesMember("1/variables/variables.index", savedModelPB()[:512]),
		weightsMember("1/variables/variables.data-00000-of-00001", 4<<20, 2),
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range n {
		name := fmt.Sprintf("1/assets/vocab/%03d/%05d.txt", i/1000, i)
		ms = append(ms, textMember(name, 512+rng.IntN(3585), rng))
	}
	return append(ms,
		bytesMember("code/inference.py", []byte(tfInference)),
		bytesMember("code/requirements.txt", []byte("numpy\n")),
	)
}

// torchArtifact is a PyTorch artifact whose model.pth is a state-dict zip
// of size bytes of weights.
func torchArtifact(size int64, seed uint64) ([]member, error) {
	zm, err := torchZip{top: "model", tensors: splitTensors(size, seed)}.member("model.pth")
	if err != nil {
		return nil, err
	}
	return []member{
		zm,
		bytesMember("code/inference.py", []byte(torchInference)),
		bytesMember("code/model.py", []byte(torchModel)),
		bytesMember("code/requirements.txt", []byte("torch\n")),
	}, nil
}

// safetensorsArtifact is a Hugging Face artifact whose model.safetensors
// holds size bytes of weights.
func safetensorsArtifact(size int64) ([]member, error) {
	sm, err := safetensorsMember("model.safetensors", splitTensors(size, 100))
	if err != nil {
		return nil, err
	}
	return []member{
		bytesMember("config.json", []byte(hfConfig)),
		sm,
		bytesMember("tokenizer_config.json", []byte(`{"model_max_length": 512, "tokenizer_class": "BertTokenizer"}`+"\n")),
		bytesMember("vocab.txt", []byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nof\nand\n")),
		bytesMember("code/inference.py", []byte(hfInference)),
		bytesMember("code/requirements.txt", []byte("transformers\n")),
	}, nil
}

// smallArtifact is the i-th artifact of the scan set: a PyTorch artifact
// with 32 to 160 KiB of weights.
func smallArtifact(i int) ([]member, error) {
	size := int64(32+(i*37)%129) << 10
	return torchArtifact(size, uint64(1000+i))
}
