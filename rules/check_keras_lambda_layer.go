package rules

import (
	"fmt"

	"github.com/mati-dev/mati/modelfile"
)

var kerasLambdaLayer = Meta{
	ID:       "keras-lambda-layer",
	Severity: Error,
	Summary:  "A Keras model has a Lambda layer (marshalled Python bytecode or a Python function looked up by name) or names a Python function outside keras; mati reads .keras config.json, the model_config attribute of .h5/.hdf5 files and a SavedModel's keras_metadata.pb: loading the model runs that code.",
	Hint:     "do not load this model from an untrusted source; replace the Lambda layer with a registered custom layer whose code ships with your serving code, and re-save the model",
}

var kerasLambdaLayerRule = Rule{Meta: kerasLambdaLayer, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		f := a.Models[p].Formats
		if f == nil || f.Keras == nil {
			continue
		}
		seen := map[string]bool{}
		for _, c := range f.Keras.Callables {
			msg := kerasCallableMessage(c)
			if seen[msg] {
				continue
			}
			seen[msg] = true
			fs = append(fs, a.Finding(kerasLambdaLayer, p, 0, 0, "%s", msg))
		}
	}
	return fs
}}

// kerasCallableMessage says what loading does with one callable.
func kerasCallableMessage(c modelfile.KerasCallable) string {
	switch {
	case c.Class == "Lambda" && c.Bytecode:
		size := ""
		if c.BytecodeLen > 0 {
			size = fmt.Sprintf(" (%d bytes)", c.BytecodeLen)
		}
		return fmt.Sprintf("Lambda layer %q holds marshalled Python bytecode%s as its %s, in %s: loading the model runs it", c.Layer, size, c.Field, c.Where)
	case c.Class == "Lambda" && c.Function != "":
		return fmt.Sprintf("Lambda layer %q holds no bytecode; its %s is the Python function %q of module %q, in %s: loading the model imports and runs it", c.Layer, c.Field, c.Function, c.Module, c.Where)
	case c.Class == "Lambda":
		return fmt.Sprintf("Lambda layer %q holds no bytecode and its %s could not be read, in %s: loading the model builds a Python function for it", c.Layer, c.Field, c.Where)
	}
	return fmt.Sprintf("layer %q names the Python %s %q of module %q outside keras (key %q), in %s: loading the model imports and calls it", c.Layer, kerasWhat(c.Class), c.Function, c.Module, c.Field, c.Where)
}

func kerasWhat(class string) string {
	if class == "function" {
		return "function"
	}
	return "callable"
}
