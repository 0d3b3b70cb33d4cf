#!/usr/bin/env bash
# Run policy-qa: sets up .venv/ on the first run, indexes data/ when the index is empty,
# then runs `policyqa ARGS` (no ARGS: show what the index holds).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
if [ "$#" -eq 0 ]; then
  .venv/bin/policyqa ingest data/
  exec .venv/bin/policyqa index info
fi
exec .venv/bin/policyqa "$@"
