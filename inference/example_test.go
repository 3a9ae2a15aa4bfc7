package inference_test

import (
	"fmt"

	"github.com/mati-dev/mati/inference"
)

func ExampleScan() {
	src := []byte(`import os
import torch

def model_fn(model_dir, context=None):
    return torch.load(os.path.join(model_dir, "model.pth"))

class Unused:
    def predict_fn(self, data, model):
        return model(data)
`)
	s, err := inference.Scan(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range s.Handlers {
		fmt.Printf("handler %s at %d:%d, %d parameters\n", h.Name, h.Line, h.Col, h.Params)
	}
	for _, h := range s.Nested {
		fmt.Printf("nested %s at %d:%d\n", h.Name, h.Line, h.Col)
	}
	for _, im := range s.Imports {
		fmt.Printf("import %s\n", im.Module)
	}
	for _, p := range s.ModelPaths {
		fmt.Printf("model path %q at %d:%d\n", p.Value, p.Line, p.Col)
	}
	// Output:
	// handler model_fn at 4:5, 2 parameters
	// nested predict_fn at 8:9
	// import os
	// import torch
	// model path "model.pth" at 5:47
}
