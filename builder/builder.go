package builder

import "strings"

// ModelClasses are the SageMaker model constructors a create-model method
// may return, by class name.
var ModelClasses = []string{
	"Model", "XGBoostModel", "PyTorchModel", "SKLearnModel", "TensorFlowModel", "HuggingFaceModel",
}

// StepClasses are the SageMaker Pipelines steps a create_step method may
// return, by class name.
var StepClasses = []string{"CreateModelStep", "ModelStep"}

// CreateModelMethods are the method names that build a builder's model, in
// order of preference.
var CreateModelMethods = []string{"_create_model", "create_model"}

// CreateStepMethod is the name of the method that builds a builder's step.
const CreateStepMethod = "create_step"

// File is what Scan found in one Python file.
type File struct {
	// Imports are the modules the file imports, in source order.
	Imports []Import
	// Classes are the builder classes, in source order.
	Classes []Class
	// SyntaxError is the first position where the parser could not read
	// the file, nil if none. Everything recovered is still reported.
	SyntaxError *SyntaxError
}

// Import is one imported module.
type Import struct {
	// Module is the full dotted module name: "sagemaker.xgboost" for
	// "from sagemaker.xgboost import XGBoostModel", "torch" for
	// "import torch as t". Relative imports are not reported.
	Module string
	// Line is the 1-based line of the import statement.
	Line int
}

// SyntaxError is the first position where the parser could not read the
// file.
type SyntaxError struct {
	// Line is the 1-based line.
	Line int
	// Col is the 1-based column in bytes.
	Col int
	// Message says what was found there, e.g. `unexpected ":"` or
	// `missing ")"`.
	Message string
}

// Class is one builder class: a class that defines (or inherits from a class
// of the same file) create_step returning a step call, or a create-model
// method returning a model call.
type Class struct {
	// Name is the class name.
	Name string
	// Line and Col are the 1-based position of the class name (Col in bytes).
	Line, Col int
	// ExternalBase says that the class derives from a class that is not
	// defined in the file (object and abc.ABC aside), which may define the
	// methods this class lacks.
	ExternalBase bool
	// Base says that another class of the file derives from this one: it
	// may leave methods for its subclasses to define.
	Base bool
	// CreateModel is the create-model method, nil if there is none.
	CreateModel *Method
	// CreateStep is the create_step method, nil if there is none.
	CreateStep *Method
	// Model is the model constructor call the create-model method returns,
	// nil if none was found.
	Model *Call
	// Step is the step constructor call create_step returns, nil if none was
	// found.
	Step *Call
	// StepModel is what Step passes as its model (model= or step_args=).
	// Its Ref is RefNone when Step is nil.
	StepModel StepModel
	// ModelDataSets are the values assigned to a model_data attribute
	// anywhere in the class ("self.model_data = ...", "model.model_data =
	// ..."), in source order.
	ModelDataSets []Value
	// DependsOn says that the class gives the step a dependency: a
	// depends_on argument of Step, an assignment to a depends_on attribute,
	// or a call of add_depends_on.
	DependsOn bool
}

// Method is one method of a builder class.
type Method struct {
	// Name is the method name.
	Name string
	// Line and Col are the 1-based position of the method name (Col in
	// bytes).
	Line, Col int
}

// Call is one constructor call.
type Call struct {
	// Name is the called name as written, e.g. "XGB" or "sagemaker.model.Model".
	Name string
	// Resolved is Name resolved through the file's imports, e.g.
	// "sagemaker.xgboost.XGBoostModel"; Name itself when it is not imported.
	Resolved string
	// Line and Col are the 1-based position of the call (Col in bytes).
	Line, Col int
	// Args are the call's arguments in source order; *args and **kwargs are
	// left out.
	Args []Arg
	// Splat says that the call passes *args or **kwargs, so any argument may
	// be given without being listed.
	Splat bool
}

// Class returns the last component of Resolved: "XGBoostModel".
func (c *Call) Class() string {
	return Resolved(c.Resolved).Last()
}

// Arg returns the argument given by keyword name, or else the positional
// argument at index pos (-1 for none), and whether there is one.
func (c *Call) Arg(name string, pos int) (Arg, bool) {
	for _, a := range c.Args {
		if a.Keyword == name {
			return a, true
		}
	}
	for _, a := range c.Args {
		if a.Keyword == "" && pos >= 0 && a.Index == pos {
			return a, true
		}
	}
	return Arg{}, false
}

// Arg is one argument of a call.
type Arg struct {
	// Keyword is the keyword of a keyword argument, "" for a positional one.
	Keyword string
	// Index is the 0-based position of a positional argument, -1 for a
	// keyword argument.
	Index int
	// Value is what the argument resolves to.
	Value Value
}

// Value is what an expression resolves to in the file. When an expression
// can take several values (a self attribute assigned in two methods), the
// flags combine them: None and Static hold for all, Unique and
// FromTrainingStep for any.
type Value struct {
	// Text is the expression as written.
	Text string
	// Line and Col are the 1-based position of the expression (Col in
	// bytes).
	Line, Col int
	// None says that every value is None.
	None bool
	// Static says that every value is built only from literals: the same
	// on every run of the pipeline.
	Static bool
	// Str is the string every value is, when it is a known constant; Known
	// says whether it is.
	Str   string
	Known bool
	// Unique says that a value depends on a timestamp, a uuid, a random
	// number, a SageMaker unique-name helper or a pipeline execution
	// variable.
	Unique bool
	// FromTrainingStep says that a value reads a step's
	// properties.ModelArtifacts.S3ModelArtifacts.
	FromTrainingStep bool
	// Dict holds the items of a dictionary literal value with constant
	// string keys, nil if the value is not one.
	Dict []Item
	// Call is the call a value is, nil if it is not one.
	Call *Call
}

// Item is one key and value of a dictionary literal.
type Item struct {
	// Key is the constant string key.
	Key string
	// Value is the item's value.
	Value Value
}

// Ref says what a step passes as its model.
type Ref string

// The things a step can pass as its model.
const (
	// RefNone means no model= or step_args= argument.
	RefNone Ref = "none"
	// RefCreateModel means the model the create-model method builds (a call
	// of it, or a name, attribute or .create() call derived from one).
	RefCreateModel Ref = "create-model"
	// RefOther means a model built some other way: a model constructor
	// called in place, or another method of the class.
	RefOther Ref = "other"
	// RefUnknown means a value whose origin is not known (a parameter, say).
	RefUnknown Ref = "unknown"
)

// StepModel is the model argument of a step call.
type StepModel struct {
	// Ref says what the argument is.
	Ref Ref
	// Keyword is "model" or "step_args" ("" for RefNone).
	Keyword string
	// Text is the argument as written.
	Text string
	// Line and Col are the 1-based position of the argument (Col in bytes).
	Line, Col int
}

// Resolved is a dotted name such as "sagemaker.model.Model".
type Resolved string

// Last returns the last component: "Model".
func (r Resolved) Last() string {
	s := string(r)
	return s[strings.LastIndexByte(s, '.')+1:]
}

// Root returns the first component: "sagemaker".
func (r Resolved) Root() string {
	s, _, _ := strings.Cut(string(r), ".")
	return s
}
