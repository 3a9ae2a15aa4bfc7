package deploy

// The rules for CreateModel documents are:
//   - The input is a CreateModel request as "aws sagemaker create-model
//     --cli-input-json" takes it, or a DescribeModel response as
//     "aws sagemaker describe-model" prints it; both name the containers in
//     PrimaryContainer or in Containers (an inference pipeline), never both.
//   - A container's model data is ModelDataUrl (a gzip-compressed tar object,
//     or a prefix in multi-model mode) or ModelDataSource.S3DataSource.
//   - The region is the one in ModelArn when there is one.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoContainer is returned by [ParseModel] for a document that names no
// container.
var ErrNoContainer = errors.New("no PrimaryContainer or Containers")

// The S3DataType and CompressionType values CreateModel accepts.
const (
	S3DataTypeObject = "S3Object"
	S3DataTypePrefix = "S3Prefix"
	CompressionGzip  = "Gzip"
	CompressionNone  = "None"
)

// ModeMultiModel is the container Mode of a multi-model endpoint, whose
// ModelDataUrl is a prefix holding many model archives.
const ModeMultiModel = "MultiModel"

// Model is a SageMaker model as a CreateModel request or a DescribeModel
// response describes it.
type Model struct {
	// Name is ModelName, "" if absent.
	Name string
	// Region is the region in ModelArn (DescribeModel responses only), ""
	// if there is no ARN.
	Region string
	// ExecutionRoleARN is ExecutionRoleArn, "" if absent.
	ExecutionRoleARN string
	// Containers are PrimaryContainer, or the Containers in order. There is
	// at least one.
	Containers []Container
}

// Container is one container definition of a model.
type Container struct {
	// Field is where the container is in the document, for messages:
	// "PrimaryContainer" or "Containers[1]" (0-based, as the API lists them).
	Field string
	// Image is the image URI, "" if absent (a model package container).
	Image string
	// Mode is "SingleModel", "MultiModel", or "" if absent.
	Mode string
	// Environment is the container's environment; never nil.
	Environment map[string]string
	// ModelData is where the model data comes from, nil if the container
	// names none.
	ModelData *ModelData
	// ModelPackageName is ModelPackageName, "" if absent.
	ModelPackageName string
}

// ModelData is where a container's model data comes from, as CreateModel
// names it.
type ModelData struct {
	// Field is "ModelDataUrl" or "ModelDataSource.S3DataSource".
	Field string
	// URI is ModelDataUrl or S3DataSource.S3Uri.
	URI string
	// S3DataType is S3DataSource.S3DataType ("S3Object", "S3Prefix"); "" for
	// ModelDataUrl.
	S3DataType string
	// CompressionType is S3DataSource.CompressionType ("Gzip", "None"); ""
	// for ModelDataUrl.
	CompressionType string
	// MultiModel says whether the container's Mode is "MultiModel".
	MultiModel bool
}

// Compressed reports whether SageMaker will treat the model data as a
// gzip-compressed tar archive: ModelDataUrl outside multi-model mode, or
// CompressionType "Gzip".
func (md ModelData) Compressed() bool {
	if md.Field == "ModelDataUrl" {
		return !md.MultiModel
	}
	return md.CompressionType == CompressionGzip
}

// Prefix reports whether the model data is an S3 prefix rather than one
// object: S3DataType "S3Prefix", or ModelDataUrl in multi-model mode.
func (md ModelData) Prefix() bool {
	if md.Field == "ModelDataUrl" {
		return md.MultiModel
	}
	return md.S3DataType == S3DataTypePrefix
}

// modelDoc is the JSON shape shared by CreateModel requests and DescribeModel
// responses (field names match case-insensitively).
type modelDoc struct {
	ModelName        string
	ModelArn         string
	ExecutionRoleArn string
	PrimaryContainer *containerDoc
	Containers       []containerDoc
}

// containerDoc is one ContainerDefinition.
type containerDoc struct {
	Image           string
	Mode            string
	ModelDataUrl    *string
	ModelDataSource *struct {
		S3DataSource *struct {
			S3Uri           string
			S3DataType      string
			CompressionType string
		}
	}
	Environment      map[string]string
	ModelPackageName string
}

// ParseModel reads a CreateModel request or a DescribeModel response in
// JSON. It returns an error for a document that is not JSON, names no
// container ([ErrNoContainer]), or names both PrimaryContainer and
// Containers. Values are not judged: an invalid image or URI is returned as
// written, for the checks to report.
func ParseModel(r io.Reader) (Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Model{}, fmt.Errorf("failed to read model definition: %w", err)
	}
	var doc modelDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return Model{}, fmt.Errorf("failed to parse model definition: %v", err)
	}
	m := Model{Name: doc.ModelName, ExecutionRoleARN: doc.ExecutionRoleArn}
	if doc.ModelArn != "" {
		m.Region = arnRegion(doc.ModelArn)
	}
	switch {
	case doc.PrimaryContainer != nil && len(doc.Containers) > 0:
		return Model{}, errors.New("failed to parse model definition: both PrimaryContainer and Containers are set")
	case doc.PrimaryContainer != nil:
		m.Containers = []Container{doc.PrimaryContainer.container("PrimaryContainer")}
	case len(doc.Containers) > 0:
		for i, c := range doc.Containers {
			m.Containers = append(m.Containers, c.container(fmt.Sprintf("Containers[%d]", i)))
		}
	default:
		return Model{}, ErrNoContainer
	}
	return m, nil
}

// container converts the JSON definition found at field.
func (cd containerDoc) container(field string) Container {
	c := Container{
		Field:            field,
		Image:            cd.Image,
		Mode:             cd.Mode,
		Environment:      cd.Environment,
		ModelPackageName: cd.ModelPackageName,
	}
	if c.Environment == nil {
		c.Environment = map[string]string{}
	}
	multi := cd.Mode == ModeMultiModel
	switch {
	case cd.ModelDataSource != nil && cd.ModelDataSource.S3DataSource != nil:
		s := cd.ModelDataSource.S3DataSource
		c.ModelData = &ModelData{
			Field:           "ModelDataSource.S3DataSource",
			URI:             s.S3Uri,
			S3DataType:      s.S3DataType,
			CompressionType: s.CompressionType,
			MultiModel:      multi,
		}
	case cd.ModelDataUrl != nil:
		c.ModelData = &ModelData{Field: "ModelDataUrl", URI: *cd.ModelDataUrl, MultiModel: multi}
	}
	return c
}

// arnRegion returns the region of an ARN
// ("arn:aws:sagemaker:us-east-1:123456789012:model/m" -> "us-east-1"), ""
// when arn is not an ARN.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}
