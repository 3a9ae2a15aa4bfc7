package main

// The rules for reading models from SageMaker are:
//   - the AWS settings are the S3 ones (--profile, --region), with the
//     SageMaker endpoint from --sagemaker-endpoint-url
//     (AWS_ENDPOINT_URL_SAGEMAKER, then AWS_ENDPOINT_URL);
//   - a DescribeModel response goes through deploy.ParseModel, like a
//     describe-model file given to --create-model, so both read the same;
//   - a model that does not exist and a request that is denied are errors
//     with a hint; both exit with 3.

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

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// Sentinel errors of the SageMaker API calls.
var (
	// errModelNotFound is wrapped when DescribeModel finds no such model.
	errModelNotFound = errors.New("no such SageMaker model")
	// errAccessDenied is wrapped when the credentials may not call the API.
	errAccessDenied = errors.New("access denied")
	// errSageMaker is wrapped by the other failures to reach the API. Like
	// the two above, it exits with 3 (exitCode's default).
	errSageMaker = errors.New("SageMaker API error")
)

// sagemakerSettings are the AWS settings for the SageMaker API.
type sagemakerSettings struct {
	// Profile is the shared config profile, "" for the default chain.
	Profile string
	// Region is the region to call, "" for the one the profile names.
	Region string
	// EndpointURL replaces the SageMaker endpoint, "" for the default.
	EndpointURL string
}

// sagemakerAPI is the part of the SageMaker client mati calls.
type sagemakerAPI interface {
	sagemaker.ListModelsAPIClient
	DescribeModel(ctx context.Context, in *sagemaker.DescribeModelInput, optFns ...func(*sagemaker.Options)) (*sagemaker.DescribeModelOutput, error)
}

// newSageMakerClient returns a client for s. It fails with a usage error
// when no region is set anywhere.
func newSageMakerClient(ctx context.Context, s sagemakerSettings) (sagemakerAPI, error) {
	var opts []func(*config.LoadOptions) error
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, &cliError{kind: errSageMaker, err: fmt.Errorf("failed to load the AWS configuration: %v", err),
			hint: "check --profile and the AWS config files"}
	}
	if cfg.Region == "" {
		return nil, usageError("give --region or set AWS_REGION", "no AWS region for the SageMaker API")
	}
	return sagemaker.NewFromConfig(cfg, func(o *sagemaker.Options) {
		if s.EndpointURL != "" {
			o.BaseEndpoint = aws.String(s.EndpointURL)
		}
	}), nil
}

// describeSageMakerModel reads the model name with DescribeModel.
func describeSageMakerModel(ctx context.Context, api sagemakerAPI, name string) (deploy.Model, error) {
	out, err := api.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: aws.String(name)})
	if err != nil {
		return deploy.Model{}, apiError("describe SageMaker model "+fmt.Sprintf("%q", name), "sagemaker:DescribeModel", err)
	}
	return modelFromDescribe(out)
}

// modelFromDescribe converts a DescribeModel response through
// deploy.ParseModel, so that it reads exactly like a describe-model file.
func modelFromDescribe(out *sagemaker.DescribeModelOutput) (deploy.Model, error) {
	doc := struct {
		ModelName        *string
		ModelArn         *string
		ExecutionRoleArn *string
		PrimaryContainer *types.ContainerDefinition  `json:",omitempty"`
		Containers       []types.ContainerDefinition `json:",omitempty"`
	}{out.ModelName, out.ModelArn, out.ExecutionRoleArn, out.PrimaryContainer, out.Containers}
	b, err := json.Marshal(doc)
	if err != nil {
		return deploy.Model{}, fmt.Errorf("failed to read the DescribeModel response: %v", err)
	}
	m, err := deploy.ParseModel(strings.NewReader(string(b)))
	if err != nil {
		return deploy.Model{}, fmt.Errorf("failed to read the DescribeModel response of %q: %w", aws.ToString(out.ModelName), err)
	}
	return m, nil
}

// listSageMakerModels calls fn with every model of the account and region
// whose name contains nameContains ("" for all), in the order ListModels
// returns them, one DescribeModel call each. A model deleted between the
// two calls is skipped. When DescribeModel fails for a model, failed is
// called with the model's summary and the error, and the listing goes on
// if it returns nil; a nil failed stops at that error. It stops at the
// first error from ListModels, fn or failed. fn and failed are called from
// the calling goroutine.
func listSageMakerModels(ctx context.Context, api sagemakerAPI, nameContains string, fn func(deploy.Model) error, failed func(types.ModelSummary, error) error) error {
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
			m, err := describeSageMakerModel(ctx, api, aws.ToString(s.ModelName))
			switch {
			case errors.Is(err, errModelNotFound):
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

// sagemakerModelTargets calls fn with the targets (modelTargets) of every
// model of the account and region whose name contains nameContains, model
// after model, for "mati scan --sagemaker-models". base holds the settings
// from the flags. A model whose DescribeModel call fails goes to failed, as
// listSageMakerModels says. It stops at the first error from ListModels,
// fn or failed.
func sagemakerModelTargets(ctx context.Context, api sagemakerAPI, nameContains string, base rules.Config, fn func(target) error, failed func(types.ModelSummary, error) error) error {
	return listSageMakerModels(ctx, api, nameContains, func(m deploy.Model) error {
		for _, t := range modelTargets(m, base, nil) {
			if err := fn(t); err != nil {
				return err
			}
		}
		return nil
	}, failed)
}

// apiError wraps an error of a SageMaker call ("failed to <what>") with the
// sentinel and hint that fit it; action is the IAM action the call needs.
func apiError(what, action string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch code := ae.ErrorCode(); {
		case code == "ValidationException" && strings.Contains(ae.ErrorMessage(), "Could not find model"):
			return &cliError{kind: errModelNotFound, err: fmt.Errorf("failed to %s: %w", what, errModelNotFound),
				hint: "check the model name and the region (--region); list the models with aws sagemaker list-models"}
		case code == "AccessDeniedException" || code == "AccessDenied" || code == "UnrecognizedClientException" ||
			code == "InvalidClientTokenId" || code == "ExpiredTokenException":
			return &cliError{kind: errAccessDenied, err: fmt.Errorf("failed to %s: %w: %s", what, errAccessDenied, ae.ErrorMessage()),
				hint: fmt.Sprintf("the credentials (--profile) need %s in this account and region", action)}
		}
	}
	return &cliError{kind: errSageMaker, err: fmt.Errorf("failed to %s: %v", what, err),
		hint: "check the credentials, --region and --sagemaker-endpoint-url"}
}
