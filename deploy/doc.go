// Package deploy knows the facts about a SageMaker deployment configuration
// that the checks in package rules judge: what a container image URI names
// ([ParseImage], and the table of SageMaker framework images behind
// [LookupRepository]), what an ml. instance type provides
// ([ParseInstanceType]), which environment variables the serving containers
// read and what values they accept ([LookupEnv], [CheckEnvValue],
// [SuggestEnv]), and what a CreateModel request or a DescribeModel response
// says about each container ([ParseModel]).
//
// It also reads models from the SageMaker API ([NewSageMakerClient],
// [DescribeModel], [ListModels]), turns a model into the artifacts to check,
// one per container ([Targets], [ModelDataRef]), describes a container for
// reports with its secrets masked ([ContainerView], [MaskEnv]), and parses
// the --env and --env-file forms ([ParseEnvVar], [ParseEnvFile]).
//
// It reports facts, not verdicts, and imports nothing else of mati's. The
// image table in images_gen.go is generated from data/images.json, which is
// derived from the SageMaker Python SDK's image_uri_config files; run
// go generate ./deploy after editing the data file.
//
// # API stability
//
// The package is importable, but its API is not stable.
package deploy
