package modelfile

// This file reads Keras model configurations for Python code that runs when
// the model loads. The rules are:
//   - the configuration is the JSON Keras saves: config.json of a .keras zip
//     (Keras 3 saving_lib), the model_config attribute of an HDF5 file's
//     root group (legacy tf.keras save_model_to_hdf5, read by hdf5.go), or
//     the metadata string of each node of a SavedModel's keras_metadata.pb;
//   - a Lambda layer (class_name "Lambda") is always reported: its function
//     is either marshalled bytecode, which func_load turns back into code
//     (Keras 3: {"class_name": "__lambda__", "config": {"code": base64}};
//     tf.keras: "function": [base64, defaults, closure] with
//     "function_type": "lambda"), or a Python function looked up by module
//     and name (Keras 3: {"class_name": "function", "module": ...};
//     tf.keras: "function_type": "function" with "module");
//   - outside Lambda layers, an object that names a Python function
//     ("class_name": "function") from a module outside keras, or any object
//     whose module and class a pickle would count as Dangerous, is reported
//     too: loading imports the module and calls the function (the path of
//     CVE-2025-1550); custom layer classes of the user's own modules are
//     not, since Keras finds them in its registry;
//   - bytecode is recognised by decoding the base64 and finding a marshalled
//     code object (type byte 'c', with or without the reference flag).

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// KerasReport holds the Keras configuration facts of one file.
type KerasReport struct {
	// Source says where the configuration was read: "config.json",
	// "model_config attribute" or "keras_metadata.pb".
	Source string `json:"source"`
	// Layers counts the objects with a class_name and a config seen.
	Layers int `json:"layers"`
	// Callables are the Lambda layers and Python functions found, in
	// configuration order.
	Callables []KerasCallable `json:"callables"`
	// KerasVersion is the keras_version the file records ("" if none).
	KerasVersion string `json:"keras_version,omitempty"`
}

// KerasCallable is one Python callable a Keras configuration makes the
// loader build or import.
type KerasCallable struct {
	// Layer is the name of the layer holding it ("" when none is named).
	Layer string `json:"layer"`
	// Class is the layer's class_name: "Lambda" for a Lambda layer.
	Class string `json:"class"`
	// Field is the configuration key holding the callable: "function",
	// "output_shape", "mask", or the key of an object elsewhere.
	Field string `json:"field"`
	// Bytecode is true when the callable is marshalled Python bytecode.
	Bytecode bool `json:"bytecode"`
	// BytecodeLen is the length of the decoded bytecode in bytes.
	BytecodeLen int `json:"bytecode_len,omitempty"`
	// Module and Function name a Python function looked up by name; ""
	// for bytecode.
	Module   string `json:"module,omitempty"`
	Function string `json:"function,omitempty"`
	// Where says which part of the file holds it: "config.json", "model_config
	// attribute", or `node "root.layer-1"` of keras_metadata.pb.
	Where string `json:"where"`
}

// scanKerasConfig decodes one configuration JSON and adds its callables to
// kr. A configuration that is not JSON is a CodeLimit problem.
func scanKerasConfig(rep *Report, kr *KerasReport, b []byte, where string) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		rep.add(CodeLimit, "", -1, "the Keras configuration in %s is not JSON (%v): its layers were not checked", where, err)
		return
	}
	w := kerasWalker{kr: kr, where: where}
	w.walk(v, "", "", 0)
	if w.deep {
		rep.add(CodeLimit, "", -1, "the Keras configuration in %s nests deeper than %d levels: the rest was not checked", where, maxJSONDepth)
	}
}

type kerasWalker struct {
	kr    *KerasReport
	where string
	deep  bool
}

// walk visits v, the value of key in the layer named layer.
func (w *kerasWalker) walk(v any, key, layer string, depth int) {
	if depth > maxJSONDepth {
		w.deep = true
		return
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			w.walk(e, key, layer, depth+1)
		}
	case map[string]any:
		class, _ := t["class_name"].(string)
		cfg, _ := t["config"].(map[string]any)
		if class != "" && cfg != nil {
			w.kr.Layers++
			if n, ok := cfg["name"].(string); ok {
				layer = n
			}
			if class == "Lambda" {
				w.lambda(cfg, layer)
			}
		}
		if class == "function" || class != "" && t["module"] != nil {
			w.reference(t, key, layer)
		}
		if ver, ok := t["keras_version"].(string); ok && w.kr.KerasVersion == "" {
			w.kr.KerasVersion = ver
		}
		for _, k := range sortedKeys(t) {
			w.walk(t[k], k, layer, depth+1)
		}
	}
}

// lambda records a Lambda layer's function, output_shape and mask.
func (w *kerasWalker) lambda(cfg map[string]any, layer string) {
	found := false
	for _, field := range []string{"function", "output_shape", "mask"} {
		c, ok := w.callable(cfg, field)
		if !ok {
			continue
		}
		c.Layer, c.Class, c.Field, c.Where = layer, "Lambda", field, w.where
		w.kr.Callables = append(w.kr.Callables, c)
		found = true
	}
	if !found {
		w.kr.Callables = append(w.kr.Callables, KerasCallable{Layer: layer, Class: "Lambda", Field: "function", Where: w.where})
	}
}

