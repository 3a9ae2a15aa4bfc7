package deploy

// The rules for reading models from the SageMaker API are:
//   - a DescribeModel response goes through ParseModel, like a
//     describe-model file, so both read the same;
//   - a model that does not exist (ErrModelNotFound) and a request that is
//     denied (ErrAccessDenied) are errors with a hint; other failures wrap
//     ErrSageMaker.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/smithy-go"
)

// Sentinel errors of the SageMaker API calls.
var (
	// ErrModelNotFound is wrapped when DescribeModel finds no such model.
	ErrModelNotFound = errors.New("no such SageMaker model")
	// ErrAccessDenied is wrapped when the credentials may not call the API.
	ErrAccessDenied = errors.New("access denied")
	// ErrSageMaker is wrapped by the other failures to reach the API.
	ErrSageMaker = errors.New("SageMaker API error")
	// ErrNoRegion is returned by NewSageMakerClient when no region is set
	// anywhere.
	ErrNoRegion = errors.New("no AWS region for the SageMaker API")
)

// SageMakerSettings are the AWS settings for the SageMaker API.
type SageMakerSettings struct {
	// Profile is the shared config profile, "" for the default chain.
	Profile string
	// Region is the region to call, "" for the one the profile names.
	Region string
	// EndpointURL replaces the SageMaker endpoint, "" for the default.
	EndpointURL string
}

// SageMakerAPI is the part of the SageMaker client mati calls.
type SageMakerAPI interface {
	sagemaker.ListModelsAPIClient
	DescribeModel(ctx context.Context, in *sagemaker.DescribeModelInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeModelOutput, error)
}

// NewSageMakerClient returns a client for s. It returns ErrNoRegion when no
// region is set anywhere.
func NewSageMakerClient(ctx context.Context, s SageMakerSettings) (SageMakerAPI, error) {
	var opts []func(*config.LoadOptions) error
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, &hinted{err: fmt.Errorf("failed to load the AWS configuration: %v", err), kind: ErrSageMaker,
			hint: "check --profile and the AWS config files"}
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	return sagemaker.NewFromConfig(cfg, func(o *sagemaker.Options) {
		if s.EndpointURL != "" {
			o.BaseEndpoint = aws.String(s.EndpointURL)
		}
	}), nil
}

// DescribeModel reads the model name with DescribeModel.
func DescribeModel(ctx context.Context, api SageMakerAPI, name string) (Model, error) {
	out, err := api.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: aws.String(name)})
	if err != nil {
		return Model{}, apiError(fmt.Sprintf("describe SageMaker model %q", name), "sagemaker:DescribeModel", err)
	}
	return ModelFromDescribe(out)
}

// ModelFromDescribe converts a DescribeModel response through ParseModel,
// so that it reads exactly like a describe-model file.
func ModelFromDescribe(out *sagemaker.DescribeModelOutput) (Model, error) {
	doc := struct {
		ModelName        *string
		ModelArn         *string
		ExecutionRoleArn *string
		PrimaryContainer *types.ContainerDefinition  `json:",omitempty"`
		Containers       []types.ContainerDefinition `json:",omitempty"`
	}{out.ModelName, out.ModelArn, out.ExecutionRoleArn, out.PrimaryContainer, out.Containers}
	b, err := json.Marshal(doc)
	if err != nil {
		return Model{}, fmt.Errorf("failed to read the DescribeModel response: %v", err)
	}
	m, err := ParseModel(strings.NewReader(string(b)))
	if err != nil {
		return Model{}, fmt.Errorf("failed to read the DescribeModel response of %q: %w", aws.ToString(out.ModelName), err)
	}
	return m, nil
}

// ListModels calls fn with every model of the account and region whose
// name contains nameContains ("" for all), in the order ListModels returns
// them, one DescribeModel call each. A model deleted between the two calls
// is skipped. When DescribeModel fails for a model, failed is called with
// the model's summary and the error, and the listing goes on if it returns
// nil; a nil failed stops at that error. It stops at the first error from
// ListModels, fn or failed. fn and failed are called from the calling
// goroutine.
func ListModels(ctx context.Context, api SageMakerAPI, nameContains string, fn func(Model) error, failed func(types.ModelSummary, error) error) error {
	in := &sagemaker.ListModelsInput{}
	if nameContains != "" {
		in.NameContains = aws.String(nameContains)
	}
	p := sagemaker.NewListModelsPaginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return apiError("list SageMaker models", "sagemaker:ListModels", err)
		}
		for _, s := range page.Models {
			m, err := DescribeModel(ctx, api, aws.ToString(s.ModelName))
			switch {
			case errors.Is(err, ErrModelNotFound):
				continue
			case err != nil && failed == nil:
				return err
			case err != nil:
				err = failed(s, err)
			default:
				err = fn(m)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// apiError wraps an error of a SageMaker call ("failed to <what>") with the
// sentinel and hint that fit it; action is the IAM action the call needs.
func apiError(what, action string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch code := ae.ErrorCode(); {
		case code == "ValidationException" && strings.Contains(ae.ErrorMessage(), "Could not find model"):
			return &hinted{err: fmt.Errorf("failed to %s: %w", what, ErrModelNotFound),
				hint: "check the model name and the region (--region); list the models with aws sagemaker list-models"}
		case code == "AccessDeniedException" || code == "AccessDenied" || code == "UnrecognizedClientException" ||
			code == "InvalidClientTokenId" || code == "ExpiredTokenException":
			return &hinted{err: fmt.Errorf("failed to %s: %w: %s", what, ErrAccessDenied, ae.ErrorMessage()),
				hint: fmt.Sprintf("the credentials (--profile) need %s in this account and region", action)}
		}
	}
	return &hinted{err: fmt.Errorf("failed to %s: %v", what, err), kind: ErrSageMaker,
		hint: "check the credentials, --region and --sagemaker-endpoint-url"}
}
