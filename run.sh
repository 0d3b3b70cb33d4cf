#!/usr/bin/env bash
# Run policy-qa: sets up .venv/ on the first run, indexes new or changed files in data/,
# then serves the web chat and the API (http://127.0.0.1:7860). With ARGS: `policyqa ARGS`.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
if [ "$#" -eq 0 ]; then
  .venv/bin/policyqa ingest data/
  exec .venv/bin/policyqa serve
fi
exec .venv/bin/policyqa "$@"
