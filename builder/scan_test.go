package builder_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/builder"
)

// model is the body of a builder whose model call is replaced by %MODEL%.
const model = `
class B:
    def _create_model(self):
        return %MODEL%

    def create_step(self):
        return CreateModelStep(name="s", model=self._create_model())
`

// scan scans src and returns its only builder class.
func scan(t *testing.T, src string) builder.Class {
	t.Helper()
	f, err := builder.Scan([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Classes) != 1 {
		t.Fatalf("got %d builder classes, want 1", len(f.Classes))
	}
	return f.Classes[0]
}

// arg returns the keyword argument name of the model call.
func arg(t *testing.T, c builder.Class, name string) builder.Value {
	t.Helper()
	if c.Model == nil {
		t.Fatal("no model call")
	}
	a, ok := c.Model.Arg(name, -1)
	if !ok {
		t.Fatalf("model call has no %s", name)
	}
	return a.Value
}

func TestScanResolvesImports(t *testing.T) {
	tests := []struct {
		name    string
		imports string
		call    string
		want    string
	}{
		{"from import", "from sagemaker.model import Model", "Model()", "sagemaker.model.Model"},
		{"aliased class", "from sagemaker.xgboost import XGBoostModel as XGB", "XGB()", "sagemaker.xgboost.XGBoostModel"},
		{"aliased module", "import sagemaker.pytorch as smp", "smp.PyTorchModel()", "sagemaker.pytorch.PyTorchModel"},
		{"from package import module as alias", "from sagemaker import sklearn as sk", "sk.SKLearnModel()", "sagemaker.sklearn.SKLearnModel"},
		{"dotted", "import sagemaker", "sagemaker.huggingface.HuggingFaceModel()", "sagemaker.huggingface.HuggingFaceModel"},
		{"star", "from sagemaker.tensorflow import *", "TensorFlowModel()", "sagemaker.tensorflow.TensorFlowModel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scan(t, tt.imports+"\nfrom sagemaker.workflow.steps import CreateModelStep\n"+strings.Replace(model, "%MODEL%", tt.call, 1))
			if c.Model == nil || c.Model.Resolved != tt.want {
				t.Fatalf("model call %+v, want %s", c.Model, tt.want)
			}
		})
	}
}

