package main

// The rules for reading models from SageMaker are:
//   - the AWS settings are the S3 ones (--profile, --region), with the
//     SageMaker endpoint from --sagemaker-endpoint-url
//     (AWS_ENDPOINT_URL_SAGEMAKER, then AWS_ENDPOINT_URL);
//   - the client, DescribeModel and ListModels are package deploy's; a
//     model that does not exist and a request that is denied are errors
//     with a hint; both exit with 3. No region is a usage error.

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/mati-dev/mati/deploy"
	"github.com/mati-dev/mati/rules"
)

// newSageMakerClient returns a client for s. It fails with a usage error
// when no region is set anywhere.
func newSageMakerClient(ctx context.Context, s deploy.SageMakerSettings) (deploy.SageMakerAPI, error) {
	api, err := deploy.NewSageMakerClient(ctx, s)
	if errors.Is(err, deploy.ErrNoRegion) {
		return nil, usageError("give --region or set AWS_REGION", "%v", err)
	}
	return api, err
}

// sagemakerModelTargets calls fn with the targets (modelTargets) of every
// model of the account and region whose name contains nameContains, model
// after model, for "mati scan --sagemaker-models". base holds the settings
// from the flags. A model whose DescribeModel call fails goes to failed, as
// deploy.ListModels says. It stops at the first error from ListModels, fn
// or failed.
func sagemakerModelTargets(ctx context.Context, api deploy.SageMakerAPI, nameContains string, base rules.Config, fn func(target) error, failed func(types.ModelSummary, error) error) error {
	return deploy.ListModels(ctx, api, nameContains, func(m deploy.Model) error {
		for _, t := range modelTargets(m, base, nil) {
			if err := fn(t); err != nil {
				return err
			}
		}
		return nil
	}, failed)
}
