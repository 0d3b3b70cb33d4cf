#!/usr/bin/env bash
# Run the whole test suite (sets up .venv/ first if needed). Extra arguments go to pytest.
# POLICYQA_SLOW_TESTS=1 also runs the heavy model tests (local LLM), which skip
# themselves when the `local` extra is not installed.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
if [ "${POLICYQA_SLOW_TESTS:-0}" = "1" ]; then
  exec .venv/bin/python -m pytest -m "slow or not slow" "$@"
fi
exec .venv/bin/python -m pytest "$@"