func TestScanFindsBuilders(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"not a SageMaker model", "from mylib import Model\nclass A:\n    def _create_model(self):\n        return Model()\n", nil},
		{"unimported name", "class A:\n    def _create_model(self):\n        return Model()\n", nil},
		{"import inside the method", "class A:\n    def create_model(self):\n        from sagemaker.model import Model\n        return Model()\n", []string{"A"}},
		{"step only", "from sagemaker.workflow.model_step import ModelStep\nclass A:\n    def create_step(self):\n        return ModelStep(name='x', step_args=None)\n", []string{"A"}},
		{"in a string or comment", "'''\nclass A:\n    def _create_model(self):\n        return Model()\n'''\n# class B:\nfrom sagemaker.model import Model\n", nil},
		{"nested function is not a method", "from sagemaker.model import Model\nclass A:\n    def run(self):\n        def _create_model():\n            return Model()\n", nil},
		{"through a name", "from sagemaker.model import Model\nclass A:\n    def _create_model(self):\n        m = Model()\n        return m\n", []string{"A"}},
		{"through a helper method", "from sagemaker.model import Model\nclass A:\n    def _build(self):\n        return Model()\n    def _create_model(self):\n        return self._build()\n", []string{"A"}},
		{"inherited", "from sagemaker.model import Model\nclass Base:\n    def _create_model(self):\n        return Model()\nclass A(Base):\n    pass\n", []string{"Base", "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := builder.Scan([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range f.Classes {
				got = append(got, c.Name)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("builder classes (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanValues(t *testing.T) {
	const head = "import time, uuid\nfrom datetime import datetime\nfrom sagemaker.model import Model\nfrom sagemaker.workflow.execution_variables import ExecutionVariables\nfrom sagemaker.workflow.functions import Join\nfrom sagemaker.workflow.steps import CreateModelStep\nPREFIX = 'churn'\n"
	tests := []struct {
		name   string
		value  string
		static bool
		unique bool
		str    string
	}{
		{"literal", `"churn-model"`, true, false, "churn-model"},
		{"concatenated", `"churn" "-model"`, true, false, "churn-model"},
		{"escapes decoded as Python does", `"a\x41b\N{HYPHEN-MINUS}\d"`, true, false, "aAb-\\d"},
		{"raw string", `r"a\x41"`, true, false, `a\x41`},
		{"bytes literal", `b"churn"`, true, false, ""},
		{"module constant", `PREFIX`, true, false, "churn"},
		{"f-string over a constant", `f"{PREFIX}-model"`, true, false, ""},
		{"f-string over a timestamp", `f"{PREFIX}-{int(time.time())}"`, false, true, ""},
		{"strftime", `datetime.now().strftime("m-%Y%m%d")`, false, true, ""},
		{"uuid", `"m-" + uuid.uuid4().hex`, false, true, ""},
		{"execution variable", `Join(on="-", values=["m", ExecutionVariables.PIPELINE_EXECUTION_ID])`, false, true, ""},
		{"format of constants", `"{}-model".format(PREFIX)`, true, false, ""},
		{"parameter-like attribute", `self.name`, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scan(t, head+strings.Replace(model, "%MODEL%", "Model(name="+tt.value+")", 1))
			v := arg(t, c, "name")
			got := [3]any{v.Static, v.Unique, v.Str}
			if d := cmp.Diff([3]any{tt.static, tt.unique, tt.str}, got); d != "" {
				t.Errorf("static, unique, str (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanModelDataInAnotherMethod(t *testing.T) {
	src := `from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep

class B:
    def __init__(self):
        self.model_data = None

    def integrate_with_training_step(self, step):
        self.model_data = step.properties.ModelArtifacts.S3ModelArtifacts

    def _create_model(self):
        return Model(model_data=self.model_data)
`
	c := scan(t, src)
	v := arg(t, c, "model_data")
	if v.None || !v.FromTrainingStep {
		t.Errorf("model_data %+v: want not None and from the training step", v)
	}
	if len(c.ModelDataSets) != 2 || c.ModelDataSets[0].Line != 6 || c.ModelDataSets[1].Line != 9 {
		t.Errorf("ModelDataSets %+v, want lines 6 and 9", c.ModelDataSets)
	}
}

func TestScanStepModel(t *testing.T) {
	const head = "from sagemaker.model import Model\nfrom sagemaker.workflow.steps import CreateModelStep\nfrom sagemaker.workflow.model_step import ModelStep\nclass B:\n    def _create_model(self):\n        return Model()\n    def create_step(self, given=None):\n"
	tests := []struct {
		name string
		body string
		want builder.Ref
	}{
		{"call", "        return CreateModelStep(name='s', model=self._create_model())\n", builder.RefCreateModel},
		{"local", "        m = self._create_model()\n        return CreateModelStep('s', None, m)\n", builder.RefCreateModel},
		{"step args", "        args = self._create_model().create(instance_type='ml.m5.large')\n        return ModelStep(name='s', step_args=args)\n", builder.RefCreateModel},
		{"self attribute", "        self.model = self._create_model()\n        return CreateModelStep(name='s', model=self.model)\n", builder.RefCreateModel},
		{"inline model", "        return CreateModelStep(name='s', model=Model())\n", builder.RefOther},
		{"parameter", "        return CreateModelStep(name='s', model=given)\n", builder.RefUnknown},
		{"none", "        return CreateModelStep(name='s')\n", builder.RefNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scan(t, head+tt.body)
			if c.StepModel.Ref != tt.want {
				t.Errorf("StepModel %+v, want %s", c.StepModel, tt.want)
			}
		})
	}
}

func TestScanDependsOn(t *testing.T) {
	const head = "from sagemaker.workflow.steps import CreateModelStep\nclass B:\n    def create_step(self):\n"
	tests := []struct {
		body string
		want bool
	}{
		{"        return CreateModelStep(name='s', depends_on=['train'])\n", true},
		{"        return CreateModelStep(name='s', depends_on=None)\n", false},
		{"        step = CreateModelStep(name='s')\n        step.add_depends_on([self.train])\n        return step\n", true},
		{"        return CreateModelStep(name='s')\n", false},
	}
	for _, tt := range tests {
		if c := scan(t, head+tt.body); c.DependsOn != tt.want {
			t.Errorf("%q: DependsOn %v, want %v", tt.body, c.DependsOn, tt.want)
		}
	}
}

func TestScanPositionsAndErrors(t *testing.T) {
	src := "\ufefffrom sagemaker.model import Model\nclass B:\n    def _create_model(self):\n        return Model(name=\"x\")\n    def broken(self:\n"
	f, err := builder.Scan([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if e := f.SyntaxError; e == nil || e.Line != 5 || e.Message == "" {
		t.Errorf("syntax error %+v, want one on line 5 with a message", e)
	}
	if len(f.Classes) != 1 {
		t.Fatalf("got %d classes, want the recovered builder", len(f.Classes))
	}
	c := f.Classes[0]
	if c.Line != 2 || c.Col != 7 || c.CreateModel.Line != 3 || c.CreateModel.Col != 9 || c.Model.Line != 4 || c.Model.Col != 16 {
		t.Errorf("positions: class %d:%d, method %d:%d, call %d:%d", c.Line, c.Col, c.CreateModel.Line, c.CreateModel.Col, c.Model.Line, c.Model.Col)
	}
	if f.Imports[0].Module != "sagemaker.model" {
		t.Errorf("imports %+v: the byte order mark is part of the first line", f.Imports)
	}
}

func TestScanCycles(t *testing.T) {
	src := `from sagemaker.model import Model
class B:
    def __init__(self):
        self.a = self.b
        self.b = self.a + self.c()
    def c(self):
        return self.c() + self.a
    def _create_model(self):
        x = x + 1
        return Model(name=self.a, role=x, model_data=self.c())
`
	c := scan(t, src)
	if v := arg(t, c, "name"); v.Static || v.None {
		t.Errorf("a cyclic value is known: %+v", v)
	}
}

// FuzzScan checks that Scan never panics and that every position it
// reports lies inside the input.
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/builders/*.py")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("class A(:\n  def _create_model(self): return Model(\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := builder.Scan(src)
		if err != nil {
			return
		}
		lines := bytes.Count(src, []byte{'\n'}) + 1
		in := func(what string, line, col int) {
			if line < 1 || line > lines || col < 1 || col > len(src)+1 {
				t.Fatalf("%s at %d:%d is outside the input (%d lines)", what, line, col, lines)
			}
		}
		for _, c := range file.Classes {
			in("class", c.Line, c.Col)
			for _, m := range []*builder.Method{c.CreateModel, c.CreateStep} {
				if m != nil {
					in("method", m.Line, m.Col)
				}
			}
			for _, call := range []*builder.Call{c.Model, c.Step} {
				if call == nil {
					continue
				}
				in("call", call.Line, call.Col)
				for _, a := range call.Args {
					in("argument", a.Value.Line, a.Value.Col)
				}
			}
			if c.StepModel.Ref != builder.RefNone && c.StepModel.Line > 0 {
				in("step model", c.StepModel.Line, c.StepModel.Col)
			}
		}
	})
}
