#!/usr/bin/env bash
# Runs mati for the GitHub Action (action.yml), or by hand. Inputs come as
# environment variables:
#   MATI_COMMAND  check, scan or builder (default check)
#   MATI_TARGETS  the artifacts, folders or prefixes, separated by spaces
#   MATI_ARGS     more flags, separated by spaces
#   MATI_FAILON   --fail-on (default error)
#   MATI_SARIF    write SARIF to this file instead of annotations ("" for none)
# With MATI_SARIF, the report goes to that file; without, findings become
# annotations (--format github). The exit code is mati's; it is also written
# as exit-code to $GITHUB_OUTPUT, so that a later step can upload the SARIF
# before failing the job.
set -uo pipefail

command="${MATI_COMMAND:-check}"
case "$command" in
  check | scan | builder) ;;
  *) echo "mati: error: the action runs check, scan or builder, not \"$command\"" >&2; exit 2 ;;
esac
if [ -z "${MATI_TARGETS:-}" ]; then
  echo "mati: error: the action needs targets" >&2
  exit 2
fi
# Targets and args are split on spaces on purpose: one input, many values.
# shellcheck disable=SC2206
targets=(${MATI_TARGETS})
# shellcheck disable=SC2206
args=(${MATI_ARGS:-})
failon="${MATI_FAILON:-error}"

if [ -n "${MATI_SARIF:-}" ]; then
  mkdir -p "$(dirname "$MATI_SARIF")"
  mati "$command" --fail-on "$failon" --format sarif "${args[@]}" -- "${targets[@]}" > "$MATI_SARIF"
  code=$?
  echo "mati: SARIF report in $MATI_SARIF (exit code $code)" >&2
else
  mati "$command" --fail-on "$failon" --format github "${args[@]}" -- "${targets[@]}"
  code=$?
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
exit "$code"
