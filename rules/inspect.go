package rules

import (
	"context"
	"errors"

	"github.com/mati-dev/mati/artifact"
)

// Config is what the user told mati about the deployment.
type Config struct {
	// Env holds environment variables given with --env and --env-file.
	Env map[string]string
	// Framework forces the framework ("" detects it).
	Framework string
	// Image is the container image URI the model will run in ("" unknown).
	Image string
	// InstanceType is the endpoint's instance type, e.g. "ml.m5.large"
	// ("" unknown).
	InstanceType string
}

// Inspect reads the artifact once and judges it. An artifact that cannot be
// inspected at all (missing, not an archive, unreadable) gives a Result with
// Error set and the returned error wrapping the cause.
func Inspect(ctx context.Context, src artifact.Source, cfg Config) (Result, error) {
	return Result{Source: src.Name()}, errors.New("not implemented")
}
