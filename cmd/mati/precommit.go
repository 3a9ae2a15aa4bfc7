package main

// The rules of "mati pre-commit" are:
//   - it takes the staged files pre-commit passes and judges what they
//     belong to: an archive (*.tar.gz, *.tgz, *.tar) is checked; a file
//     below a code/ folder is its model folder's (the folder holding
//     code/), which is checked once; any other Python file is judged as a
//     step builder file;
//   - it prints findings in the canonical one-line form, with the
//     configuration file found as for check and builder;
//   - the exit code is the worst of the two: 3, else 1, else 0.

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// preCommitCommand is "mati pre-commit [--fail-on SEVERITY] FILE...".
func (e *env) preCommitCommand() *cli.Command {
	return &cli.Command{
		Name:      "pre-commit",
		Usage:     "judge the model artifacts, model folders and step builders that staged files belong to (the pre-commit hook)",
		UsageText: "mati pre-commit [--fail-on SEVERITY] FILE...",
		Description: `Used by the hook in .pre-commit-hooks.yaml. An archive is checked; a file
below a code/ folder (an inference script, requirements.txt) makes its model
folder, the one holding code/, be checked; another Python file is judged as
a SageMaker Pipelines step builder file.`,
		Flags:  []cli.Flag{failOnFlag()},
		Action: e.preCommit,
	}
}

// preCommitTargets sorts staged files into the artifacts and model folders
// to check and the Python files to judge as builders.
//
//	models/churn/code/inference.py -> check models/churn
//	code/inference.py              -> check .
//	models/churn.tar.gz            -> check models/churn.tar.gz
//	pipelines/steps/train.py       -> builder pipelines/steps/train.py
//	README.md                      -> nothing
func preCommitTargets(files []string) (check, builders []string) {
	for _, f := range files {
		p := filepath.ToSlash(filepath.Clean(f))
		switch {
		case strings.HasSuffix(p, ".tar.gz"), strings.HasSuffix(p, ".tgz"), strings.HasSuffix(p, ".tar"):
			check = append(check, f)
		case strings.HasPrefix(p, "code/"):
			check = append(check, ".")
		case strings.Contains(p, "/code/"):
			check = append(check, filepath.FromSlash(p[:strings.LastIndex(p, "/code/")]))
		case strings.HasSuffix(p, ".py"):
			builders = append(builders, f)
		}
	}
	slices.Sort(check)
	return slices.Compact(check), builders
}

// preCommit is the action of "mati pre-commit".
func (e *env) preCommit(c *cli.Context) error {
	check, builders := preCommitTargets(c.Args().Slice())
	failOn := []string{"--fail-on", c.String("fail-on")}
	worst := exitOK
	if len(check) > 0 {
		worst = max(worst, e.run(c.Context, append(append([]string{"check", "--format", "text"}, failOn...), append([]string{"--"}, check...)...)))
	}
	if len(builders) > 0 {
		code := e.run(c.Context, append(append([]string{"builder", "--format", "text"}, failOn...), append([]string{"--"}, builders...)...))
		if code == exitNotInspected || worst == exitNotInspected {
			worst = exitNotInspected
		} else {
			worst = max(worst, code)
		}
	}
	switch worst {
	case exitOK:
		return nil
	case exitFindings:
		return errFindings
	case exitUsage:
		// Already printed by the inner run: an error of both kinds exits
		// with 2 and is not printed again.
		return &cliError{kind: errUsage, err: errFindings}
	}
	return errNotInspected
}