// callable decodes cfg[field] as a serialised function, in the forms of
// Keras 3 and tf.keras.
func (w *kerasWalker) callable(cfg map[string]any, field string) (KerasCallable, bool) {
	var c KerasCallable
	fv := cfg[field]
	if m, ok := fv.(map[string]any); ok && m["class_name"] == "__tuple__" {
		fv = m["items"] // TF 2.x SavedModel metadata writes tuples so
	}
	switch v := fv.(type) {
	case map[string]any:
		class, _ := v["class_name"].(string)
		inner, _ := v["config"].(map[string]any)
		switch {
		case class == "__lambda__":
			code, _ := inner["code"].(string)
			c.Bytecode, c.BytecodeLen = true, bytecodeLen(code)
			return c, true
		case class == "function":
			c.Module, _ = v["module"].(string)
			c.Function, _ = v["config"].(string)
			return c, true
		}
	case []any:
		// tf.keras func_dump: [code, defaults, closure].
		if len(v) == 0 {
			return c, false
		}
		code, _ := v[0].(string)
		if n := bytecodeLen(code); n > 0 || cfg[field+"_type"] == "lambda" || field == "function" && cfg["function_type"] == "lambda" {
			c.Bytecode, c.BytecodeLen = true, n
			return c, true
		}
	case string:
		switch {
		case field == "function" && cfg["function_type"] != "raw":
			c.Function = v
			c.Module, _ = cfg["module"].(string)
			return c, true
		case cfg[field+"_type"] == "function":
			c.Function = v
			c.Module, _ = cfg[field+"_module"].(string)
			return c, true
		}
	}
	return c, false
}

// reference records an object naming a Python function outside keras, or
// a module and class a pickle would count as dangerous.
func (w *kerasWalker) reference(obj map[string]any, key, layer string) {
	module, _ := obj["module"].(string)
	class, _ := obj["class_name"].(string)
	name, _ := obj["config"].(string)
	if class != "function" {
		name = class
	}
	if module == "" || name == "" {
		return
	}
	if class == "function" && kerasModule(module) || class != "function" && Classify(module, name) != Dangerous {
		return
	}
	if key == "function" || key == "output_shape" || key == "mask" {
		// Already recorded as the Lambda layer's callable.
		for _, c := range w.kr.Callables {
			if c.Layer == layer && c.Field == key && c.Module == module && c.Function == name {
				return
			}
		}
	}
	w.kr.Callables = append(w.kr.Callables, KerasCallable{Layer: layer, Class: class, Field: key, Module: module, Function: name, Where: w.where})
}

// kerasModule reports whether module is Keras itself (Keras 3.9 and later
// import only these when deserialising).
//
//	keras.activations -> true
//	keras_hub.models  -> true
//	os                -> false
func kerasModule(module string) bool {
	root, _, _ := strings.Cut(module, ".")
	switch root {
	case "keras", "tf_keras", "keras_hub", "keras_nlp", "keras_cv":
		return true
	}
	return false
}

// bytecodeLen returns the length of the marshalled code object that the
// base64 text s decodes to, 0 if it is not one.
func bytecodeLen(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(s, "\n", ""))
	if err != nil || len(b) == 0 {
		return 0
	}
	// marshal TYPE_CODE is 'c', FLAG_REF (0x80) may be set.
	if b[0]&0x7f != 'c' {
		return 0
	}
	return len(b)
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// readBounded reads r to its end, keeping at most limit bytes; ok is false
// when there were more.
func readBounded(r io.Reader, limit int64) (b []byte, ok bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > limit {
		_, err = io.Copy(io.Discard, r)
		return nil, false, err
	}
	return b, true, nil
}

// keras_metadata.pb (keras/protobuf/saved_metadata.proto): SavedMetadata
// {repeated SavedObject nodes = 1}; SavedObject {VersionDef version = 1;
// int32 node_id = 2; string node_path = 3; string identifier = 4; string
// metadata = 5}, metadata being the layer's JSON.
const (
	kmNodes    = 1
	kmNodePath = 3
	kmMetadata = 5
)

// scanKerasMetadata reads a keras_metadata.pb and walks each node's JSON.
func scanKerasMetadata(rep *Report, br *bufio.Reader) error {
	kr := rep.keras("keras_metadata.pb")
	p := newPBStream(br)
	total := 0
	err := p.root(func(f pbField) error {
		if f.num != kmNodes {
			return nil
		}
		var nodePath string
		var meta []byte
		err := p.messageOf(f, 2, func(g pbField) error {
			switch g.num {
			case kmNodePath:
				s, err := p.text(g, maxProtoName)
				nodePath = s
				return err
			case kmMetadata:
				if g.end-g.start > maxConfigJSON || total+int(g.end-g.start) > maxMetadataJSON {
					rep.add(CodeLimit, "", g.start, "keras_metadata.pb node metadata of %d bytes is over the limit: not checked", g.end-g.start)
					return nil
				}
				b, _, err := p.str(g, maxConfigJSON)
				meta = bytes.Clone(b)
				total += len(b)
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(meta) > 0 {
			scanKerasConfig(rep, kr, meta, fmt.Sprintf("node %q", nodePath))
		}
		return nil
	})
	if pe, ok := asProtoError(err); ok {
		rep.add(CodeLimit, "", pe.off, "keras_metadata.pb does not decode (%s): its layers were not all checked", pe.msg)
		return nil
	}
	return err
}
