package main

import "fmt"

// appHelp returns the text of "mati --help": the commands, the exit codes and
// an example. It is a text/template for urfave/cli with no actions in it.
func appHelp() string {
	return fmt.Sprintf(`mati inspects SageMaker model artifacts and prints what is missing, unexpected
or dangerous, before they are deployed.

Usage:
   mati check [flags] ARTIFACT...    judge artifacts and print a report
   mati scan [flags] LOCATION...     judge every artifact under folders or S3 prefixes
   mati ls [flags] ARTIFACT          list the members with their roles
   mati cat [flags] ARTIFACT MEMBER  write one member to standard output
   mati builder [flags] PATH...      judge SageMaker Pipelines step builders
   mati rules [--format FORMAT]      list the rules
   mati baseline [flags] TARGET...   record the current findings for --baseline
   mati completion bash|zsh|fish     print a shell completion script
   mati version                      print the version (also mati --version)

Every flag can also be set as MATI_<FLAG> (MATI_FAIL_ON=warning), and
.mati.yaml, found from the working directory up to the repository root,
gives defaults (--config FILE, --no-config).

An ARTIFACT is a model.tar.gz, a plain .tar, a model folder, - for standard
input, or s3://bucket/key.
Run 'mati COMMAND --help' for the flags of a command.

Exit codes:
   %d  no finding at or above --fail-on (default: error)
   %d  findings at or above --fail-on
   %d  usage error
   %d  an artifact could not be inspected (missing, not an archive, unreadable,
      S3 error); it beats %d

Example:
   mati check --env SAGEMAKER_PROGRAM=serve.py model.tar.gz
`, exitOK, exitFindings, exitUsage, exitNotInspected, exitFindings)
}

// checkDescription is the description shown by "mati check --help".
func checkDescription() string {
	return fmt.Sprintf(`Reads each artifact once, without extracting it, and reports its files, its
handlers and its findings. Several artifacts give one report.

Exit codes: %d no finding at or above --fail-on, %d findings at or above it,
%d usage error, %d an artifact could not be inspected.

Example:
   mati check --framework pytorch --env-file model.env model.tar.gz
   mati check --format json s3://my-bucket/models/model.tar.gz`,
		exitOK, exitFindings, exitUsage, exitNotInspected)
}
